//! The rules: every threshold and parameter of indicators, ratings and
//! detectors. Defaults live in `pipelines/rules/default.toml`, embedded here,
//! so the numbers are data in one file and never constants in code.

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

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct DetectorRules {
    pub claimed_vs_registry: ClaimedVsRegistry,
    pub cutoff_window_dressing: CutoffWindowDressing,
    pub threshold_bunching: ThresholdBunching,
    pub unverified_clearance: UnverifiedClearance,
    pub reemployment_without_record: ReemploymentWithoutRecord,
    pub invalid_identity: Toggle,
    pub duplicate_person: Toggle,
    pub employer_concentration: EmployerConcentration,
    pub bulk_backfill: BulkBackfill,
    pub implausible_change: ImplausibleChange,
    pub digit_heaping: DigitHeaping,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Toggle {
    pub enabled: bool,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ClaimedVsRegistry {
    pub enabled: bool,
    pub tolerance_pp: f64,
    pub new_jobs_tolerance_share: f64,
    pub new_jobs_tolerance_persons: i64,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CutoffWindowDressing {
    pub enabled: bool,
    pub min_count: i64,
    pub window_days: i64,
    pub alpha: f64,
    pub short_share: f64,
    pub after_days: i64,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ThresholdBunching {
    pub enabled: bool,
    pub bandwidth: f64,
    pub alpha: f64,
    pub min_count: i64,
    pub margin_persons: i64,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct UnverifiedClearance {
    pub enabled: bool,
    pub grace_days: i64,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ReemploymentWithoutRecord {
    pub enabled: bool,
    pub min_count: i64,
    pub min_share: f64,
    pub match_days: i64,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct EmployerConcentration {
    pub enabled: bool,
    pub max_share: f64,
    pub min_count: i64,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct BulkBackfill {
    pub enabled: bool,
    pub min_count: i64,
    pub span_minutes: i64,
    pub backdate_days: i64,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ImplausibleChange {
    pub enabled: bool,
    pub z: f64,
    pub min_spread: f64,
    pub min_county_size: i64,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct DigitHeaping {
    pub enabled: bool,
    pub min_claimed: i64,
    pub min_values: i64,
    pub alpha: f64,
}

impl Default for Rules {
    fn default() -> Self {
        toml::from_str(DEFAULT_RULES_TOML).expect("the embedded default rules parse")
    }
}

impl Rules {
    /// Checks the values serde cannot: ranges and orderings. Returns
    /// (key, value, expected) of the first offending key.
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
            (
                "detectors.reemployment_without_record.min_share",
                self.detectors.reemployment_without_record.min_share,
            ),
            (
                "detectors.employer_concentration.max_share",
                self.detectors.employer_concentration.max_share,
            ),
            (
                "detectors.cutoff_window_dressing.short_share",
                self.detectors.cutoff_window_dressing.short_share,
            ),
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
        let d = &self.detectors;
        for (key, v) in [
            (
                "detectors.claimed_vs_registry.new_jobs_tolerance_persons",
                d.claimed_vs_registry.new_jobs_tolerance_persons,
            ),
            (
                "detectors.cutoff_window_dressing.min_count",
                d.cutoff_window_dressing.min_count,
            ),
            (
                "detectors.cutoff_window_dressing.after_days",
                d.cutoff_window_dressing.after_days,
            ),
            (
                "detectors.threshold_bunching.min_count",
                d.threshold_bunching.min_count,
            ),
            (
                "detectors.threshold_bunching.margin_persons",
                d.threshold_bunching.margin_persons,
            ),
            (
                "detectors.unverified_clearance.grace_days",
                d.unverified_clearance.grace_days,
            ),
            (
                "detectors.reemployment_without_record.min_count",
                d.reemployment_without_record.min_count,
            ),
            (
                "detectors.reemployment_without_record.match_days",
                d.reemployment_without_record.match_days,
            ),
            (
                "detectors.employer_concentration.min_count",
                d.employer_concentration.min_count,
            ),
            (
                "detectors.bulk_backfill.min_count",
                d.bulk_backfill.min_count,
            ),
            (
                "detectors.bulk_backfill.span_minutes",
                d.bulk_backfill.span_minutes,
            ),
            (
                "detectors.bulk_backfill.backdate_days",
                d.bulk_backfill.backdate_days,
            ),
            (
                "detectors.implausible_change.min_county_size",
                d.implausible_change.min_county_size,
            ),
            (
                "detectors.digit_heaping.min_claimed",
                d.digit_heaping.min_claimed,
            ),
            (
                "detectors.digit_heaping.min_values",
                d.digit_heaping.min_values,
            ),
        ] {
            if v < 0 {
                return bad(key, v, "a whole number of 0 or more");
            }
        }
        if d.cutoff_window_dressing.window_days < 1 {
            return bad(
                "detectors.cutoff_window_dressing.window_days",
                d.cutoff_window_dressing.window_days,
                "a whole number of days, 1 or more",
            );
        }
        for (key, v) in [
            (
                "detectors.claimed_vs_registry.tolerance_pp",
                d.claimed_vs_registry.tolerance_pp,
            ),
            (
                "detectors.claimed_vs_registry.new_jobs_tolerance_share",
                d.claimed_vs_registry.new_jobs_tolerance_share,
            ),
            (
                "detectors.threshold_bunching.bandwidth",
                d.threshold_bunching.bandwidth,
            ),
            ("detectors.implausible_change.z", d.implausible_change.z),
            (
                "detectors.implausible_change.min_spread",
                d.implausible_change.min_spread,
            ),
        ] {
            if !(v >= 0.0 && v.is_finite()) {
                return bad(key, v, "a number of 0 or more");
            }
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
        let alphas = [
            (
                "detectors.cutoff_window_dressing.alpha",
                self.detectors.cutoff_window_dressing.alpha,
            ),
            (
                "detectors.threshold_bunching.alpha",
                self.detectors.threshold_bunching.alpha,
            ),
            (
                "detectors.digit_heaping.alpha",
                self.detectors.digit_heaping.alpha,
            ),
        ];
        for (key, v) in alphas {
            if !(v > 0.0 && v < 1.0) {
                return bad(key, v, "a significance level between 0 and 1 (exclusive)");
            }
        }
        Ok(())
    }
}
