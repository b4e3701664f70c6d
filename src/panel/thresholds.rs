//! The thresholds the documents draw: each rate rule of the re-inspection
//! with its line, and the detector settings the charts mark (the claims'
//! tolerance, the cut-off window). Read here from the registries once, so
//! that a chart knows no rule or detector by name.

use crate::config::Rules;
use crate::detectors::registry::read;
use crate::detectors::{claimed_vs_registry, cutoff_window_dressing};
use crate::error::Result;
use crate::ratings::registry::{RULES, Test};

/// One rate rule as a chart draws it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RateRule {
    /// The indicator column (also the chart's file stem).
    pub indicator: &'static str,
    /// The indicator's Chinese name.
    pub title: &'static str,
    pub threshold: f64,
    /// A minimum (≥) rather than a maximum (≤).
    pub minimum: bool,
}

/// The thresholds of one run.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Thresholds {
    /// The rate rules in force, in the registry's order.
    pub rates: Vec<RateRule>,
    /// The claimed-vs-registry detector's tolerance, percentage points.
    pub claim_tolerance_pp: f64,
    /// The cut-off window of the window-dressing detector, days.
    pub window_days: i64,
}

impl Thresholds {
    pub fn of(rules: &Rules) -> Result<Thresholds> {
        let claimed: claimed_vs_registry::Params = read(&rules.detectors, claimed_vs_registry::ID)?;
        let cutoff: cutoff_window_dressing::Params =
            read(&rules.detectors, cutoff_window_dressing::ID)?;
        let rates = RULES
            .iter()
            .filter(|r| r.in_force(&rules.reinspection))
            .filter_map(|r| {
                Some(RateRule {
                    indicator: r.indicator,
                    title: super::labels::indicator(r.indicator),
                    threshold: r.threshold(&rules.reinspection)?,
                    minimum: r.test == Test::AtLeast,
                })
            })
            .collect();
        Ok(Thresholds {
            rates,
            claim_tolerance_pp: claimed.tolerance_pp,
            window_days: cutoff.window_days,
        })
    }
}
