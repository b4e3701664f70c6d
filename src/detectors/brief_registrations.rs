//! `brief_registrations` (medium; high when corroborated): the re-employment
//! a community counts rests on registrations that were open only days before
//! the job began. Registering a person and closing the registration on a job
//! a day later adds one to both R and U, and so lifts R / U: a registry can
//! be padded this way without a single false job.
//!
//! For each person counted in `reemployed_in_period` (`counted`), the days
//! from the registration behind the count (`registered_on`) to the counted
//! start. The community fires when at least `min_count` of its counted
//! persons started work fewer than `brief_days` days after registering, and
//! that many is beyond chance: an exact one-sided binomial test against
//! `base_share`, the share of such quick placements an honest registry
//! shows, gives p < `alpha`.
//!
//! Alone that is medium: a job introduction on the day of registering does
//! place people within the week. It is high when a second signal holds for
//! at least `corroborating_share` of the brief ones: they were employed on
//! the day they registered as jobless (another employment record covers
//! `registered_on`: one record contradicts the other), or they have no
//! contact history (no service of theirs on record at all, no earlier
//! registration): a registration made up leaves nobody who was served.

use std::collections::BTreeMap;

use polars::prelude::*;

use super::listing::tally_by_community;
use super::lookup::counties;
use super::significance::{CountedTest, above_chance};
use super::signals::{corroborated, holding, note_with};
use super::{Evidence, Finding, Inputs};
use crate::config::ranges::rules_struct;
use crate::contract::{Table, record_number};
use crate::error::Result;
use crate::frame::{bools, dates, ints, strings};
use crate::indicators::Period;
use crate::contract::names::chinese;
use crate::indicators::period::days_between;

pub const ID: &str = "brief_registrations";

/// The indicator whose counted persons the detector tests.
const REEMPLOYED: &str = "reemployment_rate";

/// The detector's name as the panel reads it.
pub const LABEL: &str = "失业登记旋登旋销";

/// The rule in one sentence, for the report's legend.
pub fn rule() -> String {
    format!(
        "计入{}的人员中，较多人登记失业后几天内即就业，登记几乎从未真正存续",
        chinese(REEMPLOYED)
    )
}

rules_struct! {
    /// The keys of `[detectors.brief_registrations]` besides `enabled` (docs/rules.md);
    /// their defaults are in `pipelines/rules/default.toml`.
    pub struct Params {
        /// A start fewer than this many days after registering is brief.
        brief_days: i64 => days,
        /// At least this many brief ones...
        min_count: i64 => count,
        /// ...more than chance allows against this honest share of them...
        base_share: f64 => fraction,
        /// ...at this significance level (exact one-sided binomial test).
        alpha: f64 => alpha,
        /// A second signal corroborates when it holds for this share of them.
        corroborating_share: f64 => fraction,
    }
}

pub fn detect(inputs: &Inputs, params: &Params) -> Result<Vec<Finding>> {
    let county = counties(inputs.communities)?;
    let mut findings = Vec::new();
    for p in inputs.periods() {
        let df = with_signals(inputs, firing(inputs, p, params)?)?.collect()?;
        let count = |b: &Brief| (b.evidence.len(), b.counted);
        for (code, b, p_value) in above_chance(tallied(&df)?, count, params.base_share, params.alpha) {
            findings.push(b.finding(&code, p_value, p, params, &county));
        }
    }
    Ok(findings)
}

/// The counted re-employed persons of communities that fire, the brief ones
/// marked: community_code, person_id, claim_id, claim_on, record_id,
/// started_on, days, brief, counted, brief_count.
fn firing(inputs: &Inputs, p: &Period, params: &Params) -> Result<LazyFrame> {
    let counted = inputs
        .reemployment_counts(p)?
        .with_column(days_between(col("claim_on"), col("started_on")).alias("days"))
        .with_column(
            col("days")
                .lt(lit(params.brief_days.clamp(0, i64::from(i32::MAX)) as i32))
                .alias("brief"),
        );
    let communities = counted
        .clone()
        .group_by([col("community_code")])
        .agg([
            len().cast(DataType::Int64).alias("counted"),
            col("brief").sum().cast(DataType::Int64).alias("brief_count"),
        ])
        .filter(col("brief_count").gt_eq(lit(params.min_count)));
    Ok(counted
        .filter(col("brief"))
        .join(
            communities,
            [col("community_code")],
            [col("community_code")],
            JoinArgs::new(JoinType::Inner),
        )
        .select([
            col("community_code"),
            col("person_id"),
            col("claim_id"),
            col("claim_on"),
            col("record_id"),
            col("started_on"),
            col("days"),
            col("counted"),
            col("brief_count"),
        ]))
}

/// The brief persons employed on the day they registered: another record
/// of theirs (not the counted one) covering `claim_on`, by their keys
/// (community_code, person_id, claim_id) with `employed_at_registration`.
fn employed_at_registration(employment: LazyFrame, brief: LazyFrame) -> LazyFrame {
    let claims = brief.select([
        col("community_code"),
        col("person_id"),
        col("claim_id"),
        col("claim_on"),
        col("record_id").alias("counted_record"),
    ]);
    super::narrow::with_jobs(claims, employment)
        .filter(
            col("record_id").neq(col("counted_record")).and(
                col("started_on").lt_eq(col("claim_on")).and(
                    col("ended_on")
                        .is_null()
                        .or(col("ended_on").gt_eq(col("claim_on"))),
                ),
            ),
        )
        .select(keys())
        .unique(None, UniqueKeepStrategy::Any)
        .with_column(lit(true).alias("employed_at_registration"))
}

/// A brief person's keys: community_code, person_id, claim_id.
fn keys() -> [Expr; 3] {
    [col("community_code"), col("person_id"), col("claim_id")]
}

/// The brief persons with a `contact` before the count: an earlier
/// registration, or any service of the person on record.
fn contacted(inputs: &Inputs, brief: LazyFrame) -> Result<LazyFrame> {
    let earlier_registration = brief
        .clone()
        .select([
            col("community_code"),
            col("person_id"),
            col("claim_id"),
            col("claim_on"),
        ])
        .join(
            inputs
                .table(Table::Unemployment)?
                .select([col("person_id"), col("registered_on")]),
            [col("person_id")],
            [col("person_id")],
            JoinArgs::new(JoinType::Inner),
        )
        .filter(col("registered_on").lt(col("claim_on")))
        .select(keys());
    let mut contacts = vec![earlier_registration];
    if let Some(services) = inputs.optional(Table::Services) {
        contacts.push(
            brief
                .select(keys())
                .join(
                    services.select([col("person_id")]),
                    [col("person_id")],
                    [col("person_id")],
                    JoinArgs::new(JoinType::Inner),
                )
                .select(keys()),
        );
    }
    Ok(concat(contacts, UnionArgs::default())?
        .unique(None, UniqueKeepStrategy::Any)
        .with_column(lit(true).alias("contact")))
}

/// The brief persons with their two signals: `employed_at_registration` and
/// `contact` (any service of the person on record, or an earlier
/// registration).
fn with_signals(inputs: &Inputs, brief: LazyFrame) -> Result<LazyFrame> {
    let employed = employed_at_registration(inputs.table(Table::Employment)?, brief.clone());
    let contact = contacted(inputs, brief.clone())?;
    let left = JoinArgs::new(JoinType::Left);
    Ok(brief
        .join(employed, keys(), keys(), left.clone())
        .join(contact, keys(), keys(), left)
        .with_columns([
            col("employed_at_registration").fill_null(lit(false)),
            col("contact").fill_null(lit(false)),
        ])
        .sort(
            ["community_code", "claim_on", "claim_id"],
            SortMultipleOptions::default(),
        ))
}

#[derive(Default)]
struct Brief {
    counted: i64,
    employed: usize,
    no_contact: usize,
    evidence: Vec<Evidence>,
}

/// Per community, its brief persons counted by signal and listed as
/// evidence (Rust: an expression cannot build the evidence).
fn tallied(df: &DataFrame) -> Result<BTreeMap<String, Brief>> {
    let claims = strings(df, "claim_id")?;
    let records = record_number::texts(df, "record_id")?;
    let (claim_on, started) = (dates(df, "claim_on")?, dates(df, "started_on")?);
    let counted = ints(df, "counted")?;
    let employed = bools(df, "employed_at_registration")?;
    let contact = bools(df, "contact")?;
    tally_by_community(df, |b: &mut Brief, i| {
        b.counted = counted[i].unwrap_or_default();
        let was_employed = employed[i].unwrap_or(false);
        let no_contact = !contact[i].unwrap_or(true);
        b.employed += usize::from(was_employed);
        b.no_contact += usize::from(no_contact);
        let (Some(on), Some(start)) = (claim_on[i], started[i]) else {
            return;
        };
        let note = note_with(
            format!(
                "{on} 登记失业，{start} 即就业（就业登记 {}）",
                records[i].clone().unwrap_or_default()
            ),
            [
                (was_employed, "，登记当日另有在职记录".into()),
                (no_contact, "，无任何服务记录或更早的登记".into()),
            ],
        );
        let claim = claims[i].clone().unwrap_or_default();
        b.evidence
            .push(Evidence::record("unemployment", "registration_id", claim).with_note(note));
    })
}

impl Brief {
    /// The community's finding from its brief registrations.
    fn finding(
        self,
        code: &str,
        p_value: f64,
        p: &Period,
        params: &Params,
        county: &std::collections::HashMap<String, String>,
    ) -> Finding {
        let k = self.evidence.len();
        let signals = holding(
            k,
            params.corroborating_share,
            [
                (
                    self.employed,
                    format!("{k} 人中 {} 人登记失业当日另有在职记录", self.employed),
                ),
                (
                    self.no_contact,
                    format!("{k} 人中 {} 人无任何服务记录或更早的登记", self.no_contact),
                ),
            ],
        );
        let (severity, corroboration) = corroborated(signals, "仅登记时长异常，建议核查");
        let pattern = format!("登记失业后不足 {} 天即就业", params.brief_days);
        let shell = Finding::community(ID, severity, code, county, p.year);
        CountedTest::new(REEMPLOYED, (k, self.counted), (params.base_share, p_value))
            .finding(shell, &pattern, &corroboration, self.evidence)
    }
}
