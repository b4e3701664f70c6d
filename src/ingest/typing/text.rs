//! Text columns (CSV, and Parquet's text) typed a column at a time, by the
//! same cell rules as `values.rs`: each value parsed once, in one pass over
//! the column, without an allocation per cell.

use std::borrow::Cow;

use chrono::{Datelike, NaiveDate};
use polars::prelude::*;

use super::Parsed;
use crate::contract::{Column as Spec, Kind};
use crate::ingest::values::{
    allowed, date_of_text, datetime_of_text, fold, fold_code, folded, gender_of, in_range,
    needs_code_fold, parse_bool, parse_float, parse_int, rate_allowed, rate_of_text, scientific,
};

pub fn parse_text(ca: &StringChunked, spec: &Spec) -> Parsed {
    match spec.kind {
        Kind::Str => strings(ca, spec),
        Kind::Gender => genders(ca, spec),
        Kind::Int => {
            let (v, bad) = each(ca, spec, |s| parse_int(s).filter(|&i| in_range(spec, i)));
            Parsed::new(Series::new(PlSmallStr::EMPTY, v), bad)
        }
        Kind::Float => {
            let (v, bad) = each(ca, spec, parse_float);
            Parsed::new(Series::new(PlSmallStr::EMPTY, v), bad)
        }
        Kind::Rate => {
            let (v, bad) = each(ca, spec, |s| rate_of_text(s).filter(|&r| rate_allowed(r)));
            Parsed::new(Series::new(PlSmallStr::EMPTY, v), bad)
        }
        Kind::Bool => {
            let (mut v, bad) = each(ca, spec, parse_bool);
            if let Some(default) = spec.default {
                for (x, raw) in v.iter_mut().zip(ca.iter()) {
                    if raw.is_none() {
                        *x = Some(default);
                    }
                }
            }
            Parsed::new(Series::new(PlSmallStr::EMPTY, v), bad)
        }
        Kind::Date => {
            let (v, bad) = each(ca, spec, |s| date_of_text(s).map(days_since_epoch));
            Parsed::new(Series::new(PlSmallStr::EMPTY, v).into_date(), bad)
        }
        Kind::Datetime => {
            let (v, bad) = each(ca, spec, |s| {
                datetime_of_text(s).map(|dt| dt.and_utc().timestamp_millis())
            });
            Parsed::new(
                Series::new(PlSmallStr::EMPTY, v).into_datetime(TimeUnit::Milliseconds, None),
                bad,
            )
        }
    }
}

/// Days from 1970-01-01 (day 719,163 counted from 0001-01-01).
pub fn days_since_epoch(d: NaiveDate) -> i32 {
    d.num_days_from_ce() - 719_163
}

/// Each value through `parse` (None: cannot be used); an empty cell is bad
/// when the column is required. In a folded column (numbers, dates) a value
/// with non-ASCII characters is folded first; ASCII values, nearly all, are
/// parsed as they are.
fn each<T>(
    ca: &StringChunked,
    spec: &Spec,
    parse: impl Fn(&str) -> Option<T>,
) -> (Vec<Option<T>>, BooleanChunked) {
    let fold_it = folded(spec);
    let mut values = Vec::with_capacity(ca.len());
    let mut bad = Vec::with_capacity(ca.len());
    for raw in ca.iter() {
        let cell = match raw {
            Some(s) if fold_it && !s.is_ascii() => Some(fold(s)).filter(|f| !f.is_empty()),
            other => other.map(Cow::Borrowed),
        };
        match cell {
            None => {
                values.push(None);
                bad.push(spec.required);
            }
            Some(s) => {
                let v = parse(&s);
                bad.push(v.is_none());
                values.push(v);
            }
        }
    }
    (values, BooleanChunked::from_slice(PlSmallStr::EMPTY, &bad))
}

/// Text kept as it is; identifiers and codes read by `codes`.
fn strings(ca: &StringChunked, spec: &Spec) -> Parsed {
    if spec.code {
        return codes(ca, spec);
    }
    let bad: BooleanChunked = if spec.allowed.is_empty() {
        if spec.required {
            ca.is_null()
        } else {
            BooleanChunked::full(PlSmallStr::EMPTY, false, ca.len())
        }
    } else {
        ca.iter()
            .map(|v| Some(v.map_or(spec.required, |s| !allowed(spec, s))))
            .collect()
    };
    Parsed::new(ca.clone().into_series(), bad)
}

/// Identifiers and codes: invisible characters, a leading apostrophe and
/// full-width forms folded (`fold_code`; counted in `Parsed::folded`),
/// identity numbers upper-cased (`x` → `X`), and a value in scientific
/// notation (`4.10402E+17`, an identifier Excel rounded) bad. A column that
/// needs none of it, nearly every one, is kept as it is.
fn codes(ca: &StringChunked, spec: &Spec) -> Parsed {
    let lower = |s: &str| spec.identity && s.bytes().any(|b| b.is_ascii_lowercase());
    let exponent = |s: &str| s.bytes().any(|b| b | 0x20 == b'e');
    // One look at each value says whether the column needs more.
    let (mut change, mut exponents) = (false, false);
    for s in ca.iter().flatten() {
        change |= needs_code_fold(s) || lower(s);
        exponents |= exponent(s);
        if change && exponents {
            break;
        }
    }
    let folds = std::cell::Cell::new(0usize);
    let values = if change {
        ca.apply(|v| {
            let f = fold_code(v?);
            if matches!(f, Cow::Owned(_)) {
                folds.set(folds.get() + 1);
            }
            if f.is_empty() {
                None
            } else if lower(&f) {
                Some(Cow::Owned(f.to_ascii_uppercase()))
            } else {
                Some(f)
            }
        })
    } else {
        ca.clone()
    };
    let bad: BooleanChunked = if change || exponents || !spec.allowed.is_empty() {
        values
            .iter()
            .map(|v| {
                Some(v.map_or(spec.required, |s| {
                    (exponent(s) && scientific(s)) || !allowed(spec, s)
                }))
            })
            .collect()
    } else if spec.required {
        values.is_null()
    } else {
        BooleanChunked::full(PlSmallStr::EMPTY, false, values.len())
    };
    let mut parsed = Parsed::new(values.into_series(), bad);
    parsed.folded = folds.get();
    parsed
}

/// `男`/`女` for every spelling of a gender.
fn genders(ca: &StringChunked, spec: &Spec) -> Parsed {
    let values: StringChunked = ca.iter().map(|v| v.and_then(gender_of)).collect();
    let bad: BooleanChunked = ca
        .iter()
        .map(|v| Some(v.map_or(spec.required, |s| gender_of(s).is_none())))
        .collect();
    Parsed::new(values.into_series(), bad)
}
