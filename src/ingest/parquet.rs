//! Parquet files. Columns go to typing in their own type (`typing/native.rs`
//! reads whole numbers, floats, booleans, dates and datetimes as they are);
//! text columns are trimmed, an empty text is null. The file's bytes are
//! hashed as read, then decoded one row group at a time.

use std::io::Cursor;

use polars::prelude::*;

use super::csv::CHUNK_ROWS;
use super::headers::map_headers;
use super::raw::{Failure, Opened, RawChunk, RawColumn, Sink, TableFile};
use super::text_column::tight_column;
use super::typing::as_text;

pub fn read(file: TableFile<'_>, sink: &mut dyn Sink) -> Result<Opened, Failure> {
    let (bytes, seen) = file.read_all("the file")?;
    let unreadable =
        |e: PolarsError| Failure::Unreadable(format!("not a readable Parquet file: {e}"));
    let mut reader = ParquetReader::new(Cursor::new(&bytes[..]));
    let metadata = reader.get_metadata().map_err(unreadable)?.clone();
    let headers: Vec<String> = reader
        .schema()
        .map_err(unreadable)?
        .iter_names()
        .map(|n| n.trim().to_string())
        .collect();
    let mapping =
        map_headers(file.spec, &headers, &file.input.columns).map_err(Failure::Columns)?;
    // One row group decoded at a time (the file's bytes are held whole, for
    // the hash), so a large file never stands decoded in memory at once.
    let mut start = 0;
    for group in &metadata.row_groups {
        let rows = group.num_rows();
        if rows == 0 {
            continue;
        }
        let mut reader = ParquetReader::new(Cursor::new(&bytes[..]));
        reader.set_metadata(metadata.clone());
        let df = reader
            .with_slice(Some((start, rows)))
            .finish()
            .map_err(unreadable)?;
        // Every column must read as text, used or not, as it always had to.
        for c in df.columns() {
            if !plain(c.dtype()) {
                as_text(c.as_materialized_series()).map_err(|e| {
                    Failure::Unreadable(format!(
                        "column \"{}\" cannot be read as text: {e}",
                        c.name()
                    ))
                })?;
            }
        }
        let mut offset = 0;
        while offset < df.height() {
            let len = CHUNK_ROWS.min(df.height() - offset);
            let part = df.slice(offset as i64, len);
            let columns = mapping
                .positions
                .iter()
                .map(|p| {
                    p.map(|p| raw_column(part.columns()[p].as_materialized_series()))
                        .transpose()
                })
                .collect::<PolarsResult<Vec<_>>>()
                .map_err(|e| Failure::Internal(e.into()))?;
            let first = start + offset;
            sink.take(RawChunk {
                columns,
                lines: (first + 1..=first + len).map(|l| l as u64).collect(),
                shapes: Vec::new(),
                spans: Vec::new(),
            })?;
            offset += len;
        }
        start += rows;
    }
    Ok(Opened {
        read_as: "Parquet".to_string(),
        seen,
        unused: mapping.unused,
        notes: Vec::new(),
        warnings: mapping.near_misses,
        sheets: Vec::new(),
    })
}

/// Types that always read as text.
fn plain(dtype: &DataType) -> bool {
    dtype.is_primitive_numeric()
        || matches!(
            dtype,
            DataType::String | DataType::Boolean | DataType::Date | DataType::Datetime(_, _)
        )
}

fn raw_column(s: &Series) -> PolarsResult<RawColumn> {
    Ok(match s.dtype() {
        // Re-laid per chunk, so the file's frame is not kept alive by its
        // slices and no spare buffer capacity is.
        DataType::String => RawColumn::Text(tight_column(&as_text(s)?)),
        _ => RawColumn::Native(s.clone()),
    })
}
