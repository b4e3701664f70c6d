//! A paper employer absorbing the unemployed (`employer_concentration`): a
//! community whose registered unemployed genuinely found little work books
//! enough of the rest as hired by one labour-dispatch company to reach the
//! rate it wants, closing their registrations as `就业`. The jobs are spread
//! over the year like real hiring, not crowded before the cut-off. Half the
//! time the company's credit code was made up (it fails GB 32100); half the
//! time a real company's valid code lends its name.

use chrono::Duration;

use crate::generate::histories::{Builder, Knobs};
use crate::generate::ids::{credit_code, spoil_credit_code};
use crate::generate::names;
use crate::generate::registry::counted_starts;
use crate::generate::rng::Rng;

pub fn prepare(knobs: &mut Knobs, rng: &mut Rng) {
    knobs.unemployed_share = 0.3;
    knobs.reemployment = rng.uniform(0.38, 0.5);
}

pub fn inject(b: &mut Builder, rng: &mut Rng) {
    let cal = *b.cal;
    let code = b.site.code.clone();
    let name = names::shell_employer(&b.county.name);
    let real = credit_code(
        "91",
        &b.county.code,
        999_000_000 % 887_503_681 + b.site.index as u64,
    );
    let company = if rng.chance(0.5) {
        spoil_credit_code(&real)
    } else {
        real
    };
    let counted = counted_starts(&b.batch, &code, cal.start, cal.cutoff);
    let registrations: Vec<usize> = (0..b.batch.unemployment.len())
        .filter(|&k| {
            let r = &b.batch.unemployment[k];
            r.community == code
                && r.registered <= cal.cutoff
                && r.ended.is_none_or(|e| e >= cal.start)
        })
        .collect();
    // Not re-employed, registered long enough before the cut-off for a
    // "hiring" to look ordinary.
    let mut candidates: Vec<usize> = registrations
        .iter()
        .copied()
        .filter(|&k| {
            let r = &b.batch.unemployment[k];
            matches!(r.reason, None | Some("其他"))
                && r.registered <= cal.from_cutoff(-60)
                && !counted.contains_key(&r.person)
        })
        .collect();
    rng.shuffle(&mut candidates);
    // The rate the community wants to show.
    let wanted = (rng.uniform(0.85, 0.95) * registrations.len() as f64).round() as usize;
    let booked = wanted.saturating_sub(counted.len()).min(candidates.len());
    for &k in candidates.iter().take(booked) {
        let (person, registered) = {
            let r = &b.batch.unemployment[k];
            (r.person.clone(), r.registered)
        };
        let lo = (registered + Duration::days(7)).max(cal.start);
        let start = rng.date(lo, cal.from_cutoff(-45).max(lo));
        let job = b.add_job(&person, None, "单位就业", start, None);
        let j = &mut b.batch.employment[job];
        j.employer_name = Some(name.clone());
        j.employer_code = Some(company.clone());
        let r = &mut b.batch.unemployment[k];
        r.ended = Some((start + Duration::days(rng.int(0, 3))).min(cal.cutoff));
        r.reason = Some("就业");
    }
}
