//! Stage 3, before the ratings (which read its risk scores): falsification
//! signals (docs/detectors.md), typed tables and indicators → findings. Each detector is one file (`registry`): its id,
//! label, rule, `Params` and `pub fn detect(&Inputs, &Params) ->
//! Result<Vec<Finding>>`; a detector only reports, it never changes an
//! indicator. The list below names every detector once. `detect_all` runs
//! the enabled ones and puts the findings in their published order; `risk`
//! turns them into the risk score that the ratings stage reads.
//!
//! What several detectors share (the counted starts and persons behind
//! `reemployed_in_period` and `hardship_employed`, community look-ups) lives
//! in `counted` and `lookup`, written as expressions over the same helpers
//! the indicators use.

pub mod counted;
pub mod finding;
pub mod lookup;
pub mod narrow;
pub mod registry;
pub mod risk;
pub mod significance;
pub mod tolerance;

use std::collections::BTreeMap;
use std::sync::Mutex;

use polars::prelude::*;

pub use finding::{Evidence, Finding, KeyValue, Level, PersonId, Severity};
pub use risk::risk_scores;

use crate::config::rules::{DetectorRules, DetectorSection, IndicatorRules, ReinspectionRules};
use crate::contract::Table;
use crate::error::{Error, Result};
use crate::indicators::{Indicators, Period};

/// Declares each detector's module and lists it in `ALL`, in the order its
/// findings are published (that of docs/detectors.md).
macro_rules! detectors {
    ($($name:ident),* $(,)?) => {
        $(pub mod $name;)*

        /// Every detector, in the order of docs/detectors.md.
        pub const ALL: &[registry::Detector] = &[$(registry::Detector {
            id: $name::ID,
            label: $name::LABEL,
            rule: $name::RULE,
            check: |section| {
                registry::params::<$name::Params>($name::ID, section)?
                    .check()
                    .map_err(|bad| registry::qualified($name::ID, bad))
            },
            run: |inputs, section| {
                $name::detect(inputs, &registry::parsed::<$name::Params>($name::ID, section)?)
            },
        }),*];
    };
}

detectors! {
    claimed_vs_registry,
    cutoff_window_dressing,
    threshold_bunching,
    unverified_clearance,
    reemployment_without_record,
    invalid_identity,
    duplicate_person,
    employer_concentration,
    bulk_backfill,
    implausible_change,
    digit_heaping,
}

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
    starts: Mutex<BTreeMap<i32, DataFrame>>,
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

    /// `counted::counted_starts` of P, computed once.
    pub fn counted_starts(&self, p: &Period) -> Result<LazyFrame> {
        remembered(&self.shared.starts, p.year, || {
            Ok(counted::counted_starts(self, p)?.collect()?)
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
/// published order (`Finding::stable_cmp`). The detectors run two at a time
/// (one at a time on one core): much of a plan runs on one core, so two
/// plans side by side keep two cores busy. Their findings are put together
/// in the order of `ALL`, whichever finishes first.
pub fn detect_all(inputs: &Inputs, rules: &DetectorRules) -> Result<Vec<Finding>> {
    let runs: Vec<(&registry::Detector, &DetectorSection)> = ALL
        .iter()
        .filter_map(|d| Some((d, rules.section(d.id)?)))
        .filter(|(_, section)| section.enabled)
        .collect();
    // Two at a time, even on more cores: polars spreads each plan over every
    // core already, and each running detector holds its own working frames.
    let workers = crate::parallel::cores().min(2);
    let mut findings = Vec::new();
    for found in crate::parallel::map_in_order(&runs, workers, |(d, section)| {
        timed(d.id, || (d.run)(inputs, section))
    }) {
        findings.extend(found?);
    }
    sort(&mut findings);
    Ok(findings)
}

/// Runs one detector and logs how long it took (debug level), so a slow
/// detector shows in `--verbose` output.
fn timed(name: &str, detect: impl Fn() -> Result<Vec<Finding>>) -> Result<Vec<Finding>> {
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
