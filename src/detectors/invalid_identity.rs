//! `invalid_identity` (high): a person a community counts in an indicator
//! whose identity does not hold up:
//!
//! - the identifier fails GB 11643 (`person_id_valid` false, marked at ingest);
//! - a ledger row's `birth_date` differs from the birth date written in the
//!   identifier (characters 7–14);
//! - the ledger closed the person's stay as deceased (`left_reason` 死亡)
//!   before an employment start the community counts;
//! - the person was outside working age (the indicator rules' ages, by
//!   gender, from the ledger's birth date) at such a start.
//!
//! "Counted in an indicator" means in the community's `labor_force`,
//! `unemployed_in_period` (which holds `registered_unemployed` and
//! `reemployed_in_period`), `hardship_persons` or `new_jobs` of the year. The
//! counted employment starts are those behind `reemployed_in_period` and
//! `hardship_employed` (`counted`) and the `new_jobs` records. One finding per
//! community and year lists every such person or record.

use chrono::{Months, NaiveDate};
use polars::prelude::*;

use super::lookup::{counties, dates, ints, strings};
use super::narrow::{person_number_or_unread, unread_identifier};
use super::{Evidence, Finding, Inputs, PersonId, Severity};
use crate::config::rules::{IndicatorRules, Toggle};
use crate::contract::Table;
use crate::error::Result;
use crate::indicators::Period;
use crate::indicators::hardship::hardship_persons;
use crate::indicators::labor_force::{labor_force_persons, working_age_on};
use crate::indicators::period::{age_on, date, within};
use crate::indicators::unemployment::registrations_in_period;
use crate::ingest::typing::PERSON_ID_VALID;

pub const ID: &str = "invalid_identity";

/// The ledger's reason for a stay closed by death.
pub const DECEASED: &str = "死亡";

/// What is wrong, in the order the explanation lists them.
const KINDS: [(&str, &str); 4] = [
    ("invalid_identifier", "身份号码校验不通过"),
    ("birth_date_mismatch", "出生日期与身份号码不符"),
    ("deceased_before_start", "死亡注销后才开始就业"),
    ("outside_working_age", "就业开始时不在劳动年龄内"),
];

/// Restricts a frame to the persons in `ids` (a frame with `person_id`).
fn only(frame: LazyFrame, ids: &LazyFrame) -> LazyFrame {
    frame.semi_join(ids.clone(), col("person_id"), col("person_id"))
}

/// The four tables whose rows count a person in an indicator, narrowed to
/// the suspects (a failing identifier or a disagreeing birth date): the
/// suspects are few, the counted persons many, so the tables are narrowed
/// once for every year and both kinds.
struct SuspectRows {
    persons: LazyFrame,
    unemployment: LazyFrame,
    hardship: LazyFrame,
    employment: LazyFrame,
}

impl SuspectRows {
    fn narrow(inputs: &Inputs, ids: &LazyFrame) -> Result<Self> {
        let table =
            |t: Table| -> Result<LazyFrame> { Ok(only(inputs.table(t)?, ids).collect()?.lazy()) };
        Ok(SuspectRows {
            persons: table(Table::Persons)?,
            unemployment: table(Table::Unemployment)?,
            hardship: table(Table::Hardship)?,
            employment: table(Table::Employment)?,
        })
    }

    /// (community_code, person_id) of everyone in `ids` the community counts
    /// in an indicator of P.
    fn counted_in_any(
        &self,
        p: &Period,
        rules: &IndicatorRules,
        ids: &LazyFrame,
    ) -> Result<LazyFrame> {
        let pick = |lf: LazyFrame| only(lf, ids).select([col("community_code"), col("person_id")]);
        Ok(concat(
            [
                pick(labor_force_persons(self.persons.clone(), p, rules)),
                pick(registrations_in_period(self.unemployment.clone(), p)),
                pick(hardship_persons(self.hardship.clone(), p)),
                pick(self.employment.clone().filter(within("started_on", p))),
            ],
            UnionArgs::default(),
        )?
        .unique(None, UniqueKeepStrategy::Any))
    }
}

/// (community_code, person_id, record_id, started_on) of the counted starts
/// and the `new_jobs` records of P, with repeats: `distinct` removes them
/// once the rows have been narrowed.
fn counted_employment(inputs: &Inputs, p: &Period) -> Result<LazyFrame> {
    let cols4 = || {
        [
            col("community_code"),
            col("person_id"),
            col("record_id"),
            col("started_on"),
        ]
    };
    Ok(concat(
        [
            inputs.counted_starts(p)?.select(cols4()),
            inputs
                .table(Table::Employment)?
                .filter(within("started_on", p))
                .select(cols4()),
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
    col("person_id")
        .str()
        .slice(lit(6i64), lit(8u64))
        .str()
        .to_date(StrptimeOptions {
            format: Some("%Y%m%d".into()),
            strict: false,
            exact: true,
            cache: false,
        })
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
/// some day of P: under the minimum age at S, or at the lower retirement age
/// by A, each with a year to spare. Every row outside working age at a start
/// in P is among them.
fn possibly_outside_in(p: &Period, rules: &IndicatorRules) -> Expr {
    let years_before = |d: NaiveDate, years: i64| {
        u32::try_from(years.max(0) * 12)
            .ok()
            .and_then(|m| d.checked_sub_months(Months::new(m)))
    };
    let retirement = rules.retirement_age_male.min(rules.retirement_age_female);
    match (
        years_before(p.start, rules.min_working_age + 1),
        years_before(p.cutoff, retirement - 1),
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
    /// The rows of either kind of suspect.
    rows: SuspectRows,
    deaths: LazyFrame,
    /// Every ledger row's identifier number and unread identifier
    /// (`narrow`), birth date and gender.
    ledger_numbers: LazyFrame,
}

impl Suspects {
    fn find(inputs: &Inputs) -> Result<Self> {
        let persons = inputs.table(Table::Persons)?;
        let invalid = invalid_ids(inputs)?.collect()?.lazy();
        let mismatched = mismatched_ids(persons.clone()).collect()?.lazy();
        let either = concat([invalid.clone(), mismatched.clone()], UnionArgs::default())?;
        Ok(Suspects {
            rows: SuspectRows::narrow(inputs, &either)?,
            invalid,
            mismatched,
            deaths: deaths(persons.clone()).collect()?.lazy(),
            ledger_numbers: persons
                .select([
                    person_number_or_unread().alias("number"),
                    unread_identifier().alias("unread"),
                    col("birth_date"),
                    col("gender"),
                ])
                .collect()?
                .lazy(),
        })
    }
}

/// One row per problem: community_code, person_id, kind, and where it is
/// about an employment start: record_id, started_on, died_on, age.
fn problems(
    inputs: &Inputs,
    p: &Period,
    rules: &IndicatorRules,
    suspects: &Suspects,
) -> Result<LazyFrame> {
    let persons = inputs.table(Table::Persons)?;
    let none_str = || lit(NULL).cast(DataType::String);
    let none_date = || lit(NULL).cast(DataType::Date);
    let none_int = || lit(NULL).cast(DataType::Int32);
    let shape = |lf: LazyFrame, kind: &str| {
        lf.select([
            col("community_code"),
            col("person_id"),
            lit(kind).alias("kind"),
            col("record_id"),
            col("started_on"),
            col("died_on"),
            col("age"),
        ])
    };
    let no_start = |lf: LazyFrame| {
        lf.with_columns([
            none_str().alias("record_id"),
            none_date().alias("started_on"),
            none_date().alias("died_on"),
            none_int().alias("age"),
        ])
    };

    let invalid = suspects.rows.counted_in_any(p, rules, &suspects.invalid)?;
    let mismatched = suspects
        .rows
        .counted_in_any(p, rules, &suspects.mismatched)?;

    let starts = counted_employment(inputs, p)?;
    let deceased = distinct(only(
        starts.clone(),
        &suspects.deaths.clone().select([col("person_id")]),
    ))
    .join(
        suspects.deaths.clone(),
        [col("person_id")],
        [col("person_id")],
        JoinArgs::new(JoinType::Inner),
    )
    .filter(col("died_on").lt(col("started_on")))
    .with_column(none_int().alias("age"));

    // Outside working age at a start, by the earliest ledger row. The
    // ledger rows joined by identifier number (`narrow`: a cheap key, which
    // may pair a few rows of different persons) first narrow the starts to
    // persons some row might put outside; the earliest row of the person
    // then decides, over those few.
    let age = age_on(col("started_on"));
    let maybe_outside = starts
        .clone()
        .select([
            col("person_id"),
            person_number_or_unread().alias("number"),
            unread_identifier().alias("unread"),
            col("started_on"),
        ])
        .join(
            suspects
                .ledger_numbers
                .clone()
                .filter(possibly_outside_in(p, rules)),
            [col("number"), col("unread")],
            [col("number"), col("unread")],
            JoinArgs::new(JoinType::Inner),
        )
        .filter(working_age_on(age.clone(), rules).not())
        .select([col("person_id")])
        .unique(None, UniqueKeepStrategy::Any)
        .collect()?
        .lazy();
    let outside = distinct(only(starts, &maybe_outside))
        .join(
            first_ledger_row(only(persons, &maybe_outside)),
            [col("person_id")],
            [col("person_id")],
            JoinArgs::new(JoinType::Inner),
        )
        .filter(working_age_on(age.clone(), rules).not())
        .with_columns([age.alias("age"), none_date().alias("died_on")]);

    Ok(concat(
        [
            shape(no_start(invalid), KINDS[0].0),
            shape(no_start(mismatched), KINDS[1].0),
            shape(deceased, KINDS[2].0),
            shape(outside, KINDS[3].0),
        ],
        UnionArgs::default(),
    )?
    .sort(
        [
            "community_code",
            "kind",
            "started_on",
            "record_id",
            "person_id",
        ],
        SortMultipleOptions::default().with_nulls_last(true),
    ))
}

pub fn detect(inputs: &Inputs, _params: &Toggle) -> Result<Vec<Finding>> {
    let county = counties(inputs.communities)?;
    let suspects = Suspects::find(inputs)?;
    let mut findings = Vec::new();
    for p in inputs.periods() {
        let df = problems(inputs, p, inputs.indicator_rules, &suspects)?.collect()?;
        let codes = strings(&df, "community_code")?;
        let persons = strings(&df, "person_id")?;
        let kinds = strings(&df, "kind")?;
        let records = strings(&df, "record_id")?;
        let started = dates(&df, "started_on")?;
        let died = dates(&df, "died_on")?;
        let ages = ints(&df, "age")?;
        let mut i = 0;
        // Rows come sorted by community: each run of equal codes becomes one
        // finding (text and evidence), which an expression cannot build.
        while i < df.height() {
            let code = codes[i].clone().unwrap_or_default();
            let mut evidence = Vec::new();
            let mut per_kind = [0usize; 4];
            let mut who = std::collections::BTreeSet::new();
            let mut j = i;
            while j < df.height() && codes[j].as_deref() == Some(code.as_str()) {
                let person = persons[j].clone().unwrap_or_default();
                let kind = kinds[j].as_deref().unwrap_or_default();
                let k = KINDS.iter().position(|(id, _)| *id == kind).unwrap_or(0);
                per_kind[k] += 1;
                who.insert(person.clone());
                let record = records[j].clone().unwrap_or_default();
                let start = started[j].map(|d| d.to_string()).unwrap_or_default();
                evidence.push(match k {
                    0 => Evidence::Person {
                        id: PersonId::new(person),
                        note: Some("身份号码不符合 GB 11643 校验规则".into()),
                    },
                    1 => Evidence::Person {
                        id: PersonId::new(person),
                        note: Some("台账出生日期与身份号码中的出生日期不一致".into()),
                    },
                    2 => Evidence::record("employment", "record_id", record).with_note(format!(
                        "该人员已于 {} 死亡注销，此就业却于 {start} 开始",
                        died[j].map(|d| d.to_string()).unwrap_or_default()
                    )),
                    _ => Evidence::record("employment", "record_id", record).with_note(format!(
                        "就业开始（{start}）时 {} 岁，不在劳动年龄内",
                        ages[j].unwrap_or_default()
                    )),
                });
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
                evidence,
                ..Finding::community(ID, Severity::High, &code, &county, p.year)
            });
            i = j;
        }
    }
    Ok(findings)
}
