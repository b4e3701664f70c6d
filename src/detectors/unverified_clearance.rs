//! `unverified_clearance` (high): a zero-employment household marked cleared
//! (动态清零) although none of its members has a job on record that day: no
//! member (persons with that `household_id`, in any community's ledger) has
//! an employment record starting no later than `grace_days` after
//! `cleared_on` and not ended before it. A clearance counts in the year whose
//! period P holds `cleared_on`; one finding per community and year lists its
//! unverified households.

use std::collections::HashMap;

use polars::prelude::*;

use super::listing::{HOUSEHOLD, records_by_community};
use super::lookup::counties;
use super::{Finding, Inputs, Severity};
use crate::config::ranges::rules_struct;
use crate::contract::Table;
use crate::error::Result;
use crate::frame::{dates, ints, strings};
use crate::indicators::Period;
use crate::indicators::evidence::{clearance_backing, cleared_in};

pub const ID: &str = "unverified_clearance";

/// The detector's name as the panel reads it.
pub const LABEL: &str = "零就业家庭清零无据";

/// The rule in one sentence, for the report's legend.
pub fn rule() -> String {
    "零就业家庭标记为已清零，但没有家庭成员的就业登记能证明".into()
}

rules_struct! {
    /// The keys of `[detectors.unverified_clearance]` besides `enabled` (docs/rules.md);
    /// their defaults are in `pipelines/rules/default.toml`.
    pub struct Params {
        /// A member's job starting up to this many days after cleared_on verifies it.
        grace_days: i64 => count,
    }
}

const KEY: [&str; 3] = ["household_id", "community_code", "identified_on"];

/// The jobs that back the clearances of P, read from the extract
/// (`indicators::evidence::clearance_backing`, the one definition the
/// evidence figure shares): the cleared household's key and cleared_on,
/// with `columns` of each backing employment record (`person_id`,
/// `started_on` and `ended_on` among them). `thin_clearance` judges the same
/// jobs.
pub(super) fn backing_jobs(
    inputs: &Inputs,
    p: &Period,
    grace_days: i64,
    columns: Vec<Expr>,
) -> Result<LazyFrame> {
    Ok(clearance_backing(
        inputs.table(Table::ZeroHouseholds)?,
        inputs.table(Table::Persons)?,
        inputs.table(Table::Employment)?.select(columns),
        p,
        grace_days,
    ))
}

/// Of the cleared households of P, those a member's employment record
/// verifies, by their key.
fn verified(inputs: &Inputs, p: &Period, grace_days: i64) -> Result<LazyFrame> {
    let span = vec![col("person_id"), col("started_on"), col("ended_on")];
    Ok(backing_jobs(inputs, p, grace_days, span)?
        .select(KEY.map(col))
        .unique(None, UniqueKeepStrategy::Any))
}

/// The households cleared in P that nothing verifies, sorted by community,
/// each with its community's `cleared_households`.
fn unverified(inputs: &Inputs, p: &Period, grace_days: i64) -> Result<DataFrame> {
    let cleared = cleared_in(inputs.table(Table::ZeroHouseholds)?, p);
    let ok = verified(inputs, p, grace_days)?;
    let total = cleared
        .clone()
        .group_by([col("community_code")])
        .agg([len().cast(DataType::Int64).alias("cleared_households")]);
    Ok(cleared
        .join(
            ok,
            KEY.map(col),
            KEY.map(col),
            JoinArgs::new(JoinType::Anti),
        )
        .join(
            total,
            [col("community_code")],
            [col("community_code")],
            JoinArgs::new(JoinType::Left),
        )
        .sort(
            ["community_code", "household_id", "identified_on"],
            SortMultipleOptions::default(),
        )
        .collect()?)
}

pub fn detect(inputs: &Inputs, params: &Params) -> Result<Vec<Finding>> {
    let county = counties(inputs.communities)?;
    let mut findings = Vec::new();
    for p in inputs.periods() {
        let df = unverified(inputs, p, params.grace_days)?;
        let cleared_on = dates(&df, "cleared_on")?;
        let totals: HashMap<String, i64> = strings(&df, "community_code")?
            .into_iter()
            .zip(ints(&df, "cleared_households")?)
            .filter_map(|(c, n)| Some((c?, n.unwrap_or_default())))
            .collect();
        let listed = records_by_community(&df, "zero_households", &HOUSEHOLD, |i| {
            let on = cleared_on[i].map(|d| d.to_string()).unwrap_or_default();
            format!("{on} 标记消除，家庭成员无覆盖该日的就业登记")
        })?;
        for (code, evidence) in listed {
            let n = evidence.len();
            findings.push(Finding {
                explanation: format!(
                    "{} 年标记消除的 {} 户零就业家庭中有 {n} 户找不到家庭成员在消除日仍在职、或在消除日后 {} 天内开始就业的就业登记",
                    p.year,
                    totals.get(&code).copied().unwrap_or_default(),
                    params.grace_days
                ),
                value: Some(n as f64),
                threshold: Some(0.0),
                p_value: None,
                evidence,
                ..Finding::community(ID, Severity::High, &code, &county, p.year)
            });
        }
    }
    Ok(findings)
}
