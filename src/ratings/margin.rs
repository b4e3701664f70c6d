//! The margin (差几人, docs/rules.md): for a community that passes its
//! re-inspection, how many counted persons it could lose before a rate rule
//! fails. Per rule whose numerator counts persons, the smallest k with
//! (numerator − k) / denominator below the threshold; the community's margin
//! is the smallest over those rules, with the rule (or rules, on a tie)
//! named. It is a reading aid for the panel, not a finding: nothing here
//! touches the risk score.
//!
//! The arithmetic is on integers. A threshold is read as the decimal the
//! rules file wrote (the shortest decimal that gives back the same double:
//! `0.9` is 9/10), so "below the threshold" is x · 10^m < p · d exactly.
//! Multiplying in floating point would not do: 0.57 × 100 is
//! 56.99999999999999, which would count 57 of 100 as below 0.57 although the
//! verdict passes it.

use polars::prelude::*;

use super::registry::RULES;
use super::verdict;
use crate::config::rules::ReinspectionRules;
use crate::frame::ints;

pub const MARGIN_PERSONS: &str = "margin_persons";
pub const MARGIN_RULE: &str = "margin_rule";

/// `t` as an exact decimal fraction p / 10^m: the shortest decimal that
/// reads back as `t` (Rust prints floats that way, never in exponent form).
/// None for a threshold that is not a finite number in (0, 1].
fn decimal(t: f64) -> Option<(i128, u32)> {
    if t.is_nan() || t <= 0.0 || t > 1.0 {
        return None;
    }
    let text = t.to_string();
    let (whole, fraction) = text.split_once('.').unwrap_or((text.as_str(), ""));
    let digits = format!("{whole}{fraction}");
    Some((digits.parse().ok()?, fraction.len() as u32))
}

/// The fewest of the `numerator` counted persons whose loss takes
/// numerator / denominator strictly below `min`; a rate exactly at the
/// threshold still holds the rule (`>=`). None when the rule cannot be
/// failed by losing persons or does not hold now: a denominator of 0 (the
/// rate is null, the rule not applicable), a threshold of 0 or less (no rate
/// is below it), above 1 (no rate reaches it), or counts already below it.
pub fn persons_to_fail(numerator: i64, denominator: i64, min: f64) -> Option<i64> {
    if denominator <= 0 || numerator < 0 {
        return None;
    }
    let (p, m) = decimal(min)?;
    let (n, d) = (i128::from(numerator), i128::from(denominator));
    // x / d < p / 10^m  ⇔  x · 10^m < p · d  ⇔  x ≤ (p · d − 1) div 10^m.
    // p < 10^17 and d < 2^63, so p · d fits; a 10^m past i128 exceeds it.
    let pd = p * d;
    let most_below = match 10i128.checked_pow(m) {
        Some(scale) => (pd - 1) / scale,
        None => 0,
    };
    let k = n - most_below;
    (k >= 1).then(|| i64::try_from(k).expect("k is at most the numerator"))
}

/// The margin of one community: the smallest k over the rules given as
/// (rule id, numerator, denominator, threshold), with every rule reaching it
/// (in the order given). None when no rule has a margin.
pub fn smallest<'a>(
    rules: impl IntoIterator<Item = (&'a str, Option<i64>, Option<i64>, f64)>,
) -> Option<(i64, Vec<&'a str>)> {
    let mut best: Option<(i64, Vec<&'a str>)> = None;
    for (id, n, d, t) in rules {
        let Some(k) = n.zip(d).and_then(|(n, d)| persons_to_fail(n, d, t)) else {
            continue;
        };
        match &mut best {
            Some((b, ids)) if k == *b => ids.push(id),
            Some((b, _)) if k > *b => {}
            _ => best = Some((k, vec![id])),
        }
    }
    best
}

/// `margin_persons` (Int64) and `margin_rule` (String) for `frame`, which
/// carries the verdict and the indicator counts: set for the rows whose
/// verdict is `pass` and that have a rule with a margin, null elsewhere.
pub fn margin_columns(frame: &DataFrame, rules: &ReinspectionRules) -> PolarsResult<Vec<Column>> {
    let verdicts = frame.column(verdict::VERDICT)?.str()?.clone();
    // The rate rules whose numerator counts persons, in the registry's order.
    let counts = RULES
        .iter()
        .filter_map(|r| Some((r, r.persons?, r.threshold(rules)?)))
        .map(|(r, p, t)| {
            Ok((
                r.id,
                ints(frame, p.numerator)?,
                ints(frame, p.denominator)?,
                t,
            ))
        })
        .collect::<PolarsResult<Vec<_>>>()?;
    let n = frame.height();
    let (mut persons, mut named) = (Vec::with_capacity(n), Vec::with_capacity(n));
    for i in 0..n {
        let margin = if verdicts.get(i) == Some(verdict::Verdict::Pass.as_str()) {
            smallest(
                counts
                    .iter()
                    .map(|(id, num, den, t)| (*id, num[i], den[i], *t)),
            )
        } else {
            None
        };
        persons.push(margin.as_ref().map(|(k, _)| *k));
        named.push(margin.map(|(_, ids)| super::joined(&ids)));
    }
    Ok(vec![
        Column::new(MARGIN_PERSONS.into(), persons),
        Column::new(MARGIN_RULE.into(), named),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seven_of_ten_at_seventy_percent_is_one_person_from_failing() {
        // 6/10 = 0.6 < 0.7.
        assert_eq!(persons_to_fail(7, 10, 0.70), Some(1));
    }

    #[test]
    fn a_rate_exactly_at_the_threshold_still_holds_so_it_takes_one_more() {
        // 10/10 at 0.90: 9/10 = 0.9 is not below 0.9, 8/10 is.
        assert_eq!(persons_to_fail(10, 10, 0.90), Some(2));
        // 57/100 = 0.57 holds 0.57 (where 0.57 × 100 in floating point is
        // 56.99999999999999); 56/100 fails.
        assert_eq!(persons_to_fail(57, 100, 0.57), Some(1));
        assert_eq!(persons_to_fail(58, 100, 0.57), Some(2));
    }

    #[test]
    fn full_coverage_at_a_threshold_of_one_fails_with_the_first_person() {
        assert_eq!(persons_to_fail(3, 3, 1.0), Some(1));
    }

    #[test]
    fn a_rule_that_losing_persons_cannot_fail_or_does_not_hold_has_no_margin() {
        assert_eq!(persons_to_fail(5, 0, 0.7), None, "null rate");
        assert_eq!(persons_to_fail(5, 10, 0.0), None, "nothing is below 0");
        assert_eq!(persons_to_fail(6, 10, 0.7), None, "already below");
        assert_eq!(persons_to_fail(10, 10, 1.5), None, "unreachable");
        assert_eq!(persons_to_fail(10, 10, f64::NAN), None);
    }

    #[test]
    fn a_tiny_threshold_is_failed_only_by_losing_everyone() {
        assert_eq!(persons_to_fail(4, 1_000, 1e-300), Some(4));
        assert_eq!(persons_to_fail(4, 1_000, 0.001), Some(4), "1/1000 holds");
        assert_eq!(persons_to_fail(4, 1_000, 0.0011), Some(3), "1/1000 fails");
    }

    /// The margin agrees with the verdict's own comparison (a rate computed
    /// by one division, compared with `>=`): at n − k the rule fails, at
    /// n − k + 1 it holds.
    #[test]
    fn the_margin_agrees_with_the_verdict_on_every_small_community() {
        let holds = |x: i64, d: i64, t: f64| x as f64 / d as f64 >= t;
        for t in [0.7, 0.9, 0.95, 0.57, 0.333, 0.1 + 0.2, 1.0 / 3.0, 0.01, 1.0] {
            for d in 1..=400i64 {
                for n in 0..=d {
                    match persons_to_fail(n, d, t) {
                        Some(k) => {
                            assert!(holds(n, d, t), "{n}/{d} at {t}");
                            assert!(!holds(n - k, d, t), "{n}-{k} of {d} at {t}");
                            assert!(holds(n - k + 1, d, t), "{n}-{k}+1 of {d} at {t}");
                        }
                        None => assert!(!holds(n, d, t), "{n}/{d} at {t} holds"),
                    }
                }
            }
        }
    }

    #[test]
    fn the_smallest_margin_names_its_rule_and_a_tie_names_both() {
        let m = smallest([
            ("a", Some(7), Some(10), 0.7),
            ("b", Some(10), Some(10), 0.9),
            ("c", None, None, 0.95),
        ]);
        assert_eq!(m, Some((1, vec!["a"])));
        let tie = smallest([
            ("a", Some(7), Some(10), 0.7),
            ("b", Some(19), Some(20), 0.95),
        ]);
        assert_eq!(tie, Some((1, vec!["a", "b"])));
        assert_eq!(smallest([("c", Some(3), Some(0), 0.95)]), None);
    }
}
