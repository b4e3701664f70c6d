//! What changed since the previous complete run in the same output folder:
//! communities whose verdict, level or stars changed, findings that appeared
//! or went away, and rejected rows then and now. The previous run is read
//! from its own Parquet files, as any reader would. The panel's records
//! withdrawn or changed come from the decisions log (`decision_log`).

use std::collections::{BTreeMap, BTreeSet};

use polars::prelude::*;

use super::labels;
use super::{Panel, Verdict};
use crate::error::Result;

/// What the comparison reads of the previous complete run (a published run
/// folder: `publish::published_run`).
pub trait PreviousRun {
    fn run_id(&self) -> &str;
    fn as_of(&self) -> &str;
    /// One year's partition of a dataset, None when the run has none.
    fn partition(&self, table: &str, year: i32) -> Result<Option<DataFrame>>;
    /// A single-file table, None when the run has none.
    fn single(&self, table: &str) -> Result<Option<DataFrame>>;
}

#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct CommunityChange {
    pub code: String,
    pub name: String,
    pub county: String,
    pub what: String,
    pub before: String,
    pub after: String,
}

#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct FindingChange {
    pub detector: String,
    pub severity: String,
    pub subject: String,
    pub explanation: String,
}

#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct RejectChange {
    pub table: String,
    pub then: i64,
    pub now: i64,
}

#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Changes {
    /// No previous complete run in this output folder.
    pub first_run: bool,
    pub previous_run_id: String,
    pub previous_as_of: String,
    /// The previous run did not cover the review year.
    pub year_missing: bool,
    pub communities: Vec<CommunityChange>,
    pub appeared: Vec<FindingChange>,
    pub gone: Vec<FindingChange>,
    pub rejects: Vec<RejectChange>,
    pub rejects_then: i64,
    pub rejects_now: i64,
    /// The panel's records withdrawn or changed since the decisions log was
    /// last written, one line each (`decision_log`).
    pub records: Vec<String>,
    /// The decisions log starts with this run: nothing to compare yet.
    pub log_started: bool,
}

/// A community's standing as the ratings table records it.
#[derive(Debug, Clone, PartialEq)]
struct Standing {
    name: String,
    county: String,
    verdict: Option<Verdict>,
    level: Option<String>,
    stars: i64,
}

fn standings(df: &DataFrame) -> Result<BTreeMap<String, Standing>> {
    let code = crate::frame::strings(df, "community_code")?;
    let name = crate::frame::strings(df, "community_name")?;
    let county = crate::frame::strings(df, "county")?;
    let verdict = crate::frame::strings(df, "verdict")?;
    let level = crate::frame::strings(df, "level")?;
    let stars = crate::frame::ints(df, "stars")?;
    Ok((0..df.height())
        .filter_map(|k| {
            Some((
                code[k].clone()?,
                Standing {
                    name: name[k].clone().unwrap_or_default(),
                    county: county[k].clone().unwrap_or_default(),
                    verdict: verdict[k].as_deref().and_then(Verdict::parse),
                    level: level[k].clone(),
                    stars: stars[k].unwrap_or(0),
                },
            ))
        })
        .collect())
}

/// A finding's identity across runs: detector, severity, and its subject.
type FindingKey = (String, String, String);

fn finding_keys(findings: &[super::PublishedFinding]) -> BTreeMap<FindingKey, FindingChange> {
    findings
        .iter()
        .map(|f| {
            let subject = match (&f.community_code, &f.community_name) {
                (Some(code), name) => {
                    format!("{}({code},{})", name.clone().unwrap_or_default(), f.county)
                }
                (None, _) => format!("{}(区县)", f.county),
            };
            (
                (f.detector.clone(), f.severity.clone(), subject.clone()),
                FindingChange {
                    detector: labels::detector(&f.detector),
                    severity: labels::severity(&f.severity).to_string(),
                    subject,
                    explanation: f.explanation.clone(),
                },
            )
        })
        .collect()
}

fn rejects_by_table(df: &DataFrame) -> Result<BTreeMap<String, i64>> {
    let mut by: BTreeMap<String, i64> = BTreeMap::new();
    for t in crate::frame::strings(df, "table")? {
        *by.entry(t.unwrap_or_default()).or_default() += 1;
    }
    Ok(by)
}

/// Compares this run's review year with the previous run's.
pub fn compare(
    previous: Option<&dyn PreviousRun>,
    review: &Panel,
    ratings_now: &DataFrame,
    rejects_now: &DataFrame,
) -> Result<Changes> {
    let Some(prev) = previous else {
        return Ok(Changes {
            first_run: true,
            rejects_now: rejects_now.height() as i64,
            ..Changes::default()
        });
    };
    let year = review.year;
    let mut changes = Changes {
        previous_run_id: prev.run_id().to_string(),
        previous_as_of: prev.as_of().to_string(),
        ..Changes::default()
    };
    match prev.partition("ratings", year)? {
        None => changes.year_missing = true,
        Some(then) => {
            changes.communities = community_changes(
                &standings(&then)?,
                &standings(&crate::frame::of_year(ratings_now, year)?)?,
            );
        }
    }
    let then_findings = match prev.partition("findings", year)? {
        Some(df) => super::findings::read(&df)?,
        None => Vec::new(),
    };
    let (then_keys, now_keys) = (finding_keys(&then_findings), finding_keys(&review.findings));
    changes.appeared = only_in(&now_keys, &then_keys);
    changes.gone = only_in(&then_keys, &now_keys);
    let then_rejects = prev.single("rejects")?;
    changes.rejects = reject_changes(then_rejects.as_ref(), rejects_now)?;
    changes.rejects_then = then_rejects.map_or(0, |d| d.height() as i64);
    changes.rejects_now = rejects_now.height() as i64;
    Ok(changes)
}

/// The communities whose verdict, level or stars changed, the new ones,
/// then those gone.
fn community_changes(
    before: &BTreeMap<String, Standing>,
    after: &BTreeMap<String, Standing>,
) -> Vec<CommunityChange> {
    let change = |code: &str, s: &Standing, what: &str, b: String, a: String| CommunityChange {
        code: code.to_string(),
        name: s.name.clone(),
        county: s.county.clone(),
        what: what.into(),
        before: b,
        after: a,
    };
    let mut out = Vec::new();
    for (code, now) in after {
        let Some(was) = before.get(code) else {
            out.push(change(code, now, "新出现的社区", "—".into(), "—".into()));
            continue;
        };
        if was.verdict != now.verdict {
            let (b, a) = (labels::verdict(was.verdict), labels::verdict(now.verdict));
            out.push(change(code, now, "复查结论", b.into(), a.into()));
        }
        if was.level != now.level || was.stars != now.stars {
            let b = labels::level(was.level.as_deref(), was.stars);
            let a = labels::level(now.level.as_deref(), now.stars);
            out.push(change(code, now, "等级/星级", b, a));
        }
    }
    for (code, was) in before {
        if !after.contains_key(code) {
            out.push(change(
                code,
                was,
                "本次不再出现的社区",
                "—".into(),
                "—".into(),
            ));
        }
    }
    out
}

/// The findings of `these` not among `those`.
fn only_in(
    these: &BTreeMap<FindingKey, FindingChange>,
    those: &BTreeMap<FindingKey, FindingChange>,
) -> Vec<FindingChange> {
    these
        .iter()
        .filter(|(k, _)| !those.contains_key(*k))
        .map(|(_, v)| v.clone())
        .collect()
}

/// Rejected rows per table, then and now, for every table either run rejected from.
fn reject_changes(then: Option<&DataFrame>, now: &DataFrame) -> Result<Vec<RejectChange>> {
    let then_by = match then {
        Some(df) => rejects_by_table(df)?,
        None => BTreeMap::new(),
    };
    let now_by = rejects_by_table(now)?;
    let tables: BTreeSet<&String> = then_by.keys().chain(now_by.keys()).collect();
    Ok(tables
        .into_iter()
        .map(|t| RejectChange {
            table: labels::table(t),
            then: then_by.get(t).copied().unwrap_or(0),
            now: now_by.get(t).copied().unwrap_or(0),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    use crate::config::Stages;
    use crate::panel::{Panel, PublishedFinding as Finding};
    use crate::publish::parquet::write_file;
    use crate::publish::published_run::PublishedRun;

    /// code, name, verdict, level, stars
    type RatingRow<'a> = (&'a str, &'a str, Option<&'a str>, Option<&'a str>, i64);

    fn ratings(rows: &[RatingRow]) -> DataFrame {
        DataFrame::new_infer_height(vec![
            Column::new(
                "community_code".into(),
                rows.iter().map(|r| r.0).collect::<Vec<_>>(),
            ),
            Column::new(
                "community_name".into(),
                rows.iter().map(|r| r.1).collect::<Vec<_>>(),
            ),
            Column::new(
                "county".into(),
                rows.iter().map(|_| "新华区").collect::<Vec<_>>(),
            ),
            Column::new(
                "verdict".into(),
                rows.iter().map(|r| r.2).collect::<Vec<_>>(),
            ),
            Column::new("level".into(), rows.iter().map(|r| r.3).collect::<Vec<_>>()),
            Column::new("stars".into(), rows.iter().map(|r| r.4).collect::<Vec<_>>()),
        ])
        .unwrap()
    }

    fn rejects(tables: &[&str]) -> DataFrame {
        DataFrame::new_infer_height(vec![Column::new("table".into(), tables.to_vec())]).unwrap()
    }

    fn finding(detector: &str, code: &str) -> Finding {
        Finding {
            detector: detector.into(),
            severity: "high".into(),
            community_code: Some(code.into()),
            community_name: Some("光明社区".into()),
            county: "新华区".into(),
            explanation: "说明".into(),
            ..Finding::default()
        }
    }

    /// A previous run folder as a run writes it: manifest, the year's
    /// ratings and findings partitions (no `year` column), rejects.
    fn previous(dir: &Path) {
        std::fs::write(
            dir.join("manifest.json"),
            r#"{"run_id": "20220105T010000", "as_of": "2022-01-05"}"#,
        )
        .unwrap();
        write_file(
            &ratings(&[
                ("A", "光明社区", Some("pass"), Some("星级"), 2),
                ("B", "和平社区", Some("pass"), Some("市级"), 0),
                ("C", "东风社区", None, None, 0),
            ]),
            "ratings",
            &dir.join("ratings/year=2021/part-0.parquet"),
            &Stages::notice(),
        )
        .unwrap();
        let findings = DataFrame::new_infer_height(vec![
            Column::new("detector".into(), ["bulk_backfill"]),
            Column::new("severity".into(), ["high"]),
            Column::new("community_code".into(), ["A"]),
            Column::new("community_name".into(), ["光明社区"]),
            Column::new("county".into(), ["新华区"]),
            Column::new("explanation".into(), ["批量补录"]),
        ])
        .unwrap();
        write_file(
            &findings,
            "findings",
            &dir.join("findings/year=2021/part-0.parquet"),
            &Stages::notice(),
        )
        .unwrap();
        write_file(
            &rejects(&["persons", "persons", "employment"]),
            "rejects",
            &dir.join("rejects.parquet"),
            &Stages::notice(),
        )
        .unwrap();
    }

    #[test]
    fn verdict_and_level_changes_findings_in_and_out_and_rejects_then_and_now() {
        let dir = tempfile::tempdir().unwrap();
        previous(dir.path());
        let now = ratings(&[
            ("A", "光明社区", Some("fail"), Some("星级"), 2),
            ("B", "和平社区", Some("pass"), Some("星级"), 1),
            ("D", "团结社区", None, None, 0),
        ]);
        let review = Panel {
            year: 2021,
            findings: vec![finding("duplicate_person", "A")],
            ..Panel::default()
        };
        let c = compare(
            Some(&PublishedRun::open(dir.path()).unwrap() as &dyn PreviousRun),
            &review,
            &now,
            &rejects(&["persons"]),
        )
        .unwrap();
        assert!(!c.first_run && !c.year_missing);
        assert_eq!(c.previous_run_id, "20220105T010000");
        let seen: Vec<(&str, &str, &str, &str)> = c
            .communities
            .iter()
            .map(|x| {
                (
                    x.code.as_str(),
                    x.what.as_str(),
                    x.before.as_str(),
                    x.after.as_str(),
                )
            })
            .collect();
        assert_eq!(
            seen,
            [
                ("A", "复查结论", "合格", "不合格"),
                ("B", "等级/星级", "市级", "星级(★)"),
                ("D", "新出现的社区", "—", "—"),
                ("C", "本次不再出现的社区", "—", "—"),
            ]
        );
        assert_eq!(c.appeared.len(), 1);
        assert_eq!(c.appeared[0].detector, "同一人重复计算");
        assert_eq!(c.gone.len(), 1);
        assert_eq!(c.gone[0].detector, "批量补录");
        assert_eq!((c.rejects_then, c.rejects_now), (3, 1));
        let persons = c.rejects.iter().find(|r| r.table == "人员台账").unwrap();
        assert_eq!((persons.then, persons.now), (2, 1));
    }

    #[test]
    fn no_previous_run_is_the_first_and_a_year_it_lacked_is_said() {
        let review = Panel {
            year: 2022,
            ..Panel::default()
        };
        let none = compare(None, &review, &ratings(&[]), &rejects(&[])).unwrap();
        assert!(none.first_run);
        let dir = tempfile::tempdir().unwrap();
        previous(dir.path());
        let other_year = compare(
            Some(&PublishedRun::open(dir.path()).unwrap() as &dyn PreviousRun),
            &review,
            &ratings(&[]),
            &rejects(&[]),
        )
        .unwrap();
        assert!(!other_year.first_run && other_year.year_missing);
    }
}
