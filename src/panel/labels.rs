//! The Chinese words the panel reads for the run's English ids, one label
//! per word, used by the report, the forms and `explain`: verdicts, levels,
//! reinspection rules, detectors (their labels stay in each detector's file
//! and are read through `detectors::ALL`), severities, tables, reject
//! reasons, indicators and score components; and how a number reads on the
//! panel (a null as a dash). An id without a label is shown as it is, never
//! dropped.

use crate::ratings::registry::{self, Test, Words};
use crate::ratings::score;
use crate::ratings::verdict::Verdict;

/// A verdict of the re-inspection (复查).
pub fn verdict(v: Option<Verdict>) -> &'static str {
    match v {
        Some(Verdict::Pass) => "合格",
        Some(Verdict::Fail) => "不合格",
        Some(Verdict::Incomplete) => "数据不全",
        None => "不在复查范围",
    }
}

/// A verdict as the answer 是 / 否 to "passed the re-inspection?" (the
/// register's pass column); a verdict that could not be reached says so
/// rather than guessing.
pub fn passed(verdict: Option<Verdict>) -> &'static str {
    match verdict {
        Some(Verdict::Pass) => "是",
        Some(Verdict::Fail) => "否",
        _ => "待定(数据不全)",
    }
}

/// The county's own re-inspection conclusion (`reinspections`) beside the
/// verdict the data give: the documents' words for the two and for a
/// disagreement.
pub const COUNTY_CONCLUSION: &str = "区县复查结论";
pub const COMPUTED_VERDICT: &str = "数据核算结论";
pub const COUNTY_DISAGREES: &str = "与区县结论不一致";

/// The county's recorded word as the answer 是 / 否 to "passed the
/// re-inspection?" (the register's pass column).
pub fn county_passed(word: &str) -> &'static str {
    if word == crate::contract::review_records::COUNTY_PASSED {
        "是"
    } else {
        "否"
    }
}

/// A finding's severity.
pub fn severity(s: &str) -> &'static str {
    match s {
        "high" => "高",
        "medium" => "中",
        "low" => "低",
        _ => "未知",
    }
}

/// What a finding of each severity asks of the panel: the legend printed
/// before the findings.
pub fn severity_meaning(s: &str) -> &'static str {
    match s {
        "high" => {
            "记录之间相互矛盾(如同一人被两个社区同时计入、身份号码不合校验规则),或统计异常另有同一批记录中的独立佐证(如截止日后才录入、用人单位别无他人受雇),须逐条核实,核实前不作结论。"
        }
        "medium" => {
            "仅有统计异常或证据单薄、没有独立佐证的一批记录,其中不少有正当解释,查看后再作判断。"
        }
        "low" => "值得关注的线索,不指向具体的错误记录,可作为抽查、复核时留意的方向。",
        _ => "",
    }
}

/// The margin beside a pass: "差 1 人不达标".
pub fn margin(persons: i64) -> String {
    format!("差 {persons} 人不达标")
}

/// The rate a margin rule is about, for "差 N 人不达标(登记失业人员就业率)":
/// the name of the indicator the rule reads.
pub fn margin_rule(id: &str) -> String {
    registry::rule(id).map_or_else(|| id.to_string(), |r| indicator(r.indicator).to_string())
}

/// A reject reason of the rejects table in Chinese; `rejects.parquet` keeps
/// the English. A reason without a label is shown as it is.
pub fn reject_reason(reason: &str) -> String {
    match reason {
        "required cell empty" => "必填项为空".into(),
        "unparseable value" => "无法识别的值".into(),
        "value outside the allowed set" => "值不在允许范围内".into(),
        "end date before start date" => "结束日期早于开始日期".into(),
        "duplicate key" => "主键重复".into(),
        "more fields than the header" => "字段数多于表头".into(),
        "fewer fields than the header" => "字段数少于表头".into(),
        "file ends inside a quoted field" => "文件在引号内结束(引号未闭合)".into(),
        "identifier saved as a number" => "证件号码或编码被存成数字(Excel 只保留 15 位)".into(),
        "community not in the communities table" => "社区不在社区名册中".into(),
        "no application for the community and year" => "该社区该年度没有申报".into(),
        "decision not allowed at its stage" => "结论不是该评审环节可选的值".into(),
        "decided before the application was submitted" => "决定日期早于申报日期".into(),
        "an earlier stage missing or not passed" => "前一评审环节缺失或未通过".into(),
        "an objection unresolved or upheld" => "公示异议未处理或异议成立".into(),
        "county not in the communities table" => "区县不在社区名册中".into(),
        "not a detector or spot check" => "核实事项既不是疑点类型也不是抽查".into(),
        other => other.to_string(),
    }
}

/// A failing rule as the panel reads it, from one item of the ratings'
/// `failing_detail` ("min_reemployment_rate 0.5294 vs 0.7000"):
/// "登记失业人员就业率 52.9%,低于 70%". The value takes as many decimals as
/// it needs to read on the failing side of the threshold. The report and
/// `explain` both write failing rules with this one function.
pub fn failing_rule(item: &str) -> String {
    let mut parts = item.split_whitespace();
    let (Some(id), Some(value), Some("vs"), Some(threshold)) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return item.to_string();
    };
    let Some(r) = registry::rule(id) else {
        return format!("{}({item})", rule(id));
    };
    let rate = |v: &str| v.parse::<f64>().ok().filter(|x| x.is_finite());
    match (r.test, r.zh, rate(value), rate(threshold)) {
        (Test::True, _, _, _) if value == crate::ratings::verdict::NO_PLATFORM_RECORD => {
            NO_PLATFORM_RECORD.into()
        }
        (Test::AtLeast | Test::AtMost, _, Some(v), Some(t)) => {
            let above = r.test == Test::AtMost;
            format!(
                "{} {},{} {}",
                indicator(r.indicator),
                rate_beside(v, t, above),
                if above { "高于" } else { "低于" },
                threshold_percent(t)
            )
        }
        (Test::Zero, Words::Own { failing, .. }, Some(n), _) => {
            failing.replace("{value}", &n.to_string())
        }
        (Test::True | Test::NoneConfirmed, Words::Own { failing, .. }, _, _) => failing.into(),
        _ => format!("{}({item})", rule(id)),
    }
}

/// A threshold as a percentage without trailing zeros: 0.7 → "70%", 0.045 → "4.5%".
fn threshold_percent(t: f64) -> String {
    let text = format!("{:.2}", t * 100.0);
    format!("{}%", text.trim_end_matches('0').trim_end_matches('.'))
}

/// A failing rate with one decimal, or more when one decimal would round it
/// onto the threshold (0.69996 against 70% reads 69.996%, not 70.0%).
fn rate_beside(v: f64, t: f64, above: bool) -> String {
    for decimals in 1..=4 {
        let shown: f64 = format!("{:.decimals$}", v * 100.0)
            .parse()
            .unwrap_or(v * 100.0);
        let clear = if above {
            shown > t * 100.0
        } else {
            shown < t * 100.0
        };
        if clear {
            return format!("{shown:.decimals$}%");
        }
    }
    format!("{:.4}%", v * 100.0)
}

/// A stage's state in words, with the timeline row's CSS class.
pub fn stage_state(state: crate::ratings::calendar::State) -> (String, &'static str) {
    use crate::ratings::calendar::State;
    match state {
        State::Done => ("已过".into(), "done"),
        State::Overdue(0) => ("已逾期".into(), "overdue"),
        State::Overdue(n) => (format!("逾期 {n} 个工作日"), "overdue"),
        State::DueToday => ("今日截止".into(), "today"),
        State::DueIn(0) => ("截止前最后一个工作日".into(), "today"),
        State::DueIn(n) => (format!("还有 {n} 个工作日"), "due"),
        State::StartsIn(n) => (format!("未开始,还有 {n} 个工作日开始"), "due"),
        State::Running(0) => ("进行中,今日为最后一个工作日".into(), "running"),
        State::Running(n) => (format!("进行中,今日后还有 {n} 个工作日"), "running"),
    }
}

/// Why an application is off the shortlist, in words; an empty
/// recommendation cell reads as waiting (待定).
pub fn set_aside_reason(reason: &str) -> String {
    match reason {
        "unknown_community" => "社区不在社区名录中".into(),
        "no_indicators_for_year" => "该年度无指标".into(),
        "street_not_recommending" => "街道不推荐".into(),
        "county_not_recommending" => "县区不推荐".into(),
        "street_not_decided" => "待定(街道尚未作出推荐决定)".into(),
        "county_not_decided" => "待定(县区尚未作出推荐决定)".into(),
        id if id == registry::falsification().id => {
            format!("{},本年度不得列入推荐名单", falsification_confirmed())
        }
        other => other.to_string(),
    }
}

/// A community's city level, with its stars.
pub fn level(level: Option<&str>, stars: i64) -> String {
    match level {
        Some("星级") => format!("星级({})", "★".repeat(stars.max(0) as usize)),
        Some(l) => l.to_string(),
        None => "未达市级".into(),
    }
}

/// A re-inspection rule a community fails: the registry's words.
pub fn rule(id: &str) -> String {
    match registry::rule(id).map(|r| (r, r.zh)) {
        Some((r, Words::AfterIndicator(word))) => format!("{}{word}", indicator(r.indicator)),
        Some((_, Words::Own { name, .. })) => name.into(),
        None => id.to_string(),
    }
}

/// What a key of the rules' `[reinspection]`, `[score]` or `[shortlist]`
/// sets, in words, for the rules a comparison lists
/// (`panel::compare::rules`): a rate rule's threshold is its indicator's
/// lower or upper bound, a switch is its rule's name, a score key names its
/// component. Any other key has no words (empty): it is shown by its key.
pub fn rules_key(key: &str) -> String {
    let parts: Vec<&str> = key.split('.').collect();
    match parts.as_slice() {
        ["reinspection", "missing_platform"] => format!("{NO_PLATFORM_RECORD}的认定"),
        ["reinspection", id] => match registry::rule(id) {
            Some(r) if r.test == Test::AtLeast => format!("{}下限", indicator(r.indicator)),
            Some(r) if r.test == Test::AtMost => format!("{}上限", indicator(r.indicator)),
            Some(_) => rule(id),
            None => String::new(),
        },
        ["score", "city_level_min"] => format!("{}{BAND_SCORE}", level(Some(score::CITY), 0)),
        ["score", "star_bands"] => format!("{}{BAND_SCORE}", STAR_BANDS),
        ["score", "null_scores_full"] => "指标为空时得满分".into(),
        // The score's veto is keyed by the veto rule's id.
        ["score", id] if registry::rule(id).is_some() => format!("{}:不评市级、星级", rule(id)),
        ["score", component, part] => {
            let part = match *part {
                "weight" => "满分",
                "zero_at" => "零分点",
                "full_at" => "满分点",
                other => other,
            };
            format!("{}{part}", indicator(component))
        }
        ["shortlist", "county_quota"] => "区县推荐名额".into(),
        _ => String::new(),
    }
}

/// The score from which a level or star is reached (分数线), after the
/// level's words.
pub const BAND_SCORE: &str = "分数线";

/// The star levels together, for the list of their scores.
pub const STAR_BANDS: &str = "各星级";

/// The band of the `k`-th star (1 to 5), as the level it reaches: "星级(★★)".
pub fn star_band(k: usize) -> String {
    level(Some(score::STAR), k as i64)
}

/// A community with no platform record for the year (the platform rule
/// failed for want of a record, and the score's platform points).
pub use crate::contract::names::NO_PLATFORM_RECORD;

/// The failing reason of a falsification the panel confirmed, as the notice
/// words it: the falsification rule's name.
pub fn falsification_confirmed() -> &'static str {
    match registry::falsification().zh {
        Words::Own { name, .. } => name,
        Words::AfterIndicator(_) => registry::FALSIFICATION,
    }
}

/// What a verified finding shows: 已核实不属实 / 已核实属实.
pub fn verification(result: &str) -> String {
    match result {
        crate::contract::review_records::DISMISSED => "已核实不属实".into(),
        crate::contract::review_records::CONFIRMED => "已核实属实".into(),
        other => other.to_string(),
    }
}

/// The item a check is about: a detector's name, or 随机抽查 for a
/// spot-check visit.
pub fn checked_item(detector: &str) -> String {
    if detector == crate::contract::review_records::SPOT_CHECK {
        "随机抽查(申报数据核实)".into()
    } else {
        self::detector(detector)
    }
}

/// Who checked and when: "张三 2021年11月2日核实" (either part may be missing).
pub fn checked_by_on(by: Option<&str>, on: Option<chrono::NaiveDate>) -> String {
    let on = on.map(|d| format!("{}核实", d.format("%Y年%-m月%-d日")));
    match (by.filter(|b| !b.trim().is_empty()), on) {
        (Some(b), Some(o)) => format!("{b} {o}"),
        (Some(b), None) => format!("{b}核实"),
        (None, Some(o)) => o,
        (None, None) => "已核实".into(),
    }
}

/// A detector's name, from the detector's own unit (`detectors::registry`).
pub fn detector(id: &str) -> String {
    crate::detectors::registry::find(id).map_or_else(|| id.to_string(), |d| d.label.to_string())
}

/// An indicator or score component, as the bureau's forms word it (the
/// indicators' own names, `contract::names`).
pub fn indicator(name: &str) -> &str {
    crate::contract::names::chinese(name)
}

/// A table of the extract.
pub fn table(name: &str) -> String {
    match name {
        "communities" => "社区名录".into(),
        "persons" => "人员台账".into(),
        "unemployment" => "失业登记".into(),
        "employment" => "就业登记".into(),
        "hardship" => "就业困难人员认定".into(),
        "zero_households" => "零就业家庭".into(),
        "services" => "就业服务记录".into(),
        "platform" => "服务平台".into(),
        "applications" => "申报表".into(),
        "decisions" => "评审记录".into(),
        "verifications" => "核实记录".into(),
        other => other.to_string(),
    }
}

pub fn yes_no(v: Option<bool>) -> &'static str {
    match v {
        Some(true) => "是",
        Some(false) => "否",
        None => "—",
    }
}

/// A rate as a percentage with one decimal; a null rate as a dash.
pub fn percent(v: Option<f64>) -> String {
    v.map_or_else(|| "—".into(), |v| format!("{:.1}%", v * 100.0))
}

/// An evidence share as a whole percentage ("85%"); a null share as a dash.
pub fn share(v: Option<f64>) -> String {
    v.map_or_else(|| "—".into(), |v| format!("{:.0}%", v * 100.0))
}

/// The heading of an evidence share: the part of a figure that durable
/// records back (有据).
pub const EVIDENCE: &str = "有据";

pub fn count(v: Option<i64>) -> String {
    v.map_or_else(|| "—".into(), |v| v.to_string())
}

pub fn number(v: Option<f64>, decimals: usize) -> String {
    v.map_or_else(|| "—".into(), |v| format!("{v:.decimals$}"))
}

/// The sheet a panel record is kept on, as the bureau names it (评审记录,
/// 核实记录, 异议登记, 取消资格审批, 报送登记): the contract's name of its table.
pub fn record_sheet(table: crate::contract::Table) -> &'static str {
    table.spec().chinese
}

/// One field of a panel record as a change line names it: a stage's
/// decision by the 评审记录 sheet's own headers (结论, 意见, 日期, 决定单位),
/// any other field by its sheet header (the contract's Chinese name).
pub fn record_field(table: crate::contract::Table, column: &str) -> String {
    use crate::contract::review_records::STAGE_FIELDS;
    let stage_field = match column {
        "decision" => Some(STAGE_FIELDS[0]),
        "opinion" => Some(STAGE_FIELDS[1]),
        "decided_on" => Some(STAGE_FIELDS[2]),
        "decided_by" => Some(STAGE_FIELDS[3]),
        _ => None,
    };
    match (table, stage_field) {
        (crate::contract::Table::Decisions, Some(w)) => w.to_string(),
        _ => table
            .spec()
            .column(column)
            .map_or_else(|| column.to_string(), |c| c.chinese.to_string()),
    }
}

/// Who and which year a record is about: "光明社区(410402001001)2021年度"; a
/// county's filing (no community) "新华区 2021年度".
pub fn record_subject(name: Option<&str>, code: &str, year: &str) -> String {
    match name {
        Some(n) => format!("{n}({code}){year}年度"),
        None => format!("{code} {year}年度"),
    }
}

/// An objection by the day it was received: "2022-01-05受理的异议".
pub fn objection_received(on: &str) -> String {
    format!("{on}受理的异议")
}

/// What a record line is about: the subject and the item, the empty ones
/// left out.
fn record_about(subject: &str, item: &str) -> String {
    [subject, item]
        .iter()
        .filter(|s| !s.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A value of a change line; an empty cell as (空).
fn record_value(v: Option<&str>) -> &str {
    v.filter(|v| !v.is_empty()).unwrap_or("(空)")
}

/// "2022-01-21 评审记录中删除了 光明社区(410402001001)2021年度 县级初选 的结论":
/// the run of that day no longer read the record; `what` is the field its
/// outcome was in (`record_field`).
pub fn record_withdrawn(
    on: chrono::NaiveDate,
    table: crate::contract::Table,
    subject: &str,
    item: &str,
    what: &str,
) -> String {
    let about = record_about(subject, item);
    format!("{on} {}中删除了 {about} 的{what}", record_sheet(table))
}

/// "2022-01-21 评审记录中 光明社区(410402001001)2021年度 县级初选 的结论由 推荐
/// 改为 不推荐", each field that changed (field, before, after) in turn.
pub fn record_changed(
    on: chrono::NaiveDate,
    table: crate::contract::Table,
    subject: &str,
    item: &str,
    changes: &[(String, Option<String>, Option<String>)],
) -> String {
    let about = record_about(subject, item);
    let what = changes
        .iter()
        .map(|(f, b, a)| {
            format!(
                "{f}由 {} 改为 {}",
                record_value(b.as_deref()),
                record_value(a.as_deref())
            )
        })
        .collect::<Vec<_>>()
        .join(",");
    format!("{on} {}中 {about} 的{what}", record_sheet(table))
}

/// A version's status in the decisions log: 现行, 已改动, 已删除.
pub fn record_status(status: &str) -> &str {
    match status {
        "current" => "现行",
        "changed" => "已改动",
        "withdrawn" => "已删除",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::RejectReason;

    #[test]
    fn every_indicator_and_component_has_a_chinese_label() {
        for name in crate::indicators::INDICATORS {
            assert_ne!(indicator(name), name, "{name}");
        }
        for c in crate::ratings::registry::COMPONENTS {
            assert_ne!(indicator(c.indicator), c.indicator, "{}", c.indicator);
        }
    }

    #[test]
    fn failing_rules_read_as_the_panel_says_them() {
        assert_eq!(
            failing_rule("min_reemployment_rate 0.5294 vs 0.7000"),
            "登记失业人员就业率 52.9%,低于 70%"
        );
        assert_eq!(
            failing_rule("max_registered_unemployment_rate 0.0523 vs 0.0400"),
            "登记失业率 5.2%,高于 4%"
        );
        assert_eq!(
            failing_rule("min_hardship_employment_rate 0.6999 vs 0.7000"),
            "就业困难人员就业率 69.99%,低于 70%",
            "one decimal would read 70.0%, as if it were at the threshold"
        );
        assert_eq!(
            failing_rule("min_assistance_coverage 0.8000 vs 0.9500"),
            "就业援助覆盖率 80.0%,低于 95%"
        );
        assert_eq!(
            failing_rule("zero_household_veto 2 vs 0"),
            "零就业家庭 2 户超期未清零(一票否决)"
        );
        assert_eq!(
            failing_rule("require_platform false vs true"),
            "基层服务平台未达标"
        );
        assert_eq!(
            failing_rule("require_platform no_record vs true"),
            "无平台建设记录"
        );
        assert_eq!(failing_rule("a rule added later"), "a rule added later");
        assert_eq!(
            failing_rule("falsification_confirmed 1 vs 0"),
            "查实弄虚作假"
        );
    }

    #[test]
    fn every_failing_rule_of_the_verdict_has_its_words() {
        for rule in registry::RULES.iter().filter(|r| r.is_rate()) {
            let id = rule.id;
            let (v, t) = if rule.test == Test::AtMost {
                ("0.0900", "0.0400")
            } else {
                ("0.1000", "0.5000")
            };
            let words = failing_rule(&format!("{id} {v} vs {t}"));
            assert!(!words.contains(id) && !words.contains(v), "{words}");
        }
    }

    #[test]
    fn every_reject_reason_of_ingest_reads_in_chinese_and_an_unknown_one_as_it_is() {
        for r in RejectReason::ALL {
            let zh = reject_reason(r.as_str());
            assert_ne!(zh, r.as_str());
            assert!(!zh.is_ascii(), "{zh}");
        }
        assert_eq!(
            reject_reason("a reason added later"),
            "a reason added later"
        );
    }
}
