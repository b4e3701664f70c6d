//! What real rosters and platform files leave out: a recognised community
//! whose roster row names only its national recognition, or only its star
//! year, without the provincial year it once had; and a community whose
//! platform check (平台建设核查) for the review year was never filed. Each
//! in a small share, from a stream of its own, so that the rest of the
//! extract is drawn exactly as without them.
//!
//! Only honest communities lose their platform row: a pattern changes its
//! community's outcome, and a platform failure beside it would blur which
//! one did. Any recognised community may lose its provincial year: it stays
//! under re-inspection either way.

use super::model::Batch;
use super::rng::Rng;

/// Of the provincially recognised communities, the share whose roster row
/// keeps only the national mark, and the share that keeps only a star year.
const NATIONAL_ONLY: f64 = 0.03;
const STAR_YEAR_ONLY: f64 = 0.03;
/// Of the honest communities, the share with no platform row for the year.
const NO_PLATFORM_RECORD: f64 = 0.04;

/// One gap in a community's rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gap {
    /// The roster row is marked national, with no provincial or star year.
    NationalOnly,
    /// The roster row carries a star year and no provincial year.
    StarYearOnly,
    /// No platform row for the review year.
    NoPlatformRecord,
}

/// The gaps a community gets by chance: at most one of the roster's, and
/// the platform's for an honest one. Draws the same numbers whatever comes
/// out, so each choice leaves the others alone.
pub fn draw(batch: &Batch, honest: bool, rng: &mut Rng) -> Vec<Gap> {
    let (roster, platform) = (rng.unit(), rng.unit());
    let provincial = batch
        .communities
        .first()
        .is_some_and(|c| c.provincial_year.is_some());
    let mut gaps = vec![];
    if provincial && roster < NATIONAL_ONLY {
        gaps.push(Gap::NationalOnly);
    } else if provincial && roster < NATIONAL_ONLY + STAR_YEAR_ONLY {
        gaps.push(Gap::StarYearOnly);
    }
    if honest && platform < NO_PLATFORM_RECORD {
        gaps.push(Gap::NoPlatformRecord);
    }
    gaps
}

/// Opens `gap` in the community's rows for review year `year`. A gap that
/// does not fit (a roster gap in a community never recognised) changes
/// nothing.
pub fn open(batch: &mut Batch, gap: Gap, year: i32, rng: &mut Rng) {
    match gap {
        Gap::NoPlatformRecord => batch.platform.retain(|p| p.year != year),
        Gap::NationalOnly | Gap::StarYearOnly => {
            let Some(c) = batch.communities.first_mut() else {
                return;
            };
            let Some(provincial) = c.provincial_year else {
                return;
            };
            c.provincial_year = None;
            if gap == Gap::NationalOnly {
                c.provincial_star_year = None;
                c.provincial_stars = None;
                c.national = Some(true);
            } else if c.provincial_star_year.is_none() {
                // Recognised as a star community in its provincial year.
                c.provincial_star_year = Some(provincial);
                c.provincial_stars = Some(rng.int(1, 5) as i32);
            }
        }
    }
}
