//! Parquet tables as one Hive-partitioned dataset per table:
//! `<table>/year=YYYY/part-0.parquet`, zstd. As Spark, pyarrow and DuckDB write
//! partitions, `year` lives in the path and not in the file: readers that
//! partition by Hive rules add it back, and a file that also held it would make
//! pyarrow refuse to merge its Int64 with the Int32 it infers from the path.

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
        .with_key_value_metadata(Some(portable_arrow_schema(&df)))
        .finish(&mut df)?;
    Ok(())
}

/// The Arrow schema embedded in the file, in the oldest Arrow types (strings
/// as `large_string`, not `string_view`). polars would otherwise embed view
/// types that older pyarrow, R arrow and Spark's Arrow path cannot read; the
/// Parquet columns themselves are the same either way.
fn portable_arrow_schema(df: &DataFrame) -> KeyValueMetadata {
    let schema = df.schema().to_arrow(CompatLevel::oldest());
    let kv = polars_parquet::write::schema_to_metadata_key(&schema);
    KeyValueMetadata::from_static(vec![(kv.key, kv.value.unwrap_or_default())])
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
            .collect()?
            .drop("year")?;
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
