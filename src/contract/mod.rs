//! The data contract of `docs/data-contract.md` as data: the nine
//! tables, their columns, types, Chinese headers, keys and allowed values, and
//! the two national check-character standards. Ingest enforces it and the
//! generator writes to it, so both read the same definitions.

pub mod identity;
pub mod tables;

pub use tables::{Column, Kind, Table, TableSpec};
