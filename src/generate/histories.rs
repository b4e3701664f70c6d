//! An honest community's histories over the years of the calendar (the
//! review year and the year before, or a range of review years):
//! jobs, unemployment registrations, hardship designations, zero-employment
//! households, services, the platform check and the community's own row.
//!
//! Counts are set from targets (a re-employment rate, a registered
//! unemployment rate, a hardship employment rate) and then realised person by
//! person, so the registry's rates land where real communities' rates land
//! while every row stays consistent with every other (nobody works while
//! registered, every registration closed as `就业` has its job, every cleared
//! zero household has a member whose job covers the clearing day).

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime};

use super::calendar::{Calendar, add_years, age_at};
use super::geography::{County, Profile, Site};
use super::ids::credit_code;
use super::model::{
    Batch, Community, Designation, Job, Platform, Registration, Service, ZeroHousehold,
};
use super::names;
use super::persons::{self, Member, Role};
use super::rng::{Rng, Stream};

/// Where an honest community's figures should land; patterns and the
/// county-level bunching adjust them before the histories are drawn.
#[derive(Debug, Clone)]
pub struct Knobs {
    pub reemployment: f64,
    pub reemployment_prev: f64,
    /// Registrations overlapping the year, per person of the labour force.
    pub unemployed_share: f64,
    /// Registered unemployment rate aimed at on the cut-off.
    pub unemployment_rate: f64,
    pub hardship: f64,
    pub hardship_prev: f64,
    /// Hardship designations per person of the labour force.
    pub hardship_share: f64,
    /// Exact (registrations, re-employed) of the review year, when set.
    pub forced_counts: bool,
    /// Keep the review year's rate out of [0.67, 0.70): set in a county whose
    /// rates are bunched above the threshold.
    pub avoid_below_threshold: bool,
    /// Register the year's unemployed early in the year.
    pub early_registrations: bool,
    pub overdue_zero: bool,
    pub open_zero: bool,
    /// Zero households marked cleared with nobody employed.
    pub unverified_zero: usize,
    pub service_gap: bool,
    pub platform_ok: bool,
    pub tiny: bool,
    /// Movers whose old ledger stay nobody closed (the stale-stay
    /// confounder): at least this many, and every mover's old stay left
    /// open; 0 for the ordinary community, whose movers' old stays are closed.
    pub stale_movers: usize,
    /// Recognised at provincial level before the review year, so that the
    /// re-inspection judges it (a pattern must change that verdict).
    pub recognised: bool,
    /// Share of the review year's hardship persons that nobody served in the
    /// year (0: every one served, but for the one `service_gap` leaves out).
    pub unserved_share: f64,
    /// No new employment in the review year: nobody registered, no job
    /// changes, no first jobs, no hardship person starting work, no zero
    /// household cleared in the year (a settled community, all of whose
    /// working persons keep the jobs they had).
    pub quiet: bool,
    /// Zero households cleared in time: at least this many episodes.
    pub cleared_zero_at_least: usize,
    /// Every hardship designation made before the previous year.
    pub early_designations: bool,
    /// As many registrations still open at the cut-off as
    /// `unemployment_rate` asks, with more registrations if need be.
    pub keep_open: bool,
    /// What the years before the previous one aim at, oldest first
    /// (`drift`); empty when the histories cover two years.
    pub earlier: Vec<EarlierYear>,
    /// Fails its re-inspection in this year of the histories (0: the first),
    /// and the province approves its disqualification (`disqualified`).
    pub fails_in: Option<usize>,
}

impl Knobs {
    pub fn for_profile(profile: Profile, rng: &mut Rng) -> Knobs {
        let (r, u) = match profile {
            Profile::Normal => (
                rng.normal(0.82, 0.08).clamp(0.6, 0.97),
                rng.uniform(0.013, 0.034),
            ),
            Profile::High => (rng.uniform(0.93, 1.0), rng.uniform(0.008, 0.02)),
            Profile::Failing => (rng.uniform(0.52, 0.64), rng.uniform(0.03, 0.05)),
            Profile::Tiny => (1.0, 0.0),
        };
        let h = match profile {
            Profile::Normal => rng.uniform(0.78, 0.98),
            Profile::High => rng.uniform(0.9, 1.0),
            Profile::Failing => rng.uniform(0.62, 0.86),
            Profile::Tiny => 1.0,
        };
        let failing = profile == Profile::Failing;
        Knobs {
            reemployment: r,
            reemployment_prev: (r + rng.normal(0.0, 0.05)).clamp(0.45, 1.0),
            unemployed_share: rng.uniform(0.18, 0.26),
            unemployment_rate: u,
            hardship: h,
            hardship_prev: (h + rng.normal(0.0, 0.08)).clamp(0.5, 1.0),
            hardship_share: rng.uniform(0.07, 0.10),
            forced_counts: false,
            avoid_below_threshold: false,
            early_registrations: false,
            overdue_zero: failing && rng.chance(0.5),
            open_zero: profile != Profile::Tiny && rng.chance(0.3),
            unverified_zero: 0,
            service_gap: rng.chance(if failing { 0.5 } else { 0.08 }),
            platform_ok: !(failing && rng.chance(0.35)),
            tiny: profile == Profile::Tiny,
            stale_movers: 0,
            recognised: false,
            unserved_share: 0.0,
            quiet: false,
            cleared_zero_at_least: 0,
            early_designations: false,
            keep_open: false,
            earlier: vec![],
            fails_in: None,
        }
    }

    /// The re-employment rate aimed at in year `y` of `years` (0: the first).
    pub fn reemployment_in(&self, y: usize, years: usize) -> f64 {
        match years - y {
            1 => self.reemployment,
            2 => self.reemployment_prev,
            _ => self.earlier[y].reemployment,
        }
    }

    /// The hardship employment rate aimed at in year `y` of `years`.
    pub fn hardship_in(&self, y: usize, years: usize) -> f64 {
        match years - y {
            1 => self.hardship,
            2 => self.hardship_prev,
            _ => self.earlier[y].hardship,
        }
    }

    /// Registrations per person of the labour force in year `y` of `years`.
    pub fn unemployed_share_in(&self, y: usize, years: usize) -> f64 {
        match years - y {
            1 | 2 => self.unemployed_share,
            _ => self.earlier[y].unemployed_share,
        }
    }
}

/// What a year before the previous one aims at (`drift::earlier_years`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EarlierYear {
    pub reemployment: f64,
    pub hardship: f64,
    /// Registrations per person of the labour force: the community's own,
    /// before a falsification pattern set the review year's.
    pub unemployed_share: f64,
}

/// The counts of the review year in a county whose rates bunch just above the
/// 0.70 threshold: the smallest number of registrations from `at_least` whose
/// re-employed share can lie in [0.70, 0.73).
pub fn band_counts(at_least: usize) -> (usize, usize) {
    (at_least.max(7)..)
        .map(|u| (u, (7 * u).div_ceil(10)))
        .find(|&(u, r)| (r as f64) / (u as f64) < 0.73)
        .expect("u = 10 always qualifies")
}

/// One year's registrations after the first: how many are re-employed in
/// it, how many still open at its cut-off, how many are new in it (the rest
/// carried over from the year before).
struct YearPlan {
    reemployed: usize,
    open: usize,
    new: usize,
}

/// In a year between the first and the review year, the share of the new
/// registrants who were re-employed in an earlier year and lost that job.
const REGISTERED_AGAIN: f64 = 0.5;

pub struct Builder<'a> {
    pub cal: &'a Calendar,
    pub site: &'a Site,
    pub county: &'a County,
    pub rng: Rng,
    pub members: Vec<Member>,
    pub batch: Batch,
    job_serial: usize,
    registration_serial: usize,
    service_serial: usize,
}

/// Employment forms and their shares among ordinary jobs.
const KINDS: [&str; 4] = ["单位就业", "灵活就业", "自主创业", "公益性岗位"];
const KIND_WEIGHTS: [f64; 4] = [0.68, 0.20, 0.07, 0.05];
/// Persons with employment difficulties take public-welfare posts far more often.
const HARDSHIP_KIND_WEIGHTS: [f64; 4] = [0.45, 0.20, 0.05, 0.30];

impl<'a> Builder<'a> {
    pub fn new(cal: &'a Calendar, site: &'a Site, county: &'a County, seed: u64) -> Builder<'a> {
        Builder {
            cal,
            site,
            county,
            rng: Rng::new(seed, site.index as u64, Stream::Community),
            members: vec![],
            batch: Batch::default(),
            job_serial: 0,
            registration_serial: 0,
            service_serial: 0,
        }
    }

    /// The honest community: ledger, histories, services, platform, its row.
    /// `moved_from` is the community that movers come from.
    pub fn build(mut self, knobs: &Knobs, moved_from: Option<(usize, &str)>) -> Builder<'a> {
        let cal = self.cal;
        self.members = persons::ledger(self.site, self.county, cal, &mut self.rng);
        persons::deaths(&mut self.members, cal, &mut self.rng);
        let old_stays = persons::movers(
            &mut self.members,
            moved_from,
            knobs.stale_movers,
            cal,
            &mut self.rng,
        );
        self.zero_households(knobs);
        self.registrations(knobs);
        self.hardship(knobs);
        self.everyone_else(moved_from.map(|m| m.1), knobs.stale_movers > 0, knobs.quiet);
        self.services(knobs);
        self.platform(knobs);
        self.community_row(knobs);
        self.batch.persons = self
            .members
            .iter()
            .map(|m| m.row.clone())
            .chain(old_stays)
            .collect();
        self
    }

    /// Persons of working age at the cut-off, able to work, in the ledger: the
    /// base that the shares of registrations and designations apply to.
    fn labour_base(&self) -> f64 {
        let a = self.cal.cutoff;
        self.members
            .iter()
            .filter(|m| m.row.capacity && m.row.left.is_none() && m.working_age_at(a))
            .count() as f64
    }

    fn eligible_pool(&mut self) -> Vec<usize> {
        let mut pool: Vec<usize> = (0..self.members.len())
            .filter(|&i| self.members[i].eligible(self.cal))
            .collect();
        self.rng.shuffle(&mut pool);
        pool
    }

    /// The first day on which the person is 18 (no job starts earlier).
    fn adult(&self, i: usize) -> NaiveDate {
        add_years(self.members[i].row.birth, 18)
    }

    /// When a record is keyed in: usually within days of the start, during
    /// office hours, and never after the extract was taken. Records started
    /// before the information system existed carry no time.
    pub fn keyed_at(&mut self, started: NaiveDate) -> Option<NaiveDateTime> {
        if started < NaiveDate::from_ymd_opt(2012, 1, 1).expect("date") {
            return None;
        }
        let delay = self.rng.int(0, 14).min(self.rng.int(0, 14));
        let day = (started + Duration::days(delay)).min(self.cal.extract);
        let seconds = self.rng.int(8 * 3600 + 1800, 17 * 3600 + 1799);
        Some(day.and_hms_opt(0, 0, 0).expect("midnight") + Duration::seconds(seconds))
    }

    pub fn next_job_id(&mut self) -> String {
        self.job_serial += 1;
        format!("E{}{:05}", self.site.code, self.job_serial)
    }

    fn employer(&mut self, kind: &'static str) -> (Option<String>, Option<String>) {
        match kind {
            "单位就业" => {
                let weights = employer_weights(self.county.employers.len());
                let e = &self.county.employers[self.rng.weighted(weights)];
                (Some(e.name.clone()), Some(e.code.clone()))
            }
            "自主创业" => {
                let serial =
                    (self.site.index as u64 * 5_000 + self.job_serial as u64) % 887_503_681;
                (
                    Some(names::shop(&mut self.rng)),
                    Some(credit_code("92", &self.county.code, serial)),
                )
            }
            "公益性岗位" => {
                let street: u64 = self.site.code[6..9].parse().expect("digits");
                (
                    Some(format!("{}办事处", self.site.street)),
                    Some(credit_code("11", &self.county.code, 800_000 + street)),
                )
            }
            _ => (None, None),
        }
    }

    /// Adds a job of person `i` registered by `community` (this one unless the
    /// person worked elsewhere before moving here); returns its index.
    pub fn add_job(
        &mut self,
        person: &str,
        community: Option<&str>,
        kind: &'static str,
        started: NaiveDate,
        ended: Option<NaiveDate>,
    ) -> usize {
        let (employer_name, employer_code) = self.employer(kind);
        let id = self.next_job_id();
        let recorded_at = self.keyed_at(started);
        self.batch.employment.push(Job {
            id,
            person: person.to_string(),
            community: community.unwrap_or(&self.site.code).to_string(),
            employer_name,
            employer_code,
            kind,
            started,
            ended,
            recorded_at,
        });
        self.batch.employment.len() - 1
    }

    fn kind(&mut self, hardship: bool) -> &'static str {
        KINDS[self.rng.weighted(if hardship {
            &HARDSHIP_KIND_WEIGHTS
        } else {
            &KIND_WEIGHTS
        })]
    }

    /// A job that ends at retirement when the person retires within the extract.
    fn open_end(&self, i: usize) -> Option<NaiveDate> {
        let r = self.members[i].retires;
        (r <= self.cal.extract).then(|| r - Duration::days(1))
    }

    /// A long-standing job, started years before the histories begin.
    fn long_job(
        &mut self,
        i: usize,
        community: Option<&str>,
        ended: Option<NaiveDate>,
        hardship: bool,
    ) {
        let lo = self
            .adult(i)
            .max(self.cal.first_start - Duration::days(15 * 365));
        let started = self.rng.date(lo, self.cal.first_start - Duration::days(30));
        let kind = self.kind(hardship);
        let id = self.members[i].row.id.clone();
        self.add_job(&id, community, kind, started, ended);
    }

    /// The job a registrant lost shortly before registering.
    fn lost_job(&mut self, i: usize, registered: NaiveDate) {
        if age_at(self.members[i].row.birth, registered) < 21 {
            return; // a first-time job seeker
        }
        let lo = self.adult(i).max(registered - Duration::days(10 * 365));
        let started = self.rng.date(lo, registered - Duration::days(200));
        let ended = self.rng.date(
            registered - Duration::days(45),
            registered - Duration::days(1),
        );
        let kind = self.kind(false);
        let id = self.members[i].row.id.clone();
        self.add_job(&id, None, kind, started, Some(ended));
    }

    /// A new job from `started`, mostly kept; some end months later.
    fn new_job(&mut self, i: usize, started: NaiveDate, hardship: bool) -> usize {
        let ended = if self.rng.chance(0.15) && started + Duration::days(150) <= self.cal.extract {
            Some(
                self.rng
                    .date(started + Duration::days(150), self.cal.extract),
            )
        } else {
            self.open_end(i)
        };
        let kind = self.kind(hardship);
        let id = self.members[i].row.id.clone();
        self.add_job(&id, None, kind, started, ended)
    }

    fn register(
        &mut self,
        i: usize,
        registered: NaiveDate,
        ended: Option<NaiveDate>,
        reason: Option<&'static str>,
    ) {
        let person = self.members[i].row.id.clone();
        self.add_registration(&person, registered, ended, reason);
    }

    /// Adds a registration of `person` in this community; returns its index.
    pub fn add_registration(
        &mut self,
        person: &str,
        registered: NaiveDate,
        ended: Option<NaiveDate>,
        reason: Option<&'static str>,
    ) -> usize {
        self.registration_serial += 1;
        self.batch.unemployment.push(Registration {
            id: format!("U{}{:05}", self.site.code, self.registration_serial),
            person: person.to_string(),
            community: self.site.code.clone(),
            registered,
            ended,
            reason,
        });
        self.batch.unemployment.len() - 1
    }

    /// One of the county's employers, the large ones the likelier, as an
    /// ordinary employer job names it: (name, credit code).
    pub fn county_employer(&mut self) -> (String, String) {
        let (name, code) = self.employer("单位就业");
        (name.expect("a name"), code.expect("a code"))
    }

    /// `recorded_at` of a record keyed in within `days` of `day`, in office hours.
    pub fn keyed_within(&mut self, day: NaiveDate, days: i64) -> NaiveDateTime {
        let day = (day + Duration::days(self.rng.int(0, days))).min(self.cal.extract);
        let seconds = self.rng.int(8 * 3600 + 1800, 17 * 3600 + 1799);
        day.and_hms_opt(0, 0, 0).expect("midnight") + Duration::seconds(seconds)
    }

    /// Registered unemployment over the years of the histories. The
    /// registrations still open at a year's cut-off carry into the next
    /// year. In a year between the first and the review year, some of the
    /// new registrants are persons re-employed in an earlier year who lost
    /// that job again (the review year's are drawn as in an extract of one
    /// review year, unless nobody new is left).
    fn registrations(&mut self, k: &Knobs) {
        let cal = *self.cal;
        let years = cal.span();
        let base = self.labour_base();
        let mut pool = self.eligible_pool();
        let open_target = |rng: &mut Rng| {
            if k.tiny {
                0
            } else {
                rng.round(k.unemployment_rate * base).max(1)
            }
        };

        let u_first = if k.tiny {
            self.rng.int(0, 3) as usize
        } else {
            let jitter = self.rng.uniform(0.85, 1.15);
            self.rng
                .round(k.unemployed_share_in(0, years) * base * jitter)
        };
        let r_first = if k.tiny {
            u_first
        } else {
            self.rng
                .round(k.reemployment_in(0, years) * u_first as f64)
                .min(u_first)
        };
        let o_first = open_target(&mut self.rng).min(u_first - r_first);

        // Each later year's counts, the review year's shaped by its knobs.
        let mut plans: Vec<YearPlan> = vec![];
        let mut open_before = o_first;
        for y in 1..years {
            let last = y + 1 == years;
            let planned = if k.tiny {
                self.rng.int(0, 3) as usize
            } else {
                let jitter = self.rng.uniform(0.85, 1.15);
                self.rng
                    .round(k.unemployed_share_in(y, years) * base * jitter)
            };
            let (u, mut r) = if last && k.forced_counts {
                band_counts(planned.max(open_before))
            } else {
                let u = planned.max(open_before);
                let r = if k.tiny {
                    u
                } else {
                    self.rng
                        .round(k.reemployment_in(y, years) * u as f64)
                        .min(u)
                };
                // Every community of some size has somebody still registered.
                (
                    if !k.tiny && !k.quiet && r == u && self.rng.chance(0.6) {
                        u + 1
                    } else {
                        u
                    },
                    r,
                )
            };
            if last && k.avoid_below_threshold && u > 0 {
                let rate = r as f64 / u as f64;
                if (0.665..0.70).contains(&rate) {
                    r += 1;
                }
            }
            let o_want = open_target(&mut self.rng);
            // Enough registrations still open at A for the target, at the same
            // re-employment rate or better.
            let (u, r) = if last && k.keep_open && u - r < o_want {
                let u = u.max((o_want as f64 / (1.0 - k.reemployment)).ceil() as usize);
                (u, u - o_want)
            } else {
                (u, r)
            };
            let open = o_want.min(u - r);
            plans.push(YearPlan {
                reemployed: r,
                open,
                new: u - open_before,
            });
            open_before = open;
        }
        let new_last = plans.last().map_or(0, |p| p.new);
        let after = if k.tiny {
            0
        } else {
            self.rng.round(0.12 * new_last as f64)
        };
        let needed = u_first + plans.iter().map(|p| p.new).sum::<usize>() + after;
        if needed > pool.len() {
            tracing::debug!(community = %self.site.code, needed, available = pool.len(), "too few persons for the planned registrations");
        }

        let (s0, a0) = cal.period(cal.first_year);
        let e = cal.extract;
        // Persons re-employed before the review year, with the job that
        // re-employed them: a later year may see them register again.
        let mut again: Vec<(usize, usize)> = vec![];
        // First year: re-employed, carried over (open at its cut-off), other ends.
        let mut carried = vec![];
        let mut first: Vec<(i64, usize, NaiveDate)> = vec![];
        for _ in 0..u_first {
            let Some(i) = pool.pop() else { break };
            self.members[i].role = Role::Registrant;
            let registered = self
                .rng
                .date(s0 - Duration::days(150), a0 - Duration::days(30));
            self.lost_job(i, registered);
            first.push((
                (registered - s0).num_days() + self.rng.int(-90, 90),
                i,
                registered,
            ));
        }
        // As in every later year: the earliest registered found work, the
        // latest are still registered at the cut-off.
        first.sort();
        for (n, (_, i, registered)) in first.into_iter().enumerate() {
            if n < r_first {
                let start = self
                    .rng
                    .hiring_date(registered.max(s0) + Duration::days(1), a0, 75.0);
                let job = self.new_job(i, start, false);
                let ended = (start + Duration::days(self.rng.int(0, 5))).min(a0);
                self.register(i, registered, Some(ended), Some("就业"));
                again.push((i, job));
            } else if n + o_first >= u_first {
                carried.push((i, registered));
            } else {
                let ended = self
                    .rng
                    .date((registered + Duration::days(30)).max(s0).min(a0), a0);
                self.register(i, registered, Some(ended), Some("其他"));
            }
        }
        for (y, plan) in plans.iter().enumerate() {
            let year = cal.first_year + 1 + y as i32;
            let last = year == cal.year;
            let (s, a) = cal.period(year);
            // The carried registrations and new ones.
            let mut entries: Vec<(usize, NaiveDate)> = std::mem::take(&mut carried);
            let days = if last && k.early_registrations {
                (s, s + Duration::days(90))
            } else {
                (s, a - Duration::days(15))
            };
            let mut fresh = plan.new;
            if !last {
                let wanted = self.rng.round(REGISTERED_AGAIN * plan.new as f64);
                let before = entries.len();
                self.register_again(&mut again, wanted, days, &mut entries);
                fresh -= entries.len() - before;
            }
            let mut drawn = 0;
            for _ in 0..fresh {
                let Some(i) = pool.pop() else { break };
                self.members[i].role = Role::Registrant;
                let registered = self.rng.date(days.0, days.1);
                self.lost_job(i, registered);
                entries.push((i, registered));
                drawn += 1;
            }
            // Histories of three years or more: when nobody new is left,
            // persons re-employed earlier register again.
            if drawn < fresh && years > 2 {
                self.register_again(&mut again, fresh - drawn, days, &mut entries);
            }
            // Those registered long ago are the likelier to have found work by
            // the cut-off; the most recent are still looking. Without this,
            // starts of late registrants crowd into December.
            let mut keyed: Vec<(i64, usize, NaiveDate)> = entries
                .into_iter()
                .map(|(i, registered)| {
                    (
                        (registered - s).num_days() + self.rng.int(-90, 90),
                        i,
                        registered,
                    )
                })
                .collect();
            keyed.sort();
            for (n, (_, i, registered)) in keyed.into_iter().enumerate() {
                if n < plan.reemployed {
                    let start =
                        self.rng
                            .hiring_date(registered.max(s) + Duration::days(1), a, 75.0);
                    let job = self.new_job(i, start, false);
                    let ended = (start + Duration::days(self.rng.int(0, 5))).min(a);
                    self.register(i, registered, Some(ended), Some("就业"));
                    if !last {
                        again.push((i, job));
                    }
                } else if n < plan.reemployed + plan.open {
                    if !last {
                        // Still looking at the cut-off: into the next year.
                        carried.push((i, registered));
                    } else if self.rng.chance(0.3) {
                        // Open on the cut-off; some find work before the
                        // extract is taken.
                        let start = self.rng.date(a + Duration::days(1), e - Duration::days(5));
                        self.new_job(i, start, false);
                        let ended = start + Duration::days(self.rng.int(0, 3));
                        self.register(i, registered, Some(ended), Some("就业"));
                    } else {
                        self.register(i, registered, None, None);
                    }
                } else {
                    // Ended within the year, so that it still overlaps it.
                    let ended = self
                        .rng
                        .date((registered + Duration::days(30)).max(s).min(a), a);
                    self.register(i, registered, Some(ended), Some("其他"));
                }
            }
        }
        // Registered after the cut-off, before the extract.
        let a = cal.cutoff;
        for _ in 0..after {
            let Some(i) = pool.pop() else { break };
            self.members[i].role = Role::Registrant;
            let registered = self.rng.date(a + Duration::days(1), e - Duration::days(5));
            self.lost_job(i, registered);
            self.register(i, registered, None, None);
        }
    }

    /// Up to `wanted` persons re-employed in an earlier year (`again`: the
    /// person and the job that re-employed them) register again on a day of
    /// `days`: each had held that job at least 200 days and lost it 1–45
    /// days before registering. Those taken leave `again` and join `entries`.
    fn register_again(
        &mut self,
        again: &mut Vec<(usize, usize)>,
        wanted: usize,
        days: (NaiveDate, NaiveDate),
        entries: &mut Vec<(usize, NaiveDate)>,
    ) {
        self.rng.shuffle(again);
        let mut taken = 0;
        let mut k = 0;
        while taken < wanted && k < again.len() {
            let (i, job) = again[k];
            let registered = self.rng.date(days.0, days.1);
            if self.batch.employment[job].started + Duration::days(200) > registered {
                k += 1;
                continue;
            }
            let lost = registered - Duration::days(self.rng.int(1, 45));
            let j = &mut self.batch.employment[job];
            if j.ended.is_none_or(|e| e > lost) {
                j.ended = Some(lost);
            }
            entries.push((i, registered));
            again.swap_remove(k);
            taken += 1;
        }
    }

    fn category(&mut self, i: usize) -> &'static str {
        let m = &self.members[i];
        let age = age_at(m.row.birth, self.cal.cutoff);
        if (age >= 50 || (!m.row.male && age >= 40)) && self.rng.chance(0.6) {
            return "4050人员";
        }
        ["残疾人", "长期失业人员", "低保人员"][self.rng.weighted(&[0.3, 0.35, 0.35])]
    }

    /// Hardship designations and the employment of those designated, set so
    /// that the share employed on each cut-off meets its target.
    fn hardship(&mut self, k: &Knobs) {
        let cal = *self.cal;
        let years = cal.span();
        let base = self.labour_base();
        let mut pool = self.eligible_pool();
        let h_year = if k.tiny {
            self.rng.int(0, 2) as usize
        } else {
            self.rng.round(k.hardship_share * base)
        };
        // Revocations in every year before the review year.
        let revoked = if k.tiny {
            0
        } else {
            self.rng.round(0.15 * h_year as f64 * (years - 1) as f64)
        };
        struct D {
            i: usize,
            designated: NaiveDate,
            revoked: Option<NaiveDate>,
        }
        let mut ds = vec![];
        for n in 0..h_year + revoked {
            let Some(i) = pool.pop() else { break };
            self.members[i].role = Role::Hardship;
            // Designated up to three years back, never before working age.
            let early = (cal.first_start - Duration::days(3 * 365)).max(add_years(
                self.members[i].row.birth,
                persons::MIN_WORKING_AGE,
            ));
            let (designated, revoked) = if n >= h_year {
                let d = self.rng.date(early, cal.first_start - Duration::days(30));
                let year = cal.first_year + self.rng.int(0, years as i64 - 2) as i32;
                let (s, a) = cal.period(year);
                (
                    d,
                    Some(
                        self.rng
                            .date(s + Duration::days(30), a - Duration::days(10)),
                    ),
                )
            } else if k.early_designations || self.rng.chance(0.75) {
                (
                    self.rng.date(early, cal.first_start - Duration::days(30)),
                    None,
                )
            } else {
                // Designated in a later year of the histories.
                let year = cal.first_year + self.rng.int(1, years as i64 - 1) as i32;
                let (s, a) = cal.period(year);
                (self.rng.date(s, a - Duration::days(30)), None)
            };
            ds.push(D {
                i,
                designated,
                revoked,
            });
        }
        // Who is employed on each cut-off: exact shares of those counted in
        // each year (designated by its cut-off, not revoked before it began).
        let counted = |y: usize| -> Vec<usize> {
            let (s, a) = cal.period(cal.first_year + y as i32);
            (0..ds.len())
                .filter(|&n| ds[n].designated <= a && ds[n].revoked.is_none_or(|r| r >= s))
                .collect()
        };
        let mut employed = vec![vec![false; years]; ds.len()];
        let wanted: Vec<usize> = (0..years)
            .rev()
            .map(|y| {
                let n = counted(y).len();
                if k.tiny {
                    n
                } else {
                    self.rng.round(k.hardship_in(y, years) * n as f64)
                }
            })
            .collect();
        for (y, want) in (0..years).rev().zip(wanted) {
            let mut order = counted(y);
            self.rng.shuffle(&mut order);
            for &n in order.iter().take(want) {
                employed[n][y] = true;
            }
        }
        let last = years - 1;
        for (n, d) in ds.iter().enumerate() {
            if let Some(r) = d.revoked {
                // Nothing changes after the revocation.
                let y = (r.year() - cal.first_year) as usize;
                for later in y + 1..years {
                    employed[n][later] = employed[n][y];
                }
            } else if k.quiet && d.designated <= cal.prev_cutoff {
                // Nobody's situation changes between the last two cut-offs.
                employed[n][last - 1] = employed[n][last];
            }
        }

        for (n, d) in ds.iter().enumerate() {
            let i = d.i;
            let category = self.category(i);
            self.batch.hardship.push(Designation {
                person: self.members[i].row.id.clone(),
                community: self.site.code.clone(),
                category,
                designated: d.designated,
                revoked: d.revoked,
            });
            self.hardship_jobs(i, &employed[n], k.quiet);
        }
    }

    /// The jobs of a designated person employed on the cut-offs `employed`
    /// says (one flag a year, oldest first): a job held on the first cut-off
    /// began years before; between two cut-offs a job is kept, changed for
    /// another, lost, or found. In a `quiet` community nobody's job changes
    /// in the review year.
    fn hardship_jobs(&mut self, i: usize, employed: &[bool], quiet: bool) {
        let cal = *self.cal;
        if !employed.contains(&true) {
            if self.rng.chance(0.5) {
                let t = self.rng.date(
                    cal.first_start - Duration::days(3 * 365),
                    cal.first_start - Duration::days(60),
                );
                let lo = self.adult(i).max(t - Duration::days(8 * 365));
                let started = self.rng.date(lo, t - Duration::days(1));
                let id = self.members[i].row.id.clone();
                let kind = self.kind(true);
                self.add_job(&id, None, kind, started.min(t), Some(t));
            }
            return;
        }
        // The job held now: begun before the histories (None) or on a day.
        let mut held: Option<Option<NaiveDate>> = employed[0].then_some(None);
        let transitions = employed.len() - 1;
        for (y, pair) in employed.windows(2).enumerate() {
            let (s, a) = cal.period(cal.first_year + y as i32 + 1);
            match (pair[0], pair[1]) {
                (true, true) => {
                    if (quiet && y + 1 == transitions) || self.rng.chance(0.75) {
                        continue;
                    }
                    let t = self
                        .rng
                        .date(s + Duration::days(15), a - Duration::days(80));
                    if let Some(started) = held {
                        self.hardship_job(i, started, Some(t));
                    }
                    let start = self
                        .rng
                        .seasonal_date(t + Duration::days(1), t + Duration::days(25));
                    held = Some(Some(start));
                }
                (true, false) => {
                    let t = self
                        .rng
                        .date(s + Duration::days(10), a - Duration::days(20));
                    if let Some(started) = held.take() {
                        self.hardship_job(i, started, Some(t));
                    }
                }
                (false, true) => {
                    held = Some(Some(self.rng.seasonal_date(s, a - Duration::days(1))));
                }
                (false, false) => {}
            }
        }
        if let Some(started) = held {
            let end = self.open_end(i);
            self.hardship_job(i, started, end);
        }
    }

    /// A designated person's job from `started` (None: years before the
    /// histories) to `ended`.
    fn hardship_job(&mut self, i: usize, started: Option<NaiveDate>, ended: Option<NaiveDate>) {
        match started {
            None => self.long_job(i, None, ended, true),
            Some(day) => {
                let id = self.members[i].row.id.clone();
                let kind = self.kind(true);
                self.add_job(&id, None, kind, day, ended);
            }
        }
    }

    /// Households whose every member is free for the episode, none of them a mover.
    fn free_households(&mut self) -> Vec<Vec<usize>> {
        let mut by_household: Vec<Vec<usize>> = vec![];
        for (i, m) in self.members.iter().enumerate() {
            if by_household.len() < m.household {
                by_household.resize(m.household, vec![]);
            }
            by_household[m.household - 1].push(i);
        }
        let cal = self.cal;
        let mut free: Vec<Vec<usize>> = by_household
            .into_iter()
            .filter(|h| {
                h.iter().all(|&i| {
                    self.members[i].role == Role::Free && self.members[i].moved_from.is_none()
                }) && h.iter().any(|&i| self.members[i].eligible(cal))
            })
            .collect();
        self.rng.shuffle(&mut free);
        free
    }

    /// Zero-employment households (零就业家庭): identified, then cleared by a
    /// member's job within the 30 days (动态清零); or, for the variety that
    /// must not look like fraud, still open shortly before the cut-off; or
    /// overdue in a community that genuinely fails.
    fn zero_households(&mut self, k: &Knobs) {
        #[derive(Clone, Copy)]
        enum Episode {
            Cleared,
            Recent,
            Overdue,
            Unverified,
        }
        let mut episodes = vec![];
        if !k.tiny {
            // About one cleared episode per 150 persons in two years.
            let jitter = self.rng.uniform(0.6, 1.4);
            let years = self.cal.span() as f64 / 2.0;
            let n = self
                .rng
                .round(self.site.persons as f64 / 150.0 * jitter * years);
            let n = if k.quiet {
                0
            } else {
                n.max(k.cleared_zero_at_least)
            };
            episodes.extend(std::iter::repeat_n(Episode::Cleared, n));
        }
        if k.open_zero {
            episodes.push(Episode::Recent);
        }
        if k.overdue_zero {
            episodes.push(Episode::Overdue);
        }
        episodes.extend(std::iter::repeat_n(Episode::Unverified, k.unverified_zero));
        let mut households = self.free_households();
        let cal = *self.cal;
        // Unverified episodes first, so that a pattern always gets its households.
        episodes.sort_by_key(|e| match e {
            Episode::Unverified => 0,
            Episode::Overdue => 1,
            Episode::Recent => 2,
            Episode::Cleared => 3,
        });
        for episode in episodes {
            let Some(members) = households.pop() else {
                break;
            };
            for &i in &members {
                self.members[i].role = Role::ZeroMember;
            }
            let clearer = *members
                .iter()
                .find(|&&i| self.members[i].eligible_ignoring_role(&cal))
                .expect("chosen for it");
            let (identified, cleared) = match episode {
                Episode::Cleared => {
                    let identified = self.rng.date(
                        cal.first_start + Duration::days(30),
                        cal.cutoff - Duration::days(40),
                    );
                    let start = identified + Duration::days(self.rng.int(3, 22));
                    let cleared = start + Duration::days(self.rng.int(0, 3));
                    self.clearing_job(clearer, start);
                    (identified, Some(cleared))
                }
                Episode::Recent => {
                    let identified = cal.from_cutoff(-self.rng.int(5, 25));
                    let start = self.rng.date(
                        cal.cutoff + Duration::days(1),
                        identified + Duration::days(26),
                    );
                    self.clearing_job(clearer, start);
                    (identified, Some(start + Duration::days(self.rng.int(0, 2))))
                }
                Episode::Overdue => (cal.from_cutoff(-self.rng.int(60, 150)), None),
                Episode::Unverified => {
                    let identified = self.rng.date(
                        cal.start + Duration::days(30),
                        cal.cutoff - Duration::days(60),
                    );
                    (
                        identified,
                        Some(identified + Duration::days(self.rng.int(8, 25))),
                    )
                }
            };
            // Members who worked before lost their jobs before the household
            // was identified; nobody in it works on that day.
            if !matches!(episode, Episode::Unverified) {
                for &i in &members {
                    if self.members[i].eligible_ignoring_role(&cal) && self.rng.chance(0.5) {
                        let t = identified - Duration::days(self.rng.int(10, 300));
                        let lo = self.adult(i).max(t - Duration::days(6 * 365));
                        let started = self.rng.date(lo, t - Duration::days(1)).min(t);
                        let id = self.members[i].row.id.clone();
                        let kind = self.kind(false);
                        self.add_job(&id, None, kind, started, Some(t));
                    }
                }
            }
            let household = self.members[members[0]].row.household.clone();
            self.batch.zero_households.push(ZeroHousehold {
                household,
                community: self.site.code.clone(),
                identified,
                cleared,
            });
        }
    }

    fn clearing_job(&mut self, i: usize, start: NaiveDate) {
        let kind = if self.rng.chance(0.4) {
            "公益性岗位"
        } else {
            "单位就业"
        };
        let id = self.members[i].row.id.clone();
        let end = self.open_end(i);
        self.add_job(&id, None, kind, start, end);
    }

    /// Everybody without a role: workers (some changing jobs, 7 % a year),
    /// the young, the idle, and those retiring within the histories.
    /// Movers whose old stay was left open (`stale`) took a job here when
    /// they moved: the old community shows nothing of them after the move.
    /// In a `quiet` community nobody starts work in the review year.
    fn everyone_else(&mut self, moved_from: Option<&str>, stale: bool, quiet: bool) {
        let cal = *self.cal;
        let years = cal.span();
        let mut changes = vec![0.86 - 0.07 * (years - 2) as f64];
        changes.extend(std::iter::repeat_n(0.07, years));
        for i in 0..self.members.len() {
            if self.members[i].role != Role::Free {
                continue;
            }
            let m = &self.members[i];
            let (birth, retires, capacity, moved) = (
                m.row.birth,
                m.retires,
                m.row.capacity,
                m.moved_from.is_some(),
            );
            if !capacity || retires <= cal.first_start {
                self.members[i].role = Role::Inactive;
                continue;
            }
            let origin = if moved { moved_from } else { None };
            if retires <= cal.cutoff {
                self.long_job(i, origin, Some(retires - Duration::days(1)), false);
                if self.rng.chance(0.5) {
                    self.members[i].row.left = Some(retires);
                    self.members[i].row.left_reason = Some("退休");
                }
                self.members[i].role = Role::Inactive;
                continue;
            }
            // Under 18 when the histories begin: a first job, if any, comes
            // during them.
            if age_at(birth, cal.first_start) < 18 {
                let lo = add_years(birth, 16).max(cal.first_start);
                let hi = if quiet { cal.prev_cutoff } else { cal.cutoff };
                if self.rng.chance(0.35) && lo <= hi {
                    let start = self.rng.seasonal_date(lo, hi);
                    self.new_job(i, start, false);
                    self.members[i].role = Role::Stable;
                } else {
                    self.members[i].role = Role::Idle;
                }
                continue;
            }
            if self.rng.chance(0.04) {
                self.members[i].role = Role::Idle;
                if self.rng.chance(0.5) {
                    self.members[i].row.wants_work = Some(false);
                }
                continue;
            }
            self.members[i].role = Role::Stable;
            let end = self.open_end(i);
            if moved && stale {
                let arrived = self.members[i].row.entered;
                self.long_job(i, origin, Some(arrived - Duration::days(1)), false);
                let start = self
                    .rng
                    .seasonal_date(arrived, arrived + Duration::days(30));
                self.new_job(i, start, false);
                continue;
            }
            // No change, or a change in one of the years (1: the first).
            match self.rng.weighted(&changes) {
                0 => self.long_job(i, origin, end, false),
                change if quiet && change == years => self.long_job(i, origin, end, false),
                change => {
                    let (lo, hi) = cal.period(cal.first_year + change as i32 - 1);
                    let t = self
                        .rng
                        .date(lo + Duration::days(20), hi - Duration::days(60));
                    self.long_job(i, origin, Some(t), false);
                    let start = self
                        .rng
                        .seasonal_date(t + Duration::days(1), t + Duration::days(30));
                    self.new_job(i, start, false);
                }
            }
        }
        for m in &mut self.members {
            if m.row.wants_work.is_none() {
                m.row.wants_work = if self.rng.chance(0.08) {
                    None
                } else {
                    Some(true)
                };
            }
        }
    }

    pub fn add_service(&mut self, person: &str, kind: &'static str, delivered: NaiveDate) {
        self.service_serial += 1;
        self.batch.services.push(Service {
            id: format!("S{}{:05}", self.site.code, self.service_serial),
            person: person.to_string(),
            community: self.site.code.clone(),
            kind,
            delivered,
        });
    }

    /// Employment assistance for everybody designated (but for one person in
    /// a community with a gap) and job-search help for registrants.
    fn services(&mut self, k: &Knobs) {
        let cal = *self.cal;
        const HARDSHIP: [&str; 4] = ["就业援助", "职业指导", "职业介绍", "职业培训"];
        const REGISTRANT: [&str; 4] = ["职业介绍", "职业指导", "职业培训", "政策咨询"];
        let designations: Vec<(String, NaiveDate, Option<NaiveDate>)> = self
            .batch
            .hardship
            .iter()
            .map(|d| (d.person.clone(), d.designated, d.revoked))
            .collect();
        let mut gap = k.service_gap;
        // Persons left unserved in the review year beyond `service_gap`'s one:
        // the first of the year's designations (their order is random).
        let mut unserved = if k.unserved_share > 0.0 {
            let in_year = designations
                .iter()
                .filter(|d| d.1 <= cal.cutoff && d.2.is_none())
                .count();
            ((k.unserved_share * in_year as f64).ceil() as usize).max(3)
        } else {
            0
        };
        for (person, designated, revoked) in designations {
            for (lo, hi) in cal.years().map(|y| cal.period(y)) {
                let hi = revoked.map_or(hi, |r| r.min(hi));
                let lo = designated.max(lo);
                if lo > hi {
                    continue;
                }
                if gap && hi == cal.cutoff && revoked.is_none() {
                    gap = false;
                    continue;
                }
                if unserved > 0 && hi == cal.cutoff && revoked.is_none() {
                    unserved -= 1;
                    continue;
                }
                for _ in 0..self.rng.int(1, 3) {
                    let kind = HARDSHIP[self.rng.weighted(&[0.4, 0.3, 0.2, 0.1])];
                    let day = self.rng.date(lo, hi);
                    self.add_service(&person, kind, day);
                }
            }
        }
        let registrations: Vec<(String, NaiveDate)> = self
            .batch
            .unemployment
            .iter()
            .map(|r| (r.person.clone(), r.registered))
            .collect();
        for (person, registered) in registrations {
            for _ in 0..self.rng.int(1, 2) {
                let kind = REGISTRANT[self.rng.weighted(&[0.35, 0.25, 0.2, 0.2])];
                let day = self.rng.date(
                    registered,
                    (registered + Duration::days(60)).min(cal.extract),
                );
                self.add_service(&person, kind, day);
            }
        }
    }

    fn platform(&mut self, k: &Knobs) {
        for year in self.cal.years() {
            let mut p = Platform {
                community: self.site.code.clone(),
                year,
                window: true,
                staff: self.rng.int(1, 5),
                info_system: true,
                funding: Some((self.rng.uniform(20_000.0, 80_000.0) / 100.0).round() * 100.0),
            };
            if year == self.cal.year && !k.platform_ok {
                match self.rng.index(3) {
                    0 => p.window = false,
                    1 => p.info_system = false,
                    _ => p.staff = 0,
                }
            }
            self.batch.platform.push(p);
        }
    }

    fn community_row(&mut self, k: &Knobs) {
        let y = self.cal.year;
        let recognised = k.recognised || k.fails_in.is_some();
        // A community failing a re-inspection was recognised by that year.
        let by = k.fails_in.map_or(i64::from(y) - 2, |f| {
            i64::from(self.cal.first_year) + f as i64
        });
        let rng = &mut self.rng;
        let provincial = (rng.chance(0.65) || recognised)
            .then(|| rng.int(2008, i64::from(y) - 2).min(by) as i32);
        let star_year = provincial
            .filter(|_| rng.chance(0.35))
            .map(|p| rng.int(i64::from(p) + 1, i64::from(y) - 1) as i32);
        let city_year = if provincial.is_none() && rng.chance(0.4) {
            Some(rng.int(2012, i64::from(y) - 1) as i32)
        } else {
            None
        };
        let row = Community {
            code: self.site.code.clone(),
            name: self.site.name.clone(),
            county: self.county.name.clone(),
            street: self.site.street.clone(),
            provincial_year: provincial,
            provincial_star_year: star_year,
            provincial_stars: star_year.map(|_| rng.int(1, 5) as i32),
            national: provincial.map(|_| rng.chance(0.12)),
            city_year,
            city_stars: city_year
                .filter(|_| rng.chance(0.4))
                .map(|_| rng.int(1, 3) as i32),
            contact_name: Some(names::person(rng)),
            // A local number may not begin with 0, so these can reach nobody.
            contact_phone: Some(format!("0375-0{:06}", rng.below(1_000_000))),
        };
        self.batch.communities.push(row);
    }
}

/// A few large employers and a long tail, as in any county.
fn employer_weights(n: usize) -> &'static [f64] {
    static WEIGHTS: std::sync::OnceLock<Vec<f64>> = std::sync::OnceLock::new();
    let all = WEIGHTS.get_or_init(|| (0..256).map(|k| 1.0 / ((k + 1) as f64).powf(0.3)).collect());
    &all[..n.min(all.len())]
}

impl Member {
    /// `eligible` without the role check, for members already given one.
    pub fn eligible_ignoring_role(&self, cal: &Calendar) -> bool {
        let mut probe = self.clone();
        probe.role = Role::Free;
        probe.eligible(cal)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn band_counts_land_in_the_band() {
        for at_least in 0..60 {
            let (u, r) = band_counts(at_least);
            let rate = r as f64 / u as f64;
            assert!(
                u >= at_least.max(7) && (0.70..0.73).contains(&rate),
                "{u} {r}"
            );
        }
    }
}
