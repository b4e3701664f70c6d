//! A small community (`small_community`): 10–30 registrations over the two
//! years, so one person more or less moves a rate by several points and the
//! year before may lie far from this year. The honest generator sets both
//! years' rates close to each other; here the previous year's are drawn with
//! the spread that sampling a dozen registrations (and a handful of hardship
//! persons) gives, and the registrations are few.

use crate::generate::histories::Knobs;
use crate::generate::rng::Rng;

pub fn prepare(knobs: &mut Knobs, rng: &mut Rng) {
    knobs.unemployed_share = rng.uniform(0.14, 0.2);
    // The spread of a share among n persons: sqrt(p(1 − p) / n), n ≈ 12
    // registrations and ≈ 5 hardship persons.
    let spread = |p: f64, n: f64| (p * (1.0 - p) / n).sqrt().max(0.05);
    knobs.reemployment_prev =
        (knobs.reemployment + rng.normal(0.0, spread(knobs.reemployment, 12.0))).clamp(0.45, 1.0);
    knobs.hardship_prev =
        (knobs.hardship + rng.normal(0.0, spread(knobs.hardship, 5.0))).clamp(0.5, 1.0);
}
