//! sha256 of files, for the manifest and the unchanged-inputs check.
//!
//! No digest is remembered between calls: a file can change between two
//! reads, so each digest is of the bytes read at that moment. Ingest hashes
//! the bytes as its readers consume them ([`Hashing`]), so the manifest's
//! sha256 is of exactly what the run used.

use std::io::Read;
use std::path::Path;
use std::time::SystemTime;

use sha2::{Digest, Sha256};

/// The size and hex sha256 of a file, read in 1 MiB blocks.
pub fn sha256_file(path: &Path) -> std::io::Result<(u64, String)> {
    let mut reader = Hashing::new(std::fs::File::open(path)?);
    let mut buf = vec![0u8; 1 << 20];
    while reader.read(&mut buf)? > 0 {}
    let seen = reader.finish();
    Ok((seen.size, seen.sha256))
}

/// A file's size and hex sha256, or why it could not be read.
pub type FileDigest = std::io::Result<(u64, String)>;

/// `sha256_file` of several files, one file a core at a time, largest
/// first; the results in the order of `paths`.
pub fn sha256_files(paths: &[&Path]) -> Vec<FileDigest> {
    let size = |p: &Path| std::fs::metadata(p).map_or(0, |m| m.len());
    let mut largest_first: Vec<(usize, &Path)> = paths.iter().copied().enumerate().collect();
    largest_first.sort_by_key(|(_, p)| std::cmp::Reverse(size(p)));
    let digests =
        crate::parallel::map_in_order(&largest_first, crate::parallel::cores(), |(_, p)| {
            sha256_file(p)
        });
    let mut out: Vec<Option<FileDigest>> = paths.iter().map(|_| None).collect();
    for ((i, _), d) in largest_first.iter().zip(digests) {
        out[*i] = Some(d);
    }
    out.into_iter()
        .map(|d| d.expect("every file hashed"))
        .collect()
}

/// The size and hex sha256 of a file as it is now: the same as
/// `sha256_file`, as nothing is remembered; the name says what the check that
/// an input did not change during the run relies on.
pub fn sha256_file_fresh(path: &Path) -> std::io::Result<(u64, String)> {
    sha256_file(path)
}

/// What a reader saw of a file: its size and sha256 over the bytes read, and
/// the modification time and `Stamp` when it was opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seen {
    pub size: u64,
    pub sha256: String,
    pub mtime: Option<SystemTime>,
    pub stamp: Option<Stamp>,
}

/// What only a write to a file moves (Unix): its device and inode (a file
/// put in its place is another inode) and its change time, which the kernel
/// moves on every write, truncation or change of the modification time, and
/// which no program can set back. A file whose stamp, size and
/// modification time are as when it was read holds the bytes it held.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    device: u64,
    inode: u64,
    changed: i64,
    changed_ns: i64,
}

impl Stamp {
    /// The stamp of a file's metadata; None where the system keeps none.
    pub fn of(meta: &std::fs::Metadata) -> Option<Stamp> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            Some(Stamp {
                device: meta.dev(),
                inode: meta.ino(),
                changed: meta.ctime(),
                changed_ns: meta.ctime_nsec(),
            })
        }
        #[cfg(not(unix))]
        {
            let _ = meta;
            None
        }
    }
}

/// A reader that hashes and counts every byte it passes on, and notes whether
/// any of them was other than ASCII white space.
pub struct Hashing<R> {
    inner: R,
    hasher: Sha256,
    size: u64,
    all_blank: bool,
    mtime: Option<SystemTime>,
    stamp: Option<Stamp>,
}

impl<R: Read> Hashing<R> {
    pub fn new(inner: R) -> Hashing<R> {
        Hashing {
            inner,
            hasher: Sha256::new(),
            size: 0,
            all_blank: true,
            mtime: None,
            stamp: None,
        }
    }

    /// Whether every byte read so far was ASCII white space.
    pub fn all_blank(&self) -> bool {
        self.all_blank
    }

    pub fn finish(self) -> Seen {
        Seen {
            size: self.size,
            sha256: hex::encode(self.hasher.finalize()),
            mtime: self.mtime,
            stamp: self.stamp,
        }
    }
}

impl Hashing<std::fs::File> {
    /// Opens a file, noting its modification time at opening.
    pub fn open(path: &Path) -> std::io::Result<Hashing<std::fs::File>> {
        let file = std::fs::File::open(path)?;
        let meta = file.metadata().ok();
        let mut h = Hashing::new(file);
        h.mtime = meta.as_ref().and_then(|m| m.modified().ok());
        h.stamp = meta.as_ref().and_then(Stamp::of);
        Ok(h)
    }

    /// The whole file, hashed as read.
    pub fn read_all(path: &Path) -> std::io::Result<(Vec<u8>, Seen)> {
        let mut h = Hashing::open(path)?;
        let mut bytes = Vec::new();
        h.read_to_end(&mut bytes)?;
        Ok((bytes, h.finish()))
    }
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let got = &buf[..n];
        self.hasher.update(got);
        self.size += n as u64;
        if self.all_blank {
            self.all_blank = got.iter().all(u8::is_ascii_whitespace);
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashing_reader_matches_the_whole_file_digest() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.csv");
        std::fs::write(&path, b"a,b\n1,2\n").unwrap();
        let (bytes, seen) = Hashing::read_all(&path).unwrap();
        assert_eq!(bytes, b"a,b\n1,2\n");
        assert_eq!(seen.size, 8);
        assert_eq!(
            (seen.size, seen.sha256.clone()),
            sha256_file(&path).unwrap()
        );
        assert!(seen.mtime.is_some());
        // A changed file gives a new digest: nothing is remembered.
        std::fs::write(&path, b"a,b\n1,3\n").unwrap();
        assert_ne!(sha256_file(&path).unwrap().1, seen.sha256);
    }
}
