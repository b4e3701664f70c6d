//! Window dressing before the cut-off (`cutoff_window_dressing`): a community
//! whose registered unemployed genuinely found little work gets many of them
//! "re-employed" in the last weeks before the cut-off, in short jobs that end
//! soon after it, kept just long enough to be counted.

use chrono::Duration;

use crate::generate::histories::{Builder, Knobs};
use crate::generate::registry::counted_starts;
use crate::generate::rng::Rng;

pub fn prepare(knobs: &mut Knobs, rng: &mut Rng) {
    knobs.reemployment = rng.uniform(0.35, 0.45);
    knobs.reemployment_prev = rng.uniform(0.5, 0.6);
    knobs.unemployed_share = 0.3;
    knobs.early_registrations = true;
}

/// The re-employment rate the community dresses its figures up to: the
/// provincial threshold (0.70) with a margin the community picks.
const TARGET: (f64, f64) = (0.75, 0.85);

pub fn inject(b: &mut Builder, rng: &mut Rng) {
    let cal = *b.cal;
    let code = b.site.code.clone();
    let counted = counted_starts(&b.batch, &code, cal.start, cal.cutoff);
    // Registrations open for months (a long stretch in which the start could
    // have fallen), whose persons were not re-employed.
    let mut candidates: Vec<usize> = (0..b.batch.unemployment.len())
        .filter(|&k| {
            let r = &b.batch.unemployment[k];
            r.community == code
                && r.registered <= cal.from_cutoff(-90)
                && r.ended.is_none_or(|e| e >= cal.start)
                && r.reason != Some("就业")
                && !counted.contains_key(&r.person)
        })
        .collect();
    // The longest-open first: their starts were the least likely to fall late.
    candidates.sort_by_key(|&k| (b.batch.unemployment[k].registered, k));
    let unemployed = b
        .batch
        .unemployment
        .iter()
        .filter(|r| r.community == code && r.ended.is_none_or(|e| e >= cal.start))
        .count();
    // As many as it takes to show the target rate, as far as there are
    // persons left to dress.
    let wanted = (rng.uniform(TARGET.0, TARGET.1) * unemployed as f64).ceil() as usize;
    let dressed = candidates.len().min(wanted.saturating_sub(counted.len()));
    for &k in candidates.iter().take(dressed) {
        let start = cal.from_cutoff(-rng.int(2, 25));
        let end = cal.from_cutoff(rng.int(7, 45));
        let person = b.batch.unemployment[k].person.clone();
        let kind = if rng.chance(0.5) {
            "灵活就业"
        } else {
            "单位就业"
        };
        b.add_job(&person, None, kind, start, Some(end));
        let r = &mut b.batch.unemployment[k];
        r.ended = Some((start + Duration::days(rng.int(0, 2))).min(cal.cutoff));
        r.reason = Some("就业");
    }
}
