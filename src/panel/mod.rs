//! Stage 4a, the panel view: what the panel's documents and the published
//! tables are made from, computed once from the stages' results, so that
//! `publish` only lays out and writes. It builds
//!
//! - the findings table (`findings`: each detector finding named and
//!   pseudonymised, once) and the rejects table (`rejects`);
//! - the review year as rows (`Panel`): communities, shortlist, findings,
//!   spot checks, claims beside the registry and the claims beyond the
//!   detector's tolerance (`claims`), employment starts per week
//!   (`weekly_starts`), and how each county and street carried out the
//!   review (`accountability`);
//! - what `history/` keeps beside the runs: the run's years with the
//!   qualification carried across years (`history`) and the decisions log
//!   with the records withdrawn or changed since it was last written
//!   (`decision_log`).
//!
//! The documents cover one review year, the latest of the run: a run over
//! 2020 and 2021 reports on 2021 (the earlier year is there for the
//! detectors' year-on-year comparison and for the Parquet readers).

pub mod accountability;
pub mod changes;
pub mod claims;
pub mod communities;
pub mod compare;
pub mod counties;
pub mod decision_log;
pub mod dictionary;
pub mod disqualification;
pub mod filings;
pub mod findings;
pub mod history;
pub mod labels;
pub mod materiality;
pub mod objection_sheet;
pub mod progress;
pub mod province;
pub mod rejects;
pub mod review_lists;
pub mod review_sheet;
pub mod shortlist;
pub mod spot_checks;
pub mod thresholds;
pub mod timeline;
pub mod trends;
pub mod verification_sheet;
pub mod weekly_starts;

use std::collections::BTreeMap;

use chrono::NaiveDate;
use polars::prelude::*;

pub use crate::ratings::verdict::Verdict;
pub use claims::{Claim, Excess};
pub use communities::{Community, CountyCheck};
pub use findings::PublishedFinding;
pub use shortlist::{Candidate, Waiting};
pub use spot_checks::SpotCheck;

use crate::config::Pipeline;
use crate::contract::Table;
use crate::detectors::Finding;
use crate::error::Result;
use crate::frame::of_year;
use crate::indicators::Indicators;
use crate::indicators::period::Period;
use crate::ingest::{Extract, Reject};
use crate::privacy::Pseudonymizer;
use crate::ratings::Ratings;

/// What the panel view is made from: the stages' results, the extract's
/// tables and the pipeline's settings.
pub struct PanelInputs<'a> {
    pub indicators: &'a Indicators,
    pub ratings: &'a Ratings,
    /// Detector findings, already in their published order.
    pub findings: &'a [Finding],
    /// The materiality of the findings that name counted persons
    /// (`ratings::materiality::assess`, by position in `findings`).
    pub materiality: &'a DataFrame,
    /// Risk per community and year (community_code, year, risk_score,
    /// needs_verification, flags); may be empty or without columns.
    pub risk: &'a DataFrame,
    /// The canonical communities table (required: the run stops before the
    /// panel without it).
    pub communities: &'a DataFrame,
    /// The typed tables (applications, employment and the panel's records)
    /// and the rejects.
    pub extract: &'a Extract,
    pub pseudonyms: &'a Pseudonymizer,
    /// The panel's checks of the findings (the `verifications` table).
    pub verified: &'a crate::detectors::verified::Verified,
    /// The rules, the review's stages and calendar, the groups.
    pub pipeline: &'a Pipeline,
    /// The previous complete run in the same output folder (what `latest`
    /// points at before this run is published), if any.
    pub previous: Option<&'a dyn changes::PreviousRun>,
    /// The day the documents are made, for the timeline's states.
    pub run_date: NaiveDate,
    /// This run's id (its folder's name): the run the history rows and the
    /// log's versions name.
    pub run_id: &'a str,
    /// What `history/` held before this run.
    pub earlier: &'a history::Earlier,
}

impl PanelInputs<'_> {
    fn communities(&self) -> &DataFrame {
        self.communities
    }

    fn applications(&self) -> Option<&DataFrame> {
        self.extract.table(Table::Applications)
    }

    fn employment(&self) -> Option<&DataFrame> {
        self.extract.table(Table::Employment)
    }

    fn decisions(&self) -> Option<&DataFrame> {
        self.extract.table(Table::Decisions)
    }

    fn objections(&self) -> Option<&DataFrame> {
        self.extract.table(Table::Objections)
    }

    fn approvals(&self) -> Option<&DataFrame> {
        self.extract.table(Table::Approvals)
    }

    fn filings(&self) -> Option<&DataFrame> {
        self.extract.table(Table::Filings)
    }

    fn rejects(&self) -> &[Reject] {
        &self.extract.rejects
    }

    fn rules(&self) -> &crate::config::Rules {
        &self.pipeline.rules
    }

    fn stages(&self) -> &crate::config::Stages {
        &self.pipeline.rules.review.stages
    }

    fn review(&self) -> &crate::config::Review {
        &self.pipeline.review
    }
}

/// One dataset partitioned by year (`<name>/year=YYYY/part-0.parquet`).
#[derive(Debug, Clone)]
pub struct Dataset {
    pub name: &'static str,
    pub frame: DataFrame,
    /// Every year the frame holds gets its partition, beside the run's
    /// years (set-aside applications may be of years the run does not
    /// review): none is lost.
    pub own_years: bool,
}

impl Dataset {
    fn of(name: &'static str, frame: &DataFrame) -> Dataset {
        Dataset {
            name,
            frame: frame.clone(),
            own_years: false,
        }
    }

    /// The partitions to write: the run's years, and the frame's own where
    /// `own_years`.
    pub fn years(&self, run: &[i32]) -> Result<Vec<i32>> {
        let mut years = run.to_vec();
        if self.own_years
            && let Ok(y) = self.frame.column("year").and_then(|c| c.i64().cloned())
        {
            years.extend(y.iter().flatten().map(|v| v as i32));
        }
        years.sort_unstable();
        years.dedup();
        Ok(years)
    }
}

/// The tables `publish` writes as they are, built here once.
#[derive(Debug, Clone, Default)]
pub struct PanelTables {
    /// The datasets after `indicators`, in their published order: ratings,
    /// shortlist, findings, set-aside applications, spot checks, status,
    /// accountability.
    pub datasets: Vec<Dataset>,
    /// Every finding of every year (`findings::COLUMNS`).
    pub findings: DataFrame,
    /// Every rejected input row (`rejects.parquet`).
    pub rejects: DataFrame,
    /// What the run adds to `history/`, outside the run folder, once the
    /// run is committed.
    pub history: history::History,
}

/// Everything the panel's documents show about the review year.
#[derive(Debug, Clone, Default)]
pub struct Panel {
    pub year: i32,
    /// Each community under re-inspection in the year across its history
    /// years (`trends`), by county and code.
    pub trends: Vec<trends::Trend>,
    /// What moved since the year before, by history (`trends`).
    pub since_last_year: trends::SinceLastYear,
    pub period: Option<Period>,
    /// Communities of the year, ordered by county, street, code.
    pub communities: Vec<Community>,
    /// None when the extract has no applications table.
    pub shortlist: Option<Vec<Candidate>>,
    /// Applications with an empty street or county recommendation cell:
    /// waiting (待定), off the shortlist.
    pub waiting: Vec<Waiting>,
    /// The year's findings, by detector, severity (high first), county, community.
    pub findings: Vec<PublishedFinding>,
    pub spot_checks: Vec<SpotCheck>,
    /// None when the extract has no applications table.
    pub claims: Option<Vec<Claim>>,
    /// The claimed rates beyond the tolerance, largest excess first.
    pub claims_beyond_tolerance: Vec<Excess>,
    /// Employment records starting in each week of the year (week 0 begins
    /// on 1 January); None without an employment table.
    pub weekly_starts: Option<Vec<i64>>,
    /// The review year's applications kept off the shortlist for a confirmed
    /// falsification.
    pub falsified: Vec<disqualification::Falsified>,
    /// The provincial communities proposed for disqualification (提请取消资格名单).
    pub disqualified: Vec<disqualification::Disqualified>,
    /// The working sheet 评审记录: one row per application (every year of the
    /// run, and every application with a recorded decision).
    pub review_sheet: Vec<review_sheet::ApplicationRow>,
    /// The working sheet 核实记录: the findings and spot checks to check, and
    /// the checks recorded (every year of the run).
    pub verification_sheet: Vec<verification_sheet::VerificationRow>,
    /// The working sheet 异议登记: every objection registered, and a blank
    /// row per application of the review year in publicity.
    pub objection_sheet: Vec<objection_sheet::ObjectionRow>,
    /// The review's stages, in order: the sheets' column groups, the
    /// recommendation form's boxes.
    pub stages: crate::config::Stages,
    /// The review year's applications proposed for recognition (公示名单).
    pub publicity_list: Vec<review_lists::Listed>,
    /// The review year's confirmed applications (认定名单), by level.
    pub confirmation_list: Vec<review_lists::Listed>,
    /// The assessment groups with their members and assignment (交叉考核分组表).
    pub assessment_groups: Vec<review_lists::GroupRow>,
    /// The publicity period, when the calendar dates it.
    pub publicity: Option<crate::ratings::Publicity>,
    /// The review's dated stages (empty without a calendar).
    pub calendar: Vec<crate::ratings::calendar::Stage>,
    /// Which group assesses each county, every year of the run.
    pub assignments: Vec<crate::ratings::Assignment>,
    /// The counties no group could assess, every year of the run.
    pub unassigned: Vec<crate::ratings::Unassigned>,
    /// The working sheet 取消资格审批: the review year's proposals and every
    /// answer recorded.
    pub approval_sheet: Vec<province::ApprovalRow>,
    /// The working sheet 报送登记: each county's register and list.
    pub filing_sheet: Vec<filings::FilingRow>,
    /// The receipts recorded; None when the extract has no `filings` table
    /// (the timeline then infers what is outstanding, and says so).
    pub receipts: Option<filings::Receipts>,
    /// How each county and street carried out the review year's review.
    pub accountability: accountability::Accountability,
    /// The thresholds the charts draw.
    pub thresholds: thresholds::Thresholds,
    /// Each county's figures for the review year.
    pub county_figures: Vec<counties::CountyFigures>,
    /// What changed since the previous complete run.
    pub changes: changes::Changes,
    /// Where the review year's applications stand (评审进度); None without
    /// an application.
    pub progress: Option<progress::StatusView>,
    /// The review's timeline on the run's day; None without a calendar.
    pub timeline: Option<Vec<timeline::Row>>,
}

impl Panel {
    /// Communities by code.
    pub fn by_code(&self) -> BTreeMap<&str, &Community> {
        self.communities
            .iter()
            .map(|c| (c.code.as_str(), c))
            .collect()
    }

    /// The counties in order.
    pub fn counties(&self) -> Vec<String> {
        let mut c: Vec<String> = self.communities.iter().map(|c| c.county.clone()).collect();
        c.sort();
        c.dedup();
        c
    }

    pub fn cutoff(&self) -> Option<NaiveDate> {
        self.period.map(|p| p.cutoff)
    }
}

/// The frames the review year's communities are read from.
pub struct Frames<'a> {
    pub indicators: &'a DataFrame,
    pub ratings: &'a DataFrame,
    pub risk: &'a DataFrame,
    pub communities: &'a DataFrame,
    /// The counties' re-inspection conclusions (`reinspections`), for the
    /// inspector and site notes beside the conclusion the ratings carry.
    pub reinspections: Option<&'a DataFrame>,
}

/// The review year: the latest year of the run.
pub fn review_year(periods: &[Period]) -> Option<&Period> {
    periods.iter().max_by_key(|p| p.year)
}

/// The panel view: the published tables and the review year.
pub fn build(inputs: &PanelInputs) -> Result<(PanelTables, Panel)> {
    let mut findings =
        findings::published(inputs.findings, &inputs.indicators.frame, inputs.pseudonyms)?;
    findings::with_verifications(&mut findings, inputs.verified);
    materiality::apply(
        &mut findings,
        &materiality::effects(inputs.materiality, &inputs.pipeline.rules.reinspection)?,
    );
    let findings_frame = findings::frame(&findings)?;
    let r = inputs.ratings;
    let datasets = vec![
        Dataset::of("ratings", &r.ratings),
        Dataset::of("shortlist", &r.shortlist),
        Dataset::of("findings", &findings_frame),
        Dataset {
            own_years: true,
            ..Dataset::of("shortlist_set_aside", &r.set_aside)
        },
        Dataset::of("spot_checks", &r.spot_checks),
        Dataset::of("status", &r.status),
        Dataset::of("accountability", &r.accountability),
    ];
    let mut tables = PanelTables {
        datasets,
        findings: findings_frame,
        rejects: rejects::rejects_frame(inputs.rejects(), inputs.pseudonyms)?,
        history: history::History::default(),
    };
    let mut panel = match review_year(&inputs.indicators.periods) {
        Some(period) => review(inputs, *period, &findings)?,
        None => Panel::default(),
    };
    working_sheets(inputs, &findings, &mut panel)?;
    panel.thresholds = thresholds::Thresholds::of(inputs.rules())?;
    panel.county_figures = counties::figures(&panel);
    panel.progress = progress::view(&inputs.ratings.status, panel.year, inputs.stages())?;
    panel.timeline = (!panel.calendar.is_empty()).then(|| {
        let calendar = timeline::Calendar {
            stages: panel.calendar.clone(),
            review: inputs.review().clone(),
        };
        timeline::rows(&calendar, inputs.run_date, &timeline::owed(&panel))
    });
    panel.changes = changes::compare(
        inputs.previous,
        &panel,
        &inputs.ratings.ratings,
        &tables.rejects,
    )?;
    let logged = decision_log::update(
        &inputs.extract.tables,
        inputs.earlier.log.as_ref(),
        decision_log::Run {
            id: inputs.run_id,
            date: inputs.run_date,
        },
        &crate::contract::roster::places(inputs.communities())?,
    )?;
    panel.changes.records = logged.lines;
    panel.changes.log_started = inputs.earlier.log.is_none();
    let years: Vec<i32> = inputs.indicators.periods.iter().map(|p| p.year).collect();
    tables.history = history::History {
        ratings: history::rows(
            &inputs.ratings.ratings,
            &inputs.indicators.frame,
            inputs.earlier.ratings.as_ref(),
            &years,
            (inputs.run_id, inputs.indicators.as_of),
        )?,
        years,
        log: logged.frame,
    };
    let every_year = trends::all_years(inputs.earlier.ratings.as_ref(), &tables.history)?;
    (panel.trends, panel.since_last_year) = trends::trends(&every_year, panel.year)?;
    trends::recognition_from_history(&mut panel.communities, &tables.history.ratings, panel.year)?;
    Ok((tables, panel))
}

/// The review year's rows.
fn review(inputs: &PanelInputs, period: Period, all: &[PublishedFinding]) -> Result<Panel> {
    let year = period.year;
    let communities = communities::communities(
        &Frames {
            indicators: &inputs.indicators.frame,
            ratings: &inputs.ratings.ratings,
            risk: inputs.risk,
            communities: inputs.communities(),
            reinspections: inputs.extract.table(Table::Reinspections),
        },
        year,
    )?;
    let shortlist = match inputs.applications() {
        Some(_) => Some(shortlist::candidates(&of_year(
            &inputs.ratings.shortlist,
            year,
        )?)?),
        None => None,
    };
    let waiting = shortlist::waiting(&of_year(&inputs.ratings.set_aside, year)?)?;
    let claims = match inputs.applications() {
        Some(apps) => Some(claims::claims(
            &of_year(apps, year)?,
            &by_code(&communities),
        )?),
        None => None,
    };
    let thresholds = thresholds::Thresholds::of(inputs.rules())?;
    let beyond = claims::beyond_tolerance(
        claims.as_deref().unwrap_or_default(),
        thresholds.claim_tolerance_pp,
    );
    Ok(Panel {
        year,
        period: Some(period),
        communities,
        shortlist,
        waiting,
        findings: findings::of_year(all, year),
        spot_checks: spot_checks::spot_checks(&of_year(&inputs.ratings.spot_checks, year)?)?,
        claims,
        claims_beyond_tolerance: beyond,
        weekly_starts: inputs
            .employment()
            .map(|e| weekly_starts::weekly_starts(e, year))
            .transpose()?,
        ..Panel::default()
    })
}

/// The panel's working sheets, the lists the bureau publishes and the
/// disqualification list.
fn working_sheets(
    inputs: &PanelInputs,
    findings: &[PublishedFinding],
    panel: &mut Panel,
) -> Result<()> {
    let answers = province::answers(inputs.approvals())?;
    disqualification_lists(inputs, &answers, panel)?;
    published_lists(inputs, panel)?;
    let years: Vec<i32> = inputs.indicators.periods.iter().map(|p| p.year).collect();
    panel.review_sheet = review_sheet::rows(
        inputs.applications(),
        inputs.decisions(),
        inputs.communities(),
        &years,
        inputs.stages(),
    )?;
    let places: BTreeMap<String, (String, String, String)> =
        crate::contract::roster::places(inputs.communities())?
            .into_iter()
            .map(|(code, p)| (code, p.texts()))
            .collect();
    panel.approval_sheet = province::sheet_rows(&panel.disqualified, panel.year, &answers, &places);
    let receipts = filings::receipts(inputs.filings())?;
    let mut counties: Vec<String> = places.values().map(|p| p.1.clone()).collect();
    counties.sort();
    counties.dedup();
    panel.filing_sheet = filings::sheet_rows(&counties, panel.year, inputs.review(), &receipts);
    panel.receipts = inputs.filings().map(|_| receipts);
    panel.objection_sheet = objection_sheet::rows(
        &inputs.ratings.status,
        inputs.objections(),
        &places,
        panel.year,
        inputs.stages(),
    )?;
    let spot_checks = spot_check_items(&inputs.ratings.spot_checks)?;
    panel.verification_sheet =
        verification_sheet::rows(findings, &spot_checks, inputs.verified, &places);
    Ok(())
}

/// The communities proposed for disqualification, with the province's
/// answers, and the applications set aside for a confirmed falsification.
fn disqualification_lists(
    inputs: &PanelInputs,
    answers: &province::Answers,
    panel: &mut Panel,
) -> Result<()> {
    let verifications = &inputs.rules().verifications;
    panel.disqualified = disqualification::rows(
        &panel.communities,
        panel.year,
        inputs.verified,
        verifications,
    );
    for d in &mut panel.disqualified {
        d.province = province::words(answers.get(&(d.code.clone(), panel.year)));
    }
    panel.falsified = disqualification::falsified(
        &crate::frame::of_year(&inputs.ratings.set_aside, panel.year)?,
        panel.year,
        inputs.verified,
        verifications,
        &disqualification::recommenders(
            &inputs.ratings.status,
            inputs.applications(),
            inputs.decisions(),
            inputs.stages(),
            panel.year,
        )?,
    )?;
    Ok(())
}

/// How the review went and what the bureau publishes: accountability, the
/// publicity and confirmation lists, the assessment groups, the calendar.
fn published_lists(inputs: &PanelInputs, panel: &mut Panel) -> Result<()> {
    let r = inputs.ratings;
    panel.accountability = accountability::rows(&r.accountability, panel.year, inputs.stages())?;
    panel.stages = inputs.stages().clone();
    let (proposed, confirmed) =
        review_lists::lists(&r.status, panel.year, inputs.stages(), &panel.by_code())?;
    panel.publicity_list = proposed;
    panel.confirmation_list = confirmed;
    panel.assessment_groups = review_lists::groups(
        &inputs.review().assessment_groups,
        &r.assignments,
        panel.shortlist.as_deref().unwrap_or_default(),
        panel.year,
    );
    panel.publicity = r.publicity.clone();
    panel.calendar = r.stages.clone();
    panel.assignments = r.assignments.clone();
    panel.unassigned = r.unassigned.clone();
    Ok(())
}

/// The spot-check draw as items to check: (code, name, county, year).
fn spot_check_items(spot: &DataFrame) -> Result<Vec<(String, String, String, i32)>> {
    let c = crate::frame::ByName::read(spot)?;
    Ok((0..spot.height())
        .filter_map(|k| {
            Some((
                c.text("community_code", k)?,
                c.text_or_empty("community_name", k),
                c.text_or_empty("county", k),
                c.int("year", k)? as i32,
            ))
        })
        .collect())
}

fn by_code(communities: &[Community]) -> BTreeMap<String, Community> {
    communities
        .iter()
        .map(|c| (c.code.clone(), c.clone()))
        .collect()
}
