//! The pipeline file: where the extract is, where runs go, the cut-off, the
//! years, per-table reading overrides, the review calendar and the rules.
//!
//! Relative paths in a pipeline file are taken from the file's own folder, so
//! cron can run it from anywhere.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::dates::{date_from_value, de_dates, de_opt_date};
use super::rules::{DEFAULT_RULES_TOML, Rules};
use crate::contract::{Table, TableSpec};
use crate::error::{Error, Result};

/// The cut-off date A of the current year (docs/indicators.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AsOf {
    /// The extract's own date: its latest `recorded_at`, else its latest event date.
    Extract,
    /// Today in Asia/Shanghai.
    Today,
    Date(NaiveDate),
}

impl AsOf {
    pub fn parse(s: &str) -> Option<AsOf> {
        match s.trim() {
            "extract" => Some(AsOf::Extract),
            "today" => Some(AsOf::Today),
            other => crate::contract::dates::parse_date(other).map(AsOf::Date),
        }
    }

    fn from_value(v: &toml::Value) -> std::result::Result<AsOf, String> {
        match v {
            toml::Value::String(s) => AsOf::parse(s).ok_or_else(|| {
                format!("\"{s}\" is not \"extract\", \"today\" or a date (YYYY-MM-DD)")
            }),
            other => date_from_value(other).map(AsOf::Date),
        }
    }
}

impl std::fmt::Display for AsOf {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AsOf::Extract => f.write_str("extract"),
            AsOf::Today => f.write_str("today"),
            AsOf::Date(d) => write!(f, "{d}"),
        }
    }
}

/// How one table's file is read.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TableInput {
    /// `csv`, `xlsx` or `parquet`: which file to take when the stem has several.
    pub format: Option<Format>,
    /// CSV encoding: `auto` (strict UTF-8, else GB18030), `utf8` or `gb18030`.
    #[serde(default)]
    pub encoding: Encoding,
    /// CSV separator: `auto`, `comma` or `tab`.
    #[serde(default)]
    pub delimiter: Delimiter,
    /// XLSX sheet name; the first sheet when absent.
    pub sheet: Option<String>,
    /// The line (CSV) or sheet row (XLSX) of the header, counted from 1; found
    /// among the first rows when absent.
    pub header_row: Option<u64>,
    /// Canonical column name → header as it stands in the file.
    #[serde(default)]
    pub columns: BTreeMap<String, String>,
    /// CSV: the most lines of the file one row may run over (a quoted value
    /// with line breaks); a row running over more is taken for a stray quote
    /// and stops the read. `DEFAULT_MAX_ROW_LINES` when absent.
    pub max_row_lines: Option<u64>,
}

/// Lines one CSV row may run over by default: a value typed with a few line
/// breaks (an address, a note) fits many times over; a quote left open
/// swallows the rows after it, and is caught once it has taken ten.
pub const DEFAULT_MAX_ROW_LINES: u64 = 10;

impl TableInput {
    /// The most lines of the file one CSV row may run over.
    pub fn max_row_lines(&self) -> u64 {
        self.max_row_lines.unwrap_or(DEFAULT_MAX_ROW_LINES)
    }
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Csv,
    Xlsx,
    Parquet,
}

#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Encoding {
    #[default]
    Auto,
    Utf8,
    Gb18030,
}

#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Delimiter {
    #[default]
    Auto,
    Comma,
    Tab,
}

/// One member of an assessment group: who, from which body (市财政局, 市审计局,
/// a university, a county's HR bureau), and the county the member comes
/// from, if any.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct GroupMember {
    pub name: String,
    pub unit: String,
    #[serde(default)]
    pub county: Option<String>,
}

/// One assessment group of the cross assessment (交叉考核): its members,
/// whose counties it never assesses.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct AssessmentGroup {
    pub name: String,
    #[serde(default)]
    pub members: Vec<GroupMember>,
    /// A county the group comes from besides its members' (older pipeline
    /// files name a group's one county this way).
    #[serde(default)]
    pub home_county: Option<String>,
}

impl AssessmentGroup {
    /// The counties the group comes from: its members' and `home_county`,
    /// each once, in order.
    pub fn home_counties(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        let all = self
            .members
            .iter()
            .filter_map(|m| m.county.as_deref())
            .chain(self.home_county.as_deref());
        for c in all {
            if !out.contains(&c) {
                out.push(c);
            }
        }
        out
    }

    /// Whether the group may assess `county`: none of it comes from there.
    pub fn may_assess(&self, county: &str) -> bool {
        !self.home_counties().contains(&county)
    }
}

/// The annual review's calendar and panel.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Review {
    /// First day of the publicity period (公示).
    #[serde(default, deserialize_with = "de_opt_date")]
    pub publicity_start: Option<NaiveDate>,
    /// Public holidays (法定节假日) that are not working days.
    #[serde(default, deserialize_with = "de_dates")]
    pub holidays: Vec<NaiveDate>,
    /// Weekend days made working days by adjustment (调休).
    #[serde(default, deserialize_with = "de_dates")]
    pub adjusted_workdays: Vec<NaiveDate>,
    #[serde(default)]
    pub assessment_groups: Vec<AssessmentGroup>,
    /// Due date of the signed re-inspection register (附件1), printed on it.
    #[serde(default, deserialize_with = "de_opt_date")]
    pub register_due: Option<NaiveDate>,
    /// Due date of the recommendation lists (推荐名单), printed on them.
    #[serde(default, deserialize_with = "de_opt_date")]
    pub list_due: Option<NaiveDate>,
    /// First and last day of the city's cross assessment (市级交叉考核); the
    /// last day alone makes it a due date.
    #[serde(default, deserialize_with = "de_opt_date")]
    pub cross_assessment_start: Option<NaiveDate>,
    #[serde(default, deserialize_with = "de_opt_date")]
    pub cross_assessment_end: Option<NaiveDate>,
    /// Due date of the bureau's confirming document (发文确认), after the
    /// publicity period has ended.
    #[serde(default, deserialize_with = "de_opt_date")]
    pub confirmation_due: Option<NaiveDate>,
    /// Where objections to the publicity list go (printed on 公示名单), e.g.
    /// "市人力资源和社会保障局就业促进科(电话 0375-0000000)".
    #[serde(default)]
    pub objections_to: Option<String>,
    /// The reporting unit (填报单位) of a county whose bureau is not named
    /// "{county}人力资源和社会保障局": county name → unit name.
    #[serde(default)]
    pub units: BTreeMap<String, String>,
}

impl Review {
    /// Whether any stage of the review has a date (the report then opens
    /// with the timeline, counted from the run date).
    pub fn has_calendar(&self) -> bool {
        [
            self.register_due,
            self.list_due,
            self.cross_assessment_start,
            self.cross_assessment_end,
            self.publicity_start,
            self.confirmation_due,
        ]
        .iter()
        .any(Option::is_some)
    }

    /// The reporting unit printed on a county's forms.
    pub fn unit(&self, county: &str) -> String {
        self.units
            .get(county)
            .cloned()
            .unwrap_or_else(|| format!("{county}人力资源和社会保障局"))
    }

    /// The calendar's dates in the order the stages run, by key; a date
    /// before an earlier stage's is an error naming both keys.
    fn check_order(&self) -> std::result::Result<(), String> {
        if self.cross_assessment_start.is_some() && self.cross_assessment_end.is_none() {
            return Err(
                "key `review.cross_assessment_start`: needs `review.cross_assessment_end` (the last day of the cross assessment)"
                    .into(),
            );
        }
        let dates = [
            ("register_due", self.register_due),
            ("list_due", self.list_due),
            ("cross_assessment_start", self.cross_assessment_start),
            ("cross_assessment_end", self.cross_assessment_end),
            ("publicity_start", self.publicity_start),
            ("confirmation_due", self.confirmation_due),
        ];
        let mut before: Option<(&str, NaiveDate)> = None;
        for (key, date) in dates {
            let Some(date) = date else { continue };
            if let Some((earlier, when)) = before
                && date < when
            {
                return Err(format!(
                    "key `review.{key}`: {date} is before `review.{earlier}` ({when}); the stages run in the order {}",
                    dates.map(|(k, _)| k).join(", ")
                ));
            }
            before = Some((key, date));
        }
        Ok(())
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PipelineFile {
    input_dir: PathBuf,
    output_dir: PathBuf,
    #[serde(default)]
    as_of: Option<toml::Value>,
    #[serde(default)]
    years: Option<Vec<i32>>,
    #[serde(default = "default_keep_runs")]
    keep_runs: usize,
    #[serde(default = "default_max_reject_ratio")]
    max_reject_ratio: f64,
    #[serde(default = "default_one_detector_at_a_time_above")]
    one_detector_at_a_time_above: usize,
    #[serde(default)]
    pii_key_file: Option<PathBuf>,
    #[serde(default = "default_city_name")]
    city_name: String,
    #[serde(default)]
    rules_file: Option<PathBuf>,
    #[serde(default)]
    rules: Option<toml::Table>,
    #[serde(default)]
    input: BTreeMap<String, TableInput>,
    #[serde(default)]
    review: Review,
}

// The operating defaults (docs/operations.md, docs/data-contract.md); a pipeline
// file normally states them.
fn default_keep_runs() -> usize {
    30
}
fn default_max_reject_ratio() -> f64 {
    0.01
}
/// Ledger persons above which the detectors run one at a time: each holds
/// working frames of the size of the employment table (docs/scaling.md).
fn default_one_detector_at_a_time_above() -> usize {
    5_000_000
}
fn default_city_name() -> String {
    "本市".to_string()
}

/// Where the rules came from, for the manifest and the report.
#[derive(Debug, Clone, PartialEq)]
pub struct RulesSource {
    /// The rules file, when the pipeline names one.
    pub file: Option<PathBuf>,
    /// Whether the pipeline carries an inline `[rules]` table.
    pub inline: bool,
    /// sha256 of the effective rules, serialised.
    pub sha256: String,
}

/// A checked pipeline, paths resolved.
#[derive(Debug, Clone)]
pub struct Pipeline {
    pub path: Option<PathBuf>,
    pub sha256: String,
    pub input_dir: PathBuf,
    pub output_dir: PathBuf,
    pub as_of: AsOf,
    pub years: Option<Vec<i32>>,
    pub keep_runs: usize,
    pub max_reject_ratio: f64,
    /// Above this many persons in the ledger the detectors run one at a
    /// time, below it two at a time.
    pub one_detector_at_a_time_above: usize,
    pub pii_key_file: Option<PathBuf>,
    pub city_name: String,
    pub inputs: BTreeMap<Table, TableInput>,
    pub review: Review,
    pub rules: Rules,
    pub rules_source: RulesSource,
}

impl Pipeline {
    /// A pipeline with the default rules, for tests and tools.
    pub fn new(input_dir: impl Into<PathBuf>, output_dir: impl Into<PathBuf>) -> Pipeline {
        let rules = Rules::default();
        Pipeline {
            path: None,
            sha256: String::new(),
            input_dir: input_dir.into(),
            output_dir: output_dir.into(),
            as_of: AsOf::Extract,
            years: None,
            keep_runs: default_keep_runs(),
            max_reject_ratio: default_max_reject_ratio(),
            one_detector_at_a_time_above: default_one_detector_at_a_time_above(),
            pii_key_file: None,
            city_name: default_city_name(),
            inputs: BTreeMap::new(),
            review: Review::default(),
            rules_source: RulesSource {
                file: None,
                inline: false,
                sha256: rules_sha256(&rules),
            },
            rules,
        }
    }

    pub fn input(&self, table: Table) -> TableInput {
        self.inputs.get(&table).cloned().unwrap_or_default()
    }

    /// Reads and checks a pipeline file.
    pub fn load(path: &Path) -> Result<Pipeline> {
        let bad = |message: String| Error::Pipeline {
            file: path.to_path_buf(),
            message,
        };
        let text =
            std::fs::read_to_string(path).map_err(|e| bad(format!("cannot read it: {e}")))?;
        let file: PipelineFile = toml::from_str(&text).map_err(|e| bad(e.to_string()))?;
        let base = path.parent().unwrap_or(Path::new(".")).to_path_buf();
        let resolve = |p: &Path| {
            if p.is_absolute() {
                p.to_path_buf()
            } else {
                tidy(&base.join(p))
            }
        };

        let as_of = match &file.as_of {
            None => AsOf::Extract,
            Some(v) => AsOf::from_value(v).map_err(|m| bad(format!("key `as_of`: {m}")))?,
        };
        check_limits(&file).map_err(bad)?;
        let inputs = table_inputs(file.input).map_err(bad)?;

        let rules_file = file.rules_file.as_deref().map(resolve);
        let rules = load_rules(path, rules_file.as_deref(), file.rules.as_ref())?;
        file.review.check_order().map_err(bad)?;
        check_groups(&file.review).map_err(bad)?;
        Ok(Pipeline {
            path: Some(path.to_path_buf()),
            sha256: hex::encode(Sha256::digest(text.as_bytes())),
            input_dir: resolve(&file.input_dir),
            output_dir: resolve(&file.output_dir),
            as_of,
            years: file.years,
            keep_runs: file.keep_runs,
            max_reject_ratio: file.max_reject_ratio,
            one_detector_at_a_time_above: file.one_detector_at_a_time_above,
            pii_key_file: file.pii_key_file.as_deref().map(resolve),
            city_name: file.city_name,
            inputs,
            review: file.review,
            rules_source: RulesSource {
                file: rules_file,
                inline: file.rules.is_some(),
                sha256: rules_sha256(&rules),
            },
            rules,
        })
    }
}

/// The pipeline's `max_reject_ratio` is a fraction and its `years`, when
/// given, are a list of plausible years; or what is wrong.
fn check_limits(file: &PipelineFile) -> std::result::Result<(), String> {
    if !(0.0..=1.0).contains(&file.max_reject_ratio) {
        return Err(format!(
            "key `max_reject_ratio`: {} is not a fraction between 0 and 1",
            file.max_reject_ratio
        ));
    }
    if let Some(years) = &file.years {
        if years.is_empty() {
            return Err(
                "key `years`: an empty list (expected one or more years, or leave the key out)"
                    .into(),
            );
        }
        if let Some(y) = years.iter().find(|y| !(1900..=2200).contains(*y)) {
            return Err(format!(
                "key `years`: {y} is not a plausible year (expected 1900–2200)"
            ));
        }
    }
    Ok(())
}

/// The `[input.<table>]` settings by table, each checked: a table of the
/// contract, line and row numbers from 1, columns the table has.
fn table_inputs(
    input: BTreeMap<String, TableInput>,
) -> std::result::Result<BTreeMap<Table, TableInput>, String> {
    let mut inputs = BTreeMap::new();
    for (name, input) in input {
        let table = Table::from_name(&name).ok_or_else(|| {
            format!(
                "unknown key `input.{name}`: expected one of {}",
                crate::contract::tables::ALL
                    .iter()
                    .map(|s| s.name)
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })?;
        check_input(&name, table.spec(), &input)?;
        inputs.insert(table, input);
    }
    Ok(inputs)
}

/// One table's `[input.<name>]` settings checked.
fn check_input(
    name: &str,
    spec: &TableSpec,
    input: &TableInput,
) -> std::result::Result<(), String> {
    if input.max_row_lines == Some(0) {
        return Err(format!(
            "key `input.{name}.max_row_lines`: 0 is not a number of lines (a row takes at least 1)"
        ));
    }
    if input.header_row == Some(0) {
        return Err(format!(
            "key `input.{name}.header_row`: 0 is not a row number (rows count from 1)"
        ));
    }
    for canonical in input.columns.keys() {
        if spec.column(canonical).is_none() {
            return Err(format!(
                "unknown key `input.{name}.columns.{canonical}`: {name} has no such column (expected one of {})",
                spec.columns
                    .iter()
                    .map(|c| c.name)
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
    }
    Ok(())
}

/// Every assessment group has a name, and every member a name and a unit.
fn check_groups(review: &Review) -> std::result::Result<(), String> {
    for group in &review.assessment_groups {
        if group.name.trim().is_empty() {
            return Err("key `review.assessment_groups.name`: an empty name".into());
        }
        if let Some(m) = group
            .members
            .iter()
            .find(|m| m.name.trim().is_empty() || m.unit.trim().is_empty())
        {
            return Err(format!(
                "key `review.assessment_groups.members` of group {}: a member without a name or unit ({m:?})",
                group.name
            ));
        }
    }
    Ok(())
}

/// `pipelines/../sample_data` → `sample_data`: drops `.` and folds `..` into
/// the name before it, without touching the file system (so messages show the
/// path a person would write).
fn tidy(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out: Vec<Component> = Vec::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir if matches!(out.last(), Some(Component::Normal(_))) => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    if out.is_empty() {
        PathBuf::from(".")
    } else {
        out.iter().collect()
    }
}

fn rules_sha256(rules: &Rules) -> String {
    let text = toml::to_string(rules).expect("rules serialise");
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// The default rules, overlaid by the rules file, overlaid by the inline table.
fn load_rules(
    pipeline: &Path,
    rules_file: Option<&Path>,
    inline: Option<&toml::Table>,
) -> Result<Rules> {
    let mut merged = default_rules_table();
    let mut sources = vec![];
    if let Some(f) = rules_file {
        overlay(&mut merged, &read_rules_file(f)?, "", f)?;
        sources.push(f.to_path_buf());
    }
    if let Some(t) = inline {
        overlay(&mut merged, t, "rules.", pipeline)?;
        sources.push(pipeline.to_path_buf());
    }
    let blame = sources.last().map_or(pipeline, PathBuf::as_path);
    checked_rules(&merged, blame)
}

/// The rules a run was made with: its effective rules as TOML (the
/// manifest's `rules.effective`) laid over today's defaults, so that a run
/// published before a key existed reads with that key's default. `source`
/// (the manifest) is named in an error. The merged table and the rules.
pub fn effective_rules(effective: &str, source: &Path) -> Result<(toml::Table, Rules)> {
    let table: toml::Table = toml::from_str(effective).map_err(|e| Error::Pipeline {
        file: source.to_path_buf(),
        message: format!("the run's effective rules do not read: {e}"),
    })?;
    let mut merged = default_rules_table();
    overlay(&mut merged, &table, "", source)?;
    let rules = checked_rules(&merged, source)?;
    Ok((merged, rules))
}

/// A rules file laid over `base` (a whole rules table, e.g. from
/// `effective_rules`): the keys the file holds replace those of `base`, the
/// others stay, so the file may hold only what changes. A TOML error, an
/// unknown key or a bad value is `Error::Pipeline` naming the file and the
/// key. The merged table and the rules.
pub fn rules_over(base: &toml::Table, file: &Path) -> Result<(toml::Table, Rules)> {
    let mut merged = base.clone();
    overlay(&mut merged, &read_rules_file(file)?, "", file)?;
    let rules = checked_rules(&merged, file)?;
    Ok((merged, rules))
}

/// The embedded default rules as a TOML table.
fn default_rules_table() -> toml::Table {
    toml::from_str(DEFAULT_RULES_TOML).expect("embedded default rules parse")
}

/// A rules file read as a TOML table; an error names the file.
fn read_rules_file(f: &Path) -> Result<toml::Table> {
    let bad = |message: String| Error::Pipeline {
        file: f.to_path_buf(),
        message,
    };
    let text =
        std::fs::read_to_string(f).map_err(|e| bad(format!("cannot read the rules file: {e}")))?;
    toml::from_str(&text).map_err(|e| bad(e.to_string()))
}

/// A merged rules table as typed rules, range-checked; an error blames `blame`.
fn checked_rules(merged: &toml::Table, blame: &Path) -> Result<Rules> {
    let rules: Rules =
        toml::Value::Table(merged.clone())
            .try_into()
            .map_err(|e: toml::de::Error| Error::Pipeline {
                file: blame.to_path_buf(),
                message: format!("rules: {e}"),
            })?;
    rules
        .check()
        .map_err(|(key, value, expected)| Error::Pipeline {
            file: blame.to_path_buf(),
            message: format!("key `{key}`: {value} is not valid (expected {expected})"),
        })?;
    Ok(rules)
}

/// Lays `top` over `base` key by key. A key that the defaults do not have is an
/// unknown key; a table where the defaults hold a value (or the reverse) is a
/// bad value.
fn overlay(base: &mut toml::Table, top: &toml::Table, prefix: &str, file: &Path) -> Result<()> {
    for (k, v) in top {
        let key = format!("{prefix}{k}");
        let Some(slot) = base.get_mut(k) else {
            let known: Vec<&str> = base.keys().map(String::as_str).collect();
            return Err(Error::Pipeline {
                file: file.to_path_buf(),
                message: format!("unknown key `{key}` (expected one of {})", known.join(", ")),
            });
        };
        match (slot, v) {
            (toml::Value::Table(b), toml::Value::Table(t)) => {
                overlay(b, t, &format!("{key}."), file)?
            }
            (toml::Value::Table(_), other) => {
                return Err(Error::Pipeline {
                    file: file.to_path_buf(),
                    message: format!(
                        "key `{key}`: {other} is not valid (expected a table of keys)"
                    ),
                });
            }
            (slot, toml::Value::Table(_)) => {
                return Err(Error::Pipeline {
                    file: file.to_path_buf(),
                    message: format!(
                        "key `{key}`: a table is not valid (expected a value like {slot})"
                    ),
                });
            }
            (slot, v) => {
                if std::mem::discriminant(slot) != std::mem::discriminant(v)
                    && !(matches!(slot, toml::Value::Float(_))
                        && matches!(v, toml::Value::Integer(_)))
                {
                    return Err(Error::Pipeline {
                        file: file.to_path_buf(),
                        message: format!(
                            "key `{key}`: {v} is not valid (expected a value like {slot})"
                        ),
                    });
                }
                *slot = match (&*slot, v) {
                    (toml::Value::Float(_), toml::Value::Integer(i)) => {
                        toml::Value::Float(*i as f64)
                    }
                    _ => v.clone(),
                };
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        p
    }

    #[test]
    fn unknown_key_names_key_and_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = write(
            dir.path(),
            "p.toml",
            "input_dir = \"in\"\noutput_dir = \"out\"\nbogus = 1\n",
        );
        let e = Pipeline::load(&p).unwrap_err();
        let msg = e.to_string();
        assert!(msg.contains("bogus") && msg.contains("p.toml"), "{msg}");
        assert_eq!(e.exit_code(), 2);
    }

    #[test]
    fn unknown_rule_key_and_bad_rule_value() {
        let dir = tempfile::tempdir().unwrap();
        let p = write(
            dir.path(),
            "p.toml",
            "input_dir = \"in\"\noutput_dir = \"out\"\n[rules.reinspection]\nmin_reemploymnet_rate = 0.7\n",
        );
        let msg = Pipeline::load(&p).unwrap_err().to_string();
        assert!(
            msg.contains("rules.reinspection.min_reemploymnet_rate"),
            "{msg}"
        );

        let p = write(
            dir.path(),
            "q.toml",
            "input_dir = \"in\"\noutput_dir = \"out\"\n[rules.reinspection]\nmin_reemployment_rate = 1.7\n",
        );
        let msg = Pipeline::load(&p).unwrap_err().to_string();
        assert!(
            msg.contains("reinspection.min_reemployment_rate") && msg.contains("1.7"),
            "{msg}"
        );
        assert!(msg.contains("expected a fraction"), "{msg}");

        let p = write(
            dir.path(),
            "r.toml",
            "input_dir = \"in\"\noutput_dir = \"out\"\n[rules.spot_check]\nfraction = \"much\"\n",
        );
        let msg = Pipeline::load(&p).unwrap_err().to_string();
        assert!(
            msg.contains("spot_check.fraction") && msg.contains("much"),
            "{msg}"
        );
    }

    #[test]
    fn rules_file_overlays_defaults_and_paths_resolve_from_the_file() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "rules.toml",
            "[indicators]\nclearance_days = 45\n",
        );
        let p = write(
            dir.path(),
            "p.toml",
            "input_dir = \"in\"\noutput_dir = \"out\"\nrules_file = \"rules.toml\"\nas_of = 2021-12-31\n\
             [rules.reinspection]\nmin_reemployment_rate = 0.8\n",
        );
        let pl = Pipeline::load(&p).unwrap();
        assert_eq!(pl.rules.indicators.clearance_days, 45);
        assert_eq!(pl.rules.reinspection.min_reemployment_rate, 0.8);
        assert_eq!(pl.rules.indicators.long_term_days, 180);
        assert_eq!(pl.input_dir, dir.path().join("in"));
        assert_eq!(
            pl.as_of,
            AsOf::Date(NaiveDate::from_ymd_opt(2021, 12, 31).unwrap())
        );
    }

    #[test]
    fn bad_as_of_and_unknown_table() {
        let dir = tempfile::tempdir().unwrap();
        let p = write(
            dir.path(),
            "p.toml",
            "input_dir = \"in\"\noutput_dir = \"out\"\nas_of = \"yesterday\"\n",
        );
        let msg = Pipeline::load(&p).unwrap_err().to_string();
        assert!(msg.contains("as_of") && msg.contains("yesterday"), "{msg}");
        let p = write(
            dir.path(),
            "q.toml",
            "input_dir = \"in\"\noutput_dir = \"out\"\n[input.people]\nsheet = \"x\"\n",
        );
        let msg = Pipeline::load(&p).unwrap_err().to_string();
        assert!(msg.contains("input.people"), "{msg}");
        let p = write(
            dir.path(),
            "r.toml",
            "input_dir = \"in\"\noutput_dir = \"out\"\n[input.persons.columns]\npersonid = \"身份证号\"\n",
        );
        let msg = Pipeline::load(&p).unwrap_err().to_string();
        assert!(msg.contains("input.persons.columns.personid"), "{msg}");
    }

    #[test]
    fn a_misspelt_calendar_key_is_refused_by_name() {
        let dir = tempfile::tempdir().unwrap();
        let p = write(
            dir.path(),
            "p.toml",
            "input_dir = \"in\"\noutput_dir = \"out\"\n[review]\nregister_deu = 2022-01-07\n",
        );
        let e = Pipeline::load(&p).unwrap_err();
        let msg = e.to_string();
        assert!(
            msg.contains("register_deu") && msg.contains("register_due"),
            "{msg}"
        );
        assert_eq!(e.exit_code(), 2);
    }

    #[test]
    fn calendar_dates_out_of_order_are_refused_naming_both_keys() {
        let dir = tempfile::tempdir().unwrap();
        let p = write(
            dir.path(),
            "p.toml",
            "input_dir = \"in\"\noutput_dir = \"out\"\n[review]\n\
             register_due = 2022-01-07\nlist_due = 2022-01-05\n",
        );
        let e = Pipeline::load(&p).unwrap_err();
        let msg = e.to_string();
        assert!(
            msg.contains(
                "key `review.list_due`: 2022-01-05 is before `review.register_due` (2022-01-07)"
            ),
            "{msg}"
        );
        assert_eq!(e.exit_code(), 2);

        // A later stage before an earlier one, with stages between left out.
        let p = write(
            dir.path(),
            "q.toml",
            "input_dir = \"in\"\noutput_dir = \"out\"\n[review]\n\
             list_due = 2022-01-14\npublicity_start = 2022-01-28\nconfirmation_due = 2022-01-20\n",
        );
        let msg = Pipeline::load(&p).unwrap_err().to_string();
        assert!(
            msg.contains("review.confirmation_due") && msg.contains("review.publicity_start"),
            "{msg}"
        );

        let p = write(
            dir.path(),
            "r.toml",
            "input_dir = \"in\"\noutput_dir = \"out\"\n[review]\ncross_assessment_start = 2022-01-17\n",
        );
        let msg = Pipeline::load(&p).unwrap_err().to_string();
        assert!(msg.contains("review.cross_assessment_end"), "{msg}");

        let p = write(
            dir.path(),
            "s.toml",
            "input_dir = \"in\"\noutput_dir = \"out\"\n[review]\nlist_due = \"next friday\"\n",
        );
        let msg = Pipeline::load(&p).unwrap_err().to_string();
        assert!(
            msg.contains("list_due") && msg.contains("next friday"),
            "{msg}"
        );
    }

    #[test]
    fn the_shipped_pipelines_load() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("pipelines");
        for name in ["nightly.toml", "annual-review-2021.toml"] {
            let p = Pipeline::load(&root.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(p.rules.reinspection.min_reemployment_rate, 0.70);
        }
        let annual = Pipeline::load(&root.join("annual-review-2021.toml")).unwrap();
        assert_eq!(
            annual.as_of,
            AsOf::Date(NaiveDate::from_ymd_opt(2021, 12, 31).unwrap())
        );
        assert!(annual.review.publicity_start.is_some());
        // The notice's own dates.
        assert_eq!(
            (annual.review.register_due, annual.review.list_due),
            (
                NaiveDate::from_ymd_opt(2022, 1, 7),
                NaiveDate::from_ymd_opt(2022, 1, 14)
            )
        );
        // The nightly job follows the review under way: the same calendar.
        let nightly = Pipeline::load(&root.join("nightly.toml")).unwrap();
        assert_eq!(
            (nightly.review.register_due, nightly.review.confirmation_due),
            (annual.review.register_due, annual.review.confirmation_due)
        );
        // The calendar is optional: a pipeline without `[review]` has none.
        let dir = tempfile::tempdir().unwrap();
        let bare = dir.path().join("bare.toml");
        std::fs::write(&bare, "input_dir = \"in\"\noutput_dir = \"out\"\n").unwrap();
        assert_eq!(Pipeline::load(&bare).unwrap().review, Review::default());
        assert!(!annual.review.assessment_groups.is_empty());
    }
}
