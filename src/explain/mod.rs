//! `fullemp explain`: one community of the latest published run, read back
//! from its Parquet tables and manifest (never recomputed): the indicators
//! with their numerators and denominators, the re-inspection verdict with its
//! failing rules or, for a pass, its margin (差几人), the score by component, level and stars, the findings with
//! their evidence, and where the community stands on the shortlist and in
//! the spot-check sample. `gather` builds one JSON document (`--json`);
//! `text` renders it for a terminal with Chinese and English labels.

pub mod labels;
pub mod text;

use std::path::{Path, PathBuf};

use polars::prelude::*;
use serde_json::{Map, Value, json};

use crate::error::{Error, Result};
use crate::indicators::INDICATORS;
use crate::publish::run_folder::LATEST;
use crate::ratings::score::COMPONENTS;

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

/// The run folder `latest` names under `output_dir`.
pub fn latest_run(output_dir: &Path) -> Result<PathBuf> {
    let latest = output_dir.join(LATEST);
    std::fs::canonicalize(&latest).map_err(|_| {
        Error::usage(format!(
            "no published run under {} (no `{LATEST}`): run `fullemp run` first, or give --out",
            output_dir.display()
        ))
    })
}

/// Every file of `run/<table>/year=YYYY/*.parquet` as one frame with `year`
/// (Int64) added back from the folder name; None when the table is absent.
pub fn read_table(run: &Path, table: &str) -> Result<Option<DataFrame>> {
    let dir = run.join(table);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Ok(None);
    };
    let mut parts: Vec<(i64, PathBuf)> = Vec::new();
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().to_string();
        let Some(year) = name.strip_prefix("year=").and_then(|y| y.parse().ok()) else {
            continue;
        };
        for f in std::fs::read_dir(e.path())?.flatten() {
            if f.path().extension().is_some_and(|x| x == "parquet") {
                parts.push((year, f.path()));
            }
        }
    }
    parts.sort();
    let mut all: Option<DataFrame> = None;
    for (year, path) in parts {
        let file = std::fs::File::open(&path)?;
        let mut df = ParquetReader::new(file).finish()?;
        let n = df.height();
        df.with_column(Column::new("year".into(), vec![year; n]))?;
        all = Some(match all {
            None => df,
            Some(mut a) => {
                a.vstack_mut(&df)?;
                a
            }
        });
    }
    Ok(all)
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
fn weights(manifest: &Value) -> Map<String, Value> {
    let rules: Option<toml::Value> = manifest["rules"]["effective"]
        .as_str()
        .and_then(|t| toml::from_str(t).ok());
    let mut out = Map::new();
    for c in COMPONENTS {
        let key = c.trim_start_matches("score_");
        let w = rules
            .as_ref()
            .and_then(|r| r.get("score")?.get(key)?.get("weight")?.as_float());
        out.insert(c.to_string(), json!(w));
    }
    out
}

/// Everything the run published about one community in one year (the latest
/// year of the run unless `year` is given).
pub fn gather(output_dir: &Path, code: &str, year: Option<i32>) -> Result<Value> {
    let run = latest_run(output_dir)?;
    let manifest: Value = serde_json::from_str(
        &std::fs::read_to_string(run.join("manifest.json"))
            .map_err(|e| Error::usage(format!("{}: no manifest: {e}", run.display())))?,
    )
    .map_err(anyhow::Error::from)?;
    let indicators = read_table(&run, "indicators")?
        .ok_or_else(|| Error::usage(format!("{} holds no indicators table", run.display())))?;
    let codes = indicators.column("community_code")?.str()?.clone();
    let names = indicators.column("community_name")?.str()?.clone();
    let mut known: Vec<(String, String)> = codes
        .iter()
        .zip(names.iter())
        .filter_map(|(c, n)| Some((c?.to_string(), n.unwrap_or("").to_string())))
        .collect();
    known.sort();
    known.dedup();
    if !known.iter().any(|(c, _)| c == code) {
        let near = nearest(code, &known);
        return Err(Error::usage(format!(
            "community {code} is not in the latest run ({}); nearest codes: {}",
            run.display(),
            if near.is_empty() {
                "none (the run has no community)".to_string()
            } else {
                near.join(", ")
            }
        )));
    }
    let mut years: Vec<i64> = indicators.column("year")?.i64()?.iter().flatten().collect();
    years.sort_unstable();
    years.dedup();
    let year = match year {
        Some(y) if years.contains(&(y as i64)) => y as i64,
        Some(y) => {
            return Err(Error::usage(format!(
                "year {y} is not in the latest run; its years: {years:?}"
            )));
        }
        None => *years.last().expect("a community implies a year"),
    };

    let ind = records(&rows_of(&indicators, code, year)?)
        .pop()
        .unwrap_or_default();
    let indicator_list: Vec<Value> = INDICATORS
        .iter()
        .map(|name| {
            let mut v = json!({
                "name": name,
                "label_zh": labels::zh(name),
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
            v
        })
        .collect();

    let table_rows = |t: &str| -> Result<Option<Vec<Map<String, Value>>>> {
        Ok(match read_table(&run, t)? {
            Some(df) => Some(records(&rows_of(&df, code, year)?)),
            None => None,
        })
    };
    let rating = table_rows("ratings")?
        .and_then(|mut r| r.pop())
        .unwrap_or_default();
    let weight = weights(&manifest);
    let components: Vec<Value> = COMPONENTS
        .iter()
        .map(|c| {
            json!({
                "name": c,
                "label_zh": labels::zh(c.trim_start_matches("score_")),
                "points": rating.get(*c).cloned().unwrap_or(Value::Null),
                "weight": weight.get(*c).cloned().unwrap_or(Value::Null),
            })
        })
        .collect();
    let split = |k: &str| -> Vec<String> {
        rating
            .get(k)
            .and_then(Value::as_str)
            .map(|s| {
                s.split(';')
                    .filter(|x| !x.is_empty())
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default()
    };
    let verdict = json!({
        "under_reinspection": rating.get("under_reinspection").cloned().unwrap_or(Value::Null),
        "provincial_year": rating.get("provincial_year").cloned().unwrap_or(Value::Null),
        "verdict": rating.get("verdict").cloned().unwrap_or(Value::Null),
        "failing_rules": split("failing_rules"),
        "failing_detail": rating.get("failing_detail").cloned().unwrap_or(Value::Null),
        "incomplete_rules": split("incomplete_rules"),
        "not_applicable_rules": split("not_applicable_rules"),
        "margin_persons": rating.get("margin_persons").cloned().unwrap_or(Value::Null),
        "margin_rules": split("margin_rule"),
    });
    let score = json!({
        "score": rating.get("score").cloned().unwrap_or(Value::Null),
        "components": components,
        "null_components": split("null_components"),
    });
    let level = json!({
        "level": rating.get("level").cloned().unwrap_or(Value::Null),
        "stars": rating.get("stars").cloned().unwrap_or(Value::Null),
        "city_level": rating.get("city_level").cloned().unwrap_or(Value::Null),
        "level_vetoed": rating.get("level_vetoed").cloned().unwrap_or(Value::Null),
    });

    // Findings about the community, and county-level findings of its county.
    let county = ind.get("county").cloned().unwrap_or(Value::Null);
    let findings = match read_table(&run, "findings")? {
        None => Value::Null,
        Some(df) => {
            let mine =
                df.clone()
                    .lazy()
                    .filter(col("year").eq(lit(year)).and(
                        col("community_code").eq(lit(code.to_string())).or(
                            col("community_code").is_null().and(
                                col("county").eq(lit(county.as_str().unwrap_or("").to_string())),
                            ),
                        ),
                    ))
                    .collect()?;
            Value::Array(records(&mine).into_iter().map(Value::Object).collect())
        }
    };
    let shortlist = table_rows("shortlist")?;
    let set_aside = table_rows("shortlist_set_aside")?;
    let spot = table_rows("spot_checks")?;
    let objects = |r: Option<Vec<Map<String, Value>>>| match r {
        None => Value::Null,
        Some(v) => Value::Array(v.into_iter().map(Value::Object).collect()),
    };

    Ok(json!({
        "run": {
            "folder": run.display().to_string(),
            "run_id": manifest["run_id"],
            "as_of": manifest["as_of"],
            "created_at": manifest["created_at"],
        },
        "community": {
            "community_code": code,
            "community_name": ind.get("community_name").cloned().unwrap_or(Value::Null),
            "county": county,
            "street": ind.get("street").cloned().unwrap_or(Value::Null),
        },
        "year": year,
        "years_in_run": years,
        "indicators": indicator_list,
        "verdict": verdict,
        "score": score,
        "level": level,
        "risk": {
            "risk_score": risk_of(&rating, &shortlist, &spot, "risk_score"),
            "needs_verification": risk_of(&rating, &shortlist, &None, "needs_verification"),
            "flags": risk_of(&rating, &shortlist, &None, "flags"),
        },
        "findings": findings,
        "shortlist": objects(shortlist),
        "set_aside": objects(set_aside),
        "spot_check": objects(spot),
    }))
}

/// A risk column as the ratings row, the shortlist or the spot-check sample
/// carries it; null when none does.
fn risk_of(
    rating: &Map<String, Value>,
    shortlist: &Option<Vec<Map<String, Value>>>,
    spot: &Option<Vec<Map<String, Value>>>,
    key: &str,
) -> Value {
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
