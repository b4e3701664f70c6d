//! The city-level score, level and stars (市级/星级, docs/rules.md): one named
//! expression per component, each interpolated between its `zero_at` and
//! `full_at`, summed to a score out of 100 and banded into a level and stars.

use polars::prelude::*;

use super::registry::{COMPONENTS, Earns};
use crate::config::rules::{MissingPlatform, RateComponent, ScoreRules};

pub const SCORE: &str = "score";
pub const NULL_COMPONENTS: &str = "null_components";
pub const LEVEL_VETOED: &str = "level_vetoed";
pub const CITY_LEVEL: &str = "city_level";
pub const STARS: &str = "stars";
pub const LEVEL: &str = "level";

/// The level values, spelled like `applications.applied_level`.
pub const CITY: &str = "市级";
pub const STAR: &str = "星级";

/// What a null component earns.
fn null_points(weight: f64, null_scores_full: bool) -> f64 {
    if null_scores_full { weight } else { 0.0 }
}

/// Share of the way from `zero_at` to `full_at`, clipped to [0, 1]. Dividing
/// by the signed span makes the reversed case (lower is better, full_at <
/// zero_at) the same formula.
fn progress(value: Expr, c: &RateComponent) -> Expr {
    ((value - lit(c.zero_at)) / lit(c.full_at - c.zero_at)).clip(lit(0.0), lit(1.0))
}

/// Points of a rate component: 0 at or beyond `zero_at`, the weight at or
/// beyond `full_at`, linear between.
pub fn rate_points(value: Expr, c: &RateComponent, null_scores_full: bool) -> Expr {
    when(value.clone().is_null())
        .then(lit(null_points(c.weight, null_scores_full)))
        .otherwise(progress(value, c) * lit(c.weight))
}

/// New jobs per 100 persons of labour force; null without a labour force.
pub fn new_jobs_per_100_labor_force() -> Expr {
    when(col("labor_force").gt(lit(0i64)))
        .then(
            col("new_jobs").cast(DataType::Float64) * lit(100.0)
                / col("labor_force").cast(DataType::Float64),
        )
        .otherwise(lit(NULL).cast(DataType::Float64))
}

/// How the platform component reads a null `platform_ok`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Platform {
    /// The platform table came without a row for the community and year,
    /// and `missing_platform = "fail"`: no record earns nothing.
    NoRecordEarnsNothing,
    /// `missing_platform = "not_applicable"`, or the whole table is
    /// missing: a null follows `null_scores_full` like any component.
    NullByRule,
}

impl Platform {
    /// The reading for a run: whether the platform table came, and the
    /// re-inspection's `missing_platform` (one key for rule and score).
    pub fn reading(table_came: bool, missing: MissingPlatform) -> Platform {
        if table_came && missing == MissingPlatform::Fail {
            Platform::NoRecordEarnsNothing
        } else {
            Platform::NullByRule
        }
    }
}

/// Points for the platform: the weight when it is in order, nothing when
/// not; a null as `reading` says.
pub fn platform_points(weight: f64, null_scores_full: bool, reading: Platform) -> Expr {
    let null = match reading {
        Platform::NoRecordEarnsNothing => 0.0,
        Platform::NullByRule => null_points(weight, null_scores_full),
    };
    when(col("platform_ok").is_null())
        .then(lit(null))
        .when(col("platform_ok"))
        .then(lit(weight))
        .otherwise(lit(0.0))
}

/// The name of the derived indicator `new_jobs_per_100_labor_force`, which
/// the score computes before its components read it.
pub const NEW_JOBS_PER_100: &str = "new_jobs_per_100_labor_force";

/// The component columns, one per registry entry; they read
/// `new_jobs_per_100_labor_force`, which `new_jobs_per_100_labor_force()`
/// adds first.
pub fn component_columns(s: &ScoreRules, platform: Platform) -> Vec<Expr> {
    let full = s.null_scores_full;
    COMPONENTS
        .iter()
        .map(|c| {
            let points = match c.earns {
                Earns::Rate(rate) => rate_points(col(c.indicator), rate(s), full),
                Earns::Flag => platform_points(s.platform_ok.weight, full, platform),
            };
            points.alias(c.column())
        })
        .collect()
}

/// The score: the sum of the components, unrounded (statisticians recompute
/// it from the components and the rules).
pub fn total() -> Expr {
    let sum = COMPONENTS
        .iter()
        .skip(1)
        .fold(col(COMPONENTS[0].column()), |acc, c| acc + col(c.column()));
    sum.alias(SCORE)
}

/// Floating-point slack when a score is compared with a band: a sum of
/// components that is 70 on paper may come out as 69.99999999999999.
const BAND_SLACK: f64 = 1e-9;

/// Whether the score reaches `band`, up to float noise.
fn reaches(band: f64) -> Expr {
    (col(SCORE) + lit(BAND_SLACK)).gt_eq(lit(band))
}

/// Veto (一票否决): an overdue zero-employment household takes away the level
/// and the stars; the score is still shown.
pub fn level_vetoed(s: &ScoreRules) -> Expr {
    let overdue = col("zero_households_overdue")
        .fill_null(lit(0i64))
        .gt(lit(0i64));
    lit(s.zero_household_veto).and(overdue).alias(LEVEL_VETOED)
}

/// City level (市级): score at or above `city_level_min`, not vetoed.
pub fn city_level(s: &ScoreRules) -> Expr {
    col(LEVEL_VETOED)
        .not()
        .and(reaches(s.city_level_min))
        .alias(CITY_LEVEL)
}

/// Stars: how many of the ascending `star_bands` the score reaches, only for
/// a community at city level (a star community is a city-level one first).
pub fn stars(s: &ScoreRules) -> Expr {
    let reached = s.star_bands.iter().fold(lit(0i64), |acc, band| {
        acc + when(reaches(*band)).then(lit(1i64)).otherwise(lit(0i64))
    });
    when(col(CITY_LEVEL))
        .then(reached)
        .otherwise(lit(0i64))
        .cast(DataType::Int64)
        .alias(STARS)
}

/// The level reached, spelled as applications spell the level applied for:
/// `星级` with at least one star, `市级` at city level without stars, null below.
pub fn level() -> Expr {
    when(col(CITY_LEVEL).and(col(STARS).gt_eq(lit(1i64))))
        .then(lit(STAR))
        .when(col(CITY_LEVEL))
        .then(lit(CITY))
        .otherwise(lit(NULL).cast(DataType::String))
        .alias(LEVEL)
}

/// The components whose indicator was null and which `null_scores_full`
/// therefore scored, `;`-joined, so a reader sees which points came from
/// that rule rather than from the data. A platform with no record under
/// `Platform::NoRecordEarnsNothing` is not among them: it earned nothing
/// because there is no record, whatever `null_scores_full` says.
pub fn null_components(frame: &DataFrame, platform: Platform) -> PolarsResult<Column> {
    let per100 = frame
        .clone()
        .lazy()
        .select([new_jobs_per_100_labor_force().alias(NEW_JOBS_PER_100)])
        .collect()?;
    let mut nulls: Vec<Vec<bool>> = Vec::new();
    for c in COMPONENTS {
        if matches!(c.earns, Earns::Flag) && platform == Platform::NoRecordEarnsNothing {
            nulls.push(vec![false; frame.height()]);
            continue;
        }
        let column = if c.indicator == NEW_JOBS_PER_100 {
            per100.column(c.indicator)?
        } else {
            frame.column(c.indicator)?
        };
        let is_null = column.is_null();
        nulls.push(
            (0..is_null.len())
                .map(|i| is_null.get(i).unwrap_or(true))
                .collect(),
        );
    }
    let values: Vec<String> = (0..frame.height())
        .map(|i| {
            let ids: Vec<String> = COMPONENTS
                .iter()
                .zip(&nulls)
                .filter(|(_, n)| n[i])
                .map(|(c, _)| c.column())
                .collect();
            ids.join(";")
        })
        .collect();
    Ok(Column::new(NULL_COMPONENTS.into(), values))
}
