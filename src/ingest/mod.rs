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
pub mod record_limits;
pub mod rejects;
pub mod report;
pub mod review_checks;
pub mod review_sheets;
pub mod text_column;
pub mod typing;
pub mod values;
pub mod xlsx;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use polars::prelude::DataFrame;

use crate::config::pipeline::Format;
use crate::config::{Pipeline, TableInput};
use crate::contract::{Table, TableSpec, tables};
use crate::error::{Error, Result};
use discover::{Found, Layout};
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
    /// What only a write moves, when the file was opened (`digest::Stamp`).
    pub stamp: Option<crate::digest::Stamp>,
    pub sha256: String,
    pub read_as: String,
    pub rows_read: usize,
    pub rows_rejected: usize,
    /// What the reader did besides reading rows (sheets read or skipped,
    /// rows skipped, values folded, columns ignored), one sentence each.
    pub notes: Vec<String>,
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
    /// What a clerk must look at though the run goes on: a column whose
    /// header is close to a contract column the file lacks, a working sheet
    /// not read back, a stage group the program does not know.
    pub warnings: Vec<String>,
}

impl Extract {
    pub fn table(&self, t: Table) -> Option<&DataFrame> {
        self.tables.get(&t)
    }

    /// What the readers did besides reading rows, per file: one line each,
    /// `file: note`, in the order of the tables.
    pub fn notes(&self) -> Vec<String> {
        self.inputs
            .iter()
            .flat_map(|i| {
                let name = shown_name(&i.path);
                i.notes.iter().map(move |n| format!("{name}: {n}"))
            })
            .collect()
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

/// A file's name as rejects, logs and reports show it: identity numbers in
/// it masked (a clerk may name a file after a person).
pub fn shown_name(path: &Path) -> String {
    crate::contract::identity::mask_identities_in(&file_name(path))
}

/// Rejects of a workbook read over several sheets, moved from the lines
/// typing numbered to their sheet and sheet row (a workbook of one sheet:
/// its lines are its rows, and the file names it).
fn locate_in_sheets(rejects: &mut [Reject], sheets: &[raw::SheetSpan]) {
    if sheets.len() < 2 {
        return;
    }
    let at = |line: u64| match raw::SheetSpan::locate(sheets, line) {
        Some((sheet, row)) => format!("sheet \"{sheet}\" row {row}"),
        None => format!("line {line}"),
    };
    for r in rejects {
        if let Some((sheet, row)) = raw::SheetSpan::locate(sheets, r.line) {
            r.file = format!("{}, sheet \"{sheet}\"", r.file);
            r.line = row;
        }
        if r.reason == RejectReason::DuplicateKey
            && let Some(first) = r
                .detail
                .strip_prefix("the same key as line ")
                .and_then(|rest| rest.split(',').next())
                .and_then(|n| n.parse::<u64>().ok())
        {
            r.detail = format!("the same key as {}, which is kept", at(first));
        }
    }
}

/// Whether a reject is of the file named (or of one of its sheets).
fn of_file(reject_file: &str, name: &str) -> bool {
    reject_file == name
        || reject_file
            .strip_prefix(name)
            .is_some_and(|rest| rest.starts_with(", sheet \""))
}

/// The panel's own records (`decisions`, `verifications`): without a file,
/// nothing has been recorded yet, which leaves no figure incomplete.
pub fn is_record(table: Table) -> bool {
    table.is_panel_record()
}

/// Reads and types one table's file, in its layout.
fn read_table(pipeline: &Pipeline, spec: &'static TableSpec, found: &Found) -> Result<TableRead> {
    let path = found.path.as_path();
    let name = shown_name(path);
    let input = match found.layout {
        Layout::Table => pipeline.input(spec.table),
        // A working sheet is read as the run wrote it, whatever the
        // pipeline says of the table's own file.
        Layout::DecisionSheet | Layout::ListSheet => TableInput::default(),
    };
    let mut typing = TableTyping::new(spec, &name);
    let file = TableFile {
        path,
        input: &input,
        spec,
    };
    let opened = match found.layout {
        Layout::DecisionSheet => {
            review_sheets::read_decision_sheet(path, &name, &pipeline.rules.review.stages)?
        }
        Layout::Table => read_format(file, found.format, &mut typing).and_then(|o| {
            let mut typed = typing.finish().map_err(Error::from)?;
            locate_in_sheets(&mut typed.rejects, &o.sheets);
            Ok((o, typed))
        }),
        Layout::ListSheet => {
            let watched = crate::contract::review_records::entered_columns(spec.table)
                .iter()
                .filter_map(|c| spec.columns.iter().position(|s| s.name == *c))
                .collect();
            let mut open = review_sheets::OpenItems {
                inner: &mut typing,
                watched,
                skipped: 0,
            };
            let read = read_format(file, found.format, &mut open);
            let skipped = open.skipped;
            if skipped > 0 {
                tracing::info!(file = %name, rows = skipped, "rows awaiting an entry (the sheet's columns to fill are empty); skipped");
            }
            read.and_then(|o| {
                let mut typed = typing.finish().map_err(Error::from)?;
                locate_in_sheets(&mut typed.rejects, &o.sheets);
                Ok((o, typed))
            })
        }
    };
    match opened {
        Ok(read) => Ok(Ok(read)),
        Err(Failure::Unreadable(m)) => Ok(Err(format!("{name}: unreadable file: {m}"))),
        Err(Failure::NotUtf8(at)) => Ok(Err(format!(
            "{name}: unreadable file: not valid UTF-8 at byte {at}"
        ))),
        Err(Failure::Columns(m)) | Err(Failure::Shape(m)) => Ok(Err(format!("{name}: {m}"))),
        Err(Failure::Internal(e)) => Err(e),
    }
}

fn read_format(
    file: TableFile<'_>,
    format: Format,
    sink: &mut dyn raw::Sink,
) -> std::result::Result<Opened, Failure> {
    match format {
        Format::Csv => csv::read(file, sink),
        Format::Xlsx => xlsx::read(file, sink),
        Format::Parquet => parquet::read(file, sink),
    }
}

/// The files found, read and typed concurrently, one file a core, the
/// largest files first. Each table streams in bounded chunks, so the tables
/// read at once hold their typed frames and one chunk of text each. The
/// reads come back per table, in the order of its files.
fn read_tables(
    pipeline: &Pipeline,
    found: &discover::Files,
) -> Result<BTreeMap<Table, Vec<TableRead>>> {
    let mut jobs: Vec<(&'static TableSpec, &Found, usize, u64)> = tables::ALL
        .iter()
        .flat_map(|spec| {
            found
                .get(&spec.table)
                .into_iter()
                .flatten()
                .enumerate()
                .map(|(k, f)| {
                    let size = std::fs::metadata(&f.path).map_or(0, |m| m.len());
                    (*spec, f, k, size)
                })
        })
        .collect();
    jobs.sort_by_key(|j| std::cmp::Reverse(j.3));
    let reads =
        crate::parallel::map_in_order(&jobs, crate::parallel::cores(), |(spec, found, _, _)| {
            let read = read_table(pipeline, spec, found);
            // The table's text and working columns are freed now.
            crate::memory::give_back();
            read
        });
    let mut out: BTreeMap<Table, Vec<(usize, TableRead)>> = BTreeMap::new();
    for ((spec, _, k, _), read) in jobs.iter().zip(reads) {
        out.entry(spec.table).or_default().push((*k, read?));
    }
    Ok(out
        .into_iter()
        .map(|(t, mut reads)| {
            reads.sort_by_key(|(k, _)| *k);
            (t, reads.into_iter().map(|(_, r)| r).collect())
        })
        .collect())
}

/// Reads every table of the extract, without checking the detectors that
/// `verifications` names (`read_checked` does). Never fails on bad input:
/// breaches are collected in the result for `verdict` and the report.
pub fn read_extract(pipeline: &Pipeline) -> Result<Extract> {
    read_with(pipeline, None)
}

/// Reads every table of the extract, `verifications` checked against the
/// detectors' ids, which the caller passes (ingest knows no detector).
pub fn read_checked(pipeline: &Pipeline, detectors: &[&str]) -> Result<Extract> {
    read_with(pipeline, Some(detectors))
}

fn read_with(pipeline: &Pipeline, detectors: Option<&[&str]>) -> Result<Extract> {
    let mut extract = Extract::default();
    let found = match discover::discover(pipeline) {
        Ok(f) => f,
        Err(problems) => {
            extract.problems = problems;
            return Ok(extract);
        }
    };
    let mut read = read_tables(pipeline, &found)?;
    for w in discover::unread_working_sheets(pipeline) {
        tracing::warn!("{w}");
        extract.warnings.push(w);
    }
    let mut records = Records::default();
    for spec in tables::ALL {
        let Some(files) = found.get(&spec.table) else {
            note_missing(&mut extract, spec, pipeline);
            continue;
        };
        let reads = read.remove(&spec.table).unwrap_or_default();
        for (file, table_read) in files.iter().zip(reads) {
            match table_read {
                Ok((opened, typed)) => {
                    take_file(
                        &mut extract,
                        &mut records,
                        pipeline,
                        spec,
                        file,
                        opened,
                        typed,
                    )?;
                }
                Err(problem) => extract.problems.push(problem),
            }
        }
    }
    crate::contract::held::share_holding(&mut extract.tables)?;
    check_records(&mut extract, records, pipeline, detectors)?;
    tally(&mut extract, pipeline.max_reject_ratio);
    let codes = referenced_unknown_communities(&extract);
    if !codes.is_empty() {
        tracing::warn!(
            communities = codes.len(),
            "event or ledger rows name communities missing from the communities table; they count in no community"
        );
    }
    Ok(extract)
}

/// The panel's records, per file, put together once every table is read;
/// and the files among them that are decision sheets.
#[derive(Default)]
struct Records {
    parts: BTreeMap<Table, Vec<review_checks::Part>>,
    wide: HashSet<String>,
}

/// A table with no file: nothing recorded yet for a panel record, a note for
/// an optional table, a problem for a required one.
fn note_missing(extract: &mut Extract, spec: &TableSpec, pipeline: &Pipeline) {
    if is_record(spec.table) {
        // No decision or check recorded yet: nothing is incomplete.
        tracing::debug!(table = spec.name, "no file: nothing recorded yet");
    } else if spec.optional {
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
}

/// One file read and typed taken into the extract: its account among the
/// inputs, its rejects, and its frame (a panel record's kept aside for
/// `check_records`).
fn take_file(
    extract: &mut Extract,
    records: &mut Records,
    pipeline: &Pipeline,
    spec: &'static TableSpec,
    file: &Found,
    opened: Opened,
    typed: Typed,
) -> Result<()> {
    let name = shown_name(&file.path);
    let notes = file_notes(&name, opened.notes, &opened.unused, &typed.folded);
    for w in opened.warnings {
        extract.warnings.push(format!("{name}: {w}"));
    }
    let rejected = typed.rejects.len();
    tracing::info!(
        table = spec.name, file = %name, read_as = %opened.read_as, rows = typed.rows_read, rejected,
        "table read"
    );
    extract.inputs.push(InputFile {
        table: spec.table,
        path: file.path.clone(),
        size: opened.seen.size,
        mtime: opened.seen.mtime,
        stamp: opened.seen.stamp,
        sha256: opened.seen.sha256,
        read_as: opened.read_as,
        rows_read: typed.rows_read,
        rows_rejected: rejected,
        notes,
    });
    tracing::debug!(
        table = spec.name,
        bytes = typed.frame.estimated_size(),
        "typed frame held"
    );
    extract.rejects.extend(typed.rejects);
    if !is_record(spec.table) {
        extract.tables.insert(spec.table, typed.frame);
        return Ok(());
    }
    let is_wide = file.layout == Layout::DecisionSheet;
    if is_wide {
        records.wide.insert(name.clone());
    }
    let (frame, over) = record_limits::check(spec, &name, is_wide, typed.frame)?;
    extract.rejects.extend(over);
    let frame = review_checks::with_source_sheet(frame, &opened.sheets)?;
    let frame = match spec.table {
        Table::Decisions => {
            review_checks::normalise_decisions(frame, &name, &pipeline.rules.review.stages)?
        }
        _ => frame,
    };
    records
        .parts
        .entry(spec.table)
        .or_default()
        .push(review_checks::Part { file: name, frame });
    Ok(())
}

/// A file's notes for the report: the reader's, then the columns outside the
/// contract, then per column how many values were folded.
fn file_notes(
    name: &str,
    mut notes: Vec<String>,
    unused: &[String],
    folded: &[(&'static str, usize)],
) -> Vec<String> {
    if !unused.is_empty() {
        tracing::info!(file = %name, columns = %unused.join(", "), "columns outside the contract; ignored");
        notes.push(format!(
            "columns outside the contract, ignored: {}",
            unused.join(", ")
        ));
    }
    let mut by_column: BTreeMap<&str, usize> = BTreeMap::new();
    for (column, n) in folded {
        *by_column.entry(column).or_default() += n;
    }
    for (column, n) in by_column {
        let note = format!(
            "{n} values of {column} folded (invisible characters, spaces, a leading apostrophe or full-width forms removed)"
        );
        tracing::info!(file = %name, "{note}");
        notes.push(note);
    }
    notes
}

/// The panel's records of every file merged and checked, the objection
/// register first (the decisions are checked against it); their rejects
/// and kept rows taken into the extract.
fn check_records(
    extract: &mut Extract,
    records: Records,
    pipeline: &Pipeline,
    detectors: Option<&[&str]>,
) -> Result<()> {
    let Records { parts, wide } = records;
    let mut parts: Vec<_> = parts.into_iter().collect();
    parts.sort_by_key(|(t, _)| *t != Table::Objections);
    for (table, parts) in parts {
        let (merged, repeats) = review_checks::merge(table.spec(), parts, &wide)?;
        extract.rejects.extend(repeats);
        let against = review_checks::Against {
            communities: extract.table(Table::Communities),
            applications: extract.table(Table::Applications),
            detectors,
            wide: &wide,
            stages: &pipeline.rules.review.stages,
            objections: extract.table(Table::Objections),
        };
        let (kept, rejects) = match table {
            Table::Decisions => review_checks::check_decisions(merged, &against)?,
            Table::Objections => review_checks::check_objections(merged, &against)?,
            Table::Approvals => review_checks::check_approvals(merged, &against)?,
            Table::Filings => review_checks::check_filings(merged, &against)?,
            Table::Reinspections => review_checks::check_reinspections(merged, &against)?,
            _ => review_checks::check_verifications(merged, &against)?,
        };
        extract.rejects.extend(rejects);
        extract.tables.insert(table, kept);
    }
    Ok(())
}

/// Each file's rejected rows, those of the checks after reading included,
/// and the files whose rejected share exceeds `max_reject_ratio`.
fn tally(extract: &mut Extract, max_reject_ratio: f64) {
    // Rejected rows, and the lines of the file they ran over.
    let mut by_file: BTreeMap<(Table, String), (usize, u64)> = BTreeMap::new();
    let names: Vec<String> = extract.inputs.iter().map(|i| shown_name(&i.path)).collect();
    for r in &extract.rejects {
        let file = names
            .iter()
            .find(|n| of_file(&r.file, n))
            .cloned()
            .unwrap_or_else(|| r.file.clone());
        let e = by_file.entry((r.table, file)).or_default();
        e.0 += 1;
        e.1 += r.lines_lost;
    }
    for (input, name) in extract.inputs.iter_mut().zip(&names) {
        let name = name.clone();
        let (rejected, lost) = by_file
            .get(&(input.table, name.clone()))
            .copied()
            .unwrap_or_default();
        input.rows_rejected = rejected;
        if input.table.is_panel_record() {
            if rejected > 0 {
                tracing::warn!(
                    file = %name,
                    rejected,
                    rows = input.rows_read,
                    "rows of the panel's records rejected (listed in rejects.parquet; the run goes on)"
                );
            }
            continue;
        }
        // A rejected row that ran over several lines of the file counts
        // each of them: a quote left open must not hide rows in one reject.
        let lines = input.rows_read as u64 + lost - rejected as u64;
        if input.rows_read > 0 && lost as f64 > max_reject_ratio * lines as f64 {
            let what = if lost > rejected as u64 {
                format!(
                    "{rejected} of {} rows rejected, running over {lost} of {lines} lines",
                    input.rows_read
                )
            } else {
                format!("{rejected} of {} rows rejected", input.rows_read)
            };
            extract.over_ratio.push(format!(
                "{name}: {what} ({:.2} %), above max_reject_ratio {}",
                100.0 * lost as f64 / lines as f64,
                max_reject_ratio
            ));
        }
    }
    // The rejects in table order, each table's in the order of its files.
    let order: HashMap<String, usize> = names
        .iter()
        .enumerate()
        .map(|(k, n)| (n.clone(), k))
        .collect();
    let order_of = |file: &str| {
        names
            .iter()
            .find(|n| of_file(file, n))
            .and_then(|n| order.get(n).copied())
            .unwrap_or(usize::MAX)
    };
    extract
        .rejects
        .sort_by_cached_key(|r| (r.table, order_of(&r.file), r.file.clone(), r.line));
}

/// The extract, or exit 3 when it breaks the contract; `verifications` is
/// checked against the detectors' ids the caller passes.
pub fn ingest(pipeline: &Pipeline, detectors: &[&str]) -> Result<Extract> {
    let extract = read_checked(pipeline, detectors)?;
    extract.verdict()?;
    Ok(extract)
}

pub struct ValidateOutcome {
    pub report: String,
    pub verdict: Result<()>,
}

/// The data contract alone: the report `fullemp validate` prints, and whether
/// the extract can be used.
pub fn validate(pipeline: &Pipeline, detectors: &[&str]) -> Result<ValidateOutcome> {
    let extract = read_checked(pipeline, detectors)?;
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
        if let Ok(codes) = df
            .column("community_code")
            .and_then(|c| c.cast(&polars::prelude::DataType::String))
            .and_then(|c| c.str().cloned())
        {
            for code in codes.iter().flatten() {
                if !known.contains(code) {
                    unknown.insert(code.to_string());
                }
            }
        }
    }
    unknown
}
