//! The rule registry: every re-inspection rule (复查) and every component of
//! the city-level score (市级/星级), declared once, in the order of the rule
//! tables of `docs/rules.md`. The verdict, the margin, the score, the labels,
//! the charts, the data dictionary and `explain` all read these lists; none
//! of them names a rule by itself.
//!
//! Adding a rule is three edits: its entry here, its key in the rules file
//! (`config::rules::ReinspectionRules` and `pipelines/rules/default.toml`)
//! and its line in `docs/rules.md`. A test fails when one of the three is
//! missing (`tests/rule_registry.rs`).

use crate::config::rules::{RateComponent, ReinspectionRules, ScoreRules};
use crate::contract::Table;

/// What a rule asks of its indicator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Test {
    /// The rate is at least the threshold (a rate at the threshold holds).
    AtLeast,
    /// The rate is at most the threshold.
    AtMost,
    /// The count is zero: the veto (一票否决).
    Zero,
    /// The flag is true: the platform.
    True,
    /// The panel confirmed no falsification of the community that year.
    NoneConfirmed,
}

/// Where a rule's setting lives in the rules file's `[reinspection]`
/// section; the key is always the rule's id.
#[derive(Clone, Copy)]
pub enum Setting {
    /// A threshold, read from the rules.
    Threshold(fn(&ReinspectionRules) -> f64),
    /// A switch that turns the rule on or off.
    Switch(fn(&ReinspectionRules) -> bool),
    /// No key: the rule is always in force.
    Always,
}

/// The optional table a rule's indicator is built on: with it missing the
/// rule cannot be judged, unless `unless_zero` (a count) is 0, which makes the
/// rule not applicable whatever the table.
#[derive(Debug, Clone, Copy)]
pub struct Needs {
    pub table: Table,
    pub unless_zero: Option<&'static str>,
}

/// The counted persons behind a rate, for the margin (差几人): the
/// numerator whose loss lowers the rate, and its denominator.
#[derive(Debug, Clone, Copy)]
pub struct Persons {
    pub numerator: &'static str,
    pub denominator: &'static str,
}

/// How a rule reads in Chinese. A rate rule is the indicator's name (one
/// spelling, `labels::indicator`) and a word after it; the others have
/// their own name and a sentence for a failure, where `{value}` is the
/// failing value.
#[derive(Debug, Clone, Copy)]
pub enum Words {
    /// 登记失业人员就业率 + 不足.
    AfterIndicator(&'static str),
    Own {
        name: &'static str,
        failing: &'static str,
    },
}

/// One re-inspection rule.
#[derive(Clone, Copy)]
pub struct Rule {
    /// The rule's id, which is also its rules key.
    pub id: &'static str,
    /// The indicator column it reads.
    pub indicator: &'static str,
    pub test: Test,
    pub setting: Setting,
    pub needs: Option<Needs>,
    pub persons: Option<Persons>,
    pub zh: Words,
    /// The rule in English, for the data dictionary and `explain --json`.
    pub en: &'static str,
}

impl Rule {
    /// Whether the rules put the rule in force.
    pub fn in_force(&self, rules: &ReinspectionRules) -> bool {
        match self.setting {
            Setting::Switch(on) => on(rules),
            Setting::Threshold(_) | Setting::Always => true,
        }
    }

    /// The rule's threshold under `rules`, for a rate rule.
    pub fn threshold(&self, rules: &ReinspectionRules) -> Option<f64> {
        match self.setting {
            Setting::Threshold(read) => Some(read(rules)),
            Setting::Switch(_) | Setting::Always => None,
        }
    }

    /// Whether the rule compares a rate with a threshold.
    pub fn is_rate(&self) -> bool {
        matches!(self.test, Test::AtLeast | Test::AtMost)
    }
}

/// Every re-inspection rule, in the order of the rule table.
pub const RULES: &[Rule] = &[
    Rule {
        id: "zero_household_veto",
        indicator: "zero_households_overdue",
        test: Test::Zero,
        setting: Setting::Switch(|r| r.zero_household_veto),
        needs: None,
        persons: None,
        zh: Words::Own {
            name: "零就业家庭未按期清零(一票否决)",
            failing: "零就业家庭 {value} 户超期未清零(一票否决)",
        },
        en: "no zero-employment household overdue (veto)",
    },
    Rule {
        id: "min_reemployment_rate",
        indicator: "reemployment_rate",
        test: Test::AtLeast,
        setting: Setting::Threshold(|r| r.min_reemployment_rate),
        needs: None,
        persons: Some(Persons {
            numerator: "reemployed_in_period",
            denominator: "unemployed_in_period",
        }),
        zh: Words::AfterIndicator("不足"),
        en: "re-employment rate of the registered unemployed at least the threshold",
    },
    Rule {
        id: "min_hardship_employment_rate",
        indicator: "hardship_employment_rate",
        test: Test::AtLeast,
        setting: Setting::Threshold(|r| r.min_hardship_employment_rate),
        needs: None,
        persons: Some(Persons {
            numerator: "hardship_employed",
            denominator: "hardship_persons",
        }),
        zh: Words::AfterIndicator("不足"),
        en: "employment rate of persons with employment difficulties at least the threshold",
    },
    Rule {
        id: "max_registered_unemployment_rate",
        indicator: "registered_unemployment_rate",
        test: Test::AtMost,
        setting: Setting::Threshold(|r| r.max_registered_unemployment_rate),
        needs: None,
        persons: None,
        zh: Words::AfterIndicator("过高"),
        en: "registered unemployment rate at most the threshold",
    },
    Rule {
        id: "min_assistance_coverage",
        indicator: "assistance_coverage",
        test: Test::AtLeast,
        setting: Setting::Threshold(|r| r.min_assistance_coverage),
        needs: Some(Needs {
            table: Table::Services,
            unless_zero: Some("assistance_targets"),
        }),
        persons: Some(Persons {
            numerator: "assisted",
            denominator: "hardship_persons",
        }),
        zh: Words::AfterIndicator("不足"),
        en: "employment assistance coverage at least the threshold",
    },
    Rule {
        id: "require_platform",
        indicator: "platform_ok",
        test: Test::True,
        setting: Setting::Switch(|r| r.require_platform),
        needs: Some(Needs {
            table: Table::Platform,
            unless_zero: None,
        }),
        persons: None,
        zh: Words::Own {
            name: "服务平台不达标",
            failing: "基层服务平台未达标",
        },
        en: "community service platform in order",
    },
    Rule {
        id: FALSIFICATION,
        indicator: "confirmed_findings",
        test: Test::NoneConfirmed,
        setting: Setting::Always,
        needs: None,
        persons: None,
        zh: Words::Own {
            name: "查实弄虚作假",
            failing: "查实弄虚作假",
        },
        en: "no falsification confirmed by the panel",
    },
];

/// The rule of `id`, if it is one.
pub fn rule(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}

/// The id of the rule the panel's confirmed falsifications fail
/// (查实弄虚作假), also the shortlist's reason for setting an application
/// aside.
pub const FALSIFICATION: &str = "falsification_confirmed";

/// The rule the panel's confirmed falsifications fail.
pub fn falsification() -> &'static Rule {
    rule(FALSIFICATION).expect("the registry has the falsification rule")
}

/// How a score component earns its points.
#[derive(Clone, Copy)]
pub enum Earns {
    /// In proportion between the rate component's `zero_at` and `full_at`.
    Rate(fn(&ScoreRules) -> &RateComponent),
    /// Its whole weight for a true flag.
    Flag,
}

/// One component of the city-level score.
#[derive(Clone, Copy)]
pub struct Component {
    /// The indicator it reads (also its `[score]` key).
    pub indicator: &'static str,
    pub earns: Earns,
    pub en: &'static str,
}

impl Component {
    /// The published column: `score_` and the indicator.
    pub fn column(&self) -> String {
        format!("score_{}", self.indicator)
    }
}

const fn rate(
    indicator: &'static str,
    read: fn(&ScoreRules) -> &RateComponent,
    en: &'static str,
) -> Component {
    Component {
        indicator,
        earns: Earns::Rate(read),
        en,
    }
}

/// Every score component, in the order of the score table.
#[rustfmt::skip]
pub const COMPONENTS: &[Component] = &[
    rate("reemployment_rate", |s| &s.reemployment_rate, "re-employment rate points"),
    rate("hardship_employment_rate", |s| &s.hardship_employment_rate, "hardship employment rate points"),
    rate("registered_unemployment_rate", |s| &s.registered_unemployment_rate, "registered unemployment rate points (lower is better)"),
    rate("assistance_coverage", |s| &s.assistance_coverage, "assistance coverage points"),
    rate("new_jobs_per_100_labor_force", |s| &s.new_jobs_per_100_labor_force, "new jobs per 100 labour force points"),
    Component { indicator: "platform_ok", earns: Earns::Flag, en: "platform points" },
];

/// The component of `column`, if it is one.
pub fn component(column: &str) -> Option<&'static Component> {
    COMPONENTS.iter().find(|c| c.column() == column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_columns_are_unique() {
        let mut ids: Vec<&str> = RULES.iter().map(|r| r.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), RULES.len());
        let mut names: Vec<&str> = COMPONENTS.iter().map(|c| c.indicator).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), COMPONENTS.len());
    }

    #[test]
    fn a_rate_rule_has_a_threshold_and_only_a_rate_rule_has_persons() {
        let rules = crate::config::Rules::default().reinspection;
        for r in RULES {
            assert_eq!(r.is_rate(), r.threshold(&rules).is_some(), "{}", r.id);
            assert!(r.persons.is_none() || r.test == Test::AtLeast, "{}", r.id);
        }
    }
}
