//! Public-welfare posts filled before the year closes
//! (`public_welfare_posts`): the street office fills its public-welfare posts
//! (公益性岗位, with the street office itself as employer) from the
//! community's registered jobless in the last 3–5 weeks of the year. The
//! persons placed have been registered for months and had services before;
//! the posts last, the registrations close as `就业` within days and the
//! records are keyed in promptly. Many counted starts then fall just before
//! the cut-off, which is policy, not fraud: medium at most.

use chrono::Duration;

use crate::generate::histories::{Builder, Knobs};
use crate::generate::rng::Rng;

/// Many registered jobless still looking in the autumn: registrations early
/// in the year and a re-employment rate that leaves room for the posts.
/// A rate of the community's draw, reached in its knobs.
type Knob = fn(&mut Knobs) -> &mut f64;

pub fn prepare(knobs: &mut Knobs, rng: &mut Rng) {
    // Drawn in this order: the draws are the generator's stream.
    let ranges: [(Knob, f64, f64); 3] = [
        (|k| &mut k.unemployed_share, 0.26, 0.32),
        (|k| &mut k.reemployment, 0.5, 0.6),
        (|k| &mut k.unemployment_rate, 0.14, 0.2),
    ];
    for (knob, low, high) in ranges {
        *knob(knobs) = rng.uniform(low, high);
    }
    knobs.early_registrations = true;
}

pub fn inject(b: &mut Builder, rng: &mut Rng) {
    let cal = *b.cal;
    let code = b.site.code.clone();
    let weeks = rng.int(3, 5);
    let first = cal.from_cutoff(-7 * weeks);
    let mut candidates: Vec<usize> = (0..b.batch.unemployment.len())
        .filter(|&k| {
            let r = &b.batch.unemployment[k];
            let served_before = b
                .batch
                .services
                .iter()
                .any(|s| s.person == r.person && s.delivered < first);
            // Still registered at the cut-off: looking, or placed only after it.
            r.community == code
                && r.ended.is_none_or(|e| e > cal.cutoff)
                && r.registered <= first - Duration::days(90)
                && served_before
        })
        .collect();
    rng.shuffle(&mut candidates);
    let posts = rng.int(6, 12) as usize;
    for k in candidates.into_iter().take(posts) {
        let person = b.batch.unemployment[k].person.clone();
        // A post now instead of the job the person would have found later.
        b.batch
            .employment
            .retain(|j| j.person != person || j.started <= cal.cutoff);
        let start = rng.date(first, cal.from_cutoff(-3));
        let job = b.add_job(&person, None, "公益性岗位", start, None);
        b.batch.employment[job].recorded_at = Some(b.keyed_within(start, 2));
        let r = &mut b.batch.unemployment[k];
        r.ended = Some(start + Duration::days(rng.int(0, 2)));
        r.reason = Some("就业");
    }
}
