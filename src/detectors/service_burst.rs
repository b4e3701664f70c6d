//! `service_burst` (medium; high when corroborated): hardship persons counted
//! as assisted only through services written up in batches.
//!
//! The persons are those of `assistance_coverage`: H of community c is every
//! person with a designation in c overlapping P, and a person of H is
//! assisted when served in P in any community. A service is *crowded* when at
//! least `service_crowd_persons` distinct persons of the same H (the person
//! itself included) were served fewer than `service_crowd_days` days from it
//! (`[indicators]`, the keys the figure's evidence quality reads), and at
//! least `service_crowd_pace` times the persons the community's own pace of service
//! puts in such a window (a busy community's ordinary day is no batch). An
//! assisted person whose every service of P is crowded is *thinly assisted*. The
//! community fires when at least `min_count` of its assisted persons, and at
//! least `min_share` of them, are thinly assisted.
//!
//! A job fair or a group training day crowds its attendees' services too,
//! but honest attendees have ordinary services besides, so they are not thin.
//! The finding is high when at least `uncontacted_share` of the thinly
//! assisted have no contact history: no service of theirs (any community,
//! any year) dated before their first service of P, and no unemployment
//! registration of theirs open on any day of P, "no earlier service" judged
//! only where the extract's services reach `history_days` back. Otherwise it
//! is medium.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use polars::prelude::*;

use super::listing::tally_by_community;
use super::lookup::counties;
use super::signals::{how_many, reaches, severity, share_corroborates};
use super::{Evidence, Finding, Inputs, PersonId};
use crate::config::ranges::rules_struct;
use crate::contract::{Table, record_number};
use crate::error::Result;
use crate::frame::{bools, dates, floats, ints, strings};
use crate::indicators::Period;
use crate::indicators::evidence::{Crowd, with_crowding};
use crate::indicators::hardship::hardship_persons;
use crate::indicators::period::{date, days_between, later_of, within};

pub const ID: &str = "service_burst";

/// The detector's name as the panel reads it.
pub const LABEL: &str = "援助服务集中补录";

/// The rule in one sentence, for the report's legend.
pub fn rule() -> String {
    "援助覆盖的就业困难人员中，较多人的服务记录全部出自几天内多人同批的服务".into()
}

rules_struct! {
    /// The keys of `[detectors.service_burst]` besides `enabled` (docs/rules.md);
    /// their defaults are in `pipelines/rules/default.toml`.
    pub struct Params {
        /// At least this many thinly assisted persons...
        min_count: i64 => count,
        /// ...and this share of the assisted.
        min_share: f64 => fraction,
        /// High when at least this share of the thinly assisted have no contact history.
        uncontacted_share: f64 => fraction,
        /// No earlier service counts as no contact history only where the
        /// extract's services reach back this many days before the first one of P.
        history_days: i64 => count,
    }
}

/// The services of P to the persons of each community's H: community_code
/// (H's community), person_id, service_id, delivered_on, day (days since
/// the epoch).
fn services_of_h(hardship: LazyFrame, services: LazyFrame, p: &Period) -> LazyFrame {
    hardship_persons(hardship, p).join(
        services.filter(within("delivered_on", p)).select([
            col("person_id"),
            col("service_id"),
            col("delivered_on"),
            col("delivered_on").cast(DataType::Int32).alias("day"),
        ]),
        [col("person_id")],
        [col("person_id")],
        JoinArgs::new(JoinType::Inner),
    )
}

/// How crowding is judged: the `[indicators]` keys (`service_crowd_days`,
/// `service_crowd_persons`, `service_crowd_pace`) and the days of P.
struct Crowding {
    days: i64,
    persons: i64,
    pace_factor: f64,
    period_days: i64,
}

impl Crowding {
    fn of(inputs: &Inputs, p: &Period) -> Crowding {
        Crowding {
            days: inputs.indicator_rules.service_crowd_days,
            persons: inputs.indicator_rules.service_crowd_persons,
            pace_factor: inputs.indicator_rules.service_crowd_pace,
            period_days: (p.cutoff - p.start).num_days() + 1,
        }
    }

    /// The crowd as `indicators::evidence::with_crowding` judges it: a
    /// service's crowd reaches fewer than `days` days either side.
    fn crowd(&self) -> Crowd {
        Crowd {
            reach: self.days.clamp(1, 366) as i32 - 1,
            persons: self.persons,
            pace: self.pace_factor,
            span_days: self.period_days,
        }
    }
}

/// Each service of `services_of_h` with `nearby`, `needed` and `crowded`
/// (`indicators::evidence::with_crowding`, the evidence figure's own
/// judgement, over the services of H in P). A service is crowded when
/// `nearby` reaches `service_crowd_persons` and `pace_factor` times the
/// persons the community's own pace would put in its window (its served
/// person-days in P spread evenly over P): in a community that serves
/// several hardship persons a day, three within two days is its ordinary
/// pace, not a batch.
fn crowded_services(services: LazyFrame, c: &Crowding) -> Result<LazyFrame> {
    Ok(with_crowding(services.clone(), services, &c.crowd())?)
}

/// Per community and assisted person: `thin` (every service crowded),
/// `first_served` (the first service of P) and `contacted` (a service of
/// the person before `first_served`, any community and year, or a
/// registration open on a day of P). Where the extract's services begin
/// (`services_from`) fewer than `history_days` before `first_served`, the
/// extract cannot show an earlier service, and the person counts as
/// contacted: an extract that starts with the review year must not make
/// every person look new.
fn assisted_persons(
    crowding: LazyFrame,
    services: LazyFrame,
    unemployment: LazyFrame,
    p: &Period,
    services_from: Option<NaiveDate>,
    history_days: i64,
) -> LazyFrame {
    let persons = crowding
        .group_by([col("community_code"), col("person_id")])
        .agg([
            col("crowded").all(true).alias("thin"),
            col("delivered_on").min().alias("first_served"),
        ]);
    let thin_ids = persons
        .clone()
        .filter(col("thin"))
        .select([col("person_id")])
        .unique(None, UniqueKeepStrategy::Any);
    let earliest = services
        .select([col("person_id"), col("delivered_on")])
        .semi_join(thin_ids.clone(), col("person_id"), col("person_id"))
        .group_by([col("person_id")])
        .agg([col("delivered_on").min().alias("earliest_served")]);
    // Open on some day of P: registered by A, and ended (if at all) after
    // the later of S and its own registration.
    let registered = unemployment
        .filter(
            col("registered_on").lt_eq(date(p.cutoff)).and(
                col("ended_on")
                    .is_null()
                    .or(col("ended_on").gt(later_of("registered_on", p.start))),
            ),
        )
        .select([col("person_id")])
        .semi_join(thin_ids, col("person_id"), col("person_id"))
        .unique(None, UniqueKeepStrategy::Any)
        .with_column(lit(true).alias("registered"));
    persons
        .join(
            earliest,
            [col("person_id")],
            [col("person_id")],
            JoinArgs::new(JoinType::Left),
        )
        .join(
            registered,
            [col("person_id")],
            [col("person_id")],
            JoinArgs::new(JoinType::Left),
        )
        .with_column(
            col("earliest_served")
                .lt(col("first_served"))
                .fill_null(lit(false))
                .or(col("registered").fill_null(lit(false)))
                .or(history_unknown(services_from, history_days))
                .alias("contacted"),
        )
        .select([
            col("community_code"),
            col("person_id"),
            col("thin"),
            col("contacted"),
        ])
}

/// Whether the extract's services begin too late to show `history_days` of
/// history before `first_served`.
fn history_unknown(services_from: Option<NaiveDate>, history_days: i64) -> Expr {
    match services_from {
        Some(from) => days_between(date(from), col("first_served"))
            .lt(lit(history_days.clamp(0, 1 << 30) as i32)),
        None => lit(true),
    }
}

/// Per community reaching both thresholds: `assisted`, `thin`,
/// `uncontacted` (thin persons with no contact history).
fn firing(persons: LazyFrame, params: &Params) -> LazyFrame {
    persons
        .group_by([col("community_code")])
        .agg([
            len().cast(DataType::Int64).alias("assisted"),
            how_many(col("thin")).alias("thin_count"),
            how_many(col("thin").and(col("contacted").not())).alias("uncontacted"),
        ])
        .filter(reaches(
            "thin_count",
            "assisted",
            params.min_count,
            params.min_share,
        ))
}

/// The dates as the batches they form: runs of dates fewer than
/// `crowd_days` apart, each written "first 至 last" (or the one day), the
/// first `shown` of them joined by 、; and how many there are.
pub fn batches(days: &[NaiveDate], crowd_days: i64, shown: usize) -> (usize, String) {
    let mut sorted = days.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    let mut runs: Vec<(NaiveDate, NaiveDate)> = Vec::new();
    for d in sorted {
        match runs.last_mut() {
            Some((_, last)) if (d - *last).num_days() < crowd_days => *last = d,
            _ => runs.push((d, d)),
        }
    }
    let text = runs
        .iter()
        .take(shown)
        .map(|(a, b)| {
            if a == b {
                a.to_string()
            } else {
                format!("{a} 至 {b}")
            }
        })
        .collect::<Vec<_>>()
        .join("、");
    (runs.len(), text)
}

/// One thin person of a firing community, with the services behind it.
struct Thin {
    contacted: bool,
    services: Vec<(String, NaiveDate, i64)>,
}

/// The first day the extract's services hold, if any.
fn services_from(services: &LazyFrame) -> Result<Option<NaiveDate>> {
    let first = services
        .clone()
        .select([col("delivered_on").min()])
        .collect()?;
    Ok(dates(&first, "delivered_on")?.into_iter().flatten().next())
}

/// The services of the thin persons of the firing communities, sorted.
fn thin_services(crowding: DataFrame, persons: DataFrame, fired: &DataFrame) -> Result<DataFrame> {
    let thin = persons.lazy().filter(col("thin")).semi_join(
        fired.clone().lazy(),
        col("community_code"),
        col("community_code"),
    );
    Ok(crowding
        .lazy()
        .join(
            thin,
            [col("community_code"), col("person_id")],
            [col("community_code"), col("person_id")],
            JoinArgs::new(JoinType::Inner),
        )
        .sort(
            ["community_code", "person_id", "delivered_on", "service_id"],
            SortMultipleOptions::default(),
        )
        .collect()?)
}

/// A firing community's thin persons with their services, and the persons
/// a window needed to be a batch there (the same on each of its rows), as
/// a whole number.
#[derive(Default)]
struct Burst {
    persons: BTreeMap<String, Thin>,
    batch: Option<i64>,
}

/// The thin services per community (Rust: an expression cannot build the
/// evidence).
fn tallied(rows: &DataFrame) -> Result<BTreeMap<String, Burst>> {
    let ids = strings(rows, "person_id")?;
    let sids = record_number::texts(rows, "service_id")?;
    let (on, nearby) = (dates(rows, "delivered_on")?, ints(rows, "nearby")?);
    let contacted = bools(rows, "contacted")?;
    let needed = floats(rows, "needed")?;
    tally_by_community(rows, |b: &mut Burst, i| {
        let (Some(pid), Some(d)) = (&ids[i], on[i]) else {
            return;
        };
        b.batch.get_or_insert(needed[i].unwrap_or_default().ceil() as i64);
        b.persons
            .entry(pid.clone())
            .or_insert_with(|| Thin {
                contacted: contacted[i].unwrap_or(true),
                services: Vec::new(),
            })
            .services
            .push((sids[i].clone().unwrap_or_default(), d, nearby[i].unwrap_or(1)));
    })
}

pub fn detect(inputs: &Inputs, params: &Params) -> Result<Vec<Finding>> {
    let Some(services) = inputs.optional(Table::Services) else {
        return Ok(Vec::new());
    };
    let rules = inputs.indicator_rules;
    let county = counties(inputs.communities)?;
    let services_from = services_from(&services)?;
    let mut findings = Vec::new();
    for p in inputs.periods() {
        let crowding = crowded_services(
            services_of_h(inputs.table(Table::Hardship)?, services.clone(), p),
            &Crowding::of(inputs, p),
        )?
        .collect()?;
        let persons = assisted_persons(
            crowding.clone().lazy(),
            services.clone(),
            inputs.table(Table::Unemployment)?,
            p,
            services_from,
            params.history_days,
        )
        .collect()?;
        let fired = firing(persons.clone().lazy(), params).collect()?;
        if fired.height() == 0 {
            continue;
        }
        let mut bursts = tallied(&thin_services(crowding, persons, &fired)?)?;
        let fired_codes = strings(&fired, "community_code")?;
        let (assisted, thin_count, uncontacted) = (
            ints(&fired, "assisted")?,
            ints(&fired, "thin_count")?,
            ints(&fired, "uncontacted")?,
        );
        for i in 0..fired.height() {
            let Some(code) = &fired_codes[i] else { continue };
            let counts = (
                assisted[i].unwrap_or_default(),
                thin_count[i].unwrap_or_default(),
                uncontacted[i].unwrap_or_default(),
            );
            let burst = bursts.remove(code).unwrap_or_default();
            let batch = burst.batch.unwrap_or(rules.service_crowd_persons);
            let crowd = (rules.service_crowd_days, batch);
            findings.push(finding(code, p, params, crowd, counts, burst.persons, &county));
        }
    }
    Ok(findings)
}

/// The finding of one community: the window's days either side and the
/// persons it needed, then (assisted, thin, uncontacted).
fn finding(
    code: &str,
    p: &Period,
    params: &Params,
    (crowd_days, crowd_persons): (i64, i64),
    (n, k, u): (i64, i64, i64),
    persons: BTreeMap<String, Thin>,
    county: &std::collections::HashMap<String, String>,
) -> Finding {
    let (corroborated, signal) = share_corroborates(
        (u, k),
        params.uncontacted_share,
        || format!("；其中 {u} 人此前从无服务记录、期内也无失业登记，没有任何接触史"),
        || format!("；其中 {u} 人无接触史"),
    );
    let days: Vec<NaiveDate> = persons
        .values()
        .flat_map(|t| t.services.iter().map(|s| s.1))
        .collect();
    // A line for the panel: the first three batches, then how many in all.
    let (count, spans) = batches(&days, crowd_days, 3);
    let spans = match count {
        0 | 1 => spans,
        2 | 3 => format!("{spans} 共 {count} 批"),
        _ => format!("{spans} 等 {count} 批"),
    };
    let explanation = format!(
        "{} 年援助覆盖的 {n} 名就业困难人员中 {k} 人（{:.0}%）的服务记录全部集中在 {spans}（每次前后 {} 天内至少 {crowd_persons} 人同批）{signal}",
        p.year,
        k as f64 / n as f64 * 100.0,
        crowd_days - 1,
    );
    Finding::community(ID, severity(corroborated), code, county, p.year).measured(
        explanation,
        (k as f64 / n as f64, params.min_share),
        person_evidence(persons, crowd_days),
    )
}

/// Each thin person, then their services, as evidence.
fn person_evidence(persons: BTreeMap<String, Thin>, crowd_days: i64) -> Vec<Evidence> {
    let mut evidence = Vec::new();
    for (pid, t) in persons {
        let history = if t.contacted {
            "此前有服务记录或期内有失业登记"
        } else {
            "此前无服务记录、期内无失业登记"
        };
        evidence.push(Evidence::Person {
            id: PersonId::new(pid),
            note: Some(format!(
                "期内 {} 次服务均为多人同批服务，{history}",
                t.services.len()
            )),
        });
        for (sid, d, near) in t.services {
            evidence.push(
                Evidence::record("services", "service_id", sid.as_str()).with_note(format!(
                    "{d} 服务，前后 {} 天内同批共 {near} 人",
                    crowd_days - 1
                )),
            );
        }
    }
    evidence
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2021, m, day).unwrap()
    }

    #[test]
    fn dates_fewer_than_crowd_days_apart_form_one_batch() {
        // 3 and 4 November one batch (1 day apart); 7 November is 3 days
        // after the 4th, not fewer than 3: a second batch.
        let days = [d(11, 4), d(11, 3), d(11, 7), d(11, 3)];
        let (n, text) = batches(&days, 3, 3);
        assert_eq!((n, text.as_str()), (2, "2021-11-03 至 2021-11-04、2021-11-07"));
        // Only the first shown.
        assert_eq!(batches(&days, 3, 1), (2, "2021-11-03 至 2021-11-04".to_string()));
    }

    /// The default window (3 days) and batch (3 persons) over a year of 365
    /// days, with a pace factor.
    fn crowding(pace_factor: f64) -> Crowding {
        Crowding {
            days: 3,
            persons: 3,
            pace_factor,
            period_days: 365,
        }
    }

    #[test]
    fn a_service_is_crowded_when_three_persons_were_served_within_two_days_of_it() {
        // C1: A on 1 March, B on 3 March, C on 5 March, D on 20 March.
        // 3 March sees A, B and C (each at most 2 days away): crowded. 1
        // March sees A and B; 5 March sees B and C; 20 March D alone.
        let day = |m, dd| d(m, dd);
        let services = df!(
            "community_code" => ["C1"; 4],
            "person_id" => ["A", "B", "C", "D"],
            "service_id" => ["S1", "S2", "S3", "S4"],
            "delivered_on" => [day(3, 1), day(3, 3), day(3, 5), day(3, 20)],
        )
        .unwrap()
        .lazy()
        .with_column(col("delivered_on").cast(DataType::Int32).alias("day"));
        let df = crowded_services(services, &crowding(0.0))
            .unwrap()
            .sort(["service_id"], SortMultipleOptions::default())
            .collect()
            .unwrap();
        let crowded: Vec<Option<bool>> = bools(&df, "crowded").unwrap();
        assert_eq!(crowded, vec![Some(false), Some(true), Some(false), Some(false)]);
        assert_eq!(
            ints(&df, "nearby").unwrap(),
            vec![Some(2), Some(3), Some(2), Some(1)]
        );
    }

    #[test]
    fn a_community_serving_someone_every_day_has_no_batch_of_five() {
        // 200 persons, person k served on day k of the year: every window of
        // 5 days holds 5 persons (3 at the ends), crowded by the count alone.
        // The pace, 200 person-days in 365, puts 200 × 5 / 365 = 2.74 persons
        // in a window; 3 times that is 8.2, which no window reaches.
        let services = |n: i32| {
            df!(
                "community_code" => vec!["C1"; n as usize],
                "person_id" => (0..n).map(|k| format!("P{k}")).collect::<Vec<_>>(),
                "service_id" => (0..n).map(|k| format!("S{k}")).collect::<Vec<_>>(),
                "day" => (0..n).map(|k| 18_628 + k).collect::<Vec<i32>>(),
            )
            .unwrap()
            .lazy()
        };
        let crowded = |factor: f64| {
            let df = crowded_services(services(200), &crowding(factor))
                .unwrap()
                .collect()
                .unwrap();
            bools(&df, "crowded").unwrap().into_iter().flatten().filter(|c| *c).count()
        };
        assert_eq!(crowded(0.0), 200);
        assert_eq!(crowded(3.0), 0);
    }
}
