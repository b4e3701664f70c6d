//! The rows of the working sheet 评审记录 (`contract::review_records`): one
//! row per application, with each stage's decision already recorded in the
//! `decisions` table, for the bureau to print, fill in and drop back into
//! the input folder (docs/operations.md).
//!
//! Which applications: every application of a year the run reviews, and
//! every other one that already has a recorded decision, so a sheet that
//! replaces the previous one never drops a decision the bureau recorded.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use polars::prelude::*;

use crate::config::Stages;
use crate::contract::review_records::{decisions_by_application, keyed_rows};
use crate::contract::roster::{Place, places};
use crate::error::Result;
use crate::frame::{dates, strings};

pub use crate::contract::review_records::Recorded;

/// One application's row.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApplicationRow {
    pub code: String,
    pub name: String,
    pub county: String,
    pub street: String,
    pub year: i32,
    pub applied_level: String,
    pub submitted_on: Option<NaiveDate>,
    /// One entry per stage of the rules' list, None where nothing is recorded.
    pub stages: Vec<Option<Recorded>>,
}

/// One opinion box of the recommendation form (推荐表) and the decision
/// that fills it, if recorded.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OpinionBox {
    pub label: String,
    pub recorded: Option<Recorded>,
}

impl ApplicationRow {
    /// The recommendation form's opinion boxes, in the stages' order: each
    /// stage that names a `form_box`, with its recorded decision.
    pub fn opinion_boxes(&self, stages: &Stages) -> Vec<OpinionBox> {
        stages
            .iter()
            .zip(&self.stages)
            .filter_map(|(s, r)| {
                Some(OpinionBox {
                    label: s.form_box.clone()?,
                    recorded: r.clone(),
                })
            })
            .collect()
    }
}

type Key = (String, i32);

/// The sheet's rows in county, street, code, year order.
pub fn rows(
    applications: Option<&DataFrame>,
    decisions: Option<&DataFrame>,
    communities: &DataFrame,
    years: &[i32],
    stages: &Stages,
) -> Result<Vec<ApplicationRow>> {
    let mut apps: BTreeMap<Key, (String, Option<NaiveDate>)> = BTreeMap::new();
    if let Some(a) = applications {
        let (level, on) = (strings(a, "applied_level")?, dates(a, "submitted_on")?);
        for k in keyed_rows(a, &[])? {
            apps.insert(
                (k.code, k.year),
                (level[k.row].clone().unwrap_or_default(), on[k.row]),
            );
        }
    }
    let recorded = decisions_by_application(decisions, stages)?;
    let wanted: BTreeSet<Key> = apps
        .keys()
        .filter(|(_, y)| years.contains(y))
        .chain(recorded.keys())
        .cloned()
        .collect();
    let places = places(communities)?;
    let mut out: Vec<ApplicationRow> = wanted
        .into_iter()
        .map(|key| {
            let (level, submitted) = apps.get(&key).cloned().unwrap_or_default();
            let (name, county, street) = places.get(&key.0).map(Place::texts).unwrap_or_default();
            let stages = recorded
                .get(&key)
                .cloned()
                .unwrap_or_else(|| vec![None; stages.len()]);
            ApplicationRow {
                code: key.0,
                name,
                county,
                street,
                year: key.1,
                applied_level: level,
                submitted_on: submitted,
                stages,
            }
        })
        .collect();
    out.sort_by(|a, b| {
        (&a.county, &a.street, &a.code, a.year).cmp(&(&b.county, &b.street, &b.code, b.year))
    });
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn applications_of_the_run_and_every_recorded_decision() {
        let communities = df!(
            "community_code" => ["A", "B"],
            "community_name" => ["甲社区", "乙社区"],
            "county" => ["新华区", "卫东区"],
            "street" => ["一街道", "二街道"],
        )
        .unwrap();
        let apps = df!(
            "community_code" => ["A", "B", "B"],
            "year" => [2021i64, 2021, 2019],
            "applied_level" => ["市级", "星级", "市级"],
        )
        .unwrap();
        let decisions = df!(
            "community_code" => ["A", "A"],
            "year" => [2021i64, 2020],
            "stage" => ["县级初选", "街道审核"],
            "decision" => ["推荐", "同意"],
        )
        .unwrap();
        let stages = Stages::notice();
        let r = rows(
            Some(&apps),
            Some(&decisions),
            &communities,
            &[2021],
            &stages,
        )
        .unwrap();
        let keys: Vec<(&str, i32)> = r.iter().map(|a| (a.code.as_str(), a.year)).collect();
        // B 2019 is neither reviewed nor decided; A 2020 has a decision.
        assert_eq!(keys, vec![("B", 2021), ("A", 2020), ("A", 2021)]);
        let a = &r[2];
        assert_eq!(a.stages[2].as_ref().unwrap().decision, "推荐");
        assert!(a.stages[0].is_none());
        let boxes = a.opinion_boxes(&stages);
        let labels: Vec<&str> = boxes.iter().map(|b| b.label.as_str()).collect();
        assert_eq!(
            labels,
            ["街道(乡镇)意见", "县(市、区)推荐意见", "市人社局意见"]
        );
        assert_eq!(boxes[1].recorded.as_ref().unwrap().decision, "推荐");
        assert!(boxes[0].recorded.is_none() && boxes[2].recorded.is_none());
        assert_eq!(a.applied_level, "市级");
    }
}
