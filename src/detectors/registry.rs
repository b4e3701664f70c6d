//! The one list of detectors and what each unit brings to it. A detector is
//! one file that holds its id, its Chinese label and rule, its parameters
//! (`Params`, declared with `config::ranges::rules_struct!`: serde, unknown
//! keys refused, each key's range beside it) and its `detect`. The list in `detectors/mod.rs` names the
//! files once; from it come the module declarations, the run order, the
//! parameter checks of the rules and the labels the report prints.
//!
//! The parameters' defaults are data: the detector's section of
//! `pipelines/rules/default.toml`, which the rules stage reads as TOML and
//! never interprets (it keeps no detector's name). The section is read into
//! `Params` here, when the pipeline is loaded (`check`) and again when the
//! detector runs.

use serde::de::DeserializeOwned;

use crate::config::ranges::Ranged;

use super::{Finding, Inputs};
use crate::config::rules::{DetectorRules, DetectorSection};
use crate::error::{Error, Result};

/// A parameter that is not valid: (key, value, expected), the key written
/// in full (`detectors.<id>.<key>`).
pub use crate::config::ranges::Invalid;

/// One detector as the list holds it.
pub struct Detector {
    /// Its id, as findings and the rules name it.
    pub id: &'static str,
    /// Its name as the panel reads it (the report's headings and flags).
    pub label: &'static str,
    /// The rule in one Chinese sentence (the report's legend); a function,
    /// since a rule naming an indicator reads its name from
    /// `contract::names`.
    pub rule: fn() -> String,
    /// Whether it reads the counted frames (`counted`): the readers run
    /// first, and the run lets the remembered frames go once the last of
    /// them is done (`detect_all_with`). A detector that reads them without
    /// the mark computes them again if they were let go.
    pub reads_counted: bool,
    /// Reads and range-checks its section of the rules.
    pub check: fn(&DetectorSection) -> std::result::Result<(), Invalid>,
    /// Reads its section and runs it.
    pub run: fn(&Inputs, &DetectorSection) -> Result<Vec<Finding>>,
}

/// A section's parameters (every key but `enabled`) as the detector's
/// `Params`. A wrong type is named by its key, against the type of the
/// shipped default.
pub fn params<P: DeserializeOwned>(
    id: &str,
    section: &DetectorSection,
) -> std::result::Result<P, Invalid> {
    toml::Value::Table(section.params.clone())
        .try_into()
        .map_err(|e: toml::de::Error| {
            wrong_type(id, section).unwrap_or_else(|| {
                (
                    format!("detectors.{id}"),
                    e.message().trim().to_string(),
                    "the keys and types of docs/rules.md".to_string(),
                )
            })
        })
}

/// The first key of the section whose value is not of its default's type
/// (a whole number stands for a decimal one).
fn wrong_type(id: &str, section: &DetectorSection) -> Option<Invalid> {
    let defaults = crate::config::Rules::default().detectors;
    let shipped = &defaults.section(id)?.params;
    section.params.iter().find_map(|(key, value)| {
        let default = shipped.get(key)?;
        let same = std::mem::discriminant(value) == std::mem::discriminant(default)
            || (value.is_integer() && default.is_float());
        (!same).then(|| {
            (
                format!("detectors.{id}.{key}"),
                value.to_string(),
                format!(
                    "{} like the default {default}",
                    match default {
                        toml::Value::Integer(_) => "a whole number",
                        toml::Value::Float(_) => "a number",
                        toml::Value::Boolean(_) => "true or false",
                        _ => "a value",
                    }
                ),
            )
        })
    })
}

/// Reads and range-checks a section as the detector's `Params`.
pub fn checked<P: DeserializeOwned + Ranged>(
    id: &str,
    section: &DetectorSection,
) -> std::result::Result<(), Invalid> {
    params::<P>(id, section)?.check_under(&format!("detectors.{id}."))
}

/// A section's parameters, or the rules' error naming the key.
pub fn parsed<P: DeserializeOwned>(id: &str, section: &DetectorSection) -> Result<P> {
    params(id, section).map_err(|(key, value, expected)| {
        Error::usage(format!(
            "rules: key `{key}`: {value} is not valid (expected {expected})"
        ))
    })
}

/// A detector's parameters read from the rules, or the rules' error.
pub fn read<P: DeserializeOwned>(rules: &DetectorRules, id: &str) -> Result<P> {
    let section = rules
        .section(id)
        .ok_or_else(|| Error::usage(format!("the rules have no section detectors.{id}")))?;
    parsed(id, section)
}

/// Checks every detector's section of the rules: each present and valid,
/// none unknown. Returns the first offending key.
pub fn check(rules: &DetectorRules) -> std::result::Result<(), Invalid> {
    for d in super::ALL {
        let Some(section) = rules.section(d.id) else {
            return Err((
                format!("detectors.{}", d.id),
                "missing".into(),
                "a section for every detector".into(),
            ));
        };
        (d.check)(section)?;
    }
    if let Some(unknown) = rules.0.keys().find(|k| find(k).is_none()) {
        return Err((
            format!("detectors.{unknown}"),
            "an unknown detector".into(),
            "one of the detectors of docs/detectors.md".into(),
        ));
    }
    Ok(())
}

/// The detector of `id`.
pub fn find(id: &str) -> Option<&'static Detector> {
    super::ALL.iter().find(|d| d.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Rules;

    #[test]
    fn the_shipped_rules_hold_a_valid_section_for_every_detector_and_no_other() {
        let rules = Rules::default().detectors;
        assert_eq!(check(&rules), Ok(()));
        let ids: Vec<&str> = rules.0.keys().map(String::as_str).collect();
        let mut listed: Vec<&str> = crate::detectors::ALL.iter().map(|d| d.id).collect();
        listed.sort_unstable();
        assert_eq!(ids, listed);
    }

    #[test]
    fn a_value_out_of_range_a_wrong_type_a_missing_or_unknown_section_are_named() {
        let bad = |edit: &dyn Fn(&mut DetectorRules)| {
            let mut r = Rules::default().detectors;
            edit(&mut r);
            check(&r).unwrap_err()
        };
        let (key, value, _) = bad(&|r| r.set("digit_heaping", "alpha", 2.0));
        assert_eq!(
            (key.as_str(), value.as_str()),
            ("detectors.digit_heaping.alpha", "2")
        );
        let (key, _, _) = bad(&|r| r.set("cutoff_window_dressing", "window_days", 0));
        assert_eq!(key, "detectors.cutoff_window_dressing.window_days");
        let (key, _, _) = bad(&|r| r.set("employer_concentration", "max_share", 1.5));
        assert_eq!(key, "detectors.employer_concentration.max_share");
        let (key, value, expected) = bad(&|r| r.set("bulk_backfill", "min_count", "many"));
        assert_eq!(key, "detectors.bulk_backfill.min_count");
        assert_eq!(value, "\"many\"");
        assert_eq!(expected, "a whole number like the default 20");
        // A whole number where a decimal is expected is read as one.
        let mut r = Rules::default().detectors;
        r.set("implausible_change", "z", 4);
        assert_eq!(check(&r), Ok(()));
        let (key, _, _) = bad(&|r| {
            r.0.remove("duplicate_person");
        });
        assert_eq!(key, "detectors.duplicate_person");
        let (key, _, _) = bad(&|r| {
            let s = r.0["invalid_identity"].clone();
            r.0.insert("marginal_pass".into(), s);
        });
        assert_eq!(key, "detectors.marginal_pass");
    }

    #[test]
    fn labels_and_rules_are_chinese_and_ids_unique() {
        let mut ids = std::collections::BTreeSet::new();
        for d in crate::detectors::ALL {
            assert!(ids.insert(d.id), "{} listed twice", d.id);
            assert!(!d.label.is_ascii() && !(d.rule)().is_ascii(), "{}", d.id);
        }
        assert_eq!(
            find("digit_heaping").map(|d| d.label),
            Some("自报数字尾数异常")
        );
        assert!(find("marginal_pass").is_none());
    }
}
