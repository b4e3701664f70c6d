//! The communities whose rating changes under the candidate rules: for one
//! year, each community whose verdict, failing rules, level, stars, place
//! on the shortlist (rank overall and in its county) or place within its
//! county's quota differs between the two re-ratings, with both sides in
//! the panel's words, grouped by county with counts; and the same counts
//! for every year of the run.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::error::Result;
use crate::frame::{ByName, of_year};
use crate::panel::labels;
use crate::ratings::rerate::Rerated;
use crate::ratings::verdict::Verdict;

/// What may change, in the order the documents list them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    Verdict,
    FailingRules,
    Level,
    Stars,
    Rank,
    Recommended,
}

impl Change {
    pub const ALL: [Change; 6] = [
        Change::Verdict,
        Change::FailingRules,
        Change::Level,
        Change::Stars,
        Change::Rank,
        Change::Recommended,
    ];

    /// The id printed on stdout.
    pub fn id(self) -> &'static str {
        match self {
            Change::Verdict => "verdict",
            Change::FailingRules => "failing_rules",
            Change::Level => "level",
            Change::Stars => "stars",
            Change::Rank => "rank",
            Change::Recommended => "recommended",
        }
    }

    /// The heading on the page and the sheet.
    pub fn label(self) -> &'static str {
        match self {
            Change::Verdict => "复查结论",
            Change::FailingRules => "不达标规则",
            Change::Level => "等级",
            Change::Stars => "星级",
            Change::Rank => "推荐名单排名",
            Change::Recommended => "名额内推荐",
        }
    }
}

/// One side of a community's rating.
#[derive(Debug, Clone, Default, PartialEq)]
struct Side {
    verdict: Option<Verdict>,
    failing_rules: Vec<String>,
    failing_detail: String,
    score: Option<f64>,
    level: Option<String>,
    stars: i64,
    /// (overall, in county, recommended) on the shortlist; None off it.
    rank: Option<(i64, i64, Option<bool>)>,
}

impl Side {
    fn differs(&self, other: &Side, change: Change) -> bool {
        match change {
            Change::Verdict => self.verdict != other.verdict,
            Change::FailingRules => self.failing_rules != other.failing_rules,
            Change::Level => self.level != other.level,
            Change::Stars => self.stars != other.stars,
            Change::Rank => self.rank.map(|r| (r.0, r.1)) != other.rank.map(|r| (r.0, r.1)),
            Change::Recommended => self.rank.and_then(|r| r.2) != other.rank.and_then(|r| r.2),
        }
    }

    /// The side in the panel's words.
    fn shown(&self) -> Shown {
        let (overall, county, recommended) = match self.rank {
            Some((o, c, r)) => (o.to_string(), c.to_string(), labels::yes_no(r).to_string()),
            None => ("—".into(), "—".into(), "—".into()),
        };
        Shown {
            verdict: labels::verdict(self.verdict).into(),
            verdict_id: self.verdict.map(Verdict::as_str),
            failing_rules: if self.failing_rules.is_empty() {
                "—".into()
            } else {
                self.failing_rules
                    .iter()
                    .map(|r| labels::rule(r))
                    .collect::<Vec<_>>()
                    .join("、")
            },
            failing_detail: self
                .failing_detail
                .split("; ")
                .filter(|d| !d.is_empty())
                .map(labels::failing_rule)
                .collect(),
            score: labels::number(self.score, 1),
            score_value: self.score,
            rank_values: self.rank.map(|r| (r.0, r.1)),
            level: labels::level(self.level.as_deref(), self.stars),
            stars: self.stars,
            rank_overall: overall,
            rank_in_county: county,
            recommended,
        }
    }
}

/// One side as the documents print it.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Shown {
    pub verdict: String,
    /// The verdict as published (`pass`, `fail`, `incomplete`); None out
    /// of the re-inspection.
    pub verdict_id: Option<&'static str>,
    /// The failing rules' names, "、"-joined; "—" for none.
    pub failing_rules: String,
    /// Each failing rule with its value against its threshold.
    pub failing_detail: Vec<String>,
    pub score: String,
    pub score_value: Option<f64>,
    pub level: String,
    pub stars: i64,
    /// On the shortlist: the ranks and 是/否/— within the quota; "—" off it.
    pub rank_overall: String,
    pub rank_in_county: String,
    pub recommended: String,
    /// The ranks (overall, in county) as numbers; None off the shortlist.
    pub rank_values: Option<(i64, i64)>,
}

/// A community whose rating changes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Changed {
    pub code: String,
    pub name: String,
    pub county: String,
    pub street: String,
    pub current: Shown,
    pub candidate: Shown,
    /// What changes, in `Change::ALL` order.
    pub changes: Vec<Change>,
    /// The same as words, "、"-joined.
    pub changes_text: String,
}

impl Changed {
    pub fn has(&self, change: Change) -> bool {
        self.changes.contains(&change)
    }
}

/// How many communities change, in all and by what.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Counts {
    pub communities: usize,
    /// By `Change::ALL`, in order.
    pub by_change: Vec<usize>,
}

impl Counts {
    fn of<'a>(rows: impl IntoIterator<Item = &'a Changed>) -> Counts {
        let mut counts = Counts {
            communities: 0,
            by_change: vec![0; Change::ALL.len()],
        };
        for row in rows {
            counts.communities += 1;
            for (k, c) in Change::ALL.iter().enumerate() {
                counts.by_change[k] += usize::from(row.has(*c));
            }
        }
        counts
    }

    /// The count of one change.
    pub fn of_change(&self, change: Change) -> usize {
        Change::ALL
            .iter()
            .position(|c| *c == change)
            .map_or(0, |k| self.by_change[k])
    }
}

/// One county's changed communities, by street and code.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct County {
    pub county: String,
    pub rows: Vec<Changed>,
    pub counts: Counts,
}

/// One year's changes.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct YearChanges {
    pub year: i32,
    /// Communities rated that year.
    pub rated: usize,
    pub under_reinspection: usize,
    pub counts: Counts,
    /// Communities whose score changes (whether or not anything else does).
    pub score_changed: usize,
    /// The counties with a change, by name.
    pub by_county: Vec<County>,
}

/// The changes of `year` between the two re-ratings.
pub fn of_year_changes(current: &Rerated, candidate: &Rerated, year: i32) -> Result<YearChanges> {
    let now = sides(current, year)?;
    let then = sides(candidate, year)?;
    let mut score_changed = 0;
    let mut under = 0;
    let mut changed: Vec<Changed> = Vec::new();
    for (code, (place, before, under_reinspection)) in &now {
        let after = then.get(code).map(|t| t.1.clone()).unwrap_or_default();
        under += usize::from(*under_reinspection);
        score_changed += usize::from(before.score != after.score);
        let row = compared(code, place, before, &after);
        if !row.changes.is_empty() {
            changed.push(row);
        }
    }
    changed.sort_by(|a, b| (&a.county, &a.street, &a.code).cmp(&(&b.county, &b.street, &b.code)));
    let counts = Counts::of(&changed);
    let mut by_county: Vec<County> = Vec::new();
    for row in changed {
        match by_county.last_mut() {
            Some(c) if c.county == row.county => c.rows.push(row),
            _ => by_county.push(County {
                county: row.county.clone(),
                rows: vec![row],
                counts: Counts::default(),
            }),
        }
    }
    for c in &mut by_county {
        c.counts = Counts::of(&c.rows);
    }
    Ok(YearChanges {
        year,
        rated: now.len(),
        under_reinspection: under,
        counts,
        score_changed,
        by_county,
    })
}

/// One community of `year` both ways, whether or not anything changes;
/// None when neither re-rating rated it that year.
pub fn one(
    current: &Rerated,
    candidate: &Rerated,
    year: i32,
    code: &str,
) -> Result<Option<Changed>> {
    let now = sides(current, year)?;
    let then = sides(candidate, year)?;
    Ok(now.get(code).map(|(place, before, _)| {
        let after = then.get(code).map(|t| t.1.clone()).unwrap_or_default();
        compared(code, place, before, &after)
    }))
}

/// A community's two sides and what differs between them.
fn compared(code: &str, place: &Place, before: &Side, after: &Side) -> Changed {
    let changes: Vec<Change> = Change::ALL
        .into_iter()
        .filter(|c| before.differs(after, *c))
        .collect();
    Changed {
        code: code.to_string(),
        name: place.name.clone(),
        county: place.county.clone(),
        street: place.street.clone(),
        current: before.shown(),
        candidate: after.shown(),
        changes_text: changes
            .iter()
            .map(|c| c.label())
            .collect::<Vec<_>>()
            .join("、"),
        changes,
    }
}

/// Where a community is.
#[derive(Debug, Clone, Default)]
struct Place {
    name: String,
    county: String,
    street: String,
}

/// Each community of `year` in one re-rating: its place, its side and
/// whether it is under re-inspection, by code.
fn sides(rerated: &Rerated, year: i32) -> Result<BTreeMap<String, (Place, Side, bool)>> {
    let ratings = of_year(&rerated.ratings, year)?;
    let r = ByName::read(&ratings)?;
    let shortlist = of_year(&rerated.shortlist, year)?;
    let s = ByName::read(&shortlist)?;
    let ranks: BTreeMap<String, (i64, i64, Option<bool>)> = (0..shortlist.height())
        .filter_map(|k| {
            Some((
                s.text("community_code", k)?,
                (
                    s.int("rank_overall", k)?,
                    s.int("rank_in_county", k)?,
                    s.flag("recommended", k),
                ),
            ))
        })
        .collect();
    let mut out = BTreeMap::new();
    for k in 0..ratings.height() {
        let Some(code) = r.text("community_code", k) else {
            continue;
        };
        let side = Side {
            verdict: r.text("verdict", k).as_deref().and_then(Verdict::parse),
            failing_rules: r
                .text_or_empty("failing_rules", k)
                .split(';')
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect(),
            failing_detail: r.text_or_empty("failing_detail", k),
            score: r.float("score", k),
            level: r.text("level", k),
            stars: r.int("stars", k).unwrap_or(0),
            rank: ranks.get(&code).copied(),
        };
        let place = Place {
            name: r.text_or_empty("community_name", k),
            county: r.text_or_empty("county", k),
            street: r.text_or_empty("street", k),
        };
        let under = r.flag("under_reinspection", k) == Some(true);
        out.insert(code, (place, side, under));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use polars::prelude::*;

    fn rerated(verdicts: &[(&str, &str, &str, f64, i64)], ranks: &[(&str, i64, i64)]) -> Rerated {
        let n = verdicts.len();
        let ratings = df!(
            "community_code" => verdicts.iter().map(|v| v.0).collect::<Vec<_>>(),
            "community_name" => verdicts.iter().map(|v| format!("{}社区", v.0)).collect::<Vec<_>>(),
            "county" => verdicts.iter().map(|v| if v.0 < "3" { "新华区" } else { "卫东区" }).collect::<Vec<_>>(),
            "street" => vec!["中兴路街道"; n],
            "year" => vec![2021i64; n],
            "under_reinspection" => vec![true; n],
            "verdict" => verdicts.iter().map(|v| v.1).collect::<Vec<_>>(),
            "failing_rules" => verdicts.iter().map(|v| v.2).collect::<Vec<_>>(),
            "failing_detail" => vec![""; n],
            "score" => verdicts.iter().map(|v| v.3).collect::<Vec<_>>(),
            "level" => verdicts.iter().map(|v| if v.4 > 0 { Some("星级") } else { Some("市级") }).collect::<Vec<_>>(),
            "stars" => verdicts.iter().map(|v| v.4).collect::<Vec<_>>(),
        )
        .unwrap();
        let shortlist = df!(
            "community_code" => ranks.iter().map(|r| r.0).collect::<Vec<_>>(),
            "year" => vec![2021i64; ranks.len()],
            "rank_overall" => ranks.iter().map(|r| r.1).collect::<Vec<_>>(),
            "rank_in_county" => ranks.iter().map(|r| r.2).collect::<Vec<_>>(),
            "recommended" => vec![None::<bool>; ranks.len()],
        )
        .unwrap();
        Rerated {
            ratings,
            shortlist,
            set_aside: DataFrame::empty(),
        }
    }

    #[test]
    fn only_communities_that_change_are_listed_by_county_with_counts() {
        let now = rerated(
            &[
                ("1", "pass", "", 80.0, 2),
                ("2", "pass", "", 71.0, 1),
                ("3", "fail", "max_registered_unemployment_rate", 60.0, 0),
                ("4", "pass", "", 90.0, 4),
            ],
            &[("1", 2, 1), ("2", 3, 2), ("4", 1, 1)],
        );
        let then = rerated(
            &[
                ("1", "fail", "min_reemployment_rate", 80.0, 2),
                ("2", "pass", "", 71.0, 0),
                (
                    "3",
                    "fail",
                    "min_reemployment_rate;max_registered_unemployment_rate",
                    60.0,
                    0,
                ),
                ("4", "pass", "", 90.0, 4),
            ],
            &[("1", 2, 1), ("2", 3, 2), ("4", 1, 1)],
        );
        let y = of_year_changes(&now, &then, 2021).unwrap();
        assert_eq!((y.rated, y.under_reinspection, y.score_changed), (4, 4, 0));
        assert_eq!(y.counts.communities, 3);
        assert_eq!(y.counts.of_change(Change::Verdict), 1);
        assert_eq!(y.counts.of_change(Change::FailingRules), 2);
        assert_eq!(y.counts.of_change(Change::Stars), 1);
        assert_eq!(y.counts.of_change(Change::Level), 1, "星级 → 市级");
        let counties: Vec<(&str, usize)> = y
            .by_county
            .iter()
            .map(|c| (c.county.as_str(), c.counts.communities))
            .collect();
        assert_eq!(counties, [("卫东区", 1), ("新华区", 2)]);
        let first = &y.by_county[1].rows[0];
        assert_eq!(
            (
                first.current.verdict.as_str(),
                first.candidate.verdict.as_str()
            ),
            ("合格", "不合格")
        );
        assert_eq!(first.candidate.failing_rules, "登记失业人员就业率不足");
        assert_eq!(first.changes_text, "复查结论、不达标规则");
    }
}
