//! The review year's accountability rows (区县、街道评审工作情况), as the
//! report's section, its chart and the form `区县评审工作情况表` show them:
//! each county, then its streets, from the ratings' `accountability` frame;
//! and, per county, its applications by outcome for the chart.

use chrono::NaiveDate;
use polars::prelude::DataFrame;

use crate::config::Stages;
use crate::error::Result;
use crate::frame;
use crate::ratings::accountability::{COUNTY, FILINGS, RECORDED, stopped_column, stopped_stages};

/// One county's or one street's row.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UnitRow {
    pub county: String,
    /// Empty on a county's row.
    pub street: String,
    pub applications: i64,
    pub recommended: Option<i64>,
    /// Stops among those it recommended, one per `Accountability::stopped_at`;
    /// None where the stage is the unit's own or earlier.
    pub stopped: Vec<Option<i64>>,
    pub confirmed: i64,
    pub falsified: Option<i64>,
    pub late_decisions: Option<i64>,
    /// County rows: per document of `ratings::accountability::FILINGS`, the
    /// day received and the working days late.
    pub filed: Vec<(Option<NaiveDate>, Option<i64>)>,
}

impl UnitRow {
    pub fn is_county(&self) -> bool {
        self.street.is_empty()
    }

    /// Stops after the unit's recommendation, all stages together.
    pub fn stopped_total(&self) -> i64 {
        self.stopped.iter().flatten().sum()
    }
}

/// The year's rows, counties with their streets.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Accountability {
    /// The names of the stages a stop is counted at, in the list's order.
    pub stopped_at: Vec<String>,
    pub rows: Vec<UnitRow>,
    /// Whether the bureau's record of receipts was read.
    pub filings_recorded: bool,
    /// The documents a county files, in the order of `UnitRow::filed`.
    pub filed_documents: Vec<&'static str>,
}

/// The outcomes a county's applications are split into on the chart, from
/// the bottom of a bar up.
pub const OUTCOMES: [&str; 5] = [
    "已认定",
    "县推荐后终止",
    "县推荐后评审中",
    "街道推荐、县未推荐",
    "街道未推荐",
];

impl Accountability {
    /// Per county, its applications by `OUTCOMES`: confirmed, stopped after
    /// the county recommended, recommended by the county and still in
    /// review, recommended by a street but not (or not yet) by the county,
    /// and the rest: not (or not yet) recommended by the street.
    pub fn outcomes(&self) -> Vec<(String, [i64; 5])> {
        self.rows
            .iter()
            .filter(|r| r.is_county() && r.applications > 0)
            .map(|c| {
                let by_streets: i64 = self
                    .rows
                    .iter()
                    .filter(|s| !s.is_county() && s.county == c.county)
                    .map(|s| s.recommended.unwrap_or(0))
                    .sum();
                let county = c.recommended.unwrap_or(0);
                let stopped = c.stopped_total();
                // Each part at most what is left, so that the parts add up
                // to the applications even where the cells disagree (a
                // county cell set without the street's).
                let mut left = c.applications;
                let mut take = |n: i64| {
                    let n = n.clamp(0, left);
                    left -= n;
                    n
                };
                let parts = [
                    take(c.confirmed),
                    take(stopped),
                    take(county - stopped - c.confirmed),
                    take(by_streets - county),
                ];
                (
                    c.county.clone(),
                    [parts[0], parts[1], parts[2], parts[3], left],
                )
            })
            .collect()
    }
}

/// One document's columns: the days received and the working days late.
type Filed = (Vec<Option<NaiveDate>>, Vec<Option<i64>>);

/// The rows of `year` from the `accountability` frame.
pub fn rows(df: &DataFrame, year: i32, stages: &Stages) -> Result<Accountability> {
    let df = frame::of_year(df, year)?;
    let s = |c: &str| frame::strings(&df, c);
    let i = |c: &str| frame::ints(&df, c);
    let (level, county, street, source) =
        (s("level")?, s("county")?, s("street")?, s("filed_source")?);
    let (applications, recommended, confirmed, falsified, late) = (
        i("applications")?,
        i("recommended")?,
        i("confirmed")?,
        i("falsifications_confirmed")?,
        i("late_decisions")?,
    );
    let at = stopped_stages(stages);
    let stopped: Vec<Vec<Option<i64>>> = at
        .clone()
        .map(|j| i(&stopped_column(&stages[j].id)))
        .collect::<polars::prelude::PolarsResult<_>>()?;
    let filed: Vec<Filed> = FILINGS
        .iter()
        .map(|f| {
            Ok((
                frame::dates(&df, &f.received_column())?,
                i(&f.late_column())?,
            ))
        })
        .collect::<Result<_>>()?;
    let rows = (0..df.height())
        .map(|k| UnitRow {
            county: county[k].clone().unwrap_or_else(|| "(未知区县)".into()),
            street: if level[k].as_deref() == Some(COUNTY) {
                String::new()
            } else {
                street[k].clone().unwrap_or_else(|| "(未知街道)".into())
            },
            applications: applications[k].unwrap_or(0),
            recommended: recommended[k],
            stopped: stopped.iter().map(|v| v[k]).collect(),
            confirmed: confirmed[k].unwrap_or(0),
            falsified: falsified[k],
            late_decisions: late[k],
            filed: filed.iter().map(|(on, late)| (on[k], late[k])).collect(),
        })
        .collect();
    Ok(Accountability {
        stopped_at: at.map(|j| stages[j].name.clone()).collect(),
        rows,
        filings_recorded: source.iter().any(|s| s.as_deref() == Some(RECORDED)),
        filed_documents: FILINGS.iter().map(|f| f.document).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_county_bar_splits_its_applications_by_outcome() {
        let row = |street: &str, apps, rec, stopped: Vec<Option<i64>>, confirmed| UnitRow {
            county: "新华区".into(),
            street: street.into(),
            applications: apps,
            recommended: Some(rec),
            stopped,
            confirmed,
            ..UnitRow::default()
        };
        let a = Accountability {
            rows: vec![
                // 6 applications; streets recommended 3 + 1; the county 3,
                // of which 1 stopped later and 1 confirmed.
                row("", 6, 3, vec![None, None, Some(1), Some(0), Some(0)], 1),
                row("中兴路街道", 4, 3, vec![Some(0); 5], 1),
                row("西市场街道", 2, 1, vec![Some(0); 5], 0),
            ],
            ..Accountability::default()
        };
        assert_eq!(a.outcomes(), vec![("新华区".to_string(), [1, 1, 1, 1, 2])]);
    }
}
