//! `fullemp explain CODE --rules FILE`: the one community both ways, under
//! the run's own rules (current) and under a candidate rules file laid
//! over them (candidate), as `fullemp compare` rates them
//! (`crate::compare`, docs/rules.md "Trying new rules"): the verdict, the
//! failing rules with their values against their thresholds, the score,
//! the level and stars, and the ranks on the shortlist, with the rules that
//! differ. `gather` builds the JSON (under `rules_compared` in
//! `explain --json`); `render` the terminal lines printed after the rest.

use std::fmt::Write;
use std::path::Path;

use serde_json::{Value, json};

use crate::compare::Tried;
use crate::error::{Error, Result};
use crate::panel::compare::changes::{self, Change, Shown};
use crate::panel::compare::rules::differing;

/// The community `code` of `year` both ways under `rules_file`.
pub fn gather(output_dir: &Path, code: &str, year: i32, rules_file: &Path) -> Result<Value> {
    let tried = Tried::read(output_dir, rules_file)?;
    let both = tried.rerate()?;
    let one = changes::one(&both.current, &both.candidate, year, code)?.ok_or_else(|| {
        Error::usage(format!(
            "community {code} was not rated in {year} in the latest run"
        ))
    })?;
    Ok(json!({
        "rules_file": rules_file.display().to_string(),
        "differing": differing(&tried.current.table, &tried.candidate.table),
        "current": side(&one.current),
        "candidate": side(&one.candidate),
        "changes": one.changes.iter().map(|c| c.id()).collect::<Vec<_>>(),
    }))
}

fn side(s: &Shown) -> Value {
    json!({
        "verdict": s.verdict_id,
        "verdict_zh": s.verdict,
        "failing_rules_zh": s.failing_rules,
        "failing_in_words": s.failing_detail,
        "score": s.score_value,
        "level_zh": s.level,
        "stars": s.stars,
        "rank_overall": s.rank_values.map(|r| r.0),
        "rank_in_county": s.rank_values.map(|r| r.1),
        "recommended_zh": s.recommended,
    })
}

/// The lines printed after the rest of `explain`: the rules that differ,
/// then each rating current → candidate, a changed one marked `*`.
pub fn render(doc: &Value) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "\n规则试算 Candidate rules {} (laid over the run's own rules; fullemp compare)",
        doc["rules_file"].as_str().unwrap_or("")
    );
    differing_lines(&mut s, doc);
    let _ = writeln!(s, "  现行 current → 拟议 candidate (* 变化 changed)");
    let changed = |c: Change| {
        doc["changes"]
            .as_array()
            .is_some_and(|a| a.iter().any(|x| x == c.id()))
    };
    let (now, then) = (&doc["current"], &doc["candidate"]);
    let text = |v: &Value, key: &str| match &v[key] {
        Value::String(s) => s.clone(),
        Value::Null => "—".into(),
        other => other.to_string(),
    };
    let line = |s: &mut String, on: bool, label: &str, a: String, b: String| {
        let _ = writeln!(s, "  {} {label}: {a} → {b}", if on { "*" } else { " " });
    };
    line(
        &mut s,
        changed(Change::Verdict),
        "复查结论 verdict",
        format!("{} {}", text(now, "verdict_zh"), text(now, "verdict")),
        format!("{} {}", text(then, "verdict_zh"), text(then, "verdict")),
    );
    failing(&mut s, changed(Change::FailingRules), now, then);
    let score = |v: &Value| {
        v["score"]
            .as_f64()
            .map_or_else(|| "—".into(), |x| format!("{x:.2}"))
    };
    line(&mut s, false, "得分 score", score(now), score(then));
    line(
        &mut s,
        changed(Change::Level) || changed(Change::Stars),
        "等级 level",
        text(now, "level_zh"),
        text(then, "level_zh"),
    );
    let rank = |v: &Value| match (v["rank_overall"].as_i64(), v["rank_in_county"].as_i64()) {
        (Some(o), Some(c)) => format!(
            "总排名 {o},区县内 {c},名额内推荐 {}",
            text(v, "recommended_zh")
        ),
        _ => "不在推荐名单 not on the shortlist".into(),
    };
    line(
        &mut s,
        changed(Change::Rank) || changed(Change::Recommended),
        "推荐名单 shortlist",
        rank(now),
        rank(then),
    );
    s
}

/// The rules that differ, one line each, applied or not.
fn differing_lines(s: &mut String, doc: &Value) {
    let differing = doc["differing"].as_array().cloned().unwrap_or_default();
    if differing.is_empty() {
        let _ = writeln!(s, "  与本次运行的规则相同 the same as the run's rules");
    }
    for d in &differing {
        let label = d["label"].as_str().unwrap_or("");
        let _ = writeln!(
            s,
            "  {}{}{}: {} → {}  {} {}",
            d["key"].as_str().unwrap_or(""),
            if label.is_empty() { "" } else { " " },
            label,
            d["current"].as_str().unwrap_or(""),
            d["candidate"].as_str().unwrap_or(""),
            d["applied_text"].as_str().unwrap_or(""),
            if d["applied"] == Value::Bool(true) {
                "applied"
            } else {
                "not applied — needs a full run"
            }
        );
    }
}

/// The failing rules in words, current and candidate.
fn failing(s: &mut String, changed: bool, now: &Value, then: &Value) {
    let _ = writeln!(s, "  {} 未达标 failing:", if changed { "*" } else { " " });
    for (word, v) in [("现行 current", now), ("拟议 candidate", then)] {
        let items: Vec<String> = v["failing_in_words"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|x| x.as_str().map(str::to_string))
            .collect();
        let shown = if items.is_empty() {
            "—".to_string()
        } else {
            items.join("; ")
        };
        let _ = writeln!(s, "      {word}: {shown}");
    }
}
