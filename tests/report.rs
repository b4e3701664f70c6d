//! The panel's documents as a person meets them: the sample run's report
//! opened in a real browser with the network off (nothing fetched, headings
//! and a known community on screen, a screenshot that is not blank, a
//! plausible number of A4 pages), the forms read back with calamine, and
//! community names built to break things (`<script>`, a formula) staying
//! plain text in the report, the charts and the forms.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use calamine::{Data, Reader, Xlsx, open_workbook};

mod support;

const SECTIONS: [&str; 10] = [
    "评审日程",
    "一、概况",
    "二、分区县情况",
    "三、复查结果",
    "四、推荐名单",
    "五、疑点发现",
    "六、随机抽查样本",
    "七、图表",
    "八、与上次运行相比的变化",
    "附录:规则与输入",
];

fn run_ok(args: &[&str]) {
    let out = support::fullemp(args);
    assert!(
        out.status.success(),
        "run failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The README's command on the bundled sample, run once for all tests here:
/// the folder of its complete run.
fn sample_run() -> &'static Path {
    static RUN: OnceLock<PathBuf> = OnceLock::new();
    RUN.get_or_init(|| {
        let out = tempfile::tempdir().unwrap().keep();
        run_ok(&["run", "--out", out.to_str().unwrap()]);
        std::fs::canonicalize(out.join("latest")).unwrap()
    })
}

/// What the browser saw (tests/browser/open_report.py).
struct Seen {
    requests: Vec<String>,
    text: String,
    scripts: i64,
    load_ms: i64,
    /// Share of the screenshot's pixels that are not white.
    inked: f64,
    colours: i64,
    /// Pages of the page printed to PDF.
    pages: i64,
}

/// Opens `report` in headless Chromium; None (test skipped) when no
/// Chromium is installed, except on CI (`CI=true`), where it must be.
fn open_in_browser(report: &Path) -> Option<Seen> {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path();
    let run = Command::new("python3")
        .arg("tests/browser/open_report.py")
        .arg(report)
        .arg(out)
        .output()
        .unwrap();
    if run.status.code() == Some(2) {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI must install chromium (.ci/run) for the report's browser tests"
        );
        eprintln!("no chromium: browser checks skipped");
        return None;
    }
    assert!(
        run.status.success(),
        "browser failed: {}",
        String::from_utf8_lossy(&run.stderr)
    );
    let result: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("result.json")).unwrap()).unwrap();
    Some(Seen {
        requests: result["requests"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u.as_str().unwrap().to_string())
            .collect(),
        text: result["text"].as_str().unwrap().to_string(),
        scripts: result["scripts"].as_i64().unwrap(),
        load_ms: result["load_ms"].as_i64().unwrap(),
        inked: result["inked"].as_f64().unwrap(),
        colours: result["colours"].as_i64().unwrap(),
        pages: result["pages"].as_i64().unwrap(),
    })
}

fn sheet(path: &Path, name: &str) -> (calamine::Range<Data>, calamine::Range<String>) {
    let mut wb: Xlsx<_> = open_workbook(path).unwrap();
    (
        wb.worksheet_range(name).unwrap(),
        wb.worksheet_formula(name).unwrap(),
    )
}

fn text_at(range: &calamine::Range<Data>, row: u32, col: u32) -> String {
    match range.get_value((row, col)) {
        Some(Data::String(s)) => s.clone(),
        Some(Data::Empty) | None => String::new(),
        Some(other) => panic!("({row},{col}) is not text: {other:?}"),
    }
}

/// Every formula cell of every sheet of a workbook: none is expected.
fn formulas(path: &Path) -> Vec<String> {
    let mut wb: Xlsx<_> = open_workbook(path).unwrap();
    let mut found = Vec::new();
    for name in wb.sheet_names() {
        let f = wb.worksheet_formula(&name).unwrap();
        found.extend(f.used_cells().map(|(_, _, v)| v.clone()));
    }
    found
}

/// A community of the sample under re-inspection, from its communities file
/// (code, name): the first with a provincial year.
fn known_community() -> (String, String) {
    let mut rdr = csv::Reader::from_path("sample_data/communities.csv").unwrap();
    let headers = rdr.headers().unwrap().clone();
    let at = |n: &str| headers.iter().position(|h| h == n).unwrap();
    let (code, name, prov) = (
        at("community_code"),
        at("community_name"),
        at("provincial_year"),
    );
    rdr.records()
        .map(Result::unwrap)
        .find(|r| !r[prov].is_empty())
        .map(|r| (r[code].to_string(), r[name].to_string()))
        .unwrap()
}

/// The row of community `code` in the results tables (the table of the
/// counties' differing conclusions above them names communities too).
fn result_row<'a>(rows: &[&'a str], code: &str) -> &'a str {
    let cell = format!("<td class=\"nw\">{code}</td>");
    rows.iter()
        .find(|r| r.contains(&cell) && r.contains("n share"))
        .unwrap_or_else(|| panic!("{code} has no row in the results tables"))
}

fn read_parquet(path: &Path) -> polars::prelude::DataFrame {
    let file = std::fs::File::open(path).unwrap();
    use polars::prelude::SerReader;
    polars::prelude::ParquetReader::new(file).finish().unwrap()
}

fn parquet_rows(path: &Path) -> usize {
    read_parquet(path).height()
}

#[test]
fn the_sample_report_reads_offline_in_a_browser_and_prints_on_a4() {
    let run = sample_run();
    let report = run.join("report.html");
    let html = std::fs::read_to_string(&report).unwrap();
    assert!(html.contains("<html lang=\"zh-CN\">"));
    for outside in ["http://", "https://", "<link", "<script", "@import"] {
        assert!(
            !html
                .replace("http://www.w3.org/2000/svg", "")
                .contains(outside),
            "the report refers outside itself: {outside}"
        );
    }
    let Some(seen) = open_in_browser(&report) else {
        return;
    };
    assert!(
        seen.requests.is_empty(),
        "requests left the page: {:?}",
        seen.requests
    );
    assert_eq!(seen.scripts, 0, "the report runs no script");
    for heading in SECTIONS {
        assert!(seen.text.contains(heading), "{heading} not on screen");
    }
    let (_, name) = known_community();
    assert!(seen.text.contains(&name), "{name} not on screen");
    assert!(seen.text.contains("省级充分就业社区"));

    assert!(
        seen.inked > 0.02 && seen.colours > 8,
        "the screenshot looks blank: {:.4} inked, {} colours",
        seen.inked,
        seen.colours
    );
    // Sections follow one another on paper (tests below count the pages
    // exactly); a sample of 30 communities does not run to a hundred.
    assert!(
        (2..=100).contains(&seen.pages),
        "{} A4 pages for a sample of 30 communities",
        seen.pages
    );
    assert!(seen.load_ms < 20_000, "load took {} ms", seen.load_ms);
}

/// The 2021 review as the bureau runs it (pipelines/annual-review-2021.toml),
/// the report made on Mon 10 Jan 2022: it opens with the notice's calendar,
/// each stage's state counted in working days from that day, not from the
/// cut-off; and the failing rules read as the panel says them.
#[test]
fn the_annual_report_opens_with_the_2021_review_calendar_as_of_its_run_date() {
    let out = tempfile::tempdir().unwrap();
    run_ok(&[
        "run",
        "--pipeline",
        "pipelines/annual-review-2021.toml",
        "--out",
        out.path().to_str().unwrap(),
        "--run-date",
        "2022-01-10",
    ]);
    let report = out.path().join("latest/report.html");
    let html = std::fs::read_to_string(&report).unwrap();
    let (timeline, summary) = (
        html.find("id=\"timeline\"").unwrap(),
        html.find("id=\"summary\"").unwrap(),
    );
    assert!(timeline < summary, "the timeline opens the report");
    let rows = table_rows(&html[timeline..summary]);
    let stages: Vec<[&str; 3]> = vec![
        ["复查登记表报送", "2022-01-07", "已过"],
        ["推荐名单报送", "2022-01-14", "还有 4 个工作日"],
        [
            "市级交叉考核",
            "2022-01-17 至 2022-01-26",
            "未开始,还有 5 个工作日开始",
        ],
        // 28, 29, 30 Jan (a worked weekend), then 7, 8 Feb after the holiday.
        [
            "公示",
            "2022-01-28 至 2022-02-08",
            "未开始,还有 14 个工作日开始",
        ],
        ["发文确认", "2022-02-11", "还有 21 个工作日"],
    ];
    assert_eq!(rows.len(), 1 + stages.len(), "a header and one row a stage");
    for (row, [stage, date, state]) in rows[1..].iter().zip(&stages) {
        let cells = format!(
            "<td class=\"nw\">{stage}</td><td class=\"nw\">{date}</td><td class=\"nw state\">{state}</td>"
        );
        assert!(row.contains(&cells), "{cells} not in {row}");
    }

    // Failing rules in words: "登记失业人员就业率 52.9%,低于 70%".
    let results =
        &html[html.find("id=\"results\"").unwrap()..html.find("id=\"shortlist\"").unwrap()];
    assert!(results.contains(",低于 70%"), "no failing rate in words");
    assert!(!results.contains("实际 0.") && !results.contains(",阈值 0."));

    let Some(seen) = open_in_browser(&report) else {
        return;
    };
    assert!(seen.text.contains("评审日程"));
    for [stage, date, state] in &stages {
        assert!(
            seen.text.contains(&format!("{stage}\t{date}\t{state}")),
            "{stage} {date} {state} not on screen"
        );
    }
}

/// `report` printed by headless Chromium as a person would (Print → Save as
/// PDF, no browser header or footer) into `pdf`; false (test skipped) when
/// no Chromium is installed, except on CI, where it must be.
fn print_to_pdf(report: &Path, pdf: &Path) -> bool {
    let profile = tempfile::tempdir().unwrap();
    let run = Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            "--no-pdf-header-footer",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("file://{}", report.display()))
        .output();
    match run {
        Ok(out) => {
            assert!(pdf.exists(), "{}", String::from_utf8_lossy(&out.stderr));
            true
        }
        Err(_) => {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "CI must install chromium (.ci/run)"
            );
            eprintln!("no chromium: print checks skipped");
            false
        }
    }
}

#[test]
fn the_sample_report_printed_keeps_each_code_and_place_on_one_line_in_few_pages() {
    let run = sample_run();
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("report.pdf");
    if !print_to_pdf(&run.join("report.html"), &pdf) {
        return;
    }
    let info = Command::new("pdfinfo").arg(&pdf).output().unwrap();
    let info = String::from_utf8(info.stdout).unwrap();
    let field = |name: &str| {
        info.lines()
            .find_map(|l| l.strip_prefix(name))
            .unwrap()
            .trim()
            .to_string()
    };
    let pages: usize = field("Pages:").parse().unwrap();
    // 18: the legend names eighteen detectors and the results table shows
    // each figure's evidence beside it; with Noto CJK, whose lines stand
    // taller than WenQuanYi's, the same report takes a page more; the
    // accountability section (its table and chart) one more; the table of
    // material findings (影响结论) listed before the groups, one more; the
    // table of what moved since the year before (与上年相比), one more. The
    // three-year sample with the counties' own conclusions (区县复查结论)
    // beside the verdicts and the table of those that differ prints on 20,
    // as it does without them.
    assert!(pages <= 20, "the sample prints on {pages} A4 pages");
    let size: Vec<f64> = field("Page size:")
        .split_whitespace()
        .filter_map(|t| t.parse().ok())
        .collect();
    assert!(
        (size[0] - 842.0).abs() < 2.0 && (size[1] - 595.0).abs() < 2.0,
        "not A4 landscape: {size:?}"
    );
    let text = Command::new("pdftotext")
        .args(["-layout"])
        .arg(&pdf)
        .arg("-")
        .output()
        .unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    // Line by line, spaces dropped: a code or a place broken over two lines
    // is found on neither.
    let lines: Vec<String> = text
        .lines()
        .map(|l| l.chars().filter(|c| !c.is_whitespace()).collect())
        .collect();
    let on_a_line = |s: &str| lines.iter().any(|l| l.contains(s));
    let mut rdr = csv::Reader::from_path("sample_data/communities.csv").unwrap();
    let headers = rdr.headers().unwrap().clone();
    let at = |n: &str| headers.iter().position(|h| h == n).unwrap();
    let (code, county, street) = (at("community_code"), at("county"), at("street"));
    // Every community the report names: those under re-inspection and the
    // candidates.
    let html = std::fs::read_to_string(run.join("report.html")).unwrap();
    let named: Vec<csv::StringRecord> = rdr
        .records()
        .map(Result::unwrap)
        .filter(|r| html.contains(&r[code]))
        .collect();
    assert!(
        named.len() >= 20,
        "{} communities in the report",
        named.len()
    );
    for r in named {
        assert!(on_a_line(&r[code]), "{} is broken or missing", &r[code]);
        assert!(on_a_line(&r[county]), "{} is broken or missing", &r[county]);
        let place = format!("{}/{}", &r[county], &r[street]);
        assert!(on_a_line(&place), "{place} is broken or missing");
    }
}

/// The rows of a section of the report's HTML, one `<tr …>…</tr>` each.
fn table_rows(section: &str) -> Vec<&str> {
    section
        .split("<tr")
        .skip(1)
        .map(|r| &r[..r.find("</tr>").unwrap_or(r.len())])
        .collect()
}

#[test]
fn the_sample_report_shows_each_margin_beside_its_pass_and_reads_severities_first() {
    let run = sample_run();
    let report = run.join("report.html");
    let html = std::fs::read_to_string(&report).unwrap();
    let ratings = read_parquet(&run.join("ratings/year=2021/part-0.parquet"));
    let codes = ratings.column("community_code").unwrap().str().unwrap();
    let verdicts = ratings.column("verdict").unwrap().str().unwrap();
    let margins = ratings.column("margin_persons").unwrap().i64().unwrap();
    let results =
        &html[html.find("id=\"results\"").unwrap()..html.find("id=\"shortlist\"").unwrap()];
    let rows = table_rows(results);
    let mut shown = Vec::new();
    for k in 0..ratings.height() {
        let Some(verdict) = verdicts.get(k) else {
            continue;
        };
        let code = codes.get(k).unwrap();
        let row = result_row(&rows, code);
        match margins.get(k) {
            Some(m) => {
                assert_eq!(verdict, "pass", "{code}");
                assert!(row.contains(&format!("差 {m} 人不达标")), "{code}: {row}");
                shown.push(format!("差 {m} 人不达标"));
            }
            None => assert!(!row.contains("人不达标"), "{code}: {row}"),
        }
    }
    assert!(!shown.is_empty(), "the sample has passes with a margin");

    // The legend opens the findings, before the first detector's block.
    let findings =
        &html[html.find("id=\"findings\"").unwrap()..html.find("id=\"spot-checks\"").unwrap()];
    let legend = findings.find("id=\"legend\"").unwrap();
    assert!(findings.find("<details").is_none_or(|d| legend < d));

    // Reject reasons in Chinese, as the rejects table's English maps them.
    let rejects = read_parquet(&run.join("rejects.parquet"));
    let summary =
        &html[html.find("id=\"summary\"").unwrap()..html.find("id=\"counties\"").unwrap()];
    for reason in rejects
        .column("reason")
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .flatten()
    {
        let zh = fullemp::panel::labels::reject_reason(reason);
        assert!(summary.contains(&format!("<td>{zh}</td>")), "{reason}");
    }

    let Some(seen) = open_in_browser(&report) else {
        return;
    };
    for s in ["high", "medium", "low"] {
        let meaning = fullemp::panel::labels::severity_meaning(s);
        assert!(seen.text.contains(meaning), "{meaning} not on screen");
    }
    assert!(seen.text.contains(&shown[0]), "{} not on screen", shown[0]);
}

/// An evidence share as the report prints it: a whole percentage, a dash
/// for null.
fn share_text(v: Option<f64>) -> String {
    v.map_or_else(|| "—".into(), |v| format!("{:.0}%", v * 100.0))
}

#[test]
fn the_sample_report_prints_each_evidence_share_beside_its_figure() {
    let run = sample_run();
    let html = std::fs::read_to_string(run.join("report.html")).unwrap();
    let ratings = read_parquet(&run.join("ratings/year=2021/part-0.parquet"));
    let codes = ratings.column("community_code").unwrap().str().unwrap();
    let under = ratings
        .column("under_reinspection")
        .unwrap()
        .bool()
        .unwrap();
    let share = |name: &str| ratings.column(name).unwrap().f64().unwrap().clone();
    let columns = [
        "reemployment_rate_evidence",
        "hardship_employment_rate_evidence",
        "registered_unemployment_rate_evidence",
        "assistance_coverage_evidence",
        "zero_households_evidence",
    ];
    let shares: Vec<_> = columns.iter().map(|c| share(c)).collect();
    let results =
        &html[html.find("id=\"results\"").unwrap()..html.find("id=\"shortlist\"").unwrap()];
    let rows = table_rows(results);
    let mut thin = 0;
    for k in 0..ratings.height() {
        if under.get(k) != Some(true) {
            continue;
        }
        let code = codes.get(k).unwrap();
        let row = result_row(&rows, code);
        // The five shares, in the order of their figures, one cell each
        // after the figure's own cell; below 0.5 in the warning colour.
        let mut at = 0;
        for s in &shares {
            let v = s.get(k);
            let class = if v.is_some_and(|v| v < 0.5) {
                thin += 1;
                "n share sev-medium"
            } else {
                "n share"
            };
            let want = format!("<td class=\"{class}\">{}</td>", share_text(v));
            let found = row[at..]
                .find(&want)
                .unwrap_or_else(|| panic!("{code}: {want} not in {row}"));
            at += found + want.len();
        }
    }
    assert!(
        rows.iter().any(|r| r.contains("有据")),
        "the results tables have the heading"
    );
    eprintln!("{thin} thin shares in the sample's results");
}

#[test]
fn the_charts_are_svg_files_with_chinese_labels_and_a_cjk_font_list() {
    let run = sample_run();
    let html = std::fs::read_to_string(run.join("report.html")).unwrap();
    let mut names: Vec<String> = std::fs::read_dir(run.join("charts"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "applications_by_county.svg",
            "claimed_vs_registry.svg",
            "employment_starts_per_week.svg",
            "pass_rate_by_county.svg",
            "rate_assistance_coverage.svg",
            "rate_hardship_employment_rate.svg",
            "rate_reemployment_rate.svg",
            "rate_registered_unemployment_rate.svg",
            "risk_scores.svg",
        ]
    );
    for n in &names {
        let svg = std::fs::read_to_string(run.join("charts").join(n)).unwrap();
        assert!(svg.starts_with("<svg"), "{n}");
        assert!(svg.contains("WenQuanYi Micro Hei"), "{n} names no CJK font");
        assert!(svg.contains("年度"), "{n} has no Chinese title");
        assert!(
            html.contains(svg.trim()),
            "{n} is not inline in the report as written"
        );
    }
    let rate = std::fs::read_to_string(run.join("charts/rate_reemployment_rate.svg")).unwrap();
    assert!(rate.contains("阈值 ≥ 70%") && rate.contains("社区数(个)"));
    // The pass rate chart's "passed/under re-inspection" labels are the
    // ratings table's counts.
    let ratings = read_parquet(&run.join("ratings/year=2021/part-0.parquet"));
    let county = ratings.column("county").unwrap().str().unwrap();
    let under = ratings
        .column("under_reinspection")
        .unwrap()
        .bool()
        .unwrap();
    let verdict = ratings.column("verdict").unwrap().str().unwrap();
    let mut counts: std::collections::BTreeMap<&str, (usize, usize)> = Default::default();
    for k in 0..ratings.height() {
        if under.get(k) == Some(true) {
            let e = counts.entry(county.get(k).unwrap()).or_default();
            e.1 += 1;
            e.0 += usize::from(verdict.get(k) == Some("pass"));
        }
    }
    assert!(counts.len() >= 2);
    let pass = std::fs::read_to_string(run.join("charts/pass_rate_by_county.svg")).unwrap();
    for (c, (passed, n)) in &counts {
        assert!(
            pass.contains(c) && pass.contains(&format!("{passed}/{n}")),
            "{c} {passed}/{n}"
        );
    }
    let weekly =
        std::fs::read_to_string(run.join("charts/employment_starts_per_week.svg")).unwrap();
    assert!(weekly.contains("截止日") && weekly.contains("就业记录数(条)"));
}

/// One `<text>` element of a chart: how it is anchored, its font size and
/// its words.
#[derive(Debug)]
struct SvgText {
    anchor: String,
    size: String,
    text: String,
}

/// The value of `name="..."` in an element's attributes.
fn attribute<'a>(attributes: &'a str, name: &str) -> &'a str {
    let key = format!(" {name}=\"");
    attributes
        .split_once(&key)
        .and_then(|(_, rest)| rest.split_once('"'))
        .map_or("", |(value, _)| value)
}

/// The SVG's `<text>` elements, in drawing order.
fn svg_texts(svg: &str) -> Vec<SvgText> {
    svg.split("<text")
        .skip(1)
        .map(|element| {
            let (attributes, rest) = element.split_once('>').unwrap();
            let text = rest.split_once("</text>").unwrap().0.trim().to_string();
            SvgText {
                anchor: attribute(attributes, "text-anchor").to_string(),
                size: attribute(attributes, "font-size").to_string(),
                text,
            }
        })
        .collect()
}

/// The tick labels of a chart's vertical and horizontal axes. Plotters
/// writes them in the labels' small font, right-aligned beside the vertical
/// axis and centred under the horizontal one; the notes drawn in the same
/// font (the threshold, the counts on the bars, the legend) start at their
/// point.
fn tick_labels(svg: &str) -> (Vec<SvgText>, Vec<SvgText>) {
    let texts = svg_texts(svg);
    let small = texts
        .iter()
        .filter(|t| t.anchor == "end")
        .map(|t| t.size.clone())
        .next()
        .expect("a vertical axis with tick labels");
    let (vertical, horizontal): (Vec<SvgText>, Vec<SvgText>) = texts
        .into_iter()
        .filter(|t| t.size == small && t.anchor != "start")
        .partition(|t| t.anchor == "end");
    assert!(horizontal.iter().all(|t| t.anchor == "middle"));
    (vertical, horizontal)
}

/// The `(x0, y0, x1, y1)` of each line of two points drawn in black: the axes
/// and their tick marks.
fn black_lines(svg: &str) -> Vec<(f64, f64, f64, f64)> {
    svg.split("<polyline")
        .skip(1)
        .filter(|e| attribute(e, "stroke") == "#000000")
        .filter_map(|e| {
            let p: Vec<f64> = attribute(e, "points")
                .split([' ', ','])
                .filter(|v| !v.is_empty())
                .map(|v| v.parse().unwrap())
                .collect();
            (p.len() == 4).then(|| (p[0], p[1], p[2], p[3]))
        })
        .collect()
}

/// The `(x, y, width, height)` of each rectangle filled with `fill`.
fn rectangles(svg: &str, fill: &str) -> Vec<(f64, f64, f64, f64)> {
    svg.split("<rect")
        .skip(1)
        .filter(|e| attribute(e, "fill") == fill)
        .map(|e| {
            let v = |n| attribute(e, n).parse::<f64>().unwrap();
            (v("x"), v("y"), v("width"), v("height"))
        })
        .collect()
}

/// Labels of a count axis: whole numbers, each once, evenly spaced from
/// `first` up.
fn assert_counts(chart: &str, axis: &str, labels: &[SvgText], first: i64) {
    let values: Vec<i64> = labels
        .iter()
        .map(|t| {
            t.text
                .parse()
                .unwrap_or_else(|_| panic!("{chart} {axis}: tick {:?} is no whole number", t.text))
        })
        .collect();
    assert!(values.len() >= 2, "{chart} {axis}: {values:?}");
    assert_eq!(values[0], first, "{chart} {axis}: {values:?}");
    let step = values[1] - values[0];
    assert!(
        step > 0 && values.windows(2).all(|w| w[1] - w[0] == step),
        "{chart} {axis}: ticks repeat or are unevenly spaced: {values:?}"
    );
}

#[test]
fn chart_ticks_on_count_axes_are_whole_numbers_each_once_and_no_slot_is_empty() {
    let run = sample_run();
    let read = |name: &str| std::fs::read_to_string(run.join("charts").join(name)).unwrap();
    for name in [
        "rate_reemployment_rate.svg",
        "rate_hardship_employment_rate.svg",
        "rate_registered_unemployment_rate.svg",
        "rate_assistance_coverage.svg",
        "employment_starts_per_week.svg",
        "risk_scores.svg",
        "pass_rate_by_county.svg",
        "claimed_vs_registry.svg",
    ] {
        let (vertical, horizontal) = tick_labels(&read(name));
        for (axis, labels) in [("vertical", &vertical), ("horizontal", &horizontal)] {
            let mut seen = std::collections::BTreeSet::new();
            for t in labels.iter() {
                assert!(!t.text.is_empty(), "{name} {axis}: an empty tick label");
                assert!(seen.insert(&t.text), "{name} {axis}: {:?} twice", t.text);
            }
        }
    }
    // The re-employment histogram of the sample peaks at 4 communities a
    // bin (77.5–80 %: 7/9, 18/23, 11/14, 15/19): a fractional axis would
    // read 0, 0, 1, 1, 2, 2, 3, 3, 4.
    let (counts, _) = tick_labels(&read("rate_reemployment_rate.svg"));
    let counts: Vec<&str> = counts.iter().map(|t| t.text.as_str()).collect();
    assert_eq!(counts, ["0", "1", "2", "3", "4"]);
    for name in [
        "rate_reemployment_rate.svg",
        "rate_hardship_employment_rate.svg",
        "rate_registered_unemployment_rate.svg",
        "rate_assistance_coverage.svg",
    ] {
        assert_counts(name, "vertical", &tick_labels(&read(name)).0, 0);
    }
    let (starts, weeks) = tick_labels(&read("employment_starts_per_week.svg"));
    assert_counts("starts", "vertical", &starts, 0);
    assert_counts("starts", "horizontal", &weeks, 1);
    let (_, points) = tick_labels(&read("risk_scores.svg"));
    assert_counts("risk", "horizontal", &points, 0);

    // The county chart has a slot per county, the bars filling the axis from
    // end to end (each bar keeps 12 pixels either side): no empty slot.
    let svg = read("pass_rate_by_county.svg");
    let (_, counties) = tick_labels(&svg);
    let counties: Vec<&str> = counties.iter().map(|t| t.text.as_str()).collect();
    assert_eq!(counties, ["卫东区", "新华区", "湛河区"]);
    let (left, right) = black_lines(&svg)
        .into_iter()
        .filter(|l| l.1 == l.3)
        .map(|l| (l.0, l.2))
        .max_by(|a, b| (a.1 - a.0).total_cmp(&(b.1 - b.0)))
        .expect("a horizontal axis");
    let bars = rectangles(&svg, "#3B6EA8");
    assert_eq!(bars.len(), 3);
    let first = bars.iter().map(|b| b.0).fold(f64::MAX, f64::min);
    let last = bars.iter().map(|b| b.0 + b.2).fold(0.0, f64::max);
    assert!((first - 12.0 - left).abs() <= 2.0, "{first} from {left}");
    assert!(
        (right - last - 12.0).abs() <= 2.0,
        "{last} from {right}: a slot left empty"
    );

    // The risk chart likewise: its top bar sits in the top slot.
    let svg = read("risk_scores.svg");
    let (names, _) = tick_labels(&svg);
    let (top, bottom) = black_lines(&svg)
        .into_iter()
        .filter(|l| l.0 == l.2)
        .map(|l| (l.1.min(l.3), l.1.max(l.3)))
        .max_by(|a, b| (a.1 - a.0).total_cmp(&(b.1 - b.0)))
        .expect("a vertical axis");
    let bars = rectangles(&svg, "#C01C28");
    assert_eq!(bars.len(), names.len());
    let highest = bars.iter().map(|b| b.1).fold(f64::MAX, f64::min);
    let slot = (bottom - top) / names.len() as f64;
    assert!(
        highest - top < slot / 2.0,
        "the top bar starts {highest}, the axis {top}: a slot left empty"
    );
}

#[test]
fn the_forms_read_back_with_calamine_and_match_the_parquet_tables() {
    let run = sample_run();
    let forms = run.join("forms");
    let (code, name) = known_community();
    let register = forms.join("复查情况登记表-全市.xlsx");
    let (range, _) = sheet(&register, "复查情况登记表");
    assert!(text_at(&range, 0, 0).starts_with("填报单位(盖章):"));
    assert_eq!(text_at(&range, 1, 0), "分管领导:");
    assert_eq!(text_at(&range, 2, 0), "省级充分就业社区复查情况登记表");
    assert_eq!(text_at(&range, 3, 0), "就业部门负责人:");
    // 填表时间 is the day the run made the form (its manifest's date in
    // Asia/Shanghai), not the cut-off.
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(run.join("manifest.json")).unwrap()).unwrap();
    let made = &manifest["created_at"].as_str().unwrap()[..10];
    let made = chrono::NaiveDate::parse_from_str(made, "%Y-%m-%d").unwrap();
    assert_eq!(
        text_at(&range, 3, 7),
        made.format("填表时间:%Y年%-m月%-d日").to_string()
    );
    let header: Vec<String> = (0..10).map(|c| text_at(&range, 4, c)).collect();
    assert_eq!(
        header,
        [
            "序号",
            "所在区县",
            "所在街道",
            "社区名称",
            "认定为省级充分就业社区年份",
            "认定为省级星级充分就业社区年份",
            "是否是国家级充分就业社区",
            "是否复查合格",
            "数据核算是否合格",
            "联系人及联系电话"
        ]
    );
    // One row per community under re-inspection, as in the ratings table.
    let ratings = read_parquet(&run.join("ratings/year=2021/part-0.parquet"));
    let under = ratings
        .column("under_reinspection")
        .unwrap()
        .bool()
        .unwrap()
        .iter()
        .filter(|v| *v == Some(true))
        .count();
    let rows: Vec<u32> = (5..5 + under as u32)
        .filter(|r| !text_at(&range, *r, 3).is_empty())
        .collect();
    assert_eq!(rows.len(), under);
    assert!(text_at(&range, 5 + under as u32, 3).is_empty());
    let row = rows
        .iter()
        .find(|r| text_at(&range, **r, 3) == name)
        .expect("the known community is in the city register");
    let codes = ratings.column("community_code").unwrap().str().unwrap();
    let verdicts = ratings.column("verdict").unwrap().str().unwrap();
    let k = (0..ratings.height())
        .find(|k| codes.get(*k) == Some(code.as_str()))
        .unwrap();
    let expected = match verdicts.get(k) {
        Some("pass") => "是",
        Some("fail") => "否",
        _ => "待定(数据不全)",
    };
    // Without a conclusion recorded by its county, the register's pass column
    // and the data's column beside it both print the verdict.
    assert_eq!(text_at(&range, *row, 7), expected);
    assert_eq!(text_at(&range, *row, 8), expected);

    // One register per county, each with its own rows only.
    let county = text_at(&range, *row, 1);
    let (county_range, _) = sheet(
        &forms.join(format!("复查情况登记表-{county}.xlsx")),
        "复查情况登记表",
    );
    assert!(text_at(&county_range, 0, 0).contains(&county));
    assert!(
        (5..county_range.end().unwrap().0 + 1)
            .map(|r| text_at(&county_range, r, 1))
            .all(|c| c == county)
    );

    // The shortlist has the Parquet shortlist's rows; one recommendation
    // form per application of the review year (from 申报 on).
    let shortlisted = parquet_rows(&run.join("shortlist/year=2021/part-0.parquet"));
    assert!(shortlisted > 0, "the sample's review year has candidates");
    let (list, _) = sheet(&forms.join("推荐名单-全市.xlsx"), "推荐名单");
    assert!(text_at(&list, 0, 0).starts_with("填报单位(盖章):"));
    assert_eq!(text_at(&list, 4, 0), "总排名");
    assert_eq!(list.end().unwrap().0 - 4, shortlisted as u32);
    // Each county's list holds its own candidates, ranked within it.
    let mut per_county = 0;
    for e in std::fs::read_dir(&forms).unwrap() {
        let file = e.unwrap().file_name().to_string_lossy().into_owned();
        let Some(county) = file
            .strip_prefix("推荐名单-")
            .and_then(|f| f.strip_suffix(".xlsx"))
            .filter(|c| *c != "全市")
        else {
            continue;
        };
        let (l, _) = sheet(&forms.join(&file), "推荐名单");
        assert_eq!(
            text_at(&l, 0, 0),
            format!("填报单位(盖章):{county}人力资源和社会保障局")
        );
        let n = l.end().unwrap().0 - 4;
        for r in 5..5 + n {
            assert_eq!(text_at(&l, r, 2), county);
            assert_eq!(l.get_value((r, 1)), Some(&Data::Float(f64::from(r - 4))));
        }
        per_county += n as usize;
    }
    assert_eq!(per_county, shortlisted);
    let wb: Xlsx<_> = open_workbook(forms.join("推荐表.xlsx")).unwrap();
    let applications = parquet_rows(&run.join("status/year=2021/part-0.parquet"));
    assert!(applications > shortlisted);
    assert_eq!(wb.sheet_names().len(), applications);
    let first = wb.sheet_names()[0].clone();
    let (form, _) = sheet(&forms.join("推荐表.xlsx"), &first);
    assert_eq!(text_at(&form, 0, 0), "平顶山市市级(星级)充分就业社区推荐表");
    let labels: Vec<String> = (1..9).map(|r| text_at(&form, r, 0)).collect();
    assert_eq!(
        labels,
        [
            "社区名称",
            "社区联系人",
            "申报类型",
            "社区基本情况,创建工作情况",
            "街道(乡镇)意见",
            "县(市、区)推荐意见",
            "市人社局意见",
            ""
        ]
    );
    assert_eq!(text_at(&form, 2, 2), "联系方式");
    assert!(text_at(&form, 4, 1).contains("登记失业人员"));
    // No internal score on a form the street, county and city sign.
    for internal in ["风险分", "得分", "可达到"] {
        assert!(!text_at(&form, 4, 1).contains(internal), "{internal}");
    }
    assert!(text_at(&form, 5, 1).contains("(公章)") && text_at(&form, 5, 1).contains("年"));

    for e in std::fs::read_dir(&forms).unwrap() {
        let p = e.unwrap().path();
        assert!(formulas(&p).is_empty(), "{} has formulas", p.display());
    }
}

#[test]
fn names_built_to_inject_stay_literal_text_everywhere_and_forms_are_byte_stable() {
    const SCRIPT: &str = "<script>alert(1)</script>";
    const FORMULA: &str = "=HYPERLINK(\"http://x\",\"y\")";
    let dir = tempfile::tempdir().unwrap();
    let extract = dir.path().join("extract");
    std::fs::create_dir(&extract).unwrap();
    support::fixture(&extract, true);
    // C1 (provincial, applies for stars) gets the formula; C2 becomes a
    // provincial community whose county recommends it, named as a script.
    let communities = std::fs::read_to_string(extract.join("communities.csv"))
        .unwrap()
        .replace("光明社区", "\"=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"")
        .replace(
            &format!("{},和平社区,新华区,中兴路街道,", support::C2),
            &format!("{},{SCRIPT},新华区,中兴路街道,2016", support::C2),
        );
    std::fs::write(extract.join("communities.csv"), communities).unwrap();
    let apps = std::fs::read_to_string(extract.join("applications.csv"))
        .unwrap()
        .replace("0.9,2,是,否", "0.9,2,是,是");
    std::fs::write(extract.join("applications.csv"), apps).unwrap();
    let out = dir.path().join("out");
    let p = support::pipeline_file(dir.path(), &extract, &out, "");
    run_ok(&["run", "--force", "--pipeline", p.to_str().unwrap()]);
    let first = std::fs::canonicalize(out.join("latest")).unwrap();

    let html = std::fs::read_to_string(first.join("report.html")).unwrap();
    // Escaped by the engine (which also writes `/` as &#x2f;).
    assert!(html.contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt;"));
    assert!(
        !html.contains(SCRIPT),
        "the script name reached the page as markup"
    );
    assert!(!html.contains("<script"));
    for e in std::fs::read_dir(first.join("charts")).unwrap() {
        let svg = std::fs::read_to_string(e.unwrap().path()).unwrap();
        assert!(!svg.contains("<script"));
    }

    // The forms hold both names as text and no formula at all.
    let forms = first.join("forms");
    let (register, _) = sheet(&forms.join("复查情况登记表-全市.xlsx"), "复查情况登记表");
    let names: Vec<String> = (5..7).map(|r| text_at(&register, r, 3)).collect();
    assert_eq!(names, [FORMULA, SCRIPT]);
    let (list, _) = sheet(&forms.join("推荐名单-全市.xlsx"), "推荐名单");
    let listed: Vec<String> = (5..7).map(|r| text_at(&list, r, 4)).collect();
    assert!(listed.contains(&FORMULA.to_string()) && listed.contains(&SCRIPT.to_string()));
    let (form, _) = sheet(&forms.join("推荐表.xlsx"), support::C1);
    assert!(text_at(&form, 1, 1).contains(FORMULA));
    for e in std::fs::read_dir(&forms).unwrap() {
        let p = e.unwrap().path();
        assert!(formulas(&p).is_empty(), "{} has formulas", p.display());
    }

    // Same inputs, same bytes: forms and charts of a second run.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    run_ok(&["run", "--force", "--pipeline", p.to_str().unwrap()]);
    let second = std::fs::canonicalize(out.join("latest")).unwrap();
    assert_ne!(first, second);
    for folder in ["forms", "charts"] {
        for e in std::fs::read_dir(first.join(folder)).unwrap() {
            let a = e.unwrap().path();
            let b = second.join(folder).join(a.file_name().unwrap());
            assert_eq!(
                std::fs::read(&a).unwrap(),
                std::fs::read(&b).unwrap(),
                "{} differs between two runs",
                a.display()
            );
        }
    }
    // The second run compares itself with the first.
    let html2 = std::fs::read_to_string(second.join("report.html")).unwrap();
    assert!(!html2.contains("首次运行"));
    assert!(html.contains("首次运行"));

    if let Some(seen) = open_in_browser(&first.join("report.html")) {
        assert_eq!(seen.scripts, 0);
        assert!(seen.requests.is_empty(), "{:?}", seen.requests);
        assert!(seen.text.contains(SCRIPT), "the name is not shown as text");
        assert!(seen.text.contains(FORMULA));
    }
}

/// A report of 5,000 communities in five counties, rendered through the
/// library as a run would: the browser loads it quickly and nothing is
/// fetched.
#[test]
fn five_thousand_communities_load_in_the_browser_without_strain() {
    use fullemp::panel::changes::Changes;
    use fullemp::panel::{Community, Panel, Verdict};
    use fullemp::publish::manifest::{Manifest, Program};
    use fullemp::publish::report::{Context, render};

    let counties = ["新华区", "卫东区", "湛河区", "石龙区", "宝丰县"];
    let communities: Vec<Community> = (0..5000)
        .map(|i| Community {
            code: format!("4104{i:08}"),
            name: format!("第{i}社区"),
            county: counties[i % 5].into(),
            street: format!("第{}街道", i % 40),
            provincial_year: Some(2015),
            under_reinspection: true,
            verdict: Some(if i % 9 == 0 {
                Verdict::Fail
            } else {
                Verdict::Pass
            }),
            failing_detail: if i % 9 == 0 {
                "min_reemployment_rate 0.6500 vs 0.7000".into()
            } else {
                String::new()
            },
            reemployment_rate: Some(0.6 + (i % 40) as f64 / 100.0),
            score: Some(60.0 + (i % 40) as f64),
            ..Community::default()
        })
        .collect();
    let mut review = Panel {
        year: 2021,
        communities,
        changes: Changes {
            first_run: true,
            ..Changes::default()
        },
        ..Panel::default()
    };
    review.county_figures = fullemp::panel::counties::figures(&review);
    let manifest = Manifest {
        program: Program {
            name: "fullemp".into(),
            version: "test".into(),
        },
        run_id: "big".into(),
        as_of_setting: "2021-12-31".into(),
        as_of: "2021-12-31".into(),
        ..Manifest::default()
    };
    let html = render(&Context {
        review: &review,
        charts: &[],
        manifest: &manifest,
        rejects: &polars::prelude::DataFrame::empty(),
        city_name: "平顶山市",
    })
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report.html");
    std::fs::write(&report, &html).unwrap();
    let Some(seen) = open_in_browser(&report) else {
        return;
    };
    assert!(seen.requests.is_empty());
    // Failing communities are listed open; a passing one sits in its
    // county's folded table: in the file, not laid out until opened.
    assert!(seen.text.contains("第4995社区"));
    assert!(html.contains("第4999社区") && !seen.text.contains("第4999社区"));
    assert!(
        seen.load_ms < 10_000,
        "5,000 communities took {} ms to load",
        seen.load_ms
    );
}

/// The accountability section and the appraisal form show the published
/// `accountability` table row for row: each county's own row, then its
/// streets, with the same counts; the chart is in the section, not repeated
/// among the others.
#[test]
fn the_accountability_section_and_form_show_the_published_table() {
    let run = sample_run();
    let table = read_parquet(&run.join("accountability/year=2021/part-0.parquet"));
    let level = fullemp::frame::strings(&table, "level").unwrap();
    let county = fullemp::frame::strings(&table, "county").unwrap();
    let street = fullemp::frame::strings(&table, "street").unwrap();
    let applications = fullemp::frame::ints(&table, "applications").unwrap();
    let recommended = fullemp::frame::ints(&table, "recommended").unwrap();
    let counties = level
        .iter()
        .filter(|l| l.as_deref() == Some("county"))
        .count();
    assert!(counties >= 3 && table.height() > counties, "{table}");

    let html = std::fs::read_to_string(run.join("report.html")).unwrap();
    let section =
        &html[html.find("id=\"accountability\"").unwrap()..html.find("id=\"findings\"").unwrap()];
    assert_eq!(section.matches("<b>区县本级</b>").count(), counties);
    assert!(section.contains("推荐后终止于市级交叉考核"));
    assert!(section.contains("<svg") && section.contains("applications_by_county.svg"));
    let charts = &html[html.find("id=\"charts\"").unwrap()..html.find("id=\"changes\"").unwrap()];
    assert!(!charts.contains("chart-applications_by_county"));
    assert!(run.join("charts/applications_by_county.svg").is_file());

    let (range, _) = sheet(&run.join("forms/区县评审工作情况表.xlsx"), "评审工作情况");
    assert_eq!(
        text_at(&range, 2, 0),
        "平顶山市2021年度充分就业社区评审区县工作情况表"
    );
    let headers: Vec<String> = (0..4).map(|c| text_at(&range, 5, c)).collect();
    assert_eq!(headers, ["区县", "街道", "申报数", "推荐数"]);
    let number = |row: u32, col: u32| match range.get_value((row, col)) {
        Some(Data::Float(f)) => Some(*f as i64),
        _ => None,
    };
    for k in 0..table.height() {
        let row = 6 + k as u32;
        assert_eq!(Some(text_at(&range, row, 0)), county[k]);
        let place = text_at(&range, row, 1);
        match level[k].as_deref() {
            Some("county") => assert_eq!(place, "区县本级"),
            _ => assert_eq!(Some(place), street[k]),
        }
        assert_eq!(number(row, 2), applications[k], "row {k}");
        assert_eq!(number(row, 3), recommended[k], "row {k}");
    }
}

/// Section 三 draws each community under re-inspection across its review
/// years (from history/) and lists what moved since the year before: one
/// small line per community whose 2021 verdict the ratings table gives, and
/// a newly failing row for each community that passed in 2020 and fails in
/// 2021 by the published ratings.
#[test]
fn the_results_section_draws_each_re_inspected_community_across_its_years() {
    let run = sample_run();
    let html = std::fs::read_to_string(run.join("report.html")).unwrap();
    use polars::prelude::SerReader;
    let ratings = |year: i64| -> std::collections::BTreeMap<String, Option<String>> {
        let dir = run.join("ratings").join(format!("year={year}"));
        let file = std::fs::read_dir(&dir)
            .unwrap()
            .flatten()
            .next()
            .unwrap()
            .path();
        let df = polars::prelude::ParquetReader::new(std::fs::File::open(file).unwrap())
            .finish()
            .unwrap();
        let codes = df.column("community_code").unwrap().str().unwrap().clone();
        let verdicts = df.column("verdict").unwrap().str().unwrap().clone();
        codes
            .iter()
            .zip(verdicts.iter())
            .map(|(c, v)| (c.unwrap().to_string(), v.map(str::to_string)))
            .collect()
    };
    let (then, now) = (ratings(2020), ratings(2021));
    let under = now.values().filter(|v| v.is_some()).count();
    assert!(under > 0);
    assert_eq!(html.matches("<td class=\"trend\"><svg").count(), under);
    let newly: Vec<&String> = now
        .iter()
        .filter(|(c, v)| {
            v.as_deref() == Some("fail")
                && then.get(*c).cloned().flatten().as_deref() != Some("fail")
        })
        .map(|(c, _)| c)
        .collect();
    assert!(html.contains("与上年相比(2020 年 → 2021 年)"));
    let rows = html.matches("<tr><td>新变为不合格</td>").count();
    assert_eq!(rows, newly.len(), "{newly:?}");
    for code in newly {
        assert!(html.contains(&format!("<td>{code}</td>")), "{code}");
    }
}
