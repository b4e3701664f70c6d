//! The last check before publishing: every input file is still the file the
//! run read (same size, same modification time, same sha256). An extract
//! rewritten while the run read it would give figures of no single extract;
//! such a run publishes nothing and exits 3 naming the file.

use crate::error::{Error, Result};
use crate::ingest::InputFile;

/// Err (exit 3) naming an input that changed since it was read: the first,
/// in table order, whose size or modification time moved; else the first
/// whose content did (the files are hashed again, several at a time, only
/// once every size and time agrees).
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
    }
    let paths: Vec<&std::path::Path> = inputs.iter().map(|i| i.path.as_path()).collect();
    for (i, digest) in inputs.iter().zip(crate::digest::sha256_files(&paths)) {
        let (_, now) =
            digest.map_err(|e| Error::contract(format!("input file {}: {e}", i.path.display())))?;
        if now != i.sha256 {
            return changed(i, format!("sha256 {} when read, now {now}", i.sha256));
        }
    }
    Ok(())
}
