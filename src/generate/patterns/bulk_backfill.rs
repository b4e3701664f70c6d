//! Records keyed in bulk and backdated (`bulk_backfill`): shortly before the
//! cut-off, two dozen employment records, some of them invented gigs, are
//! keyed in within a few minutes, all starting months earlier.

use chrono::{Duration, NaiveDateTime};

use crate::generate::histories::Builder;
use crate::generate::persons::Role;
use crate::generate::rng::Rng;

/// Comfortably above the detector's `min_count` (20).
const RECORDS: usize = 24;

pub fn inject(b: &mut Builder, rng: &mut Rng) {
    let cal = *b.cal;
    let code = b.site.code.clone();
    let day = cal.from_cutoff(-rng.int(3, 20));
    let moment: NaiveDateTime =
        day.and_hms_opt(15, 0, 0).expect("time") + Duration::seconds(rng.int(0, 3600));
    // Every record starts well over the detector's 30 days before it is keyed.
    let latest_start = day - Duration::days(35);
    let mut chosen: Vec<usize> = (0..b.batch.employment.len())
        .filter(|&k| {
            let j = &b.batch.employment[k];
            j.community == code && j.started >= cal.start && j.started <= latest_start
        })
        .collect();
    chosen.truncate(RECORDS);
    // Too few genuine records: invent short flexible gigs for persons who work.
    let workers: Vec<usize> = (0..b.members.len())
        .filter(|&i| b.members[i].role == Role::Stable && b.members[i].working_age_at(cal.cutoff))
        .collect();
    let mut w = 0;
    while chosen.len() < RECORDS && !workers.is_empty() {
        let i = workers[w % workers.len()];
        w += 1;
        let start = rng.date(cal.start, latest_start - Duration::days(5));
        let end = start + Duration::days(rng.int(20, 90));
        let person = b.members[i].row.id.clone();
        chosen.push(b.add_job(&person, None, "灵活就业", start, Some(end)));
    }
    let mut at = moment;
    for k in chosen {
        b.batch.employment[k].recorded_at = Some(at);
        at += Duration::seconds(rng.int(5, 20));
    }
}
