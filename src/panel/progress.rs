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
use crate::frame;
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

/// The status frame's columns the view reads, one row at a time.
struct Rows {
    code: Vec<Option<String>>,
    name: Vec<Option<String>>,
    county: Vec<Option<String>>,
    street: Vec<Option<String>>,
    reached: Vec<Option<String>>,
    reached_label: Vec<Option<String>>,
    state: Vec<Option<String>>,
    decision: Vec<Option<String>>,
    opinion: Vec<Option<String>>,
    decided_by: Vec<Option<String>>,
    decided_on: Vec<Option<chrono::NaiveDate>>,
    next: Vec<Option<String>>,
    due: Vec<Option<chrono::NaiveDate>>,
    overdue: Vec<Option<bool>>,
    days: Vec<Option<i64>>,
    objection: Vec<Option<String>>,
}

impl Rows {
    fn read(df: &DataFrame) -> Result<Rows> {
        let s = |name: &str| frame::strings(df, name);
        Ok(Rows {
            code: s("community_code")?,
            name: s("community_name")?,
            county: s("county")?,
            street: s("street")?,
            reached: s("stage_reached")?,
            reached_label: s("stage_reached_label")?,
            state: s("state")?,
            decision: s("decision")?,
            opinion: s("opinion")?,
            decided_by: s("decided_by")?,
            decided_on: frame::dates(df, "decided_on")?,
            next: s("next_stage_label")?,
            due: frame::dates(df, "due_on")?,
            overdue: frame::bools(df, "overdue")?,
            days: frame::ints(df, "overdue_working_days")?,
            objection: s("objection")?,
        })
    }

    /// Row `i` as a listed line.
    fn line(&self, i: usize) -> Line {
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        Line {
            name: text(&self.name[i]),
            code: text(&self.code[i]),
            street: text(&self.street[i]),
            stage: text(&self.reached_label[i]),
            decision: text(&self.decision[i]),
            opinion: text(&self.opinion[i]),
            decided_on: self.decided_on[i].map(|d| d.to_string()).unwrap_or_default(),
            decided_by: text(&self.decided_by[i]),
            next: text(&self.next[i]),
            due: self.due[i].map(|d| d.to_string()).unwrap_or_default(),
            overdue_days: self.days[i].map(|d| d.to_string()).unwrap_or_default(),
            objection: text(&self.objection[i]),
        }
    }

    /// Row `i` counted into `counts`.
    fn count(&self, i: usize, headers: &[String], counts: &mut CountyCounts) {
        counts.total += 1;
        match self.state[i].as_deref() {
            Some(STOPPED) => counts.stopped += 1,
            st => {
                if st == Some(CONFIRMED) {
                    counts.confirmed += 1;
                }
                let k = headers
                    .iter()
                    .position(|h| Some(h.as_str()) == self.reached_label[i].as_deref())
                    .unwrap_or(0);
                counts.at_stage[k] += 1;
            }
        }
        if self.overdue[i] == Some(true) {
            counts.overdue += 1;
        }
    }
}

/// The view of `year`'s applications; None when there is no application.
pub fn view(status: &DataFrame, year: i32, stages: &Stages) -> Result<Option<StatusView>> {
    let df = frame::of_year(status, year)?;
    if df.height() == 0 {
        return Ok(None);
    }
    let rows = Rows::read(&df)?;
    let headers = stage_headers(stages);
    let counts = |county: String| CountyCounts {
        county,
        at_stage: vec![0; headers.len()],
        ..CountyCounts::default()
    };
    let mut by: BTreeMap<String, CountyStatus> = BTreeMap::new();
    let mut total = counts("合计".into());
    for i in 0..df.height() {
        let c = rows.county[i].clone().unwrap_or_else(|| "(未知区县)".into());
        let entry = by.entry(c.clone()).or_insert_with(|| CountyStatus {
            counts: counts(c),
            overdue: Vec::new(),
            stopped: Vec::new(),
        });
        rows.count(i, &headers, &mut entry.counts);
        rows.count(i, &headers, &mut total);
        if rows.state[i].as_deref() == Some(STOPPED) {
            entry.stopped.push(rows.line(i));
        }
        if rows.overdue[i] == Some(true) {
            entry.overdue.push(rows.line(i));
        }
    }
    let decided_any = rows.reached.iter().any(|r| r.as_deref() != Some(SUBMITTED));
    Ok(Some(StatusView {
        headers,
        counties: by.into_values().collect(),
        total,
        decided_any,
    }))
}

