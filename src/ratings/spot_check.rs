//! The spot-check draw (随机抽查, docs/rules.md): per year and county, a sample of
//! the communities under re-inspection, drawn with probability proportional
//! to `1 + risk_score`, without replacement, reproducible from the seed.
//!
//! Method: πps inclusion probabilities with capping (a unit whose probability
//! would exceed 1 is taken with certainty and the rest re-spread), then
//! randomised systematic sampling over the other units: shuffle them, lay
//! their probabilities end to end, and take the unit under each point u, u+1,
//! u+2, … for one uniform u. Each unit is then included with exactly its
//! probability and the sample has exactly the planned size.

use std::collections::BTreeMap;

use polars::prelude::*;
use rand_chacha::ChaCha20Rng;
use rand_chacha::rand_core::{Rng, SeedableRng};
use sha2::{Digest, Sha256};

use crate::config::rules::SpotCheckRules;
use crate::error::Result;

/// Planned sample size for a county of `population` communities:
/// max(`min_per_county`, ⌈`fraction` × N⌉), never more than N.
pub fn sample_size(population: usize, rules: &SpotCheckRules) -> usize {
    // The small allowance keeps a product such as 0.1 × 30 = 3.0000000000000004
    // from rounding up to a whole extra community.
    let share = (rules.fraction * population as f64 - 1e-9).ceil().max(0.0) as usize;
    share
        .max(rules.min_per_county.max(0) as usize)
        .min(population)
}

/// Inclusion probabilities proportional to `sizes` for a sample of `n`,
/// capped at 1: units that would exceed 1 are certain and the remaining
/// sample is spread over the others in proportion to their sizes, repeated
/// until none exceeds 1. They sum to n (for n ≤ the number of units).
pub fn inclusion_probabilities(sizes: &[f64], n: usize) -> Vec<f64> {
    let mut certain = vec![false; sizes.len()];
    loop {
        let left = n.saturating_sub(certain.iter().filter(|c| **c).count()) as f64;
        let total: f64 = sizes
            .iter()
            .zip(&certain)
            .filter(|(_, c)| !**c)
            .map(|(s, _)| *s)
            .sum();
        let share = |s: f64| if total > 0.0 { left * s / total } else { 0.0 };
        let mut capped = false;
        for (i, s) in sizes.iter().enumerate() {
            if !certain[i] && share(*s) >= 1.0 {
                certain[i] = true;
                capped = true;
            }
        }
        if !capped {
            return sizes
                .iter()
                .zip(&certain)
                .map(|(s, c)| if *c { 1.0 } else { share(*s) })
                .collect();
        }
    }
}

/// The generator of one county's draw. The seed is mixed with the year and
/// the county through SHA-256, so each county's draw is stable on its own:
/// adding a county or a year elsewhere does not change this one.
fn county_rng(seed: u64, year: i64, county: &str) -> ChaCha20Rng {
    let mut h = Sha256::new();
    h.update(b"fullemp/spot_check/v1");
    h.update(seed.to_le_bytes());
    h.update(year.to_le_bytes());
    h.update(county.as_bytes());
    let digest = h.finalize();
    let mut key = [0u8; 32];
    key.copy_from_slice(&digest);
    ChaCha20Rng::from_seed(key)
}

/// A uniform number in [0, 1) from the top 53 bits.
fn uniform(rng: &mut ChaCha20Rng) -> f64 {
    (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// A uniform whole number in 0..bound, without modulo bias.
fn below(rng: &mut ChaCha20Rng, bound: usize) -> usize {
    let bound = bound as u64;
    let zone = u64::MAX - (u64::MAX % bound);
    loop {
        let x = rng.next_u64();
        if x < zone {
            return (x % bound) as usize;
        }
    }
}

/// Draws units given their inclusion probabilities: the certain ones, plus a
/// randomised systematic sample of the rest. Returns unit positions, sorted.
pub fn draw_units(probabilities: &[f64], rng: &mut ChaCha20Rng) -> Vec<usize> {
    let mut chosen: Vec<usize> = (0..probabilities.len())
        .filter(|i| probabilities[*i] >= 1.0)
        .collect();
    let mut rest: Vec<usize> = (0..probabilities.len())
        .filter(|i| probabilities[*i] < 1.0)
        .collect();
    let wanted =
        chosen.len() + rest.iter().map(|i| probabilities[*i]).sum::<f64>().round() as usize;
    for i in (1..rest.len()).rev() {
        rest.swap(i, below(rng, i + 1));
    }
    let mut point = uniform(rng);
    let mut reach = 0.0;
    for &i in &rest {
        reach += probabilities[i];
        // One point at most per unit: each probability is below 1.
        if point < reach {
            chosen.push(i);
            point += 1.0;
        }
    }
    // Rounding in the running sum could leave the last point a hair beyond
    // the end; the last units of the shuffled order then make up the size.
    for &i in rest.iter().rev() {
        if chosen.len() >= wanted {
            break;
        }
        if !chosen.contains(&i) {
            chosen.push(i);
        }
    }
    chosen.sort_unstable();
    chosen
}

/// The `spot_checks` table: one row per sampled community and year.
pub fn draw(ratings: &DataFrame, risk: LazyFrame, rules: &SpotCheckRules) -> Result<DataFrame> {
    let population = super::with_risk(
        ratings.clone().lazy().filter(col("under_reinspection")),
        risk,
    )
    .select({
        let mut c = super::identity_columns();
        c.extend([col("verdict"), col("risk_score")]);
        c
    })
    .sort(
        ["year", "county", "community_code"],
        SortMultipleOptions::default(),
    )
    .collect()?;

    let years = population.column("year")?.i64()?;
    let counties = population.column("county")?.str()?;
    let risks = population.column("risk_score")?.i64()?;
    let mut groups: BTreeMap<(i64, String), Vec<usize>> = BTreeMap::new();
    for i in 0..population.height() {
        let key = (
            years.get(i).unwrap_or_default(),
            counties.get(i).unwrap_or_default().to_string(),
        );
        groups.entry(key).or_default().push(i);
    }

    let (mut rows, mut probability, mut county_n, mut sample_n) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for ((year, county), members) in &groups {
        let n = sample_size(members.len(), rules);
        let sizes: Vec<f64> = members
            .iter()
            .map(|&i| 1.0 + risks.get(i).unwrap_or(0).max(0) as f64)
            .collect();
        let pi = inclusion_probabilities(&sizes, n);
        let mut rng = county_rng(rules.seed, *year, county);
        for k in draw_units(&pi, &mut rng) {
            rows.push(members[k] as IdxSize);
            probability.push(pi[k]);
            county_n.push(members.len() as i64);
            sample_n.push(n as i64);
        }
    }
    let sampled = population
        .take(&IdxCa::from_vec("row".into(), rows))?
        .hstack(&[
            Column::new("inclusion_probability".into(), probability),
            Column::new("county_communities".into(), county_n),
            Column::new("county_sample_size".into(), sample_n),
        ])?;
    Ok(sampled)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(fraction: f64, min_per_county: i64) -> SpotCheckRules {
        SpotCheckRules {
            fraction,
            min_per_county,
            seed: 7,
        }
    }

    #[test]
    fn sample_size_is_the_larger_of_share_and_minimum_capped_at_the_county() {
        assert_eq!(sample_size(10, &rules(0.2, 1)), 2, "⌈0.2 × 10⌉ = 2");
        assert_eq!(sample_size(11, &rules(0.2, 1)), 3, "⌈2.2⌉ = 3");
        assert_eq!(sample_size(3, &rules(0.2, 1)), 1, "⌈0.6⌉ = 1");
        assert_eq!(sample_size(30, &rules(0.1, 1)), 3, "0.1 × 30 is 3, not 4");
        assert_eq!(
            sample_size(2, &rules(0.2, 3)),
            2,
            "a county smaller than the minimum is taken whole"
        );
        assert_eq!(sample_size(0, &rules(0.2, 1)), 0);
    }

    #[test]
    fn probabilities_are_proportional_and_capped() {
        // sizes 1,1,1,1,5 (risk 4 on the last), n = 1: 1/9 each and 5/9.
        let pi = inclusion_probabilities(&[1.0, 1.0, 1.0, 1.0, 5.0], 1);
        assert!((pi[0] - 1.0 / 9.0).abs() < 1e-12 && (pi[4] - 5.0 / 9.0).abs() < 1e-12);
        // sizes 20 and nine 1s, n = 2: 2 × 20 / 29 > 1, so it is certain and the
        // one remaining draw is spread over nine equal units: 1/9 each.
        let mut sizes = vec![20.0];
        sizes.extend([1.0; 9]);
        let pi = inclusion_probabilities(&sizes, 2);
        assert_eq!(pi[0], 1.0);
        assert!(pi[1..].iter().all(|p| (p - 1.0 / 9.0).abs() < 1e-12));
        assert!((pi.iter().sum::<f64>() - 2.0).abs() < 1e-12);
    }

    #[test]
    fn each_unit_is_drawn_as_often_as_its_probability_says() {
        let pi = inclusion_probabilities(&[1.0, 2.0, 3.0, 4.0, 10.0, 1.0], 3);
        let mut hits = [0usize; 6];
        let draws = 20_000;
        for d in 0..draws {
            let mut rng = county_rng(d, 2021, "新华区");
            let units = draw_units(&pi, &mut rng);
            assert_eq!(units.len(), 3, "always exactly the planned size");
            for u in units {
                hits[u] += 1;
            }
        }
        for (h, p) in hits.iter().zip(&pi) {
            let share = *h as f64 / draws as f64;
            // Four binomial standard errors at most (sd ≤ 0.0036 here).
            assert!((share - p).abs() < 0.015, "drawn {share}, expected {p}");
        }
    }
}
