//! Each county's figures for the review year: its communities, those under
//! re-inspection and their verdicts, the simple means of its communities'
//! rates (a null rate left out), its levels and stars. The report's county
//! table and the pass-rate chart both show these.

use super::{Community, Panel, Verdict};

/// One county's figures.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct CountyFigures {
    pub county: String,
    pub communities: usize,
    /// Communities under re-inspection, and how many of them passed,
    /// failed, or could not be judged.
    pub under: usize,
    pub passed: usize,
    pub failed: usize,
    pub incomplete: usize,
    /// Passed over under re-inspection; None without any.
    pub pass_rate: Option<f64>,
    pub reemployment_rate: Option<f64>,
    pub hardship_employment_rate: Option<f64>,
    pub registered_unemployment_rate: Option<f64>,
    pub assistance_coverage: Option<f64>,
    pub new_jobs: Option<f64>,
    pub score: Option<f64>,
    /// Communities at city level, and with at least one star.
    pub city_level: usize,
    pub starred: usize,
}

/// The simple mean of the values present; None without any.
fn mean(values: impl Iterator<Item = Option<f64>>) -> Option<f64> {
    let v: Vec<f64> = values.flatten().collect();
    (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
}

/// The figures of every county, in county order.
pub fn figures(review: &Panel) -> Vec<CountyFigures> {
    review
        .counties()
        .into_iter()
        .map(|county| {
            let all: Vec<&Community> = review
                .communities
                .iter()
                .filter(|c| c.county == county)
                .collect();
            of(county, &all)
        })
        .collect()
}

fn of(county: String, all: &[&Community]) -> CountyFigures {
    let under: Vec<&&Community> = all.iter().filter(|c| c.under_reinspection).collect();
    let with = |v: Verdict| under.iter().filter(|c| c.verdict == Some(v)).count();
    let passed = with(Verdict::Pass);
    let rate = |read: fn(&Community) -> Option<f64>| mean(all.iter().map(|c| read(c)));
    CountyFigures {
        communities: all.len(),
        under: under.len(),
        passed,
        failed: with(Verdict::Fail),
        incomplete: with(Verdict::Incomplete),
        pass_rate: (!under.is_empty()).then(|| passed as f64 / under.len() as f64),
        reemployment_rate: rate(|c| c.reemployment_rate),
        hardship_employment_rate: rate(|c| c.hardship_employment_rate),
        registered_unemployment_rate: rate(|c| c.registered_unemployment_rate),
        assistance_coverage: rate(|c| c.assistance_coverage),
        new_jobs: rate(|c| c.new_jobs.map(|n| n as f64)),
        score: rate(|c| c.score),
        city_level: all.iter().filter(|c| c.city_level).count(),
        starred: all.iter().filter(|c| c.stars > 0).count(),
        county,
    }
}
