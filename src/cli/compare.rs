//! `fullemp compare`: a candidate rules file tried on the latest run.

use std::path::PathBuf;
use std::time::Instant;

use fullemp::Result;
use fullemp::compare::Tried;
use fullemp::panel::compare::{self, Change, Comparison};
use fullemp::publish::compare as documents;

/// Try a candidate rules file on the latest published run, without a run:
/// who would pass or fail, reach another level or stars, or move on the
/// shortlist, if the rules were changed.
///
/// The candidate file is laid over the rules the run was made with (its
/// manifest's effective rules), so it may hold only the keys that change,
/// e.g. `[reinspection]` / `min_reemployment_rate = 0.75`; a whole rules
/// file works too. The run's published indicators are rated twice, under
/// its own rules and under the candidate, by the same rating the run used.
/// Only `[reinspection]`, `[score]` and `[shortlist]` can be applied this
/// way; any other key that differs (indicators, detectors, risk, spot
/// checks, publicity, ...) is listed as "not applied — needs a full run"
/// and warned about, and the comparison still runs.
///
/// Writes compare-<stem>.html (the page, in Chinese), compare-<stem>.xlsx
/// and the charts in compare-<stem>/ into --out, by default the pipeline's
/// output folder beside `runs/` and `latest` (never into a run folder; the
/// run and `latest` are left as they are), and prints the counts of
/// changed communities per year. A rules file that does not load (TOML
/// syntax, unknown key, bad value) or a year the run does not cover exits
/// 2 naming the problem.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  fullemp compare --rules candidate.toml\n  \
                  fullemp compare --rules candidate.toml --year 2020 --out /tmp/what-if\n  \
                  fullemp compare --rules candidate.toml --pipeline pipelines/annual-review-2021.toml\n\n\
                  A candidate file raising the re-employment threshold to 75 % and the first star to 72 points:\n  \
                  [reinspection]\n  min_reemployment_rate = 0.75\n  [score]\n  star_bands = [72.0, 78.0, 85.0, 90.0, 95.0]\n\n\
                  One community both ways: fullemp explain CODE --rules candidate.toml (docs/rules.md, \"Trying new rules\").")]
pub struct Args {
    /// The candidate rules file (TOML): only the keys that change, or a whole rules file.
    #[arg(long, value_name = "FILE")]
    pub rules: PathBuf,

    /// Folder to write the comparison into (default: the pipeline's output
    /// folder, beside `runs/` and `latest`; never a run folder).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,

    /// The year the page and workbook cover (default: the run's latest review year).
    #[arg(long, value_name = "Y")]
    pub year: Option<i32>,

    /// Pipeline file whose output folder's latest run is compared, and
    /// whose city name the documents print.
    #[arg(long, value_name = "FILE", default_value = "pipelines/nightly.toml")]
    pub pipeline: PathBuf,
}

pub fn execute(args: Args) -> Result<()> {
    let pipeline = super::load_pipeline(&args.pipeline, None, None, None)?;
    let dest = args.out.unwrap_or_else(|| pipeline.output_dir.clone());
    documents::refuse_run_folders(&dest, &pipeline.output_dir)?;

    let reading = Instant::now();
    let tried = Tried::read(&pipeline.output_dir, &args.rules)?;
    let year = tried.year(args.year)?;
    tracing::info!(
        run = %tried.run.dir.display(),
        communities = tried.published.base.height(),
        ms = reading.elapsed().as_millis() as u64,
        "read the run"
    );

    let comparing = Instant::now();
    let both = tried.rerate()?;
    let comparison = compare::build(&tried, &both, year)?;
    warn(&comparison);
    let made_at = (chrono::Utc::now() + chrono::Duration::hours(8))
        .format("%Y-%m-%d %H:%M")
        .to_string();
    let written = documents::write(
        &dest,
        &pipeline.output_dir,
        &comparison,
        &documents::Settings {
            city: &pipeline.city_name,
            made_at: &made_at,
        },
    )?;
    tracing::info!(
        ms = comparing.elapsed().as_millis() as u64,
        "compared and wrote the documents"
    );
    print!("{}", summary(&comparison, &written));
    Ok(())
}

/// The keys not applied, and anything the run's own rules did not give
/// back, on stderr.
fn warn(c: &Comparison) {
    for d in c.differing.iter().filter(|d| !d.applied) {
        tracing::warn!(
            key = %d.key,
            current = %d.current,
            candidate = %d.candidate,
            "not applied — needs a full run: a comparison re-rates the run's indicators and applies only [reinspection], [score] and [shortlist]"
        );
    }
    for line in &c.not_reproduced {
        tracing::warn!(
            "the run's own rules do not give back what it published ({line}): the run was made by another program version, and its differences are mixed into the comparison"
        );
    }
}

/// What stdout shows: what was compared, the counts of each year, the files.
fn summary(c: &Comparison, written: &documents::Written) -> String {
    let applied = c.differing.len() - c.not_applied;
    let mut s = format!(
        "compare-{}: {} over run {} (as of {})\nrules that differ: {} ({applied} applied, {} not applied — needs a full run)\n",
        c.stem,
        c.rules_file,
        c.run_id,
        c.as_of,
        c.differing.len(),
        c.not_applied
    );
    let mut header = vec!["year", "rated", "reinspected", "changed"];
    header.extend(Change::ALL.iter().map(|k| k.id()));
    header.push("score");
    s.push_str(&header.join("\t"));
    s.push('\n');
    for y in &c.years {
        let mut row = vec![
            format!("{}{}", y.year, if y.year == c.year { "*" } else { "" }),
            y.rated.to_string(),
            y.under_reinspection.to_string(),
            y.counts.communities.to_string(),
        ];
        row.extend(y.counts.by_change.iter().map(usize::to_string));
        row.push(y.score_changed.to_string());
        s.push_str(&row.join("\t"));
        s.push('\n');
    }
    s.push_str(&format!(
        "* the year of the documents: {}\n  {}\n  {}/ ({} charts)\n",
        written.html.display(),
        written.xlsx.display(),
        written.charts.display(),
        c.curves.len()
    ));
    s
}
