//! An extract written from a few rows per table, ingested and handed to one
//! detector with the default rules: the harness of the detector fixtures.
//! Cut-off A = 2021-12-31, review years 2020 and 2021.

use std::collections::BTreeMap;

use fullemp::config::{AsOf, Pipeline, Rules};
use fullemp::contract::Table;
use fullemp::detectors::{Finding, Inputs};
use fullemp::indicators;

/// The two communities every fixture has unless it gives its own.
pub const C1: &str = "410402001001";
pub const C2: &str = "410402001002";

/// Each table's header; a table given no rows is written header-only when
/// required, left out when optional (services).
const HEADERS: [(&str, &str, bool); 7] = [
    (
        "communities",
        "community_code,community_name,county,street,provincial_year",
        true,
    ),
    (
        "persons",
        "person_id,community_code,household_id,gender,birth_date,labor_capacity,entered_on,left_on,left_reason",
        true,
    ),
    (
        "unemployment",
        "registration_id,person_id,community_code,registered_on,ended_on,end_reason",
        true,
    ),
    (
        "employment",
        "record_id,person_id,community_code,employer_name,employer_code,employment_type,started_on,ended_on,recorded_at",
        true,
    ),
    (
        "hardship",
        "person_id,community_code,category,designated_on,revoked_on",
        true,
    ),
    (
        "zero_households",
        "household_id,community_code,identified_on,cleared_on",
        true,
    ),
    (
        "services",
        "service_id,person_id,community_code,service_type,delivered_on",
        false,
    ),
];

/// An extract in a temporary folder.
pub struct DetectorExtract {
    dir: tempfile::TempDir,
}

impl DetectorExtract {
    /// The given rows (CSV lines without header) per table.
    pub fn new(tables: &[(&str, Vec<String>)]) -> DetectorExtract {
        let dir = tempfile::tempdir().unwrap();
        let given: BTreeMap<&str, &Vec<String>> = tables.iter().map(|(t, r)| (*t, r)).collect();
        for (table, header, required) in HEADERS {
            if !required && !given.contains_key(table) {
                continue;
            }
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
        DetectorExtract { dir }
    }

    /// Ingests the extract (no row may be rejected) and runs `detect` on
    /// the detectors' inputs under the default rules, review years 2020 and
    /// 2021.
    pub fn detect<F>(&self, detect: F) -> Vec<Finding>
    where
        F: Fn(&Inputs, &Rules) -> fullemp::Result<Vec<Finding>>,
    {
        self.detect_years(&[2020, 2021], detect)
    }

    /// `detect` for the given review years.
    pub fn detect_years<F>(&self, years: &[i32], detect: F) -> Vec<Finding>
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
            Some(years),
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
