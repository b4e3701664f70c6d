//! `rejects.parquet`: every rejected input row, its person pseudonymised.

use polars::prelude::*;

use crate::ingest::Reject;
use crate::privacy::Pseudonymizer;

/// Columns: table, file, line, column, value (identity numbers masked),
/// reason, detail, person_key (null when the row had no person identifier).
pub fn rejects_frame(rejects: &[Reject], pseudonyms: &Pseudonymizer) -> PolarsResult<DataFrame> {
    let s = |f: &dyn Fn(&Reject) -> Option<String>| {
        rejects.iter().map(f).collect::<Vec<Option<String>>>()
    };
    DataFrame::new_infer_height(vec![
        Column::new("table".into(), s(&|r| Some(r.table.name().to_string()))),
        Column::new("file".into(), s(&|r| Some(r.file.clone()))),
        Column::new(
            "line".into(),
            rejects.iter().map(|r| r.line as i64).collect::<Vec<_>>(),
        ),
        Column::new("column".into(), s(&|r| Some(r.column.clone()))),
        Column::new("value".into(), s(&|r| r.value.clone())),
        Column::new("reason".into(), s(&|r| Some(r.reason.as_str().to_string()))),
        Column::new("detail".into(), s(&|r| Some(r.detail.clone()))),
        Column::new(
            "person_key".into(),
            s(&|r| {
                r.person_id_for_pseudonym()
                    .map(|p| pseudonyms.person_key(p))
            }),
        ),
    ])
}
