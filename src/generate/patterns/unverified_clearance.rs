//! Zero households cleared on paper (`unverified_clearance`): marked cleared
//! within the 30 days, while no member of the household has any employment
//! record. The honest generator draws them (`Knobs::unverified_zero`) so that
//! the households are chosen like any other.

use crate::generate::histories::Knobs;

pub fn prepare(knobs: &mut Knobs) {
    knobs.unverified_zero = 2;
}
