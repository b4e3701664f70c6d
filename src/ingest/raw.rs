//! A table as read from its file, before any typing: headers and rows of
//! cells, each row with the line it came from.

use std::path::PathBuf;

/// One cell as the file holds it. CSV and Parquet give text; XLSX also gives
/// numbers (a date serial in a date column), booleans and dates, which the typing step interprets by
/// the column's type.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    Bool(bool),
    /// An Excel cell formatted as a date or datetime.
    DateTime(chrono::NaiveDateTime),
    /// An Excel error value such as `#N/A`.
    Error(String),
}

#[derive(Debug, Clone)]
pub struct RawRow {
    /// 1-based line (CSV), sheet row (XLSX) or row number (Parquet).
    pub line: u64,
    pub cells: Vec<Cell>,
    /// The file ends inside a quoted field of this row (CSV): the row was cut.
    pub cut: bool,
}

#[derive(Debug, Clone)]
pub struct RawTable {
    pub file: PathBuf,
    pub headers: Vec<String>,
    pub rows: Vec<RawRow>,
    /// Human description of how the file was read (format, encoding, separator).
    pub read_as: String,
}
