//! The review's stages as data (`[[review.stages]]` in the rules file): one
//! list in the notice's order, each stage with its deciding unit, the
//! outcomes it may record, which of them let the application go on, which
//! leave it waiting at the stage, and the calendar date it is due by.
//!
//! Everything that checks or shows a stage reads this list: ingest's checks
//! of the `decisions` table and of the working sheet's column groups, the
//! applications' status and due dates, the working sheets, the
//! recommendation form's opinion boxes, the data dictionary, the report and
//! `explain`. Moving or adding a stage is an edit of the list alone.
//!
//! A stage also names the spellings older sheets and files used: its former
//! names (a sheet written before the stage was renamed is still read, by
//! header) and former outcomes with what they are read as today (异议已处理,
//! read as 有异议 with a warning asking the clerk to record the resolution).

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::ranges::{Invalid, bad};

/// The calendar dates a stage may be due by (keys of the pipeline's
/// `[review]`, and `publicity_end`, the publicity period's last day).
pub const DUE_KEYS: [&str; 6] = [
    "register_due",
    "list_due",
    "cross_assessment_end",
    "publicity_start",
    "publicity_end",
    "confirmation_due",
];

/// The application cells a stage's decision may set (`applications`).
pub const APPLICATION_CELLS: [&str; 2] = ["street_recommends", "county_recommends"];

/// One stage of the review an application passes.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Stage {
    /// A short English name for Parquet columns and values (`site_visit`).
    pub id: String,
    /// The stage as the `stage` column and the sheet's group spell it.
    pub name: String,
    /// Who decides (街道办事处, 县级人社局, 交叉考核组, 市人社局).
    pub unit: String,
    /// Every outcome the stage may record.
    pub outcomes: Vec<String>,
    /// The outcomes that let the application go on to the next stage.
    pub passes: Vec<String>,
    /// Outcomes recorded while the stage is still open: the application
    /// waits at the stage (有异议: an objection registered, not resolved).
    #[serde(default)]
    pub pending: Vec<String>,
    /// The calendar date the stage is due by (one of `DUE_KEYS`).
    #[serde(default)]
    pub due: Option<String>,
    /// The application's cell a recorded decision overrides (passed: true).
    #[serde(default)]
    pub sets: Option<String>,
    /// The recommendation form's opinion box the decision fills.
    #[serde(default)]
    pub form_box: Option<String>,
    /// The stage's outcome is resolved through the objection register (公示).
    #[serde(default)]
    pub objections: bool,
    /// Names the stage had in earlier versions of the sheets.
    #[serde(default)]
    pub former_names: Vec<String>,
    /// Outcomes of earlier versions, with the outcome each is read as.
    #[serde(default)]
    pub former_outcomes: BTreeMap<String, String>,
}

impl Stage {
    pub fn allows(&self, outcome: &str) -> bool {
        self.outcomes.iter().any(|o| o == outcome)
    }

    pub fn passed_by(&self, outcome: &str) -> bool {
        self.passes.iter().any(|o| o == outcome)
    }

    /// Recorded, but the stage is not over (neither passed nor stopped).
    pub fn waits_on(&self, outcome: &str) -> bool {
        self.pending.iter().any(|o| o == outcome)
    }

    /// Stops the application: allowed, neither passing nor pending.
    pub fn stops(&self, outcome: &str) -> bool {
        self.allows(outcome) && !self.passed_by(outcome) && !self.waits_on(outcome)
    }

    /// Whether `name` is this stage, now or by a former name.
    pub fn is_named(&self, name: &str) -> bool {
        self.name == name || self.former_names.iter().any(|n| n == name)
    }
}

/// The stages in order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(transparent)]
pub struct Stages(pub Vec<Stage>);

impl std::ops::Deref for Stages {
    type Target = [Stage];
    fn deref(&self) -> &[Stage] {
        &self.0
    }
}

impl Stages {
    /// The notice's stages, as the default rules file lists them.
    pub fn notice() -> Stages {
        super::Rules::default().review.stages
    }

    /// The stage named `name` (now or formerly), with its position.
    pub fn find(&self, name: &str) -> Option<(usize, &Stage)> {
        self.iter().enumerate().find(|(_, s)| s.is_named(name))
    }

    pub fn by_id(&self, id: &str) -> Option<(usize, &Stage)> {
        self.iter().enumerate().find(|(_, s)| s.id == id)
    }

    /// The stage names, in order.
    pub fn names(&self) -> Vec<&str> {
        self.iter().map(|s| s.name.as_str()).collect()
    }

    /// Every outcome of every stage, each once, in stage order.
    pub fn outcomes(&self) -> Vec<&str> {
        let mut seen = BTreeSet::new();
        self.iter()
            .flat_map(|s| s.outcomes.iter())
            .map(String::as_str)
            .filter(|o| seen.insert(*o))
            .collect()
    }

    /// The stage whose decision sets the application's `cell`.
    pub fn setting(&self, cell: &str) -> Option<(usize, &Stage)> {
        self.iter()
            .enumerate()
            .find(|(_, s)| s.sets.as_deref() == Some(cell))
    }

    /// The stage whose outcome the objection register resolves (公示).
    pub fn objection_stage(&self) -> Option<(usize, &Stage)> {
        self.iter().enumerate().find(|(_, s)| s.objections)
    }

    /// `names` in this list's order, for a message: 街道审核 → 县级实地考察 → ….
    pub fn order_text(&self) -> String {
        self.names().join(" → ")
    }
}

/// The list's own checks: at least one stage; ids and names (former ones
/// included) each once; every stage passes on something it allows, its
/// pending outcomes allowed and not passing; former outcomes read as an
/// allowed one; due keys and cells known; one objection stage at most.
pub fn stage_list(key: &str, stages: &Stages) -> Result<(), Invalid> {
    if stages.is_empty() {
        return bad(key, "[]", "a list of one or more stages");
    }
    let mut ids = BTreeSet::new();
    let mut names = BTreeSet::new();
    for (k, s) in stages.iter().enumerate() {
        let at = format!("{key}[{k}]");
        if s.id.trim().is_empty() || !ids.insert(s.id.as_str()) {
            return bad(&format!("{at}.id"), &s.id, "an id not empty and used once");
        }
        for n in std::iter::once(&s.name).chain(&s.former_names) {
            if n.trim().is_empty() || !names.insert(n.as_str()) {
                return bad(&format!("{at}.name"), n, "a name not empty and used once");
            }
        }
        if s.passes.is_empty() || !s.passes.iter().all(|p| s.allows(p)) {
            return bad(
                &format!("{at}.passes"),
                format!("{:?}", s.passes),
                "one or more of the stage's own outcomes",
            );
        }
        if let Some(p) = s.pending.iter().find(|p| !s.allows(p) || s.passed_by(p)) {
            return bad(
                &format!("{at}.pending"),
                p,
                "an outcome of the stage that does not pass",
            );
        }
        if let Some((old, new)) = s.former_outcomes.iter().find(|(_, new)| !s.allows(new)) {
            return bad(
                &format!("{at}.former_outcomes.{old}"),
                new,
                "one of the stage's outcomes",
            );
        }
        if let Some(due) = s.due.as_deref().filter(|d| !DUE_KEYS.contains(d)) {
            return bad(&format!("{at}.due"), due, &DUE_KEYS.join(", "));
        }
        if let Some(cell) = s.sets.as_deref().filter(|c| !APPLICATION_CELLS.contains(c)) {
            return bad(&format!("{at}.sets"), cell, &APPLICATION_CELLS.join(", "));
        }
    }
    if stages.iter().filter(|s| s.objections).count() > 1 {
        return bad(
            &format!("{key}.objections"),
            "true twice",
            "one stage at most resolved through the objection register",
        );
    }
    for cell in APPLICATION_CELLS {
        if stages
            .iter()
            .filter(|s| s.sets.as_deref() == Some(cell))
            .count()
            > 1
        {
            return bad(&format!("{key}.sets"), cell, "each cell set by one stage");
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_notice_lists_the_county_visit_before_its_selection() {
        let s = Stages::notice();
        assert_eq!(
            s.names(),
            [
                "街道审核",
                "县级实地考察",
                "县级初选",
                "市级交叉考核",
                "公示",
                "发文确认"
            ]
        );
        assert!(stage_list("review.stages", &s).is_ok());
        let (k, publicity) = s.objection_stage().unwrap();
        assert_eq!(k, 4);
        assert!(publicity.waits_on("有异议"));
        assert!(publicity.stops("异议成立"));
        assert!(publicity.passed_by("异议不成立") && publicity.passed_by("无异议"));
        assert_eq!(s.find("市级考核").map(|(k, _)| k), Some(3));
        assert_eq!(s.find("实地考察").map(|(k, _)| k), Some(1));
    }

    #[test]
    fn a_list_that_contradicts_itself_names_the_key() {
        let mut s = Stages::notice();
        s.0[2].passes = vec!["通过".into()];
        let (key, _, _) = stage_list("review.stages", &s).unwrap_err();
        assert_eq!(key, "review.stages[2].passes");
        let mut s = Stages::notice();
        s.0[5].due = Some("next_week".into());
        assert_eq!(
            stage_list("review.stages", &s).unwrap_err().0,
            "review.stages[5].due"
        );
        let mut s = Stages::notice();
        s.0[1].name = "街道审核".into();
        assert_eq!(
            stage_list("review.stages", &s).unwrap_err().0,
            "review.stages[1].name"
        );
    }
}
