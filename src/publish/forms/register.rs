//! The re-inspection register (省级充分就业社区复查情况登记表), laid out as the
//! notice's attachment 1: the reporting unit and leader above the title, the
//! department head, preparer and date below it, then one row a community
//! under re-inspection. Signature fields stay blank; the date is filled with
//! the cut-off date.

use chrono::NaiveDate;
use rust_xlsxwriter::Workbook;

use super::cells::{self, failed};
use crate::error::Result;
use crate::labels;
use crate::panel::Community;

pub const TITLE: &str = "省级充分就业社区复查情况登记表";

/// The table's columns, in the order of attachment 1.
pub const COLUMNS: [&str; 9] = [
    "序号",
    "所在区县",
    "所在街道",
    "社区名称",
    "认定为省级充分就业社区年份",
    "认定为省级星级充分就业社区年份",
    "是否是国家级充分就业社区",
    "是否复查合格",
    "联系人及联系电话",
];

/// The row of the column headers (0-based); the rows above it stay in view.
pub const HEADER_ROW: u32 = 4;

fn year(v: Option<i64>) -> String {
    v.map(|y| y.to_string()).unwrap_or_default()
}

/// One register: `unit` is the reporting unit printed at the top (the
/// county's or the city's bureau), `rows` the communities in order.
pub fn workbook(unit: &str, rows: &[&Community], date: NaiveDate) -> Result<Workbook> {
    let mut wb = cells::workbook(TITLE, date)?;
    let ws = wb.add_worksheet();
    ws.set_name("复查情况登记表").map_err(failed)?;
    cells::landscape(ws);
    cells::widths(ws, &[6.0, 12.0, 16.0, 24.0, 14.0, 16.0, 12.0, 10.0, 24.0])?;
    let plain = cells::plain();
    cells::text(ws, 0, 0, &format!("填报单位(盖章):{unit}"), &plain)?;
    cells::text(ws, 1, 0, "分管领导:", &plain)?;
    ws.merge_range(2, 0, 2, 8, TITLE, &cells::title())
        .map_err(failed)?;
    ws.set_row_height(2, 30).map_err(failed)?;
    cells::text(ws, 3, 0, "就业部门负责人:", &plain)?;
    cells::text(ws, 3, 3, "填表人:", &plain)?;
    cells::text(
        ws,
        3,
        6,
        &format!("填表时间:{}", cells::date_text(date)),
        &plain,
    )?;
    let header = cells::header();
    for (c, name) in COLUMNS.iter().enumerate() {
        cells::text(ws, HEADER_ROW, c as u16, name, &header)?;
    }
    ws.set_row_height(HEADER_ROW, 45).map_err(failed)?;
    ws.set_freeze_panes(HEADER_ROW + 1, 0).map_err(failed)?;
    ws.set_repeat_rows(HEADER_ROW, HEADER_ROW).map_err(failed)?;
    let (cell, centred) = (cells::cell(), cells::centred());
    for (k, c) in rows.iter().enumerate() {
        let r = HEADER_ROW + 1 + k as u32;
        ws.write_number_with_format(r, 0, (k + 1) as f64, &centred)
            .map_err(failed)?;
        cells::text(ws, r, 1, &c.county, &cell)?;
        cells::text(ws, r, 2, &c.street, &cell)?;
        cells::text(ws, r, 3, &c.name, &cell)?;
        cells::text(ws, r, 4, &year(c.provincial_year), &centred)?;
        cells::text(ws, r, 5, &year(c.provincial_star_year), &centred)?;
        cells::text(
            ws,
            r,
            6,
            if c.national == Some(true) {
                "是"
            } else {
                "否"
            },
            &centred,
        )?;
        cells::text(ws, r, 7, labels::passed(c.verdict.as_deref()), &centred)?;
        let contact = [c.contact_name.as_deref(), c.contact_phone.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        cells::text(ws, r, 8, &contact, &cell)?;
    }
    Ok(wb)
}
