//! Everything that writes: Parquet tables, the manifest, the run folder.
