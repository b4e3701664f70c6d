//! The official forms under `forms/`, written with rust_xlsxwriter: the
//! re-inspection register and the shortlist per county and for the whole
//! city, and the recommendation forms. Same inputs, same bytes. Every form
//! is set up to print on A4 (docs/outputs.md).

pub mod accountability;
pub mod approval_sheet;
pub mod assessment_groups;
pub mod cells;
pub mod disqualification;
pub mod filing_sheet;
pub mod list_sheet;
pub mod objection_sheet;
pub mod published_lists;
pub mod recommendation;
pub mod register;
pub mod review_sheet;
pub mod shortlist;
pub mod verification_sheet;

use std::path::Path;

use chrono::NaiveDate;
use rust_xlsxwriter::Workbook;

use crate::config::Review;
use crate::error::Result;
use crate::panel::{Community, Panel};

pub const CITY_REGISTER: &str = "forms/复查情况登记表-全市.xlsx";
pub const CITY_SHORTLIST: &str = "forms/推荐名单-全市.xlsx";
pub const RECOMMENDATIONS: &str = "forms/推荐表.xlsx";
pub const DISQUALIFICATION: &str = "forms/提请取消资格名单.xlsx";
pub const PUBLICITY_LIST: &str = "forms/公示名单.xlsx";
pub const CONFIRMATION_LIST: &str = "forms/认定名单.xlsx";
pub const ASSESSMENT_GROUPS: &str = "forms/交叉考核分组表.xlsx";
/// How each county and street carried out the review, for the bureau's appraisal.
pub const ACCOUNTABILITY: &str = "forms/区县评审工作情况表.xlsx";
/// The working sheets the bureau fills in and drops back into the input
/// folder (docs/operations.md): the city's 评审记录, one per county, and 核实记录.
pub const CITY_REVIEW_SHEET: &str = "forms/评审记录-全市.xlsx";
pub const VERIFICATION_SHEET: &str = "forms/核实记录.xlsx";
pub const OBJECTION_SHEET: &str = "forms/异议登记.xlsx";
pub const APPROVAL_SHEET: &str = "forms/取消资格审批.xlsx";
pub const FILING_SHEET: &str = "forms/报送登记.xlsx";

/// The working sheet 评审记录 of one county.
pub fn county_review_sheet(county: &str) -> String {
    format!("forms/评审记录-{}.xlsx", cells::safe_name(county))
}

/// The register file of one county.
pub fn county_register(county: &str) -> String {
    format!("forms/复查情况登记表-{}.xlsx", cells::safe_name(county))
}

/// The shortlist file of one county.
pub fn county_shortlist(county: &str) -> String {
    format!("forms/推荐名单-{}.xlsx", cells::safe_name(county))
}

/// What the forms print besides the panel's figures: the city, who signs
/// each county's forms, the day the forms are made (填表时间) and the
/// notice's due dates.
pub struct Settings<'a> {
    pub city: &'a str,
    /// The run's date in Asia/Shanghai.
    pub made_on: NaiveDate,
    pub review: &'a Review,
}

impl Settings<'_> {
    fn city_unit(&self) -> String {
        format!("{}人力资源和社会保障局", self.city)
    }

    /// The header block of the city's form (`county` None) or a county's.
    fn heading(&self, county: Option<&str>, due: Option<NaiveDate>) -> Heading {
        Heading {
            unit: county.map_or_else(|| self.city_unit(), |c| self.review.unit(c)),
            made_on: self.made_on,
            due,
        }
    }
}

/// The header block the register and the lists share: the reporting unit
/// (盖章), the signatories, the day the form was made and its due date.
pub struct Heading {
    pub unit: String,
    pub made_on: NaiveDate,
    pub due: Option<NaiveDate>,
}

fn save(dir: &Path, rel: &str, wb: &mut Workbook) -> Result<String> {
    let bytes = wb.save_to_buffer().map_err(cells::failed)?;
    let path = dir.join(rel);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(path, bytes)?;
    Ok(rel.to_string())
}

/// Files per county, two county names that clean up to the same file name
/// kept apart.
struct Names(std::collections::BTreeSet<String>);

impl Names {
    fn take(&mut self, county: &str, file: fn(&str) -> String) -> String {
        let mut rel = file(county);
        let mut k = 2;
        while !self.0.insert(rel.clone()) {
            rel = file(&format!("{county}-{k}"));
            k += 1;
        }
        rel
    }
}

/// The rows of a form written for the whole city and again for each county
/// among them: the register, the shortlist and the working sheet 评审记录.
struct PerCounty<'a, T> {
    rows: &'a [T],
    county: fn(&T) -> &str,
    city_file: &'a str,
    county_file: fn(&str) -> String,
}

/// Writes the city's form and one per county (`workbook` is given the rows
/// and the county, None for the city's).
fn city_and_counties<T: Clone>(
    dir: &Path,
    names: &mut Names,
    p: PerCounty<T>,
    mut workbook: impl FnMut(&[T], Option<&str>) -> Result<Workbook>,
) -> Result<Vec<String>> {
    let mut written = vec![save(dir, p.city_file, &mut workbook(p.rows, None)?)?];
    let mut counties: Vec<&str> = p
        .rows
        .iter()
        .map(p.county)
        .filter(|c| !c.is_empty())
        .collect();
    counties.sort_unstable();
    counties.dedup();
    for county in counties {
        let rows: Vec<T> = p
            .rows
            .iter()
            .filter(|r| (p.county)(r) == county)
            .cloned()
            .collect();
        let rel = names.take(county, p.county_file);
        written.push(save(dir, &rel, &mut workbook(&rows, Some(county))?)?);
    }
    Ok(written)
}

/// Writes every form; returns the relative paths written. The workbooks'
/// own creation date is the review year's cut-off (same inputs, same
/// bytes); 填表时间 is `settings.made_on`. Without an applications table the
/// shortlists and recommendation forms are not written (the report says
/// why).
pub fn write(dir: &Path, review: &Panel, settings: &Settings) -> Result<Vec<String>> {
    let date = review
        .cutoff()
        .unwrap_or(NaiveDate::from_ymd_opt(review.year.max(1), 12, 31).unwrap_or_default());
    let under: Vec<&Community> = review
        .communities
        .iter()
        .filter(|c| c.under_reinspection)
        .collect();
    let mut names = Names(Default::default());
    let register = PerCounty {
        rows: &under,
        county: |c| c.county.as_str(),
        city_file: CITY_REGISTER,
        county_file: county_register,
    };
    let due = settings.review.register_due;
    let mut written = city_and_counties(dir, &mut names, register, |rows, county| {
        register::workbook(&settings.heading(county, due), rows, date)
    })?;
    if let Some(list) = &review.shortlist {
        let title = shortlist::title(settings.city, review.year);
        let shortlists = PerCounty {
            rows: list,
            county: |c| c.county.as_str(),
            city_file: CITY_SHORTLIST,
            county_file: county_shortlist,
        };
        let due = settings.review.list_due;
        written.extend(city_and_counties(
            dir,
            &mut names,
            shortlists,
            |rows, county| {
                let title = county.map_or(title.clone(), |c| format!("{title}({c})"));
                shortlist::workbook(&title, &settings.heading(county, due), rows, date)
            },
        )?);
        written.push(save(
            dir,
            RECOMMENDATIONS,
            &mut recommendations(review, settings.city, date)?,
        )?);
    }
    written.extend(review_lists(dir, review, settings, date)?);
    written.extend(panel_records(dir, review, settings, date, &mut names)?);
    Ok(written)
}

/// One recommendation form (推荐表) per application of the review year,
/// from 申报 on.
fn recommendations(review: &Panel, city: &str, date: NaiveDate) -> Result<Workbook> {
    let by_code = review.by_code();
    let forms: Vec<recommendation::Form> = review
        .review_sheet
        .iter()
        .filter(|a| a.year == review.year)
        .map(|a| recommendation::Form {
            code: &a.code,
            applied_level: &a.applied_level,
            boxes: a.opinion_boxes(&review.stages),
        })
        .collect();
    recommendation::workbook(city, &forms, |code| by_code.get(code).copied(), date)
}

/// The lists the bureau publishes in the review: 公示名单, 认定名单 and
/// 交叉考核分组表, and its appraisal form 区县评审工作情况表, each signed by
/// the city's bureau, written every run.
fn review_lists(
    dir: &Path,
    review: &Panel,
    settings: &Settings,
    date: NaiveDate,
) -> Result<Vec<String>> {
    let head = Heading {
        unit: settings.city_unit(),
        made_on: settings.made_on,
        due: None,
    };
    let period = review
        .publicity
        .as_ref()
        .map(|p| published_lists::Publicity {
            start: p.start,
            end: p.end,
            working_days: p.working_days,
        });
    let publicity = published_lists::publicity_title(settings.city, review.year);
    let confirmation = published_lists::confirmation_title(settings.city, review.year);
    let groups = assessment_groups::title(settings.city, review.year);
    Ok(vec![
        save(
            dir,
            PUBLICITY_LIST,
            &mut published_lists::publicity_workbook(
                &publicity,
                &head,
                &review.publicity_list,
                period.as_ref(),
                settings.review.objections_to.as_deref(),
                date,
            )?,
        )?,
        save(
            dir,
            CONFIRMATION_LIST,
            &mut published_lists::confirmation_workbook(
                &confirmation,
                &head,
                &review.confirmation_list,
                date,
            )?,
        )?,
        save(
            dir,
            ASSESSMENT_GROUPS,
            &mut assessment_groups::workbook(&groups, &head, &review.assessment_groups, date)?,
        )?,
        save(
            dir,
            ACCOUNTABILITY,
            &mut accountability::workbook(
                &accountability::title(settings.city, review.year),
                &head,
                &review.accountability,
                date,
            )?,
        )?,
    ])
}

/// The disqualification list and the working sheets (评审记录 for the city
/// and each county with applications, 核实记录, 异议登记, 取消资格审批,
/// 报送登记), written every run.
fn panel_records(
    dir: &Path,
    review: &Panel,
    settings: &Settings,
    date: NaiveDate,
    names: &mut Names,
) -> Result<Vec<String>> {
    let city = settings.heading(None, None);
    let mut written = vec![save(
        dir,
        DISQUALIFICATION,
        &mut disqualification::workbook(&city, &review.disqualified, date)?,
    )?];
    let all: Vec<_> = review.review_sheet.iter().collect();
    let sheets = PerCounty {
        rows: &all,
        county: |a| a.county.as_str(),
        city_file: CITY_REVIEW_SHEET,
        county_file: county_review_sheet,
    };
    written.extend(city_and_counties(dir, names, sheets, |rows, county| {
        let title = review_sheet::title(county.unwrap_or("全市"));
        let head = settings.heading(county, None);
        review_sheet::workbook(&title, &head, rows, &review.stages, date)
    })?);
    let c = settings.city;
    let lists = [
        (
            VERIFICATION_SHEET,
            verification_sheet::workbook(
                &verification_sheet::title(c),
                &city,
                &review.verification_sheet,
                date,
            )?,
        ),
        (
            OBJECTION_SHEET,
            objection_sheet::workbook(
                &objection_sheet::title(c),
                &city,
                &review.objection_sheet,
                date,
            )?,
        ),
        (
            APPROVAL_SHEET,
            approval_sheet::workbook(
                &approval_sheet::title(c),
                &city,
                &review.approval_sheet,
                date,
            )?,
        ),
        (
            FILING_SHEET,
            filing_sheet::workbook(&filing_sheet::title(c), &city, &review.filing_sheet, date)?,
        ),
    ];
    for (rel, mut wb) in lists {
        written.push(save(dir, rel, &mut wb)?);
    }
    Ok(written)
}
