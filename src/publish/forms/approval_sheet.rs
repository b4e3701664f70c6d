//! The working sheet 取消资格审批 (the province's answers to the proposed
//! disqualifications), laid out as `contract::review_records` fixes it (the
//! next run reads it back as `approvals`): the register's header block and a
//! title, one header row of `APPROVAL_SHEET_COLUMNS`, one row per proposal
//! (the review year's, and every answer recorded). 审批结果 has a dropdown
//! 同意取消/不同意取消 and 审批日期 a date validation.

use chrono::NaiveDate;
use rust_xlsxwriter::Workbook;

use super::Heading;
use super::list_sheet::{self, Check, Layout};
use crate::contract::review_records::{APPROVAL_ANSWERS, APPROVAL_SHEET_COLUMNS, APPROVALS_SHEET};
use crate::error::Result;
use crate::panel::province::ApprovalRow;

pub const HEADER_ROW: u32 = list_sheet::HEADER_ROW;

const LAYOUT: Layout = Layout::new(
    (APPROVALS_SHEET, APPROVAL_SHEET_COLUMNS),
    &[16.0, 16.0, 10.0, 6.0, 40.0, 12.0, 12.0, 20.0, 20.0],
    [0, 4, 7],
    &[
        ("审批结果", Check::OneOf(APPROVAL_ANSWERS)),
        ("审批日期", Check::Date),
    ],
);

pub fn title(city: &str) -> String {
    format!("{city}省级充分就业社区{APPROVALS_SHEET}登记")
}

pub fn workbook(
    title: &str,
    head: &Heading,
    rows: &[ApprovalRow],
    date: NaiveDate,
) -> Result<Workbook> {
    list_sheet::workbook(title, head, &LAYOUT, rows, date, |r, row| {
        let a = row.answer.as_ref();
        r.text("社区代码", &row.code)?;
        r.text_or_blank("社区名称", Some(&row.name))?;
        r.text_or_blank("所在区县", Some(&row.county))?;
        r.year("年度", row.year)?;
        r.text_or_blank("提请原因", Some(&row.reason))?;
        r.choice("审批结果", a.map(|a| a.answer.as_str()))?;
        r.date("审批日期", a.and_then(|a| a.answered_on))?;
        r.text_or_blank("文号", a.and_then(|a| a.document_no.as_deref()))?;
        r.text_or_blank("备注", a.and_then(|a| a.note.as_deref()))?;
        r.fit("提请原因", &row.reason)
    })
}
