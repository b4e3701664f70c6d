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
use crate::contract::identity::mask_identities_in;

pub fn read(file: TableFile<'_>, sink: &mut dyn Sink) -> Result<Opened, Failure> {
    let TableFile { path, input, spec } = file;
    let shown_file = super::shown_name(path);
    let (bytes, seen) = file.read_all("the workbook")?;
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
    let pinned = input.sheet.is_some();
    let mut read: Vec<Prepared> = Vec::new();
    let mut skipped: Vec<(String, String)> = Vec::new();
    let mut first_failure: Option<(String, Failure)> = None;
    for (shown, range, merged) in &sheets {
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
                    // A sheet of the table with a column wrong: skipping it
                    // would drop its rows.
                    return Err(Failure::Columns(format!("sheet \"{shown}\": {why}")));
                }
                skipped.push((shown.clone(), why));
                first_failure.get_or_insert((shown.clone(), f));
            }
        }
    }
    if read.is_empty() {
        let (_, failure) = first_failure.expect("a sheet when none was read");
        let list: Vec<String> = skipped
            .iter()
            .map(|(name, why)| format!("sheet \"{name}\": {why}"))
            .collect();
        let message = format!(
            "no sheet holds the table's header: {}; set `sheet` under [input.{}] to the sheet to read",
            list.join("; "),
            spec.name
        );
        return Err(match failure {
            Failure::Columns(_) => Failure::Columns(message),
            _ => Failure::Unreadable(message),
        });
    }
    // Every sheet read must map the same contract columns.
    let present =
        |p: &Prepared| -> Vec<bool> { p.mapping.positions.iter().map(Option::is_some).collect() };
    if let Some(other) = read.iter().find(|p| present(p) != present(&read[0])) {
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
        return Err(Failure::Columns(format!(
            "the sheets holding the table's header disagree on its columns: {}; give every sheet the same columns, or set `sheet` under [input.{}] to read one",
            differ.join("; "),
            spec.name
        )));
    }
    let several = read.len() > 1;
    let mut offset = 0u64;
    let mut spans = Vec::new();
    let mut notes = Vec::new();
    let mut warnings = Vec::new();
    let mut unused: Vec<String> = Vec::new();
    let mut places = Vec::new();
    for p in &read {
        let grid = Grid::new(p.range, p.merged);
        let columns = p
            .mapping
            .positions
            .iter()
            .map(|at| {
                at.map(|c| {
                    RawColumn::Cells(p.rows.iter().map(|&i| cell(grid.value(i, c))).collect())
                })
            })
            .collect();
        let lines: Vec<u64> = p.rows.iter().map(|&i| offset + p.line(i)).collect();
        let last = p.line(p.last_row);
        if several {
            spans.push(super::raw::SheetSpan {
                sheet: p.sheet.clone(),
                offset,
                last: offset + last,
            });
        }
        sink.take(RawChunk {
            columns,
            lines,
            shapes: Vec::new(),
            spans: Vec::new(),
        })?;
        let name = if several {
            format!("sheet \"{}\": ", p.sheet)
        } else {
            String::new()
        };
        if several {
            notes.push(format!("{name}{} rows read", p.rows.len()));
        }
        for n in &p.notes {
            tracing::info!(file = %shown_file, sheet = %p.sheet, "{n}");
            notes.push(format!("{name}{n}"));
        }
        for w in &p.mapping.near_misses {
            tracing::warn!(file = %shown_file, sheet = %p.sheet, "{w}");
            warnings.push(format!("{name}{w}"));
        }
        for u in &p.mapping.unused {
            if !unused.contains(u) {
                unused.push(u.clone());
            }
        }
        places.push(match p.place.as_deref() {
            Some(place) => format!("sheet \"{}\", {place}", p.sheet),
            None => format!("sheet \"{}\"", p.sheet),
        });
        offset += last;
    }
    for (sheet, why) in &skipped {
        let why = why.split("; columns found").next().unwrap_or_default();
        let n = format!("sheet \"{sheet}\" skipped: {why}");
        tracing::info!(file = %shown_file, "{n}");
        notes.push(n);
    }
    Ok(Opened {
        read_as: format!("XLSX, {}", places.join(" + ")),
        seen,
        unused,
        notes,
        warnings,
        sheets: spans,
    })
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
    let searched = match input.header_row {
        Some(n) => filled.iter().take_while(|&&i| line(i) <= n).count(),
        None => SEARCHED_ROWS,
    };
    let head: Vec<HeadRow> = filled
        .iter()
        .take(searched)
        .map(|&i| HeadRow {
            line: line(i),
            cells: (0..grid.width)
                .map(|c| text_of(grid.value(i, c)).trim().to_string())
                .collect(),
        })
        .collect();
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
    let texts = |i: usize| -> Vec<String> {
        (0..grid.width)
            .map(|c| text_of(grid.raw(i, c)).trim().to_string())
            .collect()
    };
    let rules = rows
        .iter()
        .take_while(|&&i| footers::is_rule(texts(i).iter().map(String::as_str)))
        .count();
    if rules > 0 {
        rows.drain(..rules);
        notes.push(format!(
            "{rules} rows of dashes or equals signs under the header skipped"
        ));
    }
    let required: Vec<usize> = spec
        .columns
        .iter()
        .zip(&mapping.positions)
        .filter(|(c, _)| c.required)
        .filter_map(|(_, p)| *p)
        .collect();
    let mut footers = 0;
    while let Some(&last) = rows.last() {
        let texts = texts(last);
        let footer = footers::is_footer_or_rule(texts.iter().map(String::as_str), || {
            required.iter().all(|&p| !texts[p].is_empty())
        });
        if !footer {
            break;
        }
        rows.pop();
        footers += 1;
    }
    if footers > 0 {
        let first = filled[filled.len() - footers];
        let text = texts(first)
            .into_iter()
            .find(|t| !t.is_empty())
            .unwrap_or_default();
        notes.push(format!(
            "{footers} rows after the data skipped: totals, notes or signatures (the first: \"{}\")",
            mask_identities_in(&text)
        ));
    }
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
