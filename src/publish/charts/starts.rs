//! Employment starts per week across the review year, with the cut-off
//! marked and the last `window_days` before it shaded: a surge of starts
//! just before the cut-off is the signature of window dressing.

use chrono::Datelike;
use plotters::prelude::*;

use super::Chart;
use super::style::{self, BAR, MARK, SHADE, failed};
use crate::error::Result;
use crate::panel::Panel;

pub fn weekly_starts(review: &Panel, window_days: i64) -> Result<Chart> {
    let title = format!("全市每周新开始的就业记录({}年度)", review.year);
    let caption = format!(
        "每根柱是该周(自 1 月 1 日起每 7 天一周)开始的就业记录数;红线是截止日期,浅红区域是截止日前 {window_days} 天。截止日前的突增值得关注。"
    );
    let (Some(weeks), Some(cutoff)) = (&review.weekly_starts, review.cutoff()) else {
        return Ok(Chart {
            name: "employment_starts_per_week".into(),
            svg: style::empty(&title, "本次数据没有就业登记表,无法统计。")?,
            title,
            caption,
        });
    };
    let cut_week = cutoff.ordinal0() as f64 / 7.0 + 1.0 / 7.0;
    let window_start = (cutoff.ordinal0() as f64 + 1.0 - window_days as f64).max(0.0) / 7.0;
    let ymax = (*weeks.iter().max().unwrap_or(&1) as f64 * 1.15).max(1.0);
    let n = weeks.len() as f64;
    let svg = style::svg(|root| {
        let mut chart = style::chart(
            &root,
            &title,
            style::LABEL_AREAS,
            style::count_axis(n),
            style::count_axis(ymax),
        )?;
        chart
            .draw_series([Rectangle::new(
                [(window_start, 0.0), (cut_week, ymax)],
                SHADE.filled(),
            )])
            .map_err(failed)?;
        style::draw_mesh(
            chart
                .configure_mesh()
                .disable_x_mesh()
                .x_desc("周次(自 1 月 1 日起,第 n 周)")
                .y_desc("就业记录数(条)")
                .x_label_formatter(&|v| format!("{:.0}", v + 1.0))
                .y_label_formatter(&|v| format!("{v:.0}")),
        )?;
        chart
            .draw_series(weeks.iter().enumerate().map(|(k, c)| {
                let x = k as f64;
                Rectangle::new([(x + 0.1, 0.0), (x + 0.9, *c as f64)], BAR.filled())
            }))
            .map_err(failed)?;
        chart
            .draw_series(LineSeries::new(
                [(cut_week, 0.0), (cut_week, ymax)],
                MARK.stroke_width(2),
            ))
            .map_err(failed)?;
        chart
            .draw_series([Text::new(
                format!("截止日 {cutoff}"),
                ((cut_week - 8.0).max(0.0), ymax * 0.97),
                style::label().color(&MARK),
            )])
            .map_err(failed)?;
        Ok(())
    })?;
    Ok(Chart::new(
        "employment_starts_per_week",
        title,
        caption,
        svg,
    ))
}
