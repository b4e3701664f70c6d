//! What the thin-evidence detectors share: whether a job lasts (the
//! `durable_job_days` of `[indicators]`, read by the evidence figures too),
//! and the second signals that can corroborate a thin or statistical
//! pattern (docs/detectors.md, "Severity follows corroboration"): records
//! keyed long after the fact, and employers that fail their code check or
//! employ no one else in the extract.

use chrono::NaiveDate;
use polars::prelude::*;

use super::{Inputs, Severity};
use crate::contract::Table;
use crate::contract::added_columns::EMPLOYER_CODE_VALID;
use crate::error::Result;
use crate::indicators::period::days_between;

/// The latest date the extract holds (`indicators::extract_end`): a job
/// still open then, or ended after it, cannot be judged short.
pub fn extract_end(inputs: &Inputs) -> Result<Option<NaiveDate>> {
    Ok(crate::indicators::extract_end(inputs.tables)?)
}

/// An employment record lasts (`durable_job_days`): the evidence figures'
/// own definition, so that a detector and the figure beside it agree.
pub use crate::indicators::evidence::durable;

/// Per employment record of `records` (a frame with `record_id`; the few a
/// finding names, never the whole table): `record_id`, `person_id`,
/// `started_on`, `ended_on`, `keyed_on` (the date of `recorded_at`, null
/// without it), and `shell`: its employer's code fails GB 32100, or the
/// employer (its code, else its name) employs no other person anywhere in
/// the extract. Employers are counted only for those records, on the
/// columns as held (categories), and turned into text for none.
pub fn record_facts(inputs: &Inputs, records: LazyFrame) -> Result<LazyFrame> {
    let employment = inputs.table(Table::Employment)?;
    let schema = employment.clone().collect_schema()?;
    let (keyed, fails) = keyed_and_fails(&schema);
    let wanted = employment
        .clone()
        .semi_join(
            records.select([col("record_id")]),
            col("record_id"),
            col("record_id"),
        )
        .select([
            col("record_id"),
            col("person_id"),
            col("started_on"),
            col("ended_on"),
            keyed.alias("keyed_on"),
            col("employer_code"),
            col("employer_name"),
            fails.alias("code_fails"),
        ]);
    // Persons per employer: by code where the record has one, else by name.
    let staff = |key: &str, rows: Expr, name: &str| {
        employment
            .clone()
            .filter(rows.clone())
            .semi_join(
                wanted.clone().filter(rows).select([col(key)]),
                col(key),
                col(key),
            )
            .group_by([col(key)])
            .agg([col("person_id").n_unique().alias(name)])
    };
    let coded = col("employer_code").is_not_null();
    let named = col("employer_code")
        .is_null()
        .and(col("employer_name").is_not_null());
    let left = JoinArgs::new(JoinType::Left);
    Ok(wanted
        .clone()
        .join(
            staff("employer_code", coded, "code_staff"),
            [col("employer_code")],
            [col("employer_code")],
            left.clone(),
        )
        .join(
            staff("employer_name", named, "name_staff"),
            [col("employer_name")],
            [col("employer_name")],
            left,
        )
        .with_column(
            col("code_fails")
                .or(when(col("employer_code").is_not_null())
                    .then(col("code_staff"))
                    .otherwise(col("name_staff"))
                    .eq(lit(1u32))
                    .fill_null(lit(false)))
                .alias("shell"),
        )
        .select([
            col("record_id"),
            col("person_id"),
            col("started_on"),
            col("ended_on"),
            col("keyed_on"),
            col("shell"),
        ]))
}

/// The date a record was keyed (null where the extract has no
/// `recorded_at`), and whether its employer's code fails its check (false
/// where the extract does not say).
fn keyed_and_fails(schema: &Schema) -> (Expr, Expr) {
    let keyed = if schema.get("recorded_at").is_some() {
        col("recorded_at").cast(DataType::Date)
    } else {
        lit(NULL).cast(DataType::Date)
    };
    let fails = if schema.get(EMPLOYER_CODE_VALID).is_some() {
        code_fails()
    } else {
        lit(false)
    };
    (keyed, fails)
}

/// The record's employer code is present and fails GB 32100 (as ingest
/// marked it; a record without a code does not fail).
pub fn code_fails() -> Expr {
    col(EMPLOYER_CODE_VALID)
        .eq(lit(false))
        .fill_null(lit(false))
}

/// Keyed more than `late_days` after the record ended (or, open, after it
/// started): a record written up after the fact.
pub fn keyed_late(late_days: i64) -> Expr {
    let reference = coalesce(&[col("ended_on"), col("started_on")]);
    days_between(reference, col("keyed_on"))
        .gt(lit(late_days.clamp(0, i64::from(i32::MAX)) as i32))
        .fill_null(lit(false))
}

/// An evidence note: `base`, then the words of each mark that holds for the
/// record, in the order given (each opening with its own punctuation).
pub fn note_with(base: String, marks: impl IntoIterator<Item = (bool, String)>) -> String {
    marks
        .into_iter()
        .filter(|(holds, _)| *holds)
        .fold(base, |mut note, (_, words)| {
            note.push_str(&words);
            note
        })
}

/// The mark of a record at a shell employer (`record_facts`' `shell`), in
/// an evidence note.
pub const SHELL_NOTE: &str = "，用人单位代码校验失败或别无他人受雇";

/// High when a second signal corroborates the pattern, medium when it
/// stands alone.
pub fn severity(corroborated: bool) -> Severity {
    if corroborated {
        Severity::High
    } else {
        Severity::Medium
    }
}

/// A finding's severity and the words that say why (docs/detectors.md,
/// "Severity follows corroboration"): high when a second signal holds,
/// naming each; medium otherwise, saying that the pattern stands alone.
pub fn corroborated(signals: Vec<String>, alone: &str) -> (Severity, String) {
    if signals.is_empty() {
        (Severity::Medium, alone.to_string())
    } else {
        (Severity::High, format!("佐证：{}", signals.join("；")))
    }
}

/// How many rows `flag` holds for, as a whole number (in an aggregation).
pub fn how_many(flag: Expr) -> Expr {
    flag.sum().cast(DataType::Int64)
}

/// A community's `count` column reaches both thresholds: at least
/// `min_count`, and at least `min_share` of its `total` column.
pub fn reaches(count: &str, total: &str, min_count: i64, min_share: f64) -> Expr {
    col(count).gt_eq(lit(min_count)).and(
        col(count)
            .cast(DataType::Float64)
            .gt_eq(col(total).cast(DataType::Float64) * lit(min_share)),
    )
}

/// The words of a thin-evidence finding that stands alone.
const THIN_ALONE: &str = "仅证据单薄，建议核查";

/// Whether `count` of a finding's `of` persons corroborate it (at least
/// `share` of them, and at least one), and the words that follow the
/// pattern: `holding` when they do; else `short` with the share it falls
/// short of, where some do; else that the evidence is thin and alone.
pub fn share_corroborates(
    (count, of): (i64, i64),
    share: f64,
    holding: impl FnOnce() -> String,
    short: impl FnOnce() -> String,
) -> (bool, String) {
    let corroborated = count > 0 && count as f64 >= share * of as f64;
    let words = if corroborated {
        holding()
    } else if count > 0 {
        format!("{}，不足 {:.0}%，{THIN_ALONE}", short(), share * 100.0)
    } else {
        format!("；{THIN_ALONE}")
    };
    (corroborated, words)
}

/// Whether any of `signals` holds, and the words that follow the pattern:
/// the signals, or that the evidence is thin and alone.
pub fn any_corroborates(signals: Vec<String>) -> (bool, String) {
    if signals.is_empty() {
        (false, format!("；{THIN_ALONE}"))
    } else {
        (true, format!("；其中 {}", signals.join("，")))
    }
}

/// The words of each second signal that holds (`holds`: its count is at
/// least `share` of a finding's `of`), in the order given.
pub fn holding(
    of: usize,
    share: f64,
    signals: impl IntoIterator<Item = (usize, String)>,
) -> Vec<String> {
    signals
        .into_iter()
        .filter(|(count, _)| holds(*count, of, share))
        .map(|(_, words)| words)
        .collect()
}

/// At least `share` of `of` (and at least one): the bar a second signal
/// must reach among a finding's records.
pub fn holds(count: usize, of: usize, share: f64) -> bool {
    count > 0 && of > 0 && count as f64 >= share * of as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signal_holds_for_at_least_its_share_and_never_on_nothing() {
        assert!(holds(2, 4, 0.5));
        assert!(!holds(1, 4, 0.5));
        assert!(!holds(0, 0, 0.5));
        assert!(holds(1, 1, 0.5));
    }
}
