//! Pipeline and rules files (TOML via serde), read and checked once. Every
//! later stage receives its settings from here, so tests can state their own.

pub mod dates;
pub mod pipeline;
pub mod ranges;
pub mod rules;
pub mod stages;

pub use pipeline::{AsOf, AssessmentGroup, GroupMember, Pipeline, Review, TableInput};
pub use rules::Rules;
pub use stages::{Stage, Stages};
