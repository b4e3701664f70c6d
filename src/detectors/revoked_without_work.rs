//! `revoked_without_work` (medium; high when corroborated): hardship
//! designations revoked just before the review year with nothing to explain
//! it, which leaves the persons out of both hardship figures' denominators
//! (`hardship_employment_rate`, `assistance_coverage`).
//!
//! For review year Y with S its first day, the revocations are the
//! community's designations with `revoked_on` in [S − `lookback_days`, S):
//! none of them overlaps P, so none is in Y's H. A revocation is
//! *unexplained* when its person had no employment record (any community)
//! starting within `grace_days` of `revoked_on` (a new job, before or after
//! it) nor one covering A (work at A, where the person would have counted
//! for the figure anyway), still
//! lived in the community (a ledger stay there active at `revoked_on` that
//! did not end within `grace_days` after it: not moved out, not deceased),
//! and was of working age at `revoked_on` (`[indicators]`, gender and birth
//! date from that stay). The community fires when at least `min_count` of
//! its revocations in the span, and at least `min_share` of them, are
//! unexplained.
//!
//! A yearly review drops persons for reasons the registry does not hold, so
//! the pattern alone is medium. It is high when at least `corroborated_share`
//! of the unexplained revocations contradict themselves in the records: the
//! person had an unemployment registration (any community) open at
//! `revoked_on`, or was designated again in the same community later.

use chrono::{Duration, NaiveDate};
use polars::prelude::*;

use std::collections::HashMap;

use super::listing::{Key, records_by_community};
use super::lookup::counties;
use super::signals::{how_many, note_with, reaches, severity, share_corroborates};
use super::{Evidence, Finding, Inputs};
use crate::config::rules::IndicatorRules;
use crate::config::ranges::rules_struct;
use crate::contract::Table;
use crate::error::Result;
use crate::frame::{bools, dates, ints, strings};
use crate::indicators::Period;
use crate::indicators::labor_force::working_age_on;
use crate::indicators::period::{age_on, covers, date, days_between};

pub const ID: &str = "revoked_without_work";

/// The detector's name as the panel reads it.
pub const LABEL: &str = "困难人员年前无故退出";

/// The rule in one sentence, for the report's legend.
pub fn rule() -> String {
    "年度开始前不久退出认定的就业困难人员中，较多人退出时既无就业、又仍在本社区且在劳动年龄内".into()
}

rules_struct! {
    /// The keys of `[detectors.revoked_without_work]` besides `enabled` (docs/rules.md);
    /// their defaults are in `pipelines/rules/default.toml`.
    pub struct Params {
        /// Revocations this many days before S, up to the day before it.
        lookback_days: i64 => days,
        /// A job starting up to this many days after revoked_on explains it;
        /// a ledger stay ending within this many days after it too.
        grace_days: i64 => count,
        /// At least this many unexplained revocations...
        min_count: i64 => count,
        /// ...and this share of the community's revocations in the span.
        min_share: f64 => fraction,
        /// High when at least this share of them are contradicted by a
        /// registration open at revoked_on or a later designation.
        corroborated_share: f64 => fraction,
    }
}

const KEY: [&str; 3] = ["person_id", "community_code", "designated_on"];

/// The first day of the span: S − lookback_days (S itself when the span
/// would leave the calendar).
fn span_start(p: &Period, lookback_days: i64) -> NaiveDate {
    Duration::try_days(lookback_days)
        .and_then(|d| p.start.checked_sub_signed(d))
        .unwrap_or(p.start)
}

/// The designations revoked in [S − lookback_days, S).
fn revoked(hardship: LazyFrame, p: &Period, lookback_days: i64) -> LazyFrame {
    hardship
        .filter(
            col("revoked_on")
                .is_not_null()
                .and(col("revoked_on").gt_eq(date(span_start(p, lookback_days))))
                .and(col("revoked_on").lt(date(p.start))),
        )
        .select([
            col("person_id"),
            col("community_code"),
            col("designated_on"),
            col("revoked_on"),
        ])
        .unique(Some(cols(KEY)), UniqueKeepStrategy::Any)
}

/// The keys of the revocations that match `other` on `on` and pass `keep`.
fn matching(revoked: &LazyFrame, other: LazyFrame, on: &[&str], keep: Expr) -> LazyFrame {
    revoked
        .clone()
        .join(
            other,
            on.iter().map(|c| col(*c)).collect::<Vec<_>>(),
            on.iter().map(|c| col(*c)).collect::<Vec<_>>(),
            JoinArgs::new(JoinType::Inner),
        )
        .filter(keep)
        .select(KEY.map(col))
        .unique(None, UniqueKeepStrategy::Any)
}

/// The table `t` as its `columns`, narrowed to the revoked persons.
fn narrowed(inputs: &Inputs, revoked: &LazyFrame, t: Table, columns: Vec<Expr>) -> Result<LazyFrame> {
    let persons = revoked.clone().select([col("person_id")]);
    Ok(inputs
        .table(t)?
        .select(columns)
        .semi_join(persons, col("person_id"), col("person_id")))
}

/// What explains a revocation, each as the keys it holds for: `worked` (a
/// new job around the revocation, or work at A, where the person would
/// have counted for the figure anyway; a job held since long before, ended
/// before A, explains nothing: the designation was kept through it) and the
/// opposite of what does, `stayed` (a ledger stay in the community
/// continuing past the grace, the person of working age then).
fn explanations(
    revoked: &LazyFrame,
    inputs: &Inputs,
    p: &Period,
    grace: Expr,
) -> Result<[(LazyFrame, &'static str); 2]> {
    let rules: &IndicatorRules = inputs.indicator_rules;
    let worked = matching(
        revoked,
        narrowed(
            inputs,
            revoked,
            Table::Employment,
            vec![col("person_id"), col("started_on"), col("ended_on")],
        )?,
        &["person_id"],
        days_between(col("revoked_on"), col("started_on"))
            .abs()
            .lt_eq(grace.clone())
            .or(covers(p.cutoff)),
    );
    let stay = vec![
        col("person_id"),
        col("community_code"),
        col("entered_on"),
        col("left_on"),
        col("birth_date"),
        col("gender"),
    ];
    let stayed = matching(
        revoked,
        narrowed(inputs, revoked, Table::Persons, stay)?,
        &["person_id", "community_code"],
        col("entered_on")
            .lt_eq(col("revoked_on"))
            .and(
                col("left_on")
                    .is_null()
                    .or(days_between(col("revoked_on"), col("left_on")).gt(grace)),
            )
            .and(working_age_on(age_on(col("revoked_on")), rules)),
    );
    Ok([(worked, "worked"), (stayed, "stayed")])
}

/// What contradicts a revocation, each as the keys it holds for:
/// `registered` (a registration open at revoked_on) and `redesignated` (a
/// later designation in the community).
fn contradictions(revoked: &LazyFrame, inputs: &Inputs) -> Result<[(LazyFrame, &'static str); 2]> {
    let registered = matching(
        revoked,
        narrowed(
            inputs,
            revoked,
            Table::Unemployment,
            vec![col("person_id"), col("registered_on"), col("ended_on")],
        )?,
        &["person_id"],
        col("registered_on").lt_eq(col("revoked_on")).and(
            col("ended_on")
                .is_null()
                .or(col("ended_on").gt(col("revoked_on"))),
        ),
    );
    let again = vec![
        col("person_id"),
        col("community_code"),
        col("designated_on").alias("again_on"),
    ];
    let redesignated = matching(
        revoked,
        narrowed(inputs, revoked, Table::Hardship, again)?,
        &["person_id", "community_code"],
        col("again_on").gt(col("revoked_on")),
    );
    Ok([(registered, "registered"), (redesignated, "redesignated")])
}

/// Each revocation with `unexplained`, `registered` (a registration open at
/// revoked_on) and `redesignated` (a later designation in the community).
fn judged(
    revoked: LazyFrame,
    inputs: &Inputs,
    p: &Period,
    grace_days: i64,
) -> Result<LazyFrame> {
    let grace = lit(grace_days.clamp(0, 1 << 30) as i32);
    let [worked, stayed] = explanations(&revoked, inputs, p, grace)?;
    let [registered, redesignated] = contradictions(&revoked, inputs)?;
    let mut out = revoked;
    for (frame, name) in [worked, stayed, registered, redesignated] {
        out = out
            .join(
                frame.with_column(lit(true).alias(name)),
                KEY.map(col),
                KEY.map(col),
                JoinArgs::new(JoinType::Left),
            )
            .with_column(col(name).fill_null(lit(false)));
    }
    Ok(out.with_column(
        col("stayed")
            .and(col("worked").not())
            .alias("unexplained"),
    ))
}

/// Per community reaching both thresholds: `revoked`, `unexplained_count`,
/// `contradicted` (unexplained revocations with a registration open at
/// revoked_on or a later designation).
fn firing(judged: LazyFrame, params: &Params) -> LazyFrame {
    judged
        .group_by([col("community_code")])
        .agg([
            len().cast(DataType::Int64).alias("revoked"),
            how_many(col("unexplained")).alias("unexplained_count"),
            how_many(col("unexplained").and(col("registered").or(col("redesignated"))))
                .alias("contradicted"),
        ])
        .filter(reaches(
            "unexplained_count",
            "revoked",
            params.min_count,
            params.min_share,
        ))
}

pub fn detect(inputs: &Inputs, params: &Params) -> Result<Vec<Finding>> {
    let county = counties(inputs.communities)?;
    let mut findings = Vec::new();
    for p in inputs.periods() {
        let all = judged(
            revoked(inputs.table(Table::Hardship)?, p, params.lookback_days),
            inputs,
            p,
            params.grace_days,
        )?
        .collect()?;
        let fired = firing(all.clone().lazy(), params)
            .sort(["community_code"], SortMultipleOptions::default())
            .collect()?;
        if fired.height() == 0 {
            continue;
        }
        let rows = all
            .lazy()
            .filter(col("unexplained"))
            .semi_join(fired.clone().lazy(), col("community_code"), col("community_code"))
            .sort(
                ["community_code", "revoked_on", "person_id", "designated_on"],
                SortMultipleOptions::default(),
            )
            .collect()?;
        let mut evidence = unexplained_records(&rows, params)?;
        let fired_codes = strings(&fired, "community_code")?;
        let (total, unexplained, contradicted) = (
            ints(&fired, "revoked")?,
            ints(&fired, "unexplained_count")?,
            ints(&fired, "contradicted")?,
        );
        for i in 0..fired.height() {
            let Some(code) = &fired_codes[i] else { continue };
            let counts = (
                total[i].unwrap_or_default(),
                unexplained[i].unwrap_or_default(),
                contradicted[i].unwrap_or_default(),
            );
            let evidence = evidence.remove(code).unwrap_or_default();
            findings.push(finding(code, p, params, counts, evidence, &county));
        }
    }
    Ok(findings)
}

/// Per community, its unexplained revocations as evidence.
fn unexplained_records(rows: &DataFrame, params: &Params) -> Result<HashMap<String, Vec<Evidence>>> {
    let revoked_on = dates(rows, "revoked_on")?;
    let (registered, again) = (bools(rows, "registered")?, bools(rows, "redesignated")?);
    let key = [
        ("person_id", Key::Person("person_id")),
        ("community_code", Key::Text("community_code")),
        ("designated_on", Key::Date("designated_on")),
    ];
    let listed = records_by_community(rows, "hardship", &key, |j| {
        let r = revoked_on[j].map(|d| d.to_string()).unwrap_or_default();
        note_with(
            format!(
                "{r} 退出认定，其时无就业、仍住本社区且在劳动年龄内，{} 天内未就业",
                params.grace_days
            ),
            [
                (registered[j] == Some(true), "；退出时失业登记未注销".into()),
                (again[j] == Some(true), "；其后又被本社区重新认定".into()),
            ],
        )
    })?;
    Ok(listed.into_iter().collect())
}

/// The finding of one firing community: (revoked, unexplained, contradicted).
fn finding(
    code: &str,
    p: &Period,
    params: &Params,
    (n, k, c): (i64, i64, i64),
    evidence: Vec<Evidence>,
    county: &HashMap<String, String>,
) -> Finding {
    let (corroborated, signal) = share_corroborates(
        (c, k),
        params.corroborated_share,
        || format!("；其中 {c} 人退出时仍有未注销的失业登记或其后又被本社区重新认定"),
        || format!("；其中 {c} 人退出时仍有失业登记或其后被重新认定"),
    );
    let from = span_start(p, params.lookback_days);
    let to = p.start.pred_opt().unwrap_or(p.start);
    let explanation = format!(
        "{from} 至 {to}（{} 年开始前 {} 天内）退出认定的 {n} 名就业困难人员中有 {k} 人（{:.0}%）退出时无就业记录、仍住本社区且在劳动年龄内，使其不计入 {} 年的就业困难人员{signal}",
        p.year,
        params.lookback_days,
        k as f64 / n as f64 * 100.0,
        p.year,
    );
    Finding::community(ID, severity(corroborated), code, county, p.year).measured(
        explanation,
        (k as f64 / n as f64, params.min_share),
        evidence,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_span_is_the_lookback_days_before_the_year() {
        let p = crate::indicators::period::periods(
            NaiveDate::from_ymd_opt(2021, 12, 31).unwrap(),
            Some(&[2021]),
        )
        .unwrap()[0];
        // 90 days before 1 January 2021: 3 October 2020.
        assert_eq!(
            span_start(&p, 90),
            NaiveDate::from_ymd_opt(2020, 10, 3).unwrap()
        );
        assert_eq!(span_start(&p, i64::MAX), p.start);
    }
}
