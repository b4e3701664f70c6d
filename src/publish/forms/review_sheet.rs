//! The working sheet 评审记录, laid out exactly as
//! `contract::review_records` fixes it (the next run reads it back as
//! `decisions`): the register's header block and a title, then a two-row
//! header: `申报信息` over the application's fields and each stage's name
//! over its four fields, merged across its group; the field names below;
//! one row per application. Recorded decisions are filled in; every
//! 结论 cell has a dropdown of its stage's values and every 日期 cell a date
//! validation, dates being real date cells shown yyyy-mm-dd.

use chrono::NaiveDate;
use rust_xlsxwriter::{Workbook, Worksheet};

use super::Heading;
use super::cells::{self, failed};
use super::register;
use crate::config::Stages;
use crate::contract::review_records::{
    APPLICATION_FIELDS, APPLICATION_GROUP, DECISIONS_SHEET, STAGE_FIELDS,
};
use crate::error::Result;
use crate::panel::review_sheet::ApplicationRow;

/// The row of the upper (group) header; the field names are on the next row.
pub const GROUP_ROW: u32 = 4;
pub const FIELD_ROW: u32 = GROUP_ROW + 1;

/// Column widths of the application's fields, then of one stage's fields.
const APPLICATION_WIDTHS: [f64; 7] = [16.0, 18.0, 10.0, 14.0, 6.0, 8.0, 12.0];
const STAGE_WIDTHS: [f64; 4] = [10.0, 24.0, 12.0, 14.0];

/// The columns printed again on every page (code and name), and the print
/// scale that fits the widest page (the first) on A4. The first page holds
/// the application's fields and the first stage, each later page two stages.
const KEPT_COLUMNS: u16 = 2;
const STAGES_A_PAGE: usize = 2;
const PRINT_SCALE: u16 = 64;

/// The sheet's title: 充分就业社区评审记录(新华区).
pub fn title(scope: &str) -> String {
    format!("充分就业社区{DECISIONS_SHEET}({scope})")
}

/// The workbook of `rows`.
pub fn workbook(
    title: &str,
    head: &Heading,
    rows: &[&ApplicationRow],
    stages: &Stages,
    date: NaiveDate,
) -> Result<Workbook> {
    let mut wb = cells::workbook(title, date)?;
    let ws = wb.add_worksheet();
    ws.set_name(DECISIONS_SHEET).map_err(failed)?;
    page_layout(ws, title, head, stages)?;
    header_rows(ws, stages)?;
    for (k, a) in rows.iter().enumerate() {
        application_row(ws, FIELD_ROW + 1 + k as u32, a)?;
    }
    let data = (FIELD_ROW + 1, FIELD_ROW + rows.len() as u32);
    for (s, stage) in stages.iter().enumerate() {
        let first = stage_column(s);
        let outcomes: Vec<&str> = stage.outcomes.iter().map(String::as_str).collect();
        cells::dropdown(ws, data, first, &outcomes)?;
        cells::date_validation(ws, data, first + 2)?;
    }
    Ok(wb)
}

/// The first column of stage `s`.
fn stage_column(s: usize) -> u16 {
    (APPLICATION_FIELDS.len() + s * STAGE_FIELDS.len()) as u16
}

/// Pages, widths, the title and the header block. The stages do not fit
/// one A4 width at a size one can write beside: the first page prints the
/// application's fields and the first stage, the next ones two stages a
/// page; every page repeats the community's code and name.
fn page_layout(ws: &mut Worksheet, title: &str, head: &Heading, stages: &Stages) -> Result<()> {
    let mut page_starts: Vec<u32> = (1..stages.len())
        .step_by(STAGES_A_PAGE)
        .map(|s| u32::from(stage_column(s)))
        .collect();
    if page_starts.is_empty() {
        page_starts.push(u32::from(stage_column(1)));
    }
    cells::landscape_across(ws, FIELD_ROW, KEPT_COLUMNS, PRINT_SCALE, &page_starts)?;
    let first_page_last_col = (page_starts[0] - 1) as u16;
    let mut widths: Vec<f64> = APPLICATION_WIDTHS.to_vec();
    for _ in stages.iter() {
        widths.extend(STAGE_WIDTHS);
    }
    cells::widths(ws, &widths)?;
    ws.merge_range(2, 0, 2, first_page_last_col, title, &cells::title())
        .map_err(failed)?;
    ws.set_row_height(2, 30).map_err(failed)?;
    register::heading(ws, head, [0, 3, 7])
}

/// The two header rows: the application's group and each stage's name
/// above their fields.
fn header_rows(ws: &mut Worksheet, stages: &Stages) -> Result<()> {
    let header = cells::header();
    let app_cols = APPLICATION_FIELDS.len() as u16;
    ws.merge_range(
        GROUP_ROW,
        0,
        GROUP_ROW,
        app_cols - 1,
        APPLICATION_GROUP,
        &header,
    )
    .map_err(failed)?;
    for (c, name) in APPLICATION_FIELDS.iter().enumerate() {
        cells::text(ws, FIELD_ROW, c as u16, name, &header)?;
    }
    for (s, stage) in stages.iter().enumerate() {
        let first = stage_column(s);
        let last = first + STAGE_FIELDS.len() as u16 - 1;
        ws.merge_range(GROUP_ROW, first, GROUP_ROW, last, &stage.name, &header)
            .map_err(failed)?;
        for (j, name) in STAGE_FIELDS.iter().enumerate() {
            cells::text(ws, FIELD_ROW, first + j as u16, name, &header)?;
        }
    }
    ws.set_row_height(GROUP_ROW, 20).map_err(failed)?;
    ws.set_row_height(FIELD_ROW, 20).map_err(failed)?;
    ws.set_freeze_panes(FIELD_ROW + 1, 2).map_err(failed)?;
    Ok(())
}

/// One application's row at `r`: its fields, then each stage's recorded
/// decision, opinion, date and unit.
fn application_row(ws: &mut Worksheet, r: u32, a: &ApplicationRow) -> Result<()> {
    let (cell, centred, date_fmt) = (cells::cell(), cells::centred(), cells::date_cell());
    cells::text(ws, r, 0, &a.code, &cell)?;
    cells::text_or_blank(ws, r, 1, Some(&a.name), &cell)?;
    cells::text_or_blank(ws, r, 2, Some(&a.county), &cell)?;
    cells::text_or_blank(ws, r, 3, Some(&a.street), &cell)?;
    ws.write_number_with_format(r, 4, a.year as f64, &centred)
        .map_err(failed)?;
    cells::text_or_blank(ws, r, 5, Some(&a.applied_level), &centred)?;
    cells::date_or_blank(ws, r, 6, a.submitted_on, &date_fmt)?;
    let mut fit: Vec<(&str, f64)> = vec![(a.name.as_str(), APPLICATION_WIDTHS[1])];
    for (s, recorded) in a.stages.iter().enumerate() {
        let first = stage_column(s);
        let d = recorded.as_ref();
        cells::text_or_blank(ws, r, first, d.map(|d| d.decision.as_str()), &centred)?;
        let opinion = d.and_then(|d| d.opinion.as_deref());
        cells::text_or_blank(ws, r, first + 1, opinion, &cell)?;
        cells::date_or_blank(ws, r, first + 2, d.and_then(|d| d.decided_on), &date_fmt)?;
        let by = d.and_then(|d| d.decided_by.as_deref());
        cells::text_or_blank(ws, r, first + 3, by, &cell)?;
        if let Some(o) = opinion {
            fit.push((o, STAGE_WIDTHS[1]));
        }
    }
    ws.set_row_height(r, cells::row_height(&fit, 18.0))
        .map_err(failed)?;
    Ok(())
}
