//! What the panel's records (`decisions`, `verifications`) must hold to be
//! written back into the working sheets and forms: a text of at most 32,767
//! characters (an Excel cell holds no more) and a date Excel can hold
//! (1900-01-01 to 9999-12-31). A row that breaks either is a reject, with
//! its file, line and column, like any row the contract refuses: one bad
//! row of a hand-kept record must never stop the night's run when the
//! documents are written.

use polars::prelude::*;

use super::rejects::{Reject, RejectReason};
use super::review_sheets::sheet_column;
use crate::contract::TableSpec;
use crate::contract::added_columns::SOURCE_LINE;
use crate::contract::{Kind, Table};

/// The most characters an Excel cell holds.
pub const EXCEL_TEXT_CHARS: usize = 32_767;

/// Days from 1970-01-01 of the first and last dates Excel holds.
const FIRST_EXCEL_DAY: i32 = -25_567; // 1900-01-01
const LAST_EXCEL_DAY: i32 = 2_932_896; // 9999-12-31

/// A row's first breach: the contract column's index, the value, and what
/// is wrong with it.
type Breach = Option<(usize, String, String)>;

/// The rows of a panel record's frame that break the limits, rejected; the
/// frame without them. `wide` says the file is a 评审记录 sheet, whose
/// rejects name the sheet's own columns.
pub fn check(
    spec: &'static TableSpec,
    file: &str,
    wide: bool,
    frame: DataFrame,
) -> PolarsResult<(DataFrame, Vec<Reject>)> {
    let mut bad: Vec<Breach> = vec![None; frame.height()];
    for (i, column) in spec.columns.iter().enumerate() {
        let Ok(values) = frame.column(column.name) else {
            continue;
        };
        match column.kind {
            Kind::Str => texts_too_long(values, i, &mut bad)?,
            Kind::Date => dates_outside_excel(values, i, &mut bad)?,
            _ => {}
        }
    }
    if bad.iter().all(Option::is_none) {
        return Ok((frame, Vec::new()));
    }
    let rejects = rejects_of(spec, file, wide, &frame, &bad)?;
    let keep: BooleanChunked = bad.iter().map(|b| Some(b.is_none())).collect();
    Ok((frame.filter(&keep)?, rejects))
}

/// Marks the rows (not yet marked) whose text in the i-th column is longer
/// than an Excel cell holds.
fn texts_too_long(values: &Column, i: usize, bad: &mut [Breach]) -> PolarsResult<()> {
    let text = values.cast(&DataType::String)?;
    for (row, v) in text.str()?.iter().enumerate() {
        if let Some(v) = v
            && bad[row].is_none()
        {
            let chars = v.chars().count();
            if chars > EXCEL_TEXT_CHARS {
                bad[row] = Some((
                    i,
                    v.to_string(),
                    format!(
                        "{chars} characters; an Excel cell holds at most {EXCEL_TEXT_CHARS}: shorten it"
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// Marks the rows (not yet marked) whose date in the i-th column lies
/// outside the dates Excel holds.
fn dates_outside_excel(values: &Column, i: usize, bad: &mut [Breach]) -> PolarsResult<()> {
    let days = values.cast(&DataType::Int32)?;
    for (row, d) in days.i32()?.iter().enumerate() {
        if let Some(d) = d
            && bad[row].is_none()
            && !(FIRST_EXCEL_DAY..=LAST_EXCEL_DAY).contains(&d)
        {
            let date = values.get(row)?.to_string();
            bad[row] = Some((
                i,
                date,
                "outside the dates Excel holds (1900-01-01 to 9999-12-31): correct the year"
                    .to_string(),
            ));
        }
    }
    Ok(())
}

/// A reject per marked row, with its line and column (a 评审记录 sheet's
/// own column for its decisions).
fn rejects_of(
    spec: &'static TableSpec,
    file: &str,
    wide: bool,
    frame: &DataFrame,
    bad: &[Breach],
) -> PolarsResult<Vec<Reject>> {
    let lines = frame.column(SOURCE_LINE)?.cast(&DataType::Int64)?;
    let lines = lines.i64()?;
    let stages = match (wide, spec.table) {
        (true, Table::Decisions) => Some(frame.column("stage")?.cast(&DataType::String)?),
        _ => None,
    };
    let mut rejects = Vec::new();
    for (row, b) in bad.iter().enumerate() {
        let Some((i, value, detail)) = b else {
            continue;
        };
        let name = spec.columns[*i].name;
        let column = match &stages {
            Some(s) => sheet_column(s.str()?.get(row).unwrap_or_default(), name),
            None => name.to_string(),
        };
        rejects.push(Reject::new(
            spec.table,
            file,
            lines.get(row).unwrap_or_default().max(0) as u64,
            &column,
            Some(value),
            false,
            RejectReason::NotAllowed,
            detail.clone(),
            None,
        ));
    }
    Ok(rejects)
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;

    #[test]
    fn the_excel_day_bounds_are_1900_01_01_and_9999_12_31() {
        let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap();
        let days = |y, m, d| (NaiveDate::from_ymd_opt(y, m, d).unwrap() - epoch).num_days() as i32;
        assert_eq!(days(1900, 1, 1), FIRST_EXCEL_DAY);
        assert_eq!(days(9999, 12, 31), LAST_EXCEL_DAY);
    }
}
