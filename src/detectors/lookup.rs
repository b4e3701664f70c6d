//! Reading a detector's (small) result frame back into values to build
//! findings from, and the community look-ups findings need.

use std::collections::HashMap;

use chrono::NaiveDate;
use polars::prelude::*;

use crate::error::Result;

/// Community code → county, from the `communities` table.
pub fn counties(communities: &DataFrame) -> Result<HashMap<String, String>> {
    let codes = strings(communities, "community_code")?;
    let counties = strings(communities, "county")?;
    Ok(codes
        .into_iter()
        .zip(counties)
        .filter_map(|(c, k)| Some((c?, k.unwrap_or_default())))
        .collect())
}

/// A string column as values.
pub fn strings(df: &DataFrame, name: &str) -> Result<Vec<Option<String>>> {
    let s = df.column(name)?.cast(&DataType::String)?;
    Ok(s.str()?.iter().map(|v| v.map(str::to_string)).collect())
}

/// A date column as values.
pub fn dates(df: &DataFrame, name: &str) -> Result<Vec<Option<NaiveDate>>> {
    let s = df.column(name)?.cast(&DataType::Date)?;
    let days = s.as_materialized_series().to_physical_repr();
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).expect("epoch");
    Ok(days
        .i32()?
        .iter()
        .map(|d| d.map(|d| epoch + chrono::Duration::days(d.into())))
        .collect())
}

/// An integer column as values.
pub fn ints(df: &DataFrame, name: &str) -> Result<Vec<Option<i64>>> {
    let s = df.column(name)?.cast(&DataType::Int64)?;
    Ok(s.i64()?.iter().collect())
}

/// A float column as values.
pub fn floats(df: &DataFrame, name: &str) -> Result<Vec<Option<f64>>> {
    let s = df.column(name)?.cast(&DataType::Float64)?;
    Ok(s.f64()?.iter().collect())
}

/// A boolean column as values.
pub fn bools(df: &DataFrame, name: &str) -> Result<Vec<Option<bool>>> {
    let s = df.column(name)?.cast(&DataType::Boolean)?;
    Ok(s.bool()?.iter().collect())
}

/// A list-of-strings column (from `implode` or `agg`) as values; a null
/// item becomes "".
pub fn string_lists(df: &DataFrame, name: &str) -> Result<Vec<Vec<String>>> {
    let s = df
        .column(name)?
        .cast(&DataType::List(Box::new(DataType::String)))?;
    let lists = s.list()?;
    let mut out = Vec::with_capacity(lists.len());
    for i in 0..lists.len() {
        let values = match lists.get_as_series(i) {
            Some(inner) => inner
                .str()?
                .iter()
                .map(|v| v.unwrap_or_default().to_string())
                .collect(),
            None => Vec::new(),
        };
        out.push(values);
    }
    Ok(out)
}

/// A list-of-integers column (from `agg`) as values.
pub fn int_lists(df: &DataFrame, name: &str) -> Result<Vec<Vec<i64>>> {
    let s = df
        .column(name)?
        .cast(&DataType::List(Box::new(DataType::Int64)))?;
    let lists = s.list()?;
    let mut out = Vec::with_capacity(lists.len());
    for i in 0..lists.len() {
        let values = match lists.get_as_series(i) {
            Some(inner) => inner.i64()?.iter().flatten().collect(),
            None => Vec::new(),
        };
        out.push(values);
    }
    Ok(out)
}
