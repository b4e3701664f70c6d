//! `short_lived_jobs` (medium; high when corroborated): the persons a
//! community counts as employed rest on jobs that lasted only days.
//!
//! The counted persons are those behind `reemployed_in_period` and
//! `hardship_employed` (`counted`) and behind `new_jobs` (a record of the
//! community starting in P). A counted person is *thinly backed* when none of
//! their employment records (any community) from the start that made them
//! counted up to A lasts (`signals::durable`: at least `durable_job_days` of
//! `[indicators]`, or still open at the extract's end). A seasonal worker
//! who moved on to a lasting job is backed; one whose only job ended after
//! a week is not. The community fires when at least `min_count` of its
//! counted persons, and at least `min_share` of them, are thinly backed.
//!
//! Thin evidence alone is medium (seasonal and temporary work is real). It
//! is high when a second signal holds for at least `corroborating_share` of
//! the thinly backed persons: their short jobs were keyed more than
//! `late_keying_days` after they ended (written up after the fact), or lie at
//! employers whose code fails GB 32100 or who employ no one else in the
//! extract.

use std::collections::BTreeMap;

use polars::prelude::*;

use super::listing::{record_span_and, tally_by_community};
use super::lookup::counties;
use super::signals::{
    SHELL_NOTE, corroborated, durable, extract_end, holding, keyed_late, note_with, record_facts,
};
use super::{Evidence, Finding, Inputs};
use crate::config::ranges::rules_struct;
use crate::contract::{Table, record_number};
use crate::error::Result;
use crate::frame::{bools, dates, strings};
use crate::indicators::Period;
use crate::indicators::period::{date, within};

pub const ID: &str = "short_lived_jobs";

/// The detector's name as the panel reads it.
pub const LABEL: &str = "计入就业的工作短暂即止";

/// The rule in one sentence, for the report's legend.
pub fn rule() -> String {
    "计入就业率或新增就业的人员中，较多人的就业只持续了几天，此后再无持续的工作".into()
}

rules_struct! {
    /// The keys of `[detectors.short_lived_jobs]` besides `enabled` (docs/rules.md);
    /// their defaults are in `pipelines/rules/default.toml`.
    pub struct Params {
        /// At least this many thinly backed persons...
        min_count: i64 => count,
        /// ...and this share of the community's counted persons.
        min_share: f64 => fraction,
        /// A second signal corroborates when it holds for this share of them.
        corroborating_share: f64 => fraction,
        /// Keyed more than this many days after the job ended: after the fact.
        late_keying_days: i64 => count,
    }
}

/// (community_code, person_id, record_id, started_on): each record that
/// makes the community count a person.
fn counting_records(inputs: &Inputs, p: &Period) -> Result<LazyFrame> {
    let columns = [
        col("community_code"),
        col("person_id"),
        col("record_id"),
        col("started_on"),
    ];
    let counted = super::counted::counted_persons(inputs, p)?.select(columns.clone());
    let new_jobs = inputs
        .table(Table::Employment)?
        .filter(within("started_on", p))
        .select(columns);
    Ok(concat([counted, new_jobs], UnionArgs::default())?)
}

/// The persons whose counting records are all short (not `durable`), with
/// `from`, their earliest counting start: the few who can be thin. The
/// short records are few: every join here builds on them or on the persons
/// they name, never on the whole table.
fn short_counted(counting: LazyFrame, employment: LazyFrame, durable: Expr) -> Result<LazyFrame> {
    let person = [col("community_code"), col("person_id")];
    let short = employment
        .filter(durable.not())
        .select([col("record_id")])
        .collect()?
        .lazy();
    let short_counting = counting
        .clone()
        .semi_join(short.clone(), col("record_id"), col("record_id"))
        .collect()?
        .lazy();
    // Persons with a lasting counting record are backed.
    let backed_by_count = counting
        .semi_join(
            short_counting.clone().select([col("person_id")]),
            col("person_id"),
            col("person_id"),
        )
        .join(
            short,
            [col("record_id")],
            [col("record_id")],
            JoinArgs::new(JoinType::Anti),
        )
        .select(person.clone())
        .unique(None, UniqueKeepStrategy::Any);
    Ok(short_counting
        .join(
            backed_by_count,
            person.clone(),
            person.clone(),
            JoinArgs::new(JoinType::Anti),
        )
        .group_by(person)
        .agg([col("started_on").min().alias("from")])
        .collect()?
        .lazy())
}

/// Of the candidates, those no lasting record from `from` to A backs.
fn unbacked(candidates: LazyFrame, employment: LazyFrame, durable: Expr, p: &Period) -> LazyFrame {
    let person = [col("community_code"), col("person_id")];
    let backed = candidates
        .clone()
        .join(
            employment
                .filter(durable.and(col("started_on").lt_eq(date(p.cutoff))))
                .select([col("person_id"), col("started_on")])
                .semi_join(
                    candidates.clone().select([col("person_id")]),
                    col("person_id"),
                    col("person_id"),
                ),
            [col("person_id")],
            [col("person_id")],
            JoinArgs::new(JoinType::Inner),
        )
        .filter(col("started_on").gt_eq(col("from")))
        .select(person.clone())
        .unique(None, UniqueKeepStrategy::Any);
    candidates.join(
        backed,
        person.clone(),
        person,
        JoinArgs::new(JoinType::Anti),
    )
}

/// The thinly backed persons of communities that fire, with `from` (their
/// earliest counting start) and the community's `counted` and `thin`
/// persons. Narrowed before anything is joined whole: only a person whose
/// counting records are all short can be thin, and few are; of those, one
/// lasting record from `from` to A backs the person.
fn thin_persons(inputs: &Inputs, p: &Period, params: &Params) -> Result<LazyFrame> {
    let durable = durable(inputs.indicator_rules.durable_job_days, extract_end(inputs)?);
    let employment = inputs.table(Table::Employment)?;
    let counting = counting_records(inputs, p)?;
    let totals = counting
        .clone()
        .group_by([col("community_code")])
        .agg([col("person_id")
            .n_unique()
            .cast(DataType::Int64)
            .alias("counted")]);
    let candidates = short_counted(counting, employment.clone(), durable.clone())?;
    let thin = unbacked(candidates, employment, durable, p);
    let communities = thin
        .clone()
        .group_by([col("community_code")])
        .agg([len().cast(DataType::Int64).alias("thin")])
        .join(
            totals,
            [col("community_code")],
            [col("community_code")],
            JoinArgs::new(JoinType::Inner),
        )
        .filter(
            col("thin").gt_eq(lit(params.min_count)).and(
                (col("thin").cast(DataType::Float64) / col("counted").cast(DataType::Float64))
                    .gt_eq(lit(params.min_share)),
            ),
        );
    Ok(thin.join(
        communities,
        [col("community_code")],
        [col("community_code")],
        JoinArgs::new(JoinType::Inner),
    ))
}

/// The thinly backed persons' records from `from` to A in communities that
/// fire: community_code, person_id, record_id, started_on, ended_on, late,
/// shell, and the community's `counted` and `thin` persons.
fn firing(inputs: &Inputs, p: &Period, params: &Params) -> Result<LazyFrame> {
    let thin = thin_persons(inputs, p, params)?.collect()?.lazy();
    let records = thin
        .clone()
        .join(
            inputs.table(Table::Employment)?.select([
                col("person_id"),
                col("record_id"),
                col("started_on"),
            ]),
            [col("person_id")],
            [col("person_id")],
            JoinArgs::new(JoinType::Inner),
        )
        .filter(
            col("started_on")
                .gt_eq(col("from"))
                .and(col("started_on").lt_eq(date(p.cutoff))),
        )
        .select([col("community_code"), col("person_id"), col("record_id")]);
    let facts = record_facts(inputs, records.clone())?;
    Ok(records
        .join(
            facts,
            [col("record_id")],
            [col("record_id")],
            JoinArgs::new(JoinType::Inner),
        )
        .join(
            thin.select([
                col("community_code"),
                col("person_id"),
                col("counted"),
                col("thin"),
            ]),
            [col("community_code"), col("person_id")],
            [col("community_code"), col("person_id")],
            JoinArgs::new(JoinType::Inner),
        )
        .with_column(keyed_late(params.late_keying_days).alias("late"))
        .select(record_span_and([
            col("late"),
            col("shell"),
            col("counted"),
            col("thin"),
        ]))
        .sort(
            ["community_code", "person_id", "started_on", "record_id"],
            SortMultipleOptions::default(),
        ))
}

/// One community's thinly backed records, as the finding needs them.
#[derive(Default)]
struct Thin {
    counted: i64,
    /// Per person: (late, shell) over their short records.
    persons: BTreeMap<String, (bool, bool)>,
    evidence: Vec<Evidence>,
    days: Vec<i64>,
}

pub fn detect(inputs: &Inputs, params: &Params) -> Result<Vec<Finding>> {
    let county = counties(inputs.communities)?;
    let durable_days = inputs.indicator_rules.durable_job_days;
    let mut findings = Vec::new();
    for p in inputs.periods() {
        let df = firing(inputs, p, params)?.collect()?;
        for (code, thin) in tallied(&df, params)? {
            findings.push(finding(code, thin, p, params, durable_days, &county));
        }
    }
    Ok(findings)
}

/// Per community, its thinly backed persons with their signals and their
/// short records as evidence (Rust: an expression cannot build the
/// evidence).
fn tallied(df: &DataFrame, params: &Params) -> Result<BTreeMap<String, Thin>> {
    let persons = strings(df, "person_id")?;
    let records = record_number::texts(df, "record_id")?;
    let (started, ended) = (dates(df, "started_on")?, dates(df, "ended_on")?);
    let (late, shell) = (bools(df, "late")?, bools(df, "shell")?);
    let counted = crate::frame::ints(df, "counted")?;
    tally_by_community(df, |thin: &mut Thin, i| {
        let Some(person) = &persons[i] else { return };
        thin.counted = counted[i].unwrap_or_default();
        let flags = thin.persons.entry(person.clone()).or_default();
        let (l, s) = (late[i].unwrap_or(false), shell[i].unwrap_or(false));
        flags.0 |= l;
        flags.1 |= s;
        let (Some(start), Some(end)) = (started[i], ended[i]) else {
            return;
        };
        let days = (end - start).num_days() + 1;
        thin.days.push(days);
        let note = note_with(
            format!("{start} 至 {end}，仅 {days} 天"),
            [
                (l, format!("，终止 {} 天后才录入", params.late_keying_days)),
                (s, SHELL_NOTE.into()),
            ],
        );
        let record = records[i].clone().unwrap_or_default();
        thin.evidence
            .push(Evidence::record("employment", "record_id", record).with_note(note));
    })
}

fn finding(
    code: String,
    thin: Thin,
    p: &Period,
    params: &Params,
    durable_days: i64,
    county: &std::collections::HashMap<String, String>,
) -> Finding {
    let k = thin.persons.len();
    let late = thin.persons.values().filter(|f| f.0).count();
    let shell = thin.persons.values().filter(|f| f.1).count();
    let signals = holding(
        k,
        params.corroborating_share,
        [
            (
                late,
                format!(
                    "{k} 人中 {late} 人的短期就业在终止 {} 天以后才录入",
                    params.late_keying_days
                ),
            ),
            (
                shell,
                format!("{k} 人中 {shell} 人的短期就业单位代码校验失败或别无他人受雇"),
            ),
        ],
    );
    let (severity, corroboration) = corroborated(signals, "仅证据单薄，建议核查这些人员的实际就业");
    let mut days = thin.days.clone();
    days.sort_unstable();
    let median = days.get(days.len() / 2).copied().unwrap_or_default();
    let share = k as f64 / thin.counted.max(1) as f64;
    let explanation = format!(
        "{} 年计入就业的 {} 人中有 {k} 人（{:.0}%）的就业记录均不满 {} 天（中位 {median} 天），此后到截止日再无持续的工作；{corroboration}",
        p.year,
        thin.counted,
        share * 100.0,
        durable_days,
    );
    Finding::community(ID, severity, &code, county, p.year).measured(
        explanation,
        (share, params.min_share),
        thin.evidence,
    )
}
