//! `manifest.json`: what a run read, with which settings and program, how long
//! each stage took, and what it wrote. No person identifier and no key.
//! `assemble` builds it from the stages' results; `docs/operations.md` tells
//! an operator how to read it.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::config::Pipeline;
use crate::error::Result;
use crate::indicators::Indicators;
use crate::ingest::Extract;
use crate::panel::Panel;
use crate::privacy::Pseudonymizer;

/// Read back with `Manifest::read`; a field an older run did not write reads
/// as its default.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
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
    /// What a clerk must look at in the inputs, though the run went on.
    pub input_warnings: Vec<String>,
    pub missing_optional_tables: Vec<String>,
    pub rows_rejected: usize,
    /// Where the pseudonym key came from (never the key).
    pub pseudonym_key: String,
    /// A hash naming the key (never the key): a new key shows as a new id.
    pub pseudonym_key_id: String,
    /// Under `as_of = "extract"`: date columns holding dates after the run's
    /// day, left out when finding the extract's date.
    pub future_dates: Vec<FutureDatesRef>,
    pub publicity: Option<PublicityRef>,
    /// The day the run's documents were made, Asia/Shanghai: the report's
    /// timeline states (done, due in N, overdue by N) are as of this day.
    pub run_date: String,
    /// The review's stages and working-day calendar; None without one.
    pub calendar: Option<CalendarRef>,
    pub assignments: Vec<AssignmentRef>,
    /// Counties with candidates that no assessment group may assess.
    pub unassigned_counties: Vec<UnassignedRef>,
    /// Stage name and milliseconds, in run order.
    pub timings_ms: Vec<(String, u128)>,
    pub outputs: Vec<OutputRef>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Program {
    pub name: String,
    pub version: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct FileRef {
    pub path: Option<String>,
    pub sha256: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct RulesRef {
    pub file: Option<String>,
    pub inline: bool,
    /// sha256 of the effective rules (defaults, file and inline table merged).
    pub sha256: String,
    /// The effective rules themselves, as TOML.
    pub effective: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct PeriodRef {
    pub year: i32,
    pub start: String,
    pub cutoff: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct InputRef {
    pub table: String,
    pub path: String,
    pub size: u64,
    /// Modification time when read (UTC, RFC 3339).
    pub modified: Option<String>,
    pub sha256: String,
    pub read_as: String,
    pub rows_read: usize,
    pub rows_rejected: usize,
    /// What the reader did besides reading rows (sheets, rows skipped,
    /// values folded, columns ignored).
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct FutureDatesRef {
    pub table: String,
    pub column: String,
    pub rows: usize,
    pub latest: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct UnassignedRef {
    pub year: i32,
    pub county: String,
    pub candidates: i64,
    pub reason: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct PublicityRef {
    pub start: String,
    pub end: String,
    pub working_days: i64,
}

/// The review calendar as the pipeline gave it, with the publicity period
/// computed: enough to tell a stage's state on any day.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct CalendarRef {
    pub stages: Vec<StageRef>,
    pub holidays: Vec<String>,
    pub adjusted_workdays: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct StageRef {
    pub key: String,
    pub label: String,
    pub start: Option<String>,
    pub due: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct AssignmentRef {
    pub year: i32,
    pub county: String,
    pub group: String,
    pub candidates: i64,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct OutputRef {
    pub path: String,
    pub rows: usize,
    pub sha256: String,
}

/// The file name of a run folder's manifest.
pub const FILE: &str = "manifest.json";

impl Manifest {
    /// The manifest of the run folder `run_dir`.
    pub fn read(run_dir: &Path) -> Result<Manifest> {
        let text = std::fs::read_to_string(run_dir.join(FILE))?;
        Ok(serde_json::from_str(&text).map_err(anyhow::Error::from)?)
    }
}

/// What the manifest is made from: the stages' results and the run's own facts.
pub struct Sources<'a> {
    pub pipeline: &'a Pipeline,
    pub extract: &'a Extract,
    pub indicators: &'a Indicators,
    /// The panel view: the publicity, the calendar, the groups.
    pub panel: &'a Panel,
    pub pseudonyms: &'a Pseudonymizer,
    pub run_id: &'a str,
    /// The day the documents are made (Asia/Shanghai).
    pub run_date: chrono::NaiveDate,
    pub fingerprint: &'a str,
    pub timings_ms: &'a [(String, u128)],
    pub outputs: Vec<OutputRef>,
}

/// The manifest of a run.
pub fn assemble(s: Sources) -> Result<Manifest> {
    let (pipeline, extract, ind, rated) = (s.pipeline, s.extract, s.indicators, s.panel);
    Ok(Manifest {
        program: Program {
            name: "fullemp".into(),
            version: env!("CARGO_PKG_VERSION").into(),
        },
        run_id: s.run_id.to_string(),
        fingerprint: s.fingerprint.to_string(),
        created_at: (chrono::Utc::now() + chrono::Duration::hours(8))
            .format("%Y-%m-%dT%H:%M:%S+08:00")
            .to_string(),
        pipeline: FileRef {
            path: pipeline.path.as_ref().map(|p| p.display().to_string()),
            sha256: pipeline.sha256.clone(),
        },
        rules: rules_ref(pipeline)?,
        as_of_setting: pipeline.as_of.to_string(),
        as_of: ind.as_of.to_string(),
        periods: ind
            .periods
            .iter()
            .map(|p| PeriodRef {
                year: p.year,
                start: p.start.to_string(),
                cutoff: p.cutoff.to_string(),
            })
            .collect(),
        inputs: inputs(extract),
        input_warnings: extract.warnings.clone(),
        missing_optional_tables: extract
            .missing_optional
            .iter()
            .map(|t| t.name().to_string())
            .collect(),
        rows_rejected: extract.rejects.len(),
        pseudonym_key: s.pseudonyms.source.clone(),
        pseudonym_key_id: s.pseudonyms.key_id(),
        future_dates: ind
            .future_dates
            .iter()
            .map(|f| FutureDatesRef {
                table: f.table.name().to_string(),
                column: f.column.to_string(),
                rows: f.rows,
                latest: f.latest.to_string(),
            })
            .collect(),
        publicity: rated.publicity.as_ref().map(|p| PublicityRef {
            start: p.start.to_string(),
            end: p.end.to_string(),
            working_days: p.working_days,
        }),
        run_date: s.run_date.to_string(),
        calendar: calendar(pipeline, rated),
        assignments: assignments(rated),
        unassigned_counties: unassigned(rated),
        timings_ms: s.timings_ms.to_vec(),
        outputs: s.outputs,
    })
}

fn calendar(pipeline: &Pipeline, rated: &Panel) -> Option<CalendarRef> {
    let days = |d: &[chrono::NaiveDate]| d.iter().map(ToString::to_string).collect();
    (!rated.calendar.is_empty()).then(|| CalendarRef {
        stages: rated
            .calendar
            .iter()
            .map(|s| StageRef {
                key: s.key.to_string(),
                label: s.label.to_string(),
                start: s.start.map(|d| d.to_string()),
                due: s.due.to_string(),
            })
            .collect(),
        holidays: days(&pipeline.review.holidays),
        adjusted_workdays: days(&pipeline.review.adjusted_workdays),
    })
}

fn rules_ref(pipeline: &Pipeline) -> Result<RulesRef> {
    Ok(RulesRef {
        file: pipeline
            .rules_source
            .file
            .as_ref()
            .map(|p| p.display().to_string()),
        inline: pipeline.rules_source.inline,
        sha256: pipeline.rules_source.sha256.clone(),
        effective: toml::to_string(&pipeline.rules).map_err(anyhow::Error::from)?,
    })
}

fn inputs(extract: &Extract) -> Vec<InputRef> {
    extract
        .inputs
        .iter()
        .map(|i| InputRef {
            table: i.table.name().to_string(),
            // A folder or file named after a person is masked too.
            path: crate::contract::identity::mask_identities_in(&i.path.display().to_string()),
            size: i.size,
            modified: i.mtime.map(|t| {
                chrono::DateTime::<chrono::Utc>::from(t)
                    .format("%Y-%m-%dT%H:%M:%S%.fZ")
                    .to_string()
            }),
            sha256: i.sha256.clone(),
            read_as: i.read_as.clone(),
            rows_read: i.rows_read,
            rows_rejected: i.rows_rejected,
            notes: i.notes.clone(),
        })
        .collect()
}

fn assignments(rated: &Panel) -> Vec<AssignmentRef> {
    rated
        .assignments
        .iter()
        .map(|a| AssignmentRef {
            year: a.year,
            county: a.county.clone(),
            group: a.group.clone(),
            candidates: a.candidates,
        })
        .collect()
}

fn unassigned(rated: &Panel) -> Vec<UnassignedRef> {
    rated
        .unassigned
        .iter()
        .map(|u| UnassignedRef {
            year: u.year,
            county: u.county.clone(),
            candidates: u.candidates,
            reason: u.reason.clone(),
        })
        .collect()
}
