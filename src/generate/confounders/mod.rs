//! Honest practice that a careless detector would read as falsification
//! (docs/generator.md, "Honest confounders"). Each confounder is one file,
//! written as the practice happens in a bureau: a clerk who never closes a
//! mover's old stay, an employer taking retirees back on, a slow clerk, a
//! real employer hiring many of one community's jobless, a quarter's paper
//! forms keyed at one sitting, a small community whose rates move in large
//! steps, a re-employed person who died later in the year, public-welfare
//! posts filled before the year closes, seasonal work, a job fair, a
//! year-end clean-up of the register, prompt placements, the yearly review
//! of designations, a zero household cleared by a temporary job. None of them is
//! the negation of a detector's rule; the quality command
//! (`scripts/quality.py`) measures which findings they draw.
//!
//! A confounder goes only to a clean community (no falsification pattern),
//! never to a tiny one nor to a county whose rates are bunched on purpose,
//! and is listed in `confounders.csv` (community_code,confounder). Like the
//! patterns, a confounder either sets the honest generator's knobs before the
//! histories are drawn (`prepare`) or edits the honest rows afterwards
//! (`inject`), before the community files its application, so that its
//! claims stay honest.

use super::geography::{Geography, Profile};
use super::histories::{Builder, Knobs};
use super::patterns::Assignment;
use super::rng::{Rng, Stream};

pub mod death_after_reemployment;
pub mod designation_review;
pub mod job_fair;
pub mod local_large_hire;
pub mod prompt_placement;
pub mod public_welfare_posts;
pub mod quarterly_keying;
pub mod rehired_retiree;
pub mod seasonal_work;
pub mod slow_closing;
pub mod small_community;
pub mod stale_stay;
pub mod temp_job_clearance;
pub mod year_end_cleanup;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Confounder {
    StaleStay,
    RehiredRetiree,
    SlowClosing,
    LocalLargeHire,
    QuarterlyKeying,
    SmallCommunity,
    DeathAfterReemployment,
    PublicWelfarePosts,
    SeasonalWork,
    JobFair,
    YearEndCleanup,
    PromptPlacement,
    DesignationReview,
    TempJobClearance,
}

/// The order in which confounders are dealt to the chosen clean communities.
const DEAL: [Confounder; 14] = [
    Confounder::StaleStay,
    Confounder::RehiredRetiree,
    Confounder::SlowClosing,
    Confounder::LocalLargeHire,
    Confounder::QuarterlyKeying,
    Confounder::SmallCommunity,
    Confounder::DeathAfterReemployment,
    Confounder::PublicWelfarePosts,
    Confounder::SeasonalWork,
    Confounder::JobFair,
    Confounder::YearEndCleanup,
    Confounder::PromptPlacement,
    Confounder::DesignationReview,
    Confounder::TempJobClearance,
];

/// The name in `confounders.csv` of the community a stale-stay mover came
/// from: its clerk is the one who never closed the stay.
pub const STALE_STAY_ORIGIN: &str = "stale_stay_origin";

impl Confounder {
    /// The confounder's name in `confounders.csv`.
    pub fn id(self) -> &'static str {
        match self {
            Confounder::StaleStay => "stale_stay",
            Confounder::RehiredRetiree => "rehired_retiree",
            Confounder::SlowClosing => "slow_closing",
            Confounder::LocalLargeHire => "local_large_hire",
            Confounder::QuarterlyKeying => "quarterly_keying",
            Confounder::SmallCommunity => "small_community",
            Confounder::DeathAfterReemployment => "death_after_reemployment",
            Confounder::PublicWelfarePosts => "public_welfare_posts",
            Confounder::SeasonalWork => "seasonal_work",
            Confounder::JobFair => "job_fair",
            Confounder::YearEndCleanup => "year_end_cleanup",
            Confounder::PromptPlacement => "prompt_placement",
            Confounder::DesignationReview => "designation_review",
            Confounder::TempJobClearance => "temp_job_clearance",
        }
    }

    /// Sets the honest generator's knobs for a community carrying it.
    pub fn prepare(self, knobs: &mut Knobs, rng: &mut Rng) {
        match self {
            Confounder::StaleStay => stale_stay::prepare(knobs, rng),
            Confounder::SmallCommunity => small_community::prepare(knobs, rng),
            Confounder::PublicWelfarePosts => public_welfare_posts::prepare(knobs, rng),
            Confounder::YearEndCleanup => year_end_cleanup::prepare(knobs, rng),
            Confounder::DesignationReview => designation_review::prepare(knobs, rng),
            Confounder::TempJobClearance => temp_job_clearance::prepare(knobs, rng),
            _ => {}
        }
    }

    /// Edits the honest rows of a community carrying it.
    pub fn inject(self, b: &mut Builder, rng: &mut Rng) {
        match self {
            Confounder::RehiredRetiree => rehired_retiree::inject(b, rng),
            Confounder::SlowClosing => slow_closing::inject(b, rng),
            Confounder::LocalLargeHire => local_large_hire::inject(b, rng),
            Confounder::QuarterlyKeying => quarterly_keying::inject(b, rng),
            Confounder::DeathAfterReemployment => death_after_reemployment::inject(b, rng),
            Confounder::PublicWelfarePosts => public_welfare_posts::inject(b, rng),
            Confounder::SeasonalWork => seasonal_work::inject(b, rng),
            Confounder::JobFair => job_fair::inject(b, rng),
            Confounder::YearEndCleanup => year_end_cleanup::inject(b, rng),
            Confounder::PromptPlacement => prompt_placement::inject(b, rng),
            Confounder::DesignationReview => designation_review::inject(b, rng),
            Confounder::TempJobClearance => temp_job_clearance::inject(b, rng),
            Confounder::StaleStay | Confounder::SmallCommunity => {}
        }
    }
}

/// Deals the confounders to about `share` of the clean communities that can
/// carry one, from a random stream of their own, so that the falsification
/// patterns and every other community's rows stay as they are without them.
pub fn assign(
    geo: &Geography,
    patterns: &Assignment,
    share: f64,
    seed: u64,
) -> Vec<Option<Confounder>> {
    let n = geo.sites.len();
    let mut out = vec![None; n];
    if share <= 0.0 {
        return out;
    }
    let mut rng = Rng::new(seed, u64::MAX, Stream::Confounder);
    let mut candidates: Vec<usize> = (0..n)
        .filter(|&i| {
            patterns.is_honest(i)
                && geo.sites[i].profile != Profile::Tiny
                && !patterns.bunched_counties.contains(&geo.sites[i].county)
        })
        .collect();
    rng.shuffle(&mut candidates);
    let wanted = ((candidates.len() as f64 * share).round() as usize).min(candidates.len());
    for (k, &i) in candidates.iter().take(wanted).enumerate() {
        out[i] = Some(DEAL[k % DEAL.len()]);
    }
    out
}
