//! The review year's applications: claimed rates beside the registry's, and
//! the claims beyond the claimed-vs-registry tolerance, judged as the
//! detector judges them (`detectors::tolerance`).

use std::collections::BTreeMap;

use polars::prelude::*;

use super::communities::Community;
use crate::detectors::tolerance;
use crate::error::Result;
use crate::frame::{floats, strings};

/// One application's claimed rates beside the registry's.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Claim {
    pub code: String,
    pub name: String,
    pub claimed_reemployment_rate: Option<f64>,
    pub registry_reemployment_rate: Option<f64>,
    pub claimed_hardship_employment_rate: Option<f64>,
    pub registry_hardship_employment_rate: Option<f64>,
}

/// A claimed rate above the registry's by more than the tolerance.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Excess {
    pub registry: f64,
    pub claimed: f64,
    pub name: String,
}

/// Claimed rates of the year's applications beside the registry's, in
/// community order (one application per community and year at most is
/// expected; every row is shown).
pub fn claims(apps: &DataFrame, by_code: &BTreeMap<String, Community>) -> Result<Vec<Claim>> {
    let code = strings(apps, "community_code")?;
    let reemployment = floats(apps, "claimed_reemployment_rate")?;
    let hardship = floats(apps, "claimed_hardship_employment_rate")?;
    let mut rows: Vec<Claim> = (0..apps.height())
        .filter_map(|k| {
            let c = by_code.get(code[k].as_deref()?)?;
            Some(Claim {
                code: c.code.clone(),
                name: c.name.clone(),
                claimed_reemployment_rate: reemployment[k],
                registry_reemployment_rate: c.reemployment_rate,
                claimed_hardship_employment_rate: hardship[k],
                registry_hardship_employment_rate: c.hardship_employment_rate,
            })
        })
        .collect();
    rows.sort_by(|a, b| a.code.cmp(&b.code));
    Ok(rows)
}

/// The claims above the tolerance line, largest excess first.
pub fn beyond_tolerance(claims: &[Claim], tolerance_pp: f64) -> Vec<Excess> {
    let mut out: Vec<Excess> = claims
        .iter()
        .flat_map(|c| {
            [
                (c.registry_reemployment_rate, c.claimed_reemployment_rate),
                (
                    c.registry_hardship_employment_rate,
                    c.claimed_hardship_employment_rate,
                ),
            ]
            .into_iter()
            .filter_map(|(r, k)| {
                Some(Excess {
                    registry: r?,
                    claimed: k?,
                    name: c.name.clone(),
                })
            })
        })
        .filter(|e| tolerance::exceeds(tolerance::excess_pp(e.claimed, e.registry), tolerance_pp))
        .collect();
    out.sort_by(|a, b| {
        (b.claimed - b.registry)
            .total_cmp(&(a.claimed - a.registry))
            .then(a.name.cmp(&b.name))
    });
    out
}

/// A claim of the re-employment rate beside the registry's, for tests.
#[cfg(test)]
pub(crate) fn claim(name: &str, registry: f64, claimed: f64) -> Claim {
    Claim {
        name: name.into(),
        registry_reemployment_rate: Some(registry),
        claimed_reemployment_rate: Some(claimed),
        ..Claim::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_claims_beyond_the_tolerance_count_largest_excess_first() {
        let claims = [
            claim("诚实社区", 0.80, 0.82),
            claim("远超社区", 0.60, 0.90),
            claim("超出社区", 0.50, 0.60),
            // 0.75 − 0.70 is 5.000000000000004 points in binary: within 5.
            claim("恰在线上社区", 0.70, 0.75),
        ];
        let named: Vec<String> = beyond_tolerance(&claims, 5.0)
            .into_iter()
            .map(|e| e.name)
            .collect();
        assert_eq!(named, ["远超社区", "超出社区"]);
    }
}
