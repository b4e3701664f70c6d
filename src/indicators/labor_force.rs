//! `labor_force` and `employed`: persons in the community's ledger at A, of
//! working age, able to work; and of them, those employed at A anywhere.

use polars::prelude::*;

use super::distinct_persons;
use super::period::{Period, active_at, age_at, covers};
use crate::config::rules::IndicatorRules;

/// Working age at A: `min_working_age <= age < R`, R by gender.
pub fn working_age_at(p: &Period, rules: &IndicatorRules) -> Expr {
    working_age_on(age_at(p.cutoff), rules)
}

/// Working age for an age expression (`age_at`, `age_on`): `min_working_age
/// <= age < R`, R by `gender`.
pub fn working_age_on(age: Expr, rules: &IndicatorRules) -> Expr {
    let retirement = when(col("gender").eq(lit("男")))
        .then(lit(rules.retirement_age_male as i32))
        .otherwise(lit(rules.retirement_age_female as i32));
    age.clone()
        .gt_eq(lit(rules.min_working_age as i32))
        .and(age.lt(retirement))
}

/// (community_code, person_id) of the labour force at A.
pub fn labor_force_persons(persons: LazyFrame, p: &Period, rules: &IndicatorRules) -> LazyFrame {
    persons
        .filter(
            active_at(p.cutoff)
                .and(col("labor_capacity"))
                .and(working_age_at(p, rules)),
        )
        .select([col("community_code"), col("person_id")])
        .unique(None, UniqueKeepStrategy::Any)
}

/// Persons employed at d: any of their records, in any community, covers d.
pub fn employed_persons_at(employment: LazyFrame, p: &Period) -> LazyFrame {
    employment
        .filter(covers(p.cutoff))
        .select([col("person_id")])
        .unique(None, UniqueKeepStrategy::Any)
}

/// community_code, labor_force, employed.
pub fn labor_force(
    persons: LazyFrame,
    employment: LazyFrame,
    p: &Period,
    rules: &IndicatorRules,
) -> LazyFrame {
    let lf = labor_force_persons(persons, p, rules);
    with_employed_at(lf, employment, p, "labor_force", "employed")
}

/// Counts a group of (community_code, person_id) as `name`, and of them
/// those employed at A as `employed_name` ("of X, those employed at A").
pub fn with_employed_at(
    group: LazyFrame,
    employment: LazyFrame,
    p: &Period,
    name: &str,
    employed_name: &str,
) -> LazyFrame {
    let employed = group.clone().semi_join(
        employed_persons_at(employment, p),
        col("person_id"),
        col("person_id"),
    );
    distinct_persons(group, name).join(
        distinct_persons(employed, employed_name),
        [col("community_code")],
        [col("community_code")],
        JoinArgs::new(JoinType::Left),
    )
}
