//! `new_jobs` (新增就业): persons with an employment record registered by the
//! community that starts in P.

use polars::prelude::*;

use super::period::{Period, within};

pub fn new_jobs(employment: LazyFrame, p: &Period) -> LazyFrame {
    employment
        .filter(within("started_on", p))
        .group_by([col("community_code")])
        .agg([col("person_id")
            .n_unique()
            .cast(DataType::Int64)
            .alias("new_jobs")])
}
