//! The run folder's life: written under a hidden staging name, renamed into
//! `runs/<run_id>` once complete, then `latest` switched by renaming a new
//! symlink over it, so `latest` always names a complete run. Staging folders
//! left by a killed run are removed by the next one.

use std::path::{Path, PathBuf};

use crate::error::Result;

pub const RUNS: &str = "runs";
pub const LATEST: &str = "latest";
const STAGING_PREFIX: &str = ".staging-";

/// A run folder being written.
pub struct Staging {
    pub dir: PathBuf,
    pub run_id: String,
    output_dir: PathBuf,
}

/// A run id from the time of day in Asia/Shanghai, unique within `runs/`.
pub fn new_run_id(output_dir: &Path) -> String {
    let now = chrono::Utc::now() + chrono::Duration::hours(8);
    let base = now.format("%Y%m%dT%H%M%S").to_string();
    let runs = output_dir.join(RUNS);
    let mut id = base.clone();
    let mut n = 1;
    while runs.join(&id).exists() || runs.join(format!("{STAGING_PREFIX}{id}")).exists() {
        n += 1;
        id = format!("{base}-{n}");
    }
    id
}

/// Removes staging folders that a killed run left behind.
pub fn clean_stale_staging(output_dir: &Path) -> Result<()> {
    let runs = output_dir.join(RUNS);
    let Ok(entries) = std::fs::read_dir(&runs) else {
        return Ok(());
    };
    for e in entries.flatten() {
        if e.file_name().to_string_lossy().starts_with(STAGING_PREFIX) {
            tracing::info!(folder = %e.path().display(), "removing a half-written run folder");
            std::fs::remove_dir_all(e.path())?;
        }
    }
    Ok(())
}

impl Staging {
    pub fn create(output_dir: &Path) -> Result<Staging> {
        let run_id = new_run_id(output_dir);
        let dir = output_dir
            .join(RUNS)
            .join(format!("{STAGING_PREFIX}{run_id}"));
        std::fs::create_dir_all(&dir)?;
        Ok(Staging {
            dir,
            run_id,
            output_dir: output_dir.to_path_buf(),
        })
    }

    /// Makes the run visible: rename into place, then switch `latest`.
    pub fn commit(self) -> Result<PathBuf> {
        let final_dir = self.output_dir.join(RUNS).join(&self.run_id);
        sync_dir(&self.dir)?;
        std::fs::rename(&self.dir, &final_dir)?;
        sync_dir(&self.output_dir.join(RUNS))?;
        let link_tmp = self.output_dir.join(format!(".{LATEST}.tmp"));
        let _ = std::fs::remove_file(&link_tmp);
        let target = Path::new(RUNS).join(&self.run_id);
        #[cfg(unix)]
        std::os::unix::fs::symlink(&target, &link_tmp)?;
        std::fs::rename(&link_tmp, self.output_dir.join(LATEST))?;
        sync_dir(&self.output_dir)?;
        Ok(final_dir)
    }

    /// Removes the half-written folder of a failed run.
    pub fn abandon(self) {
        if let Err(e) = std::fs::remove_dir_all(&self.dir) {
            tracing::warn!(folder = %self.dir.display(), "could not remove the failed run's folder: {e}");
        }
    }
}

fn sync_dir(dir: &Path) -> Result<()> {
    std::fs::File::open(dir)?.sync_all()?;
    Ok(())
}

/// Removes the oldest complete runs beyond `keep`, never the one `latest` names.
pub fn prune(output_dir: &Path, keep: usize) -> Result<Vec<String>> {
    let runs = output_dir.join(RUNS);
    let latest = std::fs::read_link(output_dir.join(LATEST))
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_os_string()));
    let mut ids: Vec<String> = std::fs::read_dir(&runs)?
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|n| !n.starts_with('.'))
        .collect();
    ids.sort();
    let excess = ids.len().saturating_sub(keep.max(1));
    let mut removed = Vec::new();
    for id in ids.into_iter().take(excess) {
        if latest.as_deref() == Some(std::ffi::OsStr::new(&id)) {
            continue;
        }
        std::fs::remove_dir_all(runs.join(&id))?;
        removed.push(id);
    }
    Ok(removed)
}
