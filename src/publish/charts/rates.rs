//! The distribution of each rated rate over the review year's communities,
//! with the re-inspection threshold marked: a pile just on the passing side
//! of the line is what window dressing looks like.

use plotters::prelude::*;

use super::Chart;
use super::style::{self, BAR, MARK, failed};
use crate::error::Result;
use crate::panel::Panel;
use crate::panel::thresholds::RateRule;

/// Histogram bins: `bins` equal bins over [0, top], a value equal to `top`
/// counted in the last bin.
pub fn histogram(values: &[f64], top: f64, bins: usize) -> Vec<i64> {
    let mut counts = vec![0i64; bins];
    for v in values {
        let k = ((v / top) * bins as f64).floor().max(0.0) as usize;
        counts[k.min(bins - 1)] += 1;
    }
    counts
}

/// The top of the axis: the whole [0, 1] for rates that live near 1; for
/// the unemployment rate, which lives near 0, three times its threshold
/// (or the largest value, if larger) so the bars are not squeezed.
fn axis_top(r: &RateRule, values: &[f64]) -> f64 {
    if r.minimum {
        return 1.0;
    }
    let largest = values.iter().cloned().fold(0.0, f64::max);
    let top = (r.threshold * 3.0).max(largest).max(0.01);
    (top * 100.0).ceil() / 100.0
}

/// One chart per rate rule in force.
pub fn distributions(review: &Panel) -> Result<Vec<Chart>> {
    review
        .thresholds
        .rates
        .iter()
        .map(|r| distribution(review, r))
        .collect()
}

fn distribution(review: &Panel, r: &RateRule) -> Result<Chart> {
    let values: Vec<f64> = review
        .communities
        .iter()
        .filter_map(|c| c.rate(r.indicator))
        .collect();
    let title = format!(
        "{}的分布({}年度,{} 个社区有值)",
        r.title,
        review.year,
        values.len()
    );
    let sign = if r.minimum { "≥" } else { "≤" };
    let caption = format!(
        "每根柱是落在该区间的社区数;红线是复查规则的阈值({sign} {}),{}。比率为空(分母为 0)的社区不计入。",
        style::percent(&r.threshold),
        if r.minimum {
            "线左侧的社区不合格"
        } else {
            "线右侧的社区不合格"
        }
    );
    let svg =
        if values.is_empty() {
            style::empty(&title, "本年度没有社区有此比率。")?
        } else {
            let top = axis_top(r, &values);
            let bins = 40;
            let counts = histogram(&values, top, bins);
            let ymax = (*counts.iter().max().unwrap_or(&1) as f64 * 1.15).max(1.0);
            let width = top / bins as f64;
            style::svg(|root| {
                let mut chart = style::chart(
                    &root,
                    &title,
                    style::LABEL_AREAS,
                    0f64..top,
                    style::count_axis(ymax),
                )?;
                style::draw_mesh(
                    chart
                        .configure_mesh()
                        .disable_x_mesh()
                        .x_desc(format!("{}(%)", r.title))
                        .y_desc("社区数(个)")
                        .x_label_formatter(&style::percent)
                        .y_label_formatter(&|v| format!("{v:.0}")),
                )?;
                chart
                    .draw_series(counts.iter().enumerate().filter(|(_, n)| **n > 0).map(
                        |(k, n)| {
                            let x0 = k as f64 * width;
                            Rectangle::new([(x0, 0.0), (x0 + width, *n as f64)], BAR.filled())
                        },
                    ))
                    .map_err(failed)?;
                chart
                    .draw_series(LineSeries::new(
                        [(r.threshold, 0.0), (r.threshold, ymax)],
                        MARK.stroke_width(2),
                    ))
                    .map_err(failed)?;
                chart
                    .draw_series([Text::new(
                        format!("阈值 {sign} {}", style::percent(&r.threshold)),
                        (r.threshold, ymax * 0.97),
                        style::label().color(&MARK),
                    )])
                    .map_err(failed)?;
                Ok(())
            })?
        };
    Ok(Chart::new(
        format!("rate_{}", r.indicator),
        title,
        caption,
        svg,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_at_the_top_falls_in_the_last_bin_and_none_is_lost() {
        let counts = histogram(&[0.0, 0.49, 0.5, 0.99, 1.0], 1.0, 4);
        assert_eq!(counts, vec![1, 1, 1, 2]);
        assert_eq!(counts.iter().sum::<i64>(), 5);
    }
}
