//! Pass rate by county: of each county's communities under re-inspection,
//! the share that passed, with the counts written on each bar.

use plotters::prelude::*;

use super::Chart;
use super::style::{self, BAR, failed};
use crate::error::Result;
use crate::panel::Panel;

/// (county, passed, under re-inspection) in county order.
pub fn pass_counts(review: &Panel) -> Vec<(String, usize, usize)> {
    review
        .counties()
        .into_iter()
        .map(|county| {
            let under: Vec<_> = review
                .communities
                .iter()
                .filter(|c| c.county == county && c.under_reinspection)
                .collect();
            let passed = under
                .iter()
                .filter(|c| c.verdict.as_deref() == Some("pass"))
                .count();
            (county, passed, under.len())
        })
        .filter(|(_, _, n)| *n > 0)
        .collect()
}

pub fn pass_rate(review: &Panel) -> Result<Chart> {
    let rows = pass_counts(review);
    let title = format!("各区县复查合格率({}年度)", review.year);
    let caption = "每根柱是该区县复查社区中合格的比例,柱上标注“合格数/复查数”。".to_string();
    let svg = if rows.is_empty() {
        style::empty(&title, "本年度没有复查社区(没有省级充分就业社区)。")?
    } else {
        let names: Vec<String> = rows.iter().map(|r| r.0.clone()).collect();
        let n = rows.len() as i32;
        style::svg(|root| {
            let mut chart = ChartBuilder::on(&root)
                .caption(&title, style::title())
                .margin(12)
                .x_label_area_size(48)
                .y_label_area_size(56)
                .build_cartesian_2d((0..n).into_segmented(), 0f64..110f64)
                .map_err(failed)?;
            let label = |v: &SegmentValue<i32>| match v {
                SegmentValue::CenterOf(i) => names.get(*i as usize).cloned().unwrap_or_default(),
                _ => String::new(),
            };
            chart
                .configure_mesh()
                .disable_x_mesh()
                .x_labels(names.len())
                .x_desc("区县")
                .y_desc("复查合格率(%)")
                .x_label_formatter(&label)
                .y_label_formatter(&|v| format!("{v:.0}%"))
                .label_style(style::label())
                .axis_desc_style(style::axis())
                .draw()
                .map_err(failed)?;
            chart
                .draw_series(rows.iter().enumerate().map(|(i, (_, passed, under))| {
                    let pct = *passed as f64 * 100.0 / *under as f64;
                    let mut bar = Rectangle::new(
                        [
                            (SegmentValue::Exact(i as i32), 0.0),
                            (SegmentValue::Exact(i as i32 + 1), pct),
                        ],
                        BAR.filled(),
                    );
                    bar.set_margin(0, 0, 12, 12);
                    bar
                }))
                .map_err(failed)?;
            chart
                .draw_series(rows.iter().enumerate().map(|(i, (_, passed, under))| {
                    let pct = *passed as f64 * 100.0 / *under as f64;
                    Text::new(
                        format!("{passed}/{under}"),
                        (SegmentValue::CenterOf(i as i32), pct + 4.0),
                        style::label(),
                    )
                }))
                .map_err(failed)?;
            Ok(())
        })?
    };
    Ok(Chart {
        name: "pass_rate_by_county".into(),
        title,
        caption,
        svg,
    })
}
