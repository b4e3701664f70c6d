//! The comparison's sensitivity curves as SVG charts, in the report's look
//! (`charts::style`): the count across the range as a line with its
//! points, for a rule also the communities failing the re-inspection as a
//! whole, and a vertical line at the current value and one at the
//! candidate value.

use plotters::prelude::*;

use crate::error::Result;
use crate::panel::compare::sensitivity::{Curve, Kind, Point};
use crate::publish::charts::Chart;
use crate::publish::charts::style::{self, BAR, MARK, SECOND, failed};

/// The current value's line: the report's ink, quieter than the candidate's red.
const CURRENT: RGBColor = RGBColor(0x44, 0x4d, 0x56);

/// One chart per curve, in the curves' order.
pub fn all(curves: &[Curve]) -> Result<Vec<Chart>> {
    curves.iter().map(chart).collect()
}

/// What the y axis counts, in words.
fn counted(curve: &Curve) -> &'static str {
    match curve.kind {
        Kind::Rule => "该规则不达标的社区",
        Kind::Band => "达到该分数线的社区",
    }
}

fn chart(curve: &Curve) -> Result<Chart> {
    let title = format!("{}:{}", curve.title, counted(curve));
    let whom = match curve.kind {
        Kind::Rule => format!("复查范围内的 {} 个社区", curve.population),
        Kind::Band => format!("全部 {} 个评分社区", curve.population),
    };
    let (now, then) = curve.marked();
    let caption = format!(
        "横轴是 {} 的取值,纵轴是{}中{}的个数;灰线为现行值 {}({} 个),红线为拟议值 {}({} 个)。",
        curve.key,
        whom,
        counted(curve).trim_end_matches("的社区"),
        curve.current_shown,
        now,
        curve.candidate_shown,
        then
    );
    let svg = style::svg(|root| draw(&root, curve, &title))?;
    Ok(Chart::new(curve.name.clone(), title, caption, svg))
}

fn draw(
    root: &DrawingArea<SVGBackend, plotters::coord::Shift>,
    curve: &Curve,
    title: &str,
) -> Result<()> {
    let (first, last, ymax) = bounds(curve);
    let mut chart = style::chart(
        root,
        title,
        style::LABEL_AREAS,
        first..last,
        style::count_axis(ymax),
    )?;
    let percent = curve.percent;
    let x_label = move |v: &f64| {
        if percent {
            format!("{:.1}%", v * 100.0)
        } else {
            format!("{v:.0}")
        }
    };
    style::draw_mesh(
        chart
            .configure_mesh()
            .x_desc(if percent {
                "取值(%)"
            } else {
                "分数线(分)"
            })
            .y_desc("社区数(个)")
            .x_label_formatter(&x_label)
            .y_label_formatter(&|v| format!("{v:.0}")),
    )?;
    let line = |pick: fn(&Point) -> Option<usize>| -> Vec<(f64, f64)> {
        curve
            .points
            .iter()
            .filter_map(|p| Some((p.value, pick(p)? as f64)))
            .collect()
    };
    let counts = line(|p| Some(p.count));
    chart
        .draw_series(LineSeries::new(counts.clone(), BAR.stroke_width(2)))
        .map_err(failed)?
        .label(counted(curve))
        .legend(|(x, y)| PathElement::new([(x, y), (x + 16, y)], BAR.stroke_width(2)));
    chart
        .draw_series(counts.iter().map(|p| Circle::new(*p, 3, BAR.filled())))
        .map_err(failed)?;
    if curve.kind == Kind::Rule {
        chart
            .draw_series(LineSeries::new(
                line(|p| p.failing_verdict),
                SECOND.stroke_width(2),
            ))
            .map_err(failed)?
            .label("复查不合格的社区(全部规则)")
            .legend(|(x, y)| PathElement::new([(x, y), (x + 16, y)], SECOND.stroke_width(2)));
    }
    marks(&mut chart, curve, ymax)?;
    // The legend where the curve is low: a count that falls to the right
    // leaves the upper right free.
    let falls = counts.first().map(|p| p.1) > counts.last().map(|p| p.1);
    let corner = if falls {
        SeriesLabelPosition::UpperRight
    } else {
        SeriesLabelPosition::UpperLeft
    };
    style::legend(&mut chart, corner)
}

/// The x range of the curve's values and the top of the count axis.
fn bounds(curve: &Curve) -> (f64, f64, f64) {
    let (first, last) = match (curve.points.first(), curve.points.last()) {
        (Some(a), Some(b)) if b.value > a.value => (a.value, b.value),
        (Some(a), _) => (a.value - 1.0, a.value + 1.0),
        _ => (0.0, 1.0),
    };
    let top = curve
        .points
        .iter()
        .map(|p| p.count.max(p.failing_verdict.unwrap_or(0)))
        .max()
        .unwrap_or(0);
    (first, last, (top as f64 * 1.15).max(1.0))
}

/// The current and the candidate value, each a vertical line with its name.
fn marks<Y: Ranged<ValueType = f64>>(
    chart: &mut style::SvgChart<'_, '_, plotters::coord::types::RangedCoordf64, Y>,
    curve: &Curve,
    ymax: f64,
) -> Result<()> {
    for (value, shown, colour, word, height) in [
        (curve.current, &curve.current_shown, CURRENT, "现行", 0.97),
        (curve.candidate, &curve.candidate_shown, MARK, "拟议", 0.88),
    ] {
        chart
            .draw_series(LineSeries::new(
                [(value, 0.0), (value, ymax)],
                colour.stroke_width(2),
            ))
            .map_err(failed)?;
        chart
            .draw_series([Text::new(
                format!(" {word} {shown}"),
                (value, ymax * height),
                style::label().color(&colour),
            )])
            .map_err(failed)?;
    }
    Ok(())
}
