//! The review year's spot-check sample as rows, by county and code.

use polars::prelude::*;

use crate::error::Result;
use crate::frame::{floats, ints, strings};

/// One community drawn for the spot check.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct SpotCheck {
    pub code: String,
    pub name: String,
    pub county: String,
    pub street: String,
    pub verdict: Option<super::Verdict>,
    pub risk_score: i64,
    pub inclusion_probability: f64,
    pub county_communities: i64,
    pub county_sample_size: i64,
}

pub fn spot_checks(df: &DataFrame) -> Result<Vec<SpotCheck>> {
    let df = df
        .clone()
        .lazy()
        .sort(["county", "community_code"], SortMultipleOptions::default())
        .collect()?;
    let s = |n: &str| strings(&df, n);
    let (code, name, county, street, verdict) = (
        s("community_code")?,
        s("community_name")?,
        s("county")?,
        s("street")?,
        s("verdict")?,
    );
    let risk = ints(&df, "risk_score")?;
    let pi = floats(&df, "inclusion_probability")?;
    let (n, size) = (
        ints(&df, "county_communities")?,
        ints(&df, "county_sample_size")?,
    );
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    Ok((0..df.height())
        .map(|k| SpotCheck {
            code: text(&code[k]),
            name: text(&name[k]),
            county: text(&county[k]),
            street: text(&street[k]),
            verdict: verdict[k].as_deref().and_then(super::Verdict::parse),
            risk_score: risk[k].unwrap_or(0),
            inclusion_probability: pi[k].unwrap_or(0.0),
            county_communities: n[k].unwrap_or(0),
            county_sample_size: size[k].unwrap_or(0),
        })
        .collect())
}
