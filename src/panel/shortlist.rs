//! The review year's shortlist as rows, in overall rank order.

use polars::prelude::*;

use crate::error::Result;
use crate::frame::{bools, floats, ints, strings};

/// One shortlisted application.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Candidate {
    pub code: String,
    pub name: String,
    pub county: String,
    pub street: String,
    pub applied_level: String,
    pub score: Option<f64>,
    pub stars: i64,
    pub level: Option<String>,
    pub applied_level_reached: Option<bool>,
    pub risk_score: i64,
    pub needs_verification: bool,
    pub flags: String,
    pub rank_overall: i64,
    pub rank_in_county: i64,
    pub recommended: Option<bool>,
}

pub fn candidates(df: &DataFrame) -> Result<Vec<Candidate>> {
    let df = df
        .clone()
        .lazy()
        .sort(["rank_overall"], SortMultipleOptions::default())
        .collect()?;
    let s = |n: &str| strings(&df, n);
    let i = |n: &str| ints(&df, n);
    let (code, name, county, street, applied) = (
        s("community_code")?,
        s("community_name")?,
        s("county")?,
        s("street")?,
        s("applied_level")?,
    );
    let score = floats(&df, "score")?;
    let (stars, risk, rank, rank_county) = (
        i("stars")?,
        i("risk_score")?,
        i("rank_overall")?,
        i("rank_in_county")?,
    );
    let level = s("level")?;
    let reached = bools(&df, "applied_level_reached")?;
    let verify = bools(&df, "needs_verification")?;
    let flags = s("flags")?;
    let recommended = bools(&df, "recommended")?;
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    Ok((0..df.height())
        .map(|k| Candidate {
            code: text(&code[k]),
            name: text(&name[k]),
            county: text(&county[k]),
            street: text(&street[k]),
            applied_level: text(&applied[k]),
            score: score[k],
            stars: stars[k].unwrap_or(0),
            level: level[k].clone(),
            applied_level_reached: reached[k],
            risk_score: risk[k].unwrap_or(0),
            needs_verification: verify[k].unwrap_or(false),
            flags: text(&flags[k]),
            rank_overall: rank[k].unwrap_or(0),
            rank_in_county: rank_county[k].unwrap_or(0),
            recommended: recommended[k],
        })
        .collect())
}

/// An application whose street or county has not decided yet (an empty
/// recommendation cell): waiting (待定), never on the shortlist.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Waiting {
    pub code: String,
    pub name: String,
    pub county: String,
    pub street: String,
    pub applied_level: String,
    /// Whose decision is missing: `street` (and so the county's too) or `county`.
    pub waiting_for: String,
}

/// One application the shortlist set aside, as the panel's lists name it.
pub struct SetAside {
    pub code: String,
    pub name: String,
    pub county: String,
    pub street: String,
    pub applied_level: String,
    /// Why it was set aside (`ratings::shortlist`'s reasons).
    pub reason: Option<String>,
}

/// The rows of a set-aside frame, in its order.
pub fn set_aside_rows(set_aside: &DataFrame) -> Result<Vec<SetAside>> {
    let (code, name, county, street, applied, reason) = (
        strings(set_aside, "community_code")?,
        strings(set_aside, "community_name")?,
        strings(set_aside, "county")?,
        strings(set_aside, "street")?,
        strings(set_aside, "applied_level")?,
        strings(set_aside, "reason")?,
    );
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    Ok((0..set_aside.height())
        .map(|k| SetAside {
            code: text(&code[k]),
            name: text(&name[k]),
            county: text(&county[k]),
            street: text(&street[k]),
            applied_level: text(&applied[k]),
            reason: reason[k].clone(),
        })
        .collect())
}

/// The waiting applications among the set-aside ones, by county, street, code.
pub fn waiting(set_aside: &DataFrame) -> Result<Vec<Waiting>> {
    use crate::ratings::shortlist::{COUNTY_UNDECIDED, STREET_UNDECIDED};
    let mut out: Vec<Waiting> = set_aside_rows(set_aside)?
        .into_iter()
        .filter_map(|r| {
            let waiting_for = match r.reason.as_deref() {
                Some(STREET_UNDECIDED) => "street",
                Some(COUNTY_UNDECIDED) => "county",
                _ => return None,
            };
            Some(Waiting {
                code: r.code,
                name: r.name,
                county: r.county,
                street: r.street,
                applied_level: r.applied_level,
                waiting_for: waiting_for.into(),
            })
        })
        .collect();
    out.sort_by(|a, b| (&a.county, &a.street, &a.code).cmp(&(&b.county, &b.street, &b.code)));
    Ok(out)
}
