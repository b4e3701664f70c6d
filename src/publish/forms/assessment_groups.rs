//! The cross assessment's groups (交叉考核分组表): each group with its
//! members (name, unit, the county a member comes from), the counties
//! assigned to it and their candidates. Rows from `panel::review_lists`.
//! A group's first row carries its name and assignment, merged down its
//! members' rows.

use chrono::NaiveDate;
use rust_xlsxwriter::Workbook;

use super::cells::{self, failed};
use super::{Heading, register};
use crate::error::Result;
use crate::panel::review_lists::GroupRow;

pub const COLUMNS: [&str; 6] = [
    "考核组",
    "成员",
    "工作单位",
    "所属区县",
    "考核区县",
    "考核社区",
];
const WIDTHS: [f64; 6] = [20.0, 10.0, 24.0, 10.0, 16.0, 40.0];
pub const HEADER_ROW: u32 = 4;

pub fn title(city: &str, year: i32) -> String {
    format!("{city}{year}年度充分就业社区评审交叉考核分组表")
}

pub fn workbook(
    title: &str,
    head: &Heading,
    groups: &[GroupRow],
    date: NaiveDate,
) -> Result<Workbook> {
    let mut wb = cells::workbook(title, date)?;
    let ws = wb.add_worksheet();
    let rows: usize = groups.iter().map(|g| g.members.len().max(1)).sum();
    cells::list_sheet(ws, "交叉考核分组表", title, HEADER_ROW, rows, &WIDTHS)?;
    register::heading(ws, head, [0, 2, 4])?;
    cells::header_row(ws, HEADER_ROW, &COLUMNS, 20.0)?;
    let (cell, centred) = (cells::cell(), cells::centred());
    let mut row = HEADER_ROW + 1;
    for g in groups {
        let n = g.members.len().max(1) as u32;
        let counties = if g.counties.is_empty() {
            "(本年度未分配)".to_string()
        } else {
            g.counties
                .iter()
                .map(|(c, k)| format!("{c}({k} 个)"))
                .collect::<Vec<_>>()
                .join("\n")
        };
        let applications = g.applications.join("、");
        let (last, shown) = (
            row + n - 1,
            [(0u16, g.name.as_str()), (4, &counties), (5, &applications)],
        );
        for (col, text) in shown {
            if n > 1 {
                ws.merge_range(row, col, last, col, text, &cell)
                    .map_err(failed)?;
            } else {
                cells::text(ws, row, col, text, &cell)?;
            }
        }
        for (k, m) in g.members.iter().enumerate() {
            let r = row + k as u32;
            cells::text(ws, r, 1, &m.name, &centred)?;
            cells::text(ws, r, 2, &m.unit, &cell)?;
            cells::text(ws, r, 3, m.county.as_deref().unwrap_or("—"), &centred)?;
        }
        if g.members.is_empty() {
            for col in 1..4 {
                cells::text(ws, row, col, "", &cell)?;
            }
        }
        // The group's text spread over its rows.
        let need = cells::row_height(&[(&applications, WIDTHS[5]), (&counties, WIDTHS[4])], 18.0);
        let each = (need / f64::from(n)).max(18.0);
        for r in row..=last {
            ws.set_row_height(r, each).map_err(failed)?;
        }
        row = last + 1;
    }
    if groups.is_empty() {
        cells::text(
            ws,
            row,
            0,
            "评审日程未设考核组(pipeline [[review.assessment_groups]])。",
            &cells::plain(),
        )?;
    }
    Ok(wb)
}
