//! The panel's records spoiled one cell at a time (issue 32): every column
//! of `decisions` and `verifications`, in their own files and in a working
//! sheet, takes each of a list of values a clerk or a pasted text can put
//! there (an over-long text, dates before 1900 and after 9999, a year past
//! 32 bits, an identity number, a formula, invisible characters, ticks).
//! Reading must never fail and never stop the run: each spoiled row is kept
//! as read or rejected, and no identity number reaches a reject, a note or
//! a warning. Then all the spoiled rows at once go through a whole run,
//! which must publish (exit 0) with every document written.

mod support;

use std::path::Path;

use fullemp::config::Pipeline;
use fullemp::contract::Table;
use fullemp::ingest::{Extract, read_checked};
use support::*;

const C2: &str = "410402001002";

/// The values each cell takes in turn.
fn spoilers(person: &str) -> Vec<String> {
    vec![
        "意".repeat(32_768),
        "x".repeat(100_000),
        "1899-12-31".into(),
        "0001-01-01".into(),
        "10000-01-01".into(),
        "4294969317".into(),
        "-2147483649".into(),
        "9223372036854775808".into(),
        person.to_string(),
        format!("'{person}"),
        format!("{}\u{200B}{}", &person[..6], &person[6..]),
        "=HYPERLINK(\"http://x\",\"y\")".into(),
        "√".into(),
        "\u{FEFF}".into(),
        String::new(),
    ]
}

fn extract(dir: &Path) {
    for (name, text) in minimal_tables() {
        write(dir, name, text.as_bytes());
    }
    write(
        dir,
        "communities.csv",
        format!(
            "community_code,community_name,county,street\n{COMMUNITY},新华社区,新华区,中兴路街道\n{C2},和平社区,新华区,中兴路街道\n"
        ),
    );
    write(
        dir,
        "applications.csv",
        format!(
            "community_code,year,applied_level,submitted_on\n{COMMUNITY},2021,市级,2022-01-05\n{C2},2021,市级,\n"
        ),
    );
}

fn decision_row() -> Vec<String> {
    [
        COMMUNITY,
        "2021",
        "街道审核",
        "同意",
        "同意推荐",
        "2022-01-10",
        "中兴路街道",
    ]
    .map(str::to_string)
    .to_vec()
}

fn verification_row() -> Vec<String> {
    [C2, "2021", "抽查", "属实", "2022-01-20", "核查组", "备注"]
        .map(str::to_string)
        .to_vec()
}

fn csv_line(cells: &[String]) -> String {
    cells
        .iter()
        .map(|v| format!("\"{}\"", v.replace('"', "\"\"")))
        .collect::<Vec<_>>()
        .join(",")
        + "\n"
}

fn read(dir: &Path) -> Extract {
    read_checked(
        &Pipeline::new(dir, dir.join("out")),
        &fullemp::detectors::ids(),
    )
    .expect("reading never fails on bad input")
}

/// No identity number in anything ingest says about the extract.
fn leaks(e: &Extract, person: &str) -> Vec<String> {
    let mut said: Vec<String> = e
        .rejects
        .iter()
        .map(|r| format!("{} {:?}", r.describe(), r))
        .collect();
    said.extend(e.notes());
    said.extend(e.warnings.iter().cloned());
    said.extend(e.problems.iter().cloned());
    said.into_iter().filter(|s| s.contains(person)).collect()
}

#[test]
fn every_cell_of_the_panels_records_spoiled_is_kept_or_rejected_never_a_failure() {
    let person = id(7, "19800101");
    let values = spoilers(&person);
    let mut cases = 0;
    for (table, file, header, good) in [
        (
            Table::Decisions,
            "decisions.csv",
            "community_code,year,stage,decision,opinion,decided_on,decided_by\n",
            decision_row(),
        ),
        (
            Table::Verifications,
            "verifications.csv",
            "community_code,year,detector,result,checked_on,checked_by,note\n",
            verification_row(),
        ),
    ] {
        for column in 0..good.len() {
            for v in &values {
                let dir = tempfile::tempdir().unwrap();
                extract(dir.path());
                let mut bad = good.clone();
                bad[column] = v.clone();
                write(dir.path(), file, format!("{header}{}", csv_line(&bad)));
                let e = read(dir.path());
                cases += 1;
                let what = format!("{table} column {column} = {:.40}", v);
                assert!(e.problems.is_empty(), "{what}: {:?}", e.problems);
                assert!(e.over_ratio.is_empty(), "{what}: {:?}", e.over_ratio);
                let kept = e.table(table).map_or(0, |t| t.height());
                let rejected = e.rejects.iter().filter(|r| r.table == table).count();
                assert_eq!(
                    kept + rejected,
                    1,
                    "{what}: kept {kept}, rejected {rejected}"
                );
                assert!(
                    leaks(&e, &person).is_empty(),
                    "{what}: {:?}",
                    leaks(&e, &person)
                );
                // What is kept fits a sheet: no text over an Excel cell.
                if let Some(t) = e.table(table) {
                    for c in t.columns() {
                        if let Ok(s) = c.cast(&polars::prelude::DataType::String) {
                            for v in s.str().unwrap().iter().flatten() {
                                assert!(
                                    v.chars().count() <= 32_767,
                                    "{what}: a text over 32,767 kept"
                                );
                            }
                        }
                    }
                }
            }
        }
    }
    assert_eq!(cases, 2 * 7 * values.len());
}

/// All the spoiled rows at once, in the records' files and in a 核实记录
/// sheet and a file named after a person: the night's run publishes.
#[test]
fn a_run_over_every_spoiled_row_publishes() {
    let person = id(7, "19800101");
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir(&input).unwrap();
    extract(&input);
    let mut decisions =
        "community_code,year,stage,decision,opinion,decided_on,decided_by\n".to_string();
    let mut checks = "社区代码,年度,核实事项,核实结果,核实日期,核实人,备注\n".to_string();
    for (k, v) in spoilers(&person).iter().enumerate() {
        for column in 0..7 {
            let mut d = decision_row();
            d[column] = v.clone();
            // A key of its own per row, so no spoiled row is a duplicate.
            if column != 1 {
                d[1] = format!("{}", 1950 + k * 7 + column);
            }
            decisions += &csv_line(&d);
            let mut c = verification_row();
            c[column] = v.clone();
            if column != 1 {
                c[1] = format!("{}", 1950 + k * 7 + column);
            }
            checks += &csv_line(&c);
        }
    }
    write(&input, "decisions.csv", decisions);
    write(&input, &format!("核实记录-{person}.csv"), checks);
    let out = dir.path().join("out");
    let p = pipeline(&dir.path().join("p.toml"), &input, &out, "");
    let run = command()
        .args(["run", "--force", "--pipeline"])
        .arg(&p)
        .args(["--run-date", "2022-01-27"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&run.stdout).to_string();
    let stderr = String::from_utf8_lossy(&run.stderr).to_string();
    assert!(run.status.success(), "{stdout}\n{stderr}");
    let latest = out.join("latest");
    for f in ["manifest.json", "report.html"] {
        let text = std::fs::read_to_string(latest.join(f)).unwrap();
        assert!(!text.contains(&person), "{f} holds a raw identity number");
    }
    assert!(
        !stderr.contains(&person) && !stdout.contains(&person),
        "the log holds a raw identity number"
    );
}
