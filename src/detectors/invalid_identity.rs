//! `invalid_identity` (high): a person a community counts in
//! `reemployed_in_period`, `hardship_employed` or `new_jobs` whose identity
//! does not hold up:
//!
//! - the identifier fails GB 11643 (`person_id_valid` false, marked at ingest);
//! - a ledger row's `birth_date` differs from the birth date written in the
//!   identifier (characters 7–14);
//! - the ledger closed the person's stay as deceased (`left_reason` 死亡)
//!   before an employment start the community counts;
//! - the person was outside working age (the indicator rules' ages, by
//!   gender, from the earliest ledger row's birth date) at the event that
//!   made them counted: the registration behind `reemployed_in_period`
//!   (its `registered_on`), the designation behind `hardship_employed` (its
//!   `designated_on`). `new_jobs` counts only starts of working age, so a
//!   start outside it is counted nowhere and is never a finding: a retiree
//!   taken back on by an employer is honest practice.
//!
//! The counted persons and starts are those behind the two rates (`counted`)
//! and the `new_jobs` records (`indicators::jobs`). One finding per community
//! and year lists every such person or record.

use chrono::{Months, NaiveDate};
use polars::prelude::*;

use super::lookup::counties;
use crate::frame::{dates, ints, strings};
use super::narrow::{PERSON_TEXT, person_number, person_text};
use crate::contract::person_number as numbers;
use crate::contract::record_number;
use crate::config::ranges::rules_struct;
use super::{Evidence, Finding, Inputs, KeyValue, PersonId, Severity};
use crate::config::rules::IndicatorRules;
use crate::contract::Table;
use crate::error::Result;
use crate::indicators::Period;
use crate::indicators::jobs::{START, new_job_starts};
use crate::indicators::labor_force::working_age_on;
use crate::indicators::period::{age_on, date};
use crate::contract::added_columns::PERSON_ID_VALID;

pub const ID: &str = "invalid_identity";

/// The detector's name as the panel reads it.
pub const LABEL: &str = "身份信息异常";

/// The rule in one sentence, for the report's legend.
pub fn rule() -> String {
    "计入指标的人员身份号码不合法、出生日期不符、死亡后才就业，或登记、认定时不在劳动年龄内".into()
}

rules_struct! {
    /// No keys besides `enabled`.
    pub struct Params {}
}

/// The ledger's reason for a stay closed by death.
pub const DECEASED: &str = "死亡";

/// What is wrong, in the order the explanation lists them.
const KINDS: [(&str, &str); 4] = [
    ("invalid_identifier", "身份号码校验不通过"),
    ("birth_date_mismatch", "出生日期与身份号码不符"),
    ("deceased_before_start", "死亡注销后才开始就业"),
    ("outside_working_age", "登记或认定时不在劳动年龄内"),
];

/// The event that made a person counted, as the `event` column names it.
const REGISTRATION: &str = "registration";
const DESIGNATION: &str = "designation";

/// Restricts a frame to the persons in `ids` (a frame with `person_id`).
fn only(frame: LazyFrame, ids: &LazyFrame) -> LazyFrame {
    frame.semi_join(ids.clone(), col("person_id"), col("person_id"))
}

/// The ledger and employment rows of the suspects (a failing identifier, a
/// disagreeing birth date, a death): the suspects are few, the rows many, so
/// the tables are narrowed once for every year and every kind.
struct SuspectRows {
    persons: LazyFrame,
    employment: LazyFrame,
}

impl SuspectRows {
    fn narrow(inputs: &Inputs, ids: &LazyFrame) -> Result<Self> {
        let table =
            |t: Table| -> Result<LazyFrame> { Ok(only(inputs.table(t)?, ids).collect()?.lazy()) };
        Ok(SuspectRows {
            persons: table(Table::Persons)?,
            employment: table(Table::Employment)?,
        })
    }

    /// The `new_jobs` records of P of the persons in `ids`: community_code,
    /// person_id, record_id, started_on.
    fn new_jobs(&self, p: &Period, rules: &IndicatorRules, ids: &LazyFrame) -> LazyFrame {
        only(
            new_job_starts(self.employment.clone(), self.persons.clone(), p, rules),
            ids,
        )
    }

    /// (community_code, person_id) of everyone in `ids` the community counts
    /// in `reemployed_in_period`, `hardship_employed` or `new_jobs` of P.
    fn counted_in_any(
        &self,
        inputs: &Inputs,
        p: &Period,
        rules: &IndicatorRules,
        ids: &LazyFrame,
    ) -> Result<LazyFrame> {
        let pick = |lf: LazyFrame| only(lf, ids).select([col("community_code"), col("person_id")]);
        Ok(concat(
            [
                pick(inputs.reemployment_counts(p)?),
                pick(inputs.hardship_counts(p)?),
                pick(self.new_jobs(p, rules, ids)),
            ],
            UnionArgs::default(),
        )?
        .unique(None, UniqueKeepStrategy::Any))
    }
}

/// (community_code, person_id, record_id, started_on) of the counted starts
/// of the persons in `ids`: the records behind the two rates and the
/// `new_jobs` records of P, with repeats (`distinct` removes them).
fn counted_employment(
    inputs: &Inputs,
    rows: &SuspectRows,
    p: &Period,
    ids: &LazyFrame,
) -> Result<LazyFrame> {
    Ok(concat(
        [
            only(super::counted::counted_persons(inputs, p)?, ids).select(START.map(col)),
            rows.new_jobs(p, inputs.indicator_rules, ids).select(START.map(col)),
        ],
        UnionArgs::default(),
    )?)
}

/// (community_code, person_id, event, event_id, event_on) of the events that
/// made a person counted in a rate: the registration behind
/// `reemployed_in_period` (its id and `registered_on`), the designation behind
/// `hardship_employed` (its `designated_on`, as date and as key).
fn counting_events(inputs: &Inputs, p: &Period) -> Result<LazyFrame> {
    let shape = |lf: LazyFrame, event: &str| {
        lf.select([
            col("community_code"),
            col("person_id"),
            lit(event).alias("event"),
            col("claim_id").alias("event_id"),
            col("claim_on").alias("event_on"),
        ])
    };
    Ok(concat(
        [
            shape(inputs.reemployment_counts(p)?, REGISTRATION),
            shape(inputs.hardship_counts(p)?, DESIGNATION),
        ],
        UnionArgs::default(),
    )?)
}

fn distinct(frame: LazyFrame) -> LazyFrame {
    frame.unique(None, UniqueKeepStrategy::Any)
}

/// The identifiers GB 11643 rejects (marked at ingest), one row each.
fn invalid_ids(inputs: &Inputs) -> Result<LazyFrame> {
    let mut parts = Vec::new();
    for t in [
        Table::Persons,
        Table::Unemployment,
        Table::Employment,
        Table::Hardship,
    ] {
        parts.push(
            inputs
                .table(t)?
                .filter(col(PERSON_ID_VALID).not())
                .select([col("person_id")]),
        );
    }
    Ok(distinct(concat(parts, UnionArgs::default())?))
}

/// The birth date written in characters 7–14 of the identifier; null when
/// they are not a date.
fn identifier_birth_date() -> Expr {
    numbers::birth_date_of(col("person_id"))
}

/// Persons with a ledger row whose birth date differs from their identifier's.
fn mismatched_ids(persons: LazyFrame) -> LazyFrame {
    distinct(
        persons
            .with_column(identifier_birth_date().alias("id_birth_date"))
            .filter(
                col("id_birth_date")
                    .is_not_null()
                    .and(col("birth_date").neq(col("id_birth_date"))),
            )
            .select([col("person_id")]),
    )
}

/// person_id, died_on: the earliest ledger stay closed by death.
fn deaths(persons: LazyFrame) -> LazyFrame {
    persons
        .filter(
            col("left_reason")
                .eq(lit(DECEASED))
                .and(col("left_on").is_not_null()),
        )
        .group_by([col("person_id")])
        .agg([col("left_on").min().alias("died_on")])
}

/// person_id, birth_date, gender from the person's earliest ledger row
/// (equal entry dates: the lowest community code).
fn first_ledger_row(persons: LazyFrame) -> LazyFrame {
    persons
        .sort(
            ["person_id", "entered_on", "community_code"],
            SortMultipleOptions::default(),
        )
        .unique_stable(Some(cols(["person_id"])), UniqueKeepStrategy::First)
        .select([col("person_id"), col("birth_date"), col("gender")])
}

/// Ledger rows whose birth date could put the person outside working age on
/// some day from `earliest` to A: under the minimum age on `earliest`, or at
/// the lower retirement age by A, each with a year to spare. Every row
/// outside working age at an event between the two is among them; with no
/// event, none is.
fn possibly_outside(earliest: Option<NaiveDate>, a: NaiveDate, rules: &IndicatorRules) -> Expr {
    let Some(earliest) = earliest else {
        return lit(false);
    };
    let years_before = |d: NaiveDate, years: i64| {
        u32::try_from(years.max(0) * 12)
            .ok()
            .and_then(|m| d.checked_sub_months(Months::new(m)))
    };
    let retirement = rules.retirement_age_male.min(rules.retirement_age_female);
    match (
        years_before(earliest, rules.min_working_age + 1),
        years_before(a, retirement - 1),
    ) {
        (Some(young_after), Some(old_by)) => col("birth_date")
            .gt(date(young_after))
            .or(col("birth_date").lt_eq(date(old_by))),
        _ => lit(true),
    }
}

/// What does not depend on the year, collected once: the identifiers that
/// fail, those whose birth date disagrees with the ledger, and the deaths.
struct Suspects {
    invalid: LazyFrame,
    mismatched: LazyFrame,
    deaths: LazyFrame,
    /// The ledger and employment rows of every kind of suspect.
    rows: SuspectRows,
    /// Every ledger row's identifier number (`narrow`), birth date and
    /// gender.
    ledger_numbers: LazyFrame,
}

impl Suspects {
    fn find(inputs: &Inputs) -> Result<Self> {
        let persons = inputs.table(Table::Persons)?;
        let invalid = invalid_ids(inputs)?.collect()?.lazy();
        let mismatched = mismatched_ids(persons.clone()).collect()?.lazy();
        let deaths = deaths(persons.clone()).collect()?.lazy();
        let any = concat(
            [
                invalid.clone(),
                mismatched.clone(),
                deaths.clone().select([col("person_id")]),
            ],
            UnionArgs::default(),
        )?;
        Ok(Suspects {
            rows: SuspectRows::narrow(inputs, &any)?,
            invalid,
            mismatched,
            deaths,
            ledger_numbers: persons
                .select([
                    person_number().alias("number"),
                    col("birth_date"),
                    col("gender"),
                ])
                .collect()?
                .lazy(),
        })
    }
}

fn none_str() -> Expr {
    lit(NULL).cast(DataType::String)
}

fn none_date() -> Expr {
    lit(NULL).cast(DataType::Date)
}

fn none_int() -> Expr {
    lit(NULL).cast(DataType::Int32)
}

/// The counted persons among `ids` (a failing identifier, a disagreeing
/// birth date): a problem with the person, about no event.
fn without_event(
    inputs: &Inputs,
    p: &Period,
    rules: &IndicatorRules,
    rows: &SuspectRows,
    ids: &LazyFrame,
) -> Result<LazyFrame> {
    Ok(rows
        .counted_in_any(inputs, p, rules, ids)?
        .with_columns([
            none_str().alias("event"),
            none_str().alias("event_id"),
            none_date().alias("event_on"),
            none_date().alias("died_on"),
            none_int().alias("age"),
        ]))
}

/// The counted starts of P that begin after the person's death: the
/// employment record as the event, with the date of death.
fn started_after_death(inputs: &Inputs, p: &Period, suspects: &Suspects) -> Result<LazyFrame> {
    let dead = suspects.deaths.clone().select([col("person_id")]);
    Ok(
        distinct(counted_employment(inputs, &suspects.rows, p, &dead)?)
            .join(
                suspects.deaths.clone(),
                [col("person_id")],
                [col("person_id")],
                JoinArgs::new(JoinType::Inner),
            )
            .filter(col("died_on").lt(col("started_on")))
            .with_columns([
                lit("employment").alias("event"),
                record_number::as_text(col("record_id")).alias("event_id"),
                col("started_on").alias("event_on"),
                none_int().alias("age"),
            ]),
    )
}

/// The counting events of P at which the person was outside working age,
/// by the earliest ledger row, with the age. The ledger rows joined by
/// identifier number (`narrow`) first narrow the events to persons some row
/// puts outside; the earliest row of the person then decides, over those few.
fn outside_working_age(
    inputs: &Inputs,
    p: &Period,
    rules: &IndicatorRules,
    suspects: &Suspects,
) -> Result<LazyFrame> {
    let events = counting_events(inputs, p)?.collect()?;
    let earliest = dates(&events, "event_on")?.into_iter().flatten().min();
    let events = events.lazy();
    let age = age_on(col("event_on"));
    let maybe_outside = events
        .clone()
        .select([
            col("person_id"),
            person_number().alias("number"),
            col("event_on"),
        ])
        .join(
            suspects
                .ledger_numbers
                .clone()
                .filter(possibly_outside(earliest, p.cutoff, rules)),
            [col("number")],
            [col("number")],
            JoinArgs::new(JoinType::Inner),
        )
        .filter(working_age_on(age.clone(), rules).not())
        .select([col("person_id")])
        .unique(None, UniqueKeepStrategy::Any)
        .collect()?
        .lazy();
    let persons = inputs.table(Table::Persons)?;
    Ok(distinct(only(events, &maybe_outside))
        .join(
            first_ledger_row(only(persons, &maybe_outside)),
            [col("person_id")],
            [col("person_id")],
            JoinArgs::new(JoinType::Inner),
        )
        .filter(working_age_on(age.clone(), rules).not())
        .with_columns([age.alias("age"), none_date().alias("died_on")]))
}

/// One row per problem: community_code, person_id, kind, and where it is
/// about an event: event (`employment`, `registration`, `designation`),
/// event_id (record_id, registration_id, designated_on), event_on (the
/// start, registration or designation date), died_on, age.
fn problems(
    inputs: &Inputs,
    p: &Period,
    rules: &IndicatorRules,
    suspects: &Suspects,
) -> Result<LazyFrame> {
    let shape = |lf: LazyFrame, kind: &str| {
        lf.select([
            col("community_code"),
            col("person_id"),
            lit(kind).alias("kind"),
            col("event"),
            col("event_id"),
            col("event_on"),
            col("died_on"),
            col("age"),
        ])
    };
    let rows = &suspects.rows;
    Ok(concat(
        [
            shape(
                without_event(inputs, p, rules, rows, &suspects.invalid)?,
                KINDS[0].0,
            ),
            shape(
                without_event(inputs, p, rules, rows, &suspects.mismatched)?,
                KINDS[1].0,
            ),
            shape(started_after_death(inputs, p, suspects)?, KINDS[2].0),
            shape(outside_working_age(inputs, p, rules, suspects)?, KINDS[3].0),
        ],
        UnionArgs::default(),
    )?
    .with_column(person_text())
    .sort(
        ["community_code", "kind", "event_on", "event", "event_id", PERSON_TEXT],
        SortMultipleOptions::default().with_nulls_last(true),
    ))
}

/// One problem row read back: what is wrong (an index of `KINDS`) and the
/// event it is about, if any.
struct Problem<'a> {
    kind: usize,
    person: String,
    /// `employment`, `registration` or `designation`.
    event: &'a str,
    /// record_id, registration_id or designated_on.
    event_id: String,
    /// The start, registration or designation date.
    on: String,
    died: String,
    age: i64,
}

impl Problem<'_> {
    fn evidence(self, code: &str) -> Evidence {
        let (on, age) = (&self.on, self.age);
        let outside = |what: &str| format!("{what}（{on}）时 {age} 岁，不在劳动年龄内");
        match (self.kind, self.event) {
            (0, _) => Evidence::Person {
                id: PersonId::new(self.person),
                note: Some("身份号码不符合 GB 11643 校验规则".into()),
            },
            (1, _) => Evidence::Person {
                id: PersonId::new(self.person),
                note: Some("台账出生日期与身份号码中的出生日期不一致".into()),
            },
            (2, _) => Evidence::record("employment", "record_id", self.event_id).with_note(
                format!("该人员已于 {} 死亡注销，此就业却于 {on} 开始", self.died),
            ),
            (_, REGISTRATION) => {
                Evidence::record("unemployment", "registration_id", self.event_id)
                    .with_note(outside("失业登记"))
            }
            _ => Evidence::record_key(
                "hardship",
                vec![
                    ("person_id", KeyValue::Person(PersonId::new(self.person))),
                    ("community_code", KeyValue::from(code)),
                    ("designated_on", KeyValue::Text(self.event_id)),
                ],
            )
            .with_note(outside("就业困难认定")),
        }
    }
}

pub fn detect(inputs: &Inputs, _params: &Params) -> Result<Vec<Finding>> {
    let county = counties(inputs.communities)?;
    let suspects = Suspects::find(inputs)?;
    let mut findings = Vec::new();
    for p in inputs.periods() {
        let df = problems(inputs, p, inputs.indicator_rules, &suspects)?.collect()?;
        let codes = strings(&df, "community_code")?;
        let persons = strings(&df, PERSON_TEXT)?;
        let kinds = strings(&df, "kind")?;
        let events = strings(&df, "event")?;
        let event_ids = strings(&df, "event_id")?;
        let event_on = dates(&df, "event_on")?;
        let died = dates(&df, "died_on")?;
        let ages = ints(&df, "age")?;
        let text = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
        let mut i = 0;
        // Rows come sorted by community: each run of equal codes becomes one
        // finding (text and evidence), which an expression cannot build.
        while i < df.height() {
            let code = codes[i].clone().unwrap_or_default();
            let mut found = Vec::new();
            let mut per_kind = [0usize; 4];
            let mut who = std::collections::BTreeSet::new();
            let mut j = i;
            while j < df.height() && codes[j].as_deref() == Some(code.as_str()) {
                let person = persons[j].clone().unwrap_or_default();
                let kind = kinds[j].as_deref().unwrap_or_default();
                let k = KINDS.iter().position(|(id, _)| *id == kind).unwrap_or(0);
                per_kind[k] += 1;
                who.insert(person.clone());
                let problem = Problem {
                    kind: k,
                    person,
                    event: events[j].as_deref().unwrap_or_default(),
                    event_id: event_ids[j].clone().unwrap_or_default(),
                    on: text(event_on[j]),
                    died: text(died[j]),
                    age: ages[j].unwrap_or_default(),
                };
                found.push(problem.evidence(&code));
                j += 1;
            }
            let parts: Vec<String> = KINDS
                .iter()
                .zip(per_kind)
                .filter(|(_, n)| *n > 0)
                .map(|((_, text), n)| format!("{text} {n} 条"))
                .collect();
            findings.push(Finding {
                explanation: format!(
                    "{} 年计入指标的人员中有 {} 人身份存疑：{}",
                    p.year,
                    who.len(),
                    parts.join("，")
                ),
                value: Some(who.len() as f64),
                threshold: Some(0.0),
                p_value: None,
                evidence: found,
                ..Finding::community(ID, Severity::High, &code, &county, p.year)
            });
            i = j;
        }
    }
    Ok(findings)
}
