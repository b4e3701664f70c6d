//! The records behind findings, listed per community: a detector selects the
//! rows with an expression, sorted by community, and this module walks them
//! once, handing each community its rows or its evidence. Building the
//! evidence is the one step an expression cannot do (a finding is a Rust
//! value), so the row loop lives here, once, and not in every detector.

use std::collections::BTreeMap;

use polars::prelude::*;

use super::narrow::PERSON_TEXT;
use super::{Evidence, KeyValue, PersonId};
use crate::contract::record_number;
use crate::error::Result;
use crate::frame::{dates, strings};
use crate::indicators::jobs::START;

/// How one key column of a listed record is read from the frame.
#[derive(Debug, Clone, Copy)]
pub enum Key {
    /// An identifier as the table holds it (`record_number`), as text.
    Id(&'static str),
    /// A text column (the community code).
    Text(&'static str),
    /// A date column, written YYYY-MM-DD.
    Date(&'static str),
    /// The person, from a column of the identifier's text
    /// (`narrow::PERSON_TEXT`, or `person_id` where it is text).
    Person(&'static str),
}

/// The values of one key column, row by row.
fn values(df: &DataFrame, key: Key) -> Result<Vec<Option<KeyValue>>> {
    let text = |v: Vec<Option<String>>| v.into_iter().map(|s| s.map(KeyValue::Text)).collect();
    Ok(match key {
        Key::Id(column) => text(record_number::texts(df, column)?),
        Key::Text(column) => text(strings(df, column)?),
        Key::Date(column) => dates(df, column)?
            .into_iter()
            .map(|d| d.map(KeyValue::from))
            .collect(),
        Key::Person(column) => strings(df, column)?
            .into_iter()
            .map(|s| s.map(|s| KeyValue::Person(PersonId::new(s))))
            .collect(),
    })
}

/// The row numbers of each community of `df` (by `community_code`), the
/// communities in the order they first appear; rows without a code are
/// left out.
pub fn rows_by_community(df: &DataFrame) -> Result<Vec<(String, Vec<usize>)>> {
    let mut out: Vec<(String, Vec<usize>)> = Vec::new();
    for (i, code) in strings(df, "community_code")?.into_iter().enumerate() {
        let Some(code) = code else { continue };
        match out.last_mut() {
            Some((last, rows)) if *last == code => rows.push(i),
            _ => out.push((code, vec![i])),
        }
    }
    Ok(out)
}

/// Per community, one `T` built from its rows by `add` (row by row, in the
/// frame's order), the communities in code order. For frames whose rows
/// feed tallies and evidence at once.
pub fn tally_by_community<T: Default>(
    df: &DataFrame,
    mut add: impl FnMut(&mut T, usize),
) -> Result<BTreeMap<String, T>> {
    let mut out: BTreeMap<String, T> = BTreeMap::new();
    for (i, code) in strings(df, "community_code")?.into_iter().enumerate() {
        let Some(code) = code else { continue };
        add(out.entry(code).or_default(), i);
    }
    Ok(out)
}

/// Per community of `df` (rows sorted by community), its rows as records of
/// `table` named by `key` (column name and how to read it), each with the
/// note `note` gives for its row. A row missing a key value is left out.
pub fn records_by_community(
    df: &DataFrame,
    table: &'static str,
    key: &[(&'static str, Key)],
    note: impl Fn(usize) -> String,
) -> Result<Vec<(String, Vec<Evidence>)>> {
    let columns = key
        .iter()
        .map(|(name, how)| Ok((*name, values(df, *how)?)))
        .collect::<Result<Vec<_>>>()?;
    let mut out = Vec::new();
    for (code, rows) in rows_by_community(df)? {
        let evidence = rows
            .into_iter()
            .filter_map(|i| {
                let key = columns
                    .iter()
                    .map(|(name, v)| Some((*name, v[i].clone()?)))
                    .collect::<Option<Vec<_>>>()?;
                Some(Evidence::record_key(table, key).with_note(note(i)))
            })
            .collect();
        out.push((code, evidence));
    }
    Ok(out)
}

/// The columns that place a listed employment record, its start
/// (`indicators::jobs::START`) and end, followed by `more`.
pub fn record_span_and(more: impl IntoIterator<Item = Expr>) -> Vec<Expr> {
    START
        .into_iter()
        .chain(["ended_on"])
        .map(col)
        .chain(more)
        .collect()
}

/// The key of a zero-employment household record.
pub const HOUSEHOLD: [(&str, Key); 3] = [
    ("household_id", Key::Id("household_id")),
    ("community_code", Key::Text("community_code")),
    ("identified_on", Key::Date("identified_on")),
];

/// The key of a hardship designation record, the person read from
/// `narrow::PERSON_TEXT`.
pub const DESIGNATION: [(&str, Key); 3] = [
    ("person_id", Key::Person(PERSON_TEXT)),
    ("community_code", Key::Text("community_code")),
    ("designated_on", Key::Date("designated_on")),
];

/// The key of an unemployment registration record.
pub const REGISTRATION: [(&str, Key); 1] = [("registration_id", Key::Id("registration_id"))];
