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
use std::sync::atomic::{AtomicUsize, Ordering};

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

/// A detector's run over the inputs.
type Run<'a> = Box<dyn Fn() -> Result<Vec<Finding>> + Send + Sync + 'a>;

/// Runs every enabled detector and returns the findings in their stable
/// published order (`Finding::stable_cmp`). The detectors run two at a time
/// (one at a time on one core): much of a plan runs on one core, so two
/// plans side by side keep two cores busy. Their findings are put together in the order below,
/// whichever finishes first.
pub fn detect_all(inputs: &Inputs, rules: &DetectorRules) -> Result<Vec<Finding>> {
    // In the order of docs/detectors.md.
    let all: Vec<(&str, bool, Run)> = vec![
        (
            "claimed_vs_registry",
            rules.claimed_vs_registry.enabled,
            Box::new(|| claimed_vs_registry::detect(inputs, &rules.claimed_vs_registry)),
        ),
        (
            "cutoff_window_dressing",
            rules.cutoff_window_dressing.enabled,
            Box::new(|| cutoff_window_dressing::detect(inputs, &rules.cutoff_window_dressing)),
        ),
        (
            "threshold_bunching",
            rules.threshold_bunching.enabled,
            Box::new(|| threshold_bunching::detect(inputs, &rules.threshold_bunching)),
        ),
        (
            "unverified_clearance",
            rules.unverified_clearance.enabled,
            Box::new(|| unverified_clearance::detect(inputs, &rules.unverified_clearance)),
        ),
        (
            "reemployment_without_record",
            rules.reemployment_without_record.enabled,
            Box::new(|| {
                reemployment_without_record::detect(inputs, &rules.reemployment_without_record)
            }),
        ),
        (
            "invalid_identity",
            rules.invalid_identity.enabled,
            Box::new(|| invalid_identity::detect(inputs, &rules.invalid_identity)),
        ),
        (
            "duplicate_person",
            rules.duplicate_person.enabled,
            Box::new(|| duplicate_person::detect(inputs, &rules.duplicate_person)),
        ),
        (
            "employer_concentration",
            rules.employer_concentration.enabled,
            Box::new(|| employer_concentration::detect(inputs, &rules.employer_concentration)),
        ),
        (
            "bulk_backfill",
            rules.bulk_backfill.enabled,
            Box::new(|| bulk_backfill::detect(inputs, &rules.bulk_backfill)),
        ),
        (
            "implausible_change",
            rules.implausible_change.enabled,
            Box::new(|| implausible_change::detect(inputs, &rules.implausible_change)),
        ),
        (
            "digit_heaping",
            rules.digit_heaping.enabled,
            Box::new(|| digit_heaping::detect(inputs, &rules.digit_heaping)),
        ),
    ];
    let runs: Vec<(&str, Run)> = all
        .into_iter()
        .filter(|(_, enabled, _)| *enabled)
        .map(|(name, _, run)| (name, run))
        .collect();
    let results: Vec<Mutex<Option<Result<Vec<Finding>>>>> =
        runs.iter().map(|_| Mutex::new(None)).collect();
    let next = AtomicUsize::new(0);
    // Two at a time, even on more cores: polars spreads each plan over every
    // core already, and each running detector holds its own working frames.
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 2)
        .min(runs.len().max(1));
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some((name, run)) = runs.get(i) else {
                        break;
                    };
                    let found = timed(name, run);
                    *results[i].lock().expect("no detector panicked") = Some(found);
                }
            });
        }
    });
    let mut findings = Vec::new();
    for r in results {
        let found = r
            .into_inner()
            .expect("no detector panicked")
            .expect("every detector ran");
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
