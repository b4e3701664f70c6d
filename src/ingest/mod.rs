//! Stage 1, raw files → typed frames under the data contract
//! (`docs/data-contract.md`): find each table's file, decode it, map its headers,
//! type every cell, reject the rows that break the contract, and stop the run
//! (exit 3) on a missing or unreadable file, a missing required column, or a
//! table whose rejected share exceeds `max_reject_ratio`.

pub mod csv;
pub mod decode;
pub mod discover;
pub mod headers;
pub mod parquet;
pub mod raw;
pub mod rejects;
pub mod report;
pub mod typing;
pub mod values;
pub mod xlsx;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use polars::prelude::DataFrame;

use crate::config::Pipeline;
use crate::config::pipeline::Format;
use crate::contract::{Table, tables};
use crate::error::{Error, Result};
pub use rejects::{Reject, RejectReason};

/// One input file as read, for the manifest and the validate report.
#[derive(Debug, Clone)]
pub struct InputFile {
    pub table: Table,
    pub path: PathBuf,
    pub size: u64,
    /// Modification time when read, to see a file changed during the run.
    pub mtime: Option<std::time::SystemTime>,
    pub sha256: String,
    pub read_as: String,
    pub rows_read: usize,
    pub rows_rejected: usize,
}

/// The extract, typed: one frame per table found, the rejects, and what went
/// wrong at file level.
#[derive(Debug, Default)]
pub struct Extract {
    pub tables: BTreeMap<Table, DataFrame>,
    pub inputs: Vec<InputFile>,
    pub rejects: Vec<Reject>,
    /// Optional tables with no file: their indicators are null, never zero.
    pub missing_optional: Vec<Table>,
    /// File-level breaches of the contract (missing table or column, unreadable file).
    pub problems: Vec<String>,
    /// Tables whose rejected share exceeds `max_reject_ratio`.
    pub over_ratio: Vec<String>,
}

impl Extract {
    pub fn table(&self, t: Table) -> Option<&DataFrame> {
        self.tables.get(&t)
    }

    /// Whether the run may go on: no file-level problem and no table over its ratio.
    pub fn verdict(&self) -> Result<()> {
        let all: Vec<&String> = self.problems.iter().chain(&self.over_ratio).collect();
        if all.is_empty() {
            return Ok(());
        }
        let list: Vec<String> = all.iter().map(|s| format!("  - {s}")).collect();
        Err(Error::contract(format!(
            "the extract breaks the data contract:\n{}",
            list.join("\n")
        )))
    }
}

/// Reads every table of the extract. Never fails on bad input: breaches are
/// collected in the result for `verdict` and the report.
pub fn read_extract(pipeline: &Pipeline) -> Result<Extract> {
    let mut extract = Extract::default();
    let found = match discover::discover(pipeline) {
        Ok(f) => f,
        Err(problems) => {
            extract.problems = problems;
            return Ok(extract);
        }
    };
    for spec in tables::ALL {
        let Some((path, format)) = found.get(&spec.table) else {
            if spec.optional {
                tracing::info!(
                    table = spec.name,
                    "optional table missing: its indicators are not computed"
                );
                extract.missing_optional.push(spec.table);
            } else {
                extract.problems.push(format!(
                    "required table {} ({}) missing: no {}.csv, .xlsx or .parquet in {}",
                    spec.name,
                    spec.chinese,
                    spec.name,
                    pipeline.input_dir.display()
                ));
            }
            continue;
        };
        let file_name = path
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .to_string();
        let input = pipeline.input(spec.table);
        let raw = match format {
            Format::Csv => csv::read(path, &input),
            Format::Xlsx => xlsx::read(path, &input),
            Format::Parquet => parquet::read(path),
        };
        let raw = match raw {
            Ok(r) => r,
            Err(message) => {
                extract
                    .problems
                    .push(format!("{file_name}: unreadable file: {message}"));
                continue;
            }
        };
        let mapping = match headers::map_headers(spec, &raw.headers, &input.columns) {
            Ok(m) => m,
            Err(message) => {
                extract.problems.push(format!("{file_name}: {message}"));
                continue;
            }
        };
        if !mapping.unused.is_empty() {
            tracing::info!(file = %file_name, columns = %mapping.unused.join(", "), "columns outside the contract; ignored");
        }
        let typed = typing::type_table(spec, &raw, &mapping, &file_name)?;
        let rejected = typed.rejects.len();
        tracing::info!(
            table = spec.name, file = %file_name, read_as = %raw.read_as, rows = typed.rows_read, rejected,
            "table read"
        );
        if typed.rows_read > 0
            && rejected as f64 > pipeline.max_reject_ratio * typed.rows_read as f64
        {
            extract.over_ratio.push(format!(
                "{file_name}: {rejected} of {} rows rejected ({:.2} %), above max_reject_ratio {}",
                typed.rows_read,
                100.0 * rejected as f64 / typed.rows_read as f64,
                pipeline.max_reject_ratio
            ));
        }
        let (size, sha256) = crate::digest::sha256_file(path)?;
        extract.inputs.push(InputFile {
            table: spec.table,
            path: path.clone(),
            size,
            mtime: std::fs::metadata(path).and_then(|m| m.modified()).ok(),
            sha256,
            read_as: raw.read_as.clone(),
            rows_read: typed.rows_read,
            rows_rejected: rejected,
        });
        extract.rejects.extend(typed.rejects);
        extract.tables.insert(spec.table, typed.frame);
    }
    let codes = referenced_unknown_communities(&extract);
    if !codes.is_empty() {
        tracing::warn!(
            communities = codes.len(),
            "event or ledger rows name communities missing from the communities table; they count in no community"
        );
    }
    Ok(extract)
}

/// The extract, or exit 3 when it breaks the contract.
pub fn ingest(pipeline: &Pipeline) -> Result<Extract> {
    let extract = read_extract(pipeline)?;
    extract.verdict()?;
    Ok(extract)
}

pub struct ValidateOutcome {
    pub report: String,
    pub verdict: Result<()>,
}

/// The data contract alone: the report `fullemp validate` prints, and whether
/// the extract can be used.
pub fn validate(pipeline: &Pipeline) -> Result<ValidateOutcome> {
    let extract = read_extract(pipeline)?;
    let report = report::render(pipeline, &extract);
    Ok(ValidateOutcome {
        report,
        verdict: extract.verdict(),
    })
}

/// Community codes that rows of other tables name but the roster lacks.
fn referenced_unknown_communities(extract: &Extract) -> BTreeSet<String> {
    let Some(roster) = extract.table(Table::Communities) else {
        return BTreeSet::new();
    };
    let known: BTreeSet<String> = match roster
        .column("community_code")
        .and_then(|c| c.str().cloned())
    {
        Ok(c) => c.iter().flatten().map(str::to_string).collect(),
        Err(_) => return BTreeSet::new(),
    };
    let mut unknown = BTreeSet::new();
    for (table, df) in &extract.tables {
        if *table == Table::Communities {
            continue;
        }
        if let Ok(codes) = df.column("community_code").and_then(|c| c.str().cloned()) {
            for code in codes.iter().flatten() {
                if !known.contains(code) {
                    unknown.insert(code.to_string());
                }
            }
        }
    }
    unknown
}
