//! Column readers of the panel step: one column of a frame as optional
//! values, a column the frame lacks reading as nulls; and one year's rows.

use polars::prelude::*;

/// Reads one column as optional strings; a column the frame lacks reads as nulls.
pub fn strs(df: &DataFrame, name: &str) -> PolarsResult<Vec<Option<String>>> {
    if df.schema().get(name).is_none() {
        return Ok(vec![None; df.height()]);
    }
    let c = df.column(name)?.cast(&DataType::String)?;
    Ok(c.str()?.iter().map(|v| v.map(str::to_string)).collect())
}

/// Reads one column as optional floats; absent reads as nulls.
pub fn floats(df: &DataFrame, name: &str) -> PolarsResult<Vec<Option<f64>>> {
    if df.schema().get(name).is_none() {
        return Ok(vec![None; df.height()]);
    }
    let c = df.column(name)?.cast(&DataType::Float64)?;
    Ok(c.f64()?.iter().collect())
}

/// Reads one column as optional integers; absent reads as nulls.
pub fn ints(df: &DataFrame, name: &str) -> PolarsResult<Vec<Option<i64>>> {
    if df.schema().get(name).is_none() {
        return Ok(vec![None; df.height()]);
    }
    let c = df.column(name)?.cast(&DataType::Int64)?;
    Ok(c.i64()?.iter().collect())
}

/// Reads one column as optional booleans; absent reads as nulls.
pub fn bools(df: &DataFrame, name: &str) -> PolarsResult<Vec<Option<bool>>> {
    if df.schema().get(name).is_none() {
        return Ok(vec![None; df.height()]);
    }
    let c = df.column(name)?.cast(&DataType::Boolean)?;
    Ok(c.bool()?.iter().collect())
}

/// The rows of `df` for one year (a frame without `year` is taken whole).
pub fn of_year(df: &DataFrame, year: i32) -> PolarsResult<DataFrame> {
    if df.schema().get("year").is_none() {
        return Ok(df.clone());
    }
    df.clone()
        .lazy()
        .filter(col("year").cast(DataType::Int64).eq(lit(year as i64)))
        .collect()
}
