//! Registrations closed as employed with no job behind them
//! (`reemployment_without_record`): the community clears its unemployment
//! register by closing registrations with reason `就业` while no employment
//! record of the person exists.

use chrono::Duration;

use crate::generate::histories::{Builder, Knobs};
use crate::generate::registry::counted_starts;
use crate::generate::rng::Rng;

pub fn prepare(knobs: &mut Knobs, rng: &mut Rng) {
    knobs.unemployed_share = 0.3;
    knobs.reemployment = rng.uniform(0.45, 0.55);
}

pub fn inject(b: &mut Builder, rng: &mut Rng) {
    let cal = *b.cal;
    let code = b.site.code.clone();
    let counted = counted_starts(&b.batch, &code, cal.start, cal.cutoff);
    // A registration can be closed without a record when no job of the
    // person starts within the detector's 30 days of the closing date, which
    // must lie in the year, a month or more before any later job.
    let window = |b: &Builder, k: usize| {
        let r = &b.batch.unemployment[k];
        let lo = (r.registered + Duration::days(20)).max(cal.start + Duration::days(30));
        let next_job = b
            .batch
            .employment
            .iter()
            .filter(|j| j.person == r.person && j.started >= r.registered)
            .map(|j| j.started)
            .min();
        let hi = next_job.map_or(cal.from_cutoff(-10), |s| {
            (s - Duration::days(31)).min(cal.from_cutoff(-10))
        });
        (lo <= hi).then_some((lo, hi))
    };
    let candidates: Vec<(usize, (chrono::NaiveDate, chrono::NaiveDate))> =
        (0..b.batch.unemployment.len())
            .filter(|&k| {
                let r = &b.batch.unemployment[k];
                r.community == code
                    && r.ended.is_none_or(|e| e >= cal.start)
                    && r.reason != Some("就业")
                    && !counted.contains_key(&r.person)
            })
            .filter_map(|k| window(b, k).map(|w| (k, w)))
            .collect();
    // Well above the detector's 3 and 20 % of the registrations closed as employed.
    let closed = candidates.len().min(4.max(counted.len().div_ceil(2)));
    for &(k, (lo, hi)) in candidates.iter().take(closed) {
        let r = &mut b.batch.unemployment[k];
        r.ended = Some(rng.date(lo, hi));
        r.reason = Some("就业");
    }
}
