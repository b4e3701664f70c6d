//! A mover whose old stay nobody closed (`stale_stay`): a few persons move
//! here from a neighbouring community during the two years; the neighbour's
//! clerk never closes their old ledger stay, so both ledgers show them on
//! the same days. They moved for a job here: their old job (registered by
//! the old community) ends the day before they arrive and the new one is
//! registered here, so the old community shows no activity after the move.
//! The spec allows one low finding for the old community ("close the old
//! stay") and nothing for this one.

use crate::generate::histories::Knobs;
use crate::generate::rng::Rng;

pub fn prepare(knobs: &mut Knobs, rng: &mut Rng) {
    knobs.stale_movers = rng.int(2, 4) as usize;
}
