//! Shared fixtures for the end-to-end tests: a minimal valid extract written
//! into a temporary folder, and the binary run on it.

#![allow(dead_code)]

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use fullemp::contract::identity::{gb11643_check_char, gb32100_check_char};

/// A community code that every minimal table names.
pub const COMMUNITY: &str = "410402001001";

/// A GB 11643 identifier with a correct check character: the standard's own example.
pub const PERSON: &str = "11010519491231002X";

/// A valid identifier born on `birth` (YYYYMMDD), the `n`th of that day.
pub fn person_id(birth: &str, n: u32) -> String {
    let body = format!("410402{birth}{n:03}");
    let check = gb11643_check_char(&body).expect("17 digits");
    format!("{body}{check}")
}

/// A valid GB 32100 unified social credit code ending a given 17-character body.
pub fn credit_code(body: &str) -> String {
    let check = gb32100_check_char(body).expect("17 characters of the code alphabet");
    format!("{body}{check}")
}

/// The six required tables, one valid row each, canonical headers, UTF-8.
pub fn minimal_tables() -> Vec<(&'static str, String)> {
    vec![
        (
            "communities.csv",
            format!(
                "community_code,community_name,county,street\n{COMMUNITY},新华社区,新华区,中兴路街道\n"
            ),
        ),
        (
            "persons.csv",
            format!(
                "person_id,community_code,household_id,gender,birth_date,labor_capacity,entered_on\n\
                 {PERSON},{COMMUNITY},H001,女,1949-12-31,是,2020-01-01\n"
            ),
        ),
        (
            "unemployment.csv",
            format!(
                "registration_id,person_id,community_code,registered_on\nU001,{PERSON},{COMMUNITY},2021-03-01\n"
            ),
        ),
        (
            "employment.csv",
            format!(
                "record_id,person_id,community_code,employment_type,started_on\nE001,{PERSON},{COMMUNITY},灵活就业,2021-06-01\n"
            ),
        ),
        (
            "hardship.csv",
            format!(
                "person_id,community_code,category,designated_on\n{PERSON},{COMMUNITY},4050人员,2021-01-10\n"
            ),
        ),
        (
            "zero_households.csv",
            format!("household_id,community_code,identified_on\nH001,{COMMUNITY},2021-02-01\n"),
        ),
    ]
}

/// A temporary folder holding the minimal extract.
pub fn minimal_extract() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, text) in minimal_tables() {
        write(dir.path(), name, text.as_bytes());
    }
    dir
}

pub fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).expect("write fixture");
    p
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

/// A pipeline file in its own temporary folder reading `input`, with `extra`
/// TOML lines appended (top-level keys first, then tables).
pub fn pipeline_file(input: &Path, extra: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let text = format!(
        "input_dir = {:?}\noutput_dir = {:?}\n{extra}\n",
        input.display().to_string(),
        dir.path().join("out").display().to_string()
    );
    let path = write(dir.path(), "pipeline.toml", text.as_bytes());
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
    let (_keep, p) = pipeline_file(input, extra);
    validate(&p)
}
