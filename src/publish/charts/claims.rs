//! Claimed versus registry rates: each application's self-reported rate
//! (vertical) against the rate the registry gives (horizontal). Honest
//! claims sit on the diagonal; points above the dashed tolerance line claim
//! more than the registry shows.

use plotters::prelude::*;

use super::Chart;
use super::style::{self, BAR, MARK, SECOND, failed};
use crate::error::Result;
use crate::panel::labels;
use crate::panel::{Claim, Excess, Panel};

/// Points beyond the tolerance that get their community's name beside
/// them, largest excess first.
const NAMED: usize = 8;

/// The two rates a claim states beside the registry's.
const REEMPLOYMENT: &str = "reemployment_rate";
const HARDSHIP: &str = "hardship_employment_rate";

pub fn claimed_vs_registry(review: &Panel, tolerance_pp: f64) -> Result<Chart> {
    let title = format!("申报自报比率与台账比率对比({}年度)", review.year);
    let tolerance = tolerance_pp / 100.0;
    let caption = format!(
        "每个点是一份申报:横轴为台账计算的比率,纵轴为社区自报的比率。蓝点为{},橙点为{};实线为两者相等,虚线为高出 {tolerance_pp} 个百分点的容差线,线以上的点自报偏高,偏高最多的几个标出社区名称。",
        labels::indicator(REEMPLOYMENT),
        labels::indicator(HARDSHIP)
    );
    let Some(claims) = &review.claims else {
        return Ok(Chart {
            name: "claimed_vs_registry".into(),
            svg: style::empty(&title, "本次数据没有申报表(applications),无法对比。")?,
            title,
            caption,
        });
    };
    let pairs = |claimed: fn(&Claim) -> Option<f64>, registry: fn(&Claim) -> Option<f64>| {
        claims
            .iter()
            .filter_map(|c| Some((registry(c)?, claimed(c)?)))
            .collect::<Vec<(f64, f64)>>()
    };
    let reemployment = pairs(
        |c| c.claimed_reemployment_rate,
        |c| c.registry_reemployment_rate,
    );
    let hardship = pairs(
        |c| c.claimed_hardship_employment_rate,
        |c| c.registry_hardship_employment_rate,
    );
    let named = &review.claims_beyond_tolerance[..review.claims_beyond_tolerance.len().min(NAMED)];
    let svg = if reemployment.is_empty() && hardship.is_empty() {
        style::empty(&title, "本年度没有可对比的自报比率。")?
    } else {
        draw(&title, tolerance, &reemployment, &hardship, named)?
    };
    Ok(Chart::new("claimed_vs_registry", title, caption, svg))
}

/// The scatter: the diagonal, the dashed tolerance line, both rates' points
/// and the names of the claims furthest beyond the tolerance.
fn draw(
    title: &str,
    tolerance: f64,
    reemployment: &[(f64, f64)],
    hardship: &[(f64, f64)],
    named: &[Excess],
) -> Result<String> {
    style::svg(|root| {
        let mut chart = style::chart(
            &root,
            title,
            style::LABEL_AREAS,
            0f64..1.0f64,
            0f64..1.05f64,
        )?;
        style::draw_mesh(
            chart
                .configure_mesh()
                .x_desc("台账计算的比率(%)")
                .y_desc("社区自报的比率(%)")
                .x_label_formatter(&style::percent)
                .y_label_formatter(&style::percent),
        )?;
        chart
            .draw_series(LineSeries::new(
                [(0.0, 0.0), (1.0, 1.0)],
                BLACK.stroke_width(1),
            ))
            .map_err(failed)?;
        chart
            .draw_series(DashedLineSeries::new(
                [(0.0, tolerance), (1.0 - tolerance, 1.0)],
                6,
                4,
                MARK.stroke_width(1),
            ))
            .map_err(failed)?;
        chart
            .draw_series(
                reemployment
                    .iter()
                    .map(|p| Circle::new(*p, 4, BAR.filled())),
            )
            .map_err(failed)?
            .label(labels::indicator(REEMPLOYMENT))
            .legend(|(x, y)| Circle::new((x, y), 4, BAR.filled()));
        chart
            .draw_series(
                hardship
                    .iter()
                    .map(|p| TriangleMarker::new(*p, 5, SECOND.filled())),
            )
            .map_err(failed)?
            .label(labels::indicator(HARDSHIP))
            .legend(|(x, y)| TriangleMarker::new((x, y), 5, SECOND.filled()));
        chart
            .draw_series(named.iter().map(|e| {
                Text::new(
                    e.name.clone(),
                    (e.registry + 0.008, e.claimed),
                    style::label().color(&MARK),
                )
            }))
            .map_err(failed)?;
        style::legend(&mut chart, SeriesLabelPosition::LowerRight)?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::panel::claims::{beyond_tolerance, claim};

    #[test]
    fn the_named_points_are_the_panel_s_claims_beyond_tolerance_escaped() {
        let claims = [
            claim("诚实社区", 0.80, 0.82),
            claim("=HYPERLINK(\"http://x\",\"y\")", 0.60, 0.90),
            claim("<script>alert(1)</script>", 0.50, 0.60),
        ];
        let review = Panel {
            year: 2021,
            claims_beyond_tolerance: beyond_tolerance(&claims, 5.0),
            claims: Some(claims.to_vec()),
            ..Panel::default()
        };
        let svg = claimed_vs_registry(&review, 5.0).unwrap().svg;
        assert!(svg.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(!svg.contains("<script"));
        assert!(!svg.contains("诚实社区"));
    }
}
