//! Excel cells typed a column at a time by the cell rules of `values.rs`:
//! a date cell or a serial number in a date column is that date, a number in
//! a text column reads as its digits.

use polars::prelude::*;

use super::Parsed;
use super::text::days_since_epoch;
use crate::contract::{Column as Spec, Kind};
use crate::ingest::raw::Cell;
use crate::ingest::values::{Value, needs_code_fold, parse};

pub fn parse_cells(cells: &[Cell], spec: &Spec) -> Parsed {
    let mut bad = Vec::with_capacity(cells.len());
    let values: Vec<Value> = cells
        .iter()
        .map(|c| match parse(c, spec) {
            Ok(Value::Str(s)) if spec.identity => {
                bad.push(false);
                Value::Str(s.to_ascii_uppercase())
            }
            Ok(v) => {
                bad.push(false);
                v
            }
            Err(_) => {
                bad.push(true);
                Value::Null
            }
        })
        .collect();
    let mut parsed = Parsed::new(
        series_of(values, spec.kind),
        BooleanChunked::from_slice(PlSmallStr::EMPTY, &bad),
    );
    if spec.code {
        parsed.folded = cells
            .iter()
            .filter(|c| matches!(c, Cell::Text(t) if needs_code_fold(t)))
            .count();
    }
    parsed
}

fn series_of(values: Vec<Value>, kind: Kind) -> Series {
    let name = PlSmallStr::EMPTY;
    match kind {
        Kind::Str | Kind::Gender => {
            let v: Vec<Option<String>> = values
                .into_iter()
                .map(|v| match v {
                    Value::Str(s) => Some(s),
                    _ => None,
                })
                .collect();
            Series::new(name, v)
        }
        Kind::Int => Series::new(
            name,
            pick(values, |v| match v {
                Value::Int(i) => Some(i),
                _ => None,
            }),
        ),
        Kind::Float | Kind::Rate => Series::new(
            name,
            pick(values, |v| match v {
                Value::Float(f) => Some(f),
                _ => None,
            }),
        ),
        Kind::Bool => Series::new(
            name,
            pick(values, |v| match v {
                Value::Bool(b) => Some(b),
                _ => None,
            }),
        ),
        Kind::Date => Series::new(
            name,
            pick(values, |v| match v {
                Value::Date(d) => Some(days_since_epoch(d)),
                _ => None,
            }),
        )
        .into_date(),
        Kind::Datetime => Series::new(
            name,
            pick(values, |v| match v {
                Value::Datetime(dt) => Some(dt.and_utc().timestamp_millis()),
                _ => None,
            }),
        )
        .into_datetime(TimeUnit::Milliseconds, None),
    }
}

fn pick<T>(values: Vec<Value>, f: impl Fn(Value) -> Option<T>) -> Vec<Option<T>> {
    values.into_iter().map(f).collect()
}
