//! How each county and each street carried out the review (纳入年度考核,
//! docs/ratings.md "Accountability"): per review year, one row per county
//! and one per street with applications, counting the applications
//! received, those the unit recommended, those of its recommended that a
//! later stage stopped (one count per stage of the rules' list after the
//! unit's own recommending stage), those confirmed, and the confirmed
//! falsifications (属实) among those it recommended; the unit's own stages
//! decided after their due date; and, for a county, when the bureau
//! received its signed register and its recommended list and how many
//! working days late.
//!
//! A unit is known by the stage that `sets` its cell (`street_recommends`:
//! 街道审核, `county_recommends`: 县级初选); its own stages are those the
//! same unit decides (县级人社局: the site visit and the selection). A unit
//! recommended an application when its cell is true as the recorded
//! decisions make it (`status::with_recorded_recommendations`) and no
//! earlier stage stopped it before the unit's own (`recommenders`). Due dates
//! are the calendar's, which only the latest review year has: an earlier
//! year's late counts are null.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use chrono::NaiveDate;
use polars::prelude::*;

use super::Publicity;
use super::calendar::working_days_after;
use super::status::{CONFIRMED, STOPPED, due_date, stage_columns, with_recorded_recommendations};
use crate::config::{Review, Stages};
use crate::error::Result;
use crate::frame;

/// The `level` of a row.
pub const COUNTY: &str = "county";
pub const STREET: &str = "street";

/// `filed_source`: the bureau's record of receipts was read, or not given.
pub const RECORDED: &str = "recorded";
pub const NOT_RECORDED: &str = "not recorded";

/// One document a county files with the bureau, as the `filings` table's
/// `document` spells it, the `[review]` date it is due by and the prefix
/// of its columns (`register_received_on`, `register_days_late`).
#[derive(Debug, Clone, Copy)]
pub struct Filing {
    pub document: &'static str,
    pub due: fn(&Review) -> Option<NaiveDate>,
    pub prefix: &'static str,
}

/// The documents a county files, in the notice's order.
pub const FILINGS: [Filing; 2] = [
    Filing {
        document: crate::contract::review_records::REGISTER_FILED,
        due: |r| r.register_due,
        prefix: "register",
    },
    Filing {
        document: crate::contract::review_records::LIST_FILED,
        due: |r| r.list_due,
        prefix: "list",
    },
];

impl Filing {
    pub fn received_column(&self) -> String {
        format!("{}_received_on", self.prefix)
    }
    pub fn late_column(&self) -> String {
        format!("{}_days_late", self.prefix)
    }
}

/// `stopped_at_<stage id>`.
pub fn stopped_column(id: &str) -> String {
    format!("stopped_at_{id}")
}

/// The stages a stop is counted at: every stage after the first
/// recommending stage of the list (the street's, in the notice). A county
/// row leaves those up to its own recommending stage null.
pub fn stopped_stages(stages: &Stages) -> std::ops::Range<usize> {
    let first = ["street_recommends", "county_recommends"]
        .iter()
        .filter_map(|cell| stages.setting(cell).map(|(k, _)| k))
        .min();
    first.map_or(0..0, |k| k + 1..stages.len())
}

/// What accountability reads.
pub struct AccountabilityInputs<'a> {
    /// The ratings' `status` frame (one row per application).
    pub status: &'a DataFrame,
    /// The `applications` table, for the recommendation cells.
    pub applications: Option<&'a DataFrame>,
    pub decisions: Option<&'a DataFrame>,
    /// The roster: every county gets its row, with or without applications.
    pub communities: &'a DataFrame,
    /// Confirmed falsifications: community_code, year (may be without columns).
    pub confirmed: &'a DataFrame,
    /// The bureau's record of receipts: county, year, document, received_on.
    pub filings: Option<&'a DataFrame>,
    /// The review years; the latest is the calendar's.
    pub years: &'a [i32],
    pub review: &'a Review,
    pub publicity: Option<&'a Publicity>,
    pub run_date: NaiveDate,
    pub stages: &'a Stages,
}

/// One unit: its recommending stage and the stages it decides.
struct Unit {
    level: &'static str,
    recommends: Option<usize>,
    own: Vec<usize>,
}

fn units(stages: &Stages) -> [Unit; 2] {
    [(STREET, "street_recommends"), (COUNTY, "county_recommends")].map(|(level, cell)| {
        let recommends = stages.setting(cell).map(|(k, _)| k);
        let own = recommends.map_or_else(Vec::new, |k| {
            (0..stages.len())
                .filter(|&j| stages[j].unit == stages[k].unit)
                .collect()
        });
        Unit {
            level,
            recommends,
            own,
        }
    })
}

/// One row's counts.
#[derive(Default, Clone)]
struct Counts {
    applications: i64,
    recommended: i64,
    stopped: Vec<i64>,
    confirmed: i64,
    falsified: i64,
    late: i64,
}

type Key = (i64, &'static str, Option<String>, Option<String>);

/// What counting one application for one unit reads: the status frame's
/// columns and what was worked out once for all rows.
struct Counting<'a> {
    inputs: &'a AccountabilityInputs<'a>,
    state: Vec<Option<String>>,
    reached: Vec<Option<String>>,
    /// Each stage's decision date, by row.
    decided_on: Vec<Vec<Option<NaiveDate>>>,
    recommended: HashMap<(String, i64), (bool, bool)>,
    falsified: HashSet<(String, i64)>,
    calendar_year: Option<i64>,
}

impl Counting<'_> {
    /// Application `i` (of community `code`, year `y`) counted for `unit`.
    fn count(&self, n: &mut Counts, unit: &Unit, i: usize, code: &str, y: i64) {
        let stages = self.inputs.stages;
        n.applications += 1;
        if self.state[i].as_deref() == Some(CONFIRMED) {
            n.confirmed += 1;
        }
        // Every decision of the unit's own stages, whatever it decided.
        if Some(y) == self.calendar_year {
            n.late += unit
                .own
                .iter()
                .filter(|&&j| {
                    let due = due_date(&stages[j], self.inputs.review, self.inputs.publicity);
                    matches!((self.decided_on[j][i], due), (Some(on), Some(d)) if on > d)
                })
                .count() as i64;
        }
        let Some(k) = unit.recommends else { return };
        let key = (code.to_string(), y);
        let by = self.recommended.get(&key).copied().unwrap_or_default();
        if !(if unit.level == STREET { by.0 } else { by.1 }) {
            return;
        }
        n.recommended += 1;
        if self.falsified.contains(&key) {
            n.falsified += 1;
        }
        if self.state[i].as_deref() == Some(STOPPED) {
            let at = stopped_stages(stages).zip(0..).find(|(j, _)| {
                *j > k && self.reached[i].as_deref() == Some(stages[*j].id.as_str())
            });
            if let Some((_, slot)) = at {
                n.stopped[slot] += 1;
            }
        }
    }
}

/// One row per year and county, and per year, county and street with
/// applications, counties first within their own streets.
pub fn accountability(inputs: &AccountabilityInputs) -> Result<DataFrame> {
    let stages = inputs.stages;
    let st = inputs.status;
    let s = |c: &str| frame::strings(st, c);
    let (code, county, street) = (s("community_code")?, s("county")?, s("street")?);
    let year = frame::ints(st, "year")?;
    let counting = Counting {
        inputs,
        state: s("state")?,
        reached: s("stage_reached")?,
        decided_on: stages
            .iter()
            .map(|stage| frame::dates(st, &stage_columns(&stage.id)[2]))
            .collect::<PolarsResult<_>>()?,
        recommended: recommenders(st, inputs.applications, inputs.decisions, inputs.stages)?,
        falsified: confirmed_set(inputs.confirmed)?,
        calendar_year: inputs.years.iter().max().map(|&y| i64::from(y)),
    };
    let units = units(stages);
    let mut rows: BTreeMap<Key, Counts> = BTreeMap::new();
    let blank = Counts {
        stopped: vec![0; stopped_stages(stages).len()],
        ..Counts::default()
    };
    for y in inputs.years {
        for c in roster_counties(inputs.communities)? {
            rows.entry((i64::from(*y), COUNTY, Some(c), None))
                .or_insert_with(|| blank.clone());
        }
    }
    for i in 0..st.height() {
        let (Some(c), Some(y)) = (code[i].as_deref(), year[i]) else {
            continue;
        };
        for unit in &units {
            let key = match unit.level {
                COUNTY => (y, COUNTY, county[i].clone(), None),
                _ => (y, STREET, county[i].clone(), street[i].clone()),
            };
            counting.count(
                rows.entry(key).or_insert_with(|| blank.clone()),
                unit,
                i,
                c,
                y,
            );
        }
    }
    let receipts = receipts(inputs.filings)?;
    frame_of(inputs, &units, rows, &receipts, counting.calendar_year)
}

/// Which applications their street and their county recommended, by
/// (code, year) → (street, county): the unit's cell true as the recorded
/// decisions make it (`status::with_recorded_recommendations`), unless an
/// earlier stage stopped the application before it reached the unit's
/// recommending stage (a county cell left true on an application its
/// street turned down is no recommendation of the county's).
pub fn recommenders(
    status: &DataFrame,
    applications: Option<&DataFrame>,
    decisions: Option<&DataFrame>,
    stages: &Stages,
) -> Result<HashMap<(String, i64), (bool, bool)>> {
    let mut out = HashMap::new();
    let Some(apps) = applications else {
        return Ok(out);
    };
    let mut apps = apps.clone();
    for cell in crate::config::stages::APPLICATION_CELLS {
        if apps.column(cell).is_err() {
            apps.with_column(Column::full_null(
                cell.into(),
                apps.height(),
                &DataType::Boolean,
            ))?;
        }
    }
    let apps = with_recorded_recommendations(&apps, decisions, stages)?;
    let mut cells: HashMap<(String, i64), (bool, bool)> = HashMap::new();
    let (code, year) = (
        frame::strings(&apps, "community_code")?,
        frame::ints(&apps, "year")?,
    );
    let (street, county) = (
        frame::bools(&apps, "street_recommends")?,
        frame::bools(&apps, "county_recommends")?,
    );
    for i in 0..apps.height() {
        if let (Some(c), Some(y)) = (code[i].clone(), year[i]) {
            cells.insert((c, y), (street[i] == Some(true), county[i] == Some(true)));
        }
    }
    let s = |c: &str| frame::strings(status, c);
    let (code, state, reached) = (s("community_code")?, s("state")?, s("stage_reached")?);
    let year = frame::ints(status, "year")?;
    let at = |cell: &str| stages.setting(cell).map(|(k, _)| k);
    let (street_at, county_at) = (at("street_recommends"), at("county_recommends"));
    for i in 0..status.height() {
        let (Some(c), Some(y)) = (code[i].clone(), year[i]) else {
            continue;
        };
        let Some(&(street, county)) = cells.get(&(c.clone(), y)) else {
            continue;
        };
        // The stage an application stopped at, if it stopped.
        let stopped = (state[i].as_deref() == Some(STOPPED))
            .then(|| {
                reached[i]
                    .as_deref()
                    .and_then(|r| stages.by_id(r))
                    .map(|(k, _)| k)
            })
            .flatten();
        let reached_unit = |k: Option<usize>| match (k, stopped) {
            (Some(k), Some(j)) => j >= k,
            (Some(_), None) => true,
            (None, _) => false,
        };
        out.insert(
            (c, y),
            (
                street && reached_unit(street_at),
                county && reached_unit(county_at),
            ),
        );
    }
    Ok(out)
}

fn confirmed_set(confirmed: &DataFrame) -> Result<HashSet<(String, i64)>> {
    if confirmed.width() == 0 {
        return Ok(HashSet::new());
    }
    let code = frame::strings(confirmed, "community_code")?;
    let year = frame::ints(confirmed, "year")?;
    Ok(code
        .into_iter()
        .zip(year)
        .filter_map(|(c, y)| Some((c?, y?)))
        .collect())
}

fn roster_counties(communities: &DataFrame) -> Result<BTreeSet<String>> {
    Ok(frame::strings(communities, "county")?
        .into_iter()
        .flatten()
        .collect())
}

/// The earliest receipt of each (county, year, document).
fn receipts(filings: Option<&DataFrame>) -> Result<HashMap<(String, i64, String), NaiveDate>> {
    let mut out: HashMap<(String, i64, String), NaiveDate> = HashMap::new();
    let Some(df) = filings else { return Ok(out) };
    let county = frame::strings(df, "county")?;
    let year = frame::ints(df, "year")?;
    let document = frame::strings(df, "document")?;
    let on = frame::dates(df, "received_on")?;
    for i in 0..df.height() {
        if let (Some(c), Some(y), Some(d), Some(on)) =
            (county[i].clone(), year[i], document[i].clone(), on[i])
        {
            out.entry((c, y, d))
                .and_modify(|e| *e = (*e).min(on))
                .or_insert(on);
        }
    }
    Ok(out)
}

fn frame_of(
    inputs: &AccountabilityInputs,
    units: &[Unit; 2],
    rows: BTreeMap<Key, Counts>,
    receipts: &HashMap<(String, i64, String), NaiveDate>,
    calendar_year: Option<i64>,
) -> Result<DataFrame> {
    let stages = inputs.stages;
    let stopped = stopped_stages(stages);
    // Counties first within their year and county: county rows sort before
    // street rows by the level's order here, not its spelling.
    let mut rows: Vec<(Key, Counts)> = rows.into_iter().collect();
    rows.sort_by(|(a, _), (b, _)| {
        (a.0, &a.2, a.1 == STREET, &a.3).cmp(&(b.0, &b.2, b.1 == STREET, &b.3))
    });
    let unit_of = |level: &str| units.iter().find(|u| u.level == level);
    let n = rows.len();
    let mut columns = place_columns(&rows);
    let recommends = |k: &Key| unit_of(k.1).and_then(|u| u.recommends);
    let per_unit = |f: fn(&Counts) -> i64| -> Vec<Option<i64>> {
        rows.iter()
            .map(|(k, c)| recommends(k).map(|_| f(c)))
            .collect()
    };
    columns.push(Column::new(
        "recommended".into(),
        per_unit(|c| c.recommended),
    ));
    for (slot, j) in stopped.clone().enumerate() {
        let values: Vec<Option<i64>> = rows
            .iter()
            .map(|(k, c)| recommends(k).filter(|&r| j > r).map(|_| c.stopped[slot]))
            .collect();
        columns.push(Column::new(stopped_column(&stages[j].id).into(), values));
    }
    columns.push(Column::new(
        "confirmed".into(),
        rows.iter().map(|(_, c)| c.confirmed).collect::<Vec<_>>(),
    ));
    columns.push(Column::new(
        "falsifications_confirmed".into(),
        per_unit(|c| c.falsified),
    ));
    let late: Vec<Option<i64>> = rows
        .iter()
        .map(|(k, c)| (Some(k.0) == calendar_year && recommends(k).is_some()).then_some(c.late))
        .collect();
    columns.push(Column::new("late_decisions".into(), late));
    columns.extend(filing_columns(inputs, &rows, receipts, calendar_year)?);
    let source = if inputs.filings.is_some() {
        RECORDED
    } else {
        NOT_RECORDED
    };
    columns.push(Column::new(
        "filed_source".into(),
        rows.iter()
            .map(|(k, _)| (k.1 == COUNTY).then_some(source))
            .collect::<Vec<_>>(),
    ));
    Ok(DataFrame::new(n, columns)?)
}

/// The unit's year, level, county and street, and its applications.
fn place_columns(rows: &[(Key, Counts)]) -> Vec<Column> {
    vec![
        Column::new(
            "year".into(),
            rows.iter().map(|(k, _)| k.0).collect::<Vec<_>>(),
        ),
        Column::new(
            "level".into(),
            rows.iter().map(|(k, _)| k.1).collect::<Vec<_>>(),
        ),
        Column::new(
            "county".into(),
            rows.iter().map(|(k, _)| k.2.clone()).collect::<Vec<_>>(),
        ),
        Column::new(
            "street".into(),
            rows.iter().map(|(k, _)| k.3.clone()).collect::<Vec<_>>(),
        ),
        Column::new(
            "applications".into(),
            rows.iter().map(|(_, c)| c.applications).collect::<Vec<_>>(),
        ),
    ]
}

/// Per document filed: the day each county's came in and how many working
/// days late (not received yet: late up to the run date), on the county
/// rows of the calendar year when receipts are recorded.
fn filing_columns(
    inputs: &AccountabilityInputs,
    rows: &[(Key, Counts)],
    receipts: &HashMap<(String, i64, String), NaiveDate>,
    calendar_year: Option<i64>,
) -> Result<Vec<Column>> {
    let mut columns = Vec::new();
    for filing in FILINGS {
        let due = (filing.due)(inputs.review);
        let (mut received, mut days) = (Vec::new(), Vec::new());
        for (k, _) in rows {
            let on = match (&k.2, k.1, inputs.filings) {
                (Some(county), COUNTY, Some(_)) => receipts
                    .get(&(county.clone(), k.0, filing.document.to_string()))
                    .copied(),
                _ => None,
            };
            received.push(on);
            let counted = k.1 == COUNTY && inputs.filings.is_some() && Some(k.0) == calendar_year;
            days.push(
                due.filter(|_| counted)
                    .map(|d| working_days_after(d, on.unwrap_or(inputs.run_date), inputs.review)),
            );
        }
        columns.push(Column::new(filing.received_column().into(), received).cast(&DataType::Date)?);
        columns.push(Column::new(filing.late_column().into(), days));
    }
    Ok(columns)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stops_are_counted_after_the_first_recommending_stage() {
        let stages = Stages::notice();
        assert_eq!(stopped_stages(&stages), 1..6);
        let [street, county] = units(&stages);
        assert_eq!((street.recommends, street.own), (Some(0), vec![0]));
        assert_eq!((county.recommends, county.own), (Some(2), vec![1, 2]));
    }
}
