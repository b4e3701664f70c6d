//! A slow clerk (`slow_closing`): registrations are closed with `就业` only
//! 35–70 days after the job began, when the clerk gets to the paperwork.
//! Closings that would fall after the extract was taken have not happened
//! yet: those registrations are still open. The clerk took the register
//! over at the start of the year before the review year: jobs begun before
//! it were closed promptly (in an extract of one review year there are no
//! such jobs). The spec allows no finding.

use chrono::Duration;

use crate::generate::histories::Builder;
use crate::generate::rng::Rng;

pub fn inject(b: &mut Builder, rng: &mut Rng) {
    let cal = *b.cal;
    let code = b.site.code.clone();
    for k in 0..b.batch.unemployment.len() {
        let r = &b.batch.unemployment[k];
        if r.community != code || r.reason != Some("就业") {
            continue;
        }
        let Some(ended) = r.ended else { continue };
        // The job that closed it: the person's latest start within the
        // registration.
        let job = b
            .batch
            .employment
            .iter()
            .filter(|j| j.person == r.person && j.started >= r.registered && j.started <= ended)
            .map(|j| j.started)
            .max();
        let Some(started) = job.filter(|&d| d >= cal.prev_start) else {
            continue;
        };
        let closed = started + Duration::days(rng.int(35, 70));
        // A later registration of the same person must not begin before the
        // slow closing; such a registration keeps its prompt closing.
        let later = b
            .batch
            .unemployment
            .iter()
            .any(|o| o.person == r.person && o.registered > ended && o.registered <= closed);
        if later {
            continue;
        }
        let r = &mut b.batch.unemployment[k];
        if closed <= cal.extract {
            r.ended = Some(closed);
        } else {
            r.ended = None;
            r.reason = None;
        }
    }
}
