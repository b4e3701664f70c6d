//! Registrations closed before the cut-off (`closed_before_cutoff`): a
//! community whose registered unemployment rate is above the 0.04 of the
//! re-inspection closes enough registrations in the last 45 days before the
//! cut-off, with reason `其他` and no job, to show 0.035 or less. The persons
//! stay in the ledger; four in five of those still looking register again
//! 5–40 days after the cut-off. The trace: closings without a job just
//! before the cut-off, re-opened after it.

use chrono::Duration;

use crate::generate::histories::{Builder, Knobs};
use crate::generate::registry::{labour, registered_open};
use crate::generate::rng::Rng;

pub fn prepare(knobs: &mut Knobs, rng: &mut Rng) {
    super::otherwise_passing(knobs, rng);
    knobs.unemployment_rate = rng.uniform(0.05, 0.07);
    knobs.unemployed_share = rng.uniform(0.3, 0.34);
    knobs.reemployment = rng.uniform(0.8, 0.86);
    knobs.keep_open = true;
}

pub fn inject(b: &mut Builder, rng: &mut Rng) {
    let cal = *b.cal;
    let a = cal.cutoff;
    let code = b.site.code.clone();
    let (_, employed) = labour(&b.batch, &code, a);
    let open = registered_open(&b.batch, &code, a);
    // Registered unemployed the community keeps: k / (employed + k) <= target.
    let target = rng.uniform(0.02, 0.035);
    let keep = (target * employed as f64 / (1.0 - target)).floor() as usize;
    let mut candidates: Vec<usize> = (0..b.batch.unemployment.len())
        .filter(|&k| {
            let r = &b.batch.unemployment[k];
            r.community == code
                && r.registered < a - Duration::days(1)
                && r.ended.is_none_or(|e| e > a)
        })
        .collect();
    rng.shuffle(&mut candidates);
    // Those still looking first: the ones who found work after the cut-off
    // are closed only when the others do not suffice.
    candidates.sort_by_key(|&k| b.batch.unemployment[k].ended.is_some());
    for k in candidates.into_iter().take(open.saturating_sub(keep)) {
        let (person, still_looking) = {
            let r = &mut b.batch.unemployment[k];
            let still_looking = r.ended.is_none();
            let lo = (r.registered + Duration::days(1)).max(a - Duration::days(45));
            r.ended = Some(rng.date(lo, a - Duration::days(1)));
            r.reason = Some("其他");
            (r.person.clone(), still_looking)
        };
        if still_looking && rng.chance(0.8) {
            let again = a + Duration::days(rng.int(5, 40));
            b.add_registration(&person, again, None, None);
        }
    }
}
