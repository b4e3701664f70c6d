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
use super::cells::{self, failed};
use crate::contract::review_records::{
    OBJECTION_RESOLUTIONS, OBJECTION_SHEET_COLUMNS, OBJECTIONS_SHEET,
};
use crate::error::Result;
use crate::panel::objection_sheet::ObjectionRow;

/// The header row (0-based).
pub const HEADER_ROW: u32 = 4;

/// Rows below the last with the dropdown and date checks, to register more.
const SPARE_ROWS: u32 = 20;

const WIDTHS: [f64; 9] = [16.0, 16.0, 10.0, 6.0, 12.0, 48.0, 16.0, 12.0, 12.0];

pub fn title(city: &str) -> String {
    format!("{city}充分就业社区评审公示{OBJECTIONS_SHEET}")
}

/// The column of a header, by its name in `OBJECTION_SHEET_COLUMNS`.
fn column(name: &str) -> u16 {
    cells::column_of(OBJECTION_SHEET_COLUMNS, name)
}

pub fn workbook(
    title: &str,
    head: &Heading,
    rows: &[ObjectionRow],
    date: NaiveDate,
) -> Result<Workbook> {
    let mut wb = cells::list_form(
        title,
        head,
        OBJECTIONS_SHEET,
        OBJECTION_SHEET_COLUMNS,
        &WIDTHS,
        (HEADER_ROW, rows.len(), [0, 3, 6]),
        date,
    )?;
    let ws = wb.worksheet_from_index(0).map_err(failed)?;
    let (cell, centred, date_fmt) = (cells::cell(), cells::centred(), cells::date_cell());
    for (k, row) in rows.iter().enumerate() {
        let r = HEADER_ROW + 1 + k as u32;
        cells::text(ws, r, column("社区代码"), &row.code, &cell)?;
        cells::text_or_blank(ws, r, column("社区名称"), Some(&row.name), &cell)?;
        cells::text_or_blank(ws, r, column("所在区县"), Some(&row.county), &cell)?;
        ws.write_number_with_format(r, column("年度"), f64::from(row.year), &centred)
            .map_err(failed)?;
        let o = row.objection.as_ref();
        cells::date_or_blank(
            ws,
            r,
            column("受理日期"),
            o.and_then(|o| o.received_on),
            &date_fmt,
        )?;
        let content = o.map(|o| o.content.as_str());
        cells::text_or_blank(ws, r, column("异议内容"), content, &cell)?;
        let by = o.and_then(|o| o.checked_by.as_deref());
        cells::text_or_blank(ws, r, column("核查单位"), by, &cell)?;
        let resolution = o.and_then(|o| o.resolution.as_deref());
        cells::text_or_blank(ws, r, column("处理结果"), resolution, &centred)?;
        cells::date_or_blank(
            ws,
            r,
            column("处理日期"),
            o.and_then(|o| o.resolved_on),
            &date_fmt,
        )?;
        let fit = [(
            content.unwrap_or_default(),
            WIDTHS[column("异议内容") as usize],
        )];
        ws.set_row_height(r, cells::row_height(&fit, 18.0))
            .map_err(failed)?;
    }
    let data = (HEADER_ROW + 1, HEADER_ROW + rows.len() as u32 + SPARE_ROWS);
    cells::dropdown(ws, data, column("处理结果"), OBJECTION_RESOLUTIONS)?;
    cells::date_validation(ws, data, column("受理日期"))?;
    cells::date_validation(ws, data, column("处理日期"))?;
    Ok(wb)
}
