//! Re-employment resting on jobs of days (`short_jobs`): a community whose
//! registered unemployed genuinely found little work records jobs for enough
//! of the rest to pass the re-employment rule. The jobs start on ordinary
//! days spread over the year, not crowded before the cut-off, and last 2–20
//! days; each registration is closed as `就业` at the job's start and the
//! record keyed in within days, as a diligent clerk would. What gives it away
//! is what the counted re-employment rests on: jobs that ended at once.

use std::collections::BTreeSet;

use chrono::Duration;

use crate::generate::histories::{Builder, Knobs};
use crate::generate::registry::{counted_starts, unemployed_persons};
use crate::generate::rng::Rng;

pub fn prepare(knobs: &mut Knobs, rng: &mut Rng) {
    super::otherwise_passing(knobs, rng);
    knobs.unemployed_share = rng.uniform(0.24, 0.3);
    knobs.reemployment = rng.uniform(0.40, 0.55);
}

/// The re-employment rate the community shows: above the 0.70 of the
/// re-inspection with a margin of its own choosing.
const TARGET: (f64, f64) = (0.72, 0.85);

pub fn inject(b: &mut Builder, rng: &mut Rng) {
    let cal = *b.cal;
    let code = b.site.code.clone();
    let counted = counted_starts(&b.batch, &code, cal.start, cal.cutoff);
    let unemployed = unemployed_persons(&b.batch, &code, cal.start, cal.cutoff).len();
    let mut candidates: Vec<usize> = (0..b.batch.unemployment.len())
        .filter(|&k| {
            let r = &b.batch.unemployment[k];
            r.community == code
                && r.registered <= cal.from_cutoff(-40)
                && r.ended.is_none_or(|e| e >= cal.start)
                && r.reason != Some("就业")
                && !counted.contains_key(&r.person)
        })
        .collect();
    rng.shuffle(&mut candidates);
    let wanted = (rng.uniform(TARGET.0, TARGET.1) * unemployed as f64).ceil() as usize;
    let mut left = wanted.saturating_sub(counted.len());
    let mut done = BTreeSet::new();
    for k in candidates {
        if left == 0 {
            break;
        }
        let (person, registered) = {
            let r = &b.batch.unemployment[k];
            (r.person.clone(), r.registered)
        };
        // Any day from a few days after registering to a month before the
        // cut-off: the jobs are spread over the year like real hiring.
        let lo = (registered + Duration::days(3)).max(cal.start);
        let hi = cal.from_cutoff(-30);
        if lo > hi || !done.insert(person.clone()) {
            continue;
        }
        let start = rng.date(lo, hi);
        let end = start + Duration::days(rng.int(1, 19));
        let kind = if rng.chance(0.6) {
            "灵活就业"
        } else {
            "单位就业"
        };
        let job = b.add_job(&person, None, kind, start, Some(end));
        b.batch.employment[job].recorded_at = Some(b.keyed_within(start, 2));
        let r = &mut b.batch.unemployment[k];
        r.ended = Some(start + Duration::days(rng.int(0, 3)));
        r.reason = Some("就业");
        left -= 1;
    }
}
