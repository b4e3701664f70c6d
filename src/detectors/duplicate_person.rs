//! `duplicate_person`: one person claimed by two communities.
//!
//! - Ledger: the person's stays in two communities' ledgers are both active
//!   on some day of P (stays are [entered_on, left_on), as "active at"
//!   reads them). The claim date is the stay's `entered_on`.
//! - Counts: the person is counted in `reemployed_in_period` or
//!   `hardship_employed` of two communities in the same year. The claim date
//!   is the `registered_on` or `designated_on` behind the count
//!   (`counted`), the earliest where a community counts the person both ways.
//!
//! Severity: high for the community whose claim began later, low for the
//! other (both must reconcile, but the earlier is the likely victim); equal
//! dates: high for both. One finding per community, year and severity lists
//! the persons and the records behind both claims.

use std::collections::{BTreeMap, BTreeSet};

use polars::prelude::*;

use super::counted::{HARDSHIP_EMPLOYED, counted_persons};
use super::lookup::{counties, dates, strings};
use super::narrow::person_number;
use super::{Evidence, Finding, Inputs, KeyValue, PersonId, Severity};
use crate::config::rules::Toggle;
use crate::contract::Table;
use crate::error::Result;
use crate::indicators::Period;
use crate::indicators::period::date;

pub const ID: &str = "duplicate_person";

/// Pairs of ledger stays of one person in two communities active on a common
/// day of P: person_id, community_code/entered_on (this side), other_code/
/// other_entered_on (the other side). Each pair appears once per side.
fn ledger_overlaps(persons: LazyFrame, p: &Period) -> LazyFrame {
    let stays = persons.select([
        col("person_id"),
        col("community_code"),
        col("entered_on"),
        col("left_on"),
    ]);
    let other = stays.clone().select([
        col("person_id"),
        col("community_code").alias("other_code"),
        col("entered_on").alias("other_entered_on"),
        col("left_on").alias("other_left_on"),
    ]);
    // The common days are [later entry, earlier leaving); they meet P when
    // the later entry is on or before A and the earlier leaving (if any) is
    // after S.
    let later_entry = when(col("entered_on").gt(col("other_entered_on")))
        .then(col("entered_on"))
        .otherwise(col("other_entered_on"));
    let leaves_after = |c: &str, d: Expr| col(c).is_null().or(col(c).gt(d));
    stays
        .join(
            other,
            [col("person_id")],
            [col("person_id")],
            JoinArgs::new(JoinType::Inner),
        )
        .filter(
            col("community_code")
                .neq(col("other_code"))
                .and(later_entry.clone().lt_eq(date(p.cutoff)))
                .and(leaves_after("left_on", later_entry.clone()))
                .and(leaves_after("other_left_on", later_entry))
                .and(leaves_after("left_on", date(p.start)))
                .and(leaves_after("other_left_on", date(p.start))),
        )
        .select([
            col("person_id"),
            col("community_code"),
            col("entered_on").alias("claim_on"),
            col("other_code"),
            col("other_entered_on").alias("other_claim_on"),
        ])
}

/// The rows of persons who may have more than one: only they can pair with
/// another community, and they are few, so the self-joins below stay small.
/// Rows are grouped by `person_number` (cheap to group; identifiers it
/// cannot read are all kept), so a few single-row persons may stay; the
/// joins after it compare the identifiers themselves.
fn in_several_rows(frame: LazyFrame) -> Result<LazyFrame> {
    let number = person_number();
    Ok(frame.filter(
        number
            .clone()
            .is_null()
            .or(len().over([number])?.gt(lit(1))),
    ))
}

/// The value of `column` on the community's earliest claim on the person.
fn earliest(column: &str) -> Expr {
    col(column)
        .sort_by(
            [col("claim_on"), col("claim_id")],
            SortMultipleOptions::default(),
        )
        .first()
        .alias(column)
}

/// Pairs of communities counting the same person in P: person_id,
/// community_code/claim_on/claim_id/source (the registration or designation
/// behind this community's count), other_code/other_claim_on.
fn count_overlaps(counted: LazyFrame) -> Result<LazyFrame> {
    let per = in_several_rows(counted)?
        .group_by([col("community_code"), col("person_id")])
        .agg([
            col("claim_on").min().alias("claim_on"),
            earliest("claim_id"),
            earliest("source"),
        ]);
    let other = per.clone().select([
        col("person_id"),
        col("community_code").alias("other_code"),
        col("claim_on").alias("other_claim_on"),
    ]);
    Ok(per
        .join(
            other,
            [col("person_id")],
            [col("person_id")],
            JoinArgs::new(JoinType::Inner),
        )
        .filter(col("community_code").neq(col("other_code")))
        .select([
            col("person_id"),
            col("community_code"),
            col("claim_on"),
            col("claim_id"),
            col("source"),
            col("other_code"),
            col("other_claim_on"),
        ]))
}

/// Severity of a community's side: high unless its claim began strictly earlier.
fn side_severity() -> Expr {
    when(col("claim_on").lt(col("other_claim_on")))
        .then(lit("low"))
        .otherwise(lit("high"))
        .alias("severity")
}

struct Side {
    persons: BTreeSet<String>,
    evidence: Vec<Evidence>,
}

pub fn detect(inputs: &Inputs, _params: &Toggle) -> Result<Vec<Finding>> {
    let county = counties(inputs.communities)?;
    // The ledger rows of persons with several, the same every year.
    let movers = in_several_rows(inputs.table(Table::Persons)?)?
        .collect()?
        .lazy();
    let mut findings = Vec::new();
    for p in inputs.periods() {
        let sort = |lf: LazyFrame| {
            lf.with_column(side_severity())
                .sort(
                    [
                        "community_code",
                        "severity",
                        "person_id",
                        "other_code",
                        "claim_on",
                        "other_claim_on",
                    ],
                    SortMultipleOptions::default(),
                )
                .unique_stable(None, UniqueKeepStrategy::First)
                .collect()
        };
        let ledger = sort(ledger_overlaps(movers.clone(), p))?;
        let counts = sort(count_overlaps(counted_persons(inputs, p)?)?)?;
        // (community, severity) → the persons and the evidence on that side.
        let mut sides: BTreeMap<(String, String), Side> = BTreeMap::new();
        // The pairs selected above become evidence grouped by community and
        // severity: Rust, since an expression cannot build findings.
        for (df, kind) in [(&ledger, "ledger"), (&counts, "count")] {
            let codes = strings(df, "community_code")?;
            let persons = strings(df, "person_id")?;
            let severity = strings(df, "severity")?;
            let others = strings(df, "other_code")?;
            let claim = dates(df, "claim_on")?;
            let other_claim = dates(df, "other_claim_on")?;
            let (claim_ids, sources) = if kind == "ledger" {
                (vec![None; df.height()], vec![None; df.height()])
            } else {
                (strings(df, "claim_id")?, strings(df, "source")?)
            };
            for i in 0..df.height() {
                let (Some(code), Some(person), Some(sev), Some(other)) =
                    (&codes[i], &persons[i], &severity[i], &others[i])
                else {
                    continue;
                };
                let (c, o) = (
                    claim[i].map(|d| d.to_string()).unwrap_or_default(),
                    other_claim[i].map(|d| d.to_string()).unwrap_or_default(),
                );
                let side = sides
                    .entry((code.clone(), sev.clone()))
                    .or_insert_with(|| Side {
                        persons: BTreeSet::new(),
                        evidence: Vec::new(),
                    });
                side.persons.insert(person.clone());
                let id = || KeyValue::Person(PersonId::new(person.clone()));
                side.evidence.push(if kind == "ledger" {
                    Evidence::record_key(
                        "persons",
                        vec![
                            ("person_id", id()),
                            ("community_code", KeyValue::from(code.as_str())),
                            ("entered_on", KeyValue::Text(c.clone())),
                        ],
                    )
                    .with_note(format!(
                        "同一人同时在社区 {other} 的台账中（{o} 登记），本社区 {c} 登记"
                    ))
                } else {
                    let note = format!(
                        "同一人也被社区 {other} 计入就业人数（对方的失业登记或困难认定始于 {o}，本社区始于 {c}）"
                    );
                    let claim_id = claim_ids[i].clone().unwrap_or_default();
                    if sources[i].as_deref() == Some(HARDSHIP_EMPLOYED) {
                        Evidence::record_key(
                            "hardship",
                            vec![
                                ("person_id", id()),
                                ("community_code", KeyValue::from(code.as_str())),
                                ("designated_on", KeyValue::Text(claim_id)),
                            ],
                        )
                        .with_note(note)
                    } else {
                        Evidence::record("unemployment", "registration_id", claim_id)
                            .with_note(note)
                    }
                });
            }
        }
        for ((code, sev), side) in sides {
            let (severity, reading) = if sev == "high" {
                (Severity::High, "本社区对其登记或认定在后（或同日）")
            } else {
                (
                    Severity::Low,
                    "本社区对其登记或认定在先，可能是被对方重复计入",
                )
            };
            findings.push(Finding {
                explanation: format!(
                    "{} 年有 {} 人同时出现在本社区和其他社区的台账中或同时被两个社区计入就业人数，{reading}，两个社区都需核对",
                    p.year,
                    side.persons.len()
                ),
                value: Some(side.persons.len() as f64),
                threshold: Some(0.0),
                p_value: None,
                evidence: side.evidence,
                ..Finding::community(ID, severity, &code, &county, p.year)
            });
        }
    }
    Ok(findings)
}
