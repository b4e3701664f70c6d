//! Heaped digits (`digit_heaping`, county level): every community of the
//! county applies in both years and rounds its claimed new jobs to a multiple
//! of 5, so the last digits are 0 and 5 only. Rounding to the nearest 5 moves
//! a claim by at most 2, within the claims detector's tolerance.

use crate::generate::model::Application;

pub fn heap(app: &mut Application) {
    if let Some(n) = app.new_jobs {
        app.new_jobs = Some((((n + 2) / 5) * 5).max(5));
    }
}
