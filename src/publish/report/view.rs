//! The report's sections as plain rows of text, built from the review rows:
//! all formatting (percentages, labels, dashes for nulls) happens here, so
//! the template only lays out and the engine escapes every value.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::panel::counties::CountyFigures;
use crate::panel::labels;
use crate::panel::{Candidate, Community, Panel, PublishedFinding, SpotCheck, Verdict};

/// Up to this many communities in the run, the per-county tables open
/// expanded; above it they start collapsed, so that a city of thousands of
/// communities does not lay out every row at once.
pub const OPEN_UP_TO: usize = 300;

/// Evidence items shown before the rest is folded away.
pub const EVIDENCE_SHOWN: usize = 10;

#[derive(Debug, Clone, Serialize)]
pub struct Count {
    pub label: String,
    pub count: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub communities: usize,
    pub counties: usize,
    pub under_reinspection: usize,
    pub verdicts: Vec<Count>,
    pub levels: Vec<Count>,
    pub findings: Vec<Count>,
    pub findings_total: usize,
    pub county_findings: usize,
    pub candidates: Option<usize>,
    pub spot_checks: usize,
}

pub fn summary(review: &Panel) -> Summary {
    let under: Vec<&Community> = review
        .communities
        .iter()
        .filter(|c| c.under_reinspection)
        .collect();
    let verdicts = Verdict::ALL
        .into_iter()
        .map(|v| Count {
            label: labels::verdict(Some(v)).into(),
            count: under.iter().filter(|c| c.verdict == Some(v)).count(),
        })
        .collect();
    let mut levels = Vec::new();
    for stars in (1..=5).rev() {
        levels.push(Count {
            label: format!("星级 {}", "★".repeat(stars)),
            count: review
                .communities
                .iter()
                .filter(|c| c.city_level && c.stars == stars as i64)
                .count(),
        });
    }
    levels.push(Count {
        label: "市级(无星)".into(),
        count: review
            .communities
            .iter()
            .filter(|c| c.city_level && c.stars == 0)
            .count(),
    });
    levels.push(Count {
        label: "一票否决".into(),
        count: review.communities.iter().filter(|c| c.level_vetoed).count(),
    });
    levels.push(Count {
        label: "未达市级".into(),
        count: review
            .communities
            .iter()
            .filter(|c| !c.city_level && !c.level_vetoed)
            .count(),
    });
    let findings = ["high", "medium", "low"]
        .iter()
        .map(|s| Count {
            label: format!("{}风险", labels::severity(s)),
            count: review.findings.iter().filter(|f| f.severity == *s).count(),
        })
        .collect();
    Summary {
        communities: review.communities.len(),
        counties: review.counties().len(),
        under_reinspection: under.len(),
        verdicts,
        levels,
        findings,
        findings_total: review.findings.len(),
        county_findings: review
            .findings
            .iter()
            .filter(|f| f.community_code.is_none())
            .count(),
        candidates: review.shortlist.as_ref().map(Vec::len),
        spot_checks: review.spot_checks.len(),
    }
}

/// A county's row: its figures (`n`) and its rates as the report prints them.
#[derive(Debug, Clone, Serialize)]
pub struct County {
    pub n: CountyFigures,
    pub pass_rate: String,
    pub reemployment: String,
    pub hardship: String,
    pub unemployment: String,
    pub coverage: String,
    pub new_jobs: String,
    pub score: String,
}

pub fn counties(review: &Panel) -> Vec<County> {
    review
        .county_figures
        .iter()
        .map(|f| County {
            n: f.clone(),
            pass_rate: f
                .pass_rate
                .map_or_else(|| "—".into(), |r| labels::percent(Some(r))),
            reemployment: labels::percent(f.reemployment_rate),
            hardship: labels::percent(f.hardship_employment_rate),
            unemployment: labels::percent(f.registered_unemployment_rate),
            coverage: labels::percent(f.assistance_coverage),
            new_jobs: labels::number(f.new_jobs, 1),
            score: labels::number(f.score, 1),
        })
        .collect()
}

#[derive(Debug, Clone, Serialize)]
pub struct Result {
    pub code: String,
    pub name: String,
    pub county: String,
    pub street: String,
    pub reemployment: String,
    pub hardship: String,
    pub unemployment: String,
    pub coverage: String,
    pub overdue: String,
    /// Beside each rated figure, the share of it that durable records back.
    pub reemployment_evidence: Share,
    pub hardship_evidence: Share,
    pub unemployment_evidence: Share,
    pub coverage_evidence: Share,
    pub overdue_evidence: Share,
    pub platform: String,
    pub verdict: String,
    /// `pass`, `fail`, `incomplete`: the row's CSS class.
    pub verdict_class: String,
    /// The county's recorded conclusion (合格, 不合格), empty without one.
    pub county_conclusion: String,
    /// The mark of a county's conclusion that differs from the verdict;
    /// empty where they agree or cannot be set side by side.
    pub county_mark: String,
    pub failing: Vec<String>,
    /// "差 1 人不达标" for a pass with a margin; empty otherwise.
    pub margin: String,
    /// The rates the margin is about, in words; empty without a margin.
    pub margin_rules: String,
    pub score: String,
    pub level: String,
    pub risk: i64,
}

/// The items of `failing_detail`, in words.
fn failing_in_words(c: &Community) -> Vec<String> {
    c.failing_detail
        .split("; ")
        .filter(|s| !s.is_empty())
        .map(labels::failing_rule)
        .collect()
}

/// An evidence share as the report prints it: "85%", in a cell marked as a
/// warning when the share is thin (below `thin_evidence_below`).
#[derive(Debug, Clone, Serialize)]
pub struct Share {
    pub text: String,
    /// The cell's CSS classes.
    pub class: &'static str,
}

impl Share {
    fn of(c: &Community, figure: &str, thin_below: f64) -> Share {
        let v = c.evidence_of(figure);
        Share {
            text: labels::share(v),
            class: if v.is_some_and(|v| v < thin_below) {
                "n share sev-medium"
            } else {
                "n share"
            },
        }
    }
}

fn result(c: &Community, thin_below: f64) -> Result {
    let share = |figure: &str| Share::of(c, figure, thin_below);
    Result {
        reemployment_evidence: share("reemployment_rate"),
        hardship_evidence: share("hardship_employment_rate"),
        unemployment_evidence: share("registered_unemployment_rate"),
        coverage_evidence: share("assistance_coverage"),
        overdue_evidence: share("zero_households"),
        code: c.code.clone(),
        name: c.name.clone(),
        county: c.county.clone(),
        street: c.street.clone(),
        reemployment: labels::percent(c.reemployment_rate),
        hardship: labels::percent(c.hardship_employment_rate),
        unemployment: labels::percent(c.registered_unemployment_rate),
        coverage: labels::percent(c.assistance_coverage),
        overdue: labels::count(c.zero_households_overdue),
        platform: labels::yes_no(c.platform_ok).into(),
        verdict: labels::verdict(c.verdict).into(),
        verdict_class: c.verdict.map(Verdict::as_str).unwrap_or_default().into(),
        county_conclusion: c
            .county_check
            .as_ref()
            .map(|k| k.conclusion.clone())
            .unwrap_or_default(),
        county_mark: county_mark(c),
        failing: failing_in_words(c),
        margin: c.margin_persons.map(labels::margin).unwrap_or_default(),
        margin_rules: c
            .margin_rules
            .iter()
            .map(|r| labels::margin_rule(r))
            .collect::<Vec<_>>()
            .join("、"),
        score: labels::number(c.score, 1),
        level: labels::level(c.level.as_deref(), c.stars),
        risk: c.risk_score,
    }
}

/// The mark of a county's conclusion that differs from the verdict.
fn county_mark(c: &Community) -> String {
    if c.county_disagrees() {
        labels::COUNTY_DISAGREES.into()
    } else {
        String::new()
    }
}

/// A community whose county recorded a re-inspection conclusion other than
/// the verdict the data give: both, with the county's date, inspector and
/// site notes.
#[derive(Debug, Clone, Serialize)]
pub struct Disagreement {
    pub code: String,
    pub name: String,
    pub county: String,
    pub street: String,
    /// 合格 or 不合格, as the county recorded it.
    pub county_conclusion: String,
    pub inspected_on: String,
    pub inspector: String,
    pub notes: String,
    /// The verdict the data give, in words, with the rules it fails.
    pub computed: String,
    pub failing: Vec<String>,
}

fn disagreement(c: &Community) -> Option<Disagreement> {
    let check = c
        .county_check
        .as_ref()
        .filter(|k| k.disagrees == Some(true))?;
    Some(Disagreement {
        code: c.code.clone(),
        name: c.name.clone(),
        county: c.county.clone(),
        street: c.street.clone(),
        county_conclusion: check.conclusion.clone(),
        inspected_on: check
            .inspected_on
            .map(|d| d.to_string())
            .unwrap_or_default(),
        inspector: check.inspector.clone().unwrap_or_default(),
        notes: check.notes.clone().unwrap_or_default(),
        computed: labels::verdict(c.verdict).into(),
        failing: failing_in_words(c),
    })
}

#[derive(Debug, Clone, Serialize)]
pub struct Group<T> {
    pub title: String,
    pub open: bool,
    pub rows: Vec<T>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Results {
    pub under: usize,
    pub failing: Vec<Result>,
    pub by_county: Vec<Group<Result>>,
    /// Communities whose qualification the province revoked, no longer
    /// re-inspected this year.
    pub revoked: Vec<Revoked>,
    /// Communities whose county's recorded conclusion differs from the verdict.
    pub disagreements: Vec<Disagreement>,
    /// How many communities have a conclusion recorded by their county.
    pub county_recorded: usize,
}

/// The re-inspection results; an evidence share below `thin_below` is
/// marked thin.
/// A community the province disqualified, as the results section names it.
#[derive(Debug, Clone, Serialize)]
pub struct Revoked {
    pub code: String,
    pub name: String,
    pub county: String,
    pub on: String,
}

pub fn results(review: &Panel, thin_below: f64) -> Results {
    let under: Vec<&Community> = review
        .communities
        .iter()
        .filter(|c| c.under_reinspection)
        .collect();
    let open = review.communities.len() <= OPEN_UP_TO;
    let mut by: BTreeMap<String, Vec<Result>> = BTreeMap::new();
    for c in &under {
        by.entry(c.county.clone())
            .or_default()
            .push(result(c, thin_below));
    }
    Results {
        under: under.len(),
        failing: under
            .iter()
            .filter(|c| c.verdict != Some(Verdict::Pass))
            .map(|c| result(c, thin_below))
            .collect(),
        by_county: by
            .into_iter()
            .map(|(county, rows)| Group {
                title: format!("{county}({} 个复查社区)", rows.len()),
                open,
                rows,
            })
            .collect(),
        disagreements: under.iter().filter_map(|c| disagreement(c)).collect(),
        county_recorded: under.iter().filter(|c| c.county_check.is_some()).count(),
        revoked: review
            .communities
            .iter()
            .filter(|c| !c.under_reinspection)
            .filter_map(|c| {
                Some(Revoked {
                    code: c.code.clone(),
                    name: c.name.clone(),
                    county: c.county.clone(),
                    on: c.revoked_on?.to_string(),
                })
            })
            .collect(),
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct ShortlistRow {
    pub rank: i64,
    pub rank_in_county: i64,
    pub code: String,
    pub name: String,
    pub county: String,
    pub street: String,
    pub applied: String,
    pub score: String,
    pub level: String,
    pub reached: String,
    pub risk: i64,
    pub verify: bool,
    pub flags: Vec<String>,
    pub recommended: String,
}

fn flags_in_words(flags: &str) -> Vec<String> {
    flags
        .split(';')
        .filter(|s| !s.is_empty())
        .map(labels::detector)
        .collect()
}

fn shortlist_row(c: &Candidate) -> ShortlistRow {
    ShortlistRow {
        rank: c.rank_overall,
        rank_in_county: c.rank_in_county,
        code: c.code.clone(),
        name: c.name.clone(),
        county: c.county.clone(),
        street: c.street.clone(),
        applied: c.applied_level.clone(),
        score: labels::number(c.score, 1),
        level: labels::level(c.level.as_deref(), c.stars),
        reached: labels::yes_no(c.applied_level_reached).into(),
        risk: c.risk_score,
        verify: c.needs_verification,
        flags: flags_in_words(&c.flags),
        recommended: match c.recommended {
            Some(true) => "是".into(),
            Some(false) => "否".into(),
            None => "未设名额".into(),
        },
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Shortlist {
    pub candidates: usize,
    pub verify: usize,
    pub rows: Vec<ShortlistRow>,
    pub open: bool,
}

pub fn shortlist(review: &Panel) -> Option<Shortlist> {
    let list = review.shortlist.as_ref()?;
    Some(Shortlist {
        candidates: list.len(),
        verify: list.iter().filter(|c| c.needs_verification).count(),
        rows: list.iter().map(shortlist_row).collect(),
        open: list.len() <= OPEN_UP_TO,
    })
}

#[derive(Debug, Clone, Serialize)]
pub struct WaitingRow {
    pub code: String,
    pub name: String,
    pub county: String,
    pub street: String,
    pub applied: String,
    /// Whose decision is missing, in words.
    pub waiting_for: String,
}

/// Applications waiting for a street or county decision (待定).
pub fn waiting(review: &Panel) -> Vec<WaitingRow> {
    review
        .waiting
        .iter()
        .map(|w| WaitingRow {
            code: w.code.clone(),
            name: w.name.clone(),
            county: w.county.clone(),
            street: w.street.clone(),
            applied: w.applied_level.clone(),
            waiting_for: if w.waiting_for == "street" {
                "街道(及县区)".into()
            } else {
                "县区".into()
            },
        })
        .collect()
}

/// An application kept off the shortlist for a confirmed falsification.
#[derive(Debug, Clone, Serialize)]
pub struct FalsifiedRow {
    pub code: String,
    pub name: String,
    pub county: String,
    pub street: String,
    pub applied: String,
    pub confirmed: Vec<String>,
    /// The street and county that recommended it, "、"-joined; "—" when neither did.
    pub recommended_by: String,
}

/// The review year's applications kept off the shortlist because the panel
/// confirmed a falsification, each naming the street and county that
/// recommended it.
pub fn falsified(review: &Panel) -> Vec<FalsifiedRow> {
    review
        .falsified
        .iter()
        .map(|f| FalsifiedRow {
            code: f.code.clone(),
            name: f.name.clone(),
            county: f.county.clone(),
            street: f.street.clone(),
            applied: f.applied_level.clone(),
            confirmed: f.confirmed.clone(),
            recommended_by: if f.recommended_by.is_empty() {
                "—".into()
            } else {
                f.recommended_by.join("、")
            },
        })
        .collect()
}

#[derive(Debug, Clone, Serialize)]
pub struct FindingRow {
    pub severity: String,
    pub severity_class: String,
    pub subject: String,
    pub code: String,
    pub county: String,
    pub street: String,
    pub explanation: String,
    pub value: String,
    pub threshold: String,
    pub p_value: String,
    pub evidence_shown: Vec<String>,
    pub evidence_more: Vec<String>,
    /// The panel's check: "已核实不属实(市局核查组 2021年11月2日核实)", or empty.
    pub verification: String,
    /// Checked and found 不属实: shown struck through, no longer counted.
    pub dismissed: bool,
    /// 影响结论: taking out its persons changes an outcome; listed first.
    pub material: bool,
    /// What changes, in the panel's words, or empty.
    pub material_effect: String,
    /// The detector's name, for the list of material findings.
    pub detector: String,
}

fn measured(v: Option<f64>) -> String {
    match v {
        None => "—".into(),
        Some(v) if v.fract() == 0.0 && v.abs() < 1e12 => format!("{v:.0}"),
        Some(v) => format!("{v:.4}"),
    }
}

fn finding_row(f: &PublishedFinding) -> FindingRow {
    let shown = f.evidence.len().min(EVIDENCE_SHOWN);
    FindingRow {
        severity: labels::severity(&f.severity).into(),
        severity_class: f.severity.clone(),
        subject: match &f.community_name {
            Some(n) if f.community_code.is_some() => n.clone(),
            _ => format!("{}(全区县)", f.county),
        },
        code: f.community_code.clone().unwrap_or_default(),
        county: f.county.clone(),
        street: f.street.clone().unwrap_or_default(),
        explanation: f.explanation.clone(),
        value: measured(f.value),
        threshold: measured(f.threshold),
        p_value: f.p_value.map_or_else(|| "—".into(), |p| format!("{p:.2e}")),
        evidence_shown: f.evidence[..shown].to_vec(),
        evidence_more: f.evidence[shown..].to_vec(),
        verification: f
            .verification
            .as_deref()
            .map(|v| {
                format!(
                    "{}({})",
                    labels::verification(v),
                    labels::checked_by_on(f.verified_by.as_deref(), f.verified_on)
                )
            })
            .unwrap_or_default(),
        dismissed: f.dismissed(),
        material: f.material,
        material_effect: f.material_effect.clone().unwrap_or_default(),
        detector: labels::detector(&f.detector),
    }
}

/// The material findings (影响结论), the ones whose persons could change an
/// outcome, that the panel has not dismissed: the report lists them before
/// the groups, in report order.
pub fn material_findings(review: &Panel) -> Vec<FindingRow> {
    review
        .findings
        .iter()
        .filter(|f| f.material && !f.dismissed())
        .map(finding_row)
        .collect()
}

#[derive(Debug, Clone, Serialize)]
pub struct FindingGroup {
    pub id: String,
    pub title: String,
    pub count: usize,
    pub open: bool,
    pub rows: Vec<FindingRow>,
}

/// A group's title: the detector's name, and for a county-level test, that
/// it is one.
fn group_title(detector: &str, level: &str) -> String {
    match (detector, level) {
        (d, "county") => format!("{}(区县级检验)", labels::detector(d)),
        (d, _) => labels::detector(d),
    }
}

/// Findings grouped by detector and level, in detector order.
pub fn findings(review: &Panel) -> Vec<FindingGroup> {
    let mut by: BTreeMap<(String, String), Vec<FindingRow>> = BTreeMap::new();
    for f in &review.findings {
        by.entry((f.detector.clone(), f.level.clone()))
            .or_default()
            .push(finding_row(f));
    }
    let open = review.findings.len() <= OPEN_UP_TO;
    by.into_iter()
        .map(|((id, level), rows)| FindingGroup {
            title: group_title(&id, &level),
            count: rows.len(),
            open,
            id,
            rows,
        })
        .collect()
}

#[derive(Debug, Clone, Serialize)]
pub struct LegendRow {
    pub severity: String,
    pub severity_class: String,
    pub meaning: String,
}

/// What each severity asks of the panel, highest first.
pub fn legend() -> Vec<LegendRow> {
    ["high", "medium", "low"]
        .into_iter()
        .map(|s| LegendRow {
            severity: labels::severity(s).into(),
            severity_class: s.into(),
            meaning: labels::severity_meaning(s).into(),
        })
        .collect()
}

#[derive(Debug, Clone, Serialize)]
pub struct SpotRow {
    pub code: String,
    pub name: String,
    pub county: String,
    pub street: String,
    pub verdict: String,
    pub risk: i64,
    pub probability: String,
    pub sample: String,
}

pub fn spot_checks(rows: &[SpotCheck]) -> Vec<SpotRow> {
    rows.iter()
        .map(|s| SpotRow {
            code: s.code.clone(),
            name: s.name.clone(),
            county: s.county.clone(),
            street: s.street.clone(),
            verdict: labels::verdict(s.verdict).into(),
            risk: s.risk_score,
            probability: format!("{:.4}", s.inclusion_probability),
            sample: format!("{} / {}", s.county_sample_size, s.county_communities),
        })
        .collect()
}

#[derive(Debug, Clone, Serialize)]
pub struct Setting {
    pub key: String,
    pub value: String,
}

/// Every value of the effective rules, one `section.key = value` a row, in
/// the file's order.
pub fn settings(effective_toml: &str) -> Vec<Setting> {
    fn walk(prefix: &str, v: &toml::Value, out: &mut Vec<Setting>) {
        match v {
            toml::Value::Table(t) => {
                for (k, v) in t {
                    let key = if prefix.is_empty() {
                        k.clone()
                    } else {
                        format!("{prefix}.{k}")
                    };
                    walk(&key, v, out);
                }
            }
            // A list of tables (the review's stages): a row per entry, its
            // keys in a line, the empty ones left out.
            toml::Value::Array(items)
                if !items.is_empty() && items.iter().all(|i| i.is_table()) =>
            {
                for (k, item) in items.iter().enumerate() {
                    let fields: Vec<String> = item
                        .as_table()
                        .into_iter()
                        .flatten()
                        .filter(|(_, v)| match v {
                            toml::Value::Array(a) => !a.is_empty(),
                            toml::Value::Table(t) => !t.is_empty(),
                            toml::Value::Boolean(b) => *b,
                            _ => true,
                        })
                        .map(|(f, v)| match v {
                            toml::Value::String(s) => format!("{f} = {s}"),
                            other => format!("{f} = {other}"),
                        })
                        .collect();
                    out.push(Setting {
                        key: format!("{prefix}[{k}]"),
                        value: fields.join("; "),
                    });
                }
            }
            other => out.push(Setting {
                key: prefix.to_string(),
                value: other.to_string(),
            }),
        }
    }
    let mut out = Vec::new();
    match toml::from_str::<toml::Table>(effective_toml) {
        Ok(t) => walk("", &toml::Value::Table(t), &mut out),
        // The manifest's rules are written by this program from parsed
        // rules; should they ever not parse back, the report says so.
        Err(e) => out.push(Setting {
            key: "(规则无法解析)".into(),
            value: e.to_string(),
        }),
    }
    out
}

/// Each re-inspected community's history years as the report shows them:
/// its small line (SVG) and each year's verdict and level in words.
pub fn trends(review: &Panel) -> crate::error::Result<Vec<minijinja::Value>> {
    review
        .trends
        .iter()
        .map(|t| {
            let years: Vec<String> = t
                .years
                .iter()
                .map(|p| {
                    format!(
                        "{} {} {}",
                        p.year,
                        labels::verdict(p.verdict),
                        labels::level(p.level.as_deref(), p.stars)
                    )
                })
                .collect();
            Ok(minijinja::context! {
                code => t.code,
                name => t.name,
                county => t.county,
                years => years,
                svg => minijinja::Value::from_safe_string(crate::publish::charts::trend::sparkline(t)?),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The appendix lists each key once; a list of tables (the review's
    /// stages) as a row per entry with its non-empty keys, readable.
    #[test]
    fn the_settings_list_each_stage_on_a_row_of_its_own() {
        let rows = settings(
            "[publicity]\nworking_days = 5\n\
             [[review.stages]]\nid = \"street_review\"\nname = \"街道审核\"\nouter = []\nobjections = false\n\
             [[review.stages]]\nid = \"publicity\"\nname = \"公示\"\nobjections = true\n",
        );
        let got: Vec<(&str, &str)> = rows
            .iter()
            .map(|s| (s.key.as_str(), s.value.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("publicity.working_days", "5"),
                ("review.stages[0]", "id = street_review; name = 街道审核"),
                (
                    "review.stages[1]",
                    "id = publicity; name = 公示; objections = true"
                ),
            ]
        );
    }
}
