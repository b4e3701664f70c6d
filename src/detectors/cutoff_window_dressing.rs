//! `cutoff_window_dressing`: counted employment starts crowded into the last
//! days before the cut-off A; high only where a second signal in the same
//! records backs the timing.
//!
//! The counted starts are those behind `reemployed_in_period` and
//! `hardship_employed` (`counted::counted_starts`). Each start could have
//! fallen on any day from its earliest possible start (max(S, registered_on)
//! or max(S, designated_on)) to A; were it spread evenly over those days, it
//! would lie in the window of the last `window_days` days (A included) with
//! probability min(1, window_days / days open). The community fires when at
//! least `min_count` starts lie in the window and either timing test holds:
//! the exact one-sided binomial test of that count against the mean of those
//! probabilities gives p < `alpha` (crowding); or, where the extract reaches
//! past A, at least `short_share` of the window starts belong to records that
//! ended within `after_days` after A (the short share).
//!
//! The window's records are then read for signals that do not come from the
//! calendar of the starts: at least `min_count` of them keyed in after A; at
//! least `corroborating_share` of them at an employer whose credit code fails
//! GB 32100 or who employs no other person anywhere in the extract; at least
//! `corroborating_share` of the window's persons with no service,
//! registration or designation dated before their start. The short share is
//! such a signal beside the crowding too. The finding is high when at least
//! two signals hold (the timing test that fired and one more), medium when
//! the timing stands alone: a street office filling its public posts from the
//! registered jobless before the year closes crowds the window as much, with
//! real people, prompt keying and lasting jobs.

use chrono::{Duration, NaiveDate};
use polars::prelude::*;

use super::lookup::counties;
use super::significance::{binomial_upper_tail, format_p};
use super::listing::record_span_and;
use super::{Evidence, Finding, Inputs, Severity};
use crate::config::ranges::rules_struct;
use super::signals::code_fails;
use crate::contract::{Table, record_number};
use crate::error::Result;
use crate::frame::{int_lists, ints, string_lists, strings};
use crate::indicators::Period;
use crate::indicators::jobs::START;
use crate::indicators::period::{date, days_between, within};

pub const ID: &str = "cutoff_window_dressing";

/// The detector's name as the panel reads it.
pub const LABEL: &str = "截止日前突击就业";

/// The rule in one sentence, for the report's legend.
pub fn rule() -> String {
    "计入的就业开始日异常集中在截止日前的最后几十天，或这些工作在截止日后很快结束；同时有截止日后即终止、截止日后录入、用人单位异常或无服务记录等佐证时为高，否则为中".into()
}

rules_struct! {
    /// The keys of `[detectors.cutoff_window_dressing]` besides `enabled` (docs/rules.md);
    /// their defaults are in `pipelines/rules/default.toml`.
    pub struct Params {
        /// At least this many counted starts in the window; and, as a second
        /// signal, at least this many window starts keyed in after A.
        min_count: i64 => count,
        /// The window: the last this many days up to and including A.
        window_days: i64 => days,
        /// Significance level of the one-sided exact binomial test.
        alpha: f64 => alpha,
        /// Or this share of the window starts ended soon after A.
        short_share: f64 => fraction,
        /// "Soon after A": ended within this many days after A.
        after_days: i64 => count,
        /// The share of the window's starts at shell employers, or of its
        /// persons without contact history, that corroborates the timing.
        corroborating_share: f64 => fraction,
    }
}

/// The first day of the window: A − (window_days − 1), so that the window
/// holds exactly `window_days` days, A included.
fn window_start(p: &Period, params: &Params) -> NaiveDate {
    p.cutoff - Duration::days(params.window_days - 1)
}

/// The counted starts (community_code, person_id, record_id, started_on)
/// with what their employment record says: `days_open` (from the earliest possible start to A, both included),
/// `in_window`, `ended_on`, `ended_soon` (within `after_days` after A),
/// `keyed_on` (the day `recorded_at` falls on, where it is after A),
/// `employer_code` and `employer_name` (as held) and `code_fails` (a code
/// present that fails GB 32100).
fn with_records(
    starts: LazyFrame,
    employment: LazyFrame,
    p: &Period,
    params: &Params,
) -> LazyFrame {
    let a = date(p.cutoff);
    let days_open = days_between(col("earliest_possible"), a.clone()) + lit(1i32);
    let in_window = col("started_on").gt_eq(date(window_start(p, params)));
    let soon_after = date(p.cutoff + Duration::days(params.after_days));
    let ended_soon = col("ended_on")
        .is_not_null()
        .and(col("ended_on").gt(a.clone()))
        .and(col("ended_on").lt_eq(soon_after));
    let keyed = col("recorded_at")
        .cast(DataType::Datetime(TimeUnit::Milliseconds, None))
        .dt()
        .date();
    starts
        .join(
            // The starts all lie in P: the records starting in P are enough.
            employment.filter(within("started_on", p)).select([
                col("record_id"),
                col("ended_on"),
                when(keyed.clone().gt(a))
                    .then(keyed)
                    .otherwise(lit(NULL).cast(DataType::Date))
                    .alias("keyed_on"),
                col("employer_code"),
                col("employer_name"),
                code_fails()
                    .alias("code_fails"),
            ]),
            [col("record_id")],
            [col("record_id")],
            JoinArgs::new(JoinType::Left),
        )
        .select(record_span_and([
            col("keyed_on"),
            col("employer_code"),
            col("employer_name"),
            col("code_fails"),
            days_open.alias("days_open"),
            in_window.alias("in_window"),
            ended_soon.alias("ended_soon"),
        ]))
}

/// The window's starts' keys.
fn start_keys() -> [Expr; 3] {
    [col("community_code"), col("person_id"), col("record_id")]
}

/// Employees of the window's employers, counted over the whole extract: by
/// code (`employees_by_employer_code`), and by name among the records
/// without a code (`employees_by_employer_name`).
fn employer_staff(window: &LazyFrame, employment: LazyFrame) -> (LazyFrame, LazyFrame) {
    let employees = |by: &str, records: LazyFrame, rows: LazyFrame| {
        records
            .select([col(by), col("person_id")])
            .semi_join(
                rows.filter(col(by).is_not_null()).select([col(by)]),
                col(by),
                col(by),
            )
            .group_by([col(by)])
            .agg([col("person_id")
                .n_unique()
                .alias(format!("employees_by_{by}"))])
    };
    let coded = col("employer_code").is_not_null();
    let by_code = employees(
        "employer_code",
        employment.clone().filter(coded.clone()),
        window.clone(),
    );
    let by_name = employees(
        "employer_name",
        employment.filter(coded.clone().not()),
        window.clone().filter(coded.not()),
    );
    (by_code, by_name)
}

/// The window's starts (their keys) whose person has a registration,
/// designation or service, wherever it was made, dated before the start,
/// with `contacted` true.
fn contacted_before(window: &LazyFrame, inputs: &Inputs) -> Result<LazyFrame> {
    let persons = window
        .clone()
        .select([col("person_id")])
        .unique(None, UniqueKeepStrategy::Any);
    let dated = |lf: LazyFrame, on: &str| {
        lf.semi_join(persons.clone(), col("person_id"), col("person_id"))
            .select([col("person_id"), col(on).alias("contact_on")])
    };
    let mut contacts = vec![
        dated(inputs.table(Table::Unemployment)?, "registered_on"),
        dated(inputs.table(Table::Hardship)?, "designated_on"),
    ];
    if let Some(services) = inputs.optional(Table::Services) {
        contacts.push(dated(services, "delivered_on"));
    }
    Ok(window
        .clone()
        .select(START.map(col))
        .join(
            concat(contacts, UnionArgs::default())?,
            [col("person_id")],
            [col("person_id")],
            JoinArgs::new(JoinType::Inner),
        )
        .filter(col("contact_on").lt(col("started_on")))
        .select(start_keys())
        .unique(None, UniqueKeepStrategy::Any)
        .with_column(lit(true).alias("contacted")))
}

/// The window's starts, one row each (community_code, person_id,
/// record_id), with `alone` (its employer, by code or by name where the
/// record has none, has records of no other person in the whole extract)
/// and `bare` (the person has no service, registration or designation, in
/// any community, dated before the start).
fn window_signals(window: LazyFrame, inputs: &Inputs) -> Result<LazyFrame> {
    let (by_code, by_name) = employer_staff(&window, inputs.table(Table::Employment)?);
    let employees = when(col("employer_code").is_not_null())
        .then(col("employees_by_employer_code"))
        .otherwise(col("employees_by_employer_name"));
    let contacted = contacted_before(&window, inputs)?;
    Ok(window
        .join(
            by_code,
            [col("employer_code")],
            [col("employer_code")],
            JoinArgs::new(JoinType::Left),
        )
        .join(
            by_name,
            [col("employer_name")],
            [col("employer_name")],
            JoinArgs::new(JoinType::Left),
        )
        .join(
            contacted,
            start_keys(),
            start_keys(),
            JoinArgs::new(JoinType::Left),
        )
        .select([
            col("community_code"),
            col("person_id"),
            col("record_id"),
            employees.eq(lit(1u32)).fill_null(lit(false)).alias("alone"),
            col("contacted").is_null().alias("bare"),
        ]))
}

/// Per community: `starts` (n), `in_window` (k), `days_open` (for each start,
/// the days from its earliest possible start to A, both included; sorted),
/// `short` (window starts whose record ended within `after_days` after A),
/// `keyed` (window starts keyed in after A), `shell` (window starts at an
/// employer whose code fails or who employs no one else), `persons` and
/// `bare_persons` (the window's persons, and those without contact history),
/// and the window starts' record ids with their dates and signals.
fn window_counts(records: LazyFrame, signals: LazyFrame, params: &Params) -> LazyFrame {
    let count = |e: Expr, name: &str| e.sum().cast(DataType::Int64).alias(name);
    records
        .join(
            signals,
            start_keys(),
            start_keys(),
            JoinArgs::new(JoinType::Left),
        )
        .with_columns([
            col("alone").fill_null(lit(false)),
            col("bare").fill_null(lit(false)),
            col("in_window")
                .and(col("code_fails").or(col("alone").fill_null(lit(false))))
                .alias("shell"),
            // A note of the record's employer, where it is a signal.
            when(col("code_fails"))
                .then(lit("用人单位统一社会信用代码校验位错误"))
                .when(col("alone").fill_null(lit(false)))
                .then(lit("用人单位在全部数据中别无他人受雇"))
                .otherwise(lit(NULL).cast(DataType::String))
                .alias("employer_note"),
        ])
        .group_by([col("community_code")])
        .agg([
            len().cast(DataType::Int64).alias("starts"),
            count(col("in_window"), "in_window_count"),
            col("days_open")
                .sort(SortOptions::default())
                .alias("days_open"),
            count(col("in_window").and(col("ended_soon")), "short"),
            count(
                col("in_window").and(col("keyed_on").is_not_null()),
                "keyed",
            ),
            count(col("shell"), "shell"),
            col("person_id")
                .filter(col("in_window"))
                .n_unique()
                .cast(DataType::Int64)
                .alias("persons"),
            col("person_id")
                .filter(col("in_window").and(col("bare")))
                .n_unique()
                .cast(DataType::Int64)
                .alias("bare_persons"),
            col("record_id")
                .filter(col("in_window"))
                .sort(SortOptions::default())
                .alias("window_records"),
            window_list("started_on"),
            window_list("ended_on"),
            window_list("keyed_on"),
            window_list("employer_note"),
            window_list("bare"),
        ])
        .filter(col("in_window_count").gt_eq(lit(params.min_count)))
        .sort(["community_code"], SortMultipleOptions::default())
}

/// A column of the window starts as text, in the order of their record ids.
fn window_list(column: &str) -> Expr {
    // Filtered before the values become text: only the window's few.
    col(column)
        .filter(col("in_window"))
        .cast(DataType::String)
        .sort_by(
            [col("record_id").filter(col("in_window"))],
            SortMultipleOptions::default(),
        )
        .alias(format!("window_{column}"))
}

/// p0: the mean over the starts of min(1, window_days / days open). Summed
/// here, one start after another in sorted order, rather than by a polars
/// mean, whose parallel partial sums differ in the last bit from run to run
/// and would break byte-identical outputs.
pub fn expected_share(days_open: &[i64], window_days: i64) -> f64 {
    if days_open.is_empty() {
        return 1.0;
    }
    let sum: f64 = days_open
        .iter()
        .map(|&d| (window_days as f64 / d.max(1) as f64).min(1.0))
        .sum();
    sum / days_open.len() as f64
}


/// One community's window in counts: `n` counted starts, `k` of them in the
/// window, p0 and the binomial tail, and the window's second signals.
#[derive(Debug, Clone, PartialEq)]
pub struct Window {
    pub n: i64,
    pub k: i64,
    pub p0: f64,
    pub p_value: f64,
    /// Whether the extract reaches past A (else the short share is unknown).
    pub reaches_past: bool,
    /// Window starts whose record ended within `after_days` after A.
    pub short: i64,
    /// Window starts keyed in after A.
    pub keyed: i64,
    /// Window starts at an employer whose code fails or who employs no one else.
    pub shell: i64,
    /// The window's persons, and those without contact history.
    pub persons: i64,
    pub bare_persons: i64,
}

/// A signal of the window, each read from the window's own records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signal {
    /// The binomial test: more window starts than the calendar explains.
    Crowding,
    /// The window's jobs ended soon after A.
    ShortShare,
    /// Keyed in after A.
    KeyedAfter,
    /// Employers failing their code check or employing no one else.
    ShellEmployers,
    /// Persons without any service, registration or designation before the start.
    NoContact,
}

impl Window {
    /// The timing of a community's window: `n` counted starts with their
    /// `days_open`, `k` in the window, `short` of them ended soon after A;
    /// the second signals none until `with_signals`.
    fn timing(
        (n, k, short): (i64, i64, i64),
        days_open: &[i64],
        reaches_past: bool,
        params: &Params,
    ) -> Window {
        let p0 = expected_share(days_open, params.window_days);
        Window {
            n,
            k,
            p0,
            p_value: binomial_upper_tail(k as u64, n as u64, p0),
            reaches_past,
            short,
            keyed: 0,
            shell: 0,
            persons: 0,
            bare_persons: 0,
        }
    }

    fn share(part: i64, whole: i64) -> f64 {
        if whole == 0 {
            0.0
        } else {
            part as f64 / whole as f64
        }
    }

    /// The signals that hold, in the order the explanation names them.
    pub fn signals(&self, params: &Params) -> Vec<Signal> {
        [
            (self.p_value < params.alpha, Signal::Crowding),
            (
                self.reaches_past && Window::share(self.short, self.k) >= params.short_share,
                Signal::ShortShare,
            ),
            (
                self.keyed >= params.min_count.max(1),
                Signal::KeyedAfter,
            ),
            (
                self.shell > 0
                    && Window::share(self.shell, self.k) >= params.corroborating_share,
                Signal::ShellEmployers,
            ),
            (
                self.bare_persons > 0
                    && Window::share(self.bare_persons, self.persons)
                        >= params.corroborating_share,
                Signal::NoContact,
            ),
        ]
        .into_iter()
        .filter_map(|(holds, s)| holds.then_some(s))
        .collect()
    }

    /// None when neither timing test holds; else the severity: high when a
    /// second signal backs the timing test that fired, medium alone.
    pub fn severity(&self, params: &Params) -> Option<Severity> {
        let signals = self.signals(params);
        let timing = signals.contains(&Signal::Crowding) || signals.contains(&Signal::ShortShare);
        let severity = if signals.len() >= 2 {
            Severity::High
        } else {
            Severity::Medium
        };
        timing.then_some(severity)
    }

    /// The finding's one line: the timing, then the corroborating signals
    /// with their numbers, or plainly that the timing stands alone.
    fn explanation(&self, p: &Period, params: &Params) -> String {
        let signals = self.signals(params);
        let crowded = signals.contains(&Signal::Crowding);
        let percent = |part: i64, whole: i64| Window::share(part, whole) * 100.0;
        let mut text = format!(
            "计入就业率的 {} 个就业开始中有 {} 个（{:.0}%）集中在截止日 {} 前 {} 天内（{} 起），按均匀分布预期只占 {:.1}%，二项检验 p = {}",
            self.n,
            self.k,
            percent(self.k, self.n),
            p.cutoff,
            params.window_days,
            window_start(p, params),
            self.p0 * 100.0,
            format_p(self.p_value),
        );
        if !crowded {
            text.push_str(&format!("，未达 {} 的显著水平", params.alpha));
        }
        let short = if self.reaches_past {
            format!(
                "其中 {} 条（{:.0}%）在截止日后 {} 天内即终止{}",
                self.short,
                percent(self.short, self.k),
                params.after_days,
                if signals.contains(&Signal::ShortShare) {
                    format!("，达到 {:.0}% 的界限", params.short_share * 100.0)
                } else {
                    String::new()
                }
            )
        } else {
            "数据未延伸到截止日之后，无法检查随后终止的情况".to_string()
        };
        let mut backing = Vec::new();
        if crowded && signals.contains(&Signal::ShortShare) {
            backing.push(short);
        } else {
            text.push('；');
            text.push_str(&short);
        }
        for s in &signals {
            match s {
                Signal::KeyedAfter => backing.push(format!(
                    "窗口期内 {} 个就业中有 {} 个在截止日后才录入",
                    self.k, self.keyed
                )),
                Signal::ShellEmployers => backing.push(format!(
                    "窗口期内 {} 个就业中有 {} 个（{:.0}%）的用人单位信用代码校验位错误或在全部数据中别无他人受雇",
                    self.k,
                    self.shell,
                    percent(self.shell, self.k)
                )),
                Signal::NoContact => backing.push(format!(
                    "窗口期内 {} 人中 {} 人（{:.0}%）在就业开始前没有任何就业服务、失业登记或困难认定记录",
                    self.persons,
                    self.bare_persons,
                    percent(self.bare_persons, self.persons)
                )),
                Signal::Crowding | Signal::ShortShare => {}
            }
        }
        if backing.is_empty() {
            text.push_str("；仅时间分布异常，录入时间、用人单位和服务记录均无佐证，建议核查");
        } else {
            text.push_str("；佐证：");
            text.push_str(&backing.join("；"));
        }
        text
    }
}

/// The communities whose window the timing test (crowding or the short
/// share) flags, as one `community_code` column: what fires at all, whatever
/// the second signals then say of its severity.
fn timing_fires(records: &DataFrame, reaches_past: bool, params: &Params) -> Result<DataFrame> {
    let none = records.clone().lazy().filter(lit(false)).select([
        col("community_code"),
        col("person_id"),
        col("record_id"),
        lit(false).alias("alone"),
        lit(false).alias("bare"),
    ]);
    let df = window_counts(records.clone().lazy(), none, params).collect()?;
    let codes = strings(&df, "community_code")?;
    let (n, k, short) = (ints(&df, "starts")?, ints(&df, "in_window_count")?, ints(&df, "short")?);
    let days_open = int_lists(&df, "days_open")?;
    let fires: Vec<String> = (0..df.height())
        .filter_map(|i| {
            let at = |v: &Vec<Option<i64>>| v[i].unwrap_or_default();
            Window::timing((at(&n), at(&k), at(&short)), &days_open[i], reaches_past, params)
                .severity(params)
                .and(codes[i].clone())
        })
        .collect();
    Ok(df!("community_code" => fires)?)
}

/// A window's starts as evidence: each record with its start, its end (or
/// still employed), a keying after A, what its employer shows and a missing
/// contact history, from the community's lists (started, ended, keyed_on,
/// employer note, bare) in the order of `ids`.
fn window_evidence(ids: &[String], [started, ended, keyed_on, employer, bare]: [&Vec<String>; 5]) -> Vec<Evidence> {
    (0..ids.len())
        .map(|j| {
            let at = |v: &Vec<String>| v.get(j).cloned().unwrap_or_default();
            let mut note = format!("{} 开始，", at(started));
            match at(ended) {
                e if e.is_empty() => note.push_str("仍在职"),
                e => note.push_str(&format!("{e} 终止")),
            }
            let on = at(keyed_on);
            if !on.is_empty() {
                note.push_str(&format!("，截止日后 {on} 才录入"));
            }
            let about = at(employer);
            if !about.is_empty() {
                note.push('，');
                note.push_str(&about);
            }
            if at(bare) == "true" {
                note.push_str("，开始前无就业服务、失业登记或困难认定记录");
            }
            Evidence::record("employment", "record_id", ids[j].as_str()).with_note(note)
        })
        .collect()
}

/// The counted starts of P with their records (`with_records`), in the
/// communities the timing test flags, in window counts with their second
/// signals (`window_counts`).
fn firing_windows(
    inputs: &Inputs,
    p: &Period,
    reaches_past: bool,
    params: &Params,
) -> Result<DataFrame> {
    let records = with_records(
        super::counted::counted_starts(inputs, p)?,
        inputs.table(Table::Employment)?,
        p,
        params,
    )
    .collect()?;
    // The timing test alone decides which communities fire; the second
    // signals are looked up only for their window starts.
    let fires = timing_fires(&records, reaches_past, params)?;
    let records = records
        .lazy()
        .semi_join(fires.lazy(), col("community_code"), col("community_code"))
        .collect()?;
    let signals = window_signals(records.clone().lazy().filter(col("in_window")), inputs)?;
    Ok(window_counts(records.lazy(), signals, params).collect()?)
}

/// The rows of `window_counts` read back: each community's window and the
/// evidence of its starts.
fn windows(
    df: &DataFrame,
    reaches_past: bool,
    params: &Params,
) -> Result<Vec<(String, Window, Vec<Evidence>)>> {
    let codes = strings(df, "community_code")?;
    let column = |name: &str| -> Result<Vec<i64>> {
        Ok(ints(df, name)?
            .into_iter()
            .map(Option::unwrap_or_default)
            .collect())
    };
    let (n, k, short) = (
        column("starts")?,
        column("in_window_count")?,
        column("short")?,
    );
    let (keyed, shell) = (column("keyed")?, column("shell")?);
    let (persons, bare) = (column("persons")?, column("bare_persons")?);
    let days_open = int_lists(df, "days_open")?;
    let ids = record_number::text_lists(df, "window_records")?;
    let list = |name: &str| string_lists(df, name);
    let (started, ended) = (list("window_started_on")?, list("window_ended_on")?);
    let (keyed_on, employer) = (list("window_keyed_on")?, list("window_employer_note")?);
    let bare_flags = list("window_bare")?;
    Ok((0..df.height())
        .filter_map(|i| {
            let code = codes[i].clone()?;
            let w = Window {
                keyed: keyed[i],
                shell: shell[i],
                persons: persons[i],
                bare_persons: bare[i],
                ..Window::timing((n[i], k[i], short[i]), &days_open[i], reaches_past, params)
            };
            let evidence = window_evidence(
                &ids[i],
                [&started[i], &ended[i], &keyed_on[i], &employer[i], &bare_flags[i]],
            );
            Some((code, w, evidence))
        })
        .collect())
}

pub fn detect(inputs: &Inputs, params: &Params) -> Result<Vec<Finding>> {
    let county = counties(inputs.communities)?;
    let end = super::signals::extract_end(inputs)?;
    let mut findings = Vec::new();
    for p in inputs.periods() {
        let reaches_past = end.is_some_and(|e| e > p.cutoff);
        let df = firing_windows(inputs, p, reaches_past, params)?;
        // Per community: the exact binomial tail comes from statrs, which a
        // polars expression cannot call; the counts are expressions.
        for (code, w, evidence) in windows(&df, reaches_past, params)? {
            let Some(severity) = w.severity(params) else {
                continue;
            };
            findings.push(Finding {
                explanation: w.explanation(p, params),
                value: Some(w.k as f64 / w.n as f64),
                threshold: Some(w.p0),
                p_value: Some(w.p_value),
                evidence,
                ..Finding::community(ID, severity, &code, &county, p.year)
            });
        }
    }
    Ok(findings)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_start_open_fewer_days_than_the_window_is_certain_to_fall_in_it() {
        // Registered 10 days before A: the start can only fall in the window.
        // Open all 365 days of the year: 30 chances in 365.
        let p0 = expected_share(&[10, 365], 30);
        assert!((p0 - (1.0 + 30.0 / 365.0) / 2.0).abs() < 1e-15);
        assert_eq!(expected_share(&[], 30), 1.0);
    }

    fn params() -> Params {
        Params {
            min_count: 5,
            window_days: 30,
            alpha: 0.001,
            short_share: 0.5,
            after_days: 60,
            corroborating_share: 0.5,
        }
    }

    /// Ten window starts of forty, crowded (p far below alpha), nothing else.
    fn crowded() -> Window {
        Window {
            n: 40,
            k: 10,
            p0: 30.0 / 365.0,
            p_value: 1e-5,
            reaches_past: true,
            short: 0,
            keyed: 0,
            shell: 0,
            persons: 10,
            bare_persons: 0,
        }
    }

    #[test]
    fn the_timing_alone_is_medium_and_any_second_signal_makes_it_high() {
        let p = params();
        assert_eq!(crowded().severity(&p), Some(Severity::Medium));
        let with = |edit: fn(&mut Window)| {
            let mut w = crowded();
            edit(&mut w);
            w.severity(&p)
        };
        assert_eq!(with(|w| w.short = 5), Some(Severity::High));
        assert_eq!(with(|w| w.keyed = 5), Some(Severity::High));
        assert_eq!(with(|w| w.shell = 5), Some(Severity::High));
        assert_eq!(with(|w| w.bare_persons = 5), Some(Severity::High));
        // Just under each limit: 4 short of 10, 4 keyed (min_count 5), 4 of
        // 10 at shells, 4 of 10 persons bare.
        for edit in [
            (|w: &mut Window| w.short = 4) as fn(&mut Window),
            |w| w.keyed = 4,
            |w| w.shell = 4,
            |w| w.bare_persons = 4,
        ] {
            assert_eq!(with(edit), Some(Severity::Medium));
        }
        // The short share counts only where the extract reaches past A.
        assert_eq!(
            with(|w| {
                w.short = 5;
                w.reaches_past = false
            }),
            Some(Severity::Medium)
        );
    }

    #[test]
    fn the_short_share_without_crowding_needs_a_further_signal_and_neither_is_no_finding() {
        let p = params();
        let quiet = |w: &mut Window| w.p_value = 0.02;
        let mut w = crowded();
        quiet(&mut w);
        assert_eq!(w.severity(&p), None);
        w.short = 6;
        assert_eq!(w.severity(&p), Some(Severity::Medium));
        w.bare_persons = 5;
        assert_eq!(w.severity(&p), Some(Severity::High));
        // Shells and keying without a timing test are no finding.
        let mut w = crowded();
        quiet(&mut w);
        w.keyed = 10;
        w.shell = 10;
        assert_eq!(w.severity(&p), None);
    }
}
