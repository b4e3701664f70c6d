//! The disqualification list (提请取消省级充分就业社区资格名单), for the city
//! to send to the province: the provincial communities that fail the
//! re-inspection or had a falsification confirmed, each with its reasons
//! and where the proposal stands at the province (待省厅审批, or the answer
//! recorded in 取消资格审批), under the register's header block.

use chrono::NaiveDate;
use rust_xlsxwriter::Workbook;

use super::Heading;
use super::cells::{self, failed};
use super::register;
use crate::error::Result;
use crate::panel::disqualification::Disqualified;
use crate::panel::labels;

pub const TITLE: &str = "提请取消省级充分就业社区资格名单";

pub fn columns() -> [String; 9] {
    [
        "序号",
        "所在区县",
        "所在街道",
        "社区名称",
        "社区代码",
        "认定为省级充分就业社区年份",
        "复查不合格情况",
        &format!("{}情况", labels::falsification_confirmed()),
        "省厅审批",
    ]
    .map(String::from)
}

pub const HEADER_ROW: u32 = 4;

const WIDTHS: [f64; 9] = [6.0, 12.0, 14.0, 18.0, 16.0, 12.0, 32.0, 32.0, 22.0];

/// What the list says when no community is proposed.
pub fn none() -> String {
    format!(
        "本年度没有复查不合格或{}的省级充分就业社区。",
        labels::falsification_confirmed()
    )
}

pub fn workbook(head: &Heading, rows: &[Disqualified], date: NaiveDate) -> Result<Workbook> {
    let mut wb = cells::workbook(TITLE, date)?;
    let ws = wb.add_worksheet();
    cells::list_sheet(
        ws,
        "提请取消资格名单",
        TITLE,
        HEADER_ROW,
        rows.len(),
        &WIDTHS,
    )?;
    register::heading(ws, head, [0, 3, 6])?;
    let columns = columns();
    let names: Vec<&str> = columns.iter().map(String::as_str).collect();
    let height = cells::header_height(&names, &WIDTHS);
    cells::header_row(ws, HEADER_ROW, &names, height)?;
    let (cell, centred) = (cells::cell(), cells::centred());
    if rows.is_empty() {
        ws.merge_range(HEADER_ROW + 1, 0, HEADER_ROW + 1, 8, &none(), &cell)
            .map_err(failed)?;
        return Ok(wb);
    }
    for (k, d) in rows.iter().enumerate() {
        let r = HEADER_ROW + 1 + k as u32;
        let failing = d.failing.join("\n");
        let confirmed = d.confirmed.join("\n");
        let year = d.provincial_year.map(|y| y.to_string()).unwrap_or_default();
        ws.write_number_with_format(r, 0, (k + 1) as f64, &centred)
            .map_err(failed)?;
        let texts: [(&str, &rust_xlsxwriter::Format); 8] = [
            (&d.county, &cell),
            (&d.street, &cell),
            (&d.name, &cell),
            (&d.code, &cell),
            (&year, &centred),
            (if failing.is_empty() { "—" } else { &failing }, &cell),
            (
                if confirmed.is_empty() {
                    "—"
                } else {
                    &confirmed
                },
                &cell,
            ),
            (&d.province, &cell),
        ];
        for (j, (t, f)) in texts.iter().enumerate() {
            cells::text(ws, r, j as u16 + 1, t, f)?;
        }
        let fit: Vec<(&str, f64)> = texts
            .iter()
            .zip(&WIDTHS[1..])
            .map(|((t, _), w)| (*t, *w))
            .collect();
        ws.set_row_height(r, cells::row_height(&fit, 18.0))
            .map_err(failed)?;
    }
    Ok(wb)
}
