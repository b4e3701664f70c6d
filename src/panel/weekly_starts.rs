//! Employment starts per week of the review year, from the employment table.

use chrono::NaiveDate;
use polars::prelude::*;

use crate::error::Result;

/// Employment records whose `started_on` lies in the calendar year, counted
/// per week from 1 January (week k covers days 7k..7k+6 of the year; the
/// last week is short).
pub fn weekly_starts(employment: &DataFrame, year: i32) -> Result<Vec<i64>> {
    let start = NaiveDate::from_ymd_opt(year, 1, 1).expect("1 January");
    let end = NaiveDate::from_ymd_opt(year, 12, 31).expect("31 December");
    let days = (end - start).num_days() + 1;
    let mut weeks = vec![0i64; ((days + 6) / 7) as usize];
    let started = employment
        .column("started_on")?
        .cast(&DataType::Date)?
        .date()?
        .physical()
        .clone();
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).expect("epoch");
    let offset = (start - epoch).num_days();
    for d in started.iter().flatten() {
        let day = d as i64 - offset;
        if (0..days).contains(&day) {
            weeks[(day / 7) as usize] += 1;
        }
    }
    Ok(weeks)
}
