//! XLSX workbooks: the first sheet, or the one the pipeline names. The header
//! is found among the first rows that hold anything (`headers::find_header`);
//! rows above it are skipped, and so are totals, notes and signature lines
//! after the last record (`footers`). A merged range gives every cell it
//! covers its value, as the person who merged it meant (a county merged down
//! over its communities' rows). Cells keep their Excel type so that date
//! serials and numbers are read by the column's type, not by their display;
//! they go to typing as cells, column by column. The workbook's bytes are
//! hashed as read. A sheet holds at most 1,048,576 rows: one chunk.

use std::collections::HashMap;
use std::io::Cursor;

use calamine::{Data, Range, Reader, Sheets};
use chrono::NaiveDate;

use super::footers;
use super::headers::{HeadRow, SEARCHED_ROWS, find_header, map_headers};
use super::raw::{Cell, Failure, Opened, RawChunk, RawColumn, Sink, TableFile};
use crate::contract::identity::mask_identities_in;

pub fn read(file: TableFile<'_>, sink: &mut dyn Sink) -> Result<Opened, Failure> {
    let TableFile { path, input, spec } = file;
    let (bytes, seen) = file.read_all("the workbook")?;
    let mut book = calamine::open_workbook_auto_from_rs(Cursor::new(bytes))
        .map_err(|e| Failure::Unreadable(format!("cannot open the workbook: {e}")))?;
    let names = book.sheet_names();
    let sheet = match &input.sheet {
        Some(s) if names.contains(s) => s.clone(),
        Some(s) => {
            return Err(Failure::Unreadable(format!(
                "no sheet named \"{s}\" (sheets: {})",
                names.join(", ")
            )));
        }
        None => names
            .first()
            .cloned()
            .ok_or_else(|| Failure::Unreadable("the workbook has no sheet".to_string()))?,
    };
    let range = book
        .worksheet_range(&sheet)
        .map_err(|e| Failure::Unreadable(format!("cannot read sheet \"{sheet}\": {e}")))?;
    let merged = merged_regions(&mut book, &sheet)
        .map_err(|e| Failure::Unreadable(format!("cannot read sheet \"{sheet}\": {e}")))?;
    let grid = Grid::new(&range, &merged);
    let (filled, line) = filled_rows(&range);
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
        return Err(Failure::Unreadable(format!(
            "sheet \"{sheet}\" is empty: no header row"
        )));
    }
    let header =
        find_header(spec, &head, &input.columns, input.header_row).map_err(Failure::Columns)?;
    let mapping = map_headers(spec, &header.names, &input.columns).map_err(Failure::Columns)?;
    if let Some((n, first)) = header.skipped(&head) {
        tracing::info!(file = %path.display(), rows = n, first = %first, "rows above the header skipped");
    }
    let mut rows: Vec<usize> = filled[header.at + 1..].to_vec();
    let required: Vec<usize> = spec
        .columns
        .iter()
        .zip(&mapping.positions)
        .filter(|(c, _)| c.required)
        .filter_map(|(_, p)| *p)
        .collect();
    let mut footers = 0;
    while let Some(&last) = rows.last() {
        let texts: Vec<String> = (0..grid.width)
            .map(|c| text_of(grid.raw(last, c)).trim().to_string())
            .collect();
        let footer = footers::is_footer(texts.iter().map(String::as_str), || {
            required.iter().all(|&p| !texts[p].is_empty())
        });
        if !footer {
            break;
        }
        rows.pop();
        footers += 1;
    }
    if footers > 0 {
        let first = filled[header.at + 1 + rows.len()];
        let text = (0..grid.width)
            .map(|c| text_of(grid.raw(first, c)).trim().to_string())
            .find(|t| !t.is_empty())
            .unwrap_or_default();
        tracing::info!(
            file = %path.display(), rows = footers, first = %mask_identities_in(&text),
            "rows after the data skipped: totals, notes or signatures"
        );
    }
    let columns = mapping
        .positions
        .iter()
        .map(|p| {
            p.map(|p| RawColumn::Cells(rows.iter().map(|&i| cell(grid.value(i, p))).collect()))
        })
        .collect();
    let lines = rows.iter().map(|&i| line(i)).collect();
    sink.take(RawChunk {
        columns,
        lines,
        shapes: Vec::new(),
    })?;
    let place = header
        .place(&head, "row")
        .map_or_else(String::new, |p| format!(", {p}"));
    Ok(Opened {
        read_as: format!("XLSX, sheet \"{sheet}\"{place}"),
        seen,
        unused: mapping.unused,
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
