//! The rules: every threshold and parameter of indicators, ratings and
//! detectors. Defaults live in `pipelines/rules/default.toml`, embedded here,
//! so the numbers are data in one file and never constants in code.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The default rules file, compiled in. A pipeline's own rules are laid over it.
pub const DEFAULT_RULES_TOML: &str = include_str!("../../pipelines/rules/default.toml");

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Rules {
    pub indicators: IndicatorRules,
    pub reinspection: ReinspectionRules,
    pub score: ScoreRules,
    pub shortlist: ShortlistRules,
    pub spot_check: SpotCheckRules,
    pub publicity: PublicityRules,
    pub risk: RiskRules,
    pub detectors: DetectorRules,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct IndicatorRules {
    pub min_working_age: i64,
    pub retirement_age_male: i64,
    pub retirement_age_female: i64,
    pub clearance_days: i64,
    pub long_term_days: i64,
    pub min_staff: i64,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ReinspectionRules {
    pub zero_household_veto: bool,
    pub min_reemployment_rate: f64,
    pub min_hardship_employment_rate: f64,
    pub max_registered_unemployment_rate: f64,
    pub min_assistance_coverage: f64,
    pub require_platform: bool,
}

/// One rate component of the city-level score.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RateComponent {
    pub weight: f64,
    pub zero_at: f64,
    pub full_at: f64,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FlagComponent {
    pub weight: f64,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ScoreRules {
    pub null_scores_full: bool,
    pub zero_household_veto: bool,
    pub city_level_min: f64,
    pub star_bands: Vec<f64>,
    pub reemployment_rate: RateComponent,
    pub hardship_employment_rate: RateComponent,
    pub registered_unemployment_rate: RateComponent,
    pub assistance_coverage: RateComponent,
    pub new_jobs_per_100_labor_force: RateComponent,
    pub platform_ok: FlagComponent,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ShortlistRules {
    pub county_quota: i64,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SpotCheckRules {
    pub fraction: f64,
    pub min_per_county: i64,
    pub seed: u64,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PublicityRules {
    pub working_days: i64,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RiskRules {
    pub high: i64,
    pub medium: i64,
    pub low: i64,
    pub cap: i64,
}

/// The detectors' sections of the rules, by detector id. Every section has
/// `enabled`; its other keys are the detector's own parameters, which this
/// stage keeps as TOML: each detector reads and range-checks its section
/// itself (`detectors::registry`), so the rules stage names no detector and
/// adding one touches nothing here. The defaults still come from
/// `default.toml`, and a key it lacks is refused when the rules are laid
/// over it.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(transparent)]
pub struct DetectorRules(pub BTreeMap<String, DetectorSection>);

/// One detector's section: whether it runs, and its parameters.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
pub struct DetectorSection {
    pub enabled: bool,
    #[serde(flatten)]
    pub params: toml::Table,
}

impl DetectorRules {
    /// The section of detector `id`, if the rules have one.
    pub fn section(&self, id: &str) -> Option<&DetectorSection> {
        self.0.get(id)
    }

    /// Whether detector `id` runs: its section says so.
    pub fn enabled(&self, id: &str) -> bool {
        self.section(id).is_some_and(|s| s.enabled)
    }

    /// Switches detector `id` on or off (a section it lacks stays absent).
    pub fn set_enabled(&mut self, id: &str, on: bool) {
        if let Some(s) = self.0.get_mut(id) {
            s.enabled = on;
        }
    }

    /// Sets one parameter of detector `id`, as a rules file would.
    pub fn set(&mut self, id: &str, key: &str, value: impl Into<toml::Value>) {
        if let Some(s) = self.0.get_mut(id) {
            s.params.insert(key.to_string(), value.into());
        }
    }
}

impl Default for Rules {
    fn default() -> Self {
        toml::from_str(DEFAULT_RULES_TOML).expect("the embedded default rules parse")
    }
}

impl Rules {
    /// Checks the values serde cannot: ranges and orderings. Returns
    /// (key, value, expected) of the first offending key. The detectors'
    /// parameters are checked by the detectors (`detectors::registry::check`).
    pub fn check(&self) -> Result<(), (String, String, String)> {
        fn bad(
            key: &str,
            value: impl ToString,
            expected: &str,
        ) -> Result<(), (String, String, String)> {
            Err((key.to_string(), value.to_string(), expected.to_string()))
        }
        let fractions = [
            (
                "reinspection.min_reemployment_rate",
                self.reinspection.min_reemployment_rate,
            ),
            (
                "reinspection.min_hardship_employment_rate",
                self.reinspection.min_hardship_employment_rate,
            ),
            (
                "reinspection.max_registered_unemployment_rate",
                self.reinspection.max_registered_unemployment_rate,
            ),
            (
                "reinspection.min_assistance_coverage",
                self.reinspection.min_assistance_coverage,
            ),
            ("spot_check.fraction", self.spot_check.fraction),
        ];
        for (key, v) in fractions {
            if !(0.0..=1.0).contains(&v) {
                return bad(key, v, "a fraction between 0 and 1");
            }
        }
        let ind = &self.indicators;
        if ind.min_working_age < 0 || ind.retirement_age_male <= ind.min_working_age {
            return bad(
                "indicators.retirement_age_male",
                ind.retirement_age_male,
                "an age above min_working_age",
            );
        }
        if ind.retirement_age_female <= ind.min_working_age {
            return bad(
                "indicators.retirement_age_female",
                ind.retirement_age_female,
                "an age above min_working_age",
            );
        }
        for (key, v) in [
            ("indicators.clearance_days", ind.clearance_days),
            ("indicators.long_term_days", ind.long_term_days),
            ("indicators.min_staff", ind.min_staff),
            ("shortlist.county_quota", self.shortlist.county_quota),
            ("spot_check.min_per_county", self.spot_check.min_per_county),
        ] {
            if v < 0 {
                return bad(key, v, "a whole number of 0 or more");
            }
        }
        if self.publicity.working_days < 1 {
            return bad(
                "publicity.working_days",
                self.publicity.working_days,
                "a whole number of 1 or more",
            );
        }
        let s = &self.score;
        if s.star_bands.len() != 5 || s.star_bands.windows(2).any(|w| w[0] > w[1]) {
            return bad(
                "score.star_bands",
                format!("{:?}", s.star_bands),
                "five ascending scores",
            );
        }
        for (key, c) in [
            ("score.reemployment_rate", s.reemployment_rate),
            ("score.hardship_employment_rate", s.hardship_employment_rate),
            (
                "score.registered_unemployment_rate",
                s.registered_unemployment_rate,
            ),
            ("score.assistance_coverage", s.assistance_coverage),
            (
                "score.new_jobs_per_100_labor_force",
                s.new_jobs_per_100_labor_force,
            ),
        ] {
            if c.weight < 0.0 {
                return bad(&format!("{key}.weight"), c.weight, "a weight of 0 or more");
            }
            if c.zero_at == c.full_at {
                return bad(
                    &format!("{key}.full_at"),
                    c.full_at,
                    "a value different from zero_at",
                );
            }
        }
        Ok(())
    }
}
