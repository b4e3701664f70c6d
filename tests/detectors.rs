//! The detectors of `claimed_vs_registry`, `cutoff_window_dressing`,
//! `unverified_clearance`, `reemployment_without_record`, `invalid_identity`
//! and `duplicate_person`: for each, a hand-written extract that fires and one
//! just short of firing, read through the real ingest. Cut-off A = 2021-12-31
//! unless a test says otherwise, S = 2021-01-01. The sentences of the
//! detectors' definitions are the test names.
//!
//! Binomial p-values are checked against SciPy 1.17.1
//! (`scipy.stats.binomtest(k, n, p, alternative="greater").pvalue`).

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use fullemp::config::rules::DetectorRules;
use fullemp::config::{AsOf, Pipeline, Rules};
use fullemp::contract::Table;
use fullemp::detectors::{self, Finding, Inputs, Level, Severity};
use fullemp::indicators::{self, Indicators};
use fullemp::privacy::Pseudonymizer;
use polars::prelude::DataFrame;

mod support;
use support::id;

const C1: &str = "410402001001";
const C2: &str = "410402001002";

/// An extract written row by row; every table starts with its header.
struct Extract {
    persons: Vec<String>,
    unemployment: Vec<String>,
    employment: Vec<String>,
    hardship: Vec<String>,
    zero: Vec<String>,
    applications: Vec<String>,
}

impl Extract {
    fn new() -> Extract {
        Extract {
            persons: vec![],
            unemployment: vec![],
            employment: vec![],
            hardship: vec![],
            zero: vec![],
            applications: vec![],
        }
    }

    /// A ledger stay: person, community, household, gender, birth, entered,
    /// left, left_reason.
    #[allow(clippy::too_many_arguments)]
    fn person(
        &mut self,
        pid: &str,
        c: &str,
        household: &str,
        gender: &str,
        birth: &str,
        entered: &str,
        left: &str,
        reason: &str,
    ) -> &mut Self {
        self.persons.push(format!(
            "{pid},{c},{household},{gender},{birth},是,{entered},{left},{reason}"
        ));
        self
    }

    fn registration(
        &mut self,
        rid: &str,
        pid: &str,
        c: &str,
        registered: &str,
        ended: &str,
        reason: &str,
    ) -> &mut Self {
        self.unemployment
            .push(format!("{rid},{pid},{c},{registered},{ended},{reason}"));
        self
    }

    fn job(&mut self, rid: &str, pid: &str, c: &str, started: &str, ended: &str) -> &mut Self {
        self.employment
            .push(format!("{rid},{pid},{c},灵活就业,{started},{ended}"));
        self
    }

    /// Registered unemployed in c on 2021-01-05 (registration U{n}) and back
    /// at work on `started` (record E{n}): counted in c's re-employment.
    fn reemployed(&mut self, n: u32, pid: &str, c: &str, started: &str) -> &mut Self {
        self.registration(&format!("U{n}"), pid, c, "2021-01-05", "", "");
        self.job(&format!("E{n}"), pid, c, started, "")
    }

    fn hardship(&mut self, pid: &str, c: &str, designated: &str) -> &mut Self {
        self.hardship
            .push(format!("{pid},{c},4050人员,{designated},"));
        self
    }

    fn zero(&mut self, household: &str, c: &str, identified: &str, cleared: &str) -> &mut Self {
        self.zero
            .push(format!("{household},{c},{identified},{cleared}"));
        self
    }

    fn application(
        &mut self,
        c: &str,
        rate: &str,
        hardship: &str,
        jobs: &str,
        zero: &str,
    ) -> &mut Self {
        self.applications.push(format!(
            "{c},2021,市级,{rate},{hardship},{jobs},{zero},是,是"
        ));
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
            "record_id,person_id,community_code,employment_type,started_on,ended_on",
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
            &self.zero,
        );
        if !self.applications.is_empty() {
            table(
                "applications.csv",
                "community_code,year,applied_level,claimed_reemployment_rate,claimed_hardship_employment_rate,claimed_new_jobs,claimed_zero_households,street_recommends,county_recommends",
                &self.applications,
            );
        }
    }
}

/// The extract read by the real ingest and its indicators for 2021.
struct Read {
    tables: BTreeMap<Table, DataFrame>,
    indicators: Indicators,
    rules: Rules,
}

fn read(extract: &Extract, as_of: &str) -> Read {
    let dir = tempfile::tempdir().unwrap();
    extract.write(dir.path());
    let pipeline = Pipeline::new(dir.path(), dir.path().join("out"));
    let ex = fullemp::ingest::ingest(&pipeline, &fullemp::detectors::ids()).unwrap();
    assert!(
        ex.rejects.is_empty(),
        "the fixture is clean: {:?}",
        ex.rejects
    );
    let rules = Rules::default();
    let indicators = indicators::compute(
        &ex.tables,
        &rules.indicators,
        AsOf::parse(as_of).unwrap(),
        Some(&[2021]),
    )
    .unwrap();
    Read {
        tables: ex.tables,
        indicators,
        rules,
    }
}

impl Read {
    fn inputs(&self) -> Inputs<'_> {
        Inputs::new(
            &self.tables,
            &self.indicators,
            &self.tables[&Table::Communities],
            &self.rules.indicators,
            &self.rules.reinspection,
        )
    }

    /// Every enabled detector with these rules.
    fn detect(&self, rules: &DetectorRules) -> Vec<Finding> {
        detectors::detect_all(&self.inputs(), rules).unwrap()
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
    let p = Pseudonymizer::from_key(b"detector-tests-key".to_vec(), "test");
    f.evidence.iter().map(|e| e.render(&p)).collect()
}

fn key(raw: &str) -> String {
    Pseudonymizer::from_key(b"detector-tests-key".to_vec(), "test").person_key(raw)
}

/// Ten persons of C1 registered unemployed on 2021-01-01 (so any start in
/// 2021 is open to them), person i employed from `starts[i]` if given.
fn registered_ten(e: &mut Extract, c: &str, first: u32, starts: &[&str]) {
    for i in 0..10u32 {
        let pid = id(first + i, "19800101");
        e.person(
            &pid,
            c,
            &format!("H{}", first + i),
            "男",
            "1980-01-01",
            "2015-01-01",
            "",
            "",
        );
        e.registration(&format!("U{}", first + i), &pid, c, "2021-01-01", "", "");
        if let Some(s) = starts.get(i as usize) {
            e.job(&format!("E{}", first + i), &pid, c, s, "");
        }
    }
}

// ---------------------------------------------------------------- claimed_vs_registry

/// C1: 7 of 10 re-employed (70 %), 7 new jobs, 2 zero households open at A.
fn claims(rate: &str, jobs: &str, zero: &str) -> Vec<Finding> {
    let mut e = Extract::new();
    let starts = ["2021-03-01"; 7];
    registered_ten(&mut e, C1, 1, &starts);
    e.zero("Z1", C1, "2021-11-20", "")
        .zero("Z2", C1, "2021-12-01", "");
    e.application(C1, rate, "", jobs, zero);
    read(&e, "2021-12-31").detect(&only("claimed_vs_registry"))
}

#[test]
fn claimed_rate_more_than_5_points_above_the_registry_fires() {
    // Registry 7/10 = 70 %; claimed 76 % is 6 points above.
    let f = claims("76%", "7", "2");
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].severity, Severity::High);
    assert!((f[0].value.unwrap() - 6.0).abs() < 1e-9);
    assert_eq!(f[0].threshold, Some(5.0));
    assert!(f[0].explanation.contains("76.0%") && f[0].explanation.contains("70.0%"));
    // The application, and the three registrations the registry does not
    // count as re-employed.
    assert_eq!(
        rendered(&f[0]),
        vec![
            format!("applications(community_code={C1}, year=2021)"),
            "unemployment.registration_id=U10: 登记数据中该人员未计入再就业".to_string(),
            "unemployment.registration_id=U8: 登记数据中该人员未计入再就业".to_string(),
            "unemployment.registration_id=U9: 登记数据中该人员未计入再就业".to_string(),
        ]
    );
}

#[test]
fn claimed_rate_exactly_5_points_above_does_not_fire() {
    // 75 % − 70 % is 5 points, not more than 5.
    assert!(claims("75%", "7", "2").is_empty());
}

#[test]
fn claimed_new_jobs_more_than_10_percent_and_5_persons_above_fires() {
    // 13 claimed against 7: 6 more, above max(0.7, 5) = 5.
    let f = claims("70%", "13", "2");
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].value, Some(6.0));
    assert_eq!(f[0].threshold, Some(5.0));
    // 12 claimed: 5 more, not more than 5 persons.
    assert!(claims("70%", "12", "2").is_empty());
}

#[test]
fn fewer_open_zero_households_claimed_than_the_registry_has_fires() {
    let f = claims("70%", "7", "1");
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].value, Some(1.0));
    assert!(f[0].explanation.contains("少报 1 户"));
    assert_eq!(
        rendered(&f[0])[1..],
        [
            format!(
                "zero_households(household_id=Z1, community_code={C1}, identified_on=2021-11-20): 截止日仍未消除"
            ),
            format!(
                "zero_households(household_id=Z2, community_code={C1}, identified_on=2021-12-01): 截止日仍未消除"
            ),
        ]
    );
    assert!(claims("70%", "7", "2").is_empty());
}

// ---------------------------------------------------------------- cutoff_window_dressing

/// Counted starts of C1: `window` of them in the last 30 days before A
/// (2021-12-02 … 2021-12-31), `before` earlier; every registration on S, so
/// each start's chance of falling in the window is 30/365.
fn dressing(window: usize, before: usize, window_end: &str, as_of: &str) -> Vec<Finding> {
    let mut e = Extract::new();
    let n = window + before;
    for i in 0..n as u32 {
        let pid = id(100 + i, "19800101");
        e.person(
            &pid,
            C1,
            &format!("H{i}"),
            "男",
            "1980-01-01",
            "2015-01-01",
            "",
            "",
        );
        e.registration(&format!("U{i}"), &pid, C1, "2021-01-01", "", "");
        if (i as usize) < window {
            e.job(
                &format!("W{i:02}"),
                &pid,
                C1,
                &format!("2021-12-{:02}", 10 + i),
                window_end,
            );
        } else {
            e.job(&format!("B{i:02}"), &pid, C1, "2021-04-01", "");
        }
    }
    let r = read(&e, as_of);
    r.detect(&only("cutoff_window_dressing"))
}

#[test]
fn binomial_tail_matches_scipy() {
    // python3 -c "from scipy.stats import binomtest; print(binomtest(6, 10, 30/365, alternative='greater').pvalue)"
    // → 4.837212121745728e-05
    let p = detectors::significance::binomial_upper_tail(6, 10, 30.0 / 365.0);
    assert!((p - 4.837212121745728e-05).abs() < 1e-12, "{p}");
    // python3 -c "from scipy.stats import binomtest; print(binomtest(5, 20, 30/365, alternative='greater').pvalue)"
    // → 0.020411203710201317
    let p = detectors::significance::binomial_upper_tail(5, 20, 30.0 / 365.0);
    assert!((p - 0.020411203710201317).abs() < 1e-12, "{p}");
}

#[test]
fn six_of_ten_counted_starts_in_the_last_30_days_fire_with_p_below_alpha() {
    let f = dressing(6, 4, "", "2021-12-31");
    assert_eq!(f.len(), 1, "{f:?}");
    let f = &f[0];
    // The timing alone, no second signal in the window's records: medium
    // (tests/corroboration.rs has the signals that make it high).
    assert_eq!(f.severity, Severity::Medium);
    assert!((f.value.unwrap() - 0.6).abs() < 1e-12);
    assert!((f.threshold.unwrap() - 30.0 / 365.0).abs() < 1e-12);
    // SciPy, as above: binomtest(6, 10, 30/365, alternative='greater').
    assert!((f.p_value.unwrap() - 4.837212121745728e-05).abs() < 1e-12);
    assert_eq!(
        f.evidence.len(),
        6,
        "the window starts are the records to pull"
    );
    assert_eq!(
        rendered(f)[0],
        "employment.record_id=W00: 2021-12-10 开始，仍在职"
    );
}

#[test]
fn five_of_twenty_in_the_window_is_not_significant_at_0_001() {
    // p = 0.0204 (SciPy, above) is not below alpha = 0.001; and the extract
    // does not reach past A, so the short-lived test does not apply.
    assert!(dressing(5, 15, "", "2021-12-31").is_empty());
}

#[test]
fn four_window_starts_are_below_min_count_however_unlikely() {
    // 4 of 4 in the window would be very unlikely, but min_count is 5.
    assert!(dressing(4, 0, "", "2021-12-31").is_empty());
}

#[test]
fn window_starts_whose_jobs_ended_soon_after_the_cutoff_fire_where_the_extract_reaches_past_a() {
    // 5 window starts of 20 (p = 0.0204, not significant), all ended on
    // 2022-01-20, within 60 days after A; the extract reaches into 2022.
    let f = dressing(5, 15, "2022-01-20", "2021-12-31");
    assert_eq!(f.len(), 1, "{f:?}");
    assert!(
        f[0].explanation.contains("5 条（100%）"),
        "{}",
        f[0].explanation
    );
    assert_eq!(
        rendered(&f[0])[4],
        "employment.record_id=W04: 2021-12-14 开始，2022-01-20 终止"
    );
    // Ended 2022-03-15: 74 days after A, not "soon after".
    assert!(dressing(5, 15, "2022-03-15", "2021-12-31").is_empty());
}

// ---------------------------------------------------------------- unverified_clearance

fn clearance(member_start: &str, member_end: &str) -> Vec<Finding> {
    let mut e = Extract::new();
    let pid = id(1, "19800101");
    e.person(&pid, C1, "ZH1", "男", "1980-01-01", "2015-01-01", "", "");
    e.zero("ZH1", C1, "2021-05-10", "2021-06-01");
    e.job("E1", &pid, C1, member_start, member_end);
    read(&e, "2021-12-31").detect(&only("unverified_clearance"))
}

#[test]
fn a_member_job_starting_within_7_days_after_clearance_verifies_it() {
    assert!(clearance("2021-06-08", "").is_empty());
    assert!(
        clearance("2021-01-01", "2021-06-01").is_empty(),
        "ends on cleared_on: covers it"
    );
}

#[test]
fn clearance_without_a_member_job_covering_it_fires() {
    // Starts 8 days after cleared_on.
    let f = clearance("2021-06-09", "");
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].severity, Severity::High);
    assert_eq!(f[0].value, Some(1.0));
    assert_eq!(
        rendered(&f[0])[0],
        format!(
            "zero_households(household_id=ZH1, community_code={C1}, identified_on=2021-05-10): 2021-06-01 标记消除，家庭成员无覆盖该日的就业登记"
        )
    );
    // Ended the day before cleared_on.
    assert_eq!(clearance("2021-01-01", "2021-05-31").len(), 1);
}

/// The household joins the ledger to `zero_households` exactly however the
/// two columns are held: both as numbers (one shape, digits around a
/// letter) or, when `zero_households` brings another shape, both as text
/// again (`contract::held::share_holding`).
#[test]
fn households_join_the_ledger_held_as_numbers_or_as_text() {
    for stray in [None, Some("X-9")] {
        let mut e = Extract::new();
        let (a, b) = (id(1, "19800101"), id(2, "19800101"));
        let (ha, hb) = (format!("{C1}H00001"), format!("{C1}H00002"));
        e.person(&a, C1, &ha, "男", "1980-01-01", "2015-01-01", "", "");
        e.person(&b, C1, &hb, "男", "1980-01-01", "2015-01-01", "", "");
        // A's job covers the clearing of A's household; B has none.
        e.job("E1", &a, C1, "2021-01-01", "");
        e.zero(&ha, C1, "2021-05-10", "2021-06-01");
        e.zero(&hb, C1, "2021-05-10", "2021-06-01");
        if let Some(h) = stray {
            e.zero(h, C1, "2021-05-10", "2021-06-01");
        }
        let f = read(&e, "2021-12-31").detect(&only("unverified_clearance"));
        assert_eq!(f.len(), 1, "{f:?}");
        let households: Vec<String> = rendered(&f[0])
            .iter()
            .map(|r| r.split(", ").next().unwrap().to_string())
            .collect();
        let mut want = vec![format!("zero_households(household_id={hb}")];
        if let Some(h) = stray {
            want.push(format!("zero_households(household_id={h}"));
        }
        assert_eq!(households, want, "stray {stray:?}");
    }
}

// ---------------------------------------------------------------- reemployment_without_record

/// Ten registrations of C1 ended 就业 on 2021-06-30; the first `unmatched`
/// have no employment record, the others one starting `gap` days later.
fn closed_as_employed(unmatched: u32, gap: i64) -> Vec<Finding> {
    closed_as_employed_named(unmatched, gap, |i| format!("R{i}"))
}

/// As `closed_as_employed`, registration i named `name(i)`.
fn closed_as_employed_named(unmatched: u32, gap: i64, name: fn(u32) -> String) -> Vec<Finding> {
    let mut e = Extract::new();
    let ended = chrono::NaiveDate::from_ymd_opt(2021, 6, 30).unwrap();
    for i in 0..10u32 {
        let pid = id(200 + i, "19800101");
        e.person(
            &pid,
            C1,
            &format!("H{i}"),
            "男",
            "1980-01-01",
            "2015-01-01",
            "",
            "",
        );
        e.registration(&name(i), &pid, C1, "2021-01-05", "2021-06-30", "就业");
        if i >= unmatched {
            let start = ended + chrono::Duration::days(gap);
            e.job(&format!("E{i}"), &pid, C2, &start.to_string(), "");
        }
    }
    read(&e, "2021-12-31").detect(&only("reemployment_without_record"))
}

#[test]
fn three_of_ten_registrations_ended_as_employed_without_record_fire() {
    let f = closed_as_employed(3, 0);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].severity, Severity::Medium);
    assert!((f[0].value.unwrap() - 0.3).abs() < 1e-12);
    assert_eq!(
        rendered(&f[0]),
        vec![
            "unemployment.registration_id=R0: 2021-06-30 以就业注销，从登记到注销后 30 天内无该人员的就业登记",
            "unemployment.registration_id=R1: 2021-06-30 以就业注销，从登记到注销后 30 天内无该人员的就业登记",
            "unemployment.registration_id=R2: 2021-06-30 以就业注销，从登记到注销后 30 天内无该人员的就业登记"
        ]
    );
}

/// Registration identifiers of one prefix and width are held as numbers,
/// any other column as text (`contract::record_number`): the evidence quotes
/// them as written either way, leading zeros included, in text order.
#[test]
fn record_identifiers_read_as_written_held_as_numbers_or_as_text() {
    let as_numbers = closed_as_employed_named(3, 0, |i| format!("R{:03}", 2 - i as i32 + 7));
    let as_text = closed_as_employed_named(3, 0, |i| match i {
        9 => "R-9".to_string(),
        _ => format!("R{:03}", 2 - i as i32 + 7),
    });
    for f in [as_numbers, as_text] {
        assert_eq!(f.len(), 1, "{f:?}");
        let ids: Vec<String> = rendered(&f[0])
            .iter()
            .map(|r| r.split(':').next().unwrap().to_string())
            .collect();
        assert_eq!(
            ids,
            vec![
                "unemployment.registration_id=R007",
                "unemployment.registration_id=R008",
                "unemployment.registration_id=R009"
            ]
        );
    }
}

#[test]
fn two_unmatched_are_below_min_count() {
    assert!(closed_as_employed(2, 0).is_empty());
}

#[test]
fn a_start_30_days_after_ended_on_matches_31_does_not() {
    assert!(closed_as_employed(2, 30).is_empty());
    // 31 days: all ten unmatched.
    let f = closed_as_employed(2, 31);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].evidence.len(), 10);
}

/// "An employment record of that person (any community) starting between the
/// registration's `registered_on` and `match_days` after its `ended_on`: a
/// clerk who closes a registration weeks after the job began is slow, not
/// false."
#[test]
fn a_job_that_began_weeks_before_the_closing_matches_one_before_the_registration_does_not() {
    // Registered 2021-01-05, closed 2021-06-30; the job began 35, 70 and
    // 176 days before the closing (the last on the day of registration).
    for days_before in [35, 70, 176] {
        let f = closed_as_employed(2, -days_before);
        assert!(f.is_empty(), "{days_before} days before: {f:?}");
    }
    // 177 days before the closing is the day before the registration: a job
    // held before the person registered is not the job the closing claims.
    let f = closed_as_employed(2, -177);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].evidence.len(), 10);
}

// ---------------------------------------------------------------- invalid_identity

/// "A person counted in `reemployed_in_period`, `hardship_employed` or
/// `new_jobs` has an identifier failing GB 11643, a birth date differing from
/// the identifier's, is deceased before a counted employment start, or is
/// outside working age at the registration, designation or employment start
/// that made them counted."
#[test]
fn counted_persons_with_a_bad_check_character_a_wrong_birth_date_a_death_or_no_working_age_fire() {
    let mut e = Extract::new();
    // A: identifier with a wrong check character, counted in new_jobs.
    let good = id(1, "19800101");
    let bad = format!(
        "{}{}",
        &good[..17],
        if good.ends_with('0') { '1' } else { '0' }
    );
    e.person(&bad, C1, "H1", "男", "1980-01-01", "2015-01-01", "", "");
    e.job("E1", &bad, C1, "2021-03-01", "");
    // B: ledger birth date differs from the identifier's; counted as re-employed.
    let b = id(2, "19800101");
    e.person(&b, C1, "H2", "男", "1980-01-02", "2015-01-01", "", "");
    e.reemployed(2, &b, C1, "2021-03-01");
    // C: died 2021-03-01, yet counted as re-employed from 2021-04-01.
    let c = id(3, "19800101");
    e.person(
        &c,
        C1,
        "H3",
        "男",
        "1980-01-01",
        "2015-01-01",
        "2021-03-01",
        "死亡",
    );
    e.reemployed(3, &c, C1, "2021-04-01");
    // D: 15 at the registration behind the count (born 2005-06-01,
    // registered 2021-01-05).
    let d = id(4, "20050601");
    e.person(&d, C1, "H4", "男", "2005-06-01", "2020-01-01", "", "");
    e.reemployed(4, &d, C1, "2021-07-01");
    let f = read(&e, "2021-12-31").detect(&only("invalid_identity"));
    assert_eq!(f.len(), 1, "{f:?}");
    let f = &f[0];
    assert_eq!(f.severity, Severity::High);
    assert_eq!(f.value, Some(4.0));
    let ev = rendered(f);
    assert!(
        ev.contains(&format!(
            "person_key={}: 身份号码不符合 GB 11643 校验规则",
            key(&bad)
        )),
        "{ev:?}"
    );
    assert!(
        ev.contains(&format!(
            "person_key={}: 台账出生日期与身份号码中的出生日期不一致",
            key(&b)
        )),
        "{ev:?}"
    );
    assert!(
        ev.contains(
            &"employment.record_id=E3: 该人员已于 2021-03-01 死亡注销，此就业却于 2021-04-01 开始"
                .to_string()
        ),
        "{ev:?}"
    );
    assert!(
        ev.contains(
            &"unemployment.registration_id=U4: 失业登记（2021-01-05）时 15 岁，不在劳动年龄内"
                .to_string()
        ),
        "{ev:?}"
    );
    for raw in [&bad, &b, &c, &d] {
        assert!(!f.explanation.contains(raw.as_str()));
        assert!(ev.iter().all(|s| !s.contains(raw.as_str())));
    }
}

#[test]
fn a_bad_identifier_counted_in_none_of_the_three_is_no_finding() {
    // In the labour force and registered unemployed, but neither re-employed,
    // nor hardship-employed, nor a new job.
    let mut e = Extract::new();
    let good = id(1, "19800101");
    let bad = format!(
        "{}{}",
        &good[..17],
        if good.ends_with('0') { '1' } else { '0' }
    );
    e.person(&bad, C1, "H1", "男", "1980-01-01", "2015-01-01", "", "");
    e.registration("U1", &bad, C1, "2021-01-05", "", "");
    let f = read(&e, "2021-12-31").detect(&only("invalid_identity"));
    assert!(f.is_empty(), "{f:?}");
}

#[test]
fn death_on_the_start_day_and_a_16th_birthday_on_the_registration_day_do_not_fire() {
    let mut e = Extract::new();
    let c = id(3, "19800101");
    e.person(
        &c,
        C1,
        "H3",
        "男",
        "1980-01-01",
        "2015-01-01",
        "2021-04-01",
        "死亡",
    );
    e.reemployed(3, &c, C1, "2021-04-01");
    let d = id(4, "20050601");
    e.person(&d, C1, "H4", "男", "2005-06-01", "2020-01-01", "", "");
    e.registration("U4", &d, C1, "2021-06-01", "", "");
    e.job("E4", &d, C1, "2021-07-01", "");
    let f = read(&e, "2021-12-31").detect(&only("invalid_identity"));
    assert!(f.is_empty(), "{f:?}");
}

/// "Outside working age at the registration ... that made them counted":
/// not at the job that followed it.
#[test]
fn retirement_age_is_reached_on_the_birthday_of_the_registration() {
    // The shipped rules retire women at 55: 55 on the day of registration is
    // outside working age; 54 on it is not, though she is 55 when her job
    // begins a month later.
    let mut e = Extract::new();
    let at = id(5, "19660501");
    let before = id(6, "19660502");
    e.person(&at, C1, "H5", "女", "1966-05-01", "2015-01-01", "", "");
    e.person(&before, C1, "H6", "女", "1966-05-02", "2015-01-01", "", "");
    e.registration("U5", &at, C1, "2021-05-01", "", "");
    e.job("E5", &at, C1, "2021-06-01", "");
    e.registration("U6", &before, C1, "2021-05-01", "", "");
    e.job("E6", &before, C1, "2021-06-01", "");
    let f = read(&e, "2021-12-31").detect(&only("invalid_identity"));
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(
        rendered(&f[0]),
        vec![
            "unemployment.registration_id=U5: 失业登记（2021-05-01）时 55 岁，不在劳动年龄内"
                .to_string()
        ]
    );
}

#[test]
fn a_hardship_designation_past_working_age_fires() {
    // A man designated at 61 and employed at A: counted in hardship_employed.
    let mut e = Extract::new();
    let old = id(7, "19600101");
    e.person(&old, C1, "H7", "男", "1960-01-01", "2015-01-01", "", "");
    e.hardship(&old, C1, "2021-02-01");
    e.job("E7", &old, C1, "2021-03-01", "");
    let f = read(&e, "2021-12-31").detect(&only("invalid_identity"));
    assert_eq!(f.len(), 1, "{f:?}");
    let ev = rendered(&f[0]);
    assert_eq!(ev.len(), 1, "{ev:?}");
    assert!(
        ev[0].starts_with("hardship(person_key=")
            && ev[0].ends_with(&format!(
                "community_code={C1}, designated_on=2021-02-01): 就业困难认定（2021-02-01）时 61 岁，不在劳动年龄内"
            )),
        "{ev:?}"
    );
}

#[test]
fn unreadable_identifiers_are_aged_by_their_own_ledger_rows() {
    // Two identifiers with letters in them (no identifier number): a retiree
    // whose registration counts, and a person of working age. Each is aged by
    // their own ledger row, not by the other's.
    let mut e = Extract::new();
    let (old, young) = ("OLD-PERSON-0001", "YOUNG-PERSON-01");
    e.person(old, C1, "H1", "男", "1950-01-01", "2015-01-01", "", "");
    e.person(young, C1, "H2", "男", "1990-01-01", "2015-01-01", "", "");
    e.reemployed(1, old, C1, "2021-05-01");
    e.reemployed(2, young, C1, "2021-05-01");
    let f = read(&e, "2021-12-31").detect(&only("invalid_identity"));
    assert_eq!(f.len(), 1, "{f:?}");
    let ev = rendered(&f[0]);
    assert!(
        ev.contains(
            &"unemployment.registration_id=U1: 失业登记（2021-01-05）时 71 岁，不在劳动年龄内"
                .to_string()
        ),
        "{ev:?}"
    );
    assert!(ev.iter().all(|s| !s.contains("U2")), "{ev:?}");
}

// ---------------------------------------------------------------- duplicate_person

/// One person in C1's ledger from `c1_entered` (left `c1_left`, if given) and
/// in C2's from `c2_entered`, and what C1 still recorded of them (`more`).
fn ledger_twice(
    c1_left: &str,
    c2_entered: &str,
    c1_entered: &str,
    more: impl Fn(&mut Extract, &str),
) -> Vec<Finding> {
    let mut e = Extract::new();
    let pid = id(1, "19800101");
    e.person(
        &pid,
        C1,
        "H1",
        "男",
        "1980-01-01",
        c1_entered,
        c1_left,
        if c1_left.is_empty() { "" } else { "迁出" },
    );
    e.person(&pid, C2, "H9", "男", "1980-01-01", c2_entered, "", "");
    more(&mut e, &pid);
    read(&e, "2021-12-31").detect(&only("duplicate_person"))
}

/// Nothing more recorded.
fn nothing(_: &mut Extract, _: &str) {}

/// "The earlier community still shows the person active after the later stay
/// began (an employment record of the earlier community covering a day of
/// the later stay ...). High for the community whose claim on the person
/// began later, low for the other."
#[test]
fn active_in_the_earlier_community_after_the_later_stay_began_high_for_the_later_low_for_the_earlier()
 {
    // C1 keyed a job of the person from 2021-05-01, two months into C2's stay.
    let f = ledger_twice("", "2021-03-01", "2015-01-01", |e, pid| {
        e.job("E1", pid, C1, "2021-05-01", "");
    });
    assert_eq!(f.len(), 2, "{f:?}");
    let c1 = of(&f, C1);
    let c2 = of(&f, C2);
    assert_eq!(c1[0].severity, Severity::Low, "C1's stay began first");
    assert_eq!(c2[0].severity, Severity::High, "C2's stay began later");
    assert_eq!(c2[0].level, Level::Community);
    let pid = id(1, "19800101");
    assert_eq!(
        rendered(c2[0]),
        vec![format!(
            "persons(person_key={}, community_code={C2}, entered_on=2021-03-01): 同一人同时在社区 {C1} 的台账中（2015-01-01 登记），本社区 2021-03-01 登记；后登记的台账开始后，先登记的社区仍有其就业登记 E1（2021-05-01 开始，其后仍在职）",
            key(&pid)
        )]
    );
}

/// "... or a registration, designation or service of the earlier community
/// dated in it."
#[test]
fn a_registration_or_designation_of_the_earlier_community_dated_in_the_later_stay_counts_as_activity()
 {
    for more in [
        (|e: &mut Extract, pid: &str| {
            e.registration("U1", pid, C1, "2021-06-01", "", "");
        }) as fn(&mut Extract, &str),
        |e: &mut Extract, pid: &str| {
            e.hardship(pid, C1, "2021-03-01");
        },
        // A job of C1 begun before the move and still running after it.
        |e: &mut Extract, pid: &str| {
            e.job("E1", pid, C1, "2020-06-01", "2021-03-01");
        },
    ] {
        let f = ledger_twice("", "2021-03-01", "2015-01-01", more);
        assert_eq!(of(&f, C2).len(), 1, "{f:?}");
        assert_eq!(of(&f, C2)[0].severity, Severity::High);
        assert_eq!(of(&f, C1)[0].severity, Severity::Low);
    }
}

/// Honest practice, "mover with a stale stay": "Overlapping stays with no
/// such activity are a mover whose old stay was never closed: one low finding
/// for the earlier community ('close the old stay'), nothing for the later
/// one."
#[test]
fn a_mover_whose_old_stay_was_never_closed_is_one_low_finding_for_the_old_community() {
    // C1's last trace of the person is a job that ended the day before the
    // move; C1 never closed the ledger stay.
    let f = ledger_twice("", "2021-03-01", "2015-01-01", |e, pid| {
        e.job("E1", pid, C1, "2019-06-01", "2021-02-28");
    });
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].community_code.as_deref(), Some(C1));
    assert_eq!(f[0].severity, Severity::Low);
    assert_eq!(
        f[0].explanation,
        "2021 年有 1 人迁入其他社区后本社区再无其记录，旧台账未注销，请注销旧台账"
    );
    let pid = id(1, "19800101");
    assert_eq!(
        rendered(&f[0]),
        vec![format!(
            "persons(person_key={}, community_code={C1}, entered_on=2015-01-01): 已于 2021-03-01 登记进入社区 {C2} 的台账，本社区 2015-01-01 登记的旧台账未注销，此后本社区无该人员的任何记录",
            key(&pid)
        )]
    );
    // With every detector on, still nothing above low, and nothing for C2.
    let mut e = Extract::new();
    e.person(&pid, C1, "H1", "男", "1980-01-01", "2015-01-01", "", "");
    e.person(&pid, C2, "H9", "男", "1980-01-01", "2021-03-01", "", "");
    e.job("E1", &pid, C2, "2021-04-01", "");
    let f = read(&e, "2021-12-31").detect(&Rules::default().detectors);
    assert!(f.iter().all(|x| x.severity == Severity::Low), "{f:?}");
    assert!(of(&f, C2).is_empty(), "{f:?}");
}

/// A stale stay is no cover: "the earlier community still shows the person
/// active after the later stay began" makes it high for the later community
/// whether or not the old stay was closed.
#[test]
fn an_unclosed_stale_stay_with_later_activity_in_the_old_community_is_still_high() {
    let f = ledger_twice("", "2021-03-01", "2015-01-01", |e, pid| {
        e.job("E1", pid, C2, "2021-04-01", "");
        e.registration("U1", pid, C1, "2021-09-01", "", "");
    });
    assert_eq!(of(&f, C2).len(), 1, "{f:?}");
    assert_eq!(of(&f, C2)[0].severity, Severity::High);
    assert_eq!(of(&f, C1)[0].severity, Severity::Low);
    assert!(
        !of(&f, C1)[0].explanation.contains("请注销旧台账"),
        "{}",
        of(&f, C1)[0].explanation
    );
}

/// "Only when both stays began the same day does the registration or
/// designation behind the count decide, and equal again: medium for both":
/// neither community holds a registration or designation of the person.
#[test]
fn equal_entry_dates_with_nothing_to_tell_them_apart_are_medium_for_both() {
    let f = ledger_twice("", "2015-01-01", "2015-01-01", nothing);
    assert_eq!(f.len(), 2);
    assert!(f.iter().all(|x| x.severity == Severity::Medium), "{f:?}");
}

#[test]
fn leaving_one_ledger_the_day_the_other_is_entered_is_no_overlap() {
    assert!(ledger_twice("2021-03-01", "2021-03-01", "2015-01-01", nothing).is_empty());
}

#[test]
fn counted_as_reemployed_by_two_communities_in_one_year_fires_for_both() {
    let mut e = Extract::new();
    let pid = id(1, "19800101");
    e.person(
        &pid,
        C1,
        "H1",
        "男",
        "1980-01-01",
        "2015-01-01",
        "2021-02-01",
        "迁出",
    );
    e.person(&pid, C2, "H9", "男", "1980-01-01", "2021-02-01", "", "");
    e.registration("U1", &pid, C1, "2021-01-05", "", "");
    e.registration("U2", &pid, C2, "2021-02-10", "", "");
    e.job("E1", &pid, C2, "2021-05-01", "");
    let f = read(&e, "2021-12-31").detect(&only("duplicate_person"));
    assert_eq!(f.len(), 2, "{f:?}");
    assert_eq!(of(&f, C1)[0].severity, Severity::Low, "registered first");
    assert_eq!(of(&f, C2)[0].severity, Severity::High, "registered later");
    assert_eq!(
        rendered(of(&f, C2)[0]),
        vec![format!(
            "unemployment.registration_id=U2: 同一人也被社区 {C1} 计入就业人数（对方的失业登记或困难认定始于 2021-01-05，本社区始于 2021-02-10）；本社区台账自 2021-02-01 起有其登记，对方台账自 2015-01-01 起有其登记"
        )]
    );
    // Counted only by C2 (C1's registration ended in 2020, before P): no finding.
    let mut e = Extract::new();
    e.person(
        &pid,
        C1,
        "H1",
        "男",
        "1980-01-01",
        "2015-01-01",
        "2021-02-01",
        "迁出",
    );
    e.person(&pid, C2, "H9", "男", "1980-01-01", "2021-02-01", "", "");
    e.registration("U1", &pid, C1, "2020-01-05", "2020-06-30", "迁出");
    e.registration("U2", &pid, C2, "2021-02-10", "", "");
    e.job("E1", &pid, C2, "2021-05-01", "");
    assert!(
        read(&e, "2021-12-31")
            .detect(&only("duplicate_person"))
            .is_empty()
    );
}

#[test]
fn identifiers_the_number_key_cannot_read_or_tell_apart_are_compared_exactly() {
    // The detector narrows by a number read from the identifier's digits.
    // An identifier with letters in it has no number: still one person.
    let odd = "AB12CD34EF56";
    let mut e = Extract::new();
    e.person(odd, C1, "H1", "男", "1980-01-01", "2015-01-01", "", "");
    e.person(odd, C2, "H9", "男", "1980-01-01", "2021-03-01", "", "");
    e.job("E1", odd, C1, "2021-05-01", "");
    let f = read(&e, "2021-12-31").detect(&only("duplicate_person"));
    assert_eq!(f.len(), 2, "{f:?}");
    assert_eq!(of(&f, C2)[0].severity, Severity::High);
    // Two identifiers equal but for the check character share a number, yet
    // are two persons: no finding.
    let pid = id(1, "19800101");
    let check = if pid.ends_with('0') { "1" } else { "0" };
    let other = format!("{}{check}", &pid[..17]);
    let mut e = Extract::new();
    e.person(&pid, C1, "H1", "男", "1980-01-01", "2015-01-01", "", "");
    e.person(&other, C2, "H9", "男", "1980-01-01", "2021-03-01", "", "");
    e.job("E1", &pid, C1, "2021-05-01", "");
    assert!(
        read(&e, "2021-12-31")
            .detect(&only("duplicate_person"))
            .is_empty()
    );
}

// ---------------------------------------------------------------- rules

/// "Every parameter is a key of the rules TOML": a detector's key out of range
/// stops the run before any input is read, naming the key; a key the rules
/// no longer have (`margin_persons`) is unknown.
#[test]
fn a_detector_key_out_of_range_or_unknown_stops_the_run_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let (extract, out) = (dir.path().join("missing"), dir.path().join("out"));
    for (rules, named) in [
        (
            "[rules.detectors.digit_heaping]\nalpha = 2.0\n",
            "detectors.digit_heaping.alpha",
        ),
        (
            "[rules.detectors.reemployment_without_record]\nmatch_days = -1\n",
            "detectors.reemployment_without_record.match_days",
        ),
        (
            "[rules.detectors.threshold_bunching]\nmargin_persons = 2\n",
            "rules.detectors.threshold_bunching.margin_persons",
        ),
    ] {
        let p = support::pipeline_file(dir.path(), &extract, &out, rules);
        let o = Command::new(env!("CARGO_BIN_EXE_fullemp"))
            .args(["run", "--pipeline", p.to_str().unwrap()])
            .env("FULLEMP_PII_KEY", "detector-tests-key")
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{err}");
        assert!(err.contains(named), "{err}");
    }
}

// ---------------------------------------------------------------- honest practice

/// The indicator `name` of community `c` in 2021.
fn indicator(r: &Read, c: &str, name: &str) -> Option<i64> {
    let frame = &r.indicators.frame;
    let codes = frame
        .column("community_code")
        .unwrap()
        .str()
        .unwrap()
        .clone();
    let values = frame.column(name).unwrap().i64().unwrap().clone();
    let years = frame.column("year").unwrap().i64().unwrap().clone();
    (0..frame.height())
        .find(|&i| codes.get(i) == Some(c) && years.get(i) == Some(2021))
        .and_then(|i| values.get(i))
}

/// Honest practice, "rehired retiree: persons past working age employed by an
/// employer, counted in no rate: none". And `new_jobs` counts "persons ... of
/// working age at that `started_on`": retirees taken back on are employed,
/// not new employment.
#[test]
fn retirees_taken_back_on_are_no_new_jobs_and_no_finding() {
    let mut e = Extract::new();
    // A man of 63 and a woman of 58, past 60 and 55, hired by C1's employers
    // in 2021; a man of 40 hired too.
    let man = id(1, "19580301");
    let woman = id(2, "19630701");
    let young = id(3, "19810101");
    e.person(&man, C1, "H1", "男", "1958-03-01", "2015-01-01", "", "");
    e.person(&woman, C1, "H2", "女", "1963-07-01", "2015-01-01", "", "");
    e.person(&young, C1, "H3", "男", "1981-01-01", "2015-01-01", "", "");
    e.job("E1", &man, C1, "2021-04-01", "");
    e.job("E2", &woman, C1, "2021-05-01", "");
    e.job("E3", &young, C1, "2021-05-01", "");
    // A man whose 60th birthday is the day his job begins: past working age.
    let sixty = id(4, "19610601");
    e.person(&sixty, C1, "H4", "男", "1961-06-01", "2015-01-01", "", "");
    e.job("E4", &sixty, C1, "2021-06-01", "");
    // A job of a person the ledger does not know: not counted either.
    e.job("E5", &id(5, "19810101"), C1, "2021-05-01", "");
    let r = read(&e, "2021-12-31");
    assert_eq!(indicator(&r, C1, "new_jobs"), Some(1), "only the man of 40");
    let f = r.detect(&Rules::default().detectors);
    assert!(f.is_empty(), "{f:?}");
}

/// Honest practice, "slow closing: registrations closed with 就业 35–70 days
/// after the job began: none".
#[test]
fn registrations_closed_35_to_70_days_after_the_job_began_are_no_finding() {
    let mut e = Extract::new();
    let closed = chrono::NaiveDate::from_ymd_opt(2021, 6, 30).unwrap();
    for i in 0..10u32 {
        let pid = id(300 + i, "19800101");
        e.person(
            &pid,
            C1,
            &format!("H{i}"),
            "男",
            "1980-01-01",
            "2015-01-01",
            "",
            "",
        );
        e.registration(
            &format!("R{i}"),
            &pid,
            C1,
            "2021-01-05",
            "2021-06-30",
            "就业",
        );
        let began = closed - chrono::Duration::days(35 + 35 * i64::from(i) / 9);
        e.job(&format!("E{i}"), &pid, C2, &began.to_string(), "");
    }
    let f = read(&e, "2021-12-31").detect(&Rules::default().detectors);
    assert!(f.is_empty(), "{f:?}");
}

/// Honest practice (ours, beyond the rules' table): a registered unemployed
/// person re-employed in April who dies in September, the ledger closed with
/// 死亡 and the job ended that day. "Deceased before a counted employment
/// start" does not hold: no finding.
#[test]
fn a_death_months_after_the_counted_start_is_no_finding() {
    let mut e = Extract::new();
    let pid = id(1, "19700101");
    e.person(
        &pid,
        C1,
        "H1",
        "男",
        "1970-01-01",
        "2015-01-01",
        "2021-09-15",
        "死亡",
    );
    e.registration("U1", &pid, C1, "2021-01-05", "2021-04-03", "就业");
    e.job("E1", &pid, C1, "2021-04-01", "2021-09-15");
    let r = read(&e, "2021-12-31");
    assert_eq!(indicator(&r, C1, "reemployed_in_period"), Some(1));
    let f = r.detect(&Rules::default().detectors);
    assert!(f.is_empty(), "{f:?}");
}

// ---------------------------------------------------------------- order and publication

#[test]
fn findings_come_in_a_stable_order() {
    let mut e = Extract::new();
    let starts = ["2021-03-01"; 7];
    registered_ten(&mut e, C2, 1, &starts);
    registered_ten(&mut e, C1, 20, &starts);
    e.application(C1, "90%", "", "", "")
        .application(C2, "90%", "", "", "");
    let r = read(&e, "2021-12-31");
    let f = r.detect(&Rules::default().detectors);
    let codes: Vec<_> = f
        .iter()
        .filter(|x| x.detector == "claimed_vs_registry")
        .map(|x| x.community_code.clone().unwrap())
        .collect();
    assert_eq!(codes, vec![C1.to_string(), C2.to_string()]);
}

/// The run end to end: findings published as Parquet, decoded by pyarrow,
/// every string scanned for the fixture's raw identity numbers; risk joined
/// onto the shortlist and the spot-check draw.
#[test]
fn run_publishes_findings_readable_by_pyarrow_without_raw_identifiers() {
    let dir = tempfile::tempdir().unwrap();
    let extract = dir.path().join("extract");
    std::fs::create_dir(&extract).unwrap();
    let mut e = Extract::new();
    // C1 claims 90 % against 70 % (claimed_vs_registry), counts a new job of
    // a person with a bad identifier, and holds a person also in C2's ledger
    // to whom it still gives a job after C2 took them in.
    let starts = ["2021-03-01"; 7];
    registered_ten(&mut e, C1, 1, &starts);
    let good = id(50, "19800101");
    let bad = format!(
        "{}{}",
        &good[..17],
        if good.ends_with('0') { '1' } else { '0' }
    );
    e.person(&bad, C1, "H50", "男", "1980-01-01", "2015-01-01", "", "");
    e.job("E50", &bad, C1, "2021-03-01", "");
    let twice = id(51, "19800101");
    e.person(&twice, C1, "H51", "男", "1980-01-01", "2015-01-01", "", "");
    e.person(&twice, C2, "H52", "男", "1980-01-01", "2021-03-01", "", "");
    e.job("E51", &twice, C1, "2021-04-01", "");
    e.application(C1, "90%", "", "", "")
        .application(C2, "", "", "", "");
    e.write(&extract);
    let out = dir.path().join("out");
    let status = Command::new(env!("CARGO_BIN_EXE_fullemp"))
        .args([
            "run",
            "--input",
            extract.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--as-of",
            "2021-12-31",
        ])
        .env("FULLEMP_PII_KEY", "detector-tests-key")
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "run failed: {}",
        String::from_utf8_lossy(&status.stderr)
    );
    let logs = String::from_utf8_lossy(&status.stderr).to_string();
    let mut raw: Vec<String> = (1..=10).map(|i| id(i, "19800101")).collect();
    raw.extend([bad.clone(), twice.clone()]);
    for r in &raw {
        assert!(!logs.contains(r.as_str()), "a raw identifier in the log");
    }
    let py = Command::new("python3")
        .arg("tests/interop/read_findings.py")
        .arg(out.join("latest"))
        .arg(raw.join(","))
        .arg(key(&twice))
        .output()
        .unwrap();
    assert!(
        py.status.success(),
        "findings check failed:\n{}\n{}",
        String::from_utf8_lossy(&py.stdout),
        String::from_utf8_lossy(&py.stderr)
    );
}

#[test]
fn counted_in_hardship_employed_by_two_communities_names_both_designations() {
    // Designated by C1 on 2021-01-10 and by C2 on 2021-01-10 too, employed at
    // A by a record started in 2020. The person left C1's ledger on
    // 2021-01-05: C1 has no stay covering its designation (high), C2 has
    // (low).
    let mut e = Extract::new();
    let pid = id(7, "19800101");
    e.person(
        &pid,
        C1,
        "H1",
        "女",
        "1980-01-01",
        "2015-01-01",
        "2021-01-05",
        "迁出",
    );
    e.person(&pid, C2, "H2", "女", "1980-01-01", "2021-01-05", "", "");
    e.hardship(&pid, C1, "2021-01-10")
        .hardship(&pid, C2, "2021-01-10");
    e.job("E7", &pid, C2, "2020-06-01", "");
    let f = read(&e, "2021-12-31").detect(&only("duplicate_person"));
    assert_eq!(f.len(), 2, "{f:?}");
    assert_eq!(of(&f, C1)[0].severity, Severity::High);
    assert_eq!(of(&f, C2)[0].severity, Severity::Low);
    assert_eq!(
        rendered(of(&f, C1)[0]),
        vec![format!(
            "hardship(person_key={}, community_code={C1}, designated_on=2021-01-10): 同一人也被社区 {C2} 计入就业人数（对方的失业登记或困难认定始于 2021-01-10，本社区始于 2021-01-10）；本社区台账在 2021-01-10 没有其登记，对方台账自 2021-01-05 起有其登记",
            key(&pid)
        )]
    );
}

/// `fullemp generate` writes an extract with each falsification pattern
/// injected into known communities (`ground_truth.csv`). Run twice, the
/// detectors two at a time, then one at a time: the findings are
/// byte-identical, every community injected with one of these
/// six patterns gets a high or medium finding of that detector, and no clean
/// community gets a high finding.
#[test]
fn generated_extract_patterns_found_clean_communities_spared_and_runs_identical() {
    let dir = tempfile::tempdir().unwrap();
    let extract = dir.path().join("extract");
    let out = dir.path().join("out");
    let fullemp = |args: &[&str]| {
        let o = Command::new(env!("CARGO_BIN_EXE_fullemp"))
            .args(args)
            .env("FULLEMP_PII_KEY", "detector-tests-key")
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    };
    let (e, o) = (extract.to_str().unwrap(), out.to_str().unwrap());
    fullemp(&[
        "generate",
        "--out",
        e,
        "--communities",
        "200",
        "--seed",
        "2",
    ]);
    // The second run has the detectors one at a time (as on a ledger above
    // `one_detector_at_a_time_above`), the first two at a time; both rate
    // the years of pipelines/nightly.toml, which the first run reads.
    let nightly = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("pipelines/nightly.toml"),
    )
    .unwrap();
    let years = nightly
        .lines()
        .find(|l| l.starts_with("years = "))
        .expect("the nightly pipeline names its years");
    let one_at_a_time = dir.path().join("one-at-a-time.toml");
    std::fs::write(
        &one_at_a_time,
        format!(
            "input_dir = {e:?}\noutput_dir = {o:?}\nas_of = 2021-12-31\n{years}\none_detector_at_a_time_above = 0\n"
        ),
    )
    .unwrap();
    let mut runs = Vec::new();
    for k in 0..2 {
        match k {
            0 => fullemp(&[
                "run",
                "--input",
                e,
                "--out",
                o,
                "--as-of",
                "2021-12-31",
                "--force",
            ]),
            _ => fullemp(&[
                "run",
                "--pipeline",
                one_at_a_time.to_str().unwrap(),
                "--force",
            ]),
        }
        runs.push(std::fs::canonicalize(out.join("latest")).unwrap());
        // Run ids have a resolution of one second.
        std::thread::sleep(std::time::Duration::from_millis(1100));
    }
    assert_ne!(runs[0], runs[1]);
    for year in [2020, 2021] {
        let rel = format!("findings/year={year}/part-0.parquet");
        assert_eq!(
            std::fs::read(runs[0].join(&rel)).unwrap(),
            std::fs::read(runs[1].join(&rel)).unwrap(),
            "{rel} differs between two runs on the same inputs"
        );
    }
    let py = Command::new("python3")
        .arg("-c")
        .arg(
            r#"
import csv, sys
import pyarrow.dataset as ds
run, truth_file = sys.argv[1], sys.argv[2]
MINE = {"claimed_vs_registry", "cutoff_window_dressing", "unverified_clearance",
        "reemployment_without_record", "invalid_identity", "duplicate_person"}
truth = {r["community_code"]: r["pattern"] for r in csv.DictReader(open(truth_file)) if r["community_code"]}
rows = [r for r in ds.dataset(f"{run}/findings", format="parquet", partitioning="hive").to_table().to_pylist() if r["year"] == 2021]
injected = {c: p for c, p in truth.items() if p in MINE}
assert len(injected) >= 6, injected
for c, p in injected.items():
    assert any(r["community_code"] == c and r["detector"] == p and r["severity"] in ("high", "medium") for r in rows), (c, p)
clean_high = {r["community_code"] for r in rows if r["community_code"] not in truth and r["severity"] == "high"}
assert not clean_high, clean_high
print(len(injected), "injected communities found")
"#,
        )
        .arg(&runs[1])
        .arg(extract.join("ground_truth.csv"))
        .output()
        .unwrap();
    assert!(
        py.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&py.stdout),
        String::from_utf8_lossy(&py.stderr)
    );
}

#[test]
fn claimed_hardship_rate_above_the_registry_names_the_persons_without_a_job() {
    // Two hardship persons of C1, one employed at A: 50 %; claimed 100 %.
    let mut e = Extract::new();
    let (a, b) = (id(31, "19700101"), id(32, "19700101"));
    e.person(&a, C1, "H31", "男", "1970-01-01", "2015-01-01", "", "");
    e.person(&b, C1, "H32", "男", "1970-01-01", "2015-01-01", "", "");
    e.hardship(&a, C1, "2021-02-01")
        .hardship(&b, C1, "2021-02-01");
    e.job("E31", &a, C1, "2021-05-01", "");
    e.application(C1, "", "100%", "", "");
    let f = read(&e, "2021-12-31").detect(&only("claimed_vs_registry"));
    assert_eq!(f.len(), 1, "{f:?}");
    assert!((f[0].value.unwrap() - 50.0).abs() < 1e-9);
    assert_eq!(
        rendered(&f[0])[1..],
        [format!(
            "hardship(person_key={}, community_code={C1}, designated_on=2021-02-01): 截止日无在职的就业登记",
            key(&b)
        )]
    );
    // Claimed 55 %: 5 points above, not more.
    let mut e2 = Extract::new();
    e2.persons = e.persons.clone();
    e2.hardship = e.hardship.clone();
    e2.employment = e.employment.clone();
    e2.application(C1, "", "55%", "", "");
    assert!(
        read(&e2, "2021-12-31")
            .detect(&only("claimed_vs_registry"))
            .is_empty()
    );
}

// ---------------------------------------------------------------- identifier classes

/// The typed frames hold `person_id` as a number (`contract::person_number`):
/// well-formed identifiers by their digits and check character, anything
/// else through a side dictionary of texts. One identifier of each class,
/// read through the real ingest; every join (registration to job, job to
/// ledger, ledger to ledger) and every distinct count must see exactly the
/// identities the texts give, and the evidence names each by the pseudonym
/// of its text.
///
/// C1, all born 1980-01-01, in the ledger from 2015, registered unemployed
/// on 2021-01-05 (U{n}) and, where said, back at work (E{n}):
/// - P1 valid, re-employed;
/// - P2 valid ending in X, written `x` in C1's ledger and its job and `X` in
///   the registration and in C2's ledger (entered 2021-03-01): one person,
///   re-employed in C1 (job from 2021-05-01, inside C2's stay, so
///   `duplicate_person` pairs C1 and C2 on them);
/// - P3 a wrong check character, re-employed;
/// - P4 P3's first 17 digits only (wrong length), registered, no job: its
///   digits are P3's, but it is another identifier, so not re-employed;
/// - P5 a letter among the digits, re-employed;
/// - P6 valid, written in full-width digits in the ledger and the job and in
///   ASCII in the registration: one person, re-employed.
///
/// C2: P2's second stay, and P7 = P3 with a digit more (19 characters) with
/// a job of 2021 (new employment in C2): P7 is not P3, so no one is in two
/// ledgers but P2.
///
/// Worked by hand, C1 in 2021: labour force 6 (P1–P6), unemployed in the
/// period 6, re-employed 5 (all but P4), new jobs 5 (the same five);
/// `invalid_identity` counts P3 and P5 in C1 (re-employed, bad
/// identifiers; P4 is not counted) and P7 in C2 (counted in new jobs);
/// `duplicate_person` names P2 alone.
#[test]
fn every_identifier_class_keeps_its_exact_identity_through_every_join() {
    let full_width = |s: &str| -> String {
        s.chars()
            .map(|c| char::from_u32(c as u32 + 0xFEE0).unwrap())
            .collect()
    };
    let p1 = id(1, "19800101");
    let p2 = (2..200)
        .map(|n| id(n, "19800101"))
        .find(|i| i.ends_with('X'))
        .expect("an identifier ending in X");
    let p2_lower = p2.to_lowercase();
    let p3_valid = id(3, "19800101");
    let p3 = format!(
        "{}{}",
        &p3_valid[..17],
        if p3_valid.ends_with('0') { '1' } else { '0' }
    );
    let p4 = p3[..17].to_string();
    let p5 = format!("{}O{}", &id(5, "19800101")[..10], &id(5, "19800101")[11..]);
    let p6 = id(6, "19800101");
    let p7 = format!("{p3}7");
    let mut e = Extract::new();
    let ledger = |e: &mut Extract, pid: &str, n: u32| {
        e.person(
            pid,
            C1,
            &format!("H{n}"),
            "男",
            "1980-01-01",
            "2015-01-01",
            "",
            "",
        );
    };
    ledger(&mut e, &p1, 1);
    e.reemployed(1, &p1, C1, "2021-03-01");
    ledger(&mut e, &p2_lower, 2);
    e.registration("U2", &p2, C1, "2021-01-05", "", "")
        .job("E2", &p2_lower, C1, "2021-05-01", "");
    e.person(&p2, C2, "H20", "男", "1980-01-01", "2021-03-01", "", "");
    ledger(&mut e, &p3, 3);
    e.reemployed(3, &p3, C1, "2021-03-01");
    ledger(&mut e, &p4, 4);
    e.registration("U4", &p4, C1, "2021-01-05", "", "");
    ledger(&mut e, &p5, 5);
    e.reemployed(5, &p5, C1, "2021-03-01");
    ledger(&mut e, &full_width(&p6), 6);
    e.registration("U6", &p6, C1, "2021-01-05", "", "").job(
        "E6",
        &full_width(&p6),
        C1,
        "2021-03-01",
        "",
    );
    e.person(&p7, C2, "H7", "男", "1980-01-01", "2015-01-01", "", "");
    e.job("E7", &p7, C2, "2021-03-01", "");
    let r = read(&e, "2021-12-31");
    assert_eq!(indicator(&r, C1, "labor_force"), Some(6));
    assert_eq!(indicator(&r, C1, "unemployed_in_period"), Some(6));
    assert_eq!(indicator(&r, C1, "reemployed_in_period"), Some(5));
    assert_eq!(indicator(&r, C1, "new_jobs"), Some(5));
    assert_eq!(indicator(&r, C2, "labor_force"), Some(2));
    assert_eq!(indicator(&r, C2, "new_jobs"), Some(1));

    let f = r.detect(&only("invalid_identity"));
    let bad = |code: &str| -> Vec<String> {
        let mut ev: Vec<String> = of(&f, code).iter().flat_map(|x| rendered(x)).collect();
        ev.sort();
        ev
    };
    let named = |pid: &str| format!("person_key={}: 身份号码不符合 GB 11643 校验规则", key(pid));
    let mut want = vec![named(&p3), named(&p5)];
    want.sort();
    assert_eq!(bad(C1), want, "{f:?}");
    assert_eq!(bad(C2), vec![named(&p7)], "{f:?}");

    let f = r.detect(&only("duplicate_person"));
    assert_eq!(f.len(), 2, "{f:?}");
    for finding in &f {
        for line in rendered(finding) {
            assert!(
                line.contains(&key(&p2)),
                "only P2 is in two ledgers: {line}"
            );
        }
    }
}
