//! The review year as rows: what the report, the charts and the forms read.
//! Every figure comes from the run's own frames (indicators, ratings,
//! shortlist, spot checks, findings, risk), so what the panel sees is what
//! the Parquet tables hold.
//!
//! The documents cover one review year, the latest of the run: a run over
//! 2020 and 2021 reports on 2021 (the earlier year is there for the
//! detectors' year-on-year comparison and for the Parquet readers).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use polars::prelude::*;

use crate::error::Result;
use crate::indicators::period::Period;

/// Reads one column as optional strings; a column the frame lacks reads as nulls.
pub fn strs(df: &DataFrame, name: &str) -> PolarsResult<Vec<Option<String>>> {
    if df.schema().get(name).is_none() {
        return Ok(vec![None; df.height()]);
    }
    let c = df.column(name)?.cast(&DataType::String)?;
    Ok(c.str()?.iter().map(|v| v.map(str::to_string)).collect())
}

/// Reads one column as optional floats; absent reads as nulls.
pub fn floats(df: &DataFrame, name: &str) -> PolarsResult<Vec<Option<f64>>> {
    if df.schema().get(name).is_none() {
        return Ok(vec![None; df.height()]);
    }
    let c = df.column(name)?.cast(&DataType::Float64)?;
    Ok(c.f64()?.iter().collect())
}

/// Reads one column as optional integers; absent reads as nulls.
pub fn ints(df: &DataFrame, name: &str) -> PolarsResult<Vec<Option<i64>>> {
    if df.schema().get(name).is_none() {
        return Ok(vec![None; df.height()]);
    }
    let c = df.column(name)?.cast(&DataType::Int64)?;
    Ok(c.i64()?.iter().collect())
}

/// Reads one column as optional booleans; absent reads as nulls.
pub fn bools(df: &DataFrame, name: &str) -> PolarsResult<Vec<Option<bool>>> {
    if df.schema().get(name).is_none() {
        return Ok(vec![None; df.height()]);
    }
    let c = df.column(name)?.cast(&DataType::Boolean)?;
    Ok(c.bool()?.iter().collect())
}

/// The rows of `df` for one year (a frame without `year` is taken whole).
pub fn of_year(df: &DataFrame, year: i32) -> PolarsResult<DataFrame> {
    if df.schema().get("year").is_none() {
        return Ok(df.clone());
    }
    df.clone()
        .lazy()
        .filter(col("year").cast(DataType::Int64).eq(lit(year as i64)))
        .collect()
}

/// One community in the review year: identity, recognition, indicators,
/// verdict, score and risk.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Community {
    pub code: String,
    pub name: String,
    pub county: String,
    pub street: String,
    pub provincial_year: Option<i64>,
    pub provincial_star_year: Option<i64>,
    pub national: Option<bool>,
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
    pub under_reinspection: bool,
    /// `pass`, `fail`, `incomplete`; None when not under re-inspection.
    pub verdict: Option<String>,
    pub failing_rules: Vec<String>,
    pub failing_detail: String,
    /// The margin (差几人) of a passing community, and the rule ids it comes from.
    pub margin_persons: Option<i64>,
    pub margin_rules: Vec<String>,
    pub labor_force: Option<i64>,
    pub employed: Option<i64>,
    pub registered_unemployed: Option<i64>,
    pub registered_unemployment_rate: Option<f64>,
    pub unemployed_in_period: Option<i64>,
    pub reemployed_in_period: Option<i64>,
    pub reemployment_rate: Option<f64>,
    pub hardship_persons: Option<i64>,
    pub hardship_employed: Option<i64>,
    pub hardship_employment_rate: Option<f64>,
    pub zero_households: Option<i64>,
    pub zero_households_open: Option<i64>,
    pub zero_households_overdue: Option<i64>,
    pub new_jobs: Option<i64>,
    pub assistance_targets: Option<i64>,
    pub assisted: Option<i64>,
    pub assistance_coverage: Option<f64>,
    pub services_delivered: Option<i64>,
    pub platform_ok: Option<bool>,
    pub score: Option<f64>,
    pub city_level: bool,
    pub stars: i64,
    /// `市级`, `星级` or None.
    pub level: Option<String>,
    pub level_vetoed: bool,
    pub risk_score: i64,
    pub needs_verification: bool,
    pub flags: String,
}

/// One shortlisted application.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Candidate {
    pub code: String,
    pub name: String,
    pub county: String,
    pub street: String,
    pub applied_level: String,
    pub score: Option<f64>,
    pub stars: i64,
    pub level: Option<String>,
    pub applied_level_reached: Option<bool>,
    pub risk_score: i64,
    pub needs_verification: bool,
    pub flags: String,
    pub rank_overall: i64,
    pub rank_in_county: i64,
    pub recommended: Option<bool>,
}

/// One detector finding, as the findings table holds it.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Finding {
    pub detector: String,
    pub severity: String,
    pub level: String,
    pub community_code: Option<String>,
    pub community_name: Option<String>,
    pub county: String,
    pub street: Option<String>,
    pub explanation: String,
    pub value: Option<f64>,
    pub threshold: Option<f64>,
    pub p_value: Option<f64>,
    pub evidence: Vec<String>,
}

/// One community drawn for the spot check.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct SpotCheck {
    pub code: String,
    pub name: String,
    pub county: String,
    pub street: String,
    pub verdict: Option<String>,
    pub risk_score: i64,
    pub inclusion_probability: f64,
    pub county_communities: i64,
    pub county_sample_size: i64,
}

/// One application's claimed rates beside the registry's.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Claim {
    pub code: String,
    pub name: String,
    pub claimed_reemployment_rate: Option<f64>,
    pub registry_reemployment_rate: Option<f64>,
    pub claimed_hardship_employment_rate: Option<f64>,
    pub registry_hardship_employment_rate: Option<f64>,
}

/// Everything the panel's documents show about the review year.
#[derive(Debug, Clone, Default)]
pub struct Review {
    pub year: i32,
    pub period: Option<Period>,
    /// Communities of the year, ordered by county, street, code.
    pub communities: Vec<Community>,
    /// None when the extract has no applications table.
    pub shortlist: Option<Vec<Candidate>>,
    pub findings: Vec<Finding>,
    pub spot_checks: Vec<SpotCheck>,
    /// None when the extract has no applications table.
    pub claims: Option<Vec<Claim>>,
    /// Employment records starting in each week of the year (week 0 begins
    /// on 1 January); None without an employment table.
    pub weekly_starts: Option<Vec<i64>>,
}

impl Review {
    /// Communities by code.
    pub fn by_code(&self) -> BTreeMap<&str, &Community> {
        self.communities
            .iter()
            .map(|c| (c.code.as_str(), c))
            .collect()
    }

    /// The counties in order.
    pub fn counties(&self) -> Vec<String> {
        let mut c: Vec<String> = self.communities.iter().map(|c| c.county.clone()).collect();
        c.sort();
        c.dedup();
        c
    }

    pub fn cutoff(&self) -> Option<NaiveDate> {
        self.period.map(|p| p.cutoff)
    }
}

/// What the review rows are read from.
pub struct Frames<'a> {
    pub indicators: &'a DataFrame,
    pub ratings: &'a DataFrame,
    pub shortlist: &'a DataFrame,
    pub spot_checks: &'a DataFrame,
    /// The findings table (see `report::input::findings_schema`).
    pub findings: &'a DataFrame,
    /// Risk per community and year (community_code, year, risk_score,
    /// needs_verification, flags); may be empty or without columns.
    pub risk: &'a DataFrame,
    pub communities: &'a DataFrame,
    pub applications: Option<&'a DataFrame>,
    pub employment: Option<&'a DataFrame>,
    pub periods: &'a [Period],
}

/// The review year: the latest year of the run.
pub fn review_year(periods: &[Period]) -> Option<&Period> {
    periods.iter().max_by_key(|p| p.year)
}

/// Reads the review year out of the run's frames.
pub fn read(frames: &Frames) -> Result<Review> {
    let Some(period) = review_year(frames.periods).copied() else {
        return Ok(Review::default());
    };
    let year = period.year;
    let communities = communities(frames, year)?;
    let by_code: BTreeMap<String, Community> = communities
        .iter()
        .map(|c| (c.code.clone(), c.clone()))
        .collect();
    let shortlist = match frames.applications {
        Some(_) => Some(candidates(&of_year(frames.shortlist, year)?)?),
        None => None,
    };
    let claims = match frames.applications {
        Some(apps) => Some(claims(&of_year(apps, year)?, &by_code)?),
        None => None,
    };
    Ok(Review {
        year,
        period: Some(period),
        communities,
        shortlist,
        findings: read_findings(&of_year(frames.findings, year)?)?,
        spot_checks: spot_checks(&of_year(frames.spot_checks, year)?)?,
        claims,
        weekly_starts: frames
            .employment
            .map(|e| weekly_starts(e, year))
            .transpose()?,
    })
}

fn communities(frames: &Frames, year: i32) -> Result<Vec<Community>> {
    let ratings = of_year(frames.ratings, year)?;
    let indicators = of_year(frames.indicators, year)?;
    let risk = of_year(frames.risk, year)?;
    let pick = |df: &DataFrame, names: &[&str]| -> PolarsResult<LazyFrame> {
        let have: Vec<Expr> = names
            .iter()
            .filter(|n| df.schema().get(n).is_some())
            .map(|n| col(*n))
            .collect();
        Ok(df.clone().lazy().select(have))
    };
    // Every published indicator, as the indicators stage names them.
    let indicator_columns: Vec<&str> = std::iter::once("community_code")
        .chain(crate::indicators::INDICATORS)
        .collect();
    let mut joined = ratings.clone().lazy().join(
        pick(&indicators, &indicator_columns)?,
        [col("community_code")],
        [col("community_code")],
        JoinArgs::new(JoinType::Left),
    );
    joined = joined.join(
        pick(
            frames.communities,
            &[
                "community_code",
                "provincial_star_year",
                "national",
                "contact_name",
                "contact_phone",
            ],
        )?,
        [col("community_code")],
        [col("community_code")],
        JoinArgs::new(JoinType::Left),
    );
    if risk.schema().get("risk_score").is_some() && ratings.schema().get("risk_score").is_none() {
        joined = joined.join(
            pick(
                &risk,
                &[
                    "community_code",
                    "risk_score",
                    "needs_verification",
                    "flags",
                ],
            )?,
            [col("community_code")],
            [col("community_code")],
            JoinArgs::new(JoinType::Left),
        );
    }
    let df = joined
        .sort(
            ["county", "street", "community_code"],
            SortMultipleOptions::default(),
        )
        .collect()?;

    let code = strs(&df, "community_code")?;
    let name = strs(&df, "community_name")?;
    let county = strs(&df, "county")?;
    let street = strs(&df, "street")?;
    let provincial_year = ints(&df, "provincial_year")?;
    let star_year = ints(&df, "provincial_star_year")?;
    let national = bools(&df, "national")?;
    let contact_name = strs(&df, "contact_name")?;
    let contact_phone = strs(&df, "contact_phone")?;
    let under = bools(&df, "under_reinspection")?;
    let verdict = strs(&df, "verdict")?;
    let failing = strs(&df, "failing_rules")?;
    let detail = strs(&df, "failing_detail")?;
    let margin_persons = ints(&df, "margin_persons")?;
    let margin_rule = strs(&df, "margin_rule")?;
    let i = |n: &str| ints(&df, n);
    let f = |n: &str| floats(&df, n);
    let (lf, emp, ru, rur) = (
        i("labor_force")?,
        i("employed")?,
        i("registered_unemployed")?,
        f("registered_unemployment_rate")?,
    );
    let (uip, rip, rr) = (
        i("unemployed_in_period")?,
        i("reemployed_in_period")?,
        f("reemployment_rate")?,
    );
    let (hp, he, her) = (
        i("hardship_persons")?,
        i("hardship_employed")?,
        f("hardship_employment_rate")?,
    );
    let (zh, zho, zhd) = (
        i("zero_households")?,
        i("zero_households_open")?,
        i("zero_households_overdue")?,
    );
    let (nj, at, asd, ac, sd) = (
        i("new_jobs")?,
        i("assistance_targets")?,
        i("assisted")?,
        f("assistance_coverage")?,
        i("services_delivered")?,
    );
    let platform = bools(&df, "platform_ok")?;
    let score = f("score")?;
    let city_level = bools(&df, "city_level")?;
    let stars = i("stars")?;
    let level = strs(&df, "level")?;
    let vetoed = bools(&df, "level_vetoed")?;
    let risk_score = i("risk_score")?;
    let verify = bools(&df, "needs_verification")?;
    let flags = strs(&df, "flags")?;
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    Ok((0..df.height())
        .map(|k| Community {
            code: text(&code[k]),
            name: text(&name[k]),
            county: text(&county[k]),
            street: text(&street[k]),
            provincial_year: provincial_year[k],
            provincial_star_year: star_year[k],
            national: national[k],
            contact_name: contact_name[k].clone(),
            contact_phone: contact_phone[k].clone(),
            under_reinspection: under[k].unwrap_or(false),
            verdict: verdict[k].clone(),
            failing_rules: failing[k]
                .as_deref()
                .unwrap_or("")
                .split(';')
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect(),
            failing_detail: text(&detail[k]),
            margin_persons: margin_persons[k],
            margin_rules: margin_rule[k]
                .as_deref()
                .unwrap_or("")
                .split(';')
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect(),
            labor_force: lf[k],
            employed: emp[k],
            registered_unemployed: ru[k],
            registered_unemployment_rate: rur[k],
            unemployed_in_period: uip[k],
            reemployed_in_period: rip[k],
            reemployment_rate: rr[k],
            hardship_persons: hp[k],
            hardship_employed: he[k],
            hardship_employment_rate: her[k],
            zero_households: zh[k],
            zero_households_open: zho[k],
            zero_households_overdue: zhd[k],
            new_jobs: nj[k],
            assistance_targets: at[k],
            assisted: asd[k],
            assistance_coverage: ac[k],
            services_delivered: sd[k],
            platform_ok: platform[k],
            score: score[k],
            city_level: city_level[k].unwrap_or(false),
            stars: stars[k].unwrap_or(0),
            level: level[k].clone(),
            level_vetoed: vetoed[k].unwrap_or(false),
            risk_score: risk_score[k].unwrap_or(0),
            needs_verification: verify[k].unwrap_or(false),
            flags: text(&flags[k]),
        })
        .collect())
}

fn candidates(df: &DataFrame) -> Result<Vec<Candidate>> {
    let df = df
        .clone()
        .lazy()
        .sort(["rank_overall"], SortMultipleOptions::default())
        .collect()?;
    let s = |n: &str| strs(&df, n);
    let i = |n: &str| ints(&df, n);
    let (code, name, county, street, applied) = (
        s("community_code")?,
        s("community_name")?,
        s("county")?,
        s("street")?,
        s("applied_level")?,
    );
    let score = floats(&df, "score")?;
    let (stars, risk, rank, rank_county) = (
        i("stars")?,
        i("risk_score")?,
        i("rank_overall")?,
        i("rank_in_county")?,
    );
    let level = s("level")?;
    let reached = bools(&df, "applied_level_reached")?;
    let verify = bools(&df, "needs_verification")?;
    let flags = s("flags")?;
    let recommended = bools(&df, "recommended")?;
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    Ok((0..df.height())
        .map(|k| Candidate {
            code: text(&code[k]),
            name: text(&name[k]),
            county: text(&county[k]),
            street: text(&street[k]),
            applied_level: text(&applied[k]),
            score: score[k],
            stars: stars[k].unwrap_or(0),
            level: level[k].clone(),
            applied_level_reached: reached[k],
            risk_score: risk[k].unwrap_or(0),
            needs_verification: verify[k].unwrap_or(false),
            flags: text(&flags[k]),
            rank_overall: rank[k].unwrap_or(0),
            rank_in_county: rank_county[k].unwrap_or(0),
            recommended: recommended[k],
        })
        .collect())
}

/// The findings, ordered by detector, severity (high first), county, community.
pub fn read_findings(df: &DataFrame) -> Result<Vec<Finding>> {
    let s = |n: &str| strs(df, n);
    let (detector, severity, level, code, name, county, street, explanation) = (
        s("detector")?,
        s("severity")?,
        s("level")?,
        s("community_code")?,
        s("community_name")?,
        s("county")?,
        s("street")?,
        s("explanation")?,
    );
    let (value, threshold, p) = (
        floats(df, "value")?,
        floats(df, "threshold")?,
        floats(df, "p_value")?,
    );
    let evidence: Vec<Vec<String>> = match df.schema().get("evidence") {
        Some(DataType::List(_)) => {
            let list = df.column("evidence")?.list()?.clone();
            (0..df.height())
                .map(|k| -> PolarsResult<Vec<String>> {
                    Ok(match list.get_as_series(k) {
                        Some(items) => items
                            .cast(&DataType::String)?
                            .str()?
                            .iter()
                            .flatten()
                            .map(str::to_string)
                            .collect(),
                        None => Vec::new(),
                    })
                })
                .collect::<PolarsResult<_>>()?
        }
        _ => s("evidence")?
            .into_iter()
            .map(|e| {
                e.unwrap_or_default()
                    .split(';')
                    .filter(|x| !x.is_empty())
                    .map(str::to_string)
                    .collect()
            })
            .collect(),
    };
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let mut rows: Vec<Finding> = (0..df.height())
        .map(|k| Finding {
            detector: text(&detector[k]),
            severity: text(&severity[k]),
            level: text(&level[k]),
            community_code: code[k].clone(),
            community_name: name[k].clone(),
            county: text(&county[k]),
            street: street[k].clone(),
            explanation: text(&explanation[k]),
            value: value[k],
            threshold: threshold[k],
            p_value: p[k],
            evidence: evidence[k].clone(),
        })
        .collect();
    rows.sort_by(|a, b| {
        (
            &a.detector,
            severity_rank(&a.severity),
            &a.county,
            &a.community_code,
        )
            .cmp(&(
                &b.detector,
                severity_rank(&b.severity),
                &b.county,
                &b.community_code,
            ))
    });
    Ok(rows)
}

/// High before medium before low.
pub fn severity_rank(s: &str) -> u8 {
    match s {
        "high" => 0,
        "medium" => 1,
        "low" => 2,
        _ => 3,
    }
}

fn spot_checks(df: &DataFrame) -> Result<Vec<SpotCheck>> {
    let df = df
        .clone()
        .lazy()
        .sort(["county", "community_code"], SortMultipleOptions::default())
        .collect()?;
    let s = |n: &str| strs(&df, n);
    let (code, name, county, street, verdict) = (
        s("community_code")?,
        s("community_name")?,
        s("county")?,
        s("street")?,
        s("verdict")?,
    );
    let risk = ints(&df, "risk_score")?;
    let pi = floats(&df, "inclusion_probability")?;
    let (n, size) = (
        ints(&df, "county_communities")?,
        ints(&df, "county_sample_size")?,
    );
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    Ok((0..df.height())
        .map(|k| SpotCheck {
            code: text(&code[k]),
            name: text(&name[k]),
            county: text(&county[k]),
            street: text(&street[k]),
            verdict: verdict[k].clone(),
            risk_score: risk[k].unwrap_or(0),
            inclusion_probability: pi[k].unwrap_or(0.0),
            county_communities: n[k].unwrap_or(0),
            county_sample_size: size[k].unwrap_or(0),
        })
        .collect())
}

/// Claimed rates of the year's applications beside the registry's, in
/// community order (one application per community and year at most is
/// expected; every row is shown).
fn claims(apps: &DataFrame, by_code: &BTreeMap<String, Community>) -> Result<Vec<Claim>> {
    let code = strs(apps, "community_code")?;
    let reemployment = floats(apps, "claimed_reemployment_rate")?;
    let hardship = floats(apps, "claimed_hardship_employment_rate")?;
    let mut rows: Vec<Claim> = (0..apps.height())
        .filter_map(|k| {
            let c = by_code.get(code[k].as_deref()?)?;
            Some(Claim {
                code: c.code.clone(),
                name: c.name.clone(),
                claimed_reemployment_rate: reemployment[k],
                registry_reemployment_rate: c.reemployment_rate,
                claimed_hardship_employment_rate: hardship[k],
                registry_hardship_employment_rate: c.hardship_employment_rate,
            })
        })
        .collect();
    rows.sort_by(|a, b| a.code.cmp(&b.code));
    Ok(rows)
}

/// Employment records whose `started_on` lies in the calendar year, counted
/// per week from 1 January (week k covers days 7k..7k+6 of the year; the
/// last week is short).
pub fn weekly_starts(employment: &DataFrame, year: i32) -> Result<Vec<i64>> {
    let start = NaiveDate::from_ymd_opt(year, 1, 1).expect("1 January");
    let end = NaiveDate::from_ymd_opt(year, 12, 31).expect("31 December");
    let days = (end - start).num_days() + 1;
    let mut weeks = vec![0i64; ((days + 6) / 7) as usize];
    let started = employment
        .column("started_on")?
        .cast(&DataType::Date)?
        .date()?
        .physical()
        .clone();
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).expect("epoch");
    let offset = (start - epoch).num_days();
    for d in started.iter().flatten() {
        let day = d as i64 - offset;
        if (0..days).contains(&day) {
            weeks[(day / 7) as usize] += 1;
        }
    }
    Ok(weeks)
}
