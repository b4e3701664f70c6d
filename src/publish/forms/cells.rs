//! What every form shares: cell formats, the A4 print setup, and a
//! workbook whose bytes depend on the inputs alone (its creation date is the
//! run's cut-off date, not the clock). Text is always written as a string
//! cell, so a name beginning with `=`, `+`, `-` or `@` stays text.

use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError,
};

use crate::error::{Error, Result};

/// A4 in Excel's paper size numbering.
const A4: u8 = 9;

pub fn failed(e: XlsxError) -> Error {
    Error::Internal(anyhow::anyhow!("writing a form: {e}"))
}

/// A workbook stamped with `date` as its creation date, so the same inputs
/// give the same bytes.
pub fn workbook(title: &str, date: NaiveDate) -> Result<Workbook> {
    let mut wb = Workbook::new();
    let created = ExcelDateTime::from_ymd(date.year() as u16, date.month() as u8, date.day() as u8)
        .map_err(failed)?;
    let props = DocProperties::new()
        .set_title(title)
        .set_author("fullemp")
        .set_creation_datetime(&created);
    wb.set_properties(&props);
    Ok(wb)
}

pub fn title() -> Format {
    Format::new()
        .set_bold()
        .set_font_size(16)
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
}

pub fn plain() -> Format {
    Format::new().set_align(FormatAlign::VerticalCenter)
}

pub fn header() -> Format {
    Format::new()
        .set_bold()
        .set_border(FormatBorder::Thin)
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_background_color(0xF2F2F2)
}

pub fn cell() -> Format {
    Format::new()
        .set_border(FormatBorder::Thin)
        .set_text_wrap()
        .set_align(FormatAlign::VerticalCenter)
}

pub fn centred() -> Format {
    cell().set_align(FormatAlign::Center)
}

pub fn decimal() -> Format {
    cell().set_num_format("0.0")
}

/// A4 landscape, one page wide, gridlines off (the borders are the lines).
pub fn landscape(ws: &mut Worksheet) {
    ws.set_paper_size(A4);
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
    ws.set_print_center_horizontally(true);
}

/// A4 portrait on one page.
pub fn portrait(ws: &mut Worksheet) {
    ws.set_paper_size(A4);
    ws.set_portrait();
    ws.set_print_fit_to_pages(1, 1);
    ws.set_print_center_horizontally(true);
}

/// Column widths in characters.
pub fn widths(ws: &mut Worksheet, widths: &[f64]) -> Result<()> {
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(c as u16, *w).map_err(failed)?;
    }
    Ok(())
}

/// Writes text as a string cell, never as a formula.
pub fn text(ws: &mut Worksheet, row: u32, col: u16, value: &str, format: &Format) -> Result<()> {
    ws.write_string_with_format(row, col, value, format)
        .map_err(failed)?;
    Ok(())
}

/// A date as the forms write it: 2021年12月31日.
pub fn date_text(d: NaiveDate) -> String {
    d.format("%Y年%-m月%-d日").to_string()
}

/// A file name part: characters a file system or Excel refuses become `_`.
pub fn safe_name(s: &str) -> String {
    let cleaned: String = s
        .chars()
        .map(|c| {
            if c.is_control() || "/\\:*?\"<>|[]'".contains(c) {
                '_'
            } else {
                c
            }
        })
        .collect();
    let trimmed = cleaned.trim_matches(|c: char| c == '.' || c.is_whitespace());
    if trimmed.is_empty() {
        "_".into()
    } else {
        trimmed.to_string()
    }
}
