//! The terminal form of `fullemp explain`: the document of `gather`, in
//! sections, each line labelled in Chinese and English.

use std::fmt::Write;

use serde_json::Value;

use crate::panel::labels;

fn show(v: &Value) -> String {
    match v {
        Value::Null => "—".into(),
        Value::Bool(true) => "是 yes".into(),
        Value::Bool(false) => "否 no".into(),
        Value::String(s) if s.is_empty() => "—".into(),
        Value::String(s) => s.clone(),
        Value::Number(n) => match n.as_i64() {
            Some(i) => i.to_string(),
            None => format!("{:.4}", n.as_f64().unwrap_or(f64::NAN)),
        },
        Value::Array(a) => a.iter().map(show).collect::<Vec<_>>().join(", "),
        Value::Object(_) => v.to_string(),
    }
}

/// `s` padded with spaces to `width` terminal columns (CJK characters take two).
fn pad(s: &str, width: usize) -> String {
    let used: usize = s.chars().map(|c| if c >= '\u{2E80}' { 2 } else { 1 }).sum();
    format!("{s}{}", " ".repeat(width.saturating_sub(used)))
}

fn percent(v: &Value) -> String {
    match v.as_f64() {
        Some(x) => format!("{:.1} %", 100.0 * x),
        None => "— (denominator 0 or table missing: not applicable)".into(),
    }
}

/// The document as text: one section after another.
pub fn render(doc: &Value) -> String {
    let mut s = String::new();
    heading(&mut s, doc);
    indicators(&mut s, doc);
    reinspection(&mut s, &doc["verdict"]);
    score(&mut s, &doc["score"], &doc["level"]);
    findings(&mut s, &doc["risk"], &doc["findings"]);
    shortlist(&mut s, doc);
    status(&mut s, &doc["status"], &doc["stages"]);
    accountability(&mut s, &doc["accountability"], &doc["stages"]);
    spot_check(&mut s, &doc["spot_check"]);
    timeline(&mut s, &doc["timeline"]);
    super::history::render(&mut s, &doc["history"]);
    s
}

/// The review's stages for the community's county, the report's words.
fn timeline(s: &mut String, t: &Value) {
    if t.is_null() {
        let _ = writeln!(
            s,
            "\n评审日程 Review timeline\n  (the pipeline of this run sets no review calendar)"
        );
        return;
    }
    let _ = writeln!(
        s,
        "\n评审日程 Review timeline ({} 截至 {}, working days)",
        show(&t["county"]),
        show(&t["day"])
    );
    for line in t["lines"].as_array().into_iter().flatten() {
        let _ = writeln!(s, "  {}", line.as_str().unwrap_or(""));
    }
    if let Some(a) = t["application"].as_str() {
        let _ = writeln!(s, "  本社区申报 this application: {a}");
    }
}

/// The community, the year and the run.
fn heading(s: &mut String, doc: &Value) {
    let c = &doc["community"];
    let _ = writeln!(
        s,
        "社区 Community {} {} — {} / {}, 年度 year {}",
        show(&c["community_code"]),
        show(&c["community_name"]),
        show(&c["county"]),
        show(&c["street"]),
        show(&doc["year"])
    );
    let _ = writeln!(
        s,
        "运行 Run {} (截止日 as of {}, published {})",
        show(&doc["run"]["run_id"]),
        show(&doc["run"]["as_of"]),
        show(&doc["run"]["created_at"])
    );
}

fn indicators(s: &mut String, doc: &Value) {
    let _ = writeln!(s, "\n指标 Indicators");
    for i in doc["indicators"].as_array().into_iter().flatten() {
        let name = i["name"].as_str().unwrap_or("");
        let value = if i.get("formula").is_some() {
            format!(
                "{}  = {} / {}  ({})",
                percent(&i["value"]),
                show(&i["numerator"]),
                show(&i["denominator"]),
                show(&i["formula"])
            )
        } else {
            show(&i["value"])
        };
        let _ = writeln!(
            s,
            "  {} {:<30} {}{}",
            pad(labels::indicator(name), 22),
            name,
            value,
            evidence(i)
        );
    }
}

/// A rated figure's evidence share, after its value: "  有据 evidence 85%",
/// marked when thin; nothing for a figure without one.
fn evidence(i: &Value) -> String {
    if i.get("evidence_column").is_none() {
        return String::new();
    }
    let share = labels::share(i["evidence"].as_f64());
    let thin = if i["thin"] == Value::Bool(true) {
        " 单薄 thin"
    } else {
        ""
    };
    format!("  {} evidence {share}{thin}", labels::EVIDENCE)
}

/// What brings the community under re-inspection, as the roster says it:
/// "provincial 2015, provincial star 2018, national".
fn recognition(v: &Value) -> String {
    let mut parts = vec![];
    if let Some(y) = v["provincial_year"].as_i64() {
        parts.push(format!("省级 provincial {y}"));
    }
    if let Some(y) = v["provincial_star_year"].as_i64() {
        parts.push(format!("省级星级 provincial star {y}"));
    }
    if v["national"] == Value::Bool(true) {
        parts.push("国家级 national".to_string());
    }
    if parts.is_empty() {
        "—".into()
    } else {
        parts.join(", ")
    }
}

/// The verdict with its failing rules, or for a pass its margin.
fn reinspection(s: &mut String, v: &Value) {
    let _ = writeln!(s, "\n复查 Re-inspection");
    if let Some(on) = v["qualification_revoked_on"].as_str() {
        let _ = writeln!(
            s,
            "  资格 qualification: 省厅已于 {on} 同意取消资格,自该日起不再复查 \
             (revoked by the province on {on}; not re-inspected for a year ending after it)"
        );
    }
    if v["under_reinspection"] == Value::Bool(true) {
        let verdict = v["verdict"].as_str().unwrap_or("");
        let _ = writeln!(
            s,
            "  结论 verdict: {} {} (recognised: {})",
            labels::verdict(crate::panel::Verdict::parse(verdict)),
            verdict,
            recognition(v)
        );
        let words = v["failing_in_words"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        for (k, r) in v["failing_rules"]
            .as_array()
            .into_iter()
            .flatten()
            .enumerate()
        {
            let r = r.as_str().unwrap_or("");
            let fallback = labels::rule(r);
            let said = words.get(k).and_then(Value::as_str).unwrap_or(&fallback);
            let _ = writeln!(s, "  未达标 failing: {said} ({r})");
        }
        if let Some(k) = v["margin_persons"].as_i64() {
            let rules: Vec<String> = v["margin_rules"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(|r| format!("{} {r}", labels::margin_rule(r)))
                .collect();
            let _ = writeln!(
                s,
                "  差几人 margin: 差 {k} 人不达标, {k} counted person{} fewer fails {}",
                if k == 1 { "" } else { "s" },
                rules.join(" or ")
            );
        }
        for (key, label) in [
            ("incomplete_rules", "缺表未判 not judged (table missing)"),
            (
                "not_applicable_rules",
                "不适用 not applicable (null indicator)",
            ),
        ] {
            let list = show(&v[key]);
            if !list.is_empty() && list != "—" {
                let _ = writeln!(s, "  {label}: {list}");
            }
        }
    } else {
        let _ = writeln!(
            s,
            "  {} not under re-inspection this year",
            labels::verdict(None)
        );
    }
    if let Some(word) = v["county_conclusion"].as_str() {
        let differs = v["county_disagrees"] == Value::Bool(true);
        let _ = writeln!(
            s,
            "  {} county's conclusion: {word} ({}){}",
            labels::COUNTY_CONCLUSION,
            v["county_inspected_on"].as_str().unwrap_or("—"),
            if differs {
                format!(", {} differs from the verdict", labels::COUNTY_DISAGREES)
            } else {
                String::new()
            }
        );
    }
}

fn score(s: &mut String, sc: &Value, l: &Value) {
    let _ = writeln!(s, "\n评分 Score {} / 100", show(&sc["score"]));
    for comp in sc["components"].as_array().into_iter().flatten() {
        let name = comp["name"].as_str().unwrap_or("");
        let _ = writeln!(
            s,
            "  {} {:<36} {} / {}",
            pad(comp["label_zh"].as_str().unwrap_or(""), 22),
            name,
            show(&comp["points"]),
            show(&comp["weight"])
        );
    }
    if sc["no_platform_record"] == Value::Bool(true) {
        // The component that earns its weight for a flag: the platform.
        let name = crate::ratings::registry::COMPONENTS
            .iter()
            .find(|c| matches!(c.earns, crate::ratings::registry::Earns::Flag))
            .map_or(String::new(), |c| c.column());
        let points = sc["components"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|c| c["name"] == name)
            .map_or(Value::Null, |c| c["points"].clone());
        let _ = writeln!(
            s,
            "  {} no platform record for the year: {name} {} points",
            labels::NO_PLATFORM_RECORD,
            show(&points)
        );
    }
    if sc["null_components"]
        .as_array()
        .is_some_and(|a| !a.is_empty())
    {
        let _ = writeln!(
            s,
            "  指标为空 null, scored by null_scores_full: {}",
            show(&sc["null_components"])
        );
    }
    let stars = l["stars"].as_i64().unwrap_or(0).max(0) as usize;
    let _ = writeln!(
        s,
        "  等级 level: {}  星级 stars: {} {}  市级 city level: {}  一票否决 vetoed: {}",
        show(&l["level"]),
        stars,
        "★".repeat(stars),
        show(&l["city_level"]),
        show(&l["level_vetoed"])
    );
}

/// Whether the finding could change an outcome (影响结论), for a
/// community-level finding of a run that assessed it.
fn materiality(s: &mut String, f: &Value) {
    match (&f["material"], f["level"].as_str()) {
        (Value::Bool(true), _) => {
            let _ = writeln!(
                s,
                "      影响结论 material: {}",
                show(&f["material_effect"])
            );
        }
        (Value::Bool(false), Some("community")) => {
            let _ = writeln!(
                s,
                "      不影响结论 not material: without the counted persons it names, no rule, verdict, level or stars change"
            );
        }
        _ => {}
    }
}

fn findings(s: &mut String, r: &Value, findings: &Value) {
    let _ = writeln!(s, "\n风险 Findings");
    let _ = writeln!(
        s,
        "  风险分 risk score: {}  需核实 needs verification: {}  flags: {}",
        show(&r["risk_score"]),
        show(&r["needs_verification"]),
        show(&r["flags"])
    );
    match findings {
        Value::Null => {
            let _ = writeln!(s, "  (this run published no findings table)");
        }
        Value::Array(a) if a.is_empty() => {
            let _ = writeln!(s, "  无 none");
        }
        Value::Array(a) => {
            // The material findings first, as the report lists them.
            let mut a: Vec<&Value> = a.iter().collect();
            a.sort_by_key(|f| f["material"] != Value::Bool(true));
            for f in a {
                let sev = f["severity"].as_str().unwrap_or("");
                let _ = writeln!(
                    s,
                    "  [{} {}] {} ({}): {}",
                    labels::severity(sev),
                    sev,
                    show(&f["detector"]),
                    show(&f["level"]),
                    show(&f["explanation"])
                );
                let _ = writeln!(
                    s,
                    "      value {} vs threshold {}, p = {}",
                    show(&f["value"]),
                    show(&f["threshold"]),
                    show(&f["p_value"])
                );
                let _ = writeln!(s, "      evidence: {}", show(&f["evidence"]));
                materiality(s, f);
                if let Some(v) = f["verification"].as_str() {
                    let _ = writeln!(
                        s,
                        "      {} verification {v}: {} {}{}",
                        labels::verification(v),
                        show(&f["verified_by"]),
                        show(&f["verified_on"]),
                        if v == crate::contract::review_records::DISMISSED {
                            " (不再计入风险分 no longer counted in the risk score)"
                        } else {
                            ""
                        }
                    );
                }
            }
        }
        other => {
            let _ = writeln!(s, "  {other}");
        }
    }
}

fn shortlist(s: &mut String, doc: &Value) {
    let _ = writeln!(s, "\n推荐名单 Shortlist");
    let candidates = doc["shortlist"].as_array().cloned().unwrap_or_default();
    let aside = doc["set_aside"].as_array().cloned().unwrap_or_default();
    if candidates.is_empty() && aside.is_empty() {
        let _ = writeln!(s, "  未申报 no application this year");
    }
    for a in &candidates {
        let _ = writeln!(
            s,
            "  申报 applied {}: 达到 reached {}; 排名 rank {} overall, {} in county; 推荐 recommended {}",
            show(&a["applied_level"]),
            show(&a["applied_level_reached"]),
            show(&a["rank_overall"]),
            show(&a["rank_in_county"]),
            show(&a["recommended"])
        );
    }
    for a in &aside {
        let _ = writeln!(
            s,
            "  未列入 set aside: applied {}, {} (reason {})",
            show(&a["applied_level"]),
            labels::set_aside_reason(a["reason"].as_str().unwrap_or("")),
            show(&a["reason"])
        );
    }
}

/// Where the application stands in the review (the run's `status`).
fn status(s: &mut String, status: &Value, stages: &Value) {
    let _ = writeln!(s, "\n评审进度 Review status");
    let rows = status.as_array().cloned().unwrap_or_default();
    if rows.is_empty() {
        let _ = writeln!(s, "  未申报 no application this year");
    }
    let text = |v: &Value| v.as_str().map(str::to_string);
    for r in &rows {
        let _ = writeln!(
            s,
            "  {}:已到环节 {} (state {}, stage {})",
            show(&r["state_label"]),
            show(&r["stage_reached_label"]),
            show(&r["state"]),
            show(&r["stage_reached"])
        );
        if let Some(d) = text(&r["decision"]) {
            let _ = writeln!(
                s,
                "  结论 decision {d},{} {}{}",
                show(&r["decided_on"]),
                text(&r["decided_by"]).unwrap_or_default(),
                text(&r["opinion"]).map_or(String::new(), |o| format!(";意见:{o}"))
            );
        }
        if let Some(o) = text(&r["objection"]) {
            let _ = writeln!(
                s,
                "  异议 objection {o}(登记 {} 件,未处理 {} 件 registered, unresolved)",
                show(&r["objections"]),
                show(&r["objections_open"])
            );
        }
        if let Some(next) = text(&r["next_stage_label"]) {
            let due = text(&r["due_on"]);
            let overdue = r["overdue"].as_bool() == Some(true);
            let _ = writeln!(
                s,
                "  下一环节 next {next}{}{}",
                due.map_or("(评审日程未设期限 no due date)".to_string(), |d| format!(
                    ",期限 due {d}"
                )),
                if overdue {
                    format!(
                        ",已逾期 overdue by {} working days",
                        show(&r["overdue_working_days"])
                    )
                } else {
                    String::new()
                }
            );
        }
        let stages: Vec<String> = stages
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|st| {
                let (id, name) = (st["id"].as_str()?, st["name"].as_str()?);
                text(&r[format!("{id}_decision").as_str()])
                    .map(|d| format!("{name} {d} {}", show(&r[format!("{id}_on").as_str()])))
            })
            .collect();
        if !stages.is_empty() {
            let _ = writeln!(s, "  各环节 stages: {}", stages.join(";"));
        }
    }
}

/// How the community's street and county carried out the review (the
/// run's `accountability`), one line each.
fn accountability(s: &mut String, rows: &Value, stages: &Value) {
    let Some(rows) = rows.as_array() else { return };
    let _ = writeln!(s, "\n评审工作情况 Accountability of its street and county");
    let n = |r: &Value, k: &str| r[k].as_i64();
    for r in rows {
        let street = r["level"].as_str() == Some("street");
        let unit = if street {
            format!("街道 {}", show(&r["street"]))
        } else {
            format!("区县 {}", show(&r["county"]))
        };
        let stops: Vec<String> = stages
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|st| {
                let k = n(r, &format!("stopped_at_{}", st["id"].as_str()?))?;
                (k > 0).then(|| format!("{} {k}", st["name"].as_str().unwrap_or("")))
            })
            .collect();
        let count = |k: &str| n(r, k).map_or("—".to_string(), |v| v.to_string());
        let mut line = format!(
            "  {unit}:申报 {},推荐 {},推荐后终止 {},认定 {},{} {},逾期决定 {}",
            count("applications"),
            count("recommended"),
            if stops.is_empty() {
                "0".to_string()
            } else {
                stops.join("、")
            },
            count("confirmed"),
            labels::falsification_confirmed(),
            count("falsifications_confirmed"),
            count("late_decisions"),
        );
        if !street {
            if r["filed_source"].as_str() == Some("recorded") {
                let filed = |on: &str, late: &str| {
                    r[on]
                        .as_str()
                        .map_or("未收到".to_string(), |d| format!("{d} 收到"))
                        + &n(r, late).map_or(String::new(), |k| format!(",逾期 {k} 个工作日"))
                };
                line.push_str(&format!(
                    ";登记表 {};推荐名单 {}",
                    filed("register_received_on", "register_days_late"),
                    filed("list_received_on", "list_days_late")
                ));
            } else {
                line.push_str(";登记表、推荐名单收到日期未记录 filings not recorded");
            }
        }
        let _ = writeln!(s, "{line}");
    }
}

fn spot_check(s: &mut String, spot: &Value) {
    let _ = writeln!(s, "\n随机抽查 Spot check");
    match spot.as_array() {
        Some(a) if !a.is_empty() => {
            for x in a {
                let _ = writeln!(
                    s,
                    "  抽中 sampled: inclusion probability {} ({} of {} in the county)",
                    show(&x["inclusion_probability"]),
                    show(&x["county_sample_size"]),
                    show(&x["county_communities"])
                );
            }
        }
        _ => {
            let _ = writeln!(s, "  未抽中 not sampled");
        }
    }
}
