//! `history/` beside the runs (docs/outputs.md): the review years' rows
//! and the decisions log, on the built binary with the hand-worked extract
//! (tests/support/worked.rs, cut-off 2021-12-31):
//!
//! - a year only the first of three runs covered outlives `keep_runs = 1`,
//!   and a disqualification read by that run stays in the later year's row
//!   when the later runs no longer read it;
//! - a year published twice keeps the later run's row;
//! - killed (SIGKILL) inside the history write, the previous history stays
//!   readable, and the next run, though nothing changed, completes it;
//! - a decision deleted from the 评审记录 sheet is withdrawn, stays in the
//!   log and the report lists it; a changed one is a new version with the
//!   old one marked changed (and `explain` shows both);
//! - both read back with pyarrow and DuckDB in the documented types
//!   (tests/interop/read_history.py).

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

mod support;
use support::{C1, C2, command, fixture, pipeline, write};

const RUN_DATE: &str = "2022-01-21";

/// An extract of the worked fixture, with its output folder: (folder,
/// extract, out).
fn setup() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let extract = dir.path().join("extract");
    std::fs::create_dir(&extract).unwrap();
    fixture(&extract, true);
    let out = dir.path().join("out");
    (dir, extract, out)
}

/// The pipeline file over `years`, then `extra` lines.
fn pipeline_over(dir: &Path, extract: &Path, out: &Path, years: &str, extra: &str) -> PathBuf {
    pipeline(
        &dir.join("pipeline.toml"),
        extract,
        out,
        &format!("as_of = 2021-12-31\nyears = {years}\n{extra}"),
    )
}

fn run_with(p: &Path, force: bool) -> Output {
    let mut args = vec!["--quiet", "run", "--run-date", RUN_DATE];
    if force {
        args.push("--force");
    }
    command()
        .args(args)
        .arg("--pipeline")
        .arg(p)
        .output()
        .unwrap()
}

/// A forced run that must succeed; returns its run id. Waits a second
/// first, so that every run has an id of its own.
fn run_ok(p: &Path) -> String {
    std::thread::sleep(Duration::from_millis(1100));
    let o = run_with(p, true);
    assert!(
        o.status.success(),
        "run failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    latest_id(&p.parent().unwrap().join("out"))
}

fn latest_id(out: &Path) -> String {
    std::fs::canonicalize(out.join("latest"))
        .unwrap()
        .file_name()
        .unwrap()
        .to_string_lossy()
        .to_string()
}

fn read(path: &Path) -> polars::prelude::DataFrame {
    use polars::prelude::*;
    ParquetReader::new(std::fs::File::open(path).unwrap())
        .finish()
        .unwrap()
}

fn year_file(out: &Path, year: i32) -> PathBuf {
    out.join(format!("history/ratings/year={year}/part-0.parquet"))
}

/// (code, a text column) of a year's history rows.
fn texts(out: &Path, year: i32, column: &str) -> Vec<(String, Option<String>)> {
    let df = read(&year_file(out, year));
    let code = fullemp::frame::strings(&df, "community_code").unwrap();
    let v = fullemp::frame::strings(&df, column).unwrap();
    code.into_iter().map(Option::unwrap).zip(v).collect()
}

fn of(rows: &[(String, Option<String>)], code: &str) -> Option<String> {
    rows.iter().find(|(c, _)| c == code).unwrap().1.clone()
}

fn runs(out: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(out.join("runs"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().to_string())
        .collect();
    v.sort();
    v
}

#[test]
fn a_year_only_the_first_run_covered_outlives_keep_runs_and_its_disqualification_carries() {
    let (dir, extract, out) = setup();
    // The province approved C1's disqualification on 2020-06-01 (proposed
    // by the 2019 review): C1 is out of the re-inspection from 2020.
    write(
        &extract,
        "approvals.csv",
        format!(
            "community_code,year,answer,answered_on,document_no\n{C1},2019,同意取消,2020-06-01,豫人社函〔2020〕8号\n"
        ),
    );
    let p = pipeline_over(
        dir.path(),
        &extract,
        &out,
        "[2020, 2021]",
        "keep_runs = 1\n",
    );
    let first = run_ok(&p);
    assert_eq!(
        of(&texts(&out, 2020, "disqualified_on"), C1).as_deref(),
        Some("2020-06-01")
    );
    assert_eq!(of(&texts(&out, 2021, "verdict"), C1), None, "out of scope");

    // The next runs cover 2021 alone, and the approvals sheet is gone.
    std::fs::remove_file(extract.join("approvals.csv")).unwrap();
    let p = pipeline_over(dir.path(), &extract, &out, "[2021]", "keep_runs = 1\n");
    let second = run_ok(&p);
    let third = run_ok(&p);
    assert_eq!(
        runs(&out),
        [third.as_str()],
        "keep_runs = 1 pruned the others"
    );

    // 2020: only the first run covered it, and its run folder is gone.
    assert!(!out.join("runs").join(&first).exists());
    let y2020 = texts(&out, 2020, "run_id");
    assert_eq!(y2020.len(), 3, "one row per community");
    assert!(
        y2020
            .iter()
            .all(|(_, r)| r.as_deref() == Some(first.as_str()))
    );
    assert_eq!(
        of(&texts(&out, 2020, "provincial_since"), C1).as_deref(),
        Some("2015")
    );
    // 2021: the third run's; C1 is rated again (no revocation read), yet
    // its 2021 row still says it was disqualified in 2020, carried from 2020.
    assert!(
        texts(&out, 2021, "run_id")
            .iter()
            .all(|(_, r)| r.as_deref() == Some(third.as_str()))
    );
    assert_eq!(
        of(&texts(&out, 2021, "verdict"), C1).as_deref(),
        Some("fail")
    );
    assert_eq!(
        of(&texts(&out, 2021, "disqualified_on"), C1).as_deref(),
        Some("2020-06-01")
    );
    assert_eq!(of(&texts(&out, 2021, "disqualified_on"), C2), None);
    // The approval the sheet no longer holds is withdrawn from the second
    // run on, and kept.
    let log = read(&out.join("history/decisions_log.parquet"));
    let s = |c: &str| fullemp::frame::strings(&log, c).unwrap();
    assert_eq!(s("table"), [Some("approvals".to_string())]);
    assert_eq!(s("status"), [Some("withdrawn".to_string())]);
    assert_eq!(s("withdrawn_run"), [Some(second.clone())]);
    assert_eq!(s("first_read_run"), [Some(first.clone())]);
    assert_eq!(s("file"), [Some("approvals.csv".to_string())]);
    assert_eq!(fullemp::frame::ints(&log, "row").unwrap(), [Some(2)]);
    // Nothing half-written is left.
    assert!(
        support::files(&out.join("history")).iter().all(|f| !f
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with('.'))
    );
}

#[test]
fn a_year_published_twice_keeps_the_later_run() {
    let (dir, extract, out) = setup();
    let p = pipeline_over(dir.path(), &extract, &out, "[2020, 2021]", "");
    let first = run_ok(&p);
    assert_eq!(
        of(&texts(&out, 2021, "verdict"), C1).as_deref(),
        Some("fail")
    );
    assert_eq!(
        of(&texts(&out, 2021, "run_id"), C1).as_deref(),
        Some(first.as_str())
    );
    // Rules under which C1 passes 2021: the later run's row replaces it.
    let p = pipeline_over(
        dir.path(),
        &extract,
        &out,
        "[2020, 2021]",
        support::C1_PASSES,
    );
    let second = run_ok(&p);
    assert_ne!(first, second);
    for year in [2020, 2021] {
        assert!(
            texts(&out, year, "run_id")
                .iter()
                .all(|(_, r)| r.as_deref() == Some(second.as_str())),
            "{year}"
        );
    }
    assert_eq!(
        of(&texts(&out, 2021, "verdict"), C1).as_deref(),
        Some("pass")
    );
    assert_eq!(
        read(&year_file(&out, 2021)).height(),
        3,
        "replaced, not added"
    );
}

/// A run held at a fault point (the `fault-injection` hook, src/fault.rs).
fn spawn_held(p: &Path, point: &str, hold: &Path) -> std::process::Child {
    command()
        .args([
            "--quiet",
            "run",
            "--force",
            "--run-date",
            RUN_DATE,
            "--pipeline",
        ])
        .arg(p)
        .env("FULLEMP_TEST_HOLD", point)
        .env("FULLEMP_TEST_HOLD_DIR", hold)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn wait_reached(child: &mut std::process::Child, flag: &Path) {
    let start = Instant::now();
    while !flag.exists() {
        if let Some(status) = child.try_wait().unwrap() {
            let mut err = String::new();
            std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut err).unwrap();
            panic!("the run ended ({status}) before its history write:\n{err}");
        }
        assert!(start.elapsed() < Duration::from_secs(300), "never reached");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn killed_inside_the_history_write_the_old_history_stays_and_the_next_run_completes_it() {
    let (dir, extract, out) = setup();
    let p = pipeline_over(dir.path(), &extract, &out, "[2020, 2021]", "");
    let first = run_ok(&p);
    let log_before = std::fs::read(out.join("history/decisions_log.parquet")).unwrap();
    let years_before: Vec<Vec<u8>> = [2020, 2021]
        .iter()
        .map(|y| std::fs::read(year_file(&out, *y)).unwrap())
        .collect();

    let hold = dir.path().join("hold");
    std::fs::create_dir(&hold).unwrap();
    std::thread::sleep(Duration::from_millis(1100));
    let mut child = spawn_held(&p, "history-write", &hold);
    wait_reached(&mut child, &hold.join("history-write.reached"));
    child.kill().unwrap(); // SIGKILL: no destructor, no cleanup
    child.wait().unwrap();

    // The run itself was committed before its history.
    let killed = latest_id(&out);
    assert_ne!(killed, first);
    // The old history is whole and readable; the new log's temporary is
    // half-written beside it.
    assert_eq!(
        std::fs::read(out.join("history/decisions_log.parquet")).unwrap(),
        log_before
    );
    for (y, before) in [2020, 2021].iter().zip(&years_before) {
        assert_eq!(&std::fs::read(year_file(&out, *y)).unwrap(), before);
        assert!(
            texts(&out, *y, "run_id")
                .iter()
                .all(|(_, r)| r.as_deref() == Some(first.as_str()))
        );
    }
    read(&out.join("history/decisions_log.parquet"));
    let temp = out.join(format!("history/.decisions_log.parquet.{killed}.tmp"));
    assert!(temp.is_file(), "{:?}", support::files(&out.join("history")));

    // Nothing changed, yet the next run does not stop at "nothing to do":
    // it publishes again and completes the history.
    std::thread::sleep(Duration::from_millis(1100));
    let o = run_with(&p, false);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let next = latest_id(&out);
    assert_ne!(next, killed);
    for y in [2020, 2021] {
        assert!(
            texts(&out, y, "run_id")
                .iter()
                .all(|(_, r)| r.as_deref() == Some(next.as_str()))
        );
    }
    assert!(!temp.exists(), "the stale temporary is removed");
    // And now there is nothing to do.
    let o = run_with(&p, false);
    assert!(o.status.success());
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("nothing to do"),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    assert_eq!(latest_id(&out), next);
}

/// The 评审记录 working sheet as the bureau drops it back: a title row, the
/// two-row header, C1's 2021 application on sheet row 4 with the decisions
/// given (stage, decision, date), the street's opinion holding an identity
/// number.
fn decision_sheet(extract: &Path, decisions: &[(&str, &str, &str)]) {
    use rust_xlsxwriter::Workbook;
    let stages = ["街道审核", "县级实地考察", "县级初选"];
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("评审记录").unwrap();
    ws.write(0, 0, "充分就业社区评审记录").unwrap();
    ws.write(1, 0, "申报信息").unwrap();
    for (k, f) in [
        "社区代码",
        "社区名称",
        "所在区县",
        "所在街道",
        "年度",
        "申报类型",
        "申报日期",
    ]
    .iter()
    .enumerate()
    {
        ws.write(2, k as u16, *f).unwrap();
    }
    for (s, stage) in stages.iter().enumerate() {
        let at = 7 + 4 * s as u16;
        ws.write(1, at, *stage).unwrap();
        for (k, f) in ["结论", "意见", "日期", "决定单位"].iter().enumerate() {
            ws.write(2, at + k as u16, *f).unwrap();
        }
    }
    for (k, v) in [C1, "光明社区", "新华区", "中兴路街道"].iter().enumerate() {
        ws.write(3, k as u16, *v).unwrap();
    }
    ws.write(3, 4, 2021).unwrap();
    ws.write(3, 5, "星级").unwrap();
    for (stage, decision, on) in decisions {
        let at = 7 + 4 * stages.iter().position(|s| s == stage).unwrap() as u16;
        ws.write(3, at, *decision).unwrap();
        ws.write(3, at + 2, *on).unwrap();
    }
    // The street's opinion names a person by identity number.
    ws.write(3, 8, format!("同意推荐。经办人 {}", support::p("P1")))
        .unwrap();
    wb.save(extract.join("评审记录-全市.xlsx")).unwrap();
}

const NIGHT_ONE: [(&str, &str, &str); 3] = [
    ("街道审核", "同意", "2022-01-05"),
    ("县级实地考察", "合格", "2022-01-08"),
    ("县级初选", "推荐", "2022-01-10"),
];

fn report(out: &Path) -> String {
    std::fs::read_to_string(out.join("latest/report.html")).unwrap()
}

/// The report's changes section (八、与上次运行相比的变化).
fn changes_section(out: &Path) -> String {
    let html = report(out);
    let at = html.find("id=\"changes\"").expect("the changes section");
    let end = html[at..].find("</section>").unwrap();
    html[at..at + end].to_string()
}

#[test]
fn a_decision_deleted_from_the_sheet_is_withdrawn_kept_in_the_log_and_reported() {
    let (dir, extract, out) = setup();
    let p = pipeline_over(dir.path(), &extract, &out, "[2020, 2021]", "");
    decision_sheet(&extract, &NIGHT_ONE);
    let first = run_ok(&p);
    assert!(
        changes_section(&out).contains("记录审计日志(history/decisions_log.parquet)自本次运行开始"),
        "{}",
        changes_section(&out)
    );
    // The next night the clerk has cleared the 县级初选 cells.
    decision_sheet(&extract, &NIGHT_ONE[..2]);
    let second = run_ok(&p);
    let section = changes_section(&out);
    assert!(
        section
            .contains("2022-01-21 评审记录中删除了 光明社区(410402001001)2021年度 县级初选 的结论"),
        "{section}"
    );
    assert!(
        section.contains("工作表记录的删除与改动(1 条)"),
        "{section}"
    );
    // The log keeps it, withdrawn; pyarrow and DuckDB read both tables.
    let py = Command::new("python3")
        .arg("tests/interop/read_history.py")
        .arg(&out)
        .arg(&first)
        .arg(&second)
        .output()
        .unwrap();
    assert!(
        py.status.success(),
        "history interop failed:\n{}\n{}",
        String::from_utf8_lossy(&py.stdout),
        String::from_utf8_lossy(&py.stderr)
    );
    // A third night reading the same sheet has nothing to report, and the
    // withdrawn version stays.
    let _third = run_ok(&p);
    let section = changes_section(&out);
    assert!(
        section.contains("工作表记录的删除与改动(0 条)"),
        "{section}"
    );
    let log = read(&out.join("history/decisions_log.parquet"));
    assert_eq!(log.height(), 3);
    assert_eq!(
        fullemp::frame::strings(&log, "withdrawn_run")
            .unwrap()
            .into_iter()
            .flatten()
            .collect::<Vec<_>>(),
        [second]
    );
}

#[test]
fn a_changed_decision_is_a_new_version_with_the_old_one_marked_changed() {
    let (dir, extract, out) = setup();
    let p = pipeline_over(dir.path(), &extract, &out, "[2020, 2021]", "");
    decision_sheet(&extract, &NIGHT_ONE);
    let first = run_ok(&p);
    let mut night_two = NIGHT_ONE;
    night_two[2] = ("县级初选", "不推荐", "2022-01-12");
    decision_sheet(&extract, &night_two);
    let second = run_ok(&p);
    let section = changes_section(&out);
    assert!(
        section.contains(
            "2022-01-21 评审记录中 光明社区(410402001001)2021年度 县级初选 的结论由 推荐 改为 不推荐,日期由 2022-01-10 改为 2022-01-12"
        ),
        "{section}"
    );

    let log = read(&out.join("history/decisions_log.parquet"));
    let s = |c: &str| fullemp::frame::strings(&log, c).unwrap();
    let (stage, decision, status, first_read) =
        (s("stage"), s("decision"), s("status"), s("first_read_run"));
    let version = fullemp::frame::ints(&log, "version").unwrap();
    // The identity number typed into an opinion never reaches the log.
    let raw = support::p("P1");
    let street = (0..log.height())
        .find(|&i| stage[i].as_deref() == Some("街道审核"))
        .unwrap();
    let opinion = s("opinion")[street].clone().unwrap();
    assert!(
        opinion.starts_with("同意推荐。经办人 ")
            && opinion.contains(&raw[..6])
            && !opinion.contains(&raw),
        "masked: {}",
        opinion.replace(&raw, "<raw>")
    );
    let selection: Vec<[Option<String>; 4]> = (0..log.height())
        .filter(|&i| stage[i].as_deref() == Some("县级初选"))
        .map(|i| {
            [
                decision[i].clone(),
                version[i].map(|v| v.to_string()),
                status[i].clone(),
                first_read[i].clone(),
            ]
        })
        .collect();
    let some = |v: &str| Some(v.to_string());
    assert_eq!(
        selection,
        [
            [some("推荐"), some("1"), some("changed"), some(&first)],
            [some("不推荐"), some("2"), some("current"), some(&second)],
        ]
    );

    // explain shows the versions and the community's years.
    let o = command()
        .args(["explain", C1, "--json", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let years: Vec<i64> = doc["history"]["years"]
        .as_array()
        .unwrap()
        .iter()
        .map(|y| y["year"].as_i64().unwrap())
        .collect();
    assert_eq!(years, [2020, 2021]);
    assert_eq!(doc["history"]["years"][1]["provincial_since"], 2015);
    assert_eq!(doc["history"]["years"][1]["verdict"], "fail");
    let versions: Vec<(String, i64, String)> = doc["history"]["records"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["stage"] == "县级初选")
        .map(|r| {
            (
                r["decision"].as_str().unwrap().to_string(),
                r["version"].as_i64().unwrap(),
                r["status"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        versions,
        [
            ("推荐".to_string(), 1, "changed".to_string()),
            ("不推荐".to_string(), 2, "current".to_string()),
        ]
    );
    assert!(
        doc["history"]["records"][0].get("detector").is_none(),
        "a decision shows its own columns only"
    );
    let o = command()
        .args(["explain", C1, "--out"])
        .arg(&out)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("历年复查 History across review years"),
        "{text}"
    );
    assert!(
        text.contains("评审记录 2021年度 县级初选 v1: 结论 推荐  [已改动 changed]"),
        "{text}"
    );
    assert!(
        text.contains("评审记录 2021年度 县级初选 v2: 结论 不推荐  [现行 current]"),
        "{text}"
    );
}
