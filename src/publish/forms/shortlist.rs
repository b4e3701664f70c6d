//! The shortlist (推荐名单) as a workbook: one row a candidate in rank order,
//! with its score, level, risk and flags, for the panel to annotate; one for
//! the city and one per county, each under the register's header block.

use chrono::NaiveDate;
use rust_xlsxwriter::{Format, Workbook, Worksheet};

use super::cells::{self, failed};
use super::{Heading, register};
use crate::error::Result;
use crate::panel::Candidate;
use crate::panel::labels;

pub const COLUMNS: [&str; 15] = [
    "总排名",
    "区县内排名",
    "所在区县",
    "所在街道",
    "社区名称",
    "社区代码",
    "申报类型",
    "得分",
    "达到等级",
    "是否达到申报等级",
    "风险分",
    "是否需核实",
    "风险标记",
    "名额内推荐",
    "备注",
];

/// Column widths in characters, in the order of `COLUMNS`.
pub const WIDTHS: [f64; 15] = [
    7.0, 8.0, 11.0, 14.0, 20.0, 15.0, 9.0, 7.0, 12.0, 9.0, 7.0, 8.0, 24.0, 9.0, 16.0,
];

/// The row of the column headers (0-based): the header block and the title
/// above it repeat on every printed page.
pub const HEADER_ROW: u32 = 4;

pub fn title(city: &str, year: i32) -> String {
    format!("{city}市级(星级)充分就业社区推荐名单({year}年度)")
}

/// One list: the city's or one county's candidates under `title`, signed by
/// the unit in `head`; `cutoff` is the data's cut-off, printed, and dates
/// the workbook itself.
pub fn workbook(
    title: &str,
    head: &Heading,
    rows: &[Candidate],
    cutoff: NaiveDate,
) -> Result<Workbook> {
    let mut wb = cells::workbook(title, cutoff)?;
    let ws = wb.add_worksheet();
    cells::list_sheet(ws, "推荐名单", title, HEADER_ROW, rows.len(), &WIDTHS)?;
    register::heading(ws, head, [0, 4, 11])?;
    cells::text(
        ws,
        1,
        11,
        &format!("数据截止日期:{}", cells::date_text(cutoff)),
        &cells::plain(),
    )?;
    let height = cells::header_height(&COLUMNS, &WIDTHS);
    cells::header_row(ws, HEADER_ROW, &COLUMNS, height)?;
    for (k, c) in rows.iter().enumerate() {
        candidate_row(ws, HEADER_ROW + 1 + k as u32, c)?;
    }
    Ok(wb)
}

/// One candidate's row at `r`.
fn candidate_row(ws: &mut Worksheet, r: u32, c: &Candidate) -> Result<()> {
    let (cell, centred, decimal) = (cells::cell(), cells::centred(), cells::decimal());
    let num = |ws: &mut Worksheet, col: u16, v: f64| {
        ws.write_number_with_format(r, col, v, &centred)
            .map(|_| ())
            .map_err(failed)
    };
    num(ws, 0, c.rank_overall as f64)?;
    num(ws, 1, c.rank_in_county as f64)?;
    match c.score {
        Some(s) => {
            ws.write_number_with_format(r, 7, s, &decimal)
                .map_err(failed)?;
        }
        None => cells::text(ws, r, 7, "", &cell)?,
    }
    num(ws, 10, c.risk_score as f64)?;
    let flags: Vec<String> = c
        .flags
        .split(';')
        .filter(|s| !s.is_empty())
        .map(labels::detector)
        .collect();
    let recommended = match c.recommended {
        Some(true) => "是",
        Some(false) => "否",
        None => "",
    };
    let verify = if c.needs_verification {
        "需核实"
    } else {
        ""
    };
    let texts: [(u16, String, &Format); 10] = [
        (2, c.county.clone(), &cell),
        (3, c.street.clone(), &cell),
        (4, c.name.clone(), &cell),
        (5, c.code.clone(), &cell),
        (6, c.applied_level.clone(), &centred),
        (8, labels::level(c.level.as_deref(), c.stars), &centred),
        (9, labels::yes_no(c.applied_level_reached).into(), &centred),
        (11, verify.into(), &centred),
        (12, flags.join("、"), &cell),
        (13, recommended.into(), &centred),
    ];
    for (col, t, f) in &texts {
        cells::text(ws, r, *col, t, f)?;
    }
    cells::text(ws, r, 14, "", &cell)?;
    let fit: Vec<(&str, f64)> = texts
        .iter()
        .map(|(col, t, _)| (t.as_str(), WIDTHS[*col as usize]))
        .collect();
    ws.set_row_height(r, cells::row_height(&fit, 18.0))
        .map_err(failed)?;
    Ok(())
}
