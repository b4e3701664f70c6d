//! The province's answers to the proposed disqualifications (省厅审批), as
//! the bureau records them (`approvals`, the working sheet 取消资格审批):
//! what each proposal's state is in words for the disqualification list,
//! and the rows of the sheet: every community the review year proposes and
//! every answer already recorded, so a sheet that replaces the last one
//! drops nothing. An approval (同意取消) revokes the qualification from its
//! date; the ratings' scope reads it (`ratings::scope::revocations`).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use polars::prelude::DataFrame;

use super::disqualification::Disqualified;
use crate::contract::review_records::APPROVED;
use crate::error::Result;
use crate::frame;

/// One recorded answer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Answer {
    pub answer: String,
    pub answered_on: Option<NaiveDate>,
    pub document_no: Option<String>,
    pub note: Option<String>,
}

/// The recorded answers by (community, year proposed).
/// The province's answers by (community, year).
pub type Answers = BTreeMap<(String, i32), Answer>;

pub fn answers(approvals: Option<&DataFrame>) -> Result<Answers> {
    let mut out = BTreeMap::new();
    let Some(df) = approvals else {
        return Ok(out);
    };
    let code = frame::strings(df, "community_code")?;
    let year = frame::ints(df, "year")?;
    let answer = frame::strings(df, "answer")?;
    let on = frame::dates(df, "answered_on")?;
    let doc = frame::strings(df, "document_no")?;
    let note = frame::strings(df, "note")?;
    for i in 0..df.height() {
        let (Some(c), Some(y), Some(a)) = (code[i].clone(), year[i], answer[i].clone()) else {
            continue;
        };
        let Ok(y) = i32::try_from(y) else { continue };
        out.insert(
            (c, y),
            Answer {
                answer: a,
                answered_on: on[i],
                document_no: doc[i].clone(),
                note: note[i].clone(),
            },
        );
    }
    Ok(out)
}

/// The proposal's state in words: 待省厅审批, or the answer with its date
/// and document number.
pub fn words(answer: Option<&Answer>) -> String {
    let Some(a) = answer else {
        return "待省厅审批".to_string();
    };
    let mut detail: Vec<String> = Vec::new();
    if let Some(d) = a.answered_on {
        detail.push(d.to_string());
    }
    if let Some(n) = a.document_no.as_deref().filter(|n| !n.trim().is_empty()) {
        detail.push(n.to_string());
    }
    let revoked = if a.answer == APPROVED {
        ",自审批之日起取消资格,不再复查"
    } else {
        ""
    };
    format!("省厅{}({}){revoked}", a.answer, detail.join(","))
}

/// One row of the sheet 取消资格审批.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApprovalRow {
    pub code: String,
    pub name: String,
    pub county: String,
    pub year: i32,
    /// Why it was proposed, in words (not read back).
    pub reason: String,
    pub answer: Option<Answer>,
}

/// The sheet's rows: the review year's proposals, then every other answer
/// recorded, by county, code and year.
pub fn sheet_rows(
    proposed: &[Disqualified],
    year: i32,
    answers: &BTreeMap<(String, i32), Answer>,
    places: &BTreeMap<String, (String, String, String)>,
) -> Vec<ApprovalRow> {
    let mut rows: Vec<ApprovalRow> = proposed
        .iter()
        .map(|d| ApprovalRow {
            code: d.code.clone(),
            name: d.name.clone(),
            county: d.county.clone(),
            year,
            reason: d
                .failing
                .iter()
                .chain(&d.confirmed)
                .cloned()
                .collect::<Vec<_>>()
                .join(";"),
            answer: answers.get(&(d.code.clone(), year)).cloned(),
        })
        .collect();
    for ((code, y), a) in answers {
        if rows.iter().any(|r| r.code == *code && r.year == *y) {
            continue;
        }
        let (name, county, _) = places.get(code).cloned().unwrap_or_default();
        rows.push(ApprovalRow {
            code: code.clone(),
            name,
            county,
            year: *y,
            reason: String::new(),
            answer: Some(a.clone()),
        });
    }
    rows.sort_by(|a, b| (&a.county, &a.code, a.year).cmp(&(&b.county, &b.code, b.year)));
    rows
}
