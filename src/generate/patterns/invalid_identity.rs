//! Invalid identities counted as re-employed (`invalid_identity`): persons
//! whose identifiers fail GB 11643 in every row, and one person who is
//! recorded deceased before the job that counts them started.

use chrono::Duration;

use crate::generate::histories::{Builder, Knobs};
use crate::generate::ids::spoil_person_id;
use crate::generate::registry::counted_starts;
use crate::generate::rng::Rng;

pub fn prepare(knobs: &mut Knobs, rng: &mut Rng) {
    knobs.unemployed_share = 0.16;
    knobs.reemployment = rng.uniform(0.82, 0.9);
}

pub fn inject(b: &mut Builder, rng: &mut Rng) {
    let cal = *b.cal;
    let code = b.site.code.clone();
    let mut counted: Vec<(String, usize)> = counted_starts(&b.batch, &code, cal.start, cal.cutoff)
        .into_iter()
        .collect();
    rng.shuffle(&mut counted);
    for (person, _) in counted.iter().take(3) {
        b.batch.rename_person(person, &spoil_person_id(person));
    }
    if let Some((person, job)) = counted.get(3) {
        let started = b.batch.employment[*job].started;
        if let Some(p) = b
            .batch
            .persons
            .iter_mut()
            .find(|p| &p.id == person && p.community == code)
        {
            p.left = Some((started - Duration::days(rng.int(10, 40))).max(p.entered));
            p.left_reason = Some("死亡");
        }
    }
}
