//! Finding the tables in an extract folder: a table is the file whose stem is
//! its name (`persons.csv`, `persons.xlsx`, `persons.parquet`). The panel's
//! working sheets are found too: a file whose stem starts with `评审记录` is
//! `decisions` in the sheet's wide layout, one whose stem starts with
//! `核实记录` is `verifications`, one starting with `异议登记` is
//! `objections`, `取消资格审批` is `approvals` and `报送登记` is `filings`;
//! several of them may stand beside the
//! table's own file, and all are read. Other files are left alone, with a
//! log line.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::config::Pipeline;
use crate::config::pipeline::Format;
use crate::contract::Table;
use crate::contract::review_records::{
    APPROVALS_SHEET, DECISIONS_SHEET, FILINGS_SHEET, OBJECTIONS_SHEET, VERIFICATIONS_SHEET,
};

/// How a file lays its table out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// The table's own file: one record a row under a header of its columns.
    Table,
    /// A 评审记录 working sheet: one application a row, a column group a stage.
    DecisionSheet,
    /// A 核实记录 or 异议登记 working sheet: the contract's columns among
    /// descriptive ones; rows awaiting an entry are skipped.
    ListSheet,
}

/// One file of a table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub path: PathBuf,
    pub format: Format,
    pub layout: Layout,
}

/// The files of each table found: the table's own file first, then its
/// working sheets by name.
pub type Files = BTreeMap<Table, Vec<Found>>;

/// The working sheet a file is, by its stem, if any.
fn sheet_of(stem: &str, format: Format) -> Option<(Table, Layout)> {
    if stem.starts_with(DECISIONS_SHEET) && format == Format::Xlsx {
        Some((Table::Decisions, Layout::DecisionSheet))
    } else if stem.starts_with(VERIFICATIONS_SHEET) && format != Format::Parquet {
        Some((Table::Verifications, Layout::ListSheet))
    } else if stem.starts_with(OBJECTIONS_SHEET) && format != Format::Parquet {
        Some((Table::Objections, Layout::ListSheet))
    } else if stem.starts_with(APPROVALS_SHEET) && format != Format::Parquet {
        Some((Table::Approvals, Layout::ListSheet))
    } else if stem.starts_with(FILINGS_SHEET) && format != Format::Parquet {
        Some((Table::Filings, Layout::ListSheet))
    } else {
        None
    }
}

/// Files named as working sheets that are not read as one (a 评审记录 saved
/// as CSV, either sheet saved as `.ods`): a warning each, since the
/// decisions or checks they hold do not count.
pub fn unread_working_sheets(pipeline: &Pipeline) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(&pipeline.input_dir) else {
        return Vec::new();
    };
    let mut out: Vec<String> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .filter_map(|path| {
            let stem = path.file_stem()?.to_str()?.to_string();
            let which = if stem.starts_with(DECISIONS_SHEET) {
                "decisions (评审记录)"
            } else if stem.starts_with(VERIFICATIONS_SHEET) {
                "checks (核实记录)"
            } else {
                return None;
            };
            if format_of(&path).is_some_and(|f| sheet_of(&stem, f).is_some()) {
                return None;
            }
            let name = crate::contract::identity::mask_identities_in(
                &path.file_name()?.to_string_lossy(),
            );
            Some(format!(
                "{name}: a working sheet of the panel's {which} in a format the program does not read back, \
                 so the rows in it do not count; save it as an Excel workbook (.xlsx) under the same name"
            ))
        })
        .collect();
    out.sort();
    out
}

pub fn format_of(path: &Path) -> Option<Format> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    match ext.as_str() {
        "csv" | "tsv" | "txt" => Some(Format::Csv),
        "xlsx" | "xlsm" | "xls" => Some(Format::Xlsx),
        "parquet" | "pq" => Some(Format::Parquet),
        _ => None,
    }
}

/// The file of each table found, or a message per table that is ambiguous.
/// Files passed over are logged.
pub fn discover(pipeline: &Pipeline) -> Result<Files, Vec<String>> {
    locate(pipeline, &mut |path, why| {
        let file = crate::contract::identity::mask_identities_in(&path.display().to_string());
        tracing::info!(%file, "{why}; ignored");
    })
}

/// As `discover`, without the log lines (for a look before the real read).
pub fn discover_quietly(pipeline: &Pipeline) -> Result<Files, Vec<String>> {
    locate(pipeline, &mut |_, _| {})
}

fn locate(
    pipeline: &Pipeline,
    passed_over: &mut dyn FnMut(&std::path::Path, String),
) -> Result<Files, Vec<String>> {
    let paths = input_files(&pipeline.input_dir)?;
    let (candidates, sheets) = sort_files(paths, passed_over);
    let mut found: Files = BTreeMap::new();
    let mut problems = Vec::new();
    for (table, files) in candidates {
        let wanted = pipeline.input(table).format;
        match choose(table, &files, wanted, passed_over) {
            Ok(one) => found.entry(table).or_default().push(one),
            Err(problem) => problems.push(problem),
        }
    }
    for (table, files) in sheets {
        found.entry(table).or_default().extend(files);
    }
    if problems.is_empty() {
        Ok(found)
    } else {
        Err(problems)
    }
}

/// The files of the input folder, by name.
fn input_files(dir: &std::path::Path) -> Result<Vec<PathBuf>, Vec<String>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            return Err(vec![format!(
                "cannot read the input folder {}: {e}",
                dir.display()
            )]);
        }
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    paths.sort();
    Ok(paths)
}

/// A table's files named after it, in a format read, to choose one from.
type Candidates = BTreeMap<Table, Vec<(PathBuf, Format)>>;

/// The files sorted out: those named after a table (each a candidate for
/// it), the working sheets by their table, and the rest passed over.
fn sort_files(
    paths: Vec<PathBuf>,
    passed_over: &mut dyn FnMut(&std::path::Path, String),
) -> (Candidates, Files) {
    let mut candidates: Candidates = BTreeMap::new();
    let mut sheets: Files = BTreeMap::new();
    for path in paths {
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_ascii_lowercase();
        let format = format_of(&path);
        match (Table::from_name(&stem), format) {
            (Some(table), Some(format)) => {
                candidates.entry(table).or_default().push((path, format))
            }
            (None, Some(format)) if sheet_of(&stem, format).is_some() => {
                let (table, layout) = sheet_of(&stem, format).expect("a sheet");
                sheets.entry(table).or_default().push(Found {
                    path,
                    format,
                    layout,
                });
            }
            _ => passed_over(&path, "not a table of the data contract".to_string()),
        }
    }
    (candidates, sheets)
}

/// The one file of a table to read, of the format the pipeline sets if it
/// sets one (the others passed over); or why none can be chosen.
fn choose(
    table: Table,
    files: &[(PathBuf, Format)],
    wanted: Option<Format>,
    passed_over: &mut dyn FnMut(&std::path::Path, String),
) -> Result<Found, String> {
    let chosen: Vec<&(PathBuf, Format)> = files
        .iter()
        .filter(|(_, f)| wanted.is_none_or(|w| w == *f))
        .collect();
    match chosen.as_slice() {
        [one] => {
            for (p, _) in files.iter().filter(|(p, _)| *p != one.0) {
                passed_over(
                    p,
                    format!("another file of table {table} (input.{table}.format)"),
                );
            }
            Ok(Found {
                path: one.0.clone(),
                format: one.1,
                layout: Layout::Table,
            })
        }
        [] => Err(format!(
            "table {table}: no file of the format set in input.{table}.format (found {})",
            names(files)
        )),
        _ => Err(format!(
            "table {table}: several files ({}); set input.{table}.format in the pipeline to choose one",
            names(files)
        )),
    }
}

fn names(files: &[(PathBuf, Format)]) -> String {
    files
        .iter()
        .map(|(p, _)| p.file_name().unwrap_or_default().to_string_lossy())
        .collect::<Vec<_>>()
        .join(", ")
}
