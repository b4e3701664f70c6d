//! `duplicate_person`: one person claimed by two communities.
//!
//! - Counts: the person is counted in `reemployed_in_period` or
//!   `hardship_employed` of two communities in the same year. The claim date
//!   is the `registered_on` or `designated_on` behind the count
//!   (`counted`), the earliest where a community counts the person both ways.
//!   High for the community whose claim began later, low for the other (both
//!   must reconcile, but the earlier is the likely victim); equal dates: high
//!   for both.
//! - Ledger: the person's stays in two communities' ledgers overlap (stays
//!   are [entered_on, left_on), as "active at" reads them) on some day of P.
//!   The claim date is the stay's `entered_on`. What the earlier community
//!   did after the later stay began tells a person active in two places from
//!   a mover whose old stay was never closed:
//!   - the earlier community still shows the person active on a day of the
//!     later stay, up to A (one of its employment records covers such a day,
//!     or one of its registrations, designations or services is dated on
//!     one): high for the later community, low for the earlier, as for
//!     counts;
//!   - it shows nothing: a mover with a stale stay, one low finding for the
//!     earlier community ("close the old stay"), nothing for the later one;
//!   - equal entry dates: no move to speak of, high for both.
//!
//! One finding per community, year and severity lists the persons and the
//! records behind both claims.

use std::collections::{BTreeMap, BTreeSet};

use polars::prelude::*;

use super::counted::{HARDSHIP_EMPLOYED, counted_persons};
use super::lookup::counties;
use crate::frame::{bools, dates, strings};
use super::narrow::{PERSON_TEXT, person_number, person_text};
use crate::config::ranges::rules_struct;
use super::{Evidence, Finding, Inputs, KeyValue, PersonId, Severity};
use crate::contract::{Table, record_number};
use crate::error::Result;
use crate::indicators::Period;
use crate::indicators::period::date;

pub const ID: &str = "duplicate_person";

/// The detector's name as the panel reads it.
pub const LABEL: &str = "同一人重复计算";

/// The rule in one sentence, for the report's legend.
pub const RULE: &str = "同一人同年被两个社区计入就业人数，或迁入新社区后原社区仍有其活动记录";

rules_struct! {
    /// No keys besides `enabled`.
    pub struct Params {}
}

/// Pairs of ledger stays of one person in two communities active on a common
/// day of P: person_id, community_code/claim_on/left_on (this side),
/// other_code/other_claim_on/other_left_on (the other side). Each pair
/// appears once per side.
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
            col("left_on"),
            col("other_code"),
            col("other_entered_on").alias("other_claim_on"),
            col("other_left_on"),
        ])
}

/// What a community did with a person, as dated spans: person_id,
/// community_code, activity (its table), activity_id (the record's key),
/// from, to (the last day; null while open). Employment records span their
/// days; registrations, designations and services are dated on one day.
fn activity(inputs: &Inputs, persons: &LazyFrame) -> Result<LazyFrame> {
    let narrow = |lf: LazyFrame| lf.semi_join(persons.clone(), col("person_id"), col("person_id"));
    let shape = |lf: LazyFrame, table: &str, id: Expr, from: &str, to: Expr| {
        narrow(lf).select([
            col("person_id"),
            col("community_code"),
            lit(table).alias("activity"),
            record_number::as_text(id).alias("activity_id"),
            col(from).alias("from"),
            to.cast(DataType::Date).alias("to"),
        ])
    };
    let mut parts = vec![
        shape(
            inputs.table(Table::Employment)?,
            "employment",
            col("record_id"),
            "started_on",
            col("ended_on"),
        ),
        shape(
            inputs.table(Table::Unemployment)?,
            "unemployment",
            col("registration_id"),
            "registered_on",
            col("registered_on"),
        ),
        shape(
            inputs.table(Table::Hardship)?,
            "hardship",
            col("designated_on"),
            "designated_on",
            col("designated_on"),
        ),
    ];
    if let Some(services) = inputs.optional(Table::Services) {
        parts.push(shape(
            services,
            "services",
            col("service_id"),
            "delivered_on",
            col("delivered_on"),
        ));
    }
    Ok(concat(parts, UnionArgs::default())?)
}

/// The ledger pairs of `ledger_overlaps`, each side with its `severity`
/// (null: no finding for this side), `stale` (the earlier community shows
/// nothing after the later stay began) and the earliest such activity of the
/// earlier community (activity, activity_id, activity_on).
fn ledger_sides(pairs: LazyFrame, activity: LazyFrame, p: &Period) -> LazyFrame {
    let this_earlier = col("claim_on").lt(col("other_claim_on"));
    // The earlier community, and the later stay's days [later_from, later_to).
    let earlier_code = when(this_earlier.clone())
        .then(col("community_code"))
        .otherwise(col("other_code"));
    let later_from = when(this_earlier.clone())
        .then(col("other_claim_on"))
        .otherwise(col("claim_on"));
    let later_to = when(this_earlier.clone())
        .then(col("other_left_on"))
        .otherwise(col("left_on"));
    let keys = [
        "person_id",
        "community_code",
        "other_code",
        "claim_on",
        "other_claim_on",
    ];
    let pairs = pairs.with_columns([
        earlier_code.alias("earlier_code"),
        later_from.alias("later_from"),
        later_to.alias("later_to"),
    ]);
    // A day of the later stay up to A: from later_from to the day before
    // later_to, and not after A.
    let last_day = col("later_to").is_null().or(col("from").lt(col("later_to")));
    let active = pairs
        .clone()
        .filter(col("claim_on").neq(col("other_claim_on")))
        .join(
            activity,
            [col("person_id"), col("earlier_code")],
            [col("person_id"), col("community_code")],
            JoinArgs::new(JoinType::Inner),
        )
        .filter(
            col("from")
                .lt_eq(date(p.cutoff))
                .and(last_day)
                .and(col("to").is_null().or(col("to").gt_eq(col("later_from")))),
        )
        .group_by(keys.map(col))
        .agg([
            col("activity")
                .sort_by([col("from"), col("activity"), col("activity_id")], SortMultipleOptions::default())
                .first()
                .alias("activity"),
            col("activity_id")
                .sort_by([col("from"), col("activity"), col("activity_id")], SortMultipleOptions::default())
                .first()
                .alias("activity_id"),
            col("from").min().alias("activity_on"),
        ]);
    let stale = col("activity").is_null();
    let severity = when(col("claim_on").eq(col("other_claim_on")))
        .then(lit("high"))
        .when(col("claim_on").lt(col("other_claim_on")))
        .then(lit("low"))
        .when(stale.clone())
        .then(lit(NULL).cast(DataType::String))
        .otherwise(lit("high"));
    pairs
        .join(
            active,
            keys.map(col),
            keys.map(col),
            JoinArgs::new(JoinType::Left),
        )
        .with_columns([
            severity.alias("severity"),
            stale
                .and(col("claim_on").neq(col("other_claim_on")))
                .alias("stale"),
        ])
        .filter(col("severity").is_not_null())
}

/// The rows of persons who may have more than one: only they can pair with
/// another community, and they are few, so the self-joins below stay small.
/// Rows are found by `person_number`, the identifier's exact number: one
/// pass over the numbers with a set finds the persons seen twice, and a
/// semi-join on those few keeps their rows (a window or a group-by over
/// every person held about 100 bytes a row at once).
fn in_several_rows(frame: LazyFrame) -> Result<LazyFrame> {
    let numbers = frame
        .clone()
        .select([person_number().alias("number")])
        .collect()?;
    let numbers = numbers.column("number")?.u64()?;
    let mut seen = PlHashSet::with_capacity(numbers.len());
    let mut several = PlHashSet::new();
    for n in numbers.iter().flatten() {
        if !seen.insert(n) {
            several.insert(n);
        }
    }
    drop(seen);
    let several = df!("number" => several.into_iter().collect::<Vec<u64>>())?;
    Ok(frame.semi_join(several.lazy(), person_number(), col("number")))
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
    /// Of them, movers whose stay here was never closed...
    stale: BTreeSet<String>,
    /// ...and those claimed twice (a person may be both, with two others).
    twice: BTreeSet<String>,
    evidence: Vec<Evidence>,
}

/// A community's activity as the panel reads it, for the evidence note: an
/// employment record covering a day of the later stay (named with its start,
/// which may precede the stay), or a registration, designation or service
/// dated in it.
fn activity_text(table: &str, id: &str, on: chrono::NaiveDate) -> String {
    match table {
        "employment" => format!("就业登记 {id}（{on} 开始，其后仍在职）"),
        "unemployment" => format!("失业登记 {id}（{on}）"),
        "hardship" => format!("就业困难认定（{on}）"),
        _ => format!("就业服务记录 {id}（{on}）"),
    }
}

pub fn detect(inputs: &Inputs, _params: &Params) -> Result<Vec<Finding>> {
    let county = counties(inputs.communities)?;
    // The ledger rows of persons with several, the same every year.
    let movers = in_several_rows(inputs.table(Table::Persons)?)?
        .collect()?
        .lazy();
    // What the communities did with them: only the movers' rows.
    let acts = activity(inputs, &movers.clone().select([col("person_id")]))?
        .collect()?
        .lazy();
    let mut findings = Vec::new();
    for p in inputs.periods() {
        // Ordered by the identifiers' texts, which the evidence shows.
        let sort = |lf: LazyFrame| {
            lf.with_column(person_text())
                .sort(
                    [
                        "community_code",
                        "severity",
                        PERSON_TEXT,
                        "other_code",
                        "claim_on",
                        "other_claim_on",
                    ],
                    SortMultipleOptions::default(),
                )
                .unique_stable(None, UniqueKeepStrategy::First)
                .collect()
        };
        let ledger = sort(ledger_sides(
            ledger_overlaps(movers.clone(), p),
            acts.clone(),
            p,
        ))?;
        let counts = sort(count_overlaps(counted_persons(inputs, p)?)?.with_column(side_severity()))?;
        // (community, severity) → the persons and the evidence on that side.
        let mut sides: BTreeMap<(String, String), Side> = BTreeMap::new();
        // The pairs selected above become evidence grouped by community and
        // severity: Rust, since an expression cannot build findings.
        for (df, kind) in [(&ledger, "ledger"), (&counts, "count")] {
            let codes = strings(df, "community_code")?;
            let persons = strings(df, PERSON_TEXT)?;
            let severity = strings(df, "severity")?;
            let others = strings(df, "other_code")?;
            let claim = dates(df, "claim_on")?;
            let other_claim = dates(df, "other_claim_on")?;
            let none = || vec![None; df.height()];
            let (claim_ids, sources) = if kind == "ledger" {
                (none(), none())
            } else {
                (strings(df, "claim_id")?, strings(df, "source")?)
            };
            let (stale, acts, act_ids, act_on) = if kind == "ledger" {
                (
                    bools(df, "stale")?,
                    strings(df, "activity")?,
                    strings(df, "activity_id")?,
                    dates(df, "activity_on")?,
                )
            } else {
                (vec![None; df.height()], none(), none(), vec![None; df.height()])
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
                        stale: BTreeSet::new(),
                        twice: BTreeSet::new(),
                        evidence: Vec::new(),
                    });
                side.persons.insert(person.clone());
                let is_stale = stale[i] == Some(true);
                if is_stale {
                    side.stale.insert(person.clone());
                } else {
                    side.twice.insert(person.clone());
                }
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
                    .with_note(if is_stale {
                        format!(
                            "已于 {o} 登记进入社区 {other} 的台账，本社区 {c} 登记的旧台账未注销，此后本社区无该人员的任何记录"
                        )
                    } else if let (Some(a), Some(a_id), Some(a_on)) =
                        (&acts[i], &act_ids[i], act_on[i])
                    {
                        format!(
                            "同一人同时在社区 {other} 的台账中（{o} 登记），本社区 {c} 登记；后登记的台账开始后，先登记的社区仍有其{}",
                            activity_text(a, a_id, a_on)
                        )
                    } else {
                        format!("同一人同时在社区 {other} 的台账中（{o} 登记），本社区 {c} 登记")
                    })
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
            let n = side.persons.len();
            let stale = side.stale.difference(&side.twice).count();
            let close = "迁入其他社区后本社区再无其记录，旧台账未注销，请注销旧台账";
            let explanation = if stale == n {
                format!("{} 年有 {n} 人{close}", p.year)
            } else {
                let both = format!(
                    "{} 年有 {} 人同时出现在本社区和其他社区的台账中或同时被两个社区计入就业人数，{reading}，两个社区都需核对",
                    p.year,
                    n - stale
                );
                if stale == 0 {
                    both
                } else {
                    format!("{both}；另有 {stale} 人{close}")
                }
            };
            findings.push(Finding {
                explanation,
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
