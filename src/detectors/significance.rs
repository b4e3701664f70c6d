//! The exact tests the detectors run, from `statrs` (no special function is
//! written here), and how a p-value is printed for the panel.

use super::{Evidence, Finding};
use crate::contract::names::chinese;
use statrs::distribution::{Binomial, ChiSquared, ContinuousCDF, DiscreteCDF};

/// P(X ≥ k) for X ~ Binomial(n, p0): the one-sided exact binomial test's
/// p-value.
pub fn binomial_upper_tail(k: u64, n: u64, p0: f64) -> f64 {
    if k == 0 {
        return 1.0;
    }
    match Binomial::new(p0.clamp(0.0, 1.0), n) {
        // sf(k − 1) = P(X > k − 1) = P(X ≥ k).
        Ok(b) => b.sf(k - 1).clamp(0.0, 1.0),
        Err(_) => 1.0,
    }
}

/// The tallies whose count is more than chance allows: each with its
/// p-value (`binomial_upper_tail` of `count` = (k, n) against `base_share`)
/// below `alpha`, in the tallies' order.
pub fn above_chance<K, T>(
    tallies: impl IntoIterator<Item = (K, T)>,
    count: impl Fn(&T) -> (usize, i64),
    base_share: f64,
    alpha: f64,
) -> Vec<(K, T, f64)> {
    tallies
        .into_iter()
        .filter_map(|(key, t)| {
            let (k, n) = count(&t);
            let p_value = binomial_upper_tail(k as u64, n as u64, base_share);
            (p_value < alpha).then_some((key, t, p_value))
        })
        .collect()
}

/// The chi-square goodness-of-fit test of ten digit counts against ten
/// equally likely digits: the statistic and its p-value (upper tail, 9
/// degrees of freedom).
pub fn chi_square_uniform(counts: &[u64; 10]) -> (f64, f64) {
    let n: u64 = counts.iter().sum();
    if n == 0 {
        return (0.0, 1.0);
    }
    let expected = n as f64 / 10.0;
    let stat: f64 = counts
        .iter()
        .map(|&o| (o as f64 - expected).powi(2) / expected)
        .sum();
    let p = ChiSquared::new(9.0).map_or(1.0, |d| d.sf(stat).clamp(0.0, 1.0));
    (stat, p)
}

/// The chi-square statistic (9 degrees of freedom) above which the uniform
/// digits test gives p < `alpha`: the threshold a statistic is compared with.
pub fn chi_square_critical(alpha: f64) -> f64 {
    ChiSquared::new(9.0).map_or(f64::INFINITY, |d| d.inverse_cdf(1.0 - alpha))
}

/// How a count compares with chance, for an explanation: "正常情况约 5%，二项检验
/// p = 0.0001" (the honest share and the test's p-value).
pub fn against_chance(base_share: f64, p_value: f64) -> String {
    format!(
        "正常情况约 {:.0}%，二项检验 p = {}",
        base_share * 100.0,
        format_p(p_value)
    )
}

/// A p-value as a panel reads it: three decimals, or scientific when small.
pub fn format_p(p: f64) -> String {
    if p >= 0.001 {
        format!("{p:.3}")
    } else {
        format!("{p:.1e}")
    }
}

/// A test of a community's counted persons against chance: of the
/// `counted` persons behind `indicator`, `k` show the pattern, where an
/// honest community shows about `base_share` of them; `p_value` is the
/// exact binomial test's.
pub struct CountedTest {
    pub indicator: &'static str,
    pub k: usize,
    pub counted: i64,
    pub base_share: f64,
    pub p_value: f64,
}

impl CountedTest {
    pub fn new(
        indicator: &'static str,
        (k, counted): (usize, i64),
        (base_share, p_value): (f64, f64),
    ) -> CountedTest {
        CountedTest {
            indicator,
            k,
            counted,
            base_share,
            p_value,
        }
    }

    /// The share of the counted persons that show the pattern.
    pub fn share(&self) -> f64 {
        self.k as f64 / self.counted.max(1) as f64
    }

    /// The community's finding (`shell`: its detector, severity and place):
    /// "2021 年计入{indicator}的 40 人中有 12 人（30%）{pattern}，{against
    /// chance}；{corroboration}", with the share, the honest share and the
    /// p-value as figures.
    pub fn finding(
        self,
        shell: Finding,
        pattern: &str,
        corroboration: &str,
        evidence: Vec<Evidence>,
    ) -> Finding {
        let explanation = format!(
            "{} 年计入{}的 {} 人中有 {} 人（{:.0}%）{pattern}，{}；{corroboration}",
            shell.year,
            chinese(self.indicator),
            self.counted,
            self.k,
            self.share() * 100.0,
            against_chance(self.base_share, self.p_value),
        );
        let figures = (self.share(), self.base_share);
        shell.tested(explanation, figures, self.p_value, evidence)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binomial_tail_matches_scipy() {
        // scipy 1.17.1: scipy.stats.binomtest(8, 8, 0.5, alternative="greater").pvalue
        //   -> 0.00390625
        assert!((binomial_upper_tail(8, 8, 0.5) - 0.00390625).abs() < 1e-12);
        // scipy.stats.binomtest(9, 12, 0.5, alternative="greater").pvalue
        //   -> 0.072998046875
        assert!((binomial_upper_tail(9, 12, 0.5) - 0.072998046875).abs() < 1e-12);
        assert_eq!(binomial_upper_tail(0, 5, 0.3), 1.0);
    }

    #[test]
    fn chi_square_matches_scipy() {
        // scipy 1.17.1: scipy.stats.chisquare([12,0,0,0,0,10,0,0,0,0])
        //   -> statistic=88.90909090909092, pvalue=2.6943354163642016e-15
        let (stat, p) = chi_square_uniform(&[12, 0, 0, 0, 0, 10, 0, 0, 0, 0]);
        assert!((stat - 88.90909090909092).abs() < 1e-9);
        assert!((p / 2.6943354163642016e-15 - 1.0).abs() < 1e-6, "{p}");
        // scipy.stats.chisquare([3,2,2,1,3,2,4,1,2,1])
        //   -> statistic=4.238095238095237, pvalue=0.8950543699380206
        let (stat, p) = chi_square_uniform(&[3, 2, 2, 1, 3, 2, 4, 1, 2, 1]);
        assert!((stat - 4.238095238095237).abs() < 1e-9);
        assert!((p - 0.8950543699380206).abs() < 1e-9, "{p}");
        // scipy.stats.chi2.ppf(0.99, 9) -> 21.665994333461924
        assert!((chi_square_critical(0.01) - 21.665994333461924).abs() < 1e-6);
    }
}
