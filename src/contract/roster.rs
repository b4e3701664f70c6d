//! The communities table as a lookup: each community's name, county and
//! street by its code, for the records that name a community by code alone
//! (applications, decisions, objections).

use std::collections::BTreeMap;

use polars::prelude::DataFrame;

use crate::error::Result;
use crate::frame;

/// Where a community is, as the communities table says it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Place {
    pub name: Option<String>,
    pub county: Option<String>,
    pub street: Option<String>,
}

impl Place {
    /// Name, county and street, an unknown one as empty text.
    pub fn texts(&self) -> (String, String, String) {
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        (text(&self.name), text(&self.county), text(&self.street))
    }
}

/// Every community of the table with a code, by code.
pub fn places(communities: &DataFrame) -> Result<BTreeMap<String, Place>> {
    let (code, name, county, street) = (
        frame::strings(communities, "community_code")?,
        frame::strings(communities, "community_name")?,
        frame::strings(communities, "county")?,
        frame::strings(communities, "street")?,
    );
    Ok(code
        .into_iter()
        .enumerate()
        .filter_map(|(k, c)| {
            Some((
                c?,
                Place {
                    name: name[k].clone(),
                    county: county[k].clone(),
                    street: street[k].clone(),
                },
            ))
        })
        .collect())
}
