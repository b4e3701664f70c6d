//! `reemployment_without_record` (medium): registrations closed as employed
//! (`end_reason` 就业) with no employment record to show for it. A
//! registration of the community ended with reason 就业 in P is matched by an
//! employment record of the same person (any community) whose `started_on`
//! lies between the registration's `registered_on` and `match_days` after its
//! `ended_on`, both ends included: a job found while registered and closed
//! late by a slow clerk is honest, and a job keyed in a little after the
//! closing is too. The community fires when at least `min_count` of them,
//! and at least `min_share` of all of them, are unmatched.

use polars::prelude::*;

use super::lookup::counties;
use crate::frame::{floats, ints, string_lists, strings};
use crate::config::ranges::rules_struct;
use super::{Evidence, Finding, Inputs, Severity};
use crate::contract::{Table, record_number};
use crate::error::Result;
use crate::indicators::Period;
use crate::indicators::evidence::{backed_by_job, closing_and};
use crate::indicators::period::{date, within};

pub const ID: &str = "reemployment_without_record";

/// The detector's name as the panel reads it.
pub const LABEL: &str = "就业注销无就业记录";

/// The rule in one sentence, for the report's legend.
pub fn rule() -> String {
    "以“就业”原因注销的失业登记中，较多找不到从登记到注销后不久开始的就业登记".into()
}

rules_struct! {
    /// The keys of `[detectors.reemployment_without_record]` besides `enabled` (docs/rules.md);
    /// their defaults are in `pipelines/rules/default.toml`.
    pub struct Params {
        /// At least this many unmatched registrations...
        min_count: i64 => count,
        /// ...and this share of those ended with reason 就业.
        min_share: f64 => fraction,
        /// A start up to this many days after ended_on (from registered_on) matches.
        match_days: i64 => count,
    }
}

/// The reason that closes a registration as employed.
pub const EMPLOYED: &str = "就业";

/// Employment starts no later than `match_days` after A: every match of a
/// closing in P is among them. Every start when the span runs off the
/// calendar (an absurdly large `match_days`).
fn not_after_closing_span(p: &Period, match_days: i64) -> Expr {
    match chrono::Duration::try_days(match_days).and_then(|d| p.cutoff.checked_add_signed(d)) {
        Some(to) => col("started_on").lt_eq(date(to)),
        None => lit(true),
    }
}

/// Registrations of P closed as employed, each marked `matched`.
fn closed_as_employed(
    unemployment: LazyFrame,
    employment: LazyFrame,
    p: &Period,
    match_days: i64,
) -> LazyFrame {
    let closed = unemployment
        .filter(
            col("end_reason")
                .eq(lit(EMPLOYED))
                .and(col("ended_on").is_not_null())
                .and(within("ended_on", p)),
        )
        .select(closing_and([]));
    // The evidence figure's reading of a closing backed by a job, with this
    // detector's span.
    let matched = backed_by_job(
        closed.clone(),
        employment.filter(not_after_closing_span(p, match_days)),
        match_days.clamp(0, i64::from(i32::MAX)) as i32,
        "matched",
    );
    closed
        .join(
            matched,
            [col("registration_id")],
            [col("registration_id")],
            JoinArgs::new(JoinType::Left),
        )
        .with_column(col("matched").fill_null(lit(false)))
}

/// Per community: `closed` registrations, `unmatched` ones and their ids,
/// `unmatched_share`; only communities reaching both thresholds.
fn firing(closed: LazyFrame, params: &Params) -> LazyFrame {
    closed
        .group_by([col("community_code")])
        .agg([
            len().cast(DataType::Int64).alias("closed"),
            col("matched")
                .not()
                .sum()
                .cast(DataType::Int64)
                .alias("unmatched"),
            col("registration_id")
                .filter(col("matched").not())
                .sort(SortOptions::default())
                .alias("unmatched_ids"),
            col("ended_on")
                .cast(DataType::String)
                .filter(col("matched").not())
                .sort_by(
                    [col("registration_id").filter(col("matched").not())],
                    SortMultipleOptions::default(),
                )
                .alias("unmatched_ended_on"),
        ])
        .with_column(
            (col("unmatched").cast(DataType::Float64) / col("closed").cast(DataType::Float64))
                .alias("unmatched_share"),
        )
        .filter(
            col("unmatched")
                .gt_eq(lit(params.min_count))
                .and(col("unmatched_share").gt_eq(lit(params.min_share))),
        )
        .sort(["community_code"], SortMultipleOptions::default())
}

pub fn detect(inputs: &Inputs, params: &Params) -> Result<Vec<Finding>> {
    let county = counties(inputs.communities)?;
    let mut findings = Vec::new();
    for p in inputs.periods() {
        let closed = closed_as_employed(
            inputs.table(Table::Unemployment)?,
            inputs.table(Table::Employment)?,
            p,
            params.match_days,
        );
        let df = firing(closed, params).collect()?;
        let codes = strings(&df, "community_code")?;
        let (total, unmatched) = (ints(&df, "closed")?, ints(&df, "unmatched")?);
        let share = floats(&df, "unmatched_share")?;
        let ids = record_number::text_lists(&df, "unmatched_ids")?;
        let ended = string_lists(&df, "unmatched_ended_on")?;
        // Rows selected above become findings (text and evidence): Rust, not an expression.
        for i in 0..df.height() {
            let Some(code) = &codes[i] else { continue };
            let share = share[i].unwrap_or_default();
            findings.push(Finding {
                explanation: format!(
                    "{} 年以“就业”原因注销的 {} 条失业登记中，有 {} 条（{:.0}%）从登记之日到注销后 {} 天内找不到该人员的就业登记（界限：至少 {} 条且占 {:.0}%）",
                    p.year,
                    total[i].unwrap_or_default(),
                    unmatched[i].unwrap_or_default(),
                    share * 100.0,
                    params.match_days,
                    params.min_count,
                    params.min_share * 100.0
                ),
                value: Some(share),
                threshold: Some(params.min_share),
                p_value: None,
                evidence: ids[i]
                    .iter()
                    .zip(&ended[i])
                    .map(|(r, e)| {
                        Evidence::record("unemployment", "registration_id", r.as_str()).with_note(
                            format!(
                                "{e} 以就业注销，从登记到注销后 {} 天内无该人员的就业登记",
                                params.match_days
                            ),
                        )
                    })
                    .collect(),
                ..Finding::community(ID, Severity::Medium, code, &county, p.year)
            });
        }
    }
    Ok(findings)
}
