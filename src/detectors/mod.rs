//! Stage 3a (stage 3 with the ratings, which read the risk scores made
//! here), falsification signals (docs/detectors.md): typed tables and
//! indicators → findings. Each detector is one file (`registry`): its id,
//! label, `rule()`, `Params` and `pub fn detect(&Inputs, &Params) ->
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
pub mod inputs;
pub mod listing;
pub mod lookup;
pub mod narrow;
pub mod questioned;
pub mod registry;
pub mod risk;
pub mod signals;
pub mod significance;
pub mod tolerance;
pub mod verified;

pub use finding::{Evidence, Finding, KeyValue, Level, PersonId, Severity};
pub use inputs::Inputs;
pub use risk::risk_scores;

use crate::config::rules::{DetectorRules, DetectorSection};
use crate::error::Result;

/// Declares each detector's module and lists it in `ALL`, in the order its
/// findings are published (that of docs/detectors.md). A detector marked
/// `reads counted` reads the counted frames that `counted` builds and the
/// run remembers (`registry::Detector::reads_counted`).
macro_rules! detectors {
    (@reads) => { false };
    (@reads counted) => { true };
    ($($name:ident $(reads $counted:ident)?),* $(,)?) => {
        $(pub mod $name;)*

        /// Every detector, in the order of docs/detectors.md.
        pub const ALL: &[registry::Detector] = &[$(registry::Detector {
            id: $name::ID,
            label: $name::LABEL,
            rule: $name::rule,
            reads_counted: detectors!(@reads $($counted)?),
            check: |section| registry::checked::<$name::Params>($name::ID, section),
            run: |inputs, section| {
                $name::detect(inputs, &registry::parsed::<$name::Params>($name::ID, section)?)
            },
        }),*];
    };
}

detectors! {
    claimed_vs_registry reads counted,
    cutoff_window_dressing reads counted,
    threshold_bunching,
    unverified_clearance,
    reemployment_without_record,
    invalid_identity reads counted,
    duplicate_person reads counted,
    employer_concentration reads counted,
    bulk_backfill,
    short_lived_jobs reads counted,
    ends_after_cutoff reads counted,
    brief_registrations,
    closed_without_work,
    service_burst,
    thin_clearance,
    revoked_without_work,
    implausible_change,
    digit_heaping,
}

/// Every detector's id: what a `verifications` row may name besides 抽查
/// (ingest is handed them, knowing no detector itself).
pub fn ids() -> Vec<&'static str> {
    ALL.iter().map(|d| d.id).collect()
}

/// Runs every enabled detector and returns the findings in their stable
/// published order (`Finding::stable_cmp`). The detectors run two at a time
/// (one at a time on one core): much of a plan runs on one core, so two
/// plans side by side keep two cores busy. Their findings are put together
/// in the order of `ALL`, whichever finishes first; so one or two at a
/// time give the same findings.
pub fn detect_all(inputs: &Inputs, rules: &DetectorRules) -> Result<Vec<Finding>> {
    detect_all_with(inputs, rules, crate::parallel::cores().min(2))
}

/// `detect_all` with `workers` detectors running at a time (1 or 2; more
/// would not help: polars spreads each plan over every core already, and
/// each running detector holds its own working frames).
pub fn detect_all_with(
    inputs: &Inputs,
    rules: &DetectorRules,
    workers: usize,
) -> Result<Vec<Finding>> {
    let mut runs: Vec<(&registry::Detector, &DetectorSection)> = ALL
        .iter()
        .filter_map(|d| Some((d, rules.section(d.id)?)))
        .filter(|(_, section)| section.enabled)
        .collect();
    // The readers of the counted frames first; once the last of them is
    // done the memo lets the frames go (a reader missing from the list
    // would only compute them again).
    let reads = |d: &registry::Detector| d.reads_counted;
    runs.sort_by_key(|(d, _)| !reads(d));
    let readers_left =
        std::sync::atomic::AtomicUsize::new(runs.iter().filter(|(d, _)| reads(d)).count());
    let mut findings = Vec::new();
    for found in crate::parallel::map_in_order(&runs, workers, |(d, section)| {
        let found = timed(d.id, || (d.run)(inputs, section));
        if reads(d) && readers_left.fetch_sub(1, std::sync::atomic::Ordering::SeqCst) == 1 {
            inputs.forget_counted();
            crate::memory::give_back();
        }
        found
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
    // What the detector's joins freed goes back to the system before the
    // next detector starts.
    crate::memory::give_back();
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
