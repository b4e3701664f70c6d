//! Sensitivity curves (docs/rules.md, "Trying new rules"): how the year's
//! outcome moves as one rules value moves across a range spanning its
//! current and its candidate value. For each rate rule's threshold, how
//! many communities under re-inspection fail that rule (and how many fail
//! the re-inspection as a whole); for the city-level score and each star's
//! band, how many of all the year's rated communities reach it. Every point
//! is a rating by the one rating function (`rerate::rate_communities`) of
//! the year's rows, under the candidate rules with that one value set.
//!
//! The range: from the smaller of the two values less a margin to the
//! larger plus the margin, the margin half the distance between them but at
//! least a tenth of the value's valid range (so equal values still get a
//! curve around them), clamped to the valid range (a fraction's [0, 1], a
//! band's [0, the score's full marks]); `POINTS` evenly spaced points across
//! it, with the current and the candidate value added as points of their
//! own, so both marked counts are exact.

use polars::prelude::*;
use serde::Serialize;

use crate::config::Rules;
use crate::config::rules::{ReinspectionRules, ScoreRules};
use crate::contract::Table;
use crate::error::{Error, Result};
use crate::frame::{bools, ints, strings};
use crate::panel::labels;
use crate::ratings::registry::{COMPONENTS, Earns, RULES, Setting, Test};
use crate::ratings::rerate::rate_communities;
use crate::ratings::verdict::Verdict;

/// Points of a curve across its range, ends included: a step of a
/// twentieth of the range, fine enough to show where the count jumps and
/// few enough to read as a table beside the chart.
pub const POINTS: usize = 21;

/// The least margin either side of the two values, as a share of the
/// value's valid range.
const LEAST_MARGIN: f64 = 0.1;

/// One point of a curve.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Point {
    pub value: f64,
    /// The value as the documents print it (a percentage or a score).
    pub shown: String,
    /// Communities failing the rule, or reaching the band.
    pub count: usize,
    /// For a rule: communities failing the re-inspection as a whole.
    pub failing_verdict: Option<usize>,
    pub is_current: bool,
    pub is_candidate: bool,
}

/// What a curve is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A rate rule's threshold: communities under re-inspection failing it.
    Rule,
    /// A score band: rated communities reaching it.
    Band,
}

/// One curve.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Curve {
    /// ASCII file stem of its chart (`rule-min_reemployment_rate`, `band-star-2`).
    pub name: String,
    /// The rules key (`reinspection.min_reemployment_rate`, `score.star_bands[1]`).
    pub key: String,
    pub kind: Kind,
    /// What the value is, in words (登记失业人员就业率下限, 星级(★★)分数线).
    pub title: String,
    /// Whether the value reads as a percentage (a rate) or a score.
    pub percent: bool,
    pub current: f64,
    pub candidate: f64,
    pub current_shown: String,
    pub candidate_shown: String,
    /// The communities counted from: under re-inspection (a rule) or rated (a band).
    pub population: usize,
    pub points: Vec<Point>,
}

impl Curve {
    /// The count at the current value and at the candidate value.
    pub fn marked(&self) -> (usize, usize) {
        let at =
            |pick: fn(&Point) -> bool| self.points.iter().find(|p| pick(p)).map_or(0, |p| p.count);
        (at(|p| p.is_current), at(|p| p.is_candidate))
    }
}

/// Every curve of the year: the rate rules' thresholds in the registry's
/// order, then the city level and the stars' bands.
pub fn curves(
    year_base: &DataFrame,
    current: &Rules,
    candidate: &Rules,
    missing: &[Table],
) -> Result<Vec<Curve>> {
    let mut out = Vec::new();
    for rule in RULES {
        let Setting::Threshold(read) = rule.setting else {
            continue;
        };
        let (now, then) = (read(&current.reinspection), read(&candidate.reinspection));
        let sign = if rule.test == Test::AtMost {
            "≤"
        } else {
            "≥"
        };
        let mut points = Vec::new();
        for value in range(now, then, (0.0, 1.0)) {
            let rules = with_reinspection(candidate, rule.id, value)?;
            let rated = rate_communities(year_base, &rules, missing)?;
            let (failing, verdicts) = failing(&rated, rule.id)?;
            points.push(point(value, true, failing, Some(verdicts), (now, then)));
        }
        out.push(Curve {
            name: format!("rule-{}", rule.id),
            key: format!("reinspection.{}", rule.id),
            kind: Kind::Rule,
            title: format!(
                "{} {sign}",
                labels::rules_key(&format!("reinspection.{}", rule.id))
            ),
            percent: true,
            current: now,
            candidate: then,
            current_shown: shown(now, true),
            candidate_shown: shown(then, true),
            population: under_reinspection(year_base)?,
            points,
        });
    }
    out.push(city_level_curve(year_base, current, candidate, missing)?);
    for band in 0..candidate.score.star_bands.len() {
        out.push(star_curve(year_base, current, candidate, missing, band)?);
    }
    Ok(out)
}

/// The city level's curve: communities at city level as `city_level_min` moves.
fn city_level_curve(
    year_base: &DataFrame,
    current: &Rules,
    candidate: &Rules,
    missing: &[Table],
) -> Result<Curve> {
    let (now, then) = (current.score.city_level_min, candidate.score.city_level_min);
    let mut points = Vec::new();
    for value in range(now, then, (0.0, full_marks(&candidate.score))) {
        let mut rules = candidate.clone();
        rules.score.city_level_min = value;
        let rated = rate_communities(year_base, &rules, missing)?;
        let reached = bools(&rated, "city_level")?
            .iter()
            .filter(|v| **v == Some(true))
            .count();
        points.push(point(value, false, reached, None, (now, then)));
    }
    Ok(band_curve(
        "band-city".into(),
        "score.city_level_min".into(),
        labels::rules_key("score.city_level_min"),
        (now, then),
        year_base.height(),
        points,
    ))
}

/// The curve of the `band`-th star (0-based): communities with at least
/// `band + 1` stars as that band's score moves, the other bands kept in
/// ascending order around it (one below it no higher, one above no lower),
/// so that reaching the band means reaching the stars below it too.
fn star_curve(
    year_base: &DataFrame,
    current: &Rules,
    candidate: &Rules,
    missing: &[Table],
    band: usize,
) -> Result<Curve> {
    let band_of = |r: &Rules| r.score.star_bands.get(band).copied().unwrap_or(0.0);
    let (now, then) = (band_of(current), band_of(candidate));
    let mut points = Vec::new();
    for value in range(now, then, (0.0, full_marks(&candidate.score))) {
        let mut rules = candidate.clone();
        for (k, b) in rules.score.star_bands.iter_mut().enumerate() {
            *b = match k.cmp(&band) {
                std::cmp::Ordering::Less => b.min(value),
                std::cmp::Ordering::Equal => value,
                std::cmp::Ordering::Greater => b.max(value),
            };
        }
        let rated = rate_communities(year_base, &rules, missing)?;
        let reached = ints(&rated, "stars")?
            .iter()
            .filter(|s| s.unwrap_or(0) > band as i64)
            .count();
        points.push(point(value, false, reached, None, (now, then)));
    }
    Ok(band_curve(
        format!("band-star-{}", band + 1),
        format!("score.star_bands[{band}]"),
        format!("{}{}", labels::star_band(band + 1), labels::BAND_SCORE),
        (now, then),
        year_base.height(),
        points,
    ))
}

fn band_curve(
    name: String,
    key: String,
    title: String,
    (now, then): (f64, f64),
    population: usize,
    points: Vec<Point>,
) -> Curve {
    Curve {
        name,
        key,
        kind: Kind::Band,
        title,
        percent: false,
        current: now,
        candidate: then,
        current_shown: shown(now, false),
        candidate_shown: shown(then, false),
        population,
        points,
    }
}

fn point(
    value: f64,
    percent: bool,
    count: usize,
    failing_verdict: Option<usize>,
    (now, then): (f64, f64),
) -> Point {
    Point {
        value,
        shown: shown(value, percent),
        count,
        failing_verdict,
        is_current: value == now,
        is_candidate: value == then,
    }
}

/// The points of a curve between `now` and `then` (see the module's doc),
/// ascending, each once.
pub fn range(now: f64, then: f64, (floor, ceiling): (f64, f64)) -> Vec<f64> {
    let (lo, hi) = (now.min(then), now.max(then));
    let margin = ((hi - lo) / 2.0).max(LEAST_MARGIN * (ceiling - floor));
    let start = (lo - margin).max(floor);
    let end = (hi + margin).min(ceiling);
    let step = (end - start) / (POINTS - 1) as f64;
    let mut values: Vec<f64> = (0..POINTS)
        .map(|k| tidy(start + step * k as f64))
        .filter(|v| !same(*v, now) && !same(*v, then))
        .chain([now, then])
        .collect();
    values.sort_by(f64::total_cmp);
    values.dedup();
    values
}

/// Two values equal up to float noise.
fn same(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

/// A grid value without the float noise of its sum (0.6000000000000001).
fn tidy(v: f64) -> f64 {
    (v * 1e9).round() / 1e9
}

/// A value as printed: a rate as a percentage with up to two decimals, a
/// score with up to two.
fn shown(v: f64, percent: bool) -> String {
    let text = format!("{:.2}", if percent { v * 100.0 } else { v });
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if percent {
        format!("{text}%")
    } else {
        text.to_string()
    }
}

/// The most a score can reach: the sum of the components' weights.
fn full_marks(s: &ScoreRules) -> f64 {
    COMPONENTS
        .iter()
        .map(|c| match c.earns {
            Earns::Rate(read) => read(s).weight,
            Earns::Flag => s.platform_ok.weight,
        })
        .sum()
}

/// The rules with the re-inspection's `key` (a rule id, which is its key)
/// set to `value`.
fn with_reinspection(rules: &Rules, key: &str, value: f64) -> Result<Rules> {
    let mut section = toml::Value::try_from(&rules.reinspection).map_err(internal)?;
    if let Some(t) = section.as_table_mut() {
        t.insert(key.to_string(), toml::Value::Float(value));
    }
    let mut out = rules.clone();
    out.reinspection = section.try_into::<ReinspectionRules>().map_err(internal)?;
    Ok(out)
}

fn internal(e: impl std::fmt::Display) -> Error {
    Error::Internal(anyhow::anyhow!("a sensitivity point's rules: {e}"))
}

/// Communities under re-inspection failing `rule`, and failing the
/// re-inspection at all.
fn failing(rated: &DataFrame, rule: &str) -> Result<(usize, usize)> {
    let under = bools(rated, "under_reinspection")?;
    let rules = strings(rated, "failing_rules")?;
    let verdicts = strings(rated, "verdict")?;
    let mut by_rule = 0;
    let mut by_verdict = 0;
    for k in 0..rated.height() {
        if under[k] != Some(true) {
            continue;
        }
        by_rule += usize::from(
            rules[k]
                .as_deref()
                .unwrap_or("")
                .split(';')
                .any(|r| r == rule),
        );
        by_verdict +=
            usize::from(verdicts[k].as_deref().and_then(Verdict::parse) == Some(Verdict::Fail));
    }
    Ok((by_rule, by_verdict))
}

fn under_reinspection(base: &DataFrame) -> Result<usize> {
    Ok(bools(base, crate::ratings::scope::UNDER_REINSPECTION)?
        .iter()
        .filter(|v| **v == Some(true))
        .count())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_range_spans_both_values_with_a_margin_clamped_to_the_valid_range() {
        let r = range(0.70, 0.75, (0.0, 1.0));
        // Margin max(0.025, 0.1) = 0.1: [0.6, 0.85], step 0.0125.
        assert_eq!(r.len(), POINTS, "0.70 and 0.75 fall on the grid");
        assert_eq!((r[0], r[8], r[12], r[POINTS - 1]), (0.6, 0.7, 0.75, 0.85));
        // A value off the grid is a point of its own.
        let r = range(0.70, 0.80, (0.0, 1.0));
        assert_eq!(r.len(), POINTS + 2);
        assert!(r.contains(&0.7) && r.contains(&0.8));
        // Near the floor the range is clamped; off-grid values are added.
        let r = range(0.04, 0.045, (0.0, 1.0));
        assert_eq!(r[0], 0.0);
        assert!(r.contains(&0.04) && r.contains(&0.045));
        assert_eq!(r.len(), POINTS + 2);
        // Equal values still get a curve around them.
        let r = range(60.0, 60.0, (0.0, 100.0));
        assert_eq!((r[0], r[r.len() - 1]), (50.0, 70.0));
        assert!(r.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn values_print_as_percentages_or_scores_without_trailing_zeros() {
        assert_eq!(shown(0.7, true), "70%");
        assert_eq!(shown(0.0125, true), "1.25%");
        assert_eq!(shown(72.5, false), "72.5");
        assert_eq!(shown(60.0, false), "60");
    }
}
