//! Person pseudonyms (docs/outputs.md, "Personal data"): `person_key` is the hex of
//! HMAC-SHA256(key, identifier) cut to 16 characters. Raw identifiers never
//! leave a run; every output that names a person carries this key instead.

use std::io::Write;
use std::path::{Path, PathBuf};

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use crate::error::{Error, Result};

/// The environment variable holding the HMAC key.
pub const KEY_ENV: &str = "FULLEMP_PII_KEY";
/// The key file's name in the default places.
pub const DEFAULT_KEY_FILE: &str = "pii.key";
/// Where versions before 0.1 kept the key: inside the output folder.
const LEGACY_KEY_FILE: &str = ".pii.key";

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

/// What the environment says about the key, read by the command line (the
/// library reads no environment): the key itself when `FULLEMP_PII_KEY` is
/// set, and the user's state folder for the default key file.
#[derive(Clone, Default)]
pub struct KeyEnvironment {
    /// The value of `FULLEMP_PII_KEY`, when set (set but empty is refused).
    pub key: Option<String>,
    /// `$XDG_STATE_HOME` when absolute, else `$HOME/.local/state`; None for a
    /// user without a home folder.
    pub state_dir: Option<PathBuf>,
}

impl std::fmt::Debug for KeyEnvironment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyEnvironment")
            .field("key", &self.key.as_ref().map(|_| "(set)"))
            .field("state_dir", &self.state_dir)
            .finish()
    }
}

/// Where the key file goes when neither `FULLEMP_PII_KEY` nor the pipeline's
/// `pii_key_file` names one: `fullemp/pii.key` in the user's state folder
/// (`$XDG_STATE_HOME`, else `~/.local/state`), or, for a user without a home
/// folder, `pii.key` beside the pipeline file. Never inside the output folder,
/// which is shared with readers of the runs.
pub fn default_key_file(state_dir: Option<&Path>, pipeline_file: Option<&Path>) -> Result<PathBuf> {
    if let Some(state) = state_dir {
        return Ok(state.join("fullemp").join(DEFAULT_KEY_FILE));
    }
    if let Some(dir) = pipeline_file.and_then(Path::parent) {
        return Ok(dir.join(DEFAULT_KEY_FILE));
    }
    Err(Error::usage(format!(
        "no place for the pseudonym key: set {KEY_ENV}, or `pii_key_file` in the pipeline, or HOME"
    )))
}

impl Pseudonymizer {
    pub fn from_key(key: impl Into<Vec<u8>>, source: impl Into<String>) -> Pseudonymizer {
        Pseudonymizer {
            key: key.into(),
            source: source.into(),
        }
    }

    /// The key from `FULLEMP_PII_KEY` (`env_key`, as the command line read
    /// it), else the pipeline's key file, else `default_file` (see
    /// `default_key_file`), created owner-only on first use. A key file that
    /// group or others may read is refused. A key left by an earlier version
    /// in `output_dir` is moved to `default_file`, so person keys stay the
    /// same across the upgrade.
    pub fn load(
        env_key: Option<&str>,
        key_file: Option<&Path>,
        default_file: &Path,
        output_dir: &Path,
    ) -> Result<Pseudonymizer> {
        if let Some(k) = env_key {
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
        let f = default_file;
        if !f.exists() {
            let legacy = output_dir.join(LEGACY_KEY_FILE);
            if legacy.is_file() {
                let key = read_key(&legacy)?;
                write_key_file(f, &String::from_utf8_lossy(&key))?;
                std::fs::remove_file(&legacy)?;
                tracing::warn!(from = %legacy.display(), to = %f.display(), "moved the pseudonym key out of the output folder");
            } else {
                let mut bytes = [0u8; 32];
                std::fs::File::open("/dev/urandom")
                    .and_then(|mut r| std::io::Read::read_exact(&mut r, &mut bytes))
                    .map_err(|e| anyhow::anyhow!("cannot read random bytes for a new key: {e}"))?;
                write_key_file(f, &hex::encode(bytes))?;
                tracing::info!(file = %f.display(), "created a new pseudonym key file (owner-only)");
            }
        }
        let key = read_key(f)?;
        Ok(Pseudonymizer::from_key(
            key,
            format!("key file {}", f.display()),
        ))
    }

    /// A name for the key that reveals nothing of it: the first 16 hex
    /// characters of sha256 over a fixed label and the key. The same key gives
    /// the same id, so a new key is seen (and makes a new run), never shown.
    pub fn key_id(&self) -> String {
        let mut h = <Sha256 as sha2::Digest>::new();
        sha2::Digest::update(&mut h, b"fullemp pseudonym key id\0");
        sha2::Digest::update(&mut h, &self.key);
        hex::encode(&sha2::Digest::finalize(h)[..8])
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
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(meta) = std::fs::metadata(path) {
            let mode = meta.permissions().mode() & 0o777;
            if mode & 0o077 != 0 {
                return Err(Error::usage(format!(
                    "the pseudonym key file {} may be read by group or others (mode {mode:o}); \
                     make it readable by its owner alone: chmod 600 {}",
                    path.display(),
                    path.display()
                )));
            }
        }
    }
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

/// Writes a new key file readable by its owner alone (its folder too, when
/// created here).
fn write_key_file(path: &Path, key: &str) -> Result<()> {
    if let Some(dir) = path.parent()
        && !dir.exists()
    {
        let mut b = std::fs::DirBuilder::new();
        b.recursive(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::DirBuilderExt;
            b.mode(0o700);
        }
        b.create(dir)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    writeln!(file, "{key}")?;
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
    fn created_key_file_is_owner_only_reused_and_kept_out_of_the_output_folder() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let f = dir.path().join("state/fullemp/pii.key");
        let a = Pseudonymizer::load(None, None, &f, &out).unwrap();
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&f).unwrap().permissions().mode() & 0o777,
            0o600
        );
        assert!(!out.exists(), "nothing written in the output folder");
        let b = Pseudonymizer::load(None, None, &f, &out).unwrap();
        assert_eq!(
            a.person_key("11010519491231002X"),
            b.person_key("11010519491231002X")
        );
        assert_eq!(a.key_id(), b.key_id());
        assert_eq!(a.key_id().len(), 16);
        assert_ne!(
            a.key_id(),
            Pseudonymizer::from_key(b"another-key-0000".to_vec(), "t").key_id()
        );

        // A key readable by others is refused, saying how to fix it.
        std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o644)).unwrap();
        let e = Pseudonymizer::load(None, None, &f, &out).unwrap_err();
        assert_eq!(e.exit_code(), 2);
        assert!(e.to_string().contains("chmod 600"), "{e}");
    }

    #[test]
    fn a_key_left_in_the_output_folder_moves_out_unchanged() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        std::fs::create_dir(&out).unwrap();
        write_key_file(&out.join(LEGACY_KEY_FILE), "0123456789abcdef0123").unwrap();
        let f = dir.path().join("state/pii.key");
        let p = Pseudonymizer::load(None, None, &f, &out).unwrap();
        assert_eq!(
            p.person_key("x"),
            Pseudonymizer::from_key(b"0123456789abcdef0123".to_vec(), "t").person_key("x")
        );
        assert!(!out.join(LEGACY_KEY_FILE).exists());
        assert!(f.is_file());
    }

    #[test]
    fn the_default_key_file_is_in_the_state_folder_else_beside_the_pipeline() {
        let pipeline = Some(Path::new("/srv/pipelines/nightly.toml"));
        let state = Path::new("/home/hr/.local/state");
        assert_eq!(
            default_key_file(Some(state), pipeline).unwrap(),
            Path::new("/home/hr/.local/state/fullemp/pii.key")
        );
        assert_eq!(
            default_key_file(None, pipeline).unwrap(),
            Path::new("/srv/pipelines/pii.key")
        );
        assert_eq!(default_key_file(None, None).unwrap_err().exit_code(), 2);
    }

    #[test]
    fn the_environment_key_comes_first_and_may_not_be_empty() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("state/pii.key");
        let p = Pseudonymizer::load(Some(" env-key "), None, &f, dir.path()).unwrap();
        assert_eq!(p.source, format!("environment {KEY_ENV}"));
        assert_eq!(
            p.person_key("x"),
            Pseudonymizer::from_key(b"env-key".to_vec(), "t").person_key("x")
        );
        assert!(
            !f.exists(),
            "no key file made when the environment holds the key"
        );
        let e = Pseudonymizer::load(Some("  "), None, &f, dir.path()).unwrap_err();
        assert_eq!(e.exit_code(), 2);
    }
}
