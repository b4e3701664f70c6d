//! The review's stages are data (docs/ratings.md, "Review stages"): a rules
//! file that moves one stage and adds another changes nothing else, and
//! every place that checks or shows a stage follows the list: ingest's
//! checks, the status and its due dates, the working sheet's column groups
//! (and reading the sheet back), the data dictionary in the Parquet schema,
//! the report and `explain`.

mod support;

use std::path::Path;
use std::process::Command;

use calamine::{Data, Reader, Xlsx, open_workbook};
use support::*;

/// The notice's list with the county's selection moved before its site
/// visit and a district hearing (区级听证) added after the visit.
const STAGES: &str = r#"
[[rules.review.stages]]
id = "street_review"
name = "街道审核"
unit = "街道办事处"
outcomes = ["同意", "不同意"]
passes = ["同意"]
due = "list_due"
sets = "street_recommends"
form_box = "街道(乡镇)意见"

[[rules.review.stages]]
id = "county_selection"
name = "县级初选"
unit = "县级人社局"
outcomes = ["推荐", "不推荐"]
passes = ["推荐"]
due = "list_due"
sets = "county_recommends"
form_box = "县(市、区)推荐意见"

[[rules.review.stages]]
id = "site_visit"
name = "县级实地考察"
unit = "县级人社局"
outcomes = ["合格", "不合格"]
passes = ["合格"]
due = "list_due"

[[rules.review.stages]]
id = "district_hearing"
name = "区级听证"
unit = "区听证委员会"
outcomes = ["通过", "不通过"]
passes = ["通过"]
due = "cross_assessment_end"

[[rules.review.stages]]
id = "city_assessment"
name = "市级交叉考核"
unit = "交叉考核组"
outcomes = ["合格", "不合格"]
passes = ["合格"]
due = "cross_assessment_end"

[[rules.review.stages]]
id = "publicity"
name = "公示"
unit = "市人社局"
outcomes = ["无异议", "有异议", "异议不成立", "异议成立"]
passes = ["无异议", "异议不成立"]
pending = ["有异议"]
due = "publicity_end"
objections = true

[[rules.review.stages]]
id = "confirmation"
name = "发文确认"
unit = "市人社局"
outcomes = ["认定", "不予认定"]
passes = ["认定"]
due = "confirmation_due"
form_box = "市人社局意见"
"#;

const ORDER: [&str; 7] = [
    "街道审核",
    "县级初选",
    "县级实地考察",
    "区级听证",
    "市级交叉考核",
    "公示",
    "发文确认",
];

fn run(p: &Path) {
    let o = command()
        .args(["run", "--force", "--run-date", "2022-01-20", "--pipeline"])
        .arg(p)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

fn python(code: &str, arg: &Path) -> String {
    let o = Command::new("python3")
        .arg("-c")
        .arg(code)
        .arg(arg)
        .output()
        .expect("python3 (scripts/test puts the test environment first on PATH)");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).unwrap().trim().to_string()
}

/// The stage groups of a 评审记录 sheet's upper header row, in order.
fn sheet_groups(path: &Path) -> Vec<String> {
    let mut wb: Xlsx<_> = open_workbook(path).unwrap();
    let range = wb.worksheet_range("评审记录").unwrap();
    let row = range
        .rows()
        .find(|r| {
            r.iter()
                .any(|c| matches!(c, Data::String(s) if s == "申报信息"))
        })
        .expect("the group row");
    row.iter()
        .filter_map(|c| match c {
            Data::String(s) if s != "申报信息" => Some(s.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn a_stage_moved_and_one_added_in_the_list_alone_and_everything_follows() {
    let dir = tempfile::tempdir().unwrap();
    let extract = dir.path().join("extract");
    std::fs::create_dir(&extract).unwrap();
    fixture(&extract, true);
    // C1 goes through the new order up to the hearing; C2's visit comes
    // without the selection the list now puts before it.
    write(
        &extract,
        "decisions.csv",
        format!(
            "community_code,year,stage,decision,opinion,decided_on,decided_by\n\
             {C1},2021,街道审核,同意,,2022-01-05,中兴路街道办事处\n\
             {C1},2021,县级初选,推荐,,2022-01-06,新华区人社局\n\
             {C1},2021,县级实地考察,合格,,2022-01-07,新华区人社局\n\
             {C1},2021,区级听证,通过,听证通过,2022-01-10,区听证委员会\n\
             {C2},2021,街道审核,同意,,2022-01-05,中兴路街道办事处\n\
             {C2},2021,县级实地考察,合格,,2022-01-07,新华区人社局\n"
        ),
    );
    let out = dir.path().join("out");
    let extra = format!(
        "[review]\nlist_due = 2022-01-14\ncross_assessment_start = 2022-01-17\n\
         cross_assessment_end = 2022-01-26\n{STAGES}"
    );
    let p = pipeline_file(dir.path(), &extract, &out, &extra);
    run(&p);
    let latest = out.join("latest");

    // Ingest: C2's visit before the selection is rejected, naming it.
    let rejects = python(
        "import sys, pyarrow.parquet as pq\n\
         for r in pq.read_table(sys.argv[1] + '/rejects.parquet').to_pylist():\n\
         \x20   if r['table'] == 'decisions': print(r['value'], '|', r['detail'])",
        &latest,
    );
    assert_eq!(
        rejects, "县级实地考察 | no accepted 县级初选 decision",
        "{rejects}"
    );

    // Status: the stage columns in the list's order, C1 at the hearing,
    // next the cross assessment due by its last day; the dictionary in the
    // Parquet schema describes the new stage's column.
    let status = python(
        "import sys, pyarrow.dataset as ds\n\
         d = ds.dataset(sys.argv[1] + '/status', format='parquet', partitioning='hive')\n\
         cols = [c[:-9] for c in d.schema.names if c.endswith('_decision') and c != 'decision']\n\
         print(','.join(cols))\n\
         r = [r for r in d.to_table().to_pylist() if r['community_code'] == '410402001001'][0]\n\
         print(r['stage_reached_label'], r['next_stage'], r['due_on'], r['district_hearing_decision'])\n\
         print(d.schema.field('district_hearing_decision').metadata[b'description'].decode())",
        &latest,
    );
    let lines: Vec<&str> = status.lines().collect();
    assert_eq!(
        lines[0],
        "street_review,county_selection,site_visit,district_hearing,city_assessment,publicity,confirmation"
    );
    assert_eq!(lines[1], "区级听证 city_assessment 2022-01-26 通过");
    assert!(
        lines[2].contains("区级听证") && lines[2].contains("区听证委员会"),
        "{}",
        lines[2]
    );

    // The working sheet's groups follow the list, and read back as written.
    let sheet = latest.join("forms/评审记录-全市.xlsx");
    assert_eq!(sheet_groups(&sheet), ORDER);
    std::fs::copy(&sheet, extract.join("评审记录-全市.xlsx")).unwrap();
    // The report and explain name the stages in the list's order.
    let html = std::fs::read_to_string(latest.join("report.html")).unwrap();
    assert!(
        html.contains(&format!("申报 → {}", ORDER.join(" → "))),
        "report"
    );
    let explain = command()
        .args(["explain", C1, "--out"])
        .arg(&out)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&explain.stdout);
    assert!(text.contains("区级听证 通过 2022-01-10"), "{text}");
    assert!(text.contains("下一环节 next 市级交叉考核"), "{text}");

    // The next night reads the dropped-back sheet: the same decisions, no
    // more rejects than the one already there.
    run(&p);
    let again = python(
        "import sys, pyarrow.parquet as pq\n\
         print(sum(1 for r in pq.read_table(sys.argv[1] + '/rejects.parquet').to_pylist() if r['table'] == 'decisions'))",
        &out.join("latest"),
    );
    assert_eq!(again, "1");
}

/// A stage list that contradicts itself stops the run before reading,
/// naming the key (exit 2).
#[test]
fn a_stage_list_that_contradicts_itself_names_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let extract = dir.path().join("extract");
    std::fs::create_dir(&extract).unwrap();
    fixture(&extract, true);
    let bad = STAGES.replacen("passes = [\"推荐\"]", "passes = [\"同意推荐\"]", 1);
    let p = pipeline_file(dir.path(), &extract, &dir.path().join("out"), &bad);
    let o = command()
        .args(["run", "--pipeline"])
        .arg(&p)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("review.stages[1].passes"), "{err}");
}
