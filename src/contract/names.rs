//! Each indicator's Chinese name, as the bureau's forms word it, and the
//! headers of the figures an application claims: the one place each is
//! spelled. The contract's headers, the detectors' explanations, the rule
//! registry's labels and every document read them from here.

/// The Chinese headers of the applications' claimed figures (自报), the
/// indicator's name after 自报.
pub const CLAIMED_REEMPLOYMENT_RATE: &str = "自报登记失业人员就业率";
pub const CLAIMED_HARDSHIP_EMPLOYMENT_RATE: &str = "自报就业困难人员就业率";
pub const CLAIMED_NEW_JOBS: &str = "自报新增就业人数";
pub const CLAIMED_ZERO_HOUSEHOLDS: &str = "自报零就业家庭户数";

/// A community with no platform record for the year: the platform rule's
/// failure and the register's words (无平台建设记录).
pub const NO_PLATFORM_RECORD: &str = "无平台建设记录";

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_claimed_header_is_the_indicator_s_name_after_zi_bao() {
        for (header, indicator) in [
            (CLAIMED_REEMPLOYMENT_RATE, "reemployment_rate"),
            (CLAIMED_HARDSHIP_EMPLOYMENT_RATE, "hardship_employment_rate"),
            (CLAIMED_NEW_JOBS, "new_jobs"),
        ] {
            assert_eq!(header, format!("自报{}", chinese(indicator)));
        }
    }
}
