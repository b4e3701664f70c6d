//! Rates nudged over a threshold (`threshold_bunching`, county level): in one
//! county, every community whose re-employment rate would land below the
//! 0.70 threshold or barely above it reports registration counts whose rate
//! lies in [0.70, 0.73), the least it takes to pass; communities with better
//! genuine rates keep them, and none lies just below the threshold. How many
//! communities bunch is whatever the county's genuine rates give: the county
//! test may lack the power to see a small county.

use crate::generate::geography::Profile;
use crate::generate::histories::Knobs;

/// The top of the band the nudged rates land in (threshold 0.70 + 0.03).
const BAND_TOP: f64 = 0.73;

/// Knobs of an honest community in a bunched county.
pub fn prepare(knobs: &mut Knobs, profile: Profile) {
    knobs.avoid_below_threshold = true;
    if profile != Profile::Tiny && knobs.reemployment < BAND_TOP {
        knobs.forced_counts = true;
    }
}
