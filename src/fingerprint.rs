//! A run's fingerprint: everything its result depends on, hashed: program
//! version, pipeline and rules, the effective settings, today's date when
//! `as_of = "today"`, the pseudonym key's id (a hash, never the key: a new
//! key makes a new run), and every input file's table, name and sha256. A run
//! whose fingerprint equals the latest run's has nothing to do.
//!
//! The fingerprint recorded is of the bytes ingest read and used. Hashing
//! the inputs before reading them is a second pass over every file, made only
//! when it can save the run: without `--force`, with a latest run to compare.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use sha2::{Digest, Sha256};

use crate::config::Pipeline;
use crate::contract::Table;
use crate::error::Result;
use crate::ingest::{self, Extract};
use crate::privacy::Pseudonymizer;
use crate::publish::published_run::PublishedRun;

/// (table, file, sha256) of each input, in table order.
type Digests = Vec<(Table, PathBuf, String)>;

/// Whether the inputs as they are now give the latest complete run's
/// fingerprint. False when there is no latest run or an input cannot be found
/// (ingest then reports why).
pub fn unchanged(
    pipeline: &Pipeline,
    pseudonyms: &Pseudonymizer,
    run_date: NaiveDate,
) -> Result<bool> {
    let Some(latest) = latest(&pipeline.output_dir) else {
        return Ok(false);
    };
    let Ok(found) = ingest::discover::discover_quietly(pipeline) else {
        return Ok(false);
    };
    let files: Vec<(Table, &Path)> = found
        .iter()
        .flat_map(|(table, files)| files.iter().map(|f| (*table, f.path.as_path())))
        .collect();
    let paths: Vec<&Path> = files.iter().map(|(_, p)| *p).collect();
    let mut digests = Digests::new();
    for ((table, path), digest) in files.iter().zip(crate::digest::sha256_files(&paths)) {
        digests.push((*table, path.to_path_buf(), digest?.1));
    }
    Ok(of(pipeline, pseudonyms, run_date, &digests) == latest)
}

/// The fingerprint of a run over the extract as ingest read it.
pub fn of_extract(
    pipeline: &Pipeline,
    pseudonyms: &Pseudonymizer,
    run_date: NaiveDate,
    extract: &Extract,
) -> String {
    let mut digests: Digests = extract
        .inputs
        .iter()
        .map(|i| (i.table, i.path.clone(), i.sha256.clone()))
        .collect();
    digests.sort_by_key(|d| d.0);
    of(pipeline, pseudonyms, run_date, &digests)
}

fn of(
    pipeline: &Pipeline,
    pseudonyms: &Pseudonymizer,
    run_date: NaiveDate,
    digests: &Digests,
) -> String {
    let mut h = Sha256::new();
    let mut add = |s: &str| {
        h.update(s.as_bytes());
        h.update([0u8]);
    };
    add(env!("CARGO_PKG_VERSION"));
    add(&pipeline.sha256);
    add(&pipeline.rules_source.sha256);
    add(&pipeline.input_dir.display().to_string());
    add(&format!("{:?}", pipeline.inputs));
    add(&pipeline.as_of.to_string());
    add(&format!("{:?}", pipeline.years));
    add(&pseudonyms.key_id());
    if pipeline.as_of == crate::config::AsOf::Today {
        add(&crate::indicators::period::today().to_string());
    }
    // The report's timeline counts each stage's state from the run date: with
    // a calendar, a new day is a new result even on unchanged inputs.
    if pipeline.review.has_calendar() {
        add(&run_date.to_string());
    }
    for (table, path, sha256) in digests {
        add(table.name());
        add(&path.file_name().unwrap_or_default().to_string_lossy());
        add(sha256);
    }
    hex::encode(h.finalize())
}

/// The fingerprint recorded by the latest complete run, if any.
fn latest(output_dir: &Path) -> Option<String> {
    let run = PublishedRun::latest(output_dir).ok()??;
    Some(run.manifest.fingerprint)
}
