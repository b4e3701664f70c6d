//! A community's ledger (劳动力资源台账): households of 1–6 persons aged 16 and
//! over, their sex, birth dates and identifiers, when they entered the ledger,
//! and who left it (moved out, died, retired).

use chrono::{Duration, NaiveDate};

use super::calendar::{Calendar, add_years, age_at};
use super::geography::{County, Site};
use super::model::Person;
use super::rng::Rng;

/// Working age begins at this age in the rules' defaults (docs/indicators.md).
pub const MIN_WORKING_AGE: i32 = 16;

/// Retirement ages of the rules' defaults (docs/indicators.md: 60 men, 55 women).
pub fn retirement_age(male: bool) -> i32 {
    if male { 60 } else { 55 }
}

/// What a person does in the generated histories; each has exactly one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Not yet given a role.
    Free,
    /// Works through both years (maybe changing jobs).
    Stable,
    /// Registered unemployed in one of the years.
    Registrant,
    /// Designated as a person with employment difficulties.
    Hardship,
    /// Member of a zero-employment household.
    ZeroMember,
    /// Of working age but not working and not registered (students, carers).
    Idle,
    /// Past retirement, without labour capacity, or deceased: no histories.
    Inactive,
}

#[derive(Debug, Clone)]
pub struct Member {
    pub row: Person,
    pub household: usize,
    pub role: Role,
    /// Day the person reaches retirement age.
    pub retires: NaiveDate,
    /// Old ledger stay in another community, for a person who moved here.
    pub moved_from: Option<usize>,
}

impl Member {
    /// Can carry a registration, a designation or a zero-household episode:
    /// able to work, in the ledger since before the histories begin, and of
    /// working age from their first day to past the extract date.
    pub fn eligible(&self, cal: &Calendar) -> bool {
        self.role == Role::Free
            && self.row.capacity
            && self.row.left.is_none()
            && self.moved_from.is_none()
            && self.row.entered < cal.first_start
            && age_at(self.row.birth, cal.first_start) >= 18
            && self.retires > cal.extract + Duration::days(30)
    }

    pub fn working_age_at(&self, d: NaiveDate) -> bool {
        age_at(self.row.birth, d) >= MIN_WORKING_AGE && d < self.retires
    }
}

/// Household sizes 1–6 with the weights of a typical urban ledger.
const HOUSEHOLD_WEIGHTS: [f64; 6] = [0.14, 0.27, 0.30, 0.17, 0.08, 0.04];

/// Age at the cut-off, drawn from a ledger's age pyramid of persons 16 and over.
fn draw_age(rng: &mut Rng) -> i32 {
    // Bands: 16–24, 25–34, 35–44, 45–54, 55–64, 65–84.
    let band = rng.weighted(&[0.12, 0.20, 0.20, 0.21, 0.15, 0.12]);
    let (lo, hi) = [(16, 24), (25, 34), (35, 44), (45, 54), (55, 64), (65, 84)][band];
    rng.int(lo, hi) as i32
}

/// The ledger of one community: `site.persons` persons in households.
pub fn ledger(site: &Site, county: &County, cal: &Calendar, rng: &mut Rng) -> Vec<Member> {
    let mut members: Vec<Member> = Vec::with_capacity(site.persons);
    let mut household = 0usize;
    while members.len() < site.persons {
        let size = (rng.weighted(&HOUSEHOLD_WEIGHTS) + 1).min(site.persons - members.len());
        household += 1;
        let head_male = rng.chance(0.55);
        let head_age = draw_age(rng).max(22);
        for k in 0..size {
            let (male, age) = match k {
                0 => (head_male, head_age),
                // Spouse: the other sex, a similar age.
                1 => (!head_male, (head_age + rng.int(-4, 4) as i32).max(20)),
                // Grown children or a parent living with them.
                _ if rng.chance(0.8) && head_age >= 40 => {
                    (rng.chance(0.5), (head_age - rng.int(20, 30) as i32).max(16))
                }
                _ => (rng.chance(0.5), (head_age + rng.int(22, 30) as i32).min(90)),
            };
            let wanted_birth = cal.cutoff - Duration::days(i64::from(age) * 365 + rng.int(10, 355));
            let number = site.first_person + members.len() as u64;
            let (id, birth) = county
                .numbering
                .identify(&county.code, number, male, wanted_birth);
            let adult = add_years(birth, 16);
            let entered = if adult < cal.first_start - Duration::days(60) {
                let lo = adult.max(NaiveDate::from_ymd_opt(2008, 1, 1).expect("date"));
                rng.date(
                    lo.min(cal.first_start - Duration::days(60)),
                    cal.first_start - Duration::days(30),
                )
            } else {
                (adult + Duration::days(rng.int(0, 60))).min(cal.cutoff)
            };
            let capacity = !rng.chance(if age >= 60 { 0.12 } else { 0.03 });
            members.push(Member {
                row: Person {
                    id,
                    community: site.code.clone(),
                    household: household_id(&site.code, household),
                    male,
                    birth,
                    capacity,
                    wants_work: None,
                    entered,
                    left: None,
                    left_reason: None,
                },
                household,
                role: Role::Free,
                retires: add_years(birth, retirement_age(male)),
                moved_from: None,
            });
        }
    }
    members
}

pub fn household_id(community: &str, serial: usize) -> String {
    format!("{community}H{serial:05}")
}

/// Of the persons aged 62 and over, the share who die in a year of the histories.
const DEATHS_A_YEAR: f64 = 0.0125;
/// Of the settled persons, the share who move in from another community of
/// the county in a year of the histories.
const MOVERS_A_YEAR: f64 = 0.01;

/// Deaths among the old and those unable to work, in the years of the
/// histories. They get no histories (their role is Inactive), so nobody
/// deceased is ever counted.
pub fn deaths(members: &mut [Member], cal: &Calendar, rng: &mut Rng) {
    let chance = DEATHS_A_YEAR * cal.span() as f64;
    for m in members.iter_mut() {
        if m.role == Role::Free && age_at(m.row.birth, cal.cutoff) >= 62 && rng.chance(chance) {
            m.role = Role::Inactive;
            m.row.left = Some(rng.date(cal.first_start, cal.cutoff - Duration::days(10)));
            m.row.left_reason = Some("死亡");
        }
    }
}

/// Persons who moved here from another community of the county: their stay
/// here begins after the old one ended (never on the same day twice).
/// Returns the old ledger rows, to be written with this community's rows.
pub fn movers(
    members: &mut [Member],
    from: Option<(usize, &str)>,
    stale_at_least: usize,
    cal: &Calendar,
    rng: &mut Rng,
) -> Vec<Person> {
    let Some((from_index, from_code)) = from else {
        return vec![];
    };
    let settled = |m: &Member| {
        m.role == Role::Free
            && m.moved_from.is_none()
            && m.row.entered < cal.first_start
            && age_at(m.row.birth, cal.first_start) >= 20
            && m.row.capacity
            && m.retires > cal.extract
    };
    let stale = stale_at_least > 0;
    let mut old = vec![];
    let move_in = |m: &mut Member, old: &mut Vec<Person>, rng: &mut Rng| {
        let arrived = rng.date(
            cal.first_start + Duration::days(20),
            cal.cutoff - Duration::days(40),
        );
        let left = arrived - Duration::days(rng.int(0, 20));
        let was_entered = m.row.entered.min(left - Duration::days(400));
        old.push(Person {
            id: m.row.id.clone(),
            community: from_code.to_string(),
            household: format!("{from_code}Y{}{:03}", &m.row.community[6..], old.len() + 1),
            male: m.row.male,
            birth: m.row.birth,
            capacity: true,
            wants_work: Some(true),
            entered: was_entered,
            // The old community's clerk either closed the stay when the
            // person left or, in a stale-stay community, never did.
            left: (!stale).then_some(left),
            left_reason: (!stale).then_some("迁出"),
        });
        m.row.entered = arrived;
        m.moved_from = Some(from_index);
    };
    let chance = MOVERS_A_YEAR * cal.span() as f64;
    for m in members.iter_mut() {
        if !settled(m) || !rng.chance(chance) {
            continue;
        }
        move_in(m, &mut old, rng);
    }
    // A community whose movers' old stays were never closed has a few of
    // them (the stale-stay confounder); ordinary communities draw no more.
    if old.len() < stale_at_least {
        let mut more: Vec<usize> = (0..members.len())
            .filter(|&k| settled(&members[k]))
            .collect();
        rng.shuffle(&mut more);
        more.truncate(stale_at_least - old.len());
        more.sort_unstable();
        for k in more {
            move_in(&mut members[k], &mut old, rng);
        }
    }
    old
}
