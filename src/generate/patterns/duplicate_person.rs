//! The same persons counted in two communities (`duplicate_person`): the
//! community copies persons from a neighbouring community's ledger into its
//! own (their stay here begins later and overlaps the other), registers them
//! as unemployed and re-employs them, so that they count here too.
//!
//! In every other copier community the copier takes persons the neighbour itself
//! registered as unemployed in the review year and re-employed, and dates
//! its own registration of them on or before the neighbour's: the job the
//! neighbour recorded counts for both, and the claims alone cannot tell who
//! copied whom. Only residence does: the copier's ledger stay began later.

use chrono::Duration;

use crate::generate::histories::Builder;
use crate::generate::model::{Batch, Person, Registration};
use crate::generate::persons::{Member, Role};
use crate::generate::rng::Rng;

/// Persons borrowed: enough to matter, few enough to go unnoticed by eye.
const BORROWED: usize = 6;

/// `victim` is the neighbour's honest ledger and `victim_rows` its honest
/// rows, as its own batch writes them. `first_claim`: this copier dates its
/// claim before the neighbour's (every other copier, in the order of the
/// communities, so about half of them).
pub fn inject(
    b: &mut Builder,
    victim: &[Member],
    victim_rows: &Batch,
    first_claim: bool,
    rng: &mut Rng,
) {
    if first_claim && copy_registered(b, victim, victim_rows, rng) {
        return;
    }
    let cal = *b.cal;
    let code = b.site.code.clone();
    let mut pool: Vec<&Member> = victim
        .iter()
        .filter(|m| m.role == Role::Stable && m.row.left.is_none() && m.moved_from.is_none())
        .filter(|m| m.row.entered < cal.prev_start && m.working_age_at(cal.extract))
        .filter(|m| crate::generate::calendar::age_at(m.row.birth, cal.start) >= 20)
        .collect();
    rng.shuffle(&mut pool);
    for (n, m) in pool.into_iter().take(BORROWED).enumerate() {
        enter_copy(b, m, n, rng);
        let registered = rng.date(
            cal.start + Duration::days(10),
            cal.start + Duration::days(150),
        );
        let start = rng.hiring_date(registered + Duration::days(1), cal.from_cutoff(-40), 60.0);
        b.add_job(&m.row.id, None, "单位就业", start, None);
        let id = format!("U{code}D{:04}", n + 1);
        b.batch.unemployment.push(Registration {
            id,
            person: m.row.id.clone(),
            community: code.clone(),
            registered,
            ended: Some(start + Duration::days(rng.int(0, 3))),
            reason: Some("就业"),
        });
    }
}

/// The neighbour's person entered again in this community as the n-th
/// borrowed one: a household of their own, moved in during the previous
/// year, wanting work.
fn enter_copy(b: &mut Builder, m: &Member, n: usize, rng: &mut Rng) {
    let cal = *b.cal;
    let code = &b.site.code;
    let entered = rng.date(
        cal.prev_start + Duration::days(30),
        cal.start - Duration::days(30),
    );
    let person = Person {
        community: code.clone(),
        household: format!("{code}B{:05}", n + 1),
        entered,
        left: None,
        left_reason: None,
        wants_work: Some(true),
        ..m.row.clone()
    };
    b.batch.persons.push(person);
}

/// Persons the neighbour registered in the review year and re-employed: the
/// copier's registration of each is dated 0–20 days before the neighbour's
/// (on the same day as often as not) and closed as `就业` when the
/// neighbour's job began. Returns false, writing nothing, when the neighbour
/// has fewer than three such persons.
fn copy_registered(b: &mut Builder, victim: &[Member], victim_rows: &Batch, rng: &mut Rng) -> bool {
    let cal = *b.cal;
    let code = b.site.code.clone();
    let mut pool: Vec<(&Member, &Registration, chrono::NaiveDate)> = victim_rows
        .unemployment
        .iter()
        .filter(|r| {
            r.reason == Some("就业")
                && r.registered >= cal.start + Duration::days(20)
                && r.registered <= cal.from_cutoff(-30)
        })
        .filter_map(|r| {
            let m = victim.iter().find(|m| m.row.id == r.person)?;
            let settled = m.row.left.is_none()
                && m.moved_from.is_none()
                && m.row.entered < cal.prev_start
                && m.working_age_at(cal.extract);
            // The neighbour's job that re-employed the person.
            let start = victim_rows
                .employment
                .iter()
                .filter(|j| j.person == r.person && j.started >= r.registered)
                .map(|j| j.started)
                .min()?;
            (settled && start <= cal.cutoff).then_some((m, r, start))
        })
        .collect();
    if pool.len() < 3 {
        return false;
    }
    rng.shuffle(&mut pool);
    for (n, (m, theirs, start)) in pool.into_iter().take(BORROWED).enumerate() {
        enter_copy(b, m, n, rng);
        let registered = if rng.chance(0.5) {
            theirs.registered
        } else {
            theirs.registered - Duration::days(rng.int(1, 20))
        };
        b.batch.unemployment.push(Registration {
            id: format!("U{code}D{:04}", n + 1),
            person: m.row.id.clone(),
            community: code.clone(),
            registered,
            ended: Some(start + Duration::days(rng.int(0, 3))),
            reason: Some("就业"),
        });
    }
    true
}
