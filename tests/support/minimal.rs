//! A minimal valid extract: the six required tables, one row each, for the
//! ingest tests to spoil one thing at a time.

use super::write;

/// A community code that every minimal table names.
pub const COMMUNITY: &str = "410402001001";

/// A GB 11643 identifier with a correct check character: the standard's own example.
pub const PERSON: &str = "11010519491231002X";

/// The six required tables, one valid row each, canonical headers, UTF-8.
pub fn minimal_tables() -> Vec<(&'static str, String)> {
    vec![
        (
            "communities.csv",
            format!(
                "community_code,community_name,county,street\n{COMMUNITY},新华社区,新华区,中兴路街道\n"
            ),
        ),
        (
            "persons.csv",
            format!(
                "person_id,community_code,household_id,gender,birth_date,labor_capacity,entered_on\n\
                 {PERSON},{COMMUNITY},H001,女,1949-12-31,是,2020-01-01\n"
            ),
        ),
        (
            "unemployment.csv",
            format!(
                "registration_id,person_id,community_code,registered_on\nU001,{PERSON},{COMMUNITY},2021-03-01\n"
            ),
        ),
        (
            "employment.csv",
            format!(
                "record_id,person_id,community_code,employment_type,started_on\nE001,{PERSON},{COMMUNITY},灵活就业,2021-06-01\n"
            ),
        ),
        (
            "hardship.csv",
            format!(
                "person_id,community_code,category,designated_on\n{PERSON},{COMMUNITY},4050人员,2021-01-10\n"
            ),
        ),
        (
            "zero_households.csv",
            format!("household_id,community_code,identified_on\nH001,{COMMUNITY},2021-02-01\n"),
        ),
    ]
}

/// A temporary folder holding the minimal extract.
pub fn minimal_extract() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, text) in minimal_tables() {
        write(dir.path(), name, text.as_bytes());
    }
    dir
}
