//! A raw table → a typed frame in the canonical schema, under the contract's
//! row checks: the row's shape (cut by the end of the file, fewer or more
//! fields than the header), required cells, parseable values, allowed sets,
//! end not before start, unique keys. A row failing any check goes to the
//! rejects with its first problem and counts nowhere.
//!
//! Identifiers are kept when their check character fails: `person_id_valid`
//! (GB 11643) and `employer_code_valid` (GB 32100) mark them for the detectors.

use std::collections::HashMap;

use chrono::NaiveDate;
use polars::prelude::*;

use super::headers::Mapping;
use super::raw::{Cell, RawTable};
use super::rejects::{Reject, RejectReason};
use super::values::{Value, parse, text};
use crate::contract::identity::{gb11643_valid, gb32100_valid, mask};
use crate::contract::{Kind, TableSpec};

/// Column with each kept row's line in its file, for evidence.
pub const SOURCE_LINE: &str = "source_line";
/// GB 11643 check of `person_id`, on every table that has one.
pub const PERSON_ID_VALID: &str = "person_id_valid";
/// GB 32100 check of `employer_code` (null when there is no code).
pub const EMPLOYER_CODE_VALID: &str = "employer_code_valid";

pub struct Typed {
    pub frame: DataFrame,
    pub rows_read: usize,
    pub rejects: Vec<Reject>,
}

enum Builder {
    Str(Vec<Option<String>>),
    Int(Vec<Option<i64>>),
    Float(Vec<Option<f64>>),
    Bool(Vec<Option<bool>>),
    Date(Vec<Option<i32>>),
    Datetime(Vec<Option<i64>>),
}

impl Builder {
    fn for_kind(kind: Kind, capacity: usize) -> Builder {
        match kind {
            Kind::Str | Kind::Gender => Builder::Str(Vec::with_capacity(capacity)),
            Kind::Int => Builder::Int(Vec::with_capacity(capacity)),
            Kind::Float | Kind::Rate => Builder::Float(Vec::with_capacity(capacity)),
            Kind::Bool => Builder::Bool(Vec::with_capacity(capacity)),
            Kind::Date => Builder::Date(Vec::with_capacity(capacity)),
            Kind::Datetime => Builder::Datetime(Vec::with_capacity(capacity)),
        }
    }

    fn push(&mut self, v: Value) {
        match (self, v) {
            (Builder::Str(b), Value::Str(s)) => b.push(Some(s)),
            (Builder::Int(b), Value::Int(i)) => b.push(Some(i)),
            (Builder::Float(b), Value::Float(f)) => b.push(Some(f)),
            (Builder::Bool(b), Value::Bool(x)) => b.push(Some(x)),
            (Builder::Date(b), Value::Date(d)) => b.push(Some(days_since_epoch(d))),
            (Builder::Datetime(b), Value::Datetime(dt)) => {
                b.push(Some(dt.and_utc().timestamp_millis()))
            }
            (Builder::Str(b), _) => b.push(None),
            (Builder::Int(b), _) => b.push(None),
            (Builder::Float(b), _) => b.push(None),
            (Builder::Bool(b), _) => b.push(None),
            (Builder::Date(b), _) => b.push(None),
            (Builder::Datetime(b), _) => b.push(None),
        }
    }

    fn finish(self, name: &str) -> Column {
        let name = PlSmallStr::from(name);
        match self {
            Builder::Str(v) => Column::new(name, v),
            Builder::Int(v) => Column::new(name, v),
            Builder::Float(v) => Column::new(name, v),
            Builder::Bool(v) => Column::new(name, v),
            Builder::Date(v) => Series::new(name, v).into_date().into_column(),
            Builder::Datetime(v) => Series::new(name, v)
                .into_datetime(TimeUnit::Milliseconds, None)
                .into_column(),
        }
    }
}

fn days_since_epoch(d: NaiveDate) -> i32 {
    (d - NaiveDate::from_ymd_opt(1970, 1, 1).expect("epoch")).num_days() as i32
}

/// Types a raw table. `file` is the name rejects carry.
pub fn type_table(
    spec: &TableSpec,
    raw: &RawTable,
    mapping: &Mapping,
    file: &str,
) -> PolarsResult<Typed> {
    let n = raw.rows.len();
    let mut builders: Vec<Builder> = spec
        .columns
        .iter()
        .map(|c| Builder::for_kind(c.kind, n))
        .collect();
    let mut lines: Vec<i64> = Vec::with_capacity(n);
    let mut rejects = Vec::new();
    let mut seen: HashMap<String, u64> = HashMap::new();
    let id_pos = spec.columns.iter().position(|c| c.identity);
    let key_pos: Vec<usize> = spec
        .key
        .iter()
        .map(|k| {
            spec.columns
                .iter()
                .position(|c| c.name == *k)
                .expect("key column in spec")
        })
        .collect();
    let ordered: Vec<(usize, usize)> = spec
        .ordered
        .iter()
        .map(|(a, b)| {
            let p = |name: &str| {
                spec.columns
                    .iter()
                    .position(|c| c.name == name)
                    .expect("ordered column in spec")
            };
            (p(a), p(b))
        })
        .collect();

    // Header fields after the last named one (trailing separators) need no cell.
    let width = raw
        .headers
        .iter()
        .rposition(|h| !h.is_empty())
        .map_or(0, |i| i + 1);

    'rows: for row in &raw.rows {
        let cell_at = |i: usize| {
            mapping.positions[i]
                .and_then(|p| row.cells.get(p))
                .unwrap_or(&Cell::Empty)
        };
        let raw_person = id_pos.map(|i| text(cell_at(i))).filter(|s| !s.is_empty());
        let reject = |column: &str,
                      cell: Option<&Cell>,
                      identity: bool,
                      reason: RejectReason,
                      detail: String| {
            let value = cell.filter(|c| **c != Cell::Empty).map(text);
            Reject::new(
                spec.table,
                file,
                row.line,
                column,
                value.as_deref(),
                identity,
                reason,
                detail,
                raw_person.clone(),
            )
        };
        // The row's shape: cut by the end of the file, short, or long. The
        // reject names the row's last cell, where a cut shows.
        let last = row.cells.len().saturating_sub(1);
        let last_column = spec
            .columns
            .iter()
            .zip(&mapping.positions)
            .find(|(_, p)| **p == Some(last));
        let (last_name, last_identity) = match last_column {
            Some((c, _)) => (c.name, c.identity),
            None => (raw.headers.get(last).map_or("", String::as_str), false),
        };
        if row.cut {
            rejects.push(reject(
                last_name,
                row.cells.get(last),
                last_identity,
                RejectReason::UnclosedQuote,
                "the row is cut short: the file was truncated or a quote never closes".into(),
            ));
            continue;
        }
        if row.cells.len() < width {
            rejects.push(reject(
                last_name,
                row.cells.get(last),
                last_identity,
                RejectReason::FewerFields,
                format!("{} fields, the header has {width}", row.cells.len()),
            ));
            continue;
        }
        // Trailing empty fields (a separator at the end of the line) hold nothing.
        if let Some(extra) = row
            .cells
            .iter()
            .skip(raw.headers.len())
            .find(|c| **c != Cell::Empty)
        {
            rejects.push(reject(
                "",
                Some(extra),
                false,
                RejectReason::TooManyFields,
                format!(
                    "{} fields, the header has {}",
                    row.cells.len(),
                    raw.headers.len()
                ),
            ));
            continue;
        }
        let mut values = Vec::with_capacity(spec.columns.len());
        for (i, col) in spec.columns.iter().enumerate() {
            let cell = cell_at(i);
            match parse(cell, col) {
                Ok(Value::Str(s)) if col.identity => {
                    values.push(Value::Str(s.to_ascii_uppercase()))
                }
                Ok(v) => values.push(v),
                Err(p) => {
                    rejects.push(reject(
                        col.name,
                        Some(cell),
                        col.identity,
                        p.reason,
                        p.detail,
                    ));
                    continue 'rows;
                }
            }
        }
        for &(a, b) in &ordered {
            if let (Value::Date(start), Value::Date(end)) = (&values[a], &values[b])
                && end < start
            {
                let cell = cell_at(b);
                rejects.push(reject(
                    spec.columns[b].name,
                    Some(cell),
                    false,
                    RejectReason::EndBeforeStart,
                    format!("{} is {start}", spec.columns[a].name),
                ));
                continue 'rows;
            }
        }
        let key: String = key_pos
            .iter()
            .map(|&i| key_text(&values[i]))
            .collect::<Vec<_>>()
            .join("\u{1f}");
        if let Some(first) = seen.get(&key) {
            // Each part shown as read, the identifier masked on its own: masking
            // the joined key whole would hide the community and date that
            // locate the row.
            let shown: Vec<String> = key_pos
                .iter()
                .map(|&i| match text(cell_at(i)) {
                    t if spec.columns[i].identity => mask(&t),
                    t => t,
                })
                .collect();
            rejects.push(reject(
                &spec.key.join("+"),
                Some(&Cell::Text(shown.join("+"))),
                false,
                RejectReason::DuplicateKey,
                format!("the same key as line {first}, which is kept"),
            ));
            continue;
        }
        seen.insert(key, row.line);
        for (b, v) in builders.iter_mut().zip(values) {
            b.push(v);
        }
        lines.push(row.line as i64);
    }

    let mut columns: Vec<Column> = builders
        .into_iter()
        .zip(spec.columns)
        .map(|(b, c)| b.finish(c.name))
        .collect();
    if let Some(i) = id_pos {
        let ids = columns[i].str()?;
        let valid: BooleanChunked = ids.iter().map(|v| v.map(gb11643_valid)).collect();
        columns.push(valid.with_name(PERSON_ID_VALID.into()).into_column());
    }
    if let Some(i) = spec.columns.iter().position(|c| c.name == "employer_code") {
        let codes = columns[i].str()?;
        let valid: BooleanChunked = codes.iter().map(|v| v.map(gb32100_valid)).collect();
        columns.push(valid.with_name(EMPLOYER_CODE_VALID.into()).into_column());
    }
    columns.push(Column::new(SOURCE_LINE.into(), lines));
    let frame = DataFrame::new_infer_height(columns)?;
    Ok(Typed {
        frame,
        rows_read: n,
        rejects,
    })
}

fn key_text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::Str(s) => s.clone(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => f.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Date(d) => d.to_string(),
        Value::Datetime(d) => d.to_string(),
    }
}
