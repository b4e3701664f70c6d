//! Persons with employment difficulties (就业困难人员) and employment assistance:
//! `hardship_persons` (H), `hardship_employed`, `assistance_targets` (= H),
//! `assisted` (of H, served anywhere in P).

use polars::prelude::*;

use super::distinct_persons;
use super::labor_force::with_employed_at;
use super::period::{Period, overlaps, within};

/// (community_code, person_id) of H: a designation in the community overlapping P.
pub fn hardship_persons(hardship: LazyFrame, p: &Period) -> LazyFrame {
    hardship
        .filter(overlaps("designated_on", "revoked_on", p))
        .select([col("community_code"), col("person_id")])
        .unique(None, UniqueKeepStrategy::Any)
}

/// community_code, hardship_persons, hardship_employed.
pub fn hardship(hardship: LazyFrame, employment: LazyFrame, p: &Period) -> LazyFrame {
    with_employed_at(
        hardship_persons(hardship, p),
        employment,
        p,
        "hardship_persons",
        "hardship_employed",
    )
}

/// community_code, assisted: of H, those with a service delivered in P in any community.
pub fn assisted(hardship: LazyFrame, services: LazyFrame, p: &Period) -> LazyFrame {
    distinct_persons(assisted_persons(hardship, services, p), "assisted")
}

/// (community_code, person_id) of the persons `assisted` counts.
pub fn assisted_persons(hardship: LazyFrame, services: LazyFrame, p: &Period) -> LazyFrame {
    let served = services
        .filter(within("delivered_on", p))
        .select([col("person_id")])
        .unique(None, UniqueKeepStrategy::Any);
    hardship_persons(hardship, p).semi_join(served, col("person_id"), col("person_id"))
}
