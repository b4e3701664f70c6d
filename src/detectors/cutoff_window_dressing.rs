//! `cutoff_window_dressing` (high): counted employment starts crowded into the
//! last days before the cut-off A.
//!
//! The counted starts are those behind `reemployed_in_period` and
//! `hardship_employed` (`counted::counted_starts`). Each start could have
//! fallen on any day from its earliest possible start (max(S, registered_on)
//! or max(S, designated_on)) to A; were it spread evenly over those days, it
//! would lie in the window of the last `window_days` days (A included) with
//! probability min(1, window_days / days open). The community fires when at
//! least `min_count` starts lie in the window and the exact one-sided binomial
//! test of that count against the mean of those probabilities gives
//! p < `alpha`; or, where the extract reaches past A, when at least
//! `short_share` of those window starts belong to records that ended within
//! `after_days` after A.

use chrono::{Duration, NaiveDate};
use polars::prelude::*;
use statrs::distribution::{Binomial, DiscreteCDF};

use super::counted::counted_starts;
use super::lookup::{counties, floats, ints, string_lists, strings};
use super::{Evidence, Finding, Inputs, Level, Severity};
use crate::config::rules::CutoffWindowDressing;
use crate::contract::Table;
use crate::error::Result;
use crate::indicators::Period;
use crate::indicators::period::{date, days_between};

pub const ID: &str = "cutoff_window_dressing";

/// P(X ≥ k) for X ~ Binomial(n, p0): the one-sided exact test's p-value.
pub fn binomial_upper_tail(k: u64, n: u64, p0: f64) -> f64 {
    if k == 0 {
        return 1.0;
    }
    let p0 = p0.clamp(0.0, 1.0);
    match Binomial::new(p0, n) {
        // sf(k − 1) = P(X > k − 1) = P(X ≥ k).
        Ok(b) => b.sf(k - 1).clamp(0.0, 1.0),
        Err(_) => 1.0,
    }
}

/// The first day of the window: A − (window_days − 1), so that the window
/// holds exactly `window_days` days, A included.
fn window_start(p: &Period, params: &CutoffWindowDressing) -> NaiveDate {
    p.cutoff - Duration::days(params.window_days - 1)
}

/// Per community: `starts` (n), `in_window` (k), `expected_share` (p0, the
/// mean of each start's chance to fall in the window), `short` (window starts
/// whose record ended within `after_days` after A), and the window starts'
/// record ids.
fn window_counts(
    starts: LazyFrame,
    employment: LazyFrame,
    p: &Period,
    params: &CutoffWindowDressing,
) -> LazyFrame {
    let a = date(p.cutoff);
    let days_open = days_between(col("earliest_possible"), a.clone()) + lit(1i32);
    let share = lit(params.window_days as f64) / days_open.cast(DataType::Float64);
    let chance = when(share.clone().gt(lit(1.0)))
        .then(lit(1.0))
        .otherwise(share);
    let in_window = col("started_on").gt_eq(date(window_start(p, params)));
    let soon_after = date(p.cutoff + Duration::days(params.after_days));
    let ended_soon = col("ended_on")
        .is_not_null()
        .and(col("ended_on").gt(a))
        .and(col("ended_on").lt_eq(soon_after));
    starts
        .join(
            employment.select([col("record_id"), col("ended_on")]),
            [col("record_id")],
            [col("record_id")],
            JoinArgs::new(JoinType::Left),
        )
        .with_columns([chance.alias("chance"), in_window.alias("in_window")])
        .group_by([col("community_code")])
        .agg([
            len().cast(DataType::Int64).alias("starts"),
            col("in_window")
                .sum()
                .cast(DataType::Int64)
                .alias("in_window_count"),
            col("chance").mean().alias("expected_share"),
            col("in_window")
                .and(ended_soon)
                .sum()
                .cast(DataType::Int64)
                .alias("short"),
            col("record_id")
                .filter(col("in_window"))
                .sort(SortOptions::default())
                .alias("window_records"),
        ])
        .filter(col("in_window_count").gt_eq(lit(params.min_count)))
        .sort(["community_code"], SortMultipleOptions::default())
}

/// The latest date the extract holds (recorded or event), dates after today
/// left out as slips; None when empty.
fn extract_end(inputs: &Inputs) -> Result<Option<NaiveDate>> {
    let (recorded, event) =
        crate::indicators::extract_dates(inputs.tables, crate::indicators::period::today())?;
    Ok(recorded.max(event))
}

/// A p-value as a panel reads it.
pub fn format_p(p: f64) -> String {
    if p >= 0.001 {
        format!("{p:.3}")
    } else {
        format!("{p:.1e}")
    }
}

pub fn detect(inputs: &Inputs, params: &CutoffWindowDressing) -> Result<Vec<Finding>> {
    let county = counties(inputs.communities)?;
    let end = extract_end(inputs)?;
    let mut findings = Vec::new();
    for p in inputs.periods() {
        let reaches_past = end.is_some_and(|e| e > p.cutoff);
        let df = window_counts(
            counted_starts(inputs, p)?,
            inputs.table(Table::Employment)?,
            p,
            params,
        )
        .collect()?;
        let codes = strings(&df, "community_code")?;
        let (n, k, short) = (
            ints(&df, "starts")?,
            ints(&df, "in_window_count")?,
            ints(&df, "short")?,
        );
        let p0 = floats(&df, "expected_share")?;
        let records = string_lists(&df, "window_records")?;
        let first = window_start(p, params);
        for i in 0..df.height() {
            let Some(code) = &codes[i] else { continue };
            let (n, k, short) = (
                n[i].unwrap_or_default(),
                k[i].unwrap_or_default(),
                short[i].unwrap_or_default(),
            );
            let p0 = p0[i].unwrap_or(1.0);
            let p_value = binomial_upper_tail(k as u64, n as u64, p0);
            let short_share = short as f64 / k as f64;
            let crowded = p_value < params.alpha;
            let short_lived = reaches_past && short_share >= params.short_share;
            if !(crowded || short_lived) {
                continue;
            }
            let after = if reaches_past {
                format!(
                    "；其中 {short} 条（{:.0}%）在截止日后 {} 天内即终止{}",
                    short_share * 100.0,
                    params.after_days,
                    if short_lived {
                        format!("，达到 {:.0}% 的界限", params.short_share * 100.0)
                    } else {
                        String::new()
                    }
                )
            } else {
                "；数据未延伸到截止日之后，无法检查随后终止的情况".to_string()
            };
            findings.push(Finding {
                detector: ID,
                severity: Severity::High,
                level: Level::Community,
                community_code: Some(code.clone()),
                county: county.get(code).cloned().unwrap_or_default(),
                year: p.year,
                explanation: format!(
                    "计入就业率的 {n} 个就业开始中有 {k} 个（{:.0}%）集中在截止日 {} 前 {} 天内（{} 起），按均匀分布预期只占 {:.1}%，二项检验 p = {}{after}",
                    k as f64 / n as f64 * 100.0,
                    p.cutoff,
                    params.window_days,
                    first,
                    p0 * 100.0,
                    format_p(p_value),
                ),
                value: Some(k as f64 / n as f64),
                threshold: Some(p0),
                p_value: Some(p_value),
                evidence: records[i]
                    .iter()
                    .map(|r| Evidence::record("employment", "record_id", r.as_str()))
                    .collect(),
            });
        }
    }
    Ok(findings)
}
