//! The orchestration: stages in order, timings, atomic publish.

use crate::config::Pipeline;
use crate::error::{Error, Result};

#[derive(Debug, Clone, Default)]
pub struct Options {
    pub force: bool,
}

pub fn run(_pipeline: &Pipeline, _options: &Options) -> Result<String> {
    Err(Error::NotAvailable("run"))
}
