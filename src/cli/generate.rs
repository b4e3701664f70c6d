//! `fullemp generate`: a synthetic extract with falsification injected.

use std::path::PathBuf;

use fullemp::{Error, Result};

/// Write a synthetic extract in the data contract, with falsification patterns
/// injected into a share of communities and their ground truth in
/// `ground_truth.csv`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Folder to write the extract into (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

pub fn execute(_args: Args) -> Result<()> {
    Err(Error::NotAvailable("generate"))
}
