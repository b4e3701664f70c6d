//! Raw files → typed frames under the data contract.

use crate::config::Pipeline;
use crate::error::Result;

pub struct ValidateOutcome {
    pub report: String,
    pub verdict: Result<()>,
}

pub fn validate(_pipeline: &Pipeline) -> Result<ValidateOutcome> {
    Err(crate::Error::NotAvailable("validate"))
}
