//! The bundled sample (`fullemp generate --out sample_data --sample --years
//! 2019-2021`): the normal extract of three review years, written the way
//! real bureau extracts arrive (mixed formats, Chinese headers, GB18030, a
//! tab-separated file, every date and boolean spelling of the contract),
//! with a handful of bad rows planted in the large tables, one for each
//! reject reason, the panel's records of a review in progress, the
//! counties' own re-inspection conclusions, and a README that lists them.

use std::fmt::Write as _;

use super::gaps::Gap;
use super::model::{Batch, Row, Value};
use super::writers::{BoolStyle, DateStyle, FileFormat, Headers, Layout, RateStyle, TextEncoding};
use super::{Context, Options, Summary};
use crate::contract::tables::{Kind, Table, TableSpec};

pub const COMMAND: &str = "fullemp generate --out sample_data --sample --years 2019-2021";

/// The first of the sample's review years (the last is the default year).
pub const FIRST_YEAR: i32 = 2019;

/// The options `COMMAND` stands for, writing into `out`.
pub fn options(out: impl Into<std::path::PathBuf>) -> Options {
    let mut o = Options::new(out);
    o.sample = true;
    o.first_year = Some(FIRST_YEAR);
    o
}

pub fn layout(table: Table) -> Layout {
    let mut l = Layout::plain(FileFormat::Csv, Headers::Canonical, TextEncoding::Utf8);
    match table {
        Table::Communities => l.booleans = BoolStyle::OneZero,
        Table::Persons => {
            l.headers = Headers::Chinese;
            l.bom = true;
            l.dates = DateStyle::Slash;
            l.booleans = BoolStyle::YouWu;
        }
        Table::Unemployment => l.dates = DateStyle::Compact,
        Table::Employment => l.dates = DateStyle::Rotating,
        Table::Hardship => {
            l.headers = Headers::Chinese;
            l.encoding = TextEncoding::Gb18030;
            l.dates = DateStyle::Chinese;
        }
        Table::ZeroHouseholds => l.dates = DateStyle::Dot,
        Table::Services => l.delimiter = b'\t',
        Table::Platform => l.format = FileFormat::Parquet,
        Table::Applications => {
            l.format = FileFormat::Xlsx;
            l.booleans = BoolStyle::ShiFou;
            l.rates = RateStyle::Percent;
        }
        Table::Decisions
        | Table::Verifications
        | Table::Objections
        | Table::Approvals
        | Table::Filings
        | Table::Reinspections => {}
    }
    l
}

/// The gaps of real extracts the sample shows, one of each (`gaps`): an
/// honest community without its platform row for the review year (one that
/// passes on every other rule), one whose roster row names only its national
/// recognition, one only its star year. In place of the generator's chance
/// draws, which 30 communities might miss.
pub fn gaps(i: usize) -> Vec<Gap> {
    match i {
        23 => vec![Gap::NoPlatformRecord],
        20 => vec![Gap::StarYearOnly],
        13 => vec![Gap::NationalOnly],
        _ => vec![],
    }
}

/// A row written on purpose to be rejected.
pub struct BadRow {
    pub table: Table,
    pub cells: Vec<Value>,
    pub column: &'static str,
    pub reason: &'static str,
}

/// Where a bad row went.
#[derive(Debug, Clone)]
pub struct Planted {
    pub table: Table,
    pub line: u64,
    pub column: &'static str,
    pub reason: &'static str,
}

fn column_index(table: Table, column: &str) -> usize {
    table
        .spec()
        .columns
        .iter()
        .position(|c| c.name == column)
        .expect("a contract column")
}

fn with<R: Row>(row: &R, edits: &[(&str, Value)]) -> Vec<Value> {
    let mut cells = row.cells();
    for (column, v) in edits {
        cells[column_index(R::SPEC.table, column)] = v.clone();
    }
    cells
}

/// The bad rows planted after community `i`'s rows (a few communities carry
/// one each). Each has a key of its own, but for the duplicate, so that it is
/// rejected for the one reason the README gives.
pub fn bad_rows(i: usize, batch: &Batch) -> Vec<BadRow> {
    let Some(community) = batch.communities.first() else {
        return vec![];
    };
    let code = community.code.as_str();
    let person = batch.persons.iter().find(|p| p.community == code);
    let registration = batch.unemployment.iter().find(|r| r.community == code);
    let job = batch.employment.iter().find(|j| j.community == code);
    let year = batch.platform.last().map_or(2021, |p| p.year);
    let later = |p: &super::model::Person| Value::Date(p.entered + chrono::Duration::days(1));
    let date = |m, d| Value::Date(chrono::NaiveDate::from_ymd_opt(year, m, d).expect("date"));
    let bad = match (i, person, registration, job) {
        (3, Some(p), _, _) => BadRow {
            table: Table::Persons,
            cells: with(
                p,
                &[("household_id", Value::Null), ("entered_on", later(p))],
            ),
            column: "household_id",
            reason: "required cell empty",
        },
        (5, Some(p), _, _) => BadRow {
            table: Table::Persons,
            cells: with(
                p,
                &[("gender", Value::Raw("X".into())), ("entered_on", later(p))],
            ),
            column: "gender",
            reason: "value outside the allowed set",
        },
        (7, Some(p), _, _) => BadRow {
            table: Table::Persons,
            cells: p.cells(),
            column: "person_id, community_code, entered_on",
            reason: "duplicate key",
        },
        (11, _, Some(r), _) => BadRow {
            table: Table::Unemployment,
            cells: with(
                r,
                &[
                    ("registration_id", Value::Text(format!("U{code}X0001"))),
                    ("registered_on", Value::Raw(format!("{year}-02-30"))),
                ],
            ),
            column: "registered_on",
            reason: "unparseable date",
        },
        (15, _, _, Some(j)) => BadRow {
            table: Table::Employment,
            cells: with(
                j,
                &[
                    ("record_id", Value::Text(format!("E{code}X0001"))),
                    ("employment_type", Value::Raw("打零工".into())),
                ],
            ),
            column: "employment_type",
            reason: "value outside the allowed set",
        },
        (19, _, _, Some(j)) => BadRow {
            table: Table::Employment,
            cells: with(
                j,
                &[
                    ("record_id", Value::Text(format!("E{code}X0002"))),
                    ("started_on", date(6, 10)),
                    ("ended_on", date(5, 1)),
                ],
            ),
            column: "ended_on",
            reason: "end date before start date",
        },
        (23, _, Some(r), _) => BadRow {
            table: Table::Unemployment,
            cells: r.cells(),
            column: "registration_id",
            reason: "duplicate key",
        },
        _ => return vec![],
    };
    vec![bad]
}

fn describe(spec: &TableSpec, l: &Layout) -> String {
    let mut parts = vec![match l.format {
        FileFormat::Csv => "CSV".to_string(),
        FileFormat::Parquet => "Parquet".to_string(),
        FileFormat::Xlsx => "XLSX".to_string(),
    }];
    if l.format == FileFormat::Csv {
        parts.push(match (l.encoding, l.bom) {
            (TextEncoding::Gb18030, _) => "GB18030".into(),
            (TextEncoding::Utf8, true) => "UTF-8 with BOM".into(),
            (TextEncoding::Utf8, false) => "UTF-8".into(),
        });
        parts.push(if l.delimiter == b'\t' {
            "tab-separated".into()
        } else {
            "comma-separated".into()
        });
    }
    parts.push(if l.headers == Headers::Chinese {
        "Chinese headers".into()
    } else {
        "canonical headers".into()
    });
    let has_bool =
        l.format != FileFormat::Parquet && spec.columns.iter().any(|c| c.kind == Kind::Bool);
    if l.format != FileFormat::Parquet {
        parts.push(
            match l.dates {
                DateStyle::Iso => "dates `2021-03-05`",
                DateStyle::Slash => "dates `2021/03/05`",
                DateStyle::Dot => "dates `2021.03.05`",
                DateStyle::Compact => "dates `20210305`",
                DateStyle::Chinese => "dates `2021年3月5日`",
                DateStyle::Rotating => "dates rotating row by row through `2021-03-05`, `2021/03/05`, `20210305`, `2021年3月5日`",
            }
            .into(),
        );
        if has_bool {
            parts.push(
                match l.booleans {
                    BoolStyle::TrueFalse => "booleans `true/false`",
                    BoolStyle::OneZero => "booleans `1/0`",
                    BoolStyle::YesNo => "booleans `Y/N`",
                    BoolStyle::ShiFou => "booleans `是/否`",
                    BoolStyle::YouWu => "booleans `有/无`",
                }
                .into(),
            );
        }
    }
    if l.rates == RateStyle::Percent {
        parts.push("rates as percentages (`85.7%`)".into());
    }
    parts.join(", ")
}

pub fn readme(options: &Options, ctx: &Context, summary: &Summary) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# sample_data: a synthetic extract\n");
    let _ = writeln!(
        s,
        "Made by the project's own generator, with no real person's data: every identifier is synthetic \
         (valid by construction, or spoiled on purpose where a pattern says so), phone numbers begin with 0 \
         after the area code and so reach nobody. Regenerate it, byte for byte, with:\n"
    );
    let _ = writeln!(s, "```\n{COMMAND}\n```\n");
    let _ = writeln!(
        s,
        "That is {} communities in {} counties, {} persons per community on average (about {} persons), \
         seed {}, review years {}–{}, fraud share {}. The histories cover the three years, the rates \
         drifting from year to year (`docs/generator.md`, \"Several review years\"); the patterns act in {}.",
        options.communities,
        ctx.geo.counties.len(),
        options.persons_per_community,
        summary.persons,
        options.seed,
        ctx.cal.first_year,
        ctx.cal.year,
        options.fraud_share,
        ctx.cal.year
    );
    if let Some(t) = summary.latest_recorded_at {
        let years: Vec<String> = ctx.cal.years().map(|y| y.to_string()).collect();
        let _ = writeln!(
            s,
            "The extract's own date (its latest `recorded_at`) is {}: past the {}-12-31 cut-off, so that both \
             the annual review (`pipelines/annual-review-2021.toml`) and the nightly run (`as_of = \"extract\"`) \
             rate the whole years {} (`years = [{}]`), the documents covering {}, and jobs that ended soon \
             after the cut-off are visible.",
            t.format("%Y-%m-%d %H:%M:%S"),
            options.year,
            years.join(", "),
            years.join(", "),
            options.year
        );
    }
    let _ = writeln!(
        s,
        "\n## Files\n\n| file | rows | layout |\n| --- | ---: | --- |"
    );
    for spec in crate::contract::tables::REGISTRY {
        let l = layout(spec.table);
        let rows = summary.rows.get(spec.name).copied().unwrap_or(0);
        let _ = writeln!(
            s,
            "| `{}.{}` | {rows} | {} |",
            spec.name,
            l.format.extension(),
            describe(spec, &l)
        );
    }
    for spec in [
        &crate::contract::tables::DECISIONS,
        &crate::contract::tables::VERIFICATIONS,
        &crate::contract::tables::OBJECTIONS,
        &crate::contract::tables::APPROVALS,
        &crate::contract::tables::REINSPECTIONS,
    ] {
        let l = record_layout(spec.table);
        let rows = summary.rows.get(spec.name).copied().unwrap_or(0);
        let _ = writeln!(
            s,
            "| `{}.{}` | {rows} | {}; the panel's own records (see below) |",
            spec.name,
            l.format.extension(),
            describe(spec, &l)
        );
    }
    let _ = writeln!(
        s,
        "| `ground_truth.csv` | {} | not a table: the injected patterns (`community_code,pattern,county,year`; community_code empty for county-level patterns; year: the review year the pattern acts in) |",
        summary.truth.len()
    );
    let _ = writeln!(
        s,
        "\n## Planted bad rows\n\nEach must be rejected (and nothing else). Lines count the header as line 1. \
         They are far below the 1 % `max_reject_ratio` of their tables.\n\n| file | line | column | reason |\n| --- | ---: | --- | --- |"
    );
    for p in &summary.planted {
        let l = layout(p.table);
        let _ = writeln!(
            s,
            "| `{}.{}` | {} | {} | {} |",
            p.table.name(),
            l.format.extension(),
            p.line,
            p.column,
            p.reason
        );
    }
    let _ = writeln!(
        s,
        "\n## Injected patterns\n\n| pattern | community | county |\n| --- | --- | --- |"
    );
    for t in &summary.truth {
        let who = if t.community_code.is_empty() {
            "(the whole county)".to_string()
        } else {
            format!("`{}`", t.community_code)
        };
        let _ = writeln!(s, "| `{}` | {who} | {} |", t.pattern, t.county);
    }
    let _ = writeln!(s, "\nHow each pattern is injected: `docs/generator.md`.");
    let shown: Vec<String> = (0..ctx.geo.sites.len())
        .flat_map(|i| gaps(i).into_iter().map(move |g| (i, g)))
        .map(|(i, g)| {
            let what = match g {
                Gap::NoPlatformRecord => format!(
                    "no platform row for the review year ({})",
                    crate::contract::names::NO_PLATFORM_RECORD
                ),
                Gap::NationalOnly => {
                    "roster row marked national, with no provincial or star year".into()
                }
                Gap::StarYearOnly => "roster row with a star year and no provincial year".into(),
            };
            format!("`{}`: {what}", ctx.geo.sites[i].code)
        })
        .collect();
    let _ = writeln!(
        s,
        "\n## Gaps of real extracts\n\nEach is re-inspected all the same (`docs/rules.md`): {}.",
        shown.join("; ")
    );
    let _ = writeln!(
        s,
        "\n## The review in progress\n\n`decisions.csv` and `verifications.csv` are the panel's records of the {y} review \
         as a bureau would keep them (`docs/data-contract.md`), dated in January and February {next}, in the notice's order (街道审核, 县级实地考察, 县级初选, \
         市级交叉考核, 公示, 发文确认): some applications go through to 认定, some stop at 街道审核 or 县级初选 with \
         the opinion that stopped them, the `cutoff_window_dressing` community fails the city's cross assessment, one \
         objection in publicity is not upheld (异议不成立, then 认定) and one is upheld (异议成立, stopped; both in \
         `objections.csv`, the objection register), and the others wait at a stage (or have nothing recorded yet). The `claimed_vs_registry` finding is checked and confirmed (属实) and the \
         `bulk_backfill` finding checked and dismissed (不属实). The run's `status` table and the report's 评审进度 \
         show where each application stands.",
        y = options.year,
        next = options.year + 1
    );
    if let Some(i) = ctx.disqualified {
        let _ = writeln!(
            s,
            "\n## A qualification revoked\n\n`{code}` failed its {y} re-inspection (its re-employment rate fell \
             below 70 %); the city proposed its disqualification and the province approved it in March {next} \
             (`approvals.csv`, 同意取消), so it is out of the re-inspection from {next} on.",
            code = ctx.geo.sites[i].code,
            y = ctx.cal.first_year,
            next = ctx.cal.first_year + 1
        );
    }
    if !summary.inspected.is_empty() {
        let _ = writeln!(
            s,
            "\n## The counties' own conclusions\n\n`reinspections.xlsx` holds the conclusions the counties \
             recorded of their re-inspections (复查结论, 复查日期, 复查人, 现场情况), shown beside the data's verdict \
             (`docs/data-contract.md`):\n"
        );
        for r in &summary.inspected {
            let _ = writeln!(
                s,
                "- `{}`, {}: {} ({})",
                r.code, r.year, r.conclusion, r.notes
            );
        }
        let _ = writeln!(
            s,
            "\nThe county's 合格 for the community without a platform row disagrees with the data, which fail \
             it for the missing row (无平台建设记录): the ratings, the report, `explain` and the register show both."
        );
    }
    s
}

/// One application of the review year, with what the sample's review story
/// needs of its community.
#[derive(Debug, Clone)]
pub struct StoryApplication {
    pub application: super::model::Application,
    pub street: String,
    pub county: String,
}

/// The panel's records of the sample's review, each a list of rows (cells in
/// the contract's order).
pub struct ReviewRecords {
    pub decisions: Vec<Vec<Value>>,
    pub verifications: Vec<Vec<Value>>,
    pub objections: Vec<Vec<Value>>,
}

/// The sample's review in progress, in the notice's order (街道审核 →
/// 县级实地考察 → 县级初选 → 市级交叉考核 → 公示 → 发文确认), from the review
/// year's applications and the injected patterns.
///
/// - The community of the `claimed_vs_registry` pattern: its street does not
///   agree (不同意), and the finding is checked and confirmed (属实).
/// - The community of the `bulk_backfill` pattern: its (medium) finding is
///   checked and dismissed (不属实); its application goes on.
/// - The community of the `cutoff_window_dressing` pattern: stopped at the
///   city's cross assessment (不合格).
/// - An application the street or county declined in its own cells: stopped
///   there, with an opinion (the county after its site visit).
/// - The others, in code order, in turn: confirmed (认定); awaiting the
///   city's cross assessment; an objection in publicity, not upheld
///   (异议不成立), then confirmed; awaiting the county's selection; awaiting
///   the confirming document; an objection upheld (异议成立), stopped;
///   nothing recorded yet (one objection of each kind in all).
pub fn review_records(
    apps: &[StoryApplication],
    truth: &[super::Truth],
    year: i32,
) -> ReviewRecords {
    use crate::contract::review_records::{
        CONFIRMED, DISMISSED, OBJECTION_DISMISSED, OBJECTION_UPHELD,
    };
    let day = |m: u32, d: u32| chrono::NaiveDate::from_ymd_opt(year + 1, m, d).expect("a date");
    let pattern = |p: &str| {
        truth
            .iter()
            .find(|t| t.pattern == p)
            .map(|t| t.community_code.clone())
            .unwrap_or_default()
    };
    let confirmed = pattern("claimed_vs_registry");
    let dismissed = pattern("bulk_backfill");
    let dressed = pattern("cutoff_window_dressing");
    let mut sorted: Vec<&StoryApplication> =
        apps.iter().filter(|a| a.application.year == year).collect();
    sorted.sort_by(|a, b| a.application.community.cmp(&b.application.community));
    let mut decisions = Vec::new();
    let mut objections = Vec::new();
    let mut turn = 0;
    let city_unit = "市人力资源和社会保障局".to_string();
    let checker = "市人社局就业促进科";
    for a in sorted {
        let app = &a.application;
        let street_unit = format!("{}办事处", a.street);
        let county_unit = format!("{}人力资源和社会保障局", a.county);
        let street_on = app.submitted.map_or(day(1, 10), |s| {
            (s + chrono::Duration::days(1)).max(day(1, 10))
        });
        let visit_on = street_on + chrono::Duration::days(1);
        let county_on = street_on + chrono::Duration::days(2);
        // (stage, decision, opinion, date, unit), in order.
        type Step<'a> = (&'a str, &'a str, &'a str, chrono::NaiveDate, String);
        let returned = format!(
            "{}与台账不符,退回社区核实。",
            crate::contract::names::CLAIMED_REEMPLOYMENT_RATE
        );
        let mut steps: Vec<Step> = vec![];
        let agreed = (
            "街道审核",
            "同意",
            "同意推荐申报。",
            street_on,
            street_unit.clone(),
        );
        let visited = (
            "县级实地考察",
            "合格",
            "台账资料齐全,与实地情况相符。",
            visit_on,
            county_unit.clone(),
        );
        let recommended = (
            "县级初选",
            "推荐",
            "经实地考察和初选,同意推荐。",
            county_on,
            county_unit.clone(),
        );
        let assessed = (
            "市级交叉考核",
            "合格",
            "考核合格。",
            day(1, 25),
            "市级交叉考核组".to_string(),
        );
        let published = (
            "公示",
            "无异议",
            "公示期内未收到异议。",
            day(2, 8),
            city_unit.clone(),
        );
        let named = (
            "发文确认",
            "认定",
            "同意认定。",
            day(2, 11),
            city_unit.clone(),
        );
        let mut objection = |content: &str, resolution: &str| {
            objections.push(vec![
                Value::Text(app.community.clone()),
                Value::Int(i64::from(year)),
                Value::Date(day(1, 30)),
                Value::Text(content.to_string()),
                Value::Word(checker),
                Value::Text(resolution.to_string()),
                Value::Date(day(2, 7)),
            ]);
        };
        if app.community == confirmed {
            steps.push(("街道审核", "不同意", &returned, street_on, street_unit));
        } else if app.community == dressed {
            steps.extend([agreed, visited, recommended]);
            steps.push((
                "市级交叉考核",
                "不合格",
                "年底前集中录入的就业登记无法提供用工证明,考核不合格。",
                day(1, 25),
                "市级交叉考核组".to_string(),
            ));
        } else if app.street_recommends == Some(false) {
            steps.push((
                "街道审核",
                "不同意",
                "台账资料不完整,暂不同意申报。",
                street_on,
                street_unit,
            ));
        } else if app.county_recommends == Some(false) {
            steps.extend([agreed, visited]);
            steps.push((
                "县级初选",
                "不推荐",
                "经实地考察和初选,主要指标未达到申报条件,本年度不予推荐。",
                county_on,
                county_unit,
            ));
        } else {
            let all = [agreed, visited, recommended, assessed, published, named];
            // One objection of each kind: later rounds confirm instead.
            let kind = match turn % 7 {
                2 | 5 if turn >= 7 => 0,
                k => k,
            };
            match kind {
                0 => steps.extend(all),
                1 => steps.extend(all.into_iter().take(3)),
                2 => {
                    objection(
                        "来电反映该社区新增就业人员中有人未实际上岗。",
                        OBJECTION_DISMISSED,
                    );
                    let mut all = all.to_vec();
                    all[4] = (
                        "公示",
                        OBJECTION_DISMISSED,
                        "经核查,所反映人员已在用人单位实际就业,异议不成立。",
                        day(2, 8),
                        city_unit.clone(),
                    );
                    steps.extend(all);
                }
                3 => steps.extend(all.into_iter().take(2)),
                4 => steps.extend(all.into_iter().take(5)),
                5 => {
                    objection(
                        "来信反映该社区多名登记失业人员的就业登记系年底集中补录,实际未就业。",
                        OBJECTION_UPHELD,
                    );
                    steps.extend(all.into_iter().take(4));
                    steps.push((
                        "公示",
                        OBJECTION_UPHELD,
                        "经核查,反映情况属实,异议成立,终止认定。",
                        day(2, 8),
                        city_unit.clone(),
                    ));
                }
                _ => {}
            }
            turn += 1;
        }
        for (stage, decision, opinion, on, by) in steps {
            decisions.push(vec![
                Value::Text(app.community.clone()),
                Value::Int(i64::from(year)),
                Value::Text(stage.to_string()),
                Value::Text(decision.to_string()),
                if opinion.is_empty() {
                    Value::Null
                } else {
                    Value::Text(opinion.to_string())
                },
                Value::Date(on),
                Value::Text(by),
            ]);
        }
    }
    let mut verifications = Vec::new();
    if !confirmed.is_empty() {
        verifications.push(vec![
            Value::Text(confirmed),
            Value::Int(i64::from(year)),
            Value::Word("claimed_vs_registry"),
            Value::Word(CONFIRMED),
            Value::Date(day(1, 20)),
            Value::Word("市人社局核查组"),
            Value::Word("抽查自报的登记失业人员 10 人,6 人无就业登记或社保缴费记录。"),
        ]);
    }
    if !dismissed.is_empty() {
        verifications.push(vec![
            Value::Text(dismissed),
            Value::Int(i64::from(year)),
            Value::Word("bulk_backfill"),
            Value::Word(DISMISSED),
            Value::Date(day(1, 21)),
            Value::Word("市人社局核查组"),
            Value::Word("系统迁移后集中补录,纸质登记原件齐全,日期相符。"),
        ]);
    }
    ReviewRecords {
        decisions,
        verifications,
        objections,
    }
}

/// How the sample writes the panel's records: `decisions.csv`,
/// `objections.csv` and `approvals.csv` with Chinese headers (as a bureau
/// keeps them), `verifications.csv` with canonical ones, and the counties'
/// `reinspections.xlsx` as a workbook with Chinese headers.
pub fn record_layout(table: Table) -> Layout {
    match table {
        Table::Decisions | Table::Objections | Table::Approvals => {
            Layout::plain(FileFormat::Csv, Headers::Chinese, TextEncoding::Utf8)
        }
        Table::Reinspections => {
            Layout::plain(FileFormat::Xlsx, Headers::Chinese, TextEncoding::Utf8)
        }
        _ => Layout::plain(FileFormat::Csv, Headers::Canonical, TextEncoding::Utf8),
    }
}

/// What the sample's county conclusions are chosen from: each community's
/// roster row as written (its recognition) and its honest profile.
pub struct Roster<'a> {
    pub rows: &'a [super::model::Community],
    pub ctx: &'a Context,
}

/// A county's recorded re-inspection of one community (`reinspections`).
#[derive(Debug, Clone)]
pub struct Inspected {
    pub code: String,
    pub year: i32,
    pub conclusion: &'static str,
    pub notes: &'static str,
}

/// The counties' own re-inspection conclusions in the sample, each where
/// the data leave no doubt of the verdict but one:
///
/// - the community that lost its qualification: 不合格 in the first year,
///   when its re-employment fell (`disqualified`);
/// - the community without a platform row for the review year (`gaps`):
///   the county found the platform in order on site and records 合格,
///   where the data, lacking the row, fail it (the one disagreement);
/// - the first recognised honest community of failing profile: 不合格, as
///   the data say.
pub fn county_conclusions(roster: &Roster) -> Vec<Inspected> {
    use crate::contract::review_records::{COUNTY_FAILED, COUNTY_PASSED};
    let ctx = roster.ctx;
    let year = ctx.cal.year;
    let recognised = |i: usize| {
        roster.rows.get(i).is_some_and(|c| {
            c.provincial_year.is_some_and(|y| y <= year)
                || c.provincial_star_year.is_some_and(|y| y <= year)
                || c.national == Some(true)
        })
    };
    let code = |i: usize| ctx.geo.sites[i].code.clone();
    let mut out = vec![];
    if let Some(i) = ctx.disqualified {
        out.push(Inspected {
            code: code(i),
            year: ctx.cal.first_year,
            conclusion: COUNTY_FAILED,
            notes: "登记失业人员就业率未达到70%,主要用工企业停产,失业人员再就业较慢。",
        });
    }
    let gap = (0..ctx.geo.sites.len())
        .find(|&i| gaps(i).contains(&Gap::NoPlatformRecord) && recognised(i));
    if let Some(i) = gap {
        out.push(Inspected {
            code: code(i),
            year,
            conclusion: COUNTY_PASSED,
            notes: "现场查看:服务窗口、工作人员和信息系统均已到位,平台建设核查表漏报。",
        });
    }
    let failing = (0..ctx.geo.sites.len()).find(|&i| {
        ctx.geo.sites[i].profile == super::geography::Profile::Failing
            && ctx.assignment.is_honest(i)
            && Some(i) != ctx.disqualified
            && recognised(i)
    });
    if let Some(i) = failing {
        out.push(Inspected {
            code: code(i),
            year,
            conclusion: COUNTY_FAILED,
            notes: "台账核查:登记失业人员就业率未达到70%,责令整改。",
        });
    }
    out
}

/// The conclusions as `reinspections` rows: each recorded by its county's
/// bureau on a working day early in January after its year.
pub fn reinspection_rows(inspected: &[Inspected], roster: &Roster) -> Vec<Vec<Value>> {
    inspected
        .iter()
        .enumerate()
        .map(|(k, r)| {
            let county = roster
                .rows
                .iter()
                .find(|c| c.code == r.code)
                .map_or(String::new(), |c| c.county.clone());
            let on = chrono::NaiveDate::from_ymd_opt(r.year + 1, 1, 4).expect("a date")
                + chrono::Duration::days(k as i64);
            vec![
                Value::Text(r.code.clone()),
                Value::Int(i64::from(r.year)),
                Value::Word(r.conclusion),
                Value::Date(on),
                Value::Text(format!("{county}人力资源和社会保障局复查组")),
                Value::Word(r.notes),
            ]
        })
        .collect()
}
