//! Counties, streets and communities with their 12-digit statistical codes
//! (county 6 + street 3 + community 3), each community's size and its honest
//! profile, and each county's employers. The skeleton is small (one entry per
//! community, never per person) and built once before any row is written.

use super::ids::{PersonNumbering, credit_code};
use super::names;
use super::rng::{Rng, Stream};
use crate::error::{Error, Result};

/// The districts and counties of 平顶山市 come first, so that the default
/// extract and the sample look like the city of the seed notice.
const REAL_COUNTIES: &[(&str, &str)] = &[
    ("410402", "新华区"),
    ("410403", "卫东区"),
    ("410411", "湛河区"),
    ("410404", "石龙区"),
    ("410421", "宝丰县"),
    ("410422", "叶县"),
    ("410423", "鲁山县"),
    ("410425", "郏县"),
    ("410481", "舞钢市"),
    ("410482", "汝州市"),
];

/// Prefectures whose county codes the synthetic counties borrow, in order.
fn synthetic_prefectures() -> Vec<String> {
    let mut out = vec![];
    for (province, count) in [("41", 17), ("42", 13), ("37", 17), ("34", 18), ("36", 11)] {
        for p in 1..=count {
            if province == "41" && p == 4 {
                continue; // 平顶山市 itself: its real districts are listed above
            }
            out.push(format!("{province}{p:02}"));
        }
    }
    out
}

/// Counties per synthetic prefecture (county part 02–29).
const COUNTIES_PER_PREFECTURE: usize = 28;

/// A community's honest character, which sets where its rates land.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Profile {
    Normal,
    /// Genuinely fails: low rates, an overdue zero household or no platform.
    Failing,
    /// Legitimately high rates.
    High,
    /// So few persons that its denominators are 0–3.
    Tiny,
}

#[derive(Debug, Clone)]
pub struct Employer {
    pub name: String,
    pub code: String,
}

#[derive(Debug, Clone)]
pub struct County {
    pub code: String,
    pub name: String,
    pub rural: bool,
    /// Indices of its communities (contiguous).
    pub first: usize,
    pub count: usize,
    pub numbering: PersonNumbering,
    pub employers: Vec<Employer>,
}

#[derive(Debug, Clone)]
pub struct Site {
    pub index: usize,
    pub county: usize,
    pub code: String,
    pub name: String,
    pub street: String,
    pub persons: usize,
    /// County-wide number of its first person (see `ids`).
    pub first_person: u64,
    pub profile: Profile,
}

pub struct Geography {
    pub counties: Vec<County>,
    pub sites: Vec<Site>,
}

/// Employers per county: enough that no honest employer holds a large share
/// of a community's re-employment.
const EMPLOYERS_PER_COUNTY: usize = 60;

/// How many counties an extract of `n` communities spreads over: 3 for the
/// sample's 30, about 17 for 1000, a few hundred for a province-sized run.
pub fn county_count(n: usize) -> usize {
    ((n as f64).sqrt() * 0.55).round().max(3.0) as usize
}

pub fn build(communities: usize, persons_per_community: usize, seed: u64) -> Result<Geography> {
    let mut rng = Rng::new(seed, 0, Stream::Skeleton);
    let n_counties = county_count(communities).min(communities.max(1));
    let prefectures = synthetic_prefectures();
    let capacity = REAL_COUNTIES.len() + prefectures.len() * COUNTIES_PER_PREFECTURE;
    if n_counties > capacity {
        return Err(Error::usage(format!(
            "--communities {communities} needs {n_counties} counties; the generator has codes for {capacity}"
        )));
    }
    let mut counties: Vec<County> = (0..n_counties)
        .map(|k| county_at(k, &prefectures))
        .collect();

    // Communities are spread evenly, so that every county is large enough for
    // the county-level tests (rank and heaping statistics need about ten).
    let mut sites = Vec::with_capacity(communities);
    let tiny_allowed = persons_per_community >= 40 && communities >= 20;
    for (k, county) in counties.iter_mut().enumerate() {
        county.first = sites.len();
        county.count = communities / n_counties + usize::from(k < communities % n_counties);
        let persons = county_sites(
            &mut rng,
            county,
            k,
            |rng| draw_site(rng, tiny_allowed, persons_per_community),
            &mut sites,
        );
        county.numbering = PersonNumbering::for_county(persons);
        county.employers = (0..EMPLOYERS_PER_COUNTY)
            .map(|e| Employer {
                name: names::employer(&county.name, e),
                code: credit_code("91", &county.code, (k * EMPLOYERS_PER_COUNTY + e) as u64),
            })
            .collect();
    }
    if street_overflow(&sites) {
        return Err(Error::usage(
            "too many communities per county for 3-digit street codes",
        ));
    }
    Ok(Geography { counties, sites })
}

/// The k-th county, before its communities: a real county of the city
/// first, then synthetic ones of synthetic prefectures.
fn county_at(k: usize, prefectures: &[String]) -> County {
    let (code, name) = if let Some((code, name)) = REAL_COUNTIES.get(k) {
        (code.to_string(), name.to_string())
    } else {
        let s = k - REAL_COUNTIES.len();
        let code = format!(
            "{}{:02}",
            prefectures[s / COUNTIES_PER_PREFECTURE],
            2 + s % COUNTIES_PER_PREFECTURE
        );
        (code, names::county(s))
    };
    let rural = name.ends_with('县');
    County {
        code,
        name,
        rural,
        first: 0,
        count: 0,
        numbering: PersonNumbering::for_county(1),
        employers: vec![],
    }
}

/// The communities of the k-th county, in streets of 3–9, each of the
/// profile and size `draw` gives; returns how many persons they hold.
fn county_sites(
    rng: &mut Rng,
    county: &County,
    k: usize,
    draw: impl Fn(&mut Rng) -> (Profile, usize),
    sites: &mut Vec<Site>,
) -> u64 {
    let mut street = 0usize;
    let mut in_street = 0usize;
    let mut street_len = rng.int(3, 9) as usize;
    let mut persons = 0u64;
    for j in 0..county.count {
        if in_street == street_len {
            street += 1;
            in_street = 0;
            street_len = rng.int(3, 9) as usize;
        }
        in_street += 1;
        let (profile, size) = draw(rng);
        sites.push(Site {
            index: sites.len(),
            county: k,
            code: format!("{}{:03}{:03}", county.code, street + 1, in_street),
            name: names::community(j),
            street: names::street(street, county.rural),
            persons: size,
            first_person: persons,
            profile,
        });
        persons += size as u64;
    }
    persons
}

/// A community's profile and its number of persons.
fn draw_site(rng: &mut Rng, tiny_allowed: bool, persons_per_community: usize) -> (Profile, usize) {
    let profile = match rng.unit() {
        x if tiny_allowed && x < 0.04 => Profile::Tiny,
        x if x < 0.14 => Profile::Failing,
        x if x < 0.26 => Profile::High,
        _ => Profile::Normal,
    };
    let size = match profile {
        Profile::Tiny => rng.int(8, 14) as usize,
        _ => ((persons_per_community as f64) * rng.uniform(0.6, 1.4))
            .round()
            .max(4.0) as usize,
    };
    (profile, size)
}

fn street_overflow(sites: &[Site]) -> bool {
    sites
        .iter()
        .any(|s| s.code[6..9].parse::<u32>().unwrap_or(1000) > 999)
}

impl Geography {
    /// Another community of the same county, for a move or a borrowed person;
    /// None when the county has only one (then any other community).
    pub fn neighbour(&self, site: usize, avoid: impl Fn(usize) -> bool) -> Option<usize> {
        let s = &self.sites[site];
        let c = &self.counties[s.county];
        let same_county = (1..c.count).map(|d| c.first + (site - c.first + d) % c.count);
        let anywhere = (1..self.sites.len()).map(|d| (site + d) % self.sites.len());
        same_county
            .chain(anywhere)
            .find(|&i| i != site && !avoid(i))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::identity::gb32100_valid;
    use std::collections::BTreeSet;

    #[test]
    fn codes_are_twelve_digits_unique_and_start_with_the_county() {
        let g = build(1000, 50, 1).unwrap();
        assert_eq!(g.sites.len(), 1000);
        let codes: BTreeSet<&str> = g.sites.iter().map(|s| s.code.as_str()).collect();
        assert_eq!(codes.len(), 1000);
        for s in &g.sites {
            assert_eq!(s.code.len(), 12);
            assert!(s.code.bytes().all(|b| b.is_ascii_digit()));
            assert!(s.code.starts_with(&g.counties[s.county].code));
        }
        let names: BTreeSet<&str> = g.counties.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names.len(), g.counties.len());
        assert!(
            g.counties
                .iter()
                .all(|c| c.employers.iter().all(|e| gb32100_valid(&e.code)))
        );
    }

    #[test]
    fn the_sample_size_has_three_real_districts() {
        let g = build(30, 100, 1).unwrap();
        let names: Vec<&str> = g.counties.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["新华区", "卫东区", "湛河区"]);
        assert!(g.counties.iter().all(|c| c.count == 10));
    }
}
