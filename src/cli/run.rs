//! `fullemp run`: the whole job on one extract.

use std::path::PathBuf;

use chrono::NaiveDate;
use fullemp::Result;
use fullemp::config::AsOf;
use fullemp::privacy::{KEY_ENV, KeyEnvironment};

/// Run the whole job: ingest and validate the extract, compute indicators,
/// verdicts, scores, shortlist and spot checks, and publish a run folder.
///
/// The run is written to <out>/runs/<run_id>/ and <out>/latest is switched to
/// it only once it is complete; a run that fails publishes nothing.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  fullemp run\n  fullemp run --pipeline pipelines/annual-review-2021.toml\n  \
                        fullemp run --input /data/extract-20211231 --as-of 2021-12-31 --out /srv/fullemp"
)]
pub struct Args {
    /// Pipeline file (TOML): input folder, output folder, cut-off, years, rules.
    #[arg(long, value_name = "FILE", default_value = "pipelines/nightly.toml")]
    pub pipeline: PathBuf,

    /// Extract folder, overriding the pipeline's `input_dir`.
    #[arg(long, value_name = "DIR")]
    pub input: Option<PathBuf>,

    /// Output folder, overriding the pipeline's `output_dir`.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,

    /// Cut-off date A (YYYY-MM-DD, `today` or `extract`), overriding the pipeline's `as_of`.
    #[arg(long, value_name = "DATE", value_parser = parse_as_of)]
    pub as_of: Option<AsOf>,

    /// Run even when inputs, pipeline and program are unchanged since the last run.
    #[arg(long)]
    pub force: bool,

    /// The day the report is made (YYYY-MM-DD), for the review timeline's
    /// states (default: today in Asia/Shanghai). Not the cut-off: see --as-of.
    #[arg(long, value_name = "DATE", value_parser = parse_day)]
    pub run_date: Option<NaiveDate>,
}

pub fn parse_day(s: &str) -> std::result::Result<NaiveDate, String> {
    fullemp::contract::dates::parse_date(s)
        .ok_or_else(|| format!("`{s}` is not a date (YYYY-MM-DD)"))
}

pub fn parse_as_of(s: &str) -> std::result::Result<AsOf, String> {
    AsOf::parse(s).ok_or_else(|| format!("`{s}` is not a date (YYYY-MM-DD), `today` or `extract`"))
}

pub fn execute(args: Args) -> Result<()> {
    let pipeline = super::load_pipeline(&args.pipeline, args.input, args.out, args.as_of)?;
    #[cfg(feature = "fault-injection")]
    if let Some(hold) = fault_hold() {
        fullemp::fault::arm(hold);
    }
    let options = fullemp::run::Options {
        force: args.force,
        key: key_environment(),
        run_date: args
            .run_date
            .unwrap_or_else(fullemp::indicators::period::today),
    };
    // Progress (on a terminal) comes from the stage spans, through the log writer.
    let outcome = fullemp::run::run(&pipeline, &options)?;
    println!("{outcome}");
    Ok(())
}

/// The pseudonym key's environment (docs/operations.md, "Personal data").
fn key_environment() -> KeyEnvironment {
    let state_dir = std::env::var_os("XDG_STATE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| {
            std::env::var_os("HOME")
                .filter(|v| !v.is_empty())
                .map(|h| PathBuf::from(h).join(".local/state"))
        });
    KeyEnvironment {
        key: std::env::var(KEY_ENV).ok(),
        state_dir,
    }
}

/// The fault tests' hold point and folder (`fullemp::fault`), when both are set.
#[cfg(feature = "fault-injection")]
fn fault_hold() -> Option<fullemp::fault::Hold> {
    use fullemp::fault::{DIR_ENV, HOLD_ENV, Hold};
    let point = std::env::var(HOLD_ENV).ok()?;
    let dir = std::env::var_os(DIR_ENV)?;
    Some(Hold {
        point,
        dir: PathBuf::from(dir),
    })
}
