//! A shell employer absorbing the re-employed (`employer_concentration`): most
//! of the community's counted re-employment goes to one labour-dispatch
//! company whose credit code fails GB 32100.

use crate::generate::histories::{Builder, Knobs};
use crate::generate::ids::{credit_code, spoil_credit_code};
use crate::generate::names;
use crate::generate::registry::counted_starts;
use crate::generate::rng::Rng;

pub fn prepare(knobs: &mut Knobs, rng: &mut Rng) {
    knobs.unemployed_share = 0.18;
    knobs.reemployment = rng.uniform(0.86, 0.95);
}

pub fn inject(b: &mut Builder, rng: &mut Rng) {
    let cal = *b.cal;
    let code = b.site.code.clone();
    let name = names::shell_employer(&b.county.name);
    let shell = spoil_credit_code(&credit_code(
        "91",
        &b.county.code,
        999_000_000 % 887_503_681 + b.site.index as u64,
    ));
    let mut jobs: Vec<usize> = counted_starts(&b.batch, &code, cal.start, cal.cutoff)
        .into_values()
        .collect();
    rng.shuffle(&mut jobs);
    // Well above the detector's 40 % and 5 starts.
    let take = jobs.len().min((jobs.len() * 7).div_ceil(10).max(6));
    for &k in jobs.iter().take(take) {
        let j = &mut b.batch.employment[k];
        j.kind = "单位就业";
        j.employer_name = Some(name.clone());
        j.employer_code = Some(shell.clone());
    }
}
