//! Materiality (影响结论), end to end: a hand-written extract where
//! `invalid_identity` questions counted persons in two communities, run by
//! the program, its findings and ratings read back from the Parquet it
//! published.
//!
//! Review year 2021, cut-off A = 2021-12-31, S = 2021-01-01; the default
//! rules (re-employment rate at least 70 %), the platform rule off (the
//! extract has no platform table).
//!
//! 光明社区 (C1): 10 registered jobless in 2021, 8 re-employed (80 %); 2 of
//! the 8 carry an identifier with a wrong check character. Without them:
//! 6 / 10 = 60 % < 70 %: the verdict turns from 合格 to 不合格 — material.
//!
//! 和平社区 (C2): 40 registered jobless, all re-employed (100 %); 1 carries a
//! bad identifier. Without them: 39 / 40 = 97.5 %, still above 70 % and
//! above the score's full mark (95 %): verdict, score, level and stars stay
//! — not material.
//!
//! Each community also has 60 residents in work since 2019, so that the
//! registered unemployment rate stays under 4 % (C1: 2 open registrations
//! over 68 + 2).

use std::path::Path;

use polars::prelude::*;

mod support;
use support::{fullemp, id};

const C1: &str = "410402001001";
const C2: &str = "410402001002";

/// An identifier with its check character changed: fails GB 11643.
fn bad(n: u32) -> String {
    let good = id(n, "19800101");
    let last = if good.ends_with('0') { '1' } else { '0' };
    format!("{}{last}", &good[..17])
}

struct Rows {
    persons: Vec<String>,
    unemployment: Vec<String>,
    employment: Vec<String>,
}

impl Rows {
    fn resident(&mut self, pid: &str, c: &str) {
        self.persons.push(format!(
            "{pid},{c},H{},男,1980-01-01,是,2015-01-01,,",
            self.persons.len()
        ));
    }

    /// Registered jobless on 2020-06-01; re-employed from 2021-03-01 when
    /// `reemployed`, else still registered at A.
    fn jobless(&mut self, pid: &str, c: &str, reemployed: bool) {
        self.resident(pid, c);
        let n = self.unemployment.len();
        if reemployed {
            self.unemployment
                .push(format!("U{n},{pid},{c},2020-06-01,2021-03-01,就业"));
            self.employment
                .push(format!("R{n},{pid},{c},灵活就业,2021-03-01,"));
        } else {
            self.unemployment
                .push(format!("U{n},{pid},{c},2020-06-01,,"));
        }
    }

    /// In work since 2019: in the labour force and employed at A.
    fn working(&mut self, pid: &str, c: &str) {
        self.resident(pid, c);
        let n = self.employment.len();
        self.employment
            .push(format!("W{n},{pid},{c},灵活就业,2019-03-01,"));
    }
}

fn write(dir: &Path, rows: &Rows) {
    let table = |name: &str, header: &str, rows: &[String]| {
        support::write_csv(dir, name, header, rows);
    };
    table(
        "communities.csv",
        "community_code,community_name,county,street,provincial_year",
        &[
            format!("{C1},光明社区,新华区,中兴路街道,2015"),
            format!("{C2},和平社区,新华区,中兴路街道,2015"),
        ],
    );
    table(
        "persons.csv",
        "person_id,community_code,household_id,gender,birth_date,labor_capacity,entered_on,left_on,left_reason",
        &rows.persons,
    );
    table(
        "unemployment.csv",
        "registration_id,person_id,community_code,registered_on,ended_on,end_reason",
        &rows.unemployment,
    );
    table(
        "employment.csv",
        "record_id,person_id,community_code,employment_type,started_on,ended_on",
        &rows.employment,
    );
    table(
        "hardship.csv",
        "person_id,community_code,category,designated_on,revoked_on",
        &[],
    );
    table(
        "zero_households.csv",
        "household_id,community_code,identified_on,cleared_on",
        &[],
    );
}

fn fixture(dir: &Path) {
    let mut rows = Rows {
        persons: vec![],
        unemployment: vec![],
        employment: vec![],
    };
    let mut n = 0;
    let mut next = || {
        n += 1;
        id(n, "19800101")
    };
    // C1: 2 bad identifiers among the 8 re-employed, 2 still jobless.
    rows.jobless(&bad(901), C1, true);
    rows.jobless(&bad(902), C1, true);
    for _ in 0..6 {
        rows.jobless(&next(), C1, true);
    }
    for _ in 0..2 {
        rows.jobless(&next(), C1, false);
    }
    // C2: 1 bad identifier among 40 re-employed.
    rows.jobless(&bad(903), C2, true);
    for _ in 0..39 {
        rows.jobless(&next(), C2, true);
    }
    for c in [C1, C2] {
        for _ in 0..60 {
            rows.working(&next(), c);
        }
    }
    write(dir, &rows);
}

fn read(out: &Path, table: &str) -> DataFrame {
    let path = out.join("latest").join(table).join("year=2021");
    let file = std::fs::read_dir(&path)
        .unwrap()
        .flatten()
        .find(|e| e.path().extension().is_some_and(|x| x == "parquet"))
        .unwrap()
        .path();
    ParquetReader::new(std::fs::File::open(file).unwrap())
        .finish()
        .unwrap()
}

fn text(df: &DataFrame, column: &str, row: usize) -> Option<String> {
    df.column(column)
        .unwrap()
        .str()
        .unwrap()
        .get(row)
        .map(str::to_string)
}

fn row_of(df: &DataFrame, code: &str, detector: Option<&str>) -> usize {
    (0..df.height())
        .find(|&i| {
            text(df, "community_code", i).as_deref() == Some(code)
                && detector.is_none_or(|d| text(df, "detector", i).as_deref() == Some(d))
        })
        .unwrap_or_else(|| panic!("{code} {detector:?} not found"))
}

fn run() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let extract = dir.path().join("extract");
    std::fs::create_dir(&extract).unwrap();
    fixture(&extract);
    let out = dir.path().join("out");
    let pipeline = support::pipeline(
        &dir.path().join("pipeline.toml"),
        &extract,
        &out,
        "as_of = 2021-12-31\nyears = [2021]\n[rules.reinspection]\nrequire_platform = false\n",
    );
    let o = fullemp(&["run", "--pipeline", pipeline.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    (dir, out)
}

#[test]
fn persons_whose_removal_flips_the_verdict_make_the_finding_material_and_others_do_not() {
    let (_dir, out) = run();
    let ratings = read(&out, "ratings");
    // The published rating is the one before any removal: both pass.
    for code in [C1, C2] {
        let r = row_of(&ratings, code, None);
        assert_eq!(
            text(&ratings, "verdict", r).as_deref(),
            Some("pass"),
            "{code}"
        );
    }
    let findings = read(&out, "findings");
    let material = |i: usize| findings.column("material").unwrap().bool().unwrap().get(i);

    let c1 = row_of(&findings, C1, Some("invalid_identity"));
    assert_eq!(material(c1), Some(true));
    let effect = text(&findings, "material_effect", c1).unwrap();
    assert!(
        effect.starts_with(
            "剔除存疑的 2 人后登记失业人员就业率为 60.0%,低于 70%,复查结论由合格变为不合格"
        ),
        "{effect}"
    );

    let c2 = row_of(&findings, C2, Some("invalid_identity"));
    assert_eq!(
        material(c2),
        Some(false),
        "39 / 40 still passes, full marks"
    );
    assert_eq!(text(&findings, "material_effect", c2), None);
}

#[test]
fn a_material_finding_weighs_double_in_the_risk_score_within_the_cap() {
    let (_dir, out) = run();
    let findings = read(&out, "findings");
    let ratings = read(&out, "ratings");
    let points = |severity: &str| match severity {
        "high" => 5,
        "medium" => 3,
        _ => 1,
    };
    for code in [C1, C2] {
        let expected: i64 = (0..findings.height())
            .filter(|&i| text(&findings, "community_code", i).as_deref() == Some(code))
            .map(|i| {
                let double =
                    findings.column("material").unwrap().bool().unwrap().get(i) == Some(true);
                points(&text(&findings, "severity", i).unwrap()) * if double { 2 } else { 1 }
            })
            .sum::<i64>()
            .min(20);
        let r = row_of(&ratings, code, None);
        let risk = ratings.column("risk_score").unwrap().i64().unwrap().get(r);
        assert_eq!(risk, Some(expected), "{code}");
    }
    // The high invalid_identity finding of C1 alone is worth 10.
    let r = row_of(&ratings, C1, None);
    assert!(
        ratings
            .column("risk_score")
            .unwrap()
            .i64()
            .unwrap()
            .get(r)
            .unwrap()
            >= 10
    );
}

#[test]
fn explain_says_whether_a_finding_is_material() {
    let (_dir, out) = run();
    let o = fullemp(&["explain", C1, "--out", out.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        stdout.contains("影响结论 material: 剔除存疑的 2 人后登记失业人员就业率为 60.0%"),
        "{stdout}"
    );
    let o = fullemp(&["explain", C2, "--out", out.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains("不影响结论 not material"), "{stdout}");
}

// ------------------------------------------- which counts a piece of evidence questions

/// One person, P1, counted three ways in C1 in 2021: re-employed on
/// registration U1 by record E1 (started 2021-03-01, still running), a
/// hardship person since 2020 employed at A by the same record, and served
/// (S1, 2021-04-01). A second record of theirs, E2, started 2021-06-01, is
/// not the one any count rests on (E1 is the earlier qualifying start and
/// the earlier covering record).
///
/// - a finding naming E1 questions P1 in `reemployed_in_period` and
///   `hardship_employed`, not in `assisted`;
/// - one naming U1, in `reemployed_in_period` only;
/// - one naming S1, in `assisted` only;
/// - one naming the person, in all three;
/// - one naming E2 questions nobody: no row.
#[test]
fn a_record_questions_its_person_only_in_the_count_that_rests_on_it() {
    use fullemp::detectors::{Evidence, Finding, Level, Severity};
    use support::detect::DetectorExtract;

    let p1 = id(1, "19800101");
    let code = support::credit_code("91410400MA0000000");
    let job = |rid: &str, started: &str| {
        format!("{rid},{p1},{C1},远航物流公司,{code},单位就业,{started},,{started} 10:00:00")
    };
    let extract = DetectorExtract::new(&[
        (
            "unemployment",
            vec![format!("U1,{p1},{C1},2021-01-10,2021-03-01,就业")],
        ),
        (
            "employment",
            vec![job("E1", "2021-03-01"), job("E2", "2021-06-01")],
        ),
        ("hardship", vec![format!("{p1},{C1},4050人员,2020-05-01,")]),
        (
            "services",
            vec![format!("S1,{p1},{C1},就业援助,2021-04-01")],
        ),
    ]);
    let finding = |evidence: Evidence| Finding {
        detector: "x",
        severity: Severity::High,
        level: Level::Community,
        community_code: Some(C1.to_string()),
        county: "新华区".into(),
        year: 2021,
        explanation: String::new(),
        value: None,
        threshold: None,
        p_value: None,
        evidence: vec![evidence],
    };
    let findings = vec![
        finding(Evidence::record("employment", "record_id", "E1")),
        finding(Evidence::record("unemployment", "registration_id", "U1")),
        finding(Evidence::record("services", "service_id", "S1")),
        finding(Evidence::person(p1.clone())),
        finding(Evidence::record("employment", "record_id", "E2")),
    ];
    let questioned = std::cell::RefCell::new(None);
    extract.detect_years(&[2021], |inputs, _| {
        *questioned.borrow_mut() =
            Some(fullemp::detectors::questioned::questioned(inputs, &findings).unwrap());
        Ok(vec![])
    });
    let q = questioned.into_inner().unwrap();
    let rows: Vec<(u32, i64, i64, i64, i64)> = (0..q.height())
        .map(|i| {
            let int = |c: &str| q.column(c).unwrap().i64().unwrap().get(i).unwrap();
            (
                q.column("finding").unwrap().u32().unwrap().get(i).unwrap(),
                int("persons"),
                int("reemployed_in_period"),
                int("hardship_employed"),
                int("assisted"),
            )
        })
        .collect();
    assert_eq!(
        rows,
        vec![
            (0, 1, 1, 1, 0),
            (1, 1, 1, 0, 0),
            (2, 1, 0, 0, 1),
            (3, 1, 1, 1, 1),
        ]
    );
}
