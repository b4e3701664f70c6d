//! The working sheet 取消资格审批 (the province's answers to the proposed
//! disqualifications), laid out as `contract::review_records` fixes it (the
//! next run reads it back as `approvals`): the register's header block and a
//! title, one header row of `APPROVAL_SHEET_COLUMNS`, one row per proposal
//! (the review year's, and every answer recorded). 审批结果 has a dropdown
//! 同意取消/不同意取消 and 审批日期 a date validation.

use chrono::NaiveDate;
use rust_xlsxwriter::Workbook;

use super::Heading;
use super::cells::{self, failed};
use crate::contract::review_records::{APPROVAL_ANSWERS, APPROVAL_SHEET_COLUMNS, APPROVALS_SHEET};
use crate::error::Result;
use crate::panel::province::ApprovalRow;

pub const HEADER_ROW: u32 = 4;
const WIDTHS: [f64; 9] = [16.0, 16.0, 10.0, 6.0, 40.0, 12.0, 12.0, 20.0, 20.0];

pub fn title(city: &str) -> String {
    format!("{city}省级充分就业社区{APPROVALS_SHEET}登记")
}

fn column(name: &str) -> u16 {
    cells::column_of(APPROVAL_SHEET_COLUMNS, name)
}

pub fn workbook(
    title: &str,
    head: &Heading,
    rows: &[ApprovalRow],
    date: NaiveDate,
) -> Result<Workbook> {
    let mut wb = cells::list_form(
        title,
        head,
        APPROVALS_SHEET,
        APPROVAL_SHEET_COLUMNS,
        &WIDTHS,
        (HEADER_ROW, rows.len(), [0, 4, 7]),
        date,
    )?;
    let ws = wb.worksheet_from_index(0).map_err(failed)?;
    let (cell, centred, date_fmt) = (cells::cell(), cells::centred(), cells::date_cell());
    for (k, row) in rows.iter().enumerate() {
        let r = HEADER_ROW + 1 + k as u32;
        let a = row.answer.as_ref();
        cells::text(ws, r, column("社区代码"), &row.code, &cell)?;
        cells::text_or_blank(ws, r, column("社区名称"), Some(&row.name), &cell)?;
        cells::text_or_blank(ws, r, column("所在区县"), Some(&row.county), &cell)?;
        ws.write_number_with_format(r, column("年度"), f64::from(row.year), &centred)
            .map_err(failed)?;
        cells::text_or_blank(ws, r, column("提请原因"), Some(&row.reason), &cell)?;
        cells::text_or_blank(
            ws,
            r,
            column("审批结果"),
            a.map(|a| a.answer.as_str()),
            &centred,
        )?;
        cells::date_or_blank(
            ws,
            r,
            column("审批日期"),
            a.and_then(|a| a.answered_on),
            &date_fmt,
        )?;
        cells::text_or_blank(
            ws,
            r,
            column("文号"),
            a.and_then(|a| a.document_no.as_deref()),
            &cell,
        )?;
        cells::text_or_blank(
            ws,
            r,
            column("备注"),
            a.and_then(|a| a.note.as_deref()),
            &cell,
        )?;
        let fit = [(row.reason.as_str(), WIDTHS[column("提请原因") as usize])];
        ws.set_row_height(r, cells::row_height(&fit, 18.0))
            .map_err(failed)?;
    }
    let data = (HEADER_ROW + 1, HEADER_ROW + rows.len() as u32);
    cells::dropdown(ws, data, column("审批结果"), APPROVAL_ANSWERS)?;
    cells::date_validation(ws, data, column("审批日期"))?;
    Ok(wb)
}
