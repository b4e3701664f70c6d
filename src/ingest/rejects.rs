//! Rejected input rows: which file and line, which column and value, and why.
//! A rejected row counts nowhere; it is listed so nothing is lost silently.

use crate::contract::Table;
use crate::contract::identity::{mask, mask_identities_in};

/// The reasons of the data contract, plus the rows a file's shape breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RejectReason {
    RequiredEmpty,
    Unparseable,
    NotAllowed,
    EndBeforeStart,
    DuplicateKey,
    TooManyFields,
    FewerFields,
    UnclosedQuote,
    NumberIdentifier,
    /// The panel's records (`decisions`, `verifications`) checked against the
    /// other tables after reading (`review_checks`).
    UnknownCommunity,
    NoApplication,
    OutsideStage,
    BeforeSubmission,
    StageOutOfOrder,
    UnknownDetector,
    ObjectionOpen,
    UnknownCounty,
}

impl RejectReason {
    /// Every reason, in the order above.
    pub const ALL: [RejectReason; 17] = [
        RejectReason::RequiredEmpty,
        RejectReason::Unparseable,
        RejectReason::NotAllowed,
        RejectReason::EndBeforeStart,
        RejectReason::DuplicateKey,
        RejectReason::TooManyFields,
        RejectReason::FewerFields,
        RejectReason::UnclosedQuote,
        RejectReason::NumberIdentifier,
        RejectReason::UnknownCommunity,
        RejectReason::NoApplication,
        RejectReason::OutsideStage,
        RejectReason::BeforeSubmission,
        RejectReason::StageOutOfOrder,
        RejectReason::UnknownDetector,
        RejectReason::ObjectionOpen,
        RejectReason::UnknownCounty,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RejectReason::RequiredEmpty => "required cell empty",
            RejectReason::Unparseable => "unparseable value",
            RejectReason::NotAllowed => "value outside the allowed set",
            RejectReason::EndBeforeStart => "end date before start date",
            RejectReason::DuplicateKey => "duplicate key",
            RejectReason::TooManyFields => "more fields than the header",
            RejectReason::FewerFields => "fewer fields than the header",
            RejectReason::UnclosedQuote => "file ends inside a quoted field",
            RejectReason::NumberIdentifier => "identifier saved as a number",
            RejectReason::UnknownCommunity => "community not in the communities table",
            RejectReason::NoApplication => "no application for the community and year",
            RejectReason::OutsideStage => "decision not allowed at its stage",
            RejectReason::BeforeSubmission => "decided before the application was submitted",
            RejectReason::StageOutOfOrder => "an earlier stage missing or not passed",
            RejectReason::UnknownDetector => "not a detector or spot check",
            RejectReason::ObjectionOpen => "an objection unresolved or upheld",
            RejectReason::UnknownCounty => "county not in the communities table",
        }
    }
}

/// The longest value a reject shows; longer values are cut with their length noted.
const MAX_VALUE_CHARS: usize = 120;

#[derive(Clone)]
pub struct Reject {
    pub table: Table,
    /// File name within the extract folder.
    pub file: String,
    pub line: u64,
    pub column: String,
    /// The raw value, identity numbers masked and long values cut.
    pub value: Option<String>,
    pub reason: RejectReason,
    pub detail: String,
    /// The row's person identifier, raw: only `publish` reads it, to write its
    /// pseudonym. Never printed (see the Debug impl).
    person_id: Option<String>,
    /// The lines of the file the row ran over (a CSV row with quoted line
    /// breaks runs over several): what it counts against `max_reject_ratio`.
    pub lines_lost: u64,
}

impl std::fmt::Debug for Reject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reject")
            .field("table", &self.table)
            .field("file", &self.file)
            .field("line", &self.line)
            .field("column", &self.column)
            .field("value", &self.value)
            .field("reason", &self.reason)
            .field("detail", &self.detail)
            .finish_non_exhaustive()
    }
}

impl Reject {
    // One argument a field of the reject: a struct literal would only rename them.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        table: Table,
        file: &str,
        line: u64,
        column: &str,
        raw_value: Option<&str>,
        identity_column: bool,
        reason: RejectReason,
        detail: impl Into<String>,
        person_id: Option<String>,
    ) -> Reject {
        let value = raw_value.map(|v| safe_value(v, identity_column));
        // The detail and column may quote a cell or a header: masked like
        // the value, so no text from the file reaches a person unmasked.
        Reject {
            table,
            file: mask_identities_in(file),
            line,
            column: mask_identities_in(column),
            value,
            reason,
            detail: mask_identities_in(&detail.into()),
            person_id,
            lines_lost: 1,
        }
    }

    /// The raw person identifier of the row, for pseudonymisation only.
    pub fn person_id_for_pseudonym(&self) -> Option<&str> {
        self.person_id.as_deref()
    }

    /// One line for people: file, line, column, masked value and reason.
    pub fn describe(&self) -> String {
        let value = self
            .value
            .as_deref()
            .map_or("(empty)".to_string(), |v| format!("\"{v}\""));
        let column = if self.column.is_empty() {
            String::new()
        } else {
            format!(", column {}", self.column)
        };
        let detail = if self.detail.is_empty() {
            String::new()
        } else {
            format!(" ({})", self.detail)
        };
        format!(
            "{} line {}{column}, value {value}: {}{detail}",
            self.file,
            self.line,
            self.reason.as_str()
        )
    }
}

/// A value safe to print: a value in an identity column is masked whole
/// (first 6 and last 4 kept), identity-like digit runs anywhere else are
/// masked too, and long values are cut.
pub fn safe_value(raw: &str, identity_column: bool) -> String {
    let masked = if identity_column {
        mask(raw)
    } else {
        mask_identities_in(raw)
    };
    let n = masked.chars().count();
    if n > MAX_VALUE_CHARS {
        let head: String = masked.chars().take(MAX_VALUE_CHARS).collect();
        format!("{head}… ({n} characters)")
    } else {
        masked
    }
}
