//! The one list of detectors and what each unit brings to it. A detector is
//! one file that holds its id, its Chinese label and rule, its parameters
//! (`Params`: serde, unknown keys refused, with `check` for the ranges serde
//! cannot see) and its `detect`. The list in `detectors/mod.rs` names the
//! files once; from it come the module declarations, the run order, the
//! parameter checks of the rules and the labels the report prints.
//!
//! The parameters' defaults are data: the detector's section of
//! `pipelines/rules/default.toml`, which the rules stage reads as TOML and
//! never interprets (it keeps no detector's name). The section is read into
//! `Params` here, when the pipeline is loaded (`check`) and again when the
//! detector runs.

use serde::de::DeserializeOwned;

use super::{Finding, Inputs};
use crate::config::rules::{DetectorRules, DetectorSection};
use crate::error::{Error, Result};

/// A parameter that is not valid: (key, value, expected), the key written
/// in full (`detectors.<id>.<key>`) once the registry has seen it.
pub type Invalid = (String, String, String);

/// One detector as the list holds it.
pub struct Detector {
    /// Its id, as findings and the rules name it.
    pub id: &'static str,
    /// Its name as the panel reads it (the report's headings and flags).
    pub label: &'static str,
    /// The rule in one Chinese sentence (the report's legend).
    pub rule: &'static str,
    /// Reads and range-checks its section of the rules.
    pub check: fn(&DetectorSection) -> std::result::Result<(), Invalid>,
    /// Reads its section and runs it.
    pub run: fn(&Inputs, &DetectorSection) -> Result<Vec<Finding>>,
}

/// A section's parameters (every key but `enabled`) as the detector's
/// `Params`. A wrong type comes back as the section's key with serde's words.
pub fn params<P: DeserializeOwned>(
    id: &str,
    section: &DetectorSection,
) -> std::result::Result<P, Invalid> {
    toml::Value::Table(section.params.clone())
        .try_into()
        .map_err(|e: toml::de::Error| {
            (
                format!("detectors.{id}"),
                e.message().trim().to_string(),
                "the keys and types of docs/rules.md".to_string(),
            )
        })
}

/// Writes a detector's own key in full.
pub fn qualified(id: &str, (key, value, expected): Invalid) -> Invalid {
    (format!("detectors.{id}.{key}"), value, expected)
}

/// A detector's parameters read from the rules, or the rules' error.
pub fn read<P: DeserializeOwned>(rules: &DetectorRules, id: &str) -> Result<P> {
    let section = rules
        .section(id)
        .ok_or_else(|| Error::usage(format!("the rules have no section detectors.{id}")))?;
    params(id, section).map_err(|(key, value, expected)| {
        Error::usage(format!(
            "rules: key `{key}`: {value} is not valid (expected {expected})"
        ))
    })
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

/// Range checks the parameters' `check` functions share. Each returns the
/// bare key; the registry writes it in full.
pub mod ranges {
    use super::Invalid;

    fn bad(key: &str, value: impl ToString, expected: &str) -> Result<(), Invalid> {
        Err((key.to_string(), value.to_string(), expected.to_string()))
    }

    /// A whole number of 0 or more.
    pub fn count(key: &str, v: i64) -> Result<(), Invalid> {
        if v < 0 {
            return bad(key, v, "a whole number of 0 or more");
        }
        Ok(())
    }

    /// A whole number of days, 1 or more.
    pub fn days(key: &str, v: i64) -> Result<(), Invalid> {
        if v < 1 {
            return bad(key, v, "a whole number of days, 1 or more");
        }
        Ok(())
    }

    /// A fraction between 0 and 1.
    pub fn fraction(key: &str, v: f64) -> Result<(), Invalid> {
        if !(0.0..=1.0).contains(&v) {
            return bad(key, v, "a fraction between 0 and 1");
        }
        Ok(())
    }

    /// A finite number of 0 or more.
    pub fn non_negative(key: &str, v: f64) -> Result<(), Invalid> {
        if !(v >= 0.0 && v.is_finite()) {
            return bad(key, v, "a number of 0 or more");
        }
        Ok(())
    }

    /// A significance level strictly between 0 and 1.
    pub fn alpha(key: &str, v: f64) -> Result<(), Invalid> {
        if !(v > 0.0 && v < 1.0) {
            return bad(key, v, "a significance level between 0 and 1 (exclusive)");
        }
        Ok(())
    }
}
