//! `fullemp validate`: the data contract alone.

use std::path::PathBuf;

use fullemp::Result;

/// Check an extract against the data contract and print, per table, the rows
/// read, the rows rejected and why. Writes nothing.
///
/// Exits 0 when the extract can be used, 3 when a file or required column is
/// missing or unreadable, or when a table's rejected share exceeds the
/// pipeline's `max_reject_ratio`. Identity numbers in rejected cells are
/// masked (first 6 and last 4 characters kept).
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  fullemp validate\n  fullemp validate --input /data/extract-20211231"
)]
pub struct Args {
    /// Pipeline file (TOML), for the input folder and per-table reading overrides.
    #[arg(long, value_name = "FILE", default_value = "pipelines/nightly.toml")]
    pub pipeline: PathBuf,

    /// Extract folder, overriding the pipeline's `input_dir`.
    #[arg(long, value_name = "DIR")]
    pub input: Option<PathBuf>,
}

pub fn execute(args: Args) -> Result<()> {
    let pipeline = super::load_pipeline(&args.pipeline, args.input, None, None)?;
    let outcome = fullemp::ingest::validate(&pipeline, &fullemp::detectors::ids())?;
    print!("{}", outcome.report);
    match outcome.verdict {
        Ok(()) => Ok(()),
        Err(e) => Err(e),
    }
}
