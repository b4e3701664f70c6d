//! The lists the bureau publishes in the review (rows only; `publish::forms`
//! lays them out): the publicity list (公示名单) of the applications proposed
//! for recognition, the confirmation list (认定名单) of those confirmed, and
//! the table of the cross assessment's groups (交叉考核分组表) with their
//! members and what each was assigned.
//!
//! Proposed for recognition: an application of the review year whose stage
//! before publicity (the city's cross assessment, in the notice's list) is
//! recorded and passed. Confirmed: the status says so (认定). The level a
//! confirmed community is recognised at is the level it applied for; a star
//! application carries the stars its score reached.

use std::collections::BTreeMap;

use polars::prelude::*;

use super::{Candidate, Community};
use crate::config::{AssessmentGroup, GroupMember, Stages};
use crate::error::Result;
use crate::frame;
use crate::ratings::Assignment;
use crate::ratings::status::CONFIRMED;

/// One application on a published list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Listed {
    pub code: String,
    pub name: String,
    pub county: String,
    pub street: String,
    /// 市级 or 星级, as applied for.
    pub applied_level: String,
    /// The level the score reached, in words (市级, 星级(★★), 未达市级).
    pub reached: String,
    /// Stars of a star application (0 for a city-level one).
    pub stars: i64,
}

/// One assessment group as the table shows it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GroupRow {
    pub name: String,
    pub members: Vec<GroupMember>,
    /// Counties assigned, with their candidates.
    pub counties: Vec<(String, i64)>,
    /// The candidates' community names, by county.
    pub applications: Vec<String>,
}

/// The applications of `year` proposed for recognition and those confirmed,
/// from the ratings' `status` frame.
pub fn lists(
    status: &DataFrame,
    year: i32,
    stages: &Stages,
    by_code: &BTreeMap<&str, &Community>,
) -> Result<(Vec<Listed>, Vec<Listed>)> {
    let df = frame::of_year(status, year)?;
    let code = frame::strings(&df, "community_code")?;
    let level = frame::strings(&df, "applied_level")?;
    let state = frame::strings(&df, "state")?;
    let before = match stages.objection_stage() {
        Some((k, _)) if k > 0 => Some(&stages[k - 1]),
        _ => None,
    };
    let passed_before = match before {
        Some(s) => frame::strings(&df, &format!("{}_decision", s.id))?
            .into_iter()
            .map(|d| d.is_some_and(|d| s.passed_by(&d)))
            .collect(),
        None => vec![false; df.height()],
    };
    let mut proposed = Vec::new();
    let mut confirmed = Vec::new();
    for i in 0..df.height() {
        let Some(c) = code[i].as_deref().and_then(|c| by_code.get(c)) else {
            continue;
        };
        let applied = level[i].clone().unwrap_or_default();
        let row = Listed {
            code: c.code.clone(),
            name: c.name.clone(),
            county: c.county.clone(),
            street: c.street.clone(),
            reached: crate::panel::labels::level(c.level.as_deref(), c.stars),
            stars: if applied == "星级" { c.stars } else { 0 },
            applied_level: applied,
        };
        if passed_before[i] {
            proposed.push(row.clone());
        }
        if state[i].as_deref() == Some(CONFIRMED) {
            confirmed.push(row);
        }
    }
    let place = |r: &Listed| (r.county.clone(), r.street.clone(), r.code.clone());
    proposed.sort_by_key(place);
    // The confirming document lists star communities first, most stars
    // first, then the city-level ones.
    confirmed.sort_by_key(|r| (r.applied_level != "星级", -r.stars, place(r)));
    Ok((proposed, confirmed))
}

/// Each configured group with its members and the year's assignment.
pub fn groups(
    configured: &[AssessmentGroup],
    assignments: &[Assignment],
    shortlist: &[Candidate],
    year: i32,
) -> Vec<GroupRow> {
    configured
        .iter()
        .map(|g| {
            let counties: Vec<(String, i64)> = assignments
                .iter()
                .filter(|a| a.year == year && a.group == g.name)
                .map(|a| (a.county.clone(), a.candidates))
                .collect();
            let applications = shortlist
                .iter()
                .filter(|c| counties.iter().any(|(county, _)| *county == c.county))
                .map(|c| format!("{}{}", c.county, c.name))
                .collect();
            GroupRow {
                name: g.name.clone(),
                members: g.members.clone(),
                counties,
                applications,
            }
        })
        .collect()
}
