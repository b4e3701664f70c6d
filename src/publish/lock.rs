//! One run at a time per output folder: an advisory lock on
//! `<output_dir>/.lock`. The operating system drops the lock when its process
//! dies, so a lock left by a killed run is simply taken by the next one.

use std::fs::{File, TryLockError};
use std::path::Path;

use crate::error::{Error, Result};

pub const LOCK_FILE: &str = ".lock";

/// Held for the whole run; released when dropped.
pub struct RunLock {
    _file: File,
}

pub fn acquire(output_dir: &Path) -> Result<RunLock> {
    std::fs::create_dir_all(output_dir)?;
    let path = output_dir.join(LOCK_FILE);
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)?;
    match file.try_lock() {
        Ok(()) => Ok(RunLock { _file: file }),
        Err(TryLockError::WouldBlock) => Err(Error::Locked(format!(
            "another fullemp run holds the lock on {}; this run stops without writing",
            output_dir.display()
        ))),
        Err(TryLockError::Error(e)) => Err(e.into()),
    }
}
