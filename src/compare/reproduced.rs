//! Whether the run's own rules give back what the run published: re-rated
//! under them, every community and year must have its published verdict,
//! failing rules, score, level and stars, and every candidate its
//! published ranks. A difference means the run was made by a program that
//! rated otherwise; the comparison then says so rather than passing such
//! differences off as the candidate's effect.

use polars::prelude::*;

use crate::error::Result;
use crate::ratings::rerate::Rerated;
use crate::ratings::score::{LEVEL, SCORE, STARS};
use crate::ratings::verdict::{FAILING_RULES, VERDICT};

use super::subject::Published;

/// The rating columns that must come back.
pub const RATING_COLUMNS: [&str; 5] = [VERDICT, FAILING_RULES, SCORE, LEVEL, STARS];

/// The shortlist columns that must come back.
pub const RANK_COLUMNS: [&str; 2] = ["rank_overall", "rank_in_county"];

/// How many examples a difference report names.
const EXAMPLES: usize = 5;

/// What did not come back: (table, rows that differ, a few examples as
/// "code year column").
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Differences(pub Vec<(&'static str, usize, Vec<String>)>);

impl Differences {
    pub fn is_empty(&self) -> bool {
        self.0.iter().all(|(_, n, _)| *n == 0)
    }
}

/// The published ratings and shortlist against `current` (the run
/// re-rated under its own rules).
pub fn differences(published: &Published, current: &Rerated) -> Result<Differences> {
    Ok(Differences(vec![
        table_differences(
            "ratings",
            &published.ratings,
            &current.ratings,
            &RATING_COLUMNS,
        )?,
        table_differences(
            "shortlist",
            &published.shortlist,
            &current.shortlist,
            &RANK_COLUMNS,
        )?,
    ]))
}

/// The rows of `left` and `right` (by community and year, either side
/// missing counting as a difference) whose `columns` differ.
fn table_differences(
    table: &'static str,
    left: &DataFrame,
    right: &DataFrame,
    columns: &[&str],
) -> Result<(&'static str, usize, Vec<String>)> {
    // A run without the table (no applications) published no rows.
    if left.width() == 0 {
        return Ok((table, right.height(), Vec::new()));
    }
    let pick = |df: &DataFrame, side: &str| {
        let mut exprs = vec![
            col("community_code").cast(DataType::String),
            col("year").cast(DataType::Int64),
            lit(true).alias(format!("_in_{side}")),
        ];
        exprs.extend(columns.iter().map(|c| col(*c).alias(format!("{c}_{side}"))));
        df.clone().lazy().select(exprs)
    };
    let joined = pick(left, "published")
        .join(
            pick(right, "rerated"),
            [col("community_code"), col("year")],
            [col("community_code"), col("year")],
            JoinArgs::new(JoinType::Full).with_coalesce(JoinCoalesce::CoalesceColumns),
        )
        .collect()?;
    let mut examples = Vec::new();
    let mut differing = 0;
    let codes = crate::frame::strings(&joined, "community_code")?;
    let years = crate::frame::ints(&joined, "year")?;
    let sides = [
        crate::frame::bools(&joined, "_in_published")?,
        crate::frame::bools(&joined, "_in_rerated")?,
    ];
    let mut by_column = Vec::new();
    for c in columns {
        let a = joined.column(&format!("{c}_published"))?;
        let b = joined.column(&format!("{c}_rerated"))?;
        let same: Vec<bool> = a
            .as_materialized_series()
            .equal_missing(b.as_materialized_series())?
            .iter()
            .map(|v| v.unwrap_or(false))
            .collect();
        by_column.push((*c, same));
    }
    for k in 0..joined.height() {
        let both = sides.iter().all(|s| s[k] == Some(true));
        let columns: Vec<&str> = if both {
            by_column
                .iter()
                .filter(|(_, same)| !same[k])
                .map(|(c, _)| *c)
                .collect()
        } else {
            vec!["(row)"]
        };
        if columns.is_empty() {
            continue;
        }
        differing += 1;
        if examples.len() < EXAMPLES {
            examples.push(format!(
                "{} {} {}",
                codes[k].as_deref().unwrap_or(""),
                years[k].unwrap_or_default(),
                columns.join(",")
            ));
        }
    }
    Ok((table, differing, examples))
}
