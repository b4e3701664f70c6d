//! Hand-worked fixtures for five detectors of docs/detectors.md (employer
//! concentration, bulk backfill, implausible change, digit heaping,
//! threshold bunching): for each, an extract that fires and one just short of
//! firing, at the default rules. Then the quality check (`scripts/quality.py`)
//! on a small generated extract, so that a change that blinds the detectors
//! fails here.
//!
//! Cut-off A = 2021-12-31, review years 2020 and 2021.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use fullemp::config::{AsOf, Pipeline, Rules};
use fullemp::contract::Table;
use fullemp::contract::identity::{gb11643_check_char, gb32100_check_char};
use fullemp::detectors::registry::read;
use fullemp::detectors::{
    Finding, Inputs, Level, Severity, bulk_backfill, digit_heaping, employer_concentration,
    implausible_change, threshold_bunching,
};
use fullemp::indicators::{self, Indicators};
use polars::prelude::*;

const C1: &str = "410402001001";
const C2: &str = "410402001002";

/// A valid identity number for person n.
fn id(n: u32) -> String {
    let body = format!("41040219800101{n:03}");
    format!("{body}{}", gb11643_check_char(&body).unwrap())
}

/// A valid unified social credit code for employer n.
fn credit(n: u32) -> String {
    let body = format!("91410402MA{n:07}");
    format!("{body}{}", gb32100_check_char(&body).unwrap())
}

/// The same code with a wrong check character.
fn spoiled(n: u32) -> String {
    let good = credit(n);
    let last = if good.ends_with('0') { '1' } else { '0' };
    format!("{}{last}", &good[..17])
}

/// An extract: the given tables, every other required table header-only.
struct Extract {
    dir: tempfile::TempDir,
}

const HEADERS: [(&str, &str); 6] = [
    (
        "communities",
        "community_code,community_name,county,street,provincial_year",
    ),
    (
        "persons",
        "person_id,community_code,household_id,gender,birth_date,labor_capacity,entered_on",
    ),
    (
        "unemployment",
        "registration_id,person_id,community_code,registered_on,ended_on,end_reason",
    ),
    (
        "employment",
        "record_id,person_id,community_code,employer_name,employer_code,employment_type,started_on,ended_on,recorded_at",
    ),
    (
        "hardship",
        "person_id,community_code,category,designated_on,revoked_on",
    ),
    (
        "zero_households",
        "household_id,community_code,identified_on,cleared_on",
    ),
];

impl Extract {
    fn new(tables: &[(&str, Vec<String>)]) -> Extract {
        let dir = tempfile::tempdir().unwrap();
        let given: BTreeMap<&str, &Vec<String>> = tables.iter().map(|(t, r)| (*t, r)).collect();
        for (table, header) in HEADERS {
            let mut text = format!("{header}\n");
            if table == "communities" && !given.contains_key("communities") {
                text.push_str(&format!(
                    "{C1},光明社区,新华区,中兴路街道,2015\n{C2},和平社区,新华区,中兴路街道,2015\n"
                ));
            }
            for row in given.get(table).copied().into_iter().flatten() {
                text.push_str(row);
                text.push('\n');
            }
            std::fs::write(dir.path().join(format!("{table}.csv")), text).unwrap();
        }
        if let Some(rows) = given.get("applications") {
            let mut text =
                "community_code,year,applied_level,claimed_new_jobs,claimed_zero_households\n"
                    .to_string();
            for row in rows.iter() {
                text.push_str(row);
                text.push('\n');
            }
            std::fs::write(dir.path().join("applications.csv"), text).unwrap();
        }
        Extract { dir }
    }

    /// Ingests the extract and calls `detect` with the detectors' inputs.
    fn detect<F>(&self, detect: F) -> Vec<Finding>
    where
        F: Fn(&Inputs, &Rules) -> fullemp::Result<Vec<Finding>>,
    {
        let pipeline = Pipeline::new(self.dir.path(), self.dir.path().join("out"));
        let extract = fullemp::ingest::ingest(&pipeline, &fullemp::detectors::ids()).unwrap();
        assert!(
            extract.rejects.is_empty(),
            "clean fixture: {:?}",
            extract.rejects
        );
        let rules = Rules::default();
        let ind = indicators::compute(
            &extract.tables,
            &rules.indicators,
            AsOf::parse("2021-12-31").unwrap(),
            Some(&[2020, 2021]),
        )
        .unwrap();
        let communities = extract.table(Table::Communities).unwrap();
        let inputs = Inputs::new(
            &extract.tables,
            &ind,
            communities,
            &rules.indicators,
            &rules.reinspection,
        );
        detect(&inputs, &rules).unwrap()
    }
}

/// Detectors that read only the indicators run on a hand-made indicator frame;
/// every community provincial since 2015.
fn on_indicators<F>(frame: DataFrame, detect: F) -> Vec<Finding>
where
    F: Fn(&Inputs, &Rules) -> fullemp::Result<Vec<Finding>>,
{
    on_indicators_provincial(frame, 2015, detect)
}

fn on_indicators_provincial<F>(frame: DataFrame, provincial_year: i64, detect: F) -> Vec<Finding>
where
    F: Fn(&Inputs, &Rules) -> fullemp::Result<Vec<Finding>>,
{
    let rules = Rules::default();
    let communities = frame
        .clone()
        .lazy()
        .select([col("community_code"), col("county")])
        .unique_stable(None, UniqueKeepStrategy::First)
        .with_column(lit(provincial_year).alias("provincial_year"))
        .collect()
        .unwrap();
    let d = |y, m, day| chrono::NaiveDate::from_ymd_opt(y, m, day).unwrap();
    let ind = Indicators {
        frame,
        as_of: d(2021, 12, 31),
        periods: indicators::period::periods(d(2021, 12, 31), Some(&[2020, 2021])).unwrap(),
        future_dates: vec![],
    };
    let tables = BTreeMap::new();
    let inputs = Inputs::new(
        &tables,
        &ind,
        &communities,
        &rules.indicators,
        &rules.reinspection,
    );
    detect(&inputs, &rules).unwrap()
}

// ---------------------------------------------------------------- employer_concentration

/// Persons 1..=n registered in C1 on 2021-02-01; person k re-employed on
/// 2021-04-0k at the employer `employer(k)` (name, code).
fn reemployed(n: u32, employer: impl Fn(u32) -> (String, String)) -> Extract {
    let mut regs = vec![];
    let mut jobs = vec![];
    for k in 1..=n {
        regs.push(format!("U{k:03},{},{C1},2021-02-01,2021-04-10,就业", id(k)));
        let (name, code) = employer(k);
        jobs.push(format!(
            "E{k:03},{},{C1},{name},{code},单位就业,2021-04-{:02},,2021-04-20 09:00:00",
            id(k),
            k.min(28)
        ));
    }
    Extract::new(&[("unemployment", regs), ("employment", jobs)])
}

fn employer_run(e: &Extract) -> Vec<Finding> {
    e.detect(|i, r| {
        employer_concentration::detect(i, &read(&r.detectors, employer_concentration::ID)?)
    })
}

#[test]
fn one_employer_with_5_of_12_counted_starts_fires_5_of_13_does_not() {
    // 5 of 12 = 41.7 % ≥ 40 % and 5 ≥ 5 → fires.
    let at_x = |k: u32| {
        if k <= 5 {
            ("鑫隆劳务派遣有限公司".to_string(), credit(1))
        } else {
            (format!("单位{k}"), credit(100 + k))
        }
    };
    let f = employer_run(&reemployed(12, at_x));
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].severity, Severity::Medium);
    assert_eq!(f[0].community_code.as_deref(), Some(C1));
    assert_eq!(f[0].year, 2021);
    assert!((f[0].value.unwrap() - 5.0 / 12.0).abs() < 1e-12);
    assert_eq!(f[0].threshold, Some(0.40));
    assert_eq!(f[0].evidence.len(), 5, "the five records at the employer");
    assert!(
        f[0].explanation.contains("5 个（42%）"),
        "{}",
        f[0].explanation
    );
    // 5 of 13 = 38.5 % < 40 %.
    assert!(employer_run(&reemployed(13, at_x)).is_empty());
}

#[test]
fn four_counted_starts_at_one_employer_are_below_min_count() {
    // 4 of 4 = 100 %, but fewer than 5 starts.
    let f = employer_run(&reemployed(4, |_| ("鑫隆".into(), credit(1))));
    assert!(f.is_empty(), "{f:?}");
}

#[test]
fn a_counted_employer_code_failing_gb32100_fires_an_uncounted_one_does_not() {
    // Person 1's counted start is at an employer whose code fails its check.
    let f = employer_run(&reemployed(3, |k| {
        (
            format!("单位{k}"),
            if k == 1 { spoiled(7) } else { credit(k) },
        )
    }));
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].value, Some(1.0));
    assert!(f[0].explanation.contains(&spoiled(7)));
    // The same bad code on a job nobody's re-employment counts (no registration).
    let e = Extract::new(&[(
        "employment",
        vec![format!(
            "E001,{},{C1},单位,{},单位就业,2021-04-01,,2021-04-02 09:00:00",
            id(1),
            spoiled(7)
        )],
    )]);
    assert!(employer_run(&e).is_empty());
}

// ---------------------------------------------------------------- bulk_backfill

/// n records of C1 keyed 30 s apart from 2021-06-01 10:00:00, each starting
/// 2021-03-01 (92 days before), except the last, which starts `last_start`.
fn keyed(n: u32, last_start: &str) -> Extract {
    keyed_on("2021-06-01", n, "2021-03-01", last_start)
}

/// n records of C1 keyed 30 s apart from `day` 10:00:00, starting `start`,
/// the last one `last_start`.
fn keyed_on(day: &str, n: u32, start: &str, last_start: &str) -> Extract {
    let jobs = (0..n)
        .map(|k| {
            let start = if k + 1 == n { last_start } else { start };
            format!(
                "E{k:03},{},{C1},,,灵活就业,{start},,{day} 10:{:02}:{:02}",
                id(k + 1),
                (k * 30) / 60,
                (k * 30) % 60
            )
        })
        .collect();
    Extract::new(&[("employment", jobs)])
}

fn backfill_run(e: &Extract) -> Vec<Finding> {
    e.detect(|i, r| bulk_backfill::detect(i, &read(&r.detectors, bulk_backfill::ID)?))
}

#[test]
fn twenty_backdated_records_keyed_within_ten_minutes_fire() {
    // 20 records keyed over 9.5 minutes, all starting 92 days before.
    let f = backfill_run(&keyed(20, "2021-03-01"));
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].severity, Severity::Medium);
    assert_eq!(f[0].year, 2021);
    assert_eq!(f[0].value, Some(20.0));
    assert_eq!(f[0].evidence.len(), 20);
}

#[test]
fn a_burst_belongs_to_the_year_it_was_keyed_or_the_latest_review_year_after_it() {
    // Keyed 2020-12-01, starting 2020-03-01: the 2020 review.
    let f = backfill_run(&keyed_on("2020-12-01", 20, "2020-03-01", "2020-03-01"));
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].year, 2020);
    // Keyed 2022-01-10, after the cut-off 2021-12-31: the 2021 review.
    let f = backfill_run(&keyed_on("2022-01-10", 20, "2021-03-01", "2021-03-01"));
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].year, 2021);
    // Records that start after they were keyed are not back-dated.
    assert!(backfill_run(&keyed_on("2020-12-01", 20, "2021-03-01", "2021-03-01")).is_empty());
}

#[test]
fn a_record_starting_exactly_30_days_before_keying_is_not_backdated() {
    // The 20th starts 2021-05-02, 30 days before 2021-06-01: not "more than
    // 30", so only 19 back-dated records remain.
    assert!(backfill_run(&keyed(20, "2021-05-02")).is_empty());
    // One day earlier it is back-dated again.
    assert_eq!(backfill_run(&keyed(20, "2021-05-01")).len(), 1);
}

// ---------------------------------------------------------------- implausible_change

/// Indicator rows of `county`'s communities: (code, rate 2020, rate 2021).
fn rates(rows: &[(&str, &str, f64, f64)]) -> DataFrame {
    let mut code = vec![];
    let mut county = vec![];
    let mut year = vec![];
    let mut rate = vec![];
    for &(c, k, a, b) in rows {
        for (y, r) in [(2020i64, a), (2021, b)] {
            code.push(c.to_string());
            county.push(k.to_string());
            year.push(y);
            rate.push(Some(r));
        }
    }
    let n = code.len();
    df!(
        "community_code" => code,
        "county" => county,
        "year" => year,
        "reemployment_rate" => rate,
        "hardship_employment_rate" => vec![None::<f64>; n],
    )
    .unwrap()
}

/// Eight communities of 新华区 whose changes are 0, 0, ±0.01, ±0.02 and `x`:
/// median 0, MAD 0.01, so the spread is the floor 0.05.
fn county_with(x: f64) -> DataFrame {
    let changes = [0.0, 0.0, 0.01, -0.01, 0.02, -0.02, 0.0, x];
    let rows: Vec<(String, f64)> = changes
        .iter()
        .enumerate()
        .map(|(i, &c)| (format!("4104020010{i:02}"), c))
        .collect();
    let rows: Vec<(&str, &str, f64, f64)> = rows
        .iter()
        .map(|(code, c)| (code.as_str(), "新华区", 0.5, 0.5 + c))
        .collect();
    rates(&rows)
}

fn change_run(frame: DataFrame) -> Vec<Finding> {
    on_indicators(frame, |i, r| {
        implausible_change::detect(i, &read(&r.detectors, implausible_change::ID)?)
    })
}

#[test]
fn a_change_four_floored_spreads_from_the_median_fires() {
    // (0.20 − 0) / max(1.4826 × 0.01, 0.05) = 4.0 > 3.5.
    let f = change_run(county_with(0.20));
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].severity, Severity::Low);
    assert_eq!(f[0].community_code.as_deref(), Some("410402001007"));
    assert!((f[0].value.unwrap() - 4.0).abs() < 1e-9, "{:?}", f[0].value);
    assert_eq!(f[0].year, 2021);
}

#[test]
fn a_change_of_3_4_floored_spreads_does_not_fire() {
    // 0.17 / 0.05 = 3.4 < 3.5. Without the floor (1.4826 × 0.01) it would be 11.5.
    assert!(change_run(county_with(0.17)).is_empty());
    // A fall counts as a change too.
    assert_eq!(change_run(county_with(-0.20)).len(), 1);
}

/// Eight communities whose changes spread widely: −0.1 three times, 0 twice,
/// +0.1 twice, and `x`. Median 0, MAD 0.1, spread 1.4826 × 0.1 = 0.148 (above
/// the floor).
fn wide_county_with(x: f64) -> DataFrame {
    let changes = [-0.1, -0.1, -0.1, 0.0, 0.0, 0.1, 0.1, x];
    let codes: Vec<String> = (0..8).map(|i| format!("4104020010{i:02}")).collect();
    let rows: Vec<(&str, &str, f64, f64)> = codes
        .iter()
        .zip(changes)
        .map(|(code, c)| (code.as_str(), "新华区", 0.3, 0.3 + c))
        .collect();
    rates(&rows)
}

#[test]
fn where_the_county_spreads_widely_the_mad_not_the_floor_scales_the_change() {
    // 0.55 / 0.14826 = 3.71 > 3.5 fires; 0.50 / 0.14826 = 3.37 does not (the
    // floor alone would have made it 10).
    let f = change_run(wide_county_with(0.55));
    assert_eq!(f.len(), 1, "{f:?}");
    assert!((f[0].value.unwrap() - 0.55 / (1.4826 * 0.1)).abs() < 1e-6);
    assert!(change_run(wide_county_with(0.50)).is_empty());
}

#[test]
fn a_county_of_fewer_than_8_is_compared_with_all_communities() {
    // 卫东区 has 2 communities (changes 0.30 and 0.30): alone, its median
    // would be 0.30 and nothing would stand out. Against all ten communities
    // (median 0, MAD 0.01 → spread 0.05) both are 6 spreads out.
    let mut frame = county_with(0.0);
    frame
        .vstack_mut(&rates(&[
            ("410403001001", "卫东区", 0.4, 0.7),
            ("410403001002", "卫东区", 0.4, 0.7),
        ]))
        .unwrap();
    let f = change_run(frame);
    let codes: Vec<_> = f.iter().filter_map(|f| f.community_code.clone()).collect();
    assert_eq!(codes, ["410403001001", "410403001002"], "{f:?}");
}

// ---------------------------------------------------------------- digit_heaping

fn heaping_run(e: &Extract) -> Vec<Finding> {
    e.detect(|i, r| digit_heaping::detect(i, &read(&r.detectors, digit_heaping::ID)?))
}

/// `n` applications of 2021, one per community of 新华区, claiming new jobs
/// `value(k)` and 0 zero households (below 10: not tested).
fn claims(n: u32, value: impl Fn(u32) -> u32) -> Extract {
    let communities = (0..n)
        .map(|k| format!("410402001{k:03},社区{k},新华区,中兴路街道,"))
        .collect();
    let apps = (0..n)
        .map(|k| format!("410402001{k:03},2021,市级,{},0", value(k)))
        .collect();
    Extract::new(&[("communities", communities), ("applications", apps)])
}

#[test]
fn twenty_claims_all_ending_in_0_or_5_fire() {
    // Last digits 10 × 0 and 10 × 5: χ² = 80 (9 df), p ≈ 1.6e-13 < 0.01
    // (scipy.stats.chisquare([10,0,0,0,0,10,0,0,0,0]) -> statistic=80.0,
    // pvalue=1.61613141565346e-13, scipy 1.17.1).
    let f = heaping_run(&claims(20, |k| 10 + 5 * k));
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].level, Level::County);
    assert_eq!(f[0].severity, Severity::Low);
    assert_eq!(f[0].community_code, None);
    assert_eq!(f[0].county, "新华区");
    assert!((f[0].value.unwrap() - 80.0).abs() < 1e-9);
    // The statistic at which p = 0.01 (scipy.stats.chi2.ppf(0.99, 9) -> 21.665994333461924).
    assert!((f[0].threshold.unwrap() - 21.665994333461924).abs() < 1e-6);
    assert!((f[0].p_value.unwrap() / 1.61613141565346e-13 - 1.0).abs() < 1e-6);
    assert_eq!(f[0].evidence.len(), 20);
}

#[test]
fn nineteen_heaped_claims_are_too_few_and_even_digits_do_not_fire() {
    assert!(heaping_run(&claims(19, |k| 10 + 5 * k)).is_empty());
    // 10..=29: every last digit twice, χ² = 0.
    assert!(heaping_run(&claims(20, |k| 10 + k)).is_empty());
    // Claims under 10 do not take part: 25 claims of 5 → no value to test.
    assert!(heaping_run(&claims(25, |_| 5)).is_empty());
}

// ---------------------------------------------------------------- threshold_bunching

/// A county's re-employment rates in 2021 (same in 2020), as (re-employed,
/// registered) counts.
fn county_rates(counts: &[(i64, i64)]) -> DataFrame {
    let mut code = vec![];
    let mut year = vec![];
    let (mut num, mut den, mut rate) = (vec![], vec![], vec![]);
    for (k, &(r, u)) in counts.iter().enumerate() {
        for y in [2020i64, 2021] {
            code.push(format!("410402001{k:03}"));
            year.push(y);
            num.push(r);
            den.push(u);
            rate.push(r as f64 / u as f64);
        }
    }
    let n = code.len();
    df!(
        "community_code" => code,
        "county" => vec!["新华区"; n],
        "year" => year,
        "reemployed_in_period" => num,
        "unemployed_in_period" => den,
        "reemployment_rate" => rate,
        "hardship_employed" => vec![None::<i64>; n],
        "hardship_persons" => vec![None::<i64>; n],
        "hardship_employment_rate" => vec![None::<f64>; n],
        "assisted" => vec![None::<i64>; n],
        "assistance_targets" => vec![None::<i64>; n],
        "assistance_coverage" => vec![None::<f64>; n],
    )
    .unwrap()
}

fn bunching_run(frame: DataFrame) -> Vec<Finding> {
    on_indicators(frame, |i, r| {
        threshold_bunching::detect(i, &read(&r.detectors, threshold_bunching::ID)?)
    })
}

fn county_level(f: &[Finding]) -> Vec<Finding> {
    f.iter()
        .filter(|f| f.level == Level::County && f.year == 2021)
        .cloned()
        .collect()
}

#[test]
fn ten_communities_just_above_070_and_none_just_below_fire() {
    // Ten rates of 10/14 = 0.714 in [0.70, 0.73), none in [0.67, 0.70):
    // P(X ≥ 10 | n = 10, ½) = 0.0009765625 < 0.01
    // (scipy 1.17.1: scipy.stats.binomtest(10, 10, 0.5, alternative="greater").pvalue
    // -> 0.0009765625).
    let f = county_level(&bunching_run(county_rates(&[(10, 14); 10])));
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].severity, Severity::Medium);
    assert_eq!(f[0].county, "新华区");
    assert!((f[0].p_value.unwrap() - 0.0009765625).abs() < 1e-15);
    assert_eq!(f[0].evidence.len(), 10);
}

#[test]
fn nine_in_the_bands_are_not_tested_and_nine_against_one_is_not_significant() {
    // Nine above, none below: fewer than min_count = 10 in the two bands.
    assert!(county_level(&bunching_run(county_rates(&[(10, 14); 9]))).is_empty());
    // Nine above, one below (9/13 = 0.692): P(X ≥ 9 | 10, ½) = 0.0107421875 ≥ 0.01
    // (scipy.stats.binomtest(9, 10, 0.5, alternative="greater").pvalue -> 0.0107421875).
    let mut counts = vec![(10, 14); 9];
    counts.push((9, 13));
    assert!(county_level(&bunching_run(county_rates(&counts))).is_empty());
    // Rates of exactly 0.70 (7/10) are in the upper band; 0.73 (73/100) is not.
    let mut counts = vec![(7, 10); 9];
    counts.push((73, 100));
    assert!(county_level(&bunching_run(county_rates(&counts))).is_empty());
    counts.push((7, 10));
    assert_eq!(county_level(&bunching_run(county_rates(&counts))).len(), 1);
}

/// "There is no community-level finding: how close a single community passes
/// is its margin (ratings), shown beside its verdict, not an accusation."
#[test]
fn a_community_passing_by_a_person_or_two_is_no_finding() {
    // 11/15 passes 0.70 and 9/15 would not; 6/6 passes 0.70 and 4/6 would
    // not; 6/7 likewise; all under re-inspection since 2015. Too few in the
    // bands for the county test, and no community-level finding at all.
    let f = bunching_run(county_rates(&[(11, 15), (13, 15), (6, 6), (6, 7)]));
    assert!(f.iter().all(|f| f.level == Level::County), "{f:?}");
    assert!(f.is_empty(), "{f:?}");
    // Not under re-inspection yet (provincial in 2022): nothing either.
    let f = on_indicators_provincial(county_rates(&[(11, 15)]), 2022, |i, r| {
        threshold_bunching::detect(i, &read(&r.detectors, threshold_bunching::ID)?)
    });
    assert!(f.is_empty(), "{f:?}");
}

// ---------------------------------------------------------------- honest practice

/// Every detector at the default rules.
fn all_run(e: &Extract) -> Vec<Finding> {
    e.detect(|i, r| fullemp::detectors::detect_all(i, &r.detectors))
}

/// A ledger row of person n in community c, born 1980.
fn resident(n: u32, c: &str) -> String {
    format!("{},{c},H{n},男,1980-01-01,是,2010-01-01", id(n))
}

fn day(d: chrono::NaiveDate) -> String {
    d.to_string()
}

/// Honest practice, "local large hire: a new employer with a valid code hires
/// many of one community's registered jobless over a few months, jobs that
/// last: medium at most".
#[test]
fn a_new_employer_hiring_many_registered_jobless_over_months_is_medium_at_most() {
    let start = chrono::NaiveDate::from_ymd_opt(2021, 3, 1).unwrap();
    let (mut persons, mut regs, mut jobs) = (vec![], vec![], vec![]);
    for k in 1..=30u32 {
        persons.push(resident(k, C1));
        regs.push(format!("U{k:03},{},{C1},2021-01-10,,", id(k)));
        // 18 hired by the new plant from March to June, 6 elsewhere over the
        // year, 6 still looking; every job lasts, each keyed a day after it
        // began.
        let (employer, code, began) = match k {
            1..=18 => (
                "豫北食品有限公司".to_string(),
                credit(9),
                start + chrono::Duration::days(i64::from(k) * 6),
            ),
            19..=24 => (
                format!("单位{k}"),
                credit(100 + k),
                start + chrono::Duration::days(i64::from(k - 18) * 30),
            ),
            _ => continue,
        };
        let keyed = began + chrono::Duration::days(1);
        jobs.push(format!(
            "E{k:03},{},{C1},{employer},{code},单位就业,{},,{} 09:00:00",
            id(k),
            day(began),
            day(keyed)
        ));
    }
    let f = all_run(&Extract::new(&[
        ("persons", persons),
        ("unemployment", regs),
        ("employment", jobs),
    ]));
    assert!(
        f.iter().any(|f| f.detector == "employer_concentration"),
        "{f:?}"
    );
    assert!(f.iter().all(|f| f.severity != Severity::High), "{f:?}");
}

/// Honest practice, "quarterly keying: a quarter's paper forms of residents'
/// real jobs keyed in at one sitting, started weeks before: medium at most".
#[test]
fn a_quarter_of_paper_forms_keyed_at_one_sitting_is_medium_at_most() {
    let first = chrono::NaiveDate::from_ymd_opt(2021, 4, 2).unwrap();
    let (mut persons, mut jobs) = (vec![], vec![]);
    for k in 1..=25u32 {
        persons.push(resident(k, C1));
        let began = first + chrono::Duration::days(i64::from(k) * 3);
        jobs.push(format!(
            "E{k:03},{},{C1},单位{k},{},单位就业,{},,2021-07-05 10:{:02}:{:02}",
            id(k),
            credit(200 + k),
            day(began),
            (k * 20) / 60,
            (k * 20) % 60
        ));
    }
    let f = all_run(&Extract::new(&[("persons", persons), ("employment", jobs)]));
    assert!(f.iter().any(|f| f.detector == "bulk_backfill"), "{f:?}");
    assert!(f.iter().all(|f| f.severity != Severity::High), "{f:?}");
}

/// Honest practice, "small community: 10–30 registrations, rates moving in
/// large steps: none beyond chance". Eight such communities of one county,
/// their re-employment rates moving by up to 20 points from 2020 to 2021.
#[test]
fn small_communities_whose_rates_move_in_large_steps_are_no_finding() {
    let sizes = [10u32, 12, 14, 16, 18, 20, 25, 30];
    let found_2020 = [7u32, 9, 10, 12, 14, 15, 19, 24];
    let found_2021 = [9u32, 8, 12, 11, 15, 17, 18, 26];
    let (mut communities, mut persons, mut regs, mut jobs) = (vec![], vec![], vec![], vec![]);
    let mut n = 0u32;
    for (c, &size) in sizes.iter().enumerate() {
        let code = format!("410402001{c:03}");
        communities.push(format!("{code},社区{c},新华区,中兴路街道,2015"));
        for (year, found) in [(2020, found_2020[c]), (2021, found_2021[c])] {
            let s = chrono::NaiveDate::from_ymd_opt(year, 1, 1).unwrap();
            for j in 0..size {
                n += 1;
                persons.push(resident(n, &code));
                let registered = s + chrono::Duration::days(9);
                if j < found {
                    // Back at work between February and September, closed
                    // a week later.
                    let began = s + chrono::Duration::days(31 + i64::from(j) * 9);
                    let closed = began + chrono::Duration::days(7);
                    regs.push(format!(
                        "U{n:04},{},{code},{},{},就业",
                        id(n),
                        day(registered),
                        day(closed)
                    ));
                    jobs.push(format!(
                        "E{n:04},{},{code},单位{n},{},单位就业,{},,{} 09:00:00",
                        id(n),
                        credit(1000 + n),
                        day(began),
                        day(began + chrono::Duration::days(2))
                    ));
                } else {
                    let ended = chrono::NaiveDate::from_ymd_opt(year, 12, 20).unwrap();
                    regs.push(format!(
                        "U{n:04},{},{code},{},{},迁出",
                        id(n),
                        day(registered),
                        day(ended)
                    ));
                }
            }
        }
    }
    let f = all_run(&Extract::new(&[
        ("communities", communities),
        ("persons", persons),
        ("unemployment", regs),
        ("employment", jobs),
    ]));
    assert!(f.is_empty(), "{f:?}");
}

#[test]
fn the_findings_tests_use_independent_numbers() {
    // The statistical helpers against scipy 1.17.1 (see the unit tests too).
    let (stat, p) =
        fullemp::detectors::significance::chi_square_uniform(&[10, 0, 0, 0, 0, 10, 0, 0, 0, 0]);
    assert!((stat - 80.0).abs() < 1e-12);
    assert!((p / 1.61613141565346e-13 - 1.0).abs() < 1e-6);
}

// ---------------------------------------------------------------- quality check

/// Reads every seed's findings with pyarrow and looks for the raw identity
/// numbers of that seed's ledger in every string cell (evidence lists
/// included); prints how many strings it read.
const SCAN_FOR_IDENTIFIERS: &str = r#"
import csv, pathlib, re, sys
import pyarrow.dataset as ds
strings = 0
for seed in sorted(pathlib.Path(sys.argv[1]).glob("seed-*")):
    with open(seed / "extract" / "persons.csv", encoding="utf-8-sig") as f:
        ids = {r["person_id"] for r in csv.DictReader(f)}
    rows = ds.dataset(str(seed / "out" / "latest" / "findings"), format="parquet",
                      partitioning="hive").to_table().to_pylist()
    assert rows, f"no findings in {seed}"
    for row in rows:
        for value in row.values():
            for text in value if isinstance(value, list) else [value]:
                if not isinstance(text, str):
                    continue
                strings += 1
                for token in re.findall(r"[0-9]{17}[0-9Xx]", text):
                    assert token not in ids, f"raw identity number in {seed.name}: {text[:40]}"
print(f"scanned {strings} strings")
"#;

fn python_has_pyarrow() -> bool {
    Command::new("python3")
        .args(["-c", "import pyarrow"])
        .status()
        .is_ok_and(|s| s.success())
}

#[test]
fn the_quality_check_meets_the_bar_on_a_small_generated_extract() {
    assert!(
        python_has_pyarrow(),
        "python3 with pyarrow is needed (pip install -r tests/requirements.txt)"
    );
    let work = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = Command::new("python3")
        .arg(root.join("scripts/quality.py"))
        .args(["--fullemp", env!("CARGO_BIN_EXE_fullemp")])
        .args(["--seeds", "3,4", "--communities", "1000"])
        .arg("--work")
        .arg(work.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "quality check below the bar:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("the bar holds"), "{stdout}");
    // Every string of every finding, decoded from the Parquet, against every
    // identity number of the extracts' ledgers.
    let scan = Command::new("python3")
        .args(["-c", SCAN_FOR_IDENTIFIERS])
        .arg(work.path())
        .output()
        .unwrap();
    assert!(
        scan.status.success(),
        "{}{}",
        String::from_utf8_lossy(&scan.stdout),
        String::from_utf8_lossy(&scan.stderr)
    );
    let scanned = String::from_utf8_lossy(&scan.stdout);
    assert!(scanned.starts_with("scanned "), "{scanned}");
    for pattern in [
        "bulk_backfill",
        "claimed_vs_registry",
        "cutoff_window_dressing",
        "duplicate_person",
        "employer_concentration",
        "invalid_identity",
        "reemployment_without_record",
        "unverified_clearance",
        "short_jobs",
        "brief_registrations",
        "revoked_designations",
        "hardship_cover",
        "service_burst",
        "thin_clearance",
        "closed_before_cutoff",
        "padded_new_jobs",
    ] {
        assert!(stdout.contains(pattern), "{pattern} measured:\n{stdout}");
    }
    // Recall per cell of the threat model is printed.
    assert!(stdout.contains("threat-model cell"), "{stdout}");
}
