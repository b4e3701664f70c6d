//! Stage 4b (after the panel view, 4a), everything that writes: the Parquet datasets, the rejects, the
//! manifest, the panel's documents (report, charts, forms), the run
//! folder that `latest` points at, and `history/` beside the runs. No other
//! stage touches the output folder.

pub mod charts;
pub mod compare;
pub mod forms;
pub mod history;
pub mod lock;
pub mod manifest;
pub mod parquet;
pub mod published_history;
pub mod published_run;
pub mod recheck;
pub mod report;
pub mod run_folder;

use std::path::Path;

use crate::error::Result;
use crate::indicators::Indicators;
use crate::panel::PanelTables;
use manifest::OutputRef;

/// What one run publishes as tables.
pub struct Tables<'a> {
    pub indicators: &'a Indicators,
    /// The ratings' and the panel's tables, in their published order.
    pub panel: &'a PanelTables,
    /// The review's stages: the `status` table's stage columns.
    pub stages: &'a crate::config::Stages,
}

/// Writes every table into the run folder; returns what was written, with
/// each file's sha256, in a stable order.
pub fn write_tables(dir: &Path, tables: &Tables) -> Result<Vec<OutputRef>> {
    let years: Vec<i32> = tables.indicators.periods.iter().map(|p| p.year).collect();
    let mut written = parquet::write_by_year(
        &tables.indicators.frame,
        dir,
        "indicators",
        &years,
        tables.stages,
    )?;
    for d in &tables.panel.datasets {
        written.extend(parquet::write_by_year(
            &d.frame,
            dir,
            d.name,
            &d.years(&years)?,
            tables.stages,
        )?);
    }
    written.push(parquet::write_single(
        &tables.panel.rejects,
        dir,
        "rejects",
        tables.stages,
    )?);
    written
        .into_iter()
        .map(|w| {
            Ok(OutputRef {
                sha256: crate::digest::sha256_file_fresh(&dir.join(&w.path))?.1,
                path: w.path,
                rows: w.rows,
            })
        })
        .collect()
}

/// Writes `manifest.json` into the run folder, durably.
pub fn write_manifest(dir: &Path, manifest: &manifest::Manifest) -> Result<()> {
    use std::io::Write;
    let text = serde_json::to_string_pretty(manifest).map_err(anyhow::Error::from)?;
    let path = dir.join("manifest.json");
    let mut f = std::fs::File::create(&path).map_err(|e| parquet::write_error(&path, e))?;
    f.write_all(text.as_bytes())
        .and_then(|()| f.sync_all())
        .map_err(|e| parquet::write_error(&path, e))?;
    Ok(())
}

/// The day a run's documents are made: the manifest's `run_date`
/// (Asia/Shanghai, or the date the command line pinned), which the report's
/// timeline counts from too.
fn made_on(run_date: &str) -> Result<chrono::NaiveDate> {
    crate::contract::dates::parse_date(run_date).ok_or_else(|| {
        crate::error::Error::Internal(anyhow::anyhow!(
            "the manifest's run_date is not a date: {run_date}"
        ))
    })
}

/// Writes the panel's documents into the run folder: `report.html`,
/// `charts/*.svg` and `forms/*.xlsx`, all from the run's own frames. Returns
/// what was written (`rows` is 0 for a document), with each file's sha256.
pub fn write_documents(dir: &Path, inputs: &report::input::ReportInputs) -> Result<Vec<OutputRef>> {
    let review = inputs.panel;
    let charts = charts::all(review, &inputs.pipeline.rules)?;
    let mut written = charts::write(dir, &charts)?;
    let html = report::render(&report::Context {
        review,
        charts: &charts,
        manifest: inputs.manifest,
        rejects: inputs.rejects,
        city_name: &inputs.pipeline.city_name,
    })?;
    std::fs::write(dir.join("report.html"), html)?;
    written.push("report.html".into());
    written.extend(forms::write(
        dir,
        review,
        &forms::Settings {
            city: &inputs.pipeline.city_name,
            made_on: made_on(&inputs.manifest.run_date)?,
            review: &inputs.pipeline.review,
        },
    )?);
    written
        .into_iter()
        .map(|path| {
            Ok(OutputRef {
                sha256: crate::digest::sha256_file(&dir.join(&path))?.1,
                path,
                rows: 0,
            })
        })
        .collect()
}
