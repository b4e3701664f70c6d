//! The yearly review of designations (`designation_review`): 1–3 hardship
//! persons without work moved out during the year; their ledger stay closes
//! with `迁出` and the office revokes the designation within days of the
//! move, at different times of the year. A designation ended without a job,
//! with the reason in the ledger; medium at most. (Hardship persons who reach
//! retirement age in the year would be the other documented reason; the
//! honest histories designate nobody that close to retirement.)

use chrono::Duration;

use crate::generate::histories::{Builder, Knobs};
use crate::generate::registry::employed_at;
use crate::generate::rng::Rng;

/// A few more hardship persons without work than the usual community has.
pub fn prepare(knobs: &mut Knobs, rng: &mut Rng) {
    knobs.hardship_share = rng.uniform(0.1, 0.12);
    knobs.hardship = rng.uniform(0.75, 0.88);
}

pub fn inject(b: &mut Builder, rng: &mut Rng) {
    let cal = *b.cal;
    let code = b.site.code.clone();
    let mut candidates: Vec<usize> = (0..b.batch.hardship.len())
        .filter(|&k| {
            let h = &b.batch.hardship[k];
            h.community == code
                && h.revoked.is_none()
                && h.designated < cal.start
                && !employed_at(&b.batch, &h.person, cal.cutoff)
                && b.batch.persons.iter().filter(|p| p.id == h.person).count() == 1
        })
        .collect();
    rng.shuffle(&mut candidates);
    let n = rng.int(1, 3) as usize;
    for k in candidates.into_iter().take(n) {
        let person = b.batch.hardship[k].person.clone();
        // A service in the year before the move, so the person was assisted.
        let first_service = b
            .batch
            .services
            .iter()
            .filter(|s| s.person == person && s.delivered >= cal.start)
            .map(|s| s.delivered)
            .min();
        let Some(served) = first_service else {
            continue;
        };
        // After any job of theirs ended: they move out without work.
        let free = b
            .batch
            .employment
            .iter()
            .filter(|j| j.person == person)
            .filter_map(|j| j.ended)
            .max()
            .map_or(served, |e| e.max(served));
        let lo = free + Duration::days(10);
        let hi = cal.from_cutoff(-20);
        if lo > hi {
            continue;
        }
        let moved = rng.date(lo, hi);
        let revoked = moved + Duration::days(rng.int(0, 10));
        b.batch.hardship[k].revoked = Some(revoked);
        if let Some(p) = b.batch.persons.iter_mut().find(|p| p.id == person) {
            p.left = Some(moved);
            p.left_reason = Some("迁出");
        }
        // Nobody serves them here after they left.
        b.batch
            .services
            .retain(|s| s.person != person || s.delivered < moved);
    }
}
