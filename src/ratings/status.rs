//! Where each application stands (评审进度), from the panel's recorded
//! decisions: the stage it has reached (申报 → 街道审核 → 县级初选 → 实地考察 →
//! 市级考核 → 公示 → 发文确认), whether it goes on, stopped at a stage (the
//! decision that stopped it, with its opinion) or is confirmed (认定), and
//! for one going on, the next stage with its due date from the review
//! calendar and whether that date has passed on the run date.
//!
//! The calendar dates the review year's stages (docs/ratings.md):
//! 街道审核 and 县级初选 are due by `list_due` (the county's recommendation
//! list needs both); 实地考察 and 市级考核 by `cross_assessment_end` (the site
//! visits are part of the city's cross assessment); 公示 by the end of the
//! publicity period; 发文确认 by `confirmation_due`. `register_due` concerns
//! the re-inspection register of provincial communities, not applications.
//! Only the latest review year has these dates; an earlier year's open
//! application has no due date and is never overdue.
//!
//! Also the one rule on the street's and county's recommendations: a decision
//! recorded for 街道审核 or 县级初选 is the authority over the application's
//! own `street_recommends` / `county_recommends` cell, which stays as it is
//! while no decision is recorded (`with_recorded_recommendations`).

use std::collections::HashMap;

use chrono::NaiveDate;
use polars::prelude::*;

use super::Publicity;
use super::calendar::working_days_after;
use crate::config::Review;
use crate::contract::review_records::{STAGES, Stage};
use crate::error::Result;
use crate::frame;

/// The stage before any decision: the application itself.
pub const SUBMITTED: &str = "submitted";
pub const SUBMITTED_LABEL: &str = "申报";

/// The states an application may be in.
pub const IN_PROGRESS: &str = "in_progress";
pub const STOPPED: &str = "stopped";
pub const CONFIRMED: &str = "confirmed";

pub fn state_label(state: &str) -> &'static str {
    match state {
        IN_PROGRESS => "进行中",
        STOPPED => "已终止",
        CONFIRMED => "已认定",
        _ => "",
    }
}

/// A stage's label by its id (`submitted` included).
pub fn stage_label(id: &str) -> &'static str {
    if id == SUBMITTED {
        return SUBMITTED_LABEL;
    }
    STAGES.iter().find(|s| s.id == id).map_or("", |s| s.name)
}

/// The stage's due date under the calendar (see the module's notes).
pub fn due_date(
    stage: &Stage,
    review: &Review,
    publicity: Option<&Publicity>,
) -> Option<NaiveDate> {
    match stage.id {
        "street_review" | "county_selection" => review.list_due,
        "site_visit" | "city_assessment" => review.cross_assessment_end,
        "publicity" => publicity.map(|p| p.end),
        "confirmation" => review.confirmation_due,
        _ => None,
    }
}

/// What the status reads.
pub struct StatusInputs<'a> {
    /// The `applications` table (None: no application, no status).
    pub applications: Option<&'a DataFrame>,
    /// The `decisions` table as ingest kept it (None: nothing recorded).
    pub decisions: Option<&'a DataFrame>,
    pub communities: &'a DataFrame,
    /// The review years; the latest is the calendar's.
    pub years: &'a [i32],
    pub review: &'a Review,
    pub publicity: Option<&'a Publicity>,
    pub run_date: NaiveDate,
}

/// One recorded decision.
#[derive(Debug, Clone)]
struct Decided {
    decision: String,
    opinion: Option<String>,
    on: Option<NaiveDate>,
    by: Option<String>,
}

type Key = (String, i64);

/// A community's name, county and street.
type Place = (Option<String>, Option<String>, Option<String>);

fn decisions_by_application(df: Option<&DataFrame>) -> Result<HashMap<Key, [Option<Decided>; 6]>> {
    let mut out: HashMap<Key, [Option<Decided>; 6]> = HashMap::new();
    let Some(df) = df else { return Ok(out) };
    let code = frame::strings(df, "community_code")?;
    let year = frame::ints(df, "year")?;
    let stage = frame::strings(df, "stage")?;
    let decision = frame::strings(df, "decision")?;
    let opinion = frame::strings(df, "opinion")?;
    let on = frame::dates(df, "decided_on")?;
    let by = frame::strings(df, "decided_by")?;
    for i in 0..df.height() {
        let (Some(c), Some(y), Some(s), Some(d)) = (
            code[i].clone(),
            year[i],
            stage[i].as_deref(),
            decision[i].clone(),
        ) else {
            continue;
        };
        let Some(k) = STAGES.iter().position(|st| st.name == s) else {
            continue;
        };
        out.entry((c, y)).or_default()[k] = Some(Decided {
            decision: d,
            opinion: opinion[i].clone(),
            on: on[i],
            by: by[i].clone(),
        });
    }
    Ok(out)
}

/// One application's standing.
#[derive(Debug, Clone, PartialEq)]
pub struct Standing {
    /// Index in `STAGES` of the last stage decided; None: only submitted.
    pub reached: Option<usize>,
    pub state: &'static str,
    /// The next stage, for an application going on.
    pub next: Option<usize>,
}

/// The standing from the decisions recorded, stage by stage (ingest has
/// checked that each follows a passed one).
pub fn standing(decided: &[Option<impl AsRef<str>>; 6]) -> Standing {
    let reached = (0..STAGES.len()).rev().find(|&k| decided[k].is_some());
    let Some(k) = reached else {
        return Standing {
            reached: None,
            state: IN_PROGRESS,
            next: Some(0),
        };
    };
    let d = decided[k].as_ref().map(|d| d.as_ref()).unwrap_or_default();
    if !STAGES[k].passed_by(d) {
        Standing {
            reached,
            state: STOPPED,
            next: None,
        }
    } else if k + 1 == STAGES.len() {
        Standing {
            reached,
            state: CONFIRMED,
            next: None,
        }
    } else {
        Standing {
            reached,
            state: IN_PROGRESS,
            next: Some(k + 1),
        }
    }
}

/// One row per application of the review years: identity, the standing,
/// the deciding decision, the next stage and its due date, overdue, and
/// each stage's decision and date.
pub fn status(inputs: &StatusInputs) -> Result<DataFrame> {
    let Some(apps) = inputs.applications else {
        return empty();
    };
    let decided = decisions_by_application(inputs.decisions)?;
    let roster: HashMap<String, Place> = {
        let c = inputs.communities;
        let code = frame::strings(c, "community_code")?;
        let name = frame::strings(c, "community_name")?;
        let county = frame::strings(c, "county")?;
        let street = frame::strings(c, "street")?;
        code.into_iter()
            .enumerate()
            .filter_map(|(i, k)| {
                Some((k?, (name[i].clone(), county[i].clone(), street[i].clone())))
            })
            .collect()
    };
    let calendar_year = inputs.years.iter().max().copied().map(i64::from);
    let code = frame::strings(apps, "community_code")?;
    let year = frame::ints(apps, "year")?;
    let level = frame::strings(apps, "applied_level")?;
    let submitted = frame::dates(apps, "submitted_on")?;
    let mut rows: Vec<usize> = (0..apps.height())
        .filter(|&i| {
            code[i].is_some() && year[i].is_some_and(|y| inputs.years.contains(&(y as i32)))
        })
        .collect();
    rows.sort_by(|&a, &b| (year[a], &code[a]).cmp(&(year[b], &code[b])));

    let mut b = Builder::default();
    for i in rows {
        let (c, y) = (code[i].clone().expect("kept"), year[i].expect("kept"));
        let stages = decided.get(&(c.clone(), y)).cloned().unwrap_or_default();
        let words: [Option<&str>; 6] =
            std::array::from_fn(|k| stages[k].as_ref().map(|d| d.decision.as_str()));
        let st = standing(&words);
        let (name, county, street) = roster.get(&c).cloned().unwrap_or_default();
        let last = st.reached.and_then(|k| stages[k].clone());
        let due = st
            .next
            .filter(|_| Some(y) == calendar_year)
            .and_then(|k| due_date(&STAGES[k], inputs.review, inputs.publicity));
        let overdue = due.is_some_and(|d| inputs.run_date > d);
        b.code.push(c);
        b.name.push(name);
        b.county.push(county);
        b.street.push(street);
        b.year.push(y);
        b.level.push(level[i].clone());
        b.submitted.push(submitted[i]);
        let reached = st.reached.map_or(SUBMITTED, |k| STAGES[k].id);
        b.reached.push(reached.to_string());
        b.reached_label.push(stage_label(reached).to_string());
        b.state.push(st.state.to_string());
        b.state_label.push(state_label(st.state).to_string());
        b.decision.push(last.as_ref().map(|d| d.decision.clone()));
        b.opinion
            .push(last.as_ref().and_then(|d| d.opinion.clone()));
        b.decided_on.push(last.as_ref().and_then(|d| d.on));
        b.decided_by.push(last.as_ref().and_then(|d| d.by.clone()));
        b.next.push(st.next.map(|k| STAGES[k].id.to_string()));
        b.next_label
            .push(st.next.map(|k| STAGES[k].name.to_string()));
        b.due.push(due);
        b.overdue.push(overdue);
        b.overdue_days.push(
            due.filter(|_| overdue)
                .map(|d| working_days_after(d, inputs.run_date, inputs.review)),
        );
        for (k, d) in stages.iter().enumerate() {
            let p = &mut b.per_stage[k];
            p.0.push(d.as_ref().map(|d| d.decision.clone()));
            p.1.push(d.as_ref().and_then(|d| d.opinion.clone()));
            p.2.push(d.as_ref().and_then(|d| d.on));
            p.3.push(d.as_ref().and_then(|d| d.by.clone()));
        }
    }
    b.frame()
}

#[derive(Default)]
struct Builder {
    code: Vec<String>,
    name: Vec<Option<String>>,
    county: Vec<Option<String>>,
    street: Vec<Option<String>>,
    year: Vec<i64>,
    level: Vec<Option<String>>,
    submitted: Vec<Option<NaiveDate>>,
    reached: Vec<String>,
    reached_label: Vec<String>,
    state: Vec<String>,
    state_label: Vec<String>,
    decision: Vec<Option<String>>,
    opinion: Vec<Option<String>>,
    decided_on: Vec<Option<NaiveDate>>,
    decided_by: Vec<Option<String>>,
    next: Vec<Option<String>>,
    next_label: Vec<Option<String>>,
    due: Vec<Option<NaiveDate>>,
    overdue: Vec<bool>,
    overdue_days: Vec<Option<i64>>,
    per_stage: [PerStage; 6],
}

/// One stage's columns: decision, opinion, date, unit.
#[derive(Default)]
struct PerStage(
    Vec<Option<String>>,
    Vec<Option<String>>,
    Vec<Option<NaiveDate>>,
    Vec<Option<String>>,
);

fn date_column(name: &str, v: Vec<Option<NaiveDate>>) -> PolarsResult<Column> {
    Column::new(name.into(), v).cast(&DataType::Date)
}

/// The per-stage columns: `<stage id>_decision`, `_opinion`, `_on`, `_by`.
pub fn stage_columns(id: &str) -> [String; 4] {
    ["decision", "opinion", "on", "by"].map(|f| format!("{id}_{f}"))
}

impl Builder {
    fn frame(self) -> Result<DataFrame> {
        let n = self.code.len();
        let mut columns = vec![
            Column::new("community_code".into(), self.code),
            Column::new("community_name".into(), self.name),
            Column::new("county".into(), self.county),
            Column::new("street".into(), self.street),
            Column::new("year".into(), self.year),
            Column::new("applied_level".into(), self.level),
            date_column("submitted_on", self.submitted)?,
            Column::new("stage_reached".into(), self.reached),
            Column::new("stage_reached_label".into(), self.reached_label),
            Column::new("state".into(), self.state),
            Column::new("state_label".into(), self.state_label),
            Column::new("decision".into(), self.decision),
            Column::new("opinion".into(), self.opinion),
            date_column("decided_on", self.decided_on)?,
            Column::new("decided_by".into(), self.decided_by),
            Column::new("next_stage".into(), self.next),
            Column::new("next_stage_label".into(), self.next_label),
            date_column("due_on", self.due)?,
            Column::new("overdue".into(), self.overdue),
            Column::new("overdue_working_days".into(), self.overdue_days),
        ];
        for (stage, p) in STAGES.iter().zip(self.per_stage) {
            let [decision, opinion, on, by] = stage_columns(stage.id);
            columns.push(Column::new(decision.into(), p.0));
            columns.push(Column::new(opinion.into(), p.1));
            columns.push(date_column(&on, p.2)?);
            columns.push(Column::new(by.into(), p.3));
        }
        Ok(DataFrame::new(n, columns)?)
    }
}

fn empty() -> Result<DataFrame> {
    Builder::default().frame()
}

/// The applications with `street_recommends` and `county_recommends` as the
/// recorded decisions make them: a 街道审核 or 县级初选 decision recorded for
/// the application sets its cell (passed: true, not: false); without one the
/// cell stays as the application has it.
pub fn with_recorded_recommendations(
    applications: &DataFrame,
    decisions: Option<&DataFrame>,
) -> Result<DataFrame> {
    let Some(decisions) = decisions.filter(|d| d.height() > 0) else {
        return Ok(applications.clone());
    };
    let decided = decisions_by_application(Some(decisions))?;
    let code = frame::strings(applications, "community_code")?;
    let year = frame::ints(applications, "year")?;
    let mut out = applications.clone();
    for (column, k) in [("street_recommends", 0usize), ("county_recommends", 1usize)] {
        let mut values = frame::bools(applications, column)?;
        for (i, v) in values.iter_mut().enumerate() {
            let (Some(c), Some(y)) = (code[i].clone(), year[i]) else {
                continue;
            };
            if let Some(d) = decided.get(&(c, y)).and_then(|s| s[k].as_ref()) {
                *v = Some(STAGES[k].passed_by(&d.decision));
            }
        }
        out.with_column(Column::new(column.into(), values))?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_standing_follows_the_last_decision() {
        let none: [Option<&str>; 6] = [None; 6];
        assert_eq!(
            standing(&none),
            Standing {
                reached: None,
                state: IN_PROGRESS,
                next: Some(0)
            }
        );
        let stopped = [Some("同意"), Some("不推荐"), None, None, None, None];
        assert_eq!(standing(&stopped).state, STOPPED);
        assert_eq!(standing(&stopped).reached, Some(1));
        let done = [
            Some("同意"),
            Some("推荐"),
            Some("合格"),
            Some("合格"),
            Some("异议已处理"),
            Some("认定"),
        ];
        assert_eq!(standing(&done).state, CONFIRMED);
        let midway = [Some("同意"), Some("推荐"), Some("合格"), None, None, None];
        assert_eq!(standing(&midway).next, Some(3));
    }

    #[test]
    fn a_recorded_street_or_county_decision_overrides_the_cells() {
        let apps = DataFrame::new_infer_height(vec![
            Column::new("community_code".into(), ["A", "B", "C"]),
            Column::new("year".into(), [2021i64, 2021, 2021]),
            Column::new("street_recommends".into(), [Some(true), None, Some(false)]),
            Column::new("county_recommends".into(), [Some(true), None, None]),
        ])
        .unwrap();
        let decisions = DataFrame::new_infer_height(vec![
            Column::new("community_code".into(), ["A", "A", "B"]),
            Column::new("year".into(), [2021i64, 2021, 2021]),
            Column::new("stage".into(), ["街道审核", "县级初选", "街道审核"]),
            Column::new("decision".into(), ["同意", "不推荐", "同意"]),
        ])
        .unwrap();
        let out = with_recorded_recommendations(&apps, Some(&decisions)).unwrap();
        // A: the county's 不推荐 overrides its cell; B: the street's 同意 fills
        // an empty cell; C: nothing recorded, its cells as they were.
        assert_eq!(
            frame::bools(&out, "street_recommends").unwrap(),
            vec![Some(true), Some(true), Some(false)]
        );
        assert_eq!(
            frame::bools(&out, "county_recommends").unwrap(),
            vec![Some(false), None, None]
        );
        let same = with_recorded_recommendations(&apps, None).unwrap();
        assert!(same.equals_missing(&apps));
    }
}
