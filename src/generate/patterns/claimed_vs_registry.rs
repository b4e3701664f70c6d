//! Claims above the registry (`claimed_vs_registry`): a community whose
//! registry rate would fail applies with a rate 15–25 points higher, more new
//! jobs than it registered, and fewer open zero households than it has.

use crate::generate::histories::Knobs;
use crate::generate::model::Application;
use crate::generate::registry::Figures;
use crate::generate::rng::Rng;

pub fn prepare(knobs: &mut Knobs, rng: &mut Rng) {
    knobs.reemployment = rng.uniform(0.55, 0.64);
    knobs.hardship = rng.uniform(0.7, 0.85);
    knobs.open_zero = true;
}

/// Inflates the review year's application beyond every tolerance of the
/// detector (5 points; 10 % and 5 persons; any open zero household hidden).
pub fn inflate(app: &mut Application, registry: &Figures, rng: &mut Rng) {
    if let Some(r) = registry.reemployment_rate() {
        app.reemployment_rate = Some((r + rng.uniform(0.15, 0.25)).min(0.99));
    }
    if let Some(h) = registry.hardship_rate() {
        app.hardship_rate = Some((h + 0.12).min(1.0));
    }
    app.new_jobs = Some((registry.new_jobs as f64 * 1.4).ceil() as i64 + 6);
    app.zero_households = Some(registry.zero_open.saturating_sub(1) as i64);
}
