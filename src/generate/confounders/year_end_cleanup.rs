//! A year-end clean-up (`year_end_cleanup`): in December the clerk closes the
//! registrations of 2–5 persons out of contact for over six months (no
//! service, no visit), with reason `其他`. They do not come back. Closings
//! without a job just before the cut-off; medium at most.

use chrono::{Datelike, Duration, NaiveDate};

use crate::generate::histories::{Builder, Knobs};
use crate::generate::rng::Rng;

/// Registrations from early in the year, some still open in December.
pub fn prepare(knobs: &mut Knobs, rng: &mut Rng) {
    knobs.early_registrations = true;
    knobs.unemployment_rate = rng.uniform(0.06, 0.08);
    knobs.unemployed_share = rng.uniform(0.24, 0.3);
    knobs.reemployment = rng.uniform(0.6, 0.75);
}

pub fn inject(b: &mut Builder, rng: &mut Rng) {
    let cal = *b.cal;
    let code = b.site.code.clone();
    let december = NaiveDate::from_ymd_opt(cal.cutoff.year(), 12, 1).expect("a date");
    let mut candidates: Vec<usize> = (0..b.batch.unemployment.len())
        .filter(|&k| {
            let r = &b.batch.unemployment[k];
            let last_contact = b
                .batch
                .services
                .iter()
                .filter(|s| s.person == r.person)
                .map(|s| s.delivered)
                .max()
                .unwrap_or(r.registered)
                .max(r.registered);
            r.community == code
                && r.ended.is_none()
                && last_contact < december - Duration::days(183)
        })
        .collect();
    rng.shuffle(&mut candidates);
    let closed = rng.int(2, 5) as usize;
    for k in candidates.into_iter().take(closed) {
        let r = &mut b.batch.unemployment[k];
        r.ended = Some(rng.date(december, cal.from_cutoff(-3)));
        r.reason = Some("其他");
    }
}
