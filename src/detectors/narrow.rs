//! Narrowing before an exact look: a detector groups millions of rows by
//! person and keeps only the few rows worth comparing. The typed frames hold
//! `person_id` as its exact number (`contract::person_number`), so grouping
//! and joining on it is both cheap and exact: nothing needs a second,
//! exact pass on the text.

use polars::prelude::*;

use crate::contract::person_number;

/// The column a detector orders persons by for the panel: the identifiers'
/// texts, as the evidence shows them (the numbers of malformed identifiers
/// follow the order they were read in, not the texts').
pub const PERSON_TEXT: &str = "person_text";

/// The person's number: equal identifiers, equal numbers; different
/// identifiers, different numbers.
pub fn person_number() -> Expr {
    col("person_id")
}

/// `PERSON_TEXT` of the rows' `person_id`.
pub fn person_text() -> Expr {
    person_number::text_of(col("person_id")).alias(PERSON_TEXT)
}

/// The rows of `frame` in the communities of `communities` (a frame with a
/// `community_code` column), ordered by `order`: the records behind the
/// communities a detector's test fired for, as the evidence lists them.
pub fn in_communities(frame: LazyFrame, communities: LazyFrame, order: &[&str]) -> LazyFrame {
    frame
        .join(
            communities,
            [col("community_code")],
            [col("community_code")],
            JoinArgs::new(JoinType::Inner),
        )
        .sort(
            order
                .iter()
                .map(|c| PlSmallStr::from(*c))
                .collect::<Vec<_>>(),
            SortMultipleOptions::default(),
        )
}

/// `frame`'s rows joined to each of the person's jobs in `employment`:
/// the job's record, start and end beside them.
pub fn with_jobs(frame: LazyFrame, employment: LazyFrame) -> LazyFrame {
    let jobs = employment.select([
        col("person_id"),
        col("record_id"),
        col("started_on"),
        col("ended_on"),
    ]);
    let person = [col("person_id")];
    frame.join(jobs, person.clone(), person, JoinArgs::new(JoinType::Inner))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_column_gives_back_each_identifier() {
        let ids = ["11010519491231002X", "1101051949123100", "AB"];
        let numbers: Vec<u64> = ids.iter().map(|t| person_number::encode(t)).collect();
        let df = df!("person_id" => numbers).unwrap();
        let out = df.lazy().select([person_text()]).collect().unwrap();
        let texts: Vec<Option<&str>> = out
            .column(PERSON_TEXT)
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .collect();
        assert_eq!(texts, ids.iter().map(|t| Some(*t)).collect::<Vec<_>>());
    }
}
