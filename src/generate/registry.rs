//! The registry's own figures for one community, read off its generated rows
//! by the definitions of docs/indicators.md. The generator needs them to write
//! honest claims into applications (and dishonest ones, a known distance
//! away) and to find the records a pattern tampers with.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;

use super::calendar::age_at;
use super::model::{Batch, Job};
use super::persons::{MIN_WORKING_AGE, retirement_age};

#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Figures {
    pub unemployed: usize,
    pub reemployed: usize,
    pub hardship: usize,
    pub hardship_employed: usize,
    pub new_jobs: usize,
    pub zero_open: usize,
}

fn ratio(n: usize, d: usize) -> Option<f64> {
    (d > 0).then(|| n as f64 / d as f64)
}

impl Figures {
    pub fn reemployment_rate(&self) -> Option<f64> {
        ratio(self.reemployed, self.unemployed)
    }
    pub fn hardship_rate(&self) -> Option<f64> {
        ratio(self.hardship_employed, self.hardship)
    }
}

fn covers(j: &Job, d: NaiveDate) -> bool {
    j.started <= d && j.ended.is_none_or(|e| e >= d)
}

/// Jobs by person, over every community in the batch ("any community").
fn jobs_by_person(batch: &Batch) -> BTreeMap<&str, Vec<usize>> {
    let mut by: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (k, j) in batch.employment.iter().enumerate() {
        by.entry(j.person.as_str()).or_default().push(k);
    }
    by
}

/// Each person counted in `reemployed_in_period` of `community` for the
/// period [start, cutoff], with the index of the job behind the count (their
/// earliest qualifying start).
pub fn counted_starts(
    batch: &Batch,
    community: &str,
    start: NaiveDate,
    cutoff: NaiveDate,
) -> BTreeMap<String, usize> {
    let jobs = jobs_by_person(batch);
    let mut counted: BTreeMap<String, usize> = BTreeMap::new();
    for r in batch
        .unemployment
        .iter()
        .filter(|r| r.community == community)
    {
        let overlaps = r.registered <= cutoff && r.ended.is_none_or(|e| e >= start);
        if !overlaps {
            continue;
        }
        let lo = r.registered.max(start);
        let best = jobs
            .get(r.person.as_str())
            .into_iter()
            .flatten()
            .filter(|&&k| (lo..=cutoff).contains(&batch.employment[k].started))
            .min_by_key(|&&k| batch.employment[k].started);
        if let Some(&k) = best {
            let entry = counted.entry(r.person.clone()).or_insert(k);
            if batch.employment[k].started < batch.employment[*entry].started {
                *entry = k;
            }
        }
    }
    counted
}

pub fn figures(batch: &Batch, community: &str, start: NaiveDate, cutoff: NaiveDate) -> Figures {
    let jobs = jobs_by_person(batch);
    let unemployed: BTreeSet<&str> = batch
        .unemployment
        .iter()
        .filter(|r| {
            r.community == community && r.registered <= cutoff && r.ended.is_none_or(|e| e >= start)
        })
        .map(|r| r.person.as_str())
        .collect();
    let hardship: BTreeSet<&str> = batch
        .hardship
        .iter()
        .filter(|h| {
            h.community == community
                && h.designated <= cutoff
                && h.revoked.is_none_or(|r| r >= start)
        })
        .map(|h| h.person.as_str())
        .collect();
    let employed_at = |p: &str| {
        jobs.get(p)
            .is_some_and(|ks| ks.iter().any(|&k| covers(&batch.employment[k], cutoff)))
    };
    // New employment: of working age at the start by any of the person's
    // ledger rows (retirees taken back on are not new employment).
    let working_age_at = |p: &str, d: NaiveDate| {
        batch.persons.iter().any(|r| {
            r.id == p && {
                let age = age_at(r.birth, d);
                age >= MIN_WORKING_AGE && age < retirement_age(r.male)
            }
        })
    };
    let new_jobs: BTreeSet<&str> = batch
        .employment
        .iter()
        .filter(|j| j.community == community && (start..=cutoff).contains(&j.started))
        .filter(|j| working_age_at(&j.person, j.started))
        .map(|j| j.person.as_str())
        .collect();
    let zero_open = batch
        .zero_households
        .iter()
        .filter(|z| z.community == community && z.identified <= cutoff)
        .filter(|z| z.cleared.is_none_or(|c| c > cutoff))
        .count();
    Figures {
        unemployed: unemployed.len(),
        reemployed: counted_starts(batch, community, start, cutoff).len(),
        hardship: hardship.len(),
        hardship_employed: hardship.iter().filter(|p| employed_at(p)).count(),
        new_jobs: new_jobs.len(),
        zero_open,
    }
}

/// `labor_force` and `employed` of `community` at `cutoff`: persons with a
/// ledger row there active at the cut-off, of working age then and able to
/// work, and of those the ones with a job (any community) covering it.
pub fn labour(batch: &Batch, community: &str, cutoff: NaiveDate) -> (usize, usize) {
    let jobs = jobs_by_person(batch);
    let force: BTreeSet<&str> = batch
        .persons
        .iter()
        .filter(|p| p.community == community && p.capacity)
        .filter(|p| p.entered <= cutoff && p.left.is_none_or(|l| l > cutoff))
        .filter(|p| {
            let age = age_at(p.birth, cutoff);
            age >= MIN_WORKING_AGE && age < retirement_age(p.male)
        })
        .map(|p| p.id.as_str())
        .collect();
    let employed = force
        .iter()
        .filter(|p| {
            jobs.get(*p)
                .is_some_and(|ks| ks.iter().any(|&k| covers(&batch.employment[k], cutoff)))
        })
        .count();
    (force.len(), employed)
}

/// Persons with a registration of `community` open at `d`.
pub fn registered_open(batch: &Batch, community: &str, d: NaiveDate) -> usize {
    batch
        .unemployment
        .iter()
        .filter(|r| r.community == community && r.registered <= d && r.ended.is_none_or(|e| e > d))
        .map(|r| r.person.as_str())
        .collect::<BTreeSet<_>>()
        .len()
}

/// Whether any job of `person` (any community) covers `d`.
pub fn employed_at(batch: &Batch, person: &str, d: NaiveDate) -> bool {
    batch
        .employment
        .iter()
        .any(|j| j.person == person && covers(j, d))
}

/// The persons of `community`'s hardship designations that overlap
/// [start, cutoff] (H), each with the index of one such designation.
pub fn hardship_persons(
    batch: &Batch,
    community: &str,
    start: NaiveDate,
    cutoff: NaiveDate,
) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for (k, h) in batch.hardship.iter().enumerate() {
        if h.community == community
            && h.designated <= cutoff
            && h.revoked.is_none_or(|r| r >= start)
        {
            out.entry(h.person.clone()).or_insert(k);
        }
    }
    out
}

/// The persons of `community`'s registrations that overlap [start, cutoff] (U).
pub fn unemployed_persons(
    batch: &Batch,
    community: &str,
    start: NaiveDate,
    cutoff: NaiveDate,
) -> BTreeSet<String> {
    batch
        .unemployment
        .iter()
        .filter(|r| {
            r.community == community && r.registered <= cutoff && r.ended.is_none_or(|e| e >= start)
        })
        .map(|r| r.person.clone())
        .collect()
}
