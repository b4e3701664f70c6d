//! Accountability per county and per street (docs/ratings.md,
//! "Accountability"), against a hand-worked fixture: the applications'
//! status from recorded decisions, the stops counted at each later stage of
//! the list, late decisions and late filings in working days with the
//! calendar's holidays, and confirmed falsifications traced to the street
//! and the county that recommended the application.

use chrono::NaiveDate;
use fullemp::config::{Review, Stages};
use fullemp::ratings::Publicity;
use fullemp::ratings::accountability::{AccountabilityInputs, accountability};
use fullemp::ratings::status::{StatusInputs, status};
use polars::prelude::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn frame_of(columns: Vec<Column>) -> DataFrame {
    DataFrame::new_infer_height(columns).unwrap()
}

/// The 2021 review's calendar: register due Fri 7 Jan 2022, lists due Fri
/// 14 Jan, cross assessment until Wed 26 Jan; Mon 17 Jan a holiday.
fn review() -> Review {
    Review {
        register_due: Some(d(2022, 1, 7)),
        list_due: Some(d(2022, 1, 14)),
        cross_assessment_end: Some(d(2022, 1, 26)),
        publicity_start: Some(d(2022, 1, 28)),
        confirmation_due: Some(d(2022, 2, 11)),
        holidays: vec![d(2022, 1, 17)],
        ..Review::default()
    }
}

/// Seven applications: A–F of 2021, G of 2020.
///
/// | code | county / street | decisions (2022 unless said) | outcome |
/// | A | 新华区 中兴路街道 | 同意 1-10, 合格 1-11, 推荐 1-12, 合格 1-20, 无异议 2-3, 认定 2-10 | confirmed |
/// | B | 新华区 中兴路街道 | 同意 1-10, 合格 1-18, 推荐 1-18, 不合格 1-25 | stopped at the cross assessment; falsification confirmed |
/// | C | 新华区 中兴路街道 | 不同意 1-17 (both its cells said true) | stopped by its street; falsification confirmed |
/// | D | 新华区 西市场街道 | 同意 1-12, 不合格 1-13 | stopped at the county's site visit |
/// | E | 卫东区 东安路街道 | 同意 1-14 | going on; falsification confirmed |
/// | F | 卫东区 东安路街道 | none; street_recommends true | recommended by its cell |
/// | G (2020) | 新华区 中兴路街道 | 同意 2021-01-20 | the earlier year |
fn fixture() -> (DataFrame, DataFrame, DataFrame, DataFrame) {
    let codes = ["A", "B", "C", "D", "E", "F", "G", "H"];
    let communities = frame_of(vec![
        Column::new("community_code".into(), codes.to_vec()),
        Column::new(
            "community_name".into(),
            ["甲", "乙", "丙", "丁", "戊", "己", "庚", "辛"].to_vec(),
        ),
        Column::new(
            "county".into(),
            [
                "新华区",
                "新华区",
                "新华区",
                "新华区",
                "卫东区",
                "卫东区",
                "新华区",
                "湛河区",
            ]
            .to_vec(),
        ),
        Column::new(
            "street".into(),
            [
                "中兴路街道",
                "中兴路街道",
                "中兴路街道",
                "西市场街道",
                "东安路街道",
                "东安路街道",
                "中兴路街道",
                "马庄街道",
            ]
            .to_vec(),
        ),
    ]);
    let applications = frame_of(vec![
        Column::new("community_code".into(), codes[..7].to_vec()),
        Column::new(
            "year".into(),
            vec![2021i64, 2021, 2021, 2021, 2021, 2021, 2020],
        ),
        Column::new("applied_level".into(), vec!["市级"; 7]),
        Column::new(
            "street_recommends".into(),
            [None, None, Some(true), None, None, Some(true), None].to_vec(),
        ),
        Column::new(
            "county_recommends".into(),
            [None, None, Some(true), None, None, None, None].to_vec(),
        ),
    ]);
    let rows: Vec<(&str, i64, &str, &str, NaiveDate)> = vec![
        ("A", 2021, "街道审核", "同意", d(2022, 1, 10)),
        ("A", 2021, "县级实地考察", "合格", d(2022, 1, 11)),
        ("A", 2021, "县级初选", "推荐", d(2022, 1, 12)),
        ("A", 2021, "市级交叉考核", "合格", d(2022, 1, 20)),
        ("A", 2021, "公示", "无异议", d(2022, 2, 3)),
        ("A", 2021, "发文确认", "认定", d(2022, 2, 10)),
        ("B", 2021, "街道审核", "同意", d(2022, 1, 10)),
        ("B", 2021, "县级实地考察", "合格", d(2022, 1, 18)),
        ("B", 2021, "县级初选", "推荐", d(2022, 1, 18)),
        ("B", 2021, "市级交叉考核", "不合格", d(2022, 1, 25)),
        ("C", 2021, "街道审核", "不同意", d(2022, 1, 17)),
        ("D", 2021, "街道审核", "同意", d(2022, 1, 12)),
        ("D", 2021, "县级实地考察", "不合格", d(2022, 1, 13)),
        ("E", 2021, "街道审核", "同意", d(2022, 1, 14)),
        ("G", 2020, "街道审核", "同意", d(2021, 1, 20)),
    ];
    let decisions = frame_of(vec![
        Column::new(
            "community_code".into(),
            rows.iter().map(|r| r.0).collect::<Vec<_>>(),
        ),
        Column::new("year".into(), rows.iter().map(|r| r.1).collect::<Vec<_>>()),
        Column::new("stage".into(), rows.iter().map(|r| r.2).collect::<Vec<_>>()),
        Column::new(
            "decision".into(),
            rows.iter().map(|r| r.3).collect::<Vec<_>>(),
        ),
        Column::new("opinion".into(), vec![None::<&str>; rows.len()]),
        Column::new(
            "decided_on".into(),
            rows.iter().map(|r| r.4).collect::<Vec<_>>(),
        ),
        Column::new("decided_by".into(), vec![None::<&str>; rows.len()]),
    ]);
    // The panel confirmed falsifications of B, C and E in 2021.
    let confirmed = frame_of(vec![
        Column::new("community_code".into(), ["B", "C", "E"]),
        Column::new("year".into(), [2021i64, 2021, 2021]),
        Column::new(
            "confirmed_findings".into(),
            ["抽查", "duplicate_person", "抽查"],
        ),
    ]);
    (communities, applications, decisions, confirmed)
}

/// The bureau's record of receipts: 新华区's register on Mon 10 Jan (and
/// again on 12 Jan: the first counts), its list on Wed 19 Jan; 卫东区's
/// register on Thu 6 Jan, its list not received; nothing from 湛河区; and
/// 新华区's 2020 register.
fn filings() -> DataFrame {
    frame_of(vec![
        Column::new(
            "county".into(),
            ["新华区", "新华区", "新华区", "卫东区", "新华区"],
        ),
        Column::new("year".into(), [2021i64, 2021, 2021, 2021, 2020]),
        Column::new(
            "document".into(),
            [
                "复查情况登记表",
                "复查情况登记表",
                "推荐名单",
                "复查情况登记表",
                "复查情况登记表",
            ],
        ),
        Column::new(
            "received_on".into(),
            [
                d(2022, 1, 12),
                d(2022, 1, 10),
                d(2022, 1, 19),
                d(2022, 1, 6),
                d(2021, 1, 5),
            ],
        ),
    ])
}

fn run(filings: Option<&DataFrame>) -> DataFrame {
    let (communities, applications, decisions, confirmed) = fixture();
    let review = review();
    let publicity = Publicity {
        start: d(2022, 1, 28),
        end: d(2022, 2, 3),
        working_days: 5,
    };
    let stages = Stages::notice();
    let years = [2020, 2021];
    let run_date = d(2022, 2, 15);
    let st = status(&StatusInputs {
        applications: Some(&applications),
        decisions: Some(&decisions),
        communities: &communities,
        years: &years,
        review: &review,
        publicity: Some(&publicity),
        run_date,
        stages: &stages,
        objections: None,
    })
    .unwrap();
    accountability(&AccountabilityInputs {
        status: &st,
        applications: Some(&applications),
        decisions: Some(&decisions),
        communities: &communities,
        confirmed: &confirmed,
        filings,
        years: &years,
        review: &review,
        publicity: Some(&publicity),
        run_date,
        stages: &stages,
    })
    .unwrap()
}

/// One row as (year, level, county, street) → the named Int64 columns.
fn counts(df: &DataFrame, columns: &[&str]) -> Vec<(String, Vec<Option<i64>>)> {
    let s = |c: &str| fullemp::frame::strings(df, c).unwrap();
    let (level, county, street) = (s("level"), s("county"), s("street"));
    let year = fullemp::frame::ints(df, "year").unwrap();
    let values: Vec<Vec<Option<i64>>> = columns
        .iter()
        .map(|c| fullemp::frame::ints(df, c).unwrap())
        .collect();
    (0..df.height())
        .map(|i| {
            (
                format!(
                    "{} {} {} {}",
                    year[i].unwrap(),
                    level[i].as_deref().unwrap(),
                    county[i].as_deref().unwrap_or("-"),
                    street[i].as_deref().unwrap_or("-")
                ),
                values.iter().map(|v| v[i]).collect(),
            )
        })
        .collect()
}

#[test]
fn accountability_counts_each_unit_against_the_hand_worked_fixture() {
    let df = run(Some(&filings()));
    let columns = [
        "applications",
        "recommended",
        "stopped_at_site_visit",
        "stopped_at_county_selection",
        "stopped_at_city_assessment",
        "stopped_at_publicity",
        "stopped_at_confirmation",
        "confirmed",
        "falsifications_confirmed",
        "late_decisions",
    ];
    let got = counts(&df, &columns);
    let n = |v: [i64; 10]| v.map(Some).to_vec();
    // A county's row leaves the stops up to its own selection null.
    let county = |v: [i64; 8]| {
        let mut out: Vec<Option<i64>> = v.map(Some).to_vec();
        out.splice(2..2, [None, None]);
        out
    };
    let want: Vec<(String, Vec<Option<i64>>)> = vec![
        // 2020: rows for the roster's counties and the street with G; no
        // calendar for that year: late null.
        (
            "2020 county 卫东区 -".into(),
            [
                Some(0),
                Some(0),
                None,
                None,
                Some(0),
                Some(0),
                Some(0),
                Some(0),
                Some(0),
                None,
            ]
            .to_vec(),
        ),
        (
            "2020 county 新华区 -".into(),
            [
                Some(1),
                Some(0),
                None,
                None,
                Some(0),
                Some(0),
                Some(0),
                Some(0),
                Some(0),
                None,
            ]
            .to_vec(),
        ),
        (
            "2020 street 新华区 中兴路街道".into(),
            [
                Some(1),
                Some(1),
                Some(0),
                Some(0),
                Some(0),
                Some(0),
                Some(0),
                Some(0),
                Some(0),
                None,
            ]
            .to_vec(),
        ),
        (
            "2020 county 湛河区 -".into(),
            [
                Some(0),
                Some(0),
                None,
                None,
                Some(0),
                Some(0),
                Some(0),
                Some(0),
                Some(0),
                None,
            ]
            .to_vec(),
        ),
        // 卫东区: E and F; the county recommended neither, so E's
        // falsification is its street's alone.
        (
            "2021 county 卫东区 -".into(),
            county([2, 0, 0, 0, 0, 0, 0, 0]),
        ),
        // 东安路: E by its decision and F by its cell; E decided on its due
        // date, not after.
        (
            "2021 street 卫东区 东安路街道".into(),
            n([2, 2, 0, 0, 0, 0, 0, 0, 1, 0]),
        ),
        // 新华区: A, B, C, D; recommended A and B (C's county cell says
        // true, but its street stopped it first); B stopped at the cross
        // assessment with a falsification confirmed; B's site visit and
        // selection on 18 Jan, after the 14th: two late decisions.
        (
            "2021 county 新华区 -".into(),
            county([4, 2, 1, 0, 0, 1, 1, 2]),
        ),
        // 中兴路: A, B, C; C's 不同意 overrides its cell and came on the
        // 17th (late); C's confirmed falsification is not among those it
        // recommended.
        (
            "2021 street 新华区 中兴路街道".into(),
            n([3, 2, 0, 0, 1, 0, 0, 1, 1, 1]),
        ),
        // 西市场: D, stopped at the county's site visit.
        (
            "2021 street 新华区 西市场街道".into(),
            n([1, 1, 1, 0, 0, 0, 0, 0, 0, 0]),
        ),
        // 湛河区: in the roster, no application.
        (
            "2021 county 湛河区 -".into(),
            county([0, 0, 0, 0, 0, 0, 0, 0]),
        ),
    ];
    assert_eq!(got, want);

    // Filings, county rows only, in working days after the due date with
    // Mon 17 Jan a holiday; the run on Tue 15 Feb.
    let late = counts(&df, &["register_days_late", "list_days_late"]);
    let received = |c: &str| fullemp::frame::dates(&df, c).unwrap();
    let (register_on, list_on) = (
        received("register_received_on"),
        received("list_received_on"),
    );
    let source = fullemp::frame::strings(&df, "filed_source").unwrap();
    let at = |key: &str| late.iter().position(|(k, _)| k == key).unwrap();
    // 新华区: register Mon 10 Jan, 1 working day after Fri 7 Jan; list Wed
    // 19 Jan, 2 after Fri 14 Jan (the 17th a holiday: the 18th and 19th).
    let x = at("2021 county 新华区 -");
    assert_eq!(late[x].1, vec![Some(1), Some(2)]);
    assert_eq!(
        (register_on[x], list_on[x]),
        (Some(d(2022, 1, 10)), Some(d(2022, 1, 19)))
    );
    // 卫东区: register on time; list still not received on 15 Feb: 4 + 5 +
    // 5 + 5 + 2 = 21 working days late.
    let w = at("2021 county 卫东区 -");
    assert_eq!(late[w].1, vec![Some(0), Some(21)]);
    assert_eq!((register_on[w], list_on[w]), (Some(d(2022, 1, 6)), None));
    // 湛河区: neither received: register 5 + 21 = 26, list 21.
    let z = at("2021 county 湛河区 -");
    assert_eq!(late[z].1, vec![Some(26), Some(21)]);
    // 2020: the receipt shown, no calendar to count from.
    let old = at("2020 county 新华区 -");
    assert_eq!(late[old].1, vec![None, None]);
    assert_eq!(register_on[old], Some(d(2021, 1, 5)));
    // A street's row has no filing.
    let s = at("2021 street 新华区 中兴路街道");
    assert_eq!(late[s].1, vec![None, None]);
    assert_eq!(source[s], None);
    assert_eq!(source[x].as_deref(), Some("recorded"));
}

#[test]
fn without_the_record_of_receipts_the_filed_columns_are_null() {
    let df = run(None);
    let late = counts(&df, &["register_days_late", "list_days_late"]);
    assert!(late.iter().all(|(_, v)| v.iter().all(Option::is_none)));
    for c in ["register_received_on", "list_received_on"] {
        assert_eq!(df.column(c).unwrap().null_count(), df.height(), "{c}");
    }
    let level = fullemp::frame::strings(&df, "level").unwrap();
    let source = fullemp::frame::strings(&df, "filed_source").unwrap();
    for (l, s) in level.iter().zip(&source) {
        let want = (l.as_deref() == Some("county")).then_some("not recorded");
        assert_eq!(s.as_deref(), want);
    }
    // The counts do not depend on the receipts.
    let columns = ["applications", "recommended", "late_decisions"];
    assert_eq!(
        counts(&df, &columns),
        counts(&run(Some(&filings())), &columns)
    );
}

#[test]
fn the_stop_columns_follow_the_stage_list() {
    // A stage added after the county's selection gets its column; a
    // county's row counts stops there.
    let mut stages = Stages::notice();
    let mut hearing = stages.0[3].clone();
    hearing.id = "district_hearing".into();
    hearing.name = "区级听证".into();
    hearing.former_names.clear();
    stages.0.insert(3, hearing);
    let names = fullemp::panel::dictionary::columns(
        fullemp::panel::dictionary::table("accountability").unwrap(),
        &stages,
    );
    let stops: Vec<String> = names
        .into_iter()
        .map(|c| c.name)
        .filter(|n| n.starts_with("stopped_at_"))
        .collect();
    assert_eq!(
        stops,
        [
            "stopped_at_site_visit",
            "stopped_at_county_selection",
            "stopped_at_district_hearing",
            "stopped_at_city_assessment",
            "stopped_at_publicity",
            "stopped_at_confirmation"
        ]
    );
}
