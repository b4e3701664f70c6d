//! Finding the tables in an extract folder: a table is the file whose stem is
//! its name (`persons.csv`, `persons.xlsx`, `persons.parquet`). Other files are
//! left alone, with a log line.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::config::Pipeline;
use crate::config::pipeline::Format;
use crate::contract::Table;

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
pub fn discover(pipeline: &Pipeline) -> Result<BTreeMap<Table, (PathBuf, Format)>, Vec<String>> {
    locate(
        pipeline,
        &mut |path, why| tracing::info!(file = %path.display(), "{why}; ignored"),
    )
}

/// As `discover`, without the log lines (for a look before the real read).
pub fn discover_quietly(
    pipeline: &Pipeline,
) -> Result<BTreeMap<Table, (PathBuf, Format)>, Vec<String>> {
    locate(pipeline, &mut |_, _| {})
}

fn locate(
    pipeline: &Pipeline,
    passed_over: &mut dyn FnMut(&std::path::Path, String),
) -> Result<BTreeMap<Table, (PathBuf, Format)>, Vec<String>> {
    let dir = &pipeline.input_dir;
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
    let mut candidates: BTreeMap<Table, Vec<(PathBuf, Format)>> = BTreeMap::new();
    for path in paths {
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_ascii_lowercase();
        match (Table::from_name(&stem), format_of(&path)) {
            (Some(table), Some(format)) => {
                candidates.entry(table).or_default().push((path, format))
            }
            _ => passed_over(&path, "not a table of the data contract".to_string()),
        }
    }
    let mut found = BTreeMap::new();
    let mut problems = Vec::new();
    for (table, files) in candidates {
        let wanted = pipeline.input(table).format;
        let chosen: Vec<&(PathBuf, Format)> = files
            .iter()
            .filter(|(_, f)| wanted.is_none_or(|w| w == *f))
            .collect();
        match chosen.as_slice() {
            [one] => {
                for (p, _) in files.iter().filter(|(p, _)| *p != one.0) {
                    passed_over(p, format!("another file of table {table} (input.{table}.format)"));
                }
                found.insert(table, (*one).clone());
            }
            [] => problems.push(format!(
                "table {table}: no file of the format set in input.{table}.format (found {})",
                names(&files)
            )),
            _ => problems.push(format!(
                "table {table}: several files ({}); set input.{table}.format in the pipeline to choose one",
                names(&files)
            )),
        }
    }
    if problems.is_empty() {
        Ok(found)
    } else {
        Err(problems)
    }
}

fn names(files: &[(PathBuf, Format)]) -> String {
    files
        .iter()
        .map(|(p, _)| p.file_name().unwrap_or_default().to_string_lossy())
        .collect::<Vec<_>>()
        .join(", ")
}
