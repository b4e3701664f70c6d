//! One typed struct per table of the contract, and the cell values they turn
//! into, in the column order of `contract::tables` (a test holds the two
//! together).

use std::collections::BTreeSet;

use chrono::{NaiveDate, NaiveDateTime};

use crate::contract::tables::{self, TableSpec};

/// A cell before it is spelled for a file.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Text(String),
    Word(&'static str),
    Int(i64),
    Float(f64),
    /// A rate as a fraction; files may spell it as a percentage.
    Rate(f64),
    Bool(bool),
    Date(NaiveDate),
    DateTime(NaiveDateTime),
    /// Text written verbatim whatever the column's type: only the sample's
    /// planted bad rows use it, and only CSV files carry it.
    Raw(String),
}

fn opt<T>(v: Option<T>, f: impl FnOnce(T) -> Value) -> Value {
    v.map_or(Value::Null, f)
}

#[derive(Debug, Clone)]
pub struct Community {
    pub code: String,
    pub name: String,
    pub county: String,
    pub street: String,
    pub provincial_year: Option<i32>,
    pub provincial_star_year: Option<i32>,
    pub provincial_stars: Option<i32>,
    pub national: Option<bool>,
    pub city_year: Option<i32>,
    pub city_stars: Option<i32>,
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Person {
    pub id: String,
    pub community: String,
    pub household: String,
    pub male: bool,
    pub birth: NaiveDate,
    pub capacity: bool,
    pub wants_work: Option<bool>,
    pub entered: NaiveDate,
    pub left: Option<NaiveDate>,
    pub left_reason: Option<&'static str>,
}

#[derive(Debug, Clone)]
pub struct Registration {
    pub id: String,
    pub person: String,
    pub community: String,
    pub registered: NaiveDate,
    pub ended: Option<NaiveDate>,
    pub reason: Option<&'static str>,
}

#[derive(Debug, Clone)]
pub struct Job {
    pub id: String,
    pub person: String,
    pub community: String,
    pub employer_name: Option<String>,
    pub employer_code: Option<String>,
    pub kind: &'static str,
    pub started: NaiveDate,
    pub ended: Option<NaiveDate>,
    pub recorded_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone)]
pub struct Designation {
    pub person: String,
    pub community: String,
    pub category: &'static str,
    pub designated: NaiveDate,
    pub revoked: Option<NaiveDate>,
}

#[derive(Debug, Clone)]
pub struct ZeroHousehold {
    pub household: String,
    pub community: String,
    pub identified: NaiveDate,
    pub cleared: Option<NaiveDate>,
}

#[derive(Debug, Clone)]
pub struct Service {
    pub id: String,
    pub person: String,
    pub community: String,
    pub kind: &'static str,
    pub delivered: NaiveDate,
}

#[derive(Debug, Clone)]
pub struct Platform {
    pub community: String,
    pub year: i32,
    pub window: bool,
    pub staff: i64,
    pub info_system: bool,
    pub funding: Option<f64>,
}

#[derive(Debug, Clone)]
pub struct Application {
    pub community: String,
    pub year: i32,
    pub level: &'static str,
    pub reemployment_rate: Option<f64>,
    pub hardship_rate: Option<f64>,
    pub new_jobs: Option<i64>,
    pub zero_households: Option<i64>,
    pub street_recommends: Option<bool>,
    pub county_recommends: Option<bool>,
    pub submitted: Option<NaiveDate>,
}

/// The province's answer to a proposed disqualification (`approvals`, one
/// of the panel's records).
#[derive(Debug, Clone)]
pub struct Approval {
    pub community: String,
    /// The review year whose re-inspection proposed it.
    pub year: i32,
    pub answer: &'static str,
    pub answered: NaiveDate,
    pub document_no: Option<String>,
    pub note: Option<String>,
}

/// A table's row as cells in the contract's column order.
pub trait Row {
    const SPEC: &'static TableSpec;
    fn cells(&self) -> Vec<Value>;
}

impl Row for Community {
    const SPEC: &'static TableSpec = &tables::COMMUNITIES;
    fn cells(&self) -> Vec<Value> {
        let int = |v: Option<i32>| opt(v, |x| Value::Int(x.into()));
        vec![
            Value::Text(self.code.clone()),
            Value::Text(self.name.clone()),
            Value::Text(self.county.clone()),
            Value::Text(self.street.clone()),
            int(self.provincial_year),
            int(self.provincial_star_year),
            int(self.provincial_stars),
            opt(self.national, Value::Bool),
            int(self.city_year),
            int(self.city_stars),
            opt(self.contact_name.clone(), Value::Text),
            opt(self.contact_phone.clone(), Value::Text),
        ]
    }
}

impl Row for Person {
    const SPEC: &'static TableSpec = &tables::PERSONS;
    fn cells(&self) -> Vec<Value> {
        vec![
            Value::Text(self.id.clone()),
            Value::Text(self.community.clone()),
            Value::Text(self.household.clone()),
            Value::Word(if self.male { "男" } else { "女" }),
            Value::Date(self.birth),
            Value::Bool(self.capacity),
            opt(self.wants_work, Value::Bool),
            Value::Date(self.entered),
            opt(self.left, Value::Date),
            opt(self.left_reason, Value::Word),
        ]
    }
}

impl Row for Registration {
    const SPEC: &'static TableSpec = &tables::UNEMPLOYMENT;
    fn cells(&self) -> Vec<Value> {
        vec![
            Value::Text(self.id.clone()),
            Value::Text(self.person.clone()),
            Value::Text(self.community.clone()),
            Value::Date(self.registered),
            opt(self.ended, Value::Date),
            opt(self.reason, Value::Word),
        ]
    }
}

impl Row for Job {
    const SPEC: &'static TableSpec = &tables::EMPLOYMENT;
    fn cells(&self) -> Vec<Value> {
        vec![
            Value::Text(self.id.clone()),
            Value::Text(self.person.clone()),
            Value::Text(self.community.clone()),
            opt(self.employer_name.clone(), Value::Text),
            opt(self.employer_code.clone(), Value::Text),
            Value::Word(self.kind),
            Value::Date(self.started),
            opt(self.ended, Value::Date),
            opt(self.recorded_at, Value::DateTime),
        ]
    }
}

impl Row for Designation {
    const SPEC: &'static TableSpec = &tables::HARDSHIP;
    fn cells(&self) -> Vec<Value> {
        vec![
            Value::Text(self.person.clone()),
            Value::Text(self.community.clone()),
            Value::Word(self.category),
            Value::Date(self.designated),
            opt(self.revoked, Value::Date),
        ]
    }
}

impl Row for ZeroHousehold {
    const SPEC: &'static TableSpec = &tables::ZERO_HOUSEHOLDS;
    fn cells(&self) -> Vec<Value> {
        vec![
            Value::Text(self.household.clone()),
            Value::Text(self.community.clone()),
            Value::Date(self.identified),
            opt(self.cleared, Value::Date),
        ]
    }
}

impl Row for Service {
    const SPEC: &'static TableSpec = &tables::SERVICES;
    fn cells(&self) -> Vec<Value> {
        vec![
            Value::Text(self.id.clone()),
            Value::Text(self.person.clone()),
            Value::Text(self.community.clone()),
            Value::Word(self.kind),
            Value::Date(self.delivered),
        ]
    }
}

impl Row for Platform {
    const SPEC: &'static TableSpec = &tables::PLATFORM;
    fn cells(&self) -> Vec<Value> {
        vec![
            Value::Text(self.community.clone()),
            Value::Int(self.year.into()),
            Value::Bool(self.window),
            Value::Int(self.staff),
            Value::Bool(self.info_system),
            opt(self.funding, Value::Float),
        ]
    }
}

impl Row for Application {
    const SPEC: &'static TableSpec = &tables::APPLICATIONS;
    fn cells(&self) -> Vec<Value> {
        vec![
            Value::Text(self.community.clone()),
            Value::Int(self.year.into()),
            Value::Word(self.level),
            opt(self.reemployment_rate, Value::Rate),
            opt(self.hardship_rate, Value::Rate),
            opt(self.new_jobs, Value::Int),
            opt(self.zero_households, Value::Int),
            opt(self.street_recommends, Value::Bool),
            opt(self.county_recommends, Value::Bool),
            opt(self.submitted, Value::Date),
        ]
    }
}

impl Row for Approval {
    const SPEC: &'static TableSpec = &tables::APPROVALS;
    fn cells(&self) -> Vec<Value> {
        vec![
            Value::Text(self.community.clone()),
            Value::Int(self.year.into()),
            Value::Word(self.answer),
            Value::Date(self.answered),
            opt(self.document_no.clone(), Value::Text),
            opt(self.note.clone(), Value::Text),
        ]
    }
}

/// Everything one community contributes to the extract. Rows of other
/// communities can ride along (a mover's earlier ledger stay, a borrowed
/// person's second stay), so each row carries its own community code.
#[derive(Debug, Default)]
pub struct Batch {
    pub communities: Vec<Community>,
    pub persons: Vec<Person>,
    pub unemployment: Vec<Registration>,
    pub employment: Vec<Job>,
    pub hardship: Vec<Designation>,
    pub zero_households: Vec<ZeroHousehold>,
    pub services: Vec<Service>,
    pub platform: Vec<Platform>,
    pub applications: Vec<Application>,
}

impl Batch {
    /// When the person's last job so far ended (None: no job of theirs has
    /// ended).
    pub fn last_job_ended(&self, person: &str) -> Option<NaiveDate> {
        self.employment
            .iter()
            .filter(|j| j.person == person)
            .filter_map(|j| j.ended)
            .max()
    }

    /// Every person with an unemployment registration.
    pub fn registered_persons(&self) -> BTreeSet<&str> {
        self.unemployment
            .iter()
            .map(|r| r.person.as_str())
            .collect()
    }

    /// Replaces a person identifier in every row that carries it.
    pub fn rename_person(&mut self, from: &str, to: &str) {
        for p in self.persons.iter_mut().filter(|p| p.id == from) {
            p.id = to.to_string();
        }
        for r in self.unemployment.iter_mut().filter(|r| r.person == from) {
            r.person = to.to_string();
        }
        for j in self.employment.iter_mut().filter(|j| j.person == from) {
            j.person = to.to_string();
        }
        for h in self.hardship.iter_mut().filter(|h| h.person == from) {
            h.person = to.to_string();
        }
        for s in self.services.iter_mut().filter(|s| s.person == from) {
            s.person = to.to_string();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date() -> NaiveDate {
        NaiveDate::from_ymd_opt(2021, 3, 5).unwrap()
    }

    #[test]
    fn every_row_has_one_cell_per_contract_column() {
        fn check<R: Row>(r: R) {
            assert_eq!(r.cells().len(), R::SPEC.columns.len(), "{}", R::SPEC.name);
        }
        let s = String::new;
        check(Community {
            code: s(),
            name: s(),
            county: s(),
            street: s(),
            provincial_year: None,
            provincial_star_year: None,
            provincial_stars: None,
            national: None,
            city_year: None,
            city_stars: None,
            contact_name: None,
            contact_phone: None,
        });
        check(Person {
            id: s(),
            community: s(),
            household: s(),
            male: true,
            birth: date(),
            capacity: true,
            wants_work: None,
            entered: date(),
            left: None,
            left_reason: None,
        });
        check(Registration {
            id: s(),
            person: s(),
            community: s(),
            registered: date(),
            ended: None,
            reason: None,
        });
        check(Job {
            id: s(),
            person: s(),
            community: s(),
            employer_name: None,
            employer_code: None,
            kind: "灵活就业",
            started: date(),
            ended: None,
            recorded_at: None,
        });
        check(Designation {
            person: s(),
            community: s(),
            category: "残疾人",
            designated: date(),
            revoked: None,
        });
        check(ZeroHousehold {
            household: s(),
            community: s(),
            identified: date(),
            cleared: None,
        });
        check(Service {
            id: s(),
            person: s(),
            community: s(),
            kind: "职业指导",
            delivered: date(),
        });
        check(Platform {
            community: s(),
            year: 2021,
            window: true,
            staff: 1,
            info_system: true,
            funding: None,
        });
        check(Application {
            community: s(),
            year: 2021,
            level: "市级",
            reemployment_rate: None,
            hardship_rate: None,
            new_jobs: None,
            zero_households: None,
            street_recommends: None,
            county_recommends: None,
            submitted: None,
        });
        check(Approval {
            community: s(),
            year: 2021,
            answer: "同意取消",
            answered: date(),
            document_no: None,
            note: None,
        });
    }
}
