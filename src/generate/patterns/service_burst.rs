//! Services written up from a sign-in sheet (`service_burst`): a community
//! that left a third to half of its hardship persons without any service in
//! the year writes up a service for each of them on one day, or two days
//! running, some day of the year; half the time the clerk also moves the
//! served persons' services of the year onto those days, as if all had come
//! to one session. Coverage reaches 1.0. The trace: the year's services to
//! hardship persons all dated within a couple of days.

use chrono::Duration;

use crate::generate::histories::{Builder, Knobs};
use crate::generate::registry::hardship_persons;
use crate::generate::rng::Rng;

pub fn prepare(knobs: &mut Knobs, rng: &mut Rng) {
    super::otherwise_passing(knobs, rng);
    knobs.unserved_share = rng.uniform(0.34, 0.5);
    // Enough hardship persons that the gap holds three or more.
    knobs.hardship_share = rng.uniform(0.11, 0.15);
}

pub fn inject(b: &mut Builder, rng: &mut Rng) {
    let cal = *b.cal;
    let code = b.site.code.clone();
    let h = hardship_persons(&b.batch, &code, cal.start, cal.cutoff);
    let in_year = |d: chrono::NaiveDate| (cal.start..=cal.cutoff).contains(&d);
    let served = |b: &Builder, p: &str| {
        b.batch
            .services
            .iter()
            .any(|s| s.person == p && in_year(s.delivered))
    };
    let (unserved, served): (Vec<&String>, Vec<&String>) =
        h.keys().partition(|p| !served(b, p.as_str()));
    if unserved.is_empty() {
        return;
    }
    // The session falls after every unserved person was designated.
    let designated = unserved
        .iter()
        .map(|p| b.batch.hardship[h[*p]].designated)
        .max()
        .expect("someone unserved");
    let lo = (designated + Duration::days(1)).max(cal.start + Duration::days(20));
    let day = rng.date(lo.min(cal.from_cutoff(-2)), cal.from_cutoff(-2));
    let days = rng.int(1, 2);
    let unserved: Vec<String> = unserved.into_iter().cloned().collect();
    let served: Vec<String> = served.into_iter().cloned().collect();
    for p in &unserved {
        let kind = if rng.chance(0.6) {
            "就业援助"
        } else {
            "职业指导"
        };
        let on = day + Duration::days(rng.int(0, days - 1));
        b.add_service(p, kind, on);
    }
    if rng.chance(0.5) {
        for s in b.batch.services.iter_mut() {
            if served.contains(&s.person) && s.community == code && in_year(s.delivered) {
                s.delivered = day + Duration::days(rng.int(0, days - 1));
            }
        }
    }
}
