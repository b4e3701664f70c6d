//! The re-inspection register (省级充分就业社区复查情况登记表), laid out as the
//! notice's attachment 1: the reporting unit and leader above the title, the
//! department head, preparer and date below it, then one row a community
//! under re-inspection. Signature fields stay blank; 填表时间 is the day the
//! form was made, and the due date stands beside the unit. Where the county
//! recorded its own conclusion (`reinspections`), 是否复查合格 prints it,
//! and the column beside it the verdict the data give, marked where the two
//! differ; without a record both print the data's verdict.

use chrono::NaiveDate;
use rust_xlsxwriter::{Workbook, Worksheet};

use super::Heading;
use super::cells::{self, failed};
use crate::error::Result;
use crate::panel::labels;
use crate::panel::{Community, Verdict};

pub const TITLE: &str = "省级充分就业社区复查情况登记表";

/// The table's columns, in the order of attachment 1.
pub const COLUMNS: [&str; 10] = [
    "序号",
    "所在区县",
    "所在街道",
    "社区名称",
    "认定为省级充分就业社区年份",
    "认定为省级星级充分就业社区年份",
    "是否是国家级充分就业社区",
    "是否复查合格",
    COMPUTED_COLUMN,
    "联系人及联系电话",
];

/// The column beside 是否复查合格: the verdict the data give.
pub const COMPUTED_COLUMN: &str = "数据核算是否合格";

/// The row of the column headers (0-based); the rows above it stay in view.
pub const HEADER_ROW: u32 = 4;

fn year(v: Option<i64>) -> String {
    v.map(|y| y.to_string()).unwrap_or_default()
}

/// Column widths in characters, in the order of `COLUMNS`.
pub const WIDTHS: [f64; 10] = [6.0, 12.0, 16.0, 22.0, 14.0, 16.0, 12.0, 10.0, 14.0, 22.0];

/// The header block above the table (rows 0, 1 and 3; the title is row 2),
/// shared with the shortlists: unit and due date, leader, then the
/// department head, preparer and the day the form was made.
pub fn heading(ws: &mut Worksheet, head: &Heading, cols: [u16; 3]) -> Result<()> {
    let plain = cells::plain();
    cells::text(ws, 0, 0, &format!("填报单位(盖章):{}", head.unit), &plain)?;
    if let Some(due) = head.due {
        cells::text(
            ws,
            0,
            cols[2],
            &format!("报送期限:{}前", cells::date_text(due)),
            &plain,
        )?;
    }
    cells::text(ws, 1, 0, "分管领导:", &plain)?;
    cells::text(ws, 3, 0, "就业部门负责人:", &plain)?;
    cells::text(ws, 3, cols[1], "填表人:", &plain)?;
    cells::text(
        ws,
        3,
        cols[2],
        &format!("填表时间:{}", cells::date_text(head.made_on)),
        &plain,
    )?;
    Ok(())
}

/// One register: `head` names the reporting unit printed at the top (the
/// county's or the city's bureau), `rows` are the communities in order;
/// `cutoff` dates the workbook itself.
pub fn workbook(head: &Heading, rows: &[&Community], cutoff: NaiveDate) -> Result<Workbook> {
    let mut wb = cells::workbook(TITLE, cutoff)?;
    let ws = wb.add_worksheet();
    cells::list_sheet(ws, "复查情况登记表", TITLE, HEADER_ROW, rows.len(), &WIDTHS)?;
    heading(ws, head, [0, 3, 7])?;
    let height = cells::header_height(&COLUMNS, &WIDTHS);
    cells::header_row(ws, HEADER_ROW, &COLUMNS, height)?;
    let (cell, centred) = (cells::cell(), cells::centred());
    for (k, c) in rows.iter().enumerate() {
        let r = HEADER_ROW + 1 + k as u32;
        let contact = [c.contact_name.as_deref(), c.contact_phone.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        let texts: [(String, &rust_xlsxwriter::Format); 9] = [
            (c.county.clone(), &cell),
            (c.street.clone(), &cell),
            (c.name.clone(), &cell),
            (year(c.provincial_year), &centred),
            (year(c.provincial_star_year), &centred),
            (
                if c.national == Some(true) {
                    "是"
                } else {
                    "否"
                }
                .into(),
                &centred,
            ),
            (concluded(c), &centred),
            (computed(c), &centred),
            (contact, &cell),
        ];
        ws.write_number_with_format(r, 0, (k + 1) as f64, &centred)
            .map_err(failed)?;
        for (j, (t, f)) in texts.iter().enumerate() {
            cells::text(ws, r, j as u16 + 1, t, f)?;
        }
        let fit: Vec<(&str, f64)> = texts
            .iter()
            .zip(&WIDTHS[1..])
            .map(|((t, _), w)| (t.as_str(), *w))
            .collect();
        ws.set_row_height(r, cells::row_height(&fit, 18.0))
            .map_err(failed)?;
    }
    Ok(wb)
}

/// 是否复查合格: the county's recorded conclusion as 是 or 否, else the
/// verdict the data give (`computed`, without its marks).
fn concluded(c: &Community) -> String {
    match &c.county_check {
        Some(check) => labels::county_passed(&check.conclusion).to_string(),
        None => passed(c, false),
    }
}

/// 数据核算是否合格: the verdict the data give, marked where the county's
/// recorded conclusion differs.
fn computed(c: &Community) -> String {
    passed(c, c.county_disagrees())
}

/// The verdict as the register prints it: 是, 否, or 待定; a community that
/// fails for want of any platform record says so, as the notice makes the
/// platform a focus of the re-inspection: 否(无平台建设记录); and with
/// `differs`, 否(与区县结论不一致).
fn passed(c: &Community, differs: bool) -> String {
    let word = labels::passed(c.verdict);
    let mut marks = vec![];
    if c.verdict == Some(Verdict::Fail) && c.no_platform_record {
        marks.push(labels::NO_PLATFORM_RECORD);
    }
    if differs {
        marks.push(labels::COUNTY_DISAGREES);
    }
    if marks.is_empty() {
        word.to_string()
    } else {
        format!("{word}({})", marks.join(";"))
    }
}
