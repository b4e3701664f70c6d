//! Prompt placement (`prompt_placement`): two or three registrants are placed
//! within a week of registering through the community's own job
//! introduction: a `职业介绍` service on the day they register, a job that
//! lasts starting 1–7 days later, the registration closed as `就业` within
//! days. Brief registrations with a real service behind them; no finding.

use chrono::Duration;

use crate::generate::histories::Builder;
use crate::generate::registry::counted_starts;
use crate::generate::rng::Rng;

pub fn inject(b: &mut Builder, rng: &mut Rng) {
    let cal = *b.cal;
    let code = b.site.code.clone();
    let counted = counted_starts(&b.batch, &code, cal.start, cal.cutoff);
    // Re-employed registrants of the year whose job is this community's and
    // lasts: their placement is moved to the first week.
    let mut placed: Vec<(usize, usize)> = (0..b.batch.unemployment.len())
        .filter_map(|k| {
            let r = &b.batch.unemployment[k];
            let &job = counted.get(&r.person)?;
            let j = &b.batch.employment[job];
            (r.community == code
                && r.reason == Some("就业")
                && r.registered >= cal.start
                && r.registered <= cal.from_cutoff(-60)
                && j.community == code
                && j.started >= r.registered
                && j.ended.is_none())
            .then_some((k, job))
        })
        .collect();
    rng.shuffle(&mut placed);
    let n = rng.int(2, 3) as usize;
    for (k, job) in placed.into_iter().take(n) {
        let (person, registered) = {
            let r = &b.batch.unemployment[k];
            (r.person.clone(), r.registered)
        };
        b.add_service(&person, "职业介绍", registered);
        let start = registered + Duration::days(rng.int(1, 7));
        let keyed = b.keyed_at(start);
        let j = &mut b.batch.employment[job];
        j.started = start;
        j.recorded_at = keyed;
        b.batch.unemployment[k].ended = Some(start + Duration::days(rng.int(0, 2)));
    }
}
