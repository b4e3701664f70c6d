//! A published run as a re-rating subject (`ratings::rerate::Subject`): the
//! rating base from its `indicators` and `ratings` tables, the optional
//! tables its extract lacked, its applications (the shortlist and the
//! applications set aside, which between them hold every application),
//! every community's place, and the risk the run published beside each
//! rating. Nothing is recomputed here: each frame is the run's own, typed
//! as the rating reads it.

use polars::prelude::*;

use crate::contract::Table;
use crate::error::{Error, Result};
use crate::publish::published_run::PublishedRun;
use crate::ratings::rerate::{self, Subject};
use crate::ratings::shortlist::UNKNOWN_COMMUNITY;

/// The application columns the shortlist reads, as both published tables
/// carry them.
const APPLICATION_COLUMNS: [&str; 6] = [
    "community_code",
    "year",
    "applied_level",
    "submitted_on",
    "street_recommends",
    "county_recommends",
];

/// The columns of a place (`Subject::places`).
const PLACE_COLUMNS: [&str; 4] = ["community_code", "community_name", "county", "street"];

/// What a published run gives a re-rating, owned.
pub struct Published {
    /// The rating base of every year (`rerate::base_from_published`).
    pub base: DataFrame,
    /// The published `ratings` table, every year, as written.
    pub ratings: DataFrame,
    /// The published `shortlist` table, every year; empty without one.
    pub shortlist: DataFrame,
    pub missing: Vec<Table>,
    /// None when the run's extract had no applications table.
    pub applications: Option<DataFrame>,
    pub places: DataFrame,
    /// community_code, year, risk_score, needs_verification, flags.
    pub risk: DataFrame,
}

impl Published {
    /// The run's tables read and typed for a re-rating.
    pub fn read(run: &PublishedRun) -> Result<Published> {
        let required = |name: &str| -> Result<DataFrame> {
            run.table(name)?.ok_or_else(|| {
                Error::usage(format!(
                    "{} holds no `{name}` table: it is not a complete run",
                    run.dir.display()
                ))
            })
        };
        let indicators = required("indicators")?;
        let ratings = required("ratings")?;
        let missing = missing_tables(&run.manifest.missing_optional_tables)?;
        let shortlist = run.table("shortlist")?;
        let set_aside = run.table("shortlist_set_aside")?;
        let applications = if missing.contains(&Table::Applications) {
            None
        } else {
            Some(applications(shortlist.as_ref(), set_aside.as_ref())?)
        };
        Ok(Published {
            base: rerate::base_from_published(&indicators, &ratings)?,
            places: places(&ratings, set_aside.as_ref())?,
            risk: risk(&ratings)?,
            shortlist: match shortlist {
                Some(s) => s,
                None => DataFrame::empty(),
            },
            ratings,
            missing,
            applications,
        })
    }

    /// The subject `rerate` reads.
    pub fn subject(&self) -> Subject<'_> {
        Subject {
            base: &self.base,
            missing: &self.missing,
            applications: self.applications.as_ref(),
            places: &self.places,
            risk: self.risk.clone().lazy(),
        }
    }

    /// The years of the run, ascending.
    pub fn years(&self) -> Result<Vec<i32>> {
        Ok(crate::frame::years(&self.base)?)
    }
}

/// The manifest's `missing_optional_tables` as tables; a name that is no
/// table of the contract is an error (the run was made by another program).
fn missing_tables(names: &[String]) -> Result<Vec<Table>> {
    names
        .iter()
        .map(|n| {
            Table::from_name(n).ok_or_else(|| {
                Error::usage(format!(
                    "the run's manifest names a missing table `{n}` that this program does not know"
                ))
            })
        })
        .collect()
}

/// Every application of the run: the shortlisted ones and the ones set
/// aside, by their application columns.
fn applications(shortlist: Option<&DataFrame>, set_aside: Option<&DataFrame>) -> Result<DataFrame> {
    let typed = |df: &DataFrame| -> Result<LazyFrame> {
        Ok(df.clone().lazy().select([
            col("community_code").cast(DataType::String),
            col("year").cast(DataType::Int64),
            col("applied_level").cast(DataType::String),
            col("submitted_on").cast(DataType::Date),
            col("street_recommends").cast(DataType::Boolean),
            col("county_recommends").cast(DataType::Boolean),
        ]))
    };
    let parts: Vec<LazyFrame> = [shortlist, set_aside]
        .into_iter()
        .flatten()
        .map(typed)
        .collect::<Result<_>>()?;
    if parts.is_empty() {
        let empty: Vec<Column> = APPLICATION_COLUMNS
            .iter()
            .map(|c| Column::new_empty((*c).into(), &DataType::String))
            .collect();
        return Ok(DataFrame::new_infer_height(empty)?);
    }
    Ok(concat(parts, UnionArgs::default())?.collect()?)
}

/// Each community's place, once: from the ratings (every community the run
/// rated) and from the applications set aside for a reason other than an
/// unknown community (a known community of a year the run did not rate).
fn places(ratings: &DataFrame, set_aside: Option<&DataFrame>) -> Result<DataFrame> {
    let select = |lf: LazyFrame| {
        lf.select(
            PLACE_COLUMNS
                .iter()
                .map(|c| col(*c).cast(DataType::String))
                .collect::<Vec<_>>(),
        )
    };
    let mut parts = vec![select(ratings.clone().lazy().sort(
        ["year"],
        SortMultipleOptions::default().with_order_descending(true),
    ))];
    if let Some(a) = set_aside {
        parts.push(select(
            a.clone()
                .lazy()
                .filter(col("reason").neq(lit(UNKNOWN_COMMUNITY))),
        ));
    }
    Ok(concat(parts, UnionArgs::default())?
        .unique_stable(Some(cols(["community_code"])), UniqueKeepStrategy::First)
        .collect()?)
}

/// The risk the run printed beside each rating, typed as the rating reads it.
fn risk(ratings: &DataFrame) -> Result<DataFrame> {
    Ok(ratings
        .clone()
        .lazy()
        .select([
            col("community_code").cast(DataType::String),
            col("year").cast(DataType::Int64),
            col("risk_score").cast(DataType::Int64),
            col("needs_verification").cast(DataType::Boolean),
            col("flags").cast(DataType::String),
        ])
        .collect()?)
}
