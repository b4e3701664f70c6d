//! The panel's checks act (docs/ratings.md, "Verified findings"): on the
//! hand-worked extract, a finding checked 不属实 leaves the risk score, one
//! checked 属实 fails the re-inspection with 查实弄虚作假, keeps the community
//! off the shortlist and puts it on the disqualification list; the rules say
//! which detectors may confirm. The working sheets read back with openpyxl
//! have the contract's layout, the recorded decisions and the dropdowns.

use std::path::{Path, PathBuf};
use std::process::Command;

mod support;
use fullemp::config::Stages;
use fullemp::contract::review_records::{
    APPLICATION_FIELDS, APPLICATION_GROUP, STAGE_FIELDS, VERIFICATION_SHEET_COLUMNS,
};
use support::*;

fn setup(extra: &str) -> (tempfile::TempDir, PathBuf, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let extract = dir.path().join("extract");
    std::fs::create_dir(&extract).unwrap();
    fixture(&extract, true);
    let out = dir.path().join("out");
    let p = pipeline_file(dir.path(), &extract, &out, extra);
    (dir, extract, out, p)
}

fn run_ok(p: &Path) {
    let o = fullemp(&["run", "--force", "--pipeline", p.to_str().unwrap()]);
    assert!(
        o.status.success(),
        "run failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

fn python(script: &str, args: &[&Path]) -> String {
    let o = Command::new("python3")
        .arg("-c")
        .arg(script)
        .args(args)
        .output()
        .expect("python3 (scripts/test puts the test environment first on PATH)");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).unwrap()
}

/// The checks' file, canonical headers.
fn verifications(extract: &Path, rows: &[&str]) {
    write(
        extract,
        "verifications.csv",
        format!(
            "community_code,year,detector,result,checked_on,checked_by,note\n{}\n",
            rows.join("\n")
        ),
    );
}

/// Reads `what` of the latest run with pyarrow as JSON rows.
fn table(out: &Path, what: &str, columns: &[&str]) -> Vec<serde_json::Value> {
    let script = "import sys, json, pyarrow.dataset as ds\n\
        t = ds.dataset(sys.argv[1] + '/latest/' + sys.argv[2], partitioning='hive').to_table()\n\
        cols = sys.argv[3].split(',')\n\
        rows = t.select(cols).to_pylist()\n\
        print(json.dumps(rows, default=str, ensure_ascii=False))";
    let cols = columns.join(",");
    let o = Command::new("python3")
        .args(["-c", script])
        .arg(out)
        .arg(what)
        .arg(&cols)
        .output()
        .expect("python3 (scripts/test puts the test environment first on PATH)");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).unwrap()
}

fn of(rows: &[serde_json::Value], code: &str, year: i64) -> Vec<serde_json::Value> {
    rows.iter()
        .filter(|r| r["community_code"] == code && r["year"] == year)
        .cloned()
        .collect()
}

/// C1 in 2021 has two high findings, claimed_vs_registry and
/// unverified_clearance: 5 + 5 = 10 points. The panel checks the second and
/// finds it 不属实: 5 points remain, the flag goes, and the finding is
/// published as dismissed with who checked it and when. The spot-check
/// weight 1 + risk reads the same risk. 2020's finding is untouched.
/// What `fullemp explain` prints of C1's 2021 in the run under `out`.
fn explain_c1_2021(out: &std::path::Path) -> String {
    let o = fullemp(&[
        "explain",
        C1,
        "--out",
        out.to_str().unwrap(),
        "--year",
        "2021",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).unwrap()
}

#[test]
fn a_dismissed_finding_no_longer_counts_in_the_risk_score() {
    let (_dir, extract, out, p) = setup("");
    run_ok(&p);
    let before = table(&out, "ratings", &["community_code", "year", "risk_score"]);
    assert_eq!(of(&before, C1, 2021)[0]["risk_score"], 10);

    verifications(
        &extract,
        &[&format!(
            "{C1},2021,unverified_clearance,不属实,2022-01-10,市局核查组,入户核实已就业"
        )],
    );
    run_ok(&p);
    let ratings = table(
        &out,
        "ratings",
        &["community_code", "year", "risk_score", "flags", "verdict"],
    );
    let r = &of(&ratings, C1, 2021)[0];
    assert_eq!(r["risk_score"], 5, "10 − 5 for the dismissed high finding");
    assert_eq!(r["flags"], "claimed_vs_registry");
    assert_eq!(of(&ratings, C1, 2020)[0]["risk_score"], 5, "2020 untouched");
    let spot = table(
        &out,
        "spot_checks",
        &["community_code", "year", "risk_score"],
    );
    assert_eq!(of(&spot, C1, 2021)[0]["risk_score"], 5, "the draw's weight");
    let shortlist = table(&out, "shortlist", &["community_code", "year", "risk_score"]);
    assert_eq!(of(&shortlist, C1, 2021)[0]["risk_score"], 5);

    let findings = table(
        &out,
        "findings",
        &[
            "community_code",
            "year",
            "detector",
            "verification",
            "verified_on",
            "verified_by",
        ],
    );
    let mine = of(&findings, C1, 2021);
    let dismissed: Vec<_> = mine
        .iter()
        .filter(|f| f["detector"] == "unverified_clearance")
        .collect();
    assert_eq!(dismissed.len(), 1, "still published");
    assert_eq!(dismissed[0]["verification"], "不属实");
    assert_eq!(dismissed[0]["verified_on"], "2022-01-10");
    assert_eq!(dismissed[0]["verified_by"], "市局核查组");
    let other = mine
        .iter()
        .find(|f| f["detector"] == "claimed_vs_registry")
        .unwrap();
    assert!(other["verification"].is_null());

    let report = std::fs::read_to_string(out.join("latest/report.html")).unwrap();
    assert!(
        report.contains("已核实不属实(市局核查组 2022年1月10日核实)"),
        "the report marks the dismissed finding"
    );
    let text = explain_c1_2021(&out);
    assert!(
        text.contains("已核实不属实 verification 不属实: 市局核查组 2022-01-10"),
        "{text}"
    );
}

/// Under rules C1 passes its 2021 re-inspection and is shortlisted. The
/// panel confirms claimed_vs_registry, and also duplicate_person, which does
/// not fire on this extract (the panel's finding stands): C1 fails with
/// falsification_confirmed alone, leaves the shortlist with its reason, and
/// the disqualification list names it with both confirmed findings.
#[test]
fn a_confirmed_falsification_fails_the_reinspection_and_leaves_the_shortlist() {
    let (_dir, extract, out, p) = setup(C1_PASSES);
    run_ok(&p);
    let cols = [
        "community_code",
        "year",
        "verdict",
        "failing_rules",
        "confirmed_findings",
    ];
    let ratings = table(&out, "ratings", &cols);
    assert_eq!(of(&ratings, C1, 2021)[0]["verdict"], "pass");
    let shortlist = table(&out, "shortlist", &["community_code", "year"]);
    assert_eq!(of(&shortlist, C1, 2021).len(), 1);

    verifications(
        &extract,
        &[
            &format!("{C1},2021,claimed_vs_registry,属实,2022-01-10,市局核查组,"),
            &format!("{C1},2021,duplicate_person,属实,2022-01-11,新华区人社局,"),
        ],
    );
    run_ok(&p);
    let ratings = table(&out, "ratings", &cols);
    let r = &of(&ratings, C1, 2021)[0];
    assert_eq!(r["verdict"], "fail");
    assert_eq!(r["failing_rules"], "falsification_confirmed");
    assert_eq!(
        r["confirmed_findings"],
        "claimed_vs_registry;duplicate_person"
    );
    assert_eq!(of(&ratings, C1, 2020)[0]["confirmed_findings"], "");
    let shortlist = table(&out, "shortlist", &["community_code", "year"]);
    assert!(of(&shortlist, C1, 2021).is_empty(), "off the shortlist");
    let aside = table(
        &out,
        "shortlist_set_aside",
        &["community_code", "year", "reason"],
    );
    assert_eq!(of(&aside, C1, 2021)[0]["reason"], "falsification_confirmed");

    let list = python(
        "import sys, json, openpyxl\n\
         ws = openpyxl.load_workbook(sys.argv[1]).active\n\
         print(json.dumps([[c for c in r] for r in ws.iter_rows(values_only=True)], default=str, ensure_ascii=False))",
        &[&out.join("latest/forms/提请取消资格名单.xlsx")],
    );
    let rows: Vec<Vec<serde_json::Value>> = serde_json::from_str(&list).unwrap();
    assert_eq!(rows[2][0], "提请取消省级充分就业社区资格名单");
    assert_eq!(rows[4][0], "序号");
    assert_eq!(rows.len(), 6, "one community: {rows:?}");
    let c1 = &rows[5];
    assert_eq!(c1[3], "光明社区");
    assert_eq!(c1[4], C1);
    assert_eq!(c1[5], "2015");
    assert_eq!(c1[6], "—", "no rule fails on its figures");
    assert_eq!(
        c1[7],
        "查实弄虚作假:自报数据与台账不符(市局核查组 2022年1月10日核实)\n\
         查实弄虚作假:同一人重复计算(新华区人社局 2022年1月11日核实)"
    );

    let text = explain_c1_2021(&out);
    assert!(text.contains("查实弄虚作假"), "{text}");
    let report = std::fs::read_to_string(out.join("latest/report.html")).unwrap();
    assert!(report.contains("查实弄虚作假,本年度不列入推荐名单(1 个)"));
    assert!(report.contains("查实弄虚作假:自报数据与台账不符(市局核查组 2022年1月10日核实)"));
}

/// `[verifications] confirm_from` restricts what confirms: a confirmed
/// claimed_vs_registry does not act when only unverified_clearance may
/// confirm; a spot-check visit found 不属实 acts when 抽查 may; an unknown
/// name is refused when the pipeline is loaded (exit 2).
#[test]
fn the_rules_say_which_detectors_confirm() {
    let only =
        format!("{C1_PASSES}[rules.verifications]\nconfirm_from = [\"unverified_clearance\"]\n");
    let (_dir, extract, out, p) = setup(&only);
    verifications(
        &extract,
        &[&format!(
            "{C1},2021,claimed_vs_registry,属实,2022-01-10,市局核查组,"
        )],
    );
    run_ok(&p);
    let cols = ["community_code", "year", "verdict", "confirmed_findings"];
    let r = &of(&table(&out, "ratings", &cols), C1, 2021)[0];
    assert_eq!(r["verdict"], "pass");
    assert_eq!(r["confirmed_findings"], "");
    assert_eq!(
        of(
            &table(&out, "shortlist", &["community_code", "year"]),
            C1,
            2021
        )
        .len(),
        1
    );

    let spot = format!("{C1_PASSES}[rules.verifications]\nconfirm_from = [\"抽查\"]\n");
    let (_dir2, extract, out, p) = setup(&spot);
    verifications(
        &extract,
        &[
            &format!("{C1},2021,claimed_vs_registry,属实,2022-01-10,市局核查组,"),
            &format!("{C1},2021,抽查,不属实,2022-01-12,市局抽查组,申报就业人数与实地不符"),
        ],
    );
    run_ok(&p);
    let r = &of(&table(&out, "ratings", &cols), C1, 2021)[0];
    assert_eq!(r["verdict"], "fail");
    assert_eq!(r["confirmed_findings"], "抽查");

    let bad = format!("{C1_PASSES}[rules.verifications]\nconfirm_from = [\"no_such_detector\"]\n");
    let (_dir3, _, _, p) = setup(&bad);
    let o = fullemp(&["run", "--pipeline", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("verifications.confirm_from") && err.contains("no_such_detector"),
        "{err}"
    );
}

/// The working sheets as openpyxl reads them: 评审记录 with the register's
/// header block, the two-row header of the contract (groups merged), the
/// recorded decisions filled in with real dates, dropdowns of each stage's
/// values and date validation on every 日期; 核实记录 with its columns, one
/// row per high or medium finding and spot check, the recorded check filled
/// in. Text cells are strings, never formulas; no identity number anywhere
/// (one typed into a note is masked).
#[test]
fn the_working_sheets_have_the_contract_layout_the_records_and_the_dropdowns() {
    let (_dir, extract, out, p) = setup("");
    write(
        &extract,
        "decisions.csv",
        format!(
            "community_code,year,stage,decision,opinion,decided_on,decided_by\n\
             {C1},2021,街道审核,同意,同意推荐,2022-01-05,中兴路街道办事处\n\
             {C1},2021,县级实地考察,合格,,2022-01-07,新华区人社局\n\
             {C1},2021,县级初选,推荐,,2022-01-08,新华区人社局\n"
        ),
    );
    let raw = support::p("P1");
    verifications(
        &extract,
        &[&format!(
            "{C1},2021,unverified_clearance,不属实,2022-01-10,市局核查组,核对 {raw} 的就业记录"
        )],
    );
    run_ok(&p);
    let forms = out.join("latest/forms");
    let dump = python(
        r#"
import sys, json, openpyxl
out = {}
for path in sys.argv[1:]:
    ws = openpyxl.load_workbook(path).active
    cells = []
    for row in ws.iter_rows():
        for c in row:
            if c.value is not None:
                cells.append([c.coordinate, c.data_type, str(c.value), c.number_format])
    out[path.rsplit('/', 1)[1]] = {
        "title": ws.title,
        "merged": sorted(str(m) for m in ws.merged_cells.ranges),
        "rows": [[None if v is None else str(v) for v in r] for r in ws.iter_rows(values_only=True)],
        "cells": cells,
        "validations": sorted(([dv.type, dv.formula1, dv.formula2, str(dv.sqref)] for dv in ws.data_validations.dataValidation), key=lambda d: (d[0], d[3])),
    }
print(json.dumps(out, ensure_ascii=False))
"#,
        &[
            &forms.join("评审记录-全市.xlsx"),
            &forms.join("评审记录-新华区.xlsx"),
            &forms.join("核实记录.xlsx"),
            &forms.join("提请取消资格名单.xlsx"),
        ],
    );
    let doc: serde_json::Value = serde_json::from_str(&dump).unwrap();
    let text = |v: &serde_json::Value| v.as_str().map(str::to_string);

    // 评审记录: title rows, then 申报信息 and the six stages over their fields.
    let city = &doc["评审记录-全市.xlsx"];
    assert_eq!(city["title"], "评审记录");
    let rows = city["rows"].as_array().unwrap();
    let upper: Vec<Option<String>> = rows[4].as_array().unwrap().iter().map(text).collect();
    let lower: Vec<Option<String>> = rows[5].as_array().unwrap().iter().map(text).collect();
    let mut want_lower: Vec<&str> = APPLICATION_FIELDS.to_vec();
    let mut want_upper: Vec<Option<&str>> = vec![Some(APPLICATION_GROUP)];
    want_upper.extend(std::iter::repeat_n(None, APPLICATION_FIELDS.len() - 1));
    let stages = Stages::notice();
    for s in stages.iter() {
        want_lower.extend(STAGE_FIELDS);
        want_upper.push(Some(s.name.as_str()));
        want_upper.extend([None, None, None]);
    }
    assert_eq!(
        lower,
        want_lower
            .iter()
            .map(|s| Some(s.to_string()))
            .collect::<Vec<_>>()
    );
    assert_eq!(
        upper,
        want_upper
            .iter()
            .map(|s| s.map(str::to_string))
            .collect::<Vec<_>>()
    );
    let merged: Vec<&str> = city["merged"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m.as_str().unwrap())
        .collect();
    for range in [
        "A5:G5", "H5:K5", "L5:O5", "P5:S5", "T5:W5", "X5:AA5", "AB5:AE5",
    ] {
        assert!(merged.contains(&range), "{range} in {merged:?}");
    }
    assert!(text(&rows[0][0]).unwrap().starts_with("填报单位(盖章):"));
    // One row per application of the run: C1 and C2 in 2021.
    assert_eq!(rows.len(), 8, "{rows:?}");
    let c1 = rows[6].as_array().unwrap();
    assert_eq!(c1[0], C1);
    assert_eq!(c1[4], "2021");
    assert_eq!(c1[5], "星级");
    assert_eq!(
        (c1[7].as_str(), c1[8].as_str()),
        (Some("同意"), Some("同意推荐"))
    );
    assert_eq!(c1[9], "2022-01-05 00:00:00", "a real date cell");
    assert_eq!(c1[10], "中兴路街道办事处");
    assert_eq!((c1[11].as_str(), c1[12].as_str()), (Some("合格"), None));
    assert_eq!((c1[15].as_str(), c1[16].as_str()), (Some("推荐"), None));
    assert!(
        c1[19..].iter().all(|v| v.is_null()),
        "later stages open: {c1:?}"
    );
    let c2 = rows[7].as_array().unwrap();
    assert_eq!(c2[0], C2);
    assert!(c2[7..].iter().all(|v| v.is_null()));
    let cells = city["cells"].as_array().unwrap();
    let cell = |at: &str| cells.iter().find(|c| c[0] == at).unwrap().clone();
    assert_eq!(cell("J7")[1], "d");
    assert_eq!(cell("J7")[3], "yyyy-mm-dd");
    assert_eq!(cell("A7")[1], "s", "a code is text");
    let v: Vec<Vec<String>> = city["validations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            d.as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_str().unwrap_or("").to_string())
                .collect()
        })
        .collect();
    let lists: Vec<(&str, &str)> = v
        .iter()
        .filter(|d| d[0] == "list")
        .map(|d| (d[3].as_str(), d[1].as_str()))
        .collect();
    assert_eq!(
        lists,
        vec![
            ("AB7:AB8", "\"认定,不予认定\""),
            ("H7:H8", "\"同意,不同意\""),
            ("L7:L8", "\"合格,不合格\""),
            ("P7:P8", "\"推荐,不推荐\""),
            ("T7:T8", "\"合格,不合格\""),
            ("X7:X8", "\"无异议,有异议,异议不成立,异议成立\""),
        ]
    );
    let date_ranges: Vec<&str> = v
        .iter()
        .filter(|d| d[0] == "date")
        .map(|d| d[3].as_str())
        .collect();
    assert_eq!(
        date_ranges,
        vec!["AD7:AD8", "J7:J8", "N7:N8", "R7:R8", "V7:V8", "Z7:Z8"]
    );
    // The county's sheet holds the county's applications.
    assert_eq!(
        doc["评审记录-新华区.xlsx"]["rows"]
            .as_array()
            .unwrap()
            .len(),
        8
    );

    // 核实记录: its columns, a row per high or medium finding and spot check.
    let sheet = &doc["核实记录.xlsx"];
    assert_eq!(sheet["title"], "核实记录");
    let rows = sheet["rows"].as_array().unwrap();
    let header: Vec<Option<String>> = rows[4].as_array().unwrap().iter().map(text).collect();
    assert_eq!(
        header,
        VERIFICATION_SHEET_COLUMNS
            .iter()
            .map(|s| Some(s.to_string()))
            .collect::<Vec<_>>()
    );
    let items: Vec<(String, String, String)> = rows[5..]
        .iter()
        .map(|r| {
            (
                text(&r[0]).unwrap(),
                text(&r[3]).unwrap(),
                text(&r[4]).unwrap(),
            )
        })
        .collect();
    let row = |c: &str, y: &str, i: &str| (c.to_string(), y.to_string(), i.to_string());
    assert_eq!(
        items,
        vec![
            row(C1, "2020", "unverified_clearance"),
            row(C1, "2020", "抽查"),
            row(C1, "2021", "claimed_vs_registry"),
            row(C1, "2021", "unverified_clearance"),
            row(C1, "2021", "抽查"),
        ]
    );
    let checked = rows[8].as_array().unwrap();
    assert_eq!(checked[5], "零就业家庭清零无据");
    assert_eq!(checked[6], "高");
    assert_eq!(checked[8], "不属实");
    assert_eq!(checked[9], "2022-01-10 00:00:00");
    assert_eq!(checked[10], "市局核查组");
    let note = checked[11].as_str().unwrap();
    assert!(!note.contains(&raw) && note.contains("****"), "{note}");
    assert!(rows[5][8].is_null(), "awaiting a result");
    let v: Vec<(String, String)> = sheet["validations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d[0].as_str().unwrap().to_string(),
                d[3].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        v,
        vec![
            ("date".into(), "J6:J10".into()),
            ("list".into(), "I6:I10".into())
        ]
    );
    let list_formula = sheet["validations"][1][1].as_str().unwrap();
    assert_eq!(list_formula, "\"属实,不属实\"");

    // Text cells are strings, never formulas; no identity number anywhere.
    for (name, book) in doc.as_object().unwrap() {
        for c in book["cells"].as_array().unwrap() {
            assert_ne!(c[1], "f", "{name} {c:?} is a formula");
            let v = c[2].as_str().unwrap();
            assert!(!v.starts_with('='), "{name} {c:?}");
            assert!(!v.contains(&raw), "{name} {c:?} holds an identity number");
            for w in v.split(|ch: char| !ch.is_ascii_alphanumeric()) {
                assert!(
                    !fullemp::contract::identity::looks_like_identity(w),
                    "{name} {c:?} holds an identity number"
                );
            }
        }
    }
}
