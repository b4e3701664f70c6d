//! sha256 of files, for the manifest and the unchanged-inputs check.

use std::io::Read;
use std::path::Path;

use sha2::{Digest, Sha256};

/// The size and hex sha256 of a file, read in 1 MiB blocks.
pub fn sha256_file(path: &Path) -> std::io::Result<(u64, String)> {
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
