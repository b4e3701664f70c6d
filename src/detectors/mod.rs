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
pub mod reemployment_without_record;
pub mod risk;
pub mod significance;
pub mod threshold_bunching;
pub mod unverified_clearance;

use std::collections::BTreeMap;

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
}

impl Inputs<'_> {
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
}

/// Runs every enabled detector and returns the findings in their stable
/// published order (`Finding::stable_cmp`).
pub fn detect_all(inputs: &Inputs, rules: &DetectorRules) -> Result<Vec<Finding>> {
    let mut findings = Vec::new();
    // One call per enabled detector, in the order of docs/detectors.md.
    if rules.claimed_vs_registry.enabled {
        findings.extend(claimed_vs_registry::detect(
            inputs,
            &rules.claimed_vs_registry,
        )?);
    }
    if rules.cutoff_window_dressing.enabled {
        findings.extend(cutoff_window_dressing::detect(
            inputs,
            &rules.cutoff_window_dressing,
        )?);
    }
    if rules.threshold_bunching.enabled {
        findings.extend(threshold_bunching::detect(
            inputs,
            &rules.threshold_bunching,
        )?);
    }
    if rules.unverified_clearance.enabled {
        findings.extend(unverified_clearance::detect(
            inputs,
            &rules.unverified_clearance,
        )?);
    }
    if rules.reemployment_without_record.enabled {
        findings.extend(reemployment_without_record::detect(
            inputs,
            &rules.reemployment_without_record,
        )?);
    }
    if rules.invalid_identity.enabled {
        findings.extend(invalid_identity::detect(inputs, &rules.invalid_identity)?);
    }
    if rules.duplicate_person.enabled {
        findings.extend(duplicate_person::detect(inputs, &rules.duplicate_person)?);
    }
    if rules.employer_concentration.enabled {
        findings.extend(employer_concentration::detect(
            inputs,
            &rules.employer_concentration,
        )?);
    }
    if rules.bulk_backfill.enabled {
        findings.extend(bulk_backfill::detect(inputs, &rules.bulk_backfill)?);
    }
    if rules.implausible_change.enabled {
        findings.extend(implausible_change::detect(
            inputs,
            &rules.implausible_change,
        )?);
    }
    if rules.digit_heaping.enabled {
        findings.extend(digit_heaping::detect(inputs, &rules.digit_heaping)?);
    }
    sort(&mut findings);
    Ok(findings)
}

/// Puts findings in their published order.
pub fn sort(findings: &mut [Finding]) {
    findings.sort_by(Finding::stable_cmp);
}
