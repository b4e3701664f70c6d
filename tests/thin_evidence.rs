//! The thin-evidence detectors `service_burst`, `thin_clearance` and
//! `revoked_without_work` on hand-written extracts read through the real
//! ingest: for each, the pattern with its second signal (high), the same
//! pattern without it (medium), and the honest practice that looks like it
//! (no finding). Cut-off A = 2021-12-31, review year 2021: P = [2021-01-01,
//! 2021-12-31]. The sentences of docs/detectors.md are the test names.

use std::collections::BTreeMap;

use fullemp::config::Rules;
use fullemp::detectors::registry::read;
use fullemp::detectors::{
    Finding, Inputs, Severity, revoked_without_work, service_burst, thin_clearance,
};
use fullemp::privacy::Pseudonymizer;

mod support;
use support::detect::{C1, DetectorExtract};
use support::{credit_code, id};

/// An extract written row by row.
#[derive(Default)]
struct Extract {
    rows: BTreeMap<&'static str, Vec<String>>,
}

impl Extract {
    fn add(&mut self, table: &'static str, row: String) -> &mut Self {
        self.rows.entry(table).or_default().push(row);
        self
    }

    /// A man born 1975-01-01 in the ledger of `c` since 2010, in `household`.
    fn resident(&mut self, n: u32, c: &str, household: &str) -> &mut Self {
        self.add(
            "persons",
            format!("{},{c},{household},男,1975-01-01,是,2010-01-01,,", pid(n)),
        )
    }

    fn hardship(&mut self, n: u32, c: &str, designated: &str, revoked: &str) -> &mut Self {
        self.add(
            "hardship",
            format!("{},{c},4050人员,{designated},{revoked}", pid(n)),
        )
    }

    fn service(&mut self, sid: &str, n: u32, c: &str, on: &str) -> &mut Self {
        self.add("services", format!("{sid},{},{c},就业援助,{on}", pid(n)))
    }

    /// An employment record: employer (name, code), started, ended, keyed.
    #[allow(clippy::too_many_arguments)]
    fn job(
        &mut self,
        rid: &str,
        n: u32,
        c: &str,
        employer: (&str, &str),
        started: &str,
        ended: &str,
        keyed: &str,
    ) -> &mut Self {
        self.add(
            "employment",
            format!(
                "{rid},{},{c},{},{},单位就业,{started},{ended},{keyed}",
                pid(n),
                employer.0,
                employer.1
            ),
        )
    }

    /// Reads the extract through the real ingest and runs `detect` on it,
    /// review year 2021.
    fn detect<F>(&self, detect: F) -> Vec<Finding>
    where
        F: Fn(&Inputs, &Rules) -> fullemp::Result<Vec<Finding>>,
    {
        let tables: Vec<(&str, Vec<String>)> =
            self.rows.iter().map(|(t, r)| (*t, r.clone())).collect();
        DetectorExtract::new(&tables).detect_years(&[2021], detect)
    }
}

/// Person n's identity number.
fn pid(n: u32) -> String {
    id(n, "19750101")
}

/// The evidence as published, persons as keys.
fn rendered(f: &Finding) -> Vec<String> {
    let p = Pseudonymizer::from_key(b"thin-evidence-tests".to_vec(), "test");
    f.evidence.iter().map(|e| e.render(&p)).collect()
}

/// No raw identity number in the explanation or the published evidence.
fn no_raw_ids(f: &Finding, persons: u32) {
    let text = format!("{}\n{}", f.explanation, rendered(f).join("\n"));
    for n in 1..=persons {
        assert!(!text.contains(&pid(n)), "person {n} leaks: {text}");
    }
}

// ---------------------------------------------------------------- service_burst

fn burst_run(e: &Extract) -> Vec<Finding> {
    e.detect(|i, r| service_burst::detect(i, &read(&r.detectors, service_burst::ID)?))
}

/// H of C1: persons 1–8, designated 2020-06-01. Persons 1–6 served at one
/// sitting, on 2021-11-03 (1–3) and 2021-11-04 (4–6); person 7 on
/// 2021-08-20 and person 8 on 2021-09-20, each alone. Person 7 was served
/// on 2019-06-01 too: the extract's services reach back over two years.
fn burst() -> Extract {
    let mut e = burst_without_history();
    e.service("S0", 7, C1, "2019-06-01");
    e
}

/// `burst` with no service before 2021-08-20 in the extract.
fn burst_without_history() -> Extract {
    let mut e = Extract::default();
    for n in 1..=8 {
        e.resident(n, C1, &format!("H{n}"))
            .hardship(n, C1, "2020-06-01", "");
    }
    for n in 1..=6 {
        let on = if n <= 3 { "2021-11-03" } else { "2021-11-04" };
        e.service(&format!("S{n}"), n, C1, on);
    }
    e.service("S7", 7, C1, "2021-08-20")
        .service("S8", 8, C1, "2021-09-20");
    e
}

#[test]
fn assisted_persons_served_only_in_one_batch_with_no_contact_history_are_high() {
    // 6 of the 8 assisted have every service crowded (6 persons within a
    // day): 6 ≥ 3 and 75 % ≥ 30 %. None of the 6 was served before or
    // registered in 2021: 6 of 6 without contact history ≥ 50 %.
    let f = burst_run(&burst());
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].severity, Severity::High);
    assert_eq!(f[0].community_code.as_deref(), Some(C1));
    assert_eq!(f[0].year, 2021);
    assert_eq!(f[0].value, Some(0.75));
    assert_eq!(f[0].threshold, Some(0.3));
    assert!(
        f[0].explanation.contains(
            "援助覆盖的 8 名就业困难人员中 6 人（75%）的服务记录全部集中在 2021-11-03 至 2021-11-04"
        ) && f[0].explanation.contains("其中 6 人此前从无服务记录"),
        "{}",
        f[0].explanation
    );
    let ev = rendered(&f[0]);
    // Six persons, each with one service record.
    assert_eq!(ev.len(), 12, "{ev:?}");
    assert!(
        ev.contains(&"services.service_id=S1: 2021-11-03 服务，前后 1 天内同批共 6 人".to_string())
    );
    assert_eq!(
        ev.iter().filter(|e| e.starts_with("person_key=")).count(),
        6
    );
    no_raw_ids(&f[0], 8);
}

#[test]
fn the_same_batch_of_persons_known_from_earlier_services_is_medium() {
    // Persons 1–6 were each served once in 2020, months apart: the 2021
    // pattern stands, but they have a contact history.
    let mut e = burst();
    for n in 1..=6 {
        e.service(&format!("T{n}"), n, C1, &format!("2020-0{n}-15"));
    }
    let f = burst_run(&e);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].severity, Severity::Medium);
    assert!(
        f[0].explanation.ends_with("；仅证据单薄，建议核查"),
        "{}",
        f[0].explanation
    );
    // An unemployment registration open in 2021 is contact history too: with
    // 3 of the 6 registered and 3 served before, none is left.
    let mut e = burst();
    for n in 1..=3 {
        e.service(&format!("T{n}"), n, C1, &format!("2020-0{n}-15"));
    }
    for n in 4..=6 {
        e.add(
            "unemployment",
            format!("U{n},{},{C1},2020-11-01,2021-02-01,就业", pid(n)),
        );
    }
    let f = burst_run(&e);
    assert_eq!(f[0].severity, Severity::Medium, "{f:?}");
    // An extract whose services begin on 2021-08-20, 75 days before the
    // batch (fewer than history_days, 365), cannot show an earlier service:
    // nobody counts as without contact history.
    let f = burst_run(&burst_without_history());
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].severity, Severity::Medium);
}

#[test]
fn a_busy_community_serving_a_hardship_person_every_day_has_no_batch() {
    // 200 persons of C1's H, person k served alone on day k of 2021: every
    // service has 4 others within 2 days (5 persons, 3 at the ends of the
    // run), crowded by the count alone; but the community's own pace puts
    // 200 × 5 / 365 = 2.7 persons in a window, and a batch needs
    // service_crowd_pace (3) times that, 8.2.
    let mut e = Extract::default();
    let s = chrono::NaiveDate::from_ymd_opt(2021, 1, 1).unwrap();
    for n in 1..=200 {
        e.resident(n, C1, &format!("H{n}"))
            .hardship(n, C1, "2020-06-01", "")
            .service(
                &format!("S{n}"),
                n,
                C1,
                &(s + chrono::Duration::days(n as i64 - 1)).to_string(),
            );
    }
    assert!(burst_run(&e).is_empty());
}

#[test]
fn job_fair_attendees_with_ordinary_services_besides_are_not_thin() {
    // The same six at one job fair, each also served alone in one of the
    // months January to June: no one's every service is crowded.
    let mut e = burst();
    for n in 1..=6 {
        e.service(&format!("V{n}"), n, C1, &format!("2021-0{n}-10"));
    }
    assert!(burst_run(&e).is_empty());
}

#[test]
fn two_thinly_assisted_are_below_min_count() {
    // Persons 1–3 on 2021-11-03 only; persons 3 and 4–8 served alone besides:
    // the crowded day holds 3 persons, but only persons 1 and 2 are thin.
    let mut e = Extract::default();
    for n in 1..=8 {
        e.resident(n, C1, &format!("H{n}"))
            .hardship(n, C1, "2020-06-01", "");
    }
    for n in 1..=3 {
        e.service(&format!("S{n}"), n, C1, "2021-11-03");
    }
    for n in 3..=8 {
        e.service(&format!("V{n}"), n, C1, &format!("2021-0{n}-10"));
    }
    assert!(burst_run(&e).is_empty());
}

// ---------------------------------------------------------------- thin_clearance

fn clearance_run(e: &Extract) -> Vec<Finding> {
    e.detect(|i, r| thin_clearance::detect(i, &read(&r.detectors, thin_clearance::ID)?))
}

const EMPLOYER: &str = "宏达物流有限公司";

fn employer_code() -> String {
    credit_code("91410402MA0000001")
}

/// Zero household H1 of C1 (person 1), identified 2021-03-01
/// and cleared 2021-05-01 on person 1's job at 宏达物流 from 2021-04-28 to
/// `ended`, keyed at `keyed`, under `code`. Person 2 (household H2) works
/// at the same employer all year.
fn cleared(ended: &str, keyed: &str, code: &str) -> Extract {
    let mut e = Extract::default();
    e.resident(1, C1, "H1")
        .resident(2, C1, "H2")
        .add("zero_households", format!("H1,{C1},2021-03-01,2021-05-01"))
        .job("E1", 1, C1, (EMPLOYER, code), "2021-04-28", ended, keyed)
        .job(
            "E2",
            2,
            C1,
            (EMPLOYER, &employer_code()),
            "2021-01-04",
            "",
            "2021-01-05 09:00:00",
        );
    e
}

#[test]
fn a_clearance_backed_only_by_a_20_day_job_is_medium() {
    // E1 lasts 20 days (2021-04-28 to 2021-05-17), fewer than 30, and ended
    // long before the extract's end; keyed the next day, at an employer with
    // a valid code and another employee.
    let f = clearance_run(&cleared(
        "2021-05-17",
        "2021-04-29 10:00:00",
        &employer_code(),
    ));
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].severity, Severity::Medium);
    assert_eq!(f[0].value, Some(1.0));
    assert_eq!(f[0].threshold, Some(1.0));
    assert_eq!(
        f[0].explanation,
        "2021 年标记消除的 1 户零就业家庭中有 1 户仅由不足 30 天且已终止的家庭成员就业支撑消除；仅证据单薄，建议核查"
    );
    assert_eq!(
        rendered(&f[0]),
        vec![
            format!(
                "zero_households(household_id=H1, community_code={C1}, identified_on=2021-03-01): 2021-05-01 标记消除，支撑的 1 条就业均不足 30 天且已终止"
            ),
            "employment.record_id=E1: 2021-04-28 至 2021-05-17，共 20 天".to_string(),
        ]
    );
}

#[test]
fn the_short_job_keyed_45_days_after_the_clearance_is_high() {
    // E1 keyed on 2021-06-15: 45 days after cleared_on, more than 30.
    let f = clearance_run(&cleared(
        "2021-05-17",
        "2021-06-15 10:00:00",
        &employer_code(),
    ));
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].severity, Severity::High);
    assert!(
        f[0].explanation
            .ends_with("；其中 1 户的支撑就业在消除日 30 天后才录入（最晚 45 天）"),
        "{}",
        f[0].explanation
    );
    assert!(rendered(&f[0])[1].ends_with("；消除日 45 天后才录入"));
}

#[test]
fn the_short_job_at_an_employer_failing_gb32100_is_high() {
    // The same job under a code whose check character is wrong (an employer
    // of that code employs only person 1).
    let good = employer_code();
    let bad = format!(
        "{}{}",
        &good[..17],
        if good.ends_with('0') { '1' } else { '0' }
    );
    let f = clearance_run(&cleared("2021-05-17", "2021-04-29 10:00:00", &bad));
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].severity, Severity::High);
    assert!(
        f[0].explanation
            .contains("1 户的用人单位统一社会信用代码校验位错误")
            && f[0]
                .explanation
                .contains("1 户的用人单位在数据中别无他人就业"),
        "{}",
        f[0].explanation
    );
}

#[test]
fn a_temporary_job_lasting_60_days_backs_the_clearance() {
    // 2021-04-28 to 2021-06-26: 60 days, durable, even keyed late.
    assert!(
        clearance_run(&cleared(
            "2021-06-26",
            "2021-06-27 10:00:00",
            &employer_code()
        ))
        .is_empty()
    );
}

#[test]
fn a_household_with_no_backing_job_is_left_to_unverified_clearance() {
    // E1 starts 2021-05-20, 19 days after cleared_on: it backs nothing.
    let mut e = Extract::default();
    e.resident(1, C1, "H1")
        .add("zero_households", format!("H1,{C1},2021-03-01,2021-05-01"))
        .job(
            "E1",
            1,
            C1,
            (EMPLOYER, &employer_code()),
            "2021-05-20",
            "2021-05-30",
            "",
        );
    assert!(clearance_run(&e).is_empty());
}

// ---------------------------------------------------------------- revoked_without_work

fn revoked_run(e: &Extract) -> Vec<Finding> {
    e.detect(|i, r| revoked_without_work::detect(i, &read(&r.detectors, revoked_without_work::ID)?))
}

/// C1's revocations in [2020-10-03, 2020-12-31], the 90 days before 2021:
/// persons 1 and 2 (revoked 2020-12-20 and 2020-12-21, no job, still in the
/// ledger, aged 45) and person 3 (revoked 2020-11-15, at work from
/// 2020-11-20). Person 4's revocation on 2020-09-30 lies before the span.
fn revocations() -> Extract {
    let mut e = Extract::default();
    for n in 1..=4 {
        e.resident(n, C1, &format!("H{n}"));
    }
    e.hardship(1, C1, "2019-03-01", "2020-12-20")
        .hardship(2, C1, "2019-03-01", "2020-12-21")
        .hardship(3, C1, "2019-03-01", "2020-11-15")
        .hardship(4, C1, "2019-03-01", "2020-09-30")
        .job(
            "E3",
            3,
            C1,
            ("", ""),
            "2020-11-20",
            "",
            "2020-11-21 09:00:00",
        );
    e
}

#[test]
fn two_of_three_revoked_without_a_job_move_or_death_are_medium() {
    // 2 unexplained of 3 revocations in the span: 2 ≥ 2 and 67 % ≥ 50 %.
    let f = revoked_run(&revocations());
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].severity, Severity::Medium);
    assert_eq!(f[0].year, 2021);
    assert!((f[0].value.unwrap() - 2.0 / 3.0).abs() < 1e-12);
    assert_eq!(
        f[0].explanation,
        "2020-10-03 至 2020-12-31（2021 年开始前 90 天内）退出认定的 3 名就业困难人员中有 2 人（67%）退出时无就业记录、仍住本社区且在劳动年龄内，使其不计入 2021 年的就业困难人员；仅证据单薄，建议核查"
    );
    let ev = rendered(&f[0]);
    assert_eq!(ev.len(), 2, "{ev:?}");
    assert!(
        ev[0].starts_with("hardship(person_key=")
            && ev[0].ends_with(&format!(
                "community_code={C1}, designated_on=2019-03-01): 2020-12-20 退出认定，其时无就业、仍住本社区且在劳动年龄内，30 天内未就业"
            )),
        "{ev:?}"
    );
    no_raw_ids(&f[0], 4);
}

#[test]
fn revoked_while_still_registered_unemployed_or_designated_again_is_high() {
    // Person 1's registration of 2020-06-01 is still open at the revocation:
    // 1 of the 2 contradicted, 50 % ≥ 50 %.
    let mut e = revocations();
    e.add("unemployment", format!("U1,{},{C1},2020-06-01,,", pid(1)));
    let f = revoked_run(&e);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].severity, Severity::High);
    assert!(
        f[0].explanation
            .ends_with("；其中 1 人退出时仍有未注销的失业登记或其后又被本社区重新认定"),
        "{}",
        f[0].explanation
    );
    assert!(rendered(&f[0])[0].ends_with("；退出时失业登记未注销"));
    // Person 2 designated again in C1 on 2021-03-01 does the same.
    let mut e = revocations();
    e.hardship(2, C1, "2021-03-01", "");
    let f = revoked_run(&e);
    assert_eq!(f[0].severity, Severity::High, "{f:?}");
    // A registration that had ended before the revocation says nothing.
    let mut e = revocations();
    e.add(
        "unemployment",
        format!("U1,{},{C1},2020-06-01,2020-12-01,其他", pid(1)),
    );
    assert_eq!(revoked_run(&e)[0].severity, Severity::Medium);
}

#[test]
fn a_revocation_of_a_person_who_moved_out_is_explained() {
    // Person 2 left C1's ledger (迁出) on 2021-01-05, 15 days after the
    // revocation: only person 1 is left, below min_count.
    let mut e = revocations();
    let rows = e.rows.get_mut("persons").unwrap();
    rows[1] = format!(
        "{},{C1},H2,男,1975-01-01,是,2010-01-01,2021-01-05,迁出",
        pid(2)
    );
    assert!(revoked_run(&e).is_empty());
    // So is one of a person past working age: a woman of 56.
    let mut e = revocations();
    let rows = e.rows.get_mut("persons").unwrap();
    rows[1] = format!("{},{C1},H2,女,1964-06-01,是,2010-01-01,,", pid(2));
    assert!(revoked_run(&e).is_empty());
}
