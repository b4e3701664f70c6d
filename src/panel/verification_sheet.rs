//! The rows of the working sheet 核实记录 (`contract::review_records`): one
//! row per high or medium community finding (by community, year and
//! detector: a detector reporting several rows for one community is one
//! thing to check), one per spot-check community (`抽查`), and every check
//! already recorded, filled in, whether or not its finding still fires.
//! Years: every year of the run, as the findings.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::findings::{PublishedFinding, severity_rank};
use crate::contract::review_records::SPOT_CHECK;
use crate::detectors::verified::Verified;
use crate::panel::labels;

/// One thing to check.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct VerificationRow {
    pub code: String,
    pub name: String,
    pub county: String,
    pub year: i32,
    /// A detector id, or `抽查`.
    pub item: String,
    /// The item in Chinese.
    pub item_label: String,
    /// 高 / 中, empty for a spot check or a check whose finding is gone.
    pub severity: String,
    /// The finding's explanation (never a raw identifier), or what a spot
    /// check asks.
    pub description: String,
    pub result: Option<String>,
    pub checked_on: Option<NaiveDate>,
    pub checked_by: Option<String>,
    pub note: Option<String>,
}

type Key = (String, i32, String);

/// What a spot-check row asks of the visit.
pub fn spot_check_task() -> String {
    format!(
        "随机抽查:实地核实申报数据;申报数据经核实不属实的,按{}处理",
        super::labels::falsification_confirmed()
    )
}

/// The rows in county, code, year, item order.
pub fn rows(
    findings: &[PublishedFinding],
    spot_checks: &[(String, String, String, i32)],
    verified: &Verified,
    places: &BTreeMap<String, (String, String, String)>,
) -> Vec<VerificationRow> {
    let mut out: BTreeMap<Key, VerificationRow> = BTreeMap::new();
    for f in findings {
        let Some(code) = &f.community_code else {
            continue;
        };
        if !matches!(f.severity.as_str(), "high" | "medium") {
            continue;
        }
        let key = (code.clone(), f.year, f.detector.clone());
        let row = out.entry(key).or_insert_with(|| VerificationRow {
            code: code.clone(),
            name: f.community_name.clone().unwrap_or_default(),
            county: f.county.clone(),
            year: f.year,
            item: f.detector.clone(),
            item_label: labels::detector(&f.detector),
            severity: labels::severity(&f.severity).into(),
            description: String::new(),
            ..Default::default()
        });
        if severity_rank(&f.severity) < severity_rank(severity_id(&row.severity)) {
            row.severity = labels::severity(&f.severity).into();
        }
        if !row.description.contains(&f.explanation) {
            if !row.description.is_empty() {
                row.description.push('\n');
            }
            row.description.push_str(&f.explanation);
        }
    }
    for (code, name, county, year) in spot_checks {
        out.entry((code.clone(), *year, SPOT_CHECK.to_string()))
            .or_insert_with(|| VerificationRow {
                code: code.clone(),
                name: name.clone(),
                county: county.clone(),
                year: *year,
                item: SPOT_CHECK.into(),
                item_label: labels::checked_item(SPOT_CHECK),
                description: spot_check_task(),
                ..Default::default()
            });
    }
    for (key, c) in &verified.checks {
        let row = out.entry(key.clone()).or_insert_with(|| {
            let (name, county, _) = places.get(&c.community_code).cloned().unwrap_or_default();
            VerificationRow {
                code: c.community_code.clone(),
                name,
                county,
                year: c.year,
                item: c.detector.clone(),
                item_label: labels::checked_item(&c.detector),
                description: if c.detector == SPOT_CHECK {
                    spot_check_task()
                } else {
                    "本次运行未再发现该疑点;核实结论照旧有效".into()
                },
                ..Default::default()
            }
        });
        row.result = Some(c.result.clone());
        row.checked_on = c.checked_on;
        // Free text the bureau typed: an identity number in it is masked.
        // Free text masked when read (ingest::review_checks).
        row.checked_by = c.checked_by.clone();
        row.note = c.note.clone();
    }
    let mut rows: Vec<VerificationRow> = out.into_values().collect();
    rows.sort_by(|a, b| {
        (&a.county, &a.code, a.year, &a.item).cmp(&(&b.county, &b.code, b.year, &b.item))
    });
    rows
}

fn severity_id(label: &str) -> &'static str {
    match label {
        "高" => "high",
        "中" => "medium",
        "低" => "low",
        _ => "",
    }
}
