//! How the typed frames hold the columns of the tables that grow with the
//! persons (the ledger and the event tables, which only indicators and
//! detectors read; every other table keeps its text): the closed sets as
//! polars `Enum` columns (one byte a cell, where text takes sixteen), with
//! exactly the contract's values as categories; the codes that repeat
//! (community, employer) as categories; the record and household
//! identifiers as numbers where their column allows it (`record_number`). A comparison
//! with a text literal reads as it did (`col("gender").eq(lit("男"))`), and
//! a value read out of a frame (`frame::strings`) is its text.

use polars::prelude::*;

use super::{Column, Kind, Table};

/// The tables that grow with the persons: the ledger and the event tables.
pub fn grows(table: Table) -> bool {
    matches!(
        table,
        Table::Persons
            | Table::Unemployment
            | Table::Employment
            | Table::Hardship
            | Table::Services
            | Table::ZeroHouseholds
    )
}

/// The genders ingest normalises every spelling to.
pub const GENDERS: &[&str] = &["男", "女"];

/// The categories a column of `table` is held with, when it is held as an
/// `Enum`: its allowed values (the genders for `Kind::Gender`).
pub fn closed_set(table: Table, column: &Column) -> Option<&'static [&'static str]> {
    if !grows(table) || column.code {
        return None;
    }
    match column.kind {
        Kind::Gender => Some(GENDERS),
        Kind::Str if !column.allowed.is_empty() => Some(column.allowed),
        _ => None,
    }
}

/// Whether a text column of `table` is held as a polars `Categorical`: the
/// employer's name and credit code, which repeat on many employment records
/// (at 2 M records, about 130,000 codes and 1,300 names); four bytes a cell
/// where the text takes 34 or more. Their reader (`employer_concentration`)
/// turns them back into text for the few rows it looks at. And `community_code` in every table that grows with the
/// persons: a few thousand codes on millions of rows, four bytes a cell
/// where the text takes sixteen; those tables' readers see it as text
/// (`readable`).
pub fn repeating(table: Table, column: &Column) -> bool {
    matches!(
        (table, column.name),
        (Table::Employment, "employer_name" | "employer_code")
    ) || (grows(table) && column.name == COMMUNITY_CODE)
}

const COMMUNITY_CODE: &str = "community_code";

/// Whether `column` of `table` is held as numbers where its column allows
/// it (`record_number`): the record identifiers, one per row of an event
/// table, and the ledger's household, shared by its members (at 20 M
/// persons, about 7 million households: as categories, each would cost its
/// text and polars' entry for it, about 80 bytes, besides four bytes a
/// row). `zero_households` names the same households, so it is numbered
/// alike, and the two join as long as both columns are numbers
/// (`share_holding`).
pub fn numbered(table: Table, column: &str) -> bool {
    matches!(
        (table, column),
        (Table::Employment, "record_id")
            | (Table::Unemployment, "registration_id")
            | (Table::Services, "service_id")
            | (Table::Persons | Table::ZeroHouseholds, "household_id")
    )
}

/// Columns of two tables that readers join, so held alike.
const SHARED: [(Table, Table, &str); 1] = [(Table::Persons, Table::ZeroHouseholds, "household_id")];

/// The columns `SHARED` names held alike: where one table's column is
/// numbers and the other's text (another shape crept into one of them),
/// the numbers become text again.
pub fn share_holding(
    tables: &mut std::collections::BTreeMap<Table, DataFrame>,
) -> PolarsResult<()> {
    for (a, b, name) in SHARED {
        let dtype = |t: Table, tables: &std::collections::BTreeMap<Table, DataFrame>| {
            tables.get(&t).and_then(|df| df.schema().get(name).cloned())
        };
        let (Some(da), Some(db)) = (dtype(a, tables), dtype(b, tables)) else {
            continue;
        };
        if da == db {
            continue;
        }
        for t in [a, b] {
            let df = tables.get_mut(&t).expect("present");
            if df.schema().get(name) == Some(&DataType::UInt64) {
                let texts = super::record_number::decode_column(df.column(name)?.u64()?);
                df.replace(name, texts.into_column())?;
            }
        }
    }
    Ok(())
}

/// A typed table as the detectors read it: `community_code` as text again,
/// where the frame holds it as a category. Lazily, so a query that filters
/// first turns only its rows back into text, and one that never reads the
/// code turns none. (Record identifiers stay numbers, which join and sort
/// as their texts do; the detectors turn the few they show into text with
/// `record_number::texts`.)
pub fn readable(df: &DataFrame) -> LazyFrame {
    let lf = df.clone().lazy();
    match df.schema().get(COMMUNITY_CODE) {
        Some(DataType::Categorical(..)) => {
            lf.with_column(col(COMMUNITY_CODE).cast(DataType::String))
        }
        _ => lf,
    }
}

/// The `Categorical` type of `repeating` columns (polars' global categories).
pub fn categorical_type() -> DataType {
    DataType::from_categories(Categories::global())
}

/// The `Enum` type of a closed set (one per set of values: polars keeps a
/// set's categories once, so every chunk and table gets the same type).
pub fn enum_type(values: &[&str]) -> PolarsResult<DataType> {
    Ok(DataType::from_frozen_categories(FrozenCategories::new(
        values.iter().copied(),
    )?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::tables;

    #[test]
    fn closed_sets_of_the_growing_tables_only() {
        let held: Vec<(&str, &str)> = tables::ALL
            .iter()
            .flat_map(|spec| {
                spec.columns
                    .iter()
                    .filter(|c| closed_set(spec.table, c).is_some())
                    .map(|c| (spec.name, c.name))
            })
            .collect();
        assert_eq!(
            held,
            vec![
                ("persons", "gender"),
                ("persons", "left_reason"),
                ("unemployment", "end_reason"),
                ("employment", "employment_type"),
                ("services", "service_type"),
            ]
        );
    }

    #[test]
    fn the_employer_and_community_columns_repeat() {
        let held: Vec<(&str, &str)> = tables::ALL
            .iter()
            .flat_map(|spec| {
                spec.columns
                    .iter()
                    .filter(|c| repeating(spec.table, c))
                    .map(|c| (spec.name, c.name))
            })
            .collect();
        assert_eq!(
            held,
            vec![
                ("persons", "community_code"),
                ("unemployment", "community_code"),
                ("employment", "community_code"),
                ("employment", "employer_name"),
                ("employment", "employer_code"),
                ("hardship", "community_code"),
                ("zero_households", "community_code"),
                ("services", "community_code"),
            ]
        );
    }

    #[test]
    fn readers_see_the_community_code_as_text() {
        let codes = Series::new(
            "community_code".into(),
            [Some("410402001002"), Some("410402001001"), None],
        );
        let held = codes.cast(&categorical_type()).unwrap();
        let df = DataFrame::new(3, vec![held.into_column()]).unwrap();
        let read = readable(&df)
            .sort(["community_code"], SortMultipleOptions::default())
            .collect()
            .unwrap();
        assert_eq!(
            read.column("community_code").unwrap().dtype(),
            &DataType::String
        );
        let text: Vec<Option<&str>> = read
            .column("community_code")
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .collect();
        assert_eq!(text, vec![None, Some("410402001001"), Some("410402001002")]);
        // A frame that holds the code as text is read as it is.
        let plain = DataFrame::new(
            1,
            vec![polars::prelude::Column::new("community_code".into(), ["x"])],
        )
        .unwrap();
        let read = readable(&plain).collect().unwrap();
        assert_eq!(
            read.column("community_code").unwrap().dtype(),
            &DataType::String
        );
    }

    #[test]
    fn text_literals_compare_with_an_enum_column() {
        let values = Series::new("gender".into(), [Some("男"), Some("女"), None])
            .cast(&enum_type(GENDERS).unwrap())
            .unwrap();
        let df = DataFrame::new(3, vec![values.into_column()]).unwrap();
        let out = df
            .lazy()
            .select([
                col("gender").eq(lit("男")).alias("male"),
                col("gender").cast(DataType::String).alias("text"),
            ])
            .collect()
            .unwrap();
        let male: Vec<Option<bool>> = out.column("male").unwrap().bool().unwrap().iter().collect();
        assert_eq!(male, vec![Some(true), Some(false), None]);
        let text: Vec<Option<&str>> = out.column("text").unwrap().str().unwrap().iter().collect();
        assert_eq!(text, vec![Some("男"), Some("女"), None]);
    }
}
