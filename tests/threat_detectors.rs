//! Hand-worked fixtures for four detectors of the threat model
//! (docs/threat-model.md): `short_lived_jobs`, `brief_registrations`,
//! `closed_without_work` and `ends_after_cutoff`. For each: the pattern alone lands at medium, the
//! same pattern with its corroborating signal at high, and the honest
//! practice that looks like it draws nothing. Default rules; cut-off A =
//! 2021-12-31, review years 2020 and 2021.

mod support;

use fullemp::config::Rules;
use fullemp::detectors::registry::read;
use fullemp::detectors::{
    Finding, Inputs, Severity, brief_registrations, closed_without_work, ends_after_cutoff,
    short_lived_jobs,
};
use support::detect::{C1, DetectorExtract};
use support::{credit_code, id};

/// Person n, born 1985-03-01.
fn person(n: u32) -> String {
    id(n, "19850301")
}

/// A county employer with a valid code (employs several fixture persons).
fn employer() -> String {
    credit_code("91410402MA0000001")
}

fn only_2021(findings: Vec<Finding>) -> Vec<Finding> {
    findings.into_iter().filter(|f| f.year == 2021).collect()
}

// ---------------------------------------------------------------- short_lived_jobs

fn short_run(e: &DetectorExtract) -> Vec<Finding> {
    only_2021(e.detect(|i: &Inputs, r: &Rules| {
        short_lived_jobs::detect(i, &read(&r.detectors, short_lived_jobs::ID)?)
    }))
}

/// Ten registrants of C1 (registered 2021-02-01), re-employed: persons 1–7
/// in lasting jobs; persons 8–10 in jobs of 2021-06-01..2021-06-10 (ten
/// days), keyed `keyed`; `then` adds each of 8–10 a further record.
fn short_jobs(keyed: &str, then: Option<&str>) -> DetectorExtract {
    let code = employer();
    let mut regs = vec![];
    let mut jobs = vec![];
    for k in 1..=10u32 {
        let p = person(k);
        if k <= 7 {
            regs.push(format!("U{k:03},{p},{C1},2021-02-01,2021-05-0{k},就业"));
            jobs.push(format!(
                "E{k:03},{p},{C1},远航物流公司,{code},单位就业,2021-05-0{k},,2021-05-0{k} 10:00:00"
            ));
        } else {
            regs.push(format!("U{k:03},{p},{C1},2021-02-01,2021-06-01,就业"));
            jobs.push(format!(
                "E{k:03},{p},{C1},远航物流公司,{code},单位就业,2021-06-01,2021-06-10,{keyed}"
            ));
            if let Some(start) = then {
                jobs.push(format!(
                    "F{k:03},{p},{C1},远航物流公司,{code},单位就业,{start},,{start} 10:00:00"
                ));
            }
        }
    }
    DetectorExtract::new(&[("unemployment", regs), ("employment", jobs)])
}

#[test]
fn three_of_ten_counted_persons_on_ten_day_jobs_keyed_promptly_are_thin_evidence_medium() {
    let found = short_run(&short_jobs("2021-06-02 09:00:00", None));
    assert_eq!(found.len(), 1, "{found:?}");
    let f = &found[0];
    assert_eq!(f.severity, Severity::Medium);
    assert_eq!(f.community_code.as_deref(), Some(C1));
    assert_eq!(f.value, Some(0.3));
    assert_eq!(f.evidence.len(), 3);
    assert!(
        f.explanation.contains("10 人中有 3 人"),
        "{}",
        f.explanation
    );
    assert!(f.explanation.contains("仅证据单薄"), "{}", f.explanation);
}

#[test]
fn the_same_short_jobs_keyed_months_after_they_ended_are_high() {
    let found = short_run(&short_jobs("2021-11-20 09:00:00", None));
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].severity, Severity::High);
    assert!(
        found[0]
            .explanation
            .contains("3 人中 3 人的短期就业在终止 30 天以后才录入"),
        "{}",
        found[0].explanation
    );
}

#[test]
fn a_seasonal_job_followed_by_a_lasting_one_is_backed_and_draws_nothing() {
    assert!(short_run(&short_jobs("2021-06-02 09:00:00", Some("2021-07-01"))).is_empty());
}

// ---------------------------------------------------------------- brief_registrations

fn brief_run(e: &DetectorExtract) -> Vec<Finding> {
    only_2021(e.detect(|i: &Inputs, r: &Rules| {
        brief_registrations::detect(i, &read(&r.detectors, brief_registrations::ID)?)
    }))
}

/// Eight re-employed registrants of C1: persons 1–4 registered 2021-02-01,
/// jobs from 2021-05-0k; persons 5..5+brief registered 2021-06-01 and at
/// work from 2021-06-03. `services`: each brief person was served on the
/// registration day. `employed`: each brief person already had a job
/// covering the registration day.
fn brief(brief: u32, services: bool, employed: bool) -> DetectorExtract {
    let code = employer();
    let (mut regs, mut jobs, mut served) = (vec![], vec![], vec![]);
    for k in 1..=4u32 {
        let p = person(k);
        regs.push(format!("U{k:03},{p},{C1},2021-02-01,2021-05-0{k},就业"));
        jobs.push(format!(
            "E{k:03},{p},{C1},远航物流公司,{code},单位就业,2021-05-0{k},,2021-05-0{k} 10:00:00"
        ));
        served.push(format!("S{k:03},{p},{C1},职业介绍,2021-03-01"));
    }
    for k in 5..5 + brief {
        let p = person(k);
        regs.push(format!("U{k:03},{p},{C1},2021-06-01,2021-06-03,就业"));
        jobs.push(format!(
            "E{k:03},{p},{C1},远航物流公司,{code},单位就业,2021-06-03,,2021-06-03 10:00:00"
        ));
        if services {
            served.push(format!("S{k:03},{p},{C1},职业介绍,2021-06-01"));
        }
        if employed {
            jobs.push(format!(
                "B{k:03},{p},{C1},远航物流公司,{code},单位就业,2019-01-01,,2019-01-02 10:00:00"
            ));
        }
    }
    DetectorExtract::new(&[
        ("unemployment", regs),
        ("employment", jobs),
        ("services", served),
    ])
}

#[test]
fn four_of_eight_placed_two_days_after_registering_with_a_job_introduction_are_medium() {
    let found = brief_run(&brief(4, true, false));
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].severity, Severity::Medium);
    assert_eq!(found[0].value, Some(0.5));
    assert!(
        found[0].explanation.contains("仅登记时长异常"),
        "{}",
        found[0].explanation
    );
}

#[test]
fn the_same_brief_registrations_of_persons_never_served_are_high() {
    let found = brief_run(&brief(4, false, false));
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].severity, Severity::High);
    assert!(
        found[0]
            .explanation
            .contains("4 人中 4 人无任何服务记录或更早的登记"),
        "{}",
        found[0].explanation
    );
}

#[test]
fn brief_registrations_of_persons_already_employed_that_day_are_high() {
    let found = brief_run(&brief(4, true, true));
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].severity, Severity::High);
    assert!(
        found[0].explanation.contains("登记失业当日另有在职记录"),
        "{}",
        found[0].explanation
    );
}

#[test]
fn three_prompt_placements_are_below_min_count() {
    assert!(brief_run(&brief(3, true, false)).is_empty());
}

// ---------------------------------------------------------------- closed_without_work

fn closed_run(e: &DetectorExtract) -> Vec<Finding> {
    only_2021(e.detect(|i: &Inputs, r: &Rules| {
        closed_without_work::detect(i, &read(&r.detectors, closed_without_work::ID)?)
    }))
}

/// Eight persons of C1's ledger, registered jobless on 2021-03-01. Persons
/// 1..=closed close on 2021-12-10 with `reason`, no job; the rest stay
/// open. `moved`: person 1's ledger stay ends 2021-12-12 (迁出). `reopened`:
/// persons 1 and 2 register again on 2022-01-15.
fn closings(closed: u32, reason: &str, moved: bool, reopened: bool) -> DetectorExtract {
    let (mut ledger, mut regs) = (vec![], vec![]);
    for k in 1..=8u32 {
        let p = person(k);
        let left = if moved && k == 1 {
            "2021-12-12,迁出"
        } else {
            ","
        };
        ledger.push(format!(
            "{p},{C1},H{k:03},男,1985-03-01,是,2015-01-01,{left}"
        ));
        if k <= closed {
            regs.push(format!("U{k:03},{p},{C1},2021-03-01,2021-12-10,{reason}"));
        } else {
            regs.push(format!("U{k:03},{p},{C1},2021-03-01,,"));
        }
        if reopened && k <= 2 {
            regs.push(format!("V{k:03},{p},{C1},2022-01-15,,"));
        }
    }
    DetectorExtract::new(&[("persons", ledger), ("unemployment", regs)])
}

#[test]
fn december_closings_without_work_by_residents_alone_are_the_clerks_cleanup_and_draw_nothing() {
    assert!(closed_run(&closings(3, "其他", false, false)).is_empty());
    assert!(closed_run(&closings(6, "其他", false, false)).is_empty());
}

#[test]
fn the_same_closings_reopened_after_the_cutoff_are_high() {
    let found = closed_run(&closings(3, "其他", false, true));
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].severity, Severity::High);
    assert_eq!(found[0].value, Some(3.0 / 8.0));
    assert!(
        found[0]
            .explanation
            .contains("2 人在截止日后 60 天内重新登记失业"),
        "{}",
        found[0].explanation
    );
}

#[test]
fn two_reopened_among_five_unexplained_closings_are_medium() {
    let found = closed_run(&closings(5, "其他", false, true));
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].severity, Severity::Medium);
    assert_eq!(found[0].evidence.len(), 5);
}

#[test]
fn closings_as_retired_by_persons_of_36_are_high() {
    let found = closed_run(&closings(3, "退休", false, false));
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].severity, Severity::High);
    assert!(
        found[0]
            .explanation
            .contains("3 条以“退休”注销而本人未到退休年龄"),
        "{}",
        found[0].explanation
    );
}

#[test]
fn closings_as_moved_out_whose_ledger_stay_the_clerk_left_open_are_no_contradiction() {
    // The ledger lags: a stay left open is the commonest honest slip.
    assert!(closed_run(&closings(3, "迁出", false, false)).is_empty());
}

#[test]
fn a_closing_by_a_person_who_really_moved_out_is_explained() {
    // Two closings: person 1 moved out two days later (explained); person
    // 2's alone is below min_count.
    assert!(closed_run(&closings(2, "迁出", true, false)).is_empty());
}

#[test]
fn a_december_closing_by_a_person_who_found_work_only_after_the_cutoff_is_corroborated() {
    // Three closings; persons 1 and 2 start work in January, after A.
    let (mut ledger, mut regs, mut jobs) = (vec![], vec![], vec![]);
    let code = employer();
    for k in 1..=8u32 {
        let p = person(k);
        ledger.push(format!("{p},{C1},H{k:03},男,1985-03-01,是,2015-01-01,,"));
        if k <= 3 {
            regs.push(format!("U{k:03},{p},{C1},2021-03-01,2021-12-10,其他"));
        } else {
            regs.push(format!("U{k:03},{p},{C1},2021-03-01,,"));
        }
        if k <= 2 {
            jobs.push(format!(
                "E{k:03},{p},{C1},远航物流公司,{code},单位就业,2022-01-1{k},,2022-01-1{k} 10:00:00"
            ));
        }
    }
    let found = closed_run(&DetectorExtract::new(&[
        ("persons", ledger),
        ("unemployment", regs),
        ("employment", jobs),
    ]));
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].severity, Severity::High);
    assert!(
        found[0].explanation.contains("2 人截止日后 60 天内才就业"),
        "{}",
        found[0].explanation
    );
}

// ---------------------------------------------------------------- ends_after_cutoff

fn ends_run(e: &DetectorExtract) -> Vec<Finding> {
    only_2021(e.detect(|i: &Inputs, r: &Rules| {
        ends_after_cutoff::detect(i, &read(&r.detectors, ends_after_cutoff::ID)?)
    }))
}

/// Six hardship persons of C1 (designated 2019-01-01), all employed at A:
/// persons 1–3 since 2019 in lasting jobs; persons 4..4+ending in jobs of
/// 2021-08-01 to 2022-01-05, keyed `keyed`; the rest of 4–6 in lasting
/// jobs. A later record (2022-02-10) makes the extract reach past A.
fn ending(ending: u32, keyed: &str) -> DetectorExtract {
    let code = employer();
    let (mut designations, mut jobs) = (vec![], vec![]);
    for k in 1..=6u32 {
        let p = person(k);
        designations.push(format!("{p},{C1},4050人员,2019-01-01,"));
        if (4..4 + ending).contains(&k) {
            jobs.push(format!(
                "E{k:03},{p},{C1},远航物流公司,{code},单位就业,2021-08-01,2022-01-05,{keyed}"
            ));
        } else {
            jobs.push(format!(
                "E{k:03},{p},{C1},远航物流公司,{code},单位就业,2019-06-01,,2019-06-02 10:00:00"
            ));
        }
    }
    let later = person(9);
    jobs.push(format!(
        "E009,{later},{C1},远航物流公司,{code},单位就业,2022-02-10,,2022-02-10 10:00:00"
    ));
    DetectorExtract::new(&[("hardship", designations), ("employment", jobs)])
}

#[test]
fn three_of_six_hardship_jobs_ending_five_days_after_the_cutoff_are_medium() {
    let found = ends_run(&ending(3, "2021-08-02 09:00:00"));
    assert_eq!(found.len(), 1, "{found:?}");
    let f = &found[0];
    assert_eq!(f.severity, Severity::Medium);
    assert_eq!(f.value, Some(0.5));
    assert_eq!(f.evidence.len(), 3);
    assert!(f.p_value.is_some_and(|p| p < 0.001), "{:?}", f.p_value);
    assert!(
        f.explanation.contains("仅终止时点异常"),
        "{}",
        f.explanation
    );
}

#[test]
fn the_same_jobs_keyed_months_after_they_began_are_high() {
    let found = ends_run(&ending(3, "2021-12-20 09:00:00"));
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].severity, Severity::High);
    assert!(
        found[0]
            .explanation
            .contains("3 人中 3 人的就业在开始 30 天以后才录入"),
        "{}",
        found[0].explanation
    );
}

#[test]
fn one_job_ending_after_the_cutoff_is_ordinary_turnover() {
    assert!(ends_run(&ending(1, "2021-08-02 09:00:00")).is_empty());
}
