//! Registrations closed as employed with no job behind them
//! (`reemployment_without_record`): the community clears its unemployment
//! register by closing registrations with reason `就业` while no employment
//! record of the person exists.

use chrono::Duration;

use crate::generate::histories::{Builder, Knobs};
use crate::generate::registry::counted_starts;
use crate::generate::rng::Rng;

pub fn prepare(knobs: &mut Knobs, rng: &mut Rng) {
    knobs.unemployed_share = 0.2;
    knobs.reemployment = rng.uniform(0.45, 0.55);
}

pub fn inject(b: &mut Builder, rng: &mut Rng) {
    let cal = *b.cal;
    let code = b.site.code.clone();
    let counted = counted_starts(&b.batch, &code, cal.start, cal.cutoff);
    let has_later_job = |b: &Builder, person: &str, after| {
        b.batch.employment.iter().any(|j| j.person == person && j.started >= after)
    };
    let candidates: Vec<usize> = (0..b.batch.unemployment.len())
        .filter(|&k| {
            let r = &b.batch.unemployment[k];
            r.community == code
                && r.registered <= cal.from_cutoff(-60)
                && r.ended.is_none_or(|e| e >= cal.start)
                && r.reason != Some("就业")
                && !counted.contains_key(&r.person)
                && !has_later_job(b, &r.person, r.registered)
        })
        .collect();
    // Well above the detector's 3 and 20 % of the registrations closed as employed.
    let closed = candidates.len().min(4.max(counted.len().div_ceil(2)));
    for &k in candidates.iter().take(closed) {
        let r = &mut b.batch.unemployment[k];
        let lo = (r.registered + Duration::days(20)).max(cal.start + Duration::days(30));
        r.ended = Some(rng.date(lo, cal.from_cutoff(-10)));
        r.reason = Some("就业");
    }
}
