//! Registrations opened only for a job (`brief_registrations`): a community
//! whose registered unemployed genuinely found little work pads numerator and
//! denominator together. It registers ledger persons who never registered
//! (working age, able) as unemployed and records a lasting job for each,
//! starting 0–3 days after the registration, which is closed as `就业` on the
//! job's first day. Idle persons come first; a working person's job is ended
//! a few days before the registration, as if they had changed jobs. The
//! registrations are spread over the year. What gives it away: registrations
//! open only days before the job, with no service to the registrant.

use std::collections::BTreeSet;

use chrono::Duration;

use crate::generate::calendar::age_at;
use crate::generate::histories::{Builder, Knobs};
use crate::generate::persons::Role;
use crate::generate::registry::{counted_starts, unemployed_persons};
use crate::generate::rng::Rng;

pub fn prepare(knobs: &mut Knobs, rng: &mut Rng) {
    super::otherwise_passing(knobs, rng);
    knobs.unemployed_share = rng.uniform(0.12, 0.16);
    knobs.reemployment = rng.uniform(0.42, 0.56);
}

/// The rate shown: above the 0.70 threshold.
const TARGET: (f64, f64) = (0.72, 0.80);

pub fn inject(b: &mut Builder, rng: &mut Rng) {
    let cal = *b.cal;
    let code = b.site.code.clone();
    let counted = counted_starts(&b.batch, &code, cal.start, cal.cutoff).len() as f64;
    let unemployed = unemployed_persons(&b.batch, &code, cal.start, cal.cutoff).len() as f64;
    let target = rng.uniform(TARGET.0, TARGET.1);
    // (R + x) / (U + x) >= target.
    let wanted = ((target * unemployed - counted) / (1.0 - target))
        .ceil()
        .max(0.0) as usize;
    let registered = b.batch.registered_persons();
    // Persons whose jobs began before the review year (none started in it).
    let started_in_year: BTreeSet<&str> = b
        .batch
        .employment
        .iter()
        .filter(|j| j.started >= cal.start)
        .map(|j| j.person.as_str())
        .collect();
    let fits = |role: Role| {
        let mut v: Vec<usize> = (0..b.members.len())
            .filter(|&i| {
                let m = &b.members[i];
                m.role == role
                    && m.row.capacity
                    && m.row.left.is_none()
                    && m.moved_from.is_none()
                    && m.row.entered < cal.start
                    && age_at(m.row.birth, cal.start) >= 18
                    && m.retires > cal.extract
                    && !registered.contains(m.row.id.as_str())
                    && !started_in_year.contains(m.row.id.as_str())
            })
            .collect();
        v.sort_unstable();
        v
    };
    let (mut idle, mut working) = (fits(Role::Idle), fits(Role::Stable));
    rng.shuffle(&mut idle);
    rng.shuffle(&mut working);
    for i in idle.into_iter().chain(working).take(wanted) {
        let person = b.members[i].row.id.clone();
        let on = rng.date(cal.start + Duration::days(5), cal.from_cutoff(-20));
        // A working person "lost" the job a few days before registering.
        let quit = on - Duration::days(rng.int(1, 10));
        for j in b.batch.employment.iter_mut() {
            if j.person == person && j.started < quit && j.ended.is_none_or(|e| e >= quit) {
                j.ended = Some(quit);
            }
        }
        let start = on + Duration::days(rng.int(0, 3));
        let kind = if rng.chance(0.7) {
            "单位就业"
        } else {
            "灵活就业"
        };
        b.add_job(&person, None, kind, start, None);
        b.add_registration(&person, on, Some(start), Some("就业"));
    }
}
