//! Re-employed, then died (`death_after_reemployment`): a registered
//! unemployed person finds work in the review year and dies months later;
//! the ledger closes the stay with `死亡` and the job ends that day. The
//! person was alive at the start that counted them, so the spec allows no
//! finding. A person whose records reach past the death is not chosen.

use chrono::Duration;

use crate::generate::histories::Builder;
use crate::generate::registry::counted_starts;
use crate::generate::rng::Rng;

pub fn inject(b: &mut Builder, rng: &mut Rng) {
    let cal = *b.cal;
    let code = b.site.code.clone();
    let counted = counted_starts(&b.batch, &code, cal.start, cal.cutoff);
    let mut candidates: Vec<(String, usize)> = counted
        .into_iter()
        .filter(|(_, k)| b.batch.employment[*k].started <= cal.from_cutoff(-90))
        .collect();
    rng.shuffle(&mut candidates);
    for (person, k) in candidates {
        let started = b.batch.employment[k].started;
        let died = rng.date(started + Duration::days(30), cal.from_cutoff(-20));
        // Nothing of the person may happen after the death: no later job,
        // registration, designation, service or zero-household episode.
        let later_job = b
            .batch
            .employment
            .iter()
            .any(|j| j.person == person && j.started >= died);
        let later_registration = b
            .batch
            .unemployment
            .iter()
            .any(|r| r.person == person && r.ended.is_none_or(|e| e >= died));
        let designated = b
            .batch
            .hardship
            .iter()
            .any(|h| h.person == person && h.revoked.is_none_or(|r| r >= died));
        let served = b
            .batch
            .services
            .iter()
            .any(|s| s.person == person && s.delivered >= died);
        let stays = b.batch.persons.iter().filter(|p| p.id == person).count();
        let household = b
            .batch
            .persons
            .iter()
            .find(|p| p.id == person)
            .map(|p| p.household.clone());
        let zero = b
            .batch
            .zero_households
            .iter()
            .any(|z| Some(&z.household) == household.as_ref());
        if later_job || later_registration || designated || served || stays != 1 || zero {
            continue;
        }
        for j in b.batch.employment.iter_mut().filter(|j| j.person == person) {
            if j.ended.is_none_or(|e| e > died) {
                j.ended = Some(died);
            }
        }
        let row = b
            .batch
            .persons
            .iter_mut()
            .find(|p| p.id == person)
            .expect("counted persons are in the ledger");
        row.left = Some(died);
        row.left_reason = Some("死亡");
        return;
    }
}
