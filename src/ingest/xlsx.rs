//! XLSX workbooks: the first sheet, or the one the pipeline names; the first
//! non-empty row is the header. Cells keep their Excel type so that date
//! serials and numbers are read by the column's type, not by their display;
//! they go to typing as cells, column by column. The workbook's bytes are
//! hashed as read. A sheet holds at most 1,048,576 rows: one chunk.

use std::io::Cursor;
use std::path::Path;

use calamine::{Data, Reader};
use chrono::NaiveDate;

use super::headers::map_headers;
use super::raw::{Cell, Failure, Opened, RawChunk, RawColumn, Sink};
use crate::config::TableInput;
use crate::contract::TableSpec;
use crate::digest::Hashing;

pub fn read(
    path: &Path,
    input: &TableInput,
    spec: &TableSpec,
    sink: &mut dyn Sink,
) -> Result<Opened, Failure> {
    let (bytes, seen) = Hashing::read_all(path)
        .map_err(|e| Failure::Unreadable(format!("cannot open the workbook: {e}")))?;
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
    let first_row = range.start().map_or(0, |(r, _)| r as u64);
    let mut rows_iter = range
        .rows()
        .enumerate()
        .filter(|(_, r)| r.iter().any(|c| *c != Data::Empty));
    let headers: Vec<String> = match rows_iter.next() {
        Some((_, r)) => r.iter().map(|c| text_of(c).trim().to_string()).collect(),
        None => {
            return Err(Failure::Unreadable(format!(
                "sheet \"{sheet}\" is empty: no header row"
            )));
        }
    };
    let mapping = map_headers(spec, &headers, &input.columns).map_err(Failure::Columns)?;
    let rows: Vec<(usize, &[Data])> = rows_iter.collect();
    let columns = mapping
        .positions
        .iter()
        .map(|p| {
            p.map(|p| {
                RawColumn::Cells(
                    rows.iter()
                        .map(|(_, r)| r.get(p).map_or(Cell::Empty, cell))
                        .collect(),
                )
            })
        })
        .collect();
    let lines = rows
        .iter()
        .map(|(i, _)| first_row + *i as u64 + 1)
        .collect();
    sink.take(RawChunk {
        columns,
        lines,
        shapes: Vec::new(),
    })?;
    Ok(Opened {
        read_as: format!("XLSX, sheet \"{sheet}\""),
        seen,
        unused: mapping.unused,
    })
}

fn text_of(c: &Data) -> String {
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

fn cell(c: &Data) -> Cell {
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
