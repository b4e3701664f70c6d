//! What a reject shows of a cell: its raw value as the file holds it, and the
//! reason and detail the cell rules of `values.rs` give it. Built only for
//! rejected rows.

use polars::prelude::*;

use crate::contract::Column as Spec;
use crate::ingest::raw::{Cell, RawColumn};
use crate::ingest::values::{Problem, parse, text};

/// A raw column as a series of its values as read (text for CSV and XLSX,
/// the column itself for Parquet), kept for the key check after typing.
pub fn as_read(raw: Option<&RawColumn>, rows: usize) -> Series {
    match raw {
        None => Series::full_null(PlSmallStr::EMPTY, rows, &DataType::String),
        Some(RawColumn::Text(ca)) => ca.clone().into_series(),
        Some(RawColumn::Native(s)) => s.clone(),
        Some(RawColumn::Cells(cells)) => {
            let texts: StringChunked = cells
                .iter()
                .map(|c| (*c != Cell::Empty).then(|| text(c)))
                .collect();
            texts.into_series()
        }
    }
}

/// A whole series as `value_at` reads each of its rows.
pub fn texts(s: &Series) -> PolarsResult<StringChunked> {
    let as_text = match s.dtype() {
        DataType::String => s.clone(),
        DataType::Datetime(_, _) => s
            .cast(&DataType::Datetime(TimeUnit::Milliseconds, None))?
            .cast(&DataType::String)?,
        _ => s.cast(&DataType::String)?,
    };
    let ca = as_text.str()?;
    let trimmed = |v: &str| {
        let t = v.trim();
        t.len() == v.len() && !t.is_empty()
    };
    if ca.iter().flatten().all(trimmed) {
        return Ok(ca.clone());
    }
    Ok(ca.apply(|v| {
        v.map(str::trim)
            .filter(|t| !t.is_empty())
            .map(std::borrow::Cow::Borrowed)
    }))
}

/// The value of one row of a series `as_read` gives, as text; None when empty.
/// Parquet values read as they did as text: dates `YYYY-MM-DD`, datetimes
/// to the millisecond.
pub fn value_at(s: &Series, row: usize) -> PolarsResult<Option<String>> {
    let one = s.slice(row as i64, 1);
    let as_text = match one.dtype() {
        DataType::String => one,
        DataType::Datetime(_, _) => one
            .cast(&DataType::Datetime(TimeUnit::Milliseconds, None))?
            .cast(&DataType::String)?,
        _ => one.cast(&DataType::String)?,
    };
    Ok(as_text
        .str()?
        .get(0)
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string))
}

/// The raw value of a cell, for a reject.
pub fn raw_value(raw: Option<&RawColumn>, row: usize) -> PolarsResult<Option<String>> {
    match raw {
        None => Ok(None),
        Some(RawColumn::Text(ca)) => Ok(ca.get(row).map(str::to_string)),
        Some(RawColumn::Native(s)) => value_at(s, row),
        Some(RawColumn::Cells(cells)) => {
            Ok(cells.get(row).filter(|c| **c != Cell::Empty).map(text))
        }
    }
}

/// Why a cell typing found bad cannot be used, by the cell rules.
pub fn problem(raw: Option<&RawColumn>, row: usize, spec: &Spec) -> PolarsResult<Problem> {
    let cell = match raw {
        Some(RawColumn::Cells(cells)) => cells.get(row).cloned().unwrap_or(Cell::Empty),
        _ => raw_value(raw, row)?.map_or(Cell::Empty, Cell::Text),
    };
    parse(&cell, spec).err().ok_or_else(|| {
        polars_err!(
            ComputeError: "typing of column {} found a cell bad that the cell rules accept",
            spec.name
        )
    })
}
