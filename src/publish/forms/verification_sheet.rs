//! The working sheet 核实记录, laid out exactly as `contract::review_records`
//! fixes it (the next run reads it back as `verifications`): the register's
//! header block and a title, then one header row of
//! `VERIFICATION_SHEET_COLUMNS`, one row per finding or spot check to check.
//! Recorded checks are filled in; 核实结果 has a dropdown 属实/不属实 and
//! 核实日期 a date validation, dates being real date cells.

use chrono::NaiveDate;
use rust_xlsxwriter::Workbook;

use super::Heading;
use super::list_sheet::{self, Check, Layout};
use crate::contract::review_records::{
    VERIFICATION_RESULTS, VERIFICATION_SHEET_COLUMNS, VERIFICATIONS_SHEET,
};
use crate::error::Result;
use crate::panel::verification_sheet::VerificationRow;

/// The header row (0-based).
pub const HEADER_ROW: u32 = list_sheet::HEADER_ROW;

const LAYOUT: Layout = Layout::new(
    (VERIFICATIONS_SHEET, VERIFICATION_SHEET_COLUMNS),
    &[
        16.0, 16.0, 10.0, 6.0, 18.0, 20.0, 8.0, 40.0, 10.0, 12.0, 14.0, 24.0,
    ],
    [0, 4, 8],
    &[
        ("核实结果", Check::OneOf(VERIFICATION_RESULTS)),
        ("核实日期", Check::Date),
    ],
);

pub fn title(city: &str) -> String {
    format!("{city}充分就业社区疑点{VERIFICATIONS_SHEET}")
}

pub fn workbook(
    title: &str,
    head: &Heading,
    rows: &[VerificationRow],
    date: NaiveDate,
) -> Result<Workbook> {
    list_sheet::workbook(title, head, &LAYOUT, rows, date, |r, v| {
        r.text_or_blank("社区代码", Some(&v.code))?;
        r.text_or_blank("社区名称", Some(&v.name))?;
        r.text_or_blank("所在区县", Some(&v.county))?;
        r.text_or_blank("核实事项", Some(&v.item))?;
        r.text_or_blank("事项名称", Some(&v.item_label))?;
        r.choice("严重程度", Some(&v.severity))?;
        r.text_or_blank("疑点说明", Some(&v.description))?;
        r.choice("核实结果", v.result.as_deref())?;
        r.year("年度", v.year)?;
        r.date("核实日期", v.checked_on)?;
        r.text_or_blank("核实人", v.checked_by.as_deref())?;
        r.text_or_blank("备注", v.note.as_deref())?;
        r.fit_all(&[("疑点说明", &v.description), ("事项名称", &v.item_label)])
    })
}
