//! `bulk_backfill` (medium): many back-dated employment records of one
//! community keyed in at once.
//!
//! A record is back-dated when it starts more than `backdate_days` before the
//! day it was keyed in (`recorded_at`). A community fires when at least
//! `min_count` of its back-dated records were keyed within `span_minutes` of
//! each other (the first and the last of them at most that far apart).
//! Overlapping bursts merge into one finding that lists all their records.
//!
//! A burst belongs to the review year in which it was keyed in; one keyed
//! after the latest review year (the extract may reach past the cut-off)
//! belongs to the latest review year, whose figures it changes.

use chrono::{Datelike, NaiveDateTime};
use polars::prelude::*;

use super::lookup::counties;
use crate::frame::strings;
use crate::config::ranges::rules_struct;
use super::{Evidence, Finding, Inputs, Severity};
use crate::contract::Table;
use crate::error::Result;
use crate::indicators::period::days_between;

pub const ID: &str = "bulk_backfill";

/// The detector's name as the panel reads it.
pub const LABEL: &str = "批量补录";

/// The rule in one sentence, for the report's legend.
pub fn rule() -> String {
    "大量开始日期早得多的就业登记在几分钟内集中录入".into()
}

rules_struct! {
    /// The keys of `[detectors.bulk_backfill]` besides `enabled` (docs/rules.md);
    /// their defaults are in `pipelines/rules/default.toml`.
    pub struct Params {
        /// At least this many records...
        min_count: i64 => count,
        /// ...keyed in within this many minutes of each other...
        span_minutes: i64 => count,
        /// ...starting more than this many days before they were keyed in.
        backdate_days: i64 => count,
    }
}

/// Back-dated records of every community, ordered by community and keying
/// time: community_code, record_id, started_on, recorded_ms (milliseconds
/// since the epoch).
fn backdated(employment: LazyFrame, params: &Params) -> LazyFrame {
    let keyed = col("recorded_at").cast(DataType::Datetime(TimeUnit::Milliseconds, None));
    employment
        .filter(col("recorded_at").is_not_null())
        .filter(
            days_between(col("started_on"), keyed.clone().dt().date())
                .gt(lit(params.backdate_days as i32)),
        )
        .select([
            col("community_code"),
            col("record_id"),
            col("started_on"),
            keyed.cast(DataType::Int64).alias("recorded_ms"),
        ])
        .sort(
            ["community_code", "recorded_ms", "record_id"],
            SortMultipleOptions::default(),
        )
}

/// One burst: the rows (indices into the community's sorted records) from
/// `first` to `last`, and the most records found within one span.
#[derive(Debug, Clone, PartialEq)]
pub struct Burst {
    pub first: usize,
    pub last: usize,
    pub densest: usize,
}

/// Bursts in keying times sorted ascending: every stretch of at least
/// `min_count` times whose first and last lie at most `span` apart, with
/// overlapping stretches merged.
///
/// A scan over sorted times: an expression could count each record's
/// neighbours (a rolling window), but merging the overlapping windows into
/// the bursts a panel checks needs the running state of a loop.
pub fn bursts(times: &[i64], span: i64, min_count: usize) -> Vec<Burst> {
    let mut out: Vec<Burst> = Vec::new();
    let mut lo = 0;
    for hi in 0..times.len() {
        while times[hi] - times[lo] > span {
            lo += 1;
        }
        let n = hi - lo + 1;
        if n < min_count.max(1) {
            continue;
        }
        match out.last_mut() {
            Some(b) if lo <= b.last => {
                b.last = hi;
                b.densest = b.densest.max(n);
            }
            _ => out.push(Burst {
                first: lo,
                last: hi,
                densest: n,
            }),
        }
    }
    out
}

fn moment(ms: i64) -> NaiveDateTime {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|d| d.naive_utc())
        .unwrap_or_default()
}

pub fn detect(inputs: &Inputs, params: &Params) -> Result<Vec<Finding>> {
    let county = counties(inputs.communities)?;
    let years: Vec<i32> = inputs.periods().iter().map(|p| p.year).collect();
    let (Some(&earliest), Some(&latest)) = (years.first(), years.last()) else {
        return Ok(Vec::new());
    };
    let df = backdated(inputs.table(Table::Employment)?, params).collect()?;
    let codes = strings(&df, "community_code")?;
    let ids = crate::contract::record_number::texts(&df, "record_id")?;
    let ms: Vec<i64> = df
        .column("recorded_ms")?
        .i64()?
        .iter()
        .map(|v| v.unwrap_or_default())
        .collect();
    let span = params.span_minutes * 60_000;
    let mut findings = Vec::new();
    let mut start = 0;
    while start < df.height() {
        let mut end = start;
        while end < df.height() && codes[end] == codes[start] {
            end += 1;
        }
        let Some(code) = &codes[start] else {
            start = end;
            continue;
        };
        for b in bursts(&ms[start..end], span, params.min_count.max(0) as usize) {
            let (first, last) = (moment(ms[start + b.first]), moment(ms[start + b.last]));
            let year = first.year().min(latest);
            if year < earliest {
                continue;
            }
            let n = b.last - b.first + 1;
            findings.push(Finding {
                explanation: format!(
                    "{} 至 {} 集中录入 {n} 条就业登记，其中 {} 条在 {} 分钟内录入，均在录入日前 {} 天以上开始就业（补录倒签），达到 {} 条的界限",
                    first.format("%Y-%m-%d %H:%M:%S"),
                    last.format("%H:%M:%S"),
                    b.densest,
                    params.span_minutes,
                    params.backdate_days,
                    params.min_count,
                ),
                value: Some(b.densest as f64),
                threshold: Some(params.min_count as f64),
                p_value: None,
                evidence: (start + b.first..=start + b.last)
                    .filter_map(|i| ids[i].as_deref())
                    .map(|r| Evidence::record("employment", "record_id", r))
                    .collect(),
                ..Finding::community(ID, Severity::Medium, code, &county, year)
            });
        }
        start = end;
    }
    Ok(findings)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twenty_within_ten_minutes_is_a_burst_nineteen_is_not() {
        // 20 keyings 30 s apart span 9.5 minutes.
        let times: Vec<i64> = (0..20).map(|i| i * 30_000).collect();
        let b = bursts(&times, 600_000, 20);
        assert_eq!(
            b,
            vec![Burst {
                first: 0,
                last: 19,
                densest: 20
            }]
        );
        assert!(bursts(&times[..19], 600_000, 20).is_empty());
        // 20 keyings 40 s apart span 12.67 minutes: no 10 minutes hold 20.
        let spread: Vec<i64> = (0..20).map(|i| i * 40_000).collect();
        assert!(bursts(&spread, 600_000, 20).is_empty());
    }

    #[test]
    fn overlapping_windows_merge_into_one_burst() {
        // 30 keyings 30 s apart: windows of 20 overlap all along.
        let times: Vec<i64> = (0..30).map(|i| i * 30_000).collect();
        assert_eq!(
            bursts(&times, 600_000, 20),
            vec![Burst {
                first: 0,
                last: 29,
                densest: 21
            }]
        );
    }
}
