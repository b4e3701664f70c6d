//! `fullemp explain`: one community of the latest published run, read back
//! from its Parquet tables and manifest (never recomputed): the indicators
//! with their numerators and denominators and, for a rated figure, the
//! share of it that durable records back, the re-inspection verdict with its
//! failing rules or, for a pass, its margin (差几人), the score by component, level and stars, the findings with
//! their evidence, and where the community stands on the shortlist and in
//! the spot-check sample, and the review's timeline for its county (each
//! stage's state on the day `explain` runs, as the report words it), and
//! how its own street and county carried out the year's review
//! (`accountability`); and from `history/`, beside the runs, its verdict,
//! level and qualification in every review year any run published and the
//! versions of its records in the decisions log (`history`).
//! `gather` builds one JSON document (`--json`);
//! `text` renders it for a terminal with Chinese and English labels.

pub mod history;
pub mod rules;
pub mod text;

use std::path::Path;

use chrono::NaiveDate;

use polars::prelude::*;
use serde_json::{Map, Value, json};

use crate::config::rules::IndicatorRules;
use crate::error::{Error, Result};
use crate::indicators::{INDICATORS, evidence};
use crate::panel::labels;
use crate::panel::labels as report_labels;
use crate::panel::timeline::{self as report_timeline, Calendar};
use crate::publish::manifest::Manifest;
use crate::publish::published_run::{PublishedRun, latest_dir};
use crate::publish::run_folder::LATEST;
use crate::ratings::registry::COMPONENTS;
use crate::ratings::shortlist::{COUNTY_UNDECIDED, STREET_UNDECIDED};

/// The rates and the counts they are made of: (rate, numerator, denominator terms).
pub const RATES: [(&str, &str, &[&str]); 4] = [
    (
        "registered_unemployment_rate",
        "registered_unemployed",
        &["employed", "registered_unemployed"],
    ),
    (
        "reemployment_rate",
        "reemployed_in_period",
        &["unemployed_in_period"],
    ),
    (
        "hardship_employment_rate",
        "hardship_employed",
        &["hardship_persons"],
    ),
    ("assistance_coverage", "assisted", &["assistance_targets"]),
];

/// The run `latest` names under `output_dir`.
pub fn latest_run(output_dir: &Path) -> Result<PublishedRun> {
    let dir = latest_dir(output_dir).ok_or_else(|| {
        Error::usage(format!(
            "no published run under {} (no `{LATEST}`): run `fullemp run` first, or give --out",
            output_dir.display()
        ))
    })?;
    PublishedRun::open(&dir)
        .map_err(|e| Error::usage(format!("{}: no manifest: {e}", dir.display())))
}

/// The rows of `df` about `code` in `year`.
fn rows_of(df: &DataFrame, code: &str, year: i64) -> Result<DataFrame> {
    Ok(df
        .clone()
        .lazy()
        .filter(
            col("community_code")
                .eq(lit(code.to_string()))
                .and(col("year").eq(lit(year))),
        )
        .collect()?)
}

/// One cell as JSON: dates as YYYY-MM-DD, lists as arrays.
fn cell(v: AnyValue) -> Value {
    match v {
        AnyValue::Null => Value::Null,
        AnyValue::Boolean(b) => json!(b),
        AnyValue::String(s) => json!(s),
        AnyValue::StringOwned(s) => json!(s.as_str()),
        AnyValue::Int8(x) => json!(x),
        AnyValue::Int16(x) => json!(x),
        AnyValue::Int32(x) => json!(x),
        AnyValue::Int64(x) => json!(x),
        AnyValue::UInt8(x) => json!(x),
        AnyValue::UInt16(x) => json!(x),
        AnyValue::UInt32(x) => json!(x),
        AnyValue::UInt64(x) => json!(x),
        AnyValue::Float32(x) => json!(x),
        AnyValue::Float64(x) => json!(x),
        AnyValue::Date(d) => json!(
            (chrono::NaiveDate::from_ymd_opt(1970, 1, 1).expect("epoch")
                + chrono::Duration::days(d.into()))
            .to_string()
        ),
        AnyValue::List(s) => Value::Array(s.iter().map(cell).collect()),
        other => json!(other.to_string()),
    }
}

/// Every row of `df` as a JSON object.
fn records(df: &DataFrame) -> Vec<Map<String, Value>> {
    (0..df.height())
        .map(|i| {
            df.columns()
                .iter()
                .map(|c| {
                    (
                        c.name().to_string(),
                        cell(c.get(i).unwrap_or(AnyValue::Null)),
                    )
                })
                .collect()
        })
        .collect()
}

/// The nearest community codes to an unknown one: equal length and most
/// digits in common first, then edit distance.
fn nearest(code: &str, known: &[(String, String)]) -> Vec<String> {
    let mut scored: Vec<(usize, &String, &String)> = known
        .iter()
        .map(|(c, n)| (strsim::levenshtein(code, c), c, n))
        .collect();
    scored.sort();
    scored.dedup_by(|a, b| a.1 == b.1);
    scored
        .into_iter()
        .take(3)
        .map(|(_, c, n)| format!("{c} ({n})"))
        .collect()
}

/// The weight of each score component, from the run's effective rules.
fn weights(manifest: &Manifest) -> Map<String, Value> {
    let rules: Option<toml::Value> = toml::from_str(&manifest.rules.effective).ok();
    let mut out = Map::new();
    for c in COMPONENTS {
        let w = rules
            .as_ref()
            .and_then(|r| r.get("score")?.get(c.indicator)?.get("weight")?.as_float());
        out.insert(c.column(), json!(w));
    }
    out
}

/// The rows of one table about the community in the year; None when the
/// run has no such table.
type Rows = Option<Vec<Map<String, Value>>>;

fn table_rows(run: &PublishedRun, table: &str, code: &str, year: i64) -> Result<Rows> {
    Ok(match run.table(table)? {
        Some(df) => Some(records(&rows_of(&df, code, year)?)),
        None => None,
    })
}

/// Everything the run published about one community in one year (the latest
/// year of the run unless `year` is given), with the review's timeline as
/// of `day` (the day `explain` runs, Asia/Shanghai).
pub fn gather(output_dir: &Path, code: &str, year: Option<i32>, day: NaiveDate) -> Result<Value> {
    let run = latest_run(output_dir)?;
    let indicators = run
        .table("indicators")?
        .ok_or_else(|| Error::usage(format!("{} holds no indicators table", run.dir.display())))?;
    known_community(&run, &indicators, code)?;
    let years = years_of(&indicators)?;
    let year = chosen_year(&years, year)?;
    let ind = records(&rows_of(&indicators, code, year)?)
        .pop()
        .unwrap_or_default();
    let rating = table_rows(&run, "ratings", code, year)?
        .and_then(|mut r| r.pop())
        .unwrap_or_default();
    let shortlist = table_rows(&run, "shortlist", code, year)?;
    let set_aside = table_rows(&run, "shortlist_set_aside", code, year)?;
    let spot = table_rows(&run, "spot_checks", code, year)?;
    let status = table_rows(&run, "status", code, year)?;
    let county = ind.get("county").cloned().unwrap_or(Value::Null);
    let timeline = timeline(
        &run,
        county.as_str().unwrap_or(""),
        year,
        day,
        set_aside.as_deref().unwrap_or_default(),
    )?;
    Ok(json!({
        "run": {
            "folder": run.dir.display().to_string(),
            "run_id": run.manifest.run_id,
            "as_of": run.manifest.as_of,
            "created_at": run.manifest.created_at,
        },
        "community": {
            "community_code": code,
            "community_name": ind.get("community_name").cloned().unwrap_or(Value::Null),
            "county": county,
            "street": ind.get("street").cloned().unwrap_or(Value::Null),
        },
        "year": year,
        "years_in_run": years,
        "indicators": indicator_list(&ind, &rating, &run.manifest),
        "verdict": verdict(&rating),
        "score": score(&rating, &ind, &run.manifest),
        "level": level(&rating),
        "risk": {
            "risk_score": risk_of(&rating, &shortlist, &spot, "risk_score"),
            "needs_verification": risk_of(&rating, &shortlist, &None, "needs_verification"),
            "flags": risk_of(&rating, &shortlist, &None, "flags"),
        },
        "findings": findings(&run, code, year, county.as_str().unwrap_or(""))?,
        "shortlist": objects(shortlist),
        "set_aside": objects(set_aside),
        "spot_check": objects(spot),
        "status": objects(status),
        "accountability": accountability(
            &run,
            year,
            county.as_str().unwrap_or(""),
            ind.get("street").and_then(Value::as_str).unwrap_or(""),
        )?,
        "stages": stage_list(&run.manifest),
        "timeline": timeline,
        "history": history::gather(output_dir, code)?,
    }))
}

/// How the community's own street and county carried out the year's review
/// (the run's `accountability`): the street's row, then the county's; null
/// when the run has no such table (a run made before it was published).
fn accountability(run: &PublishedRun, year: i64, county: &str, street: &str) -> Result<Value> {
    let Some(df) = run.table("accountability")? else {
        return Ok(Value::Null);
    };
    let mut rows: Vec<Map<String, Value>> = records(&df)
        .into_iter()
        .filter(|r| {
            r.get("year").and_then(Value::as_i64) == Some(year)
                && r.get("county").and_then(Value::as_str) == Some(county)
                && match r.get("level").and_then(Value::as_str) {
                    Some(crate::ratings::accountability::STREET) => {
                        r.get("street").and_then(Value::as_str) == Some(street)
                    }
                    Some(crate::ratings::accountability::COUNTY) => true,
                    _ => false,
                }
        })
        .collect();
    // The street first: the unit nearest the community.
    rows.sort_by_key(|r| r.get("level").and_then(Value::as_str) != Some("street"));
    Ok(Value::Array(rows.into_iter().map(Value::Object).collect()))
}

/// The run's review stages in order (id, name), from its effective rules;
/// the notice's when they do not read (a run made before stages were rules).
fn stage_list(manifest: &crate::publish::manifest::Manifest) -> Value {
    let stages = toml::from_str::<crate::config::Rules>(&manifest.rules.effective)
        .map(|r| r.review.stages)
        .unwrap_or_else(|_| crate::config::Stages::notice());
    Value::Array(
        stages
            .iter()
            .map(|s| json!({"id": s.id, "name": s.name}))
            .collect(),
    )
}

/// The review's timeline for the community's county on `day`, as the report
/// words it: each stage with its date, its state and what the county still
/// owes, the lines `explain` prints, and where the community's own
/// application stands. Null when the run had no calendar.
fn timeline(
    run: &PublishedRun,
    county: &str,
    year: i64,
    day: NaiveDate,
    own_set_aside: &[Map<String, Value>],
) -> Result<Value> {
    let Some(calendar) = calendar_of(&run.manifest) else {
        return Ok(Value::Null);
    };
    let in_county = |df: DataFrame| -> Result<DataFrame> {
        Ok(df
            .lazy()
            .filter(
                col("year")
                    .eq(lit(year))
                    .and(col("county").eq(lit(county.to_string()))),
            )
            .collect()?)
    };
    let (mut under, mut verdicts, mut waiting) = (Vec::new(), Vec::new(), 0);
    if let Some(ratings) = run.table("ratings")? {
        let r = in_county(ratings)?;
        under = crate::frame::bools(&r, "under_reinspection")?;
        verdicts = crate::frame::strings(&r, "verdict")?;
    }
    if let Some(aside) = run.table("shortlist_set_aside")? {
        waiting = crate::frame::strings(&in_county(aside)?, "reason")?
            .iter()
            .filter(|r| matches!(r.as_deref(), Some(STREET_UNDECIDED | COUNTY_UNDECIDED)))
            .count();
    }
    let owed = report_timeline::count_owed(
        under.iter().zip(&verdicts).map(|(u, v)| {
            (
                county,
                *u == Some(true),
                v.as_deref().and_then(crate::panel::Verdict::parse),
            )
        }),
        std::iter::repeat_n(county, waiting),
    );
    let rows = report_timeline::rows(&calendar, day, &owed);
    let application = own_set_aside
        .iter()
        .filter_map(|a| a.get("reason").and_then(Value::as_str))
        .find(|r| matches!(*r, STREET_UNDECIDED | COUNTY_UNDECIDED))
        .map(report_labels::set_aside_reason);
    Ok(json!({
        "day": day.to_string(),
        "county": county,
        "lines": rows.iter().map(report_timeline::line).collect::<Vec<_>>(),
        "stages": rows,
        "application": application,
    }))
}

/// An error naming the nearest codes when `code` is not in the run.
fn known_community(run: &PublishedRun, indicators: &DataFrame, code: &str) -> Result<()> {
    let codes = indicators.column("community_code")?.str()?.clone();
    let names = indicators.column("community_name")?.str()?.clone();
    let mut known: Vec<(String, String)> = codes
        .iter()
        .zip(names.iter())
        .filter_map(|(c, n)| Some((c?.to_string(), n.unwrap_or("").to_string())))
        .collect();
    known.sort();
    known.dedup();
    if known.iter().any(|(c, _)| c == code) {
        return Ok(());
    }
    let near = nearest(code, &known);
    Err(Error::usage(format!(
        "community {code} is not in the latest run ({}); nearest codes: {}",
        run.dir.display(),
        if near.is_empty() {
            "none (the run has no community)".to_string()
        } else {
            near.join(", ")
        }
    )))
}

/// The run's years, ascending.
fn years_of(indicators: &DataFrame) -> Result<Vec<i64>> {
    let mut years: Vec<i64> = indicators.column("year")?.i64()?.iter().flatten().collect();
    years.sort_unstable();
    years.dedup();
    Ok(years)
}

/// The year asked for, which the run must hold, else the run's latest.
fn chosen_year(years: &[i64], asked: Option<i32>) -> Result<i64> {
    match asked {
        Some(y) if years.contains(&(y as i64)) => Ok(y as i64),
        Some(y) => Err(Error::usage(format!(
            "year {y} is not in the latest run; its years: {years:?}"
        ))),
        None => Ok(*years.last().expect("a community implies a year")),
    }
}

/// Every indicator with its Chinese label, for a rate its numerator,
/// denominator and formula, and for a rated figure its evidence share from
/// the ratings row (`evidence`, null when its numerator is 0; `thin` when
/// below the run's `thin_evidence_below`).
fn indicator_list(
    ind: &Map<String, Value>,
    rating: &Map<String, Value>,
    manifest: &Manifest,
) -> Vec<Value> {
    let thin_below = IndicatorRules::of_effective(&manifest.rules.effective).thin_evidence_below;
    INDICATORS
        .iter()
        .map(|name| {
            let mut v = json!({
                "name": name,
                "label_zh": labels::indicator(name),
                "value": ind.get(*name).cloned().unwrap_or(Value::Null),
            });
            if let Some((_, num, den)) = RATES.iter().find(|(r, _, _)| r == name) {
                let d: Option<i64> = den
                    .iter()
                    .map(|t| ind.get(*t).and_then(Value::as_i64))
                    .sum();
                v["numerator"] = ind.get(*num).cloned().unwrap_or(Value::Null);
                v["denominator"] = json!(d);
                let den_text = if den.len() > 1 {
                    format!("({})", den.join(" + "))
                } else {
                    den.join(" + ")
                };
                v["formula"] = json!(format!("{num} / {den_text}"));
            }
            if let Some(column) = evidence::column_of(name) {
                let share = get(rating, column);
                v["evidence_column"] = json!(column);
                v["thin"] = json!(share.as_f64().is_some_and(|x| x < thin_below));
                v["evidence"] = share;
            }
            v
        })
        .collect()
}

/// A `;`-joined list column of the ratings row as a list.
fn split(rating: &Map<String, Value>, key: &str) -> Vec<String> {
    rating
        .get(key)
        .and_then(Value::as_str)
        .map(|s| {
            s.split(';')
                .filter(|x| !x.is_empty())
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

fn get(row: &Map<String, Value>, key: &str) -> Value {
    row.get(key).cloned().unwrap_or(Value::Null)
}

fn verdict(rating: &Map<String, Value>) -> Value {
    json!({
        "under_reinspection": get(rating, "under_reinspection"),
        "provincial_year": get(rating, "provincial_year"),
        "provincial_star_year": get(rating, "provincial_star_year"),
        "national": get(rating, "national"),
        "qualification_revoked_on": get(rating, "qualification_revoked_on"),
        "verdict": get(rating, "verdict"),
        "failing_rules": split(rating, "failing_rules"),
        "failing_detail": get(rating, "failing_detail"),
        "failing_in_words": rating
            .get("failing_detail")
            .and_then(Value::as_str)
            .map(|d| {
                d.split("; ")
                    .filter(|s| !s.is_empty())
                    .map(report_labels::failing_rule)
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default(),
        "incomplete_rules": split(rating, "incomplete_rules"),
        "not_applicable_rules": split(rating, "not_applicable_rules"),
        "margin_persons": get(rating, "margin_persons"),
        "margin_rules": split(rating, "margin_rule"),
        "county_conclusion": get(rating, "county_conclusion"),
        "county_inspected_on": get(rating, "county_inspected_on"),
        "county_disagrees": get(rating, "county_disagrees"),
    })
}

/// The platform table came but holds no row for the community and year:
/// the indicator is null although the table is there (无平台建设记录).
fn no_platform_record(ind: &Map<String, Value>, manifest: &Manifest) -> bool {
    get(ind, "platform_ok").is_null()
        && !ind.is_empty()
        && !manifest
            .missing_optional_tables
            .iter()
            .any(|t| t == "platform")
}

fn score(rating: &Map<String, Value>, ind: &Map<String, Value>, manifest: &Manifest) -> Value {
    let weight = weights(manifest);
    let components: Vec<Value> = COMPONENTS
        .iter()
        .map(|c| {
            json!({
                "name": c.column(),
                "label_zh": labels::indicator(c.indicator),
                "points": get(rating, &c.column()),
                "weight": weight.get(&c.column()).cloned().unwrap_or(Value::Null),
            })
        })
        .collect();
    json!({
        "score": get(rating, "score"),
        "components": components,
        "null_components": split(rating, "null_components"),
        "no_platform_record": no_platform_record(ind, manifest),
    })
}

fn level(rating: &Map<String, Value>) -> Value {
    json!({
        "level": get(rating, "level"),
        "stars": get(rating, "stars"),
        "city_level": get(rating, "city_level"),
        "level_vetoed": get(rating, "level_vetoed"),
    })
}

/// Findings about the community, and county-level findings of its county;
/// null when the run published no findings table.
fn findings(run: &PublishedRun, code: &str, year: i64, county: &str) -> Result<Value> {
    let Some(df) = run.table("findings")? else {
        return Ok(Value::Null);
    };
    let about = col("community_code")
        .eq(lit(code.to_string()))
        .or(col("community_code")
            .is_null()
            .and(col("county").eq(lit(county.to_string()))));
    let mine = df
        .lazy()
        .filter(col("year").eq(lit(year)).and(about))
        .collect()?;
    Ok(Value::Array(
        records(&mine).into_iter().map(Value::Object).collect(),
    ))
}

fn objects(rows: Rows) -> Value {
    match rows {
        None => Value::Null,
        Some(v) => Value::Array(v.into_iter().map(Value::Object).collect()),
    }
}
/// A risk column as the ratings row, the shortlist or the spot-check sample
/// carries it; null when none does.
fn risk_of(rating: &Map<String, Value>, shortlist: &Rows, spot: &Rows, key: &str) -> Value {
    if let Some(v) = rating.get(key).filter(|v| !v.is_null()) {
        return v.clone();
    }
    [shortlist, spot]
        .into_iter()
        .flatten()
        .flatten()
        .find_map(|r| r.get(key).cloned())
        .unwrap_or(Value::Null)
}

/// The review's calendar as the run recorded it in its manifest; None when
/// the run had no calendar.
fn calendar_of(manifest: &Manifest) -> Option<Calendar> {
    use crate::contract::dates::parse_date;
    let c = manifest.calendar.as_ref()?;
    let days = |v: &[String]| v.iter().filter_map(|d| parse_date(d)).collect();
    let stages = c
        .stages
        .iter()
        .filter_map(|s| {
            Some(crate::ratings::calendar::Stage {
                key: s.key.clone(),
                label: s.label.clone(),
                start: s.start.as_deref().and_then(parse_date),
                due: parse_date(&s.due)?,
            })
        })
        .collect();
    Some(Calendar {
        stages,
        review: crate::config::Review {
            holidays: days(&c.holidays),
            adjusted_workdays: days(&c.adjusted_workdays),
            ..crate::config::Review::default()
        },
    })
}
