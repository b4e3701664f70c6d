//! The two lists the bureau publishes, under the register's header block
//! and ending with the stamp and date lines: the publicity list (公示名单:
//! the applications proposed for recognition, with the level applied for
//! and reached, the publicity dates and where objections go) and the
//! confirmation list (认定名单: the confirmed communities grouped by level
//! and stars, for the confirming document). Rows from `panel::review_lists`.

use chrono::NaiveDate;
use rust_xlsxwriter::Workbook;

use super::cells::{self, failed};
use super::{Heading, register};
use crate::error::Result;
use crate::panel::review_lists::Listed;

pub const PUBLICITY_COLUMNS: [&str; 6] = [
    "序号",
    "所在区县",
    "所在街道",
    "社区名称",
    "申报类型",
    "达到等级",
];
const PUBLICITY_WIDTHS: [f64; 6] = [7.0, 14.0, 18.0, 24.0, 12.0, 16.0];
pub const CONFIRMATION_COLUMNS: [&str; 5] =
    ["序号", "所在区县", "所在街道", "社区名称", "认定等级"];
const CONFIRMATION_WIDTHS: [f64; 5] = [7.0, 16.0, 20.0, 28.0, 20.0];

/// The row of the column headers (0-based), under the header block, the
/// title and the list's own notes.
pub const HEADER_ROW: u32 = 6;

pub fn publicity_title(city: &str, year: i32) -> String {
    format!("{city}{year}年度市级(星级)充分就业社区拟认定名单公示")
}

pub fn confirmation_title(city: &str, year: i32) -> String {
    format!("{city}{year}年度市级(星级)充分就业社区认定名单")
}

/// What the publicity list says of its period.
pub struct Publicity {
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub working_days: i64,
}

/// The level a confirmed community is recognised at, in words.
pub fn recognised(r: &Listed) -> String {
    if r.applied_level == "星级" {
        format!("星级充分就业社区({})", "★".repeat(r.stars.max(0) as usize))
    } else {
        "市级充分就业社区".to_string()
    }
}

/// The stamp and date lines under a list, two rows below its last.
fn stamp(ws: &mut rust_xlsxwriter::Worksheet, after: u32, unit: &str, col: u16) -> Result<()> {
    let plain = cells::plain();
    cells::text(ws, after + 2, col, &format!("{unit}(盖章)"), &plain)?;
    cells::text(ws, after + 3, col, "年    月    日", &plain)?;
    Ok(())
}

/// 公示名单.
pub fn publicity_workbook(
    title: &str,
    head: &Heading,
    rows: &[Listed],
    period: Option<&Publicity>,
    objections_to: Option<&str>,
    date: NaiveDate,
) -> Result<Workbook> {
    let mut wb = cells::workbook(title, date)?;
    let ws = wb.add_worksheet();
    cells::list_sheet(
        ws,
        "公示名单",
        title,
        HEADER_ROW,
        rows.len(),
        &PUBLICITY_WIDTHS,
    )?;
    register::heading(ws, head, [0, 2, 4])?;
    let plain = cells::plain();
    let when = period.map_or(
        "公示时间:(评审日程未设公示起始日期)".to_string(),
        |p| {
            format!(
                "公示时间:{}至{}({}个工作日)",
                cells::date_text(p.start),
                cells::date_text(p.end),
                p.working_days
            )
        },
    );
    cells::text(ws, 4, 0, &when, &plain)?;
    let to = objections_to.unwrap_or("(未设置:pipeline [review] objections_to)");
    cells::text(
        ws,
        5,
        0,
        &format!("公示期间如有异议,请以书面形式向{to}反映。"),
        &plain,
    )?;
    cells::header_row(ws, HEADER_ROW, &PUBLICITY_COLUMNS, 20.0)?;
    let (cell, centred) = (cells::cell(), cells::centred());
    for (k, r) in rows.iter().enumerate() {
        let row = HEADER_ROW + 1 + k as u32;
        ws.write_number_with_format(row, 0, (k + 1) as f64, &centred)
            .map_err(failed)?;
        let texts = [
            (1, r.county.as_str(), &cell),
            (2, r.street.as_str(), &cell),
            (3, r.name.as_str(), &cell),
            (4, r.applied_level.as_str(), &centred),
            (5, r.reached.as_str(), &centred),
        ];
        for (col, t, f) in texts {
            cells::text(ws, row, col, t, f)?;
        }
        let fit = [(r.name.as_str(), PUBLICITY_WIDTHS[3])];
        ws.set_row_height(row, cells::row_height(&fit, 18.0))
            .map_err(failed)?;
    }
    if rows.is_empty() {
        cells::text(ws, HEADER_ROW + 1, 0, "本年度暂无拟认定的社区。", &plain)?;
    }
    stamp(ws, HEADER_ROW + rows.len().max(1) as u32, &head.unit, 3)?;
    Ok(wb)
}

/// 认定名单: a section per level (star communities first, most stars first).
pub fn confirmation_workbook(
    title: &str,
    head: &Heading,
    rows: &[Listed],
    date: NaiveDate,
) -> Result<Workbook> {
    let mut wb = cells::workbook(title, date)?;
    let ws = wb.add_worksheet();
    let sections = {
        let mut s: Vec<String> = rows.iter().map(recognised).collect();
        s.dedup();
        s.len()
    };
    cells::list_sheet(
        ws,
        "认定名单",
        title,
        HEADER_ROW,
        rows.len() + sections,
        &CONFIRMATION_WIDTHS,
    )?;
    register::heading(ws, head, [0, 2, 3])?;
    cells::header_row(ws, HEADER_ROW, &CONFIRMATION_COLUMNS, 20.0)?;
    let (cell, centred, header) = (cells::cell(), cells::centred(), cells::header());
    let last_col = (CONFIRMATION_COLUMNS.len() - 1) as u16;
    let mut row = HEADER_ROW;
    let mut current: Option<String> = None;
    let mut k = 0;
    for r in rows {
        let level = recognised(r);
        if current.as_deref() != Some(level.as_str()) {
            row += 1;
            let count = rows.iter().filter(|x| recognised(x) == level).count();
            ws.merge_range(
                row,
                0,
                row,
                last_col,
                &format!("{level}({count} 个)"),
                &header,
            )
            .map_err(failed)?;
            current = Some(level.clone());
            k = 0;
        }
        row += 1;
        k += 1;
        ws.write_number_with_format(row, 0, k as f64, &centred)
            .map_err(failed)?;
        for (col, t, f) in [
            (1, r.county.as_str(), &cell),
            (2, r.street.as_str(), &cell),
            (3, r.name.as_str(), &cell),
            (4, level.as_str(), &centred),
        ] {
            cells::text(ws, row, col, t, f)?;
        }
        ws.set_row_height(
            row,
            cells::row_height(&[(&r.name, CONFIRMATION_WIDTHS[3])], 18.0),
        )
        .map_err(failed)?;
    }
    if rows.is_empty() {
        row += 1;
        cells::text(ws, row, 0, "本年度暂无认定的社区。", &cells::plain())?;
    }
    stamp(ws, row, &head.unit, 3)?;
    Ok(wb)
}
