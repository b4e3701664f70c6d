//! The working sheet 报送登记 (what the bureau received from each county),
//! laid out as `contract::review_records` fixes it (the next run reads it
//! back as `filings`): the register's header block and a title, one header
//! row of `FILING_SHEET_COLUMNS`, one row per county and document (the
//! signed re-inspection register, the recommended list) with its due date;
//! 收到日期 a date validation.

use chrono::NaiveDate;
use rust_xlsxwriter::Workbook;

use super::Heading;
use super::list_sheet::{self, Check, Layout};
use crate::contract::review_records::{FILING_SHEET_COLUMNS, FILINGS_SHEET};
use crate::error::Result;
use crate::panel::filings::FilingRow;

pub const HEADER_ROW: u32 = list_sheet::HEADER_ROW;

const LAYOUT: Layout = Layout::new(
    (FILINGS_SHEET, FILING_SHEET_COLUMNS),
    &[16.0, 8.0, 18.0, 14.0, 14.0, 30.0],
    [0, 2, 4],
    &[("收到日期", Check::Date)],
);

pub fn title(city: &str) -> String {
    format!("{city}充分就业社区评审材料{FILINGS_SHEET}")
}

pub fn workbook(
    title: &str,
    head: &Heading,
    rows: &[FilingRow],
    date: NaiveDate,
) -> Result<Workbook> {
    list_sheet::workbook(title, head, &LAYOUT, rows, date, |r, row| {
        r.text("所在区县", &row.county)?;
        r.year("年度", row.year)?;
        r.text("报送材料", &row.document)?;
        r.date("截止日期", row.due)?;
        r.date("收到日期", row.received_on)?;
        r.text_or_blank("备注", row.note.as_deref())?;
        r.height(18.0)
    })
}
