//! What every chart shares: size, colours, and the font family list. The
//! SVG keeps its text as text and names CJK families that Windows, macOS and
//! Linux browsers find, so no font library is linked and Chinese renders
//! wherever the report is opened.

use plotters::chart::MeshStyle;
use plotters::coord::ranged1d::{
    AsRangedCoord, BoldPoints, DefaultFormatting, KeyPointHint, LightPoints, Ranged, ValueFormatter,
};
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

use crate::error::{Error, Result};

/// Font families, first found wins: Noto/Source Han (Linux), WenQuanYi
/// (Debian's small CJK package), Microsoft YaHei and SimHei (Windows),
/// PingFang (macOS), then the browser's sans-serif.
pub const FONT: &str = "Noto Sans CJK SC, Source Han Sans SC, WenQuanYi Micro Hei, WenQuanYi Zen Hei, Microsoft YaHei, SimHei, PingFang SC, sans-serif";

pub const WIDTH: u32 = 820;
pub const HEIGHT: u32 = 380;

pub const BAR: RGBColor = RGBColor(0x3b, 0x6e, 0xa8);
pub const SECOND: RGBColor = RGBColor(0xd9, 0x7a, 0x1c);
pub const MARK: RGBColor = RGBColor(0xc0, 0x1c, 0x28);
pub const SHADE: RGBColor = RGBColor(0xf6, 0xd3, 0xd0);

pub fn title() -> TextStyle<'static> {
    (FONT, 18).into_font().into()
}

pub fn label() -> TextStyle<'static> {
    (FONT, 12).into_font().into()
}

pub fn axis() -> TextStyle<'static> {
    (FONT, 13).into_font().into()
}

/// A rate as a percentage label.
pub fn percent(v: &f64) -> String {
    format!("{:.0}%", v * 100.0)
}

/// A plotters error, whatever its backend, as the run's error.
pub fn failed(e: impl std::fmt::Display) -> Error {
    Error::Internal(anyhow::anyhow!("drawing a chart: {e}"))
}

/// Draws into an SVG string of the standard size.
pub fn svg(
    draw: impl FnOnce(DrawingArea<SVGBackend, plotters::coord::Shift>) -> Result<()>,
) -> Result<String> {
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (WIDTH, HEIGHT)).into_drawing_area();
        root.fill(&WHITE).map_err(failed)?;
        draw(root.clone())?;
        root.present().map_err(failed)?;
    }
    Ok(out)
}

/// Room for the axis labels and descriptions of the usual chart: below the
/// x axis, left of the y axis.
pub const LABEL_AREAS: (u32, u32) = (48, 56);

/// A chart drawn into an SVG string, over the axes `X` and `Y`.
pub type SvgChart<'a, 'b, X, Y> = ChartContext<'a, SVGBackend<'b>, Cartesian2d<X, Y>>;

/// A chart of the standard look on `root`: its title above, a margin of 12,
/// label areas of `(below, left)` pixels, the axes `x` and `y`.
pub fn chart<'a, 'b, X: AsRangedCoord, Y: AsRangedCoord>(
    root: &'a DrawingArea<SVGBackend<'b>, plotters::coord::Shift>,
    title_text: &str,
    (below, left): (u32, u32),
    x: X,
    y: Y,
) -> Result<SvgChart<'a, 'b, X::CoordDescType, Y::CoordDescType>> {
    ChartBuilder::on(root)
        .caption(title_text, title())
        .margin(12)
        .x_label_area_size(below)
        .y_label_area_size(left)
        .build_cartesian_2d(x, y)
        .map_err(failed)
}

/// Draws a chart's mesh, as the chart configured it, with the standard label
/// and axis description fonts.
pub fn draw_mesh<X, Y>(mesh: &mut MeshStyle<'_, '_, X, Y, SVGBackend<'_>>) -> Result<()>
where
    X: Ranged + ValueFormatter<<X as Ranged>::ValueType>,
    Y: Ranged + ValueFormatter<<Y as Ranged>::ValueType>,
{
    mesh.label_style(label())
        .axis_desc_style(axis())
        .draw()
        .map_err(failed)
}

/// The mesh of a chart with one slot per county along x (`names`, on a
/// `slot_axis`), its y axis described as `y_desc` and labelled by `y_label`.
pub fn county_mesh<Y>(
    chart: &mut SvgChart<'_, '_, Ticked, Y>,
    names: &[String],
    y_desc: &str,
    y_label: &dyn Fn(&f64) -> String,
) -> Result<()>
where
    Y: Ranged<ValueType = f64> + ValueFormatter<f64>,
{
    let label = |v: &f64| names.get(slot(*v)).cloned().unwrap_or_default();
    draw_mesh(
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_desc("区县")
            .y_desc(y_desc)
            .x_label_formatter(&label)
            .y_label_formatter(y_label),
    )
}

/// The chart's legend, in the standard look, at `position`.
pub fn legend<'a, 'b: 'a, X, Y>(
    chart: &mut SvgChart<'a, 'b, X, Y>,
    position: SeriesLabelPosition,
) -> Result<()>
where
    X: Ranged,
    Y: Ranged,
{
    chart
        .configure_series_labels()
        .position(position)
        .label_font(label())
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK)
        .draw()
        .map_err(failed)
}

/// A chart with nothing to draw: its title and one line saying why.
pub fn empty(title_text: &str, why: &str) -> Result<String> {
    svg(|root| {
        root.draw(&Text::new(title_text.to_string(), (20, 20), title()))
            .map_err(failed)?;
        root.draw(&Text::new(why.to_string(), (20, 80), axis()))
            .map_err(failed)?;
        Ok(())
    })
}

/// Plotters' own number of labels on an axis (its mesh's default), kept so
/// the ticks it picks stay the ones it would pick.
const LABELS: usize = 11;

/// A value axis whose ticks (labelled, with bold grid lines) and faint grid
/// lines are chosen here rather than by plotters.
pub struct Ticked {
    axis: RangedCoordf64,
    ticks: Vec<f64>,
    faint: Vec<f64>,
}

impl Ranged for Ticked {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        self.axis.map(value, limit)
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            self.faint.clone()
        } else {
            self.ticks.clone()
        }
    }

    fn range(&self) -> std::ops::Range<f64> {
        self.axis.range()
    }
}

/// A count axis over [0, top] with ticks at whole numbers only: on a short
/// axis plotters steps by 0.5 or 0.2, and a count printed as a whole number
/// then repeats (0, 0, 1, 1, 2 ...). These are the ticks plotters picks,
/// without the fractional ones: on a short axis every whole number, on a
/// longer one its steps of 1, 2 or 5 times a power of ten, as before. The
/// faint grid lines stay where plotters draws them.
pub fn count_axis(top: f64) -> Ticked {
    let axis = RangedCoordf64::from(0f64..top);
    let ticks = axis
        .key_points(BoldPoints(LABELS))
        .into_iter()
        .filter(|v| (v - v.round()).abs() < 1e-9)
        .map(f64::round)
        .collect();
    let faint = axis.key_points(LightPoints::new(LABELS, LABELS * 10));
    Ticked { axis, ticks, faint }
}

/// An axis of `n` equal slots, one a bar, slot `i` spanning [i, i + 1] and
/// labelled at its centre; `slot` turns a tick back into its index. Not
/// plotters' segmented integer axis: that holds one slot more than its range
/// (`0..n` is n + 1 values, so the last slot was drawn empty) and maps a
/// one-value range off the chart.
pub fn slot_axis(n: usize) -> Ticked {
    Ticked {
        axis: RangedCoordf64::from(0f64..n as f64),
        ticks: (0..n).map(|i| i as f64 + 0.5).collect(),
        faint: Vec::new(),
    }
}

/// The slot a tick of `slot_axis` stands at.
pub fn slot(tick: f64) -> usize {
    tick.max(0.0).floor() as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ticks(top: f64) -> Vec<f64> {
        count_axis(top).key_points(BoldPoints(LABELS))
    }

    #[test]
    fn count_ticks_are_whole_numbers_evenly_spaced_from_zero() {
        // The sample's re-employment histogram: 3 communities in the
        // fullest bin, axis top 3.45 (plotters stepped by 0.5 there).
        assert_eq!(ticks(3.45), [0.0, 1.0, 2.0, 3.0]);
        assert_eq!(ticks(1.15), [0.0, 1.0]);
        assert_eq!(ticks(1.0), [0.0, 1.0]);
        // Longer axes keep plotters' steps.
        assert_eq!(ticks(23.0), [0.0, 5.0, 10.0, 15.0, 20.0]);
        assert_eq!(ticks(10.35), (0..=10).map(f64::from).collect::<Vec<_>>());
        assert_eq!(ticks(11.5), [0.0, 2.0, 4.0, 6.0, 8.0, 10.0]);
        let long = ticks(1234.0);
        assert_eq!(long[0], 0.0);
        assert!(long.windows(2).all(|w| w[1] - w[0] == 200.0), "{long:?}");
        // The faint lines are still drawn between the ticks.
        assert!(count_axis(3.45).key_points(LightPoints::new(11, 110)).len() > 4);
    }

    #[test]
    fn slots_are_as_many_as_bars_even_for_one() {
        for n in [1, 3, 20] {
            let axis = slot_axis(n);
            let centres = axis.key_points(BoldPoints(LABELS));
            assert_eq!(centres.len(), n);
            assert_eq!(
                centres.iter().map(|c| slot(*c)).collect::<Vec<_>>(),
                (0..n).collect::<Vec<_>>()
            );
            // The last slot ends at the axis' end; the first starts at its start.
            assert_eq!(axis.map(&0.0, (100, 700)), 100);
            assert_eq!(axis.map(&(n as f64), (100, 700)), 700);
        }
    }
}
