//! Stage 1, raw files → typed frames under the data contract
//! (`docs/data-contract.md`): find each table's file, decode it, map its headers,
//! type every cell, reject the rows that break the contract, and stop the run
//! (exit 3) on a missing or unreadable file, a missing required column, or a
//! table whose rejected share exceeds `max_reject_ratio`.

pub mod csv;
pub mod decode;
pub mod discover;
pub mod footers;
pub mod headers;
pub mod parquet;
pub mod raw;
pub mod rejects;
pub mod report;
pub mod text_column;
pub mod typing;
pub mod values;
pub mod xlsx;

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use polars::prelude::DataFrame;

use crate::config::Pipeline;
use crate::config::pipeline::Format;
use crate::contract::{Table, TableSpec, tables};
use crate::error::{Error, Result};
use raw::{Failure, Opened, TableFile};
pub use rejects::{Reject, RejectReason};
use typing::{TableTyping, Typed};

/// One input file as read, for the manifest and the validate report. `size`,
/// `mtime` and `sha256` are of the bytes the run read and used, so a later
/// step can check that the file is still the one read.
#[derive(Debug, Clone)]
pub struct InputFile {
    pub table: Table,
    pub path: PathBuf,
    pub size: u64,
    /// Modification time when the file was opened for reading.
    pub mtime: Option<SystemTime>,
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

/// A table read and typed, or the file-level problem that stopped it.
type TableRead = std::result::Result<(Opened, Typed), String>;

fn file_name(path: &Path) -> String {
    path.file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .to_string()
}

/// Reads and types one table's file.
fn read_table(
    pipeline: &Pipeline,
    spec: &'static TableSpec,
    path: &Path,
    format: Format,
) -> Result<TableRead> {
    let name = file_name(path);
    let input = pipeline.input(spec.table);
    let mut typing = TableTyping::new(spec, &name);
    let file = TableFile {
        path,
        input: &input,
        spec,
    };
    let opened = match format {
        Format::Csv => csv::read(file, &mut typing),
        Format::Xlsx => xlsx::read(file, &mut typing),
        Format::Parquet => parquet::read(file, &mut typing),
    };
    match opened {
        Ok(opened) => Ok(Ok((opened, typing.finish()?))),
        Err(Failure::Unreadable(m)) => Ok(Err(format!("{name}: unreadable file: {m}"))),
        Err(Failure::NotUtf8(at)) => Ok(Err(format!(
            "{name}: unreadable file: not valid UTF-8 at byte {at}"
        ))),
        Err(Failure::Columns(m)) => Ok(Err(format!("{name}: {m}"))),
        Err(Failure::Internal(e)) => Err(e),
    }
}

/// The tables found, read and typed concurrently, one table a core, the
/// largest files first. Each table streams in bounded chunks, so the tables
/// read at once hold their typed frames and one chunk of text each.
fn read_tables(
    pipeline: &Pipeline,
    found: &BTreeMap<Table, (PathBuf, Format)>,
) -> Result<BTreeMap<Table, TableRead>> {
    let mut jobs: Vec<(&'static TableSpec, &PathBuf, Format, u64)> = tables::ALL
        .iter()
        .filter_map(|spec| {
            found.get(&spec.table).map(|(path, format)| {
                let size = std::fs::metadata(path).map_or(0, |m| m.len());
                (*spec, path, *format, size)
            })
        })
        .collect();
    jobs.sort_by_key(|j| std::cmp::Reverse(j.3));
    let reads = crate::parallel::map_in_order(
        &jobs,
        crate::parallel::cores(),
        |(spec, path, format, _)| {
            let read = read_table(pipeline, spec, path, *format);
            // The table's text and working columns are freed now.
            crate::memory::give_back();
            read
        },
    );
    jobs.iter()
        .zip(reads)
        .map(|((spec, ..), r)| r.map(|r| (spec.table, r)))
        .collect()
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
    let mut read = read_tables(pipeline, &found)?;
    for spec in tables::ALL {
        let Some((path, _)) = found.get(&spec.table) else {
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
        let name = file_name(path);
        let (opened, typed) = match read.remove(&spec.table) {
            Some(Ok(r)) => r,
            Some(Err(problem)) => {
                extract.problems.push(problem);
                continue;
            }
            None => continue,
        };
        if !opened.unused.is_empty() {
            tracing::info!(file = %name, columns = %opened.unused.join(", "), "columns outside the contract; ignored");
        }
        let rejected = typed.rejects.len();
        tracing::info!(
            table = spec.name, file = %name, read_as = %opened.read_as, rows = typed.rows_read, rejected,
            "table read"
        );
        if typed.rows_read > 0
            && rejected as f64 > pipeline.max_reject_ratio * typed.rows_read as f64
        {
            extract.over_ratio.push(format!(
                "{name}: {rejected} of {} rows rejected ({:.2} %), above max_reject_ratio {}",
                typed.rows_read,
                100.0 * rejected as f64 / typed.rows_read as f64,
                pipeline.max_reject_ratio
            ));
        }
        extract.inputs.push(InputFile {
            table: spec.table,
            path: path.clone(),
            size: opened.seen.size,
            mtime: opened.seen.mtime,
            sha256: opened.seen.sha256,
            read_as: opened.read_as,
            rows_read: typed.rows_read,
            rows_rejected: rejected,
        });
        tracing::debug!(
            table = spec.name,
            bytes = typed.frame.estimated_size(),
            "typed frame held"
        );
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
    let Ok(roster_codes) = roster
        .column("community_code")
        .and_then(|c| c.str().cloned())
    else {
        return BTreeSet::new();
    };
    let known: HashSet<&str> = roster_codes.iter().flatten().collect();
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
