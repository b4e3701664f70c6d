//! The rows of the disqualification list (提请取消资格名单): the provincial
//! communities under re-inspection in the review year that fail it, whether
//! on a rule's figures or because the panel confirmed a falsification
//! (which fails the verdict too, `ratings::verdict`), each with its reasons
//! in words: the failing rules with their values, and every confirmed
//! finding with what it was, who checked it and when.

use super::Community;
use crate::config::rules::VerificationRules;
use crate::contract::identity::mask_identities_in;
use crate::detectors::verified::Verified;
use crate::labels;
use crate::ratings::verdict::FALSIFICATION_CONFIRMED;

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
        .filter(|c| c.under_reinspection && c.verdict.as_deref() == Some("fail"))
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
            confirmed: confirmed
                .iter()
                .filter(|k| k.community_code == c.code && k.year == year)
                .map(|k| {
                    let mut line = format!(
                        "{}:{}({})",
                        labels::FALSIFICATION_CONFIRMED,
                        labels::checked_item(&k.detector),
                        mask_identities_in(&labels::checked_by_on(
                            k.checked_by.as_deref(),
                            k.checked_on
                        ))
                    );
                    if let Some(n) = k.note.as_deref().filter(|n| !n.trim().is_empty()) {
                        line.push_str(&format!(";{}", mask_identities_in(n)));
                    }
                    line
                })
                .collect(),
        })
        .collect()
}
