//! `new_jobs` (新增就业): persons with an employment record registered by the
//! community that starts in P, of working age at that start by any of their
//! ledger rows. A retiree taken back on by an employer is employed, but not
//! new employment; a person with no ledger row cannot be aged and is not
//! counted.

use polars::prelude::*;

use super::labor_force::working_age_on;
use super::period::{Period, age_on, within};
use crate::config::rules::IndicatorRules;

/// The columns of an employment start: its community, person, record and
/// start date.
pub const START: [&str; 4] = ["community_code", "person_id", "record_id", "started_on"];

/// (community_code, person_id, record_id, started_on) of the records behind
/// `new_jobs`: starts in P of a person of working age at the start by some
/// ledger row. One row per record and qualifying ledger row, so a record may
/// repeat; every count over it counts distinct persons.
pub fn new_job_starts(
    employment: LazyFrame,
    persons: LazyFrame,
    p: &Period,
    rules: &IndicatorRules,
) -> LazyFrame {
    employment
        .filter(within("started_on", p))
        .select(START.map(col))
        .join(
            persons.select([col("person_id"), col("birth_date"), col("gender")]),
            [col("person_id")],
            [col("person_id")],
            JoinArgs::new(JoinType::Inner),
        )
        .filter(working_age_on(age_on(col("started_on")), rules))
        .select(START.map(col))
}

pub fn new_jobs(
    employment: LazyFrame,
    persons: LazyFrame,
    p: &Period,
    rules: &IndicatorRules,
) -> LazyFrame {
    new_job_starts(employment, persons, p, rules)
        .group_by([col("community_code")])
        .agg([col("person_id")
            .n_unique()
            .cast(DataType::Int64)
            .alias("new_jobs")])
}
