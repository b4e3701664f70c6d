//! Seasonal work (`seasonal_work`): two or three of the community's
//! re-employed registrants took a seasonal job of 15–45 days at a county
//! employer (the harvest, the festival sales). When it ended they either
//! registered again within a few weeks or found another job that lasts. The
//! short jobs are real and counted; medium at most.

use chrono::Duration;

use crate::generate::histories::Builder;
use crate::generate::registry::counted_starts;
use crate::generate::rng::Rng;

pub fn inject(b: &mut Builder, rng: &mut Rng) {
    let cal = *b.cal;
    let code = b.site.code.clone();
    let mut counted: Vec<(String, usize)> = counted_starts(&b.batch, &code, cal.start, cal.cutoff)
        .into_iter()
        .filter(|(p, k)| {
            let j = &b.batch.employment[*k];
            // A job of this community, early enough for what follows, and the
            // person's last: nothing of theirs starts after it.
            j.community == code
                && j.started <= cal.from_cutoff(-110)
                && !b
                    .batch
                    .employment
                    .iter()
                    .any(|o| &o.person == p && o.started > j.started)
                && !b
                    .batch
                    .unemployment
                    .iter()
                    .any(|r| &r.person == p && r.registered > j.started)
        })
        .collect();
    rng.shuffle(&mut counted);
    let seasonal = rng.int(2, 3) as usize;
    for (person, k) in counted.into_iter().take(seasonal) {
        let started = b.batch.employment[k].started;
        let ended = started + Duration::days(rng.int(14, 44));
        let (name, company) = b.county_employer();
        let j = &mut b.batch.employment[k];
        j.kind = "单位就业";
        j.employer_name = Some(name);
        j.employer_code = Some(company);
        j.ended = Some(ended);
        if rng.chance(0.5) {
            // Registered again a few weeks later, and served.
            let again = ended + Duration::days(rng.int(7, 30));
            b.add_registration(&person, again, None, None);
            b.add_service(&person, "职业介绍", again + Duration::days(rng.int(0, 10)));
        } else {
            let next = ended + Duration::days(rng.int(3, 30));
            b.add_job(&person, None, "单位就业", next, None);
        }
    }
}
