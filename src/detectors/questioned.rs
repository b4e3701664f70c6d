//! The counted persons each finding questions, for its materiality
//! (docs/detectors.md, "Materiality"): of the persons and records a
//! community-level finding names as evidence, the persons its community
//! counted that year in a rate rule's numerator. A person named directly,
//! or through a key column, is questioned in every count that holds them. A
//! record questions its person only in the count it carries: an
//! employment record the re-employment or hardship employment that rests on
//! it, a registration the re-employment claimed on it, a service the
//! assistance. Other evidence (a household, a platform row, an application)
//! names no counted person.
//!
//! The counted persons are found with the indicators' own definitions
//! (`counted`, `indicators::hardship`), narrowed first to the persons the
//! findings name, so the work is the size of the evidence, not of the
//! ledger.

use polars::prelude::*;

use super::counted::{HARDSHIP_EMPLOYED, REEMPLOYED, hardship_counts, reemployment_counts};
use super::finding::{Evidence, KeyValue};
use super::{Finding, Inputs};
use crate::contract::{Table, person_number, record_number};
use crate::error::Result;
use crate::indicators::Period;
use crate::indicators::hardship::assisted_persons;

/// The count `assisted` (of H, those served in P), as the `count` column
/// names it.
pub const ASSISTED: &str = "assisted";

/// The counts a questioned person can be taken out of, as the questioned
/// frame's columns name them: the numerators of the rate rules.
pub const COUNTS: [&str; 3] = [REEMPLOYED, HARDSHIP_EMPLOYED, ASSISTED];

/// The tables whose records stand for a person, with their key column.
const OWNED_RECORDS: [(Table, &str, &str); 3] = [
    (Table::Employment, "employment", "record_id"),
    (Table::Unemployment, "unemployment", "registration_id"),
    (Table::Services, "services", "service_id"),
];

/// What one piece of evidence names: a person, or a record that stands for one.
enum Named<'e> {
    Person(&'e str),
    Record(&'static str, &'e str),
}

fn named(e: &Evidence) -> Option<Named<'_>> {
    match e {
        Evidence::Person { id, .. } => Some(Named::Person(id.raw())),
        Evidence::Record { table, key, .. } => {
            if let Some(p) = key.iter().find_map(|(_, v)| match v {
                KeyValue::Person(p) => Some(p),
                KeyValue::Text(_) => None,
            }) {
                return Some(Named::Person(p.raw()));
            }
            match key.as_slice() {
                [(column, KeyValue::Text(value))]
                    if OWNED_RECORDS
                        .iter()
                        .any(|(_, t, c)| t == table && c == column) =>
                {
                    Some(Named::Record(table, value))
                }
                _ => None,
            }
        }
    }
}

/// One row per community-level finding that names at least one counted
/// person: `finding` (UInt32, its position in `findings`), `community_code`,
/// `year` (Int64), `persons` (the distinct counted persons it names) and,
/// for each of `COUNTS`, how many of them that count holds.
pub fn questioned(inputs: &Inputs, findings: &[Finding]) -> Result<DataFrame> {
    let Some(person_type) = inputs
        .tables
        .get(&Table::Unemployment)
        .and_then(|df| df.schema().get("person_id").cloned())
    else {
        return Ok(empty()?);
    };
    let named = named_frame(findings, &person_type)?;
    if named.height() == 0 {
        return Ok(empty()?);
    }
    let persons = named_persons(inputs, &named)?;
    let mut counted = Vec::new();
    for p in inputs.periods() {
        let who = persons
            .clone()
            .lazy()
            .filter(col("year").eq(lit(i64::from(p.year))))
            .select([col("person_id")])
            .unique(None, UniqueKeepStrategy::Any);
        counted.push(counted_of(inputs, p, who)?);
    }
    let counted = concat(counted, UnionArgs::default())?;
    let mut sums = vec![
        col("person_id")
            .n_unique()
            .cast(DataType::Int64)
            .alias("persons"),
    ];
    sums.extend(COUNTS.iter().map(|c| {
        col("person_id")
            .filter(col("count").eq(lit(*c)))
            .n_unique()
            .cast(DataType::Int64)
            .alias(*c)
    }));
    Ok(persons
        .lazy()
        .join(
            counted,
            [col("community_code"), col("year"), col("person_id")],
            [col("community_code"), col("year"), col("person_id")],
            JoinArgs::new(JoinType::Inner),
        )
        .filter(questions())
        .group_by([col("finding"), col("community_code"), col("year")])
        .agg(sums)
        .sort(["finding"], SortMultipleOptions::default())
        .collect()?)
}

/// The questioned frame with no rows.
fn empty() -> PolarsResult<DataFrame> {
    let mut columns = vec![
        Column::new("finding".into(), Vec::<u32>::new()),
        Column::new("community_code".into(), Vec::<String>::new()),
        Column::new("year".into(), Vec::<i64>::new()),
        Column::new("persons".into(), Vec::<i64>::new()),
    ];
    columns.extend(
        COUNTS
            .iter()
            .map(|c| Column::new((*c).into(), Vec::<i64>::new())),
    );
    DataFrame::new_infer_height(columns)
}

/// One row per person or record a community-level finding names: finding,
/// community_code, year, person_id (held as the tables hold it, or null),
/// table and record (null for a person).
fn named_frame(findings: &[Finding], person_type: &DataType) -> Result<DataFrame> {
    let (mut finding, mut codes, mut years) = (Vec::new(), Vec::new(), Vec::new());
    let (mut persons, mut tables, mut records) = (Vec::new(), Vec::new(), Vec::new());
    for (i, f) in findings.iter().enumerate() {
        let Some(code) = f.about_community() else {
            continue;
        };
        for e in &f.evidence {
            let Some(n) = named(e) else { continue };
            finding.push(i as u32);
            codes.push(code);
            years.push(i64::from(f.year));
            match n {
                Named::Person(p) => {
                    persons.push(Some(p));
                    tables.push(None);
                    records.push(None);
                }
                Named::Record(t, r) => {
                    persons.push(None);
                    tables.push(Some(t));
                    records.push(Some(r));
                }
            }
        }
    }
    let persons = StringChunked::from_iter_options("person_id".into(), persons.into_iter());
    let persons = match person_type {
        DataType::UInt64 => person_number::encode_column(&persons).into_column(),
        _ => persons.into_column(),
    };
    Ok(DataFrame::new_infer_height(vec![
        Column::new("finding".into(), finding),
        Column::new("community_code".into(), codes),
        Column::new("year".into(), years),
        persons,
        Column::new("table".into(), tables),
        Column::new("record".into(), records),
    ])?)
}

/// The distinct (finding, community_code, year, person_id, table, record)
/// the findings name, each record with the person it belongs to (`table`
/// and `record` null for a person named directly).
fn named_persons(inputs: &Inputs, named: &DataFrame) -> Result<DataFrame> {
    let columns = || {
        [
            "finding",
            "community_code",
            "year",
            "person_id",
            "table",
            "record",
        ]
        .map(col)
        .to_vec()
    };
    let direct = named
        .clone()
        .lazy()
        .filter(col("person_id").is_not_null())
        .select(columns());
    let mut parts = vec![direct];
    for (table, name, key) in OWNED_RECORDS {
        let Some(rows) = inputs.tables.get(&table) else {
            continue;
        };
        let refs = named
            .clone()
            .lazy()
            .filter(col("table").eq(lit(name)))
            .drop(cols(["person_id"]));
        let owners = rows.clone().lazy().select([
            record_number::as_text(col(key)).alias("record"),
            col("person_id"),
        ]);
        parts.push(
            refs.join(
                owners,
                [col("record")],
                [col("record")],
                JoinArgs::new(JoinType::Inner),
            )
            .select(columns()),
        );
    }
    Ok(concat(parts, UnionArgs::default())?
        .unique(None, UniqueKeepStrategy::Any)
        .collect()?)
}

/// Whether a named person or record questions the counted row it is
/// joined to: a person every count, a record only the count it carries.
fn questions() -> Expr {
    let table = |t: &str| col("table").eq(lit(t));
    let count = |c: &str| col("count").eq(lit(c));
    col("table")
        .is_null()
        .or(table("employment")
            .and(count(REEMPLOYED).or(count(HARDSHIP_EMPLOYED)))
            .and(col("record").eq(col("counted_record"))))
        .or(table("unemployment")
            .and(count(REEMPLOYED))
            .and(col("record").eq(col("counted_claim"))))
        .or(table("services").and(count(ASSISTED)))
}

/// community_code (text), year, person_id, `count` for each of `who`
/// counted in one of `COUNTS` in P, and what the count rests on:
/// `counted_record` (the employment record, as text) and `counted_claim`
/// (the registration, as text), null where the count has none.
fn counted_of(inputs: &Inputs, p: &Period, who: LazyFrame) -> Result<LazyFrame> {
    let narrow =
        |frame: LazyFrame| frame.semi_join(who.clone(), col("person_id"), col("person_id"));
    let unemployment = narrow(inputs.held(Table::Unemployment)?);
    let employment = narrow(inputs.held(Table::Employment)?);
    let hardship = narrow(inputs.held(Table::Hardship)?);
    let number = unemployment
        .clone()
        .collect_schema()?
        .get("registration_id")
        .cloned()
        .unwrap_or(DataType::String);
    let tagged = |frame: LazyFrame, count: &str, record: Expr, claim: Expr| {
        frame.select([
            col("community_code").cast(DataType::String),
            lit(i64::from(p.year)).alias("year"),
            col("person_id"),
            lit(count.to_string()).alias("count"),
            record.alias("counted_record"),
            claim.alias("counted_claim"),
        ])
    };
    let none = || lit(NULL).cast(DataType::String);
    let record = || record_number::as_text(col("record_id"));
    let mut parts = vec![
        tagged(
            reemployment_counts(unemployment, employment.clone(), p),
            REEMPLOYED,
            record(),
            record_number::as_text(col("claim_number")),
        ),
        tagged(
            hardship_counts(hardship.clone(), employment, p, &number),
            HARDSHIP_EMPLOYED,
            record(),
            none(),
        ),
    ];
    if let Some(services) = inputs.tables.get(&Table::Services) {
        parts.push(tagged(
            assisted_persons(hardship, narrow(services.clone().lazy()), p),
            ASSISTED,
            none(),
            none(),
        ));
    }
    Ok(concat(parts, UnionArgs::default())?)
}
