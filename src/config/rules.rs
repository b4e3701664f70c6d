//! The rules: every threshold and parameter of indicators, ratings and
//! detectors. Defaults live in `pipelines/rules/default.toml`, embedded here,
//! so the numbers are data in one file and never constants in code.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::ranges::{Invalid, Ranged, bad, rules_struct};

/// The default rules file, compiled in. A pipeline's own rules are laid over it.
pub const DEFAULT_RULES_TOML: &str = include_str!("../../pipelines/rules/default.toml");

rules_struct! {
    /// The whole rules file, one section per stage.
    pub struct Rules {
        indicators: IndicatorRules => nested,
        reinspection: ReinspectionRules => nested,
        score: ScoreRules => nested,
        shortlist: ShortlistRules => nested,
        spot_check: SpotCheckRules => nested,
        publicity: PublicityRules => nested,
        risk: RiskRules => nested,
        verifications: VerificationRules => nested,
        review: ReviewRules => nested,
        /// Checked by the detectors themselves (`detectors::registry::check`).
        detectors: DetectorRules => any,
    }
}

rules_struct! {
    /// `[review]`: the review's stages in order (`config::stages`).
    pub struct ReviewRules {
        stages: super::stages::Stages => stage_list,
    }
}

rules_struct! {
    /// `[indicators]`: working age and the indicators' day counts.
    pub struct IndicatorRules {
        min_working_age: i64 => any,
        retirement_age_male: i64 => any,
        retirement_age_female: i64 => any,
        clearance_days: i64 => count,
        long_term_days: i64 => count,
        min_staff: i64 => count,
        /// A job backs a figure durably when it lasts at least this many
        /// days, or is still open at the extract's end (docs/indicators.md,
        /// "Evidence quality").
        durable_job_days: i64 => days,
        /// A service is crowded when at least `service_crowd_persons` of
        /// the community's persons were served within this many days of it.
        service_crowd_days: i64 => days,
        /// See `service_crowd_days`.
        service_crowd_persons: i64 => count,
        /// A crowd must also hold this many times the persons the
        /// community's own pace of service puts in such a window (0: the
        /// count alone).
        service_crowd_pace: f64 => non_negative,
        /// A registration's closing is backed by a job of the person
        /// starting up to this many days after `ended_on`, or by a ledger
        /// stay ending within this many days of it (docs/indicators.md,
        /// "Evidence quality").
        closing_match_days: i64 => count,
        /// An evidence share below this is shown as thin in the report and
        /// `explain`.
        thin_evidence_below: f64 => fraction,
    }
    cross = working_ages;
}

impl IndicatorRules {
    /// The `[indicators]` of a run's effective rules (the manifest's
    /// `rules.effective`, TOML); the defaults when they do not read (a run
    /// published before a key existed).
    pub fn of_effective(effective: &str) -> IndicatorRules {
        toml::from_str::<Rules>(effective)
            .map(|r| r.indicators)
            .unwrap_or_else(|_| Rules::default().indicators)
    }
}

/// Both retirement ages lie above the minimum working age (itself 0 or more).
fn working_ages(ind: &IndicatorRules, prefix: &str) -> Result<(), Invalid> {
    if ind.min_working_age < 0 || ind.retirement_age_male <= ind.min_working_age {
        let key = format!("{prefix}retirement_age_male");
        return bad(
            &key,
            ind.retirement_age_male,
            "an age above min_working_age",
        );
    }
    if ind.retirement_age_female <= ind.min_working_age {
        let key = format!("{prefix}retirement_age_female");
        return bad(
            &key,
            ind.retirement_age_female,
            "an age above min_working_age",
        );
    }
    Ok(())
}

rules_struct! {
    /// `[reinspection]`: the thresholds of the re-inspection (复查).
    pub struct ReinspectionRules {
        zero_household_veto: bool => any,
        min_reemployment_rate: f64 => fraction,
        min_hardship_employment_rate: f64 => fraction,
        max_registered_unemployment_rate: f64 => fraction,
        min_assistance_coverage: f64 => fraction,
        require_platform: bool => any,
        /// How a community with no platform record for the year reads
        /// when the platform table came (docs/ratings.md).
        missing_platform: MissingPlatform => any,
    }
}

/// `[reinspection] missing_platform`: what a platform table with no row
/// for the community and year says, for the rule and the score alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MissingPlatform {
    /// No record is not a platform: the rule fails (无平台建设记录) and
    /// the score's platform component earns nothing.
    Fail,
    /// The old reading: the rule is not applicable and the component
    /// follows `score.null_scores_full`.
    NotApplicable,
}

rules_struct! {
    /// One rate component of the city-level score.
    #[derive(Copy)]
    pub struct RateComponent {
        weight: f64 => weight,
        zero_at: f64 => any,
        full_at: f64 => any,
    }
    cross = distinct_ends;
}

/// A rate component's two ends differ (the score divides by their distance).
fn distinct_ends(c: &RateComponent, prefix: &str) -> Result<(), Invalid> {
    if c.zero_at == c.full_at {
        let key = format!("{prefix}full_at");
        return bad(&key, c.full_at, "a value different from zero_at");
    }
    Ok(())
}

rules_struct! {
    /// One yes/no component of the city-level score.
    #[derive(Copy)]
    pub struct FlagComponent {
        weight: f64 => any,
    }
}

rules_struct! {
    /// `[score]`: the city-level (star) score.
    pub struct ScoreRules {
        null_scores_full: bool => any,
        zero_household_veto: bool => any,
        city_level_min: f64 => any,
        star_bands: Vec<f64> => any,
        reemployment_rate: RateComponent => nested,
        hardship_employment_rate: RateComponent => nested,
        registered_unemployment_rate: RateComponent => nested,
        assistance_coverage: RateComponent => nested,
        new_jobs_per_100_labor_force: RateComponent => nested,
        platform_ok: FlagComponent => nested,
    }
    cross = ascending_stars;
}

/// Five star bands in ascending order.
fn ascending_stars(s: &ScoreRules, prefix: &str) -> Result<(), Invalid> {
    if s.star_bands.len() != 5 || s.star_bands.windows(2).any(|w| w[0] > w[1]) {
        let key = format!("{prefix}star_bands");
        return bad(&key, format!("{:?}", s.star_bands), "five ascending scores");
    }
    Ok(())
}

rules_struct! {
    /// `[shortlist]`: the county quota of the recommendation list.
    pub struct ShortlistRules {
        county_quota: i64 => count,
    }
}

rules_struct! {
    /// `[spot_check]`: the random draw of the re-inspection.
    pub struct SpotCheckRules {
        fraction: f64 => fraction,
        min_per_county: i64 => count,
        seed: u64 => any,
    }
}

rules_struct! {
    /// `[publicity]`: the publicity period (公示).
    pub struct PublicityRules {
        working_days: i64 => at_least_one,
    }
}

rules_struct! {
    /// `[risk]`: points per finding by severity, and their cap.
    pub struct RiskRules {
        high: i64 => any,
        medium: i64 => any,
        low: i64 => any,
        cap: i64 => any,
    }
}

rules_struct! {
    /// `[verifications]`: which checks of the panel count as a confirmed
    /// falsification. `confirm_from` lists detector ids (and `抽查` for the
    /// spot-check visits), or `all`; the names are checked against the
    /// detectors when the pipeline is loaded (`detectors::verified::check`).
    pub struct VerificationRules {
        confirm_from: Vec<String> => names,
    }
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
    /// Checks the values serde cannot: ranges and orderings, declared beside
    /// each section above. Returns (key, value, expected) of the first
    /// offending key. The detectors' parameters are checked by the detectors
    /// (`detectors::registry::check`).
    pub fn check(&self) -> Result<(), Invalid> {
        self.check_under("")
    }
}
