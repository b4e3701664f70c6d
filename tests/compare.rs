//! `fullemp compare` and `fullemp explain --rules` (docs/rules.md, "Trying
//! new rules") on real runs: a hand-worked ladder of communities whose
//! re-employment rates and scores are known, the bundled sample, and a
//! generated extract. What changes under a candidate file is worked out by
//! hand beside each test; the run folder is checked to stay as it was.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::OnceLock;

use calamine::{Data, Reader, Xlsx, open_workbook};

mod support;
use support::{fullemp, id, write};

// ---------------------------------------------------------------- the ladder

/// Eight communities under re-inspection (provincial since 2015), in two
/// counties, each with 10 registered unemployed persons of whom `k` found a
/// job on 1 June 2021 (their registration closed that day as 就业), and 40
/// persons in work since 2015, one of them a hardship person, employed and
/// served once. Cut-off A = 2021-12-31, review year 2021.
///
/// By hand, for each community with `k`:
/// - re-employment rate R = k / 10;
/// - registered unemployment rate u = (10 - k) / (40 + k + 10 - k) = (10 - k) / 50;
/// - hardship employment rate 1/1, assistance coverage 1/1, platform in order;
/// - new jobs per 100 labour force = 100 k / 50 = 2k ≥ 5 (full points).
///
/// Under the default rules (R ≥ 0.70, u ≤ 0.04): k = 5, 6 fail on R and u,
/// k = 7 fails on u alone (0.06), k ≥ 8 pass.
///
/// Score = 25 (R − 0.5) / 0.45 (0 at or below 0.5) + 25 (hardship)
/// + 15 (0.06 − u) / 0.04 (0 at or above 0.06, full at or below 0.02)
/// + 10 (coverage) + 10 (new jobs) + 15 (platform) — see `SCORES`.
const LADDER: [(&str, &str, &str, u32); 8] = [
    ("410402001001", "甲一社区", "新华区", 5),
    ("410402001002", "甲二社区", "新华区", 6),
    ("410402001003", "甲三社区", "新华区", 7),
    ("410402001004", "甲四社区", "新华区", 8),
    ("410403001001", "乙一社区", "卫东区", 7),
    ("410403001002", "乙二社区", "卫东区", 8),
    ("410403001003", "乙三社区", "卫东区", 9),
    ("410403001004", "乙四社区", "卫东区", 10),
];

/// The score of a community with `k` re-employed, by hand (see `LADDER`):
/// k = 5: 0 + 25 + 0 + 10 + 10 + 15 = 60; k = 6: 25·0.1/0.45 = 5.56 → 65.56;
/// k = 7: 11.11 → 71.11 (u = 0.06 earns nothing); k = 8: 16.67 + 7.5 (u =
/// 0.04) → 84.17; k = 9: 22.22 + 15 → 97.22; k = 10: 25 + 15 → 100.
fn score(k: u32) -> f64 {
    let r_points = 25.0 * ((k as f64 / 10.0 - 0.5) / 0.45).clamp(0.0, 1.0);
    let u = (10.0 - k as f64) / 50.0;
    let u_points = 15.0 * ((0.06 - u) / 0.04).clamp(0.0, 1.0);
    r_points + 25.0 + u_points + 10.0 + 10.0 + 15.0
}

/// The ladder's codes whose `k` satisfies `pick`.
fn codes(pick: impl Fn(u32) -> bool) -> BTreeSet<String> {
    LADDER
        .iter()
        .filter(|c| pick(c.3))
        .map(|c| c.0.to_string())
        .collect()
}

/// Writes the ladder's extract into `dir`.
fn ladder(dir: &Path) {
    let mut communities =
        String::from("community_code,community_name,county,street,provincial_year\n");
    let mut persons = String::from(
        "person_id,community_code,household_id,gender,birth_date,labor_capacity,entered_on\n",
    );
    let mut unemployment = String::from(
        "registration_id,person_id,community_code,registered_on,ended_on,end_reason\n",
    );
    let mut employment =
        String::from("record_id,person_id,community_code,employment_type,started_on\n");
    let mut hardship = String::from("person_id,community_code,category,designated_on\n");
    let mut services =
        String::from("service_id,person_id,community_code,service_type,delivered_on\n");
    let mut platform =
        String::from("community_code,year,service_window,staff_count,has_info_system\n");
    let mut applications = String::from(
        "community_code,year,applied_level,street_recommends,county_recommends,submitted_on\n",
    );
    for (c, (code, name, county, k)) in LADDER.iter().enumerate() {
        communities.push_str(&format!("{code},{name},{county},{county}中心街道,2015\n"));
        for i in 0..50u32 {
            let n = c as u32 * 50 + i;
            let person = id(n, "19850101");
            let gender = if n % 2 == 1 { "男" } else { "女" };
            persons.push_str(&format!(
                "{person},{code},H{code}{i:02},{gender},1985-01-01,是,2015-01-01\n"
            ));
            if i < 10 {
                // A registrant: re-employed on 1 June when i < k.
                let (ended, reason) = if i < *k {
                    ("2021-06-01", "就业")
                } else {
                    ("", "")
                };
                unemployment.push_str(&format!(
                    "R{code}{i:02},{person},{code},2021-03-01,{ended},{reason}\n"
                ));
                if i < *k {
                    employment.push_str(&format!(
                        "E{code}{i:02},{person},{code},灵活就业,2021-06-01\n"
                    ));
                }
            } else {
                employment.push_str(&format!(
                    "E{code}{i:02},{person},{code},单位就业,2015-01-01\n"
                ));
            }
            if i == 10 {
                hardship.push_str(&format!("{person},{code},4050人员,2021-01-10\n"));
                services.push_str(&format!("S{code},{person},{code},就业援助,2021-05-01\n"));
            }
        }
        platform.push_str(&format!("{code},2021,是,2,是\n"));
        applications.push_str(&format!("{code},2021,星级,是,是,2021-11-01\n"));
    }
    for (name, text) in [
        ("communities.csv", communities),
        ("persons.csv", persons),
        ("unemployment.csv", unemployment),
        ("employment.csv", employment),
        ("hardship.csv", hardship),
        (
            "zero_households.csv",
            "household_id,community_code,identified_on,cleared_on\n".into(),
        ),
        ("services.csv", services),
        ("platform.csv", platform),
        ("applications.csv", applications),
    ] {
        write(dir, name, text);
    }
}

/// A published run: its folder (kept for the test), pipeline file and output folder.
struct Run {
    _dir: tempfile::TempDir,
    pipeline: PathBuf,
    out: PathBuf,
}

fn run_ok(pipeline: &Path) {
    let o = fullemp(&[
        "run",
        "--pipeline",
        pipeline.to_str().unwrap(),
        "--run-date",
        "2022-01-20",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

/// The ladder published under the default rules.
fn ladder_run() -> Run {
    let dir = tempfile::tempdir().unwrap();
    let extract = dir.path().join("extract");
    std::fs::create_dir(&extract).unwrap();
    ladder(&extract);
    let out = dir.path().join("out");
    let pipeline = support::pipeline(
        &dir.path().join("pipeline.toml"),
        &extract,
        &out,
        "as_of = 2021-12-31\nyears = [2021]\ncity_name = \"平顶山市\"\n",
    );
    run_ok(&pipeline);
    Run {
        _dir: dir,
        pipeline,
        out,
    }
}

/// One ladder run shared by the tests that only read it (each writes its
/// comparison into a folder of its own).
fn shared() -> &'static Run {
    static RUN: OnceLock<Run> = OnceLock::new();
    RUN.get_or_init(ladder_run)
}

/// A candidate rules file holding `text`, in a folder of its own.
fn rules_file(name: &str, text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), name, text);
    (dir, path)
}

/// `fullemp compare --rules <rules> --pipeline <run> [extra]`.
fn compare(run: &Run, rules: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "compare",
        "--rules",
        rules.to_str().unwrap(),
        "--pipeline",
        run.pipeline.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    fullemp(&args)
}

/// A comparison written into a fresh folder: (folder, stdout, stderr).
fn compared(run: &Run, rules: &Path) -> (tempfile::TempDir, String, String) {
    let dest = tempfile::tempdir().unwrap();
    let o = compare(run, rules, &["--out", dest.path().to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    (
        dest,
        String::from_utf8(o.stdout).unwrap(),
        String::from_utf8(o.stderr).unwrap(),
    )
}

/// The counts stdout gives for `year`: changed, then each change in the
/// order of its header, by name.
fn counts(stdout: &str, year: &str) -> BTreeMap<String, usize> {
    let header: Vec<&str> = stdout
        .lines()
        .find(|l| l.starts_with("year\t"))
        .expect("a header line")
        .split('\t')
        .collect();
    let row: Vec<&str> = stdout
        .lines()
        .find(|l| l.split('\t').next().map(|y| y.trim_end_matches('*')) == Some(year))
        .unwrap_or_else(|| panic!("no line for {year}:\n{stdout}"))
        .split('\t')
        .collect();
    header
        .iter()
        .zip(row)
        .skip(1)
        .map(|(h, v)| (h.to_string(), v.parse().unwrap()))
        .collect()
}

// ---------------------------------------------------------------- the workbook

/// The cells of one sheet as text (numbers as written by `{}`), by row.
fn sheet(path: &Path, name: &str) -> Vec<Vec<String>> {
    let mut wb: Xlsx<_> = open_workbook(path).unwrap();
    let range = wb.worksheet_range(name).unwrap();
    range
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Data::String(s) => s.clone(),
                    Data::Float(f) => f.to_string(),
                    Data::Int(i) => i.to_string(),
                    Data::Empty => String::new(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

/// The rows under the header row (`规则键` or `区县` in the first column).
fn body(rows: &[Vec<String>], first_header: &str) -> Vec<Vec<String>> {
    let at = rows
        .iter()
        .position(|r| r.first().map(String::as_str) == Some(first_header))
        .expect("a header row");
    rows[at + 1..].to_vec()
}

/// The column of `name` in the header row.
fn column(rows: &[Vec<String>], first_header: &str, name: &str) -> usize {
    rows.iter()
        .find(|r| r.first().map(String::as_str) == Some(first_header))
        .and_then(|r| r.iter().position(|c| c == name))
        .unwrap_or_else(|| panic!("no column {name}"))
}

/// The changed communities of the workbook: code → row.
fn changed_rows(xlsx: &Path) -> BTreeMap<String, Vec<String>> {
    let rows = sheet(xlsx, "变化社区");
    let code = column(&rows, "区县", "社区代码");
    body(&rows, "区县")
        .into_iter()
        .filter(|r| r.get(code).is_some_and(|c| c.len() == 12))
        .map(|r| (r[code].clone(), r))
        .collect()
}

/// One curve of a sensitivity sheet: (value, count, mark) per point.
fn curve(xlsx: &Path, sheet_name: &str, key: &str) -> Vec<(f64, usize, String)> {
    let rows = sheet(xlsx, sheet_name);
    let header = &rows
        .iter()
        .find(|r| r.first().map(String::as_str) == Some("规则键"))
        .unwrap()
        .clone();
    let mark = header.iter().position(|c| c == "标记").unwrap();
    body(&rows, "规则键")
        .into_iter()
        .filter(|r| r[0] == key)
        .map(|r| {
            (
                r[2].parse().unwrap(),
                r[3].parse().unwrap(),
                r[mark].clone(),
            )
        })
        .collect()
}

// ---------------------------------------------------------------- the tests

#[test]
fn a_raised_threshold_fails_exactly_the_communities_whose_rate_lies_between_the_two_values() {
    let run = shared();
    let (_d, rules) = rules_file(
        "raise-to-85.toml",
        "[reinspection]\nmin_reemployment_rate = 0.85\n",
    );
    let (dest, stdout, stderr) = compared(run, &rules);
    // 0.70 held and 0.85 does not for R in [0.70, 0.85): k = 7 and 8, two
    // in each county. k = 8 passed before and fails now; k = 7 failed
    // already (u = 0.06), so only its failing rules change.
    let between = codes(|k| (7..=8).contains(&k));
    let c = counts(&stdout, "2021");
    assert_eq!(c["changed"], between.len(), "{stdout}");
    assert_eq!(c["failing_rules"], 4, "{stdout}");
    assert_eq!(c["verdict"], 2, "{stdout}");
    assert_eq!(
        (c["level"], c["stars"], c["rank"], c["score"]),
        (0, 0, 0, 0)
    );
    assert!(!stderr.contains("WARN"), "{stderr}");

    let xlsx = dest.path().join("compare-raise-to-85.xlsx");
    let changed = changed_rows(&xlsx);
    assert_eq!(changed.keys().cloned().collect::<BTreeSet<_>>(), between);
    let rows = sheet(&xlsx, "变化社区");
    let before = column(&rows, "区县", "复查结论(现行)");
    let after = column(&rows, "区县", "复查结论(拟议)");
    for (code, row) in &changed {
        let k = LADDER.iter().find(|c| c.0 == code).unwrap().3;
        let expected = if k == 8 {
            ("合格", "不合格")
        } else {
            ("不合格", "不合格")
        };
        assert_eq!(
            (row[before].as_str(), row[after].as_str()),
            expected,
            "{code}"
        );
        let rules_after = &row[column(&rows, "区县", "不达标规则(拟议)")];
        assert!(
            rules_after.contains("登记失业人员就业率不足"),
            "{rules_after}"
        );
    }

    // The curve of the threshold: communities failing it are those whose
    // rate is below the value, by hand from the ladder's k / 10.
    let points = curve(
        &xlsx,
        "敏感性-规则阈值",
        "reinspection.min_reemployment_rate",
    );
    assert!(points.len() >= 21, "{points:?}");
    for (value, count, _) in &points {
        let below = LADDER
            .iter()
            .filter(|c| (c.3 as f64) / 10.0 < *value)
            .count();
        assert_eq!(*count, below, "at {value}");
    }
    let marked = |m: &str| points.iter().find(|p| p.2 == m).map(|p| (p.0, p.1));
    assert_eq!(marked("现行"), Some((0.7, 2)));
    assert_eq!(marked("拟议"), Some((0.85, 6)));
    // The range spans both values with a margin, within [0, 1].
    assert!(points[0].0 < 0.7 && points[points.len() - 1].0 > 0.85);

    // The page names exactly those communities among the ladder's.
    let html = std::fs::read_to_string(dest.path().join("compare-raise-to-85.html")).unwrap();
    for (code, ..) in LADDER {
        assert_eq!(html.contains(code), between.contains(code), "{code}");
    }
    assert!(html.contains("登记失业人员就业率 80.0%,低于 85%"));
}

#[test]
fn a_moved_star_band_changes_exactly_the_communities_whose_score_lies_between_the_bands() {
    let run = shared();
    // The first star up from 70 to 72, the third down from 85 to 84.
    let (_d, rules) = rules_file(
        "bands.toml",
        "[score]\nstar_bands = [72.0, 78.0, 84.0, 90.0, 95.0]\n",
    );
    let (dest, stdout, _) = compared(run, &rules);
    let moved = |s: f64| (70.0..72.0).contains(&s) || (84.0..85.0).contains(&s);
    let expected = codes(|k| moved(score(k)));
    // By hand: 71.11 (k = 7) loses its star, 84.17 (k = 8) gains its third.
    assert_eq!(expected, codes(|k| k == 7 || k == 8));
    let c = counts(&stdout, "2021");
    assert_eq!((c["changed"], c["stars"]), (4, 4), "{stdout}");
    assert_eq!(c["level"], 2, "星级 → 市级 for k = 7 only: {stdout}");
    assert_eq!((c["verdict"], c["failing_rules"], c["score"]), (0, 0, 0));

    let xlsx = dest.path().join("compare-bands.xlsx");
    let changed = changed_rows(&xlsx);
    assert_eq!(changed.keys().cloned().collect::<BTreeSet<_>>(), expected);
    let rows = sheet(&xlsx, "变化社区");
    let (before, after) = (
        column(&rows, "区县", "等级(现行)"),
        column(&rows, "区县", "等级(拟议)"),
    );
    for (code, row) in &changed {
        let k = LADDER.iter().find(|c| c.0 == code).unwrap().3;
        let want = if k == 7 {
            ("星级(★)", "市级")
        } else {
            ("星级(★★)", "星级(★★★)")
        };
        assert_eq!((row[before].as_str(), row[after].as_str()), want, "{code}");
    }

    // The first star's curve: communities at city level (all, ≥ 60) whose
    // score reaches the value.
    let points = curve(&xlsx, "敏感性-分数线", "score.star_bands[0]");
    for (value, count, _) in &points {
        let reaching = LADDER
            .iter()
            .filter(|c| score(c.3) + 1e-9 >= *value && score(c.3) + 1e-9 >= 60.0)
            .count();
        assert_eq!(*count, reaching, "at {value}");
    }
    let marked = |m: &str| points.iter().find(|p| p.2 == m).map(|p| (p.0, p.1));
    assert_eq!(marked("现行"), Some((70.0, 6)));
    assert_eq!(marked("拟议"), Some((72.0, 4)));
    // The city level's curve: every community reaches 60, k = 5 exactly.
    let city = curve(&xlsx, "敏感性-分数线", "score.city_level_min");
    assert_eq!(
        city.iter().find(|p| p.2 == "现行、拟议").map(|p| p.1),
        Some(8)
    );
}

#[test]
fn a_county_quota_marks_the_first_of_each_county_and_changes_no_rank() {
    let run = shared();
    let (_d, rules) = rules_file("quota.toml", "[shortlist]\ncounty_quota = 2\n");
    let (dest, stdout, _) = compared(run, &rules);
    let c = counts(&stdout, "2021");
    // Without a quota `recommended` is empty for all eight candidates; with
    // one, the first two of each county are recommended and the rest not.
    assert_eq!((c["changed"], c["recommended"], c["rank"]), (8, 8, 0));
    let xlsx = dest.path().join("compare-quota.xlsx");
    let rows = sheet(&xlsx, "变化社区");
    let after = column(&rows, "区县", "名额内推荐(拟议)");
    let recommended: BTreeSet<String> = changed_rows(&xlsx)
        .into_iter()
        .filter(|(_, r)| r[after] == "是")
        .map(|(code, _)| code)
        .collect();
    // 新华区: 84.17 (k = 8) and 71.11 (k = 7); 卫东区: 100 and 97.22.
    let mut want = codes(|k| k == 7 || k == 8);
    want.retain(|c| c.starts_with("410402"));
    want.extend(codes(|k| k >= 9));
    assert_eq!(recommended, want);
}

/// Every file under `runs/` and `history/` with its sha256, and where
/// `latest` points.
fn snapshot(out: &Path) -> (Vec<(PathBuf, String)>, PathBuf) {
    let files = support::files(&out.join("runs"))
        .into_iter()
        .chain(support::files(&out.join("history")))
        .map(|f| {
            let sha = fullemp::digest::sha256_file(&f).unwrap().1;
            (f, sha)
        })
        .collect();
    (files, std::fs::read_link(out.join("latest")).unwrap())
}

#[test]
fn nothing_under_runs_changes_and_latest_stays_where_it_was() {
    let run = ladder_run();
    let before = snapshot(&run.out);
    assert!(before.0.len() > 20);
    let (_d, rules) = rules_file(
        "raise.toml",
        "[reinspection]\nmin_reemployment_rate = 0.85\n",
    );
    // Into the output folder by default, beside `runs/` and `latest`.
    let o = compare(&run, &rules, &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(snapshot(&run.out), before);
    let mut top: Vec<String> = std::fs::read_dir(&run.out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| !n.starts_with('.'))
        .collect();
    top.sort();
    assert_eq!(
        top,
        [
            "compare-raise",
            "compare-raise.html",
            "compare-raise.xlsx",
            "history",
            "latest",
            "runs"
        ]
    );
    let charts = std::fs::read_dir(run.out.join("compare-raise"))
        .unwrap()
        .count();
    assert_eq!(
        charts,
        4 + 1 + 5,
        "four rate rules, the city level, five stars"
    );

    // A folder inside a run is refused before anything is read or written.
    let latest = std::fs::canonicalize(run.out.join("latest")).unwrap();
    for inside in [latest.join("what-if"), run.out.join("runs")] {
        let o = compare(&run, &rules, &["--out", inside.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(2), "{}", inside.display());
        assert!(String::from_utf8_lossy(&o.stderr).contains("inside a published run"));
        assert!(!inside.join("compare-raise.html").exists());
    }
    assert_eq!(snapshot(&run.out), before);
}

#[test]
fn a_rules_file_that_does_not_load_exits_2_naming_the_key() {
    let run = shared();
    for (text, names) in [
        (
            "[reinspection]\nmin_reemploymnet_rate = 0.8\n",
            vec!["reinspection.min_reemploymnet_rate", "unknown key"],
        ),
        (
            "[reinspection]\nmin_reemployment_rate = 1.5\n",
            vec!["reinspection.min_reemployment_rate", "1.5", "fraction"],
        ),
        (
            "[score]\nstar_bands = [80.0, 70.0, 85.0, 90.0, 95.0]\n",
            vec!["score.star_bands", "five ascending scores"],
        ),
        (
            "[detectors.bulk_backfill]\nmin_count = -1\n",
            vec!["detectors.bulk_backfill.min_count", "-1"],
        ),
        (
            "[reinspection\nmin_reemployment_rate = 0.8\n",
            vec!["bad.toml"],
        ),
    ] {
        let (_d, rules) = rules_file("bad.toml", text);
        let dest = tempfile::tempdir().unwrap();
        let o = compare(run, &rules, &["--out", dest.path().to_str().unwrap()]);
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{text}: {stderr}");
        for n in names {
            assert!(stderr.contains(n), "{n} not in: {stderr}");
        }
        assert!(stderr.contains("bad.toml"), "{stderr}");
        assert_eq!(std::fs::read_dir(dest.path()).unwrap().count(), 0);
    }
    let (_d, rules) = rules_file("none.toml", "");
    let o = compare(run, &rules, &["--year", "2019"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("year 2019 is not in the latest run"));
    let o = compare(run, Path::new("/nonexistent/candidate.toml"), &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("/nonexistent/candidate.toml"));
}

#[test]
fn keys_a_rerating_cannot_apply_are_listed_not_applied_and_warned_about() {
    let run = shared();
    let (_d, rules) = rules_file(
        "mixed.toml",
        "[indicators]\nclearance_days = 45\n[detectors.bulk_backfill]\nmin_count = 25\n\
         [reinspection]\nmin_reemployment_rate = 0.85\n",
    );
    let (dest, stdout, stderr) = compared(run, &rules);
    assert!(
        stdout.contains("rules that differ: 3 (1 applied, 2 not applied"),
        "{stdout}"
    );
    for key in [
        "indicators.clearance_days",
        "detectors.bulk_backfill.min_count",
    ] {
        assert!(
            stderr
                .lines()
                .any(|l| l.contains("WARN") && l.contains(key) && l.contains("needs a full run")),
            "{key}: {stderr}"
        );
    }
    // The comparison still runs: the applied key has its effect.
    assert_eq!(counts(&stdout, "2021")["changed"], 4);
    let rows = sheet(&dest.path().join("compare-mixed.xlsx"), "规则差异");
    let applied: BTreeMap<String, String> = body(&rows, "规则键")
        .into_iter()
        .map(|r| (r[0].clone(), r[4].clone()))
        .collect();
    assert_eq!(applied["indicators.clearance_days"], "未应用:需重新运行");
    assert_eq!(
        applied["detectors.bulk_backfill.min_count"],
        "未应用:需重新运行"
    );
    assert_eq!(applied["reinspection.min_reemployment_rate"], "已应用");
    let html = std::fs::read_to_string(dest.path().join("compare-mixed.html")).unwrap();
    assert_eq!(html.matches("未应用:需重新运行").count(), 2);
}

#[test]
fn explain_with_rules_shows_the_community_both_ways() {
    let run = shared();
    let (_d, rules) = rules_file(
        "raise.toml",
        "[reinspection]\nmin_reemployment_rate = 0.85\n",
    );
    // 甲四社区 (k = 8): R = 0.8 holds 0.70 and fails 0.85.
    let code = "410402001004";
    let o = fullemp(&[
        "explain",
        code,
        "--out",
        run.out.to_str().unwrap(),
        "--rules",
        rules.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = String::from_utf8(o.stdout).unwrap();
    let section = &text[text.find("规则试算").expect("the section")..];
    for line in [
        "reinspection.min_reemployment_rate 登记失业人员就业率下限: 0.7 → 0.85  已应用 applied",
        "* 复查结论 verdict: 合格 pass → 不合格 fail",
        "现行 current: —",
        "拟议 candidate: 登记失业人员就业率 80.0%,低于 85%",
        "得分 score: 84.17 → 84.17",
        "等级 level: 星级(★★) → 星级(★★)",
    ] {
        assert!(section.contains(line), "{line} missing:\n{section}");
    }

    let o = fullemp(&[
        "explain",
        code,
        "--out",
        run.out.to_str().unwrap(),
        "--rules",
        rules.to_str().unwrap(),
        "--json",
    ]);
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let both = &doc["rules_compared"];
    assert_eq!(both["current"]["verdict"], "pass");
    assert_eq!(both["candidate"]["verdict"], "fail");
    assert_eq!(
        both["changes"],
        serde_json::json!(["verdict", "failing_rules"])
    );
    // 新华区's first (84.17 ahead of 71.11, 65.56 and 60), and no rank moves.
    assert_eq!(both["candidate"]["rank_in_county"], 1);
    assert_eq!(
        both["candidate"]["rank_overall"],
        both["current"]["rank_overall"]
    );
    // Without --rules nothing of the sort is printed.
    let o = fullemp(&["explain", code, "--out", run.out.to_str().unwrap()]);
    assert!(!String::from_utf8_lossy(&o.stdout).contains("规则试算"));
}

// ------------------------------------------------- own rules give back the run

/// The published `ratings` and `shortlist` against the run re-rated under
/// its own rules, compared here column by column.
fn assert_reproduced(out: &Path) {
    use polars::prelude::*;
    let empty = write(out, "own.toml", "");
    let tried = fullemp::compare::Tried::read(out, &empty).unwrap();
    let both = tried.rerate().unwrap();
    let run = fullemp::publish::published_run::PublishedRun::latest(out)
        .unwrap()
        .unwrap();
    let keyed = |df: &DataFrame, columns: &[&str]| -> BTreeMap<(String, i64), Vec<String>> {
        let codes = fullemp::frame::strings(df, "community_code").unwrap();
        let years = fullemp::frame::ints(df, "year").unwrap();
        let values: Vec<Vec<String>> = columns
            .iter()
            .map(|c| {
                df.column(c)
                    .unwrap()
                    .as_materialized_series()
                    .iter()
                    .map(|v| v.to_string())
                    .collect()
            })
            .collect();
        (0..df.height())
            .map(|k| {
                (
                    (codes[k].clone().unwrap(), years[k].unwrap()),
                    values.iter().map(|v| v[k].clone()).collect(),
                )
            })
            .collect()
    };
    let ratings = ["verdict", "failing_rules", "score", "level", "stars"];
    let published = keyed(&run.table("ratings").unwrap().unwrap(), &ratings);
    assert!(published.len() >= 30);
    assert_eq!(keyed(&both.current.ratings, &ratings), published);
    let ranks = ["rank_overall", "rank_in_county"];
    let published = keyed(&run.table("shortlist").unwrap().unwrap(), &ranks);
    assert!(!published.is_empty(), "the run has candidates to rank");
    assert_eq!(keyed(&both.current.shortlist, &ranks), published);
    // And the command finds no change and warns of nothing.
    let pipeline = write(
        out,
        "p.toml",
        format!(
            "input_dir = \"/nonexistent\"\noutput_dir = {:?}\n",
            out.display().to_string()
        ),
    );
    let dest = tempfile::tempdir().unwrap();
    let o = fullemp(&[
        "compare",
        "--rules",
        empty.to_str().unwrap(),
        "--pipeline",
        pipeline.to_str().unwrap(),
        "--out",
        dest.path().to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stdout = String::from_utf8(o.stdout).unwrap();
    assert!(stdout.contains("rules that differ: 0"), "{stdout}");
    for line in stdout.lines().filter(|l| l.starts_with("20")) {
        let cells: Vec<&str> = line.split('\t').collect();
        assert!(cells[3..].iter().all(|c| *c == "0"), "{line}");
    }
    assert!(!String::from_utf8_lossy(&o.stderr).contains("WARN"));
}

#[test]
fn the_runs_own_rules_give_back_its_ratings_and_ranks_on_the_sample_and_a_generated_extract() {
    let sample = tempfile::tempdir().unwrap();
    let o = fullemp(&["run", "--out", sample.path().to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_reproduced(sample.path());

    let dir = tempfile::tempdir().unwrap();
    let extract = dir.path().join("extract");
    let o = fullemp(&[
        "generate",
        "--out",
        extract.to_str().unwrap(),
        "--communities",
        "60",
        "--persons-per-community",
        "60",
        "--seed",
        "11",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = dir.path().join("out");
    let pipeline = support::pipeline(
        &dir.path().join("pipeline.toml"),
        &extract,
        &out,
        "as_of = 2021-12-31\nyears = [2020, 2021]\n",
    );
    run_ok(&pipeline);
    assert_reproduced(&out);
}

#[test]
fn the_page_reads_offline_in_a_browser() {
    let run = shared();
    let (_d, rules) = rules_file(
        "raise-to-85.toml",
        "[reinspection]\nmin_reemployment_rate = 0.85\n",
    );
    let (dest, _, _) = compared(run, &rules);
    let page = dest.path().join("compare-raise-to-85.html");
    let html = std::fs::read_to_string(&page).unwrap();
    for outside in ["https://", "<link", "<script", "@import"] {
        assert!(
            !html.contains(outside),
            "the page refers outside itself: {outside}"
        );
    }
    assert_eq!(
        html.matches("<svg").count(),
        10,
        "every curve's chart inline"
    );
    let out = tempfile::tempdir().unwrap();
    let o = std::process::Command::new("python3")
        .arg("tests/browser/open_report.py")
        .arg(&page)
        .arg(out.path())
        .output()
        .unwrap();
    if o.status.code() == Some(2) {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI must install chromium"
        );
        eprintln!("no chromium: browser checks skipped");
        return;
    }
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let seen: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.path().join("result.json")).unwrap())
            .unwrap();
    assert_eq!(seen["requests"], serde_json::json!([]));
    let text = seen["text"].as_str().unwrap();
    for heading in [
        "一、规则差异",
        "二、结果变化",
        "三、敏感性",
        "四、各年度变化",
        "甲四社区",
    ] {
        assert!(text.contains(heading), "{heading} not on screen");
    }
    assert!(seen["inked"].as_f64().unwrap() > 0.02);
}
