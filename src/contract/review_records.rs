//! The panel's own records, as the contract fixes them: the stages an
//! application passes, the decisions each stage may record, which of them let
//! the application go on, and the results of checking a finding. Ingest reads
//! the `decisions` and `verifications` tables against these; the working
//! sheets the run writes offer exactly these values in their dropdowns.

/// One stage of the review an application passes, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stage {
    /// The stage as the `stage` column spells it (also the sheet's group label).
    pub name: &'static str,
    /// A short English name for Parquet values and logs.
    pub id: &'static str,
    /// Every decision the stage may record.
    pub values: &'static [&'static str],
    /// The decisions that let the application go on to the next stage.
    pub passes: &'static [&'static str],
}

impl Stage {
    pub fn allows(&self, decision: &str) -> bool {
        self.values.contains(&decision)
    }

    pub fn passed_by(&self, decision: &str) -> bool {
        self.passes.contains(&decision)
    }
}

/// The stages in order (申报 itself is the application row, not a stage).
pub const STAGES: [Stage; 6] = [
    Stage {
        name: "街道审核",
        id: "street_review",
        values: &["同意", "不同意"],
        passes: &["同意"],
    },
    Stage {
        name: "县级初选",
        id: "county_selection",
        values: &["推荐", "不推荐"],
        passes: &["推荐"],
    },
    Stage {
        name: "实地考察",
        id: "site_visit",
        values: &["合格", "不合格"],
        passes: &["合格"],
    },
    Stage {
        name: "市级考核",
        id: "city_assessment",
        values: &["合格", "不合格"],
        passes: &["合格"],
    },
    Stage {
        name: "公示",
        id: "publicity",
        values: &["无异议", "有异议", "异议已处理"],
        passes: &["无异议", "异议已处理"],
    },
    Stage {
        name: "发文确认",
        id: "confirmation",
        values: &["认定", "不予认定"],
        passes: &["认定"],
    },
];

/// The `stage` column's allowed values.
pub const STAGE_NAMES: &[&str] = &[
    "街道审核",
    "县级初选",
    "实地考察",
    "市级考核",
    "公示",
    "发文确认",
];

/// The `decision` column's allowed values: the union of every stage's. Whether
/// a value belongs to its row's stage is checked after typing.
pub const DECISION_VALUES: &[&str] = &[
    "同意",
    "不同意",
    "推荐",
    "不推荐",
    "合格",
    "不合格",
    "无异议",
    "有异议",
    "异议已处理",
    "认定",
    "不予认定",
];

/// The free-text columns of the two tables. An identity number typed into
/// one is masked when the table is read, so no output repeats it.
pub const FREE_TEXT: &[&str] = &["opinion", "decided_by", "checked_by", "note"];

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

pub fn stage(name: &str) -> Option<(usize, &'static Stage)> {
    STAGES.iter().enumerate().find(|(_, s)| s.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_column_sets_are_the_stages_own() {
        let names: Vec<&str> = STAGES.iter().map(|s| s.name).collect();
        assert_eq!(names, STAGE_NAMES);
        for s in &STAGES {
            assert!(s.passes.iter().all(|p| s.allows(p)), "{}", s.name);
            assert!(s.values.iter().all(|v| DECISION_VALUES.contains(v)));
        }
        for v in DECISION_VALUES {
            assert!(STAGES.iter().any(|s| s.allows(v)), "{v}");
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
