//! New jobs padded with gigs of days (`padded_new_jobs`): a settled community
//! where hardly anybody started work in the review year (nobody registered,
//! nobody changed jobs) scores nothing for new employment; it records short
//! jobs of 3–20 days, spread over the year, for working-age residents who
//! are not registered (idle persons first, then working ones) until it
//! shows 5.5–9 new jobs per 100 of its labour force. The ten points of the
//! score's new-jobs component lift it across a star band or the city level.
//! The trace: the new-jobs figure rests on jobs that ended within days.

use chrono::Duration;

use crate::generate::histories::{Builder, Knobs};
use crate::generate::persons::Role;
use crate::generate::registry::labour;
use crate::generate::rng::Rng;

/// A settled community scoring on everything but new jobs: no registered
/// unemployed (the re-employment rate is null and scores full), every hardship
/// person keeping the job they had, a hardship rate of 0.7–1.0 that places
/// the score between 71 and 90 without the new-jobs points.
pub fn prepare(knobs: &mut Knobs, rng: &mut Rng) {
    knobs.quiet = true;
    knobs.early_designations = true;
    knobs.unemployed_share = 0.0;
    knobs.hardship = rng.uniform(0.7, 1.0);
    knobs.hardship_prev = knobs.hardship;
    knobs.overdue_zero = false;
    knobs.unverified_zero = 0;
    knobs.service_gap = false;
    knobs.platform_ok = true;
}

pub fn inject(b: &mut Builder, rng: &mut Rng) {
    let cal = *b.cal;
    let code = b.site.code.clone();
    let (force, _) = labour(&b.batch, &code, cal.cutoff);
    let per_100 = rng.uniform(5.5, 9.0);
    let wanted = (per_100 * force as f64 / 100.0).ceil() as usize;
    let registered = b.batch.registered_persons();
    let fits = |role: Role| {
        (0..b.members.len())
            .filter(|&i| {
                let m = &b.members[i];
                m.role == role
                    && m.row.capacity
                    && m.row.left.is_none()
                    && m.row.entered < cal.start
                    && m.working_age_at(cal.start)
                    && m.working_age_at(cal.cutoff)
                    && !registered.contains(m.row.id.as_str())
            })
            .collect::<Vec<usize>>()
    };
    let (mut idle, mut working) = (fits(Role::Idle), fits(Role::Stable));
    rng.shuffle(&mut idle);
    rng.shuffle(&mut working);
    for i in idle.into_iter().chain(working).take(wanted) {
        let person = b.members[i].row.id.clone();
        let start = rng.date(cal.start + Duration::days(10), cal.from_cutoff(-25));
        let end = start + Duration::days(rng.int(2, 19));
        let kind = if rng.chance(0.75) {
            "灵活就业"
        } else {
            "单位就业"
        };
        b.add_job(&person, None, kind, start, Some(end));
    }
}
