//! Zero-employment households (零就业家庭) and their dynamic clearance (动态清零).

use polars::prelude::*;

use super::period::{Period, date, days_between};
use crate::config::rules::IndicatorRules;

/// The households of Z with the days each took to clear, counted to A when it
/// is not cleared by A: (`cleared_on` if not after A, else A) − `identified_on`.
pub fn households_in_period(zero: LazyFrame, p: &Period) -> LazyFrame {
    let a = date(p.cutoff);
    let end = when(
        col("cleared_on")
            .is_not_null()
            .and(col("cleared_on").lt_eq(a.clone())),
    )
    .then(col("cleared_on"))
    .otherwise(a.clone());
    zero.filter(
        col("identified_on").lt_eq(a.clone()).and(
            col("cleared_on")
                .is_null()
                .or(col("cleared_on").gt_eq(date(p.start))),
        ),
    )
    .with_columns([
        days_between(col("identified_on"), end)
            .cast(DataType::Int64)
            .alias("days_to_clear"),
        col("cleared_on")
            .is_null()
            .or(col("cleared_on").gt(a))
            .alias("open_at_cutoff"),
    ])
}

/// community_code, zero_households, zero_households_open,
/// zero_households_overdue, zero_households_max_days.
pub fn zero_households(zero: LazyFrame, p: &Period, rules: &IndicatorRules) -> LazyFrame {
    let household = || col("household_id");
    households_in_period(zero, p)
        .group_by([col("community_code")])
        .agg([
            household()
                .n_unique()
                .cast(DataType::Int64)
                .alias("zero_households"),
            household()
                .filter(col("open_at_cutoff"))
                .n_unique()
                .cast(DataType::Int64)
                .alias("zero_households_open"),
            household()
                .filter(col("days_to_clear").gt(lit(rules.clearance_days)))
                .n_unique()
                .cast(DataType::Int64)
                .alias("zero_households_overdue"),
            col("days_to_clear").max().alias("zero_households_max_days"),
        ])
}
