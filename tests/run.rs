//! `fullemp run` end to end on the hand-worked extract: the run folder and
//! `latest`, byte-identical Parquet across runs, nothing published by a failed
//! run, and the dataset read back by pyarrow, pandas and DuckDB with the data
//! dictionary in its field metadata (tests/interop/read_dataset.py). Faults are
//! in tests/faults.rs, the personal-data check in tests/leak.rs.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod support;
use support::fullemp;

fn pipeline(dir: &Path, extract: &Path, out: &Path) -> PathBuf {
    support::pipeline_file(dir, extract, out, "keep_runs = 2\n")
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

fn run_ok(p: &Path) -> Output {
    let out = fullemp(&["run", "--force", "--pipeline", p.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "run failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

#[test]
fn publishes_a_complete_run_readable_by_pyarrow_pandas_and_duckdb() {
    let (_dir, _, out, p) = setup(true);
    run_ok(&p);

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
        "accountability/year=2021/part-0.parquet",
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

    // No raw identity number in any output: tests/leak.rs decodes every file.
}

#[test]
fn the_margin_of_a_passing_community_reads_back_in_pyarrow_and_duckdb() {
    let dir = tempfile::tempdir().unwrap();
    let extract = dir.path().join("extract");
    std::fs::create_dir(&extract).unwrap();
    support::fixture(&extract, true);
    let out = dir.path().join("out");
    let p = support::pipeline_file(dir.path(), &extract, &out, support::C1_PASSES);
    run_ok(&p);
    let py = Command::new("python3")
        .arg("tests/interop/read_margin.py")
        .arg(out.join("latest"))
        .output()
        .unwrap();
    assert!(
        py.status.success(),
        "margin check failed:\n{}\n{}",
        String::from_utf8_lossy(&py.stdout),
        String::from_utf8_lossy(&py.stderr)
    );
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
        support::files(run)
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

/// With a review calendar the report's states move with the day: a new run
/// date publishes a new run on unchanged inputs, the same day does not.
#[test]
fn with_a_calendar_a_new_run_date_publishes_on_unchanged_inputs() {
    let dir = tempfile::tempdir().unwrap();
    let extract = dir.path().join("extract");
    std::fs::create_dir(&extract).unwrap();
    support::fixture(&extract, false);
    let out = dir.path().join("out");
    let p = support::pipeline_file(
        dir.path(),
        &extract,
        &out,
        "[review]\nregister_due = 2022-01-07\nlist_due = 2022-01-14\n",
    );
    let run = |day: &str| fullemp(&["run", "--pipeline", p.to_str().unwrap(), "--run-date", day]);
    assert!(run("2022-01-06").status.success());
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let same = run("2022-01-06");
    assert!(String::from_utf8_lossy(&same.stdout).contains("nothing to do"));
    std::thread::sleep(std::time::Duration::from_millis(1100));
    assert!(run("2022-01-10").status.success());
    assert_eq!(std::fs::read_dir(out.join("runs")).unwrap().count(), 2);
    assert_eq!(manifest(&out)["run_date"], "2022-01-10");
}

/// A confirmation dated inside the computed publicity period is refused when
/// the pipeline is loaded, naming the key, before any input is read (the
/// extract folder here does not even exist), by `validate` and `run` alike.
#[test]
fn a_confirmation_inside_the_publicity_period_is_refused_before_reading() {
    let dir = tempfile::tempdir().unwrap();
    let p = support::pipeline_file(
        dir.path(),
        &dir.path().join("no-such-extract"),
        &dir.path().join("out"),
        "[review]\npublicity_start = 2022-01-28\nconfirmation_due = 2022-02-01\n\
         holidays = [2022-01-31, 2022-02-01, 2022-02-02, 2022-02-03, 2022-02-04]\n",
    );
    for command in ["validate", "run"] {
        let out = fullemp(&[command, "--pipeline", p.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(2), "{command}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("review.confirmation_due"), "{command}: {err}");
    }
}

fn manifest(out: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(out.join("latest/manifest.json")).unwrap())
        .unwrap()
}

#[test]
fn dates_after_today_do_not_move_the_extract_cutoff() {
    let (dir, extract, out, _) = setup(true);
    let p = support::pipeline(
        &dir.path().join("extract-date.toml"),
        &extract,
        &out,
        "as_of = \"extract\"",
    );
    run_ok(&p);
    // The fixture's latest event date (it reaches into January 2022).
    let as_of = manifest(&out)["as_of"].clone();
    assert!(as_of.as_str().unwrap().starts_with("2022-01-"), "{as_of}");
    assert_eq!(manifest(&out)["future_dates"], serde_json::json!([]));

    // A start keyed in as 2099: a slip, not the extract's date.
    let mut e = std::fs::read_to_string(extract.join("employment.csv")).unwrap();
    e.push_str(&format!(
        "E99,{},{},单位就业,2099-01-01,\n",
        support::p("P1"),
        support::C1
    ));
    std::fs::write(extract.join("employment.csv"), e).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let o = run_ok(&p);
    let m = manifest(&out);
    assert_eq!(m["as_of"], as_of, "the cut-off did not move");
    assert_eq!(
        m["future_dates"],
        serde_json::json!([{"table": "employment", "column": "started_on", "rows": 1, "latest": "2099-01-01"}])
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("after today") && err.contains("started_on"),
        "{err}"
    );
}

#[test]
fn a_county_no_group_may_assess_is_reported_and_the_run_publishes() {
    let (dir, extract, out, _) = setup(true);
    let p = support::pipeline(
        &dir.path().join("groups.toml"),
        &extract,
        &out,
        "as_of = 2021-12-31\n\n\
         [[review.assessment_groups]]\nname = \"一组\"\nhome_county = \"新华区\"",
    );
    let o = run_ok(&p);
    let m = manifest(&out);
    let u = &m["unassigned_counties"];
    assert_eq!(u.as_array().unwrap().len(), 1, "{u}");
    assert_eq!(u[0]["county"], "新华区");
    assert_eq!(u[0]["year"], 2021);
    assert_eq!(u[0]["candidates"], 1);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("cross assessment") && err.contains("新华区"),
        "{err}"
    );
}

#[test]
fn the_default_key_lives_outside_the_output_is_owner_only_and_a_new_key_makes_a_new_run() {
    use std::os::unix::fs::PermissionsExt;
    let (dir, _, out, p) = setup(false);
    let state = dir.path().join("state");
    let run = |force: bool| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_fullemp"));
        c.arg("run").arg("--pipeline").arg(&p);
        if force {
            c.arg("--force");
        }
        c.env_remove("FULLEMP_PII_KEY")
            .env("XDG_STATE_HOME", &state)
            .output()
            .unwrap()
    };
    let first = run(false);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let key = state.join("fullemp/pii.key");
    assert_eq!(
        std::fs::metadata(&key).unwrap().permissions().mode() & 0o777,
        0o600
    );
    for f in support::files(&out) {
        assert!(
            !f.to_string_lossy().contains("pii"),
            "a key file in the output folder: {}",
            f.display()
        );
    }
    let id = manifest(&out)["pseudonym_key_id"].clone();
    assert_eq!(id.as_str().unwrap().len(), 16);
    let key_text = std::fs::read_to_string(&key).unwrap();
    assert!(
        !std::fs::read_to_string(out.join("latest/manifest.json"))
            .unwrap()
            .contains(key_text.trim()),
        "the manifest never holds the key"
    );

    std::thread::sleep(std::time::Duration::from_millis(1100));
    let same = run(false);
    assert!(String::from_utf8_lossy(&same.stdout).contains("nothing to do"));

    // Rotation: a new key is a new run, with a new key id.
    std::fs::write(&key, "fedcba9876543210fedcba9876543210\n").unwrap();
    let rotated = run(false);
    assert!(
        rotated.status.success(),
        "{}",
        String::from_utf8_lossy(&rotated.stderr)
    );
    assert!(String::from_utf8_lossy(&rotated.stdout).contains("published"));
    assert_ne!(manifest(&out)["pseudonym_key_id"], id);

    // A key others may read is refused, saying how to fix it.
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).unwrap();
    let refused = run(true);
    assert_eq!(refused.status.code(), Some(2));
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(err.contains("chmod 600"), "{err}");
}

#[test]
fn stdout_carries_the_result_only_and_quiet_silences_the_information_lines() {
    let (_dir, _, _, p) = setup(false);
    let p = p.to_str().unwrap();
    for args in [
        vec!["run", "--force", "--pipeline", p],
        vec!["--quiet", "run", "--force", "--pipeline", p],
        vec!["--log-format", "json", "run", "--force", "--pipeline", p],
    ] {
        let o = fullemp(&args);
        assert!(o.status.success());
        let out = String::from_utf8(o.stdout).unwrap();
        assert_eq!(out.lines().count(), 1, "{args:?}: {out}");
        assert!(out.starts_with("published "), "{out}");
        let err = String::from_utf8(o.stderr).unwrap();
        if args.contains(&"--quiet") {
            assert_eq!(err, "", "nothing but warnings and errors under --quiet");
        } else {
            assert!(err.contains("stage done"), "{err}");
        }
        if args.contains(&"json") {
            for line in err.lines() {
                serde_json::from_str::<serde_json::Value>(line)
                    .unwrap_or_else(|e| panic!("not a JSON line ({e}): {line}"));
            }
        }
        std::thread::sleep(std::time::Duration::from_millis(1100));
    }
}
