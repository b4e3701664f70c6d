//! Registered unemployment: `registered_unemployed`, `unemployed_in_period`
//! (U), `reemployed_in_period` (R), `long_term_unemployed`. Registrations count
//! for the community that registered them; re-employment may be anywhere.

use chrono::Duration;
use polars::prelude::*;

use super::distinct_persons;
use super::period::{Period, date, later_of, open_at, overlaps, within};
use crate::config::rules::IndicatorRules;

/// Registrations in the community that overlap P.
pub fn registrations_in_period(unemployment: LazyFrame, p: &Period) -> LazyFrame {
    unemployment.filter(overlaps("registered_on", "ended_on", p))
}

/// (community_code, person_id, started_on) of R: for a registration of theirs
/// in the community overlapping P, an employment record (any community) that
/// starts in [max(S, registered_on), A]. One row per qualifying start.
pub fn reemployment_starts(
    unemployment: LazyFrame,
    employment: LazyFrame,
    p: &Period,
) -> LazyFrame {
    let regs = registrations_in_period(unemployment, p).select([
        col("community_code"),
        col("person_id"),
        col("registered_on"),
        col("registration_id"),
    ]);
    // A qualifying start lies in [S, A] whatever the registration: keeping
    // only those before the join makes the join smaller, not different.
    let starts = employment.filter(within("started_on", p)).select([
        col("person_id"),
        col("started_on"),
        col("record_id"),
        col("community_code").alias("employment_community_code"),
    ]);
    regs.inner_join(starts, col("person_id"), col("person_id"))
        .filter(
            col("started_on")
                .gt_eq(later_of("registered_on", p.start))
                .and(col("started_on").lt_eq(date(p.cutoff))),
        )
}

/// One row per person counted in a community's `reemployed_in_period`: of
/// `reemployment_starts`, the earliest qualifying start, ties broken by the
/// earliest `registered_on`, then `record_id`, then `registration_id`. The
/// record that made the person counted.
pub fn first_reemployment_starts(
    unemployment: LazyFrame,
    employment: LazyFrame,
    p: &Period,
) -> LazyFrame {
    reemployment_starts(unemployment, employment, p)
        .sort(
            [
                "community_code",
                "person_id",
                "started_on",
                "registered_on",
                "record_id",
                "registration_id",
            ],
            SortMultipleOptions::default(),
        )
        .unique_stable(
            Some(cols(["community_code", "person_id"])),
            UniqueKeepStrategy::First,
        )
}

/// community_code, registered_unemployed, unemployed_in_period,
/// reemployed_in_period, long_term_unemployed.
pub fn unemployment(
    unemployment: LazyFrame,
    employment: LazyFrame,
    p: &Period,
    rules: &IndicatorRules,
) -> LazyFrame {
    let open = unemployment.clone().filter(open_at(p.cutoff));
    // More than long_term_days before A: A − registered_on > long_term_days.
    let long_term_before = p.cutoff - Duration::days(rules.long_term_days);
    let long_term = open
        .clone()
        .filter(col("registered_on").lt(date(long_term_before)));
    let keys = [col("community_code")];
    let join = |a: LazyFrame, b: LazyFrame| {
        a.join(
            b,
            keys.clone(),
            keys.clone(),
            JoinArgs::new(JoinType::Full).with_coalesce(JoinCoalesce::CoalesceColumns),
        )
    };
    let u = distinct_persons(
        registrations_in_period(unemployment.clone(), p),
        "unemployed_in_period",
    );
    let r = distinct_persons(
        reemployment_starts(unemployment, employment, p),
        "reemployed_in_period",
    );
    join(
        join(join(distinct_persons(open, "registered_unemployed"), u), r),
        distinct_persons(long_term, "long_term_unemployed"),
    )
}
