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

/// Writes every form; returns the relative paths written. The workbooks'
/// own creation date is the review year's cut-off (same inputs, same
/// bytes); 填表时间 is `settings.made_on`. Without an applications table the
/// shortlists and recommendation forms are not written (the report says
/// why).
pub fn write(dir: &Path, review: &Panel, settings: &Settings) -> Result<Vec<String>> {
    let date = review
        .cutoff()
        .unwrap_or(NaiveDate::from_ymd_opt(review.year.max(1), 12, 31).unwrap_or_default());
    let heading = |unit: String, due: Option<NaiveDate>| Heading {
        unit,
        made_on: settings.made_on,
        due,
    };
    let register_due = settings.review.register_due;
    let list_due = settings.review.list_due;
    let under: Vec<&Community> = review
        .communities
        .iter()
        .filter(|c| c.under_reinspection)
        .collect();
    let mut written = Vec::new();
    written.push(save(
        dir,
        CITY_REGISTER,
        &mut register::workbook(&heading(settings.city_unit(), register_due), &under, date)?,
    )?);
    let mut names = Names(Default::default());
    for county in review.counties() {
        let rows: Vec<&Community> = under
            .iter()
            .copied()
            .filter(|c| c.county == county)
            .collect();
        if rows.is_empty() {
            continue;
        }
        let rel = names.take(&county, county_register);
        let head = heading(settings.review.unit(&county), register_due);
        written.push(save(
            dir,
            &rel,
            &mut register::workbook(&head, &rows, date)?,
        )?);
    }
    if let Some(list) = &review.shortlist {
        let title = shortlist::title(settings.city, review.year);
        written.push(save(
            dir,
            CITY_SHORTLIST,
            &mut shortlist::workbook(&title, &heading(settings.city_unit(), list_due), list, date)?,
        )?);
        let mut counties: Vec<&str> = list.iter().map(|c| c.county.as_str()).collect();
        counties.sort_unstable();
        counties.dedup();
        for county in counties {
            let rows: Vec<_> = list
                .iter()
                .filter(|c| c.county == county)
                .cloned()
                .collect();
            let rel = names.take(county, county_shortlist);
            let head = heading(settings.review.unit(county), list_due);
            written.push(save(
                dir,
                &rel,
                &mut shortlist::workbook(&format!("{title}({county})"), &head, &rows, date)?,
            )?);
        }
    }
    if review.shortlist.is_some() {
        // One form per application of the review year, from 申报 on.
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
        written.push(save(
            dir,
            RECOMMENDATIONS,
            &mut recommendation::workbook(
                settings.city,
                &forms,
                |code| by_code.get(code).copied(),
                date,
            )?,
        )?);
    }
    written.extend(review_lists(dir, review, settings, date)?);
    written.extend(panel_records(dir, review, settings, date, &mut names)?);
    Ok(written)
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
/// and each county with applications, 核实记录), written every run.
fn panel_records(
    dir: &Path,
    review: &Panel,
    settings: &Settings,
    date: NaiveDate,
    names: &mut Names,
) -> Result<Vec<String>> {
    let heading = |unit: String| Heading {
        unit,
        made_on: settings.made_on,
        due: None,
    };
    let mut written = vec![save(
        dir,
        DISQUALIFICATION,
        &mut disqualification::workbook(
            &heading(settings.city_unit()),
            &review.disqualified,
            date,
        )?,
    )?];
    let all: Vec<_> = review.review_sheet.iter().collect();
    written.push(save(
        dir,
        CITY_REVIEW_SHEET,
        &mut review_sheet::workbook(
            &review_sheet::title("全市"),
            &heading(settings.city_unit()),
            &all,
            &review.stages,
            date,
        )?,
    )?);
    let mut counties: Vec<&str> = all
        .iter()
        .map(|a| a.county.as_str())
        .filter(|c| !c.is_empty())
        .collect();
    counties.sort_unstable();
    counties.dedup();
    for county in counties {
        let rows: Vec<_> = all.iter().copied().filter(|a| a.county == county).collect();
        let rel = names.take(county, county_review_sheet);
        written.push(save(
            dir,
            &rel,
            &mut review_sheet::workbook(
                &review_sheet::title(county),
                &heading(settings.review.unit(county)),
                &rows,
                &review.stages,
                date,
            )?,
        )?);
    }
    written.push(save(
        dir,
        VERIFICATION_SHEET,
        &mut verification_sheet::workbook(
            &verification_sheet::title(settings.city),
            &heading(settings.city_unit()),
            &review.verification_sheet,
            date,
        )?,
    )?);
    written.push(save(
        dir,
        OBJECTION_SHEET,
        &mut objection_sheet::workbook(
            &objection_sheet::title(settings.city),
            &heading(settings.city_unit()),
            &review.objection_sheet,
            date,
        )?,
    )?);
    written.push(save(
        dir,
        APPROVAL_SHEET,
        &mut approval_sheet::workbook(
            &approval_sheet::title(settings.city),
            &heading(settings.city_unit()),
            &review.approval_sheet,
            date,
        )?,
    )?);
    written.push(save(
        dir,
        FILING_SHEET,
        &mut filing_sheet::workbook(
            &filing_sheet::title(settings.city),
            &heading(settings.city_unit()),
            &review.filing_sheet,
            date,
        )?,
    )?);
    Ok(written)
}
