//! Person pseudonyms (outputs.md, "Personal data"): `person_key` is the hex of
//! HMAC-SHA256(key, identifier) cut to 16 characters. Raw identifiers never
//! leave a run; every output that names a person carries this key instead.

use std::io::Write;
use std::path::{Path, PathBuf};

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use crate::error::{Error, Result};

/// The environment variable holding the HMAC key.
pub const KEY_ENV: &str = "FULLEMP_PII_KEY";
/// The key file created beside the runs when no key is given.
pub const DEFAULT_KEY_FILE: &str = ".pii.key";

#[derive(Clone)]
pub struct Pseudonymizer {
    key: Vec<u8>,
    /// Where the key came from, for the manifest (never the key itself).
    pub source: String,
}

impl std::fmt::Debug for Pseudonymizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pseudonymizer")
            .field("source", &self.source)
            .finish_non_exhaustive()
    }
}

impl Pseudonymizer {
    pub fn from_key(key: impl Into<Vec<u8>>, source: impl Into<String>) -> Pseudonymizer {
        Pseudonymizer {
            key: key.into(),
            source: source.into(),
        }
    }

    /// The key from `FULLEMP_PII_KEY`, else the pipeline's key file, else the
    /// owner-only key file in `output_dir`, created on first use.
    pub fn load(key_file: Option<&Path>, output_dir: &Path) -> Result<Pseudonymizer> {
        if let Ok(k) = std::env::var(KEY_ENV) {
            if k.trim().is_empty() {
                return Err(Error::usage(format!("{KEY_ENV} is set but empty")));
            }
            return Ok(Pseudonymizer::from_key(
                k.trim().as_bytes(),
                format!("environment {KEY_ENV}"),
            ));
        }
        if let Some(f) = key_file {
            let key = read_key(f)?;
            return Ok(Pseudonymizer::from_key(
                key,
                format!("key file {}", f.display()),
            ));
        }
        let f = output_dir.join(DEFAULT_KEY_FILE);
        if !f.exists() {
            create_key_file(&f)?;
            tracing::info!(file = %f.display(), "created a new pseudonym key file (owner-only)");
        }
        let key = read_key(&f)?;
        Ok(Pseudonymizer::from_key(
            key,
            format!("key file {}", f.display()),
        ))
    }

    /// The 16-hex-character pseudonym of an identifier (normalised: trimmed,
    /// upper-case, so `x` and `X` give the same key).
    pub fn person_key(&self, identifier: &str) -> String {
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&self.key)
            .expect("HMAC takes any key length");
        mac.update(identifier.trim().to_ascii_uppercase().as_bytes());
        let digest = mac.finalize().into_bytes();
        hex::encode(&digest[..8])
    }
}

fn read_key(path: &Path) -> Result<Vec<u8>> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        Error::usage(format!(
            "cannot read the pseudonym key file {}: {e}",
            path.display()
        ))
    })?;
    let key = text.trim();
    if key.len() < 16 {
        return Err(Error::usage(format!(
            "the pseudonym key file {} holds fewer than 16 characters",
            path.display()
        )));
    }
    Ok(key.as_bytes().to_vec())
}

fn create_key_file(path: &PathBuf) -> Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut bytes = [0u8; 32];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut bytes))
        .map_err(|e| anyhow::anyhow!("cannot read random bytes for a new key: {e}"))?;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    writeln!(file, "{}", hex::encode(bytes))?;
    file.sync_all()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_hmac_and_case_folding() {
        let p = Pseudonymizer::from_key(b"test-key".to_vec(), "test");
        // HMAC-SHA256("test-key", "11010519491231002X"), worked out independently
        // with Python's hmac module; first 16 hex characters.
        let k = p.person_key("11010519491231002X");
        assert_eq!(k, "e7e0eb61ae93a5d9");
        assert_eq!(k, p.person_key("11010519491231002x"));
        assert_ne!(k, p.person_key("110105194912310029"));
    }

    #[test]
    fn created_key_file_is_owner_only_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        let a = Pseudonymizer::load(None, dir.path());
        if std::env::var(KEY_ENV).is_ok() {
            return;
        }
        let a = a.unwrap();
        let f = dir.path().join(DEFAULT_KEY_FILE);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                std::fs::metadata(&f).unwrap().permissions().mode() & 0o777,
                0o600
            );
        }
        let b = Pseudonymizer::load(None, dir.path()).unwrap();
        assert_eq!(
            a.person_key("11010519491231002X"),
            b.person_key("11010519491231002X")
        );
    }
}
