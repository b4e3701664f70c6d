//! The community look-ups findings need. Reading a result frame's columns
//! back into values is `crate::frame`.

use std::collections::HashMap;

use polars::prelude::*;

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
