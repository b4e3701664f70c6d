//! The error kinds of the program, each tied to one exit code
//! (`docs/operations.md`): the single place where a failure becomes a number.

use std::path::PathBuf;

/// Every failure the pipeline reports. `main` maps the kind to the exit code.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Bad command line or pipeline file: exit 2.
    #[error("{0}")]
    Usage(String),
    /// The pipeline file could not be used: exit 2.
    #[error("pipeline file {file}: {message}")]
    Pipeline { file: PathBuf, message: String },
    /// The input broke the data contract: exit 3.
    #[error("{0}")]
    Contract(String),
    /// Another run holds the lock: exit 4.
    #[error("{0}")]
    Locked(String),
    /// Anything else: exit 1.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl Error {
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Internal(_) => 1,
            Error::Usage(_) | Error::Pipeline { .. } => 2,
            Error::Contract(_) => 3,
            Error::Locked(_) => 4,
        }
    }

    pub fn contract(message: impl Into<String>) -> Self {
        Error::Contract(message.into())
    }

    pub fn usage(message: impl Into<String>) -> Self {
        Error::Usage(message.into())
    }
}

impl From<polars::prelude::PolarsError> for Error {
    fn from(e: polars::prelude::PolarsError) -> Self {
        Error::Internal(anyhow::Error::new(e))
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error::Internal(anyhow::Error::new(e))
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
