//! The orchestration: the stages in order (1 ingest → 2 indicators → 3a
//! detectors and 3b ratings → 4a panel view → 4b publish), their timings,
//! and an all-or-nothing publish: a run that fails at any stage, or is killed
//! at any moment, leaves no run folder and `latest` unchanged
//! (`publish::run_folder`). Once the run is committed, its years and the
//! decisions log go to `history/` (`publish::history`), file by file. The
//! points of `fault` let the fault tests hold a run between stages.

use std::time::Instant;

use polars::prelude::DataFrame;

use crate::config::Pipeline;
use crate::contract::Table;
use crate::error::{Error, Result};
use crate::indicators::Indicators;
use crate::ingest::Extract;
use crate::privacy::Pseudonymizer;
use crate::publish::manifest;
use crate::publish::published_history::PublishedHistory;
use crate::publish::published_run::PublishedRun;
use crate::publish::run_folder::{self, Staging};
use crate::ratings::Ratings;
use crate::{detectors, fault, fingerprint, indicators, ingest, panel, privacy, publish, ratings};

#[derive(Debug, Clone)]
pub struct Options {
    /// Run even when inputs, pipeline, rules and program are unchanged.
    pub force: bool,
    /// The pseudonym key's environment, as the command line read it.
    pub key: privacy::KeyEnvironment,
    /// The day the documents are made (Asia/Shanghai), given by the caller so
    /// that a test can pin it: the report's timeline states are as of it.
    pub run_date: chrono::NaiveDate,
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
    /// What ingest did besides reading rows, per file (`Extract::notes`).
    pub notes: Vec<String>,
    /// What a clerk must look at (`Extract::warnings`).
    pub warnings: Vec<String>,
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
        )?;
        for n in &self.notes {
            write!(f, "\n  {n}")?;
        }
        for w in &self.warnings {
            write!(f, "\n  warning: {w}")?;
        }
        Ok(())
    }
}

struct Clock {
    timings: Vec<(String, u128)>,
    last: Instant,
    peak: crate::memory::PeakWatch,
}

impl Clock {
    fn new() -> Clock {
        Clock {
            timings: Vec::new(),
            last: Instant::now(),
            peak: crate::memory::PeakWatch::start(),
        }
    }
    fn lap(&mut self, stage: &str) {
        // The stage's own peak, read before its freed memory goes back.
        let peak_mib = self.peak.take() >> 20;
        // What the stage freed goes back to the system before the next one.
        crate::memory::give_back();
        self.peak.take();
        let now = Instant::now();
        let ms = (now - self.last).as_millis();
        tracing::info!(stage, ms = ms as u64, peak_mib, "stage done");
        self.timings.push((stage.to_string(), ms));
        self.last = now;
    }
}

/// A stage's span: its spinner on a terminal, its name on its log lines.
macro_rules! stage {
    ($name:literal) => {
        tracing::info_span!($name, indicatif.pb_show = tracing::field::Empty).entered()
    };
}

/// The whole job, stage by stage. Every `?` below leaves `latest` as it was:
/// the staging folder removes itself unless committed.
pub fn run(pipeline: &Pipeline, options: &Options) -> Result<Outcome> {
    let _lock = publish::lock::acquire(&pipeline.output_dir)?;
    fault::point("locked");
    let pseudonyms = pseudonymizer(pipeline, &options.key)?;
    if let Some(unchanged) = nothing_to_do(pipeline, &pseudonyms, options)? {
        return Ok(unchanged);
    }
    let mut clock = Clock::new();
    // 1. ingest: raw files → typed frames, under the data contract.
    let extract = ingest_stage(pipeline, &mut clock)?;
    let communities = extract
        .table(Table::Communities)
        .ok_or_else(|| Error::contract("no communities table"))?;
    // 2. indicators: one row per community and review year, and the
    // evidence shares beside the rated figures.
    let (ind, evidence) = indicators_stage(pipeline, &extract, &mut clock)?;
    // 3a. detectors: findings, and the counted persons each names.
    // The panel's checks of the findings: the dismissed ones leave the risk
    // score, the confirmed ones act on the ratings (docs/ratings.md).
    let verified = detectors::verified::Verified::read(extract.table(Table::Verifications))?;
    let (findings, questioned) =
        detectors_stage(pipeline, &extract, &ind, communities, &mut clock)?;
    // 3b. ratings: verdicts, scores, the materiality of each finding and the
    // risk scores, shortlist, spot checks, calendar, groups.
    let rated = ratings_stage(
        pipeline,
        &extract,
        &Figures {
            indicators: &ind,
            evidence: &evidence,
        },
        &Found {
            findings: &findings,
            questioned: &questioned,
            verified: &verified,
        },
        options.run_date,
        &mut clock,
    )?;
    // The run's folder, named now for the history to name; gone unless committed.
    let staging = staging(pipeline)?;
    // 4a. panel view: the findings and rejects tables, the review year's rows.
    // The run the report compares with (what `latest` points at now), and
    // what `history/` remembers of earlier runs.
    let (previous_run, earlier) = earlier_runs(pipeline)?;
    let (tables, panel) = panel::build(&panel::PanelInputs {
        indicators: &ind,
        ratings: &rated.ratings,
        findings: &findings,
        materiality: &rated.materiality,
        risk: &rated.risk,
        communities,
        extract: &extract,
        pseudonyms: &pseudonyms,
        verified: &verified,
        pipeline,
        previous: previous_run
            .as_ref()
            .map(|r| r as &dyn panel::changes::PreviousRun),
        run_date: options.run_date,
        run_id: &staging.run_id,
        earlier: &earlier,
    })?;
    // 4b. publish: tables, manifest, documents into the staging folder, then
    // committed: renamed into runs/ and `latest` switched; then the history.
    let written = Written {
        pipeline,
        extract: &extract,
        indicators: &ind,
        tables: &tables,
        panel: &panel,
        pseudonyms: &pseudonyms,
    };
    let run_dir = publish_stage(staging, &written, options.run_date, &mut clock)?;
    history_stage(pipeline, &tables.history, &run_dir, &mut clock)?;
    prune(pipeline)?;
    Ok(Outcome::Published(published(run_dir, &ind, &extract)))
}

/// `Unchanged` when inputs, settings and program are as for the latest run
/// (and `--force` is not given) and `history/` holds that run's years; a
/// run whose history a kill or a failure left behind is run again.
fn nothing_to_do(
    pipeline: &Pipeline,
    pseudonyms: &Pseudonymizer,
    options: &Options,
) -> Result<Option<Outcome>> {
    if options.force || !fingerprint::unchanged(pipeline, pseudonyms, options.run_date)? {
        return Ok(None);
    }
    let latest = pipeline.output_dir.join(run_folder::LATEST);
    if publish::history::behind(&pipeline.output_dir)? {
        tracing::warn!(
            latest = %latest.display(),
            "nothing changed since the latest run, but its history was not written (a run stopped after it was published): running again"
        );
        return Ok(None);
    }
    tracing::info!(latest = %latest.display(), "nothing changed since the latest run; nothing to do");
    Ok(Some(Outcome::Unchanged { latest }))
}

/// The run's staging folder, what killed runs left (a staging folder, a
/// history temporary) removed first.
fn staging(pipeline: &Pipeline) -> Result<Staging> {
    run_folder::clean_stale_staging(&pipeline.output_dir)?;
    publish::history::clean_stale(&pipeline.output_dir)?;
    Staging::create(&pipeline.output_dir)
}

/// What the run carries on from: the run `latest` names, and `history/`.
fn earlier_runs(pipeline: &Pipeline) -> Result<(Option<PublishedRun>, panel::history::Earlier)> {
    Ok((
        PublishedRun::latest(&pipeline.output_dir)?,
        PublishedHistory::of(&pipeline.output_dir).earlier()?,
    ))
}

/// What the command line says of a published run.
fn published(run_dir: std::path::PathBuf, ind: &Indicators, extract: &Extract) -> Published {
    Published {
        run_dir,
        as_of: ind.as_of,
        communities: extract
            .table(Table::Communities)
            .map_or(0, |df| df.height()),
        years: ind.periods.iter().map(|p| p.year).collect(),
        rows_rejected: extract.rejects.len(),
        notes: extract.notes(),
        warnings: extract.warnings.clone(),
    }
}

fn pseudonymizer(pipeline: &Pipeline, key: &privacy::KeyEnvironment) -> Result<Pseudonymizer> {
    Pseudonymizer::load(
        key.key.as_deref(),
        pipeline.pii_key_file.as_deref(),
        &privacy::default_key_file(key.state_dir.as_deref(), pipeline.path.as_deref())?,
        &pipeline.output_dir,
    )
}

/// The bytes a frame holds: polars' estimate, plus the 16-byte view of
/// every text cell, which the estimate leaves out (it counts a text column's
/// characters only).
fn held_bytes(df: &DataFrame) -> usize {
    let views: usize = df
        .columns()
        .iter()
        .filter(|c| c.dtype() == &polars::prelude::DataType::String)
        .map(|c| 16 * c.len())
        .sum();
    df.estimated_size() + views
}

/// A `[review.units]` key naming no county of the roster would never print
/// (a misspelt county keeps the default unit on its forms): said once.
fn warn_unknown_units(pipeline: &Pipeline, extract: &Extract) -> Result<()> {
    let units = &pipeline.review.units;
    let Some(communities) = extract.table(Table::Communities) else {
        return Ok(());
    };
    if units.is_empty() {
        return Ok(());
    }
    let counties: std::collections::BTreeSet<&str> = communities
        .column("county")?
        .str()?
        .iter()
        .flatten()
        .collect();
    for key in units.keys().filter(|k| !counties.contains(k.as_str())) {
        tracing::warn!(
            key = %format!("review.units.{key}"),
            "names no county of the communities table; no form prints this unit"
        );
    }
    Ok(())
}

fn ingest_stage(pipeline: &Pipeline, clock: &mut Clock) -> Result<Extract> {
    let extract = {
        let _s = stage!("ingest");
        let mut extract = ingest::ingest(pipeline, &detectors::ids())?;
        // A recorded 街道审核 or 县级初选 decision is the authority over the
        // application's own street_recommends / county_recommends cell.
        if let Some(apps) = extract.table(Table::Applications) {
            let apps = ratings::status::with_recorded_recommendations(
                apps,
                extract.table(Table::Decisions),
                &pipeline.rules.review.stages,
            )?;
            extract.tables.insert(Table::Applications, apps);
        }
        warn_unknown_units(pipeline, &extract)?;
        extract
    };
    clock.lap("ingest");
    // What the typed frames hold, for the scaling figures (docs/scaling.md).
    let bytes: usize = extract.tables.values().map(held_bytes).sum();
    let persons = extract.table(Table::Persons).map_or(0, |df| df.height());
    tracing::info!(
        frames_mib = bytes >> 20,
        resident_mib = crate::memory::resident().map_or(0, |b| b >> 20),
        persons,
        bytes_per_person = bytes / persons.max(1),
        "typed frames held"
    );
    fault::point("ingested");
    Ok(extract)
}

/// The indicators, and the evidence share of each rated figure
/// (`indicators::evidence`): community_code, year and one column a figure.
fn indicators_stage(
    pipeline: &Pipeline,
    extract: &Extract,
    clock: &mut Clock,
) -> Result<(Indicators, DataFrame)> {
    let out = {
        let _s = stage!("indicators");
        let ind = indicators::compute(
            &extract.tables,
            &pipeline.rules.indicators,
            pipeline.as_of,
            pipeline.years.as_deref(),
        )?;
        let evidence = indicators::evidence::compute(
            &extract.tables,
            &ind.periods,
            &pipeline.rules.indicators,
            clearance_grace_days(pipeline)?,
        )?;
        (ind, evidence)
    };
    clock.lap("indicators");
    fault::point("indicators");
    Ok(out)
}

/// The days after `cleared_on` within which a member's job backs a
/// clearance: the `unverified_clearance` detector's `grace_days`, so that
/// the evidence share and the detector read a clearance alike.
fn clearance_grace_days(pipeline: &Pipeline) -> Result<i64> {
    use crate::detectors::unverified_clearance::{ID, Params};
    let params: Params = detectors::registry::read(&pipeline.rules.detectors, ID)?;
    Ok(params.grace_days)
}

fn detectors_stage(
    pipeline: &Pipeline,
    extract: &Extract,
    ind: &Indicators,
    communities: &DataFrame,
    clock: &mut Clock,
) -> Result<(Vec<detectors::Finding>, DataFrame)> {
    let out = {
        let _s = stage!("detectors");
        // Each running detector holds working frames the size of the
        // employment table: on a large ledger, one at a time keeps the peak
        // about that much lower, for a few seconds more.
        let persons = extract.table(Table::Persons).map_or(0, |df| df.height());
        let workers = match persons > pipeline.one_detector_at_a_time_above {
            true => 1,
            false => crate::parallel::cores().min(2),
        };
        if workers == 1 {
            tracing::info!(
                persons,
                above = pipeline.one_detector_at_a_time_above,
                "large ledger: the detectors run one at a time (one_detector_at_a_time_above)"
            );
        }
        let inputs = detectors::Inputs::new(
            &extract.tables,
            ind,
            communities,
            &pipeline.rules.indicators,
            &pipeline.rules.reinspection,
        );
        let findings = detectors::detect_all_with(&inputs, &pipeline.rules.detectors, workers)?;
        // The counted persons each finding names, for its materiality.
        let questioned = detectors::questioned::questioned(&inputs, &findings)?;
        (findings, questioned)
    };
    clock.lap("detectors");
    fault::point("detectors");
    Ok(out)
}

/// Stage 2's results as the ratings read them.
struct Figures<'a> {
    indicators: &'a Indicators,
    /// The evidence share of each rated figure (`indicators::evidence`).
    evidence: &'a DataFrame,
}

/// Stage 3a's results as the ratings read them.
struct Found<'a> {
    findings: &'a [detectors::Finding],
    /// The counted persons each finding names (`detectors::questioned`).
    questioned: &'a DataFrame,
    /// The panel's checks of the findings: the dismissed ones leave the
    /// risk score, the confirmed ones act on the ratings (docs/ratings.md).
    verified: &'a detectors::verified::Verified,
}

/// Stage 3b's results.
struct Rated {
    ratings: Ratings,
    /// The risk score per community and year (`detectors::risk_scores`).
    risk: DataFrame,
    /// The materiality of each finding that names counted persons
    /// (`ratings::materiality::assess`).
    materiality: DataFrame,
}

fn ratings_stage(
    pipeline: &Pipeline,
    extract: &Extract,
    figures: &Figures,
    found: &Found,
    run_date: chrono::NaiveDate,
    clock: &mut Clock,
) -> Result<Rated> {
    let rated = {
        let _s = stage!("ratings");
        let no_risk = DataFrame::empty();
        let confirmed = &found
            .verified
            .confirmed_frame(&pipeline.rules.verifications)?;
        let inputs = ratings::RatingInputs {
            indicators: &figures.indicators.frame,
            evidence: Some(figures.evidence),
            communities: extract
                .table(Table::Communities)
                .ok_or_else(|| Error::contract("no communities table"))?,
            applications: extract.table(Table::Applications),
            risk: &no_risk,
            confirmed,
            missing_tables: &extract.missing_optional,
            rules: &pipeline.rules,
            review: &pipeline.review,
            decisions: extract.table(Table::Decisions),
            objections: extract.table(Table::Objections),
            approvals: extract.table(Table::Approvals),
            reinspections: extract.table(Table::Reinspections),
            run_date,
            // The bureau's record of the counties' filings (报送登记).
            filings: extract.table(Table::Filings),
        };
        // Each finding's community re-rated without the persons it questions;
        // then the risk, where a material finding weighs double and a
        // finding the panel dismissed no longer counts.
        let materiality = ratings::materiality::assess(
            &ratings::rating_base(&inputs)?,
            found.questioned,
            &pipeline.rules,
            &extract.missing_optional,
        )?;
        let material = ratings::materiality::material_findings(&materiality)?;
        let risk = detectors::risk_scores(
            &found.verified.counted(found.findings, &material),
            &pipeline.rules.risk,
        )?;
        let ratings = ratings::rate(&ratings::RatingInputs {
            risk: &risk,
            ..inputs
        })?;
        Rated {
            ratings,
            risk,
            materiality,
        }
    };
    clock.lap("ratings");
    fault::point("ratings");
    Ok(rated)
}

/// What the publish stage writes.
struct Written<'a> {
    pipeline: &'a Pipeline,
    extract: &'a Extract,
    indicators: &'a Indicators,
    tables: &'a panel::PanelTables,
    panel: &'a panel::Panel,
    pseudonyms: &'a Pseudonymizer,
}

/// The tables, the manifest and the documents into the staging folder,
/// which removes itself unless committed; then the inputs checked again,
/// the manifest written, and the folder committed. Returns the run folder.
fn publish_stage(
    staging: Staging,
    w: &Written,
    run_date: chrono::NaiveDate,
    clock: &mut Clock,
) -> Result<std::path::PathBuf> {
    let pipeline = w.pipeline;
    let publish_span = stage!("publish");
    let outputs = publish::write_tables(
        &staging.dir,
        &publish::Tables {
            indicators: w.indicators,
            panel: w.tables,
            stages: &pipeline.rules.review.stages,
        },
    )?;
    fault::point("tables-written");
    clock.lap("publish");
    let mut manifest = manifest::assemble(manifest::Sources {
        pipeline,
        extract: w.extract,
        indicators: w.indicators,
        panel: w.panel,
        pseudonyms: w.pseudonyms,
        run_id: &staging.run_id,
        run_date,
        fingerprint: &fingerprint::of_extract(pipeline, w.pseudonyms, run_date, w.extract),
        timings_ms: &clock.timings,
        outputs,
    })?;
    drop(publish_span);
    let documents = {
        let _s = stage!("documents");
        publish::write_documents(
            &staging.dir,
            &publish::report::input::ReportInputs {
                panel: w.panel,
                rejects: &w.tables.rejects,
                manifest: &manifest,
                pipeline,
            },
        )?
    };
    manifest.outputs.extend(documents);
    clock.lap("documents");
    fault::point("documents-written");
    publish::recheck::inputs_unchanged(&w.extract.inputs)?;
    manifest.timings_ms = clock.timings.clone();
    publish::write_manifest(&staging.dir, &manifest)?;
    fault::point("manifest-written");
    staging.commit()
}

/// The committed run's history (`history/`, beside the runs): its years'
/// rows and the decisions log. A failure here leaves the run published and
/// `history/` as it was (each file old or new); the next run writes it,
/// even on unchanged inputs (`publish::history::behind`).
fn history_stage(
    pipeline: &Pipeline,
    history: &panel::history::History,
    run_dir: &std::path::Path,
    clock: &mut Clock,
) -> Result<()> {
    // The run folder's name is its id.
    let run_id = run_dir
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().to_string());
    {
        let _s = stage!("history");
        let written = publish::history::write(
            &pipeline.output_dir,
            history,
            &run_id,
            &pipeline.rules.review.stages,
        )
        .map_err(|e| {
            Error::Internal(anyhow::anyhow!(
                "run {run_id} is published, but its history (history/) could not be written: {e}; \
                 the next run writes it"
            ))
        })?;
        tracing::info!(files = written.len(), "history written");
    }
    clock.lap("history");
    Ok(())
}

/// Runs beyond `keep_runs` removed, oldest first.
fn prune(pipeline: &Pipeline) -> Result<()> {
    let removed = run_folder::prune(&pipeline.output_dir, pipeline.keep_runs)?;
    if !removed.is_empty() {
        tracing::info!(runs = removed.len(), "removed old runs beyond keep_runs");
    }
    Ok(())
}
