//! The shortlist (推荐名单, 择优, docs/rules.md): the applications that their street
//! and county recommend (an empty cell is no recommendation yet), each with its score, stars, whether it reaches the
//! level it applied for, its risk and flags, ranked overall and within its
//! county, and the optional per-county quota.
//!
//! Every application lands in exactly one of two frames: the shortlist, or
//! `set_aside` with the reason it is not a candidate.

use polars::prelude::*;

use super::score::{CITY, CITY_LEVEL, LEVEL, LEVEL_VETOED, SCORE, STAR, STARS};
use crate::config::rules::ShortlistRules;
use crate::error::Result;

/// Why an application is not a candidate, in the order they are checked
/// (the two undecided reasons last, below).
pub const UNKNOWN_COMMUNITY: &str = "unknown_community";
pub const NOT_RATED: &str = "no_indicators_for_year";
pub const STREET_DECLINED: &str = "street_not_recommending";
pub const COUNTY_DECLINED: &str = "county_not_recommending";
/// The panel confirmed a falsification of the community that year
/// (`[verifications]`): not eligible, whatever its street and county say.
/// The reason is the falsification rule's own id.
pub const FALSIFICATION_CONFIRMED: &str = super::registry::FALSIFICATION;

/// An empty recommendation cell (or the column absent) is no decision yet
/// (待定): the application waits, off the shortlist, until its street and
/// county have said yes or no.
pub const STREET_UNDECIDED: &str = "street_not_decided";
pub const COUNTY_UNDECIDED: &str = "county_not_decided";

/// The street or county said no.
fn declined(column: &str) -> Expr {
    col(column).eq(lit(false))
}

/// The street or county has not decided.
fn undecided(column: &str) -> Expr {
    col(column).is_null()
}

/// The application with every column ratings read, typed; optional columns
/// that the extract lacks are added as nulls.
fn applications_frame(apps: &DataFrame) -> LazyFrame {
    let has = |name: &str| apps.get_column_names().iter().any(|c| c.as_str() == name);
    let or_null = |name: &str, dtype: DataType| {
        if has(name) {
            col(name).cast(dtype)
        } else {
            lit(NULL).cast(dtype).alias(name)
        }
    };
    apps.clone().lazy().select([
        col("community_code").cast(DataType::String),
        col("year").cast(DataType::Int64),
        col("applied_level").cast(DataType::String),
        or_null("submitted_on", DataType::Date),
        or_null("street_recommends", DataType::Boolean),
        or_null("county_recommends", DataType::Boolean),
    ])
}

/// The reason an application is set aside, null for a candidate.
fn set_aside_reason() -> Expr {
    when(col("_known").is_null())
        .then(lit(UNKNOWN_COMMUNITY))
        .when(col("_rated").is_null())
        .then(lit(NOT_RATED))
        .when(col("confirmed_findings").neq(lit("")))
        .then(lit(FALSIFICATION_CONFIRMED))
        .when(declined("street_recommends"))
        .then(lit(STREET_DECLINED))
        .when(declined("county_recommends"))
        .then(lit(COUNTY_DECLINED))
        .when(undecided("street_recommends"))
        .then(lit(STREET_UNDECIDED))
        .when(undecided("county_recommends"))
        .then(lit(COUNTY_UNDECIDED))
        .otherwise(lit(NULL).cast(DataType::String))
        .alias("reason")
}

/// `市级` is reached at city level, `星级` with at least one star; any other
/// spelling cannot be judged (null).
fn applied_level_reached() -> Expr {
    when(col("applied_level").eq(lit(CITY)))
        .then(col(CITY_LEVEL))
        .when(col("applied_level").eq(lit(STAR)))
        .then(col(STARS).gt_eq(lit(1i64)))
        .otherwise(lit(NULL).cast(DataType::Boolean))
        .alias("applied_level_reached")
}

/// Position in the ranking of its partition, on a frame already sorted by
/// the ranking order.
fn rank_within(partition: &[&str]) -> PolarsResult<Expr> {
    let by: Vec<Expr> = partition.iter().map(|c| col(*c)).collect();
    Ok(col("community_code")
        .cum_count(false)
        .over(by)?
        .cast(DataType::Int64))
}

/// Within quota when a quota is set; null (nothing decided) without a quota.
fn recommended(quota: i64) -> Expr {
    if quota > 0 {
        col("rank_in_county").lt_eq(lit(quota)).alias("recommended")
    } else {
        lit(NULL).cast(DataType::Boolean).alias("recommended")
    }
}

/// The shortlist and the applications set aside.
pub fn shortlist(
    applications: Option<&DataFrame>,
    communities: &DataFrame,
    ratings: &DataFrame,
    risk: LazyFrame,
    rules: &ShortlistRules,
) -> Result<(DataFrame, DataFrame)> {
    let joined = joined(applications_of(applications)?, communities, ratings)?;
    let set_aside = set_aside_of(&joined)?;
    report_set_aside(&set_aside)?;
    let shortlist = ranked(joined, risk, rules)?;
    Ok((shortlist, set_aside))
}

/// The applications as the shortlist reads them; an empty frame without
/// the table. A table without a recommendation column is said once: no
/// application is then decided.
fn applications_of(applications: Option<&DataFrame>) -> Result<LazyFrame> {
    let Some(a) = applications else {
        return Ok(applications_frame(&empty_applications()?));
    };
    for column in ["street_recommends", "county_recommends"] {
        if a.height() > 0 && a.column(column).is_err() {
            tracing::warn!(
                column,
                applications = a.height(),
                "the applications table has no such column: no application is decided, none is shortlisted"
            );
        }
    }
    Ok(applications_frame(a))
}

/// Each application with its community's place and its year's rating, and
/// the reason it is set aside (null for a candidate).
fn joined(apps: LazyFrame, communities: &DataFrame, ratings: &DataFrame) -> Result<DataFrame> {
    let known = communities.clone().lazy().select([
        col("community_code").cast(DataType::String),
        col("community_name").cast(DataType::String),
        col("county").cast(DataType::String),
        col("street").cast(DataType::String),
        lit(true).alias("_known"),
    ]);
    let rated = ratings.clone().lazy().select([
        col("community_code"),
        col("year"),
        col(SCORE),
        col(CITY_LEVEL),
        col(STARS),
        col(LEVEL),
        col(LEVEL_VETOED),
        col("confirmed_findings"),
        lit(true).alias("_rated"),
    ]);
    Ok(apps
        .join(
            known,
            [col("community_code")],
            [col("community_code")],
            JoinArgs::new(JoinType::Left),
        )
        .join(
            rated,
            [col("community_code"), col("year")],
            [col("community_code"), col("year")],
            JoinArgs::new(JoinType::Left),
        )
        .with_columns([set_aside_reason()])
        .collect()?)
}

/// The applications set aside, with their reason, by year and code.
fn set_aside_of(joined: &DataFrame) -> Result<DataFrame> {
    Ok(joined
        .clone()
        .lazy()
        .filter(col("reason").is_not_null())
        .select([
            col("community_code"),
            col("community_name"),
            col("county"),
            col("street"),
            col("year"),
            col("applied_level"),
            col("submitted_on"),
            col("street_recommends"),
            col("county_recommends"),
            col("reason"),
        ])
        .sort(["year", "community_code"], SortMultipleOptions::default())
        .collect()?)
}

/// The candidates ranked by score (the lower risk first on a tie), overall
/// and within their county, and marked within the county's quota.
fn ranked(joined: DataFrame, risk: LazyFrame, rules: &ShortlistRules) -> Result<DataFrame> {
    let ranked = super::with_risk(joined.lazy().filter(col("reason").is_null()), risk)
        .with_columns([applied_level_reached()])
        .sort(
            ["year", SCORE, "risk_score", "community_code"],
            SortMultipleOptions::default().with_order_descending_multi([false, true, false, false]),
        )
        .with_columns([
            rank_within(&["year"])?.alias("rank_overall"),
            rank_within(&["year", "county"])?.alias("rank_in_county"),
        ])
        .with_columns([recommended(rules.county_quota)]);
    let mut columns = super::identity_columns();
    columns.extend(
        [
            "applied_level",
            "submitted_on",
            "street_recommends",
            "county_recommends",
            SCORE,
            CITY_LEVEL,
            STARS,
            LEVEL,
            LEVEL_VETOED,
            "applied_level_reached",
            "risk_score",
            "needs_verification",
            "flags",
            "rank_overall",
            "rank_in_county",
            "recommended",
        ]
        .map(col),
    );
    Ok(ranked.select(columns).collect()?)
}

/// Applications that cannot be rated are an input problem worth a warning;
/// the ones a street or county declined are the process working as meant.
/// One log line per reason, with a few examples, however many rows.
fn report_set_aside(set_aside: &DataFrame) -> Result<()> {
    let codes = set_aside.column("community_code")?.str()?;
    let years = set_aside.column("year")?.i64()?;
    let reasons = set_aside.column("reason")?.str()?;
    let mut by_reason: std::collections::BTreeMap<&str, Vec<String>> = Default::default();
    for i in 0..set_aside.height() {
        let example = format!(
            "{} ({})",
            codes.get(i).unwrap_or(""),
            years.get(i).unwrap_or_default()
        );
        by_reason
            .entry(reasons.get(i).unwrap_or(""))
            .or_default()
            .push(example);
    }
    for (reason, rows) in by_reason {
        let examples = rows.iter().take(5).cloned().collect::<Vec<_>>().join(", ");
        match reason {
            UNKNOWN_COMMUNITY => tracing::warn!(
                applications = rows.len(),
                examples,
                "applications for communities not in the communities table: kept off the shortlist"
            ),
            // Mostly applications of years this run does not review, which a
            // nightly extract always holds: worth a line, not a warning.
            NOT_RATED => tracing::info!(
                applications = rows.len(),
                examples,
                "applications for a year without indicators in this run: kept off the shortlist"
            ),
            STREET_UNDECIDED | COUNTY_UNDECIDED => tracing::info!(
                applications = rows.len(),
                reason,
                examples,
                "applications without a recommendation decision yet (empty cell): waiting, kept off the shortlist"
            ),
            _ => tracing::info!(
                applications = rows.len(),
                reason,
                examples,
                "applications not recommended"
            ),
        }
    }
    Ok(())
}

/// The applications table with no rows, for an extract without one.
fn empty_applications() -> PolarsResult<DataFrame> {
    DataFrame::new_infer_height(vec![
        Column::new("community_code".into(), Vec::<String>::new()),
        Column::new("year".into(), Vec::<i64>::new()),
        Column::new("applied_level".into(), Vec::<String>::new()),
    ])
}
