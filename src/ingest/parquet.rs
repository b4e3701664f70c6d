//! Parquet files. Every column is turned into text with polars' own casts
//! (dates as `YYYY-MM-DD`, booleans as `true`/`false`) and then typed by the
//! same rules as CSV, so one set of checks serves every format.

use std::path::Path;

use polars::prelude::*;

use super::raw::{Cell, RawRow, RawTable};

pub fn read(path: &Path) -> Result<RawTable, String> {
    let file = std::fs::File::open(path).map_err(|e| format!("cannot open the file: {e}"))?;
    let df = ParquetReader::new(file)
        .finish()
        .map_err(|e| format!("not a readable Parquet file: {e}"))?;
    let headers: Vec<String> = df
        .get_column_names()
        .iter()
        .map(|n| n.trim().to_string())
        .collect();
    let mut texts = Vec::with_capacity(df.width());
    for col in df.columns() {
        let as_text = match col.dtype() {
            // A datetime written for a date column keeps its date.
            DataType::Datetime(_, _) => col.cast(&DataType::Datetime(TimeUnit::Milliseconds, None)),
            _ => Ok(col.clone()),
        }
        .and_then(|c| c.cast(&DataType::String))
        .map_err(|e| format!("column \"{}\" cannot be read as text: {e}", col.name()))?;
        texts.push(as_text.str().map_err(|e| e.to_string())?.clone());
    }
    let rows = (0..df.height())
        .map(|i| RawRow {
            line: i as u64 + 1,
            cells: texts
                .iter()
                .map(|c| match c.get(i).map(str::trim) {
                    None | Some("") => Cell::Empty,
                    Some(v) => Cell::Text(v.to_string()),
                })
                .collect(),
            cut: false,
        })
        .collect();
    Ok(RawTable {
        file: path.to_path_buf(),
        headers,
        rows,
        read_as: "Parquet".to_string(),
    })
}
