//! The recommendation form (推荐表), laid out as the notice's attachment 3:
//! community (written "__县(市、区) __街道(乡、镇) __社区"), contact, type
//! applied for, a tall box on the community's situation (filled with its
//! figures in a few sentences), then the opinion boxes (街道(乡镇)意见,
//! 县(市、区)推荐意见, 市人社局意见: each stage of the rules' list that names a
//! `form_box`). The form exists from the application on: one sheet per
//! application of the review year, named by its code, in county, street,
//! code order.
//!
//! A box fills as its stage decides: the recorded decision and its opinion,
//! the deciding unit above the seal, and the decision's date; the city's box
//! from 发文确认. A box whose stage has not decided keeps its blank seal and
//! date lines, so a blank form is still a form to print and sign.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use rust_xlsxwriter::{Format, FormatAlign, Workbook, Worksheet};

use super::cells::{self, failed};
use crate::error::Result;
use crate::panel::Community;
use crate::panel::labels;
use crate::panel::review_sheet::{OpinionBox, Recorded};

pub fn title(city: &str) -> String {
    format!("{city}市级(星级)充分就业社区推荐表")
}

/// Column widths in characters: label, value, label, value.
const WIDTHS: [f64; 4] = [18.0, 30.0, 14.0, 30.0];

/// The least height of an opinion box, in points: room to sign and seal.
const BOX_MIN_PT: f64 = 110.0;

/// 社区名称 as the attachment writes it: each blank filled, the name's own
/// trailing 社区 not repeated before the printed one.
pub fn community_line(county: &str, street: &str, name: &str) -> String {
    let name = name.strip_suffix("社区").unwrap_or(name);
    format!("{county} 县(市、区)  {street} 街道(乡、镇)  {name} 社区")
}

/// One form: the application and its opinion boxes.
pub struct Form<'a> {
    pub code: &'a str,
    pub applied_level: &'a str,
    pub boxes: Vec<OpinionBox>,
}

/// An opinion box's text: blank lines for the signatory, or the recorded
/// decision with its opinion, unit and date.
pub fn box_text(recorded: Option<&Recorded>) -> String {
    match recorded {
        None => "(公章)\n年    月    日  ".to_string(),
        Some(r) => {
            let opinion = r
                .opinion
                .as_deref()
                .filter(|o| !o.trim().is_empty())
                .map_or(String::new(), |o| format!("\n{o}"));
            let date = r
                .decided_on
                .map_or("年    月    日".to_string(), cells::date_text);
            format!(
                "{}{opinion}\n{}(公章)\n{date}  ",
                r.decision,
                r.decided_by.as_deref().unwrap_or("")
            )
        }
    }
}

/// The community's situation in a few sentences, from its indicators. No
/// score, level or risk: the system's own judgement belongs in the report
/// and the lists, not on a form the street, county and city sign.
pub fn situation(c: &Community, cutoff: NaiveDate) -> String {
    let n = labels::count;
    let p = labels::percent;
    let platform = match c.platform_ok {
        Some(true) => "服务平台(窗口、人员、信息系统)达标",
        Some(false) => "服务平台(窗口、人员、信息系统)未达标",
        None => labels::NO_PLATFORM_RECORD,
    };
    format!(
        "截至{date},社区劳动力 {lf} 人,其中就业 {emp} 人;登记失业人员 {ru} 人,{rur_name} {rur}。\
本年度登记失业人员 {u} 人,实现就业 {r} 人,就业率 {rr};就业困难人员 {h} 人,已就业 {he} 人,就业率 {her}。\
零就业家庭 {z} 户,截止日未清零 {zo} 户,逾期未清零 {zd} 户。新增就业 {nj} 人。\
就业援助对象 {at} 人,已提供服务 {asd} 人,覆盖率 {ac}。{platform}。\
(以上数据由系统根据台账自动生成。)",
        date = cells::date_text(cutoff),
        lf = n(c.labor_force),
        emp = n(c.employed),
        ru = n(c.registered_unemployed),
        rur_name = labels::indicator("registered_unemployment_rate"),
        rur = p(c.registered_unemployment_rate),
        u = n(c.unemployed_in_period),
        r = n(c.reemployed_in_period),
        rr = p(c.reemployment_rate),
        h = n(c.hardship_persons),
        he = n(c.hardship_employed),
        her = p(c.hardship_employment_rate),
        z = n(c.zero_households),
        zo = n(c.zero_households_open),
        zd = n(c.zero_households_overdue),
        nj = n(c.new_jobs),
        at = n(c.assistance_targets),
        asd = n(c.assisted),
        ac = p(c.assistance_coverage),
    )
}

/// The applied-for type with its box ticked.
pub fn applied_boxes(applied: &str) -> String {
    let tick = |t: &str| if applied == t { "☑" } else { "□" };
    format!(
        "市级充分就业社区{}    星级充分就业社区{}",
        tick("市级"),
        tick("星级")
    )
}

/// A sheet name Excel accepts and no other sheet has.
fn sheet_name(code: &str, taken: &mut BTreeSet<String>) -> String {
    let base: String = cells::safe_name(code).chars().take(28).collect();
    let mut name = base.clone();
    let mut k = 2;
    while !taken.insert(name.clone()) {
        name = format!("{base}-{k}");
        k += 1;
    }
    name
}

/// One workbook, one sheet per application; `find` gives each form's
/// community row (a form whose community is not in the roster is skipped).
pub fn workbook<'a>(
    city: &str,
    forms: &[Form],
    find: impl Fn(&str) -> Option<&'a Community>,
    cutoff: NaiveDate,
) -> Result<Workbook> {
    let title = title(city);
    let mut wb = cells::workbook(&title, cutoff)?;
    let mut taken = BTreeSet::new();
    let mut written = 0;
    for form in forms {
        let Some(community) = find(form.code) else {
            continue;
        };
        written += 1;
        let ws = wb.add_worksheet();
        ws.set_name(sheet_name(form.code, &mut taken))
            .map_err(failed)?;
        sheet(ws, &title, form, community, cutoff)?;
    }
    if written == 0 {
        let ws = wb.add_worksheet();
        ws.set_name("推荐表").map_err(failed)?;
        cells::text(ws, 0, 0, "本年度没有申报的社区。", &cells::plain())?;
    }
    Ok(wb)
}

/// A label and its value merged across the three value columns, the row as
/// tall as the value needs (at least `min` points).
fn merged_row(
    ws: &mut Worksheet,
    r: u32,
    label: &str,
    value: &str,
    format: &Format,
    min: f64,
) -> Result<()> {
    cells::text(ws, r, 0, label, &cells::header())?;
    ws.merge_range(r, 1, r, 3, value, format).map_err(failed)?;
    let value_width: f64 = WIDTHS[1..].iter().sum();
    ws.set_row_height(r, cells::row_height(&[(value, value_width)], min))
        .map_err(failed)?;
    Ok(())
}

/// One application's form: the community, its contact, the level applied
/// for, its situation, then each stage's opinion box.
fn sheet(
    ws: &mut Worksheet,
    title: &str,
    form: &Form,
    community: &Community,
    cutoff: NaiveDate,
) -> Result<()> {
    let (label, cell) = (cells::header(), cells::cell());
    let tall = cells::cell().set_align(FormatAlign::Top);
    let seal = cells::cell()
        .set_align(FormatAlign::Right)
        .set_align(FormatAlign::Bottom);
    cells::portrait(ws);
    cells::widths(ws, &WIDTHS)?;
    ws.merge_range(0, 0, 0, 3, title, &cells::title())
        .map_err(failed)?;
    ws.set_row_height(0, 36).map_err(failed)?;
    let name = community_line(&community.county, &community.street, &community.name);
    merged_row(ws, 1, "社区名称", &name, &cell, 30.0)?;
    cells::text(ws, 2, 0, "社区联系人", &label)?;
    let contact = community.contact_name.as_deref().unwrap_or("");
    cells::text(ws, 2, 1, contact, &cell)?;
    cells::text(ws, 2, 2, "联系方式", &label)?;
    let phone = community.contact_phone.as_deref().unwrap_or("");
    cells::text(ws, 2, 3, phone, &cell)?;
    ws.set_row_height(2, 30).map_err(failed)?;
    cells::text(ws, 3, 0, "申报类型", &label)?;
    ws.merge_range(3, 1, 3, 3, &applied_boxes(form.applied_level), &cell)
        .map_err(failed)?;
    ws.set_row_height(3, 30).map_err(failed)?;
    let text = situation(community, cutoff);
    merged_row(ws, 4, "社区基本情况,创建工作情况", &text, &tall, 220.0)?;
    for (k, b) in form.boxes.iter().enumerate() {
        let text = box_text(b.recorded.as_ref());
        merged_row(ws, 5 + k as u32, &b.label, &text, &seal, BOX_MIN_PT)?;
    }
    Ok(())
}
