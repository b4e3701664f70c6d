//! The columns ingest adds to the contract's tables, beside the contract's own
//! columns: the typed frames that later stages read carry them, so their
//! names belong to the contract rather than to the reader that writes them.

/// Each kept row's line in its file (the header is line 1), for evidence.
/// Always the last column of a typed frame.
pub const SOURCE_LINE: &str = "source_line";
/// The GB 11643 check of `person_id`, on every table that has one: an
/// identifier whose check character fails is kept, marked false here, for the
/// detectors.
pub const PERSON_ID_VALID: &str = "person_id_valid";
/// The GB 32100 check of `employer_code` (null when there is no code).
pub const EMPLOYER_CODE_VALID: &str = "employer_code_valid";
/// The file a kept row of the panel's records was read from (its name as
/// shown: identity numbers masked), for the decisions log.
pub const SOURCE_FILE: &str = "source_file";
/// The sheet of a workbook a kept row of the panel's records was read from
/// (null for CSV and Parquet); its `source_line` is then the sheet's row.
pub const SOURCE_SHEET: &str = "source_sheet";
