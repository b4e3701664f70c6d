//! A community's years as a small line (docs/report.md, section 三): its
//! re-employment rate (blue) and hardship employment rate (orange) across
//! the review years, each year's verdict as the point's colour (green 合格,
//! red 不合格, grey neither) and its stars written above it.

use plotters::prelude::*;

use super::style::{BAR, FONT, MARK, SECOND, failed};
use crate::error::Result;
use crate::panel::trends::Trend;
use crate::ratings::verdict::Verdict;

const WIDTH: u32 = 260;
const HEIGHT: u32 = 78;
const PASS: RGBColor = RGBColor(0x1b, 0x6e, 0x3a);
const NEITHER: RGBColor = RGBColor(0x99, 0x99, 0x99);

/// The trend of one community as an SVG string.
pub fn sparkline(trend: &Trend) -> Result<String> {
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (WIDTH, HEIGHT)).into_drawing_area();
        root.fill(&WHITE).map_err(failed)?;
        let first = trend.years.first().map_or(0, |p| p.year);
        let last = trend.years.last().map_or(0, |p| p.year).max(first + 1);
        let mut chart = ChartBuilder::on(&root)
            .margin(4)
            .margin_top(16)
            .x_label_area_size(16)
            .y_label_area_size(30)
            .build_cartesian_2d(first as f64 - 0.3..last as f64 + 0.3, 0.0..1.05)
            .map_err(failed)?;
        let small = (FONT, 10).into_font();
        chart
            .configure_mesh()
            .disable_mesh()
            .x_labels(trend.years.len().max(2))
            .y_labels(3)
            .x_label_formatter(&|v| format!("{v:.0}"))
            .y_label_formatter(&|v| format!("{:.0}%", v * 100.0))
            .label_style(small.clone())
            .draw()
            .map_err(failed)?;
        for (pick, colour) in [
            (rate(|p| p.reemployment_rate), BAR),
            (rate(|p| p.hardship_employment_rate), SECOND),
        ] {
            let points: Vec<(f64, f64)> = trend.years.iter().filter_map(pick).collect();
            chart
                .draw_series(LineSeries::new(points, colour.stroke_width(2)))
                .map_err(failed)?;
        }
        for p in &trend.years {
            let Some(y) = p.reemployment_rate else {
                continue;
            };
            let colour = match p.verdict {
                Some(Verdict::Pass) => PASS,
                Some(Verdict::Fail) => MARK,
                _ => NEITHER,
            };
            let x = f64::from(p.year);
            chart
                .draw_series([Circle::new((x, y), 4, colour.filled())])
                .map_err(failed)?;
            let stars = "★".repeat(p.stars.max(0) as usize);
            chart
                .draw_series([Text::new(stars, (x - 0.2, 1.05), small.clone())])
                .map_err(failed)?;
        }
        root.present().map_err(failed)?;
    }
    Ok(out)
}

/// A rate of a year as a point of the line, when it is known.
fn rate(
    of: fn(&crate::panel::trends::YearPoint) -> Option<f64>,
) -> impl Fn(&crate::panel::trends::YearPoint) -> Option<(f64, f64)> {
    move |p| Some((f64::from(p.year), of(p)?))
}
