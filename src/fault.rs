//! A test-only hook that holds a run at a named point, so that the fault tests
//! (`tests/faults.rs`) can kill it there with SIGKILL, rewrite an input while
//! it runs, or start a second run beside it.
//!
//! Inert unless `FULLEMP_TEST_HOLD` is set in the environment, which no
//! operator has reason to do. With `FULLEMP_TEST_HOLD=<point>` and
//! `FULLEMP_TEST_HOLD_DIR=<dir>`, a run arriving at `<point>` writes
//! `<dir>/<point>.reached` (holding its process id), then waits until
//! `<dir>/<point>.release` exists and carries on. The points, in run order:
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

use std::path::PathBuf;

/// The point to hold at.
pub const HOLD_ENV: &str = "FULLEMP_TEST_HOLD";
/// Where the `.reached` and `.release` files live.
pub const DIR_ENV: &str = "FULLEMP_TEST_HOLD_DIR";

/// Holds the run here when the environment asks for it; returns at once otherwise.
pub fn point(name: &str) {
    let Some(at) = std::env::var_os(HOLD_ENV) else {
        return;
    };
    if at != name {
        return;
    }
    let Some(dir) = std::env::var_os(DIR_ENV).map(PathBuf::from) else {
        return;
    };
    tracing::warn!(point = name, "test hook {HOLD_ENV}: holding the run");
    let _ = std::fs::write(
        dir.join(format!("{name}.reached")),
        std::process::id().to_string(),
    );
    while !dir.join(format!("{name}.release")).exists() {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}
