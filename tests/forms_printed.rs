//! The forms as a clerk prints them: every workbook converted to PDF by
//! LibreOffice (headless Calc) and read back with poppler (`pdfinfo`,
//! `pdftotext -layout`). A4 in the right orientation, a register of up to 40
//! rows on one page, every cell's text on the page, and a wrapped row that
//! never runs into the next one. Skipped where LibreOffice or poppler is
//! missing, except on CI (`CI=true`), where `.ci/run` installs both.

use std::path::{Path, PathBuf};
use std::process::Command;

use calamine::{Data, Reader, Xlsx, open_workbook};
use chrono::NaiveDate;
use fullemp::panel::{Candidate, Community};
use fullemp::publish::forms::{Heading, register, shortlist};

mod support;

fn tools_present() -> bool {
    let ok = |cmd: &str, arg: &str| {
        Command::new(cmd)
            .arg(arg)
            .output()
            .is_ok_and(|o| o.status.success())
    };
    let present = ok("soffice", "--version") && ok("pdfinfo", "-v");
    if !present {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI must install libreoffice-calc-nogui and poppler-utils (.ci/run)"
        );
        eprintln!("no soffice or pdfinfo: print checks skipped");
    }
    present
}

/// Every workbook in `files` as PDF in `out`, by LibreOffice with a profile
/// of its own (a shared one locks when tests run side by side).
fn to_pdf(files: &[PathBuf], out: &Path) -> Vec<PathBuf> {
    let profile = tempfile::tempdir().unwrap();
    let run = Command::new("soffice")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.path().display()
        ))
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(out)
        .args(files)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "soffice: {}",
        String::from_utf8_lossy(&run.stderr)
    );
    files
        .iter()
        .map(|f| {
            let pdf = out.join(f.with_extension("pdf").file_name().unwrap());
            assert!(pdf.exists(), "{} was not converted", f.display());
            pdf
        })
        .collect()
}

/// (pages, width, height) in points, from `pdfinfo`.
fn info(pdf: &Path) -> (usize, f64, f64) {
    let out = Command::new("pdfinfo").arg(pdf).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let field = |name: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(name))
            .unwrap()
            .trim()
            .to_string()
    };
    let pages = field("Pages:").parse().unwrap();
    let size = field("Page size:");
    let mut nums = size
        .split_whitespace()
        .filter_map(|t| t.parse::<f64>().ok());
    (pages, nums.next().unwrap(), nums.next().unwrap())
}

fn pdftotext(pdf: &Path, layout: bool) -> String {
    let mut cmd = Command::new("pdftotext");
    if layout {
        cmd.arg("-layout");
    }
    let out = cmd.arg(pdf).arg("-").output().unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

/// The text of one page of `pdf`, laid out.
fn pdftotext_page(pdf: &Path, page: usize) -> String {
    let p = page.to_string();
    let o = Command::new("pdftotext")
        .args(["-layout", "-f", &p, "-l", &p])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext runs");
    assert!(o.status.success());
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

fn assert_a4(pdf: &Path, landscape: bool) -> usize {
    let (pages, w, h) = info(pdf);
    let (w, h) = if landscape { (h, w) } else { (w, h) };
    assert!(
        (w - 595.0).abs() < 2.0 && (h - 842.0).abs() < 2.0,
        "{} is not A4 {}: {w}×{h}",
        pdf.display(),
        if landscape { "landscape" } else { "portrait" }
    );
    pages
}

/// Every non-empty cell of every sheet of `xlsx`.
fn cell_texts(xlsx: &Path) -> Vec<String> {
    let mut wb: Xlsx<_> = open_workbook(xlsx).unwrap();
    let mut all = Vec::new();
    for name in wb.sheet_names() {
        let range = wb.worksheet_range(&name).unwrap();
        for row in range.rows() {
            for v in row {
                let t = match v {
                    Data::String(s) => s.clone(),
                    Data::Float(f) if f.fract() == 0.0 => format!("{}", *f as i64),
                    Data::Float(f) => format!("{f:.1}"),
                    Data::Int(i) => i.to_string(),
                    _ => continue,
                };
                if !t.trim().is_empty() {
                    all.push(t);
                }
            }
        }
    }
    all
}

/// A word drawn on a page, as `pdftotext -bbox` reports it.
struct Word {
    page: usize,
    x0: f64,
    y0: f64,
    x1: f64,
    y1: f64,
    text: String,
}

fn words(pdf: &Path) -> Vec<Word> {
    let out = Command::new("pdftotext")
        .arg("-bbox")
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap();
    let xml = String::from_utf8(out.stdout).unwrap();
    let attr = |line: &str, name: &str| -> f64 {
        let at = line.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
        line[at..].split('"').next().unwrap().parse().unwrap()
    };
    let mut page = 0;
    let mut all = Vec::new();
    for line in xml.lines().map(str::trim) {
        if line.starts_with("<page ") {
            page += 1;
        } else if let Some(rest) = line.strip_prefix("<word ") {
            let text = rest.split_once('>').unwrap().1;
            let text = text.strip_suffix("</word>").unwrap();
            let text = text
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&apos;", "'")
                .replace("&amp;", "&");
            all.push(Word {
                page,
                x0: attr(line, "xMin"),
                y0: attr(line, "yMin"),
                x1: attr(line, "xMax"),
                y1: attr(line, "yMax"),
                text,
            });
        }
    }
    all
}

/// Whether `rest` is drawn starting with word `w`, whose line began at
/// `line_x0`: as `w` itself, or `w` followed by the next word on the same
/// line (just right of it) or by the first word of the cell's next line
/// (just below, starting left of where this one ends: wrapped lines are
/// left-aligned, centred or right-aligned).
fn drawn_from(words: &[Word], w: &Word, line_x0: f64, rest: &str) -> bool {
    let Some(rest) = rest.strip_prefix(w.text.as_str()) else {
        return false;
    };
    if rest.is_empty() {
        return true;
    }
    let h = w.y1 - w.y0;
    words.iter().any(|n| {
        if n.page != w.page {
            return false;
        }
        let same_line = (n.y0 - w.y0).abs() < 1.0 && n.x0 >= w.x1 - 0.5 && n.x0 - w.x1 < 4.0 * h;
        let next_line = n.y0 > w.y0 + 0.5 * h
            && n.y0 - w.y0 < 2.0 * h
            && n.x0 < w.x1
            && n.x1 > line_x0 - 6.0 * h;
        (same_line && drawn_from(words, n, line_x0, rest))
            || (next_line && drawn_from(words, n, n.x0, rest))
    })
}

/// Every cell's text is on the printed pages, a wrapped line's pieces one
/// below the other within its column. Each of a cell's own lines (its hard
/// line breaks) is looked for by itself: how far apart two of them print,
/// a blank line between them included, is the font's line spacing, which
/// differs between the CJK fonts a desktop may have (WenQuanYi, Noto CJK).
fn assert_every_cell_printed(xlsx: &Path, pdf: &Path) {
    let words = words(pdf);
    let lines: Vec<String> = cell_texts(xlsx)
        .iter()
        .flat_map(|t| t.split('\n').map(str::to_string).collect::<Vec<_>>())
        .filter(|l| !l.trim().is_empty())
        .collect();
    for t in lines {
        let t = squeeze(&t);
        // A whole number in a "0.0" cell prints with its decimal.
        let decimal = format!("{t}.0");
        assert!(
            words
                .iter()
                .any(|w| drawn_from(&words, w, w.x0, &t) || drawn_from(&words, w, w.x0, &decimal)),
            "{}: {t:?} is not on the printed page",
            xlsx.display()
        );
    }
}

/// A character of its own for table row `k`, from a block of CJK that no
/// heading uses.
fn marker(k: usize) -> char {
    char::from_u32(0x9F00 + k as u32).unwrap()
}

/// Rows whose text is all `marker(k)`: no printed line carries two rows'
/// text, and the rows come down the page in order, so no wrapped row is
/// drawn over the next. Returns the lines each row took.
fn assert_rows_apart(layout: &str, rows: usize) -> Vec<usize> {
    let mut lines_of = vec![0; rows];
    let mut last = 0;
    for line in layout.lines() {
        let on: Vec<usize> = (0..rows).filter(|k| line.contains(marker(*k))).collect();
        assert!(on.len() <= 1, "rows {on:?} print on one line: {line}");
        if let Some(&k) = on.first() {
            assert!(k >= last, "row {k} prints below row {last}: {line}");
            last = k;
            lines_of[k] += 1;
        }
    }
    lines_of
}

fn community(k: usize, long: bool) -> Community {
    let m = marker(k).to_string();
    Community {
        code: format!("4104020{k:05}"),
        name: m.repeat(if long { 40 } else { 3 }),
        county: "新华区".into(),
        street: "中兴路街道".into(),
        provincial_year: Some(2015),
        under_reinspection: true,
        verdict: Some(fullemp::panel::Verdict::Pass),
        contact_name: Some("联系人".into()),
        contact_phone: Some(format!("0375-{k:07}")),
        ..Default::default()
    }
}

fn heading() -> Heading {
    Heading {
        unit: "新华区人力资源和社会保障局".into(),
        made_on: NaiveDate::from_ymd_opt(2022, 1, 5).unwrap(),
        due: NaiveDate::from_ymd_opt(2022, 1, 7),
    }
}

fn cutoff() -> NaiveDate {
    NaiveDate::from_ymd_opt(2021, 12, 31).unwrap()
}

#[test]
fn a_register_of_forty_rows_prints_on_one_page_and_wrapped_rows_keep_apart() {
    if !tools_present() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    // Every fifth community's name wraps over several lines.
    let rows: Vec<Community> = (0..40).map(|k| community(k, k % 5 == 0)).collect();
    let refs: Vec<&Community> = rows.iter().collect();
    let xlsx = dir.path().join("register40.xlsx");
    register::workbook(&heading(), &refs, cutoff())
        .unwrap()
        .save(&xlsx)
        .unwrap();
    // The shortlist's risk markers, the column that used to run into the
    // rows below.
    let candidates: Vec<Candidate> = (0..12)
        .map(|k| Candidate {
            code: format!("4104020{k:05}"),
            name: format!("第{k}社区"),
            county: "新华区".into(),
            street: "中兴路街道".into(),
            applied_level: "市级".into(),
            rank_overall: k as i64 + 1,
            rank_in_county: k as i64 + 1,
            flags: marker(k)
                .to_string()
                .repeat(if k % 3 == 0 { 50 } else { 4 }),
            ..Default::default()
        })
        .collect();
    let list = dir.path().join("list.xlsx");
    shortlist::workbook("推荐名单", &heading(), &candidates, cutoff())
        .unwrap()
        .save(&list)
        .unwrap();
    let pdfs = to_pdf(&[xlsx.clone(), list.clone()], dir.path());

    assert_eq!(assert_a4(&pdfs[0], true), 1, "40 rows on one page");
    assert_every_cell_printed(&xlsx, &pdfs[0]);
    let layout = pdftotext(&pdfs[0], true);
    let lines = assert_rows_apart(&layout, 40);
    for (k, n) in lines.iter().enumerate() {
        if k % 5 == 0 {
            assert!(*n > 1, "row {k}'s long name did not wrap: {n} line(s)");
        } else {
            assert_eq!(*n, 1, "row {k}");
        }
        let want = if k % 5 == 0 { 40 } else { 3 };
        assert_eq!(layout.matches(marker(k)).count(), want, "row {k}'s name");
    }
    for field in [
        "填报单位(盖章):新华区人力资源和社会保障局",
        "分管领导:",
        "就业部门负责人:",
        "填表人:",
        "填表时间:2022年1月5日",
        "报送期限:2022年1月7日前",
        "第 1 页 共 1 页",
    ] {
        assert!(squeeze(&layout).contains(&squeeze(field)), "{field}");
    }

    assert_eq!(assert_a4(&pdfs[1], true), 1);
    assert_every_cell_printed(&list, &pdfs[1]);
    let layout = pdftotext(&pdfs[1], true);
    let lines = assert_rows_apart(&layout, 12);
    assert!(lines[0] > 1, "the long risk markers wrap");
    for k in 0..12 {
        let want = if k % 3 == 0 { 50 } else { 4 };
        assert_eq!(layout.matches(marker(k)).count(), want, "row {k}'s markers");
    }
}

#[test]
fn a_longer_register_repeats_its_title_and_headers_on_every_page() {
    if !tools_present() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let rows: Vec<Community> = (0..90).map(|k| community(k, false)).collect();
    let refs: Vec<&Community> = rows.iter().collect();
    let xlsx = dir.path().join("register90.xlsx");
    register::workbook(&heading(), &refs, cutoff())
        .unwrap()
        .save(&xlsx)
        .unwrap();
    let pdf = &to_pdf(std::slice::from_ref(&xlsx), dir.path())[0];
    let pages = assert_a4(pdf, true);
    assert!(pages >= 2, "90 rows on {pages} page(s)");
    let text = pdftotext(pdf, true);
    let sheets: Vec<&str> = text
        .split('\u{c}')
        .filter(|p| !p.trim().is_empty())
        .collect();
    assert_eq!(sheets.len(), pages);
    for (k, page) in sheets.iter().enumerate() {
        let page = squeeze(page);
        assert!(page.contains(register::TITLE), "page {}", k + 1);
        assert!(page.contains("序号") && page.contains("联系人及联系电话"));
        assert!(page.contains(&format!("第{}页共{pages}页", k + 1)));
    }
    assert_rows_apart(&text, 90);
    assert_every_cell_printed(&xlsx, pdf);
}

/// The sample's review (the 2021 pipeline's due dates, one county's unit
/// renamed, one unit keyed by a county that does not exist) run once, every
/// form printed.
#[test]
fn every_form_of_the_sample_prints_on_a4_with_every_cell_on_the_page() {
    if !tools_present() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let sample = std::fs::canonicalize("sample_data").unwrap();
    let p = support::pipeline_file(
        dir.path(),
        &sample,
        &out,
        "city_name = \"平顶山市\"\n[review]\nregister_due = 2022-01-07\nlist_due = 2022-01-14\n\
         publicity_start = 2022-01-28\nobjections_to = \"市人力资源和社会保障局就业促进科\"\n\
         [review.units]\n\"卫东区\" = \"卫东区人力资源管理局\"\n\"新华县\" = \"新华县人社局\"\n\
         [[review.assessment_groups]]\nname = \"第一考核组\"\nmembers = [{ name = \"张建国\", unit = \"市财政局\" }, \
         { name = \"王磊\", unit = \"新华区人力资源和社会保障局\", county = \"新华区\" }]\n\
         [[review.assessment_groups]]\nname = \"第二考核组\"\nmembers = [{ name = \"李红\", unit = \"市审计局\" }, \
         { name = \"陈静\", unit = \"卫东区人力资源和社会保障局\", county = \"卫东区\" }]\n",
    );
    let run = Command::new(env!("CARGO_BIN_EXE_fullemp"))
        .args(["run", "--pipeline", p.to_str().unwrap()])
        // The day the forms are made: the run date, not the machine's clock.
        .args(["--run-date", "2022-01-05"])
        .env("FULLEMP_PII_KEY", "test-key-for-the-print-tests")
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    // A unit keyed by a county the roster does not have (新华区 misspelt)
    // is said, not silently left unused.
    let log = String::from_utf8_lossy(&run.stderr);
    assert!(
        log.lines()
            .any(|l| l.contains("WARN") && l.contains("review.units.新华县")),
        "{log}"
    );
    let latest = std::fs::canonicalize(out.join("latest")).unwrap();
    let made = "填表时间:2022年1月5日".to_string();

    let mut files: Vec<PathBuf> = std::fs::read_dir(latest.join("forms"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let names: Vec<String> = files
        .iter()
        .map(|f| f.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    for county in ["新华区", "卫东区", "湛河区"] {
        assert!(names.contains(&format!("复查情况登记表-{county}.xlsx")));
        assert!(names.contains(&format!("推荐名单-{county}.xlsx")));
    }
    assert!(names.contains(&"推荐名单-全市.xlsx".to_string()));
    for form in [
        "提请取消资格名单.xlsx",
        "评审记录-全市.xlsx",
        "评审记录-新华区.xlsx",
        "核实记录.xlsx",
        "异议登记.xlsx",
        "公示名单.xlsx",
        "认定名单.xlsx",
        "交叉考核分组表.xlsx",
        "区县评审工作情况表.xlsx",
    ] {
        assert!(names.contains(&form.to_string()), "{form}");
    }
    let pdf_dir = dir.path().join("pdf");
    std::fs::create_dir(&pdf_dir).unwrap();
    let pdfs = to_pdf(&files, &pdf_dir);
    for (xlsx, pdf) in files.iter().zip(&pdfs) {
        let name = xlsx.file_name().unwrap().to_string_lossy();
        let text = squeeze(&pdftotext(pdf, true));
        if name == "推荐表.xlsx" {
            let wb: Xlsx<_> = open_workbook(xlsx).unwrap();
            let forms = wb.sheet_names().len();
            assert_eq!(forms, 21, "one form per application of the review year");
            assert_eq!(assert_a4(pdf, false), forms, "one portrait page a form");
            assert!(text.contains("社区基本情况"));
            for internal in ["风险分", "得分", "可达到"] {
                assert!(!text.contains(internal), "推荐表 prints {internal}");
            }
            // Each sheet is a form of its own: no page count across the
            // workbook ("第 3 页 共 14 页" on the third community's form).
            assert!(
                !text.contains("页共"),
                "推荐表 numbers its pages across forms"
            );
        } else {
            // The working sheets and the disqualification list carry no due
            // date; a working sheet of more than 40 rows runs to more pages.
            let working = name.starts_with("评审记录")
                || name.starts_with("核实记录")
                || name.starts_with("异议登记")
                || name.starts_with("取消资格审批")
                || name.starts_with("报送登记");
            let pages = assert_a4(pdf, true);
            if name.starts_with("评审记录") {
                // Four pages across (the application and 街道审核, two
                // stages, two stages, 发文确认), each repeating code and
                // name: every stage's columns printed whole on one page.
                assert_eq!(pages % 4, 0, "{name}: {pages} pages");
                for p in 1..=4 {
                    let page = squeeze(&pdftotext_page(pdf, p));
                    assert!(page.contains("社区代码社区名称"), "{name} page {p}");
                    let stages = fullemp::config::Stages::notice()
                        .iter()
                        .filter(|s| page.contains(s.name.as_str()))
                        .count();
                    assert_eq!(
                        stages,
                        if p == 1 || p == 4 { 1 } else { 2 },
                        "{name} page {p}"
                    );
                }
            } else if working {
                assert!(pages >= 1);
            } else {
                assert_eq!(pages, 1, "{name} on one landscape page");
            }
            if name == "公示名单.xlsx" {
                for want in [
                    "公示时间:2022年1月28日至2022年2月3日(5个工作日)",
                    "向市人力资源和社会保障局就业促进科反映",
                    "平顶山市人力资源和社会保障局(盖章)",
                ] {
                    assert!(text.contains(want), "{name}: {want}");
                }
            }
            if name == "区县评审工作情况表.xlsx" {
                // Every county with its own row, the filings not recorded
                // yet (the headers, wrapped in their columns, are checked
                // line by line with every other cell below).
                for want in [
                    "平顶山市2021年度充分就业社区评审区县工作情况表",
                    "区县本级",
                    "未记录",
                    "新华区",
                    "卫东区",
                    "湛河区",
                ] {
                    assert!(text.contains(&squeeze(want)), "{name}: {want}");
                }
            }
            if name == "交叉考核分组表.xlsx" {
                for want in ["第一考核组", "张建国", "市财政局", "王磊", "第二考核组"]
                {
                    assert!(text.contains(want), "{name}: {want}");
                }
            }
            assert!(text.contains(&squeeze(&made)), "{name}: {made}");
            assert!(!text.contains("填表时间:2021年12月31日") || made.contains("2021年12月31日"));
            let due = if name.starts_with("复查") {
                Some("报送期限:2022年1月7日前")
            } else if name.starts_with("推荐名单") {
                Some("报送期限:2022年1月14日前")
            } else {
                None
            };
            if let Some(due) = due {
                assert!(text.contains(due), "{name}: {due}");
            } else {
                assert!(!text.contains("报送期限"), "{name}");
            }
            let unit = if name.contains("卫东区") {
                "填报单位(盖章):卫东区人力资源管理局"
            } else if name.contains("全市") {
                "填报单位(盖章):平顶山市人力资源和社会保障局"
            } else {
                "人力资源和社会保障局"
            };
            assert!(text.contains(unit), "{name}: {unit}");
            assert!(
                text.contains(&format!("第1页共{pages}页")),
                "{name} has no page number"
            );
        }
        assert_every_cell_printed(xlsx, pdf);
    }
}
