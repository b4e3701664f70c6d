//! The comparison as a workbook (`compare-<stem>.xlsx`), in the forms'
//! house style (`forms::cells`): the rules that differ, the communities
//! whose rating changes grouped by county with a count row after each
//! county and a total, and the sensitivity tables of the rules' thresholds
//! and of the score's bands, one row a point. Printed A4 landscape.

use chrono::NaiveDate;
use rust_xlsxwriter::{Format, FormatAlign, Workbook, Worksheet};

use crate::error::Result;
use crate::panel::compare::changes::{Changed, Counts, Shown};
use crate::panel::compare::sensitivity::{Curve, Kind, Point};
use crate::panel::compare::{Change, Comparison};
use crate::publish::forms::cells::{self, failed};

/// The sheets, in order.
pub const RULES_SHEET: &str = "规则差异";
pub const CHANGES_SHEET: &str = "变化社区";
pub const THRESHOLDS_SHEET: &str = "敏感性-规则阈值";
pub const BANDS_SHEET: &str = "敏感性-分数线";

/// The row of every sheet's column headers (0-based): the title and a line
/// saying what was compared above it.
const HEADER_ROW: u32 = 3;

/// The workbook of `c`, dated `date` (the run's cut-off: the same
/// comparison gives the same bytes).
pub fn workbook(c: &Comparison, title: &str, date: NaiveDate) -> Result<Workbook> {
    let mut wb = cells::workbook(title, date)?;
    let about = format!(
        "候选规则:{}(叠加于运行 {} 的规则之上,数据截止 {});{} 年度",
        c.rules_file, c.run_id, c.as_of, c.year
    );
    rules_sheet(wb.add_worksheet(), c, title, &about)?;
    changes_sheet(wb.add_worksheet(), c, title, &about)?;
    curves_sheet(wb.add_worksheet(), c, Kind::Rule, title, &about)?;
    curves_sheet(wb.add_worksheet(), c, Kind::Band, title, &about)?;
    Ok(wb)
}

/// How a sheet prints on A4 landscape.
enum Print {
    /// One page wide (`cells::landscape`), for `rows` rows.
    OneWide(usize),
    /// Too wide for one page: across pages breaking before the `breaks`
    /// columns, the first `keep` columns repeated on each
    /// (`cells::landscape_across`).
    Across { keep: u16, breaks: &'static [u32] },
}

/// The print scale of a sheet printed across pages, per cent (as the
/// working sheet 评审记录 prints).
const ACROSS_SCALE: u16 = 64;

/// A sheet's frame: its name, title, the line under it, the headers, A4
/// landscape with the rows down to the headers repeated.
fn frame(
    ws: &mut Worksheet,
    (name, title, about): (&str, &str, &str),
    columns: &[&str],
    widths: &[f64],
    print: Print,
) -> Result<()> {
    ws.set_name(name).map_err(failed)?;
    // The title and the line under it across the first printed page.
    let last = match print {
        Print::OneWide(rows) => {
            cells::landscape(ws, HEADER_ROW, rows)?;
            columns.len() - 1
        }
        Print::Across { keep, breaks } => {
            cells::landscape_across(ws, HEADER_ROW, keep, ACROSS_SCALE, breaks)?;
            breaks.first().map_or(columns.len(), |b| *b as usize) - 1
        }
    } as u16;
    cells::widths(ws, widths)?;
    ws.merge_range(0, 0, 0, last, title, &cells::title())
        .map_err(failed)?;
    ws.set_row_height(0, 30).map_err(failed)?;
    ws.merge_range(1, 0, 1, last, about, &cells::plain())
        .map_err(failed)?;
    cells::header_row(
        ws,
        HEADER_ROW,
        columns,
        cells::header_height(columns, widths),
    )
}

fn rules_sheet(ws: &mut Worksheet, c: &Comparison, title: &str, about: &str) -> Result<()> {
    const COLUMNS: [&str; 5] = ["规则键", "说明", "现行值", "拟议值", "是否应用"];
    const WIDTHS: [f64; 5] = [44.0, 28.0, 24.0, 24.0, 20.0];
    frame(
        ws,
        (RULES_SHEET, title, about),
        &COLUMNS,
        &WIDTHS,
        Print::OneWide(c.differing.len()),
    )?;
    let cell = cells::cell();
    if c.differing.is_empty() {
        ws.merge_range(
            HEADER_ROW + 1,
            0,
            HEADER_ROW + 1,
            4,
            "候选规则与本次运行的规则相同。",
            &cell,
        )
        .map_err(failed)?;
    }
    for (k, d) in c.differing.iter().enumerate() {
        let r = HEADER_ROW + 1 + k as u32;
        for (col, text) in [&d.key, &d.label, &d.current, &d.candidate]
            .into_iter()
            .enumerate()
        {
            cells::text(ws, r, col as u16, text, &cell)?;
        }
        cells::text(ws, r, 4, d.applied_text, &cells::centred())?;
        let fit = [
            (d.current.as_str(), WIDTHS[2]),
            (d.candidate.as_str(), WIDTHS[3]),
        ];
        ws.set_row_height(r, cells::row_height(&fit, 18.0))
            .map_err(failed)?;
    }
    Ok(())
}

/// The changed communities' columns: the place, what changed, then each
/// rating's two sides.
const CHANGE_COLUMNS: [&str; 19] = [
    "区县",
    "街道",
    "社区名称",
    "社区代码",
    "变化项",
    "复查结论(现行)",
    "复查结论(拟议)",
    "不达标规则(现行)",
    "不达标规则(拟议)",
    "得分(现行)",
    "得分(拟议)",
    "等级(现行)",
    "等级(拟议)",
    "总排名(现行)",
    "总排名(拟议)",
    "区县内排名(现行)",
    "区县内排名(拟议)",
    "名额内推荐(现行)",
    "名额内推荐(拟议)",
];
const CHANGE_WIDTHS: [f64; 19] = [
    10.0, 14.0, 16.0, 14.0, 18.0, 10.0, 10.0, 22.0, 22.0, 8.0, 8.0, 12.0, 12.0, 8.0, 8.0, 9.0, 9.0,
    9.0, 9.0,
];

fn changes_sheet(ws: &mut Worksheet, c: &Comparison, title: &str, about: &str) -> Result<()> {
    let y = &c.changes;
    // The place, what changed, the verdicts, rules and scores on the first
    // page; the place again with the levels, ranks and quota on the second.
    frame(
        ws,
        (CHANGES_SHEET, title, about),
        &CHANGE_COLUMNS,
        &CHANGE_WIDTHS,
        Print::Across {
            keep: 4,
            breaks: &[11],
        },
    )?;
    let last = (CHANGE_COLUMNS.len() - 1) as u16;
    let count_format = cells::cell().set_bold().set_background_color(0xF2F2F2);
    let mut r = HEADER_ROW + 1;
    for county in &y.by_county {
        for row in &county.rows {
            changed_row(ws, r, row)?;
            r += 1;
        }
        let text = format!("{} 小计:{}", county.county, counted(&county.counts));
        ws.merge_range(r, 0, r, last, &text, &count_format)
            .map_err(failed)?;
        r += 1;
    }
    let total = format!(
        "合计:{}(共 {} 个社区参与评定,其中复查范围内 {} 个)",
        counted(&y.counts),
        y.rated,
        y.under_reinspection
    );
    ws.merge_range(r, 0, r, last, &total, &count_format)
        .map_err(failed)?;
    Ok(())
}

/// "3 个社区变化(复查结论 1、不达标规则 2、…)".
pub fn counted(counts: &Counts) -> String {
    let parts: Vec<String> = Change::ALL
        .iter()
        .map(|ch| format!("{} {}", ch.label(), counts.of_change(*ch)))
        .collect();
    format!("{} 个社区变化({})", counts.communities, parts.join("、"))
}

fn changed_row(ws: &mut Worksheet, r: u32, row: &Changed) -> Result<()> {
    let (cell, centred, decimal) = (cells::cell(), cells::centred(), cells::decimal());
    let changed = cells::cell().set_bold().set_font_color(0xB3261E);
    let texts = [
        &row.county,
        &row.street,
        &row.name,
        &row.code,
        &row.changes_text,
    ];
    for (col, text) in texts.into_iter().enumerate() {
        cells::text(ws, r, col as u16, text, &cell)?;
    }
    let sides = [(&row.current, 0u16), (&row.candidate, 1u16)];
    for (side, offset) in sides {
        let mark = |change: Change| if row.has(change) { &changed } else { &cell };
        cells::text(ws, r, 5 + offset, &side.verdict, mark(Change::Verdict))?;
        cells::text(
            ws,
            r,
            7 + offset,
            &side.failing_rules,
            mark(Change::FailingRules),
        )?;
        number_or_dash(ws, r, 9 + offset, side.score_value, &decimal)?;
        let level_changed = row.has(Change::Level) || row.has(Change::Stars);
        cells::text(
            ws,
            r,
            11 + offset,
            &side.level,
            if level_changed { &changed } else { &centred },
        )?;
        rank(ws, r, 13 + offset, side, |v| v.0, mark(Change::Rank))?;
        rank(ws, r, 15 + offset, side, |v| v.1, mark(Change::Rank))?;
        cells::text(
            ws,
            r,
            17 + offset,
            &side.recommended,
            mark(Change::Recommended),
        )?;
    }
    let fit = [
        (row.current.failing_rules.as_str(), CHANGE_WIDTHS[7]),
        (row.candidate.failing_rules.as_str(), CHANGE_WIDTHS[8]),
        (row.changes_text.as_str(), CHANGE_WIDTHS[4]),
        (row.name.as_str(), CHANGE_WIDTHS[2]),
    ];
    ws.set_row_height(r, cells::row_height(&fit, 18.0))
        .map_err(failed)?;
    Ok(())
}

fn number_or_dash(ws: &mut Worksheet, r: u32, col: u16, v: Option<f64>, f: &Format) -> Result<()> {
    match v {
        Some(v) => {
            ws.write_number_with_format(r, col, v, f).map_err(failed)?;
            Ok(())
        }
        None => cells::text(ws, r, col, "—", &cells::centred()),
    }
}

/// A rank as a number, "—" off the shortlist.
fn rank(
    ws: &mut Worksheet,
    r: u32,
    col: u16,
    side: &Shown,
    pick: fn((i64, i64)) -> i64,
    f: &Format,
) -> Result<()> {
    let f = f.clone().set_align(FormatAlign::Center);
    match side.rank_values {
        Some(v) => {
            ws.write_number_with_format(r, col, pick(v) as f64, &f)
                .map_err(failed)?;
            Ok(())
        }
        None => cells::text(ws, r, col, "—", &f),
    }
}

/// One sensitivity sheet: every curve of `kind`, one row a point.
fn curves_sheet(
    ws: &mut Worksheet,
    c: &Comparison,
    kind: Kind,
    title: &str,
    about: &str,
) -> Result<()> {
    let curves: Vec<&Curve> = c.curves.iter().filter(|v| v.kind == kind).collect();
    let rows: usize = curves.iter().map(|v| v.points.len()).sum();
    let (name, columns, widths): (&str, &[&str], &[f64]) = match kind {
        Kind::Rule => (
            THRESHOLDS_SHEET,
            &[
                "规则键",
                "说明",
                "阈值",
                "该规则不达标社区数",
                "复查不合格社区数",
                "标记",
            ],
            &[40.0, 30.0, 10.0, 12.0, 12.0, 12.0],
        ),
        Kind::Band => (
            BANDS_SHEET,
            &["规则键", "说明", "分数线", "达到的社区数", "标记"],
            &[26.0, 24.0, 10.0, 12.0, 12.0],
        ),
    };
    frame(
        ws,
        (name, title, about),
        columns,
        widths,
        Print::OneWide(rows),
    )?;
    let (cell, centred) = (cells::cell(), cells::centred());
    let value_format = match kind {
        Kind::Rule => cells::cell().set_num_format("0.00%"),
        Kind::Band => cells::cell().set_num_format("0.00"),
    };
    let marked = cells::cell().set_bold().set_background_color(0xFDECEA);
    let mut r = HEADER_ROW + 1;
    for curve in curves {
        for p in &curve.points {
            let mark = mark(p);
            let f = if mark.is_empty() { &cell } else { &marked };
            cells::text(ws, r, 0, &curve.key, f)?;
            cells::text(ws, r, 1, &curve.title, f)?;
            ws.write_number_with_format(r, 2, p.value, &value_format)
                .map_err(failed)?;
            ws.write_number_with_format(r, 3, p.count as f64, &centred)
                .map_err(failed)?;
            let last = match (kind, p.failing_verdict) {
                (Kind::Rule, Some(n)) => {
                    ws.write_number_with_format(r, 4, n as f64, &centred)
                        .map_err(failed)?;
                    5
                }
                _ => 4,
            };
            cells::text(ws, r, last, mark, f)?;
            r += 1;
        }
    }
    Ok(())
}

/// Which marked value a point is: 现行, 拟议, both, or neither (empty).
pub fn mark(p: &Point) -> &'static str {
    match (p.is_current, p.is_candidate) {
        (true, true) => "现行、拟议",
        (true, false) => "现行",
        (false, true) => "拟议",
        (false, false) => "",
    }
}
