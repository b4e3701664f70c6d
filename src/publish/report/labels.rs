//! The Chinese words the panel reads for the run's English ids: verdicts,
//! levels, rules, detectors, severities, tables. An id without a label is
//! shown as it is, never dropped.

pub fn verdict(v: Option<&str>) -> &'static str {
    match v {
        Some("pass") => "合格",
        Some("fail") => "不合格",
        Some("incomplete") => "数据不全",
        Some(_) => "其他",
        None => "不在复查范围",
    }
}

pub fn severity(s: &str) -> &'static str {
    match s {
        "high" => "高",
        "medium" => "中",
        "low" => "低",
        _ => "未知",
    }
}

pub fn level(level: Option<&str>, stars: i64) -> String {
    match level {
        Some("星级") => format!("星级({})", "★".repeat(stars.max(0) as usize)),
        Some(l) => l.to_string(),
        None => "未达市级".into(),
    }
}

pub fn rule(id: &str) -> String {
    match id {
        "zero_household_veto" => "零就业家庭未按期清零(一票否决)".into(),
        "min_reemployment_rate" => "登记失业人员就业率不足".into(),
        "min_hardship_employment_rate" => "就业困难人员就业率不足".into(),
        "max_registered_unemployment_rate" => "登记失业率过高".into(),
        "min_assistance_coverage" => "就业援助覆盖率不足".into(),
        "require_platform" => "服务平台不达标".into(),
        other => other.to_string(),
    }
}

/// A detector's name, from the detector's own unit (`detectors::registry`).
pub fn detector(id: &str) -> String {
    crate::detectors::registry::find(id).map_or_else(|| id.to_string(), |d| d.label.to_string())
}

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

pub fn count(v: Option<i64>) -> String {
    v.map_or_else(|| "—".into(), |v| v.to_string())
}

pub fn number(v: Option<f64>, decimals: usize) -> String {
    v.map_or_else(|| "—".into(), |v| format!("{v:.decimals$}"))
}
