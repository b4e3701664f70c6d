//! Narrowing before an exact look: cheap integer stand-ins for identifiers,
//! so that a detector can group millions of rows by person quickly and keep
//! only the few rows worth comparing exactly. A stand-in may let through rows
//! that the exact comparison then drops; it never drops a row the exact
//! comparison would keep.

use polars::prelude::*;

/// The first 17 characters of `person_id` read as a number (the digits of a
/// well-formed identifier, without its check character); null when they are
/// not digits. Equal identifiers always get equal numbers; unequal ones get
/// unequal numbers unless they differ only in the check character.
pub fn person_number() -> Expr {
    col("person_id")
        .str()
        .slice(lit(0i64), lit(17u64))
        .cast(DataType::Int64)
}

/// `person_number`, with every identifier it cannot read given the same
/// number (−1, which no digits give), so that a join on it pairs them all
/// rather than losing them.
pub fn person_number_or_unread() -> Expr {
    person_number().fill_null(lit(-1i64))
}
