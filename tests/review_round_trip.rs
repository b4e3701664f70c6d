//! The bureau's nightly loop end to end (docs/operations.md): the run writes
//! the working sheets, a clerk fills them in (openpyxl), the file is opened
//! and saved again by LibreOffice as a bureau's office suite would, dropped
//! into the input folder, and the next night's run reads it: the status of
//! the application moves on, the dismissed finding is marked so, the next
//! sheets carry what was recorded, and nothing recorded earlier turns into a
//! reject.
//!
//! Needs python3 with openpyxl and pyarrow (`scripts/test` sets them up) and
//! LibreOffice (`soffice`, Debian `libreoffice-calc-nogui`, installed by
//! `.ci/run`).

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use support::*;

const RUN_DATE: &str = "2022-02-10";

fn soffice_present() -> bool {
    let present = Command::new("soffice")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !present {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI must install libreoffice-calc-nogui (.ci/run)"
        );
        eprintln!("no soffice: the round trip is skipped");
    }
    present
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The bundled sample copied into a folder of its own.
fn sample_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for e in std::fs::read_dir(root().join("sample_data"))
        .unwrap()
        .flatten()
    {
        if e.path().is_file() {
            std::fs::copy(e.path(), dir.path().join(e.file_name())).unwrap();
        }
    }
    dir
}

/// The nightly pipeline, reading `input` and publishing to `out`.
fn nightly(dir: &Path, input: &Path, out: &Path) -> PathBuf {
    let text = std::fs::read_to_string(root().join("pipelines/nightly.toml")).unwrap();
    let rules = root().join("pipelines/rules/default.toml");
    let text = text
        .replace(
            "input_dir = \"../sample_data\"",
            &format!("input_dir = {:?}", input.display().to_string()),
        )
        .replace(
            "output_dir = \"../reports\"",
            &format!("output_dir = {:?}", out.display().to_string()),
        )
        .replace(
            "rules_file = \"rules/default.toml\"",
            &format!("rules_file = {:?}", rules.display().to_string()),
        );
    let path = dir.join("nightly.toml");
    std::fs::write(&path, text).unwrap();
    path
}

fn run(pipeline: &Path) {
    let o = command()
        .args([
            "--quiet",
            "run",
            "--force",
            "--run-date",
            RUN_DATE,
            "--pipeline",
        ])
        .arg(pipeline)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "run failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

fn python(args: &[&str]) -> String {
    let o = Command::new("python3")
        .args(args)
        .output()
        .expect("python3 runs (scripts/test puts the test environment first on PATH)");
    assert!(
        o.status.success(),
        "python3 {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap().trim().to_string()
}

/// Opens `src` in LibreOffice and saves it as XLSX under `dir` (same name).
fn resave(src: &Path, dir: &Path) -> PathBuf {
    let profile = dir.join("profile");
    let o = Command::new("soffice")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args(["--headless", "--convert-to", "xlsx", "--outdir"])
        .arg(dir)
        .arg(src)
        .output()
        .expect("soffice runs");
    assert!(
        o.status.success(),
        "soffice: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let saved = dir.join(src.file_name().unwrap());
    assert!(
        saved.exists(),
        "soffice wrote nothing: {}",
        String::from_utf8_lossy(&o.stdout)
    );
    saved
}

/// One column of the published Parquet dataset `table`, for the row of
/// `code`/`year` matching `filter` (a Python expression over the row `r`).
fn published(
    out: &Path,
    table: &str,
    code: &str,
    year: &str,
    filter: &str,
    column: &str,
) -> String {
    python(&[
        "-c",
        &format!(
            "import pyarrow.dataset as ds\n\
             t = ds.dataset({:?}, format='parquet', partitioning='hive').to_table().to_pylist()\n\
             rows = [r for r in t if r['community_code'] == {code:?} and str(r['year']) == {year:?} and ({filter})]\n\
             assert len(rows) >= 1, rows\n\
             print(rows[0][{column:?}])",
            out.join("latest").join(table).display().to_string()
        ),
    ])
}

fn rejects(out: &Path) -> String {
    python(&[
        "-c",
        &format!(
            "import pyarrow.parquet as pq\n\
             print(pq.read_table({:?}).num_rows)",
            out.join("latest/rejects.parquet").display().to_string()
        ),
    ])
}

#[test]
fn the_filled_working_sheets_resaved_by_libreoffice_move_the_review_on() {
    if !soffice_present() {
        return;
    }
    let input = sample_copy();
    let work = tempfile::tempdir().unwrap();
    let out = work.path().join("out");
    let pipeline = nightly(work.path(), input.path(), &out);

    // Night 1: the sample's own records; the sheets are written.
    run(&pipeline);
    let forms = out.join("latest/forms");
    let rejects_before = rejects(&out);

    // The clerk records the next stage of one application and dismisses one
    // finding, then the files are saved again by LibreOffice.
    let filled = work.path().join("filled");
    let saved = work.path().join("saved");
    std::fs::create_dir_all(&filled).unwrap();
    std::fs::create_dir_all(&saved).unwrap();
    let fill = root().join("tests/review/fill_sheets.py");
    let fill = fill.to_str().unwrap();
    let sheet = "评审记录-全市.xlsx";
    let decided = python(&[
        fill,
        "decisions",
        forms.join(sheet).to_str().unwrap(),
        filled.join(sheet).to_str().unwrap(),
        RUN_DATE,
    ]);
    let checked = python(&[
        fill,
        "verifications",
        forms.join("核实记录.xlsx").to_str().unwrap(),
        filled.join("核实记录.xlsx").to_str().unwrap(),
        RUN_DATE,
    ]);
    for name in [sheet, "核实记录.xlsx"] {
        let back = resave(&filled.join(name), &saved);
        std::fs::copy(&back, input.path().join(name)).unwrap();
    }
    let [code, year, stage]: [&str; 3] = decided.split(' ').collect::<Vec<_>>().try_into().unwrap();
    let [f_code, f_year, detector]: [&str; 3] =
        checked.split(' ').collect::<Vec<_>>().try_into().unwrap();
    let before = published(&out, "status", code, year, "True", "stage_reached_label");
    assert_ne!(before, stage, "the stage filled in was open on night 1");

    // Night 2 reads the sheets back.
    run(&pipeline);
    assert_eq!(
        published(&out, "status", code, year, "True", "stage_reached_label"),
        stage,
        "{code} {year}: the status moves to the stage recorded in the sheet"
    );
    assert_eq!(
        published(
            &out,
            "findings",
            f_code,
            f_year,
            &format!("r['detector'] == {detector:?}"),
            "verification"
        ),
        "不属实",
        "{checked}: the finding is marked dismissed"
    );
    // The decisions recorded before and repeated by the sheet count once,
    // never as duplicates: no reject is added.
    assert_eq!(rejects(&out), rejects_before);
    // The next night's sheet carries the recorded decision.
    let recorded = python(&[
        fill,
        "show",
        forms.join(sheet).to_str().unwrap(),
        code,
        year,
        stage,
    ]);
    assert!(
        ["同意", "推荐", "合格", "无异议", "认定"].contains(&recorded.as_str()),
        "{code} {year} {stage}: the next sheet shows {recorded:?}"
    );
}

/// One night of the clerk's work: `steps` applied to the latest run's
/// working sheets (each `fill_sheets.py` arguments after the command,
/// `sheet` the file it edits), resaved by LibreOffice into the input folder.
fn clerk(out: &Path, input: &Path, work: &Path, night: &str, steps: &[(&str, &str, Vec<&str>)]) {
    let fill = root().join("tests/review/fill_sheets.py");
    let forms = out.join("latest/forms");
    let filled = work.join(format!("filled-{night}"));
    let saved = work.join(format!("saved-{night}"));
    std::fs::create_dir_all(&filled).unwrap();
    std::fs::create_dir_all(&saved).unwrap();
    let mut touched: Vec<&str> = Vec::new();
    for (command, sheet, args) in steps {
        // Each step edits the clerk's copy, starting from the run's own.
        let copy = filled.join(sheet);
        if !touched.contains(sheet) {
            std::fs::copy(forms.join(sheet), &copy).unwrap();
            touched.push(sheet);
        }
        let mut all = vec![
            fill.to_str().unwrap(),
            command,
            copy.to_str().unwrap(),
            copy.to_str().unwrap(),
        ];
        all.extend(args.iter().copied());
        python(&all);
    }
    for sheet in touched {
        let back = resave(&filled.join(sheet), &saved);
        std::fs::copy(&back, input.join(sheet)).unwrap();
    }
}

/// Publicity with objections, through the sheets: two applications reach
/// publicity; objections against both are registered in 异议登记 and 有异议
/// recorded in 评审记录 (both wait, and a confirmation recorded meanwhile is
/// refused naming the objection); then one objection is not upheld (异议不成立,
/// and the application is confirmed), the other upheld (异议成立: stopped,
/// the objection in its status).
#[test]
fn objections_registered_through_the_sheets_hold_then_release_or_stop_the_application() {
    if !soffice_present() {
        return;
    }
    let input = sample_copy();
    // Two confirmed applications of the sample taken back to the end of
    // the cross assessment: their publicity and confirmation not recorded.
    let (a, b) = ("410403002004", "410411002006");
    let decisions = input.path().join("decisions.csv");
    let kept: String = std::fs::read_to_string(&decisions)
        .unwrap()
        .lines()
        .filter(|l| {
            !((l.starts_with(a) || l.starts_with(b))
                && (l.contains(",公示,") || l.contains(",发文确认,")))
        })
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&decisions, kept).unwrap();
    let work = tempfile::tempdir().unwrap();
    let out = work.path().join("out");
    let pipeline = nightly(work.path(), input.path(), &out);
    let state = |code: &str| published(&out, "status", code, "2021", "True", "state");
    let sheet = "评审记录-全市.xlsx";
    let register = "异议登记.xlsx";

    // Night 1: both wait for publicity; the register has a blank row for each.
    run(&pipeline);
    for code in [a, b] {
        assert_eq!(
            published(&out, "status", code, "2021", "True", "next_stage"),
            "publicity"
        );
    }
    let rejects_before: i64 = rejects(&out).parse().unwrap();

    // Objections against both; 有异议 recorded; A's confirmation keyed too early.
    let (said_a, said_b) = (
        "来电反映部分新增就业人员未实际上岗。",
        "来信反映登记失业人员就业登记系集中补录。",
    );
    clerk(
        &out,
        input.path(),
        work.path(),
        "1",
        &[
            (
                "objection",
                register,
                vec![a, "2021", "2022-01-30", said_a, "", ""],
            ),
            (
                "objection",
                register,
                vec![b, "2021", "2022-01-30", said_b, "", ""],
            ),
            (
                "record",
                sheet,
                vec![a, "2021", "公示", "有异议", "2022-02-08"],
            ),
            (
                "record",
                sheet,
                vec![b, "2021", "公示", "有异议", "2022-02-08"],
            ),
            (
                "record",
                sheet,
                vec![a, "2021", "发文确认", "认定", "2022-02-09"],
            ),
        ],
    );
    run(&pipeline);
    for code in [a, b] {
        assert_eq!(state(code), "waiting", "{code} waits at publicity");
        assert_eq!(
            published(&out, "status", code, "2021", "True", "objections_open"),
            "1"
        );
    }
    let refused = python(&[
        "-c",
        &format!(
            "import pyarrow.parquet as pq\n\
             rows = pq.read_table({:?}).to_pylist()\n\
             r = [r for r in rows if r['reason'] == 'an objection unresolved or upheld']\n\
             assert len(r) == 1, rows\n\
             print(r[0]['column'], r[0]['value'], r[0]['detail'])",
            out.join("latest/rejects.parquet").display().to_string()
        ),
    ]);
    assert!(refused.starts_with("发文确认 发文确认"), "{refused}");
    assert!(
        refused.contains("公示 stands at 有异议") && refused.contains(said_a),
        "{refused}"
    );
    assert_eq!(rejects(&out).parse::<i64>().unwrap(), rejects_before + 1);

    // A's objection not upheld, B's upheld; the outcomes recorded, and A's
    // confirmation typed again (a refused entry is not written back).
    clerk(
        &out,
        input.path(),
        work.path(),
        "2",
        &[
            (
                "record",
                sheet,
                vec![a, "2021", "发文确认", "认定", "2022-02-10"],
            ),
            (
                "objection",
                register,
                vec![a, "2021", "2022-01-30", said_a, "异议不成立", "2022-02-09"],
            ),
            (
                "objection",
                register,
                vec![b, "2021", "2022-01-30", said_b, "异议成立", "2022-02-09"],
            ),
            (
                "record",
                sheet,
                vec![a, "2021", "公示", "异议不成立", "2022-02-09"],
            ),
            (
                "record",
                sheet,
                vec![b, "2021", "公示", "异议成立", "2022-02-09"],
            ),
        ],
    );
    run(&pipeline);
    assert_eq!(
        state(a),
        "confirmed",
        "A's objection not upheld: its confirmation counts"
    );
    assert_eq!(
        published(&out, "status", a, "2021", "True", "publicity_decision"),
        "异议不成立"
    );
    assert_eq!(state(b), "stopped");
    assert_eq!(
        published(&out, "status", b, "2021", "True", "decision"),
        "异议成立"
    );
    assert!(published(&out, "status", b, "2021", "True", "objection").contains(said_b));
    assert_eq!(rejects(&out).parse::<i64>().unwrap(), rejects_before);
}

/// The province's answer and a county's filing, through the sheets: the
/// answer recorded in 取消资格审批 shows on the disqualification list; the
/// community keeps the verdict of the year that proposed it, and a run for
/// the following review year leaves it out of re-inspection and says why.
/// The register's receipt in 报送登记 shows in the timeline.
#[test]
fn a_province_approval_recorded_in_the_sheet_takes_the_community_out_the_next_year() {
    if !soffice_present() {
        return;
    }
    let input = sample_copy();
    let work = tempfile::tempdir().unwrap();
    let out = work.path().join("out");
    let pipeline = nightly(work.path(), input.path(), &out);

    run(&pipeline);
    let proposed = python(&[
        "-c",
        &format!(
            "import openpyxl\n\
             ws = openpyxl.load_workbook({:?}).worksheets[0]\n\
             print(ws.cell(6, 1).value, ws.cell(6, 4).value)",
            out.join("latest/forms/取消资格审批.xlsx")
                .display()
                .to_string()
        ),
    ]);
    let [code, year]: [&str; 2] = proposed.split(' ').collect::<Vec<_>>().try_into().unwrap();
    assert_eq!(year, "2021");
    assert_eq!(
        published(&out, "ratings", code, "2021", "True", "verdict"),
        "fail",
        "the sheet lists the year's failing communities"
    );
    clerk(
        &out,
        input.path(),
        work.path(),
        "1",
        &[
            (
                "row",
                "取消资格审批.xlsx",
                vec![
                    &format!("社区代码={code};年度=2021"),
                    "审批结果=同意取消;审批日期=@2022-03-01;文号=豫人社函〔2022〕12号",
                ],
            ),
            (
                "row",
                "报送登记.xlsx",
                vec![
                    "所在区县=新华区;报送材料=复查情况登记表",
                    "收到日期=@2022-01-10",
                ],
            ),
        ],
    );

    // Night 2, the same years: the answer on the list; 2021 keeps its verdict.
    run(&pipeline);
    let list = python(&[
        "-c",
        &format!(
            "import openpyxl\n\
             ws = openpyxl.load_workbook({:?}).worksheets[0]\n\
             print([r[8] for r in ws.iter_rows(values_only=True) if r[4] == {code:?}][0])",
            out.join("latest/forms/提请取消资格名单.xlsx")
                .display()
                .to_string()
        ),
    ]);
    assert!(
        list.starts_with("省厅同意取消(2022-03-01,豫人社函〔2022〕12号)"),
        "{list}"
    );
    assert_eq!(
        published(&out, "ratings", code, "2021", "True", "under_reinspection"),
        "True"
    );
    assert_eq!(
        published(
            &out,
            "ratings",
            code,
            "2021",
            "True",
            "qualification_revoked_on"
        ),
        "2022-03-01"
    );
    let html = std::fs::read_to_string(out.join("latest/report.html")).unwrap();
    assert!(
        html.contains("新华区:登记表已于 2022-01-10 收到,逾期 1 个工作日"),
        "the timeline reads the receipt"
    );
    assert!(
        html.contains("未收到登记表"),
        "the other counties owe theirs"
    );

    // The following review year: out of scope, and explain says why.
    let text = std::fs::read_to_string(&pipeline)
        .unwrap()
        .replace("years = [2019, 2020, 2021]", "years = [2021, 2022]");
    std::fs::write(&pipeline, text).unwrap();
    run(&pipeline);
    assert_eq!(
        published(&out, "ratings", code, "2022", "True", "under_reinspection"),
        "False"
    );
    assert_eq!(
        published(&out, "ratings", code, "2021", "True", "under_reinspection"),
        "True"
    );
    let explain = command()
        .args(["explain", code, "--year", "2022", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&explain.stdout);
    assert!(
        said.contains("省厅已于 2022-03-01 同意取消资格,自该日起不再复查"),
        "{said}"
    );
}
