//! Severity follows corroboration (docs/detectors.md): the same pattern with
//! and without its second signal, for `cutoff_window_dressing` (high only
//! when a signal of the window's own records backs the timing) and
//! `duplicate_person` (residence, not the claimant's own dates, decides who
//! is the likely copier). Hand-written extracts read through the real
//! ingest; cut-off A = 2021-12-31, S = 2021-01-01.

use std::collections::BTreeMap;
use std::path::Path;

use fullemp::config::rules::DetectorRules;
use fullemp::config::{AsOf, Pipeline, Rules};
use fullemp::contract::Table;
use fullemp::detectors::{self, Finding, Inputs, Severity};
use fullemp::indicators::{self, Indicators};
use fullemp::privacy::Pseudonymizer;
use polars::prelude::DataFrame;

mod support;
use support::{C1, C2, credit_code, id};

/// An extract written row by row (employment with its employer and keying
/// time, and services).
#[derive(Default)]
struct Extract {
    persons: Vec<String>,
    unemployment: Vec<String>,
    employment: Vec<String>,
    hardship: Vec<String>,
    services: Vec<String>,
}

/// An employer as a record names it: (name, credit code), either may be empty.
type Employer = (String, String);

/// The street office: a valid code, and (in the fixtures) many employees.
fn street_office() -> Employer {
    (
        "中兴路街道办事处".to_string(),
        credit_code("11410402MB1234567"),
    )
}

/// A company of its own for each n, with a valid code.
fn company(n: u32) -> Employer {
    (
        format!("鑫源商贸{n}号有限公司"),
        credit_code(&format!("91410402MA{n:07}")),
    )
}

/// The street office's code with a wrong check character.
fn spoiled_office() -> Employer {
    let (name, good) = street_office();
    let last = if good.ends_with('0') { '1' } else { '0' };
    (name, format!("{}{last}", &good[..17]))
}

impl Extract {
    /// A resident of `c` since 2015, born 1980.
    fn resident(&mut self, pid: &str, c: &str, household: &str, entered: &str) -> &mut Self {
        self.persons.push(format!(
            "{pid},{c},{household},男,1980-01-01,是,{entered},,"
        ));
        self
    }

    fn registration(&mut self, rid: &str, pid: &str, c: &str, registered: &str) -> &mut Self {
        self.unemployment
            .push(format!("{rid},{pid},{c},{registered},,"));
        self
    }

    #[allow(clippy::too_many_arguments)]
    fn job(
        &mut self,
        rid: &str,
        pid: &str,
        c: &str,
        employer: &Employer,
        started: &str,
        ended: &str,
        recorded: &str,
    ) -> &mut Self {
        // The street office hires onto public-welfare posts.
        let kind = if employer.0.ends_with("办事处") {
            "公益性岗位"
        } else {
            "单位就业"
        };
        self.employment.push(format!(
            "{rid},{pid},{c},{},{},{kind},{started},{ended},{recorded}",
            employer.0, employer.1
        ));
        self
    }

    fn service(&mut self, sid: &str, pid: &str, c: &str, on: &str) -> &mut Self {
        self.services.push(format!("{sid},{pid},{c},职业介绍,{on}"));
        self
    }

    fn write(&self, dir: &Path) {
        let table = |name: &str, header: &str, rows: &[String]| {
            let mut text = format!("{header}\n");
            for r in rows {
                text.push_str(r);
                text.push('\n');
            }
            std::fs::write(dir.join(name), text).unwrap();
        };
        table(
            "communities.csv",
            "community_code,community_name,county,street,provincial_year",
            &[
                format!("{C1},光明社区,新华区,中兴路街道,2015"),
                format!("{C2},和平社区,新华区,中兴路街道,2016"),
            ],
        );
        table(
            "persons.csv",
            "person_id,community_code,household_id,gender,birth_date,labor_capacity,entered_on,left_on,left_reason",
            &self.persons,
        );
        table(
            "unemployment.csv",
            "registration_id,person_id,community_code,registered_on,ended_on,end_reason",
            &self.unemployment,
        );
        table(
            "employment.csv",
            "record_id,person_id,community_code,employer_name,employer_code,employment_type,started_on,ended_on,recorded_at",
            &self.employment,
        );
        table(
            "hardship.csv",
            "person_id,community_code,category,designated_on,revoked_on",
            &self.hardship,
        );
        table(
            "zero_households.csv",
            "household_id,community_code,identified_on,cleared_on",
            &[],
        );
        table(
            "services.csv",
            "service_id,person_id,community_code,service_type,delivered_on",
            &self.services,
        );
    }

    /// The findings of detector `name` alone, at the default rules, cut-off
    /// 2021-12-31.
    fn detect(&self, name: &str) -> Vec<Finding> {
        let dir = tempfile::tempdir().unwrap();
        self.write(dir.path());
        let pipeline = Pipeline::new(dir.path(), dir.path().join("out"));
        let ex = fullemp::ingest::ingest(&pipeline, &detectors::ids()).unwrap();
        assert!(
            ex.rejects.is_empty(),
            "the fixture is clean: {:?}",
            ex.rejects
        );
        let rules = Rules::default();
        let indicators: Indicators = indicators::compute(
            &ex.tables,
            &rules.indicators,
            AsOf::parse("2021-12-31").unwrap(),
            Some(&[2021]),
        )
        .unwrap();
        let tables: &BTreeMap<Table, DataFrame> = &ex.tables;
        let inputs = Inputs::new(
            tables,
            &indicators,
            &tables[&Table::Communities],
            &rules.indicators,
            &rules.reinspection,
        );
        detectors::detect_all(&inputs, &only(name)).unwrap()
    }
}

/// Default detector rules with only `name` enabled.
fn only(name: &str) -> DetectorRules {
    let mut r = Rules::default().detectors;
    for d in detectors::ALL {
        r.set_enabled(d.id, d.id == name);
    }
    r
}

fn of<'a>(findings: &'a [Finding], code: &str) -> Vec<&'a Finding> {
    findings
        .iter()
        .filter(|f| f.community_code.as_deref() == Some(code))
        .collect()
}

fn rendered(f: &Finding) -> Vec<String> {
    let p = Pseudonymizer::from_key(b"corroboration-tests-key".to_vec(), "test");
    f.evidence.iter().map(|e| e.render(&p)).collect()
}

// ---------------------------------------------------------------- cutoff_window_dressing

/// How the window's six starts differ from the honest public posts.
#[derive(Clone, Copy, Default)]
struct Dressing {
    /// Keyed in on 2022-01-05 rather than on their start day.
    keyed_late: usize,
    /// Ended on 2022-01-20, 20 days after A, rather than still open.
    ended_soon: usize,
    /// Each at a company of its own (no other employee) rather than the street office.
    own_company: usize,
    /// At the street office, whose code fails GB 32100.
    spoiled_code: bool,
}

/// C1's registered jobless: ten registered on S and served in June; six of
/// them hired on 2021-12-10 … 2021-12-15 (the window: 2021-12-02 to A),
/// four on 2021-04-01, all by the street office (公益性岗位: a valid code,
/// ten employees), keyed in on their start day, in jobs still open. Each
/// start had 30/365 of a chance to fall in the window: 6 of 10 there is
/// p = 4.8e-5 (SciPy, tests/detectors.rs), below alpha = 0.001. `dressing`
/// changes the window's first starts as it says.
fn public_posts(d: Dressing) -> Vec<Finding> {
    let mut e = Extract::default();
    for i in 0..10u32 {
        let pid = id(100 + i, "19800101");
        e.resident(&pid, C1, &format!("H{i}"), "2015-01-01")
            .registration(&format!("U{i:02}"), &pid, C1, "2021-01-01")
            .service(&format!("S{i:02}"), &pid, C1, "2021-06-01");
        let k = i as usize;
        if i < 6 {
            let started = format!("2021-12-{:02}", 10 + i);
            let ended = if k < d.ended_soon { "2022-01-20" } else { "" };
            let recorded = if k < d.keyed_late {
                "2022-01-05 09:00:00".to_string()
            } else {
                format!("{started} 16:00:00")
            };
            let employer = if k < d.own_company {
                company(i + 1)
            } else if d.spoiled_code {
                spoiled_office()
            } else {
                street_office()
            };
            e.job(
                &format!("W{i:02}"),
                &pid,
                C1,
                &employer,
                &started,
                ended,
                &recorded,
            );
        } else {
            e.job(
                &format!("B{i:02}"),
                &pid,
                C1,
                &street_office(),
                "2021-04-01",
                "",
                "2021-04-01 16:00:00",
            );
        }
    }
    e.detect("cutoff_window_dressing")
}

/// The one finding of C1.
fn single(f: &[Finding]) -> &Finding {
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].community_code.as_deref(), Some(C1));
    &f[0]
}

/// "A statistical pattern alone is medium at most": a street office filling
/// its public posts from the registered jobless before the year closes
/// (real persons with earlier registrations and services, a valid code,
/// prompt keying, jobs that last) crowds the window, and is medium.
#[test]
fn a_crowded_window_of_public_posts_alone_is_medium() {
    let f = public_posts(Dressing::default());
    let f = single(&f);
    assert_eq!(f.severity, Severity::Medium);
    assert!((f.value.unwrap() - 0.6).abs() < 1e-12);
    assert!((f.p_value.unwrap() - 4.837212121745728e-05).abs() < 1e-12);
    assert!(
        f.explanation
            .ends_with("仅时间分布异常，录入时间、用人单位和服务记录均无佐证，建议核查"),
        "{}",
        f.explanation
    );
    assert_eq!(
        rendered(f)[0],
        "employment.record_id=W00: 2021-12-10 开始，仍在职"
    );
}

/// "... or at least min_count of the window's starts keyed after A": 6 of
/// the 6 keyed in on 2022-01-05 make it high; 4 are fewer than 5.
#[test]
fn a_crowded_window_keyed_in_after_the_cutoff_is_high() {
    let f = public_posts(Dressing {
        keyed_late: 6,
        ..Dressing::default()
    });
    let f = single(&f);
    assert_eq!(f.severity, Severity::High);
    assert!(
        f.explanation
            .contains("佐证：窗口期内 6 个就业中有 6 个在截止日后才录入"),
        "{}",
        f.explanation
    );
    assert_eq!(
        rendered(f)[0],
        "employment.record_id=W00: 2021-12-10 开始，仍在职，截止日后 2022-01-05 才录入"
    );
    let f = public_posts(Dressing {
        keyed_late: 4,
        ..Dressing::default()
    });
    assert_eq!(single(&f).severity, Severity::Medium);
}

/// "High when the timing test and a second signal hold together (the short
/// share above ...)": the six window jobs ended 20 days after A, 100 % of
/// them against a short_share of 50 %.
#[test]
fn a_crowded_window_whose_jobs_ended_soon_after_the_cutoff_is_high() {
    let f = public_posts(Dressing {
        ended_soon: 6,
        ..Dressing::default()
    });
    let f = single(&f);
    assert_eq!(f.severity, Severity::High);
    assert!(
        f.explanation
            .contains("佐证：其中 6 条（100%）在截止日后 60 天内即终止，达到 50% 的界限"),
        "{}",
        f.explanation
    );
    // 2 of 6 (33 %) is under the share: the extract reaches past A, the
    // figure is reported, the timing stands alone.
    let f = public_posts(Dressing {
        ended_soon: 2,
        ..Dressing::default()
    });
    let f = single(&f);
    assert_eq!(f.severity, Severity::Medium);
    assert!(
        f.explanation
            .contains("其中 2 条（33%）在截止日后 60 天内即终止；仅时间分布异常"),
        "{}",
        f.explanation
    );
}

/// "... or at least half of them at employers failing GB 32100 or employing
/// no one else in the extract": three of the six at a company of its own is
/// half; two is not. The street office with a failing code: all six.
#[test]
fn a_crowded_window_at_lone_employers_or_a_failing_code_is_high() {
    let f = public_posts(Dressing {
        own_company: 3,
        ..Dressing::default()
    });
    let f = single(&f);
    assert_eq!(f.severity, Severity::High);
    assert!(
        f.explanation.contains(
            "佐证：窗口期内 6 个就业中有 3 个（50%）的用人单位信用代码校验位错误或在全部数据中别无他人受雇"
        ),
        "{}",
        f.explanation
    );
    assert_eq!(
        rendered(f)[0],
        "employment.record_id=W00: 2021-12-10 开始，仍在职，用人单位在全部数据中别无他人受雇"
    );
    assert_eq!(
        rendered(f)[3],
        "employment.record_id=W03: 2021-12-13 开始，仍在职"
    );
    let f = public_posts(Dressing {
        own_company: 2,
        ..Dressing::default()
    });
    assert_eq!(single(&f).severity, Severity::Medium);
    let f = public_posts(Dressing {
        spoiled_code: true,
        ..Dressing::default()
    });
    let f = single(&f);
    assert_eq!(f.severity, Severity::High);
    assert!(
        rendered(f)[5].ends_with("用人单位统一社会信用代码校验位错误"),
        "{:?}",
        rendered(f)
    );
}

/// "... or at least half of the persons with no service, registration or
/// designation before the start". Twelve persons all hired in the window:
/// six registered on S, six registered on their start day (so the window is
/// certain for them: p0 = (6 + 6 × 30/365) / 12 = 0.541, and 12 of 12 gives
/// p = 0.541^12 = 6.3e-4, still below alpha). With a service in November
/// the six have a contact history and the timing stands alone; without it
/// they are half of the persons with none: high.
#[test]
fn a_crowded_window_of_persons_without_contact_history_is_high() {
    let run = |served: bool| {
        let mut e = Extract::default();
        for i in 0..12u32 {
            let pid = id(200 + i, "19800101");
            let started = format!("2021-12-{:02}", 10 + i);
            let registered = if i < 6 {
                "2021-01-01"
            } else {
                started.as_str()
            };
            e.resident(&pid, C1, &format!("H{i}"), "2015-01-01")
                .registration(&format!("U{i:02}"), &pid, C1, registered)
                .job(
                    &format!("W{i:02}"),
                    &pid,
                    C1,
                    &street_office(),
                    &started,
                    "",
                    &format!("{started} 16:00:00"),
                );
            if i < 6 || served {
                e.service(&format!("S{i:02}"), &pid, C1, "2021-11-01");
            }
        }
        e.detect("cutoff_window_dressing")
    };
    let p0 = (6.0 + 6.0 * 30.0 / 365.0) / 12.0;
    let f = run(true);
    let f = single(&f);
    assert_eq!(f.severity, Severity::Medium);
    assert!((f.threshold.unwrap() - p0).abs() < 1e-12);
    assert!((f.p_value.unwrap() - p0.powi(12)).abs() < 1e-12);
    let f = run(false);
    let f = single(&f);
    assert_eq!(f.severity, Severity::High);
    assert!(
        f.explanation.contains(
            "佐证：窗口期内 12 人中 6 人（50%）在就业开始前没有任何就业服务、失业登记或困难认定记录"
        ),
        "{}",
        f.explanation
    );
    assert_eq!(
        rendered(f)[6],
        "employment.record_id=W06: 2021-12-16 开始，仍在职，开始前无就业服务、失业登记或困难认定记录"
    );
}

/// The short share without the crowding still fires ("or, where the extract
/// reaches past A, at least short_share ..."), read as a timing test of its
/// own: alone medium, with a further signal (keying after A) high. Five of
/// twenty starts in the window is p = 0.0204, not significant.
#[test]
fn the_short_share_without_crowding_is_medium_alone_and_high_with_late_keying() {
    let run = |keyed_late: bool| {
        let mut e = Extract::default();
        for i in 0..20u32 {
            let pid = id(300 + i, "19800101");
            e.resident(&pid, C1, &format!("H{i}"), "2015-01-01")
                .registration(&format!("U{i:02}"), &pid, C1, "2021-01-01");
            if i < 5 {
                let started = format!("2021-12-{:02}", 10 + i);
                let recorded = if keyed_late {
                    "2022-01-05 09:00:00".to_string()
                } else {
                    format!("{started} 16:00:00")
                };
                e.job(
                    &format!("W{i:02}"),
                    &pid,
                    C1,
                    &street_office(),
                    &started,
                    "2022-01-20",
                    &recorded,
                );
            } else {
                e.job(
                    &format!("B{i:02}"),
                    &pid,
                    C1,
                    &street_office(),
                    "2021-04-01",
                    "",
                    "2021-04-01 16:00:00",
                );
            }
        }
        e.detect("cutoff_window_dressing")
    };
    let f = run(false);
    let f = single(&f);
    assert_eq!(f.severity, Severity::Medium);
    assert!(
        f.explanation.contains(
            "二项检验 p = 0.020，未达 0.001 的显著水平；其中 5 条（100%）在截止日后 60 天内即终止，达到 50% 的界限；仅时间分布异常"
        ),
        "{}",
        f.explanation
    );
    let f = run(true);
    let f = single(&f);
    assert_eq!(f.severity, Severity::High);
    assert!(
        f.explanation
            .ends_with("佐证：窗口期内 5 个就业中有 5 个在截止日后才录入"),
        "{}",
        f.explanation
    );
}

// ---------------------------------------------------------------- duplicate_person

/// One person, a resident of C1 since `c1_entered`, registered there on
/// `c1_claim`; counted in C2 too on a registration of `c2_claim`, with a C2
/// ledger stay from `c2_entered` (none if empty). Back at work on
/// 2021-06-01 (a job of C1, as the person's home community keys it).
fn claimed_twice(
    c1_entered: &str,
    c1_claim: &str,
    c2_entered: &str,
    c2_claim: &str,
) -> Vec<Finding> {
    let pid = id(1, "19800101");
    let mut e = Extract::default();
    e.resident(&pid, C1, "H1", c1_entered);
    if !c2_entered.is_empty() {
        e.resident(&pid, C2, "H9", c2_entered);
    }
    e.registration("U1", &pid, C1, c1_claim)
        .registration("U2", &pid, C2, c2_claim)
        .job(
            "E1",
            &pid,
            C1,
            &street_office(),
            "2021-06-01",
            "",
            "2021-06-01 16:00:00",
        );
    e.detect("duplicate_person")
}

/// "Residence decides who is the likely copier: high for the community
/// whose ledger stay holding the person began later": C2 copied a resident
/// of C1 into its ledger on 2020-12-01 and dated its registration
/// 2021-01-10, before C1's own of 2021-03-01. The claim dates would make C1
/// the copier; the stays make C2 the copier and C1 the victim.
#[test]
fn a_copier_dating_its_claim_before_the_victims_is_high_by_residence() {
    let f = claimed_twice("2015-01-01", "2021-03-01", "2020-12-01", "2021-01-10");
    assert_eq!(f.len(), 2, "{f:?}");
    let (c1, c2) = (of(&f, C1), of(&f, C2));
    assert_eq!(c2[0].severity, Severity::High);
    assert_eq!(c1[0].severity, Severity::Low);
    assert_eq!(
        c2[0].explanation,
        format!(
            "2021 年有 1 人同时出现在本社区和其他社区的台账中或同时被两个社区计入就业人数，按居住判断：1 人在本社区台账的登记晚于社区 {C1}，两个社区都需核对"
        )
    );
    assert!(
        c1[0].explanation.contains(&format!(
            "1 人在本社区台账的登记早于社区 {C2}，在本社区居住更久"
        )),
        "{}",
        c1[0].explanation
    );
    assert_eq!(
        rendered(c2[0])[0],
        format!(
            "unemployment.registration_id=U2: 同一人也被社区 {C1} 计入就业人数（对方的失业登记或困难认定始于 2021-03-01，本社区始于 2021-01-10）；本社区台账自 2020-12-01 起有其登记，对方台账自 2015-01-01 起有其登记"
        )
    );
}

/// "... or that has no ledger stay covering its claim": C2 counts a person
/// its ledger never held.
#[test]
fn a_community_counting_a_person_it_has_no_stay_for_is_high() {
    let f = claimed_twice("2015-01-01", "2021-03-01", "", "2021-01-10");
    assert_eq!(f.len(), 2, "{f:?}");
    assert_eq!(of(&f, C2)[0].severity, Severity::High);
    assert_eq!(of(&f, C1)[0].severity, Severity::Low);
    assert!(
        of(&f, C2)[0]
            .explanation
            .contains("1 人在本社区失业登记或困难认定之日并不在本社区台账中"),
        "{}",
        of(&f, C2)[0].explanation
    );
    assert!(
        rendered(of(&f, C2)[0])[0]
            .ends_with("本社区台账在 2021-01-10 没有其登记，对方台账自 2015-01-01 起有其登记"),
        "{:?}",
        rendered(of(&f, C2)[0])
    );
}

/// "Only when both stays began the same day does the registration or
/// designation behind the count decide": C2's registration is the later.
#[test]
fn stays_begun_the_same_day_are_decided_by_the_later_claim() {
    let f = claimed_twice("2015-01-01", "2021-01-05", "2015-01-01", "2021-02-10");
    assert_eq!(f.len(), 2, "{f:?}");
    assert_eq!(of(&f, C2)[0].severity, Severity::High);
    assert_eq!(of(&f, C1)[0].severity, Severity::Low);
    assert!(
        of(&f, C2)[0].explanation.contains(&format!(
            "与社区 {C1} 的台账同日登记，本社区的失业登记或困难认定在后"
        )),
        "{}",
        of(&f, C2)[0].explanation
    );
}

/// "... and equal again: medium for both."
#[test]
fn stays_and_claims_of_the_same_day_are_medium_for_both() {
    let f = claimed_twice("2015-01-01", "2021-01-05", "2015-01-01", "2021-01-05");
    assert_eq!(f.len(), 2, "{f:?}");
    assert!(f.iter().all(|x| x.severity == Severity::Medium), "{f:?}");
    assert!(
        of(&f, C1)[0].explanation.contains("无法判断哪一方重复计入"),
        "{}",
        of(&f, C1)[0].explanation
    );
}

/// The same reading for a person in two ledgers whom neither community
/// counts (no job): stays begun the same day, each community's earliest
/// registration decides; the later (C2's) is high.
#[test]
fn same_day_ledger_stays_without_a_count_are_decided_by_the_earliest_registrations() {
    let pid = id(2, "19800101");
    let mut e = Extract::default();
    e.resident(&pid, C1, "H1", "2015-01-01")
        .resident(&pid, C2, "H9", "2015-01-01")
        .registration("U1", &pid, C1, "2021-01-05")
        .registration("U2", &pid, C2, "2021-02-10");
    let f = e.detect("duplicate_person");
    assert_eq!(f.len(), 2, "{f:?}");
    assert_eq!(of(&f, C2)[0].severity, Severity::High);
    assert_eq!(of(&f, C1)[0].severity, Severity::Low);
    assert!(
        rendered(of(&f, C2)[0])[0].ends_with(&format!(
            "同一人同时在社区 {C1} 的台账中（2015-01-01 登记），本社区 2015-01-01 登记；本社区最早的失业登记或困难认定：2021-02-10，对方：2021-01-05"
        )),
        "{:?}",
        rendered(of(&f, C2)[0])
    );
}
