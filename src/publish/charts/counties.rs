//! Pass rate by county: of each county's communities under re-inspection,
//! the share that passed, with the counts written on each bar.

use plotters::prelude::*;

use super::Chart;
use super::style::{self, BAR, failed};
use crate::error::Result;
use crate::panel::Panel;

/// (county, passed, under re-inspection) in county order, for the counties
/// with a community under re-inspection.
pub fn pass_counts(review: &Panel) -> Vec<(String, usize, usize)> {
    review
        .county_figures
        .iter()
        .filter(|f| f.under > 0)
        .map(|f| (f.county.clone(), f.passed, f.under))
        .collect()
}

pub fn pass_rate(review: &Panel) -> Result<Chart> {
    let rows = pass_counts(review);
    let title = format!("各区县复查合格率({}年度)", review.year);
    let caption = "每根柱是该区县复查社区中合格的比例,柱上标注“合格数/复查数”。".to_string();
    let svg = match rows.as_slice() {
        [] => style::empty(&title, "本年度没有复查社区(没有省级充分就业社区)。")?,
        rows => bars(&title, rows)?,
    };
    Ok(Chart::new("pass_rate_by_county", title, caption, svg))
}

/// A bar per county: its pass rate, labelled "passed/under re-inspection".
fn bars(title: &str, rows: &[(String, usize, usize)]) -> Result<String> {
    let names: Vec<String> = rows.iter().map(|r| r.0.clone()).collect();
    let pct = |passed: usize, under: usize| passed as f64 * 100.0 / under as f64;
    style::svg(|root| {
        let mut chart = style::chart(
            &root,
            title,
            style::LABEL_AREAS,
            style::slot_axis(names.len()),
            0f64..110f64,
        )?;
        style::county_mesh(&mut chart, &names, "复查合格率(%)", &|v| {
            format!("{v:.0}%")
        })?;
        chart
            .draw_series(rows.iter().enumerate().map(|(i, (_, passed, under))| {
                let x = i as f64;
                let mut bar =
                    Rectangle::new([(x, 0.0), (x + 1.0, pct(*passed, *under))], BAR.filled());
                bar.set_margin(0, 0, 12, 12);
                bar
            }))
            .map_err(failed)?;
        chart
            .draw_series(rows.iter().enumerate().map(|(i, (_, passed, under))| {
                Text::new(
                    format!("{passed}/{under}"),
                    (i as f64 + 0.5, pct(*passed, *under) + 4.0),
                    style::label(),
                )
            }))
            .map_err(failed)?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::panel::{Community, Panel, Verdict};

    /// The x and width of each bar drawn in the bar colour.
    fn bars(svg: &str) -> Vec<(i32, i32)> {
        svg.split("<rect")
            .filter(|e| e.contains("fill=\"#3B6EA8\""))
            .map(|e| {
                let v = |n: &str| -> i32 {
                    let key = format!(" {n}=\"");
                    let rest = e.split_once(&key).unwrap().1;
                    rest.split_once('"').unwrap().0.parse().unwrap()
                };
                (v("x"), v("width"))
            })
            .collect()
    }

    #[test]
    fn one_county_fills_the_chart_with_one_bar() {
        let c = |code: &str, verdict: &str| Community {
            code: code.into(),
            county: "新华区".into(),
            under_reinspection: true,
            verdict: Verdict::parse(verdict),
            ..Community::default()
        };
        let mut review = Panel {
            year: 2021,
            communities: vec![c("1", "pass"), c("2", "fail")],
            ..Panel::default()
        };
        review.county_figures = crate::panel::counties::figures(&review);
        let svg = pass_rate(&review).unwrap().svg;
        assert!(svg.contains("1/2") && svg.contains("新华区"));
        // One slot spanning the plot (after the 56-pixel label area, before
        // the 12-pixel margin), the bar 12 pixels in from either end.
        let width = style::WIDTH as i32;
        let [(x, w)] = bars(&svg)[..] else {
            panic!("one bar: {:?}", bars(&svg));
        };
        assert!((x - (12 + 56 + 12)).abs() <= 2, "bar at {x}");
        assert!(
            (x + w - (width - 12 - 12)).abs() <= 2,
            "bar ends at {}",
            x + w
        );
    }
}
