//! A clearance by a temporary job (`temp_job_clearance`): a zero household
//! is cleared in time by a member's job that lasts 2–4 months; when it ends
//! the household has nobody working again, and the bureau identifies it
//! again (a new episode) and clears it once more with a member's lasting job
//! within the 30 days. Every clearance is backed by real work; no finding.

use chrono::Duration;

use crate::generate::histories::{Builder, Knobs};
use crate::generate::rng::Rng;

pub fn prepare(knobs: &mut Knobs, _rng: &mut Rng) {
    knobs.cleared_zero_at_least = 2;
}

pub fn inject(b: &mut Builder, rng: &mut Rng) {
    let cal = *b.cal;
    let code = b.site.code.clone();
    let episodes: Vec<usize> = (0..b.batch.zero_households.len())
        .filter(|&k| {
            let z = &b.batch.zero_households[k];
            z.community == code
                && z.cleared
                    .is_some_and(|c| c >= cal.prev_start && c <= cal.from_cutoff(-150))
        })
        .collect();
    let Some(&k) = episodes.get(rng.index(episodes.len().max(1))) else {
        return;
    };
    let (household, cleared) = {
        let z = &b.batch.zero_households[k];
        (z.household.clone(), z.cleared.expect("cleared"))
    };
    let members: Vec<String> = b
        .batch
        .persons
        .iter()
        .filter(|p| p.household == household)
        .map(|p| p.id.clone())
        .collect();
    // The job that cleared it: a member's, covering the clearing day.
    let Some(job) = (0..b.batch.employment.len()).find(|&j| {
        let e = &b.batch.employment[j];
        members.contains(&e.person) && e.started <= cleared && e.ended.is_none_or(|x| x >= cleared)
    }) else {
        return;
    };
    let (clearer, started) = {
        let e = &b.batch.employment[job];
        (e.person.clone(), e.started)
    };
    let ended = started + Duration::days(rng.int(60, 120));
    b.batch.employment[job].ended = Some(ended);
    let again = ended + Duration::days(rng.int(1, 20));
    let start = again + Duration::days(rng.int(3, 22));
    b.add_job(&clearer, None, "单位就业", start, None);
    b.batch
        .zero_households
        .push(crate::generate::model::ZeroHousehold {
            household,
            community: code,
            identified: again,
            cleared: Some(start + Duration::days(rng.int(0, 3))),
        });
}
