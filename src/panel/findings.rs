//! The detectors' findings as the run publishes them: each `detectors::Finding`
//! with its community's name and street and its evidence pseudonymised,
//! converted once; the findings table and the report both read these rows.

use std::collections::HashMap;

use polars::prelude::*;

use chrono::NaiveDate;

use crate::detectors::Finding;
use crate::detectors::verified::Verified;
use crate::error::Result;
use crate::frame::{dates, floats, ints, strings};
use crate::privacy::Pseudonymizer;

/// The published columns, in order (`year` goes into the partition path).
pub const COLUMNS: [&str; 18] = [
    "detector",
    "severity",
    "level",
    "community_code",
    "community_name",
    "county",
    "street",
    "year",
    "explanation",
    "value",
    "threshold",
    "p_value",
    "evidence",
    "verification",
    "verified_on",
    "verified_by",
    "material",
    "material_effect",
];

/// One finding as published: ids as text, the community named, persons as
/// `person_key`. The community columns are None for a county-level finding.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct PublishedFinding {
    pub detector: String,
    pub severity: String,
    pub level: String,
    pub community_code: Option<String>,
    pub community_name: Option<String>,
    pub county: String,
    pub street: Option<String>,
    pub year: i32,
    pub explanation: String,
    pub value: Option<f64>,
    pub threshold: Option<f64>,
    pub p_value: Option<f64>,
    pub evidence: Vec<String>,
    /// The panel's check of the finding (`属实` / `不属实`), None when not
    /// checked; a finding checked 不属实 is dismissed and no longer counts in
    /// the risk score (docs/ratings.md).
    pub verification: Option<String>,
    #[serde(serialize_with = "date_text")]
    pub verified_on: Option<NaiveDate>,
    pub verified_by: Option<String>,
    /// Taking out the counted persons the finding questions changes a rule,
    /// the verdict, the level or the stars (`panel::materiality`).
    pub material: bool,
    /// What changes, in the panel's words; None when nothing does.
    pub material_effect: Option<String>,
}

fn date_text<S: serde::Serializer>(d: &Option<NaiveDate>, s: S) -> Result<S::Ok, S::Error> {
    serde::Serialize::serialize(&d.map(|d| d.to_string()), s)
}

impl PublishedFinding {
    /// Checked by the panel and found 不属实.
    pub fn dismissed(&self) -> bool {
        self.verification.as_deref() == Some(crate::contract::review_records::DISMISSED)
    }
}

/// The panel's checks written onto the findings they are about (by
/// community, year and detector; county-level findings are never checked).
pub fn with_verifications(rows: &mut [PublishedFinding], verified: &Verified) {
    for f in rows.iter_mut() {
        let Some(code) = &f.community_code else {
            continue;
        };
        if let Some(c) = verified
            .checks
            .get(&(code.clone(), f.year, f.detector.clone()))
        {
            f.verification = Some(c.result.clone());
            f.verified_on = c.checked_on;
            // Free text masked when read (ingest::review_checks).
            f.verified_by = c.checked_by.clone();
        }
    }
}

/// The findings in the order given (`detect_all` already sorted them), with
/// `community_name` and `street` from `places` (any frame with
/// `community_code`, `community_name`, `street`).
pub fn published(
    findings: &[Finding],
    places: &DataFrame,
    pseudonyms: &Pseudonymizer,
) -> Result<Vec<PublishedFinding>> {
    let codes = places.column("community_code")?.str()?.clone();
    let names = places.column("community_name")?.str()?.clone();
    let streets = places.column("street")?.str()?.clone();
    let place: HashMap<&str, (Option<&str>, Option<&str>)> = codes
        .iter()
        .zip(names.iter().zip(streets.iter()))
        .filter_map(|(c, ns)| Some((c?, ns)))
        .collect();
    let place_of = |f: &Finding| place.get(f.community_code.as_deref()?).copied();
    Ok(findings
        .iter()
        .map(|f| {
            let (name, street) = place_of(f).unwrap_or((None, None));
            PublishedFinding {
                detector: f.detector.to_string(),
                severity: f.severity.as_str().to_string(),
                level: f.level.as_str().to_string(),
                community_code: f.community_code.clone(),
                community_name: name.map(str::to_string),
                county: f.county.clone(),
                street: street.map(str::to_string),
                year: f.year,
                explanation: f.explanation.clone(),
                value: f.value,
                threshold: f.threshold,
                p_value: f.p_value,
                evidence: f.evidence.iter().map(|e| e.render(pseudonyms)).collect(),
                ..Default::default()
            }
        })
        .collect())
}

/// The findings table.
pub fn frame(rows: &[PublishedFinding]) -> Result<DataFrame> {
    let text = |get: &dyn Fn(&PublishedFinding) -> Option<String>| -> Vec<Option<String>> {
        rows.iter().map(get).collect()
    };
    let number = |get: fn(&PublishedFinding) -> Option<f64>| -> Vec<Option<f64>> {
        rows.iter().map(get).collect()
    };
    let evidence: ListChunked = rows
        .iter()
        .map(|f| Some(Series::new(PlSmallStr::EMPTY, f.evidence.clone())))
        .collect();
    let evidence = evidence
        .with_name("evidence".into())
        .into_series()
        .cast(&DataType::List(Box::new(DataType::String)))?;
    Ok(DataFrame::new_infer_height(vec![
        Column::new("detector".into(), text(&|f| Some(f.detector.clone()))),
        Column::new("severity".into(), text(&|f| Some(f.severity.clone()))),
        Column::new("level".into(), text(&|f| Some(f.level.clone()))),
        Column::new("community_code".into(), text(&|f| f.community_code.clone())),
        Column::new("community_name".into(), text(&|f| f.community_name.clone())),
        Column::new("county".into(), text(&|f| Some(f.county.clone()))),
        Column::new("street".into(), text(&|f| f.street.clone())),
        Column::new(
            "year".into(),
            rows.iter().map(|f| f.year as i64).collect::<Vec<i64>>(),
        ),
        Column::new("explanation".into(), text(&|f| Some(f.explanation.clone()))),
        Column::new("value".into(), number(|f| f.value)),
        Column::new("threshold".into(), number(|f| f.threshold)),
        Column::new("p_value".into(), number(|f| f.p_value)),
        evidence.into_column(),
        Column::new("verification".into(), text(&|f| f.verification.clone())),
        Column::new(
            "verified_on".into(),
            rows.iter()
                .map(|f| f.verified_on.map(days_since_epoch))
                .collect::<Vec<Option<i32>>>(),
        )
        .cast(&DataType::Date)?,
        Column::new("verified_by".into(), text(&|f| f.verified_by.clone())),
        Column::new(
            "material".into(),
            rows.iter().map(|f| f.material).collect::<Vec<bool>>(),
        ),
        Column::new(
            "material_effect".into(),
            text(&|f| f.material_effect.clone()),
        ),
    ])?)
}

fn days_since_epoch(d: NaiveDate) -> i32 {
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).expect("epoch");
    (d - epoch).num_days() as i32
}

/// The findings table straight from the detectors' findings.
pub fn findings_frame(
    findings: &[Finding],
    places: &DataFrame,
    pseudonyms: &Pseudonymizer,
) -> Result<DataFrame> {
    frame(&published(findings, places, pseudonyms)?)
}

/// The findings of one year, in report order.
pub fn of_year(rows: &[PublishedFinding], year: i32) -> Vec<PublishedFinding> {
    let mut out: Vec<PublishedFinding> = rows.iter().filter(|f| f.year == year).cloned().collect();
    report_order(&mut out);
    out
}

/// By detector, the material findings first, severity (high first),
/// county, community; stable.
fn report_order(rows: &mut [PublishedFinding]) {
    rows.sort_by(|a, b| {
        (
            &a.detector,
            !a.material,
            severity_rank(&a.severity),
            &a.county,
            &a.community_code,
        )
            .cmp(&(
                &b.detector,
                !b.material,
                severity_rank(&b.severity),
                &b.county,
                &b.community_code,
            ))
    });
}

/// The findings of a published findings frame (a previous run's), in
/// report order.
pub fn read(df: &DataFrame) -> Result<Vec<PublishedFinding>> {
    let s = |n: &str| strings(df, n);
    let (detector, severity, level, code, name, county, street, explanation) = (
        s("detector")?,
        s("severity")?,
        s("level")?,
        s("community_code")?,
        s("community_name")?,
        s("county")?,
        s("street")?,
        s("explanation")?,
    );
    let (value, threshold, p) = (
        floats(df, "value")?,
        floats(df, "threshold")?,
        floats(df, "p_value")?,
    );
    let evidence = evidence_lists(df)?;
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let years = ints(df, "year")?;
    let (verification, verified_on, verified_by) = (
        s("verification")?,
        dates(df, "verified_on")?,
        s("verified_by")?,
    );
    let (material, material_effect) = materiality_columns(df)?;
    let mut rows: Vec<PublishedFinding> = (0..df.height())
        .map(|k| PublishedFinding {
            detector: text(&detector[k]),
            severity: text(&severity[k]),
            level: text(&level[k]),
            community_code: code[k].clone(),
            community_name: name[k].clone(),
            county: text(&county[k]),
            street: street[k].clone(),
            year: years[k].unwrap_or(0) as i32,
            explanation: text(&explanation[k]),
            value: value[k],
            threshold: threshold[k],
            p_value: p[k],
            evidence: evidence[k].clone(),
            verification: verification[k].clone(),
            verified_on: verified_on[k],
            verified_by: verified_by[k].clone(),
            material: material[k],
            material_effect: material_effect[k].clone(),
        })
        .collect();
    report_order(&mut rows);
    Ok(rows)
}

/// The evidence of each row of a published findings frame: a list column,
/// or (an older run) one `;`-joined text.
fn evidence_lists(df: &DataFrame) -> Result<Vec<Vec<String>>> {
    let s = |n: &str| strings(df, n);
    Ok(match df.schema().get("evidence") {
        Some(DataType::List(_)) => {
            let list = df.column("evidence")?.list()?.clone();
            (0..df.height())
                .map(|k| -> PolarsResult<Vec<String>> {
                    Ok(match list.get_as_series(k) {
                        Some(items) => items
                            .cast(&DataType::String)?
                            .str()?
                            .iter()
                            .flatten()
                            .map(str::to_string)
                            .collect(),
                        None => Vec::new(),
                    })
                })
                .collect::<PolarsResult<_>>()?
        }
        _ => s("evidence")?
            .into_iter()
            .map(|e| {
                e.unwrap_or_default()
                    .split(';')
                    .filter(|x| !x.is_empty())
                    .map(str::to_string)
                    .collect()
            })
            .collect(),
    })
}

/// `material` and `material_effect` of a published findings frame; a run
/// published before findings carried their materiality reads as none
/// material.
fn materiality_columns(df: &DataFrame) -> Result<(Vec<bool>, Vec<Option<String>>)> {
    let material = match df.column("material") {
        Ok(c) => c.bool()?.iter().map(|m| m == Some(true)).collect(),
        Err(_) => vec![false; df.height()],
    };
    let effect = match df.column("material_effect") {
        Ok(_) => strings(df, "material_effect")?,
        Err(_) => vec![None; df.height()],
    };
    Ok((material, effect))
}

/// High before medium before low.
pub fn severity_rank(s: &str) -> u8 {
    match s {
        "high" => 0,
        "medium" => 1,
        "low" => 2,
        _ => 3,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detectors::{Evidence, Level, Severity};

    #[test]
    fn columns_types_and_county_rows_without_community() {
        let communities = df!(
            "community_code" => ["410402001001"],
            "community_name" => ["新华社区"],
            "county" => ["新华区"],
            "street" => ["中兴路街道"],
        )
        .unwrap();
        let finding = |code: Option<&str>, level| Finding {
            detector: "x",
            severity: Severity::High,
            level,
            community_code: code.map(str::to_string),
            county: "新华区".into(),
            year: 2021,
            explanation: "说明".into(),
            value: Some(1.0),
            threshold: None,
            p_value: None,
            evidence: vec![Evidence::person("11010519491231002X")],
        };
        let p = Pseudonymizer::from_key(b"test-key".to_vec(), "test");
        let df = findings_frame(
            &[
                finding(Some("410402001001"), Level::Community),
                finding(None, Level::County),
            ],
            &communities,
            &p,
        )
        .unwrap();
        let names: Vec<&str> = df.get_column_names().iter().map(|s| s.as_str()).collect();
        assert_eq!(names, COLUMNS.to_vec());
        assert_eq!(
            df.column("community_name").unwrap().str().unwrap().get(0),
            Some("新华社区")
        );
        assert_eq!(df.column("street").unwrap().str().unwrap().get(1), None);
        assert_eq!(df.column("threshold").unwrap().dtype(), &DataType::Float64);
        let ev = df
            .column("evidence")
            .unwrap()
            .list()
            .unwrap()
            .get_as_series(0)
            .unwrap();
        assert_eq!(
            ev.str().unwrap().get(0),
            Some("person_key=e7e0eb61ae93a5d9")
        );
        let empty = findings_frame(&[], &communities, &p).unwrap();
        assert_eq!(
            empty.column("evidence").unwrap().dtype(),
            &DataType::List(Box::new(DataType::String))
        );
    }
}
