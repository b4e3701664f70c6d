//! The panel's records (`decisions`, `verifications`, `objections`,
//! `approvals`, `filings`, `reinspections`) put together and checked against
//! the rest of the extract, after every table is read.
//!
//! Several files may hold one of these tables: its own file and the working
//! sheets dropped back (each county's 评审记录 and the city's, which repeats
//! the counties' rows). They are read as one table: a row repeating another
//! file's key with the same values counts once; with other values it is
//! rejected as a duplicate key naming the row kept (the first in file order:
//! the table's own file, then the sheets by name).
//!
//! Then each row meets the checks no single file can make: its community is
//! in `communities`; a decision has an application for its community and year
//! (when `applications` is present), a value of its own stage, a date not
//! before the application's `submitted_on`, and every earlier stage decided
//! and passed (publicity as the objection register makes it); a
//! verification names a detector or 抽查; an objection belongs to an
//! application. The stages are the rules' list (`config::stages`); a file
//! written with an older stage name or outcome is read as today's first
//! (`normalise_decisions`).

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDate;
use polars::prelude::*;

use super::rejects::{Reject, RejectReason};
use super::review_sheets::sheet_column;
use crate::config::Stages;
use crate::contract::added_columns::{SOURCE_FILE, SOURCE_LINE, SOURCE_SHEET};
use crate::contract::objections;
use crate::contract::review_records::SPOT_CHECK;
use crate::contract::{Table, TableSpec};
use crate::error::Result;
use crate::frame;

/// A file's rows of a panel record with the sheet each was read from
/// (`source_sheet`, null for CSV and Parquet) and, in a workbook read over
/// several sheets, the sheet's row as `source_line` in place of the line
/// typing numbered: the decisions log names where each record stands.
pub fn with_source_sheet(frame: DataFrame, sheets: &[super::raw::SheetSpan]) -> Result<DataFrame> {
    let lines = frame::ints(&frame, SOURCE_LINE)?;
    let (sheet, line): (Vec<Option<String>>, Vec<Option<i64>>) = lines
        .iter()
        .map(|l| {
            let located = l.and_then(|l| super::raw::SheetSpan::locate(sheets, l as u64));
            match located {
                Some((sheet, row)) => (Some(sheet.to_string()), Some(row as i64)),
                None => (None, *l),
            }
        })
        .unzip();
    let mut frame = frame;
    frame.with_column(Column::new(SOURCE_SHEET.into(), sheet))?;
    frame.with_column(Column::new(SOURCE_LINE.into(), line))?;
    Ok(frame)
}

/// One file's rows of a table, typed.
pub struct Part {
    pub file: String,
    pub frame: DataFrame,
}

/// Each row's place among all the files' rows, while repeats are found.
const ROW: &str = "__row";
/// The place of the first row with the row's key: the one kept.
const FIRST: &str = "__first";
/// Whether the row is the first with its key.
const KEPT: &str = "__kept";
/// Whether the row holds the values of the first row with its key.
const SAME: &str = "__same";

/// The rows of every file as one frame (with `source_file`), identical
/// repeats dropped, and the rejects of repeats with other values.
pub fn merge(
    spec: &TableSpec,
    parts: Vec<Part>,
    wide: &HashSet<String>,
) -> Result<(DataFrame, Vec<Reject>)> {
    let all = stack_files(spec, parts)?;
    let keys: Vec<Expr> = spec.key.iter().map(|k| col(*k)).collect();
    let mut same = Vec::with_capacity(spec.columns.len());
    for c in spec.columns {
        same.push(col(c.name).eq_missing(col(c.name).first().over(&keys)?));
    }
    let same = same
        .into_iter()
        .reduce(Expr::and)
        .expect("a table has columns");
    let marked = all
        .clone()
        .with_row_index(ROW.into(), None)?
        .lazy()
        .select([
            col(ROW),
            col(ROW).first().over(&keys)?.alias(FIRST),
            same.alias(SAME),
        ])
        .with_column(col(ROW).eq(col(FIRST)).alias(KEPT))
        .collect()?;
    let kept = marked.column(KEPT)?.bool()?.clone();
    let repeated = |same: Expr| {
        marked
            .clone()
            .lazy()
            .filter(col(KEPT).not().and(same))
            .collect()
    };
    let repeats = repeated(col(SAME))?.height();
    let rejects = other_values(spec, wide, &all, &repeated(col(SAME).not())?)?;
    if repeats > 0 {
        tracing::info!(
            table = spec.name,
            rows = repeats,
            "rows repeated in another file with the same values; counted once"
        );
    }
    Ok((all.filter(&kept)?, rejects))
}

/// Every file's rows stacked in file order, each naming its file in
/// `source_file`.
fn stack_files(spec: &TableSpec, parts: Vec<Part>) -> Result<DataFrame> {
    let mut frames = parts.into_iter().map(|p| {
        let n = p.frame.height();
        let mut f = p.frame;
        f.with_column(Column::new(SOURCE_FILE.into(), vec![p.file; n]))?;
        Ok::<_, crate::Error>(f)
    });
    let Some(first) = frames.next() else {
        return Err(crate::Error::Internal(anyhow::anyhow!(
            "no file to merge for {}",
            spec.name
        )));
    };
    let mut all = first?;
    for f in frames {
        all.vstack_mut_owned(f?)?;
    }
    all.rechunk_mut();
    Ok(all)
}

/// The rejects of the rows (`clashes`: each row's place and the first's)
/// whose key an earlier row, the one kept, has with other values. A
/// decision sheet's reject names the sheet's columns.
fn other_values(
    spec: &TableSpec,
    wide: &HashSet<String>,
    all: &DataFrame,
    clashes: &DataFrame,
) -> Result<Vec<Reject>> {
    let files = all.column(SOURCE_FILE)?.str()?;
    let lines = all.column(SOURCE_LINE)?.cast(&DataType::Int64)?;
    let lines = lines.i64()?;
    let place = |row: usize| {
        (
            files.get(row).unwrap_or_default().to_string(),
            lines.get(row).unwrap_or_default(),
        )
    };
    let rows = clashes.column(ROW)?.cast(&DataType::Int64)?;
    let firsts = clashes.column(FIRST)?.cast(&DataType::Int64)?;
    let mut rejects = Vec::with_capacity(clashes.height());
    for (row, first) in rows.i64()?.iter().zip(firsts.i64()?.iter()) {
        let (row, first) = (
            row.unwrap_or_default() as usize,
            first.unwrap_or_default() as usize,
        );
        let shown = spec
            .key
            .iter()
            .map(|k| {
                Ok(all
                    .column(k)?
                    .get(row)?
                    .to_string()
                    .trim_matches('"')
                    .to_string())
            })
            .collect::<Result<Vec<String>>>()?;
        let ((file, line), (kept_file, kept_line)) = (place(row), place(first));
        let key_column = spec.key.join("+");
        let column = match spec.key.iter().position(|k| *k == "stage") {
            Some(s) if wide.contains(&file) => sheet_column(&shown[s], &key_column),
            _ => key_column,
        };
        rejects.push(Reject::new(
            spec.table,
            &file,
            line as u64,
            &column,
            Some(&shown.join("+")),
            false,
            RejectReason::DuplicateKey,
            format!(
                "the same key as {kept_file} line {kept_line} with other values, which is kept"
            ),
            None,
        ));
    }
    Ok(rejects)
}

/// The other tables the panel's records are checked against.
pub struct Against<'a> {
    pub communities: Option<&'a DataFrame>,
    pub applications: Option<&'a DataFrame>,
    /// The detectors' ids; None: the detector is not checked.
    pub detectors: Option<&'a [&'a str]>,
    /// Files in the 评审记录 layout: their rejects name the sheet's columns.
    pub wide: &'a HashSet<String>,
    /// The review's stages, in order (the rules' `[[review.stages]]`).
    pub stages: &'a Stages,
    /// The objection register as kept (checked before the decisions).
    pub objections: Option<&'a DataFrame>,
}

/// One row's reject under a cross-table check.
struct Row<'a> {
    table: Table,
    file: &'a str,
    line: u64,
    wide_stage: Option<&'a str>,
}

impl Row<'_> {
    fn reject(&self, column: &str, value: &str, reason: RejectReason, detail: String) -> Reject {
        let column = match self.wide_stage {
            Some(s) => sheet_column(s, column),
            None => column.to_string(),
        };
        Reject::new(
            self.table,
            self.file,
            self.line,
            &column,
            Some(value),
            false,
            reason,
            detail,
            None,
        )
    }
}

fn codes(df: Option<&DataFrame>) -> Result<Option<HashSet<String>>> {
    let Some(df) = df else { return Ok(None) };
    Ok(Some(
        frame::strings(df, "community_code")?
            .into_iter()
            .flatten()
            .collect(),
    ))
}

/// (community, year) → the application's `submitted_on`.
type Submitted = HashMap<(String, i64), Option<NaiveDate>>;

fn applications(df: Option<&DataFrame>) -> Result<Option<Submitted>> {
    let Some(df) = df else { return Ok(None) };
    let codes = frame::strings(df, "community_code")?;
    let years = frame::ints(df, "year")?;
    let dates = frame::dates(df, "submitted_on")?;
    Ok(Some(
        codes
            .into_iter()
            .zip(years)
            .zip(dates)
            .filter_map(|((c, y), d)| Some(((c?, y?), d)))
            .collect(),
    ))
}

/// A file's `decisions` rows with the spellings of older sheets read as
/// today's: a stage's former name (实地考察) as its name, a former outcome
/// (异议已处理) as the outcome it stands for, with a warning naming the file.
/// What each spelling becomes is worked out once per distinct (stage,
/// decision) pair; the frame's columns are then rewritten as expressions.
pub fn normalise_decisions(frame: DataFrame, file: &str, stages: &Stages) -> Result<DataFrame> {
    let text = |name: &str| col(name).cast(DataType::String);
    let pairs = frame
        .clone()
        .lazy()
        .group_by([text("stage"), text("decision")])
        .agg([len().alias("rows")])
        .collect()?;
    let stage = frame::strings(&pairs, "stage")?;
    let decision = frame::strings(&pairs, "decision")?;
    let rows = frame::ints(&pairs, "rows")?;
    let mut renamed: BTreeMap<(String, String), usize> = BTreeMap::new();
    let mut reread: BTreeMap<(String, String, String), usize> = BTreeMap::new();
    let mut new_decision = text("decision");
    for ((s, d), n) in stage.iter().zip(&decision).zip(&rows) {
        let Some((s, (_, st))) = s.as_deref().and_then(|s| Some((s, stages.find(s)?))) else {
            continue;
        };
        let n = n.unwrap_or_default() as usize;
        if s != st.name {
            *renamed.entry((s.to_string(), st.name.clone())).or_default() += n;
        }
        if let Some((old, new)) = d
            .as_deref()
            .and_then(|d| st.former_outcomes.get_key_value(d))
        {
            *reread
                .entry((st.name.clone(), old.clone(), new.clone()))
                .or_default() += n;
            new_decision = when(
                text("stage")
                    .eq(lit(s))
                    .and(text("decision").eq(lit(old.as_str()))),
            )
            .then(lit(new.as_str()))
            .otherwise(new_decision);
        }
    }
    let mut new_stage = text("stage");
    for ((old, new), rows) in &renamed {
        tracing::info!(
            file,
            rows,
            "stage {old} read as {new}, its name in the current stage list"
        );
        new_stage = when(text("stage").eq(lit(old.as_str())))
            .then(lit(new.as_str()))
            .otherwise(new_stage);
    }
    for ((st, old, new), rows) in reread {
        tracing::warn!(
            file,
            rows,
            "{st} {old} read as {new}: record how each objection was resolved \
             (异议成立 or 异议不成立) in the objection register (异议登记) and as the {st} outcome"
        );
    }
    Ok(frame
        .lazy()
        .with_columns([new_stage.alias("stage"), new_decision.alias("decision")])
        .collect()?)
}

/// Where each row of a panel record was read: its file and line.
struct Places {
    files: Vec<Option<String>>,
    lines: Vec<Option<i64>>,
}

impl Places {
    /// Each row's file, named with its sheet when the file's rows come
    /// from several sheets (their lines are then sheet rows).
    fn of(all: &DataFrame) -> Result<Places> {
        let files = frame::strings(all, SOURCE_FILE)?;
        let sheets = frame::strings(all, SOURCE_SHEET)?;
        let mut seen: HashMap<&str, HashSet<&str>> = HashMap::new();
        for (f, s) in files.iter().zip(&sheets) {
            if let (Some(f), Some(s)) = (f, s) {
                seen.entry(f).or_default().insert(s);
            }
        }
        let shown = files
            .iter()
            .zip(&sheets)
            .map(|(f, s)| match (f, s) {
                (Some(f), Some(s)) if seen.get(f.as_str()).is_some_and(|n| n.len() > 1) => {
                    Some(format!("{f}, sheet \"{s}\""))
                }
                (f, _) => f.clone(),
            })
            .collect();
        Ok(Places {
            files: shown,
            lines: frame::ints(all, SOURCE_LINE)?,
        })
    }

    /// Where the i-th row's reject points; `wide_stage` names the stage of
    /// a decision sheet's row, whose reject names the sheet's columns.
    fn row<'a>(
        &'a self,
        table: Table,
        i: usize,
        wide_stage: impl FnOnce(&str) -> Option<&'a str>,
    ) -> Row<'a> {
        let file = self.files[i].as_deref().unwrap_or_default();
        Row {
            table,
            file,
            line: self.lines[i].unwrap_or_default() as u64,
            wide_stage: wide_stage(file),
        }
    }
}

/// The `decisions` columns the checks read, a value per row.
struct Decisions {
    code: Vec<Option<String>>,
    year: Vec<Option<i64>>,
    places: Places,
    stage: Vec<Option<String>>,
    decision: Vec<Option<String>>,
    decided_on: Vec<Option<NaiveDate>>,
}

impl Decisions {
    fn of(all: &DataFrame) -> Result<Decisions> {
        Ok(Decisions {
            code: frame::strings(all, "community_code")?,
            year: frame::ints(all, "year")?,
            places: Places::of(all)?,
            stage: frame::strings(all, "stage")?,
            decision: frame::strings(all, "decision")?,
            decided_on: frame::dates(all, "decided_on")?,
        })
    }

    /// Where the i-th row's reject points; a decision sheet's names the
    /// stage's columns.
    fn row<'a>(&'a self, i: usize, wide: &HashSet<String>) -> Row<'a> {
        self.places.row(Table::Decisions, i, |file| {
            wide.contains(file)
                .then(|| self.stage[i].as_deref().unwrap_or_default())
        })
    }
}

/// The `decisions` rows that pass the cross-table checks (with where each
/// was read: `source_file`, `source_sheet`, `source_line`), and the rejects
/// of the others.
pub fn check_decisions(all: DataFrame, against: &Against) -> Result<(DataFrame, Vec<Reject>)> {
    let known = codes(against.communities)?;
    let apps = applications(against.applications)?;
    let register = objections::register(against.objections)?;
    let rows = Decisions::of(&all)?;
    let mut keep = vec![true; all.height()];
    let mut rejects = Vec::new();
    let checked = Checked {
        known: known.as_ref(),
        apps: apps.as_ref(),
    };
    // Row by row: community, application, the stage, its values, the date.
    for (i, kept) in keep.iter_mut().enumerate() {
        if let Some(r) = decision_problem(&rows, i, &checked, against) {
            *kept = false;
            rejects.push(r);
        }
    }
    check_stage_order(&rows, &mut keep, &register, against, &mut rejects);
    finish(all, keep, rejects)
}

/// The tables a record's community and application are looked up in (None:
/// the table is missing, nothing to check against).
struct Checked<'a> {
    known: Option<&'a HashSet<String>>,
    apps: Option<&'a Submitted>,
}

impl Checked<'_> {
    /// A record's community not in the roster, or its application not among
    /// `applications`: the reject. `stage` joins the key shown when the
    /// record is a stage's decision.
    fn community_or_application(
        &self,
        row: &Row,
        c: &str,
        y: i64,
        stage: Option<&str>,
    ) -> Option<Reject> {
        if self.known.is_some_and(|k| !k.contains(c)) {
            return Some(unknown_community(row, c));
        }
        if self
            .apps
            .is_some_and(|a| !a.contains_key(&(c.to_string(), y)))
        {
            let (column, value) = match stage {
                Some(s) => ("community_code+year+stage", format!("{c}+{y}+{s}")),
                None => ("community_code+year", format!("{c}+{y}")),
            };
            return Some(row.reject(
                column,
                &value,
                RejectReason::NoApplication,
                format!("applications has no row for {c} in {y}"),
            ));
        }
        None
    }
}

/// The reject of a record naming a community missing from the roster.
fn unknown_community(row: &Row, c: &str) -> Reject {
    row.reject(
        "community_code",
        c,
        RejectReason::UnknownCommunity,
        String::new(),
    )
}

/// The first problem of the i-th decision by itself: its community or
/// application unknown, a stage the review does not have, an outcome its
/// stage does not record, a date before the application's submission.
fn decision_problem(
    rows: &Decisions,
    i: usize,
    checked: &Checked,
    against: &Against,
) -> Option<Reject> {
    let stages = against.stages;
    let (Some(c), Some(y), Some(s), Some(d)) = (
        rows.code[i].as_deref(),
        rows.year[i],
        rows.stage[i].as_deref(),
        rows.decision[i].as_deref(),
    ) else {
        return None;
    };
    let row = rows.row(i, against.wide);
    if let Some(r) = checked.community_or_application(&row, c, y, Some(s)) {
        return Some(r);
    }
    let Some((_, st)) = stages.find(s) else {
        return Some(row.reject(
            "stage",
            s,
            RejectReason::NotAllowed,
            format!("the stages are {}", stages.order_text()),
        ));
    };
    if !st.allows(d) {
        return Some(row.reject(
            "decision",
            d,
            RejectReason::OutsideStage,
            format!("{} records {}", st.name, st.outcomes.join("/")),
        ));
    }
    let submitted = checked
        .apps
        .and_then(|a| a.get(&(c.to_string(), y)).copied().flatten());
    match (rows.decided_on[i], submitted) {
        (Some(on), Some(sub)) if on < sub => Some(row.reject(
            "decided_on",
            &on.to_string(),
            RejectReason::BeforeSubmission,
            format!("submitted_on is {sub}"),
        )),
        _ => None,
    }
}

/// Stage order, per application: a stage needs the one before it decided
/// and passed; the later row goes (and with it every stage after). The
/// stage after publicity also needs publicity's outcome as the objection
/// register makes it (`contract::objections`) to pass.
fn check_stage_order(
    rows: &Decisions,
    keep: &mut [bool],
    register: &objections::Register,
    against: &Against,
    rejects: &mut Vec<Reject>,
) {
    let stages = against.stages;
    let mut by_application: HashMap<(String, i64), Vec<(usize, usize)>> = HashMap::new();
    for i in (0..keep.len()).filter(|&i| keep[i]) {
        if let (Some(c), Some(y), Some((s, _))) = (
            rows.code[i].clone(),
            rows.year[i],
            rows.stage[i].as_deref().and_then(|n| stages.find(n)),
        ) {
            by_application.entry((c, y)).or_default().push((s, i));
        }
    }
    let mut applications: Vec<_> = by_application.into_iter().collect();
    applications.sort();
    for (key, mut decided) in applications {
        decided.sort();
        let registered = register.get(&key).map_or(&[][..], Vec::as_slice);
        let mut passed_up_to: Option<usize> = None;
        let mut last: Option<(usize, usize)> = None;
        for (s, i) in decided {
            if s == 0 || passed_up_to == Some(s - 1) {
                let recorded = rows.decision[i].as_deref();
                let outcome = if stages[s].objections {
                    objections::effective(recorded, registered).0
                } else {
                    recorded.map(str::to_string)
                };
                if outcome.is_some_and(|d| stages[s].passed_by(&d)) {
                    passed_up_to = Some(s);
                }
                last = Some((s, i));
                continue;
            }
            let (reason, detail) = out_of_order(rows, stages, s, last, registered);
            keep[i] = false;
            rejects.push(rows.row(i, against.wide).reject(
                "stage",
                &stages[s].name,
                reason,
                detail,
            ));
        }
    }
}

/// Why stage `s` of an application may not stand yet: the stage before it
/// (its last accepted decision `last`) still has an objection open, did not
/// pass, or was never decided.
fn out_of_order(
    rows: &Decisions,
    stages: &Stages,
    s: usize,
    last: Option<(usize, usize)>,
    registered: &[objections::Objection],
) -> (RejectReason, String) {
    let before = &stages[s - 1];
    match last {
        Some((ls, li)) if ls == s - 1 && before.objections => {
            let recorded = rows.decision[li].as_deref();
            let (outcome, by) = objections::effective(recorded, registered);
            let outcome = outcome.unwrap_or_default();
            let named = by.map_or(String::new(), |o| format!(", objection {}", o.describe()));
            (
                RejectReason::ObjectionOpen,
                format!("{} stands at {outcome}{named}", before.name),
            )
        }
        Some((ls, li)) if ls == s - 1 => (
            RejectReason::StageOutOfOrder,
            format!(
                "{} decided {}",
                before.name,
                rows.decision[li].as_deref().unwrap_or_default()
            ),
        ),
        _ => (
            RejectReason::StageOutOfOrder,
            format!("no accepted {} decision", before.name),
        ),
    }
}

/// The `objections` rows that pass the cross-table checks (with where each
/// was read), and the rejects of the others: the community is known, the
/// application exists, a resolution date is not before the objection's.
pub fn check_objections(all: DataFrame, against: &Against) -> Result<(DataFrame, Vec<Reject>)> {
    let known = codes(against.communities)?;
    let apps = applications(against.applications)?;
    let code = frame::strings(&all, "community_code")?;
    let year = frame::ints(&all, "year")?;
    let received = frame::dates(&all, "received_on")?;
    let resolved = frame::dates(&all, "resolved_on")?;
    let checked = Checked {
        known: known.as_ref(),
        apps: apps.as_ref(),
    };
    keep_rows(all, Table::Objections, |i, row| {
        let c = code[i].as_deref().unwrap_or_default();
        let y = year[i].unwrap_or_default();
        checked
            .community_or_application(row, c, y, None)
            .or_else(|| match (received[i], resolved[i]) {
                (Some(r), Some(d)) if d < r => Some(row.reject(
                    "resolved_on",
                    &d.to_string(),
                    RejectReason::EndBeforeStart,
                    format!("received_on is {r}"),
                )),
                _ => None,
            })
    })
}

/// The `approvals` rows that pass the cross-table checks (the community is
/// in the roster), and the rejects of the others.
pub fn check_approvals(all: DataFrame, against: &Against) -> Result<(DataFrame, Vec<Reject>)> {
    let known = codes(against.communities)?;
    keep_known(
        all,
        Table::Approvals,
        "community_code",
        known,
        RejectReason::UnknownCommunity,
    )
}

/// The county's re-inspection conclusions (`reinspections`) that pass the
/// cross-table checks (the community is in the roster), and the rejects of
/// the others.
pub fn check_reinspections(all: DataFrame, against: &Against) -> Result<(DataFrame, Vec<Reject>)> {
    let known = codes(against.communities)?;
    keep_known(
        all,
        Table::Reinspections,
        "community_code",
        known,
        RejectReason::UnknownCommunity,
    )
}

/// The `filings` rows that pass the cross-table checks (the county is one
/// of the roster's), and the rejects of the others.
pub fn check_filings(all: DataFrame, against: &Against) -> Result<(DataFrame, Vec<Reject>)> {
    let counties: Option<HashSet<String>> = match against.communities {
        Some(c) => Some(frame::strings(c, "county")?.into_iter().flatten().collect()),
        None => None,
    };
    keep_known(
        all,
        Table::Filings,
        "county",
        counties,
        RejectReason::UnknownCounty,
    )
}

/// The rows whose `column` is among `known` (None: nothing to check
/// against), and a reject with `reason` for each other.
fn keep_known(
    all: DataFrame,
    table: Table,
    column: &str,
    known: Option<HashSet<String>>,
    reason: RejectReason,
) -> Result<(DataFrame, Vec<Reject>)> {
    let value = frame::strings(&all, column)?;
    keep_rows(all, table, |i, row| {
        let v = value[i].as_deref().unwrap_or_default();
        known
            .as_ref()
            .is_some_and(|k| !k.contains(v))
            .then(|| row.reject(column, v, reason, String::new()))
    })
}

/// The rows `check` finds nothing wrong with (it sees each row's index and
/// its place for a reject), and the rejects it made of the others.
fn keep_rows(
    all: DataFrame,
    table: Table,
    check: impl Fn(usize, &Row) -> Option<Reject>,
) -> Result<(DataFrame, Vec<Reject>)> {
    let places = Places::of(&all)?;
    let mut keep = vec![true; all.height()];
    let mut rejects = Vec::new();
    for (i, kept) in keep.iter_mut().enumerate() {
        let row = places.row(table, i, |_| None);
        if let Some(r) = check(i, &row) {
            *kept = false;
            rejects.push(r);
        }
    }
    finish(all, keep, rejects)
}

/// The `verifications` rows that pass the cross-table checks (with where
/// each was read), and the rejects of the others.
pub fn check_verifications(all: DataFrame, against: &Against) -> Result<(DataFrame, Vec<Reject>)> {
    let known = codes(against.communities)?;
    let code = frame::strings(&all, "community_code")?;
    let detector = frame::strings(&all, "detector")?;
    keep_rows(all, Table::Verifications, |i, row| {
        let c = code[i].as_deref().unwrap_or_default();
        let d = detector[i].as_deref().unwrap_or_default();
        if known.as_ref().is_some_and(|k| !k.contains(c)) {
            Some(unknown_community(row, c))
        } else if against
            .detectors
            .is_some_and(|ids| d != SPOT_CHECK && !ids.contains(&d))
        {
            Some(row.reject(
                "detector",
                d,
                RejectReason::UnknownDetector,
                format!("a detector id or {SPOT_CHECK}"),
            ))
        } else {
            None
        }
    })
}

fn finish(
    mut all: DataFrame,
    keep: Vec<bool>,
    rejects: Vec<Reject>,
) -> Result<(DataFrame, Vec<Reject>)> {
    if keep.iter().any(|k| !k) {
        let mask = BooleanChunked::from_slice(PlSmallStr::EMPTY, &keep);
        all = all.filter(&mask)?;
    }
    mask_free_text(&mut all)?;
    // Where each row was read, source_line last, as readers of the typed
    // frames expect.
    for name in [SOURCE_FILE, SOURCE_SHEET, SOURCE_LINE] {
        let c = all.drop_in_place(name)?;
        all.with_column(c)?;
    }
    Ok((all, rejects))
}

/// Identity numbers typed into the free-text columns (an opinion, a unit, a
/// note) masked once here, so the status, the report, the forms and the
/// working sheets never print one.
fn mask_free_text(df: &mut DataFrame) -> Result<()> {
    for name in crate::contract::review_records::FREE_TEXT {
        let Ok(column) = df.column(name) else {
            continue;
        };
        let masked: StringChunked = column
            .str()?
            .iter()
            .map(|v| v.map(crate::contract::identity::mask_identities_in))
            .collect();
        df.with_column(masked.with_name((*name).into()).into_column())?;
    }
    Ok(())
}
