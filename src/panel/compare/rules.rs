//! The rules that differ between a run's own rules and a candidate file
//! laid over them: each key whose value differs, both values, and whether a
//! comparison applies it. Re-rating a published run re-computes the
//! verdict, the score, the level and stars and the shortlist from the run's
//! own indicators, so it applies `[reinspection]`, `[score]` and
//! `[shortlist]`; any other key changes what a full run computes before the
//! ratings (indicators, findings, risk, the spot-check draw, the calendar),
//! and is listed as not applied.

use serde::Serialize;

use crate::panel::labels;

/// The sections a re-rating applies.
pub const APPLIED_SECTIONS: [&str; 3] = ["reinspection", "score", "shortlist"];

/// How an applied key and a key that is not reads on the page and the sheet.
pub const APPLIED: &str = "已应用";
pub const NOT_APPLIED: &str = "未应用:需重新运行";

/// One key whose value differs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DifferingRule {
    /// The full key, `section.key` (`score.reemployment_rate.weight`).
    pub key: String,
    /// What it sets, in words (empty for a key without words).
    pub label: String,
    /// The values as TOML writes them; "—" where a side lacks the key.
    pub current: String,
    pub candidate: String,
    pub applied: bool,
    /// `APPLIED` or `NOT_APPLIED`.
    pub applied_text: &'static str,
}

/// Whether a re-rating applies `key`.
pub fn applies(key: &str) -> bool {
    let section = key.split('.').next().unwrap_or("");
    APPLIED_SECTIONS.contains(&section)
}

/// Every key whose value differs between the two whole rules tables: the
/// applied ones first, then the others, each in the order of their keys.
pub fn differing(current: &toml::Table, candidate: &toml::Table) -> Vec<DifferingRule> {
    let (mut before, mut after) = (Vec::new(), Vec::new());
    leaves("", current, &mut before);
    leaves("", candidate, &mut after);
    let value_of = |list: &[(String, toml::Value)], key: &str| {
        list.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone())
    };
    let mut keys: Vec<String> = before.iter().map(|(k, _)| k.clone()).collect();
    keys.extend(
        after
            .iter()
            .map(|(k, _)| k.clone())
            .filter(|k| !before.iter().any(|(b, _)| b == k)),
    );
    let mut rows: Vec<DifferingRule> = keys
        .into_iter()
        .filter_map(|key| {
            let (now, then) = (value_of(&before, &key), value_of(&after, &key));
            if now == then {
                return None;
            }
            let applied = applies(&key);
            Some(DifferingRule {
                label: labels::rules_key(&key),
                current: shown(now.as_ref()),
                candidate: shown(then.as_ref()),
                applied,
                applied_text: if applied { APPLIED } else { NOT_APPLIED },
                key,
            })
        })
        .collect();
    rows.sort_by(|a, b| (!a.applied, &a.key).cmp(&(!b.applied, &b.key)));
    rows
}

/// Every value below `table` by its full key; a list (the star bands, the
/// review's stages) is one value.
fn leaves(prefix: &str, table: &toml::Table, out: &mut Vec<(String, toml::Value)>) {
    for (k, v) in table {
        let key = format!("{prefix}{k}");
        match v {
            toml::Value::Table(t) => leaves(&format!("{key}."), t, out),
            other => out.push((key, other.clone())),
        }
    }
}

/// A value as the rules file writes it; "—" for none.
fn shown(v: Option<&toml::Value>) -> String {
    v.map_or_else(|| "—".into(), toml::Value::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(text: &str) -> toml::Table {
        toml::from_str(text).unwrap()
    }

    #[test]
    fn only_differing_keys_are_listed_and_applied_by_section() {
        let current = table(
            "[reinspection]\nmin_reemployment_rate = 0.7\nrequire_platform = true\n\
             [score]\nstar_bands = [70.0, 78.0]\n[detectors.a]\nenabled = true\n",
        );
        let candidate = table(
            "[reinspection]\nmin_reemployment_rate = 0.75\nrequire_platform = true\n\
             [score]\nstar_bands = [72.0, 78.0]\n[detectors.a]\nenabled = false\n",
        );
        let rows = differing(&current, &candidate);
        let got: Vec<(&str, &str, &str, bool)> = rows
            .iter()
            .map(|r| {
                (
                    r.key.as_str(),
                    r.current.as_str(),
                    r.candidate.as_str(),
                    r.applied,
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("reinspection.min_reemployment_rate", "0.7", "0.75", true),
                ("score.star_bands", "[70.0, 78.0]", "[72.0, 78.0]", true),
                ("detectors.a.enabled", "true", "false", false),
            ]
        );
        assert_eq!(rows[2].applied_text, NOT_APPLIED);
        assert_eq!(rows[0].label, "登记失业人员就业率下限");
        assert!(differing(&current, &current).is_empty());
    }
}
