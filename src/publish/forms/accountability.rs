//! 区县评审工作情况表: how each county and each of its streets carried out
//! the review year's review, for the bureau's yearly appraisal (纳入年度考核):
//! each county's own row (区县本级), then its streets. Rows from
//! `panel::accountability`; the report's table shows the same columns
//! (`headers`, `values`).

use chrono::NaiveDate;
use rust_xlsxwriter::Workbook;

use super::cells::{self, failed};
use super::{Heading, register};
use crate::error::Result;
use crate::panel::accountability::{Accountability, UnitRow};
use crate::panel::labels;

pub const HEADER_ROW: u32 = 5;

/// What the 街道 column says on a county's own row.
pub const COUNTY_ROW: &str = "区县本级";

pub fn title(city: &str, year: i32) -> String {
    format!("{city}{year}年度充分就业社区评审区县工作情况表")
}

/// One cell of a row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Count(i64),
    Text(String),
}

impl Value {
    pub fn text(&self) -> String {
        match self {
            Value::Count(n) => n.to_string(),
            Value::Text(t) => t.clone(),
        }
    }
}

/// The column headers: place, counts, a stop column per stage, the filings.
pub fn headers(a: &Accountability) -> Vec<String> {
    let mut h: Vec<String> = ["区县", "街道", "申报数", "推荐数"]
        .map(String::from)
        .to_vec();
    h.extend(a.stopped_at.iter().map(|s| format!("推荐后终止于{s}")));
    h.extend(["已认定", labels::falsification_confirmed(), "逾期决定"].map(String::from));
    for document in &a.filed_documents {
        h.push(format!("{document}收到日期"));
        h.push(format!("{document}逾期工作日"));
    }
    h
}

/// A row's cells, in the order of `headers`: "—" where a figure does not
/// apply (a county's own stages; the filings on a street's row).
pub fn values(r: &UnitRow, filings_recorded: bool) -> Vec<Value> {
    let dash = || Value::Text("—".into());
    let count = |v: Option<i64>| v.map_or_else(dash, Value::Count);
    let mut out = vec![
        Value::Text(r.county.clone()),
        Value::Text(if r.is_county() {
            COUNTY_ROW.into()
        } else {
            r.street.clone()
        }),
        Value::Count(r.applications),
        count(r.recommended),
    ];
    out.extend(r.stopped.iter().map(|v| count(*v)));
    out.extend([
        Value::Count(r.confirmed),
        count(r.falsified),
        count(r.late_decisions),
    ]);
    for (received, late) in &r.filed {
        if !r.is_county() {
            out.extend([dash(), dash()]);
        } else if !filings_recorded {
            out.extend([Value::Text("未记录".into()), dash()]);
        } else {
            out.push(Value::Text(
                received.map_or("未收到".into(), cells::date_text),
            ));
            out.push(count(*late));
        }
    }
    out
}

fn widths(n: usize, filed: usize) -> Vec<f64> {
    let stops = n - 4 - 3 - 2 * filed;
    let mut w = vec![10.0, 12.0, 7.0, 7.0];
    w.extend(std::iter::repeat_n(9.0, stops));
    w.extend([7.0, 8.0, 7.0]);
    for _ in 0..filed {
        w.extend([13.0, 9.0]);
    }
    w
}

pub fn workbook(
    title: &str,
    head: &Heading,
    a: &Accountability,
    date: NaiveDate,
) -> Result<Workbook> {
    let mut wb = cells::workbook(title, date)?;
    let ws = wb.add_worksheet();
    let headers = headers(a);
    let widths = widths(headers.len(), a.filed_documents.len());
    cells::list_sheet(ws, "评审工作情况", title, HEADER_ROW, a.rows.len(), &widths)?;
    register::heading(ws, head, [0, 4, 9])?;
    let counted = format!(
        "推荐数、终止数、{}数均为本单位推荐的申报;逾期按工作日计",
        labels::falsification_confirmed()
    );
    let note = if a.filings_recorded {
        format!("{counted}(扣除法定节假日,含调休上班日)。")
    } else {
        format!("{counted}。市局未记录登记表和推荐名单的收到日期。")
    };
    cells::text(ws, 4, 0, &note, &cells::plain())?;
    let names: Vec<&str> = headers.iter().map(String::as_str).collect();
    cells::header_row(
        ws,
        HEADER_ROW,
        &names,
        cells::header_height(&names, &widths),
    )?;
    let (cell, centred) = (cells::cell(), cells::centred());
    let bold = cells::centred().set_bold();
    for (k, r) in a.rows.iter().enumerate() {
        let row = HEADER_ROW + 1 + k as u32;
        for (col, v) in values(r, a.filings_recorded).iter().enumerate() {
            let col = col as u16;
            match v {
                Value::Count(n) => {
                    let f = if r.is_county() { &bold } else { &centred };
                    ws.write_number_with_format(row, col, *n as f64, f)
                        .map_err(failed)?;
                }
                Value::Text(t) => {
                    let f = if col < 2 { &cell } else { &centred };
                    cells::text(ws, row, col, t, f)?;
                }
            }
        }
    }
    if a.rows.is_empty() {
        cells::text(ws, HEADER_ROW + 1, 0, "本年度没有区县。", &cells::plain())?;
    }
    Ok(wb)
}
