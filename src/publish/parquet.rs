//! Parquet tables as one Hive-partitioned dataset per table:
//! `<table>/year=YYYY/part-0.parquet`, zstd. As Spark, pyarrow and DuckDB write
//! partitions, `year` lives in the path and not in the file: readers that
//! partition by Hive rules add it back, and a file that also held it would make
//! pyarrow refuse to merge its Int64 with the Int32 it infers from the path.
//!
//! Every column carries its one-line description (`dictionary.rs`) in the
//! Arrow field metadata under `description`, so that `pyarrow`'s schema and
//! the tools built on it show the data dictionary. Every file is fsynced.

use std::io::Write;
use std::path::{Path, PathBuf};

use polars::prelude::*;

use crate::config::Stages;
use crate::error::{Error, Result};
use crate::panel::dictionary;

/// One file written, for the manifest.
#[derive(Debug, Clone)]
pub struct Written {
    /// Path relative to the run folder, `/`-separated.
    pub path: String,
    pub rows: usize,
}

/// An error of writing `path`, naming it (a full disk says "No space left on
/// device" and which file it was writing).
pub fn write_error(path: &Path, e: impl std::fmt::Display) -> Error {
    Error::Internal(anyhow::anyhow!("cannot write {}: {e}", path.display()))
}

/// Writes one frame of `table` to one Parquet file (zstd), durably. The file
/// is encoded in memory first, so that a failing write (a full disk) reports
/// the operating system's own words rather than an encoder's.
pub fn write_file(df: &DataFrame, table: &str, path: &Path, stages: &Stages) -> Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| write_error(dir, e))?;
    }
    let bytes = encode(df, table, stages).map_err(|e| write_error(path, e))?;
    let mut file = std::fs::File::create(path).map_err(|e| write_error(path, e))?;
    let (head, tail) = bytes.split_at(bytes.len() / 2);
    file.write_all(head)
        .and_then(|()| file.flush())
        .map_err(|e| write_error(path, e))?;
    // Half a file on disk: where the fault tests kill a run "inside a write".
    crate::fault::point("parquet-write");
    file.write_all(tail)
        .and_then(|()| file.sync_all())
        .map_err(|e| write_error(path, e))?;
    Ok(())
}

/// One frame of `table` as the bytes of a Parquet file (zstd, statistics,
/// every column described).
pub fn encode(df: &DataFrame, table: &str, stages: &Stages) -> PolarsResult<Vec<u8>> {
    let mut bytes = Vec::new();
    let mut df = df.clone();
    ParquetWriter::new(&mut bytes)
        .with_compression(ParquetCompression::Zstd(None))
        .with_statistics(StatisticsOptions::full())
        .with_key_value_metadata(Some(described_arrow_schema(&df, table, stages)))
        .finish(&mut df)?;
    Ok(bytes)
}

/// The Arrow schema embedded in the file: every field with its description,
/// in the oldest Arrow types (strings as `large_string`, not `string_view`).
/// polars would otherwise embed view types that older pyarrow, R arrow and
/// Spark's Arrow path cannot read; the Parquet columns themselves are the
/// same either way.
fn described_arrow_schema(df: &DataFrame, table: &str, stages: &Stages) -> KeyValueMetadata {
    let mut schema = df.schema().to_arrow(CompatLevel::oldest());
    for field in schema.iter_values_mut() {
        if let Some(text) = dictionary::describe(table, field.name.as_str(), stages) {
            let mut meta = field.metadata.as_deref().cloned().unwrap_or_default();
            meta.insert("description".into(), text.into());
            field.metadata = Some(std::sync::Arc::new(meta));
        }
    }
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
    stages: &Stages,
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
        write_file(&part, table, &run.join(&rel), stages)?;
        written.push(Written {
            path: rel,
            rows: part.height(),
        });
    }
    Ok(written)
}

/// Writes an unpartitioned table `run/<name>.parquet`.
pub fn write_single(df: &DataFrame, run: &Path, name: &str, stages: &Stages) -> Result<Written> {
    let rel = format!("{name}.parquet");
    write_file(df, name, &run.join(PathBuf::from(&rel)), stages)?;
    Ok(Written {
        path: rel,
        rows: df.height(),
    })
}
