//! Stage 3b (stage 3 with the detectors, after them: the score reads their
//! risk scores). Verdicts, scores and stars, the shortlist, the spot-check draw, the
//! publicity dates and the cross assessment (docs/rules.md): indicators →
//! decisions. Every threshold comes from `Rules`; nothing here writes files.
//!
//! One concept a file: `scope` (复查范围), `verdict` (复查), `county_conclusion`
//! (区县复查结论, beside the verdict), `margin` (差几人), `score` (市级/星级), `shortlist`
//! (推荐名单), `spot_check` (随机抽查), `calendar` (公示) and
//! `cross_assessment` (交叉考核), `status` (评审进度) and `accountability`
//! (各区县、街道评审工作情况). The design notes for every point where the
//! definitions leave room are in `docs/ratings.md`.

pub mod accountability;
pub mod calendar;
pub mod county_conclusion;
pub mod cross_assessment;
pub mod margin;
pub mod materiality;
pub mod registry;
pub mod rerate;
pub mod scope;
pub mod score;
pub mod shortlist;
pub mod spot_check;
pub mod status;
pub mod verdict;

use chrono::NaiveDate;
use polars::prelude::*;

use crate::config::{Review, Rules};
use crate::contract::Table;
use crate::error::Result;
use crate::frame;
use crate::indicators::evidence::FIGURES as EVIDENCE;

pub use calendar::{is_working_day, publicity};
pub use cross_assessment::{Unassigned, assign_groups};
pub use spot_check::{inclusion_probabilities, sample_size};

/// What the ratings stage reads.
pub struct RatingInputs<'a> {
    /// The indicators of every community and year (docs/indicators.md columns,
    /// with community_code, community_name, county, street, year first).
    pub indicators: &'a DataFrame,
    /// The evidence shares of every community and year
    /// (`indicators::evidence::compute`: community_code, year and one column
    /// a figure); None: published as nulls.
    pub evidence: Option<&'a DataFrame>,
    /// The canonical `communities` table (provincial_year, stars, ...).
    pub communities: &'a DataFrame,
    /// The canonical `applications` table; None when the optional table is missing.
    pub applications: Option<&'a DataFrame>,
    /// Risk per community and year from `detectors::risk_scores`: community_code,
    /// year, risk_score, high_findings, medium_findings, low_findings,
    /// needs_verification, flags. Communities absent from it have risk 0.
    pub risk: &'a DataFrame,
    /// Confirmed falsifications per community and year, from
    /// `detectors::verified::Verified::confirmed_frame`: community_code,
    /// year, confirmed_findings. May be empty or without columns.
    pub confirmed: &'a DataFrame,
    /// Optional tables missing from the extract (services, platform, applications).
    pub missing_tables: &'a [Table],
    pub rules: &'a Rules,
    pub review: &'a Review,
    /// The panel's recorded decisions (`decisions`); None: nothing recorded.
    pub decisions: Option<&'a DataFrame>,
    /// The objection register (`objections`); None: nothing registered.
    pub objections: Option<&'a DataFrame>,
    /// The province's answers to proposed disqualifications (`approvals`).
    pub approvals: Option<&'a DataFrame>,
    /// The counties' own re-inspection conclusions (`reinspections`); None:
    /// nothing recorded.
    pub reinspections: Option<&'a DataFrame>,
    /// The day the documents are made: whether a stage is overdue.
    pub run_date: NaiveDate,
    /// The bureau's record of the registers and lists it received
    /// (`filings`: county, year, document, received_on); None: not recorded.
    pub filings: Option<&'a DataFrame>,
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
    /// One row per community and year: verdict, failing rules, score,
    /// components, level, stars, and the risk score with its flags.
    pub ratings: DataFrame,
    /// One row per candidate application.
    pub shortlist: DataFrame,
    /// One row per sampled community and year.
    pub spot_checks: DataFrame,
    pub publicity: Option<Publicity>,
    /// The review's stages the pipeline dates, in order (empty without a calendar).
    pub stages: Vec<calendar::Stage>,
    pub assignments: Vec<Assignment>,
    /// Counties with candidates that no assessment group may assess.
    pub unassigned: Vec<Unassigned>,
    /// Applications kept off the shortlist, one row each with its `reason`:
    /// unknown community, no indicators for its year, or not recommended.
    /// Nothing leaves the shortlist without a row here.
    pub set_aside: DataFrame,
    /// One row per application of the review years: where it stands
    /// (`status`).
    pub status: DataFrame,
    /// One row per county and per street of each review year: how it
    /// carried out the review (`accountability`).
    pub accountability: DataFrame,
}

/// Rates every community and year.
pub fn rate(inputs: &RatingInputs) -> Result<Ratings> {
    let rules = inputs.rules;
    let base = rating_base(inputs)?;
    let risk = risk_frame(inputs.risk)?;
    // The one rating (`rerate`), under the pipeline's rules.
    let rerate::Rerated {
        ratings,
        shortlist,
        set_aside,
    } = rerate::rerate(
        &rerate::Subject {
            base: &base,
            missing: inputs.missing_tables,
            applications: inputs.applications,
            places: inputs.communities,
            risk: risk.clone(),
        },
        rules,
    )?;
    let spot_checks = spot_check::draw(&ratings, risk.clone(), &rules.spot_check)?;
    // The published ratings carry the risk too (docs/detectors.md: printed beside
    // every community), joined last so the stages above read the bare frame,
    // and the county's own conclusion beside the verdict.
    let ratings = county_conclusion::with_county_conclusion(
        with_risk(ratings.lazy(), risk),
        inputs.reinspections,
    )?
    .sort(["year", "community_code"], SortMultipleOptions::default())
    .collect()?;
    let publicity = calendar::publicity(inputs.review, &rules.publicity)?;
    let stages = calendar::stages(inputs.review, publicity.as_ref())?;
    let plan = cross_assessment::assign_groups(&shortlist, &inputs.review.assessment_groups)?;
    let years = frame::years(inputs.indicators)?;
    let status = status::status(&status::StatusInputs {
        applications: inputs.applications,
        decisions: inputs.decisions,
        communities: inputs.communities,
        years: &years,
        review: inputs.review,
        publicity: publicity.as_ref(),
        run_date: inputs.run_date,
        stages: &rules.review.stages,
        objections: inputs.objections,
    })?;
    let accountability = accountability::accountability(&accountability::AccountabilityInputs {
        status: &status,
        applications: inputs.applications,
        decisions: inputs.decisions,
        communities: inputs.communities,
        confirmed: inputs.confirmed,
        filings: inputs.filings,
        years: &years,
        review: inputs.review,
        publicity: publicity.as_ref(),
        run_date: inputs.run_date,
        stages: &rules.review.stages,
    })?;
    Ok(Ratings {
        ratings,
        shortlist,
        spot_checks,
        publicity,
        stages,
        assignments: plan.assignments,
        unassigned: plan.unassigned,
        set_aside,
        status,
        accountability,
    })
}

/// What a rating reads: the indicators with each community's recognition
/// and scope, the panel's confirmed falsifications and the evidence shares,
/// by year and code.
pub fn rating_base(inputs: &RatingInputs) -> Result<DataFrame> {
    let recognition = inputs.communities.clone().lazy().select([
        col("community_code"),
        col("provincial_year").cast(DataType::Int64),
        col("provincial_star_year").cast(DataType::Int64),
        col("national").cast(DataType::Boolean),
    ]);
    let recognised = inputs.indicators.clone().lazy().join(
        recognition,
        [col("community_code")],
        [col("community_code")],
        JoinArgs::new(JoinType::Left),
    );
    let revoked = scope::revocations(inputs.approvals)?;
    let base = scope::with_scope(recognised, &revoked)?
        .join(
            confirmed_frame(inputs.confirmed)?,
            [col("community_code"), col("year")],
            [col("community_code"), col("year")],
            JoinArgs::new(JoinType::Left),
        )
        .join(
            evidence_frame(inputs.evidence)?,
            [col("community_code"), col("year")],
            [col("community_code"), col("year")],
            JoinArgs::new(JoinType::Left),
        )
        .with_columns([col(verdict::CONFIRMED_FINDINGS).fill_null(lit(""))])
        .sort(["year", "community_code"], SortMultipleOptions::default())
        .collect()?;
    if base.height() != inputs.indicators.height() {
        return Err(crate::Error::Internal(anyhow::anyhow!(
            "ratings: the communities table repeats a community_code ({} indicator rows became {})",
            inputs.indicators.height(),
            base.height()
        )));
    }
    Ok(base)
}

/// The `ratings` table's columns, in order.
pub(crate) fn rating_columns() -> Vec<Expr> {
    let mut columns = identity_columns();
    columns.extend([
        col("provincial_year"),
        col("provincial_star_year"),
        col("national"),
        col(scope::UNDER_REINSPECTION),
        col(scope::REVOKED_ON),
        col(verdict::VERDICT),
        col(verdict::FAILING_RULES),
        col(verdict::FAILING_DETAIL),
        col(verdict::INCOMPLETE_RULES),
        col(verdict::NOT_APPLICABLE_RULES),
        col(margin::MARGIN_PERSONS),
        col(margin::MARGIN_RULE),
        col(verdict::CONFIRMED_FINDINGS),
        col(score::SCORE),
    ]);
    columns.extend(registry::COMPONENTS.iter().map(|c| col(c.column())));
    columns.extend([
        col(score::NEW_JOBS_PER_100),
        col(score::NULL_COMPONENTS),
        col(score::LEVEL_VETOED),
        col(score::CITY_LEVEL),
        col(score::STARS),
        col(score::LEVEL),
    ]);
    // Beside the figures the verdict and the score read: how much of each
    // numerator durable records back.
    columns.extend(EVIDENCE.iter().map(|f| col(f.column)));
    columns
}

/// The five columns every community table starts with (docs/outputs.md).
pub(crate) fn identity_columns() -> Vec<Expr> {
    [
        "community_code",
        "community_name",
        "county",
        "street",
        "year",
    ]
    .into_iter()
    .map(col)
    .collect()
}

/// The risk frame reduced to what ratings read, typed; an empty frame without
/// columns (no detectors ran) is read as "no community has any risk".
fn risk_frame(risk: &DataFrame) -> Result<LazyFrame> {
    if risk.width() == 0 {
        let empty = DataFrame::new_infer_height(vec![
            Column::new("community_code".into(), Vec::<String>::new()),
            Column::new("year".into(), Vec::<i64>::new()),
            Column::new("risk_score".into(), Vec::<i64>::new()),
            Column::new("needs_verification".into(), Vec::<bool>::new()),
            Column::new("flags".into(), Vec::<String>::new()),
        ])?;
        return Ok(empty.lazy());
    }
    Ok(risk.clone().lazy().select([
        col("community_code").cast(DataType::String),
        col("year").cast(DataType::Int64),
        col("risk_score").cast(DataType::Int64),
        col("needs_verification").cast(DataType::Boolean),
        col("flags").cast(DataType::String),
    ]))
}

/// The confirmed falsifications reduced to what ratings read, typed; a
/// frame without columns reads as "none confirmed".
fn confirmed_frame(confirmed: &DataFrame) -> Result<LazyFrame> {
    if confirmed.width() == 0 {
        let empty = DataFrame::new_infer_height(vec![
            Column::new("community_code".into(), Vec::<String>::new()),
            Column::new("year".into(), Vec::<i64>::new()),
            Column::new(verdict::CONFIRMED_FINDINGS.into(), Vec::<String>::new()),
        ])?;
        return Ok(empty.lazy());
    }
    Ok(confirmed.clone().lazy().select([
        col("community_code").cast(DataType::String),
        col("year").cast(DataType::Int64),
        col(verdict::CONFIRMED_FINDINGS).cast(DataType::String),
    ]))
}

/// The evidence shares reduced to what ratings read, typed; None reads as
/// "no share known": every share null.
fn evidence_frame(evidence: Option<&DataFrame>) -> Result<LazyFrame> {
    let shares = || {
        EVIDENCE
            .iter()
            .map(|f| col(f.column).cast(DataType::Float64))
    };
    match evidence {
        Some(df) if df.width() > 0 => Ok(df.clone().lazy().select(
            [
                col("community_code").cast(DataType::String),
                col("year").cast(DataType::Int64),
            ]
            .into_iter()
            .chain(shares())
            .collect::<Vec<_>>(),
        )),
        _ => {
            let mut columns = vec![
                Column::new("community_code".into(), Vec::<String>::new()),
                Column::new("year".into(), Vec::<i64>::new()),
            ];
            columns.extend(
                EVIDENCE
                    .iter()
                    .map(|f| Column::new(f.column.into(), Vec::<f64>::new())),
            );
            Ok(DataFrame::new_infer_height(columns)?.lazy())
        }
    }
}

/// Joins risk onto `frame` by community and year; communities without a risk
/// row get risk 0, no verification and no flags (docs/detectors.md).
pub(crate) fn with_risk(frame: LazyFrame, risk: LazyFrame) -> LazyFrame {
    frame
        .join(
            risk,
            [col("community_code"), col("year")],
            [col("community_code"), col("year")],
            JoinArgs::new(JoinType::Left),
        )
        .with_columns([
            col("risk_score").fill_null(lit(0i64)),
            col("needs_verification").fill_null(lit(false)),
            col("flags").fill_null(lit("")),
        ])
}

/// A `;`-joined list, the Parquet-friendly form of a set of ids.
pub(crate) fn joined(ids: &[&str]) -> String {
    ids.join(";")
}
