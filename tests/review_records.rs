//! The panel's records read back (docs/data-contract.md, "The panel's
//! records"): `decisions` and `verifications` from their own files and from
//! the working sheets (评审记录 unpivoted per stage, 核实记录 with the rows
//! awaiting a check skipped), put together across files, and each bad row
//! rejected with its reason; then the status derived from them, against a
//! hand-worked fixture and end to end on the bundled sample.
//!
//! The sheet tests need python3 with openpyxl and LibreOffice (`soffice`),
//! as `tests/ingest_shapes.rs` does.

mod support;

use std::path::Path;
use std::process::Command;

use chrono::NaiveDate;
use fullemp::config::{Pipeline, Review};
use fullemp::contract::Table;
use fullemp::ingest::{Extract, Reject, RejectReason, read_checked};
use fullemp::ratings::Publicity;
use fullemp::ratings::status::{StatusInputs, status};
use polars::prelude::*;
use support::*;

const C2: &str = "410402001002";
const C3: &str = "410402001003";
const C4: &str = "410402001004";

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// The minimal extract with four communities and their 2021 applications
/// (C1 submitted 2022-01-05, the others without a date).
fn extract() -> tempfile::TempDir {
    let dir = minimal_extract();
    replace(
        dir.path(),
        "communities.csv",
        format!(
            "community_code,community_name,county,street\n\
             {COMMUNITY},新华社区,新华区,中兴路街道\n{C2},和平社区,新华区,中兴路街道\n\
             {C3},东风社区,新华区,西市场街道\n{C4},建设社区,新华区,西市场街道\n"
        )
        .as_bytes(),
    );
    write(
        dir.path(),
        "applications.csv",
        format!(
            "community_code,year,applied_level,submitted_on\n\
             {COMMUNITY},2021,市级,2022-01-05\n{C2},2021,市级,\n{C3},2021,星级,\n{C4},2021,市级,\n"
        ),
    );
    dir
}

fn read(dir: &Path) -> Extract {
    read_checked(
        &Pipeline::new(dir, dir.join("out")),
        &fullemp::detectors::ids(),
    )
    .expect("read_checked never fails on bad input")
}

fn rejects_of(e: &Extract, t: Table) -> Vec<&Reject> {
    e.rejects.iter().filter(|r| r.table == t).collect()
}

const DECISIONS: &str = "community_code,year,stage,decision,opinion,decided_on,decided_by\n";

/// `file` of `table` holding `good` (its header and `kept` good rows) then
/// `bad`: exactly one reject, of the bad row's line, returned; the good rows
/// kept, and the run not stopped (the panel's records never stop it).
fn one_bad_row(table: Table, file: &str, good: String, kept: usize, bad: &str) -> Reject {
    let dir = extract();
    write(dir.path(), file, format!("{good}{bad}\n"));
    let e = read(dir.path());
    let rejects = rejects_of(&e, table);
    assert_eq!(rejects.len(), 1, "{rejects:?}");
    let r = rejects[0].clone();
    assert_eq!((r.file.as_str(), r.line), (file, kept as u64 + 2), "{r:?}");
    assert_eq!(e.table(table).unwrap().height(), kept);
    // One row rejected, yet the panel's records never stop the run.
    assert!(e.over_ratio.is_empty(), "{:?}", e.over_ratio);
    let input = e.inputs.iter().find(|i| i.table == table).unwrap();
    assert_eq!(input.rows_rejected, 1);
    r
}

/// decisions.csv with a good street decision for C1 (line 2) and `bad` on
/// line 3.
fn one_bad_decision(bad: &str) -> Reject {
    let good =
        format!("{DECISIONS}{COMMUNITY},2021,街道审核,同意,同意,2022-01-10,中兴路街道办事处\n");
    one_bad_row(Table::Decisions, "decisions.csv", good, 1, bad)
}

#[test]
fn a_decision_for_a_community_not_in_the_roster_is_rejected() {
    let r = one_bad_decision("410499999999,2021,街道审核,同意,,2022-01-10,");
    assert_eq!(r.reason, RejectReason::UnknownCommunity);
    assert_eq!(r.column, "community_code");
    assert_eq!(r.value.as_deref(), Some("410499999999"));
}

#[test]
fn a_decision_without_an_application_for_its_year_is_rejected() {
    let r = one_bad_decision(&format!("{COMMUNITY},2020,街道审核,同意,,2021-01-10,"));
    assert_eq!(r.reason, RejectReason::NoApplication);
    assert!(r.detail.contains("2020"), "{r:?}");
}

#[test]
fn a_decision_outside_its_stage_values_is_rejected() {
    let r = one_bad_decision(&format!("{C2},2021,街道审核,合格,,2022-01-10,"));
    assert_eq!(r.reason, RejectReason::OutsideStage);
    assert_eq!(r.column, "decision");
    assert_eq!(r.value.as_deref(), Some("合格"));
    assert!(r.detail.contains("同意/不同意"), "{r:?}");
}

#[test]
fn a_decision_dated_before_the_application_is_rejected() {
    // C1 was submitted on 2022-01-05; its county decision is dated earlier.
    let r = one_bad_decision(&format!("{COMMUNITY},2021,县级初选,推荐,,2022-01-04,"));
    assert_eq!(r.reason, RejectReason::BeforeSubmission);
    assert_eq!(r.column, "decided_on");
    assert!(r.detail.contains("2022-01-05"), "{r:?}");
}

#[test]
fn a_later_stage_without_the_earlier_one_is_rejected() {
    let r = one_bad_decision(&format!("{C2},2021,县级初选,推荐,,2022-01-12,"));
    assert_eq!(r.reason, RejectReason::StageOutOfOrder);
    assert_eq!(r.column, "stage");
    assert!(r.detail.contains("no accepted 县级实地考察"), "{r:?}");
}

/// The county selects after its site visit (the notice's order): a selection
/// whose community the county has not visited is rejected, naming the visit.
#[test]
fn a_county_selection_before_its_site_visit_is_rejected() {
    let dir = extract();
    write(
        dir.path(),
        "decisions.csv",
        format!(
            "{DECISIONS}{C2},2021,街道审核,同意,,2022-01-10,\n{C2},2021,县级初选,推荐,,2022-01-12,\n\
             {C2},2021,县级实地考察,合格,,2022-01-13,\n"
        ),
    );
    let e = read(dir.path());
    let rejects = rejects_of(&e, Table::Decisions);
    assert_eq!(rejects.len(), 0, "by header, in any row order: {rejects:?}");
    // The visit recorded under its former name is the same stage.
    write(
        dir.path(),
        "decisions.csv",
        format!(
            "{DECISIONS}{C2},2021,街道审核,同意,,2022-01-10,\n{C2},2021,实地考察,不合格,,2022-01-11,\n\
             {C2},2021,县级初选,推荐,,2022-01-12,\n"
        ),
    );
    let e = read(dir.path());
    let rejects = rejects_of(&e, Table::Decisions);
    assert_eq!(rejects.len(), 1, "{rejects:?}");
    assert_eq!(rejects[0].line, 4);
    assert!(
        rejects[0].detail.contains("县级实地考察 decided 不合格"),
        "{:?}",
        rejects[0]
    );
}

#[test]
fn a_later_stage_after_a_negative_one_is_rejected() {
    let dir = extract();
    write(
        dir.path(),
        "decisions.csv",
        format!(
            "{DECISIONS}{C2},2021,街道审核,不同意,资料不全,2022-01-10,\n{C2},2021,县级实地考察,合格,,2022-01-12,\n"
        ),
    );
    let e = read(dir.path());
    let rejects = rejects_of(&e, Table::Decisions);
    assert_eq!(rejects.len(), 1, "{rejects:?}");
    assert_eq!(rejects[0].reason, RejectReason::StageOutOfOrder);
    assert_eq!(rejects[0].line, 3);
    assert!(rejects[0].detail.contains("街道审核 decided 不同意"));
}

#[test]
fn a_decision_with_a_value_of_no_stage_is_rejected() {
    let r = one_bad_decision(&format!("{C2},2021,街道审核,通过,,2022-01-10,"));
    assert_eq!(r.reason, RejectReason::OutsideStage);
}

#[test]
fn a_decision_of_a_stage_not_in_the_list_is_rejected_naming_the_stages() {
    let r = one_bad_decision(&format!("{C2},2021,市级评审,合格,,2022-01-20,"));
    assert_eq!(
        (r.reason, r.column.as_str()),
        (RejectReason::NotAllowed, "stage")
    );
    assert!(
        r.detail
            .contains("街道审核 → 县级实地考察 → 县级初选 → 市级交叉考核 → 公示 → 发文确认"),
        "{r:?}"
    );
}

const VERIFICATIONS: &str = "community_code,year,detector,result,checked_on,checked_by,note\n";

/// verifications.csv with two good checks (lines 2 and 3) and `bad` on
/// line 4.
fn one_bad_verification(bad: &str) -> Reject {
    let good = format!(
        "{VERIFICATIONS}{COMMUNITY},2021,claimed_vs_registry,属实,2022-01-20,核查组,\n{C2},2021,抽查,不属实,2022-01-21,,\n"
    );
    one_bad_row(Table::Verifications, "verifications.csv", good, 2, bad)
}

#[test]
fn a_verification_of_an_unknown_community_is_rejected() {
    let r = one_bad_verification("410499999999,2021,bulk_backfill,属实,2022-01-20,,");
    assert_eq!(r.reason, RejectReason::UnknownCommunity);
    assert_eq!(r.line, 4);
}

#[test]
fn a_verification_of_an_unknown_detector_is_rejected() {
    let r = one_bad_verification(&format!("{C3},2021,made_up_check,属实,2022-01-20,,"));
    assert_eq!(r.reason, RejectReason::UnknownDetector);
    assert_eq!(r.column, "detector");
    assert_eq!(r.value.as_deref(), Some("made_up_check"));
}

#[test]
fn the_same_row_in_two_files_counts_once_and_a_different_one_is_a_duplicate_key() {
    let dir = extract();
    write(
        dir.path(),
        "verifications.csv",
        format!(
            "{VERIFICATIONS}{COMMUNITY},2021,claimed_vs_registry,属实,2022-01-20,核查组,\n{C2},2021,bulk_backfill,不属实,2022-01-21,核查组,\n"
        ),
    );
    // The working sheet, as CSV, repeats both: the first as it is (its date
    // spelt otherwise), the second with another result.
    write(
        dir.path(),
        "核实记录-全市.csv",
        "社区代码,社区名称,年度,核实事项,核实结果,核实日期,核实人,备注\n\
         410402001001,新华社区,2021,claimed_vs_registry,属实,2022/1/20,核查组,\n\
         410402001002,和平社区,2021,bulk_backfill,属实,2022-01-21,核查组,\n\
         410402001003,东风社区,2021,bulk_backfill,,,,\n",
    );
    let e = read(dir.path());
    let v = e.table(Table::Verifications).unwrap();
    assert_eq!(v.height(), 2, "{v}");
    let rejects = rejects_of(&e, Table::Verifications);
    assert_eq!(rejects.len(), 1, "{rejects:?}");
    let r = rejects[0];
    assert_eq!(r.reason, RejectReason::DuplicateKey);
    assert_eq!((r.file.as_str(), r.line), ("核实记录-全市.csv", 3));
    assert!(
        r.detail.contains("verifications.csv line 3"),
        "the reject names the row kept: {r:?}"
    );
    // The open item (row 4: nothing filled in) is neither read nor rejected.
    let sheet = e
        .inputs
        .iter()
        .find(|i| i.path.ends_with("核实记录-全市.csv"))
        .unwrap();
    assert_eq!((sheet.rows_read, sheet.rows_rejected), (2, 1));
}

#[test]
fn without_the_records_nothing_is_missing_and_nothing_is_read() {
    let dir = extract();
    let e = read(dir.path());
    assert!(e.table(Table::Decisions).is_none());
    assert!(!e.missing_optional.contains(&Table::Decisions));
    assert!(!e.missing_optional.contains(&Table::Verifications));
    assert!(e.rejects.is_empty(), "{:?}", e.rejects);
}

// ---- the working sheets, as openpyxl writes them and LibreOffice saves them

fn date(s: &str) -> serde_json::Value {
    serde_json::json!({ "date": s })
}

fn sheets_request() -> serde_json::Value {
    let upper = serde_json::json!([
        ["申报信息", 7],
        ["街道审核", 4],
        ["县级初选", 4],
        ["实地考察", 4],
        ["市级考核", 4],
        ["公示", 4],
        ["发文确认", 4]
    ]);
    let mut lower: Vec<&str> = vec![
        "社区代码",
        "社区名称",
        "所在区县",
        "所在街道",
        "年度",
        "申报类型",
        "申报日期",
    ];
    for _ in 0..6 {
        lower.extend(["结论", "意见", "日期", "决定单位"]);
    }
    let app = |code: &str, name: &str| {
        let mut r = vec![
            serde_json::json!(code),
            serde_json::json!(name),
            serde_json::json!("新华区"),
            serde_json::json!("中兴路街道"),
            serde_json::json!(2021),
            serde_json::json!("市级"),
            date("2022-01-05"),
        ];
        r.extend(std::iter::repeat_n(serde_json::Value::Null, 24));
        r
    };
    let mut a = app(COMMUNITY, "新华社区");
    a[7..11].clone_from_slice(&[
        "同意".into(),
        "同意推荐。".into(),
        date("2022-01-10"),
        "中兴路街道办事处".into(),
    ]);
    a[11..15].clone_from_slice(&[
        "推荐".into(),
        serde_json::Value::Null,
        "2022/01/12".into(),
        "新华区人社局".into(),
    ]);
    // The sheet is in the old column order (县级初选 before 实地考察, read by
    // header): C1's visit is in the 实地考察 group, to the right.
    a[15..19].clone_from_slice(&[
        "合格".into(),
        serde_json::Value::Null,
        date("2022-01-11"),
        "新华区人社局".into(),
    ]);
    let mut b = app(C2, "和平社区");
    b[7..11].clone_from_slice(&[
        "不同意".into(),
        "资料不全".into(),
        date("2022-01-11"),
        "中兴路街道办事处".into(),
    ]);
    let mut c = app(C3, "东风社区");
    c[7..10].clone_from_slice(&["同意".into(), serde_json::Value::Null, date("2022-01-10")]);
    // 县级初选 with an opinion but no 结论: a reject, not a decision.
    c[12] = "待复核".into();
    let nothing = app(C4, "建设社区");
    let headers = serde_json::json!([
        "社区代码",
        "社区名称",
        "所在区县",
        "年度",
        "核实事项",
        "事项名称",
        "严重程度",
        "疑点说明",
        "核实结果",
        "核实日期",
        "核实人",
        "备注"
    ]);
    serde_json::json!({
        "decisions": {
            "评审记录-新华区.xlsx": {
                "title": "2021年度充分就业社区评审记录(新华区)",
                "upper": upper, "lower": lower, "rows": [a, b, c, nothing]
            }
        },
        "verifications": {
            "核实记录.xlsx": {
                "title": "疑点核实记录",
                "headers": headers,
                "rows": [
                    [COMMUNITY, "新华社区", "新华区", 2021, "claimed_vs_registry", "自报与台账不符", "高",
                     "自报就业率高于台账", "属实", date("2022-01-20"), "核查组", "6 人无就业记录"],
                    [C2, "和平社区", "新华区", 2021, "bulk_backfill", "集中补录", "中",
                     "年底集中录入", null, null, null, null],
                    [C3, "东风社区", "新华区", 2021, "抽查", "随机抽查", "", "", "不属实", "2022-01-22", "核查组", null]
                ]
            }
        }
    })
}

/// The sheets of the request, in `<out>/openpyxl` and `<out>/libreoffice`.
fn make_sheets(request: &serde_json::Value) -> tempfile::TempDir {
    let work = tempfile::tempdir().unwrap();
    let path = work.path().join("request.json");
    std::fs::write(&path, request.to_string()).unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/shapes/make_review_sheets.py");
    let run = Command::new("python3")
        .arg(&script)
        .arg(&path)
        .arg(work.path().join("sheets"))
        .output()
        .expect("python3 runs (scripts/test puts the test environment first on PATH)");
    assert!(
        run.status.success(),
        "make_review_sheets.py failed (needs openpyxl and LibreOffice's soffice):\n{}",
        String::from_utf8_lossy(&run.stderr)
    );
    work
}

fn decision_rows(e: &Extract) -> Vec<(String, String, String, Option<String>, NaiveDate, i64)> {
    let df = e.table(Table::Decisions).expect("decisions read");
    let s = |c: &str| fullemp::frame::strings(df, c).unwrap();
    let (code, stage, decision, opinion) =
        (s("community_code"), s("stage"), s("decision"), s("opinion"));
    let on = fullemp::frame::dates(df, "decided_on").unwrap();
    let line = fullemp::frame::ints(df, "source_line").unwrap();
    let mut rows: Vec<_> = (0..df.height())
        .map(|i| {
            (
                code[i].clone().unwrap(),
                stage[i].clone().unwrap(),
                decision[i].clone().unwrap(),
                opinion[i].clone(),
                on[i].unwrap(),
                line[i].unwrap(),
            )
        })
        .collect();
    rows.sort();
    rows
}

#[test]
fn the_working_sheets_read_back_as_written_and_as_libreoffice_saves_them() {
    let sheets = make_sheets(&sheets_request());
    for writer in ["openpyxl", "libreoffice"] {
        let dir = extract();
        for name in ["评审记录-新华区.xlsx", "核实记录.xlsx"] {
            std::fs::copy(
                sheets.path().join("sheets").join(writer).join(name),
                dir.path().join(name),
            )
            .unwrap_or_else(|e| panic!("{writer}/{name}: {e}"));
        }
        let e = read(dir.path());
        // Rows 5..8 of the sheet: C1 street, visit and county, C2 street,
        // C3 street (its county group has an opinion without 结论), C4
        // nothing. The old 实地考察 group is read as 县级实地考察.
        assert_eq!(
            decision_rows(&e),
            vec![
                (
                    COMMUNITY.into(),
                    "县级初选".into(),
                    "推荐".into(),
                    None,
                    d(2022, 1, 12),
                    5
                ),
                (
                    COMMUNITY.into(),
                    "县级实地考察".into(),
                    "合格".into(),
                    None,
                    d(2022, 1, 11),
                    5
                ),
                (
                    COMMUNITY.into(),
                    "街道审核".into(),
                    "同意".into(),
                    Some("同意推荐。".into()),
                    d(2022, 1, 10),
                    5
                ),
                (
                    C2.into(),
                    "街道审核".into(),
                    "不同意".into(),
                    Some("资料不全".into()),
                    d(2022, 1, 11),
                    6
                ),
                (
                    C3.into(),
                    "街道审核".into(),
                    "同意".into(),
                    None,
                    d(2022, 1, 10),
                    7
                ),
            ],
            "{writer}"
        );
        let sheet = e
            .inputs
            .iter()
            .find(|i| i.table == Table::Decisions)
            .unwrap();
        assert!(
            sheet.read_as.contains("stages in an older order: 街道审核 → 县级初选 → 实地考察 (now 县级实地考察) → 市级考核 (now 市级交叉考核)"),
            "{writer}: {}",
            sheet.read_as
        );
        let rejects = rejects_of(&e, Table::Decisions);
        assert_eq!(rejects.len(), 1, "{writer}: {rejects:?}");
        let r = rejects[0];
        assert_eq!(
            (r.file.as_str(), r.line, r.column.as_str(), r.reason),
            (
                "评审记录-新华区.xlsx",
                7,
                "县级初选·结论",
                RejectReason::RequiredEmpty
            ),
            "{writer}"
        );
        // 核实记录: the filled row and the 抽查 row; the open item skipped.
        let v = e.table(Table::Verifications).expect("verifications read");
        assert_eq!(v.height(), 2, "{writer}: {v}");
        let detectors = fullemp::frame::strings(v, "detector").unwrap();
        assert_eq!(
            detectors,
            vec![Some("claimed_vs_registry".into()), Some("抽查".into())]
        );
        let checked = fullemp::frame::dates(v, "checked_on").unwrap();
        assert_eq!(checked, vec![Some(d(2022, 1, 20)), Some(d(2022, 1, 22))]);
        assert!(rejects_of(&e, Table::Verifications).is_empty(), "{writer}");
    }
}

#[test]
fn the_city_sheet_repeating_the_county_sheet_counts_once() {
    let mut request = sheets_request();
    let county = request["decisions"]["评审记录-新华区.xlsx"].clone();
    let mut city = county.clone();
    city["title"] = "2021年度充分就业社区评审记录(全市)".into();
    // The city's copy adds C1's cross assessment and changes C2's opinion.
    city["rows"][0][19] = "合格".into();
    city["rows"][0][21] = date("2022-01-25");
    city["rows"][1][8] = "资料不全,退回".into();
    request["decisions"]["评审记录-全市.xlsx"] = city;
    let sheets = make_sheets(&request);
    let dir = extract();
    for name in ["评审记录-新华区.xlsx", "评审记录-全市.xlsx"] {
        std::fs::copy(
            sheets.path().join("sheets/libreoffice").join(name),
            dir.path().join(name),
        )
        .unwrap();
    }
    // And the table's own file repeats C1's street decision as recorded.
    write(
        dir.path(),
        "decisions.csv",
        format!(
            "{DECISIONS}{COMMUNITY},2021,街道审核,同意,同意推荐。,2022-01-10,中兴路街道办事处\n"
        ),
    );
    let e = read(dir.path());
    let rows = decision_rows(&e);
    assert_eq!(rows.len(), 6, "{rows:?}");
    assert!(
        rows.iter()
            .any(|r| r.0 == COMMUNITY && r.1 == "市级交叉考核" && r.2 == "合格")
    );
    let mut rejects: Vec<_> = rejects_of(&e, Table::Decisions)
        .into_iter()
        .map(|r| (r.file.clone(), r.line, r.column.clone(), r.reason))
        .collect();
    rejects.sort();
    assert_eq!(
        rejects,
        vec![
            (
                "评审记录-全市.xlsx".to_string(),
                7,
                "县级初选·结论".to_string(),
                RejectReason::RequiredEmpty
            ),
            (
                "评审记录-新华区.xlsx".to_string(),
                6,
                "社区代码+年度+街道审核".to_string(),
                RejectReason::DuplicateKey
            ),
            (
                "评审记录-新华区.xlsx".to_string(),
                7,
                "县级初选·结论".to_string(),
                RejectReason::RequiredEmpty
            ),
        ]
    );
    let dup = e
        .rejects
        .iter()
        .find(|r| r.reason == RejectReason::DuplicateKey)
        .unwrap();
    // The sheets are read in name order (全市 before 新华区): the first
    // row of a key is kept, and the other names it.
    assert!(dup.detail.contains("评审记录-全市.xlsx line 6"), "{dup:?}");
}

// ---- status, against a hand-worked fixture

fn frame_of(columns: Vec<Column>) -> DataFrame {
    DataFrame::new_infer_height(columns).unwrap()
}

#[test]
fn status_follows_the_decisions_and_the_calendar() {
    // 2022 calendar: list due Fri 14 Jan, cross assessment until Wed 26 Jan,
    // publicity 28 Jan – 8 Feb (the Spring Festival off, 29–30 Jan worked),
    // confirmation due Fri 11 Feb. The run is on Thu 27 Jan.
    let review = Review {
        list_due: Some(d(2022, 1, 14)),
        cross_assessment_end: Some(d(2022, 1, 26)),
        publicity_start: Some(d(2022, 1, 28)),
        confirmation_due: Some(d(2022, 2, 11)),
        holidays: (0..7)
            .map(|k| d(2022, 1, 31) + chrono::Days::new(k))
            .collect(),
        adjusted_workdays: vec![d(2022, 1, 29), d(2022, 1, 30)],
        ..Review::default()
    };
    let publicity = Publicity {
        start: d(2022, 1, 28),
        end: d(2022, 2, 8),
        working_days: 5,
    };
    let codes = ["A", "B", "C", "D", "E", "F"];
    let communities = frame_of(vec![
        Column::new("community_code".into(), codes.to_vec()),
        Column::new(
            "community_name".into(),
            ["甲", "乙", "丙", "丁", "戊", "己"].to_vec(),
        ),
        Column::new("county".into(), vec!["新华区"; 6]),
        Column::new("street".into(), vec!["中兴路街道"; 6]),
    ]);
    let applications = frame_of(vec![
        Column::new("community_code".into(), codes.to_vec()),
        Column::new("year".into(), vec![2021i64, 2021, 2021, 2021, 2021, 2020]),
        Column::new("applied_level".into(), vec!["市级"; 6]),
    ]);
    let rows: Vec<(&str, &str, &str, &str, NaiveDate)> = vec![
        ("B", "街道审核", "同意", "", d(2022, 1, 10)),
        ("B", "县级实地考察", "合格", "", d(2022, 1, 11)),
        ("B", "县级初选", "推荐", "", d(2022, 1, 12)),
        ("C", "街道审核", "不同意", "资料不全", d(2022, 1, 11)),
        ("D", "街道审核", "同意", "", d(2022, 1, 10)),
        ("D", "县级初选", "推荐", "", d(2022, 1, 12)),
        ("D", "实地考察", "合格", "", d(2022, 1, 19)),
        ("D", "市级考核", "合格", "", d(2022, 1, 25)),
        ("D", "公示", "无异议", "", d(2022, 2, 8)),
        ("D", "发文确认", "认定", "", d(2022, 2, 11)),
        ("E", "街道审核", "同意", "", d(2022, 1, 10)),
        ("E", "县级初选", "推荐", "", d(2022, 1, 12)),
        ("E", "实地考察", "合格", "", d(2022, 1, 19)),
        ("E", "市级考核", "合格", "", d(2022, 1, 25)),
        ("E", "公示", "无异议", "", d(2022, 2, 8)),
    ];
    let decisions = frame_of(vec![
        Column::new(
            "community_code".into(),
            rows.iter().map(|r| r.0).collect::<Vec<_>>(),
        ),
        Column::new("year".into(), vec![2021i64; rows.len()]),
        Column::new("stage".into(), rows.iter().map(|r| r.1).collect::<Vec<_>>()),
        Column::new(
            "decision".into(),
            rows.iter().map(|r| r.2).collect::<Vec<_>>(),
        ),
        Column::new(
            "opinion".into(),
            rows.iter()
                .map(|r| (!r.3.is_empty()).then_some(r.3))
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "decided_on".into(),
            rows.iter().map(|r| r.4).collect::<Vec<_>>(),
        ),
        Column::new("decided_by".into(), vec![None::<&str>; rows.len()]),
    ]);
    let st = status(&StatusInputs {
        applications: Some(&applications),
        decisions: Some(&decisions),
        communities: &communities,
        years: &[2020, 2021],
        review: &review,
        publicity: Some(&publicity),
        run_date: d(2022, 1, 27),
        stages: &fullemp::config::Stages::notice(),
        objections: None,
    })
    .unwrap();
    let s = |c: &str| fullemp::frame::strings(&st, c).unwrap();
    let code = s("community_code");
    let at = |k: &str| code.iter().position(|c| c.as_deref() == Some(k)).unwrap();
    let reached = s("stage_reached");
    let state = s("state");
    let next = s("next_stage");
    let decision = s("decision");
    let opinion = s("opinion");
    let due = fullemp::frame::dates(&st, "due_on").unwrap();
    let overdue = fullemp::frame::bools(&st, "overdue").unwrap();
    let days = fullemp::frame::ints(&st, "overdue_working_days").unwrap();
    let row = |k: &str| {
        let i = at(k);
        (
            reached[i].clone().unwrap(),
            state[i].clone().unwrap(),
            next[i].clone(),
            due[i],
            overdue[i].unwrap(),
            days[i],
        )
    };
    let s_ = |v: &str| v.to_string();
    // A: nothing decided; the street was due by list_due, 14 Jan: overdue
    // by 17–21 and 24–27 Jan, 9 working days.
    assert_eq!(
        row("A"),
        (
            s_("submitted"),
            s_("in_progress"),
            Some(s_("street_review")),
            Some(d(2022, 1, 14)),
            true,
            Some(9)
        )
    );
    // B: the county recommended after its site visit; the city's cross
    // assessment was due by its last day, Wed 26 Jan: 1 working day late.
    assert_eq!(
        row("B"),
        (
            s_("county_selection"),
            s_("in_progress"),
            Some(s_("city_assessment")),
            Some(d(2022, 1, 26)),
            true,
            Some(1)
        )
    );
    // C: stopped by its street, with the opinion.
    assert_eq!(
        row("C"),
        (s_("street_review"), s_("stopped"), None, None, false, None)
    );
    assert_eq!(
        (decision[at("C")].as_deref(), opinion[at("C")].as_deref()),
        (Some("不同意"), Some("资料不全"))
    );
    assert_eq!(
        row("D"),
        (s_("confirmation"), s_("confirmed"), None, None, false, None)
    );
    // E: published without objection; confirmation due 11 Feb, not yet.
    assert_eq!(
        row("E"),
        (
            s_("publicity"),
            s_("in_progress"),
            Some(s_("confirmation")),
            Some(d(2022, 2, 11)),
            false,
            None
        )
    );
    // F: 2020, an earlier year than the calendar's: no due date.
    assert_eq!(
        row("F"),
        (
            s_("submitted"),
            s_("in_progress"),
            Some(s_("street_review")),
            None,
            false,
            None
        )
    );
    let per_stage = fullemp::frame::dates(&st, "city_assessment_on").unwrap();
    assert_eq!(per_stage[at("D")], Some(d(2022, 1, 25)));
    assert_eq!(st.height(), 6);
}

// ---- end to end on the bundled sample

#[test]
fn the_sample_run_publishes_status_shows_it_per_county_and_in_the_forms() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_data");
    let pipeline = pipeline(
        &dir.path().join("p.toml"),
        &sample,
        &out,
        "as_of = \"extract\"\nyears = [2020, 2021]\n[review]\nlist_due = 2022-01-14\n\
         cross_assessment_start = 2022-01-17\ncross_assessment_end = 2022-01-26\n\
         publicity_start = 2022-01-28\nconfirmation_due = 2022-02-11\n\
         holidays = [2022-01-31, 2022-02-01, 2022-02-02, 2022-02-03, 2022-02-04, 2022-02-05, 2022-02-06]\n\
         adjusted_workdays = [2022-01-29, 2022-01-30]\n",
    );
    let run = command()
        .args(["run", "--pipeline"])
        .arg(&pipeline)
        .args(["--run-date", "2022-01-27"])
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let latest = out.join("latest");
    // The report's count table: 新华区's ten 2021 applications by the stage
    // reached, in the notice's order, those still going (申报 1: nothing
    // recorded; 街道审核 0; 县级实地考察 1; 县级初选 2; 市级交叉考核 0; 公示 1;
    // 发文确认 3), 2 stopped (one by the cross assessment, one by an upheld
    // objection), 3 confirmed, 4 overdue (the street's review and the
    // county's selection due by list_due, two cross assessments by its last
    // day).
    let html = std::fs::read_to_string(latest.join("report.html")).unwrap();
    let want = "<tr><td class=\"nw\">新华区</td><td class=\"n\">1</td><td class=\"n\">0</td>\
                <td class=\"n\">1</td><td class=\"n\">2</td><td class=\"n\">0</td><td class=\"n\">1</td>\
                <td class=\"n\">3</td><td class=\"n\">2</td><td class=\"n\">3</td><td class=\"n\">4</td>\
                <td class=\"n\">10</td></tr>";
    assert!(html.contains(want), "the report lacks 新华区's counts");
    assert!(html.contains("自报登记失业人员就业率与台账不符,退回社区核实。"));
    // The upheld objection stops its application, with the objection named.
    assert!(html.contains("经核查,反映情况属实,异议成立,终止认定。"));
    assert!(html.contains("来信反映该社区多名登记失业人员的就业登记系年底集中补录"));
    // status read back by pyarrow; no identity-number-shaped string in it.
    let py = Command::new("python3")
        .arg("-c")
        .arg(
            r#"
import re, sys
import pyarrow.dataset as ds
rows = ds.dataset(sys.argv[1] + "/status", format="parquet", partitioning="hive").to_table().to_pylist()
mine = [r for r in rows if r["year"] == 2021]
assert len(mine) == 21, len(mine)
r = next(r for r in mine if r["community_code"] == "410403001002")
assert (r["stage_reached"], r["state"], r["decision"]) == ("street_review", "stopped", "不同意"), r
assert r["opinion"].startswith("自报登记失业人员就业率"), r
r = next(r for r in mine if r["community_code"] == "410411002002")
assert (r["next_stage"], str(r["due_on"]), r["overdue"], r["overdue_working_days"]) == ("street_review", "2022-01-14", True, 9), r
r = next(r for r in mine if r["community_code"] == "410402001006")
assert (r["stage_reached"], r["state"], r["decision"], r["objections"], r["objections_open"]) == ("publicity", "stopped", "异议成立", 1, 0), r
assert "年底集中补录" in r["objection"], r
r = next(r for r in mine if r["community_code"] == "410402001003")
assert (r["state"], r["publicity_decision"], r["objections"]) == ("confirmed", "异议不成立", 1), r
for r in rows:
    for v in r.values():
        assert not (isinstance(v, str) and re.search(r"\d{17}[\dXx]", v)), v
print("ok")
"#,
        )
        .arg(&latest)
        .output()
        .unwrap();
    assert!(
        py.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&py.stdout),
        String::from_utf8_lossy(&py.stderr)
    );
    // explain prints the community's status lines.
    let explain = command()
        .args(["explain", "410403001002", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&explain.stdout);
    assert!(text.contains("评审进度"), "{text}");
    assert!(text.contains("已终止:已到环节 街道审核"), "{text}");
    // explain names the upheld objection.
    let explain = command()
        .args(["explain", "410402001006", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&explain.stdout);
    assert!(text.contains("已终止:已到环节 公示"), "{text}");
    assert!(text.contains("异议 objection 受理于 2022-01-30"), "{text}");
    // One 推荐表 per application of the review year, each box filled from
    // its stage: the street's, the county's (after its visit), the city's
    // from 发文确认.
    let py = Command::new("python3")
        .arg("-c")
        .arg(
            r#"
import sys, glob, openpyxl
path = glob.glob(sys.argv[1] + "/forms/*推荐表*.xlsx")[0]
wb = openpyxl.load_workbook(path)
assert len(wb.sheetnames) == 21, wb.sheetnames
ws = wb["410402001001"]
assert ws["A6"].value == "街道(乡镇)意见" and ws["A8"].value == "市人社局意见", ws["A8"].value
assert ws["B2"].value.startswith("新华区 县(市、区)  滨河路街道 街道(乡、镇)"), ws["B2"].value
street, county, city = ws["B6"].value, ws["B7"].value, ws["B8"].value
assert street.startswith("同意\n同意推荐申报。") and "滨河路街道办事处(公章)" in street and "2022年1月13日" in street, street
assert county.startswith("推荐\n经实地考察和初选,同意推荐。") and "2022年1月15日" in county, county
assert city.startswith("认定\n同意认定。") and "2022年2月11日" in city, city
ws = wb["410411002002"]
assert all(ws[c].value.startswith("(公章)") for c in ["B6", "B7", "B8"]), "a blank form to print and sign"
print("ok")
"#,
        )
        .arg(&latest)
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
fn an_identity_number_typed_into_an_opinion_or_a_note_is_masked_when_read() {
    let dir = extract();
    let person = id(7, "19800101");
    write(
        dir.path(),
        "decisions.csv",
        format!(
            "{DECISIONS}{COMMUNITY},2021,街道审核,同意,经核实居民 {person} 已就业,2022-01-10,经办人{person}\n"
        ),
    );
    write(
        dir.path(),
        "verifications.csv",
        format!(
            "community_code,year,detector,result,checked_on,checked_by,note\n\
             {COMMUNITY},2021,duplicate_person,不属实,2022-01-20,核查组,{person} 为迁入人员\n"
        ),
    );
    let e = read(dir.path());
    assert!(e.rejects.is_empty(), "{:?}", e.rejects);
    let masked = format!("{}********{}", &person[..6], &person[14..]);
    for (table, columns) in [
        (Table::Decisions, &["opinion", "decided_by"][..]),
        (Table::Verifications, &["note"][..]),
    ] {
        let df = e.table(table).unwrap();
        for c in columns {
            let v = df
                .column(c)
                .unwrap()
                .str()
                .unwrap()
                .get(0)
                .unwrap()
                .to_string();
            assert!(!v.contains(&person), "{table} {c}: {v}");
            assert!(v.contains(&masked), "{table} {c}: {v}");
        }
    }
}

// ---- the panel's records, every bad row a reject (issue 32)

#[test]
fn an_opinion_longer_than_an_excel_cell_is_a_reject() {
    let long = "意".repeat(40_000);
    let r = one_bad_decision(&format!(
        "{COMMUNITY},2021,县级初选,推荐,{long},2022-01-12,新华区人社局"
    ));
    assert_eq!(
        (r.column.as_str(), r.reason),
        ("opinion", RejectReason::NotAllowed)
    );
    assert!(
        r.detail.contains("40000 characters") && r.detail.contains("32767"),
        "{r:?}"
    );
}

#[test]
fn a_verification_dated_before_1900_is_a_reject() {
    let r = one_bad_verification(&format!("{C3},2021,抽查,属实,1899-12-31,核查组,"));
    assert_eq!(
        (r.column.as_str(), r.reason),
        ("checked_on", RejectReason::NotAllowed)
    );
    assert!(r.detail.contains("1900-01-01 to 9999-12-31"), "{r:?}");
}

#[test]
fn a_year_past_32_bits_is_a_reject_never_another_year() {
    // 4294969317 is 2021 + 2^32: held in 32 bits it would read as 2021.
    let r = one_bad_verification(&format!("{C3},4294969317,抽查,属实,2022-01-20,核查组,"));
    assert_eq!(
        (r.column.as_str(), r.reason),
        ("year", RejectReason::NotAllowed)
    );
    assert_eq!(r.detail, "allowed: 1900–9999");
}

#[test]
fn an_identity_number_typed_into_the_year_is_masked_wherever_the_reject_says_it() {
    let raw = id(7, "19800101").replace('X', "1");
    let digits: String = raw.chars().filter(char::is_ascii_digit).collect();
    let r = one_bad_decision(&format!(
        "{COMMUNITY},{digits},县级初选,推荐,{raw},2022-01-12,{raw}"
    ));
    let said = format!("{} {:?}", r.describe(), r);
    assert!(!said.contains(&digits), "{said}");
    assert_eq!(r.column, "year");
}

/// The bad rows of the panel's records, in the working sheets too, and text
/// from the files in names: the night's run publishes (exit 0), the rows
/// are rejects, no identity number reaches the manifest, the report or the
/// log, and the sheets the run does not read back are warnings in the
/// run's summary, validate's and the report.
#[test]
fn bad_panel_records_never_fail_the_night_and_unread_sheets_are_warnings() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir(&input).unwrap();
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_data");
    for f in std::fs::read_dir(&sample).unwrap() {
        let f = f.unwrap().path();
        std::fs::copy(&f, input.join(f.file_name().unwrap())).unwrap();
    }
    let mut decisions = std::fs::read_to_string(input.join("decisions.csv")).unwrap();
    decisions += &format!(
        "{C2},2021,公示,无异议,{},2022-02-10,市人社局\n",
        "长".repeat(33_000)
    );
    std::fs::write(input.join("decisions.csv"), decisions).unwrap();
    let mut checks = std::fs::read_to_string(input.join("verifications.csv")).unwrap();
    checks += "410402001001,2021,抽查,属实,1899-12-31,核查组,\n";
    std::fs::write(input.join("verifications.csv"), checks).unwrap();
    // A person's number in a working sheet's file name.
    let person = id(9, "19800101");
    write(
        &input,
        &format!("核实记录-{person}.csv"),
        "社区代码,年度,核实事项,核实结果,核实日期,核实人,备注\n",
    );
    // The decisions' sheet saved as CSV, and a stage group renamed.
    write(&input, "评审记录-新华区.csv", "社区代码,年度\n");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    let rows: [[&str; 10]; 3] = [
        [
            "申报信息",
            "",
            "街道审核",
            "",
            "",
            "",
            "市级评审",
            "",
            "",
            "",
        ],
        [
            "社区代码",
            "年度",
            "结论",
            "意见",
            "日期",
            "决定单位",
            "结论",
            "意见",
            "日期",
            "决定单位",
        ],
        [
            COMMUNITY,
            "2021",
            "",
            "",
            "",
            "",
            "合格",
            "",
            "2022-01-20",
            "",
        ],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            ws.write_string(r as u32, c as u16, *v).unwrap();
        }
    }
    wb.save(input.join("评审记录-卫东区.xlsx")).unwrap();

    let out = dir.path().join("out");
    let p = pipeline(&dir.path().join("p.toml"), &input, &out, "");
    let run = command()
        .args(["run", "--force", "--pipeline"])
        .arg(&p)
        .args(["--run-date", "2022-01-27"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&run.stdout);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{stdout}\n{stderr}");
    for said in [&stdout, &stderr] {
        assert!(
            said.contains("评审记录-新华区.csv: a working sheet of the panel's decisions (评审记录) in a format the program does not read back"),
            "{said}"
        );
        assert!(
            said.contains(
                "the columns under \"市级评审\" are not read: it is no stage of the review"
            ),
            "{said}"
        );
    }
    let latest = out.join("latest");
    let manifest = std::fs::read_to_string(latest.join("manifest.json")).unwrap();
    let report = std::fs::read_to_string(latest.join("report.html")).unwrap();
    for (what, text) in [
        ("manifest", &manifest),
        ("report", &report),
        ("log", &stderr.to_string()),
        ("summary", &stdout.to_string()),
    ] {
        assert!(
            !text.contains(&person),
            "{what} holds a raw identity number"
        );
    }
    assert!(manifest.contains("市级评审") && report.contains("市级评审"));
    assert!(report.contains("评审记录-新华区.csv"));
    // The long opinion and the old date are rejects of the run.
    let rejects = ParquetReader::new(std::fs::File::open(latest.join("rejects.parquet")).unwrap())
        .finish()
        .unwrap();
    let details: Vec<String> = rejects
        .column("detail")
        .unwrap()
        .cast(&DataType::String)
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .map(|d| d.unwrap_or_default().to_string())
        .collect();
    assert!(
        details
            .iter()
            .any(|d| d.contains("an Excel cell holds at most 32767")),
        "{details:?}"
    );
    assert!(
        details
            .iter()
            .any(|d| d.contains("outside the dates Excel holds")),
        "{details:?}"
    );
    // validate says the same warnings.
    let (code, said, _) = validate(&p);
    assert_eq!(code, 0, "{said}");
    assert!(
        said.contains("Warnings (the run goes on; look at each):"),
        "{said}"
    );
    assert!(
        said.contains("warning: 评审记录-卫东区.xlsx: the columns under \"市级评审\""),
        "{said}"
    );
}

#[test]
fn a_filing_of_a_county_not_in_the_roster_is_rejected() {
    let good = "county,year,document,received_on,note\n新华区,2021,复查情况登记表,2022-01-06,\n"
        .to_string();
    let r = one_bad_row(
        Table::Filings,
        "filings.csv",
        good,
        1,
        "新华县,2021,推荐名单,2022-01-13,",
    );
    assert_eq!(
        (r.reason, r.column.as_str()),
        (RejectReason::UnknownCounty, "county")
    );
}

#[test]
fn an_approval_of_an_unknown_community_or_answer_is_rejected() {
    let good = format!(
        "community_code,year,answer,answered_on,document_no\n{COMMUNITY},2021,同意取消,2022-03-01,豫人社函〔2022〕12号\n"
    );
    let r = one_bad_row(
        Table::Approvals,
        "approvals.csv",
        good.clone(),
        1,
        "410499999999,2021,同意取消,2022-03-01,",
    );
    assert_eq!(r.reason, RejectReason::UnknownCommunity);
    let r = one_bad_row(
        Table::Approvals,
        "approvals.csv",
        good,
        1,
        &format!("{C2},2021,同意,2022-03-01,"),
    );
    assert_eq!(
        (r.reason, r.column.as_str()),
        (RejectReason::NotAllowed, "answer")
    );
}

/// The three newer records range-check their year like the others: a year
/// typed out of range is a reject, never cast into another year.
#[test]
fn a_year_out_of_range_in_an_objection_approval_or_filing_is_rejected() {
    let objections = format!(
        "community_code,year,received_on,content\n{COMMUNITY},2021,2022-01-30,来电反映情况\n"
    );
    let r = one_bad_row(
        Table::Objections,
        "objections.csv",
        objections,
        1,
        &format!("{C2},4294969317,2022-01-30,来信反映情况"),
    );
    assert_eq!(r.column, "year", "{r:?}");
    let approvals =
        format!("community_code,year,answer,answered_on\n{COMMUNITY},2021,同意取消,2022-03-01\n");
    let r = one_bad_row(
        Table::Approvals,
        "approvals.csv",
        approvals,
        1,
        &format!("{C2},4294969317,不同意取消,2022-03-01"),
    );
    assert_eq!(r.column, "year", "{r:?}");
    let filings = "county,year,document,received_on\n新华区,2021,推荐名单,2022-01-13\n".to_string();
    let r = one_bad_row(
        Table::Filings,
        "filings.csv",
        filings,
        1,
        "新华区,4294969317,复查情况登记表,2022-01-06",
    );
    assert_eq!(r.column, "year", "{r:?}");
}
