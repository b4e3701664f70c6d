//! Parquet tables as one Hive-partitioned dataset per table:
//! `<table>/year=YYYY/part-0.parquet`, zstd, the `year` column kept in the file
//! too so a single file read alone still says its year.

use std::path::{Path, PathBuf};

use polars::prelude::*;

use crate::error::Result;

/// One file written, for the manifest.
#[derive(Debug, Clone)]
pub struct Written {
    /// Path relative to the run folder, `/`-separated.
    pub path: String,
    pub rows: usize,
}

/// Writes one frame to one Parquet file (zstd).
pub fn write_file(df: &DataFrame, path: &Path) -> Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let file = std::fs::File::create(path)?;
    let mut df = df.clone();
    ParquetWriter::new(file)
        .with_compression(ParquetCompression::Zstd(None))
        .with_statistics(StatisticsOptions::full())
        .finish(&mut df)?;
    Ok(())
}

/// Writes `df` under `run/<table>/year=YYYY/part-0.parquet`, one file per year
/// of `years` (a year without rows still gets a file with the schema, so
/// readers always find every configured year).
pub fn write_by_year(
    df: &DataFrame,
    run: &Path,
    table: &str,
    years: &[i32],
) -> Result<Vec<Written>> {
    let mut written = Vec::new();
    for &year in years {
        let part = df
            .clone()
            .lazy()
            .filter(col("year").eq(lit(year as i64)))
            .collect()?;
        let rel = format!("{table}/year={year}/part-0.parquet");
        write_file(&part, &run.join(&rel))?;
        written.push(Written {
            path: rel,
            rows: part.height(),
        });
    }
    Ok(written)
}

/// Writes an unpartitioned table `run/<name>.parquet`.
pub fn write_single(df: &DataFrame, run: &Path, name: &str) -> Result<Written> {
    let rel = format!("{name}.parquet");
    write_file(df, &run.join(PathBuf::from(&rel)))?;
    Ok(Written {
        path: rel,
        rows: df.height(),
    })
}
