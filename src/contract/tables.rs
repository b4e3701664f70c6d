//! The eleven tables of the extract: nine from the registry, and the panel's
//! own records of its decisions and verifications (`review_records`).

use std::fmt;

/// A column's type in the contract. `Rate` is a float written as a fraction or
/// a percentage; `Gender` is a string normalised to `男`/`女`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Str,
    Int,
    Float,
    Rate,
    Bool,
    Date,
    Datetime,
    Gender,
}

#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub name: &'static str,
    pub kind: Kind,
    pub required: bool,
    pub chinese: &'static str,
    /// The values a string column may hold (after trimming); empty: any.
    pub allowed: &'static [&'static str],
    /// Inclusive range an integer column must lie in.
    pub range: Option<(i64, i64)>,
    /// A person identifier (GB 11643): checked and marked, and masked wherever
    /// it could be printed.
    pub identity: bool,
    /// An identifier or code (person, household, registration, record,
    /// service, community, employer): read digit by digit, so a number Excel
    /// has rounded is refused and full-width forms are folded to ASCII.
    pub code: bool,
    /// The value an empty cell of an optional boolean column takes.
    pub default: Option<bool>,
}

const fn col(name: &'static str, kind: Kind, required: bool, chinese: &'static str) -> Column {
    Column {
        name,
        kind,
        required,
        chinese,
        allowed: &[],
        range: None,
        identity: false,
        code: false,
        default: None,
    }
}

const fn person(name: &'static str, chinese: &'static str) -> Column {
    Column {
        name,
        kind: Kind::Str,
        required: true,
        chinese,
        allowed: &[],
        range: None,
        identity: true,
        code: true,
        default: None,
    }
}

const fn code(mut c: Column) -> Column {
    c.code = true;
    c
}

const fn one_of(mut c: Column, allowed: &'static [&'static str]) -> Column {
    c.allowed = allowed;
    c
}

const fn defaulting(mut c: Column, value: bool) -> Column {
    c.default = Some(value);
    c
}

/// The years a `year` cell may hold: a calendar year as the bureau writes it.
/// Every year is held in 32 bits downstream; a larger number typed into the
/// cell (an identity number, a slip of the keyboard) is a reject, never a
/// year wrapped round to another.
const YEAR_LO: i64 = 1900;
const YEAR_HI: i64 = 9999;

const fn within(mut c: Column, lo: i64, hi: i64) -> Column {
    c.range = Some((lo, hi));
    c
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Table {
    Communities,
    Persons,
    Unemployment,
    Employment,
    Hardship,
    ZeroHouseholds,
    Services,
    Platform,
    Applications,
    Decisions,
    Verifications,
    Objections,
    Approvals,
    Filings,
    Reinspections,
}

pub struct TableSpec {
    pub table: Table,
    pub name: &'static str,
    pub chinese: &'static str,
    pub optional: bool,
    pub columns: &'static [Column],
    pub key: &'static [&'static str],
    /// (start, end) date pairs where an end before its start rejects the row.
    pub ordered: &'static [(&'static str, &'static str)],
}

pub const LEFT_REASONS: &[&str] = &["迁出", "死亡", "退休", "其他"];
pub const END_REASONS: &[&str] = &["就业", "迁出", "退休", "死亡", "其他"];
pub const EMPLOYMENT_TYPES: &[&str] = &["单位就业", "灵活就业", "自主创业", "公益性岗位"];
pub const SERVICE_TYPES: &[&str] = &["职业指导", "职业介绍", "职业培训", "政策咨询", "就业援助"];
pub const APPLIED_LEVELS: &[&str] = &["市级", "星级"];

use super::{names, review_records};
use Kind::*;

/// A table's spec before its columns and key are given: required, with
/// no date order checked.
const fn table(table: Table, name: &'static str, chinese: &'static str) -> TableSpec {
    TableSpec {
        table,
        name,
        chinese,
        optional: false,
        columns: &[],
        key: &[],
        ordered: &[],
    }
}

impl TableSpec {
    /// The table may be missing from the extract: its indicators are then
    /// not computed (a panel record: nothing recorded yet).
    const fn optional(mut self) -> TableSpec {
        self.optional = true;
        self
    }

    const fn columns(mut self, columns: &'static [Column]) -> TableSpec {
        self.columns = columns;
        self
    }

    /// The columns whose values tell the table's rows apart.
    const fn key(mut self, key: &'static [&'static str]) -> TableSpec {
        self.key = key;
        self
    }

    const fn ordered(mut self, ordered: &'static [(&'static str, &'static str)]) -> TableSpec {
        self.ordered = ordered;
        self
    }
}

/// The community every row of most tables belongs to.
const COMMUNITY_CODE: Column = code(col("community_code", Str, true, "社区代码"));
/// The review year of the bureau's and the panel's yearly records.
const YEAR: Column = within(col("year", Int, true, "年度"), YEAR_LO, YEAR_HI);
/// The person a registry row is about.
const PERSON_ID: Column = person("person_id", "公民身份号码");

/// The columns of a record kept per community and year (the platform check,
/// an application, the panel's records): the community and the year, then
/// the record's own.
macro_rules! yearly {
    ($($column:expr),* $(,)?) => {
        &[COMMUNITY_CODE, YEAR, $($column),*]
    };
}

pub const COMMUNITIES: TableSpec = table(Table::Communities, "communities", "社区名册")
    .key(&["community_code"])
    .columns(&[
        COMMUNITY_CODE,
        col("community_name", Str, true, "社区名称"),
        col("county", Str, true, "所在区县"),
        col("street", Str, true, "所在街道"),
        within(
            col("provincial_year", Int, false, "认定为省级充分就业社区年份"),
            YEAR_LO,
            YEAR_HI,
        ),
        within(
            col(
                "provincial_star_year",
                Int,
                false,
                "认定为省级星级充分就业社区年份",
            ),
            YEAR_LO,
            YEAR_HI,
        ),
        within(col("provincial_stars", Int, false, "省级星级"), 1, 5),
        defaulting(col("national", Bool, false, "是否国家级"), false),
        within(
            col("city_year", Int, false, "认定为市级充分就业社区年份"),
            YEAR_LO,
            YEAR_HI,
        ),
        within(col("city_stars", Int, false, "市级星级"), 1, 5),
        col("contact_name", Str, false, "联系人"),
        col("contact_phone", Str, false, "联系电话"),
    ]);

pub const PERSONS: TableSpec = table(Table::Persons, "persons", "劳动力资源台账")
    .key(&["person_id", "community_code", "entered_on"])
    .ordered(&[("entered_on", "left_on")])
    .columns(&[
        PERSON_ID,
        COMMUNITY_CODE,
        code(col("household_id", Str, true, "户编号")),
        col("gender", Gender, true, "性别"),
        col("birth_date", Date, true, "出生日期"),
        col("labor_capacity", Bool, true, "有无劳动能力"),
        defaulting(col("wants_work", Bool, false, "就业意愿"), true),
        col("entered_on", Date, true, "登记日期"),
        col("left_on", Date, false, "注销日期"),
        one_of(col("left_reason", Str, false, "注销原因"), LEFT_REASONS),
    ]);

pub const UNEMPLOYMENT: TableSpec = table(Table::Unemployment, "unemployment", "失业登记")
    .key(&["registration_id"])
    .ordered(&[("registered_on", "ended_on")])
    .columns(&[
        code(col("registration_id", Str, true, "登记编号")),
        PERSON_ID,
        COMMUNITY_CODE,
        col("registered_on", Date, true, "失业登记日期"),
        col("ended_on", Date, false, "注销日期"),
        one_of(col("end_reason", Str, false, "注销原因"), END_REASONS),
    ]);

pub const EMPLOYMENT: TableSpec = table(Table::Employment, "employment", "就业登记")
    .key(&["record_id"])
    .ordered(&[("started_on", "ended_on")])
    .columns(&[
        code(col("record_id", Str, true, "就业登记编号")),
        PERSON_ID,
        COMMUNITY_CODE,
        col("employer_name", Str, false, "用人单位名称"),
        code(col("employer_code", Str, false, "统一社会信用代码")),
        one_of(
            col("employment_type", Str, true, "就业形式"),
            EMPLOYMENT_TYPES,
        ),
        col("started_on", Date, true, "就业日期"),
        col("ended_on", Date, false, "终止日期"),
        col("recorded_at", Datetime, false, "录入时间"),
    ]);

pub const HARDSHIP: TableSpec = table(Table::Hardship, "hardship", "就业困难人员认定")
    .key(&["person_id", "community_code", "designated_on"])
    .ordered(&[("designated_on", "revoked_on")])
    .columns(&[
        PERSON_ID,
        COMMUNITY_CODE,
        col("category", Str, true, "困难类别"),
        col("designated_on", Date, true, "认定日期"),
        col("revoked_on", Date, false, "退出日期"),
    ]);

pub const ZERO_HOUSEHOLDS: TableSpec =
    table(Table::ZeroHouseholds, "zero_households", "零就业家庭认定")
        .key(&["household_id", "community_code", "identified_on"])
        .ordered(&[("identified_on", "cleared_on")])
        .columns(&[
            code(col("household_id", Str, true, "户编号")),
            COMMUNITY_CODE,
            col("identified_on", Date, true, "认定日期"),
            col("cleared_on", Date, false, "消除日期"),
        ]);

pub const SERVICES: TableSpec = table(Table::Services, "services", "就业服务记录")
    .optional()
    .key(&["service_id"])
    .columns(&[
        code(col("service_id", Str, true, "服务编号")),
        PERSON_ID,
        COMMUNITY_CODE,
        one_of(col("service_type", Str, true, "服务类型"), SERVICE_TYPES),
        col("delivered_on", Date, true, "服务日期"),
    ]);

pub const PLATFORM: TableSpec = table(Table::Platform, "platform", "平台建设核查")
    .optional()
    .key(&["community_code", "year"])
    .columns(yearly![
        col("service_window", Bool, true, "是否设立服务窗口"),
        within(col("staff_count", Int, true, "工作人员数"), 0, i64::MAX),
        col("has_info_system", Bool, true, "是否接入信息系统"),
        col("funding_yuan", Float, false, "工作经费(元)"),
    ]);

pub const APPLICATIONS: TableSpec = table(Table::Applications, "applications", "申报及推荐")
    .optional()
    .key(&["community_code", "year"])
    .columns(yearly![
        one_of(col("applied_level", Str, true, "申报类型"), APPLIED_LEVELS),
        col(
            "claimed_reemployment_rate",
            Rate,
            false,
            names::CLAIMED_REEMPLOYMENT_RATE,
        ),
        col(
            "claimed_hardship_employment_rate",
            Rate,
            false,
            names::CLAIMED_HARDSHIP_EMPLOYMENT_RATE,
        ),
        within(
            col("claimed_new_jobs", Int, false, names::CLAIMED_NEW_JOBS),
            0,
            i64::MAX,
        ),
        within(
            col(
                "claimed_zero_households",
                Int,
                false,
                names::CLAIMED_ZERO_HOUSEHOLDS,
            ),
            0,
            i64::MAX,
        ),
        col("street_recommends", Bool, false, "街道推荐"),
        col("county_recommends", Bool, false, "县区推荐"),
        col("submitted_on", Date, false, "申报日期"),
    ]);

pub const DECISIONS: TableSpec = table(Table::Decisions, "decisions", "评审记录")
    .optional()
    .key(&["community_code", "year", "stage"])
    .columns(yearly![
        // Checked against the rules' stage list after reading
        // (`ingest::review_checks`): the stages are data, not the contract's.
        col("stage", Str, true, "评审环节"),
        col("decision", Str, true, "评审结论"),
        col("opinion", Str, false, "意见"),
        col("decided_on", Date, true, "决定日期"),
        col("decided_by", Str, false, "决定单位"),
    ]);

pub const VERIFICATIONS: TableSpec = table(Table::Verifications, "verifications", "核实记录")
    .optional()
    .key(&["community_code", "year", "detector"])
    .columns(yearly![
        col("detector", Str, true, "核实事项"),
        one_of(
            col("result", Str, true, "核实结果"),
            review_records::VERIFICATION_RESULTS,
        ),
        col("checked_on", Date, true, "核实日期"),
        col("checked_by", Str, false, "核实人"),
        col("note", Str, false, "备注"),
    ]);

pub const OBJECTIONS: TableSpec = table(Table::Objections, "objections", "异议登记")
    .optional()
    .key(&["community_code", "year", "received_on", "content"])
    .columns(yearly![
        col("received_on", Date, true, "受理日期"),
        col("content", Str, true, "异议内容"),
        col("checked_by", Str, false, "核查单位"),
        one_of(
            col("resolution", Str, false, "处理结果"),
            review_records::OBJECTION_RESOLUTIONS,
        ),
        col("resolved_on", Date, false, "处理日期"),
    ]);

pub const APPROVALS: TableSpec = table(Table::Approvals, "approvals", "取消资格审批")
    .optional()
    .key(&["community_code", "year"])
    .columns(yearly![
        one_of(
            col("answer", Str, true, "审批结果"),
            review_records::APPROVAL_ANSWERS,
        ),
        col("answered_on", Date, true, "审批日期"),
        col("document_no", Str, false, "文号"),
        col("note", Str, false, "备注"),
    ]);

pub const FILINGS: TableSpec = table(Table::Filings, "filings", "报送登记")
    .optional()
    .key(&["county", "year", "document"])
    .columns(&[
        col("county", Str, true, "所在区县"),
        YEAR,
        one_of(
            col("document", Str, true, "报送材料"),
            review_records::FILED_DOCUMENTS,
        ),
        col("received_on", Date, true, "收到日期"),
        col("note", Str, false, "备注"),
    ]);

pub const REINSPECTIONS: TableSpec = table(Table::Reinspections, "reinspections", "区县复查记录")
    .optional()
    .key(&["community_code", "year"])
    .columns(yearly![
        one_of(
            col("conclusion", Str, true, "复查结论"),
            review_records::COUNTY_CONCLUSIONS,
        ),
        col("inspected_on", Date, true, "复查日期"),
        col("inspector", Str, false, "复查人"),
        col("notes", Str, false, "现场情况"),
    ]);

/// The registry's tables: what an extract holds and the generator writes.
pub const REGISTRY: [&TableSpec; 9] = [
    &COMMUNITIES,
    &PERSONS,
    &UNEMPLOYMENT,
    &EMPLOYMENT,
    &HARDSHIP,
    &ZERO_HOUSEHOLDS,
    &SERVICES,
    &PLATFORM,
    &APPLICATIONS,
];

/// The panel's own records, in the order ingest reads them.
const PANEL_RECORDS: [&TableSpec; 6] = [
    &DECISIONS,
    &VERIFICATIONS,
    &OBJECTIONS,
    &APPROVALS,
    &FILINGS,
    &REINSPECTIONS,
];

/// All tables in the order ingest reads them and reports list them: the
/// registry's, then the panel's records.
pub const ALL: [&TableSpec; 15] = registry_then_records();

const fn registry_then_records() -> [&'static TableSpec; 15] {
    let mut all = [&COMMUNITIES; 15];
    let mut i = 0;
    while i < all.len() {
        all[i] = if i < REGISTRY.len() {
            REGISTRY[i]
        } else {
            PANEL_RECORDS[i - REGISTRY.len()]
        };
        i += 1;
    }
    all
}

impl Table {
    pub fn spec(self) -> &'static TableSpec {
        ALL.iter()
            .find(|s| s.table == self)
            .expect("every table has a spec")
    }

    /// The panel's own records (`decisions`, `verifications`, `objections`,
    /// `approvals`, `filings`, `reinspections`), kept by hand
    /// beside the registry: a bad row is rejected and listed, but never stops
    /// the run, since `max_reject_ratio` guards against a broken registry export.
    pub fn is_panel_record(self) -> bool {
        matches!(
            self,
            Table::Decisions
                | Table::Verifications
                | Table::Objections
                | Table::Approvals
                | Table::Filings
                | Table::Reinspections
        )
    }

    pub fn name(self) -> &'static str {
        self.spec().name
    }

    pub fn from_name(name: &str) -> Option<Table> {
        ALL.iter().find(|s| s.name == name).map(|s| s.table)
    }
}

impl fmt::Display for Table {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl TableSpec {
    pub fn column(&self, name: &str) -> Option<&'static Column> {
        self.columns.iter().find(|c| c.name == name)
    }
}
