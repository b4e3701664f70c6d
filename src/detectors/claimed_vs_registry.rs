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

use super::lookup::counties;
use crate::frame::{dates, floats, ints, strings};
use crate::config::ranges::rules_struct;
use super::narrow::{PERSON_TEXT, person_text};
use super::tolerance;
use super::{Evidence, Finding, Inputs, KeyValue, PersonId, Severity};
use crate::contract::{Table, record_number};
use crate::error::Result;
use crate::indicators::period::overlaps;
use crate::indicators::unemployment::registrations_in_period;
use crate::indicators::zero_households::households_in_period;

pub const ID: &str = "claimed_vs_registry";

/// The detector's name as the panel reads it.
pub const LABEL: &str = "自报数据与台账不符";

/// The rule in one sentence, for the report's legend.
pub const RULE: &str = "申报表自报的就业率、新增就业或零就业家庭数与台账算出的不符（超出容差）";

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

/// Per year, community and figure of `wanted` (the failed comparisons): the
/// registry's records that contradict an inflated claim, for the panel to
/// pull. The registrations of U whose person the registry does not count as
/// re-employed; the designations of H whose person has no job covering A;
/// the zero households still open at A.
fn contradicting_records(
    inputs: &Inputs,
    wanted: &HashSet<(i32, String, Figure)>,
) -> Result<HashMap<(i32, String, Figure), Vec<Evidence>>> {
    let mut out: HashMap<(i32, String, Figure), Vec<Evidence>> = HashMap::new();
    let keys = || [col("community_code"), col("person_id")];
    let of = |frame: LazyFrame, year: i32, figure: Figure| -> Result<LazyFrame> {
        Ok(frame.semi_join(
            wanted_codes(wanted, year, figure)?,
            col("community_code"),
            col("community_code"),
        ))
    };
    for p in inputs.periods() {
        let not_reemployed = of(
            registrations_in_period(inputs.table(Table::Unemployment)?, p),
            p.year,
            Figure::Reemployment,
        )?
        .join(
            inputs.reemployment_counts(p)?.select(keys()),
            keys(),
            keys(),
            JoinArgs::new(JoinType::Anti),
        )
        .sort(
            ["community_code", "registration_id"],
            SortMultipleOptions::default(),
        )
        .collect()?;
        let codes = strings(&not_reemployed, "community_code")?;
        let ids = crate::contract::record_number::texts(&not_reemployed, "registration_id")?;
        for (c, r) in codes.into_iter().zip(ids) {
            let (Some(c), Some(r)) = (c, r) else { continue };
            out.entry((p.year, c, Figure::Reemployment))
                .or_default()
                .push(
                    Evidence::record("unemployment", "registration_id", r)
                        .with_note("登记数据中该人员未计入再就业"),
                );
        }

        let not_employed = of(
            inputs
                .table(Table::Hardship)?
                .filter(overlaps("designated_on", "revoked_on", p)),
            p.year,
            Figure::Hardship,
        )?
        .join(
            inputs.hardship_counts(p)?.select(keys()),
            keys(),
            keys(),
            JoinArgs::new(JoinType::Anti),
        )
        .with_column(person_text())
        .sort(
            ["community_code", PERSON_TEXT, "designated_on"],
            SortMultipleOptions::default(),
        )
        .collect()?;
        let codes = strings(&not_employed, "community_code")?;
        let persons = strings(&not_employed, PERSON_TEXT)?;
        let designated = dates(&not_employed, "designated_on")?;
        for ((c, person), d) in codes.into_iter().zip(persons).zip(designated) {
            let (Some(c), Some(person), Some(d)) = (c, person, d) else {
                continue;
            };
            out.entry((p.year, c.clone(), Figure::Hardship))
                .or_default()
                .push(
                    Evidence::record_key(
                        "hardship",
                        vec![
                            ("person_id", KeyValue::Person(PersonId::new(person))),
                            ("community_code", KeyValue::from(c)),
                            ("designated_on", KeyValue::from(d)),
                        ],
                    )
                    .with_note("截止日无在职的就业登记"),
                );
        }

        let open = of(
            households_in_period(inputs.table(Table::ZeroHouseholds)?, p),
            p.year,
            Figure::ZeroHouseholds,
        )?
        .filter(col("open_at_cutoff"))
        .sort(
            ["community_code", "household_id", "identified_on"],
            SortMultipleOptions::default(),
        )
        .collect()?;
        let codes = strings(&open, "community_code")?;
        let households = record_number::texts(&open, "household_id")?;
        let identified = dates(&open, "identified_on")?;
        for ((c, h), d) in codes.into_iter().zip(households).zip(identified) {
            let (Some(c), Some(h), Some(d)) = (c, h, d) else {
                continue;
            };
            out.entry((p.year, c.clone(), Figure::ZeroHouseholds))
                .or_default()
                .push(
                    Evidence::record_key(
                        "zero_households",
                        vec![
                            ("household_id", KeyValue::from(h)),
                            ("community_code", KeyValue::from(c)),
                            ("identified_on", KeyValue::from(d)),
                        ],
                    )
                    .with_note("截止日仍未消除"),
                );
        }
    }
    Ok(out)
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
    let sort = |lf: LazyFrame| {
        lf.sort(["year", "community_code"], SortMultipleOptions::default())
            .collect()
    };
    let mut findings = Vec::new();
    // The records behind a failed comparison are looked up once all are
    // known, for those communities only: (finding index, year, code, figure).
    let mut behind: Vec<(usize, i32, String, Figure)> = Vec::new();
    let mut push =
        |code: &str, year: i64, figure: Option<Figure>, value, threshold, explanation: String| {
            if let Some(f) = figure {
                behind.push((findings.len(), year as i32, code.to_string(), f));
            }
            findings.push(Finding {
                explanation,
                value: Some(value),
                threshold: Some(threshold),
                p_value: None,
                evidence: vec![application(code, year)],
                ..Finding::community(ID, Severity::High, code, &county, year as i32)
            });
        };

    let rates = [
        (
            "claimed_reemployment_rate",
            "reemployment_rate",
            "reemployed_in_period",
            "unemployed_in_period",
            "登记失业人员就业率",
            "登记失业人员",
            Figure::Reemployment,
        ),
        (
            "claimed_hardship_employment_rate",
            "hardship_employment_rate",
            "hardship_employed",
            "hardship_persons",
            "就业困难人员就业率",
            "就业困难人员",
            Figure::Hardship,
        ),
    ];
    for (claimed, registry, numerator, denominator, name, group, figure) in rates {
        let df = sort(rate_excess(
            base.clone(),
            claimed,
            registry,
            params.tolerance_pp,
        ))?;
        let (codes, years) = (strings(&df, "community_code")?, ints(&df, "year")?);
        let (c, r) = (floats(&df, claimed)?, floats(&df, registry)?);
        let (num, den) = (ints(&df, numerator)?, ints(&df, denominator)?);
        let excess = floats(&df, "excess_pp")?;
        // Rows selected above become findings (text and evidence): Rust, not an expression.
        for i in 0..df.height() {
            let (Some(code), Some(year)) = (&codes[i], years[i]) else {
                continue;
            };
            let (c, r, e) = (
                c[i].unwrap_or_default(),
                r[i].unwrap_or_default(),
                excess[i].unwrap_or_default(),
            );
            push(
                code,
                year,
                Some(figure),
                e,
                params.tolerance_pp,
                format!(
                    "申报的{name}为 {:.1}%，登记数据为 {:.1}%（{}名{group}中{}人），高出 {:.1} 个百分点，超过允许的 {} 个百分点",
                    c * 100.0,
                    r * 100.0,
                    den[i].unwrap_or_default(),
                    num[i].unwrap_or_default(),
                    e,
                    params.tolerance_pp
                ),
            );
        }
    }

    let df = sort(new_jobs_excess(base.clone(), params))?;
    let (codes, years) = (strings(&df, "community_code")?, ints(&df, "year")?);
    let (claimed, registry) = (ints(&df, "claimed_new_jobs")?, ints(&df, "new_jobs")?);
    let (excess, allowed) = (floats(&df, "excess")?, floats(&df, "allowed")?);
    for i in 0..df.height() {
        let (Some(code), Some(year)) = (&codes[i], years[i]) else {
            continue;
        };
        let (e, a) = (
            excess[i].unwrap_or_default(),
            allowed[i].unwrap_or_default(),
        );
        push(
            code,
            year,
            None,
            e,
            a,
            format!(
                "申报新增就业 {} 人，就业登记中本社区当年开始就业的只有 {} 人，多报 {} 人，超过允许的 {} 人（登记数的 {:.0}% 且不少于 {} 人）",
                claimed[i].unwrap_or_default(),
                registry[i].unwrap_or_default(),
                e,
                trim(a),
                params.new_jobs_tolerance_share * 100.0,
                params.new_jobs_tolerance_persons
            ),
        );
    }

    let df = sort(zero_households_hidden(base))?;
    let (codes, years) = (strings(&df, "community_code")?, ints(&df, "year")?);
    let (claimed, open) = (
        ints(&df, "claimed_zero_households")?,
        ints(&df, "zero_households_open")?,
    );
    for i in 0..df.height() {
        let (Some(code), Some(year)) = (&codes[i], years[i]) else {
            continue;
        };
        let (c, o) = (claimed[i].unwrap_or_default(), open[i].unwrap_or_default());
        push(
            code,
            year,
            Some(Figure::ZeroHouseholds),
            (o - c) as f64,
            0.0,
            format!(
                "申报零就业家庭 {c} 户，登记数据显示截止日仍未消除的有 {o} 户，少报 {} 户",
                o - c
            ),
        );
    }
    let wanted: HashSet<(i32, String, Figure)> = behind
        .iter()
        .map(|(_, year, code, f)| (*year, code.clone(), *f))
        .collect();
    let records = contradicting_records(inputs, &wanted)?;
    for (i, year, code, f) in behind {
        if let Some(r) = records.get(&(year, code, f)) {
            findings[i].evidence.extend(r.iter().cloned());
        }
    }
    Ok(findings)
}

/// A whole number without its ".0", other numbers with one decimal.
fn trim(x: f64) -> String {
    if x.fract() == 0.0 {
        format!("{x:.0}")
    } else {
        format!("{x:.1}")
    }
}
