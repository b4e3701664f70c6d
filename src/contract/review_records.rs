//! The panel's own records, as the contract fixes them: the layout of the
//! working sheets, the results of checking a finding, the objection
//! register's resolutions. Ingest reads the `decisions`, `verifications` and
//! `objections` tables against these and the rules' stage list; the working
//! sheets the run writes offer exactly these values in their dropdowns.

// The stages themselves, their outcomes and order, are data: the rules
// file's `[[review.stages]]` (`config::stages`).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use polars::prelude::{DataFrame, PolarsResult};

use crate::config::Stages;
use crate::error::Result;
use crate::frame;

/// The free-text columns of the panel's records. An identity number typed
/// into one is masked when the table is read, so no output repeats it.
pub const FREE_TEXT: &[&str] = &[
    "opinion",
    "decided_by",
    "checked_by",
    "note",
    "content",
    "document_no",
    "inspector",
    "notes",
];

/// The columns of a list sheet (核实记录, 异议登记) the bureau fills in: a row
/// with all of them empty still awaits its entry and is skipped, not rejected.
pub fn entered_columns(table: crate::contract::Table) -> &'static [&'static str] {
    use crate::contract::Table;
    match table {
        Table::Verifications => &["result", "checked_on", "checked_by", "note"],
        Table::Objections => &[
            "received_on",
            "content",
            "checked_by",
            "resolution",
            "resolved_on",
        ],
        Table::Approvals => &["answer", "answered_on", "document_no", "note"],
        Table::Filings => &["received_on", "note"],
        _ => &[],
    }
}

/// The `result` column's values: confirmed, dismissed.
pub const CONFIRMED: &str = "属实";
pub const DISMISSED: &str = "不属实";
pub const VERIFICATION_RESULTS: &[&str] = &[CONFIRMED, DISMISSED];

/// The `detector` value of a spot-check visit (抽查) rather than a finding.
pub const SPOT_CHECK: &str = "抽查";

/// The working sheets the run writes for the bureau to fill in and drop back
/// into the input folder, where they are read as `decisions` and
/// `verifications`. A file whose stem starts with one of these is that table.
pub const DECISIONS_SHEET: &str = "评审记录";
pub const VERIFICATIONS_SHEET: &str = "核实记录";
pub const OBJECTIONS_SHEET: &str = "异议登记";
pub const APPROVALS_SHEET: &str = "取消资格审批";
pub const FILINGS_SHEET: &str = "报送登记";

/// The province's answers to a proposed disqualification (省厅审批).
pub const APPROVED: &str = "同意取消";
pub const NOT_APPROVED: &str = "不同意取消";
pub const APPROVAL_ANSWERS: &[&str] = &[APPROVED, NOT_APPROVED];

/// The county's own re-inspection conclusion (`reinspections`), the words of
/// the register's 是否复查合格: passed, failed.
pub const COUNTY_PASSED: &str = "合格";
pub const COUNTY_FAILED: &str = "不合格";
pub const COUNTY_CONCLUSIONS: &[&str] = &[COUNTY_PASSED, COUNTY_FAILED];

/// The documents a county files with the bureau: the signed re-inspection
/// register and the recommended list.
pub const REGISTER_FILED: &str = "复查情况登记表";
pub const LIST_FILED: &str = "推荐名单";
pub const FILED_DOCUMENTS: &[&str] = &[REGISTER_FILED, LIST_FILED];

/// 取消资格审批: one header row, one row per community proposed for
/// disqualification; 提请原因 describes the row and is not read.
pub const APPROVAL_SHEET_COLUMNS: &[&str] = &[
    "社区代码",
    "社区名称",
    "所在区县",
    "年度",
    "提请原因",
    "审批结果",
    "审批日期",
    "文号",
    "备注",
];

/// 报送登记: one header row, one row per county and document; 截止日期 is
/// printed for the clerk and not read.
pub const FILING_SHEET_COLUMNS: &[&str] = &[
    "所在区县",
    "年度",
    "报送材料",
    "截止日期",
    "收到日期",
    "备注",
];

/// The objection register's resolutions: upheld (the application stops),
/// not upheld. An empty resolution is an objection still being checked.
pub const OBJECTION_UPHELD: &str = "异议成立";
pub const OBJECTION_DISMISSED: &str = "异议不成立";
pub const OBJECTION_RESOLUTIONS: &[&str] = &[OBJECTION_UPHELD, OBJECTION_DISMISSED];

/// 异议登记: title rows, then one header row with these columns, one row per
/// objection. The contract's columns keep their Chinese headers; 社区名称 and
/// 所在区县 describe the row and are not read.
pub const OBJECTION_SHEET_COLUMNS: &[&str] = &[
    "社区代码",
    "社区名称",
    "所在区县",
    "年度",
    "受理日期",
    "异议内容",
    "核查单位",
    "处理结果",
    "处理日期",
];

/// 评审记录: title rows, then a two-row header. The upper row names the
/// groups: `APPLICATION_GROUP` over `APPLICATION_FIELDS`, then each stage's
/// name over `STAGE_FIELDS`. One row per application below.
pub const APPLICATION_GROUP: &str = "申报信息";
pub const APPLICATION_FIELDS: &[&str] = &[
    "社区代码",
    "社区名称",
    "所在区县",
    "所在街道",
    "年度",
    "申报类型",
    "申报日期",
];
/// A stage's columns, in the order of the `decisions` columns they fill:
/// `decision`, `opinion`, `decided_on`, `decided_by`.
pub const STAGE_FIELDS: [&str; 4] = ["结论", "意见", "日期", "决定单位"];

/// 核实记录: title rows, then one header row with these columns, one row per
/// finding or spot check awaiting (or holding) a result. The contract's columns
/// keep their Chinese headers; the others describe the finding and are not read.
pub const VERIFICATION_SHEET_COLUMNS: &[&str] = &[
    "社区代码",
    "社区名称",
    "所在区县",
    "年度",
    "核实事项",
    "事项名称",
    "严重程度",
    "疑点说明",
    "核实结果",
    "核实日期",
    "核实人",
    "备注",
];

/// One row of a panel-record table with its key: the community, the year
/// (ingest keeps years to 1900–9999; one past 32 bits is no year) and the
/// text of the columns the caller needs present.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keyed {
    pub row: usize,
    pub code: String,
    pub year: i32,
    pub text: Vec<String>,
}

/// The rows of a panel-record frame that have a community code, a year and
/// every `required` text column filled; the others are skipped (ingest has
/// rejected them already, with their reason).
pub fn keyed_rows(df: &DataFrame, required: &[&str]) -> Result<Vec<Keyed>> {
    let (code, year) = (
        frame::strings(df, "community_code")?,
        frame::ints(df, "year")?,
    );
    let required: Vec<Vec<Option<String>>> = required
        .iter()
        .map(|c| frame::strings(df, c))
        .collect::<PolarsResult<_>>()?;
    Ok((0..df.height())
        .filter_map(|row| {
            Some(Keyed {
                row,
                code: code[row].clone()?,
                year: year[row].and_then(|y| i32::try_from(y).ok())?,
                text: required
                    .iter()
                    .map(|c| c[row].clone())
                    .collect::<Option<_>>()?,
            })
        })
        .collect())
}

/// One stage's recorded decision.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Recorded {
    pub decision: String,
    /// Free text the bureau typed: masked when read (ingest::review_checks).
    pub opinion: Option<String>,
    pub decided_on: Option<NaiveDate>,
    pub decided_by: Option<String>,
}

/// An application: a community and a review year.
pub type Application = (String, i32);

/// The `decisions` table by application, one slot per stage of `stages`;
/// a row naming no stage of the list is left out.
pub fn decisions_by_application(
    decisions: Option<&DataFrame>,
    stages: &Stages,
) -> Result<BTreeMap<Application, Vec<Option<Recorded>>>> {
    let mut out: BTreeMap<Application, Vec<Option<Recorded>>> = BTreeMap::new();
    let Some(d) = decisions else {
        return Ok(out);
    };
    let (opinion, on, by) = (
        frame::strings(d, "opinion")?,
        frame::dates(d, "decided_on")?,
        frame::strings(d, "decided_by")?,
    );
    for k in keyed_rows(d, &["stage", "decision"])? {
        let Some((i, _)) = stages.find(&k.text[0]) else {
            continue;
        };
        out.entry((k.code, k.year))
            .or_insert_with(|| vec![None; stages.len()])[i] = Some(Recorded {
            decision: k.text[1].clone(),
            opinion: opinion[k.row].clone(),
            decided_on: on[k.row],
            decided_by: by[k.row].clone(),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_objection_sheet_carries_the_contract_headers() {
        for c in crate::contract::tables::OBJECTIONS.columns {
            assert!(
                OBJECTION_SHEET_COLUMNS.contains(&c.chinese),
                "{}",
                c.chinese
            );
        }
    }

    #[test]
    fn the_approval_and_filing_sheets_carry_the_contract_headers() {
        for (spec, sheet) in [
            (&crate::contract::tables::APPROVALS, APPROVAL_SHEET_COLUMNS),
            (&crate::contract::tables::FILINGS, FILING_SHEET_COLUMNS),
        ] {
            for c in spec.columns {
                assert!(sheet.contains(&c.chinese), "{}", c.chinese);
            }
        }
    }

    #[test]
    fn the_verification_sheet_carries_the_contract_headers() {
        for c in crate::contract::tables::VERIFICATIONS.columns {
            assert!(
                VERIFICATION_SHEET_COLUMNS.contains(&c.chinese),
                "{}",
                c.chinese
            );
        }
    }
}
