//! The persons and employment starts behind the counts the detectors check:
//! who a community counted in `reemployed_in_period` and `hardship_employed`,
//! on which employment record, and since when the count was possible. Built
//! from the indicators' own helpers, so a detector sees exactly the persons
//! the indicator counted. The detectors that read these frames say so in
//! the list of detectors (`reads counted` in `detectors/mod.rs`); this
//! module knows none of them.

use polars::prelude::*;

use super::inputs::{Inputs, remembered};
use crate::contract::{Table, held, record_number};
use crate::error::Result;
use crate::indicators::period::{Period, covers, later_of, overlaps, within};
use crate::indicators::unemployment::first_reemployment_starts;

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

fn select_held(frame: LazyFrame) -> LazyFrame {
    frame.select(HELD.map(col))
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

/// The counted frames as the memo holds them (`HELD`): `community_code` as
/// the typed tables hold it (a category), and in place of the text
/// `claim_id`, the registration's identifier as held (`claim_number`, a
/// number where the column allows it) or nothing (a designation's claim is
/// its date). Four and eight bytes a row where the texts took about 60: at
/// 20 M persons the two review years' counted persons held as text took
/// about 1 GB. Readers get `COLUMNS` through `readable`.
const HELD: [&str; 8] = [
    "community_code",
    "person_id",
    "record_id",
    "started_on",
    "claim_on",
    "claim_number",
    "earliest_possible",
    "source",
];

/// A held counted frame (`HELD`) as readers see it (`COLUMNS`): the
/// community code as text, and `claim_id` = `claim`.
fn readable(held: LazyFrame, claim: Expr) -> LazyFrame {
    held.with_columns([
        col("community_code").cast(DataType::String),
        claim.alias("claim_id"),
    ])
    .select(COLUMNS.map(col))
}

/// A registration's claim: its identifier as text.
fn registration_claim() -> Expr {
    record_number::as_text(col("claim_number"))
}

/// A designation's claim: its date as text.
fn designation_claim() -> Expr {
    col("claim_on").cast(DataType::String)
}

/// The claim of a row of either source.
fn either_claim() -> Expr {
    when(col("source").eq(lit(HARDSHIP_EMPLOYED)))
        .then(designation_claim())
        .otherwise(registration_claim())
}

/// One row per person counted in a community's `reemployed_in_period`: the
/// earliest qualifying employment start (`record_id`, `started_on`), the
/// registration behind it (`claim_on` = its `registered_on`, `claim_id` = its
/// `registration_id`; the earliest registered when the start qualifies for
/// several) and `earliest_possible` = max(S, registered_on). Held (`HELD`):
/// `claim_number` = the `registration_id` as the table holds it.
pub fn reemployment_counts(
    unemployment: LazyFrame,
    employment: LazyFrame,
    p: &Period,
) -> LazyFrame {
    select_held(
        first_reemployment_starts(unemployment, employment, p).with_columns([
            col("registered_on").alias("claim_on"),
            col("registration_id").alias("claim_number"),
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
/// max(S, designated_on). Held (`HELD`): `claim_number` null, of the type
/// `claim_number` has in the reemployment counts (`number`), so that the two
/// stack.
pub fn hardship_counts(
    hardship: LazyFrame,
    employment: LazyFrame,
    p: &Period,
    number: &DataType,
) -> LazyFrame {
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
    select_held(
        designations
            .inner_join(covering, col("person_id"), col("person_id"))
            .with_columns([
                col("designated_on").alias("claim_on"),
                lit(NULL).cast(number.clone()).alias("claim_number"),
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

/// `counted_persons` as held (`HELD`).
fn held_persons(inputs: &Inputs, p: &Period) -> Result<LazyFrame> {
    Ok(concat(
        [inputs.held_reemployment(p)?, inputs.held_hardship(p)?],
        UnionArgs::default(),
    )?)
}

/// The counted starts of a community (docs/detectors.md, `cutoff_window_dressing`):
/// each counted person's start when it lies in P, one row per community,
/// person and record. A record counted both ways keeps the later
/// `earliest_possible` (the shorter span it could have fallen in), so it is
/// not tested twice and its expected share is not understated. Not
/// remembered: one detector reads them, once a review year.
pub fn counted_starts(inputs: &Inputs, p: &Period) -> Result<LazyFrame> {
    Ok(readable(held_starts(inputs, p)?, either_claim()))
}

/// `counted_starts` as held (`HELD`).
fn held_starts(inputs: &Inputs, p: &Period) -> Result<LazyFrame> {
    Ok(held_persons(inputs, p)?
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
/// first detector that asks (the memo lives in `Inputs`, holding them as
/// `HELD`).
impl Inputs<'_> {
    /// `reemployment_counts` of P, computed once.
    pub fn reemployment_counts(&self, p: &Period) -> Result<LazyFrame> {
        Ok(readable(self.held_reemployment(p)?, registration_claim()))
    }

    /// `hardship_counts` of P, computed once.
    pub fn hardship_counts(&self, p: &Period) -> Result<LazyFrame> {
        Ok(readable(self.held_hardship(p)?, designation_claim()))
    }

    /// Lets the remembered frames go (a later reader would compute them
    /// again).
    pub(super) fn forget_counted(&self) {
        for memo in [&self.shared.reemployment, &self.shared.hardship] {
            memo.lock().expect("no detector panicked").clear();
        }
    }

    fn held_reemployment(&self, p: &Period) -> Result<LazyFrame> {
        remembered(&self.shared.reemployment, p.year, || {
            let counts = reemployment_counts(
                self.held(Table::Unemployment)?,
                self.held(Table::Employment)?,
                p,
            );
            Ok(counts.collect()?)
        })
    }

    fn held_hardship(&self, p: &Period) -> Result<LazyFrame> {
        let number = self
            .held(Table::Unemployment)?
            .collect_schema()?
            .get("registration_id")
            .cloned()
            .unwrap_or(DataType::String);
        remembered(&self.shared.hardship, p.year, || {
            let counts = hardship_counts(
                self.held(Table::Hardship)?,
                self.held(Table::Employment)?,
                p,
                &number,
            );
            Ok(counts.collect()?)
        })
    }
}
