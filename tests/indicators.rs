//! Hand-worked fixture for every indicator of docs/indicators.md. The extract is
//! written by `support/mod.rs` (its rows commented there); each expected number carries the sentence of docs/indicators.md
//! it checks. Cut-off A = 2021-12-31, S = 2021-01-01, retirement 60 (men) and
//! 55 (women), clearance_days 30, long_term_days 180, min_staff 1.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use fullemp::config::{AsOf, Pipeline, Rules};
use fullemp::contract::Table;
use fullemp::indicators::{self, Indicators};
use polars::prelude::*;

mod support;
use support::{C1, C2, C3, fixture};

fn compute(with_optional: bool, as_of: &str, years: &[i32]) -> Indicators {
    let dir = tempfile::tempdir().unwrap();
    fixture(dir.path(), with_optional);
    let pipeline = Pipeline::new(dir.path(), dir.path().join("out"));
    let extract = fullemp::ingest::ingest(&pipeline, &fullemp::detectors::ids()).unwrap();
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
    // E7 and E12 were registered by C2, but P12 has no ledger row: "of working
    // age at that started_on by any of their ledger rows (a person with no
    // ledger row is not counted)".
    assert_eq!(int(&ind, C2, "new_jobs"), Some(1));
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
