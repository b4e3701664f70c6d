//! Jobs that cover the cut-off and little else (`hardship_cover`): a
//! community with a low hardship employment rate records jobs for enough of
//! its hardship persons without work to show 0.90 or more. Each job starts
//! some day in the second half of the review year and ends 1–20 days after
//! the cut-off: long enough to count on the cut-off, gone before anybody
//! checks. The trace: jobs that end just after the cut-off behind the
//! hardship figure.

use chrono::Duration;

use crate::generate::histories::{Builder, Knobs};
use crate::generate::registry::{employed_at, hardship_persons};
use crate::generate::rng::Rng;

pub fn prepare(knobs: &mut Knobs, rng: &mut Rng) {
    super::otherwise_passing(knobs, rng);
    knobs.hardship = rng.uniform(0.5, 0.7);
    knobs.hardship_share = rng.uniform(0.12, 0.16);
}

pub fn inject(b: &mut Builder, rng: &mut Rng) {
    let cal = *b.cal;
    let code = b.site.code.clone();
    let h = hardship_persons(&b.batch, &code, cal.start, cal.cutoff);
    let mut without: Vec<String> = h
        .keys()
        .filter(|p| !employed_at(&b.batch, p, cal.cutoff))
        .cloned()
        .collect();
    rng.shuffle(&mut without);
    let employed = h.len() - without.len();
    let wanted = (rng.uniform(0.9, 1.0) * h.len() as f64).ceil() as usize;
    let second_half = cal.start + Duration::days(181);
    // Two at least: one job ending after A no test can tell from turnover.
    for person in without
        .into_iter()
        .take(wanted.saturating_sub(employed).max(2))
    {
        // After any job the person had earlier in the year.
        let free = b
            .batch
            .last_job_ended(&person)
            .map_or(second_half, |e| (e + Duration::days(1)).max(second_half));
        let start = rng.date(free.min(cal.cutoff), cal.cutoff);
        let end = cal.from_cutoff(rng.int(1, 20));
        let kind = ["公益性岗位", "灵活就业", "单位就业"][rng.weighted(&[0.4, 0.35, 0.25])];
        b.add_job(&person, None, kind, start, Some(end));
    }
}
