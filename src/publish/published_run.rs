//! A published run read back: its folder, its typed `Manifest`, and its
//! Parquet tables. The one reader of a run folder, for `explain`, the
//! report's change section (the previous run) and the fingerprint check.

use std::path::{Path, PathBuf};

use polars::prelude::*;

use super::manifest::{self, Manifest};
use super::run_folder::LATEST;
use crate::error::Result;

/// One complete run folder and its manifest.
#[derive(Debug, Clone)]
pub struct PublishedRun {
    pub dir: PathBuf,
    pub manifest: Manifest,
}

impl PublishedRun {
    /// The run in `dir`; an error when it has no readable manifest.
    pub fn open(dir: &Path) -> Result<PublishedRun> {
        Ok(PublishedRun {
            dir: dir.to_path_buf(),
            manifest: Manifest::read(dir)?,
        })
    }

    /// The run `latest` names under `output_dir`, None when there is none
    /// (no `latest`, or a folder without a manifest).
    pub fn latest(output_dir: &Path) -> Result<Option<PublishedRun>> {
        let Some(dir) = latest_dir(output_dir) else {
            return Ok(None);
        };
        if !dir.join(manifest::FILE).is_file() {
            return Ok(None);
        }
        PublishedRun::open(&dir).map(Some)
    }

    /// One year's partition of a by-year table, None when absent.
    pub fn partition(&self, table: &str, year: i32) -> Result<Option<DataFrame>> {
        read_parquet(&self.dir.join(format!("{table}/year={year}/part-0.parquet")))
    }

    /// A table written as one file (`rejects.parquet`), None when absent.
    pub fn single(&self, table: &str) -> Result<Option<DataFrame>> {
        read_parquet(&self.dir.join(format!("{table}.parquet")))
    }

    /// Every partition of a by-year table as one frame, with `year` (Int64)
    /// added back from the folder name; None when the table is absent.
    pub fn table(&self, table: &str) -> Result<Option<DataFrame>> {
        read_dataset(&self.dir.join(table))
    }
}

/// Every partition of a by-year dataset folder (`year=YYYY/*.parquet`) as
/// one frame, with `year` (Int64) added back from the folder name; None
/// when the folder holds none.
pub fn read_dataset(dir: &Path) -> Result<Option<DataFrame>> {
    let mut all: Option<DataFrame> = None;
    for (year, path) in partitions(dir)? {
        let mut df = read_parquet(&path)?.expect("a listed partition exists");
        let n = df.height();
        df.with_column(Column::new("year".into(), vec![year; n]))?;
        all = Some(match all {
            None => df,
            Some(mut a) => {
                a.vstack_mut(&df)?;
                a
            }
        });
    }
    Ok(all)
}

/// The folder `latest` names under `output_dir`, resolved; None without one.
pub fn latest_dir(output_dir: &Path) -> Option<PathBuf> {
    std::fs::canonicalize(output_dir.join(LATEST)).ok()
}

/// (year, file) of every `year=YYYY/*.parquet` under a table's folder, sorted.
fn partitions(dir: &Path) -> Result<Vec<(i64, PathBuf)>> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(Vec::new());
    };
    let mut parts = Vec::new();
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().to_string();
        let Some(year) = name.strip_prefix("year=").and_then(|y| y.parse().ok()) else {
            continue;
        };
        for f in std::fs::read_dir(e.path())?.flatten() {
            if f.path().extension().is_some_and(|x| x == "parquet") {
                parts.push((year, f.path()));
            }
        }
    }
    parts.sort();
    Ok(parts)
}

/// One Parquet file, None when absent.
pub fn read_parquet(path: &Path) -> Result<Option<DataFrame>> {
    if !path.is_file() {
        return Ok(None);
    }
    let file = std::fs::File::open(path)?;
    Ok(Some(ParquetReader::new(file).finish()?))
}

impl crate::panel::changes::PreviousRun for PublishedRun {
    fn run_id(&self) -> &str {
        &self.manifest.run_id
    }

    fn as_of(&self) -> &str {
        &self.manifest.as_of
    }

    fn partition(&self, table: &str, year: i32) -> Result<Option<DataFrame>> {
        PublishedRun::partition(self, table, year)
    }

    fn single(&self, table: &str) -> Result<Option<DataFrame>> {
        PublishedRun::single(self, table)
    }
}
