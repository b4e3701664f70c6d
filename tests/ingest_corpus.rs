//! The bad-file corpus (`tests/data/bad/<case>/`): each case's files are put
//! in place of the same tables of an otherwise valid minimal extract, and
//! `fullemp validate` must end as the table below says: exit 3 with the
//! file-level message, or a reject with its reason. Never a panic (exit 101)
//! and never a hang (the helper kills a run after two minutes).
//!
//! The pipeline sets `max_reject_ratio = 1.0`, so a row-level problem shows as
//! a listed reject with exit 0 and a file-level one as exit 3; a case folder
//! may add pipeline lines in its `pipeline.toml`.

mod support;

use std::path::{Path, PathBuf};

use support::*;

struct Case {
    /// Folder under `tests/data/bad/`.
    name: &'static str,
    /// Why the case is there.
    what: &'static str,
    exit: i32,
    /// Pieces of stdout, in any order.
    says: &'static [&'static str],
}

const CASES: &[Case] = &[
    Case {
        name: "latin1",
        what: "Latin-1 bytes (é before a comma): neither UTF-8 nor GB18030",
        exit: 3,
        says: &["persons.csv: unreadable file: neither valid UTF-8 nor valid GB18030 text"],
    },
    Case {
        name: "shift_jis",
        what: "Shift-JIS half-width katakana before a comma: neither UTF-8 nor GB18030",
        exit: 3,
        says: &["communities.csv: unreadable file: neither valid UTF-8 nor valid GB18030 text"],
    },
    Case {
        name: "utf8_declared_gb18030",
        what: "a UTF-8 file the pipeline declares GB18030: refused, not read as mojibake",
        exit: 3,
        says: &[
            "persons.csv: unreadable file: the pipeline sets encoding = \"gb18030\" but the file is UTF-8 text",
        ],
    },
    Case {
        name: "truncated",
        what: "the last row cut in the middle of its birth date",
        exit: 0,
        says: &[
            "persons.csv line 3, column birth_date, value \"1985-0\": fewer fields than the header (5 fields, the header has 7)",
        ],
    },
    Case {
        name: "truncated_in_quotes",
        what: "the last row cut inside a quoted last field: all fields there, the quote never closed",
        exit: 0,
        says: &[
            "communities.csv line 3, column contact_name, value \"李\": file ends inside a quoted field",
        ],
    },
    Case {
        name: "missing_column",
        what: "a required column under another header",
        exit: 3,
        says: &[
            "persons.csv: required column missing: `birth_date` (出生日期), closest match \"出生年月\"; \
             columns found: person_id, community_code, household_id, gender, 出生年月, labor_capacity, entered_on",
        ],
    },
    Case {
        name: "empty",
        what: "a file of 0 bytes",
        exit: 3,
        says: &["persons.csv: unreadable file: the file is empty: no header row"],
    },
    Case {
        name: "header_only",
        what: "a header and no rows: valid, 0 rows, no rejects",
        exit: 0,
        says: &[
            "persons          persons.csv                    0         0  CSV, UTF-8, comma-separated",
            "The extract can be used",
        ],
    },
    Case {
        name: "no_header_row",
        what: "rows without their header: the first row is read as headers, identity masked",
        exit: 3,
        says: &[
            "persons.csv: required columns missing: `person_id` (公民身份号码);",
            "columns found: 110105********002X, 410402001001, H001",
        ],
    },
    Case {
        name: "garbage_csv",
        what: "4 KiB of random bytes named persons.csv",
        exit: 3,
        says: &["persons.csv: unreadable file: neither valid UTF-8 nor valid GB18030 text"],
    },
    Case {
        name: "garbage_xlsx",
        what: "4 KiB of random bytes named persons.xlsx",
        exit: 3,
        says: &["persons.xlsx: unreadable file: cannot open the workbook"],
    },
    Case {
        name: "garbage_parquet",
        what: "4 KiB of random bytes named persons.parquet",
        exit: 3,
        says: &["persons.parquet: unreadable file: not a readable Parquet file"],
    },
    Case {
        name: "csv_named_xlsx",
        what: "a CSV file named persons.xlsx",
        exit: 3,
        says: &["persons.xlsx: unreadable file: cannot open the workbook"],
    },
    Case {
        name: "duplicate_keys",
        what: "two registrations with one registration_id: the first kept",
        exit: 0,
        says: &[
            "unemployment     unemployment.csv               2         1",
            "unemployment.csv line 3, column registration_id, value \"U001\": duplicate key (the same key as line 2, which is kept)",
        ],
    },
    Case {
        name: "impossible_date",
        what: "2021-02-30",
        exit: 0,
        says: &[
            "hardship.csv line 3, column designated_on, value \"2021-02-30\": unparseable value (not a date)",
        ],
    },
    Case {
        name: "title_rows",
        what: "a title and an export line above the header; totals, notes and signatures under the data",
        exit: 0,
        says: &[
            "persons          persons.csv                    1         0  CSV, UTF-8, comma-separated, header on line 3",
            "The extract can be used",
        ],
    },
    Case {
        name: "ambiguous_header",
        what: "the header twice among the first rows: the program does not choose",
        exit: 3,
        says: &[
            "persons.csv: the header row is ambiguous: row 1 and row 3 both name 7 of the contract's columns; \
             set `header_row` under [input.persons] to the one to read",
        ],
    },
    Case {
        name: "header_row_past_end",
        what: "header_row names a row the file does not have",
        exit: 3,
        says: &["persons.csv: `header_row = 40`: row 40 is empty or past the end of the file"],
    },
    Case {
        name: "identifier_as_number",
        what: "a CSV saved after Excel turned an identity number into 4.10402E+17",
        exit: 0,
        says: &[
            "persons.csv line 3, column person_id, value \"4.1040*E+17\": identifier saved as a number \
             (a number in scientific notation: Excel keeps only 15 significant digits",
        ],
    },
    Case {
        name: "full_width",
        what: "the same person in full-width and ASCII digits: one key, so the second is a duplicate",
        exit: 0,
        says: &[
            "persons.csv line 3, column person_id+community_code+entered_on",
            "duplicate key (the same key as line 2, which is kept)",
        ],
    },
];

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/bad")
}

/// Lays a case's table files over a fresh minimal extract; returns the
/// extract and the case's pipeline lines.
fn extract_with(case: &str) -> (tempfile::TempDir, String) {
    let dir = minimal_extract();
    let mut extra = String::from("max_reject_ratio = 1.0\n");
    let folder = corpus().join(case);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&folder)
        .unwrap_or_else(|e| panic!("{}: {e}", folder.display()))
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    for f in files {
        let name = f.file_name().unwrap().to_str().unwrap();
        let bytes = std::fs::read(&f).unwrap();
        if name == "pipeline.toml" {
            extra += &String::from_utf8(bytes).unwrap();
        } else {
            replace(dir.path(), name, &bytes);
        }
    }
    (dir, extra)
}

#[test]
fn every_corpus_case_ends_as_expected() {
    let mut failures = Vec::new();
    for case in CASES {
        let (dir, extra) = extract_with(case.name);
        let (code, out, err) = validate_dir(dir.path(), &extra);
        let missing: Vec<&&str> = case.says.iter().filter(|s| !out.contains(**s)).collect();
        if code != case.exit || !missing.is_empty() {
            failures.push(format!(
                "case {} ({}): exit {code}, expected {}; missing {missing:?}\n--- stdout\n{out}--- stderr\n{err}",
                case.name, case.what, case.exit
            ));
        }
        assert!(
            !out.contains(PERSON) && !err.contains(PERSON),
            "case {}: raw identifier printed",
            case.name
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Every folder of the corpus has its row in the table above.
#[test]
fn every_corpus_folder_has_an_expected_outcome() {
    let mut folders: Vec<String> = std::fs::read_dir(corpus())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    folders.sort();
    let mut named: Vec<String> = CASES.iter().map(|c| c.name.to_string()).collect();
    named.sort();
    assert_eq!(folders, named);
}

/// A 50 MB line, made here rather than committed: its cell is rejected with
/// the value cut to 120 characters, and the run neither panics nor hangs.
#[test]
fn a_fifty_megabyte_line_is_rejected_with_its_value_cut() {
    let dir = minimal_extract();
    let huge = "1".repeat(50 << 20);
    let text = format!(
        "person_id,community_code,household_id,gender,birth_date,labor_capacity,entered_on\n\
         {PERSON},{COMMUNITY},H001,女,1949-12-31,是,2020-01-01\n\
         {},{COMMUNITY},H002,男,{huge},是,2020-01-01\n",
        id(1, "19850101")
    );
    drop(huge);
    replace(dir.path(), "persons.csv", text.as_bytes());
    drop(text);
    let (code, out, err) = validate_dir(dir.path(), "max_reject_ratio = 1.0");
    assert_eq!(code, 0, "{out}{err}");
    let line = out
        .lines()
        .find(|l| l.contains("persons.csv line 3, column birth_date"))
        .unwrap_or_else(|| panic!("no reject line:\n{out}"));
    assert!(
        line.contains("(52428800 characters)\": unparseable value (not a date)"),
        "{line}"
    );
    assert!(line.chars().count() < 300, "{line}");
    // The digits are masked like an identity number: the first 6 kept.
    assert!(line.contains("value \"111111*****"), "{line}");
}

/// A valid Parquet or XLSX file cut in half is unreadable: exit 3.
#[test]
fn truncated_parquet_and_xlsx_exit_3() {
    use polars::prelude::*;
    let dir = minimal_extract();
    let mut df = df!(
        "person_id" => [PERSON],
        "community_code" => [COMMUNITY],
        "household_id" => ["H001"],
        "gender" => ["女"],
        "birth_date" => ["1949-12-31"],
        "labor_capacity" => [true],
        "entered_on" => ["2020-01-01"],
    )
    .unwrap();
    let mut bytes = Vec::new();
    ParquetWriter::new(&mut bytes).finish(&mut df).unwrap();
    replace(dir.path(), "persons.parquet", &bytes[..bytes.len() / 2]);
    let (code, out, err) = validate_dir(dir.path(), "");
    assert_eq!(code, 3, "{out}{err}");
    assert!(
        out.contains("persons.parquet: unreadable file: not a readable Parquet file"),
        "{out}"
    );

    let mut wb = rust_xlsxwriter::Workbook::new();
    wb.add_worksheet().write_string(0, 0, "person_id").unwrap();
    let bytes = wb.save_to_buffer().unwrap();
    replace(dir.path(), "persons.xlsx", &bytes[..bytes.len() / 2]);
    let (code, out, err) = validate_dir(dir.path(), "");
    assert_eq!(code, 3, "{out}{err}");
    assert!(
        out.contains("persons.xlsx: unreadable file: cannot open the workbook"),
        "{out}"
    );
}
