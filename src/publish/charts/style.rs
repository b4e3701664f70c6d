//! What every chart shares: size, colours, and the font family list. The
//! SVG keeps its text as text and names CJK families that Windows, macOS and
//! Linux browsers find, so no font library is linked and Chinese renders
//! wherever the report is opened.

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
