//! `unverified_clearance` (high): a zero-employment household marked cleared
//! (动态清零) although none of its members has a job on record that day: no
//! member (persons with that `household_id`, in any community's ledger) has
//! an employment record starting no later than `grace_days` after
//! `cleared_on` and not ended before it. A clearance counts in the year whose
//! period P holds `cleared_on`; one finding per community and year lists its
//! unverified households.

use polars::prelude::*;

use super::lookup::counties;
use crate::frame::{dates, strings};
use crate::config::ranges::rules_struct;
use super::{Evidence, Finding, Inputs, KeyValue, Severity};
use crate::contract::{Table, record_number};
use crate::error::Result;
use crate::indicators::Period;
use crate::indicators::period::{days_between, within};

pub const ID: &str = "unverified_clearance";

/// The detector's name as the panel reads it.
pub const LABEL: &str = "零就业家庭清零无据";

/// The rule in one sentence, for the report's legend.
pub const RULE: &str = "零就业家庭标记为已清零，但没有家庭成员的就业登记能证明";

rules_struct! {
    /// The keys of `[detectors.unverified_clearance]` besides `enabled` (docs/rules.md);
    /// their defaults are in `pipelines/rules/default.toml`.
    pub struct Params {
        /// A member's job starting up to this many days after cleared_on verifies it.
        grace_days: i64 => count,
    }
}

const KEY: [&str; 3] = ["household_id", "community_code", "identified_on"];

/// Households cleared in P.
fn cleared_in(zero: LazyFrame, p: &Period) -> LazyFrame {
    zero.filter(col("cleared_on").is_not_null().and(within("cleared_on", p)))
        .select([
            col("household_id"),
            col("community_code"),
            col("identified_on"),
            col("cleared_on"),
        ])
}

/// Of the cleared households, those a member's employment record verifies:
/// it starts at the latest `grace_days` after `cleared_on` and has not ended
/// before `cleared_on`.
fn verified(
    cleared: LazyFrame,
    persons: LazyFrame,
    employment: LazyFrame,
    grace_days: i64,
) -> LazyFrame {
    // Only the cleared households' members matter: narrowed before the
    // ledger's (household, person) pairs are made distinct. Both tables hold
    // the household alike (`contract::held::share_holding`), as numbers or
    // as text, and are compared so.
    let members = persons
        .select([col("household_id"), col("person_id")])
        .semi_join(
            cleared.clone().select([col("household_id")]),
            col("household_id"),
            col("household_id"),
        )
        .unique(None, UniqueKeepStrategy::Any);
    let latest_start =
        days_between(col("cleared_on"), col("started_on")).lt_eq(lit(grace_days as i32));
    cleared
        .join(
            members.clone(),
            [col("household_id")],
            [col("household_id")],
            JoinArgs::new(JoinType::Inner),
        )
        .join(
            employment
                .select([col("person_id"), col("started_on"), col("ended_on")])
                .semi_join(members.clone(), col("person_id"), col("person_id")),
            [col("person_id")],
            [col("person_id")],
            JoinArgs::new(JoinType::Inner),
        )
        .filter(
            latest_start.and(
                col("ended_on")
                    .is_null()
                    .or(col("ended_on").gt_eq(col("cleared_on"))),
            ),
        )
        .select(KEY.map(col))
        .unique(None, UniqueKeepStrategy::Any)
}

pub fn detect(inputs: &Inputs, params: &Params) -> Result<Vec<Finding>> {
    let county = counties(inputs.communities)?;
    let mut findings = Vec::new();
    for p in inputs.periods() {
        let cleared = cleared_in(inputs.table(Table::ZeroHouseholds)?, p);
        let ok = verified(
            cleared.clone(),
            inputs.table(Table::Persons)?,
            inputs.table(Table::Employment)?,
            params.grace_days,
        );
        let total = cleared
            .clone()
            .group_by([col("community_code")])
            .agg([len().cast(DataType::Int64).alias("cleared_households")]);
        let df = cleared
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
            .collect()?;
        let codes = strings(&df, "community_code")?;
        let households = record_number::texts(&df, "household_id")?;
        let identified = dates(&df, "identified_on")?;
        let cleared_on = dates(&df, "cleared_on")?;
        let totals = crate::frame::ints(&df, "cleared_households")?;
        // Rows come sorted by community: one finding per run of equal codes
        // (text and evidence), which an expression cannot build.
        let mut i = 0;
        while i < df.height() {
            let code = codes[i].clone().unwrap_or_default();
            let mut evidence = Vec::new();
            let mut j = i;
            while j < df.height() && codes[j].as_deref() == Some(code.as_str()) {
                let (Some(h), Some(idd), Some(c)) = (&households[j], identified[j], cleared_on[j])
                else {
                    j += 1;
                    continue;
                };
                evidence.push(
                    Evidence::record_key(
                        "zero_households",
                        vec![
                            ("household_id", KeyValue::from(h.as_str())),
                            ("community_code", KeyValue::from(code.as_str())),
                            ("identified_on", KeyValue::from(idd)),
                        ],
                    )
                    .with_note(format!("{c} 标记消除，家庭成员无覆盖该日的就业登记")),
                );
                j += 1;
            }
            let n = evidence.len();
            findings.push(Finding {
                explanation: format!(
                    "{} 年标记消除的 {} 户零就业家庭中有 {n} 户找不到家庭成员在消除日仍在职、或在消除日后 {} 天内开始就业的就业登记",
                    p.year,
                    totals[i].unwrap_or_default(),
                    params.grace_days
                ),
                value: Some(n as f64),
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
