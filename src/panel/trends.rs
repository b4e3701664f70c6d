//! Each re-inspected community across its review years, as `history/`
//! remembers them (docs/report.md, section 三): the key rates, verdicts and
//! stars of every year up to the report's, and what changed since the year
//! before — newly failing, stars raised or lowered, disqualified. Read from
//! the history rows of every year: those this run writes and the stored ones
//! of the years it does not cover.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use polars::prelude::*;

use super::history::History;
use super::labels;
use crate::error::Result;
use crate::frame::ByName;
use crate::ratings::verdict::Verdict;

/// One review year of a community.
#[derive(Debug, Clone, PartialEq)]
pub struct YearPoint {
    pub year: i32,
    /// None: not under re-inspection that year.
    pub verdict: Option<Verdict>,
    pub level: Option<String>,
    pub stars: i64,
    pub reemployment_rate: Option<f64>,
    pub hardship_employment_rate: Option<f64>,
    pub disqualified_on: Option<NaiveDate>,
}

/// A community under re-inspection in the report's year, with its years.
#[derive(Debug, Clone, PartialEq)]
pub struct Trend {
    pub code: String,
    pub name: String,
    pub county: String,
    /// Oldest first, up to the report's year.
    pub years: Vec<YearPoint>,
}

/// A community whose outcome moved since the year before: both values in
/// the panel's words.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Moved {
    pub code: String,
    pub name: String,
    pub county: String,
    pub before: String,
    pub after: String,
}

/// What changed from the year before the report's to the report's.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct SinceLastYear {
    /// The year compared with; None when history holds no earlier year.
    pub previous: Option<i32>,
    pub newly_failing: Vec<Moved>,
    pub stars_raised: Vec<Moved>,
    pub stars_lowered: Vec<Moved>,
    pub disqualified: Vec<Moved>,
}

/// Every history year: the stored rows of the years this run does not
/// cover, and the run's own.
pub fn all_years(stored: Option<&DataFrame>, run: &History) -> Result<DataFrame> {
    let own = run.ratings.clone().lazy();
    let Some(stored) = stored.filter(|df| df.height() > 0) else {
        return Ok(own.collect()?);
    };
    let uncovered = run.years.iter().fold(lit(true), |keep, y| {
        keep.and(col("year").cast(DataType::Int64).neq(lit(i64::from(*y))))
    });
    let kept = stored.clone().lazy().filter(uncovered);
    Ok(concat(
        [kept, own],
        UnionArgs {
            diagonal: true,
            ..Default::default()
        },
    )?
    .collect()?)
}

/// The trends of the communities under re-inspection in `year` (county,
/// then code), and what changed since the year before.
pub fn trends(history: &DataFrame, year: i32) -> Result<(Vec<Trend>, SinceLastYear)> {
    let b = ByName::read(history)?;
    let mut by_code: BTreeMap<String, (String, String, Vec<YearPoint>)> = BTreeMap::new();
    for k in 0..history.height() {
        let (Some(code), Some(y)) = (b.text("community_code", k), b.int("year", k)) else {
            continue;
        };
        let y = y as i32;
        if y > year {
            continue;
        }
        let entry = by_code.entry(code).or_insert_with(|| {
            (
                b.text_or_empty("community_name", k),
                b.text_or_empty("county", k),
                Vec::new(),
            )
        });
        entry.2.push(YearPoint {
            year: y,
            verdict: b.text("verdict", k).as_deref().and_then(Verdict::parse),
            level: b.text("level", k),
            stars: b.int("stars", k).unwrap_or(0),
            reemployment_rate: b.float("reemployment_rate", k),
            hardship_employment_rate: b.float("hardship_employment_rate", k),
            disqualified_on: b.date("disqualified_on", k),
        });
    }
    let mut trends: Vec<Trend> = by_code
        .into_iter()
        .filter_map(|(code, (name, county, mut years))| {
            years.sort_by_key(|p| p.year);
            years.dedup_by_key(|p| p.year);
            let under = years.iter().any(|p| p.year == year && p.verdict.is_some());
            under.then_some(Trend {
                code,
                name,
                county,
                years,
            })
        })
        .collect();
    trends.sort_by(|a, b| (&a.county, &a.code).cmp(&(&b.county, &b.code)));
    let since = since_last_year(history, year)?;
    Ok((trends, since))
}

/// The report's year against the year before, for every community with a
/// row in both; disqualified: the year's row is the first to carry the
/// province's approval.
fn since_last_year(history: &DataFrame, year: i32) -> Result<SinceLastYear> {
    let b = ByName::read(history)?;
    let mut rows: BTreeMap<(String, i32), usize> = BTreeMap::new();
    for k in 0..history.height() {
        if let (Some(code), Some(y)) = (b.text("community_code", k), b.int("year", k)) {
            rows.insert((code, y as i32), k);
        }
    }
    let previous = rows
        .keys()
        .map(|(_, y)| *y)
        .filter(|y| *y < year)
        .max()
        .filter(|y| *y == year - 1);
    let mut out = SinceLastYear {
        previous,
        ..Default::default()
    };
    let Some(previous) = previous else {
        return Ok(out);
    };
    for ((code, y), &now) in rows.range((String::new(), i32::MIN)..) {
        if *y != year {
            continue;
        }
        let Some(&then) = rows.get(&(code.clone(), previous)) else {
            continue;
        };
        let moved = |before: String, after: String| Moved {
            code: code.clone(),
            name: b.text_or_empty("community_name", now),
            county: b.text_or_empty("county", now),
            before,
            after,
        };
        let verdict = |k: usize| b.text("verdict", k).as_deref().and_then(Verdict::parse);
        if verdict(now) == Some(Verdict::Fail) && verdict(then) != Some(Verdict::Fail) {
            out.newly_failing.push(moved(
                labels::verdict(verdict(then)).into(),
                labels::verdict(verdict(now)).into(),
            ));
        }
        let level = |k: usize| {
            labels::level(
                b.text("level", k).as_deref(),
                b.int("stars", k).unwrap_or(0),
            )
        };
        let stars = |k: usize| b.int("stars", k).unwrap_or(0);
        if stars(now) > stars(then) {
            out.stars_raised.push(moved(level(then), level(now)));
        } else if stars(now) < stars(then) {
            out.stars_lowered.push(moved(level(then), level(now)));
        }
        let revoked = |k: usize| b.date("disqualified_on", k);
        if let (Some(on), None) = (revoked(now), revoked(then)) {
            out.disqualified.push(moved("—".into(), on.to_string()));
        }
    }
    Ok(out)
}

/// The recognition years the documents print (the register's 省级认定年份
/// and 省级星级认定年份) as the history carries them for `year`: the
/// roster's year, or the one an earlier history year remembers when the
/// roster no longer gives it. A community without a history row keeps the
/// roster's.
pub fn recognition_from_history(
    communities: &mut [super::communities::Community],
    history: &DataFrame,
    year: i32,
) -> Result<()> {
    let b = ByName::read(history)?;
    let mut since: BTreeMap<String, (Option<i64>, Option<i64>)> = BTreeMap::new();
    for k in 0..history.height() {
        if b.int("year", k) != Some(i64::from(year)) {
            continue;
        }
        if let Some(code) = b.text("community_code", k) {
            since.insert(
                code,
                (
                    b.int("provincial_since", k),
                    b.int("provincial_star_since", k),
                ),
            );
        }
    }
    for c in communities.iter_mut() {
        if let Some((provincial, star)) = since.get(&c.code) {
            c.provincial_year = *provincial;
            c.provincial_star_year = *star;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn history() -> DataFrame {
        // a: passes 2020 with ★★, fails 2021 with ★; b: ★ to ★★★;
        // c: disqualified 2021-06-30; d: not under re-inspection in 2021.
        df!(
            "community_code" => ["a", "a", "b", "b", "c", "c", "d"],
            "community_name" => ["甲", "甲", "乙", "乙", "丙", "丙", "丁"],
            "county" => ["新华区"; 7],
            "year" => [2020i64, 2021, 2020, 2021, 2020, 2021, 2021],
            "verdict" => [Some("pass"), Some("fail"), Some("pass"), Some("pass"), Some("fail"), None, None],
            "level" => [Some("星级"), Some("星级"), Some("星级"), Some("星级"), None, None, Some("市级")],
            "stars" => [2i64, 1, 1, 3, 0, 0, 0],
            "reemployment_rate" => [0.8, 0.6, 0.9, 0.95, 0.5, 0.5, 0.7],
            "hardship_employment_rate" => [0.9, 0.9, 1.0, 1.0, 0.8, 0.8, 0.9],
            "disqualified_on" => [None, None, None, None, None, Some(NaiveDate::from_ymd_opt(2021, 6, 30).unwrap()), None],
        )
        .unwrap()
    }

    #[test]
    fn trends_of_the_re_inspected_and_what_moved_since_last_year() {
        let (trends, since) = trends(&history(), 2021).unwrap();
        let codes: Vec<&str> = trends.iter().map(|t| t.code.as_str()).collect();
        assert_eq!(
            codes,
            ["a", "b"],
            "c left the re-inspection, d was never in it"
        );
        assert_eq!(trends[0].years.len(), 2);
        assert_eq!(trends[0].years[1].reemployment_rate, Some(0.6));
        assert_eq!(since.previous, Some(2020));
        let names = |v: &[Moved]| v.iter().map(|m| m.code.clone()).collect::<Vec<_>>();
        assert_eq!(names(&since.newly_failing), ["a"]);
        assert_eq!(since.newly_failing[0].before, "合格");
        assert_eq!(since.newly_failing[0].after, "不合格");
        assert_eq!(names(&since.stars_raised), ["b"]);
        assert_eq!(since.stars_raised[0].after, "星级(★★★)");
        assert_eq!(names(&since.stars_lowered), ["a"]);
        assert_eq!(names(&since.disqualified), ["c"]);
        assert_eq!(since.disqualified[0].after, "2021-06-30");
    }

    #[test]
    fn without_the_year_before_nothing_is_said_to_have_moved() {
        let (_, since) = trends(&history(), 2020).unwrap();
        assert_eq!(since, SinceLastYear::default());
    }
}
