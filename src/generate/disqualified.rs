//! A recognised community that loses its qualification, in an extract of
//! several review years (`fullemp generate --years`, three years or more):
//! in the first year its re-employment rate falls to 0.55–0.64, below the
//! re-inspection's threshold (a large employer closed and its registered
//! unemployed found work slowly), so that year's re-inspection fails it
//! and the city proposes its disqualification; the province approves in
//! March of the next year (an `approvals` row, 同意取消), and from that year
//! on the community is out of the re-inspection (`ratings::scope`). Its rate
//! recovers halfway the year after the fall, then follows its own course.
//!
//! The community is the first honest one of normal profile, in code order,
//! without a confounder and outside the counties of the county-level
//! patterns, so that its outcome is the fall's alone.

use chrono::{Duration, NaiveDate};

use super::calendar::Calendar;
use super::confounders::Confounder;
use super::geography::{Geography, Profile};
use super::histories::Knobs;
use super::model::Approval;
use super::patterns::Assignment;
use super::rng::Rng;
use crate::contract::review_records::APPROVED;

/// The year of the histories (0: the first) in which the community fails.
const FAILS_IN: usize = 0;

/// The community that loses its qualification; None for histories of fewer
/// than three years (an extract of one review year keeps every community's
/// qualification as before) or when no community fits.
pub fn choose(
    geo: &Geography,
    assignment: &Assignment,
    confounders: &[Option<Confounder>],
    cal: &Calendar,
) -> Option<usize> {
    if cal.span() < 3 {
        return None;
    }
    (0..geo.sites.len()).find(|&i| {
        let site = &geo.sites[i];
        site.profile == Profile::Normal
            && assignment.is_honest(i)
            && confounders[i].is_none()
            && !assignment.bunched_counties.contains(&site.county)
            && !assignment.heaped_counties.contains(&site.county)
    })
}

/// The fall in the first year and the recovery the year after, on knobs
/// whose earlier years are already drawn (`drift::earlier_years`).
pub fn fall(knobs: &mut Knobs, rng: &mut Rng) {
    let low = rng.uniform(0.55, 0.64);
    knobs.fails_in = Some(FAILS_IN);
    knobs.earlier[FAILS_IN].reemployment = low;
    let next = match knobs.earlier.get_mut(FAILS_IN + 1) {
        Some(e) => &mut e.reemployment,
        None => &mut knobs.reemployment_prev,
    };
    *next = (low + *next) / 2.0;
}

/// The province's approval of the proposal, dated in March of the year after
/// the fall.
pub fn approval(code: &str, cal: &Calendar, rng: &mut Rng) -> Approval {
    let year = cal.first_year + FAILS_IN as i32;
    let march = NaiveDate::from_ymd_opt(year + 1, 3, 5).expect("a date");
    Approval {
        community: code.to_string(),
        year,
        answer: APPROVED,
        answered: march + Duration::days(rng.int(0, 20)),
        document_no: Some(format!("豫人社就业〔{}〕{}号", year + 1, rng.int(8, 40))),
        note: Some(format!(
            "{year}年度复查不合格,同意取消其省级充分就业社区资格。"
        )),
    }
}
