//! The risk score (docs/detectors.md): per community and year, points per
//! community-level finding by severity, a material finding's doubled
//! (`ratings::materiality`), capped.

use std::collections::BTreeMap;

use polars::prelude::*;

use super::{Finding, Severity};

/// Findings counted by severity (high, medium, low), the detectors that
/// fired and the points before the cap.
type Tally = ([i64; 3], Vec<&'static str>, i64);

/// A finding's points by its severity.
fn points(severity: Severity, rules: &RiskRules) -> i64 {
    match severity {
        Severity::High => rules.high,
        Severity::Medium => rules.medium,
        Severity::Low => rules.low,
    }
}
use crate::config::rules::RiskRules;

/// A finding the risk score counts (not dismissed by the panel), and whether
/// it is material: taking out the persons it questions changes an outcome.
pub struct Weighed<'a> {
    pub finding: &'a Finding,
    pub material: bool,
}

impl<'a> Weighed<'a> {
    /// `finding`, not material.
    pub fn plain(finding: &'a Finding) -> Weighed<'a> {
        Weighed {
            finding,
            material: false,
        }
    }
}

/// One row per community and year that has any community-level finding:
/// `community_code`, `year`, `risk_score`, `high_findings`, `medium_findings`,
/// `low_findings`, `needs_verification` (any high finding), `flags` (the
/// detectors that fired, sorted, joined by `;`). Communities without a row
/// have risk 0 and no flags.
/// A material finding's points count twice, before the cap.
pub fn risk_scores(findings: &[Weighed], rules: &RiskRules) -> PolarsResult<DataFrame> {
    let mut per: BTreeMap<(String, i32), Tally> = BTreeMap::new();
    for w in findings {
        let f = w.finding;
        let Some(code) = f.about_community() else {
            continue;
        };
        let entry = per.entry((code.to_string(), f.year)).or_default();
        let i = match f.severity {
            Severity::High => 0,
            Severity::Medium => 1,
            Severity::Low => 2,
        };
        entry.0[i] += 1;
        entry.2 += points(f.severity, rules) * if w.material { 2 } else { 1 };
        if !entry.1.contains(&f.detector) {
            entry.1.push(f.detector);
        }
    }
    let mut codes = Vec::new();
    let mut years = Vec::new();
    let (mut score, mut high, mut medium, mut low, mut verify, mut flags) = (
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
    );
    for ((code, year), (n, mut names, points)) in per {
        codes.push(code);
        years.push(year as i64);
        score.push(points.min(rules.cap));
        high.push(n[0]);
        medium.push(n[1]);
        low.push(n[2]);
        verify.push(n[0] > 0);
        names.sort_unstable();
        flags.push(names.join(";"));
    }
    DataFrame::new_infer_height(vec![
        Column::new("community_code".into(), codes),
        Column::new("year".into(), years),
        Column::new("risk_score".into(), score),
        Column::new("high_findings".into(), high),
        Column::new("medium_findings".into(), medium),
        Column::new("low_findings".into(), low),
        Column::new("needs_verification".into(), verify),
        Column::new("flags".into(), flags),
    ])
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::detectors::Level;

    /// A 2021 finding of `det` in 新华区, of community `code` (a county-level
    /// finding without one), with nothing but its severity.
    pub(crate) fn finding(code: Option<&str>, sev: Severity, det: &'static str) -> Finding {
        Finding {
            detector: det,
            severity: sev,
            level: if code.is_some() {
                Level::Community
            } else {
                Level::County
            },
            community_code: code.map(str::to_string),
            county: "新华区".into(),
            year: 2021,
            explanation: String::new(),
            value: None,
            threshold: None,
            p_value: None,
            evidence: vec![],
        }
    }

    #[test]
    fn points_by_severity_capped_county_findings_ignored() {
        let rules = crate::config::Rules::default().risk;
        let mut fs = vec![
            finding(Some("a"), Severity::High, "x"),
            finding(Some("a"), Severity::Medium, "y"),
            finding(Some("a"), Severity::Low, "z"),
            finding(None, Severity::High, "county"),
        ];
        for _ in 0..5 {
            fs.push(finding(Some("b"), Severity::High, "x"));
        }
        let weighed: Vec<Weighed> = fs.iter().map(Weighed::plain).collect();
        let df = risk_scores(&weighed, &rules).unwrap();
        assert_eq!(df.height(), 2);
        let score = df.column("risk_score").unwrap().i64().unwrap();
        assert_eq!(score.get(0), Some(9), "5 + 3 + 1");
        assert_eq!(score.get(1), Some(20), "25 capped at 20");
        let flags = df.column("flags").unwrap().str().unwrap();
        assert_eq!(flags.get(0), Some("x;y;z"));
    }

    #[test]
    fn a_material_finding_weighs_double_within_the_cap() {
        let rules = crate::config::Rules::default().risk;
        let (high, medium) = (
            finding(Some("a"), Severity::High, "x"),
            finding(Some("a"), Severity::Medium, "y"),
        );
        let many: Vec<Finding> = (0..3)
            .map(|_| finding(Some("b"), Severity::High, "x"))
            .collect();
        let mut weighed = vec![
            Weighed {
                finding: &high,
                material: true,
            },
            Weighed::plain(&medium),
        ];
        weighed.extend(many.iter().map(|f| Weighed {
            finding: f,
            material: true,
        }));
        let df = risk_scores(&weighed, &rules).unwrap();
        let score = df.column("risk_score").unwrap().i64().unwrap();
        assert_eq!(score.get(0), Some(13), "5 doubled + 3");
        assert_eq!(
            score.get(1),
            Some(20),
            "three highs doubled: 30, capped at 20"
        );
        let high_findings = df.column("high_findings").unwrap().i64().unwrap();
        assert_eq!(high_findings.get(0), Some(1), "a finding counted once");
    }
}
