//! The last check before publishing: every input file is still the file the
//! run read (same size, same modification time, same sha256). An extract
//! rewritten while the run read it would give figures of no single extract;
//! such a run publishes nothing and exits 3 naming the file.

use crate::error::{Error, Result};
use crate::ingest::InputFile;

/// Err (exit 3) naming the first input that changed since it was read.
pub fn inputs_unchanged(inputs: &[InputFile]) -> Result<()> {
    for i in inputs {
        let changed = |what: String| {
            Err(Error::contract(format!(
                "input file {} changed while the run was reading the extract ({what}); \
                 nothing published: run again once the extract is complete",
                i.path.display()
            )))
        };
        let meta = match std::fs::metadata(&i.path) {
            Ok(m) => m,
            Err(e) => return changed(format!("it cannot be read any more: {e}")),
        };
        if meta.len() != i.size {
            return changed(format!("size {} bytes, now {}", i.size, meta.len()));
        }
        if i.mtime.is_some() && meta.modified().ok() != i.mtime {
            return changed("its modification time moved".into());
        }
        let (_, now) = crate::digest::sha256_file_fresh(&i.path)
            .map_err(|e| Error::contract(format!("input file {}: {e}", i.path.display())))?;
        if now != i.sha256 {
            return changed(format!("sha256 {} when read, now {now}", i.sha256));
        }
    }
    Ok(())
}
