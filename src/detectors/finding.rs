//! What a detector reports: one finding, its severity and level, and the
//! evidence a panel member pulls to check it.
//!
//! Evidence names records by their table's key columns and persons by their
//! raw identifier, typed as [`PersonId`] so that nothing but `publish`, with
//! the run's pseudonym key, can turn it into text: `Debug` masks it and there
//! is no `Display`.

use std::cmp::Ordering;
use std::collections::HashMap;

use crate::privacy::Pseudonymizer;

/// A finding's severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    High,
    Medium,
    Low,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::High => "high",
            Severity::Medium => "medium",
            Severity::Low => "low",
        }
    }
}

/// Whether a finding is about one community or about a whole county (the
/// county-level statistical tests).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    Community,
    County,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Community => "community",
            Level::County => "county",
        }
    }
}

/// A raw person identifier (公民身份号码) carried as evidence. It has no
/// `Display`, and its `Debug` prints only a mask, so a finding logged by
/// mistake leaks nothing; `publish` renders it as `person_key`.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PersonId(String);

impl PersonId {
    pub fn new(raw: impl Into<String>) -> PersonId {
        PersonId(raw.into())
    }

    /// The raw identifier, to find the person in the tables inside the
    /// run (`questioned`); never for a text that leaves the program.
    pub(super) fn raw(&self) -> &str {
        &self.0
    }

    /// `person_key=<16 hex>` under the run's key.
    pub fn render(&self, pseudonyms: &Pseudonymizer) -> String {
        format!("person_key={}", pseudonyms.person_key(&self.0))
    }
}

impl std::fmt::Debug for PersonId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PersonId(****)")
    }
}

/// One key column's value in a record reference.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum KeyValue {
    Text(String),
    Person(PersonId),
}

impl From<String> for KeyValue {
    fn from(s: String) -> KeyValue {
        KeyValue::Text(s)
    }
}

impl From<&str> for KeyValue {
    fn from(s: &str) -> KeyValue {
        KeyValue::Text(s.to_string())
    }
}

impl From<chrono::NaiveDate> for KeyValue {
    fn from(d: chrono::NaiveDate) -> KeyValue {
        KeyValue::Text(d.to_string())
    }
}

impl From<PersonId> for KeyValue {
    fn from(p: PersonId) -> KeyValue {
        KeyValue::Person(p)
    }
}

/// What to pull to check a finding.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Evidence {
    /// A row of an input table, named by its key columns:
    /// `employment.record_id=E0001`, or with several key columns
    /// `zero_households(household_id=H1, community_code=…, identified_on=2021-03-02)`.
    /// The note, when given, says in Chinese what is wrong with it.
    Record {
        table: &'static str,
        key: Vec<(&'static str, KeyValue)>,
        note: Option<String>,
    },
    /// A person across tables: `person_key=<16 hex>`, with an optional note.
    Person { id: PersonId, note: Option<String> },
}

impl Evidence {
    /// A record named by one key column.
    pub fn record(table: &'static str, column: &'static str, value: impl Into<KeyValue>) -> Self {
        Evidence::Record {
            table,
            key: vec![(column, value.into())],
            note: None,
        }
    }

    /// A record named by several key columns.
    pub fn record_key(table: &'static str, key: Vec<(&'static str, KeyValue)>) -> Self {
        Evidence::Record {
            table,
            key,
            note: None,
        }
    }

    pub fn person(id: impl Into<String>) -> Self {
        Evidence::Person {
            id: PersonId::new(id),
            note: None,
        }
    }

    /// The same evidence with a note (Chinese, never a raw identifier).
    pub fn with_note(mut self, text: impl Into<String>) -> Self {
        match &mut self {
            Evidence::Record { note, .. } | Evidence::Person { note, .. } => {
                *note = Some(text.into())
            }
        }
        self
    }

    /// The published text, persons pseudonymised.
    pub fn render(&self, pseudonyms: &Pseudonymizer) -> String {
        let value = |v: &KeyValue| match v {
            KeyValue::Text(s) => s.clone(),
            KeyValue::Person(p) => pseudonyms.person_key(&p.0),
        };
        let name = |c: &str, v: &KeyValue| match v {
            KeyValue::Person(_) if c == "person_id" => "person_key".to_string(),
            _ => c.to_string(),
        };
        let (text, note) = match self {
            Evidence::Record { table, key, note } => {
                let text = if let [(c, v)] = key.as_slice() {
                    format!("{table}.{}={}", name(c, v), value(v))
                } else {
                    let parts: Vec<String> = key
                        .iter()
                        .map(|(c, v)| format!("{}={}", name(c, v), value(v)))
                        .collect();
                    format!("{table}({})", parts.join(", "))
                };
                (text, note)
            }
            Evidence::Person { id, note } => (id.render(pseudonyms), note),
        };
        match note {
            Some(n) => format!("{text}: {n}"),
            None => text,
        }
    }
}

/// One detector finding (docs/detectors.md): about a community, or about a county
/// for the county-level tests. `publish::findings` turns it into a row.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub detector: &'static str,
    pub severity: Severity,
    pub level: Level,
    /// The community the finding is about; None for a county-level finding.
    pub community_code: Option<String>,
    pub county: String,
    pub year: i32,
    /// One line in Chinese for the panel, with the numbers in it; never a raw
    /// identifier (persons are named only in `evidence`).
    pub explanation: String,
    /// The measured figure the detector compares with `threshold`.
    pub value: Option<f64>,
    pub threshold: Option<f64>,
    /// The p-value of the detector's test, where it has one.
    pub p_value: Option<f64>,
    pub evidence: Vec<Evidence>,
}

impl Finding {
    /// A community-level finding about `code` in `year`, its county looked up
    /// in `counties` (code → county); the explanation, figures and evidence
    /// are the detector's to fill in, with struct-update syntax.
    pub fn community(
        detector: &'static str,
        severity: Severity,
        code: &str,
        counties: &HashMap<String, String>,
        year: i32,
    ) -> Finding {
        Finding {
            detector,
            severity,
            level: Level::Community,
            community_code: Some(code.to_string()),
            county: counties.get(code).cloned().unwrap_or_default(),
            year,
            explanation: String::new(),
            value: None,
            threshold: None,
            p_value: None,
            evidence: Vec::new(),
        }
    }

    /// The community of a community-level finding; None for a county-level
    /// one.
    pub fn about_community(&self) -> Option<&str> {
        self.community_code
            .as_deref()
            .filter(|_| self.level == Level::Community)
    }

    /// The finding with its explanation and evidence, its figure against
    /// the threshold it crossed, and no p-value.
    pub fn measured(
        self,
        explanation: String,
        (value, threshold): (f64, f64),
        evidence: Vec<Evidence>,
    ) -> Finding {
        Finding {
            explanation,
            value: Some(value),
            threshold: Some(threshold),
            p_value: None,
            evidence,
            ..self
        }
    }

    /// The finding with its explanation and evidence, its figure against
    /// the threshold it is tested on, and the test's p-value.
    pub fn tested(
        self,
        explanation: String,
        figures: (f64, f64),
        p_value: f64,
        evidence: Vec<Evidence>,
    ) -> Finding {
        Finding {
            p_value: Some(p_value),
            ..self.measured(explanation, figures, evidence)
        }
    }

    /// The published order: year, detector, level, county, community, then
    /// value and evidence, so that two runs on the same inputs list findings
    /// identically.
    pub fn stable_cmp(&self, other: &Finding) -> Ordering {
        let value = |f: &Finding| f.value.unwrap_or(f64::NEG_INFINITY);
        self.year
            .cmp(&other.year)
            .then_with(|| self.detector.cmp(other.detector))
            .then_with(|| self.level.cmp(&other.level))
            .then_with(|| self.county.cmp(&other.county))
            .then_with(|| self.community_code.cmp(&other.community_code))
            .then_with(|| value(self).total_cmp(&value(other)))
            .then_with(|| self.severity.cmp(&other.severity))
            .then_with(|| self.evidence.cmp(&other.evidence))
            .then_with(|| self.explanation.cmp(&other.explanation))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evidence_renders_persons_only_as_keys() {
        let p = Pseudonymizer::from_key(b"test-key".to_vec(), "test");
        let id = "11010519491231002X";
        let e = Evidence::record_key(
            "persons",
            vec![
                ("person_id", PersonId::new(id).into()),
                ("community_code", "410402001001".into()),
            ],
        )
        .with_note("死亡");
        let text = e.render(&p);
        assert_eq!(
            text,
            "persons(person_key=e7e0eb61ae93a5d9, community_code=410402001001): 死亡"
        );
        assert!(!format!("{e:?}").contains(id));
        assert_eq!(
            Evidence::record("employment", "record_id", "E0001").render(&p),
            "employment.record_id=E0001"
        );
        assert_eq!(
            Evidence::person(id).render(&p),
            "person_key=e7e0eb61ae93a5d9"
        );
    }
}
