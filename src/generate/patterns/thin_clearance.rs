//! A clearance backed by a job of days (`thin_clearance`): a community with a
//! zero household open for months, which would cost it its recognition (the
//! veto), marks the household cleared 10–25 days after it was identified and
//! records a job for one member of working age starting 0–5 days before the
//! clearing day and ending 2–14 days after it. A member's job covers the
//! clearing day, so the clearance looks verified; the job ends at once.

use chrono::Duration;

use crate::generate::histories::{Builder, Knobs};
use crate::generate::rng::Rng;

pub fn prepare(knobs: &mut Knobs, rng: &mut Rng) {
    super::otherwise_passing(knobs, rng);
    knobs.overdue_zero = true;
}

pub fn inject(b: &mut Builder, rng: &mut Rng) {
    let cal = *b.cal;
    let code = b.site.code.clone();
    let overdue: Vec<usize> = (0..b.batch.zero_households.len())
        .filter(|&k| {
            let z = &b.batch.zero_households[k];
            z.community == code && z.cleared.is_none() && z.identified < cal.from_cutoff(-30)
        })
        .collect();
    for k in overdue {
        let (household, identified) = {
            let z = &b.batch.zero_households[k];
            (z.household.clone(), z.identified)
        };
        let cleared = identified + Duration::days(rng.int(10, 25));
        let start = cleared - Duration::days(rng.int(0, 5));
        let member = b
            .members
            .iter()
            .find(|m| {
                m.row.household == household
                    && m.row.capacity
                    && m.row.left.is_none()
                    && m.working_age_at(start)
                    && m.working_age_at(cal.extract)
            })
            .map(|m| m.row.id.clone());
        let Some(person) = member else { continue };
        let end = cleared + Duration::days(rng.int(2, 14));
        let kind = if rng.chance(0.5) {
            "灵活就业"
        } else {
            "单位就业"
        };
        b.add_job(&person, None, kind, start, Some(end));
        b.batch.zero_households[k].cleared = Some(cleared);
    }
}
