//! `fullemp validate`: the data contract alone.

use std::path::{Path, PathBuf};

use fullemp::config::{AsOf, Pipeline};
use fullemp::{Error, Result};

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

/// Loads the pipeline file and lays the command line's overrides over it.
pub fn load_pipeline(
    path: &Path,
    input: Option<PathBuf>,
    out: Option<PathBuf>,
    as_of: Option<AsOf>,
) -> Result<Pipeline> {
    if !path.exists() {
        return Err(Error::usage(format!(
            "pipeline file {} does not exist",
            path.display()
        )));
    }
    let mut p = Pipeline::load(path)?;
    // The rules stage keeps the detectors' sections as TOML; each detector
    // reads and checks its own, here, before any input is read.
    fullemp::detectors::registry::check(&p.rules.detectors).map_err(|(key, value, expected)| {
        let file = match (&p.rules_source.file, p.rules_source.inline) {
            (Some(f), false) => f.clone(),
            _ => path.to_path_buf(),
        };
        Error::Pipeline {
            file,
            message: format!("key `{key}`: {value} is not valid (expected {expected})"),
        }
    })?;
    if let Some(i) = input {
        p.input_dir = i;
    }
    if let Some(o) = out {
        p.output_dir = o;
    }
    if let Some(a) = as_of {
        p.as_of = a;
    }
    Ok(p)
}

pub fn execute(args: Args) -> Result<()> {
    let pipeline = load_pipeline(&args.pipeline, args.input, None, None)?;
    let outcome = fullemp::ingest::validate(&pipeline)?;
    print!("{}", outcome.report);
    match outcome.verdict {
        Ok(()) => Ok(()),
        Err(e) => Err(e),
    }
}
