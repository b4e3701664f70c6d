//! Evidence quality (docs/indicators.md, "Evidence quality"): for each rated
//! figure of a community and year, the share of its numerator that durable
//! records back. A figure can pass on records that are there but thin (a job
//! of a few days, services written up in one sitting, a clearance with no
//! lasting work behind it) without any detector firing; the share says how
//! much of the figure stands on records that last.
//!
//! Each share is Float64 in [0, 1], null when its numerator is 0 or null.
//! The shares go to the ratings table beside the figures they qualify, never
//! to the indicators table.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use polars::prelude::*;

use super::hardship::hardship_persons;
use super::jobs::new_job_starts;
use super::labor_force::retirement_age;
use super::period::{Period, age_on, covers, date, days_between, within};
use super::unemployment::first_reemployment_starts;
use crate::config::rules::IndicatorRules;
use crate::contract::Table;

/// One rated figure and the column that carries its evidence share.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Figure {
    /// The indicator the share qualifies (docs/indicators.md).
    pub figure: &'static str,
    /// `<figure>_evidence`, in the ratings table.
    pub column: &'static str,
}

/// Every evidence share, in the order of the indicators they qualify. The
/// ratings table, its dictionary, the report and `explain` all read this list.
pub const FIGURES: [Figure; 6] = [
    Figure {
        figure: "registered_unemployment_rate",
        column: "registered_unemployment_rate_evidence",
    },
    Figure {
        figure: "reemployment_rate",
        column: "reemployment_rate_evidence",
    },
    Figure {
        figure: "hardship_employment_rate",
        column: "hardship_employment_rate_evidence",
    },
    Figure {
        figure: "zero_households",
        column: "zero_households_evidence",
    },
    Figure {
        figure: "new_jobs",
        column: "new_jobs_evidence",
    },
    Figure {
        figure: "assistance_coverage",
        column: "assistance_coverage_evidence",
    },
];

/// The evidence column of `figure`, if it has one.
pub fn column_of(figure: &str) -> Option<&'static str> {
    FIGURES
        .iter()
        .find(|f| f.figure == figure)
        .map(|f| f.column)
}

/// The end reasons a ledger stay can back (the person moved away, died or
/// retired: the ledger closes a stay for each).
const LEDGER_REASONS: [&str; 3] = ["迁出", "死亡", "退休"];
const RETIRED: &str = "退休";

/// What the shares read besides the tables.
#[derive(Debug, Clone, Copy)]
pub struct Settings<'a> {
    pub rules: &'a IndicatorRules,
    /// A member's job starting up to this many days after `cleared_on`
    /// backs a clearance (the `unverified_clearance` detector's `grace_days`).
    pub clearance_grace_days: i64,
    /// The extract's end (`super::extract_end`): a job not ended by then is
    /// still running.
    pub extract_end: Option<NaiveDate>,
}

/// An employment record is durable: it lasts at least `days` days
/// (`ended_on - started_on + 1`), or has not ended by the extract's end
/// (`ended_on` empty or later than `extract_end`).
pub fn durable(days: i64, extract_end: Option<NaiveDate>) -> Expr {
    let days = days.clamp(0, i64::from(i32::MAX - 1)) as i32;
    let lasts = (days_between(col("started_on"), col("ended_on")) + lit(1i32)).gt_eq(lit(days));
    let running = match extract_end {
        Some(end) => col("ended_on").is_null().or(col("ended_on").gt(date(end))),
        None => col("ended_on").is_null(),
    };
    running.or(lasts)
}

/// `backed / counted` as a fraction; null when `counted` is 0 or null.
fn share(backed: &str, counted: &str) -> Expr {
    when(col(counted).gt(lit(0i64)))
        .then(col(backed).cast(DataType::Float64) / col(counted).cast(DataType::Float64))
        .otherwise(lit(NULL).cast(DataType::Float64))
}

/// Per community: `counted` = distinct `key`s, `backed` = distinct `key`s of
/// rows where `backed` holds; then the share as `name`.
fn shares(rows: LazyFrame, key: &str, name: &str) -> LazyFrame {
    rows.group_by([col("community_code")])
        .agg([
            col(key).n_unique().cast(DataType::Int64).alias("counted"),
            col(key)
                .filter(col("backed"))
                .n_unique()
                .cast(DataType::Int64)
                .alias("backed"),
        ])
        .select([
            col("community_code"),
            share("backed", "counted").alias(name),
        ])
}

/// The employment records with whether each is `durable`: record_id,
/// person_id, started_on, ended_on, durable.
fn records(employment: LazyFrame, s: &Settings) -> LazyFrame {
    employment
        .select([
            col("record_id"),
            col("person_id"),
            col("started_on"),
            col("ended_on"),
        ])
        .with_column(durable(s.rules.durable_job_days, s.extract_end).alias("durable"))
}

/// Of the persons counted in `reemployed_in_period`, those whose counting
/// record (the earliest qualifying start) is durable.
pub fn reemployment(
    unemployment: LazyFrame,
    employment: LazyFrame,
    p: &Period,
    s: &Settings,
) -> LazyFrame {
    let counted = first_reemployment_starts(unemployment, employment.clone(), p).select([
        col("community_code"),
        col("person_id"),
        col("record_id"),
    ]);
    let rows = counted.join(
        records(employment, s).select([col("record_id"), col("durable").alias("backed")]),
        [col("record_id")],
        [col("record_id")],
        JoinArgs::new(JoinType::Inner),
    );
    shares(rows, "person_id", "reemployment_rate_evidence")
}

/// Of `hardship_employed`, the persons employed at A by a durable record
/// (any record of theirs covering A that is durable).
pub fn hardship_employment(
    hardship: LazyFrame,
    employment: LazyFrame,
    p: &Period,
    s: &Settings,
) -> LazyFrame {
    let h = hardship_persons(hardship, p);
    let covering = records(employment, s)
        .filter(covers(p.cutoff))
        .semi_join(
            h.clone().select([col("person_id")]),
            col("person_id"),
            col("person_id"),
        )
        .group_by([col("person_id")])
        .agg([col("durable").any(false).alias("backed")]);
    shares(
        h.join(
            covering,
            [col("person_id")],
            [col("person_id")],
            JoinArgs::new(JoinType::Inner),
        ),
        "person_id",
        "hardship_employment_rate_evidence",
    )
}

/// The jobs that back each clearance of P (the one definition the evidence
/// figure and the `unverified_clearance` family of detectors share): the
/// cleared household's key (`household_id`, `community_code`,
/// `identified_on`) and `cleared_on`, with each record of `records` (any
/// columns, `person_id`, `started_on` and `ended_on` among them) of a person
/// sharing its `household_id` in the ledger that starts no later than
/// `grace_days` after `cleared_on` and has not ended before it.
pub fn clearance_backing(
    zero: LazyFrame,
    persons: LazyFrame,
    records: LazyFrame,
    p: &Period,
    grace_days: i64,
) -> LazyFrame {
    let cleared = cleared_in(zero, p);
    // Both tables hold the household alike (`contract::held::share_holding`).
    let members = persons
        .select([col("household_id"), col("person_id")])
        .semi_join(
            cleared.clone().select([col("household_id")]),
            col("household_id"),
            col("household_id"),
        )
        .unique(None, UniqueKeepStrategy::Any);
    let grace = grace_days.clamp(0, i64::from(i32::MAX)) as i32;
    cleared
        .join(
            members.clone(),
            [col("household_id")],
            [col("household_id")],
            JoinArgs::new(JoinType::Inner),
        )
        .join(
            records.semi_join(members, col("person_id"), col("person_id")),
            [col("person_id")],
            [col("person_id")],
            JoinArgs::new(JoinType::Inner),
        )
        .filter(
            days_between(col("cleared_on"), col("started_on"))
                .lt_eq(lit(grace))
                .and(
                    col("ended_on")
                        .is_null()
                        .or(col("ended_on").gt_eq(col("cleared_on"))),
                ),
        )
}

/// The zero-employment households cleared in P, by their key.
pub fn cleared_in(zero: LazyFrame, p: &Period) -> LazyFrame {
    zero.filter(col("cleared_on").is_not_null().and(within("cleared_on", p)))
        .select([
            col("household_id"),
            col("community_code"),
            col("identified_on"),
            col("cleared_on"),
        ])
}

/// Of the community's zero-employment households cleared in P, those whose
/// clearance a member's durable job backs (`clearance_backing`, the grace
/// of `[detectors.unverified_clearance] grace_days`).
pub fn zero_households(
    zero: LazyFrame,
    persons: LazyFrame,
    employment: LazyFrame,
    p: &Period,
    s: &Settings,
) -> LazyFrame {
    let durable = records(employment, s).filter(col("durable")).select([
        col("person_id"),
        col("started_on"),
        col("ended_on"),
    ]);
    let key = [col("community_code"), col("household_id")];
    let backed = clearance_backing(zero.clone(), persons, durable, p, s.clearance_grace_days)
        .select([
            col("community_code"),
            col("household_id"),
            lit(true).alias("backed"),
        ])
        .unique(None, UniqueKeepStrategy::Any);
    let rows = cleared_in(zero, p)
        .select(key.clone())
        .join(backed, key.clone(), key, JoinArgs::new(JoinType::Left))
        .with_column(col("backed").fill_null(lit(false)));
    shares(rows, "household_id", "zero_households_evidence")
}

/// Of `new_jobs`, the persons with a durable record among the records that
/// made them counted.
pub fn new_jobs(employment: LazyFrame, persons: LazyFrame, p: &Period, s: &Settings) -> LazyFrame {
    let rows = new_job_starts(employment.clone(), persons, p, s.rules)
        .select([col("community_code"), col("person_id"), col("record_id")])
        .join(
            records(employment, s).select([col("record_id"), col("durable").alias("backed")]),
            [col("record_id")],
            [col("record_id")],
            JoinArgs::new(JoinType::Inner),
        );
    shares(rows, "person_id", "new_jobs_evidence")
}

/// A service's day: days since the epoch.
fn day() -> Expr {
    col("delivered_on").cast(DataType::Int32).alias("day")
}

/// Days a service's crowd reaches on either side: delivered less than
/// `service_crowd_days` apart.
fn crowd_reach(rules: &IndicatorRules) -> i32 {
    (rules.service_crowd_days - 1).clamp(0, 366) as i32
}

/// How a crowd of services is judged: the days it reaches either side
/// (`reach`), the fewest persons that make one (`persons`), the factor of
/// the community's own pace it must reach (`pace`), and the days the
/// services were taken from (`span_days`), over which that pace is spread.
#[derive(Debug, Clone, Copy)]
pub struct Crowd {
    pub reach: i32,
    pub persons: i64,
    pub pace: f64,
    pub span_days: i64,
}

/// Each row of `marked` (services: community_code, person_id, day, the days
/// since the epoch) with `nearby`, the distinct persons, itself included,
/// served by the same community (any row of `services`, with the same
/// columns) within `reach` days of it; `needed`, the larger of `persons` and
/// `pace` times the persons the community's own pace (its served
/// person-days in `services` over `span_days`) puts in such a window; and
/// whether it is `crowded` (`nearby` reaches `needed`). `services` must hold
/// every service within that reach of the marked ones. The evidence figure
/// and `service_burst` judge crowds with this one function.
pub fn with_crowding(
    marked: LazyFrame,
    services: LazyFrame,
    crowd: &Crowd,
) -> PolarsResult<LazyFrame> {
    let reach = crowd.reach;
    let offsets = df!("offset" => (-reach..=reach).collect::<Vec<i32>>())?.lazy();
    // The days the marked services fall on, each with the days within reach
    // of it; every service on one of those days is near that day.
    let near_days = marked
        .clone()
        .select([col("community_code"), col("day")])
        .unique(None, UniqueKeepStrategy::Any)
        .cross_join(offsets, None)
        .select([
            col("community_code"),
            col("day"),
            (col("day") + col("offset")).alias("near"),
        ]);
    let near = services
        .clone()
        .select([
            col("community_code"),
            col("person_id"),
            col("day").alias("near"),
        ])
        .join(
            near_days,
            [col("community_code"), col("near")],
            [col("community_code"), col("near")],
            JoinArgs::new(JoinType::Inner),
        )
        .group_by([col("community_code"), col("day")])
        .agg([col("person_id")
            .n_unique()
            .cast(DataType::Int64)
            .alias("nearby")]);
    // The community's own pace: its served person-days spread evenly over
    // `span_days`, times the window and `pace`.
    let per_day = f64::from(2 * reach + 1) * crowd.pace / crowd.span_days.max(1) as f64;
    let pace = services
        .select([col("community_code"), col("person_id"), col("day")])
        .unique(None, UniqueKeepStrategy::Any)
        .group_by([col("community_code")])
        .agg([(len().cast(DataType::Float64) * lit(per_day)).alias("paced")]);
    let floor = lit(crowd.persons as f64);
    Ok(marked
        .join(
            near,
            [col("community_code"), col("day")],
            [col("community_code"), col("day")],
            JoinArgs::new(JoinType::Left),
        )
        .join(
            pace,
            [col("community_code")],
            [col("community_code")],
            JoinArgs::new(JoinType::Left),
        )
        .with_columns([
            col("nearby").fill_null(lit(1i64)),
            when(col("paced").gt(floor.clone()))
                .then(col("paced"))
                .otherwise(floor)
                .alias("needed"),
        ])
        .with_column(
            col("nearby")
                .cast(DataType::Float64)
                .gt_eq(col("needed"))
                .alias("crowded"),
        ))
}

/// Of `assisted`, the persons with at least one service in P (any
/// community) that is not crowded.
pub fn assistance(
    hardship: LazyFrame,
    services: LazyFrame,
    p: &Period,
    rules: &IndicatorRules,
) -> PolarsResult<LazyFrame> {
    let h = hardship_persons(hardship, p);
    let theirs = services
        .clone()
        .filter(within("delivered_on", p))
        .semi_join(
            h.clone().select([col("person_id")]),
            col("person_id"),
            col("person_id"),
        )
        .select([col("community_code"), col("person_id"), day()]);
    // Every service that can be near one of theirs: P widened by the reach.
    let reach = chrono::Duration::days(crowd_reach(rules).into());
    // The crowd is counted among the services to hardship persons, as
    // `service_burst` counts it: the registrants' job-search help of a busy
    // office is no batch of assistance, and leaving it out keeps the join
    // to a tenth of the services.
    let around = services
        .filter(
            col("delivered_on")
                .gt_eq(date(p.start - reach))
                .and(col("delivered_on").lt_eq(date(p.cutoff + reach))),
        )
        .semi_join(
            h.clone().select([col("person_id")]),
            col("person_id"),
            col("person_id"),
        )
        .select([col("community_code"), col("person_id"), day()]);
    let crowd = Crowd {
        reach: crowd_reach(rules),
        persons: rules.service_crowd_persons,
        pace: rules.service_crowd_pace,
        span_days: (p.cutoff - p.start).num_days() + 1 + 2 * i64::from(crowd_reach(rules)),
    };
    let served = with_crowding(theirs, around, &crowd)?
        .group_by([col("person_id")])
        .agg([col("crowded").not().any(false).alias("backed")]);
    Ok(shares(
        h.join(
            served,
            [col("person_id")],
            [col("person_id")],
            JoinArgs::new(JoinType::Inner),
        ),
        "person_id",
        "assistance_coverage_evidence",
    ))
}

/// Of the community's registrations closed in P (`ended_on` in [S, A]),
/// those whose closing is backed: a job of the person (any community)
/// starting from `registered_on` up to `closing_match_days` after
/// `ended_on`; or, closed as 迁出, 死亡 or 退休, the person's ledger stay in
/// the community ending within `closing_match_days` of `ended_on`; or,
/// closed as 退休, the person at or past retirement age on `ended_on`.
pub fn closed_registrations(
    unemployment: LazyFrame,
    employment: LazyFrame,
    persons: LazyFrame,
    p: &Period,
    rules: &IndicatorRules,
) -> LazyFrame {
    let m = rules.closing_match_days.clamp(0, i64::from(i32::MAX)) as i32;
    let closed = unemployment
        .filter(col("ended_on").is_not_null().and(within("ended_on", p)))
        .select(closing_and([col("end_reason")]));
    // Each way of backing as a mark on the registration it backs.
    let by_job = backed_by_job(closed.clone(), employment, m, "by_job");
    let by_ledger = backed_by_ledger(closed.clone(), persons, m, rules);
    let joined = |rows: LazyFrame, marks: LazyFrame| {
        rows.join(
            marks,
            [col("registration_id")],
            [col("registration_id")],
            JoinArgs::new(JoinType::Left),
        )
    };
    let rows = joined(joined(closed, by_job), by_ledger).with_column(
        col("by_job")
            .fill_null(lit(false))
            .or(col("by_ledger").fill_null(lit(false)))
            .alias("backed"),
    );
    shares(
        rows,
        "registration_id",
        "registered_unemployment_rate_evidence",
    )
}

/// The columns that place a registration and its closing (id, person,
/// community, registered_on, ended_on), followed by `more`.
pub fn closing_and(more: impl IntoIterator<Item = Expr>) -> Vec<Expr> {
    [
        "registration_id",
        "person_id",
        "community_code",
        "registered_on",
        "ended_on",
    ]
    .map(col)
    .into_iter()
    .chain(more)
    .collect()
}

/// The registrations of `closed` (a frame with `registration_id` and
/// `person_id`) for which some row of the same person in `other` meets
/// `keep`: `registration_id` once each, with the mark `name` true.
pub fn marked_matches(closed: LazyFrame, other: LazyFrame, keep: Expr, name: &str) -> LazyFrame {
    closed
        .join(
            other,
            [col("person_id")],
            [col("person_id")],
            JoinArgs::new(JoinType::Inner),
        )
        .filter(keep)
        .select([col("registration_id")])
        .unique(None, UniqueKeepStrategy::Any)
        .with_column(lit(true).alias(name))
}

/// The closings a job of the person backs (any community, starting from
/// `registered_on` up to `m` days after `ended_on`), marked `name`; the one
/// reading of a closing as employed that `reemployment_without_record`
/// shares.
pub fn backed_by_job(closed: LazyFrame, employment: LazyFrame, m: i32, name: &str) -> LazyFrame {
    marked_matches(
        closed.select([
            col("registration_id"),
            col("person_id"),
            col("registered_on"),
            col("ended_on"),
        ]),
        employment.select([col("person_id"), col("started_on")]),
        col("started_on")
            .gt_eq(col("registered_on"))
            .and(days_between(col("ended_on"), col("started_on")).lt_eq(lit(m))),
        name,
    )
}

/// The closings for a ledger reason that the ledger backs (the person's
/// stay in the community ending within `m` days of `ended_on`, or, for
/// 退休, the person at or past retirement age then), marked `by_ledger`.
fn backed_by_ledger(
    closed: LazyFrame,
    persons: LazyFrame,
    m: i32,
    rules: &IndicatorRules,
) -> LazyFrame {
    let ledger_reason = LEDGER_REASONS
        .iter()
        .fold(lit(false), |any, r| any.or(col("end_reason").eq(lit(*r))));
    let stay_ends_near = col("stay_community")
        .eq(col("community_code").cast(DataType::String))
        .and(col("left_on").is_not_null())
        .and(
            days_between(col("ended_on"), col("left_on"))
                .abs()
                .lt_eq(lit(m)),
        );
    let retired = col("end_reason")
        .eq(lit(RETIRED))
        .and(age_on(col("ended_on")).gt_eq(retirement_age(rules)));
    let by_reason = closed.filter(ledger_reason);
    marked_matches(
        by_reason.clone(),
        // Only the ledger rows of those persons: narrowed before the codes
        // become text.
        persons
            .semi_join(
                by_reason.select([col("person_id")]),
                col("person_id"),
                col("person_id"),
            )
            .select([
                col("person_id"),
                col("community_code")
                    .cast(DataType::String)
                    .alias("stay_community"),
                col("left_on"),
                col("birth_date"),
                col("gender"),
            ]),
        stay_ends_near.or(retired),
        "by_ledger",
    )
}

/// Every evidence share of every community and period: community_code,
/// year, then `FIGURES`' columns. One plan per year, collected once.
pub fn compute(
    tables: &BTreeMap<Table, DataFrame>,
    periods: &[Period],
    rules: &IndicatorRules,
    clearance_grace_days: i64,
) -> PolarsResult<DataFrame> {
    let s = Settings {
        rules,
        clearance_grace_days,
        extract_end: super::extract_end(tables)?,
    };
    let mut per_year = Vec::with_capacity(periods.len());
    for p in periods {
        let mut plan = super::required(tables, Table::Communities)?
            .select([col("community_code")])
            .with_column(lit(p.year as i64).cast(DataType::Int64).alias("year"));
        for (name, part) in figure_plans(tables, p, &s)? {
            plan = plan.join(
                collected(name, part, p)?.lazy(),
                [col("community_code")],
                [col("community_code")],
                JoinArgs::new(JoinType::Left),
            );
        }
        if !tables.contains_key(&Table::Services) {
            plan = plan.with_column(
                lit(NULL)
                    .cast(DataType::Float64)
                    .alias("assistance_coverage_evidence"),
            );
        }
        let columns: Vec<Expr> = ["community_code", "year"]
            .into_iter()
            .chain(FIGURES.iter().map(|f| f.column))
            .map(col)
            .collect();
        per_year.push(plan.select(columns).collect()?.lazy());
        // What a year's joins freed goes back to the system before the next.
        crate::memory::give_back();
    }
    concat(
        per_year,
        UnionArgs {
            parallel: false,
            ..UnionArgs::default()
        },
    )?
    .sort(["year", "community_code"], SortMultipleOptions::default())
    .collect()
}

/// The plan of each evidence figure of P, by name: one row per community.
fn figure_plans<'a>(
    tables: &BTreeMap<Table, DataFrame>,
    p: &Period,
    s: &Settings,
) -> PolarsResult<Vec<(&'a str, LazyFrame)>> {
    let get = |t: Table| super::required(tables, t);
    let (persons, unemployment, employment) = (
        get(Table::Persons)?,
        get(Table::Unemployment)?,
        get(Table::Employment)?,
    );
    let (hardship, zero) = (get(Table::Hardship)?, get(Table::ZeroHouseholds)?);
    let closings = closed_registrations(
        unemployment.clone(),
        employment.clone(),
        persons.clone(),
        p,
        s.rules,
    );
    let mut parts: Vec<(&str, LazyFrame)> = vec![
        ("closings", closings),
        (
            "reemployment",
            reemployment(unemployment, employment.clone(), p, s),
        ),
        (
            "hardship",
            hardship_employment(hardship.clone(), employment.clone(), p, s),
        ),
        (
            "zero_households",
            zero_households(zero, persons.clone(), employment.clone(), p, s),
        ),
        ("new_jobs", new_jobs(employment, persons, p, s)),
    ];
    if let Some(services) = tables.get(&Table::Services) {
        parts.push((
            "assistance",
            assistance(hardship, services.clone().lazy(), p, s.rules)?,
        ));
    }
    Ok(parts)
}

/// One figure's plan run alone (six plans side by side held every join of
/// the six at once), its community code as text, and how long it took
/// logged.
fn collected(name: &str, part: LazyFrame, p: &Period) -> PolarsResult<DataFrame> {
    let started = std::time::Instant::now();
    let part = part
        .with_column(col("community_code").cast(DataType::String))
        .collect()?;
    crate::memory::give_back();
    tracing::debug!(
        figure = name,
        year = p.year,
        ms = started.elapsed().as_millis() as u64,
        "evidence figure done"
    );
    Ok(part)
}
