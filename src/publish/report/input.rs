//! What the panel's documents (report, charts, forms) are made from: the
//! panel view, the run's ratings and rejects table, the manifest, and the
//! previous complete run.

use polars::prelude::*;

use crate::config::Pipeline;
use crate::panel::Panel;
use crate::publish::manifest::Manifest;

/// Everything the documents read.
pub struct ReportInputs<'a> {
    /// The review year as the panel step built it.
    pub panel: &'a Panel,
    /// The rejects table as published.
    pub rejects: &'a DataFrame,
    /// The run's manifest as it will be written (outputs still to come).
    pub manifest: &'a Manifest,
    /// The city's name, the rules, the review's due dates and reporting
    /// units.
    pub pipeline: &'a Pipeline,
}

/// The findings table's columns and types, in order.
pub fn findings_schema() -> Schema {
    Schema::from_iter([
        Field::new("detector".into(), DataType::String),
        Field::new("severity".into(), DataType::String),
        Field::new("level".into(), DataType::String),
        Field::new("community_code".into(), DataType::String),
        Field::new("community_name".into(), DataType::String),
        Field::new("county".into(), DataType::String),
        Field::new("street".into(), DataType::String),
        Field::new("year".into(), DataType::Int64),
        Field::new("explanation".into(), DataType::String),
        Field::new("value".into(), DataType::Float64),
        Field::new("threshold".into(), DataType::Float64),
        Field::new("p_value".into(), DataType::Float64),
        Field::new(
            "evidence".into(),
            DataType::List(Box::new(DataType::String)),
        ),
    ])
}
