//! The rows of the working sheet 异议登记 (the objection register): every
//! objection registered, and for each application of the review year now in
//! publicity a blank row to register one, so the bureau types into a sheet
//! that already names the community. The next run reads the sheet back as
//! `objections`; a row whose entry columns are all empty is skipped.

use polars::prelude::*;

use crate::config::Stages;
use crate::contract::objections::{self, Objection};
use crate::error::Result;
use crate::frame;

/// One row of the register.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ObjectionRow {
    pub code: String,
    pub name: String,
    pub county: String,
    pub year: i32,
    /// None: a blank row for an application in publicity.
    pub objection: Option<Objection>,
}

/// The register's rows from the ratings' `status` frame (which applications
/// are in publicity, with their place) and the `objections` table: by
/// county, community, year, then the order received.
pub fn rows(
    status: &DataFrame,
    registered: Option<&DataFrame>,
    places: &std::collections::BTreeMap<String, (String, String, String)>,
    year: i32,
    stages: &Stages,
) -> Result<Vec<ObjectionRow>> {
    let register = objections::register(registered)?;
    let mut out: Vec<ObjectionRow> = Vec::new();
    for ((code, y), list) in &register {
        let (name, county, _) = places.get(code).cloned().unwrap_or_default();
        for o in list {
            out.push(ObjectionRow {
                code: code.clone(),
                name: name.clone(),
                county: county.clone(),
                year: i32::try_from(*y).unwrap_or_default(),
                objection: Some(o.clone()),
            });
        }
    }
    if let Some((_, publicity)) = stages.objection_stage() {
        let df = frame::of_year(status, year)?;
        let code = frame::strings(&df, "community_code")?;
        let next = frame::strings(&df, "next_stage")?;
        for (c, n) in code.iter().zip(&next) {
            let (Some(c), Some(n)) = (c, n) else { continue };
            if *n != publicity.id {
                continue;
            }
            let (name, county, _) = places.get(c).cloned().unwrap_or_default();
            out.push(ObjectionRow {
                code: c.clone(),
                name,
                county,
                year,
                objection: None,
            });
        }
    }
    out.sort_by(|a, b| {
        let when = |r: &ObjectionRow| {
            r.objection
                .as_ref()
                .map(|o| (o.received_on, o.content.clone()))
        };
        (&a.county, &a.code, a.year, a.objection.is_none(), when(a)).cmp(&(
            &b.county,
            &b.code,
            b.year,
            b.objection.is_none(),
            when(b),
        ))
    });
    Ok(out)
}
