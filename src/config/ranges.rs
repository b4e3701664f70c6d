//! The range checks of the rules, declared beside each parameter struct.
//! `rules_struct!` declares a section of the rules (a serde struct that
//! refuses unknown keys) with, per field, its type, doc and range kind, and
//! derives the section's `Ranged::check_under`, which names the first key out
//! of range in full. Cross-field checks (one key against another) are small
//! functions next to their struct, named by `cross = …;`.
//!
//! The range kinds are the functions below: each takes the full key and the
//! value and returns (key, value, expected) when the value is out of range.

/// A value that is not valid: (key, value, expected), the key written in
/// full (`reinspection.min_reemployment_rate`, `detectors.<id>.<key>`).
pub type Invalid = (String, String, String);

pub use super::stages::stage_list;

/// A section of the rules whose keys are range-checked.
pub trait Ranged {
    /// Checks every key; `prefix` is the section's path (`"score."`), so
    /// that the first key out of range is named in full.
    fn check_under(&self, prefix: &str) -> Result<(), Invalid>;
}

/// Declares a section of the rules and its range checks, e.g.
///
/// ```ignore
/// rules_struct! {
///     /// The section's doc.
///     pub struct Params {
///         /// At least this many.
///         min_count: i64 => count,
///     }
///     cross = a_function_of_params_and_prefix;
/// }
/// ```
macro_rules! rules_struct {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $(
                $(#[$fmeta:meta])*
                $field:ident: $ty:ty => $kind:ident,
            )*
        }
        $(cross = $cross:path;)?
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, serde::Deserialize, serde::Serialize)]
        #[serde(deny_unknown_fields)]
        pub struct $name {
            $($(#[$fmeta])* pub $field: $ty,)*
        }

        impl $crate::config::ranges::Ranged for $name {
            fn check_under(&self, prefix: &str) -> Result<(), $crate::config::ranges::Invalid> {
                let _ = prefix;
                $($crate::config::ranges::$kind(
                    &format!("{prefix}{}", stringify!($field)),
                    &self.$field,
                )?;)*
                $($cross(self, prefix)?;)?
                Ok(())
            }
        }
    };
}
pub(crate) use rules_struct;

/// The error naming `key`.
pub fn bad(key: &str, value: impl ToString, expected: &str) -> Result<(), Invalid> {
    Err((key.to_string(), value.to_string(), expected.to_string()))
}

/// Any value of the field's type (serde has checked it).
pub fn any<T>(_key: &str, _v: &T) -> Result<(), Invalid> {
    Ok(())
}

/// A section inside the section: its own keys, under `key.`.
pub fn nested<T: Ranged>(key: &str, v: &T) -> Result<(), Invalid> {
    v.check_under(&format!("{key}."))
}

/// A whole number of 0 or more.
pub fn count(key: &str, v: &i64) -> Result<(), Invalid> {
    if *v < 0 {
        return bad(key, v, "a whole number of 0 or more");
    }
    Ok(())
}

/// A whole number of 1 or more.
pub fn at_least_one(key: &str, v: &i64) -> Result<(), Invalid> {
    if *v < 1 {
        return bad(key, v, "a whole number of 1 or more");
    }
    Ok(())
}

/// A whole number of days, 1 or more.
pub fn days(key: &str, v: &i64) -> Result<(), Invalid> {
    if *v < 1 {
        return bad(key, v, "a whole number of days, 1 or more");
    }
    Ok(())
}

/// A fraction between 0 and 1.
pub fn fraction(key: &str, v: &f64) -> Result<(), Invalid> {
    if !(0.0..=1.0).contains(v) {
        return bad(key, v, "a fraction between 0 and 1");
    }
    Ok(())
}

/// A finite number of 0 or more.
pub fn non_negative(key: &str, v: &f64) -> Result<(), Invalid> {
    if !(*v >= 0.0 && v.is_finite()) {
        return bad(key, v, "a number of 0 or more");
    }
    Ok(())
}

/// A score weight of 0 or more.
pub fn weight(key: &str, v: &f64) -> Result<(), Invalid> {
    if *v < 0.0 {
        return bad(key, v, "a weight of 0 or more");
    }
    Ok(())
}

/// A significance level strictly between 0 and 1.
pub fn alpha(key: &str, v: &f64) -> Result<(), Invalid> {
    if !(*v > 0.0 && *v < 1.0) {
        return bad(key, v, "a significance level between 0 and 1 (exclusive)");
    }
    Ok(())
}

/// A list of one or more names, none empty or repeated.
pub fn names(key: &str, v: &[String]) -> Result<(), Invalid> {
    if v.is_empty() {
        return bad(key, "[]", "a list of one or more names");
    }
    if let Some(n) = v.iter().find(|n| n.trim().is_empty()) {
        return bad(key, format!("{n:?}"), "names that are not empty");
    }
    let mut seen = std::collections::BTreeSet::new();
    if let Some(n) = v.iter().find(|n| !seen.insert(n.as_str())) {
        return bad(key, format!("{n:?}"), "each name once");
    }
    Ok(())
}
