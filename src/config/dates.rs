//! Dates written in pipeline files: a TOML date (`2021-12-31`) or a string in
//! any of the contract's date spellings (`contract::dates`).

use chrono::NaiveDate;
use serde::{Deserialize, Deserializer};

use crate::contract::dates::parse_date;

/// A date from a TOML value: a TOML local date or a string.
pub fn date_from_value(v: &toml::Value) -> Result<NaiveDate, String> {
    match v {
        toml::Value::Datetime(dt) => match (dt.date, dt.time) {
            (Some(d), None) => NaiveDate::from_ymd_opt(d.year.into(), d.month.into(), d.day.into())
                .ok_or_else(|| format!("{dt} is not a calendar date")),
            _ => Err(format!("{dt} is not a plain date (expected YYYY-MM-DD)")),
        },
        toml::Value::String(s) => {
            parse_date(s).ok_or_else(|| format!("\"{s}\" is not a date (expected YYYY-MM-DD)"))
        }
        other => Err(format!("{other} is not a date (expected YYYY-MM-DD)")),
    }
}

/// serde adapter for one date field.
pub fn de_date<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
    let v = toml::Value::deserialize(d)?;
    date_from_value(&v).map_err(serde::de::Error::custom)
}

/// serde adapter for an optional date field.
pub fn de_opt_date<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
    de_date(d).map(Some)
}

/// serde adapter for a list of dates.
pub fn de_dates<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<NaiveDate>, D::Error> {
    let v = Vec::<toml::Value>::deserialize(d)?;
    v.iter()
        .map(|x| date_from_value(x).map_err(serde::de::Error::custom))
        .collect()
}
