//! `duplicate_person`: one person claimed by two communities.
//!
//! - Counts: the person is counted in `reemployed_in_period` or
//!   `hardship_employed` of two communities in the same year. The claim date
//!   is the `registered_on` or `designated_on` behind the count
//!   (`counted`), the earliest where a community counts the person both ways.
//! - Ledger: the person's stays in two communities' ledgers overlap (stays
//!   are [entered_on, left_on), as "active at" reads them) on some day of P.
//!   What the community whose stay began earlier did after the later stay
//!   began tells a person active in two places from a mover whose old stay
//!   was never closed: it still shows the person active on a day of the
//!   later stay, up to A (one of its employment records covers such a day,
//!   or one of its registrations, designations or services is dated on
//!   one), or it shows nothing: a mover with a stale stay, one low finding
//!   for the earlier community ("close the old stay"), nothing for the later.
//!
//! Residence decides who is the likely copier, since the claim dates are
//! written by the copier itself (a copier may date its registration before
//! the victim's): high for the community whose ledger stay holding the
//! person began later, or that has no stay covering its claim (for a count,
//! the stay active on the claim date); low for the community where the
//! person has lived longer (the likely victim: both must reconcile). Only
//! when both stays began the same day does the claim decide: the earliest
//! registration or designation (behind the count; for ledger pairs, the
//! earliest each community holds up to A), later high, earlier low; equal
//! again, or missing on a side, medium for both.
//!
//! One finding per community, year and severity lists the persons and the
//! records behind both claims; its explanation says which reading decided
//! for how many persons.

use std::collections::{BTreeMap, BTreeSet};

use polars::prelude::*;

use super::counted::{HARDSHIP_EMPLOYED, counted_persons};
use super::lookup::counties;
use crate::frame::{dates, strings};
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
pub fn rule() -> String {
    "同一人同年被两个社区计入就业人数，或迁入新社区后原社区仍有其活动记录；按台账居住先后判断，台账登记在后或台账中没有该人的社区为高，居住更久的社区为低".into()
}

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

/// Which reading of a pair decided a side's severity. Residence first (the
/// ledger stays, which the claiming community does not date alone), the
/// claims only between stays begun the same day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Reading {
    /// This community's stay holding the person began later than the other's.
    LaterStay,
    /// This community has no ledger stay covering its claim.
    NoStay,
    /// Stays begun the same day; this community's claim is the later.
    SameDayLaterClaim,
    /// Stays begun the same day, claims equal or missing: nothing decides.
    Undecided,
    /// This community's stay began earlier: the person has lived here longer.
    EarlierStay,
    /// This community's stay covers its claim; the other's has none.
    OtherNoStay,
    /// Stays begun the same day; this community's claim is the earlier.
    SameDayEarlierClaim,
    /// The earlier community of a mover, showing nothing after the move.
    Stale,
}

impl Reading {
    const ALL: [Reading; 8] = [
        Reading::LaterStay,
        Reading::NoStay,
        Reading::SameDayLaterClaim,
        Reading::Undecided,
        Reading::EarlierStay,
        Reading::OtherNoStay,
        Reading::SameDayEarlierClaim,
        Reading::Stale,
    ];

    fn id(self) -> &'static str {
        match self {
            Reading::LaterStay => "later_stay",
            Reading::NoStay => "no_stay",
            Reading::SameDayLaterClaim => "same_day_later_claim",
            Reading::Undecided => "undecided",
            Reading::EarlierStay => "earlier_stay",
            Reading::OtherNoStay => "other_no_stay",
            Reading::SameDayEarlierClaim => "same_day_earlier_claim",
            Reading::Stale => "stale",
        }
    }

    fn from_id(id: &str) -> Option<Reading> {
        Reading::ALL.into_iter().find(|r| r.id() == id)
    }

    fn severity(self) -> Severity {
        match self {
            Reading::LaterStay | Reading::NoStay | Reading::SameDayLaterClaim => Severity::High,
            Reading::Undecided => Severity::Medium,
            Reading::EarlierStay
            | Reading::OtherNoStay
            | Reading::SameDayEarlierClaim
            | Reading::Stale => Severity::Low,
        }
    }

    /// What decided, for "{n} 人…" in the explanation; `others` names the
    /// other communities. The same-day readings share their opening, the
    /// likely victim's readings their closing words.
    fn phrase(self, others: &str) -> String {
        let same_day = format!("与社区 {others} 的台账同日登记，");
        let victim = "，可能是被对方重复计入";
        match self {
            Reading::LaterStay => format!("在本社区台账的登记晚于社区 {others}"),
            Reading::NoStay => format!(
                "在本社区失业登记或困难认定之日并不在本社区台账中（社区 {others} 也计入其就业）"
            ),
            Reading::SameDayLaterClaim => format!("{same_day}本社区的失业登记或困难认定在后"),
            Reading::Undecided => format!(
                "{same_day}失业登记或困难认定也同日（或双方均无），无法判断哪一方重复计入"
            ),
            Reading::EarlierStay => {
                format!("在本社区台账的登记早于社区 {others}，在本社区居住更久{victim}")
            }
            Reading::OtherNoStay => format!(
                "在社区 {others} 失业登记或困难认定之日不在其台账中，而在本社区台账中{victim}"
            ),
            Reading::SameDayEarlierClaim => {
                format!("{same_day}本社区的失业登记或困难认定在先{victim}")
            }
            Reading::Stale => CLOSE.to_string(),
        }
    }
}

/// The words for a mover's old community.
const CLOSE: &str = "迁入其他社区后本社区再无其记录，旧台账未注销，请注销旧台账";

/// The `reading` column: the id of the first reading whose condition holds
/// (null when none does: no finding for this side).
fn decide(cases: Vec<(Expr, Reading)>) -> Expr {
    let id = |r: Reading| lit(r.id());
    let mut cases = cases.into_iter();
    let mut first = || cases.next().expect("at least two cases");
    let ((c0, r0), (c1, r1)) = (first(), first());
    let mut chain = when(c0).then(id(r0)).when(c1).then(id(r1));
    for (cond, reading) in cases {
        chain = chain.when(cond).then(id(reading));
    }
    chain
        .otherwise(lit(NULL).cast(DataType::String))
        .alias("reading")
}

/// Between stays begun the same day, the claims decide (`claim`,
/// `other_claim`: each side's registration or designation date, null where
/// it has none): the later high, the earlier low; equal or missing,
/// nothing decides.
fn by_claims(claim: &str, other: &str) -> Vec<(Expr, Reading)> {
    let both = col(claim).is_not_null().and(col(other).is_not_null());
    vec![
        (
            both.clone().and(col(claim).gt(col(other))),
            Reading::SameDayLaterClaim,
        ),
        (both.and(col(claim).lt(col(other))), Reading::SameDayEarlierClaim),
        (lit(true), Reading::Undecided),
    ]
}

/// The columns naming one side of a ledger pair.
const PAIR_KEYS: [&str; 5] = [
    "person_id",
    "community_code",
    "other_code",
    "claim_on",
    "other_claim_on",
];

/// Whether this side's stay began before the other's.
fn this_earlier() -> Expr {
    col("claim_on").lt(col("other_claim_on"))
}

/// The ledger pairs with the earlier community (`earlier_code`) and the
/// later stay's days [later_from, later_to).
fn with_later_stay(pairs: LazyFrame) -> LazyFrame {
    let pick = |this: &str, other: &str| {
        when(this_earlier())
            .then(col(this))
            .otherwise(col(other))
    };
    pairs.with_columns([
        pick("community_code", "other_code").alias("earlier_code"),
        pick("other_claim_on", "claim_on").alias("later_from"),
        pick("other_left_on", "left_on").alias("later_to"),
    ])
}

/// Each community's earliest registration or designation of the person up
/// to A: person_id, community_code, first_claim.
fn first_claims(activity: LazyFrame, p: &Period) -> LazyFrame {
    activity
        .filter(
            col("activity")
                .eq(lit("unemployment"))
                .or(col("activity").eq(lit("hardship")))
                .and(col("from").lt_eq(date(p.cutoff))),
        )
        .group_by([col("person_id"), col("community_code")])
        .agg([col("from").min().alias("first_claim")])
}

/// For the pairs of stays begun on different days (`with_later_stay`), the
/// earliest activity of the earlier community on a day of the later stay up
/// to A (from later_from to the day before later_to, and not after A): the
/// pair's keys, activity, activity_id, activity_on.
fn earlier_activity(pairs: LazyFrame, activity: LazyFrame, p: &Period) -> LazyFrame {
    let last_day = col("later_to")
        .is_null()
        .or(col("from").lt(col("later_to")));
    let first_by_date = |c: &str| {
        col(c)
            .sort_by(
                [col("from"), col("activity"), col("activity_id")],
                SortMultipleOptions::default(),
            )
            .first()
            .alias(c)
    };
    pairs
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
        .group_by(PAIR_KEYS.map(col))
        .agg([
            first_by_date("activity"),
            first_by_date("activity_id"),
            col("from").min().alias("activity_on"),
        ])
}

/// The readings of a ledger pair's side, first match deciding: between
/// stays begun the same day the claims; otherwise the earlier community
/// is stale when it shows nothing after the move, else the earlier stay,
/// and the later community is read as the later stay only when the earlier
/// one still shows the person active.
fn ledger_cases() -> Vec<(Expr, Reading)> {
    let stale = col("activity").is_null();
    let same_day = col("claim_on").eq(col("other_claim_on"));
    let mut cases = by_claims("first_claim", "other_first_claim")
        .into_iter()
        .map(|(cond, r)| (same_day.clone().and(cond), r))
        .collect::<Vec<_>>();
    cases.extend([
        (this_earlier().and(stale.clone()), Reading::Stale),
        (this_earlier(), Reading::EarlierStay),
        (stale.not(), Reading::LaterStay),
    ]);
    cases
}

/// The ledger pairs of `ledger_overlaps`, each side with its `reading`
/// (null: no finding for this side; `stale` where the earlier community
/// shows nothing after the later stay began), the earliest activity (after
/// the later stay began) of the earlier community (activity, activity_id,
/// activity_on), and each side's earliest registration or designation up
/// to A (first_claim, other_first_claim), which decides between stays
/// begun the same day.
fn ledger_sides(pairs: LazyFrame, activity: LazyFrame, p: &Period) -> LazyFrame {
    let pairs = with_later_stay(pairs);
    let claims = first_claims(activity.clone(), p);
    let active = earlier_activity(pairs.clone(), activity, p);
    pairs
        .join(
            active,
            PAIR_KEYS.map(col),
            PAIR_KEYS.map(col),
            JoinArgs::new(JoinType::Left),
        )
        .join(
            claims.clone(),
            [col("person_id"), col("community_code")],
            [col("person_id"), col("community_code")],
            JoinArgs::new(JoinType::Left),
        )
        .join(
            claims.select([
                col("person_id"),
                col("community_code").alias("other_code"),
                col("first_claim").alias("other_first_claim"),
            ]),
            [col("person_id"), col("other_code")],
            [col("person_id"), col("other_code")],
            JoinArgs::new(JoinType::Left),
        )
        .with_column(decide(ledger_cases()))
        .filter(col("reading").is_not_null())
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
/// behind this community's count)/resident_from (the entry of its ledger
/// stay active on claim_on, the earliest if several; null for none),
/// other_code/other_claim_on/other_resident_from, and the `reading` that
/// decides this side.
fn count_overlaps(counted: LazyFrame, ledger: LazyFrame) -> Result<LazyFrame> {
    let per = in_several_rows(counted)?
        .group_by([col("community_code"), col("person_id")])
        .agg([
            col("claim_on").min().alias("claim_on"),
            earliest("claim_id"),
            earliest("source"),
        ]);
    let keys = [col("community_code"), col("person_id")];
    let resident = per
        .clone()
        .select([col("community_code"), col("person_id"), col("claim_on")])
        .join(
            ledger
                .semi_join(per.clone(), col("person_id"), col("person_id"))
                .select([
                    col("community_code"),
                    col("person_id"),
                    col("entered_on"),
                    col("left_on"),
                ]),
            keys.clone(),
            keys.clone(),
            JoinArgs::new(JoinType::Inner),
        )
        .filter(
            col("entered_on").lt_eq(col("claim_on")).and(
                col("left_on")
                    .is_null()
                    .or(col("left_on").gt(col("claim_on"))),
            ),
        )
        .group_by(keys.clone())
        .agg([col("entered_on").min().alias("resident_from")]);
    let per = per.join(resident, keys.clone(), keys, JoinArgs::new(JoinType::Left));
    let other = per.clone().select([
        col("person_id"),
        col("community_code").alias("other_code"),
        col("claim_on").alias("other_claim_on"),
        col("resident_from").alias("other_resident_from"),
    ]);
    let (here, there) = (col("resident_from"), col("other_resident_from"));
    let mut cases = vec![
        (here.clone().is_null(), Reading::NoStay),
        (there.clone().is_null(), Reading::OtherNoStay),
        (here.clone().gt(there.clone()), Reading::LaterStay),
        (here.lt(there), Reading::EarlierStay),
    ];
    cases.extend(by_claims("claim_on", "other_claim_on"));
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
            col("resident_from"),
            col("other_code"),
            col("other_claim_on"),
            col("other_resident_from"),
            decide(cases),
        ]))
}

/// The persons of one community and severity, and the evidence behind them.
#[derive(Default)]
struct Side {
    /// Each person once, with the reading that decided (the first met: the
    /// counts come before the ledger).
    persons: BTreeMap<String, Reading>,
    /// Per reading, the other communities involved.
    others: BTreeMap<Reading, BTreeSet<String>>,
    evidence: Vec<Evidence>,
}

/// The residence behind a count, for the evidence note.
fn residence_text(
    here: Option<chrono::NaiveDate>,
    there: Option<chrono::NaiveDate>,
    claim: &str,
    other_claim: &str,
) -> String {
    let side = |from: Option<chrono::NaiveDate>, whose: &str, on: &str| match from {
        Some(d) => format!("{whose}台账自 {d} 起有其登记"),
        None => format!("{whose}台账在 {on} 没有其登记"),
    };
    format!(
        "{}，{}",
        side(here, "本社区", claim),
        side(there, "对方", other_claim)
    )
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

/// The pairs in the order the evidence lists them: by the identifiers'
/// texts, which the evidence shows.
fn sorted_pairs(lf: LazyFrame) -> PolarsResult<DataFrame> {
    lf.with_column(person_text())
        .sort(
            [
                "community_code",
                "reading",
                PERSON_TEXT,
                "other_code",
                "claim_on",
                "other_claim_on",
            ],
            SortMultipleOptions::default(),
        )
        .unique_stable(None, UniqueKeepStrategy::First)
        .collect()
}

/// One side of a pair as its row reads: community, person, reading, the
/// other community, and both claim (or stay) dates as text.
struct Pair {
    code: String,
    person: String,
    reading: Reading,
    other: String,
    claim: String,
    other_claim: String,
}

/// The sides of the rows of a pair frame (None where a column is missing).
fn pairs_of(df: &DataFrame) -> Result<Vec<Option<Pair>>> {
    let codes = strings(df, "community_code")?;
    let persons = strings(df, PERSON_TEXT)?;
    let readings = strings(df, "reading")?;
    let others = strings(df, "other_code")?;
    let claim = dates(df, "claim_on")?;
    let other_claim = dates(df, "other_claim_on")?;
    let text = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    Ok((0..df.height())
        .map(|i| {
            Some(Pair {
                code: codes[i].clone()?,
                person: persons[i].clone()?,
                reading: readings[i].as_deref().and_then(Reading::from_id)?,
                other: others[i].clone()?,
                claim: text(claim[i]),
                other_claim: text(other_claim[i]),
            })
        })
        .collect())
}

/// (community, severity) → the persons and the evidence on that side.
type Sides = BTreeMap<(String, Severity), Side>;

/// Records a pair's side and its evidence.
fn add(sides: &mut Sides, pair: &Pair, evidence: Evidence) {
    let side = sides
        .entry((pair.code.clone(), pair.reading.severity()))
        .or_default();
    side.persons.entry(pair.person.clone()).or_insert(pair.reading);
    side.others
        .entry(pair.reading)
        .or_default()
        .insert(pair.other.clone());
    side.evidence.push(evidence);
}

/// The count pairs as evidence: the registration or designation behind
/// this community's count, with the other's and the residence behind both.
fn add_counts(sides: &mut Sides, df: &DataFrame) -> Result<()> {
    let claim_ids = strings(df, "claim_id")?;
    let sources = strings(df, "source")?;
    let (here, there) = (dates(df, "resident_from")?, dates(df, "other_resident_from")?);
    for (i, pair) in pairs_of(df)?.into_iter().enumerate() {
        let Some(pair) = pair else { continue };
        let (other, c, o) = (&pair.other, &pair.claim, &pair.other_claim);
        let note = format!(
            "同一人也被社区 {other} 计入就业人数（对方的失业登记或困难认定始于 {o}，本社区始于 {c}）；{}",
            residence_text(here[i], there[i], c, o)
        );
        let claim_id = claim_ids[i].clone().unwrap_or_default();
        let evidence = if sources[i].as_deref() == Some(HARDSHIP_EMPLOYED) {
            Evidence::record_key(
                "hardship",
                vec![
                    ("person_id", KeyValue::Person(PersonId::new(pair.person.clone()))),
                    ("community_code", KeyValue::from(pair.code.as_str())),
                    ("designated_on", KeyValue::Text(claim_id)),
                ],
            )
        } else {
            Evidence::record("unemployment", "registration_id", claim_id)
        };
        add(sides, &pair, evidence.with_note(note));
    }
    Ok(())
}

/// The ledger pairs as evidence: this community's stay, with what tells
/// a person active in two places from a mover.
fn add_ledger(sides: &mut Sides, df: &DataFrame) -> Result<()> {
    let (acts, act_ids) = (strings(df, "activity")?, strings(df, "activity_id")?);
    let act_on = dates(df, "activity_on")?;
    let (first, other_first) = (dates(df, "first_claim")?, dates(df, "other_first_claim")?);
    let claims = |d: Option<chrono::NaiveDate>| d.map_or("无".to_string(), |d| d.to_string());
    for (i, pair) in pairs_of(df)?.into_iter().enumerate() {
        let Some(pair) = pair else { continue };
        let (other, c, o) = (&pair.other, &pair.claim, &pair.other_claim);
        let both = format!("同一人同时在社区 {other} 的台账中（{o} 登记），本社区 {c} 登记");
        let note = if pair.reading == Reading::Stale {
            format!(
                "已于 {o} 登记进入社区 {other} 的台账，本社区 {c} 登记的旧台账未注销，此后本社区无该人员的任何记录"
            )
        } else if let (Some(a), Some(a_id), Some(a_on)) = (&acts[i], &act_ids[i], act_on[i]) {
            format!(
                "{both}；后登记的台账开始后，先登记的社区仍有其{}",
                activity_text(a, a_id, a_on)
            )
        } else if c == o {
            format!(
                "{both}；本社区最早的失业登记或困难认定：{}，对方：{}",
                claims(first[i]),
                claims(other_first[i])
            )
        } else {
            both
        };
        let stay = Evidence::record_key(
            "persons",
            vec![
                ("person_id", KeyValue::Person(PersonId::new(pair.person.clone()))),
                ("community_code", KeyValue::from(pair.code.as_str())),
                ("entered_on", KeyValue::Text(c.clone())),
            ],
        );
        add(sides, &pair, stay.with_note(note));
    }
    Ok(())
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
        let ledger = sorted_pairs(ledger_sides(
            ledger_overlaps(movers.clone(), p),
            acts.clone(),
            p,
        ))?;
        let counts = sorted_pairs(count_overlaps(
            counted_persons(inputs, p)?,
            inputs.table(Table::Persons)?,
        )?)?;
        // The pairs selected above become evidence grouped by community and
        // severity: Rust, since an expression cannot build findings. The
        // counts first, so that a person's reading is the count's where
        // both routes find them.
        let mut sides = Sides::new();
        add_counts(&mut sides, &counts)?;
        add_ledger(&mut sides, &ledger)?;
        for ((code, severity), side) in sides {
            findings.push(Finding {
                explanation: explanation(p.year, &side),
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

/// One line for the panel: how many persons, and for how many of them each
/// reading decided, naming the other communities.
fn explanation(year: i32, side: &Side) -> String {
    let mut per: BTreeMap<Reading, usize> = BTreeMap::new();
    for reading in side.persons.values() {
        *per.entry(*reading).or_default() += 1;
    }
    let stale = per.remove(&Reading::Stale).unwrap_or(0);
    let n = side.persons.len();
    if stale == n {
        return format!("{year} 年有 {n} 人{CLOSE}");
    }
    let parts: Vec<String> = per
        .iter()
        .map(|(reading, m)| {
            let others: Vec<&str> = side
                .others
                .get(reading)
                .map(|o| o.iter().map(String::as_str).collect())
                .unwrap_or_default();
            format!("{m} 人{}", reading.phrase(&others.join("、")))
        })
        .collect();
    let both = format!(
        "{year} 年有 {} 人同时出现在本社区和其他社区的台账中或同时被两个社区计入就业人数，按居住判断：{}，两个社区都需核对",
        n - stale,
        parts.join("；")
    );
    if stale == 0 {
        both
    } else {
        format!("{both}；另有 {stale} 人{CLOSE}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_reading_has_its_own_id_and_a_high_reading_faces_a_low_or_medium_one() {
        for r in Reading::ALL {
            assert_eq!(Reading::from_id(r.id()), Some(r));
        }
        // The pair's two sides, as the cases of `count_overlaps` mirror them.
        for (a, b) in [
            (Reading::LaterStay, Reading::EarlierStay),
            (Reading::NoStay, Reading::OtherNoStay),
            (Reading::SameDayLaterClaim, Reading::SameDayEarlierClaim),
        ] {
            assert_eq!((a.severity(), b.severity()), (Severity::High, Severity::Low));
        }
        assert_eq!(Reading::Undecided.severity(), Severity::Medium);
    }

    #[test]
    fn the_explanation_counts_the_persons_of_each_reading() {
        let mut side = Side::default();
        for (person, reading, other) in [
            ("a", Reading::LaterStay, "410402001002"),
            ("b", Reading::LaterStay, "410402001003"),
            ("c", Reading::NoStay, "410402001002"),
        ] {
            side.persons.insert(person.to_string(), reading);
            side.others
                .entry(reading)
                .or_default()
                .insert(other.to_string());
        }
        assert_eq!(
            explanation(2021, &side),
            "2021 年有 3 人同时出现在本社区和其他社区的台账中或同时被两个社区计入就业人数，按居住判断：2 人在本社区台账的登记晚于社区 410402001002、410402001003；1 人在本社区失业登记或困难认定之日并不在本社区台账中（社区 410402001002 也计入其就业），两个社区都需核对"
        );
    }
}
