//! The `history/` folder read back: the history rows of every year and the
//! decisions log, as `publish::history` writes them. The one reader of the
//! folder, for the run (what the panel carries on from) and `explain`.

use std::path::{Path, PathBuf};

use polars::prelude::DataFrame;

use super::history::{FOLDER, LOG_FILE, RATINGS_FOLDER};
use super::published_run::{read_dataset, read_parquet};
use crate::error::Result;
use crate::panel::history::Earlier;

/// The `history/` folder of an output folder (it may not exist yet).
#[derive(Debug, Clone)]
pub struct PublishedHistory {
    pub dir: PathBuf,
}

impl PublishedHistory {
    pub fn of(output_dir: &Path) -> PublishedHistory {
        PublishedHistory {
            dir: output_dir.join(FOLDER),
        }
    }

    /// Every year's history rows, with `year` (Int64); None when there is none.
    pub fn ratings(&self) -> Result<Option<DataFrame>> {
        read_dataset(&self.dir.join(RATINGS_FOLDER))
    }

    /// One year's history rows (without `year`); None when the year has none.
    pub fn year(&self, year: i32) -> Result<Option<DataFrame>> {
        read_parquet(&self.year_file(year))
    }

    /// The file of one year's history rows.
    pub fn year_file(&self, year: i32) -> PathBuf {
        self.dir
            .join(RATINGS_FOLDER)
            .join(format!("year={year}"))
            .join(super::history::PART)
    }

    /// The decisions log; None before the first.
    pub fn log(&self) -> Result<Option<DataFrame>> {
        read_parquet(&self.dir.join(LOG_FILE))
    }

    /// What the panel carries on from.
    pub fn earlier(&self) -> Result<Earlier> {
        Ok(Earlier {
            ratings: self.ratings()?,
            log: self.log()?,
        })
    }
}
