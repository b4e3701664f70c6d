//! The panel's checks of the findings (核实记录, the `verifications` table)
//! and what they do (docs/ratings.md, "Verified findings"):
//!
//! - a finding checked 不属实 (dismissed) is kept and published as dismissed,
//!   with who checked it and when, but no longer counts in the risk score (so
//!   neither in the spot-check weight, which is 1 + risk);
//! - a finding checked 属实 (confirmed), from a detector the rules let
//!   confirm (`[verifications] confirm_from`), is a confirmed falsification
//!   of its community and year; so is a spot-check visit (`抽查`) found
//!   不属实: the visit judges the community's declared figures, and figures
//!   that did not hold up are false. A spot-check visit found 属实 changes
//!   nothing but is shown.
//!
//! A confirmation stands whether or not the detector still fires on the
//! night's extract: the panel's finding is the panel's. A dismissal only
//! dismisses the finding of its community, year and detector (every row of
//! it, where a detector reports several, as `claimed_vs_registry` does).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use polars::prelude::*;

use super::Finding;
use crate::config::rules::VerificationRules;
use crate::contract::review_records::{CONFIRMED, DISMISSED, SPOT_CHECK, keyed_rows};
use crate::error::Result;
use crate::frame::{dates, strings};

/// The `confirm_from` word for every detector and the spot checks.
pub const ALL: &str = "all";

/// One recorded check: a row of the `verifications` table.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Check {
    pub community_code: String,
    pub year: i32,
    /// A detector id, or `抽查` for a spot-check visit.
    pub detector: String,
    /// `属实` or `不属实`.
    pub result: String,
    pub checked_on: Option<NaiveDate>,
    pub checked_by: Option<String>,
    pub note: Option<String>,
}

impl Check {
    pub fn is_spot_check(&self) -> bool {
        self.detector == SPOT_CHECK
    }

    /// Whether this check dismisses a detector's finding.
    pub fn dismisses(&self) -> bool {
        !self.is_spot_check() && self.result == DISMISSED
    }

    /// Whether this check is a confirmed falsification under `rules`.
    pub fn confirms(&self, rules: &VerificationRules) -> bool {
        let allowed = rules
            .confirm_from
            .iter()
            .any(|s| s == ALL || *s == self.detector);
        let falsified = if self.is_spot_check() {
            self.result == DISMISSED
        } else {
            self.result == CONFIRMED
        };
        allowed && falsified
    }
}

/// Every recorded check, by (community, year, detector): the table's key, so
/// at most one each.
#[derive(Debug, Clone, Default)]
pub struct Verified {
    pub checks: BTreeMap<(String, i32, String), Check>,
}

impl Verified {
    /// The checks of the typed `verifications` frame; none without one.
    pub fn read(frame: Option<&DataFrame>) -> Result<Verified> {
        let Some(df) = frame else {
            return Ok(Verified::default());
        };
        let (by, note, on) = (
            strings(df, "checked_by")?,
            strings(df, "note")?,
            dates(df, "checked_on")?,
        );
        let mut checks = BTreeMap::new();
        for k in keyed_rows(df, &["detector", "result"])? {
            let [detector, result] = [k.text[0].clone(), k.text[1].clone()];
            let check = Check {
                community_code: k.code.clone(),
                year: k.year,
                detector: detector.clone(),
                result,
                checked_on: on[k.row],
                checked_by: by[k.row].clone(),
                note: note[k.row].clone(),
            };
            checks.insert((k.code, k.year, detector), check);
        }
        Ok(Verified { checks })
    }

    /// The check recorded for a finding's community, year and detector.
    pub fn of(&self, f: &Finding) -> Option<&Check> {
        let code = f.community_code.as_ref()?;
        self.checks
            .get(&(code.clone(), f.year, f.detector.to_string()))
    }

    /// The check that dismisses `f`, if any.
    pub fn dismissal(&self, f: &Finding) -> Option<&Check> {
        self.of(f).filter(|c| c.dismisses())
    }

    /// The findings that still count in the risk score, every finding but
    /// the dismissed ones, each marked material when its position in
    /// `findings` is in `material`.
    pub fn counted<'f>(
        &self,
        findings: &'f [Finding],
        material: &std::collections::BTreeSet<usize>,
    ) -> Vec<super::risk::Weighed<'f>> {
        findings
            .iter()
            .enumerate()
            .filter(|(_, f)| self.dismissal(f).is_none())
            .map(|(i, finding)| super::risk::Weighed {
                finding,
                material: material.contains(&i),
            })
            .collect()
    }

    /// The confirmed falsifications under `rules`, in key order.
    pub fn confirmed<'a>(&'a self, rules: &VerificationRules) -> Vec<&'a Check> {
        self.checks.values().filter(|c| c.confirms(rules)).collect()
    }

    /// One row per community and year with a confirmed falsification:
    /// `community_code`, `year`, `confirmed_findings` (the detector ids, or
    /// `抽查`, joined by `;`), for the ratings stage.
    pub fn confirmed_frame(&self, rules: &VerificationRules) -> PolarsResult<DataFrame> {
        let mut per: BTreeMap<(String, i32), Vec<&str>> = BTreeMap::new();
        for c in self.confirmed(rules) {
            per.entry((c.community_code.clone(), c.year))
                .or_default()
                .push(c.detector.as_str());
        }
        let mut codes = Vec::new();
        let mut years = Vec::new();
        let mut ids = Vec::new();
        for ((code, year), list) in per {
            codes.push(code);
            years.push(year as i64);
            ids.push(list.join(";"));
        }
        DataFrame::new_infer_height(vec![
            Column::new("community_code".into(), codes),
            Column::new("year".into(), years),
            Column::new("confirmed_findings".into(), ids),
        ])
    }
}

/// Checks `confirm_from` against the detectors: every name `all`, `抽查` or
/// the id of a detector of `ALL`. Returns (key, value, expected).
pub fn check(rules: &VerificationRules) -> std::result::Result<(), crate::config::ranges::Invalid> {
    use crate::config::ranges::Ranged;
    rules.check_under("verifications.")?;
    if let Some(unknown) = rules
        .confirm_from
        .iter()
        .find(|n| *n != ALL && *n != SPOT_CHECK && super::registry::find(n).is_none())
    {
        return Err((
            "verifications.confirm_from".into(),
            format!("{unknown:?}"),
            format!("\"{ALL}\", \"{SPOT_CHECK}\" or detector ids of docs/detectors.md"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detectors::Severity;

    fn check_of(detector: &str, result: &str) -> Check {
        Check {
            community_code: "410402001001".into(),
            year: 2021,
            detector: detector.into(),
            result: result.into(),
            checked_on: NaiveDate::from_ymd_opt(2021, 11, 2),
            checked_by: Some("市局核查组".into()),
            note: None,
        }
    }

    fn rules(from: &[&str]) -> VerificationRules {
        VerificationRules {
            confirm_from: from.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn what_confirms_and_what_dismisses() {
        let all = rules(&["all"]);
        assert!(check_of("duplicate_person", CONFIRMED).confirms(&all));
        assert!(!check_of("duplicate_person", DISMISSED).confirms(&all));
        assert!(check_of("duplicate_person", DISMISSED).dismisses());
        // A spot-check visit judges the declared figures: 不属实 is a falsification.
        assert!(check_of(SPOT_CHECK, DISMISSED).confirms(&all));
        assert!(!check_of(SPOT_CHECK, DISMISSED).dismisses());
        assert!(!check_of(SPOT_CHECK, CONFIRMED).confirms(&all));
        let only = rules(&["claimed_vs_registry"]);
        assert!(!check_of("duplicate_person", CONFIRMED).confirms(&only));
        assert!(check_of("claimed_vs_registry", CONFIRMED).confirms(&only));
        assert!(!check_of(SPOT_CHECK, DISMISSED).confirms(&only));
    }

    #[test]
    fn a_dismissal_removes_only_its_own_finding_from_the_count() {
        let finding = |det: &'static str| {
            crate::detectors::risk::tests::finding(Some("410402001001"), Severity::High, det)
        };
        let c = check_of("duplicate_person", DISMISSED);
        let v = Verified {
            checks: [(
                (c.community_code.clone(), c.year, c.detector.clone()),
                c.clone(),
            )]
            .into(),
        };
        let found = [finding("duplicate_person"), finding("invalid_identity")];
        let kept = v.counted(&found, &[1].into());
        assert_eq!(kept.len(), 1);
        assert_eq!(kept[0].finding.detector, "invalid_identity");
        assert!(kept[0].material, "the second finding, marked material");
    }

    #[test]
    fn confirm_from_names_are_checked() {
        assert_eq!(check(&rules(&["all"])), Ok(()));
        assert_eq!(check(&rules(&["抽查", "duplicate_person"])), Ok(()));
        let (key, value, _) = check(&rules(&["no_such_detector"])).unwrap_err();
        assert_eq!(key, "verifications.confirm_from");
        assert_eq!(value, "\"no_such_detector\"");
        assert!(check(&rules(&[])).is_err());
    }
}
