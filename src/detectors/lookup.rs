//! The community look-ups findings need, and the extract's end. Reading a result frame's columns
//! back into values is `crate::frame`.

use std::collections::HashMap;

use chrono::NaiveDate;
use polars::prelude::*;

use super::Inputs;
use crate::error::Result;
use crate::frame::strings;

/// Community code → county, from the `communities` table.
pub fn counties(communities: &DataFrame) -> Result<HashMap<String, String>> {
    let codes = strings(communities, "community_code")?;
    let counties = strings(communities, "county")?;
    Ok(codes
        .into_iter()
        .zip(counties)
        .filter_map(|(c, k)| Some((c?, k.unwrap_or_default())))
        .collect())
}

/// The latest date the extract holds (recorded or event), dates after today
/// left out as slips; None when empty. Whether a job ended "by the extract's
/// end" or still runs past what the extract can show is judged against it.
pub(crate) fn extract_end(inputs: &Inputs) -> Result<Option<NaiveDate>> {
    let (recorded, event) =
        crate::indicators::extract_dates(inputs.tables, crate::indicators::period::today())?;
    Ok(recorded.max(event))
}
