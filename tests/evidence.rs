//! Evidence quality (docs/indicators.md, "Evidence quality"): for each rated
//! figure, a few rows written here, worked by hand, and the exact share they
//! give. Then the shares of the hand-worked extract (tests/support) as a run
//! publishes them: in the ratings Parquet read back by pyarrow,
//! never in the indicators Parquet, and in the report's results table.
//!
//! Review year 2021: S = 2021-01-01, A = 2021-12-31. Default rules:
//! durable_job_days 30, service_crowd_days 3, service_crowd_persons 3,
//! closing_match_days 30, `[detectors.unverified_clearance] grace_days` 7.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use chrono::NaiveDate;
use fullemp::config::{Pipeline, Rules};
use fullemp::contract::Table;
use fullemp::indicators::{evidence, period};
use polars::prelude::*;

mod support;
use support::{C1, C2, id, write};

const C3: &str = "410402001003";

/// Person `n` of these fixtures, born on `birth` (YYYYMMDD).
fn person(n: u32, birth: &str) -> String {
    id(100 + n, birth)
}

/// A person of working age all through 2021.
fn adult(n: u32) -> String {
    person(n, "19800101")
}

/// The rows of one extract, by table, without headers. Every required
/// table gets one row of a third community that touches nothing under test.
struct Extract {
    persons: Vec<String>,
    unemployment: Vec<String>,
    employment: Vec<String>,
    hardship: Vec<String>,
    zero: Vec<String>,
    services: Option<Vec<String>>,
}

impl Default for Extract {
    fn default() -> Self {
        let other = person(99, "19750101");
        Extract {
            persons: vec![format!("{other},{C3},HX,男,1975-01-01,是,2015-01-01,,")],
            unemployment: vec![format!("UX,{other},{C3},2019-01-01,2019-06-01,其他")],
            employment: vec![format!("EX,{other},{C3},2019-01-01,2019-02-01")],
            hardship: vec![format!("{other},{C3},4050人员,2019-01-01,2019-06-01")],
            zero: vec![format!("HX,{C3},2019-01-01,2019-02-01")],
            services: None,
        }
    }
}

/// Each table as CSV with its header.
fn csv(header: &str, rows: &[String]) -> String {
    let mut text = format!("{header}\n");
    for r in rows {
        text.push_str(r);
        text.push('\n');
    }
    text
}

/// The evidence shares of 2021 computed from `e`, as a run computes them.
fn shares(e: &Extract) -> DataFrame {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        "communities.csv",
        format!(
            "community_code,community_name,county,street\n\
             {C1},光明社区,新华区,中兴路街道\n{C2},和平社区,新华区,中兴路街道\n{C3},东风社区,卫东区,东安路街道\n"
        ),
    );
    write(
        d,
        "persons.csv",
        csv(
            "person_id,community_code,household_id,gender,birth_date,labor_capacity,entered_on,left_on,left_reason",
            &e.persons,
        ),
    );
    write(
        d,
        "unemployment.csv",
        csv(
            "registration_id,person_id,community_code,registered_on,ended_on,end_reason",
            &e.unemployment,
        ),
    );
    let employment: Vec<String> = e
        .employment
        .iter()
        .map(|r| {
            // record_id,person_id,community_code,started_on,ended_on
            let f: Vec<&str> = r.splitn(4, ',').collect();
            format!("{},{},{},单位就业,{}", f[0], f[1], f[2], f[3])
        })
        .collect();
    write(
        d,
        "employment.csv",
        csv(
            "record_id,person_id,community_code,employment_type,started_on,ended_on",
            &employment,
        ),
    );
    write(
        d,
        "hardship.csv",
        csv(
            "person_id,community_code,category,designated_on,revoked_on",
            &e.hardship,
        ),
    );
    write(
        d,
        "zero_households.csv",
        csv(
            "household_id,community_code,identified_on,cleared_on",
            &e.zero,
        ),
    );
    if let Some(services) = &e.services {
        write(
            d,
            "services.csv",
            csv(
                "service_id,person_id,community_code,service_type,delivered_on",
                services,
            ),
        );
    }
    let pipeline = Pipeline::new(d, d.join("out"));
    let extract = fullemp::ingest::ingest(&pipeline, &fullemp::detectors::ids()).unwrap();
    assert!(
        extract.rejects.is_empty(),
        "the fixture is clean: {:?}",
        extract.rejects
    );
    let tables: BTreeMap<Table, DataFrame> = extract.tables.clone();
    let a = NaiveDate::from_ymd_opt(2021, 12, 31).unwrap();
    let periods = period::periods(a, Some(&[2021])).unwrap();
    let rules = Rules::default();
    let grace: fullemp::detectors::unverified_clearance::Params =
        fullemp::detectors::registry::read(
            &rules.detectors,
            fullemp::detectors::unverified_clearance::ID,
        )
        .unwrap();
    evidence::compute(&tables, &periods, &rules.indicators, grace.grace_days).unwrap()
}

/// The share in `column` of community `c`.
fn share(df: &DataFrame, c: &str, column: &str) -> Option<f64> {
    let codes = df.column("community_code").unwrap().str().unwrap().clone();
    let values = df.column(column).unwrap().f64().unwrap().clone();
    let k = (0..df.height())
        .find(|&k| codes.get(k) == Some(c))
        .unwrap_or_else(|| panic!("no row for {c}"));
    values.get(k)
}

fn person_row(who: &str, community: &str, household: &str) -> String {
    format!("{who},{community},{household},男,1980-01-01,是,2015-01-01,,")
}

#[test]
fn reemployment_evidence_is_the_share_of_counting_records_that_last() {
    let p: Vec<String> = (1..=5).map(adult).collect();
    let e = Extract {
        unemployment: (0..5)
            .map(|k| format!("U{k},{},{C1},2021-02-01,,", p[k]))
            .collect(),
        employment: vec![
            // P1's counting record is its earliest start, 10 days long: not
            // durable, though a later open job of P1 would be.
            format!("E1,{},{C1},2021-03-01,2021-03-10", p[0]),
            format!("E1b,{},{C1},2021-05-01,", p[0]),
            // 45 days: durable.
            format!("E2,{},{C1},2021-04-01,2021-05-15", p[1]),
            // Still running: durable.
            format!("E3,{},{C2},2021-06-01,", p[2]),
            // Exactly 30 days (ended_on − started_on + 1): durable.
            format!("E4,{},{C1},2021-07-01,2021-07-30", p[3]),
            // 29 days: not.
            format!("E5,{},{C1},2021-08-01,2021-08-29", p[4]),
        ],
        ..Extract::default()
    };
    let df = shares(&e);
    // R = 5 (P1..P5); backed: P2, P3, P4.
    assert_eq!(
        share(&df, C1, "reemployment_rate_evidence"),
        Some(3.0 / 5.0)
    );
    // "null when the numerator is 0": C2 counts nobody.
    assert_eq!(share(&df, C2, "reemployment_rate_evidence"), None);
}

#[test]
fn hardship_evidence_needs_a_durable_record_covering_a() {
    let p: Vec<String> = (1..=4).map(adult).collect();
    let e = Extract {
        hardship: (0..4)
            .map(|k| format!("{},{C1},4050人员,2021-01-01,", p[k]))
            .collect(),
        employment: vec![
            // Covers A for 17 days and ends on the extract's end: not durable.
            format!("E1,{},{C1},2021-12-20,2022-01-05", p[0]),
            // Covers A, still running: durable.
            format!("E2,{},{C1},2021-12-01,", p[1]),
            // Two records cover A: a short one and an open one. Any durable
            // one backs the person.
            format!("E3,{},{C1},2021-12-30,2022-01-02", p[2]),
            format!("E3b,{},{C2},2020-01-01,", p[2]),
            // Ended before A: not employed at A, outside the numerator.
            format!("E4,{},{C1},2021-01-01,2021-06-30", p[3]),
        ],
        ..Extract::default()
    };
    let df = shares(&e);
    // hardship_employed = 3 (P1, P2, P3); backed: P2, P3.
    assert_eq!(
        share(&df, C1, "hardship_employment_rate_evidence"),
        Some(2.0 / 3.0)
    );
}

#[test]
fn assistance_evidence_leaves_out_services_written_up_in_a_batch() {
    let p: Vec<String> = (1..=4).map(adult).collect();
    let (q1, q2) = (adult(11), adult(12));
    let e = Extract {
        hardship: (0..4)
            .map(|k| format!("{},{C1},4050人员,2021-01-01,", p[k]))
            .collect(),
        services: Some(vec![
            // C1 serves P1 and P2 on one day, P3 the next: each of these
            // services has 3 persons less than 2 days from it.
            format!("S1,{},{C1},就业援助,2021-03-01", p[0]),
            format!("S2,{},{C1},就业援助,2021-03-01", p[1]),
            format!("S3,{},{C1},就业援助,2021-03-02", p[2]),
            // P3 is also served alone in June: not crowded.
            format!("S4,{},{C1},职业指导,2021-06-01", p[2]),
            // C2 serves P4 on 09-01, Q1 on 09-02 (1 day: near) and Q2 on
            // 09-03 (2 days: not near): 2 persons, not crowded.
            format!("S5,{},{C2},职业介绍,2021-09-01", p[3]),
            format!("S6,{q1},{C2},职业介绍,2021-09-02"),
            format!("S7,{q2},{C2},职业介绍,2021-09-03"),
        ]),
        ..Extract::default()
    };
    let df = shares(&e);
    // assisted = 4; backed: P3 (June), P4 (C2's service).
    assert_eq!(share(&df, C1, "assistance_coverage_evidence"), Some(0.5));
    // Without the services table the share is null, as assisted is.
    let without = shares(&Extract {
        services: None,
        ..e
    });
    assert_eq!(share(&without, C1, "assistance_coverage_evidence"), None);
}

#[test]
fn new_jobs_evidence_reads_the_records_that_counted_the_person() {
    let p: Vec<String> = (1..=4).map(adult).collect();
    let e = Extract {
        persons: p.iter().map(|who| person_row(who, C1, "H1")).collect(),
        employment: vec![
            // P1: a 5-day record and an open one, both of C1: backed.
            format!("E1,{},{C1},2021-03-01,2021-03-05", p[0]),
            format!("E1b,{},{C1},2021-04-01,", p[0]),
            // P2: 10 days only.
            format!("E2,{},{C1},2021-05-01,2021-05-10", p[1]),
            // P3: 46 days.
            format!("E3,{},{C1},2021-06-01,2021-07-16", p[2]),
            // P4: C1's record lasts 2 days; the open one is C2's and backs
            // C2's new job, not C1's.
            format!("E4,{},{C1},2021-08-01,2021-08-02", p[3]),
            format!("E4b,{},{C2},2021-09-01,", p[3]),
        ],
        ..Extract::default()
    };
    let df = shares(&e);
    // new_jobs of C1 = 4; backed: P1, P3.
    assert_eq!(share(&df, C1, "new_jobs_evidence"), Some(0.5));
    assert_eq!(share(&df, C2, "new_jobs_evidence"), Some(1.0));
}

#[test]
fn zero_household_evidence_needs_a_members_lasting_job_at_the_clearance() {
    let p: Vec<String> = (1..=4).map(adult).collect();
    let e = Extract {
        persons: vec![
            person_row(&p[0], C1, "HH1"),
            person_row(&p[1], C1, "HH2"),
            person_row(&p[2], C1, "HH3"),
            // A member on another community's ledger still counts.
            person_row(&p[3], C2, "HH4"),
        ],
        zero: vec![
            format!("HH1,{C1},2021-05-01,2021-06-01"),
            format!("HH2,{C1},2021-05-01,2021-06-01"),
            format!("HH3,{C1},2021-05-01,2021-06-01"),
            format!("HH4,{C1},2021-05-01,2021-06-01"),
            // Not cleared, and cleared before S: outside the share.
            format!("HH5,{C1},2021-05-01,"),
            format!("HH6,{C1},2020-11-01,2020-12-31"),
        ],
        employment: vec![
            // Starts 4 days after cleared_on (within grace_days 7), open: backed.
            format!("E1,{},{C1},2021-06-05,", p[0]),
            // Starts 9 days after: too late.
            format!("E2,{},{C1},2021-06-10,", p[1]),
            // Covers cleared_on but lasts 22 days: not durable.
            format!("E3,{},{C1},2021-05-20,2021-06-10", p[2]),
            // Covers cleared_on, open since January: backed.
            format!("E4,{},{C2},2021-01-01,", p[3]),
        ],
        ..Extract::default()
    };
    let df = shares(&e);
    // Cleared in P: HH1..HH4; backed: HH1, HH4.
    assert_eq!(share(&df, C1, "zero_households_evidence"), Some(0.5));
    assert_eq!(share(&df, C2, "zero_households_evidence"), None);
}

#[test]
fn registered_unemployment_evidence_reads_each_closing_against_jobs_and_the_ledger() {
    let p: Vec<String> = (1..=9).map(adult).collect();
    // P5 is a woman who turned 55 on 2021-03-01; P6 a man of 51.
    let p5 = person(5, "19660301");
    let p6 = person(6, "19700101");
    let stay = |who: &str, gender: &str, birth: &str, left: &str, why: &str| {
        format!("{who},{C1},H{who},{gender},{birth},是,2015-01-01,{left},{why}")
    };
    let e = Extract {
        persons: vec![
            stay(&p[2], "男", "1980-01-01", "2021-05-20", "迁出"),
            stay(&p[3], "男", "1980-01-01", "", ""),
            stay(&p5, "女", "1966-03-01", "", ""),
            stay(&p6, "男", "1970-01-01", "", ""),
            stay(&p[8], "男", "1980-01-01", "2021-08-25", "死亡"),
        ],
        unemployment: vec![
            // 就业, a job 19 days after the closing: backed.
            format!("U1,{},{C1},2021-01-10,2021-03-01,就业", p[0]),
            // 就业, the job 45 days after: not.
            format!("U2,{},{C1},2021-01-10,2021-03-01,就业", p[1]),
            // 迁出, the stay in C1 left 19 days after: backed.
            format!("U3,{},{C1},2021-01-10,2021-05-01,迁出", p[2]),
            // 迁出, the stay still open: not.
            format!("U4,{},{C1},2021-01-10,2021-05-01,迁出", p[3]),
            // 退休 at 55 for a woman: backed.
            format!("U5,{p5},{C1},2021-01-10,2021-07-01,退休"),
            // 退休 at 51 for a man: not.
            format!("U6,{p6},{C1},2021-01-10,2021-07-01,退休"),
            // 其他, but a job 9 days after: any reason a job backs.
            format!("U7,{},{C1},2021-01-10,2021-08-01,其他", p[6]),
            // Still open, and closed before S: outside the share.
            format!("U8,{},{C1},2021-01-10,,", p[7]),
            format!("U9,{},{C1},2020-01-10,2020-12-31,就业", p[7]),
            // 死亡, the stay left 7 days before the closing: backed.
            format!("U10,{},{C1},2021-01-10,2021-09-01,死亡", p[8]),
        ],
        employment: vec![
            format!("E1,{},{C2},2021-03-20,", p[0]),
            format!("E2,{},{C1},2021-04-15,", p[1]),
            format!("E7,{},{C1},2021-08-10,2021-08-12", p[6]),
        ],
        ..Extract::default()
    };
    let df = shares(&e);
    // Closed in P: U1..U7 and U10 (8); backed: U1, U3, U5, U7, U10.
    assert_eq!(
        share(&df, C1, "registered_unemployment_rate_evidence"),
        Some(5.0 / 8.0)
    );
    assert_eq!(
        share(&df, C2, "registered_unemployment_rate_evidence"),
        None
    );
}

/// A run of the hand-worked extract (tests/support), published: its latest
/// run folder.
fn published_worked(dir: &Path) -> std::path::PathBuf {
    let extract = dir.join("extract");
    std::fs::create_dir(&extract).unwrap();
    support::fixture(&extract, true);
    let out = dir.join("out");
    let p = support::pipeline_file(dir, &extract, &out, "");
    let o = support::fullemp(&["run", "--pipeline", p.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    std::fs::canonicalize(out.join("latest")).unwrap()
}

/// C1 in 2021 of the hand-worked extract, by hand (tests/support/worked.rs;
/// the extract's end is HH5's cleared_on, 2022-01-15):
/// - reemployment: P12 (E12, 90 days) and P9 (E9, open): 1.
/// - hardship: P1 (E1) and P7 (E7), both open: 1.
/// - zero households: HH1 and HH2 cleared in P, and no ledger row holds
///   either household: 0.
/// - new jobs: P3 (E3, 333 days) and P9 (E9): 1.
/// - assistance: P3 (C2's S1, alone) and P7 (C1's S3, with S2 of the day
///   before: 2 persons): 1.
/// - registered unemployment: closed in P are U2 (P5's E20 starts 5 days
///   after), U3 (E12), U5 (E9) and U6 (P1's only job started before it, 其他):
///   3 of 4.
#[test]
fn the_ratings_parquet_carries_the_shares_and_the_report_shows_them() {
    let dir = tempfile::tempdir().unwrap();
    let run = published_worked(dir.path());
    let py = Command::new("python3")
        .arg("tests/interop/read_evidence.py")
        .arg(&run)
        .output()
        .unwrap();
    assert!(
        py.status.success(),
        "interop check failed:\n{}\n{}",
        String::from_utf8_lossy(&py.stdout),
        String::from_utf8_lossy(&py.stderr)
    );

    // The results table: each share beside its figure, "0%" of the zero
    // households in the warning colour (below thin_evidence_below, 0.5).
    let html = std::fs::read_to_string(run.join("report.html")).unwrap();
    let results =
        &html[html.find("id=\"results\"").unwrap()..html.find("id=\"shortlist\"").unwrap()];
    let headings = results.matches("<th class=\"n share\">有据</th>").count();
    assert!(headings >= 5 && headings.is_multiple_of(5), "{headings}");
    let row = results
        .split("<tr")
        .find(|r| r.contains(&format!("<td class=\"nw\">{C1}</td>")))
        .unwrap();
    for cells in [
        // reemployment 28.6%, 100%; hardship 66.7%, 100%; unemployment 50.0%, 75%;
        // coverage 66.7%, 100%; overdue 2, 0% thin.
        "<td class=\"n\">28.6%</td><td class=\"n share\">100%</td>",
        "<td class=\"n\">66.7%</td><td class=\"n share\">100%</td><td class=\"n\">50.0%</td><td class=\"n share\">75%</td>",
        "<td class=\"n\">2</td><td class=\"n share sev-medium\">0%</td>",
    ] {
        assert!(row.contains(cells), "{cells} not in {row}");
    }
}

#[test]
fn durable_means_lasting_or_still_running_at_the_extract_end() {
    let d = |y: i32, m: u32, day: u32| NaiveDate::from_ymd_opt(y, m, day).unwrap();
    let df = df!(
        "started_on" => [d(2021, 12, 1), d(2021, 12, 1), d(2022, 1, 10), d(2022, 1, 10), d(2022, 1, 10)],
        "ended_on" => [Some(d(2021, 12, 30)), Some(d(2021, 12, 29)), Some(d(2022, 1, 20)), Some(d(2022, 1, 15)), None],
    )
    .unwrap();
    let out = df
        .lazy()
        .select([evidence::durable(30, Some(d(2022, 1, 15))).alias("durable")])
        .collect()
        .unwrap();
    let got: Vec<Option<bool>> = out
        .column("durable")
        .unwrap()
        .bool()
        .unwrap()
        .iter()
        .collect();
    // 30 days: durable; 29: not; ends after the extract's end: still
    // running; ends on it: 6 days, not; no end: running.
    assert_eq!(
        got,
        vec![Some(true), Some(false), Some(true), Some(false), Some(true)]
    );
}
