//! The persons and employment starts behind the counts the detectors check:
//! who a community counted in `reemployed_in_period` and `hardship_employed`,
//! on which employment record, and since when the count was possible. Built
//! from the indicators' own helpers, so a detector sees exactly the persons
//! the indicator counted.

use polars::prelude::*;

use super::inputs::{Inputs, remembered};
use crate::contract::{Table, held, record_number};
use crate::error::Result;
use crate::indicators::period::{Period, covers, later_of, overlaps, within};
use crate::indicators::unemployment::reemployment_starts;

/// The source of a count, as the `source` column names it.
pub const REEMPLOYED: &str = "reemployed_in_period";
pub const HARDSHIP_EMPLOYED: &str = "hardship_employed";

/// The columns every counted-start frame has, in order.
pub const COLUMNS: [&str; 8] = [
    "community_code",
    "person_id",
    "record_id",
    "started_on",
    "claim_on",
    "claim_id",
    "earliest_possible",
    "source",
];

/// The `source` column's value, as a category (four bytes a row, where the
/// text took 36; categories sort and compare as their texts do).
fn source(name: &str) -> Expr {
    lit(name).cast(held::categorical_type()).alias("source")
}

fn select_columns(frame: LazyFrame) -> LazyFrame {
    frame.select(COLUMNS.map(col))
}

/// Keeps the first row of each (community, person) after sorting by `by`.
fn first_per_person(frame: LazyFrame, by: &[&str]) -> LazyFrame {
    frame
        .sort(by.to_vec(), SortMultipleOptions::default())
        .unique_stable(
            Some(cols(["community_code", "person_id"])),
            UniqueKeepStrategy::First,
        )
}

/// One row per person counted in a community's `reemployed_in_period`: the
/// earliest qualifying employment start (`record_id`, `started_on`), the
/// registration behind it (`claim_on` = its `registered_on`, `claim_id` = its
/// `registration_id`; the earliest registered when the start qualifies for
/// several) and `earliest_possible` = max(S, registered_on).
pub fn reemployment_counts(
    unemployment: LazyFrame,
    employment: LazyFrame,
    p: &Period,
) -> LazyFrame {
    let starts = reemployment_starts(unemployment, employment, p);
    select_columns(
        first_per_person(
            starts,
            &[
                "community_code",
                "person_id",
                "started_on",
                "registered_on",
                "record_id",
                "registration_id",
            ],
        )
        .with_columns([
            col("registered_on").alias("claim_on"),
            record_number::as_text(col("registration_id")).alias("claim_id"),
            later_of("registered_on", p.start).alias("earliest_possible"),
            source(REEMPLOYED),
        ]),
    )
}

/// One row per person counted in a community's `hardship_employed`: the
/// earliest-starting employment record that covers A (any community; its
/// start may lie before S), the designation behind the count (`claim_on` =
/// the earliest `designated_on` of the person's designations in the community
/// that overlap P, `claim_id` = that date as text) and `earliest_possible` =
/// max(S, designated_on).
pub fn hardship_counts(hardship: LazyFrame, employment: LazyFrame, p: &Period) -> LazyFrame {
    let designations = first_per_person(
        hardship
            .filter(overlaps("designated_on", "revoked_on", p))
            .select([
                col("community_code"),
                col("person_id"),
                col("designated_on"),
            ]),
        &["community_code", "person_id", "designated_on"],
    );
    // Only the designated persons' records matter: narrowed before the sort.
    let covering = employment
        .filter(covers(p.cutoff))
        .select([col("person_id"), col("record_id"), col("started_on")])
        .semi_join(
            designations.clone().select([col("person_id")]),
            col("person_id"),
            col("person_id"),
        )
        .sort(
            ["person_id", "started_on", "record_id"],
            SortMultipleOptions::default(),
        )
        .unique_stable(Some(cols(["person_id"])), UniqueKeepStrategy::First);
    select_columns(
        designations
            .inner_join(covering, col("person_id"), col("person_id"))
            .with_columns([
                col("designated_on").alias("claim_on"),
                col("designated_on")
                    .cast(DataType::String)
                    .alias("claim_id"),
                later_of("designated_on", p.start).alias("earliest_possible"),
                source(HARDSHIP_EMPLOYED),
            ]),
    )
}

/// Every person counted in `reemployed_in_period` or `hardship_employed`, one
/// row per community, person and source (see the two functions above).
pub fn counted_persons(inputs: &Inputs, p: &Period) -> Result<LazyFrame> {
    Ok(concat(
        [inputs.reemployment_counts(p)?, inputs.hardship_counts(p)?],
        UnionArgs::default(),
    )?)
}

/// The counted starts of a community (docs/detectors.md, `cutoff_window_dressing`):
/// each counted person's start when it lies in P, one row per community,
/// person and record. A record counted both ways keeps the later
/// `earliest_possible` (the shorter span it could have fallen in), so it is
/// not tested twice and its expected share is not understated.
pub fn counted_starts(inputs: &Inputs, p: &Period) -> Result<LazyFrame> {
    Ok(counted_persons(inputs, p)?
        .filter(within("started_on", p))
        .sort_by_exprs(
            [
                col("community_code"),
                col("person_id"),
                col("record_id"),
                col("earliest_possible"),
                col("source"),
            ],
            SortMultipleOptions::default()
                .with_order_descending_multi([false, false, false, true, false]),
        )
        .unique_stable(
            Some(cols(["community_code", "person_id", "record_id"])),
            UniqueKeepStrategy::First,
        )
        .sort(
            ["community_code", "started_on", "record_id"],
            SortMultipleOptions::default(),
        ))
}

/// The counted frames of each review year, computed once per run by the
/// first detector that asks (the memo lives in `Inputs`).
impl Inputs<'_> {
    /// `reemployment_counts` of P, computed once.
    pub fn reemployment_counts(&self, p: &Period) -> Result<LazyFrame> {
        remembered(&self.shared.reemployment, p.year, || {
            self.against_employment(Table::Unemployment, reemployment_counts, p)
        })
    }

    /// `counted_starts` of P, computed once.
    pub fn counted_starts(&self, p: &Period) -> Result<LazyFrame> {
        remembered(&self.shared.starts, p.year, || {
            Ok(counted_starts(self, p)?.collect()?)
        })
    }

    /// `hardship_counts` of P, computed once.
    pub fn hardship_counts(&self, p: &Period) -> Result<LazyFrame> {
        remembered(&self.shared.hardship, p.year, || {
            self.against_employment(Table::Hardship, hardship_counts, p)
        })
    }

    /// `counts` of P from the `ledger` table against the employment table.
    fn against_employment(
        &self,
        ledger: Table,
        counts: fn(LazyFrame, LazyFrame, &Period) -> LazyFrame,
        p: &Period,
    ) -> Result<DataFrame> {
        Ok(counts(self.table(ledger)?, self.table(Table::Employment)?, p).collect()?)
    }
}
