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

use std::collections::BTreeMap;

use super::registry::{RULES, Rule, Test};
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

/// The value `failing_detail` gives a platform rule failed for want of a
/// record: "require_platform no_record vs true" (labels: 无平台建设记录).
pub const NO_PLATFORM_RECORD: &str = "no_record";

/// A re-inspection verdict, published as `pass`, `fail`, `incomplete`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Pass,
    Fail,
    Incomplete,
}

impl Verdict {
    /// Every verdict, in the order the report counts them.
    pub const ALL: [Verdict; 3] = [Verdict::Pass, Verdict::Fail, Verdict::Incomplete];

    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Fail => "fail",
            Verdict::Incomplete => "incomplete",
        }
    }

    /// The verdict a published `verdict` cell holds; None for an empty cell
    /// or a word that is not a verdict.
    pub fn parse(text: &str) -> Option<Verdict> {
        Verdict::ALL.into_iter().find(|v| v.as_str() == text)
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

/// One value a rule reads.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value {
    Rate(Option<f64>),
    Count(Option<i64>),
    Flag(Option<bool>),
}

/// The indicator values the rules read, for one community and year, by
/// indicator name (the registry's `indicator` and `needs.unless_zero`). The
/// falsification rule reads how many findings the panel confirmed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Reading(pub BTreeMap<&'static str, Value>);

impl Reading {
    fn rate(&self, name: &str) -> Option<f64> {
        match self.0.get(name) {
            Some(Value::Rate(v)) => *v,
            _ => None,
        }
    }

    fn count(&self, name: &str) -> Option<i64> {
        match self.0.get(name) {
            Some(Value::Count(v)) => *v,
            _ => None,
        }
    }

    fn flag(&self, name: &str) -> Option<bool> {
        match self.0.get(name) {
            Some(Value::Flag(v)) => *v,
            _ => None,
        }
    }
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

/// Judges one community against the re-inspection rules in force, in the
/// registry's order.
pub fn judge(r: &Reading, rules: &ReinspectionRules, missing: &[Table]) -> Judgement {
    let outcomes: Vec<(&'static str, Outcome)> = RULES
        .iter()
        .filter(|rule| rule.in_force(rules))
        .map(|rule| (rule.id, outcome(rule, r, rules, missing)))
        .collect();
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

/// How one rule comes out for the reading.
fn outcome(rule: &Rule, r: &Reading, rules: &ReinspectionRules, missing: &[Table]) -> Outcome {
    // Without the optional table the rule is built on nothing is known,
    // unless its count is 0: with nobody entitled to assistance the rate is
    // null whether or not the services table came.
    let blocked = rule.needs.is_some_and(|n| {
        missing.contains(&n.table) && n.unless_zero.is_none_or(|c| r.count(c) != Some(0))
    });
    let outcome = match rule.test {
        Test::AtLeast => at_least(r.rate(rule.indicator), rule.threshold(rules).unwrap_or(0.0)),
        Test::AtMost => at_most(r.rate(rule.indicator), rule.threshold(rules).unwrap_or(1.0)),
        Test::Zero | Test::NoneConfirmed => match r.count(rule.indicator) {
            None => Outcome::NotApplicable,
            Some(n) if n > 0 => Outcome::Fails {
                value: n.to_string(),
                threshold: "0".into(),
            },
            Some(_) => Outcome::Holds,
        },
        Test::True => match r.flag(rule.indicator) {
            None if blocked => Outcome::NotApplicable,
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
        },
    };
    unless_blocked(blocked, outcome)
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

/// One column a rule reads, as read from the frame.
enum Read {
    Rates(Vec<Option<f64>>),
    Counts(Vec<Option<i64>>),
    Flags(Vec<Option<bool>>),
}

impl Read {
    fn at(&self, i: usize) -> Value {
        match self {
            Read::Rates(v) => Value::Rate(v[i]),
            Read::Counts(v) => Value::Count(v[i]),
            Read::Flags(v) => Value::Flag(v[i]),
        }
    }
}

/// The columns the registry's rules read: each rule's indicator (the
/// confirmed findings counted) and the counts that make a rule not
/// applicable.
fn read_columns(frame: &DataFrame) -> PolarsResult<Vec<(&'static str, Read)>> {
    let mut out = Vec::new();
    for rule in RULES {
        let read = match rule.test {
            Test::AtLeast | Test::AtMost => Read::Rates(floats(frame, rule.indicator)?),
            Test::Zero => Read::Counts(ints(frame, rule.indicator)?),
            Test::True => Read::Flags(bools(frame, rule.indicator)?),
            Test::NoneConfirmed => Read::Counts(
                strings(frame, rule.indicator)?
                    .iter()
                    .map(|s| {
                        let n = s
                            .as_deref()
                            .map_or(0, |s| s.split(';').filter(|x| !x.is_empty()).count());
                        Some(n as i64)
                    })
                    .collect(),
            ),
        };
        out.push((rule.indicator, read));
        if let Some(count) = rule.needs.and_then(|n| n.unless_zero) {
            out.push((count, Read::Counts(ints(frame, count)?)));
        }
    }
    Ok(out)
}

/// The five verdict columns for `frame`, which carries `under_reinspection`
/// and the indicators. Rows not under re-inspection get nulls throughout.
pub fn verdict_columns(
    frame: &DataFrame,
    rules: &ReinspectionRules,
    missing: &[Table],
) -> PolarsResult<Vec<Column>> {
    let under = bools(frame, "under_reinspection")?;
    let read = read_columns(frame)?;
    let n = frame.height();
    let (mut verdicts, mut failing, mut detail, mut incomplete, mut not_applicable) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    for (i, under) in under.iter().enumerate() {
        if *under != Some(true) {
            verdicts.push(None);
            failing.push(None);
            detail.push(None);
            incomplete.push(None);
            not_applicable.push(None);
            continue;
        }
        let reading = Reading(read.iter().map(|(name, r)| (*name, r.at(i))).collect());
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
        Reading(BTreeMap::from([
            ("zero_households_overdue", Value::Count(Some(0))),
            ("reemployment_rate", Value::Rate(Some(0.8))),
            ("hardship_employment_rate", Value::Rate(Some(0.95))),
            ("registered_unemployment_rate", Value::Rate(Some(0.03))),
            ("assistance_coverage", Value::Rate(Some(0.99))),
            ("assistance_targets", Value::Count(Some(10))),
            ("platform_ok", Value::Flag(Some(true))),
            ("confirmed_findings", Value::Count(Some(0))),
        ]))
    }

    /// `clean()` with the values given.
    fn with(values: &[(&'static str, Value)]) -> Reading {
        let mut r = clean();
        r.0.extend(values.iter().copied());
        r
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
        let r = with(&[
            ("reemployment_rate", Value::Rate(Some(0.65))),
            ("zero_households_overdue", Value::Count(Some(2))),
        ]);
        let j = judge(&r, &rules(), &[]);
        assert_eq!(j.verdict, Verdict::Fail);
        assert_eq!(
            j.failing(),
            vec!["zero_household_veto", "min_reemployment_rate"]
        );
        assert_eq!(
            j.failing_detail(),
            "zero_household_veto 2 vs 0; min_reemployment_rate 0.6500 vs 0.7000"
        );
    }

    #[test]
    fn a_missing_services_table_makes_coverage_unjudged_unless_nobody_needs_help() {
        let r = with(&[("assistance_coverage", Value::Rate(None))]);
        let j = judge(&r, &rules(), &[Table::Services]);
        assert_eq!(j.verdict, Verdict::Incomplete);
        let nobody = with(&[
            ("assistance_coverage", Value::Rate(None)),
            ("assistance_targets", Value::Count(Some(0))),
        ]);
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
        let r = with(&[
            ("zero_households_overdue", Value::Count(Some(3))),
            ("platform_ok", Value::Flag(Some(false))),
        ]);
        let j = judge(&r, &off, &[]);
        assert_eq!(j.verdict, Verdict::Pass);
        assert_eq!(j.outcomes.len(), 5);
    }

    #[test]
    fn no_platform_record_fails_the_platform_rule_unless_read_as_not_applicable() {
        let r = with(&[("platform_ok", Value::Flag(None))]);
        let j = judge(&r, &rules(), &[]);
        assert_eq!(j.verdict, Verdict::Fail);
        assert_eq!(j.failing(), vec!["require_platform"]);
        assert_eq!(j.failing_detail(), "require_platform no_record vs true");

        let mut old = rules();
        old.missing_platform = MissingPlatform::NotApplicable;
        let j = judge(&r, &old, &[]);
        assert_eq!(j.verdict, Verdict::Pass);
        assert_eq!(
            j.ids(|o| *o == Outcome::NotApplicable),
            vec!["require_platform"]
        );
    }

    #[test]
    fn a_missing_platform_table_leaves_the_rule_unjudged_under_either_reading() {
        let r = with(&[("platform_ok", Value::Flag(None))]);
        for missing in [MissingPlatform::Fail, MissingPlatform::NotApplicable] {
            let mut rules = rules();
            rules.missing_platform = missing;
            let j = judge(&r, &rules, &[Table::Platform]);
            assert_eq!(j.verdict, Verdict::Incomplete, "{missing:?}");
            assert_eq!(
                j.ids(|o| *o == Outcome::NotJudged),
                vec!["require_platform"]
            );
        }
    }

    #[test]
    fn a_confirmed_falsification_fails_a_community_whose_figures_pass() {
        let r = with(&[("confirmed_findings", Value::Count(Some(2)))]);
        let j = judge(&r, &rules(), &[]);
        assert_eq!(j.verdict, Verdict::Fail);
        assert_eq!(j.failing(), vec!["falsification_confirmed"]);
        assert_eq!(j.failing_detail(), "falsification_confirmed 2 vs 0");
    }
}
