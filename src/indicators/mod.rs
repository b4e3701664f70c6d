//! Stage 2, typed frames → one row per community and review year with every
//! indicator of docs/indicators.md. One lazy plan per year, collected once.
//!
//! Counts are of distinct persons (households for the zero-household counts)
//! and are 0 when nobody qualifies; a rate whose denominator is 0 is null; an
//! indicator built on a missing optional table is null.

pub mod evidence;
pub mod hardship;
pub mod jobs;
pub mod labor_force;
pub mod period;
pub mod platform;
pub mod services;
pub mod unemployment;
pub mod zero_households;

use std::collections::BTreeMap;

use chrono::NaiveDate;
use polars::prelude::*;

use crate::config::AsOf;
use crate::config::rules::IndicatorRules;
use crate::contract::Table;
use crate::error::Result;
pub use period::Period;

/// The published indicator columns, in order, after the community's
/// identification (community_code, community_name, county, street, year).
pub const INDICATORS: [&str; 21] = [
    "labor_force",
    "employed",
    "registered_unemployed",
    "registered_unemployment_rate",
    "unemployed_in_period",
    "reemployed_in_period",
    "reemployment_rate",
    "hardship_persons",
    "hardship_employed",
    "hardship_employment_rate",
    "zero_households",
    "zero_households_open",
    "zero_households_overdue",
    "zero_households_max_days",
    "new_jobs",
    "long_term_unemployed",
    "assistance_targets",
    "assisted",
    "assistance_coverage",
    "services_delivered",
    "platform_ok",
];

/// The identification columns every community table starts with.
pub const IDENTIFICATION: [&str; 5] = [
    "community_code",
    "community_name",
    "county",
    "street",
    "year",
];

/// Counts that are 0, not null, when nobody qualifies (their tables are required).
const COUNTS_FROM_REQUIRED: [&str; 12] = [
    "labor_force",
    "employed",
    "registered_unemployed",
    "unemployed_in_period",
    "reemployed_in_period",
    "hardship_persons",
    "hardship_employed",
    "zero_households",
    "zero_households_open",
    "zero_households_overdue",
    "new_jobs",
    "long_term_unemployed",
];

/// The indicators and the dates they were computed for.
#[derive(Debug, Clone)]
pub struct Indicators {
    pub frame: DataFrame,
    pub as_of: NaiveDate,
    pub periods: Vec<Period>,
    /// Under `as_of = "extract"`: the date columns holding dates after today
    /// (Asia/Shanghai), which were left out when finding the extract's date.
    pub future_dates: Vec<FutureDates>,
}

/// Rows of one date column dated after today: a typing slip or a clock gone
/// wrong, never a reason to move the cut-off into the future.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FutureDates {
    pub table: Table,
    pub column: &'static str,
    pub rows: usize,
    pub latest: NaiveDate,
}

/// Resolves the cut-off and years, then computes every indicator.
pub fn compute(
    tables: &BTreeMap<Table, DataFrame>,
    rules: &IndicatorRules,
    as_of: AsOf,
    years: Option<&[i32]>,
) -> Result<Indicators> {
    let today = period::today();
    let (recorded, event) = extract_dates(tables, today)?;
    let future_dates = if as_of == AsOf::Extract {
        future_dates(tables, today)?
    } else {
        Vec::new()
    };
    for f in &future_dates {
        tracing::warn!(
            table = f.table.name(), column = f.column, rows = f.rows, latest = %f.latest, %today,
            "rows dated after today: left out when finding the extract's date (as_of = \"extract\")"
        );
    }
    let as_of = period::resolve_as_of(as_of, recorded, event)?;
    let periods = period::periods(as_of, years)?;
    let frame = compute_periods(tables, &periods, rules)?;
    Ok(Indicators {
        frame,
        as_of,
        periods,
        future_dates,
    })
}

/// The columns that date the extract: `recorded_at` first, then the event dates.
const RECORDED: (Table, &str) = (Table::Employment, "recorded_at");
const EVENT_DATES: [(Table, &str); 9] = [
    (Table::Unemployment, "registered_on"),
    (Table::Unemployment, "ended_on"),
    (Table::Employment, "started_on"),
    (Table::Employment, "ended_on"),
    (Table::Hardship, "designated_on"),
    (Table::Hardship, "revoked_on"),
    (Table::ZeroHouseholds, "identified_on"),
    (Table::ZeroHouseholds, "cleared_on"),
    (Table::Services, "delivered_on"),
];

/// A date column as days since 1970-01-01 (`recorded_at` is a datetime).
fn day_numbers(
    tables: &BTreeMap<Table, DataFrame>,
    t: Table,
    c: &str,
) -> PolarsResult<Option<Int32Chunked>> {
    let Some(df) = tables.get(&t) else {
        return Ok(None);
    };
    let s = df
        .column(c)?
        .as_materialized_series()
        .cast(&DataType::Date)?;
    Ok(Some(s.to_physical_repr().i32()?.clone()))
}

fn day_number(d: NaiveDate) -> i32 {
    (d - epoch()).num_days() as i32
}

fn epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(1970, 1, 1).expect("epoch")
}

/// The extract's own dates, each no later than `not_after` (today): its
/// latest `recorded_at`, and its latest date in any event table.
pub fn extract_dates(
    tables: &BTreeMap<Table, DataFrame>,
    not_after: NaiveDate,
) -> PolarsResult<(Option<NaiveDate>, Option<NaiveDate>)> {
    let limit = day_number(not_after);
    let max_date = |(t, c): (Table, &str)| -> PolarsResult<Option<NaiveDate>> {
        let Some(days) = day_numbers(tables, t, c)? else {
            return Ok(None);
        };
        let latest = days.iter().flatten().filter(|d| *d <= limit).max();
        Ok(latest.map(|d| epoch() + chrono::Duration::days(d.into())))
    };
    let recorded = max_date(RECORDED)?;
    let mut latest = None;
    for tc in EVENT_DATES {
        latest = latest.max(max_date(tc)?);
    }
    Ok((recorded, latest))
}

/// The extract's end: the latest date it holds, recorded or event, dates
/// after today (Asia/Shanghai) left out as slips; None for an extract without
/// dates. A job still running at the extract's end is as long as the extract
/// can show.
pub fn extract_end(tables: &BTreeMap<Table, DataFrame>) -> PolarsResult<Option<NaiveDate>> {
    let (recorded, event) = extract_dates(tables, period::today())?;
    Ok(recorded.max(event))
}

/// The date columns of `extract_dates` that hold dates after `today`.
pub fn future_dates(
    tables: &BTreeMap<Table, DataFrame>,
    today: NaiveDate,
) -> PolarsResult<Vec<FutureDates>> {
    let limit = day_number(today);
    let mut out = Vec::new();
    for (table, column) in std::iter::once(RECORDED).chain(EVENT_DATES) {
        let Some(days) = day_numbers(tables, table, column)? else {
            continue;
        };
        let after: Vec<i32> = days.iter().flatten().filter(|d| *d > limit).collect();
        if let Some(max) = after.iter().max() {
            out.push(FutureDates {
                table,
                column,
                rows: after.len(),
                latest: epoch() + chrono::Duration::days((*max).into()),
            });
        }
    }
    Ok(out)
}

/// Distinct persons per community: `community_code`, `name`.
fn distinct_persons(frame: LazyFrame, name: &str) -> LazyFrame {
    frame
        .group_by([col("community_code")])
        .agg([col("person_id")
            .n_unique()
            .cast(DataType::Int64)
            .alias(name)])
}

/// numerator / denominator, null when the denominator is 0: every rate of
/// the indicators, and the re-rating's rates from reduced counts.
pub(crate) fn ratio(numerator: &str, denominator: Expr) -> Expr {
    when(denominator.clone().gt(lit(0i64)))
        .then(col(numerator).cast(DataType::Float64) / denominator.cast(DataType::Float64))
        .otherwise(lit(NULL).cast(DataType::Float64))
}

/// A required table, lazily.
pub(crate) fn required(tables: &BTreeMap<Table, DataFrame>, t: Table) -> PolarsResult<LazyFrame> {
    tables
        .get(&t)
        .map(|df| df.clone().lazy())
        .ok_or_else(|| polars_err!(ComputeError: "required table {} is missing", t))
}

/// A part's counts joined to the roster. The parts count per community on
/// the code as the frames hold it (a category in the tables that grow with
/// the persons: four bytes a row to group and join on); their few rows meet
/// the roster as text.
fn joined(plan: LazyFrame, part: LazyFrame) -> LazyFrame {
    plan.join(
        part.with_column(col("community_code").cast(DataType::String)),
        [col("community_code")],
        [col("community_code")],
        JoinArgs::new(JoinType::Left),
    )
}

/// The roster of P (identification and year) with the counts of the
/// required tables joined.
fn required_counts(
    tables: &BTreeMap<Table, DataFrame>,
    p: &Period,
    rules: &IndicatorRules,
) -> PolarsResult<LazyFrame> {
    let get = |t: Table| required(tables, t);
    let (persons, unemployment, employment) = (
        get(Table::Persons)?,
        get(Table::Unemployment)?,
        get(Table::Employment)?,
    );
    let (hardship, zero) = (get(Table::Hardship)?, get(Table::ZeroHouseholds)?);
    let parts = vec![
        labor_force::labor_force(persons.clone(), employment.clone(), p, rules),
        unemployment::unemployment(unemployment, employment.clone(), p, rules),
        hardship::hardship(hardship, employment.clone(), p),
        zero_households::zero_households(zero, p, rules),
        jobs::new_jobs(employment, persons, p, rules),
    ];
    let roster = get(Table::Communities)?
        .select([
            col("community_code"),
            col("community_name"),
            col("county"),
            col("street"),
        ])
        .with_column(lit(p.year as i64).cast(DataType::Int64).alias("year"));
    Ok(parts.into_iter().fold(roster, joined))
}

/// The counts of the optional tables joined (null where the extract lacks
/// the table): `assisted` and `services_delivered`, `platform_ok`.
fn optional_counts(
    plan: LazyFrame,
    tables: &BTreeMap<Table, DataFrame>,
    p: &Period,
    rules: &IndicatorRules,
) -> PolarsResult<LazyFrame> {
    let optional = |t: Table| tables.get(&t).map(|df| df.clone().lazy());
    let plan = match optional(Table::Services) {
        Some(s) => joined(
            joined(
                plan,
                hardship::assisted(required(tables, Table::Hardship)?, s.clone(), p),
            ),
            services::services_delivered(s, p),
        )
        .with_columns([
            col("assisted").fill_null(lit(0i64)),
            col("services_delivered").fill_null(lit(0i64)),
        ]),
        None => plan.with_columns([
            lit(NULL).cast(DataType::Int64).alias("assisted"),
            lit(NULL).cast(DataType::Int64).alias("services_delivered"),
        ]),
    };
    Ok(match optional(Table::Platform) {
        Some(pl) => joined(plan, platform::platform_ok(pl, p, rules)),
        None => plan.with_column(lit(NULL).cast(DataType::Boolean).alias("platform_ok")),
    })
}

/// The rates from the counts, and the indicators' columns in order.
fn rates(plan: LazyFrame, with_services: bool) -> LazyFrame {
    plan.with_columns(COUNTS_FROM_REQUIRED.map(|c| col(c).fill_null(lit(0i64))))
        .with_columns([
            ratio(
                "registered_unemployed",
                col("employed") + col("registered_unemployed"),
            )
            .alias("registered_unemployment_rate"),
            ratio("reemployed_in_period", col("unemployed_in_period")).alias("reemployment_rate"),
            ratio("hardship_employed", col("hardship_persons")).alias("hardship_employment_rate"),
            col("hardship_persons").alias("assistance_targets"),
            if with_services {
                ratio("assisted", col("hardship_persons"))
            } else {
                lit(NULL).cast(DataType::Float64)
            }
            .alias("assistance_coverage"),
        ])
        .select(
            IDENTIFICATION
                .iter()
                .chain(INDICATORS.iter())
                .map(|c| col(*c))
                .collect::<Vec<_>>(),
        )
}

/// Every indicator for every community of `communities` and every period.
/// Tables absent from `tables` are optional tables missing from the extract.
pub fn compute_periods(
    tables: &BTreeMap<Table, DataFrame>,
    periods: &[Period],
    rules: &IndicatorRules,
) -> PolarsResult<DataFrame> {
    let with_services = tables.contains_key(&Table::Services);
    let mut per_year = Vec::with_capacity(periods.len());
    for p in periods {
        let plan = optional_counts(required_counts(tables, p, rules)?, tables, p, rules)?;
        let plan = rates(plan, with_services);
        // One year after the other: each year's joins are parallel already,
        // and two years' at once would hold both years' working sets. What a
        // year's joins freed goes back to the system before the next.
        per_year.push(plan.collect()?.lazy());
        crate::memory::give_back();
    }
    let all = concat(
        per_year,
        UnionArgs {
            parallel: false,
            ..UnionArgs::default()
        },
    )?;
    all.sort(["year", "community_code"], SortMultipleOptions::default())
        .collect()
}
