//! `labor_force` and `employed`: persons in the community's ledger at A, of
//! working age, able to work; and of them, those employed at A anywhere.

use polars::prelude::*;

use super::distinct_persons;
use super::period::{Period, active_at, born_by, covers, date};
use crate::config::rules::IndicatorRules;

/// Working age at d: `min_working_age <= age < R`, R by gender; ages as
/// birth dates compared with the cut-off's (`born_by`).
pub fn working_age_at(p: &Period, rules: &IndicatorRules) -> Expr {
    let aged = |years: i64| col("birth_date").lt_eq(date(born_by(p.cutoff, years)));
    let retired = when(col("gender").eq(lit("男")))
        .then(aged(rules.retirement_age_male))
        .otherwise(aged(rules.retirement_age_female));
    aged(rules.min_working_age).and(retired.not())
}

/// The retirement age R of the row's `gender`, in whole years.
pub fn retirement_age(rules: &IndicatorRules) -> Expr {
    when(col("gender").eq(lit("男")))
        .then(lit(rules.retirement_age_male as i32))
        .otherwise(lit(rules.retirement_age_female as i32))
}

/// Working age for an age expression (`age_at`, `age_on`): `min_working_age
/// <= age < R`, R by `gender`.
pub fn working_age_on(age: Expr, rules: &IndicatorRules) -> Expr {
    age.clone()
        .gt_eq(lit(rules.min_working_age as i32))
        .and(age.lt(retirement_age(rules)))
}

/// (community_code, person_id) of the labour force at A: one row per ledger
/// row that qualifies, so a pair may repeat; every count over it counts
/// distinct persons.
pub fn labor_force_persons(persons: LazyFrame, p: &Period, rules: &IndicatorRules) -> LazyFrame {
    persons
        .filter(
            active_at(p.cutoff)
                .and(col("labor_capacity"))
                .and(working_age_at(p, rules)),
        )
        .select([col("community_code"), col("person_id")])
}

/// Persons employed at d: any of their records, in any community, covers d.
/// One row per covering record (a person may repeat): it is only ever the
/// right side of a semi-join, which needs no distinct rows.
pub fn employed_persons_at(employment: LazyFrame, p: &Period) -> LazyFrame {
    employment
        .filter(covers(p.cutoff))
        .select([col("person_id")])
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

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;
    use crate::indicators::period::age_at;

    /// The date comparison says what the whole-years age says, 29 February
    /// included, for every birth day of a range of years and both genders.
    #[test]
    fn working_age_by_birth_dates_is_working_age_by_whole_years() {
        let rules = crate::config::rules::Rules::default().indicators;
        let first = NaiveDate::from_ymd_opt(1955, 1, 1).unwrap();
        let births: Vec<NaiveDate> = (0..365 * 55)
            .map(|i| first + chrono::Duration::days(i))
            .collect();
        let n = births.len();
        let genders: Vec<&str> = (0..n)
            .map(|i| if i % 2 == 0 { "男" } else { "女" })
            .collect();
        let df = df!("birth_date" => births.clone(), "gender" => genders).unwrap();
        for (y, m, d) in [
            (2020, 2, 29),
            (2021, 2, 28),
            (2021, 3, 1),
            (2021, 12, 31),
            (2024, 2, 29),
            (2023, 6, 15),
        ] {
            let cutoff = NaiveDate::from_ymd_opt(y, m, d).unwrap();
            let p = Period {
                year: y,
                start: NaiveDate::from_ymd_opt(y, 1, 1).unwrap(),
                cutoff,
            };
            let retirement = when(col("gender").eq(lit("男")))
                .then(lit(rules.retirement_age_male as i32))
                .otherwise(lit(rules.retirement_age_female as i32));
            let by_age = age_at(cutoff)
                .gt_eq(lit(rules.min_working_age as i32))
                .and(age_at(cutoff).lt(retirement));
            let out = df
                .clone()
                .lazy()
                .select([
                    by_age.alias("by_age"),
                    working_age_at(&p, &rules).alias("by_date"),
                ])
                .collect()
                .unwrap();
            let a: Vec<Option<bool>> = out
                .column("by_age")
                .unwrap()
                .bool()
                .unwrap()
                .iter()
                .collect();
            let b: Vec<Option<bool>> = out
                .column("by_date")
                .unwrap()
                .bool()
                .unwrap()
                .iter()
                .collect();
            assert_eq!(a, b, "cut-off {cutoff}");
            assert!(a.contains(&Some(true)) && a.contains(&Some(false)));
        }
    }
}
