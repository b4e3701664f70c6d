//! The working sheet 异议登记 (the objection register), laid out as
//! `contract::review_records` fixes it (the next run reads it back as
//! `objections`): the register's header block and a title, then one header
//! row of `OBJECTION_SHEET_COLUMNS`, one row per objection registered and a
//! blank row per application in publicity. 处理结果 has a dropdown
//! 异议成立/异议不成立 and the two date columns a date validation, down to
//! some spare rows below the last for objections to come.

use chrono::NaiveDate;
use rust_xlsxwriter::Workbook;

use super::Heading;
use super::list_sheet::{self, Check, Layout};
use crate::contract::review_records::{
    OBJECTION_RESOLUTIONS, OBJECTION_SHEET_COLUMNS, OBJECTIONS_SHEET,
};
use crate::error::Result;
use crate::panel::objection_sheet::ObjectionRow;

/// The header row (0-based).
pub const HEADER_ROW: u32 = list_sheet::HEADER_ROW;

const LAYOUT: Layout = Layout::new(
    (OBJECTIONS_SHEET, OBJECTION_SHEET_COLUMNS),
    &[16.0, 16.0, 10.0, 6.0, 12.0, 48.0, 16.0, 12.0, 12.0],
    [0, 3, 6],
    &[
        ("处理结果", Check::OneOf(OBJECTION_RESOLUTIONS)),
        ("受理日期", Check::Date),
        ("处理日期", Check::Date),
    ],
)
.with_spare_rows(20);

pub fn title(city: &str) -> String {
    format!("{city}充分就业社区评审公示{OBJECTIONS_SHEET}")
}

pub fn workbook(
    title: &str,
    head: &Heading,
    rows: &[ObjectionRow],
    date: NaiveDate,
) -> Result<Workbook> {
    list_sheet::workbook(title, head, &LAYOUT, rows, date, |r, row| {
        r.text("社区代码", &row.code)?;
        r.text_or_blank("社区名称", Some(&row.name))?;
        r.text_or_blank("所在区县", Some(&row.county))?;
        r.year("年度", row.year)?;
        let o = row.objection.as_ref();
        r.date("受理日期", o.and_then(|o| o.received_on))?;
        let content = o.map(|o| o.content.as_str());
        r.text_or_blank("异议内容", content)?;
        r.text_or_blank("核查单位", o.and_then(|o| o.checked_by.as_deref()))?;
        r.choice("处理结果", o.and_then(|o| o.resolution.as_deref()))?;
        r.date("处理日期", o.and_then(|o| o.resolved_on))?;
        r.fit("异议内容", content.unwrap_or_default())
    })
}
