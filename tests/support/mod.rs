//! What the end-to-end tests share: the program run with the test key, files
//! and pipeline files written into temporary folders, valid identifiers, and
//! the two fixtures: the minimal extract that the ingest tests spoil one thing
//! at a time (`minimal`) and the hand-worked extract of `tests/indicators.rs`
//! that the run, explain, report and fault tests publish (`worked`).

#![allow(dead_code)]

pub mod detect;
mod minimal;
mod worked;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use fullemp::contract::identity::{gb11643_check_char, gb32100_check_char};

// Each test file takes what it needs of the two fixtures.
#[allow(unused_imports)]
pub use minimal::*;
#[allow(unused_imports)]
pub use worked::*;

/// The pseudonym key every test run of the program uses.
pub const TEST_KEY: &str = "test-key-for-the-end-to-end-tests";

/// The program with the test key in its environment.
pub fn command() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_fullemp"));
    c.env("FULLEMP_PII_KEY", TEST_KEY);
    c
}

/// `fullemp <args>` with the test key: its exit status and output.
pub fn fullemp(args: &[&str]) -> Output {
    command().args(args).output().expect("run fullemp")
}

/// A valid GB 11643 identity number for person `n` born on `birth` (YYYYMMDD).
pub fn id(n: u32, birth: &str) -> String {
    let body = format!("410402{birth}{n:03}");
    let check = gb11643_check_char(&body).expect("17 digits");
    format!("{body}{check}")
}

/// A valid GB 32100 unified social credit code ending a given 17-character body.
pub fn credit_code(body: &str) -> String {
    let check = gb32100_check_char(body).expect("17 characters of the code alphabet");
    format!("{body}{check}")
}

/// Writes `dir/name`; returns its path.
pub fn write(dir: &Path, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, contents).expect("write fixture");
    p
}

/// Writes `dir/name` as a CSV file: `header`, then one line per row.
pub fn write_csv(dir: &Path, name: &str, header: &str, rows: &[String]) -> PathBuf {
    let mut text = format!("{header}\n");
    for r in rows {
        text.push_str(r);
        text.push('\n');
    }
    write(dir, name, text)
}

/// Puts `name` in the extract in place of every file of the same table
/// (same stem, any format), so the table has exactly this file.
pub fn replace(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    remove_table(dir, stem(name));
    write(dir, name, bytes)
}

/// Removes every file of a table from the extract.
pub fn remove_table(dir: &Path, table: &str) {
    for e in std::fs::read_dir(dir).expect("read dir").flatten() {
        let p = e.path();
        if p.is_file() && p.file_stem().and_then(|s| s.to_str()) == Some(table) {
            std::fs::remove_file(&p).expect("remove fixture");
        }
    }
}

pub fn stem(name: &str) -> &str {
    name.split('.').next().unwrap_or(name)
}

/// Every file below `dir`, sorted.
pub fn files(dir: &Path) -> Vec<PathBuf> {
    let mut all = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            all.extend(files(&p));
        } else {
            all.push(p);
        }
    }
    all.sort();
    all
}

/// A pipeline file at `path` reading `extract` and publishing to `out`, then
/// `extra` TOML lines (top-level keys first, then tables).
pub fn pipeline(path: &Path, extract: &Path, out: &Path, extra: &str) -> PathBuf {
    let text = format!(
        "input_dir = {:?}\noutput_dir = {:?}\n{extra}\n",
        extract.display().to_string(),
        out.display().to_string()
    );
    std::fs::write(path, text).expect("write pipeline file");
    path.to_path_buf()
}

/// A pipeline file in its own temporary folder reading `input` (output into
/// that folder), with `extra` TOML lines.
pub fn temp_pipeline(input: &Path, extra: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = pipeline(
        &dir.path().join("pipeline.toml"),
        input,
        &dir.path().join("out"),
        extra,
    );
    (dir, path)
}

/// `fullemp validate --pipeline <file>`: its exit code, stdout and stderr.
/// A run that takes longer than two minutes is killed and fails the test: bad
/// input must end in an exit code, never a hang.
pub fn validate(pipeline: &Path) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_fullemp"))
        .arg("validate")
        .arg("--pipeline")
        .arg(pipeline)
        .env_remove("RUST_LOG")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run fullemp");
    // Drained by threads so that a chatty run never blocks on a full pipe.
    let drain = |mut r: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            r.read_to_end(&mut buf).expect("read fullemp output");
            String::from_utf8_lossy(&buf).into_owned()
        })
    };
    let out = drain(Box::new(child.stdout.take().expect("stdout")));
    let err = drain(Box::new(child.stderr.take().expect("stderr")));
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for fullemp") {
            break status;
        }
        if started.elapsed() > Duration::from_secs(120) {
            child.kill().expect("kill fullemp");
            panic!("fullemp validate hung on {}", pipeline.display());
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    (
        status.code().unwrap_or(-1),
        out.join().expect("stdout"),
        err.join().expect("stderr"),
    )
}

/// Validates `input` with a pipeline holding `extra`.
pub fn validate_dir(input: &Path, extra: &str) -> (i32, String, String) {
    let (_keep, p) = temp_pipeline(input, extra);
    validate(&p)
}
