//! Falsification signals (docs/detectors.md). Each detector is one file with
//! `fn detect(&Inputs, &Params) -> Vec<Finding>`; this module holds the finding
//! type and the risk score that the ratings stage reads.
//!
//! No detector is built yet (that is the detectors issue): `detect_all`
//! returns no findings, so every risk score is 0 and no candidate needs
//! verification. The risk score below is already the one of `docs/detectors.md`.

pub mod risk;

pub use risk::risk_scores;

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

/// One detector finding (docs/detectors.md): about a community, or about a county
/// for the county-level tests.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub detector: &'static str,
    pub severity: Severity,
    /// The community the finding is about; None for a county-level finding.
    pub community_code: Option<String>,
    pub county: String,
    pub year: i32,
    /// One line in Chinese for the panel.
    pub explanation: String,
    pub value: Option<f64>,
    pub threshold: Option<f64>,
    /// Record keys involved. Person identifiers stay raw here and are
    /// pseudonymised by `publish`, the only stage that writes.
    pub evidence: Vec<String>,
}

/// Runs every enabled detector. None exists yet; see the module note.
pub fn detect_all() -> Vec<Finding> {
    Vec::new()
}
