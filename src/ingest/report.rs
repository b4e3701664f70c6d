//! The text `fullemp validate` prints: per table the file, how it was read,
//! rows read and rejected with counts by reason, and what the reader did
//! besides (sheets read or skipped, rows skipped, values folded, columns
//! ignored); then the warnings, the rejected rows (identity numbers masked)
//! and the verdict.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::{Extract, InputFile, RejectReason};
use crate::config::Pipeline;
use crate::contract::{TableSpec, tables};

/// Rejected rows listed per table; the rest are counted (a run writes them all
/// to rejects.parquet).
const LISTED_PER_TABLE: usize = 20;

pub fn render(pipeline: &Pipeline, extract: &Extract) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "Extract {}", pipeline.input_dir.display());
    let _ = writeln!(
        out,
        "{:<16} {:<22} {:>9} {:>9}  read as",
        "table", "file", "rows", "rejected"
    );
    for spec in tables::ALL {
        table_lines(&mut out, extract, spec);
    }
    if !extract.warnings.is_empty() {
        let _ = writeln!(out, "\nWarnings (the run goes on; look at each):");
        for w in &extract.warnings {
            let _ = writeln!(out, "  warning: {w}");
        }
    }
    if !extract.rejects.is_empty() {
        let _ = writeln!(out, "\nRejected rows (left out of every figure):");
        for spec in tables::ALL {
            rejected_rows(&mut out, extract, spec);
        }
    }
    match extract.verdict() {
        Ok(()) => {
            let _ = writeln!(
                out,
                "\nThe extract can be used: every table within max_reject_ratio {}.",
                pipeline.max_reject_ratio
            );
        }
        Err(e) => {
            let _ = writeln!(out, "\nThe extract cannot be used (exit 3): {e}");
        }
    }
    out
}

/// A table's lines: each file read with its counts, the rejects by reason
/// and the files' notes; or why no file was read.
fn table_lines(out: &mut String, extract: &Extract, spec: &TableSpec) {
    let files: Vec<&InputFile> = extract
        .inputs
        .iter()
        .filter(|i| i.table == spec.table)
        .collect();
    if !files.is_empty() {
        files_read(out, extract, spec, &files);
    } else if super::is_record(spec.table) {
        let _ = writeln!(out, "{:<16} (none: nothing recorded yet)", spec.name);
    } else if extract.missing_optional.contains(&spec.table) {
        let _ = writeln!(
            out,
            "{:<16} (missing: optional, its indicators are reported as not computed)",
            spec.name
        );
    } else {
        let _ = writeln!(out, "{:<16} (not read: see below)", spec.name);
    }
}

/// The files of a table that were read: a line each (several for the
/// panel's records), the table's rejects counted by reason, then every
/// file's notes.
fn files_read(out: &mut String, extract: &Extract, spec: &TableSpec, files: &[&InputFile]) {
    for (k, i) in files.iter().enumerate() {
        let name = i.path.file_name().unwrap_or_default().to_string_lossy();
        let table = if k == 0 { spec.name } else { "" };
        let _ = writeln!(
            out,
            "{:<16} {:<22} {:>9} {:>9}  {}",
            table, name, i.rows_read, i.rows_rejected, i.read_as
        );
    }
    let mut by_reason: BTreeMap<RejectReason, usize> = BTreeMap::new();
    for r in extract.rejects.iter().filter(|r| r.table == spec.table) {
        *by_reason.entry(r.reason).or_default() += 1;
    }
    for (reason, n) in by_reason {
        let _ = writeln!(out, "{:<16}   {n:>6} × {}", "", reason.as_str());
    }
    for i in files {
        let name = super::shown_name(&i.path);
        for n in &i.notes {
            let _ = writeln!(out, "{:<16}   {name}: {n}", "");
        }
    }
}

/// A table's rejected rows, the first `LISTED_PER_TABLE` described and the
/// rest counted.
fn rejected_rows(out: &mut String, extract: &Extract, spec: &TableSpec) {
    let rows: Vec<_> = extract
        .rejects
        .iter()
        .filter(|r| r.table == spec.table)
        .collect();
    for r in rows.iter().take(LISTED_PER_TABLE) {
        let _ = writeln!(out, "  {}", r.describe());
    }
    if rows.len() > LISTED_PER_TABLE {
        let _ = writeln!(
            out,
            "  … and {} more rejected rows of {}",
            rows.len() - LISTED_PER_TABLE,
            spec.name
        );
    }
}
