//! Rates bunched just above a threshold (`threshold_bunching`, county level):
//! in one county, communities that would have landed near or below the 0.70
//! re-employment threshold all report rates in [0.70, 0.73), and none lies
//! just below it. Each of them also passes by fewer than 2 persons
//! (`marginal_pass`).

use crate::generate::geography::Profile;
use crate::generate::histories::Knobs;
use crate::generate::rng::Rng;

/// Communities pushed into the band: enough for the exact binomial test
/// (8 against 0 gives p = 0.0039 < 0.01).
pub const AT_LEAST: usize = 8;

/// Knobs of an honest community in a bunched county. `rank` counts the
/// county's honest communities seen so far.
pub fn prepare(knobs: &mut Knobs, profile: Profile, rank: usize, rng: &mut Rng) {
    knobs.avoid_below_threshold = true;
    let near = knobs.reemployment < 0.85 || rank < AT_LEAST;
    if profile != Profile::Tiny && profile != Profile::Failing && near {
        knobs.forced_counts = true;
        knobs.reemployment_prev = 0.74 + rng.normal(0.0, 0.06);
    }
}
