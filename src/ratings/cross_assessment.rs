//! The cross assessment (交叉考核, docs/rules.md): each county's shortlisted
//! candidates go, all together, to one assessment group none of whose
//! members comes from that county, keeping the groups' loads even.
//!
//! Greedy largest-first: counties by candidates (most first, then by name),
//! each to the eligible group carrying the fewest candidates so far (ties to
//! the group listed first). Every order is fixed, so the same shortlist and
//! groups give the same assignment.
//!
//! A county that no group may assess (every group has a member from it) is
//! an error the run states, naming the county (logged at error level,
//! written in the manifest and the report): the other counties are still
//! assigned and the run still publishes, so one county's missing group
//! does not take the night's figures from the others.

use std::collections::BTreeMap;

use polars::prelude::*;

use super::Assignment;
use crate::config::AssessmentGroup;
use crate::error::Result;

/// A county whose candidates no assessment group may assess.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unassigned {
    pub year: i32,
    pub county: String,
    pub candidates: i64,
    pub reason: String,
}

/// The cross assessment of every year: who goes where, and who could not.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    pub assignments: Vec<Assignment>,
    pub unassigned: Vec<Unassigned>,
}

/// Candidates per county of one year's shortlist, assigned to groups.
pub fn assign_year(
    year: i32,
    candidates: &BTreeMap<String, i64>,
    groups: &[AssessmentGroup],
) -> Plan {
    let mut counties: Vec<(&String, i64)> = candidates.iter().map(|(c, n)| (c, *n)).collect();
    counties.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    let mut load = vec![0i64; groups.len()];
    let mut out = Plan::default();
    for (county, n) in counties {
        let best = groups
            .iter()
            .enumerate()
            .filter(|(_, g)| g.may_assess(county))
            .min_by_key(|(i, _)| (load[*i], *i));
        let Some((i, group)) = best else {
            let reason = format!(
                "no assessment group may assess county {county}: every group listed in \
                 review.assessment_groups has a member from {county}; add a group none of \
                 whose members comes from {county}"
            );
            tracing::error!(year, county = %county, candidates = n, "cross assessment: {reason}");
            out.unassigned.push(Unassigned {
                year,
                county: county.clone(),
                candidates: n,
                reason,
            });
            continue;
        };
        load[i] += n;
        out.assignments.push(Assignment {
            year,
            county: county.clone(),
            group: group.name.clone(),
            candidates: n,
        });
    }
    out
}

/// The plan for every year of the shortlist; empty without groups.
pub fn assign_groups(shortlist: &DataFrame, groups: &[AssessmentGroup]) -> Result<Plan> {
    if groups.is_empty() {
        return Ok(Plan::default());
    }
    let years = shortlist.column("year")?.i64()?;
    let counties = shortlist.column("county")?.str()?;
    let mut per_year: BTreeMap<i64, BTreeMap<String, i64>> = BTreeMap::new();
    for i in 0..shortlist.height() {
        let (Some(year), Some(county)) = (years.get(i), counties.get(i)) else {
            continue;
        };
        *per_year
            .entry(year)
            .or_default()
            .entry(county.to_string())
            .or_default() += 1;
    }
    let mut out = Plan::default();
    for (year, candidates) in per_year {
        let plan = assign_year(year as i32, &candidates, groups);
        out.assignments.extend(plan.assignments);
        out.unassigned.extend(plan.unassigned);
    }
    Ok(out)
}
