//! The data dictionary: every published Parquet column with its type and a
//! one-line meaning. `parquet.rs` writes each meaning into the column's Arrow
//! field metadata (`description`), and `docs/outputs.md` shows the same
//! tables (a test renders them from here and compares).
//!
//! The `status` table has four columns for each review stage, following
//! the rules' stage list (`stage_columns`), so its entries are made from the
//! list the run read.
//!
//! The definitions behind the indicator lines are in `docs/indicators.md`,
//! those behind the ratings lines in `docs/rules.md`, the findings in
//! `docs/detectors.md`.

use crate::config::Stages;

/// One published column.
#[derive(Debug, Clone, Copy)]
pub struct ColumnDoc {
    pub name: &'static str,
    pub dtype: &'static str,
    pub meaning: &'static str,
}

/// One published table: its columns in parts (the identity columns many
/// tables start with, then its own).
#[derive(Debug, Clone, Copy)]
pub struct TableDoc {
    pub name: &'static str,
    pub parts: &'static [&'static [ColumnDoc]],
}

impl TableDoc {
    /// The columns the table always has, in order (without the columns of
    /// the rules' stages, which `columns` adds).
    pub fn fixed_columns(&self) -> impl Iterator<Item = &'static ColumnDoc> {
        self.parts.iter().flat_map(|p| p.iter())
    }
}

const fn c(name: &'static str, dtype: &'static str, meaning: &'static str) -> ColumnDoc {
    ColumnDoc {
        name,
        dtype,
        meaning,
    }
}

const CODE: ColumnDoc = c(
    "community_code",
    "String",
    "12-digit statistical division code of the community (社区代码)",
);
const NAME: ColumnDoc = c("community_name", "String", "community name (社区名称)");
const COUNTY: ColumnDoc = c("county", "String", "county or district (区县)");
const STREET: ColumnDoc = c("street", "String", "street office or township (街道)");
const APPLIED_LEVEL: ColumnDoc = c("applied_level", "String", "level applied for: 市级 or 星级");
const SUBMITTED_ON: ColumnDoc = c("submitted_on", "Date", "date of the application");
/// The columns a community table starts with.
const IDENTITY: &[ColumnDoc] = &[CODE, NAME, COUNTY, STREET, YEAR];
/// The columns an application table starts with.
const APPLICATION: &[ColumnDoc] = &[
    CODE,
    NAME,
    COUNTY,
    STREET,
    YEAR,
    APPLIED_LEVEL,
    SUBMITTED_ON,
];
const YEAR: ColumnDoc = c(
    "year",
    "Int64 (partition)",
    "review year Y; in the folder name year=YYYY, not in the file",
);

pub const INDICATORS: TableDoc = TableDoc {
    name: "indicators",
    parts: &[
        IDENTITY,
        &[
            c(
                "labor_force",
                "Int64",
                "persons on the community's ledger at A, of working age at A and able to work",
            ),
            c(
                "employed",
                "Int64",
                "of labor_force, those with an employment record in any community covering A",
            ),
            c(
                "registered_unemployed",
                "Int64",
                "persons with an unemployment registration of the community open at A",
            ),
            c(
                "registered_unemployment_rate",
                "Float64",
                "registered_unemployed / (employed + registered_unemployed); null when both are 0",
            ),
            c(
                "unemployed_in_period",
                "Int64",
                "U: persons with a registration of the community overlapping the period [S, A]",
            ),
            c(
                "reemployed_in_period",
                "Int64",
                "R: of U, those with a job (any community) starting in [max(S, registered_on), A]",
            ),
            c(
                "reemployment_rate",
                "Float64",
                "R / U ({zh:reemployment_rate}); null when U is 0",
            ),
            c(
                "hardship_persons",
                "Int64",
                "H: persons with a hardship designation of the community overlapping [S, A]",
            ),
            c("hardship_employed", "Int64", "of H, those employed at A"),
            c(
                "hardship_employment_rate",
                "Float64",
                "hardship_employed / H ({zh:hardship_employment_rate}); null when H is 0",
            ),
            c(
                "zero_households",
                "Int64",
                "Z: zero-employment households of the community identified by A and not cleared before S",
            ),
            c(
                "zero_households_open",
                "Int64",
                "of Z, those not cleared by A",
            ),
            c(
                "zero_households_overdue",
                "Int64",
                "of Z, those taking more than clearance_days from identification to clearance (or to A)",
            ),
            c(
                "zero_households_max_days",
                "Int64",
                "the most such days over Z; null when Z is empty",
            ),
            c(
                "new_jobs",
                "Int64",
                "persons with an employment record of the community starting in [S, A] (新增就业)",
            ),
            c(
                "long_term_unemployed",
                "Int64",
                "persons with a registration open at A, registered more than long_term_days before A",
            ),
            c(
                "assistance_targets",
                "Int64",
                "the same as hardship_persons (就业援助对象)",
            ),
            c(
                "assisted",
                "Int64",
                "of H, those given a service (any community) in [S, A]; null without the services table",
            ),
            c(
                "assistance_coverage",
                "Float64",
                "assisted / H; null when H is 0 or without the services table",
            ),
            c(
                "services_delivered",
                "Int64",
                "service rows of the community delivered in [S, A]; null without the services table",
            ),
            c(
                "platform_ok",
                "Boolean",
                "the year's platform check passed (window, min_staff staff, information system); null without a row",
            ),
        ],
    ],
};

pub const RATINGS: TableDoc = TableDoc {
    name: "ratings",
    parts: &[
        IDENTITY,
        &[
            c(
                "provincial_year",
                "Int64",
                "year the community was recognised as a provincial full-employment community, as the communities table says; null if it says none",
            ),
            c(
                "provincial_star_year",
                "Int64",
                "year the community was recognised as a provincial star community, as the communities table says; null if it says none",
            ),
            c(
                "national",
                "Boolean",
                "the communities table marks the community as also national (国家级); it gives no year",
            ),
            c(
                "under_reinspection",
                "Boolean",
                "in scope of the re-inspection (复查) in the review year: provincial_year or provincial_star_year not after it, or national (in scope every year), and its qualification not revoked before the year",
            ),
            c(
                "qualification_revoked_on",
                "Date",
                "the day the province approved the community's disqualification (取消资格审批 同意取消, as the bureau recorded it); the community leaves the re-inspection from the review year after; null when none is recorded",
            ),
            c(
                "verdict",
                "String",
                "re-inspection verdict: pass, fail or incomplete; null when not under re-inspection",
            ),
            c(
                "failing_rules",
                "String",
                "`;` list of the rule ids that failed; null when not under re-inspection",
            ),
            c(
                "failing_detail",
                "String",
                "each failing rule as \"rule value vs threshold\", joined by `; ` (the report and `explain` write each in words: \"{failing:min_reemployment_rate 0.5294 vs 0.7000}\")",
            ),
            c(
                "incomplete_rules",
                "String",
                "`;` list of rules not judged because the optional table they need is missing",
            ),
            c(
                "not_applicable_rules",
                "String",
                "`;` list of rules whose indicator is null (neither pass nor fail)",
            ),
            c(
                "margin_persons",
                "Int64",
                "margin (差几人) of a passing community: the fewest counted persons whose loss fails a rate rule; null unless the verdict is pass and a person-counting rate rule applies",
            ),
            c(
                "margin_rule",
                "String",
                "the rule (rules key) whose margin is margin_persons; `;` list in rule order on a tie; null with margin_persons",
            ),
            c(
                "confirmed_findings",
                "String",
                "`;` list of the falsifications the panel confirmed for the community and year (verifications: detector ids checked 属实, 抽查 for a spot-check visit found 不属实, as `[verifications] confirm_from` allows); empty for none. Any one fails the verdict (falsification_confirmed) and keeps the community off the shortlist",
            ),
            c(
                "score",
                "Float64",
                "city-level score out of 100, the sum of the six score_ components",
            ),
            c(
                "score_reemployment_rate",
                "Float64",
                "points earned by reemployment_rate",
            ),
            c(
                "score_hardship_employment_rate",
                "Float64",
                "points earned by hardship_employment_rate",
            ),
            c(
                "score_registered_unemployment_rate",
                "Float64",
                "points earned by registered_unemployment_rate (lower is better)",
            ),
            c(
                "score_assistance_coverage",
                "Float64",
                "points earned by assistance_coverage",
            ),
            c(
                "score_new_jobs_per_100_labor_force",
                "Float64",
                "points earned by new jobs per 100 labour force",
            ),
            c(
                "score_platform_ok",
                "Float64",
                "points earned by platform_ok: full weight when true, 0 when false; with no platform record for the year 0 (missing_platform = \"fail\"), or as null_scores_full says (missing_platform = \"not_applicable\" or the platform table missing)",
            ),
            c(
                "new_jobs_per_100_labor_force",
                "Float64",
                "100 × new_jobs / labor_force; null when labor_force is 0",
            ),
            c(
                "null_components",
                "String",
                "`;` list of score components whose indicator was null and which null_scores_full scored; score_platform_ok with no platform record is not among them under missing_platform = \"fail\" (it earns 0)",
            ),
            c(
                "level_vetoed",
                "Boolean",
                "an overdue zero-employment household bars any level (一票否决)",
            ),
            c(
                "city_level",
                "Boolean",
                "score at least city_level_min and not vetoed (市级)",
            ),
            c(
                "stars",
                "Int64",
                "0 to 5: how many star bands the score reaches; 0 below city level or vetoed",
            ),
            c(
                "level",
                "String",
                "星级 (at least one star), 市级 (city level, no star), or null",
            ),
            c(
                "registered_unemployment_rate_evidence",
                "Float64",
                "evidence quality of registered_unemployment_rate: of the community's registrations closed in [S, A], the share whose closing a job from registered_on to closing_match_days after ended_on backs, or for 迁出/死亡/退休 the ledger (a stay in the community ending within closing_match_days, or retirement age reached); null when none closed",
            ),
            c(
                "reemployment_rate_evidence",
                "Float64",
                "evidence quality of reemployment_rate: of reemployed_in_period, the share whose counting record (earliest qualifying start) is durable (lasts durable_job_days or runs past the extract's end); null when reemployed_in_period is 0",
            ),
            c(
                "hardship_employment_rate_evidence",
                "Float64",
                "evidence quality of hardship_employment_rate: of hardship_employed, the share employed at A by a durable record; null when hardship_employed is 0",
            ),
            c(
                "zero_households_evidence",
                "Float64",
                "evidence quality of the zero-household veto: of the households cleared in [S, A], the share whose clearance a member's durable job backs (covering cleared_on or starting within unverified_clearance's grace_days after it); null when none cleared",
            ),
            c(
                "new_jobs_evidence",
                "Float64",
                "evidence quality of new_jobs: of those persons, the share with a durable record among the records that counted them; null when new_jobs is 0",
            ),
            c(
                "assistance_coverage_evidence",
                "Float64",
                "evidence quality of assistance_coverage: of assisted, the share with a service in [S, A] that is not crowded (a crowd: at least service_crowd_persons hardship persons served by the same community less than service_crowd_days apart, and service_crowd_pace times the community's own pace); null when assisted is 0 or without the services table",
            ),
            c(
                "risk_score",
                "Int64",
                "risk score of the community and year: 5 per high, 3 per medium, 1 per low community-level finding, capped at 20 (0 when none)",
            ),
            c(
                "needs_verification",
                "Boolean",
                "a high-severity finding concerns the community and year",
            ),
            c(
                "flags",
                "String",
                "`;` list of the detectors that fired for the community and year, sorted (empty when none); the rows are in findings",
            ),
        ],
    ],
};

pub const SHORTLIST: TableDoc = TableDoc {
    name: "shortlist",
    parts: &[
        APPLICATION,
        &[
            c(
                "street_recommends",
                "Boolean",
                "the street recommends, as given or as a recorded 街道审核 decision sets it (always true here: an empty cell is no decision and keeps the application off the list)",
            ),
            c(
                "county_recommends",
                "Boolean",
                "the county recommends, as given or as a recorded 县级初选 decision sets it (always true here, as for the street)",
            ),
            c(
                "score",
                "Float64",
                "the community's score for the year, as in ratings",
            ),
            c("city_level", "Boolean", "city level reached, as in ratings"),
            c("stars", "Int64", "stars reached, as in ratings"),
            c("level", "String", "level reached, as in ratings"),
            c(
                "level_vetoed",
                "Boolean",
                "no level because of an overdue zero-employment household",
            ),
            c(
                "applied_level_reached",
                "Boolean",
                "市级: city level reached; 星级: at least one star reached",
            ),
            c(
                "risk_score",
                "Int64",
                "risk score of the community and year (0 when no finding)",
            ),
            c(
                "needs_verification",
                "Boolean",
                "a high-severity finding concerns the community and year",
            ),
            c(
                "flags",
                "String",
                "`;` list of the detectors that fired, sorted",
            ),
            c(
                "rank_overall",
                "Int64",
                "rank within the year: score descending, risk ascending, then community_code",
            ),
            c("rank_in_county", "Int64", "the same rank within the county"),
            c(
                "recommended",
                "Boolean",
                "rank_in_county within the county quota; null when no quota is set",
            ),
        ],
    ],
};

pub const SHORTLIST_SET_ASIDE: TableDoc = TableDoc {
    name: "shortlist_set_aside",
    parts: &[
        IDENTITY,
        &[
            c(
                "applied_level",
                "String",
                "level applied for, as in the application",
            ),
            SUBMITTED_ON,
            c(
                "street_recommends",
                "Boolean",
                "the street recommends, as given or as a recorded 街道审核 decision sets it (null: not decided yet)",
            ),
            c(
                "county_recommends",
                "Boolean",
                "the county recommends, as given or as a recorded 县级初选 decision sets it (null: not decided yet)",
            ),
            c(
                "reason",
                "String",
                "why it is not a candidate: unknown_community, no_indicators_for_year, falsification_confirmed (the panel confirmed a falsification that year), street_not_recommending, county_not_recommending, or, waiting for a decision (待定: an empty cell), street_not_decided or county_not_decided",
            ),
        ],
    ],
};

pub const SPOT_CHECKS: TableDoc = TableDoc {
    name: "spot_checks",
    parts: &[
        IDENTITY,
        &[
            c(
                "verdict",
                "String",
                "the community's re-inspection verdict, as in ratings",
            ),
            c(
                "risk_score",
                "Int64",
                "risk score used for the draw (selection size 1 + risk_score)",
            ),
            c(
                "inclusion_probability",
                "Float64",
                "probability that this community was drawn (1 for a certainty unit)",
            ),
            c(
                "county_communities",
                "Int64",
                "N: communities of the county under re-inspection that year",
            ),
            c(
                "county_sample_size",
                "Int64",
                "n: communities drawn in the county, min(N, max(min_per_county, ceil(fraction × N)))",
            ),
        ],
    ],
};

pub const FINDINGS: TableDoc = TableDoc {
    name: "findings",
    parts: &[&[
        c(
            "detector",
            "String",
            "the detector's id, e.g. claimed_vs_registry, cutoff_window_dressing, duplicate_person (docs/detectors.md)",
        ),
        c(
            "severity",
            "String",
            "high, medium or low; the risk score adds 5, 3, 1 per community-level finding, capped at 20",
        ),
        c(
            "level",
            "String",
            "community, or county for the county-level statistical tests",
        ),
        c(
            "community_code",
            "String",
            "the community; null for a county-level finding",
        ),
        c(
            "community_name",
            "String",
            "its name (from communities); null for a county-level finding",
        ),
        c(
            "county",
            "String",
            "the county the finding is about (the community's county)",
        ),
        c(
            "street",
            "String",
            "the community's street office; null for a county-level finding",
        ),
        YEAR,
        c(
            "explanation",
            "String",
            "one line in Chinese for the panel: what was found, with the numbers and the limit it broke",
        ),
        c(
            "value",
            "Float64",
            "the measured figure the detector compares with threshold; null where there is none",
        ),
        c(
            "threshold",
            "Float64",
            "the limit value was compared with; null where there is none",
        ),
        c(
            "p_value",
            "Float64",
            "the p-value of the detector's test (binomial, chi-square); null for detectors without a test",
        ),
        c(
            "evidence",
            "List(String)",
            "the records to pull, one string each; persons only as person_key, never an identity number",
        ),
        c(
            "verification",
            "String",
            "the panel's check of the finding (verifications, by community, year and detector): 属实 (confirmed) or 不属实 (dismissed: no longer counted in the risk score); null when not checked",
        ),
        c(
            "verified_on",
            "Date",
            "the day of the check; null when not checked",
        ),
        c(
            "verified_by",
            "String",
            "who checked it, as recorded (an identity number in it masked); null when not checked",
        ),
    ]],
};

pub const REJECTS: TableDoc = TableDoc {
    name: "rejects",
    parts: &[&[
        c("table", "String", "data-contract table the row belongs to"),
        c("file", "String", "file name in the extract folder"),
        c(
            "line",
            "Int64",
            "line in the CSV file (header = 1), row in the XLSX sheet, or row number in a Parquet file",
        ),
        c(
            "column",
            "String",
            "the column at fault (key columns joined by + for a duplicate key)",
        ),
        c(
            "value",
            "String",
            "the raw value, identity numbers masked (first 6 and last 4 kept), cut at 120 characters",
        ),
        c("reason", "String", "why the row was rejected"),
        c(
            "detail",
            "String",
            "what was expected, or which line holds the kept duplicate",
        ),
        c(
            "person_key",
            "String",
            "pseudonym of the row's person_id; null when the row has none",
        ),
    ]],
};

/// The `status` table's columns before the stages' own: four for each
/// stage of the rules' list follow (`stage_columns`).
pub const STATUS: TableDoc = TableDoc {
    name: "status",
    parts: &[
        APPLICATION,
        &[
            c(
                "stage_reached",
                "String",
                "the last stage decided: submitted (nothing decided yet) or a stage id of the rules' [[review.stages]] (by default street_review, site_visit, county_selection, city_assessment, publicity, confirmation)",
            ),
            c(
                "stage_reached_label",
                "String",
                "the same in Chinese: 申报 or the stage's name (街道审核, 县级实地考察, 县级初选, 市级交叉考核, 公示, 发文确认)",
            ),
            c(
                "state",
                "String",
                "in_progress (going on to the next stage), waiting (the stage reached recorded an outcome that keeps it open: 公示 有异议, an objection not yet resolved), stopped (the last decision did not pass; an objection upheld) or confirmed (认定)",
            ),
            c(
                "state_label",
                "String",
                "the same in Chinese: 进行中, 待处理, 已终止 or 已认定",
            ),
            c(
                "decision",
                "String",
                "the decision of the stage reached (the one that stopped a stopped application; for 公示 the outcome the objection register makes it); null when nothing is decided",
            ),
            c("opinion", "String", "its opinion text (意见), as recorded"),
            c("decided_on", "Date", "its date"),
            c("decided_by", "String", "the unit that decided it"),
            c(
                "next_stage",
                "String",
                "the stage an application in progress waits for, or the stage a waiting one waits at (stage id); null when stopped or confirmed",
            ),
            c("next_stage_label", "String", "the same in Chinese"),
            c(
                "due_on",
                "Date",
                "the next stage's due date: the calendar date its due key names (by default street review, county site visit and county selection: list_due; city cross assessment: cross_assessment_end; publicity: its last day; confirmation: confirmation_due); null for an earlier year or a stage the calendar does not date",
            ),
            c(
                "overdue",
                "Boolean",
                "the run date is after due_on with the next stage still undecided",
            ),
            c(
                "overdue_working_days",
                "Int64",
                "working days from due_on to the run date when overdue; null otherwise",
            ),
            c(
                "objections",
                "Int64",
                "objections registered for the application in the objection register (异议登记)",
            ),
            c(
                "objections_open",
                "Int64",
                "of them, those not yet resolved (no 处理结果)",
            ),
            c(
                "objection",
                "String",
                "the objection that decides publicity (the one upheld, else the first unresolved): received date and its text, cut to 40 characters; null when none",
            ),
        ],
    ],
};

/// The `accountability` table's columns; one `stopped_at_<stage id>` for
/// each stage after the first recommending one follows `recommended`
/// (`stopped_columns`).
pub const ACCOUNTABILITY: TableDoc = TableDoc {
    name: "accountability",
    parts: &[&[
        YEAR,
        c(
            "level",
            "String",
            "county (a county's row; street null) or street (a street's row)",
        ),
        c("county", "String", "county or district (区县)"),
        c(
            "street",
            "String",
            "street office or township (街道); null on a county's row",
        ),
        c(
            "applications",
            "Int64",
            "applications of the unit's communities for the year (申报)",
        ),
        c(
            "recommended",
            "Int64",
            "of them, those the unit recommended: its cell (street_recommends for a street, county_recommends for a county) true as the recorded decisions of the stage that sets it make it, and not stopped at an earlier stage; null when no stage sets the cell",
        ),
        c(
            "confirmed",
            "Int64",
            "applications of the unit's communities confirmed (认定)",
        ),
        c(
            "falsifications_confirmed",
            "Int64",
            "of those the unit recommended, the applications whose community has a falsification the panel confirmed (属实) for the year",
        ),
        c(
            "late_decisions",
            "Int64",
            "decisions of the unit's own stages (those its recommending stage's unit decides: the street's review; the county's site visit and selection) dated after the stage's due date; null for an earlier year, whose due dates the calendar does not hold",
        ),
        c(
            "register_received_on",
            "Date",
            "county rows: the day the bureau received the county's signed re-inspection register (复查情况登记表), from its record of receipts; null when not received or not recorded",
        ),
        c(
            "register_days_late",
            "Int64",
            "county rows: working days (the calendar's holidays and worked weekend days) after register_due it was received, 0 when on time; not yet received: up to the run date; null without the record of receipts, due date or for an earlier year",
        ),
        c(
            "list_received_on",
            "Date",
            "county rows: the day the bureau received the county's recommended list (推荐名单); null when not received or not recorded",
        ),
        c(
            "list_days_late",
            "Int64",
            "county rows: working days after list_due it was received, counted as register_days_late",
        ),
        c(
            "filed_source",
            "String",
            "county rows: recorded (the bureau's record of receipts was read) or not recorded (none given: the filed columns are null); null on a street's row",
        ),
    ]],
};

/// The `stopped_at_<stage id>` columns of `accountability`, one for each
/// stage after the first recommending stage of the list.
pub fn stopped_columns(stages: &Stages) -> Vec<Described> {
    crate::ratings::accountability::stopped_stages(stages)
        .map(|j| Described {
            name: crate::ratings::accountability::stopped_column(&stages[j].id),
            dtype: "Int64".into(),
            meaning: format!(
                "of those the unit recommended, the applications stopped at {} ({}); null on a county's row for a stage up to its own recommending stage",
                stages[j].name, stages[j].id
            ),
        })
        .collect()
}

/// One column as a table lists it, the stage columns included.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Described {
    pub name: String,
    pub dtype: String,
    pub meaning: String,
}

impl From<&ColumnDoc> for Described {
    fn from(c: &ColumnDoc) -> Described {
        Described {
            name: c.name.to_string(),
            dtype: c.dtype.to_string(),
            meaning: in_words(c.meaning),
        }
    }
}

/// A meaning with its labels filled in from the one place each is spelled:
/// `{zh:<indicator>}` is the indicator's Chinese name, `{failing:<item>}` a
/// `failing_detail` item as the report words it.
fn in_words(meaning: &str) -> String {
    let mut out = String::new();
    let mut rest = meaning;
    while let Some(at) = rest.find('{') {
        let Some(len) = rest[at..].find('}') else {
            break;
        };
        let inner = &rest[at + 1..at + len];
        let filled = match inner.split_once(':') {
            Some(("zh", name)) => Some(super::labels::indicator(name).to_string()),
            Some(("failing", item)) => Some(super::labels::failing_rule(item)),
            _ => None,
        };
        out.push_str(&rest[..at]);
        match filled {
            Some(f) => out.push_str(&f),
            None => out.push_str(&rest[at..=at + len]),
        }
        rest = &rest[at + len + 1..];
    }
    out.push_str(rest);
    out
}

/// The four columns `status` has for each review stage of the list, in the
/// list's order: `<stage id>_decision`, `_opinion`, `_on`, `_by`.
pub fn stage_columns(stages: &Stages) -> Vec<Described> {
    let d = |name: String, dtype: &str, meaning: String| Described {
        name,
        dtype: dtype.to_string(),
        meaning,
    };
    stages
        .iter()
        .flat_map(|s| {
            [
                d(
                    format!("{}_decision", s.id),
                    "String",
                    format!(
                        "the {} decision recorded ({}; decided by {}); null when none",
                        s.name,
                        s.outcomes.join(", "),
                        s.unit
                    ),
                ),
                d(
                    format!("{}_opinion", s.id),
                    "String",
                    "its opinion text".into(),
                ),
                d(format!("{}_on", s.id), "Date", "its date".into()),
                d(
                    format!("{}_by", s.id),
                    "String",
                    "the unit that decided it".into(),
                ),
            ]
        })
        .collect()
}

/// A table's columns, in order; `status` with the stages' columns of `stages`.
pub fn columns(t: &TableDoc, stages: &Stages) -> Vec<Described> {
    let mut out: Vec<Described> = t.fixed_columns().map(Described::from).collect();
    if t.name == STATUS.name {
        out.extend(stage_columns(stages));
    }
    if t.name == ACCOUNTABILITY.name {
        let at = out
            .iter()
            .position(|c| c.name == "recommended")
            .map_or(0, |k| k + 1);
        out.splice(at..at, stopped_columns(stages));
    }
    out
}

/// Every published table.
pub const TABLES: [TableDoc; 9] = [
    INDICATORS,
    RATINGS,
    SHORTLIST,
    SHORTLIST_SET_ASIDE,
    SPOT_CHECKS,
    STATUS,
    ACCOUNTABILITY,
    FINDINGS,
    REJECTS,
];

/// The table's entry.
pub fn table(name: &str) -> Option<&'static TableDoc> {
    TABLES.iter().find(|t| t.name == name)
}

/// The one-line meaning of a published column (the stages' columns of
/// `status` from `stages`).
pub fn describe(table_name: &str, column: &str, stages: &Stages) -> Option<String> {
    columns(table(table_name)?, stages)
        .into_iter()
        .find(|c| c.name == column)
        .map(|c| c.meaning)
}

/// A table's columns as the Markdown table of `docs/outputs.md`.
pub fn markdown(t: &TableDoc, stages: &Stages) -> String {
    let mut s = String::from("| column | type | meaning |\n| --- | --- | --- |\n");
    for c in columns(t, stages) {
        s.push_str(&format!("| `{}` | {} | {} |\n", c.name, c.dtype, c.meaning));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docs_outputs_shows_the_same_dictionary() {
        let docs = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/outputs.md"))
            .unwrap();
        for t in TABLES {
            let want = markdown(&t, &Stages::notice());
            assert!(
                docs.contains(&want),
                "docs/outputs.md lacks the dictionary of `{}` as the code has it; paste:\n\n{want}",
                t.name
            );
        }
    }

    #[test]
    fn the_status_table_follows_the_stage_list() {
        let mut stages = Stages::notice();
        // A stage moved and one added: the columns follow the list alone.
        let visit = stages.0.remove(1);
        stages.0.insert(2, visit);
        let mut extra = stages.0[0].clone();
        extra.id = "district_hearing".into();
        extra.name = "区级听证".into();
        extra.sets = None;
        extra.form_box = None;
        stages.0.insert(3, extra);
        let names: Vec<String> = columns(&STATUS, &stages)
            .into_iter()
            .map(|c| c.name)
            .collect();
        let tail = &names[names.len() - 4 * stages.len()..];
        let want: Vec<String> = stages
            .iter()
            .flat_map(|s| ["decision", "opinion", "on", "by"].map(|k| format!("{}_{k}", s.id)))
            .collect();
        assert_eq!(tail, want.as_slice());
        assert!(
            describe("status", "district_hearing_decision", &stages)
                .unwrap()
                .contains("区级听证")
        );
        assert!(describe("status", "district_hearing_decision", &Stages::notice()).is_none());
    }

    #[test]
    fn the_ratings_describe_every_evidence_share_in_order() {
        use crate::indicators::evidence::FIGURES;
        let names: Vec<&str> = RATINGS.fixed_columns().map(|c| c.name).collect();
        let at = |n: &str| names.iter().position(|c| *c == n);
        let found: Vec<Option<usize>> = FIGURES.iter().map(|f| at(f.column)).collect();
        assert!(found.iter().all(Option::is_some), "{found:?}");
        assert!(found.windows(2).all(|w| w[0] < w[1]), "{found:?}");
        assert!(
            INDICATORS
                .fixed_columns()
                .all(|c| !c.name.ends_with("_evidence"))
        );
    }

    #[test]
    fn every_column_is_described_once() {
        for t in TABLES {
            let mut names: Vec<&str> = t.fixed_columns().map(|c| c.name).collect();
            names.sort_unstable();
            names.dedup();
            assert_eq!(
                names.len(),
                t.fixed_columns().count(),
                "{} repeats a column",
                t.name
            );
            assert!(
                t.fixed_columns()
                    .all(|c| !c.meaning.is_empty() && !c.meaning.contains('|'))
            );
        }
    }
}
