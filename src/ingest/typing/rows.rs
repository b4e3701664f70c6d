//! The row checks as expressions over a typed chunk: a row's first problem
//! (its shape, then each column in the table's order, then the date order),
//! and the first row of each key.

use polars::prelude::*;

use crate::contract::TableSpec;

/// Per chunk row: the file already found its shape wrong.
pub const SHAPE: &str = "__shape";
/// The row's first problem: `SHAPE_PROBLEM`, a column's index, or
/// `ORDER_PROBLEM + i` for the i-th date order; null when the row is good.
pub const PROBLEM: &str = "__problem";
pub const SHAPE_PROBLEM: i32 = -1;
pub const ORDER_PROBLEM: i32 = 1_000;
/// The line of the first row with the same key.
pub const FIRST_LINE: &str = "__first_line";

/// Typed values of the i-th contract column in a chunk.
pub fn value(i: usize) -> String {
    format!("__v{i}")
}

/// Whether the i-th contract column's cell cannot be used.
pub fn bad(i: usize) -> String {
    format!("__bad{i}")
}

/// The i-th column's cell as read (key and identity columns only).
pub fn as_read(i: usize) -> String {
    format!("__raw{i}")
}

fn position(spec: &TableSpec, name: &str) -> usize {
    spec.columns
        .iter()
        .position(|c| c.name == name)
        .expect("column of the spec")
}

/// The date order pairs as column indices.
pub fn ordered(spec: &TableSpec) -> Vec<(usize, usize)> {
    spec.ordered
        .iter()
        .map(|(a, b)| (position(spec, a), position(spec, b)))
        .collect()
}

/// An end date before its start (both present).
fn end_before_start(start: usize, end: usize) -> Expr {
    col(value(end)).lt(col(value(start)))
}

/// A row's first problem, by a `when/then` chain in the contract's order.
pub fn first_problem(spec: &TableSpec) -> Expr {
    let mut checks: Vec<(Expr, i32)> = (0..spec.columns.len())
        .map(|i| (col(bad(i)), i as i32))
        .collect();
    for (j, (start, end)) in ordered(spec).into_iter().enumerate() {
        checks.push((end_before_start(start, end), ORDER_PROBLEM + j as i32));
    }
    let mut chain = when(col(SHAPE))
        .then(lit(SHAPE_PROBLEM))
        .when(checks[0].0.clone())
        .then(lit(checks[0].1));
    for (check, code) in checks.into_iter().skip(1) {
        chain = chain.when(check).then(lit(code));
    }
    chain.otherwise(lit(NULL).cast(DataType::Int32))
}

/// The first line (smallest, as rows are read in order) among the rows with
/// the same key values, after typing.
pub fn first_line_of_key(spec: &TableSpec, line: &str) -> PolarsResult<Expr> {
    let keys: Vec<Expr> = spec.key.iter().map(|k| col(*k)).collect();
    col(line).min().over(keys)
}
