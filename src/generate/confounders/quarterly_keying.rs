//! Quarterly keying (`quarterly_keying`): the community collects residents'
//! paper employment forms and keys a quarter's worth in at one sitting some
//! weeks after the quarter ends (the busiest of the first three quarters), a
//! form every 20–60 seconds. The jobs are
//! real and started weeks before they were keyed; the spec allows a medium
//! finding at most.

use chrono::{Datelike, Duration, NaiveDate};

use crate::generate::histories::Builder;
use crate::generate::rng::Rng;

pub fn inject(b: &mut Builder, rng: &mut Rng) {
    let cal = *b.cal;
    let code = b.site.code.clone();
    // The busiest of the first three quarters of the review year.
    let quarter = |q: u32| {
        let first = NaiveDate::from_ymd_opt(cal.start.year(), 1 + 3 * q, 1).expect("a date");
        let next = NaiveDate::from_ymd_opt(cal.start.year(), 4 + 3 * q, 1).expect("a date");
        (first, next)
    };
    let keyed_in = |(first, next): (NaiveDate, NaiveDate)| -> Vec<usize> {
        (0..b.batch.employment.len())
            .filter(|&k| {
                let j = &b.batch.employment[k];
                j.community == code
                    && j.started >= first
                    && j.started < next
                    && j.recorded_at.is_some()
            })
            .collect()
    };
    let q = (0..3)
        .max_by_key(|&q| (keyed_in(quarter(q)).len(), std::cmp::Reverse(q)))
        .expect("three quarters");
    let (_, next) = quarter(q);
    let mut keyed = keyed_in(quarter(q));
    let sitting = (next + Duration::days(rng.int(14, 42))).min(cal.extract);
    let mut at =
        sitting.and_hms_opt(9, 0, 0).expect("a time") + Duration::seconds(rng.int(0, 5400));
    keyed.sort_by_key(|&k| (b.batch.employment[k].started, k));
    for k in keyed {
        b.batch.employment[k].recorded_at = Some(at);
        at += Duration::seconds(rng.int(20, 60));
    }
}
