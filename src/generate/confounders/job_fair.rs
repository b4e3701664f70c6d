//! A job fair (`job_fair`): the community holds a job fair or a group
//! training on one day of the year, and 40–70 % of its hardship persons and
//! of its registrants still looking that day attend: each gets a `职业介绍`
//! or `职业培训` service dated that day, besides the ordinary services,
//! which stay. Many services on one day; medium at most.

use crate::generate::histories::Builder;
use crate::generate::rng::Rng;

pub fn inject(b: &mut Builder, rng: &mut Rng) {
    let cal = *b.cal;
    let code = b.site.code.clone();
    let day = rng.date(cal.start + chrono::Duration::days(30), cal.from_cutoff(-30));
    let mut invited: Vec<String> = b
        .batch
        .hardship
        .iter()
        .filter(|h| h.community == code && h.designated <= day && h.revoked.is_none_or(|r| r > day))
        .map(|h| h.person.clone())
        .chain(
            b.batch
                .unemployment
                .iter()
                .filter(|r| {
                    r.community == code && r.registered <= day && r.ended.is_none_or(|e| e > day)
                })
                .map(|r| r.person.clone()),
        )
        .collect();
    invited.sort();
    invited.dedup();
    rng.shuffle(&mut invited);
    // 40–70 % of them come, and a fair has three visitors at least.
    let share = rng.uniform(0.4, 0.7);
    let came = ((share * invited.len() as f64).round() as usize).max(3);
    let kind = if rng.chance(0.5) {
        "职业介绍"
    } else {
        "职业培训"
    };
    for p in invited.into_iter().take(came) {
        b.add_service(&p, kind, day);
    }
}
