//! The working sheet 报送登记 (what the bureau received from each county),
//! laid out as `contract::review_records` fixes it (the next run reads it
//! back as `filings`): the register's header block and a title, one header
//! row of `FILING_SHEET_COLUMNS`, one row per county and document (the
//! signed re-inspection register, the recommended list) with its due date;
//! 收到日期 a date validation.

use chrono::NaiveDate;
use rust_xlsxwriter::Workbook;

use super::Heading;
use super::cells::{self, failed};
use crate::contract::review_records::{FILING_SHEET_COLUMNS, FILINGS_SHEET};
use crate::error::Result;
use crate::panel::filings::FilingRow;

pub const HEADER_ROW: u32 = 4;
const WIDTHS: [f64; 6] = [16.0, 8.0, 18.0, 14.0, 14.0, 30.0];

pub fn title(city: &str) -> String {
    format!("{city}充分就业社区评审材料{FILINGS_SHEET}")
}

fn column(name: &str) -> u16 {
    cells::column_of(FILING_SHEET_COLUMNS, name)
}

pub fn workbook(
    title: &str,
    head: &Heading,
    rows: &[FilingRow],
    date: NaiveDate,
) -> Result<Workbook> {
    let mut wb = cells::list_form(
        title,
        head,
        FILINGS_SHEET,
        FILING_SHEET_COLUMNS,
        &WIDTHS,
        (HEADER_ROW, rows.len(), [0, 2, 4]),
        date,
    )?;
    let ws = wb.worksheet_from_index(0).map_err(failed)?;
    let (cell, centred, date_fmt) = (cells::cell(), cells::centred(), cells::date_cell());
    for (k, row) in rows.iter().enumerate() {
        let r = HEADER_ROW + 1 + k as u32;
        cells::text(ws, r, column("所在区县"), &row.county, &cell)?;
        ws.write_number_with_format(r, column("年度"), f64::from(row.year), &centred)
            .map_err(failed)?;
        cells::text(ws, r, column("报送材料"), &row.document, &cell)?;
        cells::date_or_blank(ws, r, column("截止日期"), row.due, &date_fmt)?;
        cells::date_or_blank(ws, r, column("收到日期"), row.received_on, &date_fmt)?;
        cells::text_or_blank(ws, r, column("备注"), row.note.as_deref(), &cell)?;
        ws.set_row_height(r, 18.0).map_err(failed)?;
    }
    let data = (HEADER_ROW + 1, HEADER_ROW + rows.len() as u32);
    cells::date_validation(ws, data, column("收到日期"))?;
    Ok(wb)
}
