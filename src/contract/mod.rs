//! The data contract of `docs/data-contract.md` as data: the twelve
//! tables, their columns, types, Chinese headers, keys and allowed values, and
//! the two national check-character standards. Ingest enforces it and the
//! generator writes to it, so both read the same definitions. Also what the
//! contract promises the stages after ingest: the columns ingest adds to each
//! typed table (`added_columns`) and the date spellings (`dates`).

pub mod added_columns;
pub mod dates;
pub mod held;
pub mod identity;
pub mod names;
pub mod objections;
pub mod person_number;
pub mod record_number;
pub mod review_records;
pub mod roster;
pub mod tables;

pub use tables::{Column, Kind, Table, TableSpec};
