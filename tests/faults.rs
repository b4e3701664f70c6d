//! The faults a nightly job meets, each on the built binary: killed (SIGKILL)
//! at every stage boundary and inside a Parquet write, a full disk, two runs
//! started together, a lock left by a dead run, a half-written staging
//! folder, an input rewritten while the run reads it. After each, `latest`
//! still names the last complete run and the next run succeeds.
//!
//! A run is held at a named point through the test-only hook of
//! `src/fault.rs` (`FULLEMP_TEST_HOLD`), inert in normal runs.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

mod support;

const BIN: &str = env!("CARGO_BIN_EXE_fullemp");

struct Setup {
    _dir: tempfile::TempDir,
    extract: PathBuf,
    out: PathBuf,
    pipeline: PathBuf,
    hold: PathBuf,
}

fn setup() -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let extract = dir.path().join("extract");
    std::fs::create_dir(&extract).unwrap();
    support::fixture(&extract, true);
    let out = dir.path().join("out");
    let pipeline = support::pipeline_file(dir.path(), &extract, &out, "keep_runs = 50\n");
    let hold = dir.path().join("hold");
    std::fs::create_dir(&hold).unwrap();
    Setup {
        _dir: dir,
        extract,
        out,
        pipeline,
        hold,
    }
}

impl Setup {
    fn command(&self) -> Command {
        let mut c = Command::new(BIN);
        c.args(["run", "--force", "--pipeline"])
            .arg(&self.pipeline)
            .env("FULLEMP_PII_KEY", "test-key-for-the-fault-tests")
            .env_remove("FULLEMP_TEST_HOLD")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        c
    }

    /// A run that stops at `point` until released (or killed).
    fn spawn_held(&self, point: &str) -> Child {
        let mut c = self.command();
        c.env("FULLEMP_TEST_HOLD", point)
            .env("FULLEMP_TEST_HOLD_DIR", &self.hold);
        c.spawn().unwrap()
    }

    fn run(&self) -> Output {
        self.command().output().unwrap()
    }

    fn run_ok(&self) -> PathBuf {
        let o = self.run();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        self.latest().unwrap()
    }

    fn latest(&self) -> Option<PathBuf> {
        std::fs::canonicalize(self.out.join("latest")).ok()
    }

    /// Entries of runs/, sorted.
    fn runs(&self) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(self.out.join("runs"))
            .map(|d| {
                d.flatten()
                    .map(|e| e.file_name().to_string_lossy().to_string())
                    .collect()
            })
            .unwrap_or_default();
        v.sort();
        v
    }

    /// Waits until a held run reaches `point`; panics with its stderr if it
    /// ends first.
    fn wait_reached(&self, child: &mut Child, point: &str) {
        let flag = self.hold.join(format!("{point}.reached"));
        let start = Instant::now();
        while !flag.exists() {
            if let Some(status) = child.try_wait().unwrap() {
                let mut err = String::new();
                std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut err).unwrap();
                panic!("the run ended ({status}) before reaching {point}:\n{err}");
            }
            assert!(
                start.elapsed() < Duration::from_secs(300),
                "never reached {point}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn release(&self, point: &str) {
        std::fs::write(self.hold.join(format!("{point}.release")), "").unwrap();
    }

    fn reset_hold(&self) {
        for e in std::fs::read_dir(&self.hold).unwrap().flatten() {
            std::fs::remove_file(e.path()).unwrap();
        }
    }
}

/// Every run folder under `latest` is complete: a manifest naming files that exist.
fn assert_complete(run: &Path) {
    let m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(run.join("manifest.json")).unwrap()).unwrap();
    for o in m["outputs"].as_array().unwrap() {
        let f = run.join(o["path"].as_str().unwrap());
        assert!(f.is_file(), "{} missing", f.display());
        let (_, sha) = fullemp::digest::sha256_file_fresh(&f).unwrap();
        assert_eq!(sha, o["sha256"].as_str().unwrap(), "{}", f.display());
    }
}

const POINTS: [&str; 10] = [
    "locked",
    "ingested",
    "indicators",
    "detectors",
    "ratings",
    "parquet-write",
    "tables-written",
    "documents-written",
    "manifest-written",
    "renamed",
];

#[test]
fn killed_at_every_stage_boundary_and_inside_a_parquet_write_latest_stays_and_the_next_run_succeeds()
 {
    let s = setup();
    let mut previous = s.run_ok();
    for point in POINTS {
        s.reset_hold();
        std::thread::sleep(Duration::from_millis(1100)); // a new run id each time
        let mut child = s.spawn_held(point);
        s.wait_reached(&mut child, point);
        child.kill().unwrap(); // SIGKILL: no destructor, no cleanup
        child.wait().unwrap();

        assert_eq!(s.latest().as_ref(), Some(&previous), "killed at {point}");
        assert_complete(&previous);
        let runs = s.runs();
        let staging = runs.iter().filter(|r| r.starts_with(".staging-")).count();
        match point {
            "parquet-write" | "tables-written" | "documents-written" | "manifest-written" => {
                assert_eq!(
                    staging, 1,
                    "{point}: the killed run's folder is left: {runs:?}"
                )
            }
            _ => assert_eq!(staging, 0, "{point}: {runs:?}"),
        }

        // The next run takes the dead run's lock, removes its half-written
        // folder and publishes.
        std::thread::sleep(Duration::from_millis(1100));
        let next = s.run_ok();
        assert_ne!(next, previous, "after a kill at {point}");
        assert_complete(&next);
        assert!(
            s.runs().iter().all(|r| !r.starts_with(".staging-")),
            "{point}: {:?}",
            s.runs()
        );
        previous = next;
    }
}

#[test]
fn a_full_disk_fails_clearly_and_publishes_nothing() {
    use std::os::unix::process::CommandExt;
    let s = setup();
    let first = s.run_ok();
    let before = s.runs();
    std::thread::sleep(Duration::from_millis(1100));
    let mut c = s.command();
    // A file-size limit stands in for a full disk: writes past 1 KiB fail.
    // SIGXFSZ is ignored so that the write returns an error (EFBIG) as a
    // full disk's ENOSPC would, instead of killing the process.
    unsafe {
        c.pre_exec(|| {
            libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
            let limit = libc::rlimit {
                rlim_cur: 1024,
                rlim_max: 1024,
            };
            if libc::setrlimit(libc::RLIMIT_FSIZE, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let o = c.output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("cannot write") && err.contains("File too large"),
        "the message names the file and the cause: {err}"
    );
    assert!(o.stdout.is_empty(), "no result printed");
    assert_eq!(s.latest(), Some(first));
    assert_eq!(s.runs(), before, "nothing left behind");
    std::thread::sleep(Duration::from_millis(1100));
    s.run_ok();
}

#[test]
fn two_runs_started_together_exactly_one_wins() {
    let s = setup();
    let mut a = s.spawn_held("locked");
    let mut b = s.spawn_held("locked");
    // Whichever took the lock waits at `locked`; the other must stop at once.
    let start = Instant::now();
    let (loser, winner) = loop {
        if let Some(st) = a.try_wait().unwrap() {
            break ((st, &mut a), &mut b);
        }
        if let Some(st) = b.try_wait().unwrap() {
            break ((st, &mut b), &mut a);
        }
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "neither stopped"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut err = String::new();
    std::io::Read::read_to_string(loser.1.stderr.as_mut().unwrap(), &mut err).unwrap();
    assert_eq!(loser.0.code(), Some(4), "{err}");
    assert!(err.contains("lock"), "{err}");
    assert!(s.latest().is_none(), "the loser wrote nothing");
    s.wait_reached(winner, "locked");
    s.release("locked");
    let status = winner.wait().unwrap();
    assert!(status.success());
    assert_eq!(s.runs().len(), 1, "{:?}", s.runs());
    assert_complete(&s.latest().unwrap());
}

#[test]
fn a_lock_file_and_a_staging_folder_left_behind_do_not_stop_the_next_run() {
    let s = setup();
    std::fs::create_dir_all(s.out.join("runs/.staging-20211231T020000/indicators")).unwrap();
    std::fs::write(
        s.out
            .join("runs/.staging-20211231T020000/indicators/part-0.parquet"),
        b"PAR1 half",
    )
    .unwrap();
    std::fs::write(s.out.join(".lock"), "a lock file nobody holds").unwrap();
    let run = s.run_ok();
    assert_complete(&run);
    assert_eq!(s.runs().len(), 1, "{:?}", s.runs());
}

#[test]
fn an_input_rewritten_during_the_run_stops_it_with_exit_3_naming_the_file() {
    let s = setup();
    let first = s.run_ok();
    std::thread::sleep(Duration::from_millis(1100));
    let f = s.extract.join("persons.csv");
    let original = std::fs::read(&f).unwrap();
    // After ingest, a row more (size and hash change); after the tables, the
    // same bytes written again (only the modification time moves); then
    // other bytes of the same size with the modification time set back
    // (only the change time, which no program sets back, moves).
    let mut same_size = original.clone();
    let at = same_size.len() - 2;
    same_size[at] = if same_size[at] == b'0' { b'1' } else { b'0' };
    for (point, rewrite, set_back) in [
        ("ingested", [original.as_slice(), b"\n"].concat(), false),
        ("tables-written", original.clone(), false),
        ("tables-written", same_size, true),
    ] {
        std::fs::write(&f, &original).unwrap();
        let read_at = std::fs::metadata(&f).unwrap().modified().unwrap();
        s.reset_hold();
        let mut child = s.spawn_held(point);
        s.wait_reached(&mut child, point);
        std::fs::write(&f, &rewrite).unwrap();
        if set_back {
            let file = std::fs::File::options().write(true).open(&f).unwrap();
            file.set_modified(read_at).unwrap();
            assert_eq!(std::fs::metadata(&f).unwrap().modified().unwrap(), read_at);
        }
        s.release(point);
        let o = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(3), "{point}: {err}");
        assert!(
            err.contains("persons.csv") && err.contains("changed"),
            "{point}: {err}"
        );
        assert_eq!(s.latest().as_ref(), Some(&first), "{point}");
        assert_eq!(s.runs().len(), 1, "{point}: {:?}", s.runs());
    }
    // Left alone, the extract publishes.
    std::fs::write(&f, &original).unwrap();
    std::thread::sleep(Duration::from_millis(1100));
    assert_ne!(s.run_ok(), first);
}

#[test]
fn the_hold_hook_is_inert_without_its_folder() {
    let s = setup();
    let o = s
        .command()
        .env("FULLEMP_TEST_HOLD", "locked")
        .env_remove("FULLEMP_TEST_HOLD_DIR")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(std::fs::read_dir(&s.hold).unwrap().next().is_none());
}
