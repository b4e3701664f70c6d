//! The same persons counted in two communities (`duplicate_person`): the
//! community copies persons from a neighbouring community's ledger into its
//! own (their stay here begins later and overlaps the other), registers them
//! as unemployed and re-employs them, so that they count here too.

use chrono::Duration;

use crate::generate::histories::Builder;
use crate::generate::model::{Person, Registration};
use crate::generate::persons::{Member, Role};
use crate::generate::rng::Rng;

/// Persons borrowed: enough to matter, few enough to go unnoticed by eye.
const BORROWED: usize = 6;

/// `victim` is the neighbour's honest ledger as its own batch writes it.
pub fn inject(b: &mut Builder, victim: &[Member], rng: &mut Rng) {
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
        let entered = rng.date(
            cal.prev_start + Duration::days(30),
            cal.start - Duration::days(30),
        );
        b.batch.persons.push(Person {
            community: code.clone(),
            household: format!("{code}B{:05}", n + 1),
            entered,
            left: None,
            left_reason: None,
            wants_work: Some(true),
            ..m.row.clone()
        });
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
