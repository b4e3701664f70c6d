//! `findings/year=YYYY/part-0.parquet`: one row per detector finding, persons
//! pseudonymised, communities named as in every other community table.

use std::collections::HashMap;

use polars::prelude::*;

use crate::detectors::Finding;
use crate::error::Result;
use crate::privacy::Pseudonymizer;

/// The published columns, in order (`year` goes into the partition path).
pub const COLUMNS: [&str; 13] = [
    "detector",
    "severity",
    "level",
    "community_code",
    "community_name",
    "county",
    "street",
    "year",
    "explanation",
    "value",
    "threshold",
    "p_value",
    "evidence",
];

/// The findings as the published frame, in the order given (`detect_all`
/// already sorted them). `community_name` and `street` come from `places`
/// (any frame with `community_code`, `community_name`, `street`: the
/// communities table or the indicators); all three community columns are
/// null for a county-level finding.
pub fn findings_frame(
    findings: &[Finding],
    places: &DataFrame,
    pseudonyms: &Pseudonymizer,
) -> Result<DataFrame> {
    let codes = places.column("community_code")?.str()?.clone();
    let names = places.column("community_name")?.str()?.clone();
    let streets = places.column("street")?.str()?.clone();
    let place: HashMap<&str, (Option<&str>, Option<&str>)> = codes
        .iter()
        .zip(names.iter().zip(streets.iter()))
        .filter_map(|(c, ns)| Some((c?, ns)))
        .collect();
    let name_of = |f: &Finding| -> Option<String> {
        let (name, _) = place.get(f.community_code.as_deref()?)?;
        name.map(str::to_string)
    };
    let street_of = |f: &Finding| -> Option<String> {
        let (_, street) = place.get(f.community_code.as_deref()?)?;
        street.map(str::to_string)
    };
    let text = |get: &dyn Fn(&Finding) -> Option<String>| -> Vec<Option<String>> {
        findings.iter().map(get).collect()
    };
    let number = |get: fn(&Finding) -> Option<f64>| -> Vec<Option<f64>> {
        findings.iter().map(get).collect()
    };
    let evidence: ListChunked = findings
        .iter()
        .map(|f| {
            let items: Vec<String> = f.evidence.iter().map(|e| e.render(pseudonyms)).collect();
            Some(Series::new(PlSmallStr::EMPTY, items))
        })
        .collect();
    let evidence = evidence
        .with_name("evidence".into())
        .into_series()
        .cast(&DataType::List(Box::new(DataType::String)))?;
    let df = DataFrame::new_infer_height(vec![
        Column::new("detector".into(), text(&|f| Some(f.detector.to_string()))),
        Column::new(
            "severity".into(),
            text(&|f| Some(f.severity.as_str().to_string())),
        ),
        Column::new(
            "level".into(),
            text(&|f| Some(f.level.as_str().to_string())),
        ),
        Column::new("community_code".into(), text(&|f| f.community_code.clone())),
        Column::new("community_name".into(), text(&name_of)),
        Column::new("county".into(), text(&|f| Some(f.county.clone()))),
        Column::new("street".into(), text(&street_of)),
        Column::new(
            "year".into(),
            findings.iter().map(|f| f.year as i64).collect::<Vec<i64>>(),
        ),
        Column::new("explanation".into(), text(&|f| Some(f.explanation.clone()))),
        Column::new("value".into(), number(|f| f.value)),
        Column::new("threshold".into(), number(|f| f.threshold)),
        Column::new("p_value".into(), number(|f| f.p_value)),
        evidence.into_column(),
    ])?;
    Ok(df)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detectors::{Evidence, Level, Severity};

    #[test]
    fn columns_types_and_county_rows_without_community() {
        let communities = df!(
            "community_code" => ["410402001001"],
            "community_name" => ["新华社区"],
            "county" => ["新华区"],
            "street" => ["中兴路街道"],
        )
        .unwrap();
        let finding = |code: Option<&str>, level| Finding {
            detector: "x",
            severity: Severity::High,
            level,
            community_code: code.map(str::to_string),
            county: "新华区".into(),
            year: 2021,
            explanation: "说明".into(),
            value: Some(1.0),
            threshold: None,
            p_value: None,
            evidence: vec![Evidence::person("11010519491231002X")],
        };
        let p = Pseudonymizer::from_key(b"test-key".to_vec(), "test");
        let df = findings_frame(
            &[
                finding(Some("410402001001"), Level::Community),
                finding(None, Level::County),
            ],
            &communities,
            &p,
        )
        .unwrap();
        let names: Vec<&str> = df.get_column_names().iter().map(|s| s.as_str()).collect();
        assert_eq!(names, COLUMNS.to_vec());
        assert_eq!(
            df.column("community_name").unwrap().str().unwrap().get(0),
            Some("新华社区")
        );
        assert_eq!(df.column("street").unwrap().str().unwrap().get(1), None);
        assert_eq!(df.column("threshold").unwrap().dtype(), &DataType::Float64);
        let ev = df
            .column("evidence")
            .unwrap()
            .list()
            .unwrap()
            .get_as_series(0)
            .unwrap();
        assert_eq!(
            ev.str().unwrap().get(0),
            Some("person_key=e7e0eb61ae93a5d9")
        );
        let empty = findings_frame(&[], &communities, &p).unwrap();
        assert_eq!(
            empty.column("evidence").unwrap().dtype(),
            &DataType::List(Box::new(DataType::String))
        );
    }
}
