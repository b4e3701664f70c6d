//! What the bureau received from each county, as it records it (`filings`,
//! the working sheet 报送登记): the signed re-inspection register and the
//! recommended list, with the day each came in. The timeline counts filed
//! and late from these receipts; where none is recorded it falls back to
//! what the data shows, and says so.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use polars::prelude::DataFrame;

use crate::config::Review;
use crate::contract::review_records::{LIST_FILED, REGISTER_FILED};
use crate::error::Result;
use crate::frame;

/// One row of the sheet 报送登记: a county's document of a year.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FilingRow {
    pub county: String,
    pub year: i32,
    /// 复查情况登记表 or 推荐名单.
    pub document: String,
    /// The calendar's due date (printed, not read back).
    pub due: Option<NaiveDate>,
    pub received_on: Option<NaiveDate>,
    pub note: Option<String>,
}

/// The receipts recorded, by (county, year, document).
pub type Receipts = BTreeMap<(String, i32, String), (Option<NaiveDate>, Option<String>)>;

pub fn receipts(filings: Option<&DataFrame>) -> Result<Receipts> {
    let mut out = Receipts::new();
    let Some(df) = filings else { return Ok(out) };
    let county = frame::strings(df, "county")?;
    let year = frame::ints(df, "year")?;
    let doc = frame::strings(df, "document")?;
    let on = frame::dates(df, "received_on")?;
    let note = frame::strings(df, "note")?;
    for i in 0..df.height() {
        let (Some(c), Some(y), Some(d)) = (county[i].clone(), year[i], doc[i].clone()) else {
            continue;
        };
        let Ok(y) = i32::try_from(y) else { continue };
        out.insert((c, y, d), (on[i], note[i].clone()));
    }
    Ok(out)
}

/// The sheet's rows: each county of the roster, its register and its list
/// for the review year (received or not), then every other receipt
/// recorded.
pub fn sheet_rows(
    counties: &[String],
    year: i32,
    review: &Review,
    receipts: &Receipts,
) -> Vec<FilingRow> {
    let mut rows = Vec::new();
    for county in counties {
        for (document, due) in [
            (REGISTER_FILED, review.register_due),
            (LIST_FILED, review.list_due),
        ] {
            let got = receipts.get(&(county.clone(), year, document.to_string()));
            rows.push(FilingRow {
                county: county.clone(),
                year,
                document: document.to_string(),
                due,
                received_on: got.and_then(|g| g.0),
                note: got.and_then(|g| g.1.clone()),
            });
        }
    }
    for ((county, y, document), (on, note)) in receipts {
        if rows
            .iter()
            .any(|r| r.county == *county && r.year == *y && r.document == *document)
        {
            continue;
        }
        rows.push(FilingRow {
            county: county.clone(),
            year: *y,
            document: document.clone(),
            due: None,
            received_on: *on,
            note: note.clone(),
        });
    }
    rows.sort_by(|a, b| (&a.county, a.year, &a.document).cmp(&(&b.county, b.year, &b.document)));
    rows
}
