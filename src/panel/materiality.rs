//! Each finding's materiality (影响结论) in the panel's words: what taking
//! out the counted persons it questions changes ("剔除存疑的 3 人后登记失业人员就业率为
//! 68.2%,低于 70%,复查结论由合格变为不合格"), from the re-rating of
//! `ratings::materiality::assess`. The report lists the material findings
//! first, `explain` says it, and the findings table carries `material` and
//! `material_effect`.

use std::collections::BTreeMap;

use polars::prelude::*;

use super::findings::PublishedFinding;
use super::labels;
use crate::config::rules::ReinspectionRules;
use crate::error::Result;
use crate::frame::{ints, strings};
use crate::ratings::materiality::{MATERIAL, after, before};
use crate::ratings::registry::{self, Test};
use crate::ratings::score::{LEVEL, STARS};
use crate::ratings::verdict::{FAILING_RULES, VERDICT, Verdict};

/// The published columns the findings table gains.
pub const COLUMNS: [&str; 2] = [MATERIAL, "material_effect"];

/// What re-rating a finding's community without its persons changes.
#[derive(Debug, Clone, PartialEq)]
pub struct Effect {
    pub material: bool,
    /// The change in the panel's words; None when nothing changes.
    pub words: Option<String>,
}

/// One outcome of a re-rating, before or after.
struct Outcome {
    verdict: Option<Verdict>,
    failing: Vec<String>,
    level: Option<String>,
    stars: i64,
}

/// The effect of each finding the assessment re-rated, by its position in
/// the findings.
pub fn effects(assessed: &DataFrame, rules: &ReinspectionRules) -> Result<BTreeMap<usize, Effect>> {
    let findings = assessed.column("finding")?.u32()?.clone();
    let persons = ints(assessed, "persons")?;
    let material = assessed.column(MATERIAL)?.bool()?.clone();
    let outcome = |when: fn(&str) -> String| -> Result<Vec<Outcome>> {
        let verdicts = strings(assessed, &when(VERDICT))?;
        let failing = strings(assessed, &when(FAILING_RULES))?;
        let levels = strings(assessed, &when(LEVEL))?;
        let stars = ints(assessed, &when(STARS))?;
        Ok((0..assessed.height())
            .map(|i| Outcome {
                verdict: verdicts[i].as_deref().and_then(Verdict::parse),
                failing: failing[i]
                    .as_deref()
                    .unwrap_or("")
                    .split(';')
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect(),
                level: levels[i].clone(),
                stars: stars[i].unwrap_or(0),
            })
            .collect())
    };
    let (was, now) = (outcome(before)?, outcome(after)?);
    let rates = registry::RULES
        .iter()
        .filter(|r| r.persons.is_some())
        .map(|r| Ok((r.id, crate::frame::floats(assessed, &after(r.indicator))?)))
        .collect::<Result<BTreeMap<_, _>>>()?;
    let mut out = BTreeMap::new();
    for i in 0..assessed.height() {
        let Some(finding) = findings.get(i) else {
            continue;
        };
        let is_material = material.get(i) == Some(true);
        let words = is_material.then(|| {
            let rate_of = |id: &str| rates.get(id).and_then(|v| v[i]);
            worded(persons[i].unwrap_or(0), &was[i], &now[i], rate_of, rules)
        });
        out.insert(
            finding as usize,
            Effect {
                material: is_material,
                words,
            },
        );
    }
    Ok(out)
}

/// "剔除存疑的 N 人后" and each change, joined by commas.
fn worded(
    persons: i64,
    was: &Outcome,
    now: &Outcome,
    rate_of: impl Fn(&str) -> Option<f64>,
    rules: &ReinspectionRules,
) -> String {
    let mut changes: Vec<String> = now
        .failing
        .iter()
        .filter(|id| !was.failing.contains(id))
        .map(|id| newly_failing(id, rate_of(id), rules))
        .collect();
    if was.verdict != now.verdict {
        changes.push(format!(
            "复查结论由{}变为{}",
            labels::verdict(was.verdict),
            labels::verdict(now.verdict)
        ));
    }
    if (&was.level, was.stars) != (&now.level, now.stars) {
        changes.push(format!(
            "等级由{}变为{}",
            labels::level(was.level.as_deref(), was.stars),
            labels::level(now.level.as_deref(), now.stars)
        ));
    }
    format!("剔除存疑的 {persons} 人后{}", changes.join(","))
}

/// A rule that fails once the persons are out: a rate rule with its rate
/// against its threshold, another by its name.
fn newly_failing(id: &str, rate: Option<f64>, rules: &ReinspectionRules) -> String {
    let Some(rule) = registry::rule(id) else {
        return labels::rule(id);
    };
    match (rule.test, rule.threshold(rules)) {
        (Test::AtLeast, Some(t)) => format!(
            "{}为 {},低于 {}",
            labels::indicator(rule.indicator),
            labels::percent(rate),
            threshold_percent(t)
        ),
        _ => labels::rule(id),
    }
}

/// A threshold as the rules file means it: 0.7 → "70%", 0.725 → "72.5%".
fn threshold_percent(t: f64) -> String {
    let text = format!("{:.2}", t * 100.0);
    let text = text.trim_end_matches('0').trim_end_matches('.');
    format!("{text}%")
}

/// The effects written onto the published findings (in the detectors'
/// order, as `findings::published` keeps it).
pub fn apply(rows: &mut [PublishedFinding], effects: &BTreeMap<usize, Effect>) {
    for (i, row) in rows.iter_mut().enumerate() {
        if let Some(e) = effects.get(&i) {
            row.material = e.material;
            row.material_effect = e.words.clone();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(verdict: Verdict, failing: &[&str], level: Option<&str>, stars: i64) -> Outcome {
        Outcome {
            verdict: Some(verdict),
            failing: failing.iter().map(|s| s.to_string()).collect(),
            level: level.map(str::to_string),
            stars,
        }
    }

    #[test]
    fn a_verdict_flipped_by_a_rate_reads_as_the_notice_words_it() {
        let rules = crate::config::Rules::default().reinspection;
        let was = outcome(Verdict::Pass, &[], Some("市级"), 0);
        let now = outcome(Verdict::Fail, &["min_reemployment_rate"], Some("市级"), 0);
        let words = worded(3, &was, &now, |_| Some(0.682), &rules);
        assert_eq!(
            words,
            "剔除存疑的 3 人后登记失业人员就业率为 68.2%,低于 70%,复查结论由合格变为不合格"
        );
    }

    #[test]
    fn stars_lowered_alone() {
        let rules = crate::config::Rules::default().reinspection;
        let was = outcome(Verdict::Pass, &[], Some("星级"), 2);
        let now = outcome(Verdict::Pass, &[], Some("星级"), 1);
        assert_eq!(
            worded(1, &was, &now, |_| None, &rules),
            "剔除存疑的 1 人后等级由星级(★★)变为星级(★)"
        );
        assert_eq!(threshold_percent(0.725), "72.5%");
        assert_eq!(threshold_percent(0.95), "95%");
    }
}
