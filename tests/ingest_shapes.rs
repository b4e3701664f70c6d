//! Registry extracts as bureau desktops save them (docs/data-contract.md,
//! "Spreadsheets as they are kept"): the same rows as a clean extract, laid
//! out by `tests/shapes/make_shapes.py` with openpyxl (title rows, a two-row
//! header, merged county cells, totals and notes, full-width and numeric
//! identifiers) and saved again by LibreOffice as XLSX and as CSV, in UTF-8
//! and GB18030. Each must read to the typed frames of the clean file; the
//! identity numbers Excel turned into numbers are rejected one by one, with
//! their line and a reason a clerk can act on.
//!
//! Needs python3 with openpyxl (`scripts/test` sets it up) and LibreOffice
//! (`soffice`, Debian `libreoffice-calc-nogui`, installed by `.ci/run`).

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use fullemp::config::Pipeline;
use fullemp::contract::Table;
use fullemp::ingest::{Extract, RejectReason, read_extract};
use polars::prelude::*;
use support::*;

const COMMUNITIES_ZH: [&str; 4] = ["社区代码", "社区名称", "所在区县", "所在街道"];
const PERSONS_ZH: [&str; 7] = [
    "公民身份号码",
    "社区代码",
    "户编号",
    "性别",
    "出生日期",
    "有无劳动能力",
    "登记日期",
];

/// Four communities in two counties, county and street the same over runs
/// of rows (what a register kept by hand merges).
fn communities() -> Vec<[String; 4]> {
    [
        [COMMUNITY, "光明社区", "新华区", "中兴路街道"],
        ["410402001002", "和平社区", "新华区", "中兴路街道"],
        ["410402002001", "东风社区", "新华区", "西市场街道"],
        ["410403001001", "建设社区", "卫东区", "东安路街道"],
    ]
    .map(|r| r.map(str::to_string))
    .to_vec()
}

/// Six persons; the second and fourth are the ones whose identity numbers
/// the numeric shape turns into Excel numbers.
fn persons() -> Vec<[String; 7]> {
    let row = |birth: &str, n: u32, community: &str, gender: &str, able: &str| {
        let date = format!("{}-{}-{}", &birth[..4], &birth[4..6], &birth[6..]);
        [
            id(n, birth),
            community.to_string(),
            format!("H{n:03}"),
            gender.to_string(),
            date,
            able.to_string(),
            "2020-01-01".to_string(),
        ]
    };
    vec![
        row("19800501", 1, COMMUNITY, "男", "是"),
        row("19850101", 2, COMMUNITY, "女", "是"),
        row("19900102", 3, "410402001002", "男", "否"),
        row("19750101", 4, "410402002001", "女", "是"),
        row("19700101", 5, "410403001001", "男", "是"),
        row("19881231", 6, COMMUNITY, "女", "是"),
    ]
}

fn csv_of<const N: usize>(headers: &[&str; N], rows: &[[String; N]]) -> String {
    let mut text = headers.join(",") + "\n";
    for r in rows {
        text += &(r.join(",") + "\n");
    }
    text
}

/// The minimal extract with the clean communities and persons tables.
fn clean_extract() -> tempfile::TempDir {
    let dir = minimal_extract();
    replace(
        dir.path(),
        "communities.csv",
        csv_of(&COMMUNITIES_ZH, &communities()).as_bytes(),
    );
    replace(
        dir.path(),
        "persons.csv",
        csv_of(&PERSONS_ZH, &persons()).as_bytes(),
    );
    dir
}

fn read(dir: &Path) -> Extract {
    read_extract(&Pipeline::new(dir, dir.join("out"))).expect("read_extract")
}

/// A typed table without `source_line`, which is the file's own.
fn typed(e: &Extract, t: Table) -> DataFrame {
    e.table(t)
        .unwrap_or_else(|| panic!("table {t} read"))
        .drop("source_line")
        .unwrap()
}

/// Every shape, each in its folder `<shape>-<writer>`.
fn make_shapes() -> (tempfile::TempDir, Vec<PathBuf>) {
    let work = tempfile::tempdir().unwrap();
    let request = serde_json::json!({
        "communities": {"headers": COMMUNITIES_ZH, "rows": communities()},
        "persons": {"headers": PERSONS_ZH, "rows": persons()},
    });
    let request_path = work.path().join("request.json");
    std::fs::write(&request_path, request.to_string()).unwrap();
    let out = work.path().join("shapes");
    std::fs::create_dir(&out).unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/shapes/make_shapes.py");
    let run = Command::new("python3")
        .arg(&script)
        .arg(&request_path)
        .arg(&out)
        .output()
        .expect("python3 runs (scripts/test puts the test environment first on PATH)");
    assert!(
        run.status.success(),
        "make_shapes.py failed (needs openpyxl and LibreOffice's soffice):\n{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let mut folders: Vec<PathBuf> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            ["-openpyxl", "-libreoffice", "-csv-utf-8", "-csv-gb18030"]
                .iter()
                .any(|w| name.ends_with(w))
        })
        .collect();
    folders.sort();
    (work, folders)
}

/// "Every shape above reads to the same indicators as the clean extract":
/// the typed frames are equal, cell for cell, to the clean file's; the
/// identity numbers saved as numbers are rejected one by one.
#[test]
fn every_saved_shape_reads_as_the_clean_extract() {
    let clean_dir = clean_extract();
    let clean = read(clean_dir.path());
    assert!(clean.problems.is_empty() && clean.rejects.is_empty());
    let (_work, folders) = make_shapes();
    let names: Vec<String> = folders
        .iter()
        .map(|f| f.file_name().unwrap().to_string_lossy().to_string())
        .collect();
    // 6 persons shapes × 4 writers, the merged roster × 2 (no CSV: it has no merges).
    assert_eq!(folders.len(), 26, "{names:?}");
    let mut failures = Vec::new();
    for (folder, name) in folders.iter().zip(&names) {
        let dir = clean_extract();
        for f in std::fs::read_dir(folder).unwrap() {
            let f = f.unwrap().path();
            let file = f.file_name().unwrap().to_str().unwrap().to_string();
            replace(dir.path(), &file, &std::fs::read(&f).unwrap());
        }
        let e = read(dir.path());
        if !e.problems.is_empty() {
            failures.push(format!("{name}: {:?}", e.problems));
            continue;
        }
        let numeric = name.starts_with("numeric_ids");
        let mut want = typed(&clean, Table::Persons);
        if numeric {
            // The second and fourth persons are rejected: sheet rows (lines) 3 and 5.
            let got: Vec<(u64, &str, RejectReason)> = e
                .rejects
                .iter()
                .map(|r| (r.line, r.column.as_str(), r.reason))
                .collect();
            let expected = vec![
                (3, "person_id", RejectReason::NumberIdentifier),
                (5, "person_id", RejectReason::NumberIdentifier),
            ];
            if got != expected {
                failures.push(format!("{name}: rejects {:?}", e.rejects));
            }
            for r in &e.rejects {
                let said = r.describe();
                if !(said.contains("identifier saved as a number")
                    && said.contains("Excel keeps only 15 significant digits")
                    && said.contains("export the column as text"))
                {
                    failures.push(format!("{name}: {said}"));
                }
                for p in persons() {
                    assert!(!said.contains(&p[0]), "{name}: raw identifier in a reject");
                    assert!(
                        !said.contains(&p[0][..15]),
                        "{name}: raw digits in a reject"
                    );
                }
            }
            let keep =
                BooleanChunked::from_slice("keep".into(), &[true, false, true, false, true, true]);
            want = want.filter(&keep).unwrap();
        } else if !e.rejects.is_empty() {
            failures.push(format!("{name}: rejects {:?}", e.rejects));
            continue;
        }
        for (table, want) in [
            (Table::Persons, want),
            (Table::Communities, typed(&clean, Table::Communities)),
        ] {
            let got = typed(&e, table);
            if !got.equals_missing(&want) {
                // Which columns, not the values: they hold identity numbers.
                let differing: Vec<String> = want
                    .get_column_names()
                    .into_iter()
                    .filter(|c| {
                        let (g, w) = (got.column(c), want.column(c));
                        match (g, w) {
                            (Ok(g), Ok(w)) => !g
                                .as_materialized_series()
                                .equals_missing(w.as_materialized_series()),
                            _ => true,
                        }
                    })
                    .map(|c| c.to_string())
                    .collect();
                failures.push(format!(
                    "{name}: {table} differs in {differing:?} ({} rows, wanted {})",
                    got.height(),
                    want.height()
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
