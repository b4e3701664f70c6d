//! `services_delivered`: service rows of the community delivered in P.

use polars::prelude::*;

use super::period::{Period, within};

pub fn services_delivered(services: LazyFrame, p: &Period) -> LazyFrame {
    services
        .filter(within("delivered_on", p))
        .group_by([col("community_code")])
        .agg([len().cast(DataType::Int64).alias("services_delivered")])
}
