//! The ratings stage through its public API (docs/rules.md): verdicts, scores and
//! stars, the shortlist, the spot-check draw, the publicity period and the
//! cross assessment. Every fixture is a handful of rows written here; every
//! expected number is worked out by hand beside it.

use chrono::NaiveDate;
use fullemp::config::{AssessmentGroup, Review, Rules};
use fullemp::contract::Table;
use fullemp::ratings::{RatingInputs, Ratings, inclusion_probabilities, rate};
use polars::prelude::*;

// ---------------------------------------------------------------- fixtures

/// One community's indicators for one year: only what ratings read varies;
/// the counts behind the rates are filler.
#[derive(Clone)]
struct Ind {
    code: &'static str,
    county: &'static str,
    year: i64,
    reemployment_rate: Option<f64>,
    hardship_employment_rate: Option<f64>,
    registered_unemployment_rate: Option<f64>,
    assistance_coverage: Option<f64>,
    assistance_targets: i64,
    labor_force: i64,
    new_jobs: i64,
    zero_households_overdue: i64,
    platform_ok: Option<bool>,
}

/// A community that earns every point (score 100) and holds every rule:
/// 0.95 ≥ full_at 0.95, 1.00 ≥ 1.00, 0.02 ≤ 0.02, 1.00 ≥ 1.00,
/// 10 new jobs per 200 labour force = 5 per 100 ≥ 5, platform in order.
fn ind(code: &'static str, county: &'static str) -> Ind {
    Ind {
        code,
        county,
        year: 2021,
        reemployment_rate: Some(0.95),
        hardship_employment_rate: Some(1.0),
        registered_unemployment_rate: Some(0.02),
        assistance_coverage: Some(1.0),
        assistance_targets: 10,
        labor_force: 200,
        new_jobs: 10,
        zero_households_overdue: 0,
        platform_ok: Some(true),
    }
}

fn indicators(rows: &[Ind]) -> DataFrame {
    let s = |f: fn(&Ind) -> String| rows.iter().map(f).collect::<Vec<_>>();
    let i = |f: fn(&Ind) -> i64| rows.iter().map(f).collect::<Vec<_>>();
    let r = |f: fn(&Ind) -> Option<f64>| rows.iter().map(f).collect::<Vec<_>>();
    df!(
        "community_code" => s(|x| x.code.to_string()),
        "community_name" => s(|x| format!("{}社区", x.code)),
        "county" => s(|x| x.county.to_string()),
        "street" => s(|x| format!("{}街道", x.county)),
        "year" => i(|x| x.year),
        "labor_force" => i(|x| x.labor_force),
        "employed" => i(|x| x.labor_force - 4),
        "registered_unemployed" => i(|_| 4),
        "registered_unemployment_rate" => r(|x| x.registered_unemployment_rate),
        "unemployed_in_period" => i(|_| 20),
        "reemployed_in_period" => i(|_| 15),
        "reemployment_rate" => r(|x| x.reemployment_rate),
        "hardship_persons" => i(|x| x.assistance_targets),
        "hardship_employed" => i(|x| x.assistance_targets),
        "hardship_employment_rate" => r(|x| x.hardship_employment_rate),
        "zero_households" => i(|x| x.zero_households_overdue),
        "zero_households_open" => i(|_| 0),
        "zero_households_overdue" => i(|x| x.zero_households_overdue),
        "zero_households_max_days" => i(|_| 12),
        "new_jobs" => i(|x| x.new_jobs),
        "long_term_unemployed" => i(|_| 1),
        "assistance_targets" => i(|x| x.assistance_targets),
        "assisted" => i(|x| x.assistance_targets),
        "assistance_coverage" => r(|x| x.assistance_coverage),
        "services_delivered" => i(|_| 30),
        "platform_ok" => rows.iter().map(|x| x.platform_ok).collect::<Vec<_>>(),
    )
    .unwrap()
}

/// The communities table: (code, county, provincial_year).
fn communities(rows: &[(&str, &str, Option<i64>)]) -> DataFrame {
    let full: Vec<Recognition> = rows.iter().map(|r| (r.0, r.1, r.2, None, false)).collect();
    roster(&full)
}

/// (code, county, provincial_year, provincial_star_year, national)
type Recognition<'a> = (&'a str, &'a str, Option<i64>, Option<i64>, bool);

/// The communities table with every recognition the roster can carry.
fn roster(rows: &[Recognition]) -> DataFrame {
    let n = rows.len();
    df!(
        "community_code" => rows.iter().map(|r| r.0.to_string()).collect::<Vec<_>>(),
        "community_name" => rows.iter().map(|r| format!("{}社区", r.0)).collect::<Vec<_>>(),
        "county" => rows.iter().map(|r| r.1.to_string()).collect::<Vec<_>>(),
        "street" => rows.iter().map(|r| format!("{}街道", r.1)).collect::<Vec<_>>(),
        "provincial_year" => rows.iter().map(|r| r.2).collect::<Vec<_>>(),
        "provincial_star_year" => rows.iter().map(|r| r.3).collect::<Vec<_>>(),
        "provincial_stars" => vec![None::<i64>; n],
        "city_year" => vec![None::<i64>; n],
        "city_stars" => vec![None::<i64>; n],
        "national" => rows.iter().map(|r| r.4).collect::<Vec<_>>(),
        "contact_name" => vec!["张三"; n],
        "contact_phone" => vec!["0375-1234567"; n],
    )
    .unwrap()
}

/// Communities of the indicator rows, all provincial since 2015.
fn provincial(rows: &[Ind]) -> DataFrame {
    let list: Vec<(&str, &str, Option<i64>)> = rows
        .iter()
        .map(|r| (r.code, r.county, Some(2015)))
        .collect();
    communities(&list)
}

/// A risk frame as `detectors::risk_scores` writes it: (code, risk, flags);
/// any flag means a high finding here.
fn risk(rows: &[(&str, i64, &str)]) -> DataFrame {
    df!(
        "community_code" => rows.iter().map(|r| r.0.to_string()).collect::<Vec<_>>(),
        "year" => vec![2021i64; rows.len()],
        "risk_score" => rows.iter().map(|r| r.1).collect::<Vec<_>>(),
        "high_findings" => rows.iter().map(|r| i64::from(!r.2.is_empty())).collect::<Vec<_>>(),
        "medium_findings" => vec![0i64; rows.len()],
        "low_findings" => vec![0i64; rows.len()],
        "needs_verification" => rows.iter().map(|r| !r.2.is_empty()).collect::<Vec<_>>(),
        "flags" => rows.iter().map(|r| r.2.to_string()).collect::<Vec<_>>(),
    )
    .unwrap()
}

fn no_risk() -> DataFrame {
    fullemp::detectors::risk_scores(&[], &Rules::default().risk).unwrap()
}

/// Applications: (code, year, applied_level, street_recommends, county_recommends).
/// (community_code, year, applied_level, street_recommends, county_recommends)
type Application<'a> = (&'a str, i64, &'a str, Option<bool>, Option<bool>);

fn applications(rows: &[Application]) -> DataFrame {
    let n = rows.len();
    df!(
        "community_code" => rows.iter().map(|r| r.0.to_string()).collect::<Vec<_>>(),
        "year" => rows.iter().map(|r| r.1).collect::<Vec<_>>(),
        "applied_level" => rows.iter().map(|r| r.2.to_string()).collect::<Vec<_>>(),
        "claimed_reemployment_rate" => vec![Some(0.9f64); n],
        "claimed_hardship_employment_rate" => vec![Some(0.95f64); n],
        "claimed_new_jobs" => vec![Some(12i64); n],
        "claimed_zero_households" => vec![Some(0i64); n],
        "street_recommends" => rows.iter().map(|r| r.3).collect::<Vec<_>>(),
        "county_recommends" => rows.iter().map(|r| r.4).collect::<Vec<_>>(),
        "submitted_on" => vec![NaiveDate::from_ymd_opt(2022, 1, 5).unwrap(); n],
    )
    .unwrap()
}

struct Case {
    indicators: DataFrame,
    communities: DataFrame,
    applications: Option<DataFrame>,
    risk: DataFrame,
    confirmed: DataFrame,
    missing: Vec<Table>,
    rules: Rules,
    review: Review,
}

impl Case {
    fn new(rows: &[Ind]) -> Case {
        Case {
            indicators: indicators(rows),
            communities: provincial(rows),
            applications: None,
            risk: no_risk(),
            confirmed: DataFrame::empty(),
            missing: vec![],
            rules: Rules::default(),
            review: Review::default(),
        }
    }

    fn try_rate(&self) -> fullemp::Result<Ratings> {
        rate(&RatingInputs {
            indicators: &self.indicators,
            evidence: None,
            communities: &self.communities,
            applications: self.applications.as_ref(),
            risk: &self.risk,
            confirmed: &self.confirmed,
            missing_tables: &self.missing,
            rules: &self.rules,
            review: &self.review,
            decisions: None,
            objections: None,
            approvals: None,
            reinspections: None,
            run_date: chrono::NaiveDate::from_ymd_opt(2022, 1, 10).unwrap(),
            filings: None,
        })
    }

    fn rate(&self) -> Ratings {
        self.try_rate().unwrap()
    }
}

fn row(df: &DataFrame, code: &str) -> usize {
    let codes = df.column("community_code").unwrap().str().unwrap();
    (0..df.height())
        .find(|i| codes.get(*i) == Some(code))
        .unwrap_or_else(|| panic!("{code} not in frame"))
}

fn has(df: &DataFrame, code: &str) -> bool {
    let codes = df.column("community_code").unwrap().str().unwrap();
    (0..df.height()).any(|i| codes.get(i) == Some(code))
}

fn text(df: &DataFrame, code: &str, name: &str) -> Option<String> {
    df.column(name)
        .unwrap()
        .str()
        .unwrap()
        .get(row(df, code))
        .map(str::to_string)
}

fn float(df: &DataFrame, code: &str, name: &str) -> Option<f64> {
    df.column(name).unwrap().f64().unwrap().get(row(df, code))
}

fn int(df: &DataFrame, code: &str, name: &str) -> Option<i64> {
    df.column(name).unwrap().i64().unwrap().get(row(df, code))
}

fn flag(df: &DataFrame, code: &str, name: &str) -> Option<bool> {
    df.column(name).unwrap().bool().unwrap().get(row(df, code))
}

fn strings(df: &DataFrame, name: &str) -> Vec<String> {
    let c = df.column(name).unwrap().str().unwrap();
    (0..df.height())
        .map(|i| c.get(i).unwrap_or_default().to_string())
        .collect()
}

fn close(a: Option<f64>, b: f64) -> bool {
    a.is_some_and(|a| (a - b).abs() < 1e-9)
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

// ---------------------------------------------------------------- verdicts

#[test]
fn each_rule_holds_exactly_at_its_threshold_and_fails_just_past_it() {
    let rows = [
        // Every rate exactly at its default threshold, no overdue household.
        Ind {
            reemployment_rate: Some(0.70),
            hardship_employment_rate: Some(0.90),
            registered_unemployment_rate: Some(0.04),
            assistance_coverage: Some(0.95),
            ..ind("at", "新华区")
        },
        Ind {
            reemployment_rate: Some(0.6999),
            ..ind("re", "新华区")
        },
        Ind {
            hardship_employment_rate: Some(0.8999),
            ..ind("ha", "新华区")
        },
        Ind {
            registered_unemployment_rate: Some(0.0401),
            ..ind("un", "新华区")
        },
        Ind {
            assistance_coverage: Some(0.9499),
            ..ind("co", "新华区")
        },
        Ind {
            zero_households_overdue: 1,
            ..ind("zh", "新华区")
        },
        Ind {
            platform_ok: Some(false),
            ..ind("pl", "新华区")
        },
    ];
    let r = Case::new(&rows).rate().ratings;
    assert_eq!(
        text(&r, "at", "verdict").as_deref(),
        Some("pass"),
        "reemployment_rate >= 0.70 holds at 0.70, ..."
    );
    assert_eq!(text(&r, "at", "failing_rules").as_deref(), Some(""));
    let expected = [
        (
            "re",
            "min_reemployment_rate",
            "min_reemployment_rate 0.6999 vs 0.7000",
        ),
        (
            "ha",
            "min_hardship_employment_rate",
            "min_hardship_employment_rate 0.8999 vs 0.9000",
        ),
        (
            "un",
            "max_registered_unemployment_rate",
            "max_registered_unemployment_rate 0.0401 vs 0.0400",
        ),
        (
            "co",
            "min_assistance_coverage",
            "min_assistance_coverage 0.9499 vs 0.9500",
        ),
        ("zh", "zero_household_veto", "zero_household_veto 1 vs 0"),
        ("pl", "require_platform", "require_platform false vs true"),
    ];
    for (code, rule, detail) in expected {
        assert_eq!(text(&r, code, "verdict").as_deref(), Some("fail"), "{code}");
        assert_eq!(
            text(&r, code, "failing_rules").as_deref(),
            Some(rule),
            "{code}"
        );
        assert_eq!(
            text(&r, code, "failing_detail").as_deref(),
            Some(detail),
            "{code}"
        );
    }
}

#[test]
fn every_failing_rule_is_listed_in_the_order_of_the_spec() {
    let rows = [Ind {
        zero_households_overdue: 2,
        reemployment_rate: Some(0.5),
        platform_ok: Some(false),
        ..ind("bad", "新华区")
    }];
    let r = Case::new(&rows).rate().ratings;
    assert_eq!(
        text(&r, "bad", "failing_rules").as_deref(),
        Some("zero_household_veto;min_reemployment_rate;require_platform")
    );
    assert_eq!(
        text(&r, "bad", "failing_detail").as_deref(),
        Some(
            "zero_household_veto 2 vs 0; min_reemployment_rate 0.5000 vs 0.7000; require_platform false vs true"
        )
    );
}

#[test]
fn a_null_indicator_leaves_its_rule_not_applicable() {
    // Nobody registered unemployed, nobody in hardship: the rules on those
    // rates neither pass nor fail.
    let rows = [Ind {
        reemployment_rate: None,
        hardship_employment_rate: None,
        assistance_coverage: None,
        assistance_targets: 0,
        ..ind("quiet", "新华区")
    }];
    let r = Case::new(&rows).rate().ratings;
    assert_eq!(text(&r, "quiet", "verdict").as_deref(), Some("pass"));
    assert_eq!(
        text(&r, "quiet", "not_applicable_rules").as_deref(),
        Some("min_reemployment_rate;min_hardship_employment_rate;min_assistance_coverage")
    );
    assert_eq!(text(&r, "quiet", "incomplete_rules").as_deref(), Some(""));
}

#[test]
fn no_platform_record_fails_the_platform_rule_and_earns_no_platform_points() {
    // "a community with no platform record for the year fails it as
    // 无平台建设记录" and "scores 0 on platform_ok, whatever
    // null_scores_full says". Both communities earn every other point.
    let rows = [
        Ind {
            platform_ok: None,
            ..ind("bare", "新华区")
        },
        Ind {
            platform_ok: None,
            ..ind("town", "新华区")
        },
    ];
    let mut case = Case::new(&rows);
    case.communities = communities(&[("bare", "新华区", Some(2015)), ("town", "新华区", None)]);
    let r = case.rate().ratings;
    assert_eq!(text(&r, "bare", "verdict").as_deref(), Some("fail"));
    assert_eq!(
        text(&r, "bare", "failing_rules").as_deref(),
        Some("require_platform")
    );
    assert_eq!(
        text(&r, "bare", "failing_detail").as_deref(),
        Some("require_platform no_record vs true")
    );
    assert_eq!(
        fullemp::panel::labels::failing_rule("require_platform no_record vs true"),
        "无平台建设记录"
    );
    assert_eq!(
        text(&r, "bare", "not_applicable_rules").as_deref(),
        Some("")
    );
    for code in ["bare", "town"] {
        // 100 − 15: the platform's weight is lost, null_scores_full = true
        // notwithstanding; no point came from null_scores_full.
        assert_eq!(float(&r, code, "score_platform_ok"), Some(0.0), "{code}");
        assert_eq!(float(&r, code, "score"), Some(85.0), "{code}");
        assert_eq!(text(&r, code, "null_components").as_deref(), Some(""));
        assert_eq!(int(&r, code, "stars"), Some(3), "85 reaches ★★★");
    }
    assert_eq!(text(&r, "town", "verdict"), None, "not re-inspected");

    // missing_platform = "not_applicable": the reading before the key.
    case.rules.reinspection.missing_platform =
        fullemp::config::rules::MissingPlatform::NotApplicable;
    let r = case.rate().ratings;
    assert_eq!(text(&r, "bare", "verdict").as_deref(), Some("pass"));
    assert_eq!(
        text(&r, "bare", "not_applicable_rules").as_deref(),
        Some("require_platform")
    );
    assert_eq!(float(&r, "bare", "score"), Some(100.0));
    assert_eq!(
        text(&r, "bare", "null_components").as_deref(),
        Some("score_platform_ok")
    );
    case.rules.score.null_scores_full = false;
    let r = case.rate().ratings;
    assert_eq!(float(&r, "bare", "score"), Some(85.0), "null earns nothing");
}

#[test]
fn a_missing_table_makes_the_verdict_incomplete_but_a_definite_failure_stays_a_failure() {
    // services and platform missing: coverage and platform_ok are null.
    let rows = [
        Ind {
            assistance_coverage: None,
            platform_ok: None,
            ..ind("open", "新华区")
        },
        Ind {
            assistance_coverage: None,
            platform_ok: None,
            reemployment_rate: Some(0.6),
            ..ind("lost", "新华区")
        },
    ];
    let mut case = Case::new(&rows);
    case.missing = vec![Table::Services, Table::Platform];
    let r = case.rate().ratings;
    assert_eq!(text(&r, "open", "verdict").as_deref(), Some("incomplete"));
    assert_eq!(
        text(&r, "open", "incomplete_rules").as_deref(),
        Some("min_assistance_coverage;require_platform")
    );
    assert_eq!(text(&r, "lost", "verdict").as_deref(), Some("fail"));
    assert_eq!(
        text(&r, "lost", "failing_rules").as_deref(),
        Some("min_reemployment_rate")
    );
    // Without the table the platform is not "no record": its points follow
    // null_scores_full (true), as for any component of a missing table.
    assert_eq!(float(&r, "open", "score_platform_ok"), Some(15.0));
    assert_eq!(float(&r, "open", "score"), Some(100.0));
    assert_eq!(
        text(&r, "open", "null_components").as_deref(),
        Some("score_assistance_coverage;score_platform_ok")
    );
}

#[test]
fn every_community_recognised_by_the_year_in_any_of_three_ways_is_under_reinspection() {
    // "every community with a provincial_year, a provincial_star_year or a
    // national recognition before or in the review year" (2021); the
    // roster gives no year for national, so national is in scope every year.
    let recognitions: [Recognition; 8] = [
        ("prov", "新华区", Some(2015), None, false),
        ("star", "新华区", None, Some(2019), false), // star year only
        ("star_late", "新华区", None, Some(2022), false),
        ("both", "新华区", Some(2022), Some(2020), false), // star year counts
        ("nat", "新华区", None, None, true),               // national, no year
        ("nat_late", "新华区", Some(2023), None, true),    // national whatever its years
        ("late", "新华区", Some(2022), None, false),
        ("city", "新华区", None, None, false),
    ];
    let rows: Vec<Ind> = recognitions
        .iter()
        .map(|r| Ind {
            // The national community has no platform row for the year.
            platform_ok: if r.0 == "nat" { None } else { Some(true) },
            ..ind(r.0, r.1)
        })
        .collect();
    let mut case = Case::new(&rows);
    case.communities = roster(&recognitions);
    let r = case.rate().ratings;
    for (code, under) in [
        ("prov", true),
        ("star", true),
        ("star_late", false),
        ("both", true),
        ("nat", true),
        ("nat_late", true),
        ("late", false),
        ("city", false),
    ] {
        assert_eq!(flag(&r, code, "under_reinspection"), Some(under), "{code}");
        assert_eq!(text(&r, code, "verdict").is_some(), under, "{code}");
    }
    // Re-inspected, and failed for want of a platform record.
    assert_eq!(text(&r, "nat", "verdict").as_deref(), Some("fail"));
    assert_eq!(
        text(&r, "nat", "failing_detail").as_deref(),
        Some("require_platform no_record vs true")
    );
    assert_eq!(text(&r, "star", "verdict").as_deref(), Some("pass"));
    // The roster's recognitions are published as it gives them.
    assert_eq!(int(&r, "star", "provincial_year"), None);
    assert_eq!(int(&r, "star", "provincial_star_year"), Some(2019));
    assert_eq!(flag(&r, "nat", "national"), Some(true));
    assert_eq!(flag(&r, "prov", "national"), Some(false));
}

#[test]
fn only_provincial_communities_recognised_by_the_year_are_under_reinspection() {
    let rows = [
        ind("old", "新华区"),
        ind("new", "新华区"),
        ind("late", "新华区"),
        ind("city", "新华区"),
    ];
    let mut case = Case::new(&rows);
    case.communities = communities(&[
        ("old", "新华区", Some(2015)),
        ("new", "新华区", Some(2021)), // recognised in the year itself: re-inspected
        ("late", "新华区", Some(2022)), // not yet provincial in 2021
        ("city", "新华区", None),
    ]);
    let r = case.rate().ratings;
    assert_eq!(flag(&r, "old", "under_reinspection"), Some(true));
    assert_eq!(flag(&r, "new", "under_reinspection"), Some(true));
    assert_eq!(flag(&r, "late", "under_reinspection"), Some(false));
    assert_eq!(flag(&r, "city", "under_reinspection"), Some(false));
    assert_eq!(text(&r, "late", "verdict"), None);
    assert_eq!(text(&r, "city", "verdict"), None);
    assert_eq!(text(&r, "city", "failing_rules"), None);
    // Every community is still scored.
    assert_eq!(float(&r, "city", "score"), Some(100.0));
}

// ---------------------------------------------------------------- scores

#[test]
fn rate_components_interpolate_between_zero_at_and_full_at() {
    let rows = [
        // reemployment 25 pts over 0.50..0.95; unemployment 15 pts over 0.06..0.02 (reversed)
        Ind {
            reemployment_rate: Some(0.50),
            registered_unemployment_rate: Some(0.06),
            ..ind("zero", "新华区")
        },
        Ind {
            reemployment_rate: Some(0.40),
            registered_unemployment_rate: Some(0.08),
            ..ind("below", "新华区")
        },
        Ind {
            reemployment_rate: Some(0.95),
            registered_unemployment_rate: Some(0.02),
            ..ind("full", "新华区")
        },
        Ind {
            reemployment_rate: Some(1.00),
            registered_unemployment_rate: Some(0.00),
            ..ind("above", "新华区")
        },
        // (0.725 − 0.50) / 0.45 = 1/2 → 12.5; (0.04 − 0.06) / (0.02 − 0.06) = 1/2 → 7.5
        Ind {
            reemployment_rate: Some(0.725),
            registered_unemployment_rate: Some(0.04),
            ..ind("half", "新华区")
        },
        // 3 new jobs per 200 = 1.5 per 100 → 10 × 1.5 / 5 = 3 points
        Ind {
            new_jobs: 3,
            ..ind("jobs", "新华区")
        },
    ];
    let r = Case::new(&rows).rate().ratings;
    for (code, re, un) in [
        ("zero", 0.0, 0.0),
        ("below", 0.0, 0.0),
        ("full", 25.0, 15.0),
        ("above", 25.0, 15.0),
    ] {
        assert!(
            close(float(&r, code, "score_reemployment_rate"), re),
            "{code}"
        );
        assert!(
            close(float(&r, code, "score_registered_unemployment_rate"), un),
            "{code}"
        );
    }
    assert!(close(float(&r, "half", "score_reemployment_rate"), 12.5));
    assert!(close(
        float(&r, "half", "score_registered_unemployment_rate"),
        7.5
    ));
    assert_eq!(float(&r, "half", "score"), Some(80.0), "100 − 12.5 − 7.5");
    assert!(close(
        float(&r, "jobs", "new_jobs_per_100_labor_force"),
        1.5
    ));
    assert!(close(
        float(&r, "jobs", "score_new_jobs_per_100_labor_force"),
        3.0
    ));
    assert_eq!(float(&r, "jobs", "score"), Some(93.0));
}

#[test]
fn null_components_earn_their_weight_only_when_the_rule_says_so() {
    let rows = [Ind {
        hardship_employment_rate: None,
        labor_force: 0, // new jobs per 100 labour force is null
        ..ind("empty", "新华区")
    }];
    let mut case = Case::new(&rows);
    let r = case.rate().ratings;
    assert_eq!(
        float(&r, "empty", "score"),
        Some(100.0),
        "null_scores_full = true: nobody to help is not a failure"
    );
    assert_eq!(float(&r, "empty", "new_jobs_per_100_labor_force"), None);
    assert_eq!(
        text(&r, "empty", "null_components").as_deref(),
        Some("score_hardship_employment_rate;score_new_jobs_per_100_labor_force")
    );
    case.rules.score.null_scores_full = false;
    let r = case.rate().ratings;
    assert_eq!(
        float(&r, "empty", "score_hardship_employment_rate"),
        Some(0.0)
    );
    assert_eq!(float(&r, "empty", "score"), Some(65.0), "100 − 25 − 10");
}

#[test]
fn the_veto_takes_the_level_and_stars_but_the_score_is_shown() {
    let rows = [
        Ind {
            zero_households_overdue: 1,
            ..ind("veto", "新华区")
        },
        ind("fine", "新华区"),
    ];
    let r = Case::new(&rows).rate().ratings;
    assert_eq!(float(&r, "veto", "score"), Some(100.0));
    assert_eq!(flag(&r, "veto", "level_vetoed"), Some(true));
    assert_eq!(flag(&r, "veto", "city_level"), Some(false));
    assert_eq!(int(&r, "veto", "stars"), Some(0));
    assert_eq!(text(&r, "veto", "level"), None);
    assert_eq!(flag(&r, "fine", "city_level"), Some(true));
    assert_eq!(int(&r, "fine", "stars"), Some(5));
    assert_eq!(text(&r, "fine", "level").as_deref(), Some("星级"));
}

#[test]
fn every_star_band_edge() {
    // A single component worth 100 points from 0 to 1, so score = 100 × rate.
    let mut rules = Rules::default();
    let s = &mut rules.score;
    s.reemployment_rate.weight = 100.0;
    s.reemployment_rate.zero_at = 0.0;
    s.reemployment_rate.full_at = 1.0;
    for c in [
        &mut s.hardship_employment_rate,
        &mut s.registered_unemployment_rate,
        &mut s.assistance_coverage,
        &mut s.new_jobs_per_100_labor_force,
    ] {
        c.weight = 0.0;
    }
    s.platform_ok.weight = 0.0;
    let edges: [(&'static str, f64, f64, bool, i64); 12] = [
        ("s5999", 0.5999, 59.99, false, 0),
        ("s6000", 0.60, 60.0, true, 0),
        ("s6999", 0.6999, 69.99, true, 0),
        ("s7000", 0.70, 70.0, true, 1),
        ("s7799", 0.7799, 77.99, true, 1),
        ("s7800", 0.78, 78.0, true, 2),
        ("s8499", 0.8499, 84.99, true, 2),
        ("s8500", 0.85, 85.0, true, 3),
        ("s8999", 0.8999, 89.99, true, 3),
        ("s9000", 0.90, 90.0, true, 4),
        ("s9499", 0.9499, 94.99, true, 4),
        ("s9500", 0.95, 95.0, true, 5),
    ];
    let rows: Vec<Ind> = edges
        .iter()
        .map(|(code, rate, ..)| Ind {
            reemployment_rate: Some(*rate),
            ..ind(code, "新华区")
        })
        .collect();
    let mut case = Case::new(&rows);
    case.rules = rules;
    let r = case.rate().ratings;
    for (code, _, score, city, stars) in edges {
        // The score is the exact sum (100 × 0.7799 is 77.99000000000001 in binary).
        let got = float(&r, code, "score").unwrap();
        assert!((got - score).abs() < 1e-9, "{code}: {got} vs {score}");
        assert_eq!(flag(&r, code, "city_level"), Some(city), "{code}");
        assert_eq!(int(&r, code, "stars"), Some(stars), "{code}");
        let level = match (city, stars) {
            (false, _) => None,
            (true, 0) => Some("市级"),
            _ => Some("星级"),
        };
        assert_eq!(text(&r, code, "level").as_deref(), level, "{code}");
    }
}

#[test]
fn the_ratings_frame_follows_the_output_conventions() {
    let r = Case::new(&[ind("a", "新华区")]).rate().ratings;
    let dtype = |n: &str| r.column(n).unwrap().dtype().clone();
    for n in [
        "community_code",
        "community_name",
        "county",
        "street",
        "verdict",
        "failing_rules",
        "level",
    ] {
        assert_eq!(dtype(n), DataType::String, "{n}");
    }
    for n in ["year", "provincial_year", "stars"] {
        assert_eq!(dtype(n), DataType::Int64, "{n}");
    }
    for n in [
        "score",
        "score_reemployment_rate",
        "score_platform_ok",
        "new_jobs_per_100_labor_force",
    ] {
        assert_eq!(dtype(n), DataType::Float64, "{n}");
    }
    for n in ["under_reinspection", "city_level", "level_vetoed"] {
        assert_eq!(dtype(n), DataType::Boolean, "{n}");
    }
    let names: Vec<&str> = r.get_column_names().iter().map(|c| c.as_str()).collect();
    assert_eq!(
        &names[..5],
        [
            "community_code",
            "community_name",
            "county",
            "street",
            "year"
        ]
    );
}

// ---------------------------------------------------------------- margin

/// The counts behind the three person rates of one community, with the
/// rates computed from them as the indicators stage does: (reemployed,
/// unemployed in the period), (hardship employed, hardship persons),
/// assisted of the hardship persons.
struct Counted {
    code: &'static str,
    reemployed: (i64, i64),
    hardship: (i64, i64),
    assisted: i64,
}

/// A community whose every other rule holds (`ind`), with these counts.
fn counted(rows: &[Counted]) -> Case {
    let base: Vec<Ind> = rows.iter().map(|r| ind(r.code, "新华区")).collect();
    let mut case = Case::new(&base);
    let rate = |n: i64, d: i64| (d > 0).then(|| n as f64 / d as f64);
    let ints = |f: fn(&Counted) -> i64| rows.iter().map(f).collect::<Vec<_>>();
    let rates = |f: fn(&Counted) -> (i64, i64)| {
        rows.iter()
            .map(|r| rate(f(r).0, f(r).1))
            .collect::<Vec<_>>()
    };
    let df = &mut case.indicators;
    for c in [
        Column::new("reemployed_in_period".into(), ints(|r| r.reemployed.0)),
        Column::new("unemployed_in_period".into(), ints(|r| r.reemployed.1)),
        Column::new("reemployment_rate".into(), rates(|r| r.reemployed)),
        Column::new("hardship_employed".into(), ints(|r| r.hardship.0)),
        Column::new("hardship_persons".into(), ints(|r| r.hardship.1)),
        Column::new("hardship_employment_rate".into(), rates(|r| r.hardship)),
        Column::new("assistance_targets".into(), ints(|r| r.hardship.1)),
        Column::new("assisted".into(), ints(|r| r.assisted)),
        Column::new(
            "assistance_coverage".into(),
            rates(|r| (r.assisted, r.hardship.1)),
        ),
    ] {
        df.with_column(c).unwrap();
    }
    case
}

#[test]
fn the_margin_is_the_fewest_persons_whose_loss_fails_a_rule_worked_by_hand() {
    let case = counted(&[
        // 7 of 10 reemployed at 0.70: 6/10 = 0.60 is below → 差 1 人. The
        // other two rules: 20 of 20 at 0.90 → 18/20 = 0.90 holds, 17/20 does
        // not: 3; 20 of 20 assisted at 0.95 → 19/20 holds, 18/20 not: 2.
        Counted {
            code: "seven_of_ten",
            reemployed: (7, 10),
            hardship: (20, 20),
            assisted: 20,
        },
        // 10 of 10 hardship persons employed at 0.90: 9/10 = 0.90 is not
        // below (it passes), 8/10 is → 2. Reemployment 30 of 30 at 0.70:
        // 20/30 < 0.70 ≤ 21/30 → 10; coverage 10 of 10 at 0.95 → 1.
        // So the coverage, at 1, is the margin.
        Counted {
            code: "ten_of_ten",
            reemployed: (30, 30),
            hardship: (10, 10),
            assisted: 10,
        },
        // No hardship persons: both hardship rates are null, not
        // applicable; only the reemployment rate has a margin: 9 of 10 → 3.
        Counted {
            code: "no_hardship",
            reemployed: (9, 10),
            hardship: (0, 0),
            assisted: 0,
        },
        // Nobody registered, nobody in hardship: no rule has a margin.
        Counted {
            code: "nobody",
            reemployed: (0, 0),
            hardship: (0, 0),
            assisted: 0,
        },
        // 6 of 10 fails 0.70: a failure has no margin.
        Counted {
            code: "failing",
            reemployed: (6, 10),
            hardship: (10, 10),
            assisted: 10,
        },
        // A tie: 7 of 10 at 0.70 → 1, and 19 of 20 assisted at 0.95 → 1.
        Counted {
            code: "tie",
            reemployed: (7, 10),
            hardship: (20, 20),
            assisted: 19,
        },
    ]);
    let r = case.rate().ratings;
    let margin = |code| int(&r, code, "margin_persons");
    let rule = |code| text(&r, code, "margin_rule");
    assert_eq!(text(&r, "seven_of_ten", "verdict").as_deref(), Some("pass"));
    assert_eq!(margin("seven_of_ten"), Some(1));
    assert_eq!(
        rule("seven_of_ten").as_deref(),
        Some("min_reemployment_rate")
    );
    assert_eq!(margin("ten_of_ten"), Some(1));
    assert_eq!(
        rule("ten_of_ten").as_deref(),
        Some("min_assistance_coverage")
    );
    assert_eq!(margin("no_hardship"), Some(3));
    assert_eq!(
        rule("no_hardship").as_deref(),
        Some("min_reemployment_rate")
    );
    assert_eq!(text(&r, "nobody", "verdict").as_deref(), Some("pass"));
    assert_eq!((margin("nobody"), rule("nobody")), (None, None));
    assert_eq!(text(&r, "failing", "verdict").as_deref(), Some("fail"));
    assert_eq!((margin("failing"), rule("failing")), (None, None));
    assert_eq!(margin("tie"), Some(1));
    assert_eq!(
        rule("tie").as_deref(),
        Some("min_reemployment_rate;min_assistance_coverage")
    );
    // Not a finding: the margin moves no risk score.
    assert!(
        r.column("risk_score")
            .unwrap()
            .i64()
            .unwrap()
            .into_no_null_iter()
            .all(|x| x == 0)
    );
}

#[test]
fn the_margin_reads_its_thresholds_from_the_rules() {
    // 10 of 10 hardship persons employed: 2 at 0.90 (above); at 0.75,
    // 7/10 < 0.75 ≤ 8/10 → 3; at 1.0 the first person lost fails it → 1.
    let rows = [Counted {
        code: "a",
        reemployed: (30, 30),
        hardship: (10, 10),
        assisted: 10,
    }];
    let mut case = counted(&rows);
    case.rules.reinspection.min_assistance_coverage = 0.0;
    case.rules.reinspection.min_reemployment_rate = 0.0;
    let hardship = |case: &Case| int(&case.rate().ratings, "a", "margin_persons");
    assert_eq!(hardship(&case), Some(2), "0 thresholds give no margin");
    case.rules.reinspection.min_hardship_employment_rate = 0.75;
    assert_eq!(hardship(&case), Some(3));
    case.rules.reinspection.min_hardship_employment_rate = 1.0;
    assert_eq!(hardship(&case), Some(1));
}

#[test]
fn incomplete_and_unreviewed_communities_have_no_margin() {
    let rows = [
        Counted {
            code: "a",
            reemployed: (7, 10),
            hardship: (10, 10),
            assisted: 10,
        },
        Counted {
            code: "b",
            reemployed: (7, 10),
            hardship: (10, 10),
            assisted: 10,
        },
    ];
    let mut case = counted(&rows);
    // b is a city-level community: no verdict, so no margin.
    case.communities = communities(&[("a", "新华区", Some(2015)), ("b", "新华区", None)]);
    // Without the platform table the platform rule is not judged: incomplete.
    case.missing = vec![Table::Platform];
    case.indicators
        .with_column(Column::new("platform_ok".into(), [None::<bool>, None]))
        .unwrap();
    let r = case.rate().ratings;
    assert_eq!(text(&r, "a", "verdict").as_deref(), Some("incomplete"));
    assert_eq!(int(&r, "a", "margin_persons"), None);
    assert_eq!(text(&r, "b", "verdict"), None);
    assert_eq!(int(&r, "b", "margin_persons"), None);
    assert_eq!(
        r.column("margin_persons").unwrap().dtype(),
        &DataType::Int64
    );
    assert_eq!(r.column("margin_rule").unwrap().dtype(), &DataType::String);
}

// ---------------------------------------------------------------- shortlist

fn shortlist_case() -> Case {
    let rows = [
        ind("xh01", "新华区"),
        ind("xh02", "新华区"),
        ind("xh03", "新华区"),
        Ind {
            reemployment_rate: Some(0.725),
            ..ind("xh04", "新华区")
        }, // 87.5
        ind("wd01", "卫东区"),
        ind("wd02", "卫东区"),
        // 0.50 and 0.60 earn nothing: 100 − 25 − 25 = 50, below city level
        Ind {
            reemployment_rate: Some(0.50),
            hardship_employment_rate: Some(0.60),
            ..ind("wd03", "卫东区")
        },
    ];
    let mut case = Case::new(&rows);
    case.applications = Some(applications(&[
        ("xh01", 2021, "星级", Some(true), Some(true)),
        ("xh02", 2021, "星级", Some(true), Some(true)),
        ("xh03", 2021, "市级", Some(true), Some(true)),
        ("xh04", 2021, "星级", Some(true), Some(true)),
        ("wd01", 2021, "星级", Some(true), Some(true)),
        ("wd02", 2021, "市级", Some(false), Some(true)),
        ("wd03", 2021, "市级", Some(true), Some(true)),
        ("zz99", 2021, "市级", Some(true), Some(true)),
        ("xh01", 2019, "市级", Some(true), Some(true)),
    ]));
    case.risk = risk(&[("xh02", 5, "claimed_vs_registry")]);
    case
}

#[test]
fn candidates_rank_by_score_then_risk_then_code_overall_and_within_county() {
    let out = shortlist_case().rate();
    let s = &out.shortlist;
    // Score 100 with risk 0: wd01, xh01, xh03 (by code); then xh02 (risk 5);
    // then xh04 (87.5); then wd03 (50).
    let order = strings(s, "community_code");
    assert_eq!(order, ["wd01", "xh01", "xh03", "xh02", "xh04", "wd03"]);
    let ranks: Vec<i64> = s
        .column("rank_overall")
        .unwrap()
        .i64()
        .unwrap()
        .into_no_null_iter()
        .collect();
    assert_eq!(ranks, [1, 2, 3, 4, 5, 6]);
    for (code, in_county) in [
        ("xh01", 1),
        ("xh03", 2),
        ("xh02", 3),
        ("xh04", 4),
        ("wd01", 1),
        ("wd03", 2),
    ] {
        assert_eq!(int(s, code, "rank_in_county"), Some(in_county), "{code}");
    }
    // No quota by default: nothing is marked either way.
    assert_eq!(flag(s, "xh01", "recommended"), None);
}

#[test]
fn flagged_candidates_stay_on_the_list_marked() {
    let s = shortlist_case().rate().shortlist;
    assert_eq!(int(&s, "xh02", "risk_score"), Some(5));
    assert_eq!(flag(&s, "xh02", "needs_verification"), Some(true));
    assert_eq!(
        text(&s, "xh02", "flags").as_deref(),
        Some("claimed_vs_registry")
    );
    assert_eq!(
        int(&s, "xh01", "risk_score"),
        Some(0),
        "absent from the risk frame: risk 0"
    );
    assert_eq!(flag(&s, "xh01", "needs_verification"), Some(false));
    assert_eq!(text(&s, "xh01", "flags").as_deref(), Some(""));
}

#[test]
fn the_county_quota_marks_the_top_of_each_county() {
    let mut case = shortlist_case();
    case.rules.shortlist.county_quota = 2;
    let s = case.rate().shortlist;
    for (code, rec) in [
        ("xh01", true),
        ("xh03", true),
        ("xh02", false),
        ("xh04", false),
        ("wd01", true),
        ("wd03", true),
    ] {
        assert_eq!(flag(&s, code, "recommended"), Some(rec), "{code}");
    }
}

#[test]
fn the_applied_level_is_reached_or_not() {
    let s = shortlist_case().rate().shortlist;
    assert_eq!(
        flag(&s, "xh01", "applied_level_reached"),
        Some(true),
        "星级 with 5 stars"
    );
    assert_eq!(
        flag(&s, "xh03", "applied_level_reached"),
        Some(true),
        "市级 at city level"
    );
    assert_eq!(int(&s, "xh04", "stars"), Some(3), "87.5 ≥ 85");
    assert_eq!(
        flag(&s, "wd03", "applied_level_reached"),
        Some(false),
        "市级 applied, score 50"
    );
}

#[test]
fn applications_off_the_list_are_set_aside_with_their_reason() {
    let out = shortlist_case().rate();
    let s = &out.shortlist;
    assert!(has(s, "wd03"));
    assert!(!has(s, "wd02") && !has(s, "zz99"));
    assert_eq!(
        s.height(),
        6,
        "the 2019 application of xh01 is not a 2021 candidate either"
    );
    let a = &out.set_aside;
    assert_eq!(
        a.height(),
        3,
        "nothing dropped silently: 9 applications = 6 candidates + 3 set aside"
    );
    assert_eq!(
        text(a, "wd02", "reason").as_deref(),
        Some("street_not_recommending")
    );
    assert_eq!(
        text(a, "zz99", "reason").as_deref(),
        Some("unknown_community")
    );
    assert_eq!(text(a, "zz99", "county"), None);
    assert_eq!(
        text(a, "xh01", "reason").as_deref(),
        Some("no_indicators_for_year")
    );
    assert_eq!(int(a, "xh01", "year"), Some(2019));
}

/// "An empty street_recommends or county_recommends cell is not decided":
/// the application waits (待定), set aside with whose decision is missing,
/// and never reaches the shortlist, however well it scores.
#[test]
fn an_empty_recommendation_cell_is_no_decision_and_never_shortlisted() {
    let mut case = shortlist_case();
    case.applications = Some(applications(&[
        ("xh01", 2021, "星级", Some(true), None),
        ("xh02", 2021, "星级", None, None),
        ("xh03", 2021, "市级", None, Some(true)),
        ("xh04", 2021, "星级", Some(false), None),
        ("wd01", 2021, "星级", Some(true), Some(true)),
    ]));
    let out = case.rate();
    assert_eq!(strings(&out.shortlist, "community_code"), ["wd01"]);
    let a = &out.set_aside;
    let reason = |code| text(a, code, "reason");
    assert_eq!(reason("xh01").as_deref(), Some("county_not_decided"));
    assert_eq!(reason("xh02").as_deref(), Some("street_not_decided"));
    assert_eq!(reason("xh03").as_deref(), Some("street_not_decided"));
    assert_eq!(
        reason("xh04").as_deref(),
        Some("street_not_recommending"),
        "a street's no is a decision: nothing waits on the county"
    );
    // The cells stay as given (null) in the published table.
    assert_eq!(flag(a, "xh01", "county_recommends"), None);
}

#[test]
fn a_missing_recommendation_column_leaves_every_application_undecided() {
    let mut case = shortlist_case();
    let apps = case
        .applications
        .take()
        .unwrap()
        .drop_many(["street_recommends", "county_recommends"]);
    case.applications = Some(apps);
    let out = case.rate();
    assert_eq!(out.shortlist.height(), 0);
    assert_eq!(
        text(&out.set_aside, "wd02", "reason").as_deref(),
        Some("street_not_decided")
    );
    assert_eq!(out.set_aside.height(), 9, "nothing dropped silently");
}

#[test]
fn without_applications_the_shortlist_is_empty_but_typed() {
    let out = Case::new(&[ind("a", "新华区")]).rate();
    assert_eq!(out.shortlist.height(), 0);
    assert_eq!(
        out.shortlist.column("score").unwrap().dtype(),
        &DataType::Float64
    );
    assert_eq!(
        out.shortlist.column("rank_overall").unwrap().dtype(),
        &DataType::Int64
    );
    assert_eq!(out.set_aside.height(), 0);
    assert!(out.assignments.is_empty());
}

// ---------------------------------------------------------------- spot checks

/// 新华区: ten communities, xh01 at risk 19 (size 20), the others at 0 (size 1).
/// n = max(2, ⌈0.2 × 10⌉) = 2; 2 × 20 / 29 > 1, so xh01 is certain and the one
/// remaining draw is spread over nine equal units: 1/9 each.
/// 湛河区: five, zh05 at risk 2 (size 3): n = max(2, ⌈1.0⌉) = 2 over a total
/// size of 7: 2/7 for each size 1 and 6/7 for zh05 (sum 8/7 + 6/7 = 2).
/// 卫东区: one community, below the minimum of 2: taken whole, probability 1.
/// A non-provincial community (xh11) is never in the population.
fn spot_case() -> Case {
    let mut rows: Vec<Ind> = Vec::new();
    for code in [
        "xh01", "xh02", "xh03", "xh04", "xh05", "xh06", "xh07", "xh08", "xh09", "xh10",
    ] {
        rows.push(ind(code, "新华区"));
    }
    for code in ["zh01", "zh02", "zh03", "zh04", "zh05"] {
        rows.push(ind(code, "湛河区"));
    }
    rows.push(ind("wd01", "卫东区"));
    rows.push(ind("xh11", "新华区"));
    let mut case = Case::new(&rows);
    let mut list: Vec<(&str, &str, Option<i64>)> = rows
        .iter()
        .map(|r| (r.code, r.county, Some(2015)))
        .collect();
    list.last_mut().unwrap().2 = None;
    case.communities = communities(&list);
    case.risk = risk(&[("xh01", 19, "x"), ("zh05", 2, "")]);
    case.rules.spot_check.fraction = 0.2;
    case.rules.spot_check.min_per_county = 2;
    case
}

#[test]
fn the_draw_carries_hand_worked_inclusion_probabilities() {
    let sc = spot_case().rate().spot_checks;
    assert_eq!(
        sc.column("inclusion_probability").unwrap().dtype(),
        &DataType::Float64
    );
    let counties = strings(&sc, "county");
    let count = |c: &str| counties.iter().filter(|x| **x == c).count();
    assert_eq!(
        (count("新华区"), count("湛河区"), count("卫东区")),
        (2, 2, 1)
    );
    assert!(!has(&sc, "xh11"));
    assert_eq!(
        float(&sc, "xh01", "inclusion_probability"),
        Some(1.0),
        "capped: certain"
    );
    assert_eq!(
        float(&sc, "wd01", "inclusion_probability"),
        Some(1.0),
        "smaller than its minimum"
    );
    assert_eq!(int(&sc, "wd01", "county_sample_size"), Some(1));
    assert_eq!(int(&sc, "xh01", "county_communities"), Some(10));
    for code in strings(&sc, "community_code") {
        let code = code.as_str();
        let p = float(&sc, code, "inclusion_probability").unwrap();
        let expected = match code {
            "xh01" | "wd01" => 1.0,
            "zh05" => 6.0 / 7.0,
            c if c.starts_with("xh") => 1.0 / 9.0,
            _ => 2.0 / 7.0,
        };
        assert!((p - expected).abs() < 1e-12, "{code}: {p} vs {expected}");
    }
}

#[test]
fn the_probabilities_of_a_county_sum_to_its_sample_size() {
    let mut sizes = vec![20.0];
    sizes.extend([1.0; 9]);
    let pi = inclusion_probabilities(&sizes, 2);
    assert!((pi.iter().sum::<f64>() - 2.0).abs() < 1e-12);
    let pi = inclusion_probabilities(&[1.0, 1.0, 1.0, 1.0, 3.0], 2);
    assert!((pi.iter().sum::<f64>() - 2.0).abs() < 1e-12);
    assert!((pi[4] - 6.0 / 7.0).abs() < 1e-12);
}

#[test]
fn the_draw_is_reproducible_from_the_seed_and_the_inputs() {
    let case = spot_case();
    let first = case.rate().spot_checks;
    assert!(
        first.equals_missing(&case.rate().spot_checks),
        "same seed, same inputs, same sample"
    );

    // Row order of the inputs does not matter.
    let mut shuffled = spot_case();
    shuffled.indicators = shuffled.indicators.reverse();
    shuffled.risk = shuffled.risk.reverse();
    assert!(first.equals_missing(&shuffled.rate().spot_checks));

    // Over many seeds, zh05 is drawn about 6/7 of the time and xh02 about 1/9.
    let mut case = spot_case();
    let (mut zh05, mut xh02) = (0, 0);
    let draws = 300;
    for seed in 0..draws {
        case.rules.spot_check.seed = seed;
        let sc = case.rate().spot_checks;
        zh05 += usize::from(has(&sc, "zh05"));
        xh02 += usize::from(has(&sc, "xh02"));
    }
    let (zh05, xh02) = (zh05 as f64 / draws as f64, xh02 as f64 / draws as f64);
    assert!((zh05 - 6.0 / 7.0).abs() < 0.07, "zh05 drawn {zh05}");
    assert!((xh02 - 1.0 / 9.0).abs() < 0.06, "xh02 drawn {xh02}");
}

// ---------------------------------------------------------------- publicity

#[test]
fn publicity_across_the_spring_festival_with_adjusted_workdays() {
    let mut case = Case::new(&[ind("a", "新华区")]);
    case.review = Review {
        publicity_start: Some(d(2022, 1, 28)),
        holidays: (31..=31)
            .map(|day| d(2022, 1, day))
            .chain((1..=6).map(|day| d(2022, 2, day)))
            .collect(),
        adjusted_workdays: vec![d(2022, 1, 29), d(2022, 1, 30)],
        ..Review::default()
    };
    // Fri 28 Jan: working day 1 (the start counts).
    // Sat 29, Sun 30 Jan: worked weekend days (调休): days 2 and 3.
    // Mon 31 Jan .. Sun 6 Feb: Spring Festival holidays, not counted.
    // Mon 7 Feb: day 4; Tue 8 Feb: day 5 → the period ends on 2022-02-08.
    let p = case.rate().publicity.unwrap();
    assert_eq!(
        (p.start, p.end, p.working_days),
        (d(2022, 1, 28), d(2022, 2, 8), 5)
    );

    case.review.publicity_start = None;
    assert!(case.rate().publicity.is_none());
}

// ---------------------------------------------------------------- cross assessment

fn group(name: &str, home: Option<&str>) -> AssessmentGroup {
    AssessmentGroup {
        name: name.into(),
        members: vec![
            fullemp::config::GroupMember {
                name: "张三".into(),
                unit: "市财政局".into(),
                county: None,
            },
            fullemp::config::GroupMember {
                name: "李四".into(),
                unit: home.map_or("驻平高校".into(), |h| format!("{h}人社局")),
                county: home.map(str::to_string),
            },
        ],
        home_county: None,
    }
}

/// A group whose members come from two counties assesses neither.
#[test]
fn a_group_never_assesses_a_county_one_of_its_members_comes_from() {
    let mut mixed = group("一组", Some("新华区"));
    mixed.members.push(fullemp::config::GroupMember {
        name: "王五".into(),
        unit: "卫东区人社局".into(),
        county: Some("卫东区".into()),
    });
    let groups = [mixed, group("二组", Some("湛河区"))];
    let candidates = [("新华区", 1), ("卫东区", 1), ("湛河区", 1)]
        .map(|(c, n)| (c.to_string(), n))
        .into();
    let plan = fullemp::ratings::cross_assessment::assign_year(2021, &candidates, &groups);
    let got: Vec<(&str, &str)> = plan
        .assignments
        .iter()
        .map(|x| (x.county.as_str(), x.group.as_str()))
        .collect();
    assert_eq!(
        got,
        [("卫东区", "二组"), ("新华区", "二组"), ("湛河区", "一组")]
    );
    assert!(plan.unassigned.is_empty());
}

#[test]
fn counties_go_largest_first_to_the_least_loaded_group_from_elsewhere() {
    let groups = [
        group("一组", Some("新华区")),
        group("二组", Some("卫东区")),
        group("三组", None),
    ];
    let candidates = [("新华区", 3), ("卫东区", 2), ("湛河区", 2), ("石龙区", 1)]
        .map(|(c, n)| (c.to_string(), n))
        .into();
    let plan = fullemp::ratings::cross_assessment::assign_year(2021, &candidates, &groups);
    assert!(plan.unassigned.is_empty());
    let a = plan.assignments;
    // 新华区 (3): 二组 and 三组 both empty → 二组 (listed first).
    // 卫东区 (2): 一组 and 三组 both empty → 一组.
    // 湛河区 (2): loads 一组 2, 二组 3, 三组 0 → 三组.
    // 石龙区 (1): loads 2, 3, 2 → 一组 (listed first). Loads end 3, 3, 2.
    let got: Vec<(&str, &str, i64)> = a
        .iter()
        .map(|x| (x.county.as_str(), x.group.as_str(), x.candidates))
        .collect();
    assert_eq!(
        got,
        [
            ("新华区", "二组", 3),
            ("卫东区", "一组", 2),
            ("湛河区", "三组", 2),
            ("石龙区", "一组", 1)
        ]
    );
}

#[test]
fn assignments_come_from_the_shortlist_and_are_deterministic() {
    let mut case = shortlist_case();
    case.review.assessment_groups =
        vec![group("一组", Some("新华区")), group("二组", Some("卫东区"))];
    // 新华区 has 4 candidates, 卫东区 2: each goes to the other's group.
    let a = case.rate().assignments;
    let got: Vec<(i32, &str, &str, i64)> = a
        .iter()
        .map(|x| (x.year, x.county.as_str(), x.group.as_str(), x.candidates))
        .collect();
    assert_eq!(
        got,
        [(2021, "新华区", "二组", 4), (2021, "卫东区", "一组", 2)]
    );
    assert_eq!(case.rate().assignments, a);
}

#[test]
fn a_county_only_its_own_group_could_take_is_reported_not_fatal() {
    let mut case = shortlist_case();
    case.review.assessment_groups = vec![group("一组", Some("新华区"))];
    // 新华区 (4 candidates) has only its own group; 卫东区 (2) goes to 一组.
    let out = case
        .try_rate()
        .expect("an unassignable county does not stop the run");
    let got: Vec<(&str, &str)> = out
        .assignments
        .iter()
        .map(|x| (x.county.as_str(), x.group.as_str()))
        .collect();
    assert_eq!(got, [("卫东区", "一组")]);
    assert_eq!(out.unassigned.len(), 1);
    let u = &out.unassigned[0];
    assert_eq!(
        (u.year, u.county.as_str(), u.candidates),
        (2021, "新华区", 4)
    );
    assert!(u.reason.contains("新华区"), "{}", u.reason);
}

#[test]
fn the_shipped_annual_review_calendar_ends_publicity_on_8_february() {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("pipelines/annual-review-2021.toml");
    let pipeline = fullemp::config::Pipeline::load(&path).unwrap();
    let p = fullemp::ratings::publicity(&pipeline.review, &pipeline.rules.publicity)
        .unwrap()
        .unwrap();
    assert_eq!((p.start, p.end), (d(2022, 1, 28), d(2022, 2, 8)));
}

#[test]
fn an_empty_extract_rates_nothing_and_fails_nothing() {
    let case = Case::new(&[]);
    let out = case.rate();
    assert_eq!(out.ratings.height(), 0);
    assert_eq!(
        out.ratings.column("verdict").unwrap().dtype(),
        &DataType::String
    );
    assert_eq!(
        out.ratings.column("score").unwrap().dtype(),
        &DataType::Float64
    );
    assert_eq!(out.shortlist.height(), 0);
    assert_eq!(out.spot_checks.height(), 0);
    assert_eq!(
        out.spot_checks
            .column("inclusion_probability")
            .unwrap()
            .dtype(),
        &DataType::Float64
    );
}
