//! Deterministic randomness. Every community draws from its own ChaCha stream
//! keyed by (seed, community, purpose), so a community's rows depend on the
//! arguments alone and not on the order in which communities are written, and
//! a pattern can rebuild a neighbour's ledger without disturbing anything.

use chrono::{Datelike, Duration, NaiveDate};
use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{Rng as _, SeedableRng};

/// Purposes of the independent streams of one community.
#[derive(Debug, Clone, Copy)]
pub enum Stream {
    Skeleton = 1,
    Community = 2,
    Pattern = 3,
    Claims = 4,
    Knobs = 5,
    Confounder = 6,
    Gaps = 7,
    Drift = 8,
}

pub struct Rng(ChaCha8Rng);

/// SplitMix64: spreads nearby integers (seed 1, seed 2) to unrelated keys.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl Rng {
    pub fn new(seed: u64, item: u64, stream: Stream) -> Rng {
        let mut key = [0u8; 32];
        let parts = [
            mix(seed),
            mix(item ^ 0xA5A5_5A5A),
            mix(stream as u64),
            mix(seed ^ item.rotate_left(17)),
        ];
        for (chunk, p) in key.chunks_mut(8).zip(parts) {
            chunk.copy_from_slice(&p.to_le_bytes());
        }
        Rng(ChaCha8Rng::from_seed(key))
    }

    pub fn u64(&mut self) -> u64 {
        self.0.next_u64()
    }

    /// Uniform in [0, n); n = 0 gives 0.
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.u64()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform in [lo, hi], both ends included; hi < lo gives lo.
    pub fn int(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        lo + self.below((hi - lo + 1) as u64) as i64
    }

    pub fn index(&mut self, len: usize) -> usize {
        self.below(len as u64) as usize
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    pub fn uniform(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }

    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// Box–Muller; one draw per call keeps the stream's use easy to follow.
    pub fn normal(&mut self, mean: f64, sd: f64) -> f64 {
        let u1 = self.unit().max(f64::MIN_POSITIVE);
        let u2 = self.unit();
        mean + sd * (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.index(items.len())]
    }

    /// An index drawn with the given non-negative weights.
    pub fn weighted(&mut self, weights: &[f64]) -> usize {
        let total: f64 = weights.iter().sum();
        let mut x = self.unit() * total;
        for (i, w) in weights.iter().enumerate() {
            if x < *w {
                return i;
            }
            x -= w;
        }
        weights.len() - 1
    }

    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.index(i + 1);
            items.swap(i, j);
        }
    }

    /// `k` rounded up or down at random so that its expectation is `x`: small
    /// communities then get counts whose rates spread smoothly instead of
    /// piling up on the same few fractions.
    pub fn round(&mut self, x: f64) -> usize {
        let x = x.max(0.0);
        let f = x.floor();
        f as usize + usize::from(self.chance(x - f))
    }

    pub fn date(&mut self, lo: NaiveDate, hi: NaiveDate) -> NaiveDate {
        let span = (hi - lo).num_days();
        lo + Duration::days(self.int(0, span.max(0)))
    }

    /// A hiring date in [lo, hi] that follows the year's hiring season: more
    /// starts in spring, fewer around the Spring Festival and in December.
    pub fn seasonal_date(&mut self, lo: NaiveDate, hi: NaiveDate) -> NaiveDate {
        for _ in 0..40 {
            let d = self.date(lo, hi);
            if self.unit() * MAX_SEASON < season(d) {
                return d;
            }
        }
        self.date(lo, hi)
    }

    /// A job-finding date after `lo` and at most `hi`: the wait is roughly
    /// exponential (most find work within a few months), then weighed by the
    /// hiring season. Front-loaded waits keep honest starts away from a
    /// cut-off window.
    pub fn hiring_date(&mut self, lo: NaiveDate, hi: NaiveDate, mean_days: f64) -> NaiveDate {
        let span = (hi - lo).num_days().max(0);
        for _ in 0..40 {
            let wait = (-mean_days * self.unit().max(1e-12).ln()).floor() as i64;
            if wait > span {
                continue;
            }
            let d = lo + Duration::days(wait);
            if self.unit() * MAX_SEASON < season(d) {
                return d;
            }
        }
        self.date(lo, hi)
    }
}

const MAX_SEASON: f64 = 1.6;

fn season(d: NaiveDate) -> f64 {
    [0.9, 0.7, 1.6, 1.5, 1.2, 1.0, 1.0, 0.9, 1.1, 0.9, 0.9, 0.75][d.month0() as usize]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_key_same_stream_other_key_other_stream() {
        let a: Vec<u64> = (0..4)
            .map(|_| Rng::new(1, 7, Stream::Community).u64())
            .collect();
        assert!(a.windows(2).all(|w| w[0] == w[1]));
        assert_ne!(
            Rng::new(1, 7, Stream::Community).u64(),
            Rng::new(1, 8, Stream::Community).u64()
        );
        assert_ne!(
            Rng::new(1, 7, Stream::Community).u64(),
            Rng::new(2, 7, Stream::Community).u64()
        );
    }

    #[test]
    fn spring_gets_more_starts_than_december() {
        let mut r = Rng::new(3, 0, Stream::Community);
        let lo = NaiveDate::from_ymd_opt(2021, 1, 1).unwrap();
        let hi = NaiveDate::from_ymd_opt(2021, 12, 31).unwrap();
        let mut by_month = [0u32; 12];
        for _ in 0..20_000 {
            by_month[r.seasonal_date(lo, hi).month0() as usize] += 1;
        }
        assert!(
            by_month[2] as f64 > 1.6 * by_month[11] as f64,
            "{by_month:?}"
        );
    }
}
