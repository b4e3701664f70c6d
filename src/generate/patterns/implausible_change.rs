//! An implausible change between years (`implausible_change`): a community
//! whose re-employment and hardship employment rates were poor last year
//! reports near-perfect ones this year.

use crate::generate::histories::Knobs;
use crate::generate::rng::Rng;

pub fn prepare(knobs: &mut Knobs, rng: &mut Rng) {
    knobs.unemployed_share = 0.16;
    knobs.reemployment_prev = rng.uniform(0.15, 0.25);
    knobs.reemployment = rng.uniform(0.96, 1.0);
    knobs.hardship_prev = rng.uniform(0.3, 0.45);
    knobs.hardship = 1.0;
}
