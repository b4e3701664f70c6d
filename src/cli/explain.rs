//! `fullemp explain`: one community from the latest run.

use std::path::PathBuf;

use fullemp::{Error, Result};

/// Show one community from the latest run: its indicators, verdict, score and
/// findings with evidence.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The community's 12-digit code (社区代码).
    pub community_code: String,

    /// Output folder whose `latest` run is read (default: the nightly pipeline's).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

pub fn execute(_args: Args) -> Result<()> {
    Err(Error::NotAvailable("explain"))
}
