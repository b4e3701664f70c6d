//! sha256 of files, for the manifest and the unchanged-inputs check.
//!
//! A run hashes its inputs twice (the unchanged check before reading, the
//! manifest while reading), so digests are remembered for the life of the
//! process, keyed by path, size and modification time.

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::SystemTime;

use sha2::{Digest, Sha256};

type Stamp = (PathBuf, u64, Option<SystemTime>);

static SEEN: Mutex<Option<HashMap<Stamp, String>>> = Mutex::new(None);

/// The size and hex sha256 of a file, read in 1 MiB blocks.
pub fn sha256_file(path: &Path) -> std::io::Result<(u64, String)> {
    let meta = std::fs::metadata(path)?;
    let stamp: Stamp = (path.to_path_buf(), meta.len(), meta.modified().ok());
    if let Some(hex) = SEEN
        .lock()
        .ok()
        .and_then(|m| m.as_ref().and_then(|m| m.get(&stamp).cloned()))
    {
        return Ok((meta.len(), hex));
    }
    let (size, hex) = sha256_file_fresh(path)?;
    if size == meta.len()
        && let Ok(mut m) = SEEN.lock()
    {
        m.get_or_insert_with(HashMap::new)
            .insert(stamp, hex.clone());
    }
    Ok((size, hex))
}

/// The size and hex sha256 of a file as it is now, never from memory: for
/// the check that an input did not change while the run read it.
pub fn sha256_file_fresh(path: &Path) -> std::io::Result<(u64, String)> {
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut size = 0u64;
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        size += n as u64;
        hasher.update(&buf[..n]);
    }
    Ok((size, hex::encode(hasher.finalize())))
}
