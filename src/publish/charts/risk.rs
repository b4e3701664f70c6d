//! Risk scores: the communities with the highest risk score (points per
//! community-level finding by severity), longest bar first.

use plotters::prelude::*;

use super::Chart;
use super::style::{self, MARK, failed};
use crate::config::rules::RiskRules;
use crate::error::Result;
use crate::panel::{Community, Panel};

/// How many communities the chart shows at most; the report's tables list
/// every one.
const SHOWN: usize = 20;

/// Communities with a risk score above 0, highest first, then by code.
pub fn ranked(review: &Panel) -> Vec<&Community> {
    let mut risky: Vec<&Community> = review
        .communities
        .iter()
        .filter(|c| c.risk_score > 0)
        .collect();
    risky.sort_by(|a, b| b.risk_score.cmp(&a.risk_score).then(a.code.cmp(&b.code)));
    risky
}

pub fn risk_scores(review: &Panel, rules: &RiskRules) -> Result<Chart> {
    let risky = ranked(review);
    let title = format!("风险分最高的社区({}年度)", review.year);
    let caption = format!(
        "风险分 = 每条社区级高风险发现 {} 分、中风险 {} 分、低风险 {} 分,封顶 {} 分。图中列出风险分大于 0 的前 {SHOWN} 个社区,共 {} 个社区风险分大于 0。",
        rules.high,
        rules.medium,
        rules.low,
        rules.cap,
        risky.len()
    );
    let shown: Vec<&Community> = risky.into_iter().take(SHOWN).collect();
    let svg = if shown.is_empty() {
        style::empty(&title, "本年度没有社区级疑点发现:所有社区的风险分为 0。")?
    } else {
        let names: Vec<String> = shown
            .iter()
            .map(|c| format!("{}({})", c.name, c.county))
            .collect();
        let xmax = shown[0].risk_score as f64 * 1.1 + 1.0;
        let n = shown.len();
        style::svg(|root| {
            let mut chart = style::chart(
                &root,
                &title,
                (44, 230),
                style::count_axis(xmax),
                style::slot_axis(n),
            )?;
            // The highest score at the top: row i is drawn in slot n - 1 - i.
            let label = |v: &f64| match n.checked_sub(style::slot(*v) + 1) {
                Some(i) => names[i].clone(),
                None => String::new(),
            };
            style::draw_mesh(
                chart
                    .configure_mesh()
                    .disable_y_mesh()
                    .x_desc("风险分(分)")
                    .y_desc("社区(区县)")
                    .y_label_formatter(&label)
                    .x_label_formatter(&|v| format!("{v:.0}")),
            )?;
            chart
                .draw_series(shown.iter().enumerate().map(|(i, c)| {
                    let row = (n - 1 - i) as f64;
                    let mut bar = Rectangle::new(
                        [(0.0, row), (c.risk_score as f64, row + 1.0)],
                        MARK.mix(0.75).filled(),
                    );
                    bar.set_margin(2, 2, 0, 0);
                    bar
                }))
                .map_err(failed)?;
            Ok(())
        })?
    };
    Ok(Chart::new("risk_scores", title, caption, svg))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Rules;

    #[test]
    fn names_are_drawn_as_escaped_text_highest_risk_first() {
        let c = |code: &str, name: &str, risk: i64| Community {
            code: code.into(),
            name: name.into(),
            county: "新华区".into(),
            risk_score: risk,
            ..Community::default()
        };
        let review = Panel {
            year: 2021,
            communities: vec![
                c("1", "<script>alert(1)</script>", 8),
                c("2", "=HYPERLINK(\"http://x\",\"y\")", 13),
                c("3", "平安社区", 0),
            ],
            ..Panel::default()
        };
        let chart = risk_scores(&review, &Rules::default().risk).unwrap();
        assert!(!chart.svg.contains("<script>"));
        assert!(
            chart
                .svg
                .contains("&lt;script&gt;alert(1)&lt;/script&gt;(新华区)")
        );
        assert!(chart.svg.contains("=HYPERLINK("));
        assert!(!chart.svg.contains("平安社区"), "risk 0 is not drawn");
        assert_eq!(ranked(&review)[0].code, "2");
        assert!(chart.svg.contains("风险分(分)"));
    }
}
