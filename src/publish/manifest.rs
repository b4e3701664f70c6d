//! `manifest.json`: what a run read, with which settings and program, how long
//! each stage took, and what it wrote. No person identifier and no key.

use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct Manifest {
    pub program: Program,
    pub run_id: String,
    /// Hash of everything the result depends on (program, pipeline, rules,
    /// settings, input files): a later run with the same fingerprint has
    /// nothing to do.
    pub fingerprint: String,
    /// When the run was published, Asia/Shanghai time.
    pub created_at: String,
    pub pipeline: FileRef,
    pub rules: RulesRef,
    /// The pipeline's `as_of` setting (`extract`, `today` or a date) and the date it gave.
    pub as_of_setting: String,
    pub as_of: String,
    pub periods: Vec<PeriodRef>,
    pub inputs: Vec<InputRef>,
    pub missing_optional_tables: Vec<String>,
    pub rows_rejected: usize,
    /// Where the pseudonym key came from (never the key).
    pub pseudonym_key: String,
    pub publicity: Option<PublicityRef>,
    pub assignments: Vec<AssignmentRef>,
    /// Stage name and milliseconds, in run order.
    pub timings_ms: Vec<(String, u128)>,
    pub outputs: Vec<OutputRef>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Program {
    pub name: String,
    pub version: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct FileRef {
    pub path: Option<String>,
    pub sha256: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct RulesRef {
    pub file: Option<String>,
    pub inline: bool,
    /// sha256 of the effective rules (defaults, file and inline table merged).
    pub sha256: String,
    /// The effective rules themselves, as TOML.
    pub effective: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct PeriodRef {
    pub year: i32,
    pub start: String,
    pub cutoff: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct InputRef {
    pub table: String,
    pub path: String,
    pub size: u64,
    pub sha256: String,
    pub read_as: String,
    pub rows_read: usize,
    pub rows_rejected: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct PublicityRef {
    pub start: String,
    pub end: String,
    pub working_days: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct AssignmentRef {
    pub year: i32,
    pub county: String,
    pub group: String,
    pub candidates: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct OutputRef {
    pub path: String,
    pub rows: usize,
    pub sha256: String,
}
