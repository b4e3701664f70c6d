//! The orchestration: the stages in order (ingest → indicators → detectors and
//! ratings → publish), their timings, and an all-or-nothing publish: a run that
//! fails at any stage leaves no run folder and `latest` unchanged.

use std::time::Instant;

use sha2::{Digest, Sha256};

use crate::config::Pipeline;
use crate::contract::Table;
use crate::error::{Error, Result};
use crate::publish::manifest::{self, Manifest};
use crate::publish::run_folder::{self, Staging};
use crate::{detectors, indicators, ingest, privacy, publish, ratings};

#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Run even when inputs, pipeline, rules and program are unchanged.
    pub force: bool,
}

/// What a run did.
#[derive(Debug, Clone)]
pub enum Outcome {
    Published(Published),
    /// Inputs, settings and program as for the latest run: nothing written.
    Unchanged {
        latest: std::path::PathBuf,
    },
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Outcome::Published(p) => p.fmt(f),
            Outcome::Unchanged { latest } => write!(
                f,
                "inputs, pipeline, rules and program unchanged since {}: nothing to do (--force runs anyway)",
                latest.display()
            ),
        }
    }
}

/// What a published run reports.
#[derive(Debug, Clone)]
pub struct Published {
    pub run_dir: std::path::PathBuf,
    pub as_of: chrono::NaiveDate,
    pub communities: usize,
    pub years: Vec<i32>,
    pub rows_rejected: usize,
}

impl std::fmt::Display for Published {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "published {} (as of {}, years {:?}, {} communities, {} input rows rejected)",
            self.run_dir.display(),
            self.as_of,
            self.years,
            self.communities,
            self.rows_rejected
        )
    }
}

struct Clock {
    timings: Vec<(String, u128)>,
    last: Instant,
}

impl Clock {
    fn new() -> Clock {
        Clock {
            timings: Vec::new(),
            last: Instant::now(),
        }
    }
    fn lap(&mut self, stage: &str) {
        let now = Instant::now();
        let ms = (now - self.last).as_millis();
        tracing::info!(stage, ms = ms as u64, "stage done");
        self.timings.push((stage.to_string(), ms));
        self.last = now;
    }
}

/// Everything a run's result depends on, hashed: program version, pipeline
/// and rules, the effective settings, today's date when `as_of = "today"`,
/// and every input file's name and content. None when the inputs cannot even
/// be found (ingest then reports why).
fn fingerprint(pipeline: &Pipeline) -> Result<Option<String>> {
    let Ok(found) = ingest::discover::discover_quietly(pipeline) else {
        return Ok(None);
    };
    let mut h = Sha256::new();
    let mut add = |s: &str| {
        h.update(s.as_bytes());
        h.update([0u8]);
    };
    add(env!("CARGO_PKG_VERSION"));
    add(&pipeline.sha256);
    add(&pipeline.rules_source.sha256);
    add(&pipeline.input_dir.display().to_string());
    add(&format!("{:?}", pipeline.inputs));
    add(&pipeline.as_of.to_string());
    add(&format!("{:?}", pipeline.years));
    if pipeline.as_of == crate::config::AsOf::Today {
        add(&(chrono::Utc::now() + chrono::Duration::hours(8))
            .date_naive()
            .to_string());
    }
    for (table, (path, _)) in &found {
        add(table.name());
        add(&path.file_name().unwrap_or_default().to_string_lossy());
        add(&crate::digest::sha256_file(path)?.1);
    }
    Ok(Some(hex::encode(h.finalize())))
}

/// The fingerprint recorded by the latest complete run, if any.
fn latest_fingerprint(output_dir: &std::path::Path) -> Option<String> {
    let text =
        std::fs::read_to_string(output_dir.join(run_folder::LATEST).join("manifest.json")).ok()?;
    let manifest: serde_json::Value = serde_json::from_str(&text).ok()?;
    manifest.get("fingerprint")?.as_str().map(str::to_string)
}

pub fn run(pipeline: &Pipeline, options: &Options) -> Result<Outcome> {
    let _lock = publish::lock::acquire(&pipeline.output_dir)?;
    let fingerprint = fingerprint(pipeline)?;
    if !options.force
        && fingerprint.is_some()
        && fingerprint == latest_fingerprint(&pipeline.output_dir)
    {
        let latest = pipeline.output_dir.join(run_folder::LATEST);
        tracing::info!(latest = %latest.display(), "nothing changed since the latest run; nothing to do");
        return Ok(Outcome::Unchanged { latest });
    }
    let mut clock = Clock::new();
    let extract = ingest::ingest(pipeline)?;
    clock.lap("ingest");

    let ind = indicators::compute(
        &extract.tables,
        &pipeline.rules.indicators,
        pipeline.as_of,
        pipeline.years.as_deref(),
    )?;
    clock.lap("indicators");

    let communities = extract
        .table(Table::Communities)
        .ok_or_else(|| Error::contract("no communities table"))?;
    let findings = detectors::detect_all(
        &detectors::Inputs {
            tables: &extract.tables,
            indicators: &ind,
            communities,
            indicator_rules: &pipeline.rules.indicators,
            reinspection: &pipeline.rules.reinspection,
        },
        &pipeline.rules.detectors,
    )?;
    let risk = detectors::risk_scores(&findings, &pipeline.rules.risk)?;
    clock.lap("detectors");

    let rated = ratings::rate(&ratings::RatingInputs {
        indicators: &ind.frame,
        communities,
        applications: extract.table(Table::Applications),
        risk: &risk,
        missing_tables: &extract.missing_optional,
        rules: &pipeline.rules,
        review: &pipeline.review,
    })?;
    clock.lap("ratings");

    run_folder::clean_stale_staging(&pipeline.output_dir)?;
    let pseudonyms =
        privacy::Pseudonymizer::load(pipeline.pii_key_file.as_deref(), &pipeline.output_dir)?;
    let staging = Staging::create(&pipeline.output_dir)?;
    let published = publish::write_tables(
        &staging.dir,
        &publish::Tables {
            indicators: &ind,
            ratings: &rated,
            rejects: &extract.rejects,
            findings: &findings,
        },
        &pseudonyms,
    );
    let outputs = match published {
        Ok(o) => o,
        Err(e) => {
            staging.abandon();
            return Err(e);
        }
    };
    clock.lap("publish");

    let mut manifest = Manifest {
        program: manifest::Program {
            name: "fullemp".into(),
            version: env!("CARGO_PKG_VERSION").into(),
        },
        run_id: staging.run_id.clone(),
        fingerprint: fingerprint.unwrap_or_default(),
        created_at: (chrono::Utc::now() + chrono::Duration::hours(8))
            .format("%Y-%m-%dT%H:%M:%S+08:00")
            .to_string(),
        pipeline: manifest::FileRef {
            path: pipeline.path.as_ref().map(|p| p.display().to_string()),
            sha256: pipeline.sha256.clone(),
        },
        rules: manifest::RulesRef {
            file: pipeline
                .rules_source
                .file
                .as_ref()
                .map(|p| p.display().to_string()),
            inline: pipeline.rules_source.inline,
            sha256: pipeline.rules_source.sha256.clone(),
            effective: toml::to_string(&pipeline.rules).map_err(anyhow::Error::from)?,
        },
        as_of_setting: pipeline.as_of.to_string(),
        as_of: ind.as_of.to_string(),
        periods: ind
            .periods
            .iter()
            .map(|p| manifest::PeriodRef {
                year: p.year,
                start: p.start.to_string(),
                cutoff: p.cutoff.to_string(),
            })
            .collect(),
        inputs: extract
            .inputs
            .iter()
            .map(|i| manifest::InputRef {
                table: i.table.name().to_string(),
                path: i.path.display().to_string(),
                size: i.size,
                sha256: i.sha256.clone(),
                read_as: i.read_as.clone(),
                rows_read: i.rows_read,
                rows_rejected: i.rows_rejected,
            })
            .collect(),
        missing_optional_tables: extract
            .missing_optional
            .iter()
            .map(|t| t.name().to_string())
            .collect(),
        rows_rejected: extract.rejects.len(),
        pseudonym_key: pseudonyms.source.clone(),
        publicity: rated.publicity.as_ref().map(|p| manifest::PublicityRef {
            start: p.start.to_string(),
            end: p.end.to_string(),
            working_days: p.working_days,
        }),
        assignments: rated
            .assignments
            .iter()
            .map(|a| manifest::AssignmentRef {
                year: a.year,
                county: a.county.clone(),
                group: a.group.clone(),
                candidates: a.candidates,
            })
            .collect(),
        timings_ms: clock.timings.clone(),
        outputs,
    };
    // The report reads findings as the published table, persons pseudonymised.
    let documents = publish::findings::findings_frame(&findings, &ind.frame, &pseudonyms).and_then(
        |findings| {
            publish::write_documents(
                &staging.dir,
                &publish::report::input::ReportInputs {
                    indicators: &ind,
                    ratings: &rated,
                    findings: &findings,
                    risk: &risk,
                    communities,
                    applications: extract.table(Table::Applications),
                    employment: extract.table(Table::Employment),
                    rejects: &extract.rejects,
                    manifest: &manifest,
                    rules: &pipeline.rules,
                    city_name: &pipeline.city_name,
                    previous_run: Some(pipeline.output_dir.join(run_folder::LATEST)),
                },
                &pseudonyms,
            )
        },
    );
    match documents {
        Ok(d) => manifest.outputs.extend(d),
        Err(e) => {
            staging.abandon();
            return Err(e);
        }
    }
    clock.lap("documents");
    manifest.timings_ms = clock.timings.clone();
    if let Err(e) = publish::write_manifest(&staging.dir, &manifest) {
        staging.abandon();
        return Err(e);
    }
    let run_dir = staging.commit()?;
    let removed = run_folder::prune(&pipeline.output_dir, pipeline.keep_runs)?;
    if !removed.is_empty() {
        tracing::info!(runs = removed.len(), "removed old runs beyond keep_runs");
    }
    Ok(Outcome::Published(Published {
        run_dir,
        as_of: ind.as_of,
        communities: communities.height(),
        years: ind.periods.iter().map(|p| p.year).collect(),
        rows_rejected: extract.rejects.len(),
    }))
}
