//! The memory across review years (`history/`, docs/outputs.md): one row
//! per community and review year of the run, as `history/ratings` keeps it
//! beside the runs, so that a year the latest run no longer covers keeps
//! its verdict, level and qualification, and a trend can be drawn.
//!
//! Each row is the ratings row of its year (verdict, failing rules, score,
//! level, stars, confirmed findings, risk score), the four key rates from
//! the indicators, and the community's qualification status as of the
//! year, which carries from year to year:
//!
//! - `provincial_since`, `provincial_star_since`: the roster's
//!   `provincial_year` / `provincial_star_year` when it is the year or
//!   earlier; when the roster gives none (or a later one), the value of the
//!   community's latest earlier history year;
//! - `national`: the roster's flag, or true when an earlier history year
//!   has it (the roster gives no year for it, so a roster that drops the
//!   flag does not take it back);
//! - `city_level_since`: the earliest history year in which the community
//!   reached city level (the ratings' `city_level`): the earlier years'
//!   value, else this year when it reaches it;
//! - `disqualified_on`: the province-approved revocation the run read
//!   (`qualification_revoked_on`) when it is dated in the year or earlier;
//!   when the run reads none (or a later one), the latest earlier history
//!   year's.
//!
//! "Earlier history years" are the years before it: this run's own, and
//! those `history/ratings` holds from earlier runs for years this run does
//! not cover (a year it covers is replaced, so its earlier row no longer
//! counts). A year the run does not cover is never rewritten.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate};
use polars::prelude::*;

use crate::error::Result;
use crate::frame::ByName;

/// The data dictionary's name of `history/ratings`.
pub const RATINGS: &str = "history_ratings";

/// The four key rates each history row keeps for a trend.
pub const RATES: [&str; 4] = [
    "reemployment_rate",
    "hardship_employment_rate",
    "registered_unemployment_rate",
    "assistance_coverage",
];

/// What `history/` held before this run (read by `publish::published_history`).
#[derive(Debug, Clone, Default)]
pub struct Earlier {
    /// Every year of `history/ratings`, with `year` (Int64); None when none.
    pub ratings: Option<DataFrame>,
    /// `history/decisions_log.parquet`; None before the first log.
    pub log: Option<DataFrame>,
}

/// What this run writes into `history/` once it is committed.
#[derive(Debug, Clone, Default)]
pub struct History {
    /// The run's years, each replacing its file.
    pub years: Vec<i32>,
    /// One row per community and year of the run, with `year`.
    pub ratings: DataFrame,
    /// Every version of every record ever read (`decision_log`).
    pub log: DataFrame,
}

/// What a year's row carries into the next.
#[derive(Debug, Clone, Default, PartialEq)]
struct Carried {
    provincial_since: Option<i64>,
    provincial_star_since: Option<i64>,
    national: bool,
    city_level_since: Option<i64>,
    disqualified_on: Option<NaiveDate>,
}

impl Carried {
    /// The status as of `year`, from what the run read (`now`) and the
    /// latest earlier year's (`before`).
    fn of_year(year: i64, now: &Now, before: &Carried) -> Carried {
        let by_year = |y: Option<i64>| y.filter(|y| *y <= year);
        Carried {
            provincial_since: by_year(now.provincial_year).or(before.provincial_since),
            provincial_star_since: by_year(now.provincial_star_year)
                .or(before.provincial_star_since),
            national: now.national || before.national,
            city_level_since: before.city_level_since.or(now.city_level.then_some(year)),
            disqualified_on: now
                .revoked_on
                .filter(|d| i64::from(d.year()) <= year)
                .or(before.disqualified_on),
        }
    }
}

/// What the run read of a community's qualification for one year.
#[derive(Debug, Clone, Default)]
struct Now {
    provincial_year: Option<i64>,
    provincial_star_year: Option<i64>,
    national: bool,
    city_level: bool,
    revoked_on: Option<NaiveDate>,
}

/// A community's rows in year order: the run's own (with what it read) and
/// the stored ones of the years it does not cover (with what they carry).
enum Step {
    Run(usize, Now),
    Stored(Carried),
}

/// The rows of `history/ratings` for the run's years: the ratings rows
/// (with `year`) and the indicators' rates, the qualification carried from
/// `earlier`, and the run that publishes them.
pub fn rows(
    ratings: &DataFrame,
    indicators: &DataFrame,
    earlier: Option<&DataFrame>,
    years: &[i32],
    run: (&str, NaiveDate),
) -> Result<DataFrame> {
    let base = base(ratings, indicators, years)?;
    let b = ByName::read(&base)?;
    let n = base.height();
    let code = |k: usize| b.text_or_empty("community_code", k);
    let mut steps: BTreeMap<String, BTreeMap<i64, Step>> = BTreeMap::new();
    for k in 0..n {
        let now = Now {
            provincial_year: b.int("provincial_year", k),
            provincial_star_year: b.int("provincial_star_year", k),
            national: b.flag("national", k).unwrap_or(false),
            city_level: b.flag("city_level", k).unwrap_or(false),
            revoked_on: b.date("qualification_revoked_on", k),
        };
        let year = b.int("year", k).unwrap_or_default();
        steps
            .entry(code(k))
            .or_default()
            .insert(year, Step::Run(k, now));
    }
    stored_steps(earlier, years, &mut steps)?;
    let mut carried = vec![Carried::default(); n];
    for by_year in steps.values() {
        let mut before = Carried::default();
        for (year, step) in by_year {
            before = match step {
                Step::Stored(c) => c.clone(),
                Step::Run(k, now) => {
                    carried[*k] = Carried::of_year(*year, now, &before);
                    carried[*k].clone()
                }
            };
        }
    }
    frame(&base, &carried, run)
}

/// The ratings rows of the run's years with the rates joined, ordered by
/// year and community.
fn base(ratings: &DataFrame, indicators: &DataFrame, years: &[i32]) -> Result<DataFrame> {
    let wanted = years
        .iter()
        .map(|y| col("year").eq(lit(i64::from(*y))))
        .reduce(Expr::or)
        .unwrap_or(lit(false));
    let keys = [col("community_code"), col("year")];
    let rates = indicators.clone().lazy().select(
        keys.iter()
            .cloned()
            .chain(RATES.iter().map(|r| col(*r).cast(DataType::Float64)))
            .collect::<Vec<_>>(),
    );
    Ok(ratings
        .clone()
        .lazy()
        .filter(wanted)
        .join(rates, keys.clone(), keys, JoinArgs::new(JoinType::Left))
        .sort(["year", "community_code"], SortMultipleOptions::default())
        .collect()?)
}

/// The stored years the run does not cover, as steps of their communities.
fn stored_steps(
    earlier: Option<&DataFrame>,
    years: &[i32],
    steps: &mut BTreeMap<String, BTreeMap<i64, Step>>,
) -> Result<()> {
    let Some(df) = earlier else {
        return Ok(());
    };
    let covered: BTreeSet<i64> = years.iter().map(|y| i64::from(*y)).collect();
    let b = ByName::read(df)?;
    for k in 0..df.height() {
        let (Some(code), Some(year)) = (b.text("community_code", k), b.int("year", k)) else {
            continue;
        };
        if covered.contains(&year) {
            continue;
        }
        steps.entry(code).or_default().insert(
            year,
            Step::Stored(Carried {
                provincial_since: b.int("provincial_since", k),
                provincial_star_since: b.int("provincial_star_since", k),
                national: b.flag("national", k).unwrap_or(false),
                city_level_since: b.int("city_level_since", k),
                disqualified_on: b.date("disqualified_on", k),
            }),
        );
    }
    Ok(())
}

/// The published columns, in order.
fn frame(base: &DataFrame, carried: &[Carried], run: (&str, NaiveDate)) -> Result<DataFrame> {
    let n = base.height();
    let pick = |name: &str, dtype: DataType| -> Result<Column> {
        Ok(match base.column(name) {
            Ok(c) => c.cast(&dtype)?,
            Err(_) => Column::full_null(name.into(), n, &dtype),
        })
    };
    let mut columns = Vec::new();
    for (name, dtype) in [
        ("community_code", DataType::String),
        ("community_name", DataType::String),
        ("county", DataType::String),
        ("street", DataType::String),
        ("year", DataType::Int64),
        ("verdict", DataType::String),
        ("failing_rules", DataType::String),
        ("score", DataType::Float64),
        ("level", DataType::String),
        ("stars", DataType::Int64),
    ] {
        columns.push(pick(name, dtype)?);
    }
    let each = |f: fn(&Carried) -> Option<i64>| carried.iter().map(f).collect::<Vec<_>>();
    columns.push(Column::new(
        "provincial_since".into(),
        each(|c| c.provincial_since),
    ));
    columns.push(Column::new(
        "provincial_star_since".into(),
        each(|c| c.provincial_star_since),
    ));
    columns.push(Column::new(
        "national".into(),
        carried.iter().map(|c| c.national).collect::<Vec<_>>(),
    ));
    columns.push(Column::new(
        "city_level_since".into(),
        each(|c| c.city_level_since),
    ));
    columns.push(
        Column::new(
            "disqualified_on".into(),
            carried
                .iter()
                .map(|c| c.disqualified_on)
                .collect::<Vec<_>>(),
        )
        .cast(&DataType::Date)?,
    );
    columns.push(pick("confirmed_findings", DataType::String)?);
    columns.push(pick("risk_score", DataType::Int64)?);
    for r in RATES {
        columns.push(pick(r, DataType::Float64)?);
    }
    columns.push(Column::new("run_id".into(), vec![run.0.to_string(); n]));
    columns.push(Column::new("as_of".into(), vec![run.1; n]).cast(&DataType::Date)?);
    Ok(DataFrame::new_infer_height(columns)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    /// Community A's ratings in 2020 and 2021: city level in 2021 only, the
    /// roster's provincial year forgotten, no revocation read.
    fn ratings() -> DataFrame {
        df!(
            "community_code" => ["A", "A"],
            "community_name" => ["光明社区", "光明社区"],
            "county" => ["新华区", "新华区"],
            "street" => ["中兴路街道", "中兴路街道"],
            "year" => [2020i64, 2021],
            "provincial_year" => [None::<i64>, None],
            "national" => [false, false],
            "city_level" => [false, true],
            "verdict" => [Some("fail"), Some("pass")],
            "stars" => [0i64, 1],
            "risk_score" => [3i64, 0],
        )
        .unwrap()
    }

    fn indicators() -> DataFrame {
        df!(
            "community_code" => ["A", "A"],
            "year" => [2020i64, 2021],
            "reemployment_rate" => [0.5, 0.75],
            "hardship_employment_rate" => [Some(0.6), None],
            "registered_unemployment_rate" => [0.1, 0.05],
            "assistance_coverage" => [1.0, 0.9],
        )
        .unwrap()
    }

    /// What history/ratings held: 2019 (not covered: carries) and 2020
    /// (covered: replaced, so it carries nothing).
    fn stored() -> DataFrame {
        df!(
            "community_code" => ["A", "A"],
            "year" => [2019i64, 2020],
            "provincial_since" => [Some(2015i64), Some(2001)],
            "national" => [true, false],
            "city_level_since" => [Some(2018i64), Some(2000)],
            "disqualified_on" => [Some(day(2019, 5, 1)), None],
        )
        .unwrap()
    }

    #[test]
    fn a_run_carries_from_the_years_it_does_not_cover_and_replaces_those_it_does() {
        let out = rows(
            &ratings(),
            &indicators(),
            Some(&stored()),
            &[2020, 2021],
            ("r2", day(2021, 12, 31)),
        )
        .unwrap();
        assert_eq!(
            crate::frame::ints(&out, "year").unwrap(),
            [Some(2020), Some(2021)]
        );
        let ints = |c: &str| crate::frame::ints(&out, c).unwrap();
        assert_eq!(ints("provincial_since"), [Some(2015), Some(2015)]);
        assert_eq!(ints("city_level_since"), [Some(2018), Some(2018)]);
        assert_eq!(
            crate::frame::bools(&out, "national").unwrap(),
            [Some(true), Some(true)]
        );
        assert_eq!(
            crate::frame::dates(&out, "disqualified_on").unwrap(),
            [Some(day(2019, 5, 1)), Some(day(2019, 5, 1))]
        );
        assert_eq!(
            crate::frame::floats(&out, "reemployment_rate").unwrap(),
            [Some(0.5), Some(0.75)]
        );
        assert_eq!(
            crate::frame::strings(&out, "run_id").unwrap(),
            [Some("r2".to_string()), Some("r2".to_string())]
        );
        // Without the stored years, city level is first reached in 2021.
        let fresh = rows(
            &ratings(),
            &indicators(),
            None,
            &[2020, 2021],
            ("r1", day(2021, 12, 31)),
        )
        .unwrap();
        assert_eq!(
            crate::frame::ints(&fresh, "city_level_since").unwrap(),
            [None, Some(2021)]
        );
        assert_eq!(
            crate::frame::ints(&fresh, "provincial_since").unwrap(),
            [None, None]
        );
    }

    #[test]
    fn the_dictionary_describes_every_column_in_order() {
        let out = rows(
            &ratings(),
            &indicators(),
            None,
            &[2021],
            ("r1", day(2021, 12, 31)),
        )
        .unwrap();
        let names: Vec<String> = out
            .get_column_names()
            .iter()
            .map(|c| c.to_string())
            .collect();
        assert_eq!(names, crate::panel::dictionary::column_names(RATINGS));
    }

    #[test]
    fn the_status_carries_and_the_roster_speaks_first() {
        let none = Carried::default();
        let now = Now {
            provincial_year: Some(2022),
            national: false,
            city_level: true,
            revoked_on: Some(day(2021, 3, 1)),
            ..Now::default()
        };
        // 2020: recognised only in 2022, revoked only in 2021: neither yet.
        let y2020 = Carried::of_year(2020, &now, &none);
        assert_eq!(
            y2020,
            Carried {
                city_level_since: Some(2020),
                ..Carried::default()
            }
        );
        // 2021, the run reading nothing any more: the earlier years' status stays.
        let before = Carried {
            provincial_since: Some(2015),
            national: true,
            city_level_since: Some(2019),
            disqualified_on: Some(day(2020, 6, 1)),
            ..Carried::default()
        };
        let forgot = Now::default();
        assert_eq!(Carried::of_year(2021, &forgot, &before), before);
        // What the run reads for the year wins over what is carried.
        let read = Now {
            provincial_year: Some(2016),
            revoked_on: Some(day(2021, 3, 1)),
            ..Now::default()
        };
        let y2021 = Carried::of_year(2021, &read, &before);
        assert_eq!(y2021.provincial_since, Some(2016));
        assert_eq!(y2021.disqualified_on, Some(day(2021, 3, 1)));
        assert_eq!(y2021.city_level_since, Some(2019), "the earliest stays");
    }
}
