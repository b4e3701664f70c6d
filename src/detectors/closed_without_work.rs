//! `closed_without_work` (medium; high when corroborated): registrations
//! closed in the last weeks before the cut-off A, without a job, by persons
//! who still live in the community. Each one closed is one fewer
//! `registered_unemployed` at A, and so a lower registered unemployment rate.
//!
//! A registration of the community ended in the last `window_days` up to A
//! with a reason other than 就业 is *unexplained* when no employment record
//! of the person (any community) covers its `ended_on` or starts within
//! `match_days` after it and by A, the person still has a ledger stay in the community
//! active `match_days` after the closing (did not move out or die), and the
//! person is under retirement age on the window's first day.
//!
//! Unexplained closings alone are no finding: a clerk who closes, before the
//! year ends, the registrations of persons out of touch for months is
//! keeping the register, and closings for other reasons bunch at the year's
//! end in honest registries too. A closing is *corroborated* when the person
//! registered again in the community within `reopen_days` after A (closed
//! for the count, reopened after it), or found work only after A, within
//! `reopen_days` (still looking at A: the registration should have been
//! open then), or its reason is 退休 for a person under retirement age (the
//! birth date contradicts it; 迁出 or 死亡 against a stay still open is
//! not, since clerks often leave the stay of a person who moved or died
//! open). The community fires when at least `min_count` closings
//! are corroborated and the unexplained ones make at least `min_share` of
//! its registrations open on some day of the window: high when the
//! corroborated ones are at least `corroborating_share` of the unexplained,
//! medium otherwise.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate};
use polars::prelude::*;

use super::listing::tally_by_community;
use super::lookup::counties;
use super::signals::{holds, note_with, severity};
use super::{Evidence, Finding, Inputs};
use crate::config::ranges::rules_struct;
use crate::config::rules::IndicatorRules;
use crate::contract::{Table, record_number};
use crate::error::Result;
use crate::frame::{bools, dates, ints, strings};
use crate::indicators::Period;
use crate::indicators::evidence::{closing_and, marked_matches};
use crate::indicators::period::{born_by, date, days_between};

pub const ID: &str = "closed_without_work";

/// The detector's name as the panel reads it.
pub const LABEL: &str = "截止日前无业注销失业登记";

/// The rule in one sentence, for the report's legend.
pub fn rule() -> String {
    "截止日前不久注销的失业登记中，较多人既未就业、也未迁出或退休，仍在本社区居住".into()
}

rules_struct! {
    /// The keys of `[detectors.closed_without_work]` besides `enabled` (docs/rules.md);
    /// their defaults are in `pipelines/rules/default.toml`.
    pub struct Params {
        /// The window: the last this many days up to and including A.
        window_days: i64 => days,
        /// A job covering the closing or starting this many days after it explains it.
        match_days: i64 => count,
        /// At least this many corroborated closings...
        min_count: i64 => count,
        /// ...and this share of the registrations open in the window.
        min_share: f64 => fraction,
        /// Registered again within this many days after A: reopened.
        reopen_days: i64 => count,
        /// High when the corroborated closings are this share of the unexplained.
        corroborating_share: f64 => fraction,
    }
}

/// The reason that closes a registration as employed.
const EMPLOYED: &str = "就业";
/// The reason the ledger's birth date can contradict (退休 for a person
/// under retirement age). 迁出 and 死亡 against a stay still open are not
/// contradictions: a clerk who never closes the stay of a person who moved
/// or died is the commonest honest irregularity of a ledger.
const LEDGER_REASONS: [&str; 1] = ["退休"];

fn days(n: i64) -> Duration {
    Duration::days(n.clamp(0, 36_500))
}

/// The window's registrations of P: `open_in_window` per community, and the
/// closings in it with a reason other than 就业.
fn closings(unemployment: LazyFrame, p: &Period, params: &Params) -> (LazyFrame, LazyFrame) {
    let first = p.cutoff - days(params.window_days - 1);
    let open = unemployment
        .clone()
        .filter(
            col("registered_on").lt_eq(date(p.cutoff)).and(
                col("ended_on")
                    .is_null()
                    .or(col("ended_on").gt_eq(date(first))),
            ),
        )
        .group_by([col("community_code")])
        .agg([len().cast(DataType::Int64).alias("open_in_window")]);
    let closed = unemployment
        .filter(
            col("ended_on")
                .gt_eq(date(first))
                .and(col("ended_on").lt_eq(date(p.cutoff)))
                .and(
                    col("end_reason")
                        .cast(DataType::String)
                        .neq(lit(EMPLOYED))
                        .fill_null(lit(true)),
                ),
        )
        .select(closing_and([col("end_reason").cast(DataType::String)]));
    (open, closed)
}

/// The marks of a job that explains a closing (`job`: one by A covering the
/// closing or starting soon after it, the reason miscoded) and of one found
/// only after A, within `reopen_days` (`work_after`: the person was still
/// looking at A, and the registration should have been open then).
fn work_marks(
    closed: &LazyFrame,
    employment: LazyFrame,
    p: &Period,
    params: &Params,
) -> (LazyFrame, LazyFrame) {
    let match_days = params.match_days.clamp(0, i64::from(i32::MAX)) as i32;
    let jobs = employment.select([
        col("person_id"),
        col("started_on").alias("job_start"),
        col("ended_on").alias("job_end"),
    ]);
    let job = marked_matches(
        closed.clone(),
        jobs.clone(),
        days_between(col("ended_on"), col("job_start"))
            .lt_eq(lit(match_days))
            .and(col("job_start").lt_eq(date(p.cutoff)))
            .and(
                col("job_end")
                    .is_null()
                    .or(col("job_end").gt_eq(col("ended_on"))),
            ),
        "job",
    );
    let after = marked_matches(
        closed.clone(),
        jobs,
        col("job_start")
            .gt(date(p.cutoff))
            .and(col("job_start").lt_eq(date(p.cutoff + days(params.reopen_days)))),
        "work_after",
    );
    (job, after)
}

/// The mark of a person still there: a stay in the same community active
/// `match_days` after the closing.
fn still_there(closed: &LazyFrame, persons: LazyFrame, params: &Params) -> LazyFrame {
    let match_days = params.match_days.clamp(0, i64::from(i32::MAX)) as i32;
    let stays = persons.select([
        col("person_id"),
        col("community_code").alias("stay_community"),
        col("entered_on"),
        col("left_on"),
    ]);
    marked_matches(
        closed.clone(),
        stays,
        col("stay_community")
            .eq(col("community_code"))
            .and(col("entered_on").lt_eq(col("ended_on")))
            .and(
                col("left_on")
                    .is_null()
                    .or(days_between(col("ended_on"), col("left_on")).gt(lit(match_days))),
            ),
        "still_there",
    )
}

/// The mark of a person under retirement age (by gender) on the window's
/// first day: a person who retires within the window's weeks is explained
/// either way.
fn working_age(closed: &LazyFrame, persons: LazyFrame, first: NaiveDate, rules: &IndicatorRules) -> LazyFrame {
    marked_matches(
        closed.clone(),
        persons.select([col("person_id"), col("gender"), col("birth_date")]),
        when(col("gender").cast(DataType::String).eq(lit("女")))
            .then(col("birth_date").gt(date(born_by(first, rules.retirement_age_female))))
            .otherwise(col("birth_date").gt(date(born_by(first, rules.retirement_age_male)))),
        "working_age",
    )
}

/// The mark of a person registered again in the community after the
/// closing, within `reopen_days` after A.
fn reopened(closed: &LazyFrame, unemployment: LazyFrame, p: &Period, params: &Params) -> LazyFrame {
    marked_matches(
        closed.clone(),
        unemployment.select([
            col("person_id"),
            col("community_code").alias("again_community"),
            col("registered_on").alias("again_on"),
        ]),
        col("again_community")
            .eq(col("community_code"))
            .and(col("again_on").gt(col("ended_on")))
            .and(col("again_on").lt_eq(date(p.cutoff + days(params.reopen_days)))),
        "reopened",
    )
}

/// The closings nothing explains (no job, still there, of working age),
/// with `reopened`, `work_after` and `corroborated`.
fn unexplained(inputs: &Inputs, closed: LazyFrame, p: &Period, params: &Params) -> Result<LazyFrame> {
    let unemployment = inputs.table(Table::Unemployment)?;
    let persons = inputs.table(Table::Persons)?;
    let (job, after) = work_marks(&closed, inputs.table(Table::Employment)?, p, params);
    let first = p.cutoff - days(params.window_days - 1);
    let marks = [
        job,
        still_there(&closed, persons.clone(), params),
        working_age(&closed, persons, first, inputs.indicator_rules),
        reopened(&closed, unemployment, p, params),
        after,
    ];
    let id = [col("registration_id")];
    let joined = marks.into_iter().fold(closed, |rows, mark| {
        rows.join(mark, id.clone(), id.clone(), JoinArgs::new(JoinType::Left))
    });
    let contradicted = LEDGER_REASONS
        .iter()
        .fold(lit(false), |any, r| any.or(col("end_reason").eq(lit(*r))))
        .fill_null(lit(false));
    Ok(joined
        .filter(
            col("job")
                .is_null()
                .and(col("still_there").fill_null(lit(false)))
                .and(col("working_age").fill_null(lit(false))),
        )
        .with_columns([
            col("reopened").fill_null(lit(false)),
            col("work_after").fill_null(lit(false)),
        ])
        .with_column(
            col("reopened")
                .or(col("work_after"))
                .or(contradicted)
                .alias("corroborated"),
        ))
}

/// The unexplained closings of communities that fire, with `reopened`.
fn firing(inputs: &Inputs, p: &Period, params: &Params) -> Result<LazyFrame> {
    let (open, closed) = closings(inputs.table(Table::Unemployment)?, p, params);
    let unexplained = unexplained(inputs, closed, p, params)?;
    let communities = unexplained
        .clone()
        .group_by([col("community_code")])
        .agg([
            len().cast(DataType::Int64).alias("unexplained"),
            col("corroborated")
                .sum()
                .cast(DataType::Int64)
                .alias("corroborated_count"),
        ])
        .join(
            open,
            [col("community_code")],
            [col("community_code")],
            JoinArgs::new(JoinType::Inner),
        )
        .filter(
            col("corroborated_count").gt_eq(lit(params.min_count)).and(
                (col("unexplained").cast(DataType::Float64)
                    / col("open_in_window").cast(DataType::Float64))
                .gt_eq(lit(params.min_share)),
            ),
        )
        .select([col("community_code"), col("open_in_window")]);
    Ok(super::narrow::in_communities(
        unexplained,
        communities,
        &["community_code", "ended_on", "registration_id"],
    ))
}

#[derive(Default)]
struct Closed {
    open: i64,
    reopened: usize,
    work_after: usize,
    contradicted: usize,
    corroborated: usize,
    evidence: Vec<Evidence>,
}

pub fn detect(inputs: &Inputs, params: &Params) -> Result<Vec<Finding>> {
    let county = counties(inputs.communities)?;
    let mut findings = Vec::new();
    for p in inputs.periods() {
        let df = firing(inputs, p, params)?.collect()?;
        for (code, c) in tallied(&df, params)? {
            findings.push(c.finding(&code, p, params, &county));
        }
    }
    Ok(findings)
}

/// Per firing community, its closings counted by signal and listed as
/// evidence (Rust: an expression cannot build the evidence).
fn tallied(df: &DataFrame, params: &Params) -> Result<BTreeMap<String, Closed>> {
    let ids = record_number::texts(df, "registration_id")?;
    let ended = dates(df, "ended_on")?;
    let reasons = strings(df, "end_reason")?;
    let reopened = bools(df, "reopened")?;
    let work_after = bools(df, "work_after")?;
    let open = ints(df, "open_in_window")?;
    tally_by_community(df, |c: &mut Closed, i| {
        c.open = open[i].unwrap_or_default();
        let again = reopened[i].unwrap_or(false);
        let reason = reasons[i].clone().unwrap_or_default();
        let contradicted = LEDGER_REASONS.contains(&reason.as_str());
        let later = work_after[i].unwrap_or(false);
        c.reopened += usize::from(again);
        c.work_after += usize::from(later);
        c.contradicted += usize::from(contradicted);
        c.corroborated += usize::from(again || later || contradicted);
        let note = note_with(
            format!(
                "{} 以“{}”注销，无就业记录，仍在本社区台账",
                ended[i].map(|d| d.to_string()).unwrap_or_default(),
                if reason.is_empty() { "未填" } else { &reason }
            ),
            [
                (again, format!("，截止日后 {} 天内重新登记", params.reopen_days)),
                (later, format!("，截止日后 {} 天内才就业", params.reopen_days)),
                (contradicted, "，以退休注销而未到退休年龄".into()),
            ],
        );
        let id = ids[i].clone().unwrap_or_default();
        c.evidence
            .push(Evidence::record("unemployment", "registration_id", id).with_note(note));
    })
}

impl Closed {
    /// The community's finding from its closings.
    fn finding(
        self,
        code: &str,
        p: &Period,
        params: &Params,
        county: &std::collections::HashMap<String, String>,
    ) -> Finding {
        let k = self.evidence.len();
        let mut signals = Vec::new();
        if self.reopened > 0 {
            signals.push(format!(
                "{} 人在截止日后 {} 天内重新登记失业",
                self.reopened, params.reopen_days
            ));
        }
        if self.work_after > 0 {
            signals.push(format!(
                "{} 人截止日后 {} 天内才就业，截止日时仍在求职",
                self.work_after, params.reopen_days
            ));
        }
        if self.contradicted > 0 {
            signals.push(format!(
                "{} 条以“退休”注销而本人未到退休年龄",
                self.contradicted
            ));
        }
        let severity = severity(holds(self.corroborated, k, params.corroborating_share));
        let corroboration = format!("佐证：其中{}", signals.join("，"));
        let share = k as f64 / self.open.max(1) as f64;
        Finding {
            explanation: format!(
                "截止日 {} 前 {} 天内注销的失业登记中有 {k} 条既无就业记录、也未迁出或退休（占窗口内在册登记 {} 条的 {:.0}%）；{corroboration}",
                p.cutoff,
                params.window_days,
                self.open,
                share * 100.0,
            ),
            value: Some(share),
            threshold: Some(params.min_share),
            p_value: None,
            evidence: self.evidence,
            ..Finding::community(ID, severity, code, county, p.year)
        }
    }
}
