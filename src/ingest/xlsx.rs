//! XLSX workbooks: the first sheet, or the one the pipeline names; the first
//! non-empty row is the header. Cells keep their Excel type so that date
//! serials and numbers are read by the column's type, not by their display.

use std::path::Path;

use calamine::{Data, Reader};
use chrono::NaiveDate;

use super::raw::{Cell, RawRow, RawTable};
use crate::config::TableInput;

pub fn read(path: &Path, input: &TableInput) -> Result<RawTable, String> {
    let mut book =
        calamine::open_workbook_auto(path).map_err(|e| format!("cannot open the workbook: {e}"))?;
    let names = book.sheet_names();
    let sheet = match &input.sheet {
        Some(s) if names.contains(s) => s.clone(),
        Some(s) => {
            return Err(format!(
                "no sheet named \"{s}\" (sheets: {})",
                names.join(", ")
            ));
        }
        None => names.first().cloned().ok_or("the workbook has no sheet")?,
    };
    let range = book
        .worksheet_range(&sheet)
        .map_err(|e| format!("cannot read sheet \"{sheet}\": {e}"))?;
    let first_row = range.start().map_or(0, |(r, _)| r as u64);
    let mut rows_iter = range
        .rows()
        .enumerate()
        .filter(|(_, r)| r.iter().any(|c| *c != Data::Empty));
    let headers: Vec<String> = match rows_iter.next() {
        Some((_, r)) => r.iter().map(|c| text_of(c).trim().to_string()).collect(),
        None => return Err(format!("sheet \"{sheet}\" is empty: no header row")),
    };
    let rows = rows_iter
        .map(|(i, r)| RawRow {
            line: first_row + i as u64 + 1,
            cells: r.iter().map(cell).collect(),
            cut: false,
        })
        .collect();
    Ok(RawTable {
        file: path.to_path_buf(),
        headers,
        rows,
        read_as: format!("XLSX, sheet \"{sheet}\""),
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
