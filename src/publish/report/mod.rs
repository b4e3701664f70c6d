//! `report.html`: the panel's report, one self-contained page in Chinese
//! (styles and charts inline, nothing fetched), printable on A4 with a page
//! break before each section. Rendered with minijinja from
//! `reports/templates/report.html`, which is compiled into the program; the
//! engine escapes every value (the template is named `.html`, so
//! auto-escaping is on), and only the SVG charts, which plotters has already
//! escaped, are inserted as markup.

pub mod accountability;
pub mod input;
pub mod view;

use std::collections::BTreeMap;

use minijinja::{Environment, Value, context};
use polars::prelude::DataFrame;
use serde::Serialize;

use crate::config::rules::IndicatorRules;
use crate::error::{Error, Result};
use crate::panel::Panel;
use crate::panel::labels;
use crate::publish::charts::Chart;
use crate::publish::manifest::Manifest;

/// The template, from the repository's `reports/templates/`.
const TEMPLATE: &str = include_str!("../../../reports/templates/report.html");
/// The look the report and the comparison page share.
const BASE_CSS: &str = include_str!("../../../reports/templates/base.css");

/// Rejected input rows of one table and reason.
#[derive(Debug, Clone, Serialize)]
pub struct RejectRow {
    pub table: String,
    pub file: String,
    pub reason: String,
    pub rows: usize,
    pub first_lines: String,
}

fn reject_rows(rejects: &DataFrame) -> Result<Vec<RejectRow>> {
    let table = crate::frame::strings(rejects, "table")?;
    let file = crate::frame::strings(rejects, "file")?;
    let reason = crate::frame::strings(rejects, "reason")?;
    let line = crate::frame::ints(rejects, "line")?;
    let mut by: BTreeMap<(String, String, String), Vec<i64>> = BTreeMap::new();
    for k in 0..rejects.height() {
        by.entry((
            table[k].clone().unwrap_or_default(),
            file[k].clone().unwrap_or_default(),
            reason[k].clone().unwrap_or_default(),
        ))
        .or_default()
        .push(line[k].unwrap_or(0));
    }
    Ok(by
        .into_iter()
        .map(|((t, f, r), lines)| RejectRow {
            table: labels::table(&t),
            file: f,
            reason: labels::reject_reason(&r),
            rows: lines.len(),
            first_lines: lines
                .iter()
                .take(10)
                .map(i64::to_string)
                .collect::<Vec<_>>()
                .join(", ")
                + if lines.len() > 10 { " …" } else { "" },
        })
        .collect())
}

/// Everything the template reads besides the review itself.
pub struct Context<'a> {
    pub review: &'a Panel,
    pub charts: &'a [Chart],
    pub manifest: &'a Manifest,
    pub rejects: &'a DataFrame,
    pub city_name: &'a str,
}

/// Renders the report.
pub fn render(cx: &Context) -> Result<String> {
    let mut env = Environment::new();
    env.add_template("base.css", BASE_CSS)
        .map_err(template_error)?;
    env.add_template("report.html", TEMPLATE)
        .map_err(template_error)?;
    let review = cx.review;
    let m = cx.manifest;
    let charts: Vec<Value> = cx.charts.iter().map(chart_value).collect();
    let run_date = crate::contract::dates::parse_date(&m.run_date);
    let period = review
        .period
        .map(|p| (p.start.to_string(), p.cutoff.to_string()));
    let evidence_rules = IndicatorRules::of_effective(&m.rules.effective);
    let ctx = context! {
        city => cx.city_name,
        year => review.year,
        period_start => period.as_ref().map(|p| p.0.clone()),
        period_end => period.as_ref().map(|p| p.1.clone()),
        as_of => m.as_of,
        as_of_setting => m.as_of_setting,
        run_id => m.run_id,
        created_at => m.created_at,
        version => m.program.version,
        years => m.periods.iter().map(|p| p.year).collect::<Vec<_>>(),
        missing_tables => m.missing_optional_tables.iter().map(|t| labels::table(t)).collect::<Vec<_>>(),
        rows_rejected => m.rows_rejected,
        rejects => reject_rows(cx.rejects)?,
        summary => view::summary(review),
        counties => view::counties(review),
        results => view::results(review, evidence_rules.thin_evidence_below),
        trends => view::trends(review)?,
        since_last_year => review.since_last_year,
        durable_job_days => evidence_rules.durable_job_days,
        service_crowd_days => evidence_rules.service_crowd_days,
        service_crowd_persons => evidence_rules.service_crowd_persons,
        thin_evidence => labels::share(Some(evidence_rules.thin_evidence_below)),
        shortlist => view::shortlist(review),
        waiting => view::waiting(review),
        falsified => view::falsified(review),
        status => review.progress,
        accountability => accountability::view(review),
        accountability_chart => cx.charts.iter().find(|c| c.name == crate::publish::charts::accountability::NAME).map(|c| context! {
            name => c.name, caption => c.caption, svg => Value::from_safe_string(c.svg.clone()),
        }),
        run_date => run_date.map(|d| d.to_string()),
        timeline => review.timeline,
        publicity => m.publicity.as_ref().map(|p| context! { start => p.start, end => p.end, days => p.working_days }),
        assignments => m.assignments.iter().filter(|a| a.year == review.year).map(|a| context! { county => a.county, group => a.group, candidates => a.candidates }).collect::<Vec<_>>(),
        unassigned => m.unassigned_counties.iter().filter(|u| u.year == review.year).map(|u| context! { county => u.county, candidates => u.candidates, reason => u.reason }).collect::<Vec<_>>(),
        findings => view::findings(review),
        material_findings => view::material_findings(review),
        legend => view::legend(),
        findings_total => review.findings.len(),
        spot_checks => view::spot_checks(&review.spot_checks),
        charts => charts,
        changes => &review.changes,
        rules_file => m.rules.file,
        rules_inline => m.rules.inline,
        rules_sha256 => m.rules.sha256,
        settings => view::settings(&m.rules.effective),
        pipeline => m.pipeline.path,
        input_warnings => m.input_warnings,
        input_notes => input_notes(m),
        inputs => m.inputs.iter().map(input_row).collect::<Vec<_>>(),
    };
    env.get_template("report.html")
        .and_then(|t| t.render(ctx))
        .map_err(template_error)
}

/// A chart as the template shows it, its SVG inline.
fn chart_value(c: &Chart) -> Value {
    context! {
        name => c.name,
        title => c.title,
        caption => c.caption,
        svg => Value::from_safe_string(c.svg.clone()),
    }
}

/// What ingest noted of each input file, "file: note".
fn input_notes(m: &Manifest) -> Vec<String> {
    m.inputs
        .iter()
        .flat_map(|i| {
            let name = std::path::Path::new(&i.path)
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default();
            i.notes.iter().map(move |n| format!("{name}: {n}"))
        })
        .collect()
}

/// One input file's row of the appendix.
fn input_row(i: &crate::publish::manifest::InputRef) -> Value {
    context! {
        table => labels::table(&i.table), path => i.path, read_as => i.read_as,
        rows_read => i.rows_read, rows_rejected => i.rows_rejected, sha256 => i.sha256,
    }
}

fn template_error(e: minijinja::Error) -> Error {
    Error::Internal(anyhow::anyhow!("rendering the report: {e:#}"))
}

#[cfg(test)]
mod tests {
    use polars::prelude::*;

    use super::*;
    use crate::indicators::period::Period;
    use crate::panel::{Community, Verdict};
    use crate::publish::manifest;

    fn manifest() -> Manifest {
        Manifest {
            program: manifest::Program {
                name: "fullemp".into(),
                version: "0.0.0".into(),
            },
            run_id: "20220107T010000".into(),
            created_at: "2022-01-07T01:00:00+08:00".into(),
            rules: manifest::RulesRef {
                file: Some("rules/default.toml".into()),
                inline: false,
                sha256: "ab".repeat(32),
                effective: "[reinspection]\nmin_reemployment_rate = 0.7\n".into(),
            },
            as_of_setting: "2021-12-31".into(),
            as_of: "2021-12-31".into(),
            missing_optional_tables: vec!["applications".into()],
            pseudonym_key: "env".into(),
            ..Manifest::default()
        }
    }

    fn community(i: usize, county: &str) -> Community {
        Community {
            code: format!("4104{i:08}"),
            name: format!("第{i}社区"),
            county: county.into(),
            street: "中兴路街道".into(),
            provincial_year: Some(2015),
            under_reinspection: true,
            verdict: Some(if i.is_multiple_of(7) {
                Verdict::Fail
            } else {
                Verdict::Pass
            }),
            failing_detail: if i.is_multiple_of(7) {
                "min_reemployment_rate 0.6500 vs 0.7000".into()
            } else {
                String::new()
            },
            reemployment_rate: Some(0.8),
            score: Some(72.0),
            city_level: true,
            stars: 1,
            level: Some("星级".into()),
            ..Community::default()
        }
    }

    fn review(communities: Vec<Community>) -> Panel {
        let mut p = Panel {
            year: 2021,
            period: Some(Period {
                year: 2021,
                start: chrono::NaiveDate::from_ymd_opt(2021, 1, 1).unwrap(),
                cutoff: chrono::NaiveDate::from_ymd_opt(2021, 12, 31).unwrap(),
            }),
            communities,
            changes: crate::panel::changes::Changes {
                first_run: true,
                ..crate::panel::changes::Changes::default()
            },
            ..Panel::default()
        };
        p.county_figures = crate::panel::counties::figures(&p);
        p
    }

    fn render_review(review: &Panel) -> String {
        let rejects = DataFrame::empty();
        render(&Context {
            review,
            charts: &[],
            manifest: &manifest(),
            rejects: &rejects,
            city_name: "平顶山市",
        })
        .unwrap()
    }

    /// A findings table made by hand: one community finding with evidence,
    /// one county-level finding without a community.
    fn findings_frame() -> DataFrame {
        let evidence = Series::new(
            "evidence".into(),
            [
                Series::new(
                    "".into(),
                    (0..12)
                        .map(|k| format!("person_key=00000000000000{k:02}"))
                        .collect::<Vec<_>>(),
                ),
                Series::new("".into(), Vec::<String>::new()),
            ],
        );
        DataFrame::new_infer_height(vec![
            Column::new(
                "detector".into(),
                ["cutoff_window_dressing", "threshold_bunching"],
            ),
            Column::new("severity".into(), ["high", "medium"]),
            Column::new("level".into(), ["community", "county"]),
            Column::new("community_code".into(), [Some("410400000007"), None]),
            Column::new("community_name".into(), [Some("第7社区"), None]),
            Column::new("county".into(), ["新华区", "湛河区"]),
            Column::new("street".into(), [Some("中兴路街道"), None]),
            Column::new("year".into(), [2021i64, 2021]),
            Column::new(
                "explanation".into(),
                ["截止日前30天内集中开始就业 9 人", "就业率在阈值上方扎堆"],
            ),
            Column::new("value".into(), [9.0, 14.0]),
            Column::new("threshold".into(), [5.0, 10.0]),
            Column::new("p_value".into(), [Some(0.00002), None]),
            evidence.into(),
        ])
        .unwrap()
    }

    #[test]
    fn the_findings_section_groups_by_detector_with_explanation_and_evidence() {
        let frame = findings_frame();
        assert_eq!(
            &**frame.schema(),
            &input::findings_schema(),
            "the hand-made frame has the findings table's schema"
        );
        let mut r = review(vec![community(7, "新华区")]);
        r.findings = crate::panel::findings::read(&frame).unwrap();
        let html = render_review(&r);
        let section =
            &html[html.find("id=\"findings\"").unwrap()..html.find("id=\"spot-checks\"").unwrap()];
        assert!(section.contains("截止日前突击就业(<code>cutoff_window_dressing</code>,1 条)"));
        assert!(
            section.contains("比率扎堆于合格线(区县级检验)(<code>threshold_bunching</code>,1 条)")
        );
        assert!(section.contains("截止日前30天内集中开始就业 9 人"));
        assert!(section.contains("湛河区(全区县)"));
        assert!(section.contains("2.00e-5"));
        // Ten evidence items shown, the other two folded away.
        assert!(section.contains("person_key=0000000000000009"));
        assert!(section.contains("另有 2 条"));
        // Counted in the summary by severity.
        let summary =
            &html[html.find("id=\"summary\"").unwrap()..html.find("id=\"counties\"").unwrap()];
        assert!(summary.contains("疑点发现<b>2</b>其中区县级 1"));
    }

    #[test]
    fn an_empty_findings_frame_says_there_are_none() {
        let frame = DataFrame::empty_with_schema(&input::findings_schema());
        let mut r = review(vec![community(1, "新华区")]);
        r.findings = crate::panel::findings::read(&frame).unwrap();
        let html = render_review(&r);
        assert!(html.contains("本年度没有疑点发现"));
    }

    #[test]
    fn a_missing_applications_table_is_said_not_hidden() {
        let html = render_review(&review(vec![community(1, "新华区")]));
        assert!(html.contains("本次数据没有申报表(applications),无法生成推荐名单"));
        assert!(html.contains("本次数据缺少可选表:申报表"));
    }

    #[test]
    fn five_thousand_communities_fold_into_closed_county_tables() {
        let counties = ["新华区", "卫东区", "湛河区", "石龙区", "宝丰县"];
        let many: Vec<Community> = (0..5000)
            .map(|i| community(i, counties[i % counties.len()]))
            .collect();
        let html = render_review(&review(many));
        let results =
            &html[html.find("id=\"results\"").unwrap()..html.find("id=\"shortlist\"").unwrap()];
        assert_eq!(
            results.matches("<details>").count(),
            5,
            "one closed table per county"
        );
        assert!(!results.contains("<details open>"));
        assert!(results.contains("新华区(1000 个复查社区)"));
        // Failing communities are listed up front, open.
        assert!(results.contains("不合格与数据不全的社区(715 个)"));
        assert!(html.len() < 12_000_000, "{} bytes", html.len());
        let small = render_review(&review(vec![community(1, "新华区")]));
        assert!(small.contains("<details open>"));
    }

    #[test]
    fn a_county_no_group_may_assess_is_named() {
        let mut m = manifest();
        m.unassigned_counties = vec![manifest::UnassignedRef {
            year: 2021,
            county: "新华区".into(),
            candidates: 3,
            reason: "所有考核组都来自本区县".into(),
        }];
        let r = Panel {
            shortlist: Some(vec![]),
            ..review(vec![community(1, "新华区")])
        };
        let html = render(&Context {
            review: &r,
            charts: &[],
            manifest: &m,
            rejects: &DataFrame::empty(),
            city_name: "平顶山市",
        })
        .unwrap();
        assert!(html.contains("新华区(3 个候选,所有考核组都来自本区县)"));
    }

    #[test]
    fn a_pass_shows_its_margin_beside_the_verdict_and_a_failure_none() {
        let mut close = community(1, "新华区");
        close.margin_persons = Some(2);
        close.margin_rules = vec![
            "min_hardship_employment_rate".into(),
            "min_assistance_coverage".into(),
        ];
        let html = render_review(&review(vec![close, community(7, "新华区")]));
        let results =
            &html[html.find("id=\"results\"").unwrap()..html.find("id=\"shortlist\"").unwrap()];
        assert!(results.contains("<th class=\"nw\">结论</th><th class=\"nw\">差几人</th>"));
        assert!(results.contains(
            "<td class=\"v nw\">合格</td><td class=\"margin\"><span class=\"m\">差 2 人不达标</span><br><small>就业困难人员就业率、就业援助覆盖率</small></td>"
        ));
        assert!(results.contains("<td class=\"v nw\">不合格</td><td class=\"margin\">—</td>"));
        assert_eq!(results.matches("人不达标</span>").count(), 1);
    }

    #[test]
    fn each_rated_figure_has_its_evidence_share_beside_it_and_a_thin_one_is_marked() {
        let mut c = community(1, "新华区");
        c.hardship_employment_rate = Some(0.9);
        c.evidence = [
            ("reemployment_rate", 0.85),
            ("hardship_employment_rate", 0.25),
        ]
        .into_iter()
        .collect();
        let html = render_review(&review(vec![c]));
        let results =
            &html[html.find("id=\"results\"").unwrap()..html.find("id=\"shortlist\"").unwrap()];
        assert!(results.contains(
            "<th class=\"n\">登记失业人员就业率</th><th class=\"n share\">有据</th><th class=\"n\">就业困难人员就业率</th><th class=\"n share\">有据</th>"
        ));
        // 0.85 is not thin; 0.25 is below thin_evidence_below (0.5); a
        // figure without a share shows a dash.
        assert!(results.contains(
            "<td class=\"n\">80.0%</td><td class=\"n share\">85%</td><td class=\"n\">90.0%</td><td class=\"n share sev-medium\">25%</td><td class=\"n\">—</td><td class=\"n share\">—</td>"
        ));
        assert!(results.contains("低于 50% 的以橙色标出"));
    }

    #[test]
    fn the_severity_legend_comes_before_the_findings() {
        let mut r = review(vec![community(7, "新华区")]);
        r.findings = crate::panel::findings::read(&findings_frame()).unwrap();
        let html = render_review(&r);
        let section =
            &html[html.find("id=\"findings\"").unwrap()..html.find("id=\"spot-checks\"").unwrap()];
        let legend = section.find("id=\"legend\"").unwrap();
        assert!(legend < section.find("<details").unwrap());
        for (s, zh) in [("high", "高"), ("medium", "中"), ("low", "低")] {
            let row = format!(
                "<th class=\"sev-{s}\">{zh}</th><td>{}</td>",
                labels::severity_meaning(s)
            );
            assert!(section[legend..].contains(&row), "{row}");
        }
    }

    #[test]
    fn reject_reasons_read_in_chinese_and_an_unknown_one_as_it_is() {
        let rejects = df!(
            "table" => ["persons", "persons", "employment"],
            "file" => ["persons.csv", "persons.csv", "employment.csv"],
            "line" => [3i64, 9, 4],
            "reason" => ["required cell empty", "required cell empty", "identifier damaged by Excel"],
        )
        .unwrap();
        let rows = reject_rows(&rejects).unwrap();
        let shown: Vec<(&str, &str, usize)> = rows
            .iter()
            .map(|r| (r.table.as_str(), r.reason.as_str(), r.rows))
            .collect();
        assert_eq!(
            shown,
            [
                ("就业登记", "identifier damaged by Excel", 1),
                ("人员台账", "必填项为空", 2)
            ]
        );
    }

    #[test]
    fn every_rules_value_is_printed() {
        let html = render_review(&review(vec![community(1, "新华区")]));
        assert!(html.contains("<code>reinspection.min_reemployment_rate</code></td><td>0.7</td>"));
        // The engine escapes `/` too (&#x2f;), which the browser shows as `/`.
        assert!(html.contains("<code>rules&#x2f;default.toml</code>"));
    }
}
