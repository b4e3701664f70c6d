//! 评审进度, as the report shows it: where the review year's applications
//! stand, per county, from the ratings' `status` frame. A table counts the applications
//! of each county by the stage they have reached (the stopped ones apart);
//! under it, each county lists its applications past their due date and
//! those stopped, with the decision and opinion that stopped them.

use std::collections::BTreeMap;

use polars::prelude::DataFrame;
use serde::Serialize;

use crate::config::Stages;
use crate::error::Result;
use crate::frame::{self, ByName};
use crate::ratings::status::{CONFIRMED, STOPPED, SUBMITTED, SUBMITTED_LABEL};

/// The columns of the count table: 申报 (nothing decided) and each stage.
pub fn stage_headers(stages: &Stages) -> Vec<String> {
    std::iter::once(SUBMITTED_LABEL.to_string())
        .chain(stages.iter().map(|s| s.name.clone()))
        .collect()
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct CountyCounts {
    pub county: String,
    /// Applications going on or confirmed, by the stage reached (申报 first).
    pub at_stage: Vec<usize>,
    pub stopped: usize,
    pub confirmed: usize,
    pub overdue: usize,
    pub total: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Line {
    pub name: String,
    pub code: String,
    pub street: String,
    pub stage: String,
    pub decision: String,
    pub opinion: String,
    pub decided_on: String,
    pub decided_by: String,
    pub next: String,
    pub due: String,
    pub overdue_days: String,
    /// The objection that stopped the application or keeps it waiting.
    pub objection: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct CountyStatus {
    pub counts: CountyCounts,
    pub overdue: Vec<Line>,
    pub stopped: Vec<Line>,
}

#[derive(Debug, Clone, Serialize)]
pub struct StatusView {
    pub headers: Vec<String>,
    pub counties: Vec<CountyStatus>,
    pub total: CountyCounts,
    pub decided_any: bool,
}

/// Row `i` of the status frame as a listed line.
fn line(c: &ByName, i: usize) -> Line {
    let text = |n: &str| c.text_or_empty(n, i);
    let shown = |v: Option<String>| v.unwrap_or_default();
    Line {
        name: text("community_name"),
        code: text("community_code"),
        street: text("street"),
        stage: text("stage_reached_label"),
        decision: text("decision"),
        opinion: text("opinion"),
        decided_on: shown(c.date("decided_on", i).map(|d| d.to_string())),
        decided_by: text("decided_by"),
        next: text("next_stage_label"),
        due: shown(c.date("due_on", i).map(|d| d.to_string())),
        overdue_days: shown(c.int("overdue_working_days", i).map(|d| d.to_string())),
        objection: text("objection"),
    }
}

/// Row `i` counted into `counts`.
fn count(c: &ByName, i: usize, headers: &[String], counts: &mut CountyCounts) {
    counts.total += 1;
    match c.text("state", i).as_deref() {
        Some(STOPPED) => counts.stopped += 1,
        st => {
            if st == Some(CONFIRMED) {
                counts.confirmed += 1;
            }
            let reached = c.text("stage_reached_label", i);
            let k = headers
                .iter()
                .position(|h| Some(h.as_str()) == reached.as_deref())
                .unwrap_or(0);
            counts.at_stage[k] += 1;
        }
    }
    if c.flag("overdue", i) == Some(true) {
        counts.overdue += 1;
    }
}

/// The view of `year`'s applications; None when there is no application.
pub fn view(status: &DataFrame, year: i32, stages: &Stages) -> Result<Option<StatusView>> {
    let df = frame::of_year(status, year)?;
    if df.height() == 0 {
        return Ok(None);
    }
    let rows = ByName::read(&df)?;
    let headers = stage_headers(stages);
    let counts = |county: String| CountyCounts {
        county,
        at_stage: vec![0; headers.len()],
        ..CountyCounts::default()
    };
    let mut by: BTreeMap<String, CountyStatus> = BTreeMap::new();
    let mut total = counts("合计".into());
    for i in 0..df.height() {
        let c = rows
            .text("county", i)
            .unwrap_or_else(|| "(未知区县)".into());
        let entry = by.entry(c.clone()).or_insert_with(|| CountyStatus {
            counts: counts(c),
            overdue: Vec::new(),
            stopped: Vec::new(),
        });
        count(&rows, i, &headers, &mut entry.counts);
        count(&rows, i, &headers, &mut total);
        if rows.text("state", i).as_deref() == Some(STOPPED) {
            entry.stopped.push(line(&rows, i));
        }
        if rows.flag("overdue", i) == Some(true) {
            entry.overdue.push(line(&rows, i));
        }
    }
    let decided_any =
        (0..df.height()).any(|i| rows.text("stage_reached", i).as_deref() != Some(SUBMITTED));
    Ok(Some(StatusView {
        headers,
        counties: by.into_values().collect(),
        total,
        decided_any,
    }))
}
