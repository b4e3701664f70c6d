//! `fullemp explain`: one community from the latest run.

use std::path::PathBuf;

use fullemp::Result;

/// Show one community from the latest run: its indicators with numerators and
/// denominators, the re-inspection verdict with its failing rules (for a
/// pass, its margin: how many counted persons fewer would fail it), the score
/// by component, level and stars, the findings with their evidence, and its
/// place on the shortlist and in the spot-check sample.
///
/// Reads the published run (never recomputes it). With --rules, also shows
/// the community rated under a candidate rules file beside the run's own
/// rules, as `fullemp compare` rates it. An unknown code exits 2 and names
/// the nearest codes of the run.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  fullemp explain 410402001001\n  fullemp explain 410402001001 --year 2020 --json\n  \
                  fullemp explain 410402001001 --out /srv/fullemp\n  \
                  fullemp explain 410402001001 --rules candidate.toml"
)]
pub struct Args {
    /// The community's 12-digit code (社区代码).
    pub community_code: String,

    /// Output folder whose `latest` run is read (default: the pipeline's `output_dir`).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,

    /// Pipeline file giving the output folder when --out is not given.
    #[arg(long, value_name = "FILE", default_value = "pipelines/nightly.toml")]
    pub pipeline: PathBuf,

    /// Review year (default: the latest year of the run).
    #[arg(long, value_name = "Y")]
    pub year: Option<i32>,

    /// One JSON document on stdout, for scripts.
    #[arg(long)]
    pub json: bool,

    /// A candidate rules file: also show the community under it beside the
    /// run's own rules (as `fullemp compare` rates it; only the keys that
    /// change are needed).
    #[arg(long, value_name = "FILE")]
    pub rules: Option<PathBuf>,

    /// The day the review timeline's states are told for (YYYY-MM-DD;
    /// default: today in Asia/Shanghai).
    #[arg(long, value_name = "DATE", value_parser = super::run::parse_day)]
    pub run_date: Option<chrono::NaiveDate>,
}

pub fn execute(args: Args) -> Result<()> {
    let out = match args.out {
        Some(o) => o,
        None => super::load_pipeline(&args.pipeline, None, None, None)?.output_dir,
    };
    let day = args
        .run_date
        .unwrap_or_else(fullemp::indicators::period::today);
    let code = args.community_code.trim();
    let mut doc = fullemp::explain::gather(&out, code, args.year, day)?;
    if let Some(rules) = &args.rules {
        let year = doc["year"].as_i64().unwrap_or_default() as i32;
        doc["rules_compared"] = fullemp::explain::rules::gather(&out, code, year, rules)?;
    }
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&doc).map_err(anyhow::Error::from)?
        );
    } else {
        print!("{}", fullemp::explain::text::render(&doc));
        if args.rules.is_some() {
            print!(
                "{}",
                fullemp::explain::rules::render(&doc["rules_compared"])
            );
        }
    }
    Ok(())
}
