//! Reading typed columns out of a DataFrame into values, for every stage
//! that turns a (small) frame back into rows: the detectors' findings, the
//! ratings' verdicts and margins, the panel's views.
//!
//! One rule for a missing column: a column the frame lacks reads as nulls
//! (empty lists for list columns), one per row. The frames read here are
//! built by this crate, so a column is missing only where an optional table
//! or column of the extract is absent, and every reader shows a null as
//! "not applicable" or a dash. A column that is present but cannot be cast
//! to the type asked for is an error naming it.

use chrono::NaiveDate;
use polars::prelude::*;

/// `name` cast to `to`, or None when the frame lacks it.
fn cast(df: &DataFrame, name: &str, to: &DataType) -> PolarsResult<Option<Column>> {
    if df.schema().get(name).is_none() {
        return Ok(None);
    }
    Ok(Some(df.column(name)?.cast(to)?))
}

/// A string column as values.
pub fn strings(df: &DataFrame, name: &str) -> PolarsResult<Vec<Option<String>>> {
    let Some(c) = cast(df, name, &DataType::String)? else {
        return Ok(vec![None; df.height()]);
    };
    Ok(c.str()?.iter().map(|v| v.map(str::to_string)).collect())
}

/// A float column as values.
pub fn floats(df: &DataFrame, name: &str) -> PolarsResult<Vec<Option<f64>>> {
    let Some(c) = cast(df, name, &DataType::Float64)? else {
        return Ok(vec![None; df.height()]);
    };
    Ok(c.f64()?.iter().collect())
}

/// An integer column as values.
pub fn ints(df: &DataFrame, name: &str) -> PolarsResult<Vec<Option<i64>>> {
    let Some(c) = cast(df, name, &DataType::Int64)? else {
        return Ok(vec![None; df.height()]);
    };
    Ok(c.i64()?.iter().collect())
}

/// A boolean column as values.
pub fn bools(df: &DataFrame, name: &str) -> PolarsResult<Vec<Option<bool>>> {
    let Some(c) = cast(df, name, &DataType::Boolean)? else {
        return Ok(vec![None; df.height()]);
    };
    Ok(c.bool()?.iter().collect())
}

/// A date column as values.
pub fn dates(df: &DataFrame, name: &str) -> PolarsResult<Vec<Option<NaiveDate>>> {
    let Some(c) = cast(df, name, &DataType::Date)? else {
        return Ok(vec![None; df.height()]);
    };
    let days = c.as_materialized_series().to_physical_repr();
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).expect("epoch");
    Ok(days
        .i32()?
        .iter()
        .map(|d| d.map(|d| epoch + chrono::Duration::days(d.into())))
        .collect())
}

/// Each row's list of `name` (a list column from `implode` or `agg`) read
/// by `item`; a null list reads as empty.
fn lists<T>(
    df: &DataFrame,
    name: &str,
    inner: DataType,
    item: impl Fn(&Series) -> PolarsResult<Vec<T>>,
) -> PolarsResult<Vec<Vec<T>>> {
    let Some(c) = cast(df, name, &DataType::List(Box::new(inner)))? else {
        return Ok((0..df.height()).map(|_| Vec::new()).collect());
    };
    let lists = c.list()?;
    (0..lists.len())
        .map(|i| lists.get_as_series(i).map_or(Ok(Vec::new()), |s| item(&s)))
        .collect()
}

/// A list-of-strings column as values; a null item becomes "".
pub fn string_lists(df: &DataFrame, name: &str) -> PolarsResult<Vec<Vec<String>>> {
    lists(df, name, DataType::String, |s| {
        Ok(s.str()?
            .iter()
            .map(|v| v.unwrap_or_default().to_string())
            .collect())
    })
}

/// A list-of-integers column as values; null items are left out.
pub fn int_lists(df: &DataFrame, name: &str) -> PolarsResult<Vec<Vec<i64>>> {
    lists(df, name, DataType::Int64, |s| {
        Ok(s.i64()?.iter().flatten().collect())
    })
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

/// Every column of a frame read once by its type, for turning each row
/// into a value by column name. A column the frame lacks reads as nulls,
/// as everywhere in this module; an integer column read as a float is
/// widened.
#[derive(Debug, Default)]
pub struct ByName {
    ints: std::collections::HashMap<String, Vec<Option<i64>>>,
    floats: std::collections::HashMap<String, Vec<Option<f64>>>,
    bools: std::collections::HashMap<String, Vec<Option<bool>>>,
    strings: std::collections::HashMap<String, Vec<Option<String>>>,
    dates: std::collections::HashMap<String, Vec<Option<NaiveDate>>>,
}

impl ByName {
    pub fn read(df: &DataFrame) -> PolarsResult<ByName> {
        let mut out = ByName::default();
        for field in df.schema().iter_fields() {
            let (name, dtype) = (field.name.as_str(), field.dtype());
            let key = name.to_string();
            if dtype.is_integer() {
                out.ints.insert(key, ints(df, name)?);
            } else if dtype.is_float() {
                out.floats.insert(key, floats(df, name)?);
            } else if dtype.is_bool() {
                out.bools.insert(key, bools(df, name)?);
            } else if dtype == &DataType::Date {
                out.dates.insert(key, dates(df, name)?);
            } else if !dtype.is_nested() && !dtype.is_null() {
                out.strings.insert(key, strings(df, name)?);
            }
        }
        Ok(out)
    }

    pub fn int(&self, name: &str, row: usize) -> Option<i64> {
        self.ints.get(name).and_then(|v| v[row])
    }

    pub fn float(&self, name: &str, row: usize) -> Option<f64> {
        match self.floats.get(name) {
            Some(v) => v[row],
            None => self.int(name, row).map(|v| v as f64),
        }
    }

    pub fn flag(&self, name: &str, row: usize) -> Option<bool> {
        self.bools.get(name).and_then(|v| v[row])
    }

    pub fn text(&self, name: &str, row: usize) -> Option<String> {
        self.strings.get(name).and_then(|v| v[row].clone())
    }

    /// Text, an empty cell as empty text.
    pub fn text_or_empty(&self, name: &str, row: usize) -> String {
        self.text(name, row).unwrap_or_default()
    }

    pub fn date(&self, name: &str, row: usize) -> Option<NaiveDate> {
        self.dates.get(name).and_then(|v| v[row])
    }
}

/// The distinct years of a frame's `year` column, ascending.
pub fn years(df: &DataFrame) -> PolarsResult<Vec<i32>> {
    let mut years: Vec<i32> = ints(df, "year")?
        .into_iter()
        .flatten()
        .map(|y| y as i32)
        .collect();
    years.sort_unstable();
    years.dedup();
    Ok(years)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_column_reads_as_nulls_and_a_present_one_as_its_values() {
        let df = df!("a" => [Some(1i64), None]).unwrap();
        assert_eq!(ints(&df, "a").unwrap(), vec![Some(1), None]);
        assert_eq!(strings(&df, "b").unwrap(), vec![None, None]);
        assert_eq!(
            int_lists(&df, "b").unwrap(),
            vec![Vec::<i64>::new(), vec![]]
        );
        assert_eq!(floats(&df, "a").unwrap(), vec![Some(1.0), None]);
    }
}
