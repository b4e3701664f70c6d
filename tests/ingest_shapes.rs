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

// ---------------------------------------------------------------------------
// The shapes of issue 32, written here rather than by a desktop program: each
// must read to the clean file's typed frames, or stop with an error naming
// the file, the sheet or line, and the fix. Never exit 0 with other figures.
// ---------------------------------------------------------------------------

/// The persons' optional columns, for the shapes that touch them.
const OPTIONAL_ZH: [&str; 3] = ["就业意愿", "注销日期", "注销原因"];

/// The persons with their optional columns: the first and fifth left the
/// ledger, the third does not want work.
fn persons_full() -> Vec<[String; 10]> {
    persons()
        .into_iter()
        .enumerate()
        .map(|(k, p)| {
            let (wants, left, why) = match k {
                0 => ("是", "2021-06-30", "迁出"),
                2 => ("否", "", ""),
                4 => ("是", "2021-09-01", "退休"),
                _ => ("是", "", ""),
            };
            let mut r: [String; 10] = Default::default();
            r[..7].clone_from_slice(&p);
            r[7] = wants.to_string();
            r[8] = left.to_string();
            r[9] = why.to_string();
            r
        })
        .collect()
}

fn persons_full_headers() -> [&'static str; 10] {
    let mut h = [""; 10];
    h[..7].copy_from_slice(&PERSONS_ZH);
    h[7..].copy_from_slice(&OPTIONAL_ZH);
    h
}

/// A CSV field quoted when it holds a separator, a quote or a line break.
fn quoted(v: &str) -> String {
    if v.contains([',', '"', '\n']) {
        format!("\"{}\"", v.replace('"', "\"\""))
    } else {
        v.to_string()
    }
}

fn csv_quoted(headers: &[String], rows: &[Vec<String>]) -> String {
    let line = |r: &[String]| r.iter().map(|v| quoted(v)).collect::<Vec<_>>().join(",") + "\n";
    let mut text = line(headers);
    for r in rows {
        text += &line(r);
    }
    text
}

fn strings<const N: usize>(v: &[&str; N]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

/// The clean extract with the persons' optional columns.
fn clean_full_extract() -> tempfile::TempDir {
    let dir = clean_extract();
    let rows: Vec<Vec<String>> = persons_full().into_iter().map(|r| r.to_vec()).collect();
    replace(
        dir.path(),
        "persons.csv",
        csv_quoted(&strings(&persons_full_headers()), &rows).as_bytes(),
    );
    dir
}

/// A cell of a workbook written by the tests.
#[derive(Clone)]
enum X {
    S(String),
    N(f64),
}

fn text_rows(rows: &[Vec<String>]) -> Vec<Vec<X>> {
    rows.iter()
        .map(|r| r.iter().map(|v| X::S(v.clone())).collect())
        .collect()
}

/// A workbook of the sheets given, each a list of rows.
fn workbook(sheets: &[(&str, Vec<Vec<X>>)]) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    for (name, rows) in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(*name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                match cell {
                    X::S(s) if s.is_empty() => {}
                    X::S(s) => {
                        ws.write_string(r as u32, c as u16, s).unwrap();
                    }
                    X::N(f) => {
                        ws.write_number(r as u32, c as u16, *f).unwrap();
                    }
                }
            }
        }
    }
    wb.save_to_buffer().unwrap()
}

/// Whether the typed table equals the clean one, cell for cell (the
/// differing columns named, never their values: they hold identity numbers).
fn same_frame(got: &DataFrame, want: &DataFrame) -> Result<(), String> {
    if got.equals_missing(want) {
        return Ok(());
    }
    let differing: Vec<String> = want
        .get_column_names()
        .into_iter()
        .filter(|c| match (got.column(c), want.column(c)) {
            (Ok(g), Ok(w)) => !g
                .as_materialized_series()
                .equals_missing(w.as_materialized_series()),
            _ => true,
        })
        .map(|c| c.to_string())
        .collect();
    Err(format!(
        "differs in {differing:?} ({} rows, wanted {})",
        got.height(),
        want.height()
    ))
}

/// Reads `dir` after putting `files` in it; the persons (and communities)
/// must equal the clean ones and nothing may be rejected.
fn reads_as_clean(name: &str, clean: &Extract, files: &[(&str, Vec<u8>)], full: bool) -> Extract {
    let dir = if full {
        clean_full_extract()
    } else {
        clean_extract()
    };
    for (file, bytes) in files {
        replace(dir.path(), file, bytes);
    }
    let e = read(dir.path());
    assert!(e.problems.is_empty(), "{name}: {:?}", e.problems);
    assert!(e.rejects.is_empty(), "{name}: {:?}", e.rejects);
    for t in [Table::Persons, Table::Communities] {
        if let Err(m) = same_frame(&typed(&e, t), &typed(clean, t)) {
            panic!("{name}: {t} {m}");
        }
    }
    e
}

fn note_of(e: &Extract, words: &str) -> bool {
    e.notes().iter().any(|n| n.contains(words))
}

/// "All sheets of a workbook whose header matches the table are read as one
/// table; sheets without the header are listed and skipped."
#[test]
fn a_workbook_of_one_sheet_per_county_reads_every_sheet() {
    let clean = read(clean_extract().path());
    let header = |h: &[&str]| h.iter().map(|s| X::S(s.to_string())).collect::<Vec<_>>();
    let rows: Vec<Vec<String>> = persons().into_iter().map(|r| r.to_vec()).collect();
    let mut xinhua = vec![header(&PERSONS_ZH)];
    xinhua.extend(text_rows(&rows[..4]));
    let mut weidong = vec![
        vec![X::S("卫东区劳动力资源台账".into())],
        header(&PERSONS_ZH),
    ];
    weidong.extend(text_rows(&rows[4..]));
    let summary = vec![
        vec![X::S("区县".into()), X::S("人数".into())],
        vec![X::S("新华区".into()), X::N(4.0)],
        vec![X::S("卫东区".into()), X::N(2.0)],
    ];
    let book = workbook(&[
        ("汇总", summary),
        ("新华区", xinhua.clone()),
        ("卫东区", weidong.clone()),
    ]);
    let e = reads_as_clean(
        "one sheet per county",
        &clean,
        &[("persons.xlsx", book.clone())],
        false,
    );
    assert!(note_of(&e, "sheet \"汇总\" skipped"), "{:?}", e.notes());
    assert!(
        note_of(&e, "sheet \"新华区\": 4 rows read"),
        "{:?}",
        e.notes()
    );
    assert!(
        note_of(&e, "sheet \"卫东区\": 2 rows read"),
        "{:?}",
        e.notes()
    );
    let input = e.inputs.iter().find(|i| i.table == Table::Persons).unwrap();
    assert!(
        input.read_as.contains("sheet \"新华区\"") && input.read_as.contains("sheet \"卫东区\""),
        "{}",
        input.read_as
    );

    // `sheet =` still pins one.
    let dir = clean_extract();
    replace(dir.path(), "persons.xlsx", &book);
    let (_keep, p) = temp_pipeline(dir.path(), "[input.persons]\nsheet = \"卫东区\"\n");
    let e = read_extract(&Pipeline::load(&p).unwrap()).unwrap();
    assert_eq!(e.table(Table::Persons).unwrap().height(), 2);

    // A bad row in the second sheet: its reject names the sheet and the
    // sheet's own row.
    let mut bad = weidong.clone();
    bad[2][4] = X::S("1970-13-01".into());
    let dir = clean_extract();
    replace(
        dir.path(),
        "persons.xlsx",
        &workbook(&[("新华区", xinhua.clone()), ("卫东区", bad)]),
    );
    let e = read(dir.path());
    let got: Vec<(&str, u64, &str)> = e
        .rejects
        .iter()
        .map(|r| (r.file.as_str(), r.line, r.column.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![("persons.xlsx, sheet \"卫东区\"", 3, "birth_date")],
        "{:?}",
        e.rejects
    );
    assert_eq!(
        e.inputs
            .iter()
            .find(|i| i.table == Table::Persons)
            .unwrap()
            .rows_rejected,
        1
    );
}

/// "A workbook whose matching sheets disagree on columns is an error naming
/// them"; so is a county sheet missing a required column (skipping it would
/// drop its rows).
#[test]
fn sheets_that_disagree_on_columns_stop_the_read_naming_them() {
    let rows: Vec<Vec<String>> = persons_full().into_iter().map(|r| r.to_vec()).collect();
    let full = persons_full_headers();
    let with = |h: &[&str], rows: &[Vec<String>]| {
        let mut s = vec![h.iter().map(|v| X::S(v.to_string())).collect::<Vec<_>>()];
        s.extend(text_rows(rows));
        s
    };
    let narrow: Vec<Vec<String>> = rows[4..].iter().map(|r| r[..7].to_vec()).collect();
    let dir = clean_extract();
    replace(
        dir.path(),
        "persons.xlsx",
        &workbook(&[
            ("新华区", with(&full, &rows[..4])),
            ("卫东区", with(&PERSONS_ZH, &narrow)),
        ]),
    );
    let e = read(dir.path());
    let said = e.problems.join("\n");
    assert!(
        said.contains(
            "persons.xlsx: the sheets holding the table's header disagree on its columns"
        ) && said.contains(
            "`wants_work` (就业意愿) stands in sheet \"新华区\" but not in sheet \"卫东区\""
        ) && said.contains("set `sheet` under [input.persons]"),
        "{said}"
    );
    // A county sheet lacking a required column.
    let short: Vec<Vec<String>> = rows[4..].iter().map(|r| r[1..7].to_vec()).collect();
    let dir = clean_extract();
    replace(
        dir.path(),
        "persons.xlsx",
        &workbook(&[
            (
                "新华区",
                with(
                    &PERSONS_ZH,
                    &rows[..4]
                        .iter()
                        .map(|r| r[..7].to_vec())
                        .collect::<Vec<_>>(),
                ),
            ),
            ("卫东区", with(&PERSONS_ZH[1..], &short)),
        ]),
    );
    let said = read(dir.path()).problems.join("\n");
    assert!(
        said.contains(
            "persons.xlsx: sheet \"卫东区\": required column missing: `person_id` (公民身份号码)"
        ),
        "{said}"
    );
}

/// "Identifiers folded": a literal leading apostrophe, zero-width spaces, a
/// byte-order mark and no-break or ideographic spaces in identity numbers
/// and codes read as the clean identifiers; the summary counts them.
#[test]
fn identifiers_with_an_apostrophe_or_invisible_characters_read_as_the_clean_ones() {
    let clean = read(clean_extract().path());
    let spoil = |f: &dyn Fn(usize, &str) -> String| -> Vec<Vec<String>> {
        persons()
            .into_iter()
            .enumerate()
            .map(|(k, mut r)| {
                r[0] = f(k, &r[0]);
                r[1] = f(k + 1, &r[1]);
                r.to_vec()
            })
            .collect()
    };
    let apostrophe = spoil(&|_, v| format!("'{v}"));
    let invisible = spoil(&|k, v| match k % 4 {
        0 => format!("{}\u{200B}{}", &v[..6], &v[6..]),
        1 => format!("\u{FEFF}{v}"),
        2 => format!("{v}\u{200D}"),
        _ => format!("{}\u{00A0}{}\u{3000}", &v[..3], &v[3..]),
    });
    let header = strings(&PERSONS_ZH);
    for (name, rows) in [("apostrophe", &apostrophe), ("invisible", &invisible)] {
        let csv = csv_quoted(&header, rows);
        let e = reads_as_clean(name, &clean, &[("persons.csv", csv.into_bytes())], false);
        assert!(
            note_of(&e, "6 values of person_id folded"),
            "{name}: {:?}",
            e.notes()
        );
        assert!(
            note_of(&e, "6 values of community_code folded"),
            "{name}: {:?}",
            e.notes()
        );
        let mut sheet = vec![header.iter().map(|h| X::S(h.clone())).collect::<Vec<_>>()];
        sheet.extend(text_rows(rows));
        reads_as_clean(
            name,
            &clean,
            &[("persons.xlsx", workbook(&[("台账", sheet)]))],
            false,
        );
    }
}

/// "Headers folded": line breaks (Alt+Enter), runs of spaces and full-width
/// spaces inside a header do not count, for required and optional columns.
#[test]
fn line_breaks_and_spaces_inside_headers_do_not_count() {
    let clean = read(clean_full_extract().path());
    let rows: Vec<Vec<String>> = persons_full().into_iter().map(|r| r.to_vec()).collect();
    let mut headers = strings(&persons_full_headers());
    headers[0] = "公民身份\n号码".into();
    headers[4] = "出生  日期".into();
    headers[5] = "有无\u{3000}劳动能力".into();
    headers[7] = "就业\n意愿".into();
    headers[8] = "注销\r\n日期".into();
    headers[9] = "注销\n原因".into();
    let csv = csv_quoted(&headers, &rows);
    reads_as_clean(
        "alt-enter csv",
        &clean,
        &[("persons.csv", csv.into_bytes())],
        true,
    );
    let mut sheet = vec![headers.iter().map(|h| X::S(h.clone())).collect::<Vec<_>>()];
    sheet.extend(text_rows(&rows));
    reads_as_clean(
        "alt-enter xlsx",
        &clean,
        &[("persons.xlsx", workbook(&[("台账", sheet)]))],
        true,
    );
}

/// "An unmatched column whose folded name is close to a contract column is
/// a warning in validate's summary, naming both"; the line break in a
/// missing required header shows as ⏎.
#[test]
fn a_header_close_to_a_contract_column_is_a_warning_naming_both() {
    let rows: Vec<Vec<String>> = persons_full().into_iter().map(|r| r.to_vec()).collect();
    let mut headers = strings(&persons_full_headers());
    headers[8] = "注销时间".into();
    let dir = clean_full_extract();
    replace(
        dir.path(),
        "persons.csv",
        csv_quoted(&headers, &rows).as_bytes(),
    );
    let (code, out, _) = validate_dir(dir.path(), "");
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("warning: persons.csv: column \"注销时间\" is not read: its name is close to `left_on` (注销日期)"),
        "{out}"
    );
    // A required header with a typo and a line break: the message shows both.
    headers[8] = "注销日期".into();
    headers[6] = "登记\n日 期x".into();
    replace(
        dir.path(),
        "persons.csv",
        csv_quoted(&headers, &rows).as_bytes(),
    );
    let (code, out, _) = validate_dir(dir.path(), "");
    assert_eq!(code, 3, "{out}");
    assert!(out.contains("closest match \"登记⏎日 期x\""), "{out}");
}

/// "What the contract promises": ticks and crosses as yes/no, 8-digit dates
/// Excel keeps as numbers, a rule of dashes or equals signs under the header.
#[test]
fn ticks_numeric_eight_digit_dates_and_rules_under_the_header_read_as_clean() {
    let clean = read(clean_full_extract().path());
    let rows: Vec<Vec<String>> = persons_full().into_iter().map(|r| r.to_vec()).collect();
    let headers = strings(&persons_full_headers());
    let ticks: Vec<Vec<String>> = rows
        .iter()
        .enumerate()
        .map(|(k, r)| {
            let mut r = r.clone();
            let tick = |v: &str, yes: &str, no: &str| match v {
                "是" => yes.to_string(),
                _ => no.to_string(),
            };
            let (yes, no) = if k % 2 == 0 {
                ("√", "×")
            } else {
                ("✓", "✗")
            };
            r[5] = tick(&r[5], yes, no);
            r[7] = tick(&r[7], yes, no);
            r
        })
        .collect();
    reads_as_clean(
        "ticks",
        &clean,
        &[("persons.csv", csv_quoted(&headers, &ticks).into_bytes())],
        true,
    );
    // Dates typed as 20210305 into cells Excel keeps as numbers.
    let mut sheet = vec![headers.iter().map(|h| X::S(h.clone())).collect::<Vec<_>>()];
    for r in &rows {
        sheet.push(
            r.iter()
                .enumerate()
                .map(|(c, v)| match c {
                    4 | 6 | 8 if !v.is_empty() => X::N(v.replace('-', "").parse().unwrap()),
                    _ => X::S(v.clone()),
                })
                .collect(),
        );
    }
    reads_as_clean(
        "eight-digit numbers",
        &clean,
        &[("persons.xlsx", workbook(&[("台账", sheet.clone())]))],
        true,
    );
    // A rule under the header (and one above a total), in CSV and XLSX.
    let mut text = csv_quoted(&headers, &rows);
    text = text.replacen('\n', "\n-------,------,-----,\n", 1);
    text += "==========,,\n合计,6人\n";
    let e = reads_as_clean(
        "rule csv",
        &clean,
        &[("persons.csv", text.into_bytes())],
        true,
    );
    assert!(
        note_of(
            &e,
            "1 rows of dashes or equals signs under the header skipped"
        ),
        "{:?}",
        e.notes()
    );
    assert!(
        note_of(&e, "2 rows after the data skipped"),
        "{:?}",
        e.notes()
    );
    let mut ruled = vec![
        sheet[0].clone(),
        vec![X::S("＝＝＝＝".into()), X::S("＝＝＝".into())],
    ];
    ruled.extend(sheet[1..].iter().cloned());
    reads_as_clean(
        "rule xlsx",
        &clean,
        &[("persons.xlsx", workbook(&[("台账", ruled)]))],
        true,
    );
}

/// "A quoted field that runs over line breaks far beyond any real value is
/// an error at the line where the quote opened"; below the bound, the
/// reject counts every line it swallowed against `max_reject_ratio`.
#[test]
fn a_stray_quote_never_hides_rows_in_one_reject() {
    let header = strings(&PERSONS_ZH);
    let many: Vec<Vec<String>> = (0..700u32)
        .map(|n| {
            vec![
                id(n + 10, "19800101"),
                COMMUNITY.to_string(),
                format!("H{n:04}"),
                "男".into(),
                "1980-01-01".into(),
                "是".into(),
                "2020-01-01".into(),
            ]
        })
        .collect();
    let clean = csv_quoted(&header, &many);
    // A stray opening quote on line 102 (the 101st row), 600 rows before the end.
    let mut lines: Vec<String> = clean.lines().map(str::to_string).collect();
    lines[101] = lines[101].replacen(",H", ",\"H", 1);
    let dir = clean_extract();
    replace(
        dir.path(),
        "persons.csv",
        (lines.join("\n") + "\n").as_bytes(),
    );
    let e = read(dir.path());
    let said = e.problems.join("\n");
    assert!(
        said.contains("persons.csv: line 102: a quoted value opens here and runs over")
            && said.contains("max_row_lines")
            && said.contains("close the quote or remove it"),
        "{said}"
    );
    // The bound is the pipeline's: raised past the file, the row is one
    // reject that counts its 600 lines, far over max_reject_ratio.
    let (_keep, p) = temp_pipeline(dir.path(), "[input.persons]\nmax_row_lines = 100000\n");
    let e = read_extract(&Pipeline::load(&p).unwrap()).unwrap();
    assert_eq!(e.rejects.len(), 1, "{:?}", e.rejects);
    assert_eq!((e.rejects[0].line, e.rejects[0].lines_lost), (102, 600));
    assert!(
        e.over_ratio
            .join("")
            .contains("1 of 101 rows rejected, running over 600 of 700 lines"),
        "{:?}",
        e.over_ratio
    );
    // Six lines from the end of a table of 100 rows: under the bound, one
    // reject, but six lines lost: over 1 %, where one row would not be.
    let mut lines: Vec<String> = clean.lines().take(101).map(str::to_string).collect();
    lines[95] = lines[95].replacen(",H", ",\"H", 1);
    replace(
        dir.path(),
        "persons.csv",
        (lines.join("\n") + "\n").as_bytes(),
    );
    let e = read(dir.path());
    assert!(e.problems.is_empty(), "{:?}", e.problems);
    assert_eq!(e.rejects.len(), 1, "{:?}", e.rejects);
    assert_eq!((e.rejects[0].line, e.rejects[0].lines_lost), (96, 6));
    assert!(
        !e.over_ratio.is_empty(),
        "one reject of six lines in 100 rows is over 1 %"
    );
}

/// "A hand-written CSV with bare quotes inside names": a value that opens
/// with a quote closing before its end would lose its quotes in reading; it
/// is a reject quoting the value as the file holds it, never a changed name.
/// A quote inside an unquoted value is text, and a bare separator's reject
/// shows the row.
#[test]
fn bare_quotes_and_separators_from_hand_written_csv_are_shown_never_changed() {
    let text = format!(
        "record_id,person_id,community_code,employer_name,employment_type,started_on\n\
         E001,{p},{COMMUNITY},\"老王\"饭店,单位就业,2021-06-01\n\
         E002,{p},{COMMUNITY},张\"三\"商店,单位就业,2021-06-02\n\
         E003,{p},{COMMUNITY},\"\"\"好\"\"超市\",单位就业,2021-06-03\n\
         E004,{p},{COMMUNITY},李,四餐馆,单位就业,2021-06-04\n",
        p = PERSON
    );
    let dir = clean_extract();
    replace(dir.path(), "employment.csv", text.as_bytes());
    let (_keep, p) = temp_pipeline(dir.path(), "max_reject_ratio = 1.0\n");
    let e = read_extract(&Pipeline::load(&p).unwrap()).unwrap();
    let got: Vec<String> = e.rejects.iter().map(|r| r.describe()).collect();
    assert_eq!(got.len(), 2, "{got:?}");
    assert!(
        got[0].starts_with("employment.csv line 2, column employer_name, value \"\"老王\"饭店\": unparseable value (a quote inside the value is not written twice"),
        "{got:?}"
    );
    assert!(
        got[1].starts_with(
            "employment.csv line 5, value \"2021-06-04\": more fields than the header"
        ) && got[1].contains("the row: E004,"),
        "{got:?}"
    );
    let names = e
        .table(Table::Employment)
        .unwrap()
        .column("employer_name")
        .unwrap()
        .cast(&DataType::String)
        .unwrap();
    let names: Vec<Option<&str>> = names.str().unwrap().iter().collect();
    assert_eq!(names, vec![Some("张\"三\"商店"), Some("\"好\"超市")]);
}
