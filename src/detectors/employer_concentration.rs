//! `employer_concentration` (medium): one employer behind many of the
//! community's counted re-employment starts, or a counted employer whose
//! unified social credit code fails GB 32100.
//!
//! The counted starts are those behind `reemployed_in_period`: each counted
//! person's earliest qualifying employment record (`counted::reemployment_counts`),
//! in whichever community it was registered. An employer is named by its
//! credit code, or by its name where the record has no code; a record with
//! neither (flexible work, mostly) counts in the denominator only. A
//! community fires when one employer holds at least `max_share` and at least
//! `min_count` of its counted starts; separately, when any counted start is at
//! an employer whose code fails its check character (a code nobody could have
//! registered).

use polars::prelude::*;

use super::lookup::counties;
use crate::frame::{floats, ints, string_lists, strings};
use crate::config::ranges::rules_struct;
use super::{Evidence, Finding, Inputs, Severity};
use crate::contract::{Table, record_number};
use crate::error::Result;
use crate::indicators::Period;
use crate::contract::names::chinese;
use crate::indicators::period::within;
use super::signals::code_fails;

pub const ID: &str = "employer_concentration";

/// The detector's name as the panel reads it.
pub const LABEL: &str = "用人单位过度集中";

/// The rule in one sentence, for the report's legend.
pub fn rule() -> String {
    "社区计入的再就业人员过多集中于一个用人单位，或该单位的统一社会信用代码不合法".into()
}

rules_struct! {
    /// The keys of `[detectors.employer_concentration]` besides `enabled` (docs/rules.md);
    /// their defaults are in `pipelines/rules/default.toml`.
    pub struct Params {
        /// The employer's share of the counted starts.
        max_share: f64 => fraction,
        /// And at least this many of them.
        min_count: i64 => count,
    }
}

/// The counted starts of each community with their employer: community_code,
/// record_id, employer (code, else name; null for none), employer_name,
/// employer_code, code_fails (the code is present and fails GB 32100).
fn counted_with_employer(inputs: &Inputs, p: &Period) -> Result<LazyFrame> {
    let employment = inputs.table(Table::Employment)?;
    let counted = inputs
        .reemployment_counts(p)?
        .select([col("community_code"), col("record_id")]);
    // A counted start lies in P: the records starting in P are enough.
    // The employer columns are held as categories (`contract::held`),
    // joined as such and text again for the counted records only.
    let employers = employment.filter(within("started_on", p)).select([
        col("record_id"),
        col("employer_name"),
        col("employer_code"),
        code_fails()
            .alias("code_fails"),
    ]);
    Ok(counted
        .join(
            employers,
            [col("record_id")],
            [col("record_id")],
            JoinArgs::new(JoinType::Left),
        )
        .with_columns([
            col("employer_name").cast(DataType::String),
            col("employer_code").cast(DataType::String),
        ])
        .with_column(coalesce(&[col("employer_code"), col("employer_name")]).alias("employer")))
}

/// Per community and employer: `starts` (the community's counted starts),
/// `at_employer`, `share`, the employer's name and code and its records;
/// only employers at or above both limits.
fn concentrated(counted: LazyFrame, params: &Params) -> LazyFrame {
    let totals = counted
        .clone()
        .group_by([col("community_code")])
        .agg([len().cast(DataType::Int64).alias("starts")]);
    counted
        .filter(col("employer").is_not_null())
        .group_by([col("community_code"), col("employer")])
        .agg([
            len().cast(DataType::Int64).alias("at_employer"),
            // The smallest, not the first: a group's row order is not fixed.
            col("employer_name").min().alias("employer_name"),
            // The smallest, not the first: a group's row order is not fixed.
            col("employer_code").min().alias("employer_code"),
            col("record_id")
                .sort(SortOptions::default())
                .alias("records"),
        ])
        .join(
            totals,
            [col("community_code")],
            [col("community_code")],
            JoinArgs::new(JoinType::Inner),
        )
        .with_column(
            (col("at_employer").cast(DataType::Float64) / col("starts").cast(DataType::Float64))
                .alias("share"),
        )
        .filter(
            col("at_employer")
                .gt_eq(lit(params.min_count))
                .and(col("share").gt_eq(lit(params.max_share))),
        )
        .sort(
            ["community_code", "employer"],
            SortMultipleOptions::default(),
        )
}

/// Per community: the counted starts at employers whose code fails GB 32100,
/// with the failing codes.
fn failing_codes(counted: LazyFrame) -> LazyFrame {
    counted
        .filter(col("code_fails"))
        .group_by([col("community_code")])
        .agg([
            len().cast(DataType::Int64).alias("failing"),
            col("employer_code")
                .unique()
                .sort(SortOptions::default())
                .alias("codes"),
            col("record_id")
                .sort(SortOptions::default())
                .alias("records"),
        ])
        .sort(["community_code"], SortMultipleOptions::default())
}

fn records(ids: &[String], note: Option<&str>) -> Vec<Evidence> {
    ids.iter()
        .map(|r| {
            let e = Evidence::record("employment", "record_id", r.as_str());
            match note {
                Some(n) => e.with_note(n),
                None => e,
            }
        })
        .collect()
}

pub fn detect(inputs: &Inputs, params: &Params) -> Result<Vec<Finding>> {
    let county = counties(inputs.communities)?;
    let mut findings = Vec::new();
    for p in inputs.periods() {
        let counted = counted_with_employer(inputs, p)?.collect()?;
        let df = concentrated(counted.clone().lazy(), params).collect()?;
        let codes = strings(&df, "community_code")?;
        let (names, credit) = (
            strings(&df, "employer_name")?,
            strings(&df, "employer_code")?,
        );
        let (n, k, share) = (
            ints(&df, "starts")?,
            ints(&df, "at_employer")?,
            floats(&df, "share")?,
        );
        let recs = record_number::text_lists(&df, "records")?;
        for i in 0..df.height() {
            let Some(code) = &codes[i] else { continue };
            let (n, k, share) = (
                n[i].unwrap_or_default(),
                k[i].unwrap_or_default(),
                share[i].unwrap_or_default(),
            );
            let employer = match (&names[i], &credit[i]) {
                (Some(name), Some(c)) => format!("「{name}」（统一社会信用代码 {c}）"),
                (Some(name), None) => format!("「{name}」（无统一社会信用代码）"),
                (None, Some(c)) => format!("统一社会信用代码 {c} 的单位"),
                (None, None) => "同一单位".to_string(),
            };
            findings.push(Finding {
                explanation: format!(
                    "{} 年计入{}的 {n} 个就业中有 {k} 个（{:.0}%）在{employer}，达到 {:.0}% 且不少于 {} 个的界限",
                    p.year,
                    chinese("reemployment_rate"),
                    share * 100.0,
                    params.max_share * 100.0,
                    params.min_count,
                ),
                value: Some(share),
                threshold: Some(params.max_share),
                p_value: None,
                evidence: records(&recs[i], None),
                ..Finding::community(ID, Severity::Medium, code, &county, p.year)
            });
        }

        let df = failing_codes(counted.lazy()).collect()?;
        let codes = strings(&df, "community_code")?;
        let failing = ints(&df, "failing")?;
        let bad = string_lists(&df, "codes")?;
        let recs = record_number::text_lists(&df, "records")?;
        for i in 0..df.height() {
            let Some(code) = &codes[i] else { continue };
            let k = failing[i].unwrap_or_default();
            findings.push(Finding {
                explanation: format!(
                    "{} 年计入{}的就业中有 {k} 个的用人单位统一社会信用代码校验位错误（GB 32100）：{}",
                    p.year,
                    chinese("reemployment_rate"),
                    bad[i].join("、"),
                ),
                value: Some(k as f64),
                threshold: Some(1.0),
                p_value: None,
                evidence: records(&recs[i], Some("统一社会信用代码校验位错误")),
                ..Finding::community(ID, Severity::Medium, code, &county, p.year)
            });
        }
    }
    Ok(findings)
}
