//! Designations revoked to shrink the denominator (`revoked_designations`):
//! a community with a low hardship employment rate revokes the designations
//! of enough of its hardship persons without work to show 0.90 or more,
//! dating each revocation in the last 60 days before the review year so that
//! the person drops out of it. Nobody moved, retired or found work: the
//! persons stay in the ledger and no job follows. The trace: designations
//! ended without a job, of persons still there.

use chrono::Duration;

use crate::generate::histories::{Builder, Knobs};
use crate::generate::registry::{employed_at, hardship_persons};
use crate::generate::rng::Rng;

pub fn prepare(knobs: &mut Knobs, rng: &mut Rng) {
    super::otherwise_passing(knobs, rng);
    knobs.hardship = rng.uniform(0.55, 0.75);
    knobs.hardship_share = rng.uniform(0.10, 0.14);
    knobs.early_designations = true;
}

pub fn inject(b: &mut Builder, rng: &mut Rng) {
    let cal = *b.cal;
    let code = b.site.code.clone();
    let h = hardship_persons(&b.batch, &code, cal.start, cal.cutoff);
    let employed = h
        .keys()
        .filter(|p| employed_at(&b.batch, p, cal.cutoff))
        .count();
    // Those without work whose designation can be dated back before S.
    let mut candidates: Vec<usize> = h
        .iter()
        .filter(|(p, _)| !employed_at(&b.batch, p, cal.cutoff))
        .map(|(_, &k)| k)
        .filter(|&k| b.batch.hardship[k].designated < cal.start - Duration::days(61))
        .collect();
    rng.shuffle(&mut candidates);
    // Those who had no work at all in the months before come first.
    let worked_lately = |k: usize| {
        let person = &b.batch.hardship[k].person;
        b.batch
            .employment
            .iter()
            .filter(|j| &j.person == person)
            .any(|j| j.ended.is_none_or(|e| e >= cal.start - Duration::days(60)))
    };
    candidates.sort_by_key(|&k| worked_lately(k));
    // The rate shown: employed / (H − revoked) at or above the target.
    let target = rng.uniform(0.9, 1.0);
    let keep = (employed as f64 / target).floor() as usize;
    // Two at least: one revocation alone no test can tell from a review.
    let revoked = h.len().saturating_sub(keep.max(employed)).max(2);
    for k in candidates.into_iter().take(revoked) {
        let on = rng.date(
            cal.start - Duration::days(60),
            cal.start - Duration::days(1),
        );
        b.batch.hardship[k].revoked = Some(on);
    }
}
