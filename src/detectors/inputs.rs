//! What the detectors read (`Inputs`): the typed tables, the indicators and
//! the rules they test against, and a memo of the frames several detectors
//! share. The memo's frames themselves are built in `counted`, which adds
//! their accessors to `Inputs`; this module imports no detector.

use std::collections::BTreeMap;
use std::sync::Mutex;

use polars::prelude::*;

use crate::config::rules::{IndicatorRules, ReinspectionRules};
use crate::contract::{Table, held};
use crate::error::{Error, Result};
use crate::indicators::{Indicators, Period};

/// What the detectors read.
pub struct Inputs<'a> {
    /// The typed tables of the extract (rejected rows already left out);
    /// optional tables missing from the extract are absent.
    pub tables: &'a BTreeMap<Table, DataFrame>,
    /// The indicators of every review year, with the periods they were
    /// computed for (the previous year comes from the same extract).
    pub indicators: &'a Indicators,
    /// The canonical `communities` table.
    pub communities: &'a DataFrame,
    /// Working age and the other indicator rules, for detectors that apply
    /// an indicator's definition to a single person.
    pub indicator_rules: &'a IndicatorRules,
    /// The re-inspection thresholds, for the tests around them.
    pub reinspection: &'a ReinspectionRules,
    /// What several detectors read, computed by the first that asks.
    pub(super) shared: Shared,
}

/// Frames several detectors read, computed once per run rather than once per
/// detector: the persons behind `reemployed_in_period` and
/// `hardship_employed` of each review year (`counted`).
#[derive(Default)]
pub(super) struct Shared {
    pub(super) reemployment: Mutex<BTreeMap<i32, DataFrame>>,
    pub(super) hardship: Mutex<BTreeMap<i32, DataFrame>>,
}

/// The frame of `year` in `memo`, computed by `make` the first time.
pub(super) fn remembered(
    memo: &Mutex<BTreeMap<i32, DataFrame>>,
    year: i32,
    make: impl FnOnce() -> Result<DataFrame>,
) -> Result<LazyFrame> {
    let mut memo = memo.lock().expect("no detector panicked");
    if let Some(df) = memo.get(&year) {
        return Ok(df.clone().lazy());
    }
    let df = make()?;
    memo.insert(year, df.clone());
    Ok(df.lazy())
}

impl<'a> Inputs<'a> {
    pub fn new(
        tables: &'a BTreeMap<Table, DataFrame>,
        indicators: &'a Indicators,
        communities: &'a DataFrame,
        indicator_rules: &'a IndicatorRules,
        reinspection: &'a ReinspectionRules,
    ) -> Self {
        Inputs {
            tables,
            indicators,
            communities,
            indicator_rules,
            reinspection,
            shared: Shared::default(),
        }
    }

    /// A required table, lazily.
    pub fn table(&self, t: Table) -> Result<LazyFrame> {
        self.tables
            .get(&t)
            .map(held::readable)
            .ok_or_else(|| Error::contract(format!("required table {t} is missing")))
    }

    /// A required table as the typed frames hold it (`contract::held`: the
    /// community code a category), lazily: for frames several detectors
    /// share, held compact themselves (`counted`).
    pub(super) fn held(&self, t: Table) -> Result<LazyFrame> {
        self.tables
            .get(&t)
            .map(|df| df.clone().lazy())
            .ok_or_else(|| Error::contract(format!("required table {t} is missing")))
    }

    /// An optional table, lazily; None when the extract lacks it.
    pub fn optional(&self, t: Table) -> Option<LazyFrame> {
        self.tables.get(&t).map(held::readable)
    }

    /// The review periods, oldest first.
    pub fn periods(&self) -> &[Period] {
        &self.indicators.periods
    }
}
