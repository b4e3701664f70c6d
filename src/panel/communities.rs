//! The review year's communities as rows: identity, recognition,
//! indicators, verdict (with the county's own conclusion beside it), score,
//! risk and evidence quality, one `Community` each.

use std::collections::BTreeMap;

use polars::prelude::*;

use super::{Frames, Verdict};
use crate::error::Result;
use crate::frame::{ByName, of_year};
use crate::indicators::evidence::FIGURES;
use crate::ratings::county_conclusion::{COUNTY_CONCLUSION, COUNTY_DISAGREES, COUNTY_INSPECTED_ON};

/// One community in the review year: identity, recognition, indicators,
/// verdict, score and risk.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Community {
    pub code: String,
    pub name: String,
    pub county: String,
    pub street: String,
    pub provincial_year: Option<i64>,
    pub provincial_star_year: Option<i64>,
    pub national: Option<bool>,
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
    pub under_reinspection: bool,
    /// The day the province approved its disqualification, if recorded.
    pub revoked_on: Option<chrono::NaiveDate>,
    /// None when not under re-inspection.
    pub verdict: Option<Verdict>,
    /// The county's own conclusion of the re-inspection, when it recorded one
    /// (`reinspections`).
    pub county_check: Option<CountyCheck>,
    pub failing_rules: Vec<String>,
    pub failing_detail: String,
    /// Fails the platform rule for want of any platform record for the year
    /// (无平台建设记录).
    pub no_platform_record: bool,
    /// The margin (差几人) of a passing community, and the rule ids it comes from.
    pub margin_persons: Option<i64>,
    pub margin_rules: Vec<String>,
    pub labor_force: Option<i64>,
    pub employed: Option<i64>,
    pub registered_unemployed: Option<i64>,
    pub registered_unemployment_rate: Option<f64>,
    pub unemployed_in_period: Option<i64>,
    pub reemployed_in_period: Option<i64>,
    pub reemployment_rate: Option<f64>,
    pub hardship_persons: Option<i64>,
    pub hardship_employed: Option<i64>,
    pub hardship_employment_rate: Option<f64>,
    pub zero_households: Option<i64>,
    pub zero_households_open: Option<i64>,
    pub zero_households_overdue: Option<i64>,
    pub new_jobs: Option<i64>,
    pub assistance_targets: Option<i64>,
    pub assisted: Option<i64>,
    pub assistance_coverage: Option<f64>,
    pub services_delivered: Option<i64>,
    pub platform_ok: Option<bool>,
    pub score: Option<f64>,
    pub city_level: bool,
    pub stars: i64,
    /// `市级`, `星级` or None.
    pub level: Option<String>,
    pub level_vetoed: bool,
    pub risk_score: i64,
    pub needs_verification: bool,
    pub flags: String,
    /// The evidence share of each rated figure that has one
    /// (`indicators::evidence::FIGURES`), by figure; a null share is absent.
    pub evidence: BTreeMap<&'static str, f64>,
}

/// A county's recorded re-inspection conclusion of one community and year.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct CountyCheck {
    /// 合格 or 不合格.
    pub conclusion: String,
    pub inspected_on: Option<chrono::NaiveDate>,
    pub inspector: Option<String>,
    /// The site notes (identity numbers masked when read).
    pub notes: Option<String>,
    /// The county's word differs from the verdict the data give; None when
    /// the two cannot be set side by side (no verdict, or an incomplete one).
    pub disagrees: Option<bool>,
}

impl Community {
    /// The county's conclusion differs from the verdict.
    pub fn county_disagrees(&self) -> bool {
        self.county_check
            .as_ref()
            .is_some_and(|c| c.disagrees == Some(true))
    }

    /// The rate `indicator` of the community, for the rate rules' charts;
    /// None for a null rate or a name that is not one of its rates.
    pub fn rate(&self, indicator: &str) -> Option<f64> {
        match indicator {
            "reemployment_rate" => self.reemployment_rate,
            "hardship_employment_rate" => self.hardship_employment_rate,
            "registered_unemployment_rate" => self.registered_unemployment_rate,
            "assistance_coverage" => self.assistance_coverage,
            _ => None,
        }
    }

    /// The evidence share of `figure` (an indicator name), if known.
    pub fn evidence_of(&self, figure: &str) -> Option<f64> {
        self.evidence.get(figure).copied()
    }
}

/// The county's inspector and notes while the rows are joined.
const COUNTY_INSPECTOR: &str = "_county_inspector";
const COUNTY_NOTES: &str = "_county_notes";

/// The communities of `year`, ordered by county, street, code.
pub fn communities(frames: &Frames, year: i32) -> Result<Vec<Community>> {
    rows(&joined(frames, year)?)
}

/// The year's ratings joined with the indicators, the communities table's
/// recognition and contacts, and (when the ratings lack it) the risk, in
/// county, street, code order.
fn joined(frames: &Frames, year: i32) -> Result<DataFrame> {
    let ratings = of_year(frames.ratings, year)?;
    let indicators = of_year(frames.indicators, year)?;
    let risk = of_year(frames.risk, year)?;
    let pick = |df: &DataFrame, names: &[&str]| -> PolarsResult<LazyFrame> {
        let have: Vec<Expr> = names
            .iter()
            .filter(|n| df.schema().get(n).is_some())
            .map(|n| col(*n))
            .collect();
        Ok(df.clone().lazy().select(have))
    };
    // Every published indicator, as the indicators stage names them.
    let indicator_columns: Vec<&str> = std::iter::once("community_code")
        .chain(crate::indicators::INDICATORS)
        .collect();
    let mut joined = ratings.clone().lazy().join(
        pick(&indicators, &indicator_columns)?,
        [col("community_code")],
        [col("community_code")],
        JoinArgs::new(JoinType::Left),
    );
    // The recognition columns the ratings do not carry already (a run
    // published before they did).
    let roster: Vec<&str> = [
        "provincial_star_year",
        "national",
        "contact_name",
        "contact_phone",
    ]
    .into_iter()
    .filter(|n| ratings.schema().get(n).is_none())
    .collect();
    joined = joined.join(
        pick(
            frames.communities,
            &std::iter::once("community_code")
                .chain(roster)
                .collect::<Vec<_>>(),
        )?,
        [col("community_code")],
        [col("community_code")],
        JoinArgs::new(JoinType::Left),
    );
    // The county's inspector and site notes beside the conclusion the
    // ratings carry.
    if let Some(recorded) = frames.reinspections {
        joined = joined.join(
            of_year(recorded, year)?.lazy().select([
                col("community_code").cast(DataType::String),
                col("inspector").alias(COUNTY_INSPECTOR),
                col("notes").alias(COUNTY_NOTES),
            ]),
            [col("community_code")],
            [col("community_code")],
            JoinArgs::new(JoinType::Left),
        );
    }
    if risk.schema().get("risk_score").is_some() && ratings.schema().get("risk_score").is_none() {
        joined = joined.join(
            pick(
                &risk,
                &[
                    "community_code",
                    "risk_score",
                    "needs_verification",
                    "flags",
                ],
            )?,
            [col("community_code")],
            [col("community_code")],
            JoinArgs::new(JoinType::Left),
        );
    }
    Ok(joined
        .sort(
            ["county", "street", "community_code"],
            SortMultipleOptions::default(),
        )
        .collect()?)
}

/// One `Community` a row of the joined frame, one line per field, so that
/// it can be read against the published columns in one place.
fn rows(df: &DataFrame) -> Result<Vec<Community>> {
    let c = ByName::read(df)?;
    let text = |n: &str, k: usize| c.text_or_empty(n, k);
    Ok((0..df.height())
        .map(|k| Community {
            code: text("community_code", k),
            name: text("community_name", k),
            county: text("county", k),
            street: text("street", k),
            provincial_year: c.int("provincial_year", k),
            provincial_star_year: c.int("provincial_star_year", k),
            national: c.flag("national", k),
            contact_name: c.text("contact_name", k),
            contact_phone: c.text("contact_phone", k),
            under_reinspection: c.flag("under_reinspection", k).unwrap_or(false),
            revoked_on: c.date("qualification_revoked_on", k),
            verdict: c.text("verdict", k).as_deref().and_then(Verdict::parse),
            county_check: c.text(COUNTY_CONCLUSION, k).map(|conclusion| CountyCheck {
                conclusion,
                inspected_on: c.date(COUNTY_INSPECTED_ON, k),
                inspector: c.text(COUNTY_INSPECTOR, k),
                notes: c.text(COUNTY_NOTES, k),
                disagrees: c.flag(COUNTY_DISAGREES, k),
            }),
            failing_rules: rule_list(&c.text("failing_rules", k)),
            failing_detail: text("failing_detail", k),
            no_platform_record: lacks_platform_record(&text("failing_detail", k)),
            margin_persons: c.int("margin_persons", k),
            margin_rules: rule_list(&c.text("margin_rule", k)),
            labor_force: c.int("labor_force", k),
            employed: c.int("employed", k),
            registered_unemployed: c.int("registered_unemployed", k),
            registered_unemployment_rate: c.float("registered_unemployment_rate", k),
            unemployed_in_period: c.int("unemployed_in_period", k),
            reemployed_in_period: c.int("reemployed_in_period", k),
            reemployment_rate: c.float("reemployment_rate", k),
            hardship_persons: c.int("hardship_persons", k),
            hardship_employed: c.int("hardship_employed", k),
            hardship_employment_rate: c.float("hardship_employment_rate", k),
            zero_households: c.int("zero_households", k),
            zero_households_open: c.int("zero_households_open", k),
            zero_households_overdue: c.int("zero_households_overdue", k),
            new_jobs: c.int("new_jobs", k),
            assistance_targets: c.int("assistance_targets", k),
            assisted: c.int("assisted", k),
            assistance_coverage: c.float("assistance_coverage", k),
            services_delivered: c.int("services_delivered", k),
            platform_ok: c.flag("platform_ok", k),
            score: c.float("score", k),
            city_level: c.flag("city_level", k).unwrap_or(false),
            stars: c.int("stars", k).unwrap_or(0),
            level: c.text("level", k),
            level_vetoed: c.flag("level_vetoed", k).unwrap_or(false),
            risk_score: c.int("risk_score", k).unwrap_or(0),
            needs_verification: c.flag("needs_verification", k).unwrap_or(false),
            flags: text("flags", k),
            evidence: FIGURES
                .iter()
                .filter_map(|fig| Some((fig.figure, c.float(fig.column, k)?)))
                .collect(),
        })
        .collect())
}

/// A `;`-joined list of rule ids as the ratings table writes it (empty or
/// null: none).
fn rule_list(joined: &Option<String>) -> Vec<String> {
    joined
        .as_deref()
        .unwrap_or("")
        .split(';')
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}
/// Whether a `failing_detail` says the platform rule failed for want of
/// any record ("require_platform no_record vs true").
fn lacks_platform_record(detail: &str) -> bool {
    use crate::ratings::registry::{self, Test};
    detail.split("; ").any(|item| {
        let mut words = item.split_whitespace();
        let rule = words.next().and_then(registry::rule);
        rule.is_some_and(|r| r.test == Test::True)
            && words.next() == Some(crate::ratings::verdict::NO_PLATFORM_RECORD)
    })
}
