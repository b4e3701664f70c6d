//! The command line of `docs/outputs.md`: one file per subcommand, each a thin
//! shell over the library that parses its flags, calls the pipeline and prints.
//! What the commands share lives here: the pipeline file with the command
//! line's overrides (`load_pipeline`). The environment is read in `cli/` alone
//! and handed to the library as values.

use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand};

use crate::logging::LogFormat;
use fullemp::config::{AsOf, Pipeline};
use fullemp::{Error, Result};

pub mod compare;
pub mod explain;
pub mod generate;
pub mod run;
pub mod validate;

/// Employment registry pipeline for the full-employment community reviews.
///
/// Reads the registry extracts (the data contract's nine tables), computes
/// every community's indicators, rates them for the re-inspection of
/// provincial full-employment communities (充分就业社区复查) and the city-level
/// and star evaluation (市级/星级评审), and publishes Parquet tables with a
/// manifest under the output folder.
///
/// Exit codes: 0 done; 1 internal error; 2 bad command line or pipeline file;
/// 3 the input broke the data contract; 4 another run holds the lock.
#[derive(Debug, Parser)]
#[command(name = "fullemp", version, about, long_about, max_term_width = 100)]
pub struct Cli {
    /// Log format on stderr: `human` (text) or `json` (one object a line).
    #[arg(long, global = true, value_enum, default_value = "human")]
    pub log_format: LogFormat,

    /// No progress display and no information lines: warnings and errors only (stdout keeps the result).
    #[arg(long, global = true)]
    pub quiet: bool,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    Run(run::Args),
    Validate(validate::Args),
    Generate(generate::Args),
    Explain(explain::Args),
    Compare(compare::Args),
}

pub fn execute(command: Command) -> Result<()> {
    match command {
        Command::Run(a) => run::execute(a),
        Command::Validate(a) => validate::execute(a),
        Command::Generate(a) => generate::execute(a),
        Command::Explain(a) => explain::execute(a),
        Command::Compare(a) => compare::execute(a),
    }
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
    // `[verifications] confirm_from` names detectors too: checked here with them.
    fullemp::detectors::registry::check(&p.rules.detectors)
        .and_then(|()| fullemp::detectors::verified::check(&p.rules.verifications))
        .map_err(|(key, value, expected)| {
            let file = match (&p.rules_source.file, p.rules_source.inline) {
                (Some(f), false) => f.clone(),
                _ => path.to_path_buf(),
            };
            Error::Pipeline {
                file,
                message: format!("key `{key}`: {value} is not valid (expected {expected})"),
            }
        })?;
    // The calendar's computed checks (the publicity end against the
    // confirmation date, a day both holiday and worked) before any input is
    // read, as `validate` does too; the ratings stage computes the same again.
    let publicity = fullemp::ratings::calendar::publicity(&p.review, &p.rules.publicity)?;
    fullemp::ratings::calendar::stages(&p.review, publicity.as_ref())?;
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
