//! Hand-worked fixture for every indicator of indicators.md. The extract is
//! written in this file; each expected number carries the sentence of the spec
//! it checks. Cut-off A = 2021-12-31, S = 2021-01-01, retirement 60 (men) and
//! 55 (women), clearance_days 30, long_term_days 180, min_staff 1.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::NaiveDate;
use fullemp::config::{AsOf, Pipeline, Rules};
use fullemp::contract::Table;
use fullemp::contract::identity::gb11643_check_char;
use fullemp::indicators::{self, Indicators};
use polars::prelude::*;

const C1: &str = "410402001001";
const C2: &str = "410402001002";
const C3: &str = "410402001003";

/// A valid identity number for person n born on `birth` (YYYYMMDD).
fn id(n: u32, birth: &str) -> String {
    let body = format!("410402{birth}{n:03}");
    format!("{body}{}", gb11643_check_char(&body).unwrap())
}

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}

/// Persons used below: (label, birth date).
fn p(label: &str) -> String {
    let births = [
        ("P1", "19800501"),
        ("P2", "19661231"),
        ("P3", "19670101"),
        ("P4", "19611231"),
        ("P5", "20051231"),
        ("P6", "19900101"),
        ("P7", "19900102"),
        ("P8", "19850101"),
        ("P9", "19850601"),
        ("P10", "19850701"),
        ("P11", "19700101"),
        ("P12", "19750101"),
        ("P13", "19760101"),
        ("P14", "19770101"),
        ("P15", "19780101"),
        ("P16", "19790101"),
    ];
    let (i, (_, b)) = births
        .iter()
        .enumerate()
        .find(|(_, (l, _))| *l == label)
        .unwrap();
    id(i as u32 + 1, b)
}

fn fixture(dir: &Path, with_optional: bool) {
    write(
        dir,
        "communities.csv",
        &format!(
            "community_code,community_name,county,street,provincial_year\n\
             {C1},光明社区,新华区,中兴路街道,2015\n{C2},和平社区,新华区,中兴路街道,\n{C3},东风社区,卫东区,东安路街道,\n"
        ),
    );
    let persons = [
        // P1: working age, able, active → labour force; E1 covers A → employed.
        (
            "P1",
            C1,
            "H1",
            "男",
            "1980-05-01",
            "是",
            "2015-01-01",
            "",
            "",
        ),
        // P2: a woman who turns 55 on A is past working age.
        (
            "P2",
            C1,
            "H2",
            "女",
            "1966-12-31",
            "是",
            "2015-01-01",
            "",
            "",
        ),
        // P3: a woman of 54 at A is of working age; not employed at A.
        (
            "P3",
            C1,
            "H3",
            "女",
            "1967-01-01",
            "是",
            "2015-01-01",
            "",
            "",
        ),
        // P4: a man who turns 60 on A is past working age.
        (
            "P4",
            C1,
            "H4",
            "男",
            "1961-12-31",
            "是",
            "2015-01-01",
            "",
            "",
        ),
        // P5: turns 16 on A: of working age.
        (
            "P5",
            C1,
            "H5",
            "男",
            "2005-12-31",
            "是",
            "2015-01-01",
            "",
            "",
        ),
        // P6: left the ledger on A: not active at A.
        (
            "P6",
            C1,
            "H6",
            "男",
            "1990-01-01",
            "是",
            "2015-01-01",
            "2021-12-31",
            "迁出",
        ),
        // P7: leaves the day after A: active at A; employed through a record of another community.
        (
            "P7",
            C1,
            "H7",
            "男",
            "1990-01-02",
            "是",
            "2015-01-01",
            "2022-01-01",
            "迁出",
        ),
        // P8: no labour capacity.
        (
            "P8",
            C1,
            "H8",
            "男",
            "1985-01-01",
            "否",
            "2015-01-01",
            "",
            "",
        ),
        // P9 moved: C2 until 2021-06-30, C1 from 2021-07-01: in C1's labour force only.
        (
            "P9",
            C2,
            "H9",
            "女",
            "1985-06-01",
            "是",
            "2015-01-01",
            "2021-06-30",
            "迁出",
        ),
        (
            "P9",
            C1,
            "H9",
            "女",
            "1985-06-01",
            "是",
            "2021-07-01",
            "",
            "",
        ),
        // P10: entered after A.
        (
            "P10",
            C1,
            "H10",
            "男",
            "1985-07-01",
            "是",
            "2022-01-01",
            "",
            "",
        ),
        // P11: C2's only labour force, not employed.
        (
            "P11",
            C2,
            "H11",
            "男",
            "1970-01-01",
            "是",
            "2015-01-01",
            "",
            "",
        ),
    ];
    let mut text = String::from(
        "person_id,community_code,household_id,gender,birth_date,labor_capacity,entered_on,left_on,left_reason\n",
    );
    for (l, c, h, g, b, cap, e, left, why) in persons {
        text.push_str(&format!(
            "{},{c},{h},{g},{b},{cap},{e},{left},{why}\n",
            p(l)
        ));
    }
    write(dir, "persons.csv", &text);

    let employment = [
        ("E1", "P1", C1, "2020-03-01", ""),
        // P3's job ended the day before A: not employed at A; a new job of C1 in P.
        ("E3", "P3", C1, "2021-02-01", "2021-12-30"),
        // Registered by C2: counts for C2's new_jobs and for P7 being employed at A.
        ("E7", "P7", C2, "2021-05-01", ""),
        // Starts on A: covers A, a new job in P, and re-employs P9's registration.
        ("E9", "P9", C1, "2021-12-31", ""),
        // P12 re-employed on S, through C2: counts for C1's reemployed_in_period.
        ("E12", "P12", C2, "2021-01-01", "2021-03-31"),
        // Starts after A: nothing.
        ("E20", "P5", C1, "2022-01-05", ""),
    ];
    let mut text =
        String::from("record_id,person_id,community_code,employment_type,started_on,ended_on\n");
    for (r, l, c, s, e) in employment {
        text.push_str(&format!("{r},{},{c},单位就业,{s},{e}\n", p(l)));
    }
    write(dir, "employment.csv", &text);

    let unemployment = [
        // Open at A (and long-term: registered 305 days before A).
        ("U1", "P3", C1, "2021-03-01", "", ""),
        // Ended on A: not open at A, but overlaps P.
        ("U2", "P5", C1, "2021-06-15", "2021-12-31", "其他"),
        // Ended on S: overlaps P; re-employed on S through C2.
        ("U3", "P12", C1, "2020-05-01", "2021-01-01", "就业"),
        // Ended before S: does not overlap P.
        ("U4", "P13", C1, "2020-01-01", "2020-12-31", "其他"),
        // Re-employed on A.
        ("U5", "P9", C1, "2021-07-01", "2021-12-30", "就业"),
        // P1's only job started before this registration: not re-employed.
        ("U6", "P1", C1, "2021-04-01", "2021-08-01", "其他"),
        // Open at A, registered 181 days before A: long-term.
        ("U8", "P14", C1, "2021-07-03", "", ""),
        // Open at A, registered exactly 180 days before A: not long-term.
        ("U9", "P15", C1, "2021-07-04", "", ""),
    ];
    let mut text = String::from(
        "registration_id,person_id,community_code,registered_on,ended_on,end_reason\n",
    );
    for (r, l, c, s, e, why) in unemployment {
        text.push_str(&format!("{r},{},{c},{s},{e},{why}\n", p(l)));
    }
    write(dir, "unemployment.csv", &text);

    let hardship = [
        ("P3", C1, "2020-01-01", ""),
        ("P1", C1, "2021-05-01", ""),
        // Revoked before S: not in H.
        ("P5", C1, "2019-01-01", "2020-12-31"),
        // Revoked on S: overlaps P, so in H; employed at A.
        ("P7", C1, "2020-06-01", "2021-01-01"),
        // Designated after A.
        ("P16", C1, "2022-01-02", ""),
    ];
    let mut text = String::from("person_id,community_code,category,designated_on,revoked_on\n");
    for (l, c, d, r) in hardship {
        text.push_str(&format!("{},{c},4050人员,{d},{r}\n", p(l)));
    }
    write(dir, "hardship.csv", &text);

    write(
        dir,
        "zero_households.csv",
        &format!(
            "household_id,community_code,identified_on,cleared_on\n\
             HH1,{C1},2021-11-01,2021-12-01\n\
             HH2,{C1},2021-11-01,2021-12-02\n\
             HH3,{C1},2021-12-15,\n\
             HH4,{C1},2020-06-01,2020-12-31\n\
             HH5,{C1},2021-10-01,2022-01-15\n\
             HH6,{C1},2022-01-01,\n"
        ),
    );
    if with_optional {
        write(
            dir,
            "services.csv",
            &format!(
                "service_id,person_id,community_code,service_type,delivered_on\n\
                 S1,{},{C2},职业指导,2021-12-31\nS2,{},{C1},职业介绍,2020-12-31\n\
                 S3,{},{C1},就业援助,2021-01-01\nS4,{},{C1},政策咨询,2021-06-01\n",
                p("P3"),
                p("P1"),
                p("P7"),
                p("P5")
            ),
        );
        write(
            dir,
            "platform.csv",
            &format!(
                "community_code,year,service_window,staff_count,has_info_system\n\
                 {C1},2021,是,1,是\n{C2},2021,是,0,是\n{C1},2020,否,3,是\n"
            ),
        );
    }
}

fn compute(with_optional: bool, as_of: &str, years: &[i32]) -> Indicators {
    let dir = tempfile::tempdir().unwrap();
    fixture(dir.path(), with_optional);
    let pipeline = Pipeline::new(dir.path(), dir.path().join("out"));
    let extract = fullemp::ingest::ingest(&pipeline).unwrap();
    assert!(
        extract.rejects.is_empty(),
        "the fixture is clean: {:?}",
        extract.rejects
    );
    let tables: BTreeMap<Table, DataFrame> = extract.tables.clone();
    indicators::compute(
        &tables,
        &Rules::default().indicators,
        AsOf::parse(as_of).unwrap(),
        Some(years),
    )
    .unwrap()
}

fn value(ind: &Indicators, community: &str, year: i64, column: &str) -> AnyValue<'static> {
    let df = ind
        .frame
        .clone()
        .lazy()
        .filter(
            col("community_code")
                .eq(lit(community))
                .and(col("year").eq(lit(year))),
        )
        .collect()
        .unwrap();
    assert_eq!(df.height(), 1, "one row for {community} {year}");
    df.column(column).unwrap().get(0).unwrap().into_static()
}

fn int(ind: &Indicators, c: &str, column: &str) -> Option<i64> {
    match value(ind, c, 2021, column) {
        AnyValue::Null => None,
        v => Some(v.extract::<i64>().unwrap()),
    }
}

fn rate(ind: &Indicators, c: &str, column: &str) -> Option<f64> {
    match value(ind, c, 2021, column) {
        AnyValue::Null => None,
        v => Some(v.extract::<f64>().unwrap()),
    }
}

#[test]
fn labour_force_and_employment() {
    let ind = compute(true, "2021-12-31", &[2021]);
    // P1, P3, P5, P7, P9: not P2/P4 (retirement birthday on A), P6 (left on A),
    // P8 (no capacity), P10 (entered after A).
    assert_eq!(int(&ind, C1, "labor_force"), Some(5));
    // P1 (E1), P7 (a record of C2 covers A), P9 (starts on A); not P3 (ended the day before A).
    assert_eq!(int(&ind, C1, "employed"), Some(3));
    // P9's C2 stay ended before A; P11 only.
    assert_eq!(int(&ind, C2, "labor_force"), Some(1));
    assert_eq!(int(&ind, C2, "employed"), Some(0));
}

#[test]
fn registered_unemployment() {
    let ind = compute(true, "2021-12-31", &[2021]);
    // Open at A: U1, U8, U9 (U2 ended on A is not open).
    assert_eq!(int(&ind, C1, "registered_unemployed"), Some(3));
    // 3 / (3 employed + 3 registered).
    assert_eq!(rate(&ind, C1, "registered_unemployment_rate"), Some(0.5));
    // Denominator 0 → null, never 0.
    assert_eq!(rate(&ind, C2, "registered_unemployment_rate"), None);
    // Registered more than 180 days before A: U1 and U8 (181 days), not U9 (180 days).
    assert_eq!(int(&ind, C1, "long_term_unemployed"), Some(2));
}

#[test]
fn reemployment_in_period() {
    let ind = compute(true, "2021-12-31", &[2021]);
    // Overlapping P: P3, P5, P12 (ended on S), P9, P1, P14, P15; not P13 (ended before S).
    assert_eq!(int(&ind, C1, "unemployed_in_period"), Some(7));
    // P12 (started on S, through C2) and P9 (started on A); not P1 (started before
    // registering) nor P3 (job started before the registration).
    assert_eq!(int(&ind, C1, "reemployed_in_period"), Some(2));
    assert_eq!(rate(&ind, C1, "reemployment_rate"), Some(2.0 / 7.0));
    assert_eq!(int(&ind, C2, "unemployed_in_period"), Some(0));
    assert_eq!(rate(&ind, C2, "reemployment_rate"), None);
}

#[test]
fn hardship_and_assistance() {
    let ind = compute(true, "2021-12-31", &[2021]);
    // P3, P1, P7 (revoked on S still overlaps); not P5 (revoked before S) nor P16 (after A).
    assert_eq!(int(&ind, C1, "hardship_persons"), Some(3));
    assert_eq!(int(&ind, C1, "assistance_targets"), Some(3));
    // P1 and P7 employed at A.
    assert_eq!(int(&ind, C1, "hardship_employed"), Some(2));
    assert_eq!(rate(&ind, C1, "hardship_employment_rate"), Some(2.0 / 3.0));
    // P3 served by C2 on A, P7 served on S; P1's service was before S.
    assert_eq!(int(&ind, C1, "assisted"), Some(2));
    assert_eq!(rate(&ind, C1, "assistance_coverage"), Some(2.0 / 3.0));
    // Service rows of the community in P: S3 and S4 (S2 is before S; S1 is C2's).
    assert_eq!(int(&ind, C1, "services_delivered"), Some(2));
    assert_eq!(int(&ind, C2, "services_delivered"), Some(1));
    assert_eq!(rate(&ind, C2, "hardship_employment_rate"), None);
    assert_eq!(rate(&ind, C2, "assistance_coverage"), None);
}

#[test]
fn zero_households_and_clearance() {
    let ind = compute(true, "2021-12-31", &[2021]);
    // HH1, HH2, HH3, HH5: not HH4 (cleared before S) nor HH6 (identified after A).
    assert_eq!(int(&ind, C1, "zero_households"), Some(4));
    // HH3 (not cleared) and HH5 (cleared after A).
    assert_eq!(int(&ind, C1, "zero_households_open"), Some(2));
    // HH1 cleared in exactly 30 days: not overdue; HH2 in 31: overdue; HH5 91 days to A.
    assert_eq!(int(&ind, C1, "zero_households_overdue"), Some(2));
    assert_eq!(int(&ind, C1, "zero_households_max_days"), Some(91));
    assert_eq!(int(&ind, C2, "zero_households"), Some(0));
    assert_eq!(int(&ind, C2, "zero_households_max_days"), None);
}

#[test]
fn new_jobs_and_platform() {
    let ind = compute(true, "2021-12-31", &[2020, 2021]);
    // Records registered by C1 starting in P: E3 and E9 (E1 before S, E20 after A).
    assert_eq!(int(&ind, C1, "new_jobs"), Some(2));
    // E7 and E12 were registered by C2.
    assert_eq!(int(&ind, C2, "new_jobs"), Some(2));
    // staff_count 1 = min_staff with window and system: ok. C2 has 0 staff. C3: no row → null.
    assert_eq!(
        value(&ind, C1, 2021, "platform_ok"),
        AnyValue::Boolean(true)
    );
    assert_eq!(
        value(&ind, C2, 2021, "platform_ok"),
        AnyValue::Boolean(false)
    );
    assert_eq!(value(&ind, C3, 2021, "platform_ok"), AnyValue::Null);
    assert_eq!(
        value(&ind, C1, 2020, "platform_ok"),
        AnyValue::Boolean(false)
    );
}

#[test]
fn an_empty_community_has_zero_counts_and_null_rates() {
    let ind = compute(true, "2021-12-31", &[2021]);
    for c in [
        "labor_force",
        "employed",
        "registered_unemployed",
        "new_jobs",
        "zero_households",
        "assisted",
    ] {
        assert_eq!(int(&ind, C3, c), Some(0), "{c}");
    }
    for r in [
        "registered_unemployment_rate",
        "reemployment_rate",
        "hardship_employment_rate",
        "assistance_coverage",
    ] {
        assert_eq!(rate(&ind, C3, r), None, "{r}");
    }
}

#[test]
fn missing_optional_tables_give_null_not_zero() {
    let ind = compute(false, "2021-12-31", &[2021]);
    assert_eq!(int(&ind, C1, "assisted"), None);
    assert_eq!(rate(&ind, C1, "assistance_coverage"), None);
    assert_eq!(int(&ind, C1, "services_delivered"), None);
    assert_eq!(value(&ind, C1, 2021, "platform_ok"), AnyValue::Null);
    // Everything else is as with the optional tables.
    assert_eq!(int(&ind, C1, "labor_force"), Some(5));
    assert_eq!(int(&ind, C1, "hardship_persons"), Some(3));
}

#[test]
fn an_earlier_year_ends_on_its_31_december() {
    let ind = compute(true, "2021-12-31", &[2020, 2021]);
    assert_eq!(
        ind.periods[0].cutoff,
        NaiveDate::from_ymd_opt(2020, 12, 31).unwrap()
    );
    // At 2020-12-31: P1 (E1 from 2020-03-01) employed; U3 (P12) and U4 (P13, ended on
    // 2020-12-31, so not open) → open registrations: U3 only.
    assert_eq!(
        value(&ind, C1, 2020, "registered_unemployed").extract::<i64>(),
        Some(1)
    );
    // 2020's zero households: HH4 (identified 2020-06-01, cleared 2020-12-31, 213 days).
    assert_eq!(
        value(&ind, C1, 2020, "zero_households").extract::<i64>(),
        Some(1)
    );
    assert_eq!(
        value(&ind, C1, 2020, "zero_households_max_days").extract::<i64>(),
        Some(213)
    );
}

#[test]
fn as_of_extract_is_the_latest_event_date_without_recorded_at() {
    let ind = compute(true, "extract", &[2021]);
    // No recorded_at in the fixture: the latest event date is HH5's cleared_on, 2022-01-15.
    assert_eq!(ind.as_of, NaiveDate::from_ymd_opt(2022, 1, 15).unwrap());
}

#[test]
fn published_schema_and_types() {
    let ind = compute(true, "2021-12-31", &[2021]);
    let schema = ind.frame.schema();
    let names: Vec<&str> = schema.iter_names().map(|n| n.as_str()).collect();
    let mut want: Vec<&str> = indicators::IDENTIFICATION.to_vec();
    want.extend(indicators::INDICATORS);
    assert_eq!(names, want);
    for (name, dtype) in schema.iter() {
        let expected = match name.as_str() {
            "community_code" | "community_name" | "county" | "street" => DataType::String,
            "platform_ok" => DataType::Boolean,
            n if n.ends_with("_rate") || n == "assistance_coverage" => DataType::Float64,
            _ => DataType::Int64,
        };
        assert_eq!(dtype, &expected, "{name}");
    }
    assert_eq!(ind.frame.height(), 3);
}
