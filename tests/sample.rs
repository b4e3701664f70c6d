//! The bundled sample extract: `fullemp validate` lists exactly the bad rows
//! that `sample_data/README.md` says were planted, and the README's main
//! command (`run` with the nightly pipeline) publishes a complete run.

use std::path::Path;

mod support;

/// `fullemp <args>` from the repository's root, as the README runs it.
fn fullemp(args: &[&str]) -> std::process::Output {
    support::command()
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap()
}

/// (file, line, reason) rows of the README's "Planted bad rows" table.
fn planted() -> Vec<(String, String, String)> {
    let readme = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_data/README.md"),
    )
    .unwrap();
    let section = readme
        .split("## Planted bad rows")
        .nth(1)
        .expect("a planted-rows section");
    section
        .lines()
        .take_while(|l| !l.starts_with("## "))
        .filter(|l| l.starts_with("| `"))
        .map(|l| {
            let cells: Vec<String> = l
                .split('|')
                .map(|c| c.trim().trim_matches('`').to_string())
                .collect();
            (cells[1].clone(), cells[2].clone(), cells[4].clone())
        })
        .collect()
}

#[test]
fn validate_lists_exactly_the_planted_bad_rows() {
    let planted = planted();
    assert!(
        planted.len() >= 5,
        "the README lists the planted rows: {planted:?}"
    );
    let out = fullemp(&["validate"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = String::from_utf8_lossy(&out.stdout);
    let rejected: Vec<&str> = report
        .lines()
        .filter(|l| l.contains(" line ") && l.starts_with("  "))
        .collect();
    assert_eq!(rejected.len(), planted.len(), "{report}");
    for (file, line, reason) in &planted {
        // The README says "unparseable date"; the report's reason is "unparseable value".
        let reason = reason.replace("unparseable date", "unparseable value");
        assert!(
            rejected
                .iter()
                .any(|r| r.contains(&format!("{file} line {line},")) && r.contains(&reason)),
            "{file} line {line} ({reason}) not listed:\n{report}"
        );
    }
    // Every encoding and format of the sample was read.
    for how in ["GB18030", "tab-separated", "XLSX", "Parquet", "UTF-8 (BOM)"] {
        assert!(report.contains(how), "{how} missing from:\n{report}");
    }
}

#[test]
fn the_readme_main_command_publishes_a_run() {
    let dir = tempfile::tempdir().unwrap();
    let out = fullemp(&["run", "--out", dir.path().to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let run = dir.path().join("latest");
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(run.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(
        manifest["rows_rejected"].as_u64(),
        Some(planted().len() as u64)
    );
    assert_eq!(
        manifest["missing_optional_tables"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
    // The nightly pipeline reviews the year 2021 whole (to 31 December), with
    // its candidates, spot checks and findings, and the panel's report covers it.
    let periods = manifest["periods"].as_array().unwrap();
    let last = periods.last().unwrap();
    assert_eq!(
        (
            last["year"].as_i64(),
            last["start"].as_str(),
            last["cutoff"].as_str()
        ),
        (Some(2021), Some("2021-01-01"), Some("2021-12-31"))
    );
    for table in ["shortlist", "spot_checks", "findings"] {
        let rows = manifest["outputs"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["path"] == format!("{table}/year=2021/part-0.parquet"))
            .unwrap()["rows"]
            .as_u64()
            .unwrap();
        assert!(rows > 0, "no {table} rows in the sample's review year");
    }
    let report = std::fs::read_to_string(run.join("report.html")).unwrap();
    assert!(report.contains("统计期间 2021-01-01 至 2021-12-31"));
    // The README's gaps of real extracts are re-inspected all the same: the
    // community with no platform row fails as 无平台建设记录.
    assert!(report.contains("无平台建设记录"));
    for (code, verdict) in [
        ("410411001004", Some("fail")),
        ("410403002001", None),
        ("410411001001", None),
    ] {
        let out = fullemp(&[
            "explain",
            code,
            "--json",
            "--out",
            dir.path().to_str().unwrap(),
        ]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["verdict"]["under_reinspection"], true, "{code}");
        if let Some(verdict) = verdict {
            assert_eq!(v["verdict"]["verdict"], verdict, "{code}");
            assert_eq!(
                v["verdict"]["failing_in_words"],
                serde_json::json!(["无平台建设记录"]),
                "{code}: fails on that alone"
            );
            assert_eq!(v["score"]["no_platform_record"], true, "{code}");
        }
    }
    // The three review years of the sample, each rated and published.
    let years: Vec<i64> = periods.iter().filter_map(|p| p["year"].as_i64()).collect();
    assert_eq!(years, [2019, 2020, 2021]);
    // The community that failed its 2019 re-inspection left it once the
    // province approved its disqualification (March 2020).
    for (year, under) in [(2019, true), (2020, false), (2021, false)] {
        let out = fullemp(&[
            "explain",
            "410403001003",
            "--year",
            &year.to_string(),
            "--json",
            "--out",
            dir.path().to_str().unwrap(),
        ]);
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["verdict"]["under_reinspection"], under, "{year}");
        assert_eq!(
            v["verdict"]["qualification_revoked_on"], "2020-03-14",
            "{year}"
        );
        if under {
            assert_eq!(v["verdict"]["verdict"], "fail");
            assert_eq!(v["verdict"]["county_conclusion"], "不合格");
        }
    }
    for p in manifest["periods"].as_array().unwrap() {
        let year = p["year"].as_i64().unwrap();
        assert!(
            run.join(format!("indicators/year={year}/part-0.parquet"))
                .is_file()
        );
        assert!(
            run.join(format!("ratings/year={year}/part-0.parquet"))
                .is_file()
        );
    }
}
