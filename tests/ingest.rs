//! Ingest end to end (docs/data-contract.md): each extract is a handful of rows
//! written into a temporary folder, read through `read_extract` or the
//! `fullemp validate` binary, and checked in the typed frame or the printed
//! report against the sentence of the contract it exercises.

mod support;

use std::path::Path;

use fullemp::config::Pipeline;
use fullemp::config::TableInput;
use fullemp::config::pipeline::{Delimiter, Encoding, Format};
use fullemp::contract::{Table, person_number, record_number};
use fullemp::ingest::{Extract, RejectReason, read_extract};
use polars::prelude::*;
use rust_xlsxwriter::{ExcelDateTime, Format as XlsxFormat, Workbook};
use support::*;

// ---------------------------------------------------------------- helpers

fn read(dir: &Path) -> Extract {
    read_with(&Pipeline::new(dir, dir.join("out")))
}

fn read_with(p: &Pipeline) -> Extract {
    read_extract(p).expect("read_extract never fails on bad input")
}

/// Reads an extract that must be clean: no file-level problem, no reject.
fn read_clean(p: &Pipeline) -> Extract {
    let e = read_with(p);
    assert!(e.problems.is_empty(), "problems: {:?}", e.problems);
    assert!(e.rejects.is_empty(), "rejects: {:?}", e.rejects);
    e
}

fn frame(e: &Extract, t: Table) -> &DataFrame {
    e.table(t).unwrap_or_else(|| panic!("table {t} read"))
}

/// A column as text (dates `YYYY-MM-DD`, booleans `true`/`false`; the
/// person, record and household identifiers' numbers as their texts).
fn strings(df: &DataFrame, col: &str) -> Vec<Option<String>> {
    let column = df.column(col).unwrap_or_else(|_| panic!("column {col}"));
    if col == "person_id" {
        return person_number::decode_column(column.u64().expect("person_id as numbers"))
            .iter()
            .map(|v| v.map(str::to_string))
            .collect();
    }
    if column.dtype() == &DataType::UInt64 {
        return record_number::decode_column(column.u64().unwrap())
            .iter()
            .map(|v| v.map(str::to_string))
            .collect();
    }
    column
        .cast(&DataType::String)
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .map(|v| v.map(str::to_string))
        .collect()
}

fn bools(df: &DataFrame, col: &str) -> Vec<Option<bool>> {
    df.column(col).unwrap().bool().unwrap().iter().collect()
}

fn floats(df: &DataFrame, col: &str) -> Vec<Option<f64>> {
    df.column(col).unwrap().f64().unwrap().iter().collect()
}

fn some(v: &[&str]) -> Vec<Option<String>> {
    v.iter().map(|s| Some(s.to_string())).collect()
}

fn with_input(dir: &Path, table: Table, input: TableInput) -> Pipeline {
    let mut p = Pipeline::new(dir, dir.join("out"));
    p.inputs.insert(table, input);
    p
}

const PERSONS_ZH: &str = "公民身份号码,社区代码,户编号,性别,出生日期,有无劳动能力,登记日期";
const PERSONS_EN: &str =
    "person_id,community_code,household_id,gender,birth_date,labor_capacity,entered_on";

// ---------------------------------------------------------------- encodings

/// "UTF-8 (with or without BOM) and GB18030/GBK, detected automatically or
/// set per table; comma or tab separated."
#[test]
fn every_encoding_and_separator_reads_the_same_rows() {
    let id2 = id(1, "19850101");
    let text = format!(
        "{PERSONS_ZH}\n{PERSON},{COMMUNITY},张家户,男,1949-12-31,是,2020-01-01\n\
         {id2},{COMMUNITY},李家户,女,1985-01-01,否,2020-01-01\n"
    );
    let encodings: [(&str, Encoding, &str); 4] = [
        ("utf8", Encoding::Auto, "UTF-8"),
        ("utf8-bom", Encoding::Auto, "UTF-8 (BOM)"),
        ("gb18030", Encoding::Auto, "GB18030 (detected)"),
        ("gb18030", Encoding::Gb18030, "GB18030"),
    ];
    for (sep, sep_name) in [(",", "comma"), ("\t", "tab")] {
        let text = text.replace(',', sep);
        for (bytes_as, setting, read_as) in encodings {
            let bytes: Vec<u8> = match bytes_as {
                "utf8" => text.as_bytes().to_vec(),
                "utf8-bom" => [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat(),
                _ => encoding_rs::GB18030.encode(&text).0.into_owned(),
            };
            let dir = minimal_extract();
            replace(dir.path(), "persons.csv", &bytes);
            let p = with_input(
                dir.path(),
                Table::Persons,
                TableInput {
                    encoding: setting,
                    ..Default::default()
                },
            );
            let e = read_clean(&p);
            let case = format!("{read_as}, {sep_name}");
            let input = e.inputs.iter().find(|i| i.table == Table::Persons).unwrap();
            assert_eq!(
                input.read_as,
                format!("CSV, {read_as}, {sep_name}-separated"),
                "{case}"
            );
            let df = frame(&e, Table::Persons);
            assert_eq!(strings(df, "person_id"), some(&[PERSON, &id2]), "{case}");
            assert_eq!(
                strings(df, "household_id"),
                some(&["张家户", "李家户"]),
                "{case}"
            );
            assert_eq!(strings(df, "gender"), some(&["男", "女"]), "{case}");
            assert_eq!(
                bools(df, "labor_capacity"),
                vec![Some(true), Some(false)],
                "{case}"
            );
        }
    }
}

/// A separator set in the pipeline wins over the header's guess.
#[test]
fn configured_separator_and_utf8_setting() {
    let dir = minimal_extract();
    let text = format!("{PERSONS_EN}\n{PERSON},{COMMUNITY},H001,女,1949-12-31,是,2020-01-01\n")
        .replace(',', "\t");
    replace(dir.path(), "persons.csv", text.as_bytes());
    let p = with_input(
        dir.path(),
        Table::Persons,
        TableInput {
            encoding: Encoding::Utf8,
            delimiter: Delimiter::Tab,
            ..Default::default()
        },
    );
    let e = read_clean(&p);
    assert_eq!(
        strings(frame(&e, Table::Persons), "household_id"),
        some(&["H001"])
    );

    // utf8 set on a GB18030 file: the file is unreadable, the setting named.
    let gb = encoding_rs::GB18030.encode(&text).0.into_owned();
    replace(dir.path(), "persons.csv", &gb);
    let e = read_with(&p);
    assert_eq!(e.problems.len(), 1, "{:?}", e.problems);
    assert!(
        e.problems[0].starts_with("persons.csv: unreadable file: not valid UTF-8 at byte"),
        "{}",
        e.problems[0]
    );
    assert!(
        e.problems[0].contains("encoding = \"utf8\""),
        "{}",
        e.problems[0]
    );
}

// ---------------------------------------------------------------- spellings

/// "Dates: `2021-12-31`, `2021/12/31`, `2021.12.31`, `20211231`, `2021年12月31日`."
#[test]
fn every_date_spelling_reads_as_the_same_date() {
    let spellings = [
        "2021-12-31",
        "2021/12/31",
        "2021.12.31",
        "20211231",
        "2021年12月31日",
    ];
    let mut text = format!("{PERSONS_EN}\n");
    for (i, s) in spellings.iter().enumerate() {
        let id = id(i as u32, "19800101");
        text += &format!("{id},{COMMUNITY},H00{i},男,1980-01-01,是,{s}\n");
    }
    // The zero-household table reads the same spellings through another file.
    let mut zero = "household_id,community_code,identified_on,cleared_on\n".to_string();
    for (i, s) in spellings.iter().enumerate() {
        zero += &format!("H00{i},{COMMUNITY},2021-01-01,{s}\n");
    }
    let dir = minimal_extract();
    replace(dir.path(), "persons.csv", text.as_bytes());
    replace(dir.path(), "zero_households.csv", zero.as_bytes());
    let e = read_clean(&Pipeline::new(dir.path(), dir.path().join("out")));
    let want = some(&["2021-12-31"; 5]);
    assert_eq!(strings(frame(&e, Table::Persons), "entered_on"), want);
    assert_eq!(
        strings(frame(&e, Table::ZeroHouseholds), "cleared_on"),
        want
    );
    let dtype = frame(&e, Table::Persons)
        .column("entered_on")
        .unwrap()
        .dtype()
        .clone();
    assert_eq!(dtype, DataType::Date);
}

/// "Booleans: `true/false`, `1/0`, `Y/N`, `是/否`, `有/无`."
#[test]
fn every_boolean_spelling_reads_through_a_file() {
    let spellings = [
        ("true", true),
        ("false", false),
        ("1", true),
        ("0", false),
        ("Y", true),
        ("N", false),
        ("是", true),
        ("否", false),
        ("有", true),
        ("无", false),
    ];
    let mut text = format!("{PERSONS_EN},wants_work\n");
    for (i, (s, _)) in spellings.iter().enumerate() {
        let id = id(i as u32, "19800101");
        // wants_work left empty: the contract's default, true.
        text += &format!("{id},{COMMUNITY},H{i},女,1980-01-01,{s},2020-01-01,\n");
    }
    let dir = minimal_extract();
    replace(dir.path(), "persons.csv", text.as_bytes());
    let e = read_clean(&Pipeline::new(dir.path(), dir.path().join("out")));
    let df = frame(&e, Table::Persons);
    let want: Vec<Option<bool>> = spellings.iter().map(|(_, b)| Some(*b)).collect();
    assert_eq!(bools(df, "labor_capacity"), want);
    assert_eq!(bools(df, "wants_work"), vec![Some(true); 10]);
    // communities.national is absent: false by default.
    assert_eq!(
        bools(frame(&e, Table::Communities), "national"),
        vec![Some(false)]
    );
}

/// Where the contract is silent: rates `85`→0.85 and `1`→1.0, a datetime in a
/// date column keeps its date, a date alone in a datetime column is midnight,
/// `M/F` genders, identifiers upper-cased.
#[test]
fn rates_datetimes_genders_as_the_code_reads_them() {
    let dir = minimal_extract();
    write(
        dir.path(),
        "applications.csv",
        format!(
            "community_code,year,applied_level,claimed_reemployment_rate,claimed_hardship_employment_rate\n\
             {COMMUNITY},2021,市级,85,1\n\
             {COMMUNITY},2020,星级,85%,0.5\n\
             {COMMUNITY},2019,星级,0.85,100%\n"
        )
        .as_bytes(),
    );
    let lower = PERSON.to_ascii_lowercase();
    replace(
        dir.path(),
        "persons.csv",
        format!(
            "{PERSONS_EN}\n{lower},{COMMUNITY},H001,F,1949-12-31 08:30,Y,2020-01-01\n\
             {},{COMMUNITY},H002,M,1985-01-01,N,2020-01-01T23:59:59\n",
            id(2, "19850101")
        )
        .as_bytes(),
    );
    replace(
        dir.path(),
        "employment.csv",
        format!(
            "record_id,person_id,community_code,employment_type,started_on,recorded_at\n\
             E1,{PERSON},{COMMUNITY},单位就业,2021-06-01,2021-06-02\n\
             E2,{PERSON},{COMMUNITY},自主创业,2021-07-01,2021/07/02 09:05\n"
        )
        .as_bytes(),
    );
    let e = read_clean(&Pipeline::new(dir.path(), dir.path().join("out")));
    let apps = frame(&e, Table::Applications);
    assert_eq!(
        floats(apps, "claimed_reemployment_rate"),
        vec![Some(0.85), Some(0.85), Some(0.85)]
    );
    assert_eq!(
        floats(apps, "claimed_hardship_employment_rate"),
        vec![Some(1.0), Some(0.5), Some(1.0)]
    );
    let persons = frame(&e, Table::Persons);
    assert_eq!(strings(persons, "person_id")[0].as_deref(), Some(PERSON));
    assert_eq!(strings(persons, "gender"), some(&["女", "男"]));
    assert_eq!(
        strings(persons, "birth_date"),
        some(&["1949-12-31", "1985-01-01"])
    );
    assert_eq!(
        strings(persons, "entered_on"),
        some(&["2020-01-01", "2020-01-01"])
    );
    let emp = frame(&e, Table::Employment);
    assert_eq!(
        strings(emp, "recorded_at"),
        some(&["2021-06-02 00:00:00.000", "2021-07-02 09:05:00.000"])
    );
}

// ---------------------------------------------------------------- XLSX

fn persons_sheet(ws: &mut rust_xlsxwriter::Worksheet) {
    let date = XlsxFormat::new().set_num_format("yyyy-mm-dd");
    for (c, h) in PERSONS_ZH.split(',').enumerate() {
        ws.write_string(0, c as u16, h).unwrap();
    }
    // Row 2: the birth date a date-formatted cell, the community code a number,
    // the labour capacity a boolean cell.
    ws.write_string(1, 0, PERSON).unwrap();
    ws.write_number(1, 1, 410402001001.0).unwrap();
    ws.write_string(1, 2, "H001").unwrap();
    ws.write_string(1, 3, "女").unwrap();
    let d = ExcelDateTime::from_ymd(2021, 12, 31).unwrap();
    ws.write_datetime_with_format(1, 4, &d, &date).unwrap();
    ws.write_boolean(1, 5, true).unwrap();
    ws.write_string(1, 6, "2020-01-01").unwrap();
    // Row 3: the birth date a plain serial number, 44561 = 2021-12-31.
    ws.write_string(2, 0, id(3, "19850101")).unwrap();
    ws.write_string(2, 1, COMMUNITY).unwrap();
    ws.write_string(2, 2, "H002").unwrap();
    ws.write_string(2, 3, "男").unwrap();
    ws.write_number(2, 4, 44561).unwrap();
    ws.write_string(2, 5, "否").unwrap();
    ws.write_number(2, 6, 43831).unwrap();
}

fn check_xlsx_persons(e: &Extract) {
    let df = frame(e, Table::Persons);
    assert_eq!(
        strings(df, "birth_date"),
        some(&["2021-12-31", "2021-12-31"])
    );
    assert_eq!(
        strings(df, "entered_on"),
        some(&["2020-01-01", "2020-01-01"])
    );
    assert_eq!(strings(df, "community_code"), some(&[COMMUNITY, COMMUNITY]));
    assert_eq!(bools(df, "labor_capacity"), vec![Some(true), Some(false)]);
    // Sheet rows: the header is row 1.
    assert_eq!(strings(df, "source_line"), some(&["2", "3"]));
}

/// "XLSX (first sheet unless the pipeline names one) … Excel serial dates in XLSX."
#[test]
fn xlsx_first_sheet_with_a_date_cell_and_a_serial_number() {
    let dir = minimal_extract();
    remove_table(dir.path(), "persons");
    let mut wb = Workbook::new();
    persons_sheet(wb.add_worksheet());
    wb.add_worksheet().write_string(0, 0, "说明").unwrap();
    wb.save(dir.path().join("persons.xlsx")).unwrap();
    let e = read_clean(&Pipeline::new(dir.path(), dir.path().join("out")));
    check_xlsx_persons(&e);
    let input = e.inputs.iter().find(|i| i.table == Table::Persons).unwrap();
    assert_eq!(input.read_as, "XLSX, sheet \"Sheet1\"");
}

/// persons.xlsx with a notes sheet before the ledger.
fn wb_ledger(dir: &std::path::Path) {
    let mut wb = Workbook::new();
    let notes = wb.add_worksheet();
    notes.set_name("说明").unwrap();
    notes
        .write_string(0, 0, "本表为劳动力资源台账导出")
        .unwrap();
    let ledger = wb.add_worksheet();
    ledger.set_name("台账").unwrap();
    persons_sheet(ledger);
    wb.save(dir.join("persons.xlsx")).unwrap();
}

#[test]
fn xlsx_named_sheet() {
    let dir = minimal_extract();
    remove_table(dir.path(), "persons");
    let mut wb = Workbook::new();
    let notes = wb.add_worksheet();
    notes.set_name("说明").unwrap();
    notes
        .write_string(0, 0, "本表为劳动力资源台账导出")
        .unwrap();
    let ledger = wb.add_worksheet();
    ledger.set_name("台账").unwrap();
    persons_sheet(ledger);
    wb.save(dir.path().join("persons.xlsx")).unwrap();

    let sheet = |s: &str| TableInput {
        sheet: Some(s.to_string()),
        ..Default::default()
    };
    let e = read_clean(&with_input(dir.path(), Table::Persons, sheet("台账")));
    check_xlsx_persons(&e);

    // Without the setting every sheet holding the header is read: the notes
    // sheet is skipped and said to be, the ledger read.
    let e = read_clean(&Pipeline::new(dir.path(), dir.path().join("out")));
    check_xlsx_persons(&e);
    assert!(
        e.notes().iter().any(
            |n| n.starts_with("persons.xlsx: sheet \"说明\" skipped: required columns missing")
        ),
        "{:?}",
        e.notes()
    );
    // With no sheet holding it, the error names every sheet and the setting.
    let mut wb = Workbook::new();
    for name in ["说明", "汇总"] {
        let ws = wb.add_worksheet();
        ws.set_name(name).unwrap();
        ws.write_string(0, 0, "本表为劳动力资源台账导出").unwrap();
    }
    wb.save(dir.path().join("persons.xlsx")).unwrap();
    let e = read(dir.path());
    assert_eq!(e.problems.len(), 1, "{:?}", e.problems);
    assert!(
        e.problems[0].starts_with("persons.xlsx: no sheet holds the table's header: sheet \"说明\": required columns missing: `person_id`")
            && e.problems[0].contains("sheet \"汇总\": required columns missing")
            && e.problems[0].ends_with("set `sheet` under [input.persons] to the sheet to read"),
        "{}",
        e.problems[0]
    );
    wb_ledger(dir.path());
    // A sheet that is not there: the sheets found are named.
    let e = read_with(&with_input(dir.path(), Table::Persons, sheet("人员")));
    assert_eq!(
        e.problems,
        vec![
            "persons.xlsx: unreadable file: no sheet named \"人员\" (sheets: 说明, 台账)"
                .to_string()
        ]
    );
}

// ---------------------------------------------------------------- Parquet

/// Parquet columns of any type are typed by the same rules as CSV: a Date
/// column, a datetime in a date column (its date kept), booleans, integers.
#[test]
fn parquet_input() {
    let dir = minimal_extract();
    let birth = Series::new("出生日期".into(), [Some(18992i32), Some(5478)])
        .cast(&DataType::Date)
        .unwrap();
    // 2020-01-01 09:30 and 2020-01-02 00:00, in milliseconds.
    let entered = Series::new(
        "entered_on".into(),
        [Some(1_577_871_000_000i64), Some(1_577_923_200_000)],
    )
    .cast(&DataType::Datetime(TimeUnit::Milliseconds, None))
    .unwrap();
    let mut df = DataFrame::new_infer_height(vec![
        Column::new("person_id".into(), [PERSON, &id(4, "19841231")]),
        Column::new("community_code".into(), [COMMUNITY, COMMUNITY]),
        Column::new("household_id".into(), ["H001", "H002"]),
        Column::new("性别".into(), ["女", "男"]),
        birth.into_column(),
        Column::new("labor_capacity".into(), [true, false]),
        entered.into_column(),
        Column::new("wants_work".into(), [None, Some(false)]),
    ])
    .unwrap();
    remove_table(dir.path(), "persons");
    let f = std::fs::File::create(dir.path().join("persons.parquet")).unwrap();
    ParquetWriter::new(f).finish(&mut df).unwrap();

    let mut communities = df!(
        "community_code" => [COMMUNITY],
        "community_name" => ["新华社区"],
        "county" => ["新华区"],
        "street" => ["中兴路街道"],
        "provincial_year" => [2015i64],
        "provincial_stars" => [3i32],
        "national" => [true],
    )
    .unwrap();
    remove_table(dir.path(), "communities");
    let f = std::fs::File::create(dir.path().join("communities.parquet")).unwrap();
    ParquetWriter::new(f).finish(&mut communities).unwrap();

    let e = read_clean(&Pipeline::new(dir.path(), dir.path().join("out")));
    let p = frame(&e, Table::Persons);
    assert_eq!(
        strings(p, "birth_date"),
        some(&["2021-12-31", "1984-12-31"])
    );
    assert_eq!(
        strings(p, "entered_on"),
        some(&["2020-01-01", "2020-01-02"])
    );
    assert_eq!(strings(p, "gender"), some(&["女", "男"]));
    assert_eq!(bools(p, "labor_capacity"), vec![Some(true), Some(false)]);
    assert_eq!(bools(p, "wants_work"), vec![Some(true), Some(false)]);
    assert_eq!(bools(p, "person_id_valid"), vec![Some(true), Some(true)]);
    // Parquet rows are numbered from 1: there is no header line.
    assert_eq!(strings(p, "source_line"), some(&["1", "2"]));
    let c = frame(&e, Table::Communities);
    assert_eq!(strings(c, "provincial_year"), some(&["2015"]));
    assert_eq!(strings(c, "provincial_stars"), some(&["3"]));
    assert_eq!(bools(c, "national"), vec![Some(true)]);
    let input = e.inputs.iter().find(|i| i.table == Table::Persons).unwrap();
    assert_eq!(input.read_as, "Parquet");
}

// ---------------------------------------------------------------- headers

/// "Headers: the canonical names below, or the Chinese headers listed beside
/// them … matched after trimming spaces." Full-width brackets match too.
#[test]
fn chinese_headers_on_every_table() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    write(p, "communities.csv", format!("社区代码,社区名称,所在区县,所在街道,是否国家级\n{COMMUNITY},新华社区,新华区,中兴路街道,是\n").as_bytes());
    write(p, "persons.csv", format!(" 公民身份号码 ,社区代码 ,户编号,性别,出生日期,有无劳动能力,登记日期,注销日期,注销原因\n{PERSON},{COMMUNITY},H001,女,1949-12-31,有,2020-01-01,2021-05-01,迁出\n").as_bytes());
    write(p, "unemployment.csv", format!("登记编号,公民身份号码,社区代码,失业登记日期,注销日期,注销原因\nU1,{PERSON},{COMMUNITY},2021-01-01,2021-03-01,就业\n").as_bytes());
    write(p, "employment.csv", format!("就业登记编号,公民身份号码,社区代码,用人单位名称,就业形式,就业日期,录入时间\nE1,{PERSON},{COMMUNITY},平煤集团,单位就业,2021-03-01,2021-03-02 10:00\n").as_bytes());
    write(p, "hardship.csv", format!("公民身份号码,社区代码,困难类别,认定日期,退出日期\n{PERSON},{COMMUNITY},4050人员,2021-01-10,\n").as_bytes());
    write(
        p,
        "zero_households.csv",
        format!("户编号,社区代码,认定日期,消除日期\nH001,{COMMUNITY},2021-02-01,2021-02-20\n")
            .as_bytes(),
    );
    write(p, "services.csv", format!("服务编号,公民身份号码,社区代码,服务类型,服务日期\nS1,{PERSON},{COMMUNITY},职业指导,2021-02-02\n").as_bytes());
    write(p, "platform.csv", format!("社区代码,年度,是否设立服务窗口,工作人员数,是否接入信息系统,工作经费（元）\n{COMMUNITY},2021,是,3,是,12000.5\n").as_bytes());
    write(p, "applications.csv", format!("社区代码,年度,申报类型,自报登记失业人员就业率,街道推荐,申报日期\n{COMMUNITY},2021,市级,92%,是,2021年11月30日\n").as_bytes());
    let e = read_clean(&Pipeline::new(p, p.join("out")));
    assert_eq!(e.tables.len(), 9);
    assert!(e.missing_optional.is_empty());
    assert_eq!(
        strings(frame(&e, Table::Persons), "left_reason"),
        some(&["迁出"])
    );
    assert_eq!(
        floats(frame(&e, Table::Platform), "funding_yuan"),
        vec![Some(12000.5)]
    );
    assert_eq!(
        strings(frame(&e, Table::Employment), "recorded_at"),
        some(&["2021-03-02 10:00:00.000"])
    );
    assert_eq!(
        strings(frame(&e, Table::Applications), "submitted_on"),
        some(&["2021-11-30"])
    );
}

/// "or any mapping the pipeline TOML gives (`[input.<table>.columns]`)".
#[test]
fn configured_column_mapping_from_a_pipeline_file() {
    let dir = minimal_extract();
    replace(
        dir.path(),
        "persons.csv",
        format!(
            "身份证号,社区代码,户号,性别,出生日期,有无劳动能力,登记日期\n\
             {PERSON},{COMMUNITY},H001,女,1949-12-31,是,2020-01-01\n"
        )
        .as_bytes(),
    );
    let (_keep, path) = temp_pipeline(
        dir.path(),
        "[input.persons.columns]\nperson_id = \"身份证号\"\nhousehold_id = \" 户号 \"\n",
    );
    let p = Pipeline::load(&path).unwrap();
    let e = read_clean(&p);
    let df = frame(&e, Table::Persons);
    assert_eq!(strings(df, "person_id"), some(&[PERSON]));
    assert_eq!(strings(df, "household_id"), some(&["H001"]));

    // The mapping replaces the canonical and Chinese names of that column.
    replace(
        dir.path(),
        "persons.csv",
        format!("{PERSONS_EN}\n{PERSON},{COMMUNITY},H001,女,1949-12-31,是,2020-01-01\n").as_bytes(),
    );
    let e = read_with(&p);
    assert_eq!(e.problems.len(), 1);
    assert!(
        e.problems[0].contains("`person_id` (mapped to header \"身份证号\")"),
        "{}",
        e.problems[0]
    );
}

/// "A missing required column … names the file, the missing column and the
/// columns it did find (with the closest match where one is near)", exit 3.
#[test]
fn missing_column_message_names_file_column_found_and_closest() {
    let dir = minimal_extract();
    replace(
        dir.path(),
        "persons.csv",
        format!(
            "身份证号码,community_code,household_id,gender,birth_date,labor_capacity,entered_on\n\
             {PERSON},{COMMUNITY},H001,女,1949-12-31,是,2020-01-01\n"
        )
        .as_bytes(),
    );
    let (code, out, err) = validate_dir(dir.path(), "");
    assert_eq!(code, 3, "{out}{err}");
    let want = "persons.csv: required column missing: `person_id` (公民身份号码), closest match \
                \"身份证号码\"; columns found: 身份证号码, community_code, household_id, gender, \
                birth_date, labor_capacity, entered_on";
    assert!(out.contains(want), "{out}");
    assert!(
        out.contains("persons          (not read: see below)"),
        "{out}"
    );
}

// ---------------------------------------------------------------- rejects

/// "A row that cannot be used … goes to the rejects output with file, line,
/// column, raw value and reason": one row per reason, the first of two equal
/// keys kept.
#[test]
fn each_reject_reason_with_file_line_column_and_value() {
    let id = |n| id(n, "19800101");
    let text = format!(
        "{PERSONS_EN},left_on,left_reason\n\
         {a},{COMMUNITY},H1,男,1980-01-01,是,2020-01-01,,\n\
         {b},{COMMUNITY},,男,1980-01-01,是,2020-01-01,,\n\
         {c},{COMMUNITY},H3,男,1980-13-45,是,2020-01-01,,\n\
         {d},{COMMUNITY},H4,男,1980-01-01,是,2020-01-01,,出国\n\
         {e},{COMMUNITY},H5,男,1980-01-01,是,2020-05-01,2020-04-30,迁出\n\
         {a},{COMMUNITY},H6,女,1980-01-01,否,2020/01/01,,\n\
         {f},{COMMUNITY},H7,男,1980-01-01,也许,2020-01-01,,\n",
        a = id(1),
        b = id(2),
        c = id(3),
        d = id(4),
        e = id(5),
        f = id(6),
    );
    let dir = minimal_extract();
    replace(dir.path(), "persons.csv", text.as_bytes());
    let e = read(dir.path());
    assert!(e.problems.is_empty(), "{:?}", e.problems);
    let got: Vec<(&str, u64, &str, Option<&str>, RejectReason)> = e
        .rejects
        .iter()
        .map(|r| {
            (
                r.file.as_str(),
                r.line,
                r.column.as_str(),
                r.value.as_deref(),
                r.reason,
            )
        })
        .collect();
    let masked_key = format!("{}+{COMMUNITY}+2020/01/01", mask(&id(1)));
    assert_eq!(
        got,
        vec![
            (
                "persons.csv",
                3,
                "household_id",
                None,
                RejectReason::RequiredEmpty
            ),
            (
                "persons.csv",
                4,
                "birth_date",
                Some("1980-13-45"),
                RejectReason::Unparseable
            ),
            (
                "persons.csv",
                5,
                "left_reason",
                Some("出国"),
                RejectReason::NotAllowed
            ),
            (
                "persons.csv",
                6,
                "left_on",
                Some("2020-04-30"),
                RejectReason::EndBeforeStart
            ),
            (
                "persons.csv",
                7,
                "person_id+community_code+entered_on",
                Some(masked_key.as_str()),
                RejectReason::DuplicateKey
            ),
            (
                "persons.csv",
                8,
                "labor_capacity",
                Some("也许"),
                RejectReason::Unparseable
            ),
        ]
    );
    let reasons: Vec<&str> = e.rejects.iter().map(|r| r.reason.as_str()).collect();
    assert_eq!(
        reasons,
        [
            "required cell empty",
            "unparseable value",
            "value outside the allowed set",
            "end date before start date",
            "duplicate key",
            "unparseable value"
        ]
    );
    assert_eq!(
        e.rejects[4].describe(),
        format!(
            "persons.csv line 7, column person_id+community_code+entered_on, value \"{masked_key}\": \
             duplicate key (the same key as line 2, which is kept)"
        )
    );
    // Only the first of the duplicates is in the frame.
    let df = frame(&e, Table::Persons);
    assert_eq!(strings(df, "source_line"), some(&["2"]));
    assert_eq!(strings(df, "household_id"), some(&["H1"]));
    let input = e.inputs.iter().find(|i| i.table == Table::Persons).unwrap();
    assert_eq!((input.rows_read, input.rows_rejected), (7, 6));
}

/// A row's shape: rows of empty cells (an export's trailing `,,,,` lines) are
/// skipped, empty fields after the last header are nothing, a non-empty one
/// is a reject, and so is a row with fewer fields than the header.
#[test]
fn row_shapes_blank_rows_and_trailing_separators() {
    let id = |n| id(n, "19800101");
    let text = format!(
        "{PERSONS_EN},\n\
         {a},{COMMUNITY},H1,男,1980-01-01,是,2020-01-01,\n\
         ,,,,,,,\n\
         {b},{COMMUNITY},H2,男,1980-01-01,是,2020-01-01,,,\n\
         {c},{COMMUNITY},H3,男,1980-01-01,是,2020-01-01,,{d}\n\
         {d},{COMMUNITY},H4,男,1980-01-01\n\
         \n\
         ,,,,,,,\n",
        a = id(1),
        b = id(2),
        c = id(3),
        d = id(4),
    );
    let dir = minimal_extract();
    replace(dir.path(), "persons.csv", text.as_bytes());
    let e = read(dir.path());
    assert!(e.problems.is_empty(), "{:?}", e.problems);
    let got: Vec<String> = e.rejects.iter().map(|r| r.describe()).collect();
    assert_eq!(
        got,
        vec![
            format!(
                "persons.csv line 5, value \"{}\": more fields than the header (9 fields, the header has 8: \
                 a separator inside a value that is not quoted moves the values after it one column on; \
                 quote that value; the row: {},{COMMUNITY},H3,男,1980-01-01,是,2020-01-01,,{})",
                mask(&id(4)),
                mask(&id(3)),
                mask(&id(4))
            ),
            "persons.csv line 6, column birth_date, value \"1980-01-01\": fewer fields than the header (5 fields, the header has 7)".to_string(),
        ]
    );
    let df = frame(&e, Table::Persons);
    assert_eq!(strings(df, "household_id"), some(&["H1", "H2"]));
    let input = e.inputs.iter().find(|i| i.table == Table::Persons).unwrap();
    assert_eq!((input.rows_read, input.rows_rejected), (4, 2));
}

/// A value longer than 120 characters is cut in the reject, its length noted.
#[test]
fn long_reject_values_are_cut() {
    let long = "9".repeat(40) + &"x".repeat(460);
    let dir = minimal_extract();
    replace(
        dir.path(),
        "persons.csv",
        format!("{PERSONS_EN}\n{PERSON},{COMMUNITY},H001,女,{long},是,2020-01-01\n").as_bytes(),
    );
    let e = read(dir.path());
    let v = e.rejects[0].value.clone().unwrap();
    assert!(v.ends_with("… (500 characters)"), "{v}");
    assert_eq!(
        v.chars().count(),
        120 + "… (500 characters)".chars().count()
    );
    // A run of more than 15 digits is masked like an identifier.
    assert!(v.starts_with("999999**********"), "{v}");
}

// ---------------------------------------------------------------- identifiers

/// "An identifier that fails is not rejected: it is kept, marked invalid."
#[test]
fn gb11643_invalid_identifiers_are_kept_and_marked() {
    let bad_check = format!("{}1", &PERSON[..17]);
    let lower = PERSON.to_ascii_lowercase();
    let text = format!(
        "{PERSONS_EN}\n{PERSON},{COMMUNITY},H1,女,1949-12-31,是,2020-01-01\n\
         {bad_check},{COMMUNITY},H2,女,1949-12-31,是,2020-01-01\n\
         12345,{COMMUNITY},H3,女,1949-12-31,是,2020-01-01\n\
         {lower},{COMMUNITY},H4,女,1949-12-31,是,2021-01-01\n"
    );
    let dir = minimal_extract();
    replace(dir.path(), "persons.csv", text.as_bytes());
    // The same invalid identifier in the event tables is kept and marked too.
    replace(
        dir.path(),
        "hardship.csv",
        format!("person_id,community_code,category,designated_on\n{bad_check},{COMMUNITY},残疾人,2021-01-10\n").as_bytes(),
    );
    let e = read_clean(&Pipeline::new(dir.path(), dir.path().join("out")));
    let df = frame(&e, Table::Persons);
    assert_eq!(
        bools(df, "person_id_valid"),
        vec![Some(true), Some(false), Some(false), Some(true)]
    );
    assert_eq!(strings(df, "person_id")[3].as_deref(), Some(PERSON));
    assert_eq!(
        bools(frame(&e, Table::Hardship), "person_id_valid"),
        vec![Some(false)]
    );
    assert_eq!(
        bools(frame(&e, Table::Unemployment), "person_id_valid"),
        vec![Some(true)]
    );
}

/// "Employer codes … per GB 32100-2015 … Invalid ones are kept and marked."
#[test]
fn gb32100_employer_codes_are_marked() {
    let good = credit_code("91410400MA40000AB");
    let mut bad = good.clone();
    let last = if bad.ends_with('0') { '1' } else { '0' };
    bad.pop();
    bad.push(last);
    let text = format!(
        "record_id,person_id,community_code,employer_name,employer_code,employment_type,started_on\n\
         E1,{PERSON},{COMMUNITY},平煤集团,{good},单位就业,2021-06-01\n\
         E2,{PERSON},{COMMUNITY},某公司,{bad},单位就业,2021-06-01\n\
         E3,{PERSON},{COMMUNITY},,,灵活就业,2021-06-01\n\
         E4,{PERSON},{COMMUNITY},某店,91350100M000100Y43,单位就业,2021-06-01\n"
    );
    let dir = minimal_extract();
    replace(dir.path(), "employment.csv", text.as_bytes());
    let e = read_clean(&Pipeline::new(dir.path(), dir.path().join("out")));
    assert_eq!(
        bools(frame(&e, Table::Employment), "employer_code_valid"),
        vec![Some(true), Some(false), None, Some(true)]
    );
}

/// "the report may show a masked identifier (first 6 and last 4 characters
/// kept, the rest `*`)": a rejected identity number is never printed raw.
#[test]
fn validate_masks_identity_numbers_in_stdout_and_stderr() {
    let other = id(7, "19850101");
    let text = format!(
        "{PERSONS_EN}\n{PERSON},{COMMUNITY},H1,女,1949-12-31,是,2020-01-01\n\
         {PERSON},{COMMUNITY},H2,女,1949-12-31,是,2020-01-01\n\
         {other},{COMMUNITY},H3,男,{other},是,2020-01-01\n"
    );
    let dir = minimal_extract();
    replace(dir.path(), "persons.csv", text.as_bytes());
    let (code, out, err) = validate_dir(dir.path(), "max_reject_ratio = 1.0");
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains(&format!(
            "persons.csv line 3, column person_id+community_code+entered_on, value \"110105********002X+{COMMUNITY}+2020-01-01\": duplicate key"
        )),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "persons.csv line 4, column birth_date, value \"{}\": unparseable value",
            mask(&other)
        )),
        "{out}"
    );
    for raw in [PERSON, other.as_str()] {
        assert!(!out.contains(raw), "raw identifier in stdout:\n{out}");
        assert!(!err.contains(raw), "raw identifier in stderr:\n{err}");
    }
}

/// A file without its header row: its first data row stands in the message
/// as "columns found", identity numbers masked.
#[test]
fn headers_that_are_identity_numbers_are_masked_in_messages() {
    let dir = minimal_extract();
    replace(
        dir.path(),
        "persons.csv",
        format!("{PERSON},{COMMUNITY},H001,女,1949-12-31,是,2020-01-01\n").as_bytes(),
    );
    let (code, out, err) = validate_dir(dir.path(), "");
    assert_eq!(code, 3, "{out}{err}");
    assert!(
        out.contains("columns found: 110105********002X, 410402001001, H001"),
        "{out}"
    );
    assert!(!out.contains(PERSON) && !err.contains(PERSON), "{out}{err}");
}

fn mask(id: &str) -> String {
    fullemp::contract::identity::mask(id)
}

// ---------------------------------------------------------------- verdicts

/// "If a table's rejected rows exceed `max_reject_ratio` … the run stops with
/// exit code 3": 1 of 10 rows is 10 %, above 5 % and within 20 %.
#[test]
fn max_reject_ratio_exceeded_exits_3() {
    let mut text = format!("{PERSONS_EN}\n");
    for i in 0..9 {
        text += &format!(
            "{},{COMMUNITY},H{i},男,1980-01-01,是,2020-01-01\n",
            id(i, "19800101")
        );
    }
    text += &format!(
        "{},{COMMUNITY},H9,男,1980-02-30,是,2020-01-01\n",
        id(9, "19800101")
    );
    let dir = minimal_extract();
    replace(dir.path(), "persons.csv", text.as_bytes());

    let (code, out, err) = validate_dir(dir.path(), "max_reject_ratio = 0.05");
    assert_eq!(code, 3, "{out}{err}");
    assert!(
        out.contains("persons.csv: 1 of 10 rows rejected (10.00 %), above max_reject_ratio 0.05"),
        "{out}"
    );
    assert!(
        out.contains(
            "persons.csv line 11, column birth_date, value \"1980-02-30\": unparseable value"
        ),
        "{out}"
    );

    let (code, out, err) = validate_dir(dir.path(), "max_reject_ratio = 0.2");
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("The extract can be used: every table within max_reject_ratio 0.2."),
        "{out}"
    );
    assert!(out.contains("      1 × unparseable value"), "{out}");
}

/// "the table is found by its file stem": other files are left alone.
#[test]
fn files_that_are_not_tables_are_ignored() {
    let dir = minimal_extract();
    let p = dir.path();
    write(p, "readme.txt", "导出说明".as_bytes());
    write(p, "persons_2020.csv", b"garbage");
    write(p, "ground_truth.csv", b"community_code,pattern\n");
    write(p, "notes.docx", [0u8, 159, 146, 150]);
    write(p, "~$persons.xlsx", [1u8, 2, 3]);
    write(p, "persons.csv.bak", b"\xff\xfe");
    std::fs::create_dir(p.join("services.csv")).unwrap();
    let e = read_clean(&Pipeline::new(p, p.join("out")));
    assert_eq!(e.tables.len(), 6);
    assert_eq!(
        e.missing_optional,
        vec![Table::Services, Table::Platform, Table::Applications]
    );
}

/// `.tsv` and `.txt` count as CSV; the extension's case does not matter.
#[test]
fn tsv_and_txt_files_are_csv() {
    let dir = minimal_extract();
    let tsv = format!("{PERSONS_EN}\n{PERSON},{COMMUNITY},H001,女,1949-12-31,是,2020-01-01\n")
        .replace(',', "\t");
    replace(dir.path(), "persons.TSV", tsv.as_bytes());
    let text = std::fs::read(dir.path().join("hardship.csv")).unwrap();
    replace(dir.path(), "hardship.txt", &text);
    let e = read_clean(&Pipeline::new(dir.path(), dir.path().join("out")));
    assert_eq!(
        strings(frame(&e, Table::Persons), "household_id"),
        some(&["H001"])
    );
    assert_eq!(frame(&e, Table::Hardship).height(), 1);
}

/// Several files of one table: the pipeline's `format` chooses, else exit 3.
#[test]
fn several_files_of_one_table_need_a_format() {
    let dir = minimal_extract();
    write(dir.path(), "persons.xlsx", b"not read");
    let e = read(dir.path());
    assert_eq!(
        e.problems,
        vec![
            "table persons: several files (persons.csv, persons.xlsx); set input.persons.format in the pipeline to choose one"
                .to_string()
        ]
    );
    let p = with_input(
        dir.path(),
        Table::Persons,
        TableInput {
            format: Some(Format::Csv),
            ..Default::default()
        },
    );
    read_clean(&p);
    let p = with_input(
        dir.path(),
        Table::Persons,
        TableInput {
            format: Some(Format::Parquet),
            ..Default::default()
        },
    );
    let e = read_with(&p);
    assert_eq!(
        e.problems,
        vec!["table persons: no file of the format set in input.persons.format (found persons.csv, persons.xlsx)".to_string()]
    );
}

/// "Tables marked optional may be missing … reported as not computed";
/// a missing required table stops the run with exit 3.
#[test]
fn missing_optional_is_listed_and_missing_required_exits_3() {
    let dir = minimal_extract();
    let (code, out, err) = validate_dir(dir.path(), "");
    assert_eq!(code, 0, "{out}{err}");
    for t in ["services", "platform", "applications"] {
        assert!(
            out.contains(&format!(
                "{t:<16} (missing: optional, its indicators are reported as not computed)"
            )),
            "{out}"
        );
    }
    remove_table(dir.path(), "hardship");
    let (code, out, err) = validate_dir(dir.path(), "");
    assert_eq!(code, 3, "{out}{err}");
    assert!(
        out.contains("required table hardship (就业困难人员认定) missing: no hardship.csv, .xlsx or .parquet in"),
        "{out}"
    );
}

/// `ingest` is the run's gate: the extract, or the contract error (exit 3).
#[test]
fn ingest_returns_a_contract_error() {
    let dir = minimal_extract();
    assert!(
        fullemp::ingest::ingest(
            &Pipeline::new(dir.path(), dir.path().join("out")),
            &fullemp::detectors::ids()
        )
        .is_ok()
    );
    remove_table(dir.path(), "communities");
    let e = fullemp::ingest::ingest(
        &Pipeline::new(dir.path(), dir.path().join("out")),
        &fullemp::detectors::ids(),
    )
    .unwrap_err();
    assert_eq!(e.exit_code(), 3);
    assert!(
        e.to_string()
            .contains("required table communities (社区名册) missing"),
        "{e}"
    );
}

// ---------------------------------------------------------------- spreadsheets as kept

/// "the header is the row among the first 15 that matches the most contract
/// headers … rows above it are … never read as data": a tab-separated file
/// with a title line finds its separator and header; `header_row` overrides.
#[test]
fn a_title_line_above_the_header_is_skipped_in_csv_and_tsv() {
    let body = format!(
        "平顶山市劳动力资源台账(2021年度)\n导出时间：2021-12-31\t\t制表单位：新华区\n{PERSONS_ZH}\n\
         {PERSON},{COMMUNITY},H001,女,1949-12-31,是,2020-01-01\n"
    );
    for (name, text) in [
        ("persons.csv", body.clone()),
        ("persons.tsv", body.replace(',', "\t")),
    ] {
        let dir = minimal_extract();
        replace(dir.path(), name, text.as_bytes());
        let e = read_clean(&Pipeline::new(dir.path(), dir.path().join("out")));
        let df = frame(&e, Table::Persons);
        assert_eq!(strings(df, "household_id"), some(&["H001"]), "{name}");
        assert_eq!(strings(df, "source_line"), some(&["4"]), "{name}");
        let input = e.inputs.iter().find(|i| i.table == Table::Persons).unwrap();
        assert!(
            input.read_as.ends_with(", header on line 3"),
            "{}",
            input.read_as
        );
    }
    // header_row names it; a row that does not name the columns stops the run.
    let dir = minimal_extract();
    replace(dir.path(), "persons.csv", body.as_bytes());
    let at = |n| {
        with_input(
            dir.path(),
            Table::Persons,
            TableInput {
                header_row: Some(n),
                ..Default::default()
            },
        )
    };
    read_clean(&at(3));
    let e = read_with(&at(2));
    assert!(
        e.problems[0].starts_with("persons.csv: required columns missing: `person_id`"),
        "{:?}",
        e.problems
    );
}

/// "rows after the data that are totals, notes or signature lines are
/// skipped …, not rejected; anything else stays a reject as today."
#[test]
fn footers_after_the_data_are_skipped_and_a_subtotal_between_records_is_a_reject() {
    let other = id(1, "19850101");
    let text = format!(
        "{PERSONS_ZH}\n{PERSON},{COMMUNITY},H001,女,1949-12-31,是,2020-01-01\n\
         小计,,1人,,,,\n\
         {other},{COMMUNITY},H002,男,1985-01-01,是,2020-01-01\n\
         合  计,,2人,,,,\n,,,,,,\n注：本表数据截至2021年12月31日。,,,,,,\n填表人：张三,,,审核人：李四,,,\n"
    );
    let dir = minimal_extract();
    replace(dir.path(), "persons.csv", text.as_bytes());
    let e = read(dir.path());
    let got: Vec<(u64, &str, RejectReason)> = e
        .rejects
        .iter()
        .map(|r| (r.line, r.column.as_str(), r.reason))
        .collect();
    assert_eq!(
        got,
        vec![(3, "community_code", RejectReason::RequiredEmpty)]
    );
    let df = frame(&e, Table::Persons);
    assert_eq!(strings(df, "source_line"), some(&["2", "4"]));
    let input = e.inputs.iter().find(|i| i.table == Table::Persons).unwrap();
    assert_eq!((input.rows_read, input.rows_rejected), (3, 1));
}

/// "Identity numbers stored as Excel numbers … is a reject with a reason a
/// clerk can act on …; identifiers short enough to be exact as numbers
/// (community codes of 12 digits) are read as their digits."
#[test]
fn xlsx_identifiers_saved_as_numbers_are_rejected_and_short_codes_read() {
    let dir = minimal_extract();
    remove_table(dir.path(), "persons");
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in PERSONS_ZH.split(',').enumerate() {
        ws.write_string(0, c as u16, h).unwrap();
    }
    let ids = [PERSON.to_string(), id(2, "19850101")];
    for (i, id) in ids.iter().enumerate() {
        let r = i as u32 + 1;
        if i == 1 {
            // What Excel keeps of an 18-digit number: 15 significant digits.
            let kept: f64 = format!("{}000", &id[..15]).parse().unwrap();
            ws.write_number(r, 0, kept).unwrap();
        } else {
            ws.write_string(r, 0, id).unwrap();
        }
        ws.write_number(r, 1, 410402001001.0).unwrap();
        ws.write_string(r, 2, format!("H00{r}")).unwrap();
        ws.write_string(r, 3, "男").unwrap();
        ws.write_string(r, 4, "1985-01-01").unwrap();
        ws.write_string(r, 5, "是").unwrap();
        ws.write_string(r, 6, "2020-01-01").unwrap();
    }
    wb.save(dir.path().join("persons.xlsx")).unwrap();
    let e = read(dir.path());
    assert_eq!(e.rejects.len(), 1, "{:?}", e.rejects);
    let r = &e.rejects[0];
    assert_eq!(
        (r.line, r.column.as_str(), r.reason),
        (3, "person_id", RejectReason::NumberIdentifier)
    );
    let said = r.describe();
    assert!(
        said.contains("identifier saved as a number (a number of more than 15 digits: \
                       Excel keeps only 15 significant digits of a number, so the last digits are lost; \
                       export the column as text"),
        "{said}"
    );
    assert!(!said.contains(&ids[1][..15]), "raw digits in {said}");
    let df = frame(&e, Table::Persons);
    assert_eq!(strings(df, "person_id"), some(&[PERSON]));
    assert_eq!(strings(df, "community_code"), some(&[COMMUNITY]));
}

/// "Full-width forms normalised … so the same person joins; the rejects
/// still quote what the file held."
#[test]
fn full_width_identifiers_and_dates_fold_and_rejects_quote_the_file() {
    let wide = |s: &str| -> String {
        s.chars()
            .map(|c| match c {
                '0'..='9' | 'X' | '-' => char::from_u32(c as u32 + 0xFEE0).unwrap(),
                c => c,
            })
            .collect()
    };
    let other = id(3, "19850101");
    let text = format!(
        "{PERSONS_EN},left_on\n\
         {}\u{3000},{},Ｈ001,女,1949-12-31,是,{},\n\
         {other},{COMMUNITY},H002,男,1985-01-01,是,2020-01-01,{}\n",
        wide(PERSON),
        wide(COMMUNITY),
        wide("2020-01-01"),
        wide("2021-13-01"),
    );
    let dir = minimal_extract();
    replace(dir.path(), "persons.csv", text.as_bytes());
    let e = read(dir.path());
    let df = frame(&e, Table::Persons);
    assert_eq!(strings(df, "person_id"), some(&[PERSON]));
    assert_eq!(strings(df, "community_code"), some(&[COMMUNITY]));
    assert_eq!(strings(df, "entered_on"), some(&["2020-01-01"]));
    assert_eq!(bools(df, "person_id_valid"), vec![Some(true)]);
    // Household numbers are codes: folded too.
    assert_eq!(strings(df, "household_id"), some(&["H001"]));
    let r = &e.rejects[0];
    assert_eq!(
        (r.line, r.column.as_str(), r.value.as_deref()),
        (3, "left_on", Some(wide("2021-13-01").as_str()))
    );
}

/// "a merged range in a data column gives every row it covers its value
/// (county, street, community name)."
#[test]
fn xlsx_merged_county_and_street_cells_fill_the_rows_they_cover() {
    let dir = minimal_extract();
    remove_table(dir.path(), "communities");
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let plain = XlsxFormat::new();
    ws.merge_range(0, 0, 0, 3, "平顶山市社区名册(2021年度)", &plain)
        .unwrap();
    for (c, h) in ["社区代码", "社区名称", "所在区县", "所在街道"]
        .iter()
        .enumerate()
    {
        ws.write_string(1, c as u16, *h).unwrap();
    }
    let rows = [
        ("410402001001", "光明社区"),
        ("410402001002", "和平社区"),
        ("410403001001", "东风社区"),
    ];
    for (i, (code, name)) in rows.iter().enumerate() {
        ws.write_string(i as u32 + 2, 0, *code).unwrap();
        ws.write_string(i as u32 + 2, 1, *name).unwrap();
    }
    ws.merge_range(2, 2, 4, 2, "新华区", &plain).unwrap();
    ws.merge_range(2, 3, 3, 3, "中兴路街道", &plain).unwrap();
    ws.write_string(4, 3, "东安路街道").unwrap();
    wb.save(dir.path().join("communities.xlsx")).unwrap();
    let e = read_clean(&Pipeline::new(dir.path(), dir.path().join("out")));
    let df = frame(&e, Table::Communities);
    assert_eq!(strings(df, "county"), some(&["新华区", "新华区", "新华区"]));
    assert_eq!(
        strings(df, "street"),
        some(&["中兴路街道", "中兴路街道", "东安路街道"])
    );
    assert_eq!(strings(df, "source_line"), some(&["3", "4", "5"]));
    let input = e
        .inputs
        .iter()
        .find(|i| i.table == Table::Communities)
        .unwrap();
    assert_eq!(input.read_as, "XLSX, sheet \"Sheet1\", header on row 2");
}
