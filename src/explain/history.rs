//! `explain`'s memory across years: the community's rows of
//! `history/ratings` (every review year any run published, whatever runs
//! `keep_runs` has since removed) and the versions of its records in the
//! decisions log, read back as published (`publish::published_history`).

use std::fmt::Write;
use std::path::Path;

use polars::prelude::*;
use serde_json::{Map, Value, json};

use super::records;
use crate::contract::Table;
use crate::error::Result;
use crate::panel::decision_log::{self, VERSION_COLUMNS};
use crate::panel::labels;
use crate::publish::published_history::PublishedHistory;

/// The community's history: its years in order and its records' versions
/// in the log's order (empty lists when `history/` holds none).
pub fn gather(output_dir: &Path, code: &str) -> Result<Value> {
    let history = PublishedHistory::of(output_dir);
    let of_code = |df: DataFrame| -> Result<DataFrame> {
        Ok(df
            .lazy()
            .filter(col("community_code").eq(lit(code.to_string())))
            .collect()?)
    };
    let years = match history.ratings()? {
        Some(df) => records(&of_code(df)?.sort(["year"], SortMultipleOptions::default())?),
        None => Vec::new(),
    };
    let versions = match history.log()? {
        Some(df) => records(&of_code(df)?)
            .into_iter()
            .map(own_columns)
            .collect(),
        None => Vec::new(),
    };
    Ok(json!({
        "folder": history.dir.display().to_string(),
        "years": years,
        "records": versions,
    }))
}

/// A log row with the columns of its own table only (the log's other
/// record columns are null for it), then its version columns.
fn own_columns(row: Map<String, Value>) -> Value {
    let Some(table) = row
        .get("table")
        .and_then(Value::as_str)
        .and_then(Table::from_name)
    else {
        return Value::Object(row);
    };
    let mut out = Map::new();
    out.insert("table".into(), json!(table.name()));
    for c in table.spec().columns {
        out.insert(
            c.name.into(),
            row.get(c.name).cloned().unwrap_or(Value::Null),
        );
    }
    for c in VERSION_COLUMNS {
        out.insert(c.into(), row.get(c).cloned().unwrap_or(Value::Null));
    }
    Value::Object(out)
}

fn text<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v[key].as_str().filter(|s| !s.is_empty())
}

/// The terminal form: a line or two per year, a line per version.
pub fn render(s: &mut String, h: &Value) {
    let _ = writeln!(
        s,
        "\n历年复查 History across review years ({})",
        text(h, "folder").unwrap_or("history/")
    );
    let years = h["years"].as_array().cloned().unwrap_or_default();
    if years.is_empty() {
        let _ = writeln!(
            s,
            "  (none yet: no run has written this community's history)"
        );
    }
    for y in &years {
        year_lines(s, y);
    }
    let _ = writeln!(s, "\n记录版本 Record versions (decisions_log.parquet)");
    let versions = h["records"].as_array().cloned().unwrap_or_default();
    if versions.is_empty() {
        let _ = writeln!(s, "  (none: no record of this community was read)");
    }
    for v in &versions {
        version_line(s, v);
    }
}

fn year_lines(s: &mut String, y: &Value) {
    let verdict = text(y, "verdict");
    let failing: Vec<String> = text(y, "failing_rules")
        .unwrap_or_default()
        .split(';')
        .filter(|r| !r.is_empty())
        .map(|r| format!("{} ({r})", labels::rule(r)))
        .collect();
    let _ = writeln!(
        s,
        "  {}  结论 verdict {} {}  等级 level {}  风险 risk {}{}",
        y["year"],
        labels::verdict(verdict.and_then(crate::panel::Verdict::parse)),
        verdict.unwrap_or("—"),
        labels::level(text(y, "level"), y["stars"].as_i64().unwrap_or(0)),
        y["risk_score"]
            .as_i64()
            .map_or("—".into(), |r| r.to_string()),
        if failing.is_empty() {
            String::new()
        } else {
            format!("  未达标 failing: {}", failing.join(", "))
        }
    );
    let confirmed: Vec<String> = text(y, "confirmed_findings")
        .unwrap_or_default()
        .split(';')
        .filter(|d| !d.is_empty())
        .map(labels::checked_item)
        .collect();
    let _ = writeln!(
        s,
        "        资格 qualification: {}{}  (run {}, as of {})",
        qualification(y),
        if confirmed.is_empty() {
            String::new()
        } else {
            format!("  查实 confirmed: {}", confirmed.join(", "))
        },
        text(y, "run_id").unwrap_or("—"),
        text(y, "as_of").unwrap_or("—")
    );
}

/// The qualification status of a history row, as carried.
fn qualification(y: &Value) -> String {
    let mut parts = Vec::new();
    if let Some(v) = y["provincial_since"].as_i64() {
        parts.push(format!("省级 provincial since {v}"));
    }
    if let Some(v) = y["provincial_star_since"].as_i64() {
        parts.push(format!("省级星级 provincial star since {v}"));
    }
    if y["national"] == Value::Bool(true) {
        parts.push("国家级 national".into());
    }
    if let Some(v) = y["city_level_since"].as_i64() {
        parts.push(format!("市级 city level since {v}"));
    }
    if let Some(d) = text(y, "disqualified_on") {
        parts.push(format!("已取消资格 disqualified {d}"));
    }
    if parts.is_empty() {
        "—".into()
    } else {
        parts.join(", ")
    }
}

fn version_line(s: &mut String, v: &Value) {
    let Some(table) = text(v, "table").and_then(Table::from_name) else {
        return;
    };
    let item = decision_log::item(table, |name| text(v, name));
    let outcome = decision_log::outcome_column(table);
    let status = text(v, "status").unwrap_or_default();
    let withdrawn = text(v, "withdrawn_run")
        .map(|r| format!(", 删除于 withdrawn in {r}"))
        .unwrap_or_default();
    let place = [
        text(v, "file").map(str::to_string),
        text(v, "sheet").map(|s| format!("sheet {s}")),
        v["row"].as_i64().map(|r| format!("row {r}")),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(", ");
    let _ = writeln!(
        s,
        "  {} {}年度 {} v{}: {} {}  [{} {status}] 首次读入 first read {}, 最近 last seen {}{withdrawn}  ← {place}",
        labels::record_sheet(table),
        v["year"],
        item,
        v["version"],
        labels::record_field(table, outcome),
        text(v, outcome).unwrap_or("(空)"),
        labels::record_status(status),
        text(v, "first_read_run").unwrap_or("—"),
        text(v, "last_seen_run").unwrap_or("—"),
    );
}
