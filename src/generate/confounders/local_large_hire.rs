//! A local large hire (`local_large_hire`): a new employer with a valid
//! credit code opens in the review year and, over a few months, hires many
//! of the community's registered jobless, in jobs that last. Their
//! registrations close as `就业` as usual. One employer then stands behind
//! many of the counted starts; the spec allows a medium finding at most.

use chrono::Duration;

use crate::generate::histories::Builder;
use crate::generate::ids::credit_code;
use crate::generate::names;
use crate::generate::registry::counted_starts;
use crate::generate::rng::Rng;

/// The hiring runs over about four months.
const HIRING_DAYS: i64 = 120;

pub fn inject(b: &mut Builder, rng: &mut Rng) {
    let cal = *b.cal;
    let code = b.site.code.clone();
    // Beyond the county's own employers' indexes, one per community.
    let name = names::employer(&b.county.name, 1_000 + b.site.index);
    let company = credit_code("91", &b.county.code, 600_000_000 + b.site.index as u64);
    let mut starts: Vec<usize> = counted_starts(&b.batch, &code, cal.start, cal.cutoff)
        .into_values()
        .collect();
    starts.sort_by_key(|&k| (b.batch.employment[k].started, k));
    // The hiring months: the four-month window holding most counted starts.
    let mut best = (0, 0);
    for (a, &k) in starts.iter().enumerate() {
        let until = b.batch.employment[k].started + Duration::days(HIRING_DAYS);
        let n = starts[a..]
            .iter()
            .take_while(|&&j| b.batch.employment[j].started < until)
            .count();
        if n > best.1 {
            best = (a, n);
        }
    }
    for &k in &starts[best.0..best.0 + best.1] {
        // Most of them, not every single one, took the new jobs.
        if !rng.chance(0.85) {
            continue;
        }
        let j = &mut b.batch.employment[k];
        j.kind = "单位就业";
        j.employer_name = Some(name.clone());
        j.employer_code = Some(company.clone());
        j.ended = None;
    }
}
