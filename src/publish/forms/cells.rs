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

/// The page footer: "第 1 页 共 3 页", centred.
const FOOTER: &str = "&C第 &P 页 共 &N 页";

/// A table of up to this many rows prints on one page, so that one
/// signature and one seal cover it.
pub const ONE_PAGE_ROWS: usize = 40;

/// A4 landscape, one page wide; one page long for up to `ONE_PAGE_ROWS`
/// table rows, else as many pages as it takes with rows `0..=repeat_to`
/// (the header block, the title and the column headers) printed again at
/// the top of every page; page numbers in the footer. Gridlines stay off:
/// the borders are the lines.
pub fn landscape(ws: &mut Worksheet, repeat_to: u32, rows: usize) -> Result<()> {
    ws.set_paper_size(A4);
    ws.set_landscape();
    ws.set_margins(0.4, 0.4, 0.5, 0.6, 0.3, 0.3);
    ws.set_print_fit_to_pages(1, if rows <= ONE_PAGE_ROWS { 1 } else { 0 });
    ws.set_print_center_horizontally(true);
    ws.set_repeat_rows(0, repeat_to).map_err(failed)?;
    ws.set_footer(FOOTER);
    Ok(())
}

/// A4 landscape for a sheet too wide for one page at a readable size:
/// printed at `scale` per cent, a new page at each column of `breaks`, the
/// columns `0..keep` and the rows `0..=repeat_to` printed again on every
/// page, the pages of one band of rows in order across before the next
/// band; page numbers in the footer.
pub fn landscape_across(
    ws: &mut Worksheet,
    repeat_to: u32,
    keep: u16,
    scale: u16,
    breaks: &[u32],
) -> Result<()> {
    ws.set_paper_size(A4);
    ws.set_landscape();
    ws.set_margins(0.4, 0.4, 0.5, 0.6, 0.3, 0.3);
    ws.set_print_scale(scale);
    ws.set_page_order(false);
    ws.set_repeat_rows(0, repeat_to).map_err(failed)?;
    ws.set_repeat_columns(0, keep - 1).map_err(failed)?;
    ws.set_vertical_page_breaks(breaks).map_err(failed)?;
    ws.set_footer(FOOTER);
    Ok(())
}

/// A4 portrait on one page. No page number: each sheet is a form of its
/// own, signed by its own street and county, and a workbook printed whole
/// would number the pages across all the communities' forms.
pub fn portrait(ws: &mut Worksheet) {
    ws.set_paper_size(A4);
    ws.set_portrait();
    ws.set_print_fit_to_pages(1, 1);
    ws.set_print_center_horizontally(true);
}

/// Points a line of 11-point text takes, leading included.
pub const LINE_PT: f64 = 15.0;

/// How wide `s` is in column-width units: a CJK (full-width) character
/// takes two, as it does on screen and on paper.
pub fn display_width(s: &str) -> usize {
    s.chars().map(|c| if wide(c) { 2 } else { 1 }).sum()
}

fn wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F
        | 0x2E80..=0x303E
        | 0x3041..=0x33FF
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF
        | 0xAC00..=0xD7A3
        | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F
        | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6
        | 0x20000..=0x3FFFD)
        // Box-drawing ticks and circled marks print full width in CJK fonts.
        || matches!(c, '☑' | '□' | '●' | '○')
}

/// The lines `text` wraps to in a column `width` characters wide: each
/// hard line break starts a line, and a line longer than the column wraps.
/// A character's worth of the width is kept for the cell's padding.
pub fn wrapped_lines(text: &str, width: f64) -> usize {
    let per_line = (width - 1.0).floor().max(2.0) as usize;
    text.split('\n')
        .map(|line| display_width(line).div_ceil(per_line).max(1))
        .sum()
}

/// The height in points a row needs so that its longest wrapped cell fits:
/// `cells` are (text, column width in characters); never below `min`.
pub fn row_height(cells: &[(&str, f64)], min: f64) -> f64 {
    let lines = cells
        .iter()
        .map(|(t, w)| wrapped_lines(t, *w))
        .max()
        .unwrap_or(1);
    (lines as f64 * LINE_PT + 4.0).max(min)
}

/// Column widths in characters.
pub fn widths(ws: &mut Worksheet, widths: &[f64]) -> Result<()> {
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(c as u16, *w).map_err(failed)?;
    }
    Ok(())
}

/// The frame of a list form: the sheet named, printed landscape with the
/// rows down to the header row repeated on every page, the columns'
/// widths, and the title across all of them on row 2 (rows 0, 1 and 3 hold
/// the header block, `register::heading`).
pub fn list_sheet(
    ws: &mut Worksheet,
    name: &str,
    title: &str,
    header_row: u32,
    rows: usize,
    column_widths: &[f64],
) -> Result<()> {
    ws.set_name(name).map_err(failed)?;
    landscape(ws, header_row, rows)?;
    widths(ws, column_widths)?;
    let last = (column_widths.len() - 1) as u16;
    ws.merge_range(2, 0, 2, last, title, &self::title())
        .map_err(failed)?;
    ws.set_row_height(2, 30).map_err(failed)?;
    Ok(())
}

/// The column of `name` among a sheet's `columns` (a name of the contract's
/// list: a missing one is a programming error).
pub fn column_of(columns: &[&str], name: &str) -> u16 {
    columns
        .iter()
        .position(|c| *c == name)
        .unwrap_or_else(|| panic!("{name} is a column of the sheet")) as u16
}

/// A working list sheet (核实记录, 异议登记, 取消资格审批, 报送登记): a workbook
/// with one sheet named `sheet`, printed landscape, the register's header
/// block (`heading_cols`) and `title` above one header row of `columns` at
/// `header_row`, for `rows` rows.
pub fn list_form(
    title: &str,
    head: &super::Heading,
    sheet: &str,
    columns: &[&str],
    widths: &[f64],
    (header_row, rows, heading_cols): (u32, usize, [u16; 3]),
    date: NaiveDate,
) -> Result<Workbook> {
    let mut wb = workbook(title, date)?;
    let ws = wb.add_worksheet();
    list_sheet(ws, sheet, title, header_row, rows, widths)?;
    super::register::heading(ws, head, heading_cols)?;
    self::header_row(ws, header_row, columns, 20.0)?;
    Ok(wb)
}

/// The table's header row: the column names, the row `height` points high,
/// the rows above it frozen.
pub fn header_row(ws: &mut Worksheet, row: u32, columns: &[&str], height: f64) -> Result<()> {
    let format = header();
    for (c, name) in columns.iter().enumerate() {
        text(ws, row, c as u16, name, &format)?;
    }
    ws.set_row_height(row, height).map_err(failed)?;
    ws.set_freeze_panes(row + 1, 0).map_err(failed)?;
    Ok(())
}

/// The height a header row of `columns` at `column_widths` needs (30
/// points at least).
pub fn header_height(columns: &[&str], column_widths: &[f64]) -> f64 {
    let fit: Vec<(&str, f64)> = columns
        .iter()
        .copied()
        .zip(column_widths.iter().copied())
        .collect();
    row_height(&fit, 30.0)
}

/// Writes text as a string cell, never as a formula.
pub fn text(ws: &mut Worksheet, row: u32, col: u16, value: &str, format: &Format) -> Result<()> {
    ws.write_string_with_format(row, col, value, format)
        .map_err(failed)?;
    Ok(())
}

/// A date cell's format in the working sheets: a real date, shown yyyy-mm-dd.
pub fn date_cell() -> Format {
    cell().set_num_format("yyyy-mm-dd")
}

/// `d` as Excel's date.
pub fn excel_date(d: NaiveDate) -> Result<ExcelDateTime> {
    ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8).map_err(failed)
}

/// A date cell, or an empty cell with the date format when there is no date
/// (so a date typed into it shows as yyyy-mm-dd).
pub fn date_or_blank(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    value: Option<NaiveDate>,
    format: &Format,
) -> Result<()> {
    match value {
        Some(d) => ws
            .write_date_with_format(row, col, excel_date(d)?, format)
            .map_err(failed)?,
        None => ws.write_blank(row, col, format).map_err(failed)?,
    };
    Ok(())
}

/// Text, or an empty bordered cell.
pub fn text_or_blank(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    value: Option<&str>,
    format: &Format,
) -> Result<()> {
    match value.filter(|v| !v.is_empty()) {
        Some(v) => text(ws, row, col, v, format),
        None => {
            ws.write_blank(row, col, format).map_err(failed)?;
            Ok(())
        }
    }
}

/// A dropdown of `values` over the cells `rows` × `col`, refusing anything
/// else (a blank stays allowed: an open decision).
pub fn dropdown(ws: &mut Worksheet, rows: (u32, u32), col: u16, values: &[&str]) -> Result<()> {
    if rows.1 < rows.0 {
        return Ok(());
    }
    let v = rust_xlsxwriter::DataValidation::new()
        .allow_list_strings(values)
        .map_err(failed)?
        .set_error_title("请从下拉列表中选择")
        .map_err(failed)?
        .set_error_message(format!("可选:{}", values.join("、")))
        .map_err(failed)?;
    ws.add_data_validation(rows.0, col, rows.1, col, &v)
        .map_err(failed)?;
    Ok(())
}

/// A date validation over the cells `rows` × `col`: a date between
/// 2000-01-01 and 2099-12-31 (a blank stays allowed).
pub fn date_validation(ws: &mut Worksheet, rows: (u32, u32), col: u16) -> Result<()> {
    if rows.1 < rows.0 {
        return Ok(());
    }
    let from = ExcelDateTime::from_ymd(2000, 1, 1).map_err(failed)?;
    let to = ExcelDateTime::from_ymd(2099, 12, 31).map_err(failed)?;
    let v = rust_xlsxwriter::DataValidation::new()
        .allow_date(rust_xlsxwriter::DataValidationRule::Between(from, to))
        .set_error_title("请填写日期")
        .map_err(failed)?
        .set_error_message("请填写日期,如 2021-11-02")
        .map_err(failed)?;
    ws.add_data_validation(rows.0, col, rows.1, col, &v)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cjk_character_takes_two_columns_and_long_text_wraps() {
        assert_eq!(display_width("卫东区 12"), 9);
        // 24 columns wide: 23 usable, 11 CJK characters a line.
        assert_eq!(wrapped_lines("团结社区", 24.0), 1);
        assert_eq!(wrapped_lines(&"社".repeat(12), 24.0), 2);
        assert_eq!(wrapped_lines("(公章)\n年 月 日", 24.0), 2);
        assert_eq!(row_height(&[("短", 10.0)], 18.0), 19.0);
        assert_eq!(
            row_height(&[("短", 10.0), (&"长".repeat(12), 10.0)], 18.0),
            3.0 * LINE_PT + 4.0
        );
    }
}
