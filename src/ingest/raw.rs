//! A table as read from its file, before any typing, handed from the readers
//! to typing in chunks of rows: one raw column per contract column (in the
//! contract's order), each row's line in its file, and the rows whose shape
//! in the file is already wrong.

use std::path::Path;

use polars::prelude::*;

use super::rejects::RejectReason;
use crate::config::TableInput;
use crate::contract::TableSpec;
use crate::digest::{Hashing, Seen};

/// One cell as an Excel sheet holds it: text, or a number (a date serial in a
/// date column), a boolean or a date, which typing interprets by the
/// column's type.
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

/// One contract column of a chunk, as its file gives it.
pub enum RawColumn {
    /// Text trimmed of surrounding spaces, null where the cell is empty (CSV,
    /// and the text columns of Parquet).
    Text(StringChunked),
    /// A Parquet column in its own type.
    Native(Series),
    /// Excel cells.
    Cells(Vec<Cell>),
}

/// A row whose shape in the file is wrong (CSV): what its reject shows.
#[derive(Debug, Clone)]
pub struct BadShape {
    pub reason: RejectReason,
    pub column: String,
    /// The column named is an identity column (its value is masked whole).
    pub identity: bool,
    pub value: Option<String>,
    pub detail: String,
}

pub struct RawChunk {
    /// One entry per contract column; None where the file lacks the column.
    pub columns: Vec<Option<RawColumn>>,
    /// 1-based line (CSV), sheet row (XLSX) or row number (Parquet).
    pub lines: Vec<u64>,
    /// Rows (index in the chunk, ascending) whose shape rejects them.
    pub shapes: Vec<(usize, BadShape)>,
    /// Rows (index in the chunk, ascending) that run over more than one
    /// line of the file (CSV), with the lines each runs over: a rejected
    /// one counts them all against `max_reject_ratio`.
    pub spans: Vec<(usize, u64)>,
}

/// Where the chunks of one table go: typing.
pub trait Sink {
    fn take(&mut self, chunk: RawChunk) -> crate::error::Result<()>;
    /// Forgets every chunk taken: the file is read again from the start (a
    /// CSV that turned out not to be UTF-8).
    fn restart(&mut self);
}

/// One table's file to read: where it is, how the pipeline says to read it,
/// and the contract its columns are mapped to. Every format's reader takes
/// it with the sink its rows go to.
#[derive(Clone, Copy)]
pub struct TableFile<'a> {
    pub path: &'a Path,
    pub input: &'a TableInput,
    pub spec: &'a TableSpec,
}

impl TableFile<'_> {
    /// The whole file's bytes, hashed as read; `what` names the file in the
    /// message when it cannot be opened ("the file", "the workbook").
    pub fn read_all(&self, what: &str) -> Result<(Vec<u8>, Seen), Failure> {
        Hashing::read_all(self.path)
            .map_err(|e| Failure::Unreadable(format!("cannot open {what}: {e}")))
    }
}

/// A file read to its end.
#[derive(Debug, Clone)]
pub struct Opened {
    /// How it was read (format, encoding, separator or sheet), for people.
    pub read_as: String,
    /// Size, sha256 and modification time of the bytes read.
    pub seen: Seen,
    /// Headers no contract column took (identity numbers masked).
    pub unused: Vec<String>,
    /// What the reader did besides reading rows, one sentence each, for the
    /// summary: sheets read or skipped, rows skipped above the header, as
    /// rules, as footers or as empty (identity numbers masked).
    pub notes: Vec<String>,
    /// What a clerk must look at: a header close to a contract column the
    /// file lacks (identity numbers masked).
    pub warnings: Vec<String>,
    /// A workbook: every sheet read, and where its rows stand among the
    /// lines typing numbered (one sheet: its rows are its lines); empty for
    /// CSV and Parquet.
    pub sheets: Vec<SheetSpan>,
}

/// One sheet of a workbook: its rows were typed as lines `offset + sheet
/// row`, up to `last` (the offset is 0 for the first sheet).
#[derive(Debug, Clone)]
pub struct SheetSpan {
    pub sheet: String,
    pub offset: u64,
    pub last: u64,
}

impl SheetSpan {
    /// The sheet and sheet row of a line as typed.
    pub fn locate(spans: &[SheetSpan], line: u64) -> Option<(&str, u64)> {
        spans
            .iter()
            .find(|s| line > s.offset && line <= s.last)
            .map(|s| (s.sheet.as_str(), line - s.offset))
    }
}

/// Why a file gave no table.
#[derive(Debug)]
pub enum Failure {
    /// Not readable in its format or encoding.
    Unreadable(String),
    /// A required column missing, or a column standing twice.
    Columns(String),
    /// A row the file's shape makes impossible to tell from the rows after
    /// it (a quote left open): the message names the line.
    Shape(String),
    /// Not UTF-8 at this byte: detection goes on to GB18030.
    NotUtf8(u64),
    /// A fault of the program, not of the file.
    Internal(crate::error::Error),
}

impl From<crate::error::Error> for Failure {
    fn from(e: crate::error::Error) -> Failure {
        Failure::Internal(e)
    }
}
