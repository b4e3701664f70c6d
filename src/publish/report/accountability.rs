//! The report's 区县、街道评审工作情况: the review year's accountability rows
//! as the form `区县评审工作情况表` has them (the same headers and cells), a
//! county's own row marked, and the chart of its applications by outcome.

use serde::Serialize;

use crate::panel::Panel;
use crate::publish::forms::accountability::{headers, values};

#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub county_row: bool,
    pub cells: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct View {
    pub headers: Vec<String>,
    pub rows: Vec<Row>,
    pub filings_recorded: bool,
    pub falsified: i64,
    pub late: i64,
}

/// The view; None when the year has no county.
pub fn view(review: &Panel) -> Option<View> {
    let a = &review.accountability;
    if a.rows.is_empty() {
        return None;
    }
    let counties = a.rows.iter().filter(|r| r.is_county());
    Some(View {
        headers: headers(a),
        rows: a
            .rows
            .iter()
            .map(|r| Row {
                county_row: r.is_county(),
                cells: values(r, a.filings_recorded)
                    .iter()
                    .map(|v| v.text())
                    .collect(),
            })
            .collect(),
        filings_recorded: a.filings_recorded,
        falsified: counties.clone().filter_map(|r| r.falsified).sum(),
        late: counties.filter_map(|r| r.late_decisions).sum(),
    })
}
