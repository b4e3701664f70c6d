//! The falsification patterns, one file each, named by the detector of
//! docs/detectors.md that is built to find them. A community-level pattern first
//! sets the knobs of the honest generator (a low genuine rate, early
//! registrations) and then edits the honest rows the way a community that
//! fakes its figures would; a county-level pattern shapes all of a county's
//! communities. Every edit is strong enough that a detector at the default
//! thresholds of `pipelines/rules/default.toml` fires.

use std::collections::BTreeSet;

use super::geography::{Geography, Profile};
use super::histories::Knobs;
use super::rng::{Rng, Stream};

pub mod brief_registrations;
pub mod bulk_backfill;
pub mod claimed_vs_registry;
pub mod closed_before_cutoff;
pub mod cutoff_window_dressing;
pub mod digit_heaping;
pub mod duplicate_person;
pub mod employer_concentration;
pub mod hardship_cover;
pub mod implausible_change;
pub mod invalid_identity;
pub mod padded_new_jobs;
pub mod reemployment_without_record;
pub mod revoked_designations;
pub mod service_burst;
pub mod short_jobs;
pub mod thin_clearance;
pub mod threshold_bunching;
pub mod unverified_clearance;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Pattern {
    ClaimedVsRegistry,
    CutoffWindowDressing,
    ThresholdBunching,
    UnverifiedClearance,
    ReemploymentWithoutRecord,
    InvalidIdentity,
    DuplicatePerson,
    EmployerConcentration,
    BulkBackfill,
    ImplausibleChange,
    DigitHeaping,
    ShortJobs,
    BriefRegistrations,
    RevokedDesignations,
    HardshipCover,
    ServiceBurst,
    ThinClearance,
    ClosedBeforeCutoff,
    PaddedNewJobs,
}

impl Pattern {
    /// Every pattern, the later eight last.
    pub const ALL: [Pattern; 19] = joined(EARLY, LATER);

    /// The pattern's name in `ground_truth.csv`: for the first eleven, the id
    /// of the detector of docs/detectors.md built to find them; for the later
    /// ones, the trick itself (docs/generator.md).
    pub fn id(self) -> &'static str {
        match self {
            Pattern::ClaimedVsRegistry => "claimed_vs_registry",
            Pattern::CutoffWindowDressing => "cutoff_window_dressing",
            Pattern::ThresholdBunching => "threshold_bunching",
            Pattern::UnverifiedClearance => "unverified_clearance",
            Pattern::ReemploymentWithoutRecord => "reemployment_without_record",
            Pattern::InvalidIdentity => "invalid_identity",
            Pattern::DuplicatePerson => "duplicate_person",
            Pattern::EmployerConcentration => "employer_concentration",
            Pattern::BulkBackfill => "bulk_backfill",
            Pattern::ImplausibleChange => "implausible_change",
            Pattern::DigitHeaping => "digit_heaping",
            Pattern::ShortJobs => "short_jobs",
            Pattern::BriefRegistrations => "brief_registrations",
            Pattern::RevokedDesignations => "revoked_designations",
            Pattern::HardshipCover => "hardship_cover",
            Pattern::ServiceBurst => "service_burst",
            Pattern::ThinClearance => "thin_clearance",
            Pattern::ClosedBeforeCutoff => "closed_before_cutoff",
            Pattern::PaddedNewJobs => "padded_new_jobs",
        }
    }

    pub fn county_level(self) -> bool {
        matches!(self, Pattern::ThresholdBunching | Pattern::DigitHeaping)
    }

    /// Sets the honest generator's knobs for a community carrying the pattern.
    pub fn prepare(self, knobs: &mut Knobs, rng: &mut Rng) {
        match self {
            Pattern::ClaimedVsRegistry => claimed_vs_registry::prepare(knobs, rng),
            Pattern::CutoffWindowDressing => cutoff_window_dressing::prepare(knobs, rng),
            Pattern::UnverifiedClearance => unverified_clearance::prepare(knobs),
            Pattern::ReemploymentWithoutRecord => reemployment_without_record::prepare(knobs, rng),
            Pattern::InvalidIdentity => invalid_identity::prepare(knobs, rng),
            Pattern::EmployerConcentration => employer_concentration::prepare(knobs, rng),
            Pattern::ImplausibleChange => implausible_change::prepare(knobs, rng),
            Pattern::DuplicatePerson | Pattern::BulkBackfill => {
                knobs.reemployment = knobs.reemployment.max(0.75)
            }
            Pattern::ThresholdBunching | Pattern::DigitHeaping => {}
            Pattern::ShortJobs => short_jobs::prepare(knobs, rng),
            Pattern::BriefRegistrations => brief_registrations::prepare(knobs, rng),
            Pattern::RevokedDesignations => revoked_designations::prepare(knobs, rng),
            Pattern::HardshipCover => hardship_cover::prepare(knobs, rng),
            Pattern::ServiceBurst => service_burst::prepare(knobs, rng),
            Pattern::ThinClearance => thin_clearance::prepare(knobs, rng),
            Pattern::ClosedBeforeCutoff => closed_before_cutoff::prepare(knobs, rng),
            Pattern::PaddedNewJobs => padded_new_jobs::prepare(knobs, rng),
        }
    }
}

/// Knobs of a recognised community that passes its re-inspection on every
/// rule but the one its pattern fakes: the pattern's own `prepare` then
/// sets that figure below its threshold, so that the faking turns the
/// verdict from fail to pass.
pub fn otherwise_passing(knobs: &mut Knobs, rng: &mut Rng) {
    knobs.recognised = true;
    knobs.reemployment = rng.uniform(0.8, 0.95);
    knobs.unemployment_rate = rng.uniform(0.01, 0.022);
    knobs.hardship = 1.0;
    knobs.overdue_zero = false;
    knobs.unverified_zero = 0;
    knobs.service_gap = false;
    knobs.platform_ok = true;
}

/// The order in which community-level patterns are dealt to the chosen
/// communities. `implausible_change` comes up half as often as the others:
/// its detector reports low severity only, and the quality bar of docs/detectors.md counts
/// high and medium findings. The eight later patterns follow the first
/// seventeen deals, so that an extract of up to seventeen falsified
/// communities (the default one and the bundled sample) is dealt as before.
const DEAL: [&[Pattern]; 5] = [
    &FIRST_DEALT,
    &[Pattern::ImplausibleChange],
    &FIRST_DEALT,
    &LATER,
    &LATER,
];

/// The patterns before the later eight, as `ALL` lists them.
const EARLY: [Pattern; 11] = [
    Pattern::ClaimedVsRegistry,
    Pattern::CutoffWindowDressing,
    Pattern::ThresholdBunching,
    Pattern::UnverifiedClearance,
    Pattern::ReemploymentWithoutRecord,
    Pattern::InvalidIdentity,
    Pattern::DuplicatePerson,
    Pattern::EmployerConcentration,
    Pattern::BulkBackfill,
    Pattern::ImplausibleChange,
    Pattern::DigitHeaping,
];

/// The community-level patterns of the first deals but `implausible_change`,
/// in the order they are dealt.
const FIRST_DEALT: [Pattern; 8] = [
    Pattern::CutoffWindowDressing,
    Pattern::UnverifiedClearance,
    Pattern::ClaimedVsRegistry,
    Pattern::InvalidIdentity,
    Pattern::DuplicatePerson,
    Pattern::EmployerConcentration,
    Pattern::BulkBackfill,
    Pattern::ReemploymentWithoutRecord,
];

/// The later eight patterns, in the order they are listed and dealt.
const LATER: [Pattern; 8] = [
    Pattern::ShortJobs,
    Pattern::BriefRegistrations,
    Pattern::RevokedDesignations,
    Pattern::HardshipCover,
    Pattern::ServiceBurst,
    Pattern::ThinClearance,
    Pattern::ClosedBeforeCutoff,
    Pattern::PaddedNewJobs,
];

/// Two lists of patterns one after the other (`N` is `A + B`).
const fn joined<const A: usize, const B: usize, const N: usize>(
    a: [Pattern; A],
    b: [Pattern; B],
) -> [Pattern; N] {
    assert!(A + B == N);
    let mut out = [Pattern::ClaimedVsRegistry; N];
    let mut i = 0;
    while i < N {
        out[i] = if i < A { a[i] } else { b[i - A] };
        i += 1;
    }
    out
}

/// Community-level patterns of the first deals: one community at least for
/// each whenever the share is above 0. The later eight need an extract of
/// more than seventeen falsified communities (docs/generator.md).
pub const COMMUNITY_PATTERNS: usize = 9;

#[derive(Debug, Clone, Default)]
pub struct Assignment {
    /// The pattern of each community, by index.
    pub community: Vec<Option<Pattern>>,
    pub bunched_counties: BTreeSet<usize>,
    pub heaped_counties: BTreeSet<usize>,
}

impl Assignment {
    pub fn is_honest(&self, site: usize) -> bool {
        self.community[site].is_none()
    }
}

/// Deals the patterns: about `share` of the communities carry a
/// community-level pattern (at least one per pattern when the extract is big
/// enough), and a county-level pattern goes to whole counties.
pub fn assign(geo: &Geography, share: f64, seed: u64) -> Assignment {
    let mut rng = Rng::new(seed, u64::MAX, Stream::Pattern);
    let n = geo.sites.len();
    let mut out = Assignment {
        community: vec![None; n],
        ..Default::default()
    };
    if share <= 0.0 || n == 0 {
        return out;
    }
    // County-level patterns take the largest counties, one each (more in a
    // big extract), bunching and heaping in different counties.
    let mut counties: Vec<usize> = (0..geo.counties.len()).collect();
    rng.shuffle(&mut counties);
    counties.sort_by_key(|&c| std::cmp::Reverse(geo.counties[c].count));
    let per_pattern = ((geo.counties.len() as f64 * share / 11.0).round() as usize).max(1);
    for (k, &c) in counties.iter().enumerate().take(2 * per_pattern) {
        if k % 2 == 0 {
            out.bunched_counties.insert(c);
        } else {
            out.heaped_counties.insert(c);
        }
    }
    // Community-level patterns: never in tiny communities (too few rows to
    // carry them), and in a bunched county only when nothing else is left,
    // so that its rates stay bunched.
    let mut candidates: Vec<usize> = (0..n)
        .filter(|&i| geo.sites[i].profile != Profile::Tiny)
        .collect();
    rng.shuffle(&mut candidates);
    candidates.sort_by_key(|&i| out.bunched_counties.contains(&geo.sites[i].county));
    let wanted = ((n as f64 * share).round() as usize)
        .max(COMMUNITY_PATTERNS)
        .min(candidates.len());
    let deal = DEAL.concat();
    for (k, &i) in candidates.iter().take(wanted).enumerate() {
        out.community[i] = Some(deal[k % deal.len()]);
    }
    out
}
