//! `platform_ok`: the year's platform check (平台建设) found a service window,
//! at least `min_staff` staff and an information system. Null without a row.

use polars::prelude::*;

use super::period::Period;
use crate::config::rules::IndicatorRules;

pub fn platform_ok(platform: LazyFrame, p: &Period, rules: &IndicatorRules) -> LazyFrame {
    platform.filter(col("year").eq(lit(p.year as i64))).select([
        col("community_code"),
        col("service_window")
            .and(col("staff_count").gt_eq(lit(rules.min_staff)))
            .and(col("has_info_system"))
            .alias("platform_ok"),
    ])
}
