//! The rows of the disqualification list (提请取消资格名单): the provincial
//! communities under re-inspection in the review year that fail it, whether
//! on a rule's figures or because the panel confirmed a falsification
//! (which fails the verdict too, `ratings::verdict`), each with its reasons
//! in words: the failing rules with their values, and every confirmed
//! finding with what it was, who checked it and when.

use super::Community;
use crate::config::rules::VerificationRules;
use crate::detectors::verified::{Check, Verified};
use crate::panel::labels;
use crate::ratings::registry::FALSIFICATION as FALSIFICATION_CONFIRMED;

/// One community proposed for disqualification.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Disqualified {
    pub code: String,
    pub name: String,
    pub county: String,
    pub street: String,
    pub provincial_year: Option<i64>,
    /// The failing rules with their values, in words.
    pub failing: Vec<String>,
    /// The confirmed falsifications: "查实弄虚作假:<item>(<who> <when>核实)".
    pub confirmed: Vec<String>,
    /// Where the proposal stands at the province, in words (待省厅审批, or
    /// the answer recorded with its date and document number).
    pub province: String,
}

/// The review year's communities that fail re-inspection, in the order of
/// `communities` (county, street, code).
pub fn rows(
    communities: &[Community],
    year: i32,
    verified: &Verified,
    rules: &VerificationRules,
) -> Vec<Disqualified> {
    let confirmed = verified.confirmed(rules);
    communities
        .iter()
        .filter(|c| c.under_reinspection && c.verdict == Some(super::Verdict::Fail))
        .map(|c| Disqualified {
            code: c.code.clone(),
            name: c.name.clone(),
            county: c.county.clone(),
            street: c.street.clone(),
            provincial_year: c.provincial_year,
            failing: c
                .failing_detail
                .split("; ")
                .filter(|item| !item.is_empty() && !item.starts_with(FALSIFICATION_CONFIRMED))
                .map(labels::failing_rule)
                .collect(),
            confirmed: confirmed_lines(&confirmed, &c.code, year),
            province: super::province::words(None),
        })
        .collect()
}

/// An application kept off the shortlist because the panel confirmed a
/// falsification of its community that year.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Falsified {
    pub code: String,
    pub name: String,
    pub county: String,
    pub street: String,
    pub applied_level: String,
    /// As `Disqualified::confirmed`.
    pub confirmed: Vec<String>,
    /// The street and the county that recommended the application (its
    /// cells as the recorded decisions make them), each named when it did.
    pub recommended_by: Vec<String>,
}

/// Which of the year's applications their street and their county
/// recommended: code → (street, county), as accountability counts them
/// (`ratings::accountability::recommenders`).
pub fn recommenders(
    status: &polars::prelude::DataFrame,
    applications: Option<&polars::prelude::DataFrame>,
    decisions: Option<&polars::prelude::DataFrame>,
    stages: &crate::config::Stages,
    year: i32,
) -> crate::error::Result<std::collections::HashMap<String, (bool, bool)>> {
    Ok(
        crate::ratings::accountability::recommenders(status, applications, decisions, stages)?
            .into_iter()
            .filter(|((_, y), _)| *y == i64::from(year))
            .map(|((code, _), by)| (code, by))
            .collect(),
    )
}

/// The review year's applications set aside with `falsification_confirmed`
/// (`set_aside` of that year), with what was confirmed and the street and
/// county that recommended them.
pub fn falsified(
    set_aside: &polars::prelude::DataFrame,
    year: i32,
    verified: &Verified,
    rules: &VerificationRules,
    recommenders: &std::collections::HashMap<String, (bool, bool)>,
) -> crate::error::Result<Vec<Falsified>> {
    use crate::ratings::shortlist::FALSIFICATION_CONFIRMED as REASON;
    let confirmed = verified.confirmed(rules);
    Ok(super::shortlist::set_aside_rows(set_aside)?
        .into_iter()
        .filter(|r| r.reason.as_deref() == Some(REASON))
        .map(|r| Falsified {
            confirmed: confirmed_lines(&confirmed, &r.code, year),
            recommended_by: {
                let (street, county) = recommenders.get(&r.code).copied().unwrap_or_default();
                [(street, &r.street), (county, &r.county)]
                    .into_iter()
                    .filter(|(by, unit)| *by && !unit.is_empty())
                    .map(|(_, unit)| unit.clone())
                    .collect()
            },
            code: r.code,
            name: r.name,
            county: r.county,
            street: r.street,
            applied_level: r.applied_level,
        })
        .collect())
}

/// "查实弄虚作假:<item>(<who> <when>核实)[;<note>]" for each confirmed
/// falsification of `code` in `year`.
fn confirmed_lines(confirmed: &[&Check], code: &str, year: i32) -> Vec<String> {
    confirmed
        .iter()
        .filter(|k| k.community_code == code && k.year == year)
        .map(|k| {
            let mut line = format!(
                "{}:{}({})",
                labels::falsification_confirmed(),
                labels::checked_item(&k.detector),
                labels::checked_by_on(k.checked_by.as_deref(), k.checked_on)
            );
            if let Some(n) = k.note.as_deref().filter(|n| !n.trim().is_empty()) {
                line.push_str(&format!(";{n}"));
            }
            line
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use polars::prelude::*;

    #[test]
    fn a_falsified_application_names_the_units_that_recommended_it() {
        let set_aside = DataFrame::new_infer_height(vec![
            Column::new("community_code".into(), ["A", "B", "C"]),
            Column::new("community_name".into(), ["甲", "乙", "丙"]),
            Column::new("county".into(), ["新华区"; 3]),
            Column::new("street".into(), ["中兴路街道"; 3]),
            Column::new("applied_level".into(), ["市级"; 3]),
            Column::new(
                "reason".into(),
                [crate::ratings::shortlist::FALSIFICATION_CONFIRMED; 3],
            ),
        ])
        .unwrap();
        // A: both recommended; B: only its street; C: neither.
        let by = [("A", (true, true)), ("B", (true, false))]
            .into_iter()
            .map(|(c, b)| (c.to_string(), b))
            .collect();
        let rows = falsified(
            &set_aside,
            2021,
            &Verified::default(),
            &VerificationRules {
                confirm_from: vec!["all".into()],
            },
            &by,
        )
        .unwrap();
        let named: Vec<Vec<String>> = rows.into_iter().map(|r| r.recommended_by).collect();
        assert_eq!(
            named,
            [
                vec!["中兴路街道".to_string(), "新华区".to_string()],
                vec!["中兴路街道".to_string()],
                vec![]
            ]
        );
    }
}
