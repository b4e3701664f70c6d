//! `claimed_vs_registry` (high): an application claims better figures than the
//! registry holds. Three comparisons, each its own finding:
//!
//! - a claimed rate (`reemployment_rate`, `hardship_employment_rate`) above
//!   the registry's by more than `tolerance_pp` percentage points;
//! - claimed new jobs above the registry's `new_jobs` by more than
//!   `new_jobs_tolerance_share` of it and more than
//!   `new_jobs_tolerance_persons`;
//! - fewer open zero-employment households claimed than the registry has open
//!   at A.
//!
//! A null claim or a null registry rate (nobody in its denominator) is not
//! compared. Without the optional `applications` table nothing is compared.
//!
//! Evidence: the application, and the registry's records that contradict the
//! claim: the registrations whose person is not counted as re-employed, the
//! designations whose person has no job at A, the households still open at A.

use std::collections::{HashMap, HashSet};

use polars::prelude::*;

use super::listing::{DESIGNATION, HOUSEHOLD, Key, REGISTRATION, records_by_community};
use super::lookup::counties;
use crate::frame::{floats, ints, strings};
use crate::config::ranges::rules_struct;
use super::narrow::{PERSON_TEXT, person_text};
use super::tolerance;
use super::{Evidence, Finding, Inputs, KeyValue, Severity};
use crate::contract::Table;
use crate::error::Result;
use crate::indicators::Period;
use crate::contract::names::chinese;
use crate::indicators::period::overlaps;
use crate::indicators::unemployment::registrations_in_period;
use crate::indicators::zero_households::households_in_period;

pub const ID: &str = "claimed_vs_registry";

/// The detector's name as the panel reads it.
pub const LABEL: &str = "自报数据与台账不符";

/// The rule in one sentence, for the report's legend.
pub fn rule() -> String {
    format!(
        "申报表自报的就业率、新增就业或{}与台账算出的不符（超出容差）",
        chinese("zero_households")
    )
}

rules_struct! {
    /// The keys of `[detectors.claimed_vs_registry]` besides `enabled` (docs/rules.md);
    /// their defaults are in `pipelines/rules/default.toml`.
    pub struct Params {
        /// A claimed rate may exceed the registry's by at most this many percentage points.
        tolerance_pp: f64 => non_negative,
        /// Claimed new jobs may exceed the registry's by at most this share of it...
        new_jobs_tolerance_share: f64 => non_negative,
        /// ...or this many persons: it fires only above both.
        new_jobs_tolerance_persons: i64 => count,
    }
}

/// Slack for comparing the claimed new jobs with the allowance computed as a
/// share (rates are compared through `tolerance`).
const EPSILON: f64 = 1e-9;

/// Applications of the review years beside the registry's figures of the
/// same community and year.
fn claims_beside_registry(applications: LazyFrame, indicators: LazyFrame) -> LazyFrame {
    applications
        .select([
            col("community_code"),
            col("year").cast(DataType::Int64),
            col("claimed_reemployment_rate").cast(DataType::Float64),
            col("claimed_hardship_employment_rate").cast(DataType::Float64),
            col("claimed_new_jobs").cast(DataType::Int64),
            col("claimed_zero_households").cast(DataType::Int64),
        ])
        .join(
            indicators.select([
                col("community_code"),
                col("year"),
                col("reemployment_rate"),
                col("reemployed_in_period"),
                col("unemployed_in_period"),
                col("hardship_employment_rate"),
                col("hardship_employed"),
                col("hardship_persons"),
                col("new_jobs"),
                col("zero_households_open"),
            ]),
            [col("community_code"), col("year")],
            [col("community_code"), col("year")],
            JoinArgs::new(JoinType::Inner),
        )
}

/// Rows whose claimed rate exceeds the registry's by more than the tolerance:
/// `excess_pp` = (claimed − registry) × 100.
fn rate_excess(frame: LazyFrame, claimed: &str, registry: &str, tolerance_pp: f64) -> LazyFrame {
    frame
        .with_column(tolerance::excess_pp_expr(col(claimed), col(registry)).alias("excess_pp"))
        .filter(tolerance::exceeds_expr(col("excess_pp"), tolerance_pp))
}

/// Rows whose claimed new jobs exceed the registry's by more than both
/// tolerances: `excess` = claimed − registry, `allowed` = max(share ×
/// registry, persons).
fn new_jobs_excess(frame: LazyFrame, params: &Params) -> LazyFrame {
    let share = col("new_jobs").cast(DataType::Float64) * lit(params.new_jobs_tolerance_share);
    let persons = lit(params.new_jobs_tolerance_persons as f64);
    frame
        .with_columns([
            (col("claimed_new_jobs") - col("new_jobs"))
                .cast(DataType::Float64)
                .alias("excess"),
            when(share.clone().gt(persons.clone()))
                .then(share)
                .otherwise(persons)
                .alias("allowed"),
        ])
        .filter(col("excess").gt(col("allowed") + lit(EPSILON)))
}

/// Rows claiming fewer open zero-employment households than the registry has
/// open at A.
fn zero_households_hidden(frame: LazyFrame) -> LazyFrame {
    frame.filter(col("claimed_zero_households").lt(col("zero_households_open")))
}

fn application(code: &str, year: i64) -> Evidence {
    Evidence::record_key(
        "applications",
        vec![
            ("community_code", KeyValue::from(code)),
            ("year", KeyValue::Text(year.to_string())),
        ],
    )
}

/// Which figure a comparison is about, to find the records behind it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Figure {
    Reemployment,
    Hardship,
    ZeroHouseholds,
}

/// The communities of `wanted` with a failed comparison of `figure` in
/// `year`, as a frame to narrow the registry's records to.
fn wanted_codes(
    wanted: &HashSet<(i32, String, Figure)>,
    year: i32,
    figure: Figure,
) -> Result<LazyFrame> {
    let mut codes: Vec<&str> = wanted
        .iter()
        .filter(|(y, _, f)| *y == year && *f == figure)
        .map(|(_, c, _)| c.as_str())
        .collect();
    codes.sort_unstable();
    Ok(DataFrame::new(
        codes.len(),
        vec![Column::new("community_code".into(), codes)],
    )?
    .lazy())
}

impl Figure {
    /// The registry's records of P that contradict an inflated claim of
    /// this figure, in the communities of `codes`, sorted by community: the
    /// registrations of U whose person the registry does not count as
    /// re-employed; the designations of H whose person has no job covering
    /// A; the zero households still open at A.
    fn contradicting(self, inputs: &Inputs, p: &Period, codes: LazyFrame) -> Result<LazyFrame> {
        let keys = || [col("community_code"), col("person_id")];
        let of = |frame: LazyFrame| frame.semi_join(codes, col("community_code"), col("community_code"));
        let not_counted = |frame: LazyFrame, counted: LazyFrame| {
            frame.join(counted.select(keys()), keys(), keys(), JoinArgs::new(JoinType::Anti))
        };
        Ok(match self {
            Figure::Reemployment => not_counted(
                of(registrations_in_period(inputs.table(Table::Unemployment)?, p)),
                inputs.reemployment_counts(p)?,
            )
            .sort(["community_code", "registration_id"], SortMultipleOptions::default()),
            Figure::Hardship => not_counted(
                of(inputs
                    .table(Table::Hardship)?
                    .filter(overlaps("designated_on", "revoked_on", p))),
                inputs.hardship_counts(p)?,
            )
            .with_column(person_text())
            .sort(
                ["community_code", PERSON_TEXT, "designated_on"],
                SortMultipleOptions::default(),
            ),
            Figure::ZeroHouseholds => of(households_in_period(
                inputs.table(Table::ZeroHouseholds)?,
                p,
            ))
            .filter(col("open_at_cutoff"))
            .sort(
                ["community_code", "household_id", "identified_on"],
                SortMultipleOptions::default(),
            ),
        })
    }

    /// How the contradicting records are listed: their table, key and note.
    fn listed_as(self) -> (&'static str, &'static [(&'static str, Key)], &'static str) {
        match self {
            Figure::Reemployment => ("unemployment", &REGISTRATION, "登记数据中该人员未计入再就业"),
            Figure::Hardship => ("hardship", &DESIGNATION, "截止日无在职的就业登记"),
            Figure::ZeroHouseholds => ("zero_households", &HOUSEHOLD, "截止日仍未消除"),
        }
    }
}

/// Per year, community and figure of `wanted` (the failed comparisons): the
/// registry's records that contradict an inflated claim
/// (`Figure::contradicting`), for the panel to pull.
fn contradicting_records(
    inputs: &Inputs,
    wanted: &HashSet<(i32, String, Figure)>,
) -> Result<HashMap<(i32, String, Figure), Vec<Evidence>>> {
    let mut out: HashMap<(i32, String, Figure), Vec<Evidence>> = HashMap::new();
    for p in inputs.periods() {
        for figure in [Figure::Reemployment, Figure::Hardship, Figure::ZeroHouseholds] {
            let codes = wanted_codes(wanted, p.year, figure)?;
            let records = figure.contradicting(inputs, p, codes)?.collect()?;
            let (table, key, note) = figure.listed_as();
            for (code, evidence) in records_by_community(&records, table, key, |_| note.to_string())? {
                out.entry((p.year, code, figure)).or_default().extend(evidence);
            }
        }
    }
    Ok(out)
}

/// A claimed rate and the registry's figures it is compared with.
struct Rate {
    claimed: &'static str,
    registry: &'static str,
    numerator: &'static str,
    denominator: &'static str,
    /// The rate's persons' group, as the explanation says it (the rate's
    /// name is its indicator's, `names::chinese(registry)`).
    group: &'static str,
    figure: Figure,
}

/// The two rates an application claims.
const RATES: [Rate; 2] = [
    Rate {
        claimed: "claimed_reemployment_rate",
        registry: "reemployment_rate",
        numerator: "reemployed_in_period",
        denominator: "unemployed_in_period",
        group: "登记失业人员",
        figure: Figure::Reemployment,
    },
    Rate {
        claimed: "claimed_hardship_employment_rate",
        registry: "hardship_employment_rate",
        numerator: "hardship_employed",
        denominator: "hardship_persons",
        group: "就业困难人员",
        figure: Figure::Hardship,
    },
];

/// A failed comparison: its finding (the application as evidence), and the
/// figure whose contradicting records are to be added to it, if any.
type Failed = (Option<Figure>, Finding);

/// The rows of a comparison, in the findings' order.
fn sorted(frame: LazyFrame) -> Result<DataFrame> {
    Ok(frame
        .sort(["year", "community_code"], SortMultipleOptions::default())
        .collect()?)
}

/// The finding of one failed comparison, the application as its evidence.
fn claim_finding(
    (code, year): (&str, i64),
    (value, threshold): (f64, f64),
    explanation: String,
    county: &HashMap<String, String>,
) -> Finding {
    Finding::community(ID, Severity::High, code, county, year as i32).measured(
        explanation,
        (value, threshold),
        vec![application(code, year)],
    )
}

/// The comparisons of a claimed rate that fail.
fn rate_findings(
    base: LazyFrame,
    rate: &Rate,
    params: &Params,
    county: &HashMap<String, String>,
) -> Result<Vec<Failed>> {
    let df = sorted(rate_excess(base, rate.claimed, rate.registry, params.tolerance_pp))?;
    let (codes, years) = (strings(&df, "community_code")?, ints(&df, "year")?);
    let (c, r) = (floats(&df, rate.claimed)?, floats(&df, rate.registry)?);
    let (num, den) = (ints(&df, rate.numerator)?, ints(&df, rate.denominator)?);
    let excess = floats(&df, "excess_pp")?;
    // Rows selected above become findings (text and evidence): Rust, not an expression.
    let found = (0..df.height()).filter_map(|i| {
        let (code, year) = (codes[i].as_deref()?, years[i]?);
        let (c, r, e) = (
            c[i].unwrap_or_default(),
            r[i].unwrap_or_default(),
            excess[i].unwrap_or_default(),
        );
        let explanation = format!(
            "申报的{}为 {:.1}%，登记数据为 {:.1}%（{}名{}中{}人），高出 {:.1} 个百分点，超过允许的 {} 个百分点",
            chinese(rate.registry),
            c * 100.0,
            r * 100.0,
            den[i].unwrap_or_default(),
            rate.group,
            num[i].unwrap_or_default(),
            e,
            params.tolerance_pp
        );
        let finding = claim_finding((code, year), (e, params.tolerance_pp), explanation, county);
        Some((Some(rate.figure), finding))
    });
    Ok(found.collect())
}

/// The comparisons of claimed new jobs that fail.
fn new_jobs_findings(
    base: LazyFrame,
    params: &Params,
    county: &HashMap<String, String>,
) -> Result<Vec<Failed>> {
    let df = sorted(new_jobs_excess(base, params))?;
    let (codes, years) = (strings(&df, "community_code")?, ints(&df, "year")?);
    let (claimed, registry) = (ints(&df, "claimed_new_jobs")?, ints(&df, "new_jobs")?);
    let (excess, allowed) = (floats(&df, "excess")?, floats(&df, "allowed")?);
    let found = (0..df.height()).filter_map(|i| {
        let (code, year) = (codes[i].as_deref()?, years[i]?);
        let (e, a) = (
            excess[i].unwrap_or_default(),
            allowed[i].unwrap_or_default(),
        );
        let explanation = format!(
            "申报新增就业 {} 人，就业登记中本社区当年开始就业的只有 {} 人，多报 {} 人，超过允许的 {} 人（登记数的 {:.0}% 且不少于 {} 人）",
            claimed[i].unwrap_or_default(),
            registry[i].unwrap_or_default(),
            e,
            trim(a),
            params.new_jobs_tolerance_share * 100.0,
            params.new_jobs_tolerance_persons
        );
        Some((None, claim_finding((code, year), (e, a), explanation, county)))
    });
    Ok(found.collect())
}

/// The comparisons of claimed zero-employment households that fail.
fn zero_households_findings(base: LazyFrame, county: &HashMap<String, String>) -> Result<Vec<Failed>> {
    let df = sorted(zero_households_hidden(base))?;
    let (codes, years) = (strings(&df, "community_code")?, ints(&df, "year")?);
    let (claimed, open) = (
        ints(&df, "claimed_zero_households")?,
        ints(&df, "zero_households_open")?,
    );
    let found = (0..df.height()).filter_map(|i| {
        let (code, year) = (codes[i].as_deref()?, years[i]?);
        let (c, o) = (claimed[i].unwrap_or_default(), open[i].unwrap_or_default());
        let explanation = format!(
            "申报零就业家庭 {c} 户，登记数据显示截止日仍未消除的有 {o} 户，少报 {} 户",
            o - c
        );
        let finding = claim_finding((code, year), ((o - c) as f64, 0.0), explanation, county);
        Some((Some(Figure::ZeroHouseholds), finding))
    });
    Ok(found.collect())
}

/// The findings with the registry's contradicting records added, looked up
/// once all failed comparisons are known, for those communities only.
fn with_records(inputs: &Inputs, failed: Vec<Failed>) -> Result<Vec<Finding>> {
    let wanted: HashSet<(i32, String, Figure)> = failed
        .iter()
        .filter_map(|(figure, f)| Some((f.year, f.community_code.clone()?, (*figure)?)))
        .collect();
    let records = contradicting_records(inputs, &wanted)?;
    Ok(failed
        .into_iter()
        .map(|(figure, mut f)| {
            let behind = figure.and_then(|figure| {
                records.get(&(f.year, f.community_code.clone()?, figure))
            });
            if let Some(r) = behind {
                f.evidence.extend(r.iter().cloned());
            }
            f
        })
        .collect())
}

pub fn detect(inputs: &Inputs, params: &Params) -> Result<Vec<Finding>> {
    let Some(applications) = inputs.optional(Table::Applications) else {
        tracing::info!(
            detector = ID,
            "no applications table in the extract: claims not compared"
        );
        return Ok(Vec::new());
    };
    let county = counties(inputs.communities)?;
    let base = claims_beside_registry(applications, inputs.indicators.frame.clone().lazy());
    let mut failed = Vec::new();
    for rate in &RATES {
        failed.extend(rate_findings(base.clone(), rate, params, &county)?);
    }
    failed.extend(new_jobs_findings(base.clone(), params, &county)?);
    failed.extend(zero_households_findings(base, &county)?);
    with_records(inputs, failed)
}

/// A whole number without its ".0", other numbers with one decimal.
fn trim(x: f64) -> String {
    if x.fract() == 0.0 {
        format!("{x:.0}")
    } else {
        format!("{x:.1}")
    }
}
