//! Re-rating (docs/rules.md, "Trying new rules"): the one function that rates.
//! What is rated (a rating base: the indicators with each community's
//! recognition, scope, confirmed falsifications and evidence shares) and a
//! rules set go in; the `ratings` table (verdict, failing rules, margin,
//! score, level, stars) and the shortlist with its ranks come out. The
//! nightly rating is this function under the pipeline's rules; `compare`
//! runs it under a candidate rules file on a published run; materiality
//! runs it on bases whose counted persons were taken out.

use polars::prelude::*;

use super::registry::RULES;
use super::{margin, score, shortlist, verdict};
use crate::config::Rules;
use crate::contract::Table;
use crate::error::Result;
use crate::indicators::ratio;

/// What a re-rating reads besides the rules.
pub struct Subject<'a> {
    /// The rating base (`ratings::rating_base`, or `base_from_published`).
    pub base: &'a DataFrame,
    /// The optional tables the extract lacked.
    pub missing: &'a [Table],
    /// The applications; None when the extract had none.
    pub applications: Option<&'a DataFrame>,
    /// community_code, community_name, county, street of every known
    /// community (the communities table, or the published ratings).
    pub places: &'a DataFrame,
    /// The risk per community and year (`ratings::risk_frame` columns): the
    /// shortlist's tie-break and its printed risk.
    pub risk: LazyFrame,
}

/// What a re-rating produces.
pub struct Rerated {
    /// One row per row of the base, in its order, without the risk columns.
    pub ratings: DataFrame,
    /// The candidates with their ranks (`shortlist`).
    pub shortlist: DataFrame,
    /// The applications set aside, each with its reason.
    pub set_aside: DataFrame,
}

/// `subject` rated under `rules`: the ratings and the shortlist.
pub fn rerate(subject: &Subject, rules: &Rules) -> Result<Rerated> {
    let ratings = rate_communities(subject.base, rules, subject.missing)?;
    let (shortlist, set_aside) = shortlist::shortlist(
        subject.applications,
        subject.places,
        &ratings,
        subject.risk.clone(),
        &rules.shortlist,
    )?;
    Ok(Rerated {
        ratings,
        shortlist,
        set_aside,
    })
}

/// The rating of each row of `base` under `rules`: the verdict with its
/// failing rules and margin, the score by component, the level and stars,
/// with `missing` the optional tables the extract lacks. One row out per
/// row in, in the same order.
pub fn rate_communities(base: &DataFrame, rules: &Rules, missing: &[Table]) -> Result<DataFrame> {
    let verdicts = verdict::verdict_columns(base, &rules.reinspection, missing)?;
    // One key reads a missing platform record for the rule and the score.
    let platform = score::Platform::reading(
        !missing.contains(&Table::Platform),
        rules.reinspection.missing_platform,
    );
    let null_components = score::null_components(base, platform)?;
    let with_verdicts = base.hstack(&verdicts)?;
    let margins = margin::margin_columns(&with_verdicts, &rules.reinspection)?;
    let with_verdicts = with_verdicts.hstack(&margins)?.hstack(&[null_components])?;
    let s = &rules.score;
    let scored = with_verdicts
        .lazy()
        .with_columns([score::new_jobs_per_100_labor_force().alias(score::NEW_JOBS_PER_100)])
        .with_columns(score::component_columns(s, platform))
        .with_columns([score::total()])
        .with_columns([score::level_vetoed(s)])
        .with_columns([score::city_level(s)])
        .with_columns([score::stars(s)])
        .with_columns([score::level()]);
    Ok(scored.select(super::rating_columns()).collect()?)
}

/// The columns of the `ratings` table a rating base carries beside the
/// indicators: recognition, scope, confirmed falsifications and the
/// evidence shares.
fn carried_columns() -> Vec<&'static str> {
    let mut columns = vec![
        "provincial_year",
        "provincial_star_year",
        "national",
        super::scope::UNDER_REINSPECTION,
        super::scope::REVOKED_ON,
        verdict::CONFIRMED_FINDINGS,
    ];
    columns.extend(
        crate::indicators::evidence::FIGURES
            .iter()
            .map(|f| f.column),
    );
    columns
}

/// The rating base of a published run: its `indicators` table with the
/// columns its `ratings` table carries beside them, by code and year. The
/// same base the run rated (`ratings::rating_base`), so that re-rating it
/// under the run's own rules gives back the published ratings.
pub fn base_from_published(indicators: &DataFrame, ratings: &DataFrame) -> Result<DataFrame> {
    let mut carried = vec![
        col("community_code").cast(DataType::String),
        col("year").cast(DataType::Int64),
    ];
    carried.extend(carried_columns().into_iter().map(col));
    let base = indicators
        .clone()
        .lazy()
        .with_columns([
            col("community_code").cast(DataType::String),
            col("year").cast(DataType::Int64),
        ])
        .join(
            ratings.clone().lazy().select(carried),
            [col("community_code"), col("year")],
            [col("community_code"), col("year")],
            JoinArgs::new(JoinType::Left),
        )
        .with_columns([
            col("provincial_year").cast(DataType::Int64),
            col("provincial_star_year").cast(DataType::Int64),
            col("national").cast(DataType::Boolean),
            col(verdict::CONFIRMED_FINDINGS).fill_null(lit("")),
        ])
        .sort(["year", "community_code"], SortMultipleOptions::default())
        .collect()?;
    Ok(base)
}

/// `base` with counted persons taken out: `removed` has community_code,
/// year and, for any rate rule's numerator (the registry's `persons`), a
/// column of that name with how many of its persons to take out. One row
/// out per row of `removed` (several may name one community), in its order,
/// the numerators reduced (never below 0) and their rates computed again
/// from the reduced counts; the denominators stay. Rows of `removed` whose
/// community and year the base lacks are dropped: the last column, `_row`
/// (UInt32), says which row of `removed` each row comes from.
pub fn without_persons(base: &DataFrame, removed: &DataFrame) -> Result<DataFrame> {
    let names: Vec<&str> = removed
        .get_column_names()
        .iter()
        .map(|c| c.as_str())
        .collect();
    let mut reduced = Vec::new();
    let mut rates = Vec::new();
    for rule in RULES {
        let Some(p) = rule.persons else { continue };
        if !names.contains(&p.numerator) {
            continue;
        }
        let less = format!("_less_{}", p.numerator);
        reduced.push({
            let left = col(p.numerator) - col(less.as_str()).fill_null(lit(0i64));
            when(left.clone().lt(lit(0i64)))
                .then(lit(0i64))
                .otherwise(left)
                .alias(p.numerator)
        });
        rates.push(ratio(p.numerator, col(p.denominator)).alias(rule.indicator));
    }
    let renamed: Vec<Expr> = [
        col("community_code").cast(DataType::String),
        col("year").cast(DataType::Int64),
    ]
    .into_iter()
    .chain(
        RULES
            .iter()
            .filter_map(|r| r.persons)
            .filter(|p| names.contains(&p.numerator))
            .map(|p| {
                col(p.numerator)
                    .cast(DataType::Int64)
                    .alias(format!("_less_{}", p.numerator))
            }),
    )
    .collect();
    let mut base_columns: Vec<Expr> = base
        .get_column_names()
        .iter()
        .map(|c| col(c.as_str()))
        .collect();
    base_columns.push(col("_row"));
    let out = removed
        .clone()
        .lazy()
        .select(renamed)
        .with_row_index("_row", None)
        .join(
            base.clone().lazy(),
            [col("community_code"), col("year")],
            [col("community_code"), col("year")],
            JoinArgs::new(JoinType::Inner),
        )
        .sort(["_row"], SortMultipleOptions::default())
        .with_columns(reduced)
        .with_columns(rates)
        .select(base_columns)
        .collect()?;
    Ok(out)
}
