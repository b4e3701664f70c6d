//! `fullemp generate`: a synthetic extract with falsification injected.

use std::path::PathBuf;

use fullemp::Result;
use fullemp::generate::writers::{FileFormat, Headers, TextEncoding};
use fullemp::generate::{self, Options};

/// Write a synthetic extract in the data contract: all nine tables (file stem =
/// table name), every row valid, with falsification patterns injected into a
/// share of the communities and their ground truth in `ground_truth.csv`
/// (community_code,pattern,county; pattern = the detector built to find it),
/// and, with `--confounders`, honest irregularities in a share of the clean
/// communities, listed in `confounders.csv`.
///
/// The same arguments always give byte-identical files. Rows stream to disk
/// community by community, so memory stays flat however many persons are
/// asked for (XLSX excepted: one sheet holds at most 1,048,575 rows, and an
/// extract that would not fit is refused with exit code 2).
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  fullemp generate --out /tmp/extract\n  \
                        fullemp generate --out /tmp/big --communities 10000 --format parquet\n  \
                        fullemp generate --out /tmp/three --years 2019-2021\n  \
                        fullemp generate --out sample_data --sample")]
pub struct Args {
    /// Folder to write the extract into (created if missing; tables of the
    /// same name are overwritten).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,

    /// Number of communities; counties (3 for 30, ~17 for 1000) and streets follow.
    #[arg(long, value_name = "N", default_value_t = generate::DEFAULT_COMMUNITIES)]
    pub communities: usize,

    /// Average ledger persons per community (each community draws 0.6–1.4 times it).
    #[arg(long, value_name = "M", default_value_t = generate::DEFAULT_PERSONS)]
    pub persons_per_community: usize,

    /// Seed of every random draw: the same seed and arguments give the same bytes.
    #[arg(long, value_name = "S", default_value_t = generate::DEFAULT_SEED)]
    pub seed: u64,

    /// Review year Y: histories cover Y-1 and Y, and the extract reaches 60 days past Y-12-31.
    #[arg(long, value_name = "Y", default_value_t = generate::DEFAULT_YEAR, conflicts_with = "years")]
    pub year: i32,

    /// Several review years in one extract, e.g. 2019-2021: histories cover
    /// every year of the range, the rates drifting from year to year, and
    /// (from three years on) one recognised community fails its first
    /// year's re-inspection and loses its qualification (an `approvals` row);
    /// the patterns act in the latest year, and the extract reaches 60 days
    /// past its 31 December.
    #[arg(long, value_name = "FIRST-LAST", value_parser = parse_years)]
    pub years: Option<(i32, i32)>,

    /// Share of communities carrying a falsification pattern (at least one
    /// community per pattern whenever the share is above 0).
    #[arg(long, value_name = "F", default_value_t = generate::DEFAULT_FRAUD_SHARE)]
    pub fraud_share: f64,

    /// Share of the clean communities (no pattern) given an honest
    /// irregularity that real registries hold (a mover's old stay never
    /// closed, retirees taken back on, a slow clerk, a local large hire,
    /// quarterly keying, a small community, a death after re-employment),
    /// listed in `confounders.csv` (community_code,confounder). 0 writes
    /// none and no such file; `scripts/quality.py` uses 0.5.
    #[arg(long = "confounders", value_name = "F", default_value_t = 0.0)]
    pub confounder_share: f64,

    /// File format of every table.
    #[arg(long, value_enum, default_value = "csv")]
    pub format: FormatArg,

    /// Column headers: the canonical snake_case names or the contract's Chinese headers.
    #[arg(long, value_enum, default_value = "canonical")]
    pub headers: HeadersArg,

    /// Text encoding of CSV files.
    #[arg(long, value_enum, default_value = "utf8")]
    pub encoding: EncodingArg,

    /// Write the bundled sample instead: mixed formats, headers, encodings and
    /// spellings per table, a few planted bad rows, and README.md listing them
    /// (overrides --format, --headers and --encoding).
    #[arg(long)]
    pub sample: bool,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum FormatArg {
    Csv,
    Parquet,
    Xlsx,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum HeadersArg {
    Canonical,
    Chinese,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum EncodingArg {
    Utf8,
    Gb18030,
}

/// `2019-2021`: the first and the last review year.
fn parse_years(text: &str) -> std::result::Result<(i32, i32), String> {
    let (first, last) = text
        .split_once('-')
        .ok_or_else(|| format!("{text:?} is not a range of years such as 2019-2021"))?;
    let year = |t: &str| {
        t.trim()
            .parse::<i32>()
            .map_err(|_| format!("{t:?} in {text:?} is not a year"))
    };
    Ok((year(first)?, year(last)?))
}

pub fn execute(args: Args) -> Result<()> {
    let (first_year, year) = match args.years {
        Some((first, last)) => (Some(first), last),
        None => (None, args.year),
    };
    let options = Options {
        out: args.out,
        communities: args.communities,
        persons_per_community: args.persons_per_community,
        seed: args.seed,
        year,
        first_year,
        fraud_share: args.fraud_share,
        confounder_share: args.confounder_share,
        format: match args.format {
            FormatArg::Csv => FileFormat::Csv,
            FormatArg::Parquet => FileFormat::Parquet,
            FormatArg::Xlsx => FileFormat::Xlsx,
        },
        headers: match args.headers {
            HeadersArg::Canonical => Headers::Canonical,
            HeadersArg::Chinese => Headers::Chinese,
        },
        encoding: match args.encoding {
            EncodingArg::Utf8 => TextEncoding::Utf8,
            EncodingArg::Gb18030 => TextEncoding::Gb18030,
        },
        sample: args.sample,
    };
    let summary = generate::generate(&options)?;
    let rows: Vec<String> = summary
        .rows
        .iter()
        .map(|(t, n)| format!("{t} {n}"))
        .collect();
    println!(
        "wrote {} ({} persons; rows: {}; {} ground-truth lines; {} confounder lines)",
        options.out.display(),
        summary.persons,
        rows.join(", "),
        summary.truth.len(),
        summary.confounders.len()
    );
    Ok(())
}
