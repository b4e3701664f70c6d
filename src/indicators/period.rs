//! The review period and the date words of docs/indicators.md, each a small
//! expression named as `docs/indicators.md` names it: "active at", "covers", "open at",
//! "overlaps", "age at".

use chrono::{Datelike, NaiveDate};
use polars::prelude::*;

use crate::config::AsOf;
use crate::error::{Error, Result};

/// Review year Y: the period P = [start, cutoff], both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub year: i32,
    /// S = Y-01-01.
    pub start: NaiveDate,
    /// A: the as_of date in the as_of year, 31 December in an earlier year.
    pub cutoff: NaiveDate,
}

/// The periods of the review years. Years default to the as_of year and the
/// one before it; a year after the as_of year has no period yet.
pub fn periods(as_of: NaiveDate, years: Option<&[i32]>) -> Result<Vec<Period>> {
    let default = [as_of.year() - 1, as_of.year()];
    let mut years: Vec<i32> = years.unwrap_or(&default).to_vec();
    years.sort_unstable();
    years.dedup();
    years
        .into_iter()
        .map(|y| {
            if y > as_of.year() {
                return Err(Error::usage(format!(
                    "review year {y} is after the cut-off date {as_of}: set `years` or `as_of` in the pipeline"
                )));
            }
            let start = NaiveDate::from_ymd_opt(y, 1, 1).expect("1 January exists");
            let cutoff = if y < as_of.year() { NaiveDate::from_ymd_opt(y, 12, 31).expect("31 December exists") } else { as_of };
            Ok(Period { year: y, start, cutoff })
        })
        .collect()
}

/// The cut-off date for an `AsOf`: a date as given; today in Asia/Shanghai
/// (UTC+8, no daylight saving); or the extract's own date, its latest
/// `recorded_at`, failing that its latest event date.
pub fn resolve_as_of(
    as_of: AsOf,
    latest_recorded: Option<NaiveDate>,
    latest_event: Option<NaiveDate>,
) -> Result<NaiveDate> {
    match as_of {
        AsOf::Date(d) => Ok(d),
        AsOf::Today => Ok(today()),
        AsOf::Extract => latest_recorded.or(latest_event).ok_or_else(|| {
            Error::contract(
                "as_of = \"extract\" needs a date in the extract, but its event tables hold none",
            )
        }),
    }
}

/// Today in Asia/Shanghai (UTC+8 all year, no daylight saving).
pub fn today() -> NaiveDate {
    (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive()
}

/// A date literal. polars turns a bare `NaiveDate` literal into a datetime,
/// which would make date arithmetic come out in the wrong unit.
pub fn date(d: NaiveDate) -> Expr {
    lit(d).cast(DataType::Date)
}

/// A ledger row is active at d: entered on or before d, not yet left.
pub fn active_at(d: NaiveDate) -> Expr {
    col("entered_on")
        .lt_eq(date(d))
        .and(col("left_on").is_null().or(col("left_on").gt(date(d))))
}

/// An employment record covers d: started on or before d, ending on or after d.
pub fn covers(d: NaiveDate) -> Expr {
    col("started_on")
        .lt_eq(date(d))
        .and(col("ended_on").is_null().or(col("ended_on").gt_eq(date(d))))
}

/// An unemployment registration is open at d: registered on or before d, not
/// ended on or before d.
pub fn open_at(d: NaiveDate) -> Expr {
    col("registered_on")
        .lt_eq(date(d))
        .and(col("ended_on").is_null().or(col("ended_on").gt(date(d))))
}

/// A spell [start, end] overlaps P: begins on or before A, ends (if at all) on or after S.
pub fn overlaps(start: &str, end: &str, p: &Period) -> Expr {
    col(start)
        .lt_eq(date(p.cutoff))
        .and(col(end).is_null().or(col(end).gt_eq(date(p.start))))
}

/// A date column lies in P, both ends included.
pub fn within(column: &str, p: &Period) -> Expr {
    col(column)
        .gt_eq(date(p.start))
        .and(col(column).lt_eq(date(p.cutoff)))
}

/// The latest birth date of someone at least `years` whole years old at d:
/// the same day `years` earlier, or 28 February for a 29 February that year
/// lacks. "Age at d >= n" is "birth_date <= born_by(d, n)": a date
/// comparison, with no calendar arithmetic per row.
pub fn born_by(d: NaiveDate, years: i64) -> NaiveDate {
    let y = d.year() - years as i32;
    NaiveDate::from_ymd_opt(y, d.month(), d.day())
        .or_else(|| NaiveDate::from_ymd_opt(y, 2, 28))
        .expect("a calendar date")
}

/// Whole years from `birth_date` to d: the birthday itself counts.
pub fn age_at(d: NaiveDate) -> Expr {
    age_on(date(d))
}

/// Whole years from `birth_date` to the date an expression gives (a column,
/// say a record's `started_on`): the birthday itself counts.
pub fn age_on(d: Expr) -> Expr {
    let b = col("birth_date");
    let month = |e: Expr| e.dt().month().cast(DataType::Int32);
    let day = |e: Expr| e.dt().day().cast(DataType::Int32);
    let before_birthday = month(b.clone()).gt(month(d.clone())).or(month(b.clone())
        .eq(month(d.clone()))
        .and(day(b.clone()).gt(day(d.clone()))));
    d.dt().year().cast(DataType::Int32)
        - b.dt().year().cast(DataType::Int32)
        - when(before_birthday).then(lit(1i32)).otherwise(lit(0i32))
}

/// Days from a date column to another date expression (end − start).
pub fn days_between(start: Expr, end: Expr) -> Expr {
    end.cast(DataType::Int32) - start.cast(DataType::Int32)
}

/// The later of a date column and a fixed date.
pub fn later_of(column: &str, d: NaiveDate) -> Expr {
    when(col(column).gt(date(d)))
        .then(col(column))
        .otherwise(date(d))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn years_default_to_as_of_year_and_the_one_before() {
        let p = periods(d(2021, 11, 30), None).unwrap();
        assert_eq!(
            p[0],
            Period {
                year: 2020,
                start: d(2020, 1, 1),
                cutoff: d(2020, 12, 31)
            }
        );
        assert_eq!(
            p[1],
            Period {
                year: 2021,
                start: d(2021, 1, 1),
                cutoff: d(2021, 11, 30)
            }
        );
        assert!(periods(d(2021, 11, 30), Some(&[2022])).is_err());
    }

    #[test]
    fn age_counts_the_birthday() {
        let df = df!("birth_date" => [d(1961, 12, 31), d(1962, 1, 1), d(1960, 2, 29)]).unwrap();
        let ages = df
            .lazy()
            .select([age_at(d(2021, 12, 31)).alias("age")])
            .collect()
            .unwrap();
        let ages: Vec<Option<i32>> = ages.column("age").unwrap().i32().unwrap().iter().collect();
        // Born 1961-12-31: 60 on 2021-12-31. Born 1962-01-01: still 59.
        // Born on a 29 February: 61 on 2021-12-31.
        assert_eq!(ages, vec![Some(60), Some(59), Some(61)]);
    }
}
