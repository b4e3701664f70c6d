//! `digit_heaping` (low, county level): the last digits of a county's claimed
//! counts are far from uniform, as when figures are rounded or made up
//! rather than counted.
//!
//! The values are the claimed counts of the year's applications
//! (`claimed_new_jobs`, `claimed_zero_households`) of at least `min_claimed`:
//! small counts are mostly honest zeros and single digits, whose last digit
//! is the whole number and far from uniform. With at least `min_values` such
//! values in a county, a chi-square goodness-of-fit test of their last digits
//! against ten equally likely digits (9 degrees of freedom) fires at
//! p < `alpha`.

use polars::prelude::*;

use crate::frame::{ints, strings};
use crate::config::ranges::rules_struct;
use super::significance::{chi_square_critical, chi_square_uniform, format_p};
use super::{Evidence, Finding, Inputs, Level, Severity};
use crate::contract::Table;
use crate::error::Result;
use crate::indicators::Period;

pub const ID: &str = "digit_heaping";

/// The detector's name as the panel reads it.
pub const LABEL: &str = "自报数字尾数异常";

/// The rule in one sentence, for the report's legend.
pub fn rule() -> String {
    "区县自报数字的尾数分布明显偏离均匀分布".into()
}

rules_struct! {
    /// The keys of `[detectors.digit_heaping]` besides `enabled` (docs/rules.md);
    /// their defaults are in `pipelines/rules/default.toml`.
    pub struct Params {
        /// Only claimed counts of at least this value take part.
        min_claimed: i64 => count,
        /// The test runs only with this many such counts.
        min_values: i64 => count,
        /// Significance level of the chi-square test.
        alpha: f64 => alpha,
    }
}

/// The claimed counts the test reads.
pub const CLAIMED: [&str; 2] = ["claimed_new_jobs", "claimed_zero_households"];

/// The year's claimed counts of at least `min_claimed`, one row per
/// application and column: county, community_code, column, value, digit.
fn claimed_values(
    applications: LazyFrame,
    communities: LazyFrame,
    p: &Period,
    params: &Params,
) -> LazyFrame {
    let long = CLAIMED.map(|c| {
        applications.clone().select([
            col("community_code"),
            col("year").cast(DataType::Int64),
            lit(c).alias("column"),
            col(c).cast(DataType::Int64).alias("value"),
        ])
    });
    concat(long, UnionArgs::default())
        .expect("the same columns in every part")
        .filter(col("year").eq(lit(p.year as i64)))
        .filter(col("value").gt_eq(lit(params.min_claimed)))
        .join(
            communities.select([col("community_code"), col("county")]),
            [col("community_code")],
            [col("community_code")],
            JoinArgs::new(JoinType::Inner),
        )
        .with_column((col("value") % lit(10i64)).alias("digit"))
        .sort(
            ["county", "community_code", "column"],
            SortMultipleOptions::default(),
        )
}

/// Per county with at least `min_values` values: n and d0 … d9, the count of
/// each last digit.
fn digit_counts(values: LazyFrame, params: &Params) -> LazyFrame {
    let mut aggs = vec![len().cast(DataType::Int64).alias("n")];
    aggs.extend((0..10i64).map(|d| {
        col("digit")
            .eq(lit(d))
            .sum()
            .cast(DataType::Int64)
            .alias(format!("d{d}"))
    }));
    values
        .group_by([col("county")])
        .agg(aggs)
        .filter(col("n").gt_eq(lit(params.min_values)))
        .sort(["county"], SortMultipleOptions::default())
}

/// One county's last digits: how many values, and the count of each digit.
struct CountyDigits {
    county: String,
    n: i64,
    observed: [u64; 10],
}

/// The rows of `digit_counts` read back.
fn county_digits(counts: &DataFrame) -> Result<Vec<CountyDigits>> {
    let counties = strings(counts, "county")?;
    let n = ints(counts, "n")?;
    let digits: Vec<Vec<Option<i64>>> = (0..10)
        .map(|d| ints(counts, &format!("d{d}")))
        .collect::<PolarsResult<_>>()?;
    Ok((0..counts.height())
        .filter_map(|i| {
            let county = counties[i].clone()?;
            let mut observed = [0u64; 10];
            for (d, o) in observed.iter_mut().enumerate() {
                *o = digits[d][i].unwrap_or_default().max(0) as u64;
            }
            Some(CountyDigits {
                county,
                n: n[i].unwrap_or_default(),
                observed,
            })
        })
        .collect())
}

impl CountyDigits {
    /// The digits seen more often than uniform digits would be.
    fn heaped(&self) -> Vec<i64> {
        let expected = self.n as f64 / 10.0;
        (0..10i64)
            .filter(|&d| self.observed[d as usize] as f64 > expected)
            .collect()
    }

    /// "digit:count" for every digit, as the explanation lists them.
    fn spread(&self) -> String {
        (0..10)
            .map(|d| format!("{d}:{}", self.observed[d]))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// The county's applications whose value ends in one of the `heaped`
/// digits, each with the column and its value.
fn heaped_evidence(
    values: &DataFrame,
    county: &str,
    heaped: &[i64],
    year: i32,
) -> Result<Vec<Evidence>> {
    let rows = values
        .clone()
        .lazy()
        .filter(col("county").eq(lit(county)))
        .filter(
            heaped
                .iter()
                .fold(lit(false), |any, &d| any.or(col("digit").eq(lit(d)))),
        )
        .collect()?;
    let (codes, columns, vals) = (
        strings(&rows, "community_code")?,
        strings(&rows, "column")?,
        ints(&rows, "value")?,
    );
    Ok((0..rows.height())
        .filter_map(|k| {
            let code = codes[k].as_deref()?;
            Some(
                Evidence::record_key(
                    "applications",
                    vec![
                        ("community_code", code.into()),
                        ("year", year.to_string().into()),
                    ],
                )
                .with_note(format!(
                    "{}={}",
                    columns[k].as_deref().unwrap_or_default(),
                    vals[k].unwrap_or_default()
                )),
            )
        })
        .collect())
}

/// The county's finding when its last digits fail the test at `alpha`.
fn county_finding(
    digits: &CountyDigits,
    values: &DataFrame,
    p: &Period,
    params: &Params,
) -> Result<Option<Finding>> {
    let (stat, p_value) = chi_square_uniform(&digits.observed);
    if p_value >= params.alpha {
        return Ok(None);
    }
    let heaped = digits.heaped();
    let heaped_text = heaped
        .iter()
        .map(|d| d.to_string())
        .collect::<Vec<_>>()
        .join("、");
    Ok(Some(Finding {
        detector: ID,
        severity: Severity::Low,
        level: Level::County,
        community_code: None,
        county: digits.county.clone(),
        year: p.year,
        explanation: format!(
            "{} 年本区县申报材料中不小于 {} 的自报人数、户数共 {} 个，末位数字分布（数字:个数）为 {}，集中在 {heaped_text}；与十个数字均匀分布的卡方检验 χ² = {stat:.1}（自由度 9），p = {} < {}；末位数字如此不均匀，可能是凑整或编造的数字，请核对所列申报",
            p.year,
            params.min_claimed,
            digits.n,
            digits.spread(),
            format_p(p_value),
            params.alpha,
        ),
        value: Some(stat),
        threshold: Some(chi_square_critical(params.alpha)),
        p_value: Some(p_value),
        evidence: heaped_evidence(values, &digits.county, &heaped, p.year)?,
    }))
}

pub fn detect(inputs: &Inputs, params: &Params) -> Result<Vec<Finding>> {
    let Some(applications) = inputs.optional(Table::Applications) else {
        return Ok(Vec::new());
    };
    let mut findings = Vec::new();
    for p in inputs.periods() {
        let values = claimed_values(
            applications.clone(),
            inputs.communities.clone().lazy(),
            p,
            params,
        )
        .collect()?;
        let counts = digit_counts(values.clone().lazy(), params).collect()?;
        for digits in county_digits(&counts)? {
            findings.extend(county_finding(&digits, &values, p, params)?);
        }
    }
    Ok(findings)
}
