//! Verdicts, scores and stars, the shortlist, the spot-check draw, the
//! publicity dates and the cross assessment (ratings.md): indicators →
//! decisions. Every threshold comes from `Rules`; nothing here writes files.

use chrono::NaiveDate;
use polars::prelude::*;

use crate::config::{Review, Rules};
use crate::contract::Table;
use crate::error::Result;

/// What the ratings stage reads.
pub struct RatingInputs<'a> {
    /// The indicators of every community and year (indicators.md columns,
    /// with community_code, community_name, county, street, year first).
    pub indicators: &'a DataFrame,
    /// The canonical `communities` table (provincial_year, stars, ...).
    pub communities: &'a DataFrame,
    /// The canonical `applications` table; None when the optional table is missing.
    pub applications: Option<&'a DataFrame>,
    /// Risk per community and year from `detectors::risk_scores`: community_code,
    /// year, risk_score, high_findings, medium_findings, low_findings,
    /// needs_verification, flags. Communities absent from it have risk 0.
    pub risk: &'a DataFrame,
    /// Optional tables missing from the extract (services, platform, applications).
    pub missing_tables: &'a [Table],
    pub rules: &'a Rules,
    pub review: &'a Review,
}

/// The publicity period (公示).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Publicity {
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub working_days: i64,
}

/// One county's candidates assigned to one assessment group (交叉考核).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    pub year: i32,
    pub county: String,
    pub group: String,
    pub candidates: i64,
}

/// What the ratings stage produces; `publish` writes it.
pub struct Ratings {
    /// One row per community and year: verdict, failing rules, score, components, level, stars.
    pub ratings: DataFrame,
    /// One row per candidate application.
    pub shortlist: DataFrame,
    /// One row per sampled community and year.
    pub spot_checks: DataFrame,
    pub publicity: Option<Publicity>,
    pub assignments: Vec<Assignment>,
}

/// Rates every community and year.
pub fn rate(_inputs: &RatingInputs) -> Result<Ratings> {
    Err(crate::Error::NotAvailable("run (ratings)"))
}
