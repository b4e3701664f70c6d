//! The shortlist (推荐名单) as a workbook: one row a candidate in rank order,
//! with its score, level, risk and flags, for the panel to annotate.

use chrono::NaiveDate;
use rust_xlsxwriter::Workbook;

use super::cells::{self, failed};
use crate::error::Result;
use crate::labels;
use crate::panel::Candidate;

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

pub const HEADER_ROW: u32 = 2;

pub fn workbook(city: &str, year: i32, rows: &[Candidate], date: NaiveDate) -> Result<Workbook> {
    let title = format!("{city}市级(星级)充分就业社区推荐名单({year}年度)");
    let mut wb = cells::workbook(&title, date)?;
    let ws = wb.add_worksheet();
    ws.set_name("推荐名单").map_err(failed)?;
    cells::landscape(ws);
    cells::widths(
        ws,
        &[
            7.0, 8.0, 11.0, 14.0, 20.0, 15.0, 9.0, 7.0, 12.0, 9.0, 7.0, 8.0, 24.0, 9.0, 16.0,
        ],
    )?;
    ws.merge_range(0, 0, 0, 14, &title, &cells::title())
        .map_err(failed)?;
    ws.set_row_height(0, 30).map_err(failed)?;
    cells::text(
        ws,
        1,
        0,
        &format!("截止日期:{}", cells::date_text(date)),
        &cells::plain(),
    )?;
    let header = cells::header();
    for (c, name) in COLUMNS.iter().enumerate() {
        cells::text(ws, HEADER_ROW, c as u16, name, &header)?;
    }
    ws.set_row_height(HEADER_ROW, 32).map_err(failed)?;
    ws.set_freeze_panes(HEADER_ROW + 1, 0).map_err(failed)?;
    ws.set_repeat_rows(HEADER_ROW, HEADER_ROW).map_err(failed)?;
    let (cell, centred, decimal) = (cells::cell(), cells::centred(), cells::decimal());
    for (k, c) in rows.iter().enumerate() {
        let r = HEADER_ROW + 1 + k as u32;
        let num = |ws: &mut rust_xlsxwriter::Worksheet, col: u16, v: f64| {
            ws.write_number_with_format(r, col, v, &centred)
                .map(|_| ())
                .map_err(failed)
        };
        num(ws, 0, c.rank_overall as f64)?;
        num(ws, 1, c.rank_in_county as f64)?;
        cells::text(ws, r, 2, &c.county, &cell)?;
        cells::text(ws, r, 3, &c.street, &cell)?;
        cells::text(ws, r, 4, &c.name, &cell)?;
        cells::text(ws, r, 5, &c.code, &cell)?;
        cells::text(ws, r, 6, &c.applied_level, &centred)?;
        match c.score {
            Some(s) => {
                ws.write_number_with_format(r, 7, s, &decimal)
                    .map_err(failed)?;
            }
            None => cells::text(ws, r, 7, "", &cell)?,
        }
        cells::text(
            ws,
            r,
            8,
            &labels::level(c.level.as_deref(), c.stars),
            &centred,
        )?;
        cells::text(ws, r, 9, labels::yes_no(c.applied_level_reached), &centred)?;
        num(ws, 10, c.risk_score as f64)?;
        cells::text(
            ws,
            r,
            11,
            if c.needs_verification {
                "需核实"
            } else {
                ""
            },
            &centred,
        )?;
        let flags: Vec<String> = c
            .flags
            .split(';')
            .filter(|s| !s.is_empty())
            .map(labels::detector)
            .collect();
        cells::text(ws, r, 12, &flags.join("、"), &cell)?;
        let recommended = match c.recommended {
            Some(true) => "是",
            Some(false) => "否",
            None => "",
        };
        cells::text(ws, r, 13, recommended, &centred)?;
        cells::text(ws, r, 14, "", &cell)?;
    }
    Ok(wb)
}
