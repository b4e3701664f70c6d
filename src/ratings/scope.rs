//! Who is re-inspected in a review year (复查范围, docs/rules.md): every
//! community the roster shows recognised by then, provincially
//! (`provincial_year`), as a provincial star community
//! (`provincial_star_year`) or nationally (`national`), less those whose
//! qualification the province revoked before the year began.
//!
//! The roster gives no year for a national recognition, so a national
//! community is in scope every year, whatever its other years say.
//!
//! Revocations (省厅审批的取消资格) come in here, and only here, as a list:
//! the province's approvals the bureau recorded (`approvals`, answer
//! 同意取消, `revocations`).

use chrono::{Datelike, NaiveDate};
use polars::prelude::*;

use crate::error::Result;

/// The columns the scope adds.
pub const UNDER_REINSPECTION: &str = "under_reinspection";
pub const REVOKED_ON: &str = "qualification_revoked_on";

/// A province-approved disqualification: the community's qualification is
/// revoked from `revoked_on`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revocation {
    pub community_code: String,
    pub revoked_on: NaiveDate,
}

/// Recognised by review year `year`: a provincial or provincial star year
/// in or before it, or a national recognition (no year: always).
pub fn recognised() -> Expr {
    let by_year = |c: &str| col(c).is_not_null().and(col(c).lt_eq(col("year")));
    by_year("provincial_year")
        .or(by_year("provincial_star_year"))
        .or(col("national").fill_null(lit(false)))
}

/// `frame` (community_code, year, provincial_year, provincial_star_year,
/// national) with `under_reinspection`: recognised by the year and not
/// revoked by its end, and `qualification_revoked_on`. A review year's
/// re-inspection takes place after the year has ended (January of the
/// next), so a qualification the province revoked at any time up to 31
/// December of the year is gone by then: the year is out of scope. The year
/// whose re-inspection proposed the disqualification ends before the
/// province answers, so it keeps its verdict. A community revoked twice
/// counts from its first revocation.
/// The revocations the province approved, from the `approvals` table
/// (answer 同意取消), each dated by the approval.
pub fn revocations(approvals: Option<&DataFrame>) -> Result<Vec<Revocation>> {
    let Some(df) = approvals else {
        return Ok(Vec::new());
    };
    let code = crate::frame::strings(df, "community_code")?;
    let answer = crate::frame::strings(df, "answer")?;
    let on = crate::frame::dates(df, "answered_on")?;
    Ok((0..df.height())
        .filter(|&i| answer[i].as_deref() == Some(crate::contract::review_records::APPROVED))
        .filter_map(|i| {
            Some(Revocation {
                community_code: code[i].clone()?,
                revoked_on: on[i]?,
            })
        })
        .collect())
}

pub fn with_scope(frame: LazyFrame, revoked: &[Revocation]) -> Result<LazyFrame> {
    let mut first: std::collections::BTreeMap<&str, NaiveDate> = Default::default();
    for r in revoked {
        first
            .entry(r.community_code.as_str())
            .and_modify(|d| *d = (*d).min(r.revoked_on))
            .or_insert(r.revoked_on);
    }
    let revocations = DataFrame::new_infer_height(vec![
        Column::new(
            "community_code".into(),
            first.keys().map(|c| c.to_string()).collect::<Vec<_>>(),
        ),
        Column::new(
            "_revoked_year".into(),
            first
                .values()
                .map(|d| i64::from(d.year()))
                .collect::<Vec<_>>(),
        ),
        Column::new(
            REVOKED_ON.into(),
            first.values().copied().collect::<Vec<_>>(),
        )
        .cast(&DataType::Date)?,
    ])?;
    let revoked_before = col("_revoked_year")
        .is_not_null()
        .and(col("_revoked_year").lt_eq(col("year")));
    Ok(frame
        .join(
            revocations.lazy(),
            [col("community_code")],
            [col("community_code")],
            JoinArgs::new(JoinType::Left),
        )
        .with_columns([recognised()
            .and(revoked_before.not())
            .alias(UNDER_REINSPECTION)])
        .drop(cols(["_revoked_year"])))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::bools;

    /// (code, year, provincial_year, provincial_star_year, national)
    type Row<'a> = (&'a str, i64, Option<i64>, Option<i64>, bool);

    /// Whether each row is in scope.
    fn scope(rows: &[Row], revoked: &[Revocation]) -> Vec<bool> {
        let df = DataFrame::new_infer_height(vec![
            Column::new(
                "community_code".into(),
                rows.iter().map(|r| r.0).collect::<Vec<_>>(),
            ),
            Column::new("year".into(), rows.iter().map(|r| r.1).collect::<Vec<_>>()),
            Column::new(
                "provincial_year".into(),
                rows.iter().map(|r| r.2).collect::<Vec<_>>(),
            ),
            Column::new(
                "provincial_star_year".into(),
                rows.iter().map(|r| r.3).collect::<Vec<_>>(),
            ),
            Column::new(
                "national".into(),
                rows.iter().map(|r| r.4).collect::<Vec<_>>(),
            ),
        ])
        .unwrap();
        let out = with_scope(df.lazy(), revoked).unwrap().collect().unwrap();
        assert_eq!(out.height(), rows.len(), "the scope keeps every row");
        bools(&out, UNDER_REINSPECTION)
            .unwrap()
            .into_iter()
            .map(|b| b.expect("never null"))
            .collect()
    }

    #[test]
    fn any_recognition_by_the_review_year_brings_a_community_in() {
        assert_eq!(
            scope(
                &[
                    ("a", 2021, Some(2021), None, false), // provincial in the year itself
                    ("b", 2021, Some(2022), None, false), // not yet provincial
                    ("c", 2021, None, Some(2019), false), // star year only
                    ("d", 2021, None, Some(2022), false), // star year after the year
                    ("e", 2021, None, None, true),        // national, no year
                    ("f", 2021, Some(2023), None, true),  // national whatever its years
                    ("g", 2021, None, None, false),       // a city-level community
                ],
                &[],
            ),
            [true, false, true, false, true, true, false]
        );
    }

    #[test]
    fn a_revocation_before_the_review_year_takes_a_community_out() {
        let on = |code: &str, y, m, d| Revocation {
            community_code: code.into(),
            revoked_on: NaiveDate::from_ymd_opt(y, m, d).unwrap(),
        };
        assert_eq!(
            scope(
                &[
                    ("a", 2021, Some(2015), None, false),
                    ("a", 2022, Some(2015), None, false),
                    ("b", 2022, None, None, true),
                    ("c", 2022, Some(2015), None, false),
                ],
                // a: revoked in March 2021 (after the 2020 review proposed
                // it): out for 2021 and 2022; b: the earlier of two
                // revocations counts (31 Dec 2021: out for 2022).
                &[
                    on("a", 2021, 3, 1),
                    on("b", 2022, 6, 1),
                    on("b", 2021, 12, 31)
                ],
            ),
            [false, false, false, true]
        );
    }
}
