//! The re-inspection verdict (复查, docs/rules.md): for each community under
//! re-inspection (`scope`), every rule of the table either holds, fails (with
//! its value and threshold), is not applicable (null indicator), or cannot be
//! judged because the optional table it needs is missing. A platform table
//! without the community's row fails the platform rule as "no record"
//! (无平台建设记录) unless `missing_platform` says not applicable.
//!
//! The rules are evaluated row by row in plain Rust rather than as polars
//! expressions: each row needs its failing rules spelled out as text, and the
//! rule table reads more plainly as data than as string-concatenating
//! expressions.

use polars::prelude::*;

use crate::config::rules::{MissingPlatform, ReinspectionRules};
use crate::contract::Table;
use crate::frame::{bools, floats, ints, strings};

pub const VERDICT: &str = "verdict";
pub const FAILING_RULES: &str = "failing_rules";
pub const FAILING_DETAIL: &str = "failing_detail";
pub const INCOMPLETE_RULES: &str = "incomplete_rules";
pub const NOT_APPLICABLE_RULES: &str = "not_applicable_rules";
/// The confirmed falsifications of the community and year (detector ids, or
/// `抽查`, joined by `;`; empty for none): the panel's checks, not a rule's
/// threshold (docs/ratings.md).
pub const CONFIRMED_FINDINGS: &str = "confirmed_findings";

/// Rule ids, named after the rules key that sets each one, so a reader finds
/// the threshold in the rules file under the same name.
pub const ZERO_HOUSEHOLD_VETO: &str = "zero_household_veto";
pub const MIN_REEMPLOYMENT_RATE: &str = "min_reemployment_rate";
pub const MIN_HARDSHIP_EMPLOYMENT_RATE: &str = "min_hardship_employment_rate";
pub const MAX_REGISTERED_UNEMPLOYMENT_RATE: &str = "max_registered_unemployment_rate";
pub const MIN_ASSISTANCE_COVERAGE: &str = "min_assistance_coverage";
pub const REQUIRE_PLATFORM: &str = "require_platform";
/// Falsification confirmed by the panel (查实弄虚作假): always in force, it
/// fails the community whatever its figures.
pub const FALSIFICATION_CONFIRMED: &str = "falsification_confirmed";

/// The value `failing_detail` gives a platform rule failed for want of a
/// record: "require_platform no_record vs true" (labels: 无平台建设记录).
pub const NO_PLATFORM_RECORD: &str = "no_record";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Pass,
    Fail,
    Incomplete,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Fail => "fail",
            Verdict::Incomplete => "incomplete",
        }
    }
}

/// How one rule came out for one community.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Holds,
    Fails {
        value: String,
        threshold: String,
    },
    /// The indicator is null for a reason in the data (a zero denominator; no
    /// platform row under `missing_platform = "not_applicable"`): the rule
    /// neither passes nor fails.
    NotApplicable,
    /// The indicator is null because the optional table it is built on is
    /// missing from the extract: the rule could not be judged.
    NotJudged,
}

/// The indicator values the rules read, for one community and year.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Reading {
    pub zero_households_overdue: Option<i64>,
    pub reemployment_rate: Option<f64>,
    pub hardship_employment_rate: Option<f64>,
    pub registered_unemployment_rate: Option<f64>,
    pub assistance_coverage: Option<f64>,
    pub assistance_targets: Option<i64>,
    pub platform_ok: Option<bool>,
    /// How many falsifications the panel confirmed for the community and year.
    pub confirmed_falsifications: usize,
}

/// The verdict with the outcome of every rule in force, in the order of the
/// table of `docs/rules.md`.
#[derive(Debug, Clone, PartialEq)]
pub struct Judgement {
    pub verdict: Verdict,
    pub outcomes: Vec<(&'static str, Outcome)>,
}

impl Judgement {
    fn ids(&self, keep: impl Fn(&Outcome) -> bool) -> Vec<&'static str> {
        self.outcomes
            .iter()
            .filter(|(_, o)| keep(o))
            .map(|(id, _)| *id)
            .collect()
    }

    pub fn failing(&self) -> Vec<&'static str> {
        self.ids(|o| matches!(o, Outcome::Fails { .. }))
    }

    /// "rule value vs threshold" for each failing rule.
    pub fn failing_detail(&self) -> String {
        self.outcomes
            .iter()
            .filter_map(|(id, o)| match o {
                Outcome::Fails { value, threshold } => Some(format!("{id} {value} vs {threshold}")),
                _ => None,
            })
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// Judges one community against the re-inspection rules.
pub fn judge(r: &Reading, rules: &ReinspectionRules, missing: &[Table]) -> Judgement {
    let services_missing = missing.contains(&Table::Services);
    let platform_missing = missing.contains(&Table::Platform);
    let mut outcomes = Vec::new();
    if rules.zero_household_veto {
        let veto = match r.zero_households_overdue {
            None => Outcome::NotApplicable,
            Some(n) if n > 0 => Outcome::Fails {
                value: n.to_string(),
                threshold: "0".into(),
            },
            Some(_) => Outcome::Holds,
        };
        outcomes.push((ZERO_HOUSEHOLD_VETO, veto));
    }
    outcomes.push((
        MIN_REEMPLOYMENT_RATE,
        at_least(r.reemployment_rate, rules.min_reemployment_rate),
    ));
    outcomes.push((
        MIN_HARDSHIP_EMPLOYMENT_RATE,
        at_least(
            r.hardship_employment_rate,
            rules.min_hardship_employment_rate,
        ),
    ));
    outcomes.push((
        MAX_REGISTERED_UNEMPLOYMENT_RATE,
        at_most(
            r.registered_unemployment_rate,
            rules.max_registered_unemployment_rate,
        ),
    ));
    // With nobody entitled to assistance the rate is null whether or not the
    // services table came: the rule is then simply not applicable.
    let coverage_blocked = services_missing && r.assistance_targets != Some(0);
    outcomes.push((
        MIN_ASSISTANCE_COVERAGE,
        unless_blocked(
            coverage_blocked,
            at_least(r.assistance_coverage, rules.min_assistance_coverage),
        ),
    ));
    if rules.require_platform {
        let platform = match r.platform_ok {
            // With the table missing nothing is known: not judged below.
            None if platform_missing => Outcome::NotApplicable,
            None => match rules.missing_platform {
                MissingPlatform::Fail => Outcome::Fails {
                    value: NO_PLATFORM_RECORD.into(),
                    threshold: "true".into(),
                },
                MissingPlatform::NotApplicable => Outcome::NotApplicable,
            },
            Some(true) => Outcome::Holds,
            Some(false) => Outcome::Fails {
                value: "false".into(),
                threshold: "true".into(),
            },
        };
        outcomes.push((REQUIRE_PLATFORM, unless_blocked(platform_missing, platform)));
    }
    outcomes.push((
        FALSIFICATION_CONFIRMED,
        if r.confirmed_falsifications > 0 {
            Outcome::Fails {
                value: r.confirmed_falsifications.to_string(),
                threshold: "0".into(),
            }
        } else {
            Outcome::Holds
        },
    ));

    let verdict = if outcomes
        .iter()
        .any(|(_, o)| matches!(o, Outcome::Fails { .. }))
    {
        Verdict::Fail
    } else if outcomes.iter().any(|(_, o)| *o == Outcome::NotJudged) {
        Verdict::Incomplete
    } else {
        Verdict::Pass
    };
    Judgement { verdict, outcomes }
}

fn rate_text(v: f64) -> String {
    format!("{v:.4}")
}

fn at_least(value: Option<f64>, min: f64) -> Outcome {
    match value {
        None => Outcome::NotApplicable,
        Some(v) if v >= min => Outcome::Holds,
        Some(v) => Outcome::Fails {
            value: rate_text(v),
            threshold: rate_text(min),
        },
    }
}

fn at_most(value: Option<f64>, max: f64) -> Outcome {
    match value {
        None => Outcome::NotApplicable,
        Some(v) if v <= max => Outcome::Holds,
        Some(v) => Outcome::Fails {
            value: rate_text(v),
            threshold: rate_text(max),
        },
    }
}

fn unless_blocked(blocked: bool, outcome: Outcome) -> Outcome {
    if blocked && outcome == Outcome::NotApplicable {
        Outcome::NotJudged
    } else {
        outcome
    }
}

/// The five verdict columns for `frame`, which carries `under_reinspection`
/// and the indicators. Rows not under re-inspection get nulls throughout.
pub fn verdict_columns(
    frame: &DataFrame,
    rules: &ReinspectionRules,
    missing: &[Table],
) -> PolarsResult<Vec<Column>> {
    let under = bools(frame, "under_reinspection")?;
    let overdue = ints(frame, "zero_households_overdue")?;
    let reemployment = floats(frame, "reemployment_rate")?;
    let hardship = floats(frame, "hardship_employment_rate")?;
    let unemployment = floats(frame, "registered_unemployment_rate")?;
    let coverage = floats(frame, "assistance_coverage")?;
    let targets = ints(frame, "assistance_targets")?;
    let platform = bools(frame, "platform_ok")?;
    let confirmed = strings(frame, CONFIRMED_FINDINGS)?;

    let n = frame.height();
    let (mut verdicts, mut failing, mut detail, mut incomplete, mut not_applicable) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    for i in 0..n {
        if under[i] != Some(true) {
            verdicts.push(None);
            failing.push(None);
            detail.push(None);
            incomplete.push(None);
            not_applicable.push(None);
            continue;
        }
        let reading = Reading {
            zero_households_overdue: overdue[i],
            reemployment_rate: reemployment[i],
            hardship_employment_rate: hardship[i],
            registered_unemployment_rate: unemployment[i],
            assistance_coverage: coverage[i],
            assistance_targets: targets[i],
            platform_ok: platform[i],
            confirmed_falsifications: confirmed[i]
                .as_deref()
                .map_or(0, |s| s.split(';').filter(|x| !x.is_empty()).count()),
        };
        let j = judge(&reading, rules, missing);
        verdicts.push(Some(j.verdict.as_str()));
        failing.push(Some(super::joined(&j.failing())));
        detail.push(Some(j.failing_detail()));
        incomplete.push(Some(super::joined(&j.ids(|o| *o == Outcome::NotJudged))));
        not_applicable.push(Some(super::joined(
            &j.ids(|o| *o == Outcome::NotApplicable),
        )));
    }
    Ok(vec![
        Column::new(VERDICT.into(), verdicts),
        Column::new(FAILING_RULES.into(), failing),
        Column::new(FAILING_DETAIL.into(), detail),
        Column::new(INCOMPLETE_RULES.into(), incomplete),
        Column::new(NOT_APPLICABLE_RULES.into(), not_applicable),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Rules;

    fn rules() -> ReinspectionRules {
        Rules::default().reinspection
    }

    fn clean() -> Reading {
        Reading {
            zero_households_overdue: Some(0),
            reemployment_rate: Some(0.8),
            hardship_employment_rate: Some(0.95),
            registered_unemployment_rate: Some(0.03),
            assistance_coverage: Some(0.99),
            assistance_targets: Some(10),
            platform_ok: Some(true),
            confirmed_falsifications: 0,
        }
    }

    #[test]
    fn a_community_holding_every_rule_passes() {
        let j = judge(&clean(), &rules(), &[]);
        assert_eq!(j.verdict, Verdict::Pass);
        assert!(j.failing().is_empty());
        assert_eq!(
            j.outcomes.len(),
            7,
            "veto, four rates, platform, confirmed falsification"
        );
    }

    #[test]
    fn every_failing_rule_is_listed_with_value_and_threshold() {
        let r = Reading {
            reemployment_rate: Some(0.65),
            zero_households_overdue: Some(2),
            ..clean()
        };
        let j = judge(&r, &rules(), &[]);
        assert_eq!(j.verdict, Verdict::Fail);
        assert_eq!(
            j.failing(),
            vec![ZERO_HOUSEHOLD_VETO, MIN_REEMPLOYMENT_RATE]
        );
        assert_eq!(
            j.failing_detail(),
            "zero_household_veto 2 vs 0; min_reemployment_rate 0.6500 vs 0.7000"
        );
    }

    #[test]
    fn a_missing_services_table_makes_coverage_unjudged_unless_nobody_needs_help() {
        let r = Reading {
            assistance_coverage: None,
            ..clean()
        };
        let j = judge(&r, &rules(), &[Table::Services]);
        assert_eq!(j.verdict, Verdict::Incomplete);
        let nobody = Reading {
            assistance_coverage: None,
            assistance_targets: Some(0),
            ..clean()
        };
        assert_eq!(
            judge(&nobody, &rules(), &[Table::Services]).verdict,
            Verdict::Pass
        );
    }

    #[test]
    fn rules_switched_off_are_not_judged() {
        let mut off = rules();
        off.zero_household_veto = false;
        off.require_platform = false;
        let r = Reading {
            zero_households_overdue: Some(3),
            platform_ok: Some(false),
            ..clean()
        };
        let j = judge(&r, &off, &[]);
        assert_eq!(j.verdict, Verdict::Pass);
        assert_eq!(j.outcomes.len(), 5);
    }

    #[test]
    fn no_platform_record_fails_the_platform_rule_unless_read_as_not_applicable() {
        let r = Reading {
            platform_ok: None,
            ..clean()
        };
        let j = judge(&r, &rules(), &[]);
        assert_eq!(j.verdict, Verdict::Fail);
        assert_eq!(j.failing(), vec![REQUIRE_PLATFORM]);
        assert_eq!(j.failing_detail(), "require_platform no_record vs true");

        let mut old = rules();
        old.missing_platform = MissingPlatform::NotApplicable;
        let j = judge(&r, &old, &[]);
        assert_eq!(j.verdict, Verdict::Pass);
        assert_eq!(
            j.ids(|o| *o == Outcome::NotApplicable),
            vec![REQUIRE_PLATFORM]
        );
    }

    #[test]
    fn a_missing_platform_table_leaves_the_rule_unjudged_under_either_reading() {
        let r = Reading {
            platform_ok: None,
            ..clean()
        };
        for missing in [MissingPlatform::Fail, MissingPlatform::NotApplicable] {
            let mut rules = rules();
            rules.missing_platform = missing;
            let j = judge(&r, &rules, &[Table::Platform]);
            assert_eq!(j.verdict, Verdict::Incomplete, "{missing:?}");
            assert_eq!(j.ids(|o| *o == Outcome::NotJudged), vec![REQUIRE_PLATFORM]);
        }
    }

    #[test]
    fn a_confirmed_falsification_fails_a_community_whose_figures_pass() {
        let r = Reading {
            confirmed_falsifications: 2,
            ..clean()
        };
        let j = judge(&r, &rules(), &[]);
        assert_eq!(j.verdict, Verdict::Fail);
        assert_eq!(j.failing(), vec![FALSIFICATION_CONFIRMED]);
        assert_eq!(j.failing_detail(), "falsification_confirmed 2 vs 0");
    }
}
