//! `threshold_bunching` (medium): rates piled up just above a re-inspection
//! threshold t.
//!
//! The thresholds are those of the re-inspection rules that a rate must reach
//! and whose numerator counts persons: `reemployment_rate` ≥
//! `min_reemployment_rate`, `hardship_employment_rate` ≥
//! `min_hardship_employment_rate`, `assistance_coverage` ≥
//! `min_assistance_coverage`. (The registered unemployment rate must stay
//! below its threshold and honest communities sit well below it, so a band
//! test there would measure the economy, not the books.)
//!
//! County level: of the county's communities with the rate in
//! [t − h, t + h), h = `bandwidth`, those in [t, t + h) outnumber those in
//! [t − h, t) beyond chance: with at least `min_count` communities in the two
//! bands, the exact one-sided binomial test against an even split gives
//! p < `alpha`. Honest rates near t fall on either side alike; rates nudged
//! over the line leave the band below it empty.
//!
//! There is no community-level finding: how close a single community passes
//! is its margin (差几人, computed by the ratings), shown beside its verdict,
//! not an accusation.

use polars::prelude::*;

use crate::frame::{ints, string_lists, strings};
use crate::config::ranges::rules_struct;
use super::significance::{binomial_upper_tail, format_p};
use super::{Evidence, Finding, Inputs, Level, Severity};
use crate::config::rules::ReinspectionRules;
use crate::ratings::registry::{RULES, Test};
use crate::error::Result;
use crate::indicators::Period;
use crate::contract::names::chinese;

pub const ID: &str = "threshold_bunching";

/// The detector's name as the panel reads it.
pub const LABEL: &str = "比率扎堆于合格线";

/// The rule in one sentence, for the report's legend.
pub fn rule() -> String {
    "区县内刚好达到合格线的社区明显多于刚好低于合格线的社区".into()
}

rules_struct! {
    /// The keys of `[detectors.threshold_bunching]` besides `enabled` (docs/rules.md);
    /// their defaults are in `pipelines/rules/default.toml`.
    pub struct Params {
        /// Band width h around a threshold t.
        bandwidth: f64 => non_negative,
        /// Significance level of the county-level exact binomial test.
        alpha: f64 => alpha,
        /// The test runs only with this many communities in [t − h, t + h).
        min_count: i64 => count,
    }
}

/// Rates are fractions of whole numbers; band edges like t + h are computed in
/// floating point. A rate this close to an edge counts as on it.
const EDGE: f64 = 1e-9;

/// A rule the test looks at: the rate, the threshold, and the rate's name
/// as the panel reads it.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    pub rate: &'static str,
    pub threshold: f64,
    pub name: &'static str,
}

/// The re-inspection rules with a threshold a rate must reach and whose
/// numerator counts persons, in the registry's order
/// (`ratings::registry::RULES`), their thresholds read from `r`.
pub fn rules(r: &ReinspectionRules) -> Vec<Rule> {
    RULES
        .iter()
        .filter(|rule| rule.test == Test::AtLeast && rule.persons.is_some())
        .filter_map(|rule| {
            Some(Rule {
                rate: rule.indicator,
                threshold: rule.threshold(r)?,
                name: chinese(rule.indicator),
            })
        })
        .collect()
}

fn pct(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

/// Per county: `above` (rate in [t, t + h)), `below` (rate in [t − h, t)) and
/// the communities above, for the year's indicator rows.
pub fn bands(year_rows: LazyFrame, rule: &Rule, h: f64) -> LazyFrame {
    let t = rule.threshold;
    let rate = col(rule.rate);
    let above = rate
        .clone()
        .gt_eq(lit(t - EDGE))
        .and(rate.clone().lt(lit(t + h - EDGE)));
    let below = rate
        .clone()
        .gt_eq(lit(t - h - EDGE))
        .and(rate.lt(lit(t - EDGE)));
    year_rows
        .with_columns([above.alias("is_above"), below.alias("is_below")])
        .group_by([col("county")])
        .agg([
            col("is_above").sum().cast(DataType::Int64).alias("above"),
            col("is_below").sum().cast(DataType::Int64).alias("below"),
            col("community_code")
                .filter(col("is_above"))
                .sort(SortOptions::default())
                .alias("above_codes"),
            col(rule.rate)
                .filter(col("is_above"))
                .sort_by(
                    [col("community_code").filter(col("is_above"))],
                    SortMultipleOptions::default(),
                )
                .alias("above_rates"),
        ])
        .sort(["county"], SortMultipleOptions::default())
}

fn county_findings(
    year_rows: &DataFrame,
    p: &Period,
    rule: &Rule,
    params: &Params,
) -> Result<Vec<Finding>> {
    let h = params.bandwidth;
    let t = rule.threshold;
    let df = bands(year_rows.clone().lazy(), rule, h).collect()?;
    let county = strings(&df, "county")?;
    let (above, below) = (ints(&df, "above")?, ints(&df, "below")?);
    let codes = string_lists(&df, "above_codes")?;
    let rates_col = df
        .column("above_rates")?
        .cast(&DataType::List(Box::new(DataType::Float64)))?;
    let lists = rates_col.list()?;
    let mut rates: Vec<Vec<f64>> = Vec::with_capacity(lists.len());
    for i in 0..lists.len() {
        rates.push(match lists.get_as_series(i) {
            Some(inner) => inner.f64()?.into_no_null_iter().collect(),
            None => Vec::new(),
        });
    }
    let mut out = Vec::new();
    for i in 0..df.height() {
        let Some(c) = &county[i] else { continue };
        let (a, b) = (above[i].unwrap_or_default(), below[i].unwrap_or_default());
        let n = a + b;
        if n < params.min_count || n == 0 {
            continue;
        }
        let p_value = binomial_upper_tail(a as u64, n as u64, 0.5);
        if p_value >= params.alpha {
            continue;
        }
        out.push(Finding {
            detector: ID,
            severity: Severity::Medium,
            level: Level::County,
            community_code: None,
            county: c.clone(),
            year: p.year,
            explanation: format!(
                "{} 年本区县有 {a} 个社区的{}刚好达到达标线 {}（落在 [{}, {})），而刚好低于达标线（[{}, {})）的只有 {b} 个；若达标线两侧同样可能，出现这种差距的概率 p = {}（精确二项检验）< {}，疑似把指标凑到达标线以上",
                p.year,
                rule.name,
                pct(t),
                pct(t),
                pct(t + h),
                pct(t - h),
                pct(t),
                format_p(p_value),
                params.alpha,
            ),
            value: Some(a as f64 / n as f64),
            threshold: Some(0.5),
            p_value: Some(p_value),
            evidence: codes[i]
                .iter()
                .zip(rates[i].iter())
                .map(|(code, r)| {
                    Evidence::record_key(
                        "indicators",
                        vec![
                            ("community_code", code.as_str().into()),
                            ("year", p.year.to_string().into()),
                        ],
                    )
                    .with_note(format!("{}={r:.4}", rule.rate))
                })
                .collect(),
        });
    }
    Ok(out)
}

pub fn detect(inputs: &Inputs, params: &Params) -> Result<Vec<Finding>> {
    let mut findings = Vec::new();
    for p in inputs.periods() {
        let year_rows = inputs
            .indicators
            .frame
            .clone()
            .lazy()
            .filter(col("year").eq(lit(p.year as i64)))
            .collect()?;
        for rule in rules(inputs.reinspection) {
            findings.extend(county_findings(&year_rows, p, &rule, params)?);
        }
    }
    Ok(findings)
}
