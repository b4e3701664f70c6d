//! `ends_after_cutoff` (medium; high when corroborated): the jobs behind
//! `hardship_employed` end just after the cut-off A. The figure counts a
//! designated person employed *at A*; a job kept open over A and closed days
//! later is employment on paper for the one day that is counted.
//!
//! For each person counted in `hardship_employed` (`counted`), whether every
//! record of theirs covering A ended within `after_days` after A (where the
//! extract reaches past A; otherwise nothing can be judged). Jobs do end at
//! any time of the year, so some endings just after A are honest: the
//! community fires when at least `min_count` of its counted persons lost
//! their job that soon and that many is beyond chance, an exact one-sided
//! binomial test against `base_share` (the share of jobs an honest registry
//! sees end within `after_days` of any given day) giving p < `alpha`.
//!
//! Alone that is medium. High when a second signal holds for at least
//! `corroborating_share` of those persons: the ending jobs were keyed more
//! than `late_keying_days` after they started (written up after the fact),
//! or lie at employers whose code fails GB 32100 or who employ no one else.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate};
use polars::prelude::*;

use super::listing::tally_by_community;
use super::lookup::counties;
use super::significance::{CountedTest, above_chance};
use super::signals::{SHELL_NOTE, corroborated, extract_end, holding, note_with, record_facts};
use super::{Evidence, Finding, Inputs};
use crate::config::ranges::rules_struct;
use crate::contract::{Table, record_number};
use crate::error::Result;
use crate::frame::{bools, dates, ints, strings};
use crate::indicators::Period;
use crate::contract::names::chinese;
use crate::indicators::period::{covers, date, days_between};

pub const ID: &str = "ends_after_cutoff";

/// The detector's name as the panel reads it.
pub const LABEL: &str = "困难人员就业截止日后即终止";

/// The rule in one sentence, for the report's legend.
pub fn rule() -> String {
    let figure = chinese("hardship_employment_rate");
    format!("计入{figure}的就业，较多在截止日后很快终止，只在截止日当天“在岗”")
}

rules_struct! {
    /// The keys of `[detectors.ends_after_cutoff]` besides `enabled` (docs/rules.md);
    /// their defaults are in `pipelines/rules/default.toml`.
    pub struct Params {
        /// Ended within this many days after A: soon.
        after_days: i64 => days,
        /// At least this many counted persons whose jobs ended that soon...
        min_count: i64 => count,
        /// ...more than chance allows against this honest share...
        base_share: f64 => fraction,
        /// ...at this significance level (exact one-sided binomial test).
        alpha: f64 => alpha,
        /// Keyed more than this many days after the job started: after the
        /// fact, one of the second signals.
        late_keying_days: i64 => count,
        /// A second signal corroborates when it holds for this share of them.
        corroborating_share: f64 => fraction,
    }
}

/// Per counted person of `hardship_employed`: their records covering A with
/// `ends_soon` (ended within `after_days` after A), `late`, `shell`; and per
/// community the counted persons (`counted`).
fn covering(inputs: &Inputs, p: &Period, params: &Params) -> Result<LazyFrame> {
    let counted = inputs
        .hardship_counts(p)?
        .select([col("community_code"), col("person_id")])
        .unique(None, UniqueKeepStrategy::Any);
    let totals = counted
        .clone()
        .group_by([col("community_code")])
        .agg([len().cast(DataType::Int64).alias("counted")]);
    let soon = date(p.cutoff + Duration::days(params.after_days.clamp(1, 36_500)));
    let covering_a = inputs.table(Table::Employment)?.filter(covers(p.cutoff));
    Ok(super::narrow::with_jobs(counted, covering_a)
        .with_column(
            col("ended_on")
                .is_not_null()
                .and(col("ended_on").lt_eq(soon))
                .alias("ends_soon"),
        )
        .join(
            totals,
            [col("community_code")],
            [col("community_code")],
            JoinArgs::new(JoinType::Inner),
        ))
}

/// The ending records with their second signals (`late`, `shell`), looked
/// up for those few records only.
fn with_signals(inputs: &Inputs, ending: LazyFrame, params: &Params) -> Result<LazyFrame> {
    let facts = record_facts(inputs, ending.clone().select([col("record_id")]))?;
    let late = days_between(col("started_on"), col("keyed_on"))
        .gt(lit(params.late_keying_days.clamp(0, i64::from(i32::MAX)) as i32))
        .fill_null(lit(false));
    Ok(ending
        .join(
            facts.select([col("record_id"), col("keyed_on"), col("shell")]),
            [col("record_id")],
            [col("record_id")],
            JoinArgs::new(JoinType::Left),
        )
        .with_columns([late.alias("late"), col("shell").fill_null(lit(false))])
        .sort(
            ["community_code", "person_id", "started_on", "record_id"],
            SortMultipleOptions::default(),
        ))
}

/// The persons all of whose covering records end soon, in communities with
/// at least `min_count` of them: their records, sorted.
fn ending(covering: LazyFrame, params: &Params) -> LazyFrame {
    let person = [col("community_code"), col("person_id")];
    let all_soon = covering
        .clone()
        .group_by(person.clone())
        .agg([col("ends_soon").all(true).alias("all_soon")])
        .filter(col("all_soon"));
    let communities = all_soon
        .clone()
        .group_by([col("community_code")])
        .agg([len().cast(DataType::Int64).alias("ending")])
        .filter(col("ending").gt_eq(lit(params.min_count)));
    let ending = covering
        .join(
            all_soon,
            person.clone(),
            person,
            JoinArgs::new(JoinType::Inner),
        );
    super::narrow::in_communities(
        ending,
        communities,
        &["community_code", "person_id", "started_on", "record_id"],
    )
}

#[derive(Default)]
struct Ending {
    counted: i64,
    persons: BTreeMap<String, (bool, bool)>,
    evidence: Vec<Evidence>,
}

pub fn detect(inputs: &Inputs, params: &Params) -> Result<Vec<Finding>> {
    let county = counties(inputs.communities)?;
    let end = extract_end(inputs)?;
    let mut findings = Vec::new();
    for p in inputs.periods() {
        // Whether a job ended soon after A shows only in an extract that
        // reaches that far.
        let horizon: NaiveDate = p.cutoff + Duration::days(params.after_days.clamp(1, 36_500));
        if end.is_none_or(|e| e < horizon) {
            continue;
        }
        let ending = ending(covering(inputs, p, params)?, params).collect()?;
        let df = with_signals(inputs, ending.lazy(), params)?.collect()?;
        let count = |e: &Ending| (e.persons.len(), e.counted);
        let tallies = tallied(&df, p, params)?;
        for (code, e, p_value) in above_chance(tallies, count, params.base_share, params.alpha) {
            findings.push(finding(&code, e, p_value, p, params, &county));
        }
    }
    Ok(findings)
}

/// Per community, its ending persons with their signals and their records
/// as evidence (Rust: an expression cannot build the evidence).
fn tallied(df: &DataFrame, p: &Period, params: &Params) -> Result<BTreeMap<String, Ending>> {
    let persons = strings(df, "person_id")?;
    let records = record_number::texts(df, "record_id")?;
    let (started, ended) = (dates(df, "started_on")?, dates(df, "ended_on")?);
    let (late, shell) = (bools(df, "late")?, bools(df, "shell")?);
    let counted = ints(df, "counted")?;
    tally_by_community(df, |e: &mut Ending, i| {
        let Some(person) = &persons[i] else { return };
        e.counted = counted[i].unwrap_or_default();
        let (l, s) = (late[i].unwrap_or(false), shell[i].unwrap_or(false));
        let flags = e.persons.entry(person.clone()).or_default();
        flags.0 |= l;
        flags.1 |= s;
        let (Some(start), Some(stop)) = (started[i], ended[i]) else {
            return;
        };
        let note = note_with(
            format!(
                "{start} 开始，{stop} 终止（截止日后 {} 天）",
                (stop - p.cutoff).num_days()
            ),
            [
                (l, format!("，开始 {} 天以后才录入", params.late_keying_days)),
                (s, SHELL_NOTE.into()),
            ],
        );
        let record = records[i].clone().unwrap_or_default();
        e.evidence
            .push(Evidence::record("employment", "record_id", record).with_note(note));
    })
}

fn finding(
    code: &str,
    e: Ending,
    p_value: f64,
    p: &Period,
    params: &Params,
    county: &std::collections::HashMap<String, String>,
) -> Finding {
    let k = e.persons.len();
    let late = e.persons.values().filter(|f| f.0).count();
    let shell = e.persons.values().filter(|f| f.1).count();
    let signals = holding(
        k,
        params.corroborating_share,
        [
            (
                late,
                format!(
                    "{k} 人中 {late} 人的就业在开始 {} 天以后才录入",
                    params.late_keying_days
                ),
            ),
            (
                shell,
                format!("{k} 人中 {shell} 人的用人单位代码校验失败或别无他人受雇"),
            ),
        ],
    );
    let (severity, corroboration) = corroborated(signals, "仅终止时点异常，建议核查这些人员截止日前后的实际就业");
    let test = CountedTest::new(
        "hardship_employment_rate",
        (k, e.counted),
        (params.base_share, p_value),
    );
    let pattern = format!(
        "截止日 {} 在岗的就业均在其后 {} 天内终止",
        p.cutoff, params.after_days
    );
    test.finding(
        Finding::community(ID, severity, code, county, p.year),
        &pattern,
        &corroboration,
        e.evidence,
    )
}
