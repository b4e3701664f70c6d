//! The working sheet 核实记录, laid out exactly as `contract::review_records`
//! fixes it (the next run reads it back as `verifications`): the register's
//! header block and a title, then one header row of
//! `VERIFICATION_SHEET_COLUMNS`, one row per finding or spot check to check.
//! Recorded checks are filled in; 核实结果 has a dropdown 属实/不属实 and
//! 核实日期 a date validation, dates being real date cells.

use chrono::NaiveDate;
use rust_xlsxwriter::Workbook;

use super::Heading;
use super::cells::{self, failed};
use super::register;
use crate::contract::review_records::{
    VERIFICATION_RESULTS, VERIFICATION_SHEET_COLUMNS, VERIFICATIONS_SHEET,
};
use crate::error::Result;
use crate::panel::verification_sheet::VerificationRow;

/// The header row (0-based).
pub const HEADER_ROW: u32 = 4;

const WIDTHS: [f64; 12] = [
    16.0, 16.0, 10.0, 6.0, 18.0, 20.0, 8.0, 40.0, 10.0, 12.0, 14.0, 24.0,
];

pub fn title(city: &str) -> String {
    format!("{city}充分就业社区疑点{VERIFICATIONS_SHEET}")
}

/// The column of a header, by its name in `VERIFICATION_SHEET_COLUMNS`.
fn column(name: &str) -> u16 {
    VERIFICATION_SHEET_COLUMNS
        .iter()
        .position(|c| *c == name)
        .expect("a column of the contract") as u16
}

pub fn workbook(
    title: &str,
    head: &Heading,
    rows: &[VerificationRow],
    date: NaiveDate,
) -> Result<Workbook> {
    let mut wb = cells::workbook(title, date)?;
    let ws = wb.add_worksheet();
    cells::list_sheet(
        ws,
        VERIFICATIONS_SHEET,
        title,
        HEADER_ROW,
        rows.len(),
        &WIDTHS,
    )?;
    register::heading(ws, head, [0, 4, 8])?;
    cells::header_row(ws, HEADER_ROW, VERIFICATION_SHEET_COLUMNS, 20.0)?;
    let (cell, centred, date_fmt) = (cells::cell(), cells::centred(), cells::date_cell());
    let (result_col, date_col) = (column("核实结果"), column("核实日期"));
    for (k, v) in rows.iter().enumerate() {
        let r = HEADER_ROW + 1 + k as u32;
        let texts: [(&str, Option<&str>); 8] = [
            ("社区代码", Some(&v.code)),
            ("社区名称", Some(&v.name)),
            ("所在区县", Some(&v.county)),
            ("核实事项", Some(&v.item)),
            ("事项名称", Some(&v.item_label)),
            ("严重程度", Some(&v.severity)),
            ("疑点说明", Some(&v.description)),
            ("核实结果", v.result.as_deref()),
        ];
        for (name, value) in texts {
            let f = if matches!(name, "严重程度" | "核实结果") {
                &centred
            } else {
                &cell
            };
            cells::text_or_blank(ws, r, column(name), value, f)?;
        }
        ws.write_number_with_format(r, column("年度"), v.year as f64, &centred)
            .map_err(failed)?;
        cells::date_or_blank(ws, r, date_col, v.checked_on, &date_fmt)?;
        cells::text_or_blank(ws, r, column("核实人"), v.checked_by.as_deref(), &cell)?;
        cells::text_or_blank(ws, r, column("备注"), v.note.as_deref(), &cell)?;
        let fit = [
            (v.description.as_str(), WIDTHS[column("疑点说明") as usize]),
            (v.item_label.as_str(), WIDTHS[column("事项名称") as usize]),
        ];
        ws.set_row_height(r, cells::row_height(&fit, 18.0))
            .map_err(failed)?;
    }
    let data = (HEADER_ROW + 1, HEADER_ROW + rows.len() as u32);
    cells::dropdown(ws, data, result_col, VERIFICATION_RESULTS)?;
    cells::date_validation(ws, data, date_col)?;
    Ok(wb)
}
