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

use super::lookup::{counties, extract_end};
use crate::frame::{int_lists, ints, string_lists, strings};
use crate::config::ranges::rules_struct;
use super::significance::{binomial_upper_tail, format_p};
use super::{Evidence, Finding, Inputs, Severity};
use crate::contract::{Table, record_number};
use crate::error::Result;
use crate::indicators::Period;
use crate::indicators::period::{date, days_between, within};

pub const ID: &str = "cutoff_window_dressing";

/// The detector's name as the panel reads it.
pub const LABEL: &str = "截止日前突击就业";

/// The rule in one sentence, for the report's legend.
pub const RULE: &str = "计入的就业开始日异常集中在截止日前的最后几十天，或这些工作在截止日后很快结束";

rules_struct! {
    /// The keys of `[detectors.cutoff_window_dressing]` besides `enabled` (docs/rules.md);
    /// their defaults are in `pipelines/rules/default.toml`.
    pub struct Params {
        /// At least this many counted starts in the window.
        min_count: i64 => count,
        /// The window: the last this many days up to and including A.
        window_days: i64 => days,
        /// Significance level of the one-sided exact binomial test.
        alpha: f64 => alpha,
        /// Or this share of the window starts ended soon after A.
        short_share: f64 => fraction,
        /// "Soon after A": ended within this many days after A.
        after_days: i64 => count,
    }
}

/// The first day of the window: A − (window_days − 1), so that the window
/// holds exactly `window_days` days, A included.
fn window_start(p: &Period, params: &Params) -> NaiveDate {
    p.cutoff - Duration::days(params.window_days - 1)
}

/// Per community: `starts` (n), `in_window` (k), `days_open` (for each start,
/// the days from its earliest possible start to A, both included; sorted),
/// `short` (window starts
/// whose record ended within `after_days` after A), and the window starts'
/// record ids.
fn window_counts(
    starts: LazyFrame,
    employment: LazyFrame,
    p: &Period,
    params: &Params,
) -> LazyFrame {
    let a = date(p.cutoff);
    let days_open = days_between(col("earliest_possible"), a.clone()) + lit(1i32);
    let in_window = col("started_on").gt_eq(date(window_start(p, params)));
    let soon_after = date(p.cutoff + Duration::days(params.after_days));
    let ended_soon = col("ended_on")
        .is_not_null()
        .and(col("ended_on").gt(a))
        .and(col("ended_on").lt_eq(soon_after));
    starts
        .join(
            // The starts all lie in P: the records starting in P are enough.
            employment
                .filter(within("started_on", p))
                .select([col("record_id"), col("ended_on")]),
            [col("record_id")],
            [col("record_id")],
            JoinArgs::new(JoinType::Left),
        )
        .with_columns([days_open.alias("days_open"), in_window.alias("in_window")])
        .group_by([col("community_code")])
        .agg([
            len().cast(DataType::Int64).alias("starts"),
            col("in_window")
                .sum()
                .cast(DataType::Int64)
                .alias("in_window_count"),
            col("days_open")
                .sort(SortOptions::default())
                .alias("days_open"),
            col("in_window")
                .and(ended_soon)
                .sum()
                .cast(DataType::Int64)
                .alias("short"),
            col("record_id")
                .filter(col("in_window"))
                .sort(SortOptions::default())
                .alias("window_records"),
            window_list("started_on"),
            window_list("ended_on"),
        ])
        .filter(col("in_window_count").gt_eq(lit(params.min_count)))
        .sort(["community_code"], SortMultipleOptions::default())
}

/// A column of the window starts as text, in the order of their record ids.
fn window_list(column: &str) -> Expr {
    // Filtered before the dates become text: only the window's few.
    col(column)
        .filter(col("in_window"))
        .cast(DataType::String)
        .sort_by(
            [col("record_id").filter(col("in_window"))],
            SortMultipleOptions::default(),
        )
        .alias(format!("window_{column}"))
}

/// p0: the mean over the starts of min(1, window_days / days open). Summed
/// here, one start after another in sorted order, rather than by a polars
/// mean, whose parallel partial sums differ in the last bit from run to run
/// and would break byte-identical outputs.
pub fn expected_share(days_open: &[i64], window_days: i64) -> f64 {
    if days_open.is_empty() {
        return 1.0;
    }
    let sum: f64 = days_open
        .iter()
        .map(|&d| (window_days as f64 / d.max(1) as f64).min(1.0))
        .sum();
    sum / days_open.len() as f64
}

pub fn detect(inputs: &Inputs, params: &Params) -> Result<Vec<Finding>> {
    let county = counties(inputs.communities)?;
    let end = extract_end(inputs)?;
    let mut findings = Vec::new();
    for p in inputs.periods() {
        let reaches_past = end.is_some_and(|e| e > p.cutoff);
        let df = window_counts(
            super::counted::counted_starts(inputs, p)?,
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
        let days_open = int_lists(&df, "days_open")?;
        let records = record_number::text_lists(&df, "window_records")?;
        let started = string_lists(&df, "window_started_on")?;
        let ended = string_lists(&df, "window_ended_on")?;
        let first = window_start(p, params);
        // Per community: the exact binomial tail comes from statrs, which a
        // polars expression cannot call; the counts above are expressions.
        for i in 0..df.height() {
            let Some(code) = &codes[i] else { continue };
            let (n, k, short) = (
                n[i].unwrap_or_default(),
                k[i].unwrap_or_default(),
                short[i].unwrap_or_default(),
            );
            let p0 = expected_share(&days_open[i], params.window_days);
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
                    .zip(&started[i])
                    .zip(&ended[i])
                    .map(|((r, s), e)| {
                        let end = if e.is_empty() {
                            "仍在职".to_string()
                        } else {
                            format!("{e} 终止")
                        };
                        Evidence::record("employment", "record_id", r.as_str())
                            .with_note(format!("{s} 开始，{end}"))
                    })
                    .collect(),
                ..Finding::community(ID, Severity::High, code, &county, p.year)
            });
        }
    }
    Ok(findings)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_start_open_fewer_days_than_the_window_is_certain_to_fall_in_it() {
        // Registered 10 days before A: the start can only fall in the window.
        // Open all 365 days of the year: 30 chances in 365.
        let p0 = expected_share(&[10, 365], 30);
        assert!((p0 - (1.0 + 30.0 / 365.0) / 2.0).abs() < 1e-15);
        assert_eq!(expected_share(&[], 30), 1.0);
    }
}
