//! Where each application stands (评审进度), from the panel's recorded
//! decisions and the rules' stage list (`config::stages`, the notice's order:
//! 申报 → 街道审核 → 县级实地考察 → 县级初选 → 市级交叉考核 → 公示 → 发文确认):
//! the stage it has reached, whether it goes on, waits at a stage (公示 with
//! an objection not yet resolved), stopped at a stage (the decision that
//! stopped it, with its opinion) or is confirmed (认定), and for one going on,
//! the next stage with its due date from the review calendar and whether
//! that date has passed on the run date.
//!
//! Each stage names the calendar date it is due by (`due`: `list_due` for
//! the street's review, the county's site visit and its selection,
//! `cross_assessment_end`, the publicity period's end, `confirmation_due`).
//! Only the latest review year has these dates; an earlier year's open
//! application has no due date and is never overdue.
//!
//! Publicity's outcome is the one the objection register makes it
//! (`contract::objections`): an upheld objection stops the application, an
//! unresolved one keeps it waiting at publicity.
//!
//! Also the one rule on the street's and county's recommendations: a
//! decision recorded for the stage that `sets` an application cell is the
//! authority over that cell (`street_recommends`, `county_recommends`),
//! which stays as it is while no decision is recorded
//! (`with_recorded_recommendations`).

use chrono::NaiveDate;
use polars::prelude::*;

use super::Publicity;
use super::calendar::working_days_after;
use crate::config::{Review, Stage, Stages};
use crate::contract::objections::{self, Objection};
use crate::contract::review_records::{Recorded, decisions_by_application};
use crate::contract::roster::{Place, places};
use crate::error::Result;
use crate::frame;

/// The stage before any decision: the application itself.
pub const SUBMITTED: &str = "submitted";
pub const SUBMITTED_LABEL: &str = "申报";

/// The states an application may be in.
pub const IN_PROGRESS: &str = "in_progress";
pub const WAITING: &str = "waiting";
pub const STOPPED: &str = "stopped";
pub const CONFIRMED: &str = "confirmed";

pub fn state_label(state: &str) -> &'static str {
    match state {
        IN_PROGRESS => "进行中",
        WAITING => "待处理",
        STOPPED => "已终止",
        CONFIRMED => "已认定",
        _ => "",
    }
}

/// A stage's label by its id (`submitted` included).
pub fn stage_label<'a>(stages: &'a Stages, id: &str) -> &'a str {
    if id == SUBMITTED {
        return SUBMITTED_LABEL;
    }
    stages.by_id(id).map_or("", |(_, s)| s.name.as_str())
}

/// The stage's due date under the calendar: the date its `due` key names.
pub fn due_date(
    stage: &Stage,
    review: &Review,
    publicity: Option<&Publicity>,
) -> Option<NaiveDate> {
    match stage.due.as_deref()? {
        "register_due" => review.register_due,
        "list_due" => review.list_due,
        "cross_assessment_end" => review.cross_assessment_end,
        "publicity_start" => review.publicity_start,
        "publicity_end" => publicity.map(|p| p.end),
        "confirmation_due" => review.confirmation_due,
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
    pub stages: &'a Stages,
    /// The objection register (`objections`; None: nothing registered).
    pub objections: Option<&'a DataFrame>,
}

/// One application's standing.
#[derive(Debug, Clone, PartialEq)]
pub struct Standing {
    /// Index in the stage list of the last stage decided; None: only submitted.
    pub reached: Option<usize>,
    pub state: &'static str,
    /// The next stage, for an application going on; the same stage for one
    /// waiting at it.
    pub next: Option<usize>,
}

/// The standing from the outcomes recorded, stage by stage (ingest has
/// checked that each follows a passed one).
pub fn standing(stages: &Stages, outcomes: &[Option<impl AsRef<str>>]) -> Standing {
    let reached = (0..stages.len())
        .rev()
        .find(|&k| outcomes.get(k).is_some_and(Option::is_some));
    let Some(k) = reached else {
        return Standing {
            reached: None,
            state: IN_PROGRESS,
            next: Some(0),
        };
    };
    let d = outcomes[k].as_ref().map(|d| d.as_ref()).unwrap_or_default();
    let (state, next) = if stages[k].waits_on(d) {
        (WAITING, Some(k))
    } else if !stages[k].passed_by(d) {
        (STOPPED, None)
    } else if k + 1 == stages.len() {
        (CONFIRMED, None)
    } else {
        (IN_PROGRESS, Some(k + 1))
    };
    Standing {
        reached,
        state,
        next,
    }
}

/// An application's decisions with publicity's as the register makes it:
/// the outcome that counts, and the objection behind it, if any.
fn with_objections(
    stages: &Stages,
    mut decided: Vec<Option<Recorded>>,
    registered: &[Objection],
) -> (Vec<Option<Recorded>>, Option<Objection>) {
    let Some((k, _)) = stages.objection_stage() else {
        return (decided, None);
    };
    let recorded = decided[k].as_ref().map(|d| d.decision.as_str());
    let (outcome, by) = objections::effective(recorded, registered);
    let by = by.cloned();
    match outcome {
        None => decided[k] = None,
        Some(o) => {
            let slot = decided[k].get_or_insert_with(|| Recorded {
                decision: o.clone(),
                opinion: None,
                decided_on: by.as_ref().and_then(|b| b.resolved_on),
                decided_by: by.as_ref().and_then(|b| b.checked_by.clone()),
            });
            slot.decision = o;
            if slot.opinion.is_none() {
                slot.opinion = by.as_ref().map(Objection::describe);
            }
        }
    }
    // A decision recorded after a publicity that does not pass (ingest
    // refuses it; the register may have changed since) counts no more.
    if decided[k]
        .as_ref()
        .is_none_or(|d| !stages[k].passed_by(&d.decision))
    {
        for later in decided.iter_mut().skip(k + 1) {
            *later = None;
        }
    }
    (decided, by)
}

/// One row per application of the review years: identity, the standing,
/// the deciding decision, the next stage and its due date, overdue, and
/// each stage's decision and date.
pub fn status(inputs: &StatusInputs) -> Result<DataFrame> {
    let Some(apps) = inputs.applications else {
        return empty(inputs.stages);
    };
    let stages = inputs.stages;
    let decided = decisions_by_application(inputs.decisions, stages)?;
    let register = objections::register(inputs.objections)?;
    let roster = places(inputs.communities)?;
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

    let mut b = Builder::new(stages.len());
    for i in rows {
        let (c, y) = (code[i].clone().expect("kept"), year[i].expect("kept"));
        let recorded = decided
            .get(&(c.clone(), y as i32))
            .cloned()
            .unwrap_or_else(|| vec![None; stages.len()]);
        let registered = register.get(&(c.clone(), y)).map_or(&[][..], Vec::as_slice);
        let (steps, objection) = with_objections(stages, recorded, registered);
        let words: Vec<Option<&str>> = steps
            .iter()
            .map(|d| d.as_ref().map(|d| d.decision.as_str()))
            .collect();
        let st = standing(stages, &words);
        let Place {
            name,
            county,
            street,
        } = roster.get(&c).cloned().unwrap_or_default();
        let last = st.reached.and_then(|k| steps[k].clone());
        let due = st
            .next
            .filter(|_| Some(y) == calendar_year)
            .and_then(|k| due_date(&stages[k], inputs.review, inputs.publicity));
        let overdue = due.is_some_and(|d| inputs.run_date > d);
        b.code.push(c);
        b.name.push(name);
        b.county.push(county);
        b.street.push(street);
        b.year.push(y);
        b.level.push(level[i].clone());
        b.submitted.push(submitted[i]);
        let reached = st.reached.map_or(SUBMITTED, |k| stages[k].id.as_str());
        b.reached.push(reached.to_string());
        b.reached_label
            .push(stage_label(stages, reached).to_string());
        b.state.push(st.state.to_string());
        b.state_label.push(state_label(st.state).to_string());
        b.push_last(last.as_ref());
        b.next.push(st.next.map(|k| stages[k].id.clone()));
        b.next_label.push(st.next.map(|k| stages[k].name.clone()));
        b.due.push(due);
        b.overdue.push(overdue);
        b.overdue_days.push(
            due.filter(|_| overdue)
                .map(|d| working_days_after(d, inputs.run_date, inputs.review)),
        );
        b.objections.push(registered.len() as i64);
        b.objections_open
            .push(registered.iter().filter(|o| o.open()).count() as i64);
        b.objection
            .push(objection.as_ref().map(Objection::describe));
        b.push_stages(&steps);
    }
    b.frame(stages)
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
    objections: Vec<i64>,
    objections_open: Vec<i64>,
    objection: Vec<Option<String>>,
    per_stage: Vec<PerStage>,
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
    /// The deciding decision's four columns.
    fn push_last(&mut self, last: Option<&Recorded>) {
        self.decision.push(last.map(|d| d.decision.clone()));
        self.opinion.push(last.and_then(|d| d.opinion.clone()));
        self.decided_on.push(last.and_then(|d| d.decided_on));
        self.decided_by
            .push(last.and_then(|d| d.decided_by.clone()));
    }

    /// Each stage's decision, opinion, date and unit.
    fn push_stages(&mut self, steps: &[Option<Recorded>]) {
        for (k, d) in steps.iter().enumerate() {
            let p = &mut self.per_stage[k];
            p.0.push(d.as_ref().map(|d| d.decision.clone()));
            p.1.push(d.as_ref().and_then(|d| d.opinion.clone()));
            p.2.push(d.as_ref().and_then(|d| d.decided_on));
            p.3.push(d.as_ref().and_then(|d| d.decided_by.clone()));
        }
    }

    fn new(stages: usize) -> Builder {
        Builder {
            per_stage: (0..stages).map(|_| PerStage::default()).collect(),
            ..Builder::default()
        }
    }

    fn frame(self, stages: &Stages) -> Result<DataFrame> {
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
            Column::new("objections".into(), self.objections),
            Column::new("objections_open".into(), self.objections_open),
            Column::new("objection".into(), self.objection),
        ];
        for (stage, p) in stages.iter().zip(self.per_stage) {
            let [decision, opinion, on, by] = stage_columns(&stage.id);
            columns.push(Column::new(decision.into(), p.0));
            columns.push(Column::new(opinion.into(), p.1));
            columns.push(date_column(&on, p.2)?);
            columns.push(Column::new(by.into(), p.3));
        }
        Ok(DataFrame::new(n, columns)?)
    }
}

fn empty(stages: &Stages) -> Result<DataFrame> {
    Builder::new(stages.len()).frame(stages)
}

/// The applications with `street_recommends` and `county_recommends` as the
/// recorded decisions make them: a 街道审核 or 县级初选 decision recorded for
/// the application sets its cell (passed: true, not: false); without one the
/// cell stays as the application has it.
pub fn with_recorded_recommendations(
    applications: &DataFrame,
    decisions: Option<&DataFrame>,
    stages: &Stages,
) -> Result<DataFrame> {
    let Some(decisions) = decisions.filter(|d| d.height() > 0) else {
        return Ok(applications.clone());
    };
    let decided = decisions_by_application(Some(decisions), stages)?;
    let code = frame::strings(applications, "community_code")?;
    let year = frame::ints(applications, "year")?;
    let mut out = applications.clone();
    for column in crate::config::stages::APPLICATION_CELLS {
        let Some((k, stage)) = stages.setting(column) else {
            continue;
        };
        let mut values = frame::bools(applications, column)?;
        for (i, v) in values.iter_mut().enumerate() {
            let (Some(c), Some(y)) = (code[i].clone(), year[i].and_then(|y| i32::try_from(y).ok()))
            else {
                continue;
            };
            if let Some(d) = decided.get(&(c, y)).and_then(|s| s[k].as_ref()) {
                *v = Some(stage.passed_by(&d.decision));
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
        let stages = Stages::notice();
        let none: [Option<&str>; 6] = [None; 6];
        assert_eq!(
            standing(&stages, &none),
            Standing {
                reached: None,
                state: IN_PROGRESS,
                next: Some(0)
            }
        );
        // The county's visit comes before its selection.
        let stopped = [Some("同意"), Some("合格"), Some("不推荐"), None, None, None];
        assert_eq!(standing(&stages, &stopped).state, STOPPED);
        assert_eq!(standing(&stages, &stopped).reached, Some(2));
        let done = [
            Some("同意"),
            Some("合格"),
            Some("推荐"),
            Some("合格"),
            Some("异议不成立"),
            Some("认定"),
        ];
        assert_eq!(standing(&stages, &done).state, CONFIRMED);
        let midway = [Some("同意"), Some("合格"), Some("推荐"), None, None, None];
        assert_eq!(standing(&stages, &midway).next, Some(3));
        let objected = [
            Some("同意"),
            Some("合格"),
            Some("推荐"),
            Some("合格"),
            Some("有异议"),
            None,
        ];
        let st = standing(&stages, &objected);
        assert_eq!((st.state, st.next), (WAITING, Some(4)));
        let upheld = [
            Some("同意"),
            Some("合格"),
            Some("推荐"),
            Some("合格"),
            Some("异议成立"),
            None,
        ];
        assert_eq!(standing(&stages, &upheld).state, STOPPED);
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
        let out =
            with_recorded_recommendations(&apps, Some(&decisions), &Stages::notice()).unwrap();
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
        let same = with_recorded_recommendations(&apps, None, &Stages::notice()).unwrap();
        assert!(same.equals_missing(&apps));
    }
}
