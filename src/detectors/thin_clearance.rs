//! `thin_clearance` (medium; high when corroborated): zero-employment
//! households cleared on the strength of a job that did not last.
//!
//! A household of c cleared in P (`cleared_on` in P) is backed by a member's
//! job (persons with its `household_id`, in any ledger) that covers
//! `cleared_on` or starts at most `grace_days` after it, the test of
//! `unverified_clearance`, whose households (no backing job at all) are not
//! this detector's. A backing job is durable when it lasts at least
//! `durable_job_days` (`[indicators]`: ended_on − started_on + 1) or has not
//! ended by the extract's end (`signals::extract_end`). A household whose
//! every backing job is not durable is *thinly cleared*; the community fires
//! when at least `min_count` of its households are.
//!
//! A temporary job that ends is honest: the household is simply due to be
//! identified again. So the finding is medium, and high only when a backing
//! job of a thinly cleared household carries a second signal: keyed in
//! (`recorded_at`) more than `late_keying_days` after `cleared_on`, at an
//! employer whose credit code fails GB 32100, or at an employer (by code, or
//! by name where there is no code) with no other person employed anywhere
//! in the extract.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use polars::prelude::*;

use super::listing::tally_by_community;
use super::lookup::counties;
use super::signals::{any_corroborates, code_fails, extract_end, note_with, severity};
use super::{Evidence, Finding, Inputs, KeyValue};
use crate::config::ranges::rules_struct;
use crate::contract::{Table, record_number};
use crate::error::Result;
use crate::frame::{bools, dates, ints, strings};
use crate::indicators::Period;
use crate::indicators::evidence::cleared_in;
use crate::indicators::period::days_between;

pub const ID: &str = "thin_clearance";

/// The detector's name as the panel reads it.
pub const LABEL: &str = "零就业家庭清零依据单薄";

/// The rule in one sentence, for the report's legend.
pub fn rule() -> String {
    "零就业家庭标记为已清零，但支撑清零的家庭成员就业都很短且已终止".into()
}

rules_struct! {
    /// The keys of `[detectors.thin_clearance]` besides `enabled` (docs/rules.md);
    /// their defaults are in `pipelines/rules/default.toml`.
    pub struct Params {
        /// At least this many thinly cleared households.
        min_count: i64 => count,
        /// A member's job starting up to this many days after cleared_on backs it
        /// (the same span as `unverified_clearance`'s).
        grace_days: i64 => count,
        /// A backing job keyed in more than this many days after cleared_on is late.
        late_keying_days: i64 => count,
    }
}

/// The backing jobs of the households cleared in P
/// (`unverified_clearance::backing_jobs`): the household's key,
/// cleared_on, the member's person_id and record (record_id, started_on,
/// ended_on, recorded_at, employer_code, employer_name, code_fails).
fn backing_jobs(inputs: &Inputs, p: &Period, grace_days: i64) -> Result<LazyFrame> {
    let columns = vec![
        col("person_id"),
        col("record_id"),
        col("started_on"),
        col("ended_on"),
        col("recorded_at"),
        col("employer_code"),
        col("employer_name"),
        code_fails().alias("code_fails"),
    ];
    super::unverified_clearance::backing_jobs(inputs, p, grace_days, columns)
}

/// The employer as the detectors name it: its code, else its name, as text.
fn employer() -> Expr {
    coalesce(&[
        col("employer_code").cast(DataType::String),
        col("employer_name").cast(DataType::String),
    ])
}

/// Per employer of the backing jobs (`employer`, as text): `employs`, the
/// distinct persons with a record there anywhere in the extract. The
/// employment table is narrowed to those employers while its columns are
/// still categories (`contract::held`); only the counts become text.
fn employer_sizes(employment: LazyFrame, backing: LazyFrame) -> Result<LazyFrame> {
    let coded = col("employer_code").is_not_null();
    let named = col("employer_code")
        .is_null()
        .and(col("employer_name").is_not_null());
    let count = |column: &str, keep: Expr| {
        employment
            .clone()
            .filter(keep.clone())
            .select([col("person_id"), col(column)])
            .semi_join(
                backing
                    .clone()
                    .filter(keep)
                    .select([col(column)])
                    .unique(None, UniqueKeepStrategy::Any),
                col(column),
                col(column),
            )
            .group_by([col(column)])
            .agg([col("person_id")
                .n_unique()
                .cast(DataType::Int64)
                .alias("employs")])
            .select([col(column).cast(DataType::String).alias("employer"), col("employs")])
    };
    Ok(concat(
        [count("employer_code", coded), count("employer_name", named)],
        UnionArgs::default(),
    )?)
}

/// The backing jobs with `days` (their length), `durable`, and the signals
/// `late_days` (days from cleared_on to keying), `late`, `code_fails`,
/// `alone` (no other person at the employer); each household's jobs marked
/// `thin` when none of them is durable.
fn judged(
    backing: LazyFrame,
    sizes: LazyFrame,
    end: Option<NaiveDate>,
    durable_days: i64,
    late_keying_days: i64,
) -> Result<LazyFrame> {
    let days = days_between(col("started_on"), col("ended_on")) + lit(1i32);
    let late_days = days_between(
        col("cleared_on"),
        col("recorded_at")
            .cast(DataType::Datetime(TimeUnit::Milliseconds, None))
            .dt()
            .date(),
    );
    let household = [col("household_id"), col("community_code"), col("identified_on")];
    let thin = col("durable").any(true).over(household)?.not().alias("thin");
    Ok(backing
        .with_column(employer().alias("employer"))
        .join(
            sizes,
            [col("employer")],
            [col("employer")],
            JoinArgs::new(JoinType::Left),
        )
        .with_columns([
            days.clone().alias("days"),
            super::signals::durable(durable_days, end).alias("durable"),
            late_days.clone().alias("late_days"),
            late_days
                .gt(lit(late_keying_days.clamp(0, 1 << 30) as i32))
                .fill_null(lit(false))
                .alias("late"),
            col("employs").eq(lit(1i64)).fill_null(lit(false)).alias("alone"),
        ])
        .with_column(thin))
}

/// One backing job of a thinly cleared household, as the evidence shows it.
struct Job {
    record: String,
    started: NaiveDate,
    ended: Option<NaiveDate>,
    days: i64,
    late_days: Option<i64>,
    late: bool,
    code_fails: bool,
    alone: bool,
}

impl Job {
    fn signals(&self) -> [bool; 3] {
        [self.late, self.code_fails, self.alone]
    }
}

/// One thinly cleared household: its key, cleared_on and backing jobs.
struct Household {
    identified: NaiveDate,
    cleared: NaiveDate,
    jobs: Vec<Job>,
}

/// Per community, how many households it cleared in P.
fn cleared_counts(inputs: &Inputs, p: &Period) -> Result<BTreeMap<String, i64>> {
    let cleared = cleared_in(inputs.table(Table::ZeroHouseholds)?, p)
        .group_by([col("community_code")])
        .agg([len().cast(DataType::Int64).alias("cleared")])
        .collect()?;
    Ok(strings(&cleared, "community_code")?
        .into_iter()
        .zip(ints(&cleared, "cleared")?)
        .filter_map(|(c, n)| Some((c?, n.unwrap_or_default())))
        .collect())
}

/// The backing jobs of the households cleared in P, judged.
fn judged_jobs(inputs: &Inputs, p: &Period, params: &Params) -> Result<DataFrame> {
    let backing = backing_jobs(inputs, p, params.grace_days)?.collect()?;
    let sizes = employer_sizes(inputs.table(Table::Employment)?, backing.clone().lazy())?;
    Ok(judged(
        backing.lazy(),
        sizes,
        extract_end(inputs)?,
        inputs.indicator_rules.durable_job_days,
        params.late_keying_days,
    )?
    .collect()?)
}

/// The thinly cleared households per community, with their backing jobs
/// (Rust: an expression cannot build the evidence).
fn thin_households(jobs: DataFrame) -> Result<BTreeMap<String, Households>> {
    let rows = jobs
        .lazy()
        .filter(col("thin"))
        .sort(
            ["community_code", "household_id", "identified_on", "record_id"],
            SortMultipleOptions::default(),
        )
        .collect()?;
    let households = record_number::texts(&rows, "household_id")?;
    let records = record_number::texts(&rows, "record_id")?;
    let (identified, cleared_on) = (dates(&rows, "identified_on")?, dates(&rows, "cleared_on")?);
    let (started, ended) = (dates(&rows, "started_on")?, dates(&rows, "ended_on")?);
    let (days, late_days) = (ints(&rows, "days")?, ints(&rows, "late_days")?);
    let (late, fails, alone) = (
        bools(&rows, "late")?,
        bools(&rows, "code_fails")?,
        bools(&rows, "alone")?,
    );
    let mut thin: BTreeMap<String, Households> = tally_by_community(&rows, |c: &mut Households, i| {
        let (Some(h), Some(idd), Some(cl), Some(s)) =
            (&households[i], identified[i], cleared_on[i], started[i])
        else {
            return;
        };
        c.entry((h.clone(), idd))
            .or_insert_with(|| Household {
                identified: idd,
                cleared: cl,
                jobs: Vec::new(),
            })
            .jobs
            .push(Job {
                record: records[i].clone().unwrap_or_default(),
                started: s,
                ended: ended[i],
                days: days[i].unwrap_or_default(),
                late_days: late_days[i],
                late: late[i].unwrap_or(false),
                code_fails: fails[i].unwrap_or(false),
                alone: alone[i].unwrap_or(false),
            });
    })?;
    thin.retain(|_, households| !households.is_empty());
    Ok(thin)
}

/// A community's thinly cleared households, by (household_id, identified_on).
type Households = BTreeMap<(String, NaiveDate), Household>;

pub fn detect(inputs: &Inputs, params: &Params) -> Result<Vec<Finding>> {
    let county = counties(inputs.communities)?;
    let durable_days = inputs.indicator_rules.durable_job_days;
    let mut findings = Vec::new();
    for p in inputs.periods() {
        let jobs = judged_jobs(inputs, p, params)?;
        let cleared = cleared_counts(inputs, p)?;
        for (code, households) in thin_households(jobs)? {
            if (households.len() as i64) < params.min_count {
                continue;
            }
            let total = cleared.get(&code).copied().unwrap_or_default();
            findings.push(finding(&code, p, params, durable_days, total, households, &county));
        }
    }
    Ok(findings)
}

/// The signals of a community's thinly cleared households: late keying,
/// failing code, lone employer, each with the households it holds for.
fn signals(households: &Households, late_keying_days: i64) -> Vec<String> {
    let with = |k: usize| {
        households
            .values()
            .filter(|h| h.jobs.iter().any(|j| j.signals()[k]))
            .count()
    };
    let counts = [with(0), with(1), with(2)];
    let latest = households
        .values()
        .flat_map(|h| h.jobs.iter().filter(|j| j.late).filter_map(|j| j.late_days))
        .max();
    let mut signals = Vec::new();
    if counts[0] > 0 {
        signals.push(format!(
            "{} 户的支撑就业在消除日 {} 天后才录入（最晚 {} 天）",
            counts[0],
            late_keying_days,
            latest.unwrap_or_default()
        ));
    }
    if counts[1] > 0 {
        signals.push(format!(
            "{} 户的用人单位统一社会信用代码校验位错误",
            counts[1]
        ));
    }
    if counts[2] > 0 {
        signals.push(format!("{} 户的用人单位在数据中别无他人就业", counts[2]));
    }
    signals
}

/// Each household, then its backing jobs, as evidence.
fn household_evidence(code: &str, households: Households, durable_days: i64) -> Vec<Evidence> {
    let mut evidence = Vec::new();
    for ((h, _), household) in households {
        evidence.push(
            Evidence::record_key(
                "zero_households",
                vec![
                    ("household_id", KeyValue::from(h.as_str())),
                    ("community_code", KeyValue::from(code)),
                    ("identified_on", KeyValue::from(household.identified)),
                ],
            )
            .with_note(format!(
                "{} 标记消除，支撑的 {} 条就业均不足 {durable_days} 天且已终止",
                household.cleared,
                household.jobs.len()
            )),
        );
        for j in household.jobs {
            let note = note_with(
                format!(
                    "{} 至 {}，共 {} 天",
                    j.started,
                    j.ended.map(|e| e.to_string()).unwrap_or_default(),
                    j.days
                ),
                [
                    (
                        j.late,
                        format!("；消除日 {} 天后才录入", j.late_days.unwrap_or_default()),
                    ),
                    (j.code_fails, "；统一社会信用代码校验位错误".into()),
                    (j.alone, "；该单位在数据中别无他人就业".into()),
                ],
            );
            evidence.push(Evidence::record("employment", "record_id", j.record.as_str()).with_note(note));
        }
    }
    evidence
}

/// The finding of one community with its thinly cleared households.
fn finding(
    code: &str,
    p: &Period,
    params: &Params,
    durable_days: i64,
    total: i64,
    households: Households,
    county: &std::collections::HashMap<String, String>,
) -> Finding {
    let n = households.len();
    let (corroborated, signal) = any_corroborates(signals(&households, params.late_keying_days));
    let explanation = format!(
        "{} 年标记消除的 {total} 户零就业家庭中有 {n} 户仅由不足 {durable_days} 天且已终止的家庭成员就业支撑消除{signal}",
        p.year,
    );
    Finding::community(ID, severity(corroborated), code, county, p.year).measured(
        explanation,
        (n as f64, params.min_count as f64),
        household_evidence(code, households, durable_days),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2021, m, day).unwrap()
    }

    /// Household H1 cleared on 1 May by two members' jobs; H2 by one.
    fn backing(ended: [Option<NaiveDate>; 3]) -> LazyFrame {
        df!(
            "household_id" => ["H1", "H1", "H2"],
            "community_code" => ["C1"; 3],
            "identified_on" => [d(1, 10); 3],
            "cleared_on" => [d(5, 1); 3],
            "person_id" => ["A", "B", "C"],
            "record_id" => ["E1", "E2", "E3"],
            "started_on" => [d(4, 20), d(5, 1), d(5, 1)],
            "ended_on" => ended,
            "recorded_at" => [d(5, 2), d(6, 15), d(5, 2)],
            "employer_code" => [None::<&str>, None, None],
            "employer_name" => [Some("甲厂"), Some("乙店"), Some("甲厂")],
            "code_fails" => [false; 3],
        )
        .unwrap()
        .lazy()
        .with_column(col("recorded_at").cast(DataType::Datetime(TimeUnit::Milliseconds, None)))
    }

    fn thin_of(ended: [Option<NaiveDate>; 3], end: NaiveDate) -> Vec<(Option<String>, Option<bool>)> {
        let sizes = df!("employer" => ["甲厂", "乙店"], "employs" => [2i64, 1]).unwrap().lazy();
        let df = judged(backing(ended), sizes, Some(end), 30, 30)
            .unwrap()
            .sort(["record_id"], SortMultipleOptions::default())
            .collect()
            .unwrap();
        strings(&df, "record_id")
            .unwrap()
            .into_iter()
            .zip(bools(&df, "thin").unwrap())
            .collect()
    }

    #[test]
    fn a_household_is_thin_only_when_every_backing_job_is_short_and_ended() {
        // H1: E1 lasts 20 days (20 April – 9 May), E2 29 days (1 – 29 May);
        // H2: E3 lasts exactly 30 days (1 – 30 May), durable.
        let f = thin_of([Some(d(5, 9)), Some(d(5, 29)), Some(d(5, 30))], d(12, 31));
        let want = |a, b, c| {
            vec![
                (Some("E1".to_string()), Some(a)),
                (Some("E2".to_string()), Some(b)),
                (Some("E3".to_string()), Some(c)),
            ]
        };
        assert_eq!(f, want(true, true, false));
        // E2 still open: H1 has a durable job.
        assert_eq!(
            thin_of([Some(d(5, 9)), None, Some(d(5, 20))], d(12, 31)),
            want(false, false, true)
        );
        // E2 ends after the extract's end: it may yet last.
        assert_eq!(
            thin_of([Some(d(5, 9)), Some(d(5, 29)), Some(d(5, 20))], d(5, 28)),
            want(false, false, true)
        );
    }

    #[test]
    fn keyed_late_and_alone_at_the_employer_are_signals() {
        let sizes = df!("employer" => ["甲厂", "乙店"], "employs" => [2i64, 1]).unwrap().lazy();
        let df = judged(backing([Some(d(5, 9)), Some(d(5, 29)), Some(d(5, 20))]), sizes, Some(d(12, 31)), 30, 30)
            .unwrap()
            .sort(["record_id"], SortMultipleOptions::default())
            .collect()
            .unwrap();
        // E2 keyed on 15 June, 45 days after the clearance; 乙店 employs no
        // one else. E1 and E3 keyed the next day at 甲厂 (two persons).
        assert_eq!(ints(&df, "late_days").unwrap(), vec![Some(1), Some(45), Some(1)]);
        assert_eq!(bools(&df, "late").unwrap(), vec![Some(false), Some(true), Some(false)]);
        assert_eq!(bools(&df, "alone").unwrap(), vec![Some(false), Some(true), Some(false)]);
    }
}
