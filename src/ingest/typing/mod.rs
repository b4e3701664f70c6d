//! Raw chunks → a typed frame in the canonical schema, under the contract's
//! row checks: the row's shape (found by the reader), required cells,
//! parseable values, allowed sets, end not before start, unique keys. A row
//! failing any check goes to the rejects with its first problem and counts
//! nowhere.
//!
//! The work is columnar: each column is typed in one pass (`text`, `native`,
//! `cells`), a row's first problem is one `when/then` expression (`rows`), and
//! `Reject` values are built for the failing rows only (`evidence`). Keys are
//! checked once the whole table is typed, by the first line of each key.
//!
//! Identifiers are kept when their check character fails: `person_id_valid`
//! (GB 11643) and `employer_code_valid` (GB 32100) mark them for the detectors.
//! `person_id` leaves typing as a number (`contract::person_number`), each
//! chunk's identifiers encoded once typed, so no table holds their text.

mod cells;
mod evidence;
mod native;
mod rows;
mod text;

use std::collections::HashMap;

use chrono::NaiveDate;
use polars::prelude::*;

use super::raw::{RawChunk, RawColumn, Sink};
use super::rejects::{Reject, RejectReason};
use crate::contract::added_columns::SOURCE_LINE;
use crate::contract::added_columns::{EMPLOYER_CODE_VALID, PERSON_ID_VALID};
use crate::contract::identity::{gb11643_valid, gb32100_valid, mask};
use crate::contract::record_number::{self, Numbering};
use crate::contract::{Kind, TableSpec};
use crate::contract::{held, person_number};

/// One contract column typed: its values, and where a cell cannot be used.
pub struct Parsed {
    pub values: Series,
    pub bad: BooleanChunked,
    /// Identifiers and codes whose text was folded (`values::fold_code`).
    pub folded: usize,
}

impl Parsed {
    fn new(values: Series, bad: BooleanChunked) -> Parsed {
        Parsed {
            values,
            bad,
            folded: 0,
        }
    }
}

pub struct Typed {
    pub frame: DataFrame,
    pub rows_read: usize,
    pub rejects: Vec<Reject>,
    /// Per identifier or code column, the values whose text was folded
    /// (invisible characters, a leading apostrophe, full-width forms).
    pub folded: Vec<(&'static str, usize)>,
}

/// The typing of one table, chunk by chunk.
pub struct TableTyping {
    spec: &'static TableSpec,
    file: String,
    /// Rows that passed every check but the key, typed.
    parts: Vec<DataFrame>,
    /// By line, the key and identity cells of kept rows whose text as read
    /// differs from their typed value's (a lower-case `x`, full-width digits,
    /// a date written otherwise): what a duplicate-key reject shows. Every
    /// other row shows its typed values, which are the text as read.
    as_read: HashMap<i64, Vec<(usize, Option<String>)>>,
    /// How each identifier column `held::numbered` names is held so far.
    numbering: Vec<(&'static str, Numbered)>,
    rows_read: usize,
    rejects: Vec<Reject>,
    /// Per contract column, the values folded so far.
    folded: Vec<usize>,
}

/// Whether an identifier column is held as numbers (`record_number`),
/// decided on its first identifier and kept for every later chunk until one
/// does not fit; then the whole column is text again.
#[derive(Debug, Clone)]
enum Numbered {
    /// No identifier seen yet.
    Undecided,
    As(Numbering),
    Text,
}

impl TableTyping {
    /// `file` is the name rejects carry.
    pub fn new(spec: &'static TableSpec, file: &str) -> TableTyping {
        TableTyping {
            spec,
            file: file.to_string(),
            parts: Vec::new(),
            as_read: HashMap::new(),
            numbering: spec
                .columns
                .iter()
                .filter(|c| held::numbered(spec.table, c.name))
                .map(|c| (c.name, Numbered::Undecided))
                .collect(),
            rows_read: 0,
            rejects: Vec::new(),
            folded: vec![0; spec.columns.len()],
        }
    }

    /// Columns kept as read until the key check: the key's and the identity's.
    fn kept_as_read(&self) -> Vec<usize> {
        let spec = self.spec;
        (0..spec.columns.len())
            .filter(|&i| spec.columns[i].identity || spec.key.contains(&spec.columns[i].name))
            .collect()
    }

    fn identity(&self) -> Option<usize> {
        self.spec.columns.iter().position(|c| c.identity)
    }

    // One argument a field of the reject, as `Reject::new`.
    #[allow(clippy::too_many_arguments)]
    fn reject(
        &self,
        line: u64,
        column: &str,
        value: Option<String>,
        identity: bool,
        reason: RejectReason,
        detail: String,
        person: Option<String>,
    ) -> Reject {
        Reject::new(
            self.spec.table,
            &self.file,
            line,
            column,
            value.as_deref(),
            identity,
            reason,
            detail,
            person,
        )
    }

    /// The reject of a chunk row by its first problem.
    fn reject_row(
        &self,
        chunk: &RawChunk,
        typed: &DataFrame,
        row: usize,
        code: i32,
    ) -> PolarsResult<Reject> {
        let spec = self.spec;
        let line = chunk.lines[row];
        let raw = |i: usize| chunk.columns[i].as_ref();
        let person = match self.identity() {
            Some(i) => evidence::raw_value(raw(i), row)?,
            None => None,
        };
        if code == rows::SHAPE_PROBLEM {
            let shape = chunk
                .shapes
                .binary_search_by_key(&row, |(r, _)| *r)
                .map(|at| &chunk.shapes[at].1)
                .map_err(|_| polars_err!(ComputeError: "no shape for a row found misshapen"))?;
            return Ok(self.reject(
                line,
                &shape.column,
                shape.value.clone(),
                shape.identity,
                shape.reason,
                shape.detail.clone(),
                person,
            ));
        }
        if code >= rows::ORDER_PROBLEM {
            let (start, end) = rows::ordered(spec)[(code - rows::ORDER_PROBLEM) as usize];
            let began = match typed.column(&rows::value(start))?.get(row)? {
                AnyValue::Date(days) => NaiveDate::from_num_days_from_ce_opt(days + 719_163)
                    .map_or_else(String::new, |d| d.to_string()),
                other => other.to_string(),
            };
            return Ok(self.reject(
                line,
                spec.columns[end].name,
                evidence::raw_value(raw(end), row)?,
                false,
                RejectReason::EndBeforeStart,
                format!("{} is {began}", spec.columns[start].name),
                person,
            ));
        }
        let i = code as usize;
        let column = &spec.columns[i];
        let problem = evidence::problem(raw(i), row, column)?;
        Ok(self.reject(
            line,
            column.name,
            evidence::raw_value(raw(i), row)?,
            column.identity,
            problem.reason,
            problem.detail,
            person,
        ))
    }

    fn chunk_frame(&mut self, chunk: &RawChunk) -> PolarsResult<DataFrame> {
        let n = chunk.lines.len();
        let mut columns = Vec::with_capacity(self.spec.columns.len() * 2 + 4);
        for (i, spec) in self.spec.columns.iter().enumerate() {
            let parsed = parse_column(chunk.columns[i].as_ref(), spec, n)?;
            self.folded[i] += parsed.folded;
            columns.push(parsed.values.with_name(rows::value(i).into()).into_column());
            columns.push(parsed.bad.with_name(rows::bad(i).into()).into_column());
        }
        let mut shape = vec![false; n];
        for (row, _) in &chunk.shapes {
            shape[*row] = true;
        }
        columns.push(Column::new(rows::SHAPE.into(), shape));
        let lines: Vec<i64> = chunk.lines.iter().map(|&l| l as i64).collect();
        columns.push(Column::new(SOURCE_LINE.into(), lines));
        for i in self.kept_as_read() {
            let read = evidence::as_read(chunk.columns[i].as_ref(), n);
            columns.push(read.with_name(rows::as_read(i).into()).into_column());
        }
        DataFrame::new(n, columns)
    }

    fn type_chunk(&mut self, chunk: RawChunk) -> PolarsResult<()> {
        let spec = self.spec;
        self.rows_read += chunk.lines.len();
        let typed = self
            .chunk_frame(&chunk)?
            .lazy()
            .with_column(rows::first_problem(spec).alias(rows::PROBLEM))
            .collect()?;
        let problems = typed.column(rows::PROBLEM)?.i32()?.clone();
        for (row, code) in problems.iter().enumerate() {
            if let Some(code) = code {
                let mut reject = self.reject_row(&chunk, &typed, row, code)?;
                if let Ok(at) = chunk.spans.binary_search_by_key(&row, |(r, _)| *r) {
                    reject.lines_lost = chunk.spans[at].1;
                }
                self.rejects.push(reject);
            }
        }
        self.remember_as_read(&typed, &problems)?;
        let mut keep: Vec<Expr> = spec
            .columns
            .iter()
            .enumerate()
            .map(|(i, c)| col(rows::value(i)).alias(c.name))
            .collect();
        keep.push(col(SOURCE_LINE));
        let mut good = typed
            .lazy()
            .filter(col(rows::PROBLEM).is_null())
            .select(keep)
            .collect()?;
        if let Some(i) = self.identity() {
            let name = spec.columns[i].name;
            let ids = good.column(name)?.str()?.clone();
            let valid: BooleanChunked = ids.iter().map(|v| v.map(gb11643_valid)).collect();
            let numbers = person_number::encode_column(&ids);
            drop(ids);
            good.replace(name, numbers.into_column())?;
            good.with_column(valid.with_name(PERSON_ID_VALID.into()).into_column())?;
        }
        if spec.column("employer_code").is_some() {
            let codes = good.column("employer_code")?.str()?;
            let valid: BooleanChunked = codes.iter().map(|v| v.map(gb32100_valid)).collect();
            good.with_column(valid.with_name(EMPLOYER_CODE_VALID.into()).into_column())?;
        }
        self.number(&mut good)?;
        for c in spec.columns {
            let held = if let Some(values) = held::closed_set(spec.table, c) {
                held::enum_type(values)?
            } else if held::repeating(spec.table, c) {
                held::categorical_type()
            } else {
                continue;
            };
            let column = good.column(c.name)?.cast(&held)?;
            good.replace(c.name, column)?;
        }
        self.parts.push(good);
        Ok(())
    }

    /// The chunk's identifier columns as numbers, while every identifier so
    /// far has the shape of the first (the key check and its rejects work
    /// on the numbers, which are exactly the texts). A chunk that brings
    /// another shape turns the column of every earlier chunk back into text.
    fn number(&mut self, good: &mut DataFrame) -> PolarsResult<()> {
        for k in 0..self.numbering.len() {
            let (name, state) = self.numbering[k].clone();
            let ids = good.column(name)?.str()?.clone();
            let state = match state {
                Numbered::Undecided => match Numbering::of_first(&ids) {
                    Some(numbering) => {
                        // Earlier chunks hold no identifier: nulls as numbers.
                        for part in &mut self.parts {
                            let empty = numbering
                                .encode(part.column(name)?.str()?)
                                .expect("a column of nulls");
                            part.replace(name, empty.into_column())?;
                        }
                        Numbered::As(numbering)
                    }
                    None if ids.null_count() == ids.len() => Numbered::Undecided,
                    None => Numbered::Text,
                },
                other => other,
            };
            let state = match state {
                Numbered::As(numbering) => match numbering.encode(&ids) {
                    Some(numbers) => {
                        good.replace(name, numbers.into_column())?;
                        Numbered::As(numbering)
                    }
                    None => {
                        for part in &mut self.parts {
                            let texts = record_number::decode_column(part.column(name)?.u64()?);
                            part.replace(name, texts.into_column())?;
                        }
                        Numbered::Text
                    }
                },
                other => other,
            };
            self.numbering[k].1 = state;
        }
        Ok(())
    }

    /// Notes the key and identity cells of the chunk's good rows whose text
    /// as read is not their typed value's text.
    fn remember_as_read(&mut self, typed: &DataFrame, problems: &Int32Chunked) -> PolarsResult<()> {
        let lines = typed.column(SOURCE_LINE)?.i64()?.clone();
        for i in self.kept_as_read() {
            let read = evidence::texts(typed.column(&rows::as_read(i))?.as_materialized_series())?;
            let typed_value = typed.column(&rows::value(i))?;
            if typed_value.dtype() == &DataType::Date
                && typed.column(&rows::as_read(i))?.dtype() == &DataType::String
            {
                // A date read from text: its text is the cell as read exactly
                // when the cell is written `YYYY-MM-DD` (any other spelling
                // of a date differs), so no date is written out to compare.
                for (row, (r, problem)) in read.iter().zip(problems.iter()).enumerate() {
                    if problem.is_none() && r.is_some_and(|r| !iso_date_shaped(r)) {
                        let line = lines.get(row).expect("a line per row");
                        self.as_read
                            .entry(line)
                            .or_default()
                            .push((i, r.map(str::to_string)));
                    }
                }
                continue;
            }
            let read_column = typed.column(&rows::as_read(i))?;
            if read_column.dtype() == typed_value.dtype()
                && typed_value.dtype() != &DataType::String
            {
                // A native value (a Parquet date): typed as it was read, so
                // a row differs only where the two values do.
                let same = read_column
                    .as_materialized_series()
                    .equal_missing(typed_value.as_materialized_series())?;
                for (row, (same, problem)) in same.iter().zip(problems.iter()).enumerate() {
                    if problem.is_none() && same == Some(false) {
                        let line = lines.get(row).expect("a line per row");
                        let text = evidence::value_at(read_column.as_materialized_series(), row)?;
                        self.as_read.entry(line).or_default().push((i, text));
                    }
                }
                continue;
            }
            let value = evidence::texts(typed_value.as_materialized_series())?;
            for (row, ((r, v), problem)) in read
                .iter()
                .zip(value.iter())
                .zip(problems.iter())
                .enumerate()
            {
                if problem.is_none() && r != v {
                    let line = lines.get(row).expect("a line per row");
                    self.as_read
                        .entry(line)
                        .or_default()
                        .push((i, r.map(str::to_string)));
                }
            }
        }
        Ok(())
    }

    /// The i-th column's cell of a kept row as read.
    fn cell_as_read(
        &self,
        all: &DataFrame,
        row: usize,
        line: u64,
        i: usize,
    ) -> PolarsResult<Option<String>> {
        if let Some((_, read)) = self
            .as_read
            .get(&(line as i64))
            .and_then(|cells| cells.iter().find(|(c, _)| *c == i))
        {
            return Ok(read.clone());
        }
        let column = self.spec.columns[i];
        let typed = all.column(column.name)?.as_materialized_series();
        if column.identity {
            return Ok(typed.u64()?.get(row).map(person_number::decode));
        }
        if typed.dtype() == &DataType::UInt64 && held::numbered(self.spec.table, column.name) {
            let one = typed.u64()?.slice(row as i64, 1);
            return Ok(record_number::decode_column(&one)
                .get(0)
                .map(str::to_string));
        }
        evidence::value_at(typed, row)
    }

    /// The key check over the whole table, then the frame and the rejects
    /// (in the order of the file).
    pub fn finish(mut self) -> PolarsResult<Typed> {
        let spec = self.spec;
        if self.parts.is_empty() {
            self.type_chunk(empty_chunk(spec))?;
        }
        let mut parts = std::mem::take(&mut self.parts).into_iter();
        let mut all = parts.next().expect("a part");
        for p in parts {
            all.vstack_mut_owned(p)?;
        }
        // The keys' hashes say whether any key may repeat (nearly never);
        // only then does an exact pass say whether one does, and work out
        // each row's first line of its key.
        let repeats = key_may_repeat(&all, spec.key)?
            && all.select(spec.key.iter().copied())?.is_duplicated()?.any();
        let all = match repeats {
            true => self.drop_repeats(all)?,
            false => all,
        };
        // The contract's columns, the identifier checks, and source_line
        // last, as readers of the frame expect; in the tables that grow
        // with the persons, as a 32-bit number (no file has 4 billion
        // lines). Eagerly: a selection of whole columns copies none.
        let names: Vec<&str> = spec
            .columns
            .iter()
            .map(|c| c.name)
            .chain(self.identity().map(|_| PERSON_ID_VALID))
            .chain(spec.column("employer_code").map(|_| EMPLOYER_CODE_VALID))
            .chain([SOURCE_LINE])
            .collect();
        let mut frame = all.select(names)?;
        drop(all);
        if held::grows(spec.table) {
            let line = frame.column(SOURCE_LINE)?.cast(&DataType::UInt32)?;
            frame.replace(SOURCE_LINE, line)?;
        }
        // One column at a time, so that only one column is held twice.
        frame.rechunk_mut();
        let mut rejects = self.rejects;
        rejects.sort_by_key(|r| r.line);
        let folded = spec
            .columns
            .iter()
            .zip(&self.folded)
            .filter(|(_, n)| **n > 0)
            .map(|(c, n)| (c.name, *n))
            .collect();
        Ok(Typed {
            frame,
            rows_read: self.rows_read,
            rejects,
            folded,
        })
    }

    /// The rows whose key an earlier row has, each a reject naming the line
    /// kept; the table without them.
    fn drop_repeats(&mut self, all: DataFrame) -> PolarsResult<DataFrame> {
        let spec = self.spec;
        let all = all
            .lazy()
            .with_column(rows::first_line_of_key(spec, SOURCE_LINE)?.alias(rows::FIRST_LINE))
            .collect()?;
        let lines = all.column(SOURCE_LINE)?.i64()?.clone();
        let firsts = all.column(rows::FIRST_LINE)?.i64()?.clone();
        for (row, (line, first)) in lines.iter().zip(firsts.iter()).enumerate() {
            if let (Some(line), Some(first)) = (line, first)
                && line != first
            {
                let reject = self.duplicate(&all, row, line as u64, first)?;
                self.rejects.push(reject);
            }
        }
        all.lazy()
            .filter(col(SOURCE_LINE).eq(col(rows::FIRST_LINE)))
            .collect()
    }

    /// A row with the key of an earlier one: each part of the key shown as
    /// read, the identifier masked on its own (masking the joined key whole
    /// would hide the community and date that locate the row).
    fn duplicate(
        &self,
        all: &DataFrame,
        row: usize,
        line: u64,
        first: i64,
    ) -> PolarsResult<Reject> {
        let spec = self.spec;
        let mut shown = Vec::with_capacity(spec.key.len());
        for k in spec.key {
            let i = spec
                .columns
                .iter()
                .position(|c| c.name == *k)
                .expect("key column");
            let t = self.cell_as_read(all, row, line, i)?.unwrap_or_default();
            shown.push(if spec.columns[i].identity {
                mask(&t)
            } else {
                t
            });
        }
        let person = match self.identity() {
            Some(i) => self.cell_as_read(all, row, line, i)?,
            None => None,
        };
        Ok(self.reject(
            line,
            &spec.key.join("+"),
            Some(shown.join("+")),
            false,
            RejectReason::DuplicateKey,
            format!("the same key as line {first}, which is kept"),
            person,
        ))
    }
}

impl Sink for TableTyping {
    fn take(&mut self, chunk: RawChunk) -> crate::error::Result<()> {
        Ok(self.type_chunk(chunk)?)
    }

    fn restart(&mut self) {
        *self = TableTyping::new(self.spec, &self.file);
    }
}

/// Whether a text is written as `YYYY-MM-DD` (ASCII digits and hyphens).
fn iso_date_shaped(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 10
        && b.iter().enumerate().all(|(k, c)| {
            if k == 4 || k == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        })
}

/// Whether two rows may share a key: each row's key hashed into one number,
/// the numbers sorted. Distinct hashes are distinct keys, so only a shared
/// hash (a repeated key, or very rarely two keys with one hash) calls for
/// the exact check. Cheaper than grouping the rows by their key, which
/// builds a group per row when every key is unique.
fn key_may_repeat(all: &DataFrame, key: &[&str]) -> PolarsResult<bool> {
    let state = PlSeedableRandomStateQuality::seed_from_u64(0);
    let mut hashes = Vec::with_capacity(all.height());
    let (first, rest) = key.split_first().expect("every table has a key");
    all.column(first)?.vec_hash(state.clone(), &mut hashes)?;
    for k in rest {
        all.column(k)?
            .vec_hash_combine(state.clone(), &mut hashes)?;
    }
    hashes.sort_unstable();
    Ok(hashes.windows(2).any(|w| w[0] == w[1]))
}

fn empty_chunk(spec: &TableSpec) -> RawChunk {
    RawChunk {
        columns: spec.columns.iter().map(|_| None).collect(),
        lines: Vec::new(),
        shapes: Vec::new(),
        spans: Vec::new(),
    }
}

/// One contract column of a chunk typed, by the way its file gives it.
fn parse_column(
    raw: Option<&RawColumn>,
    spec: &crate::contract::Column,
    rows: usize,
) -> PolarsResult<Parsed> {
    Ok(match raw {
        None => absent(spec, rows),
        Some(RawColumn::Text(ca)) => text::parse_text(ca, spec),
        Some(RawColumn::Cells(cells)) => cells::parse_cells(cells, spec),
        Some(RawColumn::Native(s)) => match native::parse_native(s, spec)? {
            Some(p) => p,
            None => text::parse_text(&as_text(s)?, spec),
        },
    })
}

/// A Parquet column of a type without a native reading, as trimmed text
/// (dates `YYYY-MM-DD`, datetimes to the millisecond, booleans `true`/`false`).
pub fn as_text(s: &Series) -> PolarsResult<StringChunked> {
    let text = match s.dtype() {
        DataType::String => s.clone(),
        DataType::Datetime(_, _) => s
            .cast(&DataType::Datetime(TimeUnit::Milliseconds, None))?
            .cast(&DataType::String)?,
        _ => s.cast(&DataType::String)?,
    };
    let text = text.str()?;
    // Most columns hold nothing to trim: then they are used as they are.
    let as_is = |v: &str| {
        let b = v.as_bytes();
        let visible = |c: &u8| *c > b' ' && *c < 0x80;
        b.first().is_some_and(visible) && b.last().is_some_and(visible)
    };
    if text.iter().flatten().all(as_is) {
        return Ok(text.clone());
    }
    Ok(text.apply(|v| {
        v.map(str::trim)
            .filter(|t| !t.is_empty())
            .map(std::borrow::Cow::Borrowed)
    }))
}

/// An optional column the file lacks: every cell empty (its default, if any).
fn absent(spec: &crate::contract::Column, rows: usize) -> Parsed {
    let values = match (spec.kind, spec.default) {
        (Kind::Bool, Some(d)) => BooleanChunked::full(PlSmallStr::EMPTY, d, rows).into_series(),
        (kind, _) => Series::full_null(PlSmallStr::EMPTY, rows, &dtype_of(kind)),
    };
    let bad = BooleanChunked::full(PlSmallStr::EMPTY, spec.required, rows);
    Parsed::new(values, bad)
}

fn dtype_of(kind: Kind) -> DataType {
    match kind {
        Kind::Str | Kind::Gender => DataType::String,
        Kind::Int => DataType::Int64,
        Kind::Float | Kind::Rate => DataType::Float64,
        Kind::Bool => DataType::Boolean,
        Kind::Date => DataType::Date,
        Kind::Datetime => DataType::Datetime(TimeUnit::Milliseconds, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(ids: &[u64], codes: &[&str]) -> DataFrame {
        DataFrame::new(
            ids.len(),
            vec![
                Column::new("person_id".into(), ids),
                Series::new("community_code".into(), codes)
                    .cast(&held::categorical_type())
                    .unwrap()
                    .into_column(),
            ],
        )
        .unwrap()
    }

    /// A chunk of `zero_households` rows: (household, identified_on), all in
    /// one community, from line `first`.
    fn households(rows: &[(&str, &str)], first: u64) -> RawChunk {
        let text = |values: Vec<Option<&str>>| {
            Some(RawColumn::Text(StringChunked::from_iter_options(
                PlSmallStr::EMPTY,
                values.into_iter(),
            )))
        };
        RawChunk {
            columns: vec![
                text(rows.iter().map(|(h, _)| Some(*h)).collect()),
                text(rows.iter().map(|_| Some("410402001001")).collect()),
                text(rows.iter().map(|(_, d)| Some(*d)).collect()),
                text(rows.iter().map(|_| None).collect()),
            ],
            lines: (first..first + rows.len() as u64).collect(),
            shapes: Vec::new(),
            spans: Vec::new(),
        }
    }

    fn typed(chunks: Vec<RawChunk>) -> Typed {
        let mut typing = TableTyping::new(&crate::contract::tables::ZERO_HOUSEHOLDS, "z.csv");
        for c in chunks {
            typing.type_chunk(c).unwrap();
        }
        typing.finish().unwrap()
    }

    fn household_texts(t: &Typed) -> Vec<String> {
        let c = t.frame.column("household_id").unwrap();
        let texts = match c.dtype() {
            DataType::UInt64 => record_number::decode_column(c.u64().unwrap()),
            _ => c.str().unwrap().clone(),
        };
        texts.iter().map(|v| v.unwrap().to_string()).collect()
    }

    #[test]
    fn identifiers_numbered_chunk_by_chunk_or_all_text_again() {
        let first = [
            ("410402001001H00001", "2021-01-05"),
            ("410402001001H00002", "2021-01-06"),
        ];
        // One shape in both chunks: numbers, the texts exact. The second
        // chunk brings another shape: the first chunk's numbers are text
        // again, the whole column text, nothing changed.
        for (second, held) in [
            ("410402001001H00003", DataType::UInt64),
            ("X-9", DataType::String),
        ] {
            let t = typed(vec![
                households(&first, 2),
                households(&[(second, "2021-02-01")], 4),
            ]);
            assert_eq!(t.frame.column("household_id").unwrap().dtype(), &held);
            assert_eq!(
                household_texts(&t),
                ["410402001001H00001", "410402001001H00002", second]
            );
        }
        // A repeated key found across chunks quotes the household as written.
        let t = typed(vec![
            households(&first, 2),
            households(&[("410402001001H00002", "2021-01-06")], 4),
        ]);
        assert_eq!(t.rejects.len(), 1);
        assert_eq!(
            t.rejects[0].value.as_deref(),
            Some("410402001001H00002+410402001001+2021-01-06")
        );
        assert_eq!(
            household_texts(&t),
            ["410402001001H00001", "410402001001H00002"]
        );
    }

    #[test]
    fn distinct_keys_need_no_exact_check_and_a_repeated_one_does() {
        let df = frame(&[1, 2, 3, 1], &["A", "A", "B", "B"]);
        assert!(!key_may_repeat(&df, &["person_id", "community_code"]).unwrap());
        assert!(key_may_repeat(&df, &["person_id"]).unwrap());
        assert!(key_may_repeat(&df, &["community_code"]).unwrap());
        let df = frame(&[1, 2, 3, 1], &["A", "A", "B", "A"]);
        assert!(key_may_repeat(&df, &["person_id", "community_code"]).unwrap());
        let empty = frame(&[], &[]);
        assert!(!key_may_repeat(&empty, &["person_id"]).unwrap());
    }
}
