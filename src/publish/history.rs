//! `<output_dir>/history/`: the memory across review years, beside `runs/`
//! and never pruned with them (docs/outputs.md, "history/"):
//!
//! ```text
//! history/
//!   decisions_log.parquet                  every version of every record read
//!   ratings/year=YYYY/part-0.parquet       one row per community of the year
//! ```
//!
//! Written after the run is committed (`run.rs`), so a failed run writes
//! none of it. Each file is replaced whole: written under a hidden
//! temporary name in its own folder, fsynced, renamed over the old file,
//! its folder fsynced; a kill at any moment leaves the old file or the new
//! one, never a torn one, and a temporary left behind is removed by the
//! next run (`clean_stale`). The log is written first, then the run's years
//! in order: a year's file naming the run means the log is the run's too
//! (`behind`). A year the run does not cover is never touched.

use std::io::Write;
use std::path::Path;

use polars::prelude::*;

use super::parquet::{encode, write_error};
use super::published_history::PublishedHistory;
use super::published_run::PublishedRun;
use super::run_folder::sync_dir;
use crate::config::Stages;
use crate::error::Result;
use crate::panel::decision_log::LOG;
use crate::panel::history::{History, RATINGS};

/// The folder's name under the output folder.
pub const FOLDER: &str = "history";
/// The history rows' dataset, under `history/`.
pub const RATINGS_FOLDER: &str = "ratings";
/// A year's file.
pub const PART: &str = "part-0.parquet";
/// The decisions log, under `history/`.
pub const LOG_FILE: &str = "decisions_log.parquet";
/// How a temporary ends: `.<file>.<run id>.tmp`, hidden from Hive readers
/// and no `.parquet` to any reader of the folder.
const TEMP_SUFFIX: &str = ".tmp";

/// Writes the run's history: the log, then each year of the run. Returns
/// the files written, relative to the output folder.
pub fn write(
    output_dir: &Path,
    history: &History,
    run_id: &str,
    stages: &Stages,
) -> Result<Vec<String>> {
    let root = output_dir.join(FOLDER);
    std::fs::create_dir_all(&root).map_err(|e| write_error(&root, e))?;
    let mut written = vec![replace(
        &root,
        LOG_FILE,
        &encode(&history.log, LOG, stages)?,
        run_id,
    )?];
    let ratings = root.join(RATINGS_FOLDER);
    for &year in &history.years {
        let part = history
            .ratings
            .clone()
            .lazy()
            .filter(col("year").eq(lit(i64::from(year))))
            .collect()?
            .drop("year")?;
        let dir = ratings.join(format!("year={year}"));
        std::fs::create_dir_all(&dir).map_err(|e| write_error(&dir, e))?;
        written.push(replace(
            &dir,
            PART,
            &encode(&part, RATINGS, stages)?,
            run_id,
        )?);
    }
    // The folders that may be new, down to the output folder.
    if ratings.is_dir() {
        sync_dir(&ratings)?;
    }
    sync_dir(&root)?;
    sync_dir(output_dir)?;
    Ok(written
        .into_iter()
        .map(|p| {
            p.strip_prefix(output_dir)
                .unwrap_or(&p)
                .to_string_lossy()
                .to_string()
        })
        .collect())
}

/// Replaces `dir/name` with `bytes` in one rename, durably.
fn replace(dir: &Path, name: &str, bytes: &[u8], run_id: &str) -> Result<std::path::PathBuf> {
    let path = dir.join(name);
    let temp = dir.join(format!(".{name}.{run_id}{TEMP_SUFFIX}"));
    let mut file = std::fs::File::create(&temp).map_err(|e| write_error(&temp, e))?;
    let (head, tail) = bytes.split_at(bytes.len() / 2);
    file.write_all(head)
        .and_then(|()| file.flush())
        .map_err(|e| write_error(&temp, e))?;
    // Half a temporary on disk, the old file untouched: where the fault
    // tests kill a run inside its history write.
    crate::fault::point("history-write");
    file.write_all(tail)
        .and_then(|()| file.sync_all())
        .map_err(|e| write_error(&temp, e))?;
    drop(file);
    std::fs::rename(&temp, &path).map_err(|e| write_error(&path, e))?;
    sync_dir(dir)?;
    Ok(path)
}

/// Removes the temporaries a killed run left under `history/`.
pub fn clean_stale(output_dir: &Path) -> Result<()> {
    fn walk(dir: &Path) -> Result<()> {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return Ok(());
        };
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().to_string();
            let kind = e.file_type()?;
            if kind.is_dir() {
                walk(&e.path())?;
            } else if name.starts_with('.') && name.ends_with(TEMP_SUFFIX) {
                tracing::info!(file = %e.path().display(), "removing a half-written history file");
                std::fs::remove_file(e.path())?;
            }
        }
        Ok(())
    }
    walk(&output_dir.join(FOLDER))
}

/// Whether `history/` lags behind the run `latest` names: a year of that
/// run without its file, or with rows another run wrote (a run killed, or
/// failing, after it was committed and before its history was written).
/// No `latest`: nothing to lag behind.
pub fn behind(output_dir: &Path) -> Result<bool> {
    let Some(run) = PublishedRun::latest(output_dir)? else {
        return Ok(false);
    };
    let history = PublishedHistory::of(output_dir);
    for p in &run.manifest.periods {
        let Some(df) = history.year(p.year)? else {
            return Ok(true);
        };
        let ids = crate::frame::strings(&df, "run_id")?;
        if ids
            .iter()
            .any(|id| id.as_deref() != Some(run.manifest.run_id.as_str()))
        {
            return Ok(true);
        }
    }
    Ok(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_temporary_left_behind_is_removed_and_the_files_stay() {
        let dir = tempfile::tempdir().unwrap();
        let year = dir.path().join(FOLDER).join("ratings/year=2021");
        std::fs::create_dir_all(&year).unwrap();
        std::fs::write(year.join(PART), b"PAR1 kept").unwrap();
        std::fs::write(year.join(".part-0.parquet.20220101T010101.tmp"), b"PAR1").unwrap();
        std::fs::write(dir.path().join(FOLDER).join("notes.txt"), b"mine").unwrap();
        clean_stale(dir.path()).unwrap();
        let mut left: Vec<String> = std::fs::read_dir(&year)
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().to_string())
            .collect();
        left.sort();
        assert_eq!(left, [PART]);
        assert!(dir.path().join(FOLDER).join("notes.txt").is_file());
    }
}
