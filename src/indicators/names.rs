//! Each indicator's Chinese name, as the bureau's forms word it: the one
//! place it is spelled. The detectors' explanations, the rule registry's
//! labels and every document read it from here.

/// The Chinese name of an indicator or score component; a name without
/// one is returned as it is.
pub fn chinese(name: &str) -> &str {
    match name {
        "labor_force" => "劳动力人数",
        "employed" => "就业人数",
        "registered_unemployed" => "登记失业人数",
        "registered_unemployment_rate" => "登记失业率",
        "unemployed_in_period" => "期内登记失业人数",
        "reemployed_in_period" => "期内实现就业人数",
        "reemployment_rate" => "登记失业人员就业率",
        "hardship_persons" => "就业困难人员数",
        "hardship_employed" => "就业困难人员已就业数",
        "hardship_employment_rate" => "就业困难人员就业率",
        "zero_households" => "零就业家庭数",
        "zero_households_open" => "未清零零就业家庭数",
        "zero_households_overdue" => "超期未清零家庭数",
        "zero_households_max_days" => "最长清零天数",
        "new_jobs" => "新增就业人数",
        "long_term_unemployed" => "长期失业人数",
        "assistance_targets" => "就业援助对象数",
        "assisted" => "已援助人数",
        "assistance_coverage" => "就业援助覆盖率",
        "services_delivered" => "服务人次",
        "platform_ok" => "基层平台达标",
        "new_jobs_per_100_labor_force" => "每百名劳动力新增就业",
        other => other,
    }
}
