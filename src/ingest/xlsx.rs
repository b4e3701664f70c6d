//! XLSX workbooks: every sheet whose header names the table's columns, read
//! as one table (a workbook of one sheet per county), or the one sheet the
//! pipeline names. Sheets without the header (a summary, 汇总) are listed and
//! skipped; sheets that hold the header but not the same columns stop the
//! read. The header is found among the first rows that hold anything
//! (`headers::find_header`); rows above it are skipped, and so are rules of
//! dashes under it and totals, notes and signature lines after the last
//! record (`footers`). Rows of later sheets are numbered on after the
//! previous sheet's last row while typed, so every row has its own line;
//! their rejects name the sheet and its row (`raw::SheetSpan`). A merged range gives every cell it
//! covers its value, as the person who merged it meant (a county merged down
//! over its communities' rows). Cells keep their Excel type so that date
//! serials and numbers are read by the column's type, not by their display;
//! they go to typing as cells, column by column. The workbook's bytes are
//! hashed as read. A sheet holds at most 1,048,576 rows: one chunk a sheet.

use std::collections::HashMap;
use std::io::Cursor;

use calamine::{Data, Range, Reader, Sheets};
use chrono::NaiveDate;

use super::footers;
use super::headers::{HeadRow, SEARCHED_ROWS, find_header, map_headers, required_named};
use super::raw::{Cell, Failure, Opened, RawChunk, RawColumn, Sink, TableFile};
use crate::config::TableInput;
use crate::contract::TableSpec;
use crate::contract::identity::mask_identities_in;

pub fn read(file: TableFile<'_>, sink: &mut dyn Sink) -> Result<Opened, Failure> {
    let shown_file = super::shown_name(file.path);
    let (bytes, seen) = file.read_all("the workbook")?;
    let sheets = open_sheets(bytes, file.input)?;
    let (read, skipped) = prepare_sheets(file, &sheets)?;
    same_columns(file.spec, &read)?;
    let mut taken = pass_on(&read, sink, &shown_file)?;
    for (sheet, why) in &skipped {
        let why = why.split("; columns found").next().unwrap_or_default();
        let n = format!("sheet \"{sheet}\" skipped: {why}");
        tracing::info!(file = %shown_file, "{n}");
        taken.notes.push(n);
    }
    Ok(Opened {
        read_as: format!("XLSX, {}", taken.places.join(" + ")),
        seen,
        unused: taken.unused,
        notes: taken.notes,
        warnings: taken.warnings,
        sheets: taken.spans,
    })
}

/// A sheet as read from the workbook: its name as shown (identities
/// masked), its cells and its merged ranges.
type SheetCells = (String, Range<Data>, Vec<Region>);

/// The workbook opened and the sheets to read taken out of it: the one the
/// pipeline names, or all of them.
fn open_sheets(bytes: Vec<u8>, input: &TableInput) -> Result<Vec<SheetCells>, Failure> {
    let mut book = calamine::open_workbook_auto_from_rs(Cursor::new(bytes))
        .map_err(|e| Failure::Unreadable(format!("cannot open the workbook: {e}")))?;
    let names = book.sheet_names();
    let wanted: Vec<String> = match &input.sheet {
        Some(s) if names.contains(s) => vec![s.clone()],
        Some(s) => {
            return Err(Failure::Unreadable(format!(
                "no sheet named \"{}\" (sheets: {})",
                mask_identities_in(s),
                mask_identities_in(&names.join(", "))
            )));
        }
        None if names.is_empty() => {
            return Err(Failure::Unreadable("the workbook has no sheet".to_string()));
        }
        None => names.clone(),
    };
    let mut sheets = Vec::with_capacity(wanted.len());
    for sheet in &wanted {
        let shown = mask_identities_in(sheet);
        let range = book
            .worksheet_range(sheet)
            .map_err(|e| Failure::Unreadable(format!("cannot read sheet \"{shown}\": {e}")))?;
        let merged = merged_regions(&mut book, sheet)
            .map_err(|e| Failure::Unreadable(format!("cannot read sheet \"{shown}\": {e}")))?;
        sheets.push((shown, range, merged));
    }
    Ok(sheets)
}

/// The sheets passed over, each with why.
type Skipped = Vec<(String, String)>;

/// Every sheet that holds the table's header prepared, and the sheets
/// skipped with why. A failing sheet stops the read when it is the only or
/// the pinned sheet, or when it holds the header with a column wrong
/// (skipping it would drop its rows); so does no sheet holding the header.
fn prepare_sheets<'a>(
    file: TableFile<'_>,
    sheets: &'a [SheetCells],
) -> Result<(Vec<Prepared<'a>>, Skipped), Failure> {
    let pinned = file.input.sheet.is_some();
    let mut read: Vec<Prepared> = Vec::new();
    let mut skipped: Skipped = Vec::new();
    let mut first_failure: Option<Failure> = None;
    for (shown, range, merged) in sheets {
        match prepare(file, shown, range, merged) {
            Ok(p) => read.push(p),
            Err((f, holds_header)) => {
                let why = match &f {
                    Failure::Columns(m) | Failure::Unreadable(m) => m.clone(),
                    _ => String::new(),
                };
                if pinned || sheets.len() == 1 {
                    return Err(f);
                }
                if holds_header {
                    return Err(Failure::Columns(format!("sheet \"{shown}\": {why}")));
                }
                skipped.push((shown.clone(), why));
                first_failure.get_or_insert(f);
            }
        }
    }
    if read.is_empty() {
        let failure = first_failure.expect("a sheet when none was read");
        return Err(no_sheet_read(file.spec, &skipped, failure));
    }
    Ok((read, skipped))
}

/// The failure when no sheet holds the table's header: every sheet and why
/// it was skipped, of the kind of the first sheet's failure.
fn no_sheet_read(spec: &TableSpec, skipped: &[(String, String)], first: Failure) -> Failure {
    let list: Vec<String> = skipped
        .iter()
        .map(|(name, why)| format!("sheet \"{name}\": {why}"))
        .collect();
    let message = format!(
        "no sheet holds the table's header: {}; set `sheet` under [input.{}] to the sheet to read",
        list.join("; "),
        spec.name
    );
    match first {
        Failure::Columns(_) => Failure::Columns(message),
        _ => Failure::Unreadable(message),
    }
}

/// Every sheet read must map the same contract columns: a column one sheet
/// has and another lacks stops the read, naming both sheets.
fn same_columns(spec: &TableSpec, read: &[Prepared]) -> Result<(), Failure> {
    let present =
        |p: &Prepared| -> Vec<bool> { p.mapping.positions.iter().map(Option::is_some).collect() };
    let Some(other) = read.iter().find(|p| present(p) != present(&read[0])) else {
        return Ok(());
    };
    let differ: Vec<String> = spec
        .columns
        .iter()
        .zip(present(&read[0]).iter().zip(present(other)))
        .filter(|(_, (a, b))| **a != *b)
        .map(|(c, (a, _))| {
            let (has, lacks) = if *a {
                (&read[0].sheet, &other.sheet)
            } else {
                (&other.sheet, &read[0].sheet)
            };
            format!(
                "`{}` ({}) stands in sheet \"{has}\" but not in sheet \"{lacks}\"",
                c.name, c.chinese
            )
        })
        .collect();
    Err(Failure::Columns(format!(
        "the sheets holding the table's header disagree on its columns: {}; give every sheet the same columns, or set `sheet` under [input.{}] to read one",
        differ.join("; "),
        spec.name
    )))
}

/// What passing the sheets on to typing gathered for the read's account.
#[derive(Default)]
struct Taken {
    spans: Vec<super::raw::SheetSpan>,
    notes: Vec<String>,
    warnings: Vec<String>,
    unused: Vec<String>,
    places: Vec<String>,
}

/// Each prepared sheet's rows handed to the sink as one chunk, numbered on
/// after the previous sheet's last row; the notes, warnings and unused
/// headers of every sheet gathered, named by sheet when there are several.
fn pass_on(read: &[Prepared], sink: &mut dyn Sink, shown_file: &str) -> Result<Taken, Failure> {
    let several = read.len() > 1;
    let mut offset = 0u64;
    let mut taken = Taken::default();
    for p in read {
        let last = p.line(p.last_row);
        taken.spans.push(super::raw::SheetSpan {
            sheet: p.sheet.clone(),
            offset,
            last: offset + last,
        });
        sink.take(p.chunk(offset))?;
        let name = if several {
            format!("sheet \"{}\": ", p.sheet)
        } else {
            String::new()
        };
        if several {
            taken
                .notes
                .push(format!("{name}{} rows read", p.rows.len()));
        }
        for n in &p.notes {
            tracing::info!(file = %shown_file, sheet = %p.sheet, "{n}");
            taken.notes.push(format!("{name}{n}"));
        }
        for w in &p.mapping.near_misses {
            tracing::warn!(file = %shown_file, sheet = %p.sheet, "{w}");
            taken.warnings.push(format!("{name}{w}"));
        }
        for u in &p.mapping.unused {
            if !taken.unused.contains(u) {
                taken.unused.push(u.clone());
            }
        }
        taken.places.push(match p.place.as_deref() {
            Some(place) => format!("sheet \"{}\", {place}", p.sheet),
            None => format!("sheet \"{}\"", p.sheet),
        });
        offset += last;
    }
    Ok(taken)
}

/// One sheet whose header names the table's columns: the rows to read
/// (range indices), where the columns stand, and what was skipped.
struct Prepared<'a> {
    sheet: String,
    range: &'a Range<Data>,
    merged: &'a [Region],
    mapping: super::headers::Mapping,
    rows: Vec<usize>,
    /// The last row that holds anything (range index), footers included.
    last_row: usize,
    first_row: u64,
    place: Option<String>,
    notes: Vec<String>,
}

impl Prepared<'_> {
    /// A range index's sheet row (1-based).
    fn line(&self, i: usize) -> u64 {
        self.first_row + i as u64 + 1
    }

    /// The sheet's rows as one chunk of cells, column by column, with merged
    /// values filled in; lines numbered on from `offset`.
    fn chunk(&self, offset: u64) -> RawChunk {
        let grid = Grid::new(self.range, self.merged);
        let columns = self
            .mapping
            .positions
            .iter()
            .map(|at| {
                at.map(|c| {
                    RawColumn::Cells(self.rows.iter().map(|&i| cell(grid.value(i, c))).collect())
                })
            })
            .collect();
        RawChunk {
            columns,
            lines: self.rows.iter().map(|&i| offset + self.line(i)).collect(),
            shapes: Vec::new(),
            spans: Vec::new(),
        }
    }
}

/// A sheet's header found and mapped, its rule and footer rows set aside; or
/// why not, and whether the sheet still holds the table's header (names
/// more than half of its required columns).
fn prepare<'a>(
    file: TableFile<'_>,
    sheet: &str,
    range: &'a Range<Data>,
    merged: &'a [Region],
) -> Result<Prepared<'a>, (Failure, bool)> {
    let TableFile { input, spec, .. } = file;
    let grid = Grid::new(range, merged);
    let (filled, line) = filled_rows(range);
    let head = head_rows(&grid, &filled, &line, input.header_row);
    if head.is_empty() {
        return Err((
            Failure::Unreadable(format!("sheet \"{sheet}\" is empty: no header row")),
            false,
        ));
    }
    let header = find_header(spec, &head, &input.columns, input.header_row)
        .map_err(|m| (Failure::Columns(m), true))?;
    let mapping = map_headers(spec, &header.names, &input.columns).map_err(|m| {
        let required = spec.columns.iter().filter(|c| c.required).count();
        let named = required_named(spec, &header.names, &input.columns);
        (Failure::Columns(m), 2 * named > required)
    })?;
    let mut notes = Vec::new();
    if let Some((n, first)) = header.skipped(&head) {
        notes.push(format!(
            "{n} rows above the header skipped (the first: \"{first}\")"
        ));
    }
    let mut rows: Vec<usize> = filled[header.at + 1..].to_vec();
    notes.extend(drop_rules(&grid, &mut rows));
    let required: Vec<usize> = spec
        .columns
        .iter()
        .zip(&mapping.positions)
        .filter(|(c, _)| c.required)
        .filter_map(|(_, p)| *p)
        .collect();
    notes.extend(drop_footers(&grid, &mut rows, &required));
    Ok(Prepared {
        sheet: sheet.to_string(),
        range,
        merged,
        place: header.place(&head, "row"),
        mapping,
        rows,
        last_row: filled.last().copied().unwrap_or(0),
        first_row: range.start().map_or(0, |(r, _)| u64::from(r)),
        notes,
    })
}

/// The filled rows searched for the header, as text with merged values
/// filled in: down to the row the pipeline names, or the first
/// `SEARCHED_ROWS`.
fn head_rows(
    grid: &Grid,
    filled: &[usize],
    line: &impl Fn(usize) -> u64,
    header_row: Option<u64>,
) -> Vec<HeadRow> {
    let searched = match header_row {
        Some(n) => filled.iter().take_while(|&&i| line(i) <= n).count(),
        None => SEARCHED_ROWS,
    };
    filled
        .iter()
        .take(searched)
        .map(|&i| HeadRow {
            line: line(i),
            cells: (0..grid.width)
                .map(|c| text_of(grid.value(i, c)).trim().to_string())
                .collect(),
        })
        .collect()
}

/// A row's cells as the sheet holds them (merges not filled in), trimmed.
fn raw_texts(grid: &Grid, i: usize) -> Vec<String> {
    (0..grid.width)
        .map(|c| text_of(grid.raw(i, c)).trim().to_string())
        .collect()
}

/// Rows of dashes or equals signs right under the header taken off the
/// rows to read; a note when there were any.
fn drop_rules(grid: &Grid, rows: &mut Vec<usize>) -> Option<String> {
    let rules = rows
        .iter()
        .take_while(|&&i| footers::is_rule(raw_texts(grid, i).iter().map(String::as_str)))
        .count();
    if rules == 0 {
        return None;
    }
    rows.drain(..rules);
    Some(format!(
        "{rules} rows of dashes or equals signs under the header skipped"
    ))
}

/// Totals, notes, signatures and rules after the last record taken off the
/// rows to read (a row with every required column filled is a record); a
/// note naming the first of them when there were any.
fn drop_footers(grid: &Grid, rows: &mut Vec<usize>, required: &[usize]) -> Option<String> {
    let mut footers = 0;
    let mut first = None;
    while let Some(&last) = rows.last() {
        let texts = raw_texts(grid, last);
        let footer = footers::is_footer_or_rule(texts.iter().map(String::as_str), || {
            required.iter().all(|&p| !texts[p].is_empty())
        });
        if !footer {
            break;
        }
        rows.pop();
        footers += 1;
        first = Some(texts);
    }
    let text = first?
        .into_iter()
        .find(|t| !t.is_empty())
        .unwrap_or_default();
    Some(format!(
        "{footers} rows after the data skipped: totals, notes or signatures (the first: \"{}\")",
        mask_identities_in(&text)
    ))
}

/// The merged ranges of a sheet, as (first row, first column, last row,
/// last column), sheet coordinates from 0.
pub(super) type Region = ((u32, u32), (u32, u32));

pub(super) fn merged_regions<RS>(book: &mut Sheets<RS>, sheet: &str) -> Result<Vec<Region>, String>
where
    RS: std::io::Read + std::io::Seek,
{
    let dims = match book {
        Sheets::Xlsx(x) => x
            .merge_cells_by_sheet_name(sheet)
            .map_err(|e| e.to_string())?,
        Sheets::Xls(x) => x
            .merge_cells_by_sheet_name(sheet)
            .map_err(|e| e.to_string())?,
        // Binary and OpenDocument workbooks: their merges are not read.
        Sheets::Xlsb(_) | Sheets::Ods(_) => Vec::new(),
    };
    Ok(dims.into_iter().map(|d| (d.start, d.end)).collect())
}

/// A sheet's cells with merged ranges filled in.
pub(super) struct Grid<'a> {
    range: &'a Range<Data>,
    pub(super) width: usize,
    /// Cells a merge covers, other than its top-left one (range
    /// coordinates) → the top-left cell.
    covered: HashMap<(usize, usize), (usize, usize)>,
}

impl<'a> Grid<'a> {
    pub(super) fn new(range: &'a Range<Data>, merged: &[Region]) -> Grid<'a> {
        let (height, width) = range.get_size();
        let (r0, c0) = range.start().unwrap_or((0, 0));
        let mut covered = HashMap::new();
        for &((top, left), (bottom, right)) in merged {
            let (Some(top), Some(left)) = (top.checked_sub(r0), left.checked_sub(c0)) else {
                // The merge starts outside the cells: its value is empty.
                continue;
            };
            let (top, left) = (top as usize, left as usize);
            let bottom = ((bottom.saturating_sub(r0)) as usize).min(height.saturating_sub(1));
            let right = ((right.saturating_sub(c0)) as usize).min(width.saturating_sub(1));
            for r in top..=bottom {
                for c in left..=right {
                    if (r, c) != (top, left) {
                        covered.insert((r, c), (top, left));
                    }
                }
            }
        }
        Grid {
            range,
            width,
            covered,
        }
    }

    /// The cell as the sheet holds it.
    pub(super) fn raw(&self, row: usize, col: usize) -> &'a Data {
        self.range.get((row, col)).unwrap_or(&Data::Empty)
    }

    /// The cell, or the value of the merge covering it.
    pub(super) fn value(&self, row: usize, col: usize) -> &'a Data {
        match self.raw(row, col) {
            Data::Empty if self.covered.is_empty() => &Data::Empty,
            Data::Empty => match self.covered.get(&(row, col)) {
                Some(&at) => self.raw(at.0, at.1),
                None => &Data::Empty,
            },
            v => v,
        }
    }
}

/// The rows of a sheet's used range that hold anything (their index in the
/// range), as the sheet has them: merged values are not filled in, so a row
/// only a merge reaches into is still empty. And each row's sheet line
/// (1-based).
pub(super) fn filled_rows(range: &Range<Data>) -> (Vec<usize>, impl Fn(usize) -> u64 + use<>) {
    let first_row = range.start().map_or(0, |(r, _)| u64::from(r));
    let filled = range
        .rows()
        .enumerate()
        .filter(|(_, r)| r.iter().any(|c| *c != Data::Empty))
        .map(|(i, _)| i)
        .collect();
    (filled, move |i: usize| first_row + i as u64 + 1)
}

pub(super) fn text_of(c: &Data) -> String {
    match c {
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => d.as_f64().to_string(),
        Data::Error(e) => format!("{e}"),
        Data::Empty => String::new(),
    }
}

pub(super) fn cell(c: &Data) -> Cell {
    match c {
        Data::Empty => Cell::Empty,
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => {
            let t = s.trim();
            if t.is_empty() {
                Cell::Empty
            } else {
                Cell::Text(t.to_string())
            }
        }
        Data::Int(i) => Cell::Number(*i as f64),
        Data::Float(f) => Cell::Number(*f),
        Data::Bool(b) => Cell::Bool(*b),
        Data::DateTime(d) => {
            let (y, mo, da, h, mi, s, ms) = d.to_ymd_hms_milli();
            NaiveDate::from_ymd_opt(y.into(), mo.into(), da.into())
                .and_then(|date| date.and_hms_milli_opt(h.into(), mi.into(), s.into(), ms.into()))
                .map_or_else(
                    || Cell::Error(format!("date serial {}", d.as_f64())),
                    Cell::DateTime,
                )
        }
        Data::Error(e) => Cell::Error(format!("{e}")),
    }
}
