//! How a community's rates move from year to year when the histories cover
//! several review years (`fullemp generate --years`). The review year's
//! rates come from the community's profile and pattern, the previous
//! year's lie a random step from them (`Knobs::for_profile`); each year
//! before that lies another step back, of the same spread: re-employment
//! moves about 5 points a year, hardship employment about 8 (a handful of
//! hardship persons, each one several points). The steps are independent,
//! so a rate wanders rather than trends, and the level and stars that the
//! score reaches change with it from year to year.
//!
//! A falsification pattern shapes the review year and the year before, as in
//! an extract of one review year; the years before those take the number
//! of registrations the community had without it (a pattern that needs
//! many registrations in its year does not make every year crowded).
//!
//! The steps draw from a stream of their own (`Stream::Drift`), so the
//! review year and the year before are drawn exactly as in an extract of
//! one review year.

use super::histories::{EarlierYear, Knobs};
use super::rng::Rng;

/// Spread of a year's step in the re-employment rate.
pub const REEMPLOYMENT_STEP: f64 = 0.05;
/// Spread of a year's step in the hardship employment rate.
pub const HARDSHIP_STEP: f64 = 0.08;
/// The honest floors of the two rates: a step never goes below them (nor
/// below where it came from, for a community whose rate is already lower).
const REEMPLOYMENT_FLOOR: f64 = 0.45;
const HARDSHIP_FLOOR: f64 = 0.5;

/// Sets `knobs.earlier`: the `count` years before the previous one, each
/// rate a step back from the year after it, with `unemployed_share`
/// registrations per person of the labour force.
pub fn earlier_years(knobs: &mut Knobs, count: usize, unemployed_share: f64, rng: &mut Rng) {
    let mut next = (knobs.reemployment_prev, knobs.hardship_prev);
    let mut back = Vec::with_capacity(count);
    for _ in 0..count {
        let r = step(next.0, REEMPLOYMENT_STEP, REEMPLOYMENT_FLOOR, rng);
        let h = step(next.1, HARDSHIP_STEP, HARDSHIP_FLOOR, rng);
        next = (r, h);
        back.push(EarlierYear {
            reemployment: r,
            hardship: h,
            unemployed_share,
        });
    }
    back.reverse();
    knobs.earlier = back;
}

fn step(from: f64, spread: f64, floor: f64, rng: &mut Rng) -> f64 {
    (from + rng.normal(0.0, spread)).clamp(floor.min(from), 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::geography::Profile;
    use crate::generate::rng::Stream;

    #[test]
    fn the_earlier_years_wander_a_few_points_a_year() {
        let mut steps = vec![];
        for i in 0..400 {
            let mut rng = Rng::new(1, i, Stream::Knobs);
            let mut k = Knobs::for_profile(Profile::Normal, &mut rng);
            earlier_years(&mut k, 3, 0.2, &mut Rng::new(1, i, Stream::Drift));
            assert_eq!(k.earlier.len(), 3);
            let rates: Vec<f64> = k
                .earlier
                .iter()
                .map(|e| e.reemployment)
                .chain([k.reemployment_prev])
                .collect();
            assert!(rates.iter().all(|r| (0.45..=1.0).contains(r)), "{rates:?}");
            steps.extend(rates.windows(2).map(|w| (w[1] - w[0]).abs()));
        }
        let mean = steps.iter().sum::<f64>() / steps.len() as f64;
        // |N(0, 0.05)| averages 0.04; the ceiling at 1.0 shortens a few steps.
        assert!((0.025..0.045).contains(&mean), "{mean}");
        assert!(steps.iter().any(|&s| s > 0.08), "some years move more");
    }
}
