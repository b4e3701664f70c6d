//! The official forms under `forms/`, written with rust_xlsxwriter: the
//! re-inspection register per county and for the whole city, the shortlist,
//! and the recommendation forms. Same inputs, same bytes.

pub mod cells;
pub mod recommendation;
pub mod register;
pub mod shortlist;

use std::path::Path;

use chrono::NaiveDate;
use rust_xlsxwriter::Workbook;

use crate::error::Result;
use crate::panel::{Community, Panel};

pub const CITY_REGISTER: &str = "forms/复查情况登记表-全市.xlsx";
pub const SHORTLIST: &str = "forms/推荐名单.xlsx";
pub const RECOMMENDATIONS: &str = "forms/推荐表.xlsx";

/// The register file of one county.
pub fn county_register(county: &str) -> String {
    format!("forms/复查情况登记表-{}.xlsx", cells::safe_name(county))
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

/// Writes every form; returns the relative paths written. Forms are dated
/// with the review year's cut-off date. Without an applications table the
/// shortlist and recommendation forms are not written (the report says why).
pub fn write(dir: &Path, review: &Panel, city: &str) -> Result<Vec<String>> {
    let date = review
        .cutoff()
        .unwrap_or(NaiveDate::from_ymd_opt(review.year.max(1), 12, 31).unwrap_or_default());
    let under: Vec<&Community> = review
        .communities
        .iter()
        .filter(|c| c.under_reinspection)
        .collect();
    let mut written = Vec::new();
    let city_unit = format!("{city}人力资源和社会保障局");
    written.push(save(
        dir,
        CITY_REGISTER,
        &mut register::workbook(&city_unit, &under, date)?,
    )?);
    let mut names = std::collections::BTreeSet::new();
    for county in review.counties() {
        let rows: Vec<&Community> = under
            .iter()
            .copied()
            .filter(|c| c.county == county)
            .collect();
        if rows.is_empty() {
            continue;
        }
        let mut rel = county_register(&county);
        // Two county names that clean up to the same file name keep apart.
        let mut k = 2;
        while !names.insert(rel.clone()) {
            rel = county_register(&format!("{county}-{k}"));
            k += 1;
        }
        let unit = format!("{county}人力资源和社会保障局");
        written.push(save(
            dir,
            &rel,
            &mut register::workbook(&unit, &rows, date)?,
        )?);
    }
    if let Some(list) = &review.shortlist {
        written.push(save(
            dir,
            SHORTLIST,
            &mut shortlist::workbook(city, review.year, list, date)?,
        )?);
        let by_code = review.by_code();
        written.push(save(
            dir,
            RECOMMENDATIONS,
            &mut recommendation::workbook(city, list, |code| by_code.get(code).copied(), date)?,
        )?);
    }
    Ok(written)
}
