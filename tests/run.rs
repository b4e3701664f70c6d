//! `fullemp run` end to end on the hand-worked extract: the run folder and
//! `latest`, byte-identical Parquet across runs, nothing published by a failed
//! run, no raw identity number anywhere, and the dataset read back by pyarrow,
//! pandas and DuckDB (tests/interop/read_dataset.py).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod support;

fn pipeline(dir: &Path, extract: &Path, out: &Path) -> PathBuf {
    let p = dir.join("pipeline.toml");
    std::fs::write(
        &p,
        format!(
            "input_dir = \"{}\"\noutput_dir = \"{}\"\nas_of = 2021-12-31\nyears = [2020, 2021]\nkeep_runs = 2\n",
            extract.display(),
            out.display()
        ),
    )
    .unwrap();
    p
}

/// A temporary folder with the fixture extract (optional tables or not), an
/// output folder and a pipeline file: (folder, extract, out, pipeline).
fn setup(with_optional: bool) -> (tempfile::TempDir, PathBuf, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let extract = dir.path().join("extract");
    std::fs::create_dir(&extract).unwrap();
    support::fixture(&extract, with_optional);
    let out = dir.path().join("out");
    let p = pipeline(dir.path(), &extract, &out);
    (dir, extract, out, p)
}

fn fullemp(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fullemp"))
        .args(args)
        .env("FULLEMP_PII_KEY", "test-key-for-the-run-tests")
        .output()
        .unwrap()
}

fn run_ok(p: &Path) -> Output {
    let out = fullemp(&["run", "--force", "--pipeline", p.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "run failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn files(dir: &Path) -> Vec<PathBuf> {
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

#[test]
fn publishes_a_complete_run_readable_by_pyarrow_pandas_and_duckdb() {
    let (_dir, _, out, p) = setup(true);
    let first = run_ok(&p);

    let latest = out.join("latest");
    let run = std::fs::canonicalize(&latest).unwrap();
    assert!(run.starts_with(std::fs::canonicalize(out.join("runs")).unwrap()));
    for rel in [
        "manifest.json",
        "indicators/year=2020/part-0.parquet",
        "indicators/year=2021/part-0.parquet",
        "ratings/year=2021/part-0.parquet",
        "shortlist/year=2021/part-0.parquet",
        "spot_checks/year=2021/part-0.parquet",
        "rejects.parquet",
    ] {
        assert!(run.join(rel).is_file(), "{rel} missing");
    }
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(run.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["as_of"], "2021-12-31");
    assert_eq!(manifest["periods"][0]["cutoff"], "2020-12-31");
    assert_eq!(manifest["inputs"].as_array().unwrap().len(), 9);
    assert_eq!(
        manifest["missing_optional_tables"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
    let persons = manifest["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["table"] == "persons")
        .unwrap();
    assert_eq!(persons["rows_read"], 12);
    assert_eq!(persons["sha256"].as_str().unwrap().len(), 64);
    assert!(manifest["timings_ms"].as_array().unwrap().len() >= 4);
    assert!(
        manifest["outputs"]
            .as_array()
            .unwrap()
            .iter()
            .all(|o| o["sha256"].as_str().unwrap().len() == 64)
    );

    let py = Command::new("python3")
        .arg("tests/interop/read_dataset.py")
        .arg(&latest)
        .output()
        .unwrap();
    assert!(
        py.status.success(),
        "interop check failed:\n{}\n{}",
        String::from_utf8_lossy(&py.stdout),
        String::from_utf8_lossy(&py.stderr)
    );

    // Raw identity numbers appear in no output and no log line.
    let ids: Vec<String> = ["P1", "P3", "P7", "P9", "P12"]
        .iter()
        .map(|l| support::p(l))
        .collect();
    let mut texts = vec![
        String::from_utf8_lossy(&first.stdout).to_string(),
        String::from_utf8_lossy(&first.stderr).to_string(),
    ];
    for f in files(&run) {
        texts.push(String::from_utf8_lossy(&std::fs::read(&f).unwrap()).to_string());
    }
    for id in &ids {
        assert!(
            texts.iter().all(|t| !t.contains(id.as_str())),
            "a raw identifier leaked"
        );
    }
}

#[test]
fn same_inputs_give_byte_identical_parquet_and_a_failed_run_publishes_nothing() {
    let (_dir, extract, out, p) = setup(true);
    run_ok(&p);
    let first = std::fs::canonicalize(out.join("latest")).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1100));
    run_ok(&p);
    let second = std::fs::canonicalize(out.join("latest")).unwrap();
    assert_ne!(first, second, "a second run gets its own folder");
    let parquet = |run: &Path| -> Vec<(PathBuf, Vec<u8>)> {
        files(run)
            .into_iter()
            .filter(|f| f.extension().is_some_and(|e| e == "parquet"))
            .map(|f| {
                (
                    f.strip_prefix(run).unwrap().to_path_buf(),
                    std::fs::read(&f).unwrap(),
                )
            })
            .collect()
    };
    let (a, b) = (parquet(&first), parquet(&second));
    assert!(!a.is_empty());
    assert_eq!(
        a, b,
        "Parquet outputs differ between two runs on the same inputs"
    );

    // Break the contract: the persons file loses a required column.
    let persons = std::fs::read_to_string(extract.join("persons.csv")).unwrap();
    std::fs::write(
        extract.join("persons.csv"),
        persons.replacen("birth_date", "birthday", 1),
    )
    .unwrap();
    let failed = fullemp(&["run", "--pipeline", p.to_str().unwrap()]);
    assert_eq!(
        failed.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&failed.stderr)
    );
    let stderr = String::from_utf8_lossy(&failed.stderr);
    assert!(
        stderr.contains("persons.csv") && stderr.contains("birth_date"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::canonicalize(out.join("latest")).unwrap(),
        second,
        "latest still names the last complete run"
    );
    let runs: Vec<_> = std::fs::read_dir(out.join("runs"))
        .unwrap()
        .flatten()
        .collect();
    assert_eq!(runs.len(), 2, "the failed run left no folder");
}

#[test]
fn old_runs_beyond_keep_runs_are_removed() {
    let (_dir, _, out, p) = setup(false);
    // A half-written folder from a killed run is cleaned up by the next run.
    std::fs::create_dir_all(out.join("runs/.staging-19990101T000000")).unwrap();
    for _ in 0..3 {
        run_ok(&p);
        std::thread::sleep(std::time::Duration::from_millis(1100));
    }
    let runs: Vec<String> = std::fs::read_dir(out.join("runs"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().to_string())
        .collect();
    assert_eq!(runs.len(), 2, "keep_runs = 2: {runs:?}");
    assert!(runs.iter().all(|r| !r.starts_with(".staging")));
}

#[test]
fn unchanged_inputs_exit_0_writing_nothing_and_a_held_lock_exits_4() {
    let (_dir, extract, out, p) = setup(false);
    let args = ["run", "--pipeline", p.to_str().unwrap()];
    assert!(fullemp(&args).status.success());
    let first = std::fs::canonicalize(out.join("latest")).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1100));

    let again = fullemp(&args);
    assert_eq!(again.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&again.stdout).contains("nothing to do"));
    assert_eq!(
        std::fs::read_dir(out.join("runs")).unwrap().count(),
        1,
        "nothing written"
    );

    // A changed input runs again.
    let mut z = std::fs::read_to_string(extract.join("zero_households.csv")).unwrap();
    z.push_str("HH9,410402001001,2021-12-20,\n");
    std::fs::write(extract.join("zero_households.csv"), z).unwrap();
    assert!(fullemp(&args).status.success());
    assert_ne!(std::fs::canonicalize(out.join("latest")).unwrap(), first);

    // Another process holds the lock: exit 4 at once, nothing written.
    let lock = std::fs::OpenOptions::new()
        .write(true)
        .open(out.join(".lock"))
        .unwrap();
    lock.lock().unwrap();
    let locked = fullemp(&["run", "--force", "--pipeline", p.to_str().unwrap()]);
    assert_eq!(
        locked.status.code(),
        Some(4),
        "{}",
        String::from_utf8_lossy(&locked.stderr)
    );
    assert_eq!(std::fs::read_dir(out.join("runs")).unwrap().count(), 2);
    drop(lock);
    assert!(
        fullemp(&["run", "--force", "--pipeline", p.to_str().unwrap()])
            .status
            .success()
    );
}
