//! The report's 评审进度: where the review year's applications stand, per
//! county, from the ratings' `status` frame. A table counts the applications
//! of each county by the stage they have reached (the stopped ones apart);
//! under it, each county lists its applications past their due date and
//! those stopped, with the decision and opinion that stopped them.

use std::collections::BTreeMap;

use polars::prelude::DataFrame;
use serde::Serialize;

use crate::config::Stages;
use crate::error::Result;
use crate::frame;
use crate::ratings::status::{CONFIRMED, STOPPED, SUBMITTED_LABEL};

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

/// The view of `year`'s applications; None when there is no application.
pub fn view(status: &DataFrame, year: i32, stages: &Stages) -> Result<Option<StatusView>> {
    let df = frame::of_year(status, year)?;
    if df.height() == 0 {
        return Ok(None);
    }
    let s = |name: &str| frame::strings(&df, name);
    let (code, name, county, street) = (
        s("community_code")?,
        s("community_name")?,
        s("county")?,
        s("street")?,
    );
    let (reached, reached_label, state) =
        (s("stage_reached")?, s("stage_reached_label")?, s("state")?);
    let (decision, opinion, decided_by) = (s("decision")?, s("opinion")?, s("decided_by")?);
    let decided_on = frame::dates(&df, "decided_on")?;
    let next = s("next_stage_label")?;
    let due = frame::dates(&df, "due_on")?;
    let overdue = frame::bools(&df, "overdue")?;
    let days = frame::ints(&df, "overdue_working_days")?;
    let headers = stage_headers(stages);
    let objection = s("objection")?;
    let mut by: BTreeMap<String, CountyStatus> = BTreeMap::new();
    let mut total = CountyCounts {
        county: "合计".into(),
        at_stage: vec![0; headers.len()],
        ..CountyCounts::default()
    };
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let mut decided_any = false;
    for i in 0..df.height() {
        let c = county[i].clone().unwrap_or_else(|| "(未知区县)".into());
        let entry = by.entry(c.clone()).or_insert_with(|| CountyStatus {
            counts: CountyCounts {
                county: c,
                at_stage: vec![0; headers.len()],
                ..CountyCounts::default()
            },
            overdue: Vec::new(),
            stopped: Vec::new(),
        });
        let line = Line {
            name: text(&name[i]),
            code: text(&code[i]),
            street: text(&street[i]),
            stage: text(&reached_label[i]),
            decision: text(&decision[i]),
            opinion: text(&opinion[i]),
            decided_on: decided_on[i].map(|d| d.to_string()).unwrap_or_default(),
            decided_by: text(&decided_by[i]),
            next: text(&next[i]),
            due: due[i].map(|d| d.to_string()).unwrap_or_default(),
            overdue_days: days[i].map(|d| d.to_string()).unwrap_or_default(),
            objection: text(&objection[i]),
        };
        if reached[i].as_deref() != Some("submitted") {
            decided_any = true;
        }
        for counts in [&mut entry.counts, &mut total] {
            counts.total += 1;
            match state[i].as_deref() {
                Some(STOPPED) => counts.stopped += 1,
                st => {
                    if st == Some(CONFIRMED) {
                        counts.confirmed += 1;
                    }
                    let k = headers
                        .iter()
                        .position(|h| Some(h.as_str()) == reached_label[i].as_deref())
                        .unwrap_or(0);
                    counts.at_stage[k] += 1;
                }
            }
            if overdue[i] == Some(true) {
                counts.overdue += 1;
            }
        }
        if state[i].as_deref() == Some(STOPPED) {
            entry.stopped.push(line.clone());
        }
        if overdue[i] == Some(true) {
            entry.overdue.push(line);
        }
    }
    Ok(Some(StatusView {
        headers,
        counties: by.into_values().collect(),
        total,
        decided_any,
    }))
}
