//! What a comparison of rules shows (`fullemp compare`, docs/rules.md,
//! "Trying new rules"), computed once for its page and its workbook: the
//! rules that differ (`rules`), the communities whose rating changes, by
//! county, and the counts of every year (`changes`), and the sensitivity
//! curves of the year (`sensitivity`). `publish::compare` lays them out.

pub mod changes;
pub mod rules;
pub mod sensitivity;

use serde::Serialize;

use crate::compare::{Both, Tried, reproduced};
use crate::error::Result;
use crate::frame::of_year;

pub use changes::{Change, YearChanges};
pub use rules::DifferingRule;
pub use sensitivity::Curve;

/// Everything the comparison's documents show.
#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    /// The year the documents cover.
    pub year: i32,
    pub run_id: String,
    pub as_of: String,
    /// The run folder read.
    pub run_dir: String,
    /// The candidate rules file as given, and its stem.
    pub rules_file: String,
    pub stem: String,
    pub differing: Vec<DifferingRule>,
    /// How many differing keys a re-rating cannot apply.
    pub not_applied: usize,
    /// The year's changes, by county.
    pub changes: YearChanges,
    /// The counts of every year of the run, ascending.
    pub years: Vec<YearChanges>,
    /// The year's curves: the rate rules' thresholds, then the bands.
    pub curves: Vec<Curve>,
    /// What the run's own rules did not give back ("ratings: 3 rows differ,
    /// e.g. …"); empty when everything came back.
    pub not_reproduced: Vec<String>,
}

/// The comparison of `year` (one the run covers).
pub fn build(tried: &Tried, both: &Both, year: i32) -> Result<Comparison> {
    let differing = rules::differing(&tried.current.table, &tried.candidate.table);
    let mut years = Vec::new();
    for y in tried.published.years()? {
        years.push(changes::of_year_changes(&both.current, &both.candidate, y)?);
    }
    let changes = years
        .iter()
        .find(|y| y.year == year)
        .cloned()
        .unwrap_or_default();
    let curves = sensitivity::curves(
        &of_year(&tried.published.base, year)?,
        &tried.current.rules,
        &tried.candidate.rules,
        &tried.published.missing,
    )?;
    let not_reproduced = reproduced::differences(&tried.published, &both.current)?
        .0
        .into_iter()
        .filter(|(_, n, _)| *n > 0)
        .map(|(table, n, examples)| {
            format!("{table}: {n} rows differ, e.g. {}", examples.join("; "))
        })
        .collect();
    Ok(Comparison {
        year,
        run_id: tried.run.manifest.run_id.clone(),
        as_of: tried.run.manifest.as_of.clone(),
        run_dir: tried.run.dir.display().to_string(),
        rules_file: tried.rules_file.display().to_string(),
        stem: tried.stem(),
        not_applied: differing.iter().filter(|d| !d.applied).count(),
        differing,
        changes,
        years,
        curves,
        not_reproduced,
    })
}
