//! Stage 3b, falsification signals (docs/detectors.md): typed tables and
//! indicators → findings. Each detector is one file with
//! `pub fn detect(&Inputs, &Params) -> Result<Vec<Finding>>`; a detector only
//! reports, it never changes an indicator. `detect_all` runs the enabled ones
//! and puts the findings in their published order; `risk` turns them into the
//! risk score that the ratings stage reads.
//!
//! What several detectors share (the counted starts and persons behind
//! `reemployed_in_period` and `hardship_employed`, community look-ups) lives
//! in `counted` and `lookup`, written as expressions over the same helpers
//! the indicators use.

pub mod bulk_backfill;
pub mod claimed_vs_registry;
pub mod counted;
pub mod cutoff_window_dressing;
pub mod digit_heaping;
pub mod duplicate_person;
pub mod employer_concentration;
pub mod finding;
pub mod implausible_change;
pub mod invalid_identity;
pub mod lookup;
pub mod narrow;
pub mod reemployment_without_record;
pub mod risk;
pub mod significance;
pub mod threshold_bunching;
pub mod unverified_clearance;

use std::collections::BTreeMap;
use std::sync::Mutex;

use polars::prelude::*;

pub use finding::{Evidence, Finding, KeyValue, Level, PersonId, Severity};
pub use risk::risk_scores;

use crate::config::rules::{DetectorRules, IndicatorRules, ReinspectionRules};
use crate::contract::Table;
use crate::error::{Error, Result};
use crate::indicators::{Indicators, Period};

/// What the detectors read.
pub struct Inputs<'a> {
    /// The typed tables of the extract (rejected rows already left out);
    /// optional tables missing from the extract are absent.
    pub tables: &'a BTreeMap<Table, DataFrame>,
    /// The indicators of every review year, with the periods they were
    /// computed for (the previous year comes from the same extract).
    pub indicators: &'a Indicators,
    /// The canonical `communities` table.
    pub communities: &'a DataFrame,
    /// Working age and the other indicator rules, for detectors that apply
    /// an indicator's definition to a single person.
    pub indicator_rules: &'a IndicatorRules,
    /// The re-inspection thresholds, for the tests around them.
    pub reinspection: &'a ReinspectionRules,
    /// What several detectors read, computed by the first that asks.
    shared: Shared,
}

/// Frames several detectors read, computed once per run rather than once per
/// detector: the persons behind `reemployed_in_period` and
/// `hardship_employed` of each review year (`counted`).
#[derive(Default)]
struct Shared {
    reemployment: Mutex<BTreeMap<i32, DataFrame>>,
    hardship: Mutex<BTreeMap<i32, DataFrame>>,
}

/// The frame of `year` in `memo`, computed by `make` the first time.
fn remembered(
    memo: &Mutex<BTreeMap<i32, DataFrame>>,
    year: i32,
    make: impl FnOnce() -> Result<DataFrame>,
) -> Result<LazyFrame> {
    let mut memo = memo.lock().expect("no detector panicked");
    if let Some(df) = memo.get(&year) {
        return Ok(df.clone().lazy());
    }
    let df = make()?;
    memo.insert(year, df.clone());
    Ok(df.lazy())
}

impl<'a> Inputs<'a> {
    pub fn new(
        tables: &'a BTreeMap<Table, DataFrame>,
        indicators: &'a Indicators,
        communities: &'a DataFrame,
        indicator_rules: &'a IndicatorRules,
        reinspection: &'a ReinspectionRules,
    ) -> Self {
        Inputs {
            tables,
            indicators,
            communities,
            indicator_rules,
            reinspection,
            shared: Shared::default(),
        }
    }

    /// A required table, lazily.
    pub fn table(&self, t: Table) -> Result<LazyFrame> {
        self.tables
            .get(&t)
            .map(|df| df.clone().lazy())
            .ok_or_else(|| Error::contract(format!("required table {t} is missing")))
    }

    /// An optional table, lazily; None when the extract lacks it.
    pub fn optional(&self, t: Table) -> Option<LazyFrame> {
        self.tables.get(&t).map(|df| df.clone().lazy())
    }

    /// The review periods, oldest first.
    pub fn periods(&self) -> &[Period] {
        &self.indicators.periods
    }

    /// `counted::reemployment_counts` of P, computed once.
    pub fn reemployment_counts(&self, p: &Period) -> Result<LazyFrame> {
        remembered(&self.shared.reemployment, p.year, || {
            Ok(counted::reemployment_counts(
                self.table(Table::Unemployment)?,
                self.table(Table::Employment)?,
                p,
            )
            .collect()?)
        })
    }

    /// `counted::hardship_counts` of P, computed once.
    pub fn hardship_counts(&self, p: &Period) -> Result<LazyFrame> {
        remembered(&self.shared.hardship, p.year, || {
            Ok(counted::hardship_counts(
                self.table(Table::Hardship)?,
                self.table(Table::Employment)?,
                p,
            )
            .collect()?)
        })
    }
}

/// Runs every enabled detector and returns the findings in their stable
/// published order (`Finding::stable_cmp`).
pub fn detect_all(inputs: &Inputs, rules: &DetectorRules) -> Result<Vec<Finding>> {
    let mut findings = Vec::new();
    // One call per enabled detector, in the order of docs/detectors.md.
    if rules.claimed_vs_registry.enabled {
        findings.extend(timed("claimed_vs_registry", || {
            claimed_vs_registry::detect(inputs, &rules.claimed_vs_registry)
        })?);
    }
    if rules.cutoff_window_dressing.enabled {
        findings.extend(timed("cutoff_window_dressing", || {
            cutoff_window_dressing::detect(inputs, &rules.cutoff_window_dressing)
        })?);
    }
    if rules.threshold_bunching.enabled {
        findings.extend(timed("threshold_bunching", || {
            threshold_bunching::detect(inputs, &rules.threshold_bunching)
        })?);
    }
    if rules.unverified_clearance.enabled {
        findings.extend(timed("unverified_clearance", || {
            unverified_clearance::detect(inputs, &rules.unverified_clearance)
        })?);
    }
    if rules.reemployment_without_record.enabled {
        findings.extend(timed("reemployment_without_record", || {
            reemployment_without_record::detect(inputs, &rules.reemployment_without_record)
        })?);
    }
    if rules.invalid_identity.enabled {
        findings.extend(timed("invalid_identity", || {
            invalid_identity::detect(inputs, &rules.invalid_identity)
        })?);
    }
    if rules.duplicate_person.enabled {
        findings.extend(timed("duplicate_person", || {
            duplicate_person::detect(inputs, &rules.duplicate_person)
        })?);
    }
    if rules.employer_concentration.enabled {
        findings.extend(timed("employer_concentration", || {
            employer_concentration::detect(inputs, &rules.employer_concentration)
        })?);
    }
    if rules.bulk_backfill.enabled {
        findings.extend(timed("bulk_backfill", || {
            bulk_backfill::detect(inputs, &rules.bulk_backfill)
        })?);
    }
    if rules.implausible_change.enabled {
        findings.extend(timed("implausible_change", || {
            implausible_change::detect(inputs, &rules.implausible_change)
        })?);
    }
    if rules.digit_heaping.enabled {
        findings.extend(timed("digit_heaping", || {
            digit_heaping::detect(inputs, &rules.digit_heaping)
        })?);
    }
    sort(&mut findings);
    Ok(findings)
}

/// Runs one detector and logs how long it took (debug level), so a slow
/// detector shows in `--verbose` output.
fn timed(name: &str, detect: impl FnOnce() -> Result<Vec<Finding>>) -> Result<Vec<Finding>> {
    let started = std::time::Instant::now();
    let findings = detect()?;
    tracing::debug!(
        detector = name,
        findings = findings.len(),
        ms = started.elapsed().as_millis() as u64,
        "detector done"
    );
    Ok(findings)
}

/// Puts findings in their published order.
pub fn sort(findings: &mut [Finding]) {
    findings.sort_by(Finding::stable_cmp);
}
