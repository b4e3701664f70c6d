//! The last check before publishing: every input file is still the file the
//! run read (same size, same modification time, and on Unix the same inode
//! and change time, which every write moves and no program can set back;
//! where the system keeps no change time, the same sha256). An extract
//! rewritten while the run read it would give figures of no single extract;
//! such a run publishes nothing and exits 3 naming the file.

use crate::digest::Stamp;
use crate::error::{Error, Result};
use crate::ingest::InputFile;

/// Err (exit 3) naming an input that changed since it was read: the first,
/// in table order, whose size, modification time, inode or change time
/// moved; else the first whose content did, of the files that have no
/// change time to go by (hashed again, several at a time, only once every
/// size and time agrees).
pub fn inputs_unchanged(inputs: &[InputFile]) -> Result<()> {
    let changed = |i: &InputFile, what: String| {
        Err(Error::contract(format!(
            "input file {} changed while the run was reading the extract ({what}); \
             nothing published: run again once the extract is complete",
            i.path.display()
        )))
    };
    for i in inputs {
        let meta = match std::fs::metadata(&i.path) {
            Ok(m) => m,
            Err(e) => return changed(i, format!("it cannot be read any more: {e}")),
        };
        if meta.len() != i.size {
            return changed(i, format!("size {} bytes, now {}", i.size, meta.len()));
        }
        if i.mtime.is_some() && meta.modified().ok() != i.mtime {
            return changed(i, "its modification time moved".into());
        }
        if i.stamp.is_some() && Stamp::of(&meta) != i.stamp {
            return changed(i, "it was written to or replaced".into());
        }
    }
    let unstamped: Vec<&InputFile> = inputs.iter().filter(|i| i.stamp.is_none()).collect();
    let paths: Vec<&std::path::Path> = unstamped.iter().map(|i| i.path.as_path()).collect();
    for (i, digest) in unstamped.iter().zip(crate::digest::sha256_files(&paths)) {
        let (_, now) =
            digest.map_err(|e| Error::contract(format!("input file {}: {e}", i.path.display())))?;
        if now != i.sha256 {
            return changed(i, format!("sha256 {} when read, now {now}", i.sha256));
        }
    }
    Ok(())
}
