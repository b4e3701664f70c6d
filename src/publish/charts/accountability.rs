//! Applications by outcome per county: one stacked bar a county, its
//! applications split as `panel::accountability::OUTCOMES` (confirmed,
//! stopped after the county recommended, still in review, not recommended
//! by the county, not recommended by the street), a legend naming them.

use plotters::prelude::*;

use super::Chart;
use super::style::{self, BAR, MARK, SECOND, SHADE, failed};
use crate::error::Result;
use crate::panel::Panel;
use crate::panel::accountability::OUTCOMES;

/// One colour an outcome, in `OUTCOMES`' order.
const COLOURS: [RGBColor; 5] = [BAR, MARK, SECOND, SHADE, RGBColor(0xc8, 0xc8, 0xc8)];

pub const NAME: &str = "applications_by_county";

pub fn applications_by_outcome(review: &Panel) -> Result<Chart> {
    let rows = review.accountability.outcomes();
    let title = format!("各区县申报的评审结果({}年度)", review.year);
    let caption = "每根柱是该区县的申报数,自下而上分为已认定、县推荐后终止、县推荐后评审中、街道推荐而县未推荐(含尚未决定)、街道未推荐(含尚未决定);柱顶标注申报数。".to_string();
    let svg = if rows.is_empty() {
        style::empty(&title, "本年度没有申报(applications)。")?
    } else {
        let names: Vec<String> = rows.iter().map(|r| r.0.clone()).collect();
        let top = rows
            .iter()
            .map(|r| r.1.iter().sum::<i64>())
            .max()
            .unwrap_or(1) as f64;
        style::svg(|root| {
            let mut chart = style::chart(
                &root,
                &title,
                style::LABEL_AREAS,
                style::slot_axis(names.len()),
                style::count_axis(top * 1.35 + 1.0),
            )?;
            style::county_mesh(&mut chart, &names, "申报数", &|v| format!("{v:.0}"))?;
            for (k, outcome) in OUTCOMES.iter().enumerate() {
                let colour = COLOURS[k];
                chart
                    .draw_series(rows.iter().enumerate().filter(|(_, r)| r.1[k] > 0).map(
                        |(i, (_, split))| {
                            let below: i64 = split[..k].iter().sum();
                            let x = i as f64;
                            let mut bar = Rectangle::new(
                                [(x, below as f64), (x + 1.0, (below + split[k]) as f64)],
                                colour.filled(),
                            );
                            bar.set_margin(0, 0, 12, 12);
                            bar
                        },
                    ))
                    .map_err(failed)?
                    .label(*outcome)
                    .legend(move |(x, y)| {
                        Rectangle::new([(x, y - 5), (x + 10, y + 5)], colour.filled())
                    });
            }
            chart
                .draw_series(rows.iter().enumerate().map(|(i, (_, split))| {
                    let total: i64 = split.iter().sum();
                    Text::new(
                        total.to_string(),
                        (i as f64 + 0.5, total as f64 + top * 0.04),
                        style::label(),
                    )
                }))
                .map_err(failed)?;
            style::legend(&mut chart, SeriesLabelPosition::UpperRight)?;
            Ok(())
        })?
    };
    Ok(Chart::new(NAME, title, caption, svg))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::panel::accountability::{Accountability, UnitRow};

    #[test]
    fn each_county_with_applications_gets_a_bar_and_the_legend_names_the_outcomes() {
        let county = |name: &str, apps, rec, confirmed| UnitRow {
            county: name.into(),
            applications: apps,
            recommended: Some(rec),
            stopped: vec![None, None, Some(0), Some(0), Some(0)],
            confirmed,
            ..UnitRow::default()
        };
        let review = Panel {
            year: 2021,
            accountability: Accountability {
                rows: vec![county("新华区", 4, 2, 1), county("湛河区", 0, 0, 0)],
                ..Accountability::default()
            },
            ..Panel::default()
        };
        let svg = applications_by_outcome(&review).unwrap().svg;
        assert!(svg.contains("新华区") && !svg.contains("湛河区"));
        for o in OUTCOMES {
            assert!(svg.contains(o), "{o}");
        }
        let empty = applications_by_outcome(&Panel::default()).unwrap().svg;
        assert!(empty.contains("本年度没有申报"));
    }
}
