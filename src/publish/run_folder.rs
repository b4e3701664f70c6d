//! The run folder's life: written under a hidden staging name, made durable
//! (every file and folder fsynced), renamed into `runs/<run_id>`, then
//! `latest` switched by renaming a new symlink over it, so `latest` always
//! names a complete run, even after a power cut.
//!
//! `Staging` is a guard: dropped without `commit` (an error on any path, a
//! panic), it removes its folder. Staging folders left by a killed run, which
//! no guard could remove, are removed by the next run.

use std::path::{Path, PathBuf};

use crate::error::Result;

pub const RUNS: &str = "runs";
pub const LATEST: &str = "latest";
const STAGING_PREFIX: &str = ".staging-";

/// A run folder being written; removed on drop unless committed.
pub struct Staging {
    pub dir: PathBuf,
    pub run_id: String,
    output_dir: PathBuf,
    committed: bool,
}

/// A run id from the time of day in Asia/Shanghai, `YYYYMMDDTHHMMSS`, with
/// `-2`, `-3`, ... when that second is taken.
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

/// The time order of a run id: its timestamp, then its counter (`-10` after
/// `-9`, which string order gets wrong). None for a name that is not a run id.
pub fn run_id_order(id: &str) -> Option<(chrono::NaiveDateTime, u32)> {
    let (stamp, n) = match id.split_once('-') {
        Some((s, n)) => (s, n.parse::<u32>().ok()?),
        None => (id, 1),
    };
    let t = chrono::NaiveDateTime::parse_from_str(stamp, "%Y%m%dT%H%M%S").ok()?;
    Some((t, n))
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
            committed: false,
        })
    }

    /// Makes the run visible: fsync everything, rename into place, switch
    /// `latest`. If `latest` cannot be switched, the renamed folder is removed
    /// again, so a failed run publishes nothing.
    pub fn commit(mut self) -> Result<PathBuf> {
        let runs = self.output_dir.join(RUNS);
        let final_dir = runs.join(&self.run_id);
        sync_tree(&self.dir)?;
        std::fs::rename(&self.dir, &final_dir)?;
        // From here on the staging name is gone: the guard has nothing to remove.
        self.committed = true;
        sync_dir(&runs)?;
        crate::fault::point("renamed");
        if let Err(e) = switch_latest(&self.output_dir, &self.run_id) {
            let _ = std::fs::remove_dir_all(&final_dir);
            return Err(e);
        }
        Ok(final_dir)
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if self.committed {
            return;
        }
        if let Err(e) = std::fs::remove_dir_all(&self.dir) {
            tracing::warn!(folder = %self.dir.display(), "could not remove the failed run's folder: {e}");
        }
    }
}

/// Points `latest` at `runs/<run_id>` in one rename, and makes it durable.
fn switch_latest(output_dir: &Path, run_id: &str) -> Result<()> {
    let link_tmp = output_dir.join(format!(".{LATEST}.tmp"));
    let _ = std::fs::remove_file(&link_tmp);
    let target = Path::new(RUNS).join(run_id);
    #[cfg(unix)]
    std::os::unix::fs::symlink(&target, &link_tmp)?;
    std::fs::rename(&link_tmp, output_dir.join(LATEST))?;
    sync_dir(output_dir)?;
    Ok(())
}

/// fsyncs a folder, so that the names just created or renamed in it last.
pub fn sync_dir(dir: &Path) -> Result<()> {
    std::fs::File::open(dir)?.sync_all()?;
    Ok(())
}

/// fsyncs every file under `dir`, then every folder bottom-up, so that after
/// the rename no file of the run can be lost or short.
pub fn sync_tree(dir: &Path) -> Result<()> {
    for e in std::fs::read_dir(dir)? {
        let e = e?;
        let kind = e.file_type()?;
        if kind.is_dir() {
            sync_tree(&e.path())?;
        } else if kind.is_file() {
            std::fs::File::open(e.path())?.sync_all()?;
        }
    }
    sync_dir(dir)
}

/// Removes the oldest complete runs beyond `keep` (oldest by the time in the
/// run id), never the one `latest` names and never a folder that is not a run.
pub fn prune(output_dir: &Path, keep: usize) -> Result<Vec<String>> {
    let runs = output_dir.join(RUNS);
    let latest = std::fs::read_link(output_dir.join(LATEST))
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().to_string()));
    let mut ids: Vec<((chrono::NaiveDateTime, u32), String)> = std::fs::read_dir(&runs)?
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter_map(|n| run_id_order(&n).map(|o| (o, n)))
        .collect();
    ids.sort();
    let excess = ids.len().saturating_sub(keep.max(1));
    let mut removed = Vec::new();
    for (_, id) in ids.into_iter().take(excess) {
        if latest.as_deref() == Some(id.as_str()) {
            continue;
        }
        std::fs::remove_dir_all(runs.join(&id))?;
        removed.push(id);
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_ids_order_by_time_then_counter() {
        let mut ids = vec![
            "20211231T235959-10",
            "20211231T235959-2",
            "20220101T000000",
            "20211231T235959",
        ];
        ids.sort_by_key(|i| run_id_order(i).unwrap());
        assert_eq!(
            ids,
            [
                "20211231T235959",
                "20211231T235959-2",
                "20211231T235959-10",
                "20220101T000000"
            ]
        );
        assert!(run_id_order(".staging-20211231T235959").is_none());
        assert!(run_id_order("notes").is_none());
    }

    #[test]
    fn prune_keeps_the_newest_in_time_order() {
        let dir = tempfile::tempdir().unwrap();
        let runs = dir.path().join(RUNS);
        for id in [
            "20211231T235959-9",
            "20211231T235959-10",
            "20211231T235959-11",
            "keep-me",
        ] {
            std::fs::create_dir_all(runs.join(id)).unwrap();
        }
        switch_latest(dir.path(), "20211231T235959-11").unwrap();
        let removed = prune(dir.path(), 2).unwrap();
        assert_eq!(removed, ["20211231T235959-9"]);
        assert!(runs.join("20211231T235959-10").is_dir());
        assert!(runs.join("keep-me").is_dir());
    }

    #[test]
    fn an_uncommitted_staging_folder_removes_itself() {
        let dir = tempfile::tempdir().unwrap();
        let path = {
            let s = Staging::create(dir.path()).unwrap();
            std::fs::write(s.dir.join("half.parquet"), b"PAR1").unwrap();
            s.dir.clone()
        };
        assert!(!path.exists());
        let s = Staging::create(dir.path()).unwrap();
        let id = s.run_id.clone();
        let run = s.commit().unwrap();
        assert!(run.join(".").is_dir());
        assert_eq!(
            std::fs::read_link(dir.path().join(LATEST)).unwrap(),
            Path::new(RUNS).join(id)
        );
    }
}
