//! The report's charts, drawn with plotters' SVG backend: each is shown
//! inline in `report.html` and written as `charts/<name>.svg`. One chart a
//! file; `style` holds what they share.

pub mod accountability;
pub mod claims;
pub mod counties;
pub mod rates;
pub mod risk;
pub mod starts;
pub mod style;
pub mod trend;

use crate::config::Rules;
use crate::error::Result;
use crate::panel::Panel;

/// One drawn chart.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Chart {
    /// File stem under `charts/`, ASCII.
    pub name: String,
    pub title: String,
    /// How to read it, one or two sentences.
    pub caption: String,
    pub svg: String,
}

impl Chart {
    pub fn new(name: impl Into<String>, title: String, caption: String, svg: String) -> Chart {
        Chart {
            name: name.into(),
            title,
            caption,
            svg,
        }
    }
}

/// Every chart of the report, in the report's order.
pub fn all(review: &Panel, rules: &Rules) -> Result<Vec<Chart>> {
    let mut charts = rates::distributions(review)?;
    charts.push(counties::pass_rate(review)?);
    let t = &review.thresholds;
    charts.push(claims::claimed_vs_registry(review, t.claim_tolerance_pp)?);
    charts.push(starts::weekly_starts(review, t.window_days)?);
    charts.push(risk::risk_scores(review, &rules.risk)?);
    // Shown in the report's accountability section, not among the others.
    charts.push(accountability::applications_by_outcome(review)?);
    Ok(charts)
}

/// Writes each chart to `charts/<name>.svg` under the run folder; returns
/// the relative paths.
pub fn write(dir: &std::path::Path, charts: &[Chart]) -> Result<Vec<String>> {
    let folder = dir.join("charts");
    std::fs::create_dir_all(&folder)?;
    let mut written = Vec::new();
    for c in charts {
        let rel = format!("charts/{}.svg", c.name);
        std::fs::write(dir.join(&rel), &c.svg)?;
        written.push(rel);
    }
    Ok(written)
}
