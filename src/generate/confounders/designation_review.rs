//! The yearly review of designations (`designation_review`): 1–3
//! designations end during the year without a job, each for a reason the
//! ledger documents, at different times of the year. A hardship person
//! without work moves out: the ledger stay closes with `迁出` and the office
//! revokes the designation within days of the move. Or, when the community
//! has a resident reaching retirement age in the year, a `4050人员` designated
//! years ago (who kept working until retirement and was served in the
//! year) is revoked within days of retiring. Medium at most.

use chrono::Duration;

use crate::generate::calendar::add_years;
use crate::generate::model::Designation;
use crate::generate::persons::Role;

use crate::generate::histories::{Builder, Knobs};
use crate::generate::registry::employed_at;
use crate::generate::rng::Rng;

/// A few more hardship persons without work than the usual community has.
pub fn prepare(knobs: &mut Knobs, rng: &mut Rng) {
    knobs.hardship_share = rng.uniform(0.1, 0.12);
    knobs.hardship = rng.uniform(0.75, 0.88);
}

pub fn inject(b: &mut Builder, rng: &mut Rng) {
    let cal = *b.cal;
    let code = b.site.code.clone();
    let mut candidates: Vec<usize> = (0..b.batch.hardship.len())
        .filter(|&k| {
            let h = &b.batch.hardship[k];
            h.community == code
                && h.revoked.is_none()
                && h.designated < cal.start
                && !employed_at(&b.batch, &h.person, cal.cutoff)
                && b.batch.persons.iter().filter(|p| p.id == h.person).count() == 1
        })
        .collect();
    rng.shuffle(&mut candidates);
    let mut n = rng.int(1, 3) as usize;
    if rng.chance(0.5) && retired(b, rng) {
        n -= 1;
    }
    for k in candidates.into_iter().take(n) {
        let person = b.batch.hardship[k].person.clone();
        // A service in the year before the move, so the person was assisted.
        let first_service = b
            .batch
            .services
            .iter()
            .filter(|s| s.person == person && s.delivered >= cal.start)
            .map(|s| s.delivered)
            .min();
        let Some(served) = first_service else {
            continue;
        };
        // After any job of theirs ended: they move out without work.
        let free = b
            .batch
            .last_job_ended(&person)
            .map_or(served, |e| e.max(served));
        let lo = free + Duration::days(10);
        let hi = cal.from_cutoff(-20);
        if lo > hi {
            continue;
        }
        let moved = rng.date(lo, hi);
        let revoked = moved + Duration::days(rng.int(0, 10));
        b.batch.hardship[k].revoked = Some(revoked);
        if let Some(p) = b.batch.persons.iter_mut().find(|p| p.id == person) {
            p.left = Some(moved);
            p.left_reason = Some("迁出");
        }
        // Nobody serves them here after they left.
        b.batch
            .services
            .retain(|s| s.person != person || s.delivered < moved);
    }
}

/// A resident retiring in the review year (their job ended the day before),
/// designated years ago, served this year, revoked 0–10 days after
/// retiring. False when nobody retires in the year.
fn retired(b: &mut Builder, rng: &mut Rng) -> bool {
    let cal = *b.cal;
    let code = b.site.code.clone();
    let designated: Vec<&str> = b.batch.hardship.iter().map(|h| h.person.as_str()).collect();
    let mut retiring: Vec<usize> = (0..b.members.len())
        .filter(|&i| {
            let m = &b.members[i];
            m.role == Role::Inactive
                && m.row.capacity
                && m.moved_from.is_none()
                && m.row.entered < cal.prev_start - Duration::days(3 * 365)
                && m.retires >= cal.start + Duration::days(40)
                && m.retires <= cal.from_cutoff(-20)
                && !designated.contains(&m.row.id.as_str())
        })
        .collect();
    if retiring.is_empty() {
        return false;
    }
    rng.shuffle(&mut retiring);
    let m = &b.members[retiring[0]];
    let (person, retires) = (m.row.id.clone(), m.retires);
    let early = (cal.prev_start - Duration::days(3 * 365)).max(add_years(m.row.birth, 50));
    let on = rng.date(early, cal.prev_start - Duration::days(30));
    b.batch.hardship.push(Designation {
        person: person.clone(),
        community: code,
        category: "4050人员",
        designated: on,
        revoked: Some(retires + Duration::days(rng.int(0, 10))),
    });
    for (lo, hi) in [
        (cal.prev_start, cal.prev_cutoff),
        (cal.start, retires - Duration::days(1)),
    ] {
        let day = rng.date(lo, hi);
        b.add_service(&person, "就业援助", day);
    }
    true
}
