//! The audit trail of the panel's records (`history/decisions_log.parquet`,
//! docs/outputs.md): every version of every record the runs have read from
//! the working sheets and the records' own files, and what changed since
//! the run that last wrote the log, in the panel's words for the report.
//!
//! The records logged are the five tables the bureau keeps by hand and
//! drops back into the input folder (`Table::is_panel_record`): decisions
//! (评审记录), verifications (核实记录), objections (异议登记), approvals
//! (取消资格审批) and filings (报送登记). A record is known by its table and
//! its contract key (decisions: community, year, stage; verifications:
//! community, year, detector; objections: community, year, received_on,
//! content; approvals: community, year; filings: county, year, document).
//! The rows the run kept are read (a rejected row is in `rejects.parquet`,
//! not here), with the free text already masked on reading.
//!
//! Against the previous log, per key:
//! - the same values as its current version: the version is seen again
//!   (`last_seen_run`);
//! - other values: the current version becomes `changed` and a new version
//!   is `current`;
//! - a key the log has no current version of: a new version (1, or the one
//!   after a withdrawn one);
//! - a current version whose key the run no longer reads: `withdrawn`, from
//!   this run (`withdrawn_run`).
//!
//! Nothing is ever removed from the log. A version keeps the file, sheet
//! and row it was first read from.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use polars::prelude::*;

use super::labels;
use crate::contract::added_columns::{SOURCE_FILE, SOURCE_LINE, SOURCE_SHEET};
use crate::contract::roster::Place;
use crate::contract::{Kind, Table, TableSpec, tables};
use crate::error::Result;
use crate::frame;

/// The data dictionary's name of the log.
pub const LOG: &str = "decisions_log";

/// Where a version stands in the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// The value the latest run read.
    Current,
    /// A later run read other values: superseded by the next version.
    Changed,
    /// A later run no longer read the record.
    Withdrawn,
}

impl Status {
    pub fn id(self) -> &'static str {
        match self {
            Status::Current => "current",
            Status::Changed => "changed",
            Status::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        [Status::Current, Status::Changed, Status::Withdrawn]
            .into_iter()
            .find(|x| x.id() == s)
    }
}

/// The tables the log keeps, in the contract's order.
pub fn logged_tables() -> impl Iterator<Item = &'static TableSpec> {
    tables::ALL
        .iter()
        .copied()
        .filter(|s| s.table.is_panel_record())
}

/// The log's record columns: every column of the logged tables, each once,
/// in the order they first appear, with its contract type (one name has one
/// type in every table that has it).
pub fn record_columns() -> Vec<(&'static str, Kind)> {
    let mut out: Vec<(&'static str, Kind)> = Vec::new();
    for spec in logged_tables() {
        for c in spec.columns {
            if !out.iter().any(|(n, _)| *n == c.name) {
                out.push((c.name, c.kind));
            }
        }
    }
    out
}

/// The columns after the record's: its version and where it was read.
pub const VERSION_COLUMNS: [&str; 8] = [
    "version",
    "status",
    "file",
    "sheet",
    "row",
    "first_read_run",
    "last_seen_run",
    "withdrawn_run",
];

/// Where a version was first read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Source {
    file: Option<String>,
    sheet: Option<String>,
    row: Option<i64>,
}

/// One version of one record.
#[derive(Debug, Clone)]
struct Version {
    table: Table,
    /// Its values as text, one per column of its table's contract.
    fields: Vec<Option<String>>,
    version: i64,
    status: Status,
    source: Source,
    first_read_run: String,
    last_seen_run: String,
    withdrawn_run: Option<String>,
}

/// A record's identity: its table and its key's values.
type Key = (Table, Vec<Option<String>>);

fn key_of(table: Table, fields: &[Option<String>]) -> Key {
    let spec = table.spec();
    let key = spec
        .key
        .iter()
        .map(|k| {
            let i = spec.columns.iter().position(|c| c.name == *k);
            i.and_then(|i| fields[i].clone())
        })
        .collect();
    (table, key)
}

/// The run that reads the records.
#[derive(Debug, Clone, Copy)]
pub struct Run<'a> {
    pub id: &'a str,
    /// The run's day: the date of its lines.
    pub date: NaiveDate,
}

/// The new log and the report's lines about it.
#[derive(Debug, Clone, Default)]
pub struct Logged {
    pub frame: DataFrame,
    /// One line per record withdrawn or changed since the log was last
    /// written, in the log's order.
    pub lines: Vec<String>,
}

/// The log after this run: `previous` (None before the first log) with
/// what the run read of the panel's records (`tables`, the extract's
/// typed frames), the communities by code for the report's lines.
pub fn update(
    tables: &BTreeMap<Table, DataFrame>,
    previous: Option<&DataFrame>,
    run: Run,
    places: &BTreeMap<String, Place>,
) -> Result<Logged> {
    let mut log = match previous {
        Some(df) => read_log(df)?,
        None => Vec::new(),
    };
    let now = read_now(tables)?;
    // Each key's latest version in the log.
    let mut latest: BTreeMap<Key, usize> = BTreeMap::new();
    for (i, v) in log.iter().enumerate() {
        let k = key_of(v.table, &v.fields);
        match latest.get(&k) {
            Some(&j) if log[j].version >= v.version => {}
            _ => {
                latest.insert(k, i);
            }
        }
    }
    let mut lines = Vec::new();
    let keys: BTreeSet<&Key> = latest.keys().chain(now.keys()).collect();
    for k in keys {
        let last = latest.get(k).copied();
        let current = last.filter(|&i| log[i].status == Status::Current);
        match (now.get(k), current) {
            (Some((fields, _)), Some(i)) if log[i].fields == *fields => {
                log[i].last_seen_run = run.id.to_string();
            }
            (Some((fields, source)), _) => {
                if let Some(i) = current {
                    log[i].status = Status::Changed;
                    lines.push(changed_line(&log[i], fields, run.date, places));
                }
                log.push(Version {
                    table: k.0,
                    fields: fields.clone(),
                    version: last.map_or(1, |i| log[i].version + 1),
                    status: Status::Current,
                    source: source.clone(),
                    first_read_run: run.id.to_string(),
                    last_seen_run: run.id.to_string(),
                    withdrawn_run: None,
                });
            }
            (None, Some(i)) => {
                log[i].status = Status::Withdrawn;
                log[i].withdrawn_run = Some(run.id.to_string());
                lines.push(withdrawn_line(&log[i], run.date, places));
            }
            (None, None) => {}
        }
    }
    log.sort_by(|a, b| {
        (key_of(a.table, &a.fields), a.version).cmp(&(key_of(b.table, &b.fields), b.version))
    });
    Ok(Logged {
        frame: log_frame(&log)?,
        lines,
    })
}

/// A record as the run read it: its values and where they stand.
type Read = (Vec<Option<String>>, Source);

/// The records the run read, by key.
fn read_now(tables: &BTreeMap<Table, DataFrame>) -> Result<BTreeMap<Key, Read>> {
    let mut out = BTreeMap::new();
    for spec in logged_tables() {
        let Some(df) = tables.get(&spec.table) else {
            continue;
        };
        let columns = spec
            .columns
            .iter()
            .map(|c| frame::strings(df, c.name))
            .collect::<PolarsResult<Vec<_>>>()?;
        let (file, sheet, row) = (
            frame::strings(df, SOURCE_FILE)?,
            frame::strings(df, SOURCE_SHEET)?,
            frame::ints(df, SOURCE_LINE)?,
        );
        for i in 0..df.height() {
            let fields: Vec<Option<String>> = columns.iter().map(|c| c[i].clone()).collect();
            let source = Source {
                file: file[i].clone(),
                sheet: sheet[i].clone(),
                row: row[i],
            };
            out.insert(key_of(spec.table, &fields), (fields, source));
        }
    }
    Ok(out)
}

/// The previous log as versions; rows of a table the log no longer keeps
/// are left out.
fn read_log(df: &DataFrame) -> Result<Vec<Version>> {
    let table = frame::strings(df, "table")?;
    let mut columns: BTreeMap<&str, Vec<Option<String>>> = BTreeMap::new();
    for (name, _) in record_columns() {
        columns.insert(name, frame::strings(df, name)?);
    }
    let text = |name: &str| frame::strings(df, name);
    let (status, file, sheet) = (text("status")?, text("file")?, text("sheet")?);
    let (first, last, withdrawn) = (
        text("first_read_run")?,
        text("last_seen_run")?,
        text("withdrawn_run")?,
    );
    let (version, row) = (frame::ints(df, "version")?, frame::ints(df, "row")?);
    let mut out = Vec::new();
    for i in 0..df.height() {
        let Some(t) = table[i]
            .as_deref()
            .and_then(Table::from_name)
            .filter(|t| t.is_panel_record())
        else {
            continue;
        };
        out.push(Version {
            table: t,
            fields: t
                .spec()
                .columns
                .iter()
                .map(|c| columns[c.name][i].clone())
                .collect(),
            version: version[i].unwrap_or(1),
            status: status[i]
                .as_deref()
                .and_then(Status::parse)
                .unwrap_or(Status::Current),
            source: Source {
                file: file[i].clone(),
                sheet: sheet[i].clone(),
                row: row[i],
            },
            first_read_run: first[i].clone().unwrap_or_default(),
            last_seen_run: last[i].clone().unwrap_or_default(),
            withdrawn_run: withdrawn[i].clone(),
        });
    }
    Ok(out)
}

/// The versions as the published frame: `table`, the record columns typed
/// as the contract types them (null where the record's table has no such
/// column), then the version columns.
fn log_frame(log: &[Version]) -> Result<DataFrame> {
    let mut columns = vec![Column::new(
        "table".into(),
        log.iter().map(|v| v.table.name()).collect::<Vec<_>>(),
    )];
    for (name, kind) in record_columns() {
        let texts: Vec<Option<String>> = log
            .iter()
            .map(|v| {
                let spec = v.table.spec();
                let i = spec.columns.iter().position(|c| c.name == name)?;
                v.fields[i].clone()
            })
            .collect();
        columns.push(typed(name, kind, &texts)?);
    }
    let texts = |f: fn(&Version) -> Option<String>| log.iter().map(f).collect::<Vec<_>>();
    columns.push(Column::new(
        "version".into(),
        log.iter().map(|v| v.version).collect::<Vec<_>>(),
    ));
    columns.push(Column::new(
        "status".into(),
        log.iter().map(|v| v.status.id()).collect::<Vec<_>>(),
    ));
    columns.push(Column::new("file".into(), texts(|v| v.source.file.clone())));
    columns.push(Column::new(
        "sheet".into(),
        texts(|v| v.source.sheet.clone()),
    ));
    columns.push(Column::new(
        "row".into(),
        log.iter().map(|v| v.source.row).collect::<Vec<_>>(),
    ));
    columns.push(Column::new(
        "first_read_run".into(),
        texts(|v| Some(v.first_read_run.clone())),
    ));
    columns.push(Column::new(
        "last_seen_run".into(),
        texts(|v| Some(v.last_seen_run.clone())),
    ));
    columns.push(Column::new(
        "withdrawn_run".into(),
        texts(|v| v.withdrawn_run.clone()),
    ));
    Ok(DataFrame::new_infer_height(columns)?)
}

/// A record column's texts in the contract's type: a date as Date, a year
/// or count as Int64, anything else as text.
fn typed(name: &str, kind: Kind, texts: &[Option<String>]) -> Result<Column> {
    Ok(match kind {
        Kind::Date => Column::new(
            name.into(),
            texts
                .iter()
                .map(|t| t.as_deref().and_then(crate::contract::dates::parse_date))
                .collect::<Vec<_>>(),
        )
        .cast(&DataType::Date)?,
        Kind::Int => Column::new(
            name.into(),
            texts
                .iter()
                .map(|t| t.as_deref().and_then(|t| t.parse::<i64>().ok()))
                .collect::<Vec<_>>(),
        ),
        _ => Column::new(name.into(), texts.to_vec()),
    })
}

/// A version's field by column name.
fn field<'a>(table: Table, fields: &'a [Option<String>], name: &str) -> Option<&'a str> {
    let i = table.spec().columns.iter().position(|c| c.name == name)?;
    fields[i].as_deref()
}

/// Who and which year a record is about: "光明社区(410402001001)2021年度",
/// or for a county's filing "新华区 2021年度".
fn subject(v: &Version, places: &BTreeMap<String, Place>) -> String {
    let year = field(v.table, &v.fields, "year").unwrap_or_default();
    match field(v.table, &v.fields, "community_code") {
        Some(code) => {
            let name = places.get(code).and_then(|p| p.name.clone());
            labels::record_subject(name.as_deref(), code, year)
        }
        None => labels::record_subject(
            None,
            field(v.table, &v.fields, "county").unwrap_or_default(),
            year,
        ),
    }
}

/// What of the community's year a record of `table` is, from its fields
/// by name: the stage, the checked item, the objection, the document;
/// nothing for an approval or a county's conclusion.
pub fn item<'a>(table: Table, field: impl Fn(&str) -> Option<&'a str>) -> String {
    let f = |name| field(name).unwrap_or_default();
    match table {
        Table::Decisions => f("stage").to_string(),
        Table::Verifications => labels::checked_item(f("detector")),
        Table::Objections => labels::objection_received(f("received_on")),
        Table::Filings => f("document").to_string(),
        _ => String::new(),
    }
}

/// The column holding what a record of `table` records: a stage's
/// decision, a check's result, an objection's resolution, the province's
/// answer, a filing's day of receipt, a county's re-inspection conclusion.
pub fn outcome_column(table: Table) -> &'static str {
    match table {
        Table::Verifications => "result",
        Table::Objections => "resolution",
        Table::Approvals => "answer",
        Table::Filings => "received_on",
        Table::Reinspections => "conclusion",
        _ => "decision",
    }
}

fn item_of(v: &Version) -> String {
    item(v.table, |name| field(v.table, &v.fields, name))
}

fn withdrawn_line(v: &Version, on: NaiveDate, places: &BTreeMap<String, Place>) -> String {
    let what = labels::record_field(v.table, outcome_column(v.table));
    labels::record_withdrawn(on, v.table, &subject(v, places), &item_of(v), &what)
}

/// The line of a version superseded by `now`: each field that differs, in
/// the contract's column order.
fn changed_line(
    was: &Version,
    now: &[Option<String>],
    on: NaiveDate,
    places: &BTreeMap<String, Place>,
) -> String {
    let changes: Vec<(String, Option<String>, Option<String>)> = was
        .table
        .spec()
        .columns
        .iter()
        .enumerate()
        .filter(|(i, _)| was.fields[*i] != now[*i])
        .map(|(i, c)| {
            (
                labels::record_field(was.table, c.name),
                was.fields[i].clone(),
                now[i].clone(),
            )
        })
        .collect();
    labels::record_changed(
        on,
        was.table,
        &subject(was, places),
        &item_of(was),
        &changes,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decisions(rows: &[(&str, &str, &str, &str)]) -> DataFrame {
        let col = |k: usize| {
            rows.iter()
                .map(|r| [r.0, r.1, r.2, r.3][k])
                .collect::<Vec<_>>()
        };
        DataFrame::new_infer_height(vec![
            Column::new("community_code".into(), col(0)),
            Column::new("year".into(), vec![2021i64; rows.len()]),
            Column::new("stage".into(), col(1)),
            Column::new("decision".into(), col(2)),
            Column::new("decided_on".into(), col(3)),
            Column::new(SOURCE_FILE.into(), vec!["评审记录-全市.xlsx"; rows.len()]),
            Column::new(SOURCE_SHEET.into(), vec!["评审记录"; rows.len()]),
            Column::new(
                SOURCE_LINE.into(),
                (5..5 + rows.len() as i64).collect::<Vec<_>>(),
            ),
        ])
        .unwrap()
    }

    fn run(id: &str) -> Run<'_> {
        Run {
            id,
            date: NaiveDate::from_ymd_opt(2022, 1, 21).unwrap(),
        }
    }

    fn places() -> BTreeMap<String, Place> {
        [(
            "A".to_string(),
            Place {
                name: Some("光明社区".into()),
                ..Place::default()
            },
        )]
        .into()
    }

    fn rows(df: &DataFrame) -> Vec<(String, String, i64, String)> {
        let (stage, decision, status) = (
            frame::strings(df, "stage").unwrap(),
            frame::strings(df, "decision").unwrap(),
            frame::strings(df, "status").unwrap(),
        );
        let version = frame::ints(df, "version").unwrap();
        (0..df.height())
            .map(|i| {
                (
                    stage[i].clone().unwrap(),
                    decision[i].clone().unwrap(),
                    version[i].unwrap(),
                    status[i].clone().unwrap(),
                )
            })
            .collect()
    }

    #[test]
    fn the_dictionary_describes_every_column_in_order() {
        let log = update(&BTreeMap::new(), None, run("r1"), &places()).unwrap();
        let names: Vec<String> = log
            .frame
            .get_column_names()
            .iter()
            .map(|c| c.to_string())
            .collect();
        assert_eq!(names, crate::panel::dictionary::column_names(LOG));
    }

    #[test]
    fn a_change_is_a_new_version_and_a_missing_record_is_withdrawn() {
        let first = BTreeMap::from([(
            Table::Decisions,
            decisions(&[
                ("A", "街道审核", "同意", "2022-01-05"),
                ("A", "县级初选", "推荐", "2022-01-10"),
            ]),
        )]);
        let one = update(&first, None, run("r1"), &places()).unwrap();
        assert!(one.lines.is_empty(), "{:?}", one.lines);
        let second = BTreeMap::from([(
            Table::Decisions,
            decisions(&[("A", "县级初选", "不推荐", "2022-01-10")]),
        )]);
        let two = update(&second, Some(&one.frame), run("r2"), &places()).unwrap();
        assert_eq!(
            rows(&two.frame),
            [
                ("县级初选".into(), "推荐".into(), 1, "changed".into()),
                ("县级初选".into(), "不推荐".into(), 2, "current".into()),
                ("街道审核".into(), "同意".into(), 1, "withdrawn".into()),
            ]
        );
        assert_eq!(
            two.lines,
            [
                "2022-01-21 评审记录中 光明社区(A)2021年度 县级初选 的结论由 推荐 改为 不推荐",
                "2022-01-21 评审记录中删除了 光明社区(A)2021年度 街道审核 的结论",
            ]
        );
        let runs = |c: &str| frame::strings(&two.frame, c).unwrap();
        assert_eq!(runs("withdrawn_run"), [None, None, Some("r2".to_string())]);
        assert_eq!(
            runs("first_read_run"),
            [Some("r1".into()), Some("r2".into()), Some("r1".into())]
        );
        // Read again unchanged: seen again, nothing to say, nothing removed.
        let three = update(&second, Some(&two.frame), run("r3"), &places()).unwrap();
        assert!(three.lines.is_empty());
        assert_eq!(three.frame.height(), 3);
        assert_eq!(
            frame::strings(&three.frame, "last_seen_run").unwrap()[1].as_deref(),
            Some("r3")
        );
    }
}
