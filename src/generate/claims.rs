//! Applications (申报): the figures a community claims for the city-level or
//! star evaluation. Honest claims repeat the registry's own figures, rates cut
//! (never rounded up) to three decimals, so an honest claim never exceeds the
//! registry.

use chrono::{Duration, NaiveDate};

use super::calendar::Calendar;
use super::model::{Application, Batch};
use super::registry::{Figures, figures};
use super::rng::Rng;

/// Which applications a community files, and how they are bent.
#[derive(Debug, Clone, Copy, Default)]
pub struct Filing {
    /// Files in every year whatever the draw (heaping needs many values).
    pub always: bool,
    /// Rounds claimed counts to multiples of 5 (`digit_heaping`).
    pub heaped: bool,
    /// Inflates the review year's claims (`claimed_vs_registry`).
    pub inflated: bool,
}

fn cut(rate: Option<f64>) -> Option<f64> {
    rate.map(|r| (r * 1000.0).floor() / 1000.0)
}

pub fn file(batch: &mut Batch, code: &str, cal: &Calendar, filing: Filing, rng: &mut Rng) {
    for year in cal.years() {
        let (start, cutoff) = cal.period(year);
        let review_year = year == cal.year;
        let applies = filing.always || (filing.inflated && review_year) || rng.chance(0.6);
        if !applies {
            continue;
        }
        let f: Figures = figures(batch, code, start, cutoff);
        let submitted =
            NaiveDate::from_ymd_opt(year + 1, 1, 4).expect("date") + Duration::days(rng.int(0, 8));
        let mut app = Application {
            community: code.to_string(),
            year,
            level: if rng.chance(0.3) { "星级" } else { "市级" },
            reemployment_rate: cut(f.reemployment_rate()),
            hardship_rate: cut(f.hardship_rate()),
            new_jobs: Some(f.new_jobs as i64),
            zero_households: Some(f.zero_open as i64),
            street_recommends: Some(rng.chance(0.9)),
            county_recommends: Some(rng.chance(0.8)),
            submitted: Some(submitted.min(cal.extract)),
        };
        if filing.inflated && review_year {
            super::patterns::claimed_vs_registry::inflate(&mut app, &f, rng);
        }
        if filing.heaped {
            super::patterns::digit_heaping::heap(&mut app);
        }
        batch.applications.push(app);
    }
}
