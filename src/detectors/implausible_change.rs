//! `implausible_change` (low): a community's `reemployment_rate` or
//! `hardship_employment_rate` moved from the previous year far more than its
//! county's communities did.
//!
//! The change is the rate of year Y minus the rate of Y − 1, both from this
//! run's indicators (the run computes both years from the same extract); a
//! community with either rate null has no change. The robust z-score is
//! (change − median) / max(1.4826 × MAD, `min_spread`), the median and the
//! median absolute deviation (MAD) taken over the changes of the county's
//! communities in that year, or over all communities' changes when the county
//! has fewer than `min_county_size` communities. The floor
//! keeps counties whose rates barely move from turning a one-person step into
//! an outlier. A community fires when |z| > `z`, rises and falls alike.

use polars::prelude::*;

use super::lookup::counties;
use crate::frame::{floats, ints, strings};
use crate::config::ranges::rules_struct;
use super::{Evidence, Finding, Inputs, Severity};
use crate::error::Result;
use crate::contract::names::chinese;

pub const ID: &str = "implausible_change";

/// The detector's name as the panel reads it.
pub const LABEL: &str = "比率年度变化异常";

/// The rule in one sentence, for the report's legend.
pub fn rule() -> String {
    "就业率的年度变化远超同区县其他社区".into()
}

rules_struct! {
    /// The keys of `[detectors.implausible_change]` besides `enabled` (docs/rules.md);
    /// their defaults are in `pipelines/rules/default.toml`.
    pub struct Params {
        /// Robust z-score beyond which a change is flagged.
        z: f64 => non_negative,
        /// Floor of the spread.
        min_spread: f64 => non_negative,
        /// A smaller county is compared with all communities.
        min_county_size: i64 => count,
    }
}

/// The rates compared (their names as the panel reads them are the
/// indicators', `names::chinese`).
pub const RATES: [&str; 2] = ["reemployment_rate", "hardship_employment_rate"];

/// The MAD's factor that makes it estimate a normal standard deviation.
const MAD_TO_SD: f64 = 1.4826;

fn median_and_mad(x: Expr, by: &[&str]) -> PolarsResult<(Expr, Expr)> {
    let over: Vec<Expr> = by.iter().map(|c| col(*c)).collect();
    let median = x.clone().median().over(over.clone())?;
    let mad = (x - median.clone()).abs().median().over(over)?;
    Ok((median, mad))
}

/// One row per community, year and rate with a change: community_code,
/// county, year, rate, previous, current, change, median, mad, spread, z.
pub fn robust_z(
    indicators: LazyFrame,
    rate: &str,
    params: &Params,
) -> PolarsResult<LazyFrame> {
    // The county's size counts its communities, with a change or without.
    let current = indicators.clone().select([
        col("community_code"),
        col("county"),
        col("year"),
        col(rate).alias("current"),
        len()
            .over([col("county"), col("year")])?
            .cast(DataType::Int64)
            .alias("county_size"),
    ]);
    let previous = indicators.select([
        col("community_code"),
        (col("year") + lit(1i64)).alias("year"),
        col(rate).alias("previous"),
    ]);
    let change = col("change");
    let (county_median, county_mad) = median_and_mad(change.clone(), &["county", "year"])?;
    let (all_median, all_mad) = median_and_mad(change.clone(), &["year"])?;
    let own_county = col("county_size").gt_eq(lit(params.min_county_size));
    Ok(current
        .join(
            previous,
            [col("community_code"), col("year")],
            [col("community_code"), col("year")],
            JoinArgs::new(JoinType::Inner),
        )
        .with_column((col("current") - col("previous")).alias("change"))
        .filter(col("change").is_not_null())
        .with_columns([
            when(own_county.clone())
                .then(county_median)
                .otherwise(all_median)
                .alias("median"),
            when(own_county.clone())
                .then(county_mad)
                .otherwise(all_mad)
                .alias("mad"),
            own_county.alias("own_county"),
        ])
        .with_column(
            when((lit(MAD_TO_SD) * col("mad")).gt(lit(params.min_spread)))
                .then(lit(MAD_TO_SD) * col("mad"))
                .otherwise(lit(params.min_spread))
                .alias("spread"),
        )
        .with_column(((col("change") - col("median")) / col("spread")).alias("z"))
        .with_column(lit(rate.to_string()).alias("rate"))
        .sort(["year", "community_code"], SortMultipleOptions::default()))
}

fn pp(x: f64) -> String {
    format!("{:+.1}", x * 100.0)
}

pub fn detect(inputs: &Inputs, params: &Params) -> Result<Vec<Finding>> {
    let county = counties(inputs.communities)?;
    let mut findings = Vec::new();
    for rate in RATES {
        let name = chinese(rate);
        let df = robust_z(inputs.indicators.frame.clone().lazy(), rate, params)?
            .filter(col("z").abs().gt(lit(params.z)))
            .collect()?;
        let codes = strings(&df, "community_code")?;
        let years = ints(&df, "year")?;
        let own = df.column("own_county")?.bool()?.clone();
        let [previous, current, change, median, spread, z] =
            ["previous", "current", "change", "median", "spread", "z"].map(|c| floats(&df, c));
        let (previous, current, change, median, spread, z) =
            (previous?, current?, change?, median?, spread?, z?);
        for i in 0..df.height() {
            let (Some(code), Some(year)) = (&codes[i], years[i]) else {
                continue;
            };
            let get = |v: &Vec<Option<f64>>| v[i].unwrap_or_default();
            let reference = if own.get(i).unwrap_or(false) {
                "本区县各社区"
            } else {
                "全市各社区（本区县社区过少）"
            };
            findings.push(Finding {
                explanation: format!(
                    "{name}由 {} 年的 {:.1}% 变为 {year} 年的 {:.1}%（{} 个百分点）；{reference}变化的中位数为 {} 个百分点、离散度 {:.1} 个百分点，稳健 z 值 {:.1}，超过 ±{}",
                    year - 1,
                    get(&previous) * 100.0,
                    get(&current) * 100.0,
                    pp(get(&change)),
                    pp(get(&median)),
                    get(&spread) * 100.0,
                    get(&z),
                    params.z,
                ),
                value: Some(get(&z)),
                threshold: Some(params.z),
                p_value: None,
                evidence: [(year - 1, get(&previous)), (year, get(&current))]
                    .into_iter()
                    .map(|(y, v)| {
                        Evidence::record_key(
                            "indicators",
                            vec![
                                ("community_code", code.as_str().into()),
                                ("year", y.to_string().into()),
                            ],
                        )
                        .with_note(format!("{rate}={v:.4}"))
                    })
                    .collect(),
                ..Finding::community(ID, Severity::Low, code, &county, year as i32)
            });
        }
    }
    Ok(findings)
}
