//! Materiality (影响结论, docs/ratings.md): each community-level finding
//! whose evidence names persons its community counted in a rate rule's
//! numerator, the community re-rated with those persons taken out of the
//! numerators (`rerate::without_persons`, the denominators kept: the finding
//! questions what was counted for them, as the margin 差几人 reads it). The
//! finding is material when a failing rule, the verdict, the level or the
//! stars change. The panel words the change; the risk score doubles a
//! material finding's weight (docs/detectors.md).

use polars::prelude::*;

use super::registry::RULES;
use super::rerate::{rate_communities, without_persons};
use super::score::{LEVEL, STARS};
use super::verdict::{FAILING_RULES, VERDICT};
use crate::config::Rules;
use crate::contract::Table;
use crate::error::Result;

/// The published column: whether the finding changes an outcome.
pub const MATERIAL: &str = "material";

/// The outcomes compared, each published as `<name>_before` and `<name>_after`.
pub const OUTCOMES: [&str; 4] = [VERDICT, FAILING_RULES, LEVEL, STARS];

/// The column of an outcome before or after the persons are taken out.
pub fn before(outcome: &str) -> String {
    format!("{outcome}_before")
}

pub fn after(outcome: &str) -> String {
    format!("{outcome}_after")
}

/// One row per row of `questioned` (`detectors::questioned`: finding,
/// community_code, year, persons and the persons each numerator holds)
/// whose community and year `base` rates: `finding`, `persons`, `material`,
/// each of `OUTCOMES` before and after, and for each rate rule with counted
/// persons its indicator after (`<indicator>_after`), for the words.
pub fn assess(
    base: &DataFrame,
    questioned: &DataFrame,
    rules: &Rules,
    missing: &[Table],
) -> Result<DataFrame> {
    let reduced = without_persons(base, questioned)?;
    let rerated = rate_communities(&reduced, rules, missing)?;
    let rated = rate_communities(base, rules, missing)?;
    // The outcomes after, with the reduced rates and the row of `questioned`
    // each comes from, which the rating does not carry.
    let mut carried = vec![reduced.column("_row")?.clone()];
    for r in RULES.iter().filter(|r| r.persons.is_some()) {
        carried.push(
            reduced
                .column(r.indicator)?
                .clone()
                .with_name(after(r.indicator).into()),
        );
    }
    let mut after_columns: Vec<Expr> = OUTCOMES.iter().map(|o| col(*o).alias(after(o))).collect();
    after_columns.extend(carried.iter().map(|c| col(c.name().as_str())));
    let rerated = rerated.hstack(&carried)?.lazy().select(after_columns);
    let mut before_columns = vec![col("community_code"), col("year")];
    before_columns.extend(OUTCOMES.iter().map(|o| col(*o).alias(before(o))));
    let changed = OUTCOMES
        .iter()
        .map(|o| col(before(o).as_str()).neq_missing(col(after(o).as_str())))
        .reduce(|a, b| a.or(b))
        .expect("outcomes are compared");
    Ok(questioned
        .clone()
        .lazy()
        .with_row_index("_row", None)
        .join(
            rerated,
            [col("_row")],
            [col("_row")],
            JoinArgs::new(JoinType::Inner),
        )
        .join(
            rated.lazy().select(before_columns),
            [col("community_code"), col("year")],
            [col("community_code"), col("year")],
            JoinArgs::new(JoinType::Left),
        )
        .with_column(changed.alias(MATERIAL))
        .sort(["finding"], SortMultipleOptions::default())
        .select(published_columns())
        .collect()?)
}

fn published_columns() -> Vec<Expr> {
    let mut columns = vec![col("finding"), col("persons"), col(MATERIAL)];
    for o in OUTCOMES {
        columns.push(col(before(o).as_str()));
        columns.push(col(after(o).as_str()));
    }
    columns.extend(
        RULES
            .iter()
            .filter(|r| r.persons.is_some())
            .map(|r| col(after(r.indicator).as_str())),
    );
    columns
}

/// The positions of the material findings.
pub fn material_findings(assessed: &DataFrame) -> Result<std::collections::BTreeSet<usize>> {
    let findings = assessed.column("finding")?.u32()?;
    let material = assessed.column(MATERIAL)?.bool()?;
    Ok(findings
        .iter()
        .zip(material.iter())
        .filter_map(|(f, m)| Some(f? as usize).filter(|_| m == Some(true)))
        .collect())
}
