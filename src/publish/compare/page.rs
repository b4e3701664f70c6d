//! `compare-<stem>.html`: the comparison as one self-contained page in
//! Chinese, in the report's look, rendered with minijinja from
//! `reports/templates/compare.html` (compiled in, auto-escaped; only the
//! SVG charts, which plotters has already escaped, go in as markup).

use minijinja::{Environment, Value, context};

use super::workbook::mark;
use crate::error::{Error, Result};
use crate::panel::compare::{Change, Comparison};
use crate::publish::charts::Chart;

/// The template, from the repository's `reports/templates/`.
const TEMPLATE: &str = include_str!("../../../reports/templates/compare.html");
/// The look the report and the comparison page share.
const BASE_CSS: &str = include_str!("../../../reports/templates/base.css");

/// What the page shows besides the comparison.
pub struct Page<'a> {
    pub comparison: &'a Comparison,
    /// One chart per curve, in the curves' order.
    pub charts: &'a [Chart],
    pub city: &'a str,
    /// When the page was made (Asia/Shanghai).
    pub made_at: &'a str,
    /// Where the charts are written beside the page, and the workbook's name.
    pub chart_folder: &'a str,
    pub workbook: &'a str,
}

/// The page as HTML.
pub fn render(p: &Page) -> Result<String> {
    let mut env = Environment::new();
    env.add_template("base.css", BASE_CSS)
        .map_err(template_error)?;
    env.add_template("compare.html", TEMPLATE)
        .map_err(template_error)?;
    let c = p.comparison;
    let figures: Vec<Value> = p
        .charts
        .iter()
        .zip(&c.curves)
        .map(|(chart, curve)| {
            context! {
                name => chart.name,
                caption => chart.caption,
                svg => Value::from_safe_string(chart.svg.clone()),
                curve => curve,
                marks => curve.points.iter().map(mark).collect::<Vec<_>>(),
            }
        })
        .collect();
    let kinds: Vec<Value> = Change::ALL
        .iter()
        .map(|k| context! { id => k.id(), label => k.label() })
        .collect();
    let ctx = context! {
        c => c,
        city => p.city,
        made_at => p.made_at,
        version => env!("CARGO_PKG_VERSION"),
        kinds => kinds,
        figures => figures,
        points => crate::panel::compare::sensitivity::POINTS,
        chart_folder => p.chart_folder,
        workbook => p.workbook,
    };
    env.get_template("compare.html")
        .and_then(|t| t.render(ctx))
        .map_err(template_error)
}

fn template_error(e: minijinja::Error) -> Error {
    Error::Internal(anyhow::anyhow!("rendering the comparison page: {e:#}"))
}
