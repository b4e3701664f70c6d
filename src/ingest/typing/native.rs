//! Parquet columns typed from their own type, without a text round trip,
//! where the column's type says the same as its text would: whole numbers for
//! whole-number, number and rate columns, 64-bit floats for number and rate
//! columns, booleans for yes/no columns, dates and zone-less datetimes for
//! date and datetime columns. Any other pairing is read as text (`evidence`),
//! by the rules every format shares.

use chrono::NaiveDate;
use polars::prelude::*;

use super::Parsed;
use super::text::days_since_epoch;
use crate::contract::{Column as Spec, Kind};
use crate::ingest::values::{as_fraction, in_range, rate_allowed};

/// The column typed, or None when its type is read as text.
pub fn parse_native(s: &Series, spec: &Spec) -> PolarsResult<Option<Parsed>> {
    let dtype = s.dtype();
    let whole = matches!(
        dtype,
        DataType::Int8
            | DataType::Int16
            | DataType::Int32
            | DataType::Int64
            | DataType::UInt8
            | DataType::UInt16
            | DataType::UInt32
    );
    let float = *dtype == DataType::Float64;
    let datetime = matches!(dtype, DataType::Datetime(_, None));
    let date = *dtype == DataType::Date;
    let parsed = match spec.kind {
        Kind::Bool if *dtype == DataType::Boolean => {
            let ca = s.bool()?;
            let values = match spec.default {
                Some(d) => ca.fill_null_with_values(d)?,
                None => ca.clone(),
            };
            Parsed::new(values.into_series(), empty_bad(s, spec))
        }
        Kind::Int if whole => {
            let ints = s.cast(&DataType::Int64)?;
            let bad = flag(spec, ints.i64()?.iter(), |i| !in_range(spec, i));
            Parsed::new(ints, bad)
        }
        Kind::Float if whole || float => {
            let f = s.cast(&DataType::Float64)?;
            let bad = flag(spec, f.f64()?.iter(), |v| !v.is_finite());
            Parsed::new(f, bad)
        }
        Kind::Rate if whole || float => {
            let f = s.cast(&DataType::Float64)?;
            let rates = f.f64()?.apply_values(|v| as_fraction(v, false));
            let bad = flag(spec, rates.iter(), |r| !r.is_finite() || !rate_allowed(r));
            Parsed::new(rates.into_series(), bad)
        }
        Kind::Date if date || datetime => {
            let d = s
                .cast(&DataType::Datetime(TimeUnit::Milliseconds, None))?
                .cast(&DataType::Date)?;
            let days = d.to_physical_repr();
            let (lo, hi) = (days_since_epoch(first_day()), days_since_epoch(last_day()));
            let bad = flag(spec, days.i32()?.iter(), |v| !(lo..=hi).contains(&v));
            Parsed::new(d, bad)
        }
        Kind::Datetime if date || datetime => {
            let dt = s.cast(&DataType::Datetime(TimeUnit::Milliseconds, None))?;
            let ms = dt.to_physical_repr();
            let lo = first_day().and_hms_opt(0, 0, 0).expect("midnight");
            let hi = last_day()
                .and_hms_milli_opt(23, 59, 59, 999)
                .expect("last instant");
            let (lo, hi) = (
                lo.and_utc().timestamp_millis(),
                hi.and_utc().timestamp_millis(),
            );
            let bad = flag(spec, ms.i64()?.iter(), |v| !(lo..=hi).contains(&v));
            Parsed::new(dt, bad)
        }
        _ => return Ok(None),
    };
    Ok(Some(parsed))
}

/// Dates as text have four-digit years: outside them a date was unreadable
/// as text, and stays so here.
fn first_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(0, 1, 1).expect("year 0")
}

fn last_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(9999, 12, 31).expect("year 9999")
}

/// Bad where a required cell is empty.
fn empty_bad(s: &Series, spec: &Spec) -> BooleanChunked {
    if spec.required {
        s.is_null()
    } else {
        BooleanChunked::full(PlSmallStr::EMPTY, false, s.len())
    }
}

/// Bad where a required cell is empty or a value fails `wrong`.
fn flag<T>(
    spec: &Spec,
    values: impl Iterator<Item = Option<T>>,
    wrong: impl Fn(T) -> bool,
) -> BooleanChunked {
    values
        .map(|v| Some(v.map_or(spec.required, &wrong)))
        .collect()
}
