//! A test-only hook that holds a run at a named point, so that the fault tests
//! (`tests/faults.rs`) can kill it there with SIGKILL, rewrite an input while
//! it runs, or start a second run beside it.
//!
//! Compiled only with the `fault-injection` feature, which `scripts/test`
//! turns on for the test suite; a release build has `point` as an empty
//! function. The command line reads `FULLEMP_TEST_HOLD=<point>` and
//! `FULLEMP_TEST_HOLD_DIR=<dir>` and arms the hook with them (`arm`): a run
//! arriving at `<point>` then writes `<dir>/<point>.reached` (holding its
//! process id), waits until `<dir>/<point>.release` exists and carries on.
//! Without both variables the hook stays inert. The points, in run order:
//!
//! | point | where |
//! | --- | --- |
//! | `locked` | the output folder's lock is held, nothing read yet |
//! | `ingested` | the extract is read and typed |
//! | `indicators` | the indicators are computed |
//! | `detectors` | the findings and risk scores are computed |
//! | `ratings` | verdicts, scores, shortlist and spot checks are computed |
//! | `parquet-write` | inside the first Parquet file, half of it on disk |
//! | `tables-written` | every table is in the staging folder, no document yet |
//! | `documents-written` | report, charts and forms written too, no manifest yet |
//! | `manifest-written` | the staging folder is complete, not yet renamed |
//! | `renamed` | the run folder is in `runs/`, `latest` not yet switched |
//! | `history-write` | the run is committed; inside its first history file (the decisions log), half of its temporary on disk |

use std::path::PathBuf;

/// The point to hold at.
pub const HOLD_ENV: &str = "FULLEMP_TEST_HOLD";
/// Where the `.reached` and `.release` files live.
pub const DIR_ENV: &str = "FULLEMP_TEST_HOLD_DIR";

/// Where to hold a run, and the folder of its `.reached` and `.release` files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hold {
    pub point: String,
    pub dir: PathBuf,
}

#[cfg(feature = "fault-injection")]
static HOLD: std::sync::OnceLock<Hold> = std::sync::OnceLock::new();

/// Arms the hook for this process; the first call wins.
#[cfg(feature = "fault-injection")]
pub fn arm(hold: Hold) {
    let _ = HOLD.set(hold);
}

/// Holds the run here when the hook is armed for this point; returns at once
/// otherwise.
#[cfg(feature = "fault-injection")]
pub fn point(name: &str) {
    let Some(hold) = HOLD.get().filter(|h| h.point == name) else {
        return;
    };
    tracing::warn!(point = name, "test hook {HOLD_ENV}: holding the run");
    let _ = std::fs::write(
        hold.dir.join(format!("{name}.reached")),
        std::process::id().to_string(),
    );
    while !hold.dir.join(format!("{name}.release")).exists() {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// Without the `fault-injection` feature there is nothing to hold.
#[cfg(not(feature = "fault-injection"))]
#[inline(always)]
pub fn point(_name: &str) {}
