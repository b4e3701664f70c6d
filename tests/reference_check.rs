//! The reference check: every published indicator cell against an independent
//! implementation of `indicators.md` (tests/reference/indicators.py, written
//! from the spec alone), on generated extracts, as outside checkers will do.
//!
//! Each case generates an extract with `fullemp generate`, optionally rewrites
//! it onto the spec's edges (tests/reference/edge_cases.py), runs `fullemp run`
//! with an explicit cut-off and `years = [2020, 2021]`, and has
//! tests/reference/compare.py compare the published `indicators/` dataset with
//! the reference, cell by cell. See docs/reference-check.md.
//!
//! Needs python3 with tests/requirements.txt. Until `fullemp generate` is in
//! this build, FULLEMP_REFERENCE_GENERATOR may name a binary that has it.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_fullemp");
const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const YEARS: &str = "2020,2021";

fn generator() -> String {
    std::env::var("FULLEMP_REFERENCE_GENERATOR").unwrap_or_else(|_| BIN.to_string())
}

fn text(o: &Output) -> String {
    format!(
        "exit {:?}\n--- stdout\n{}\n--- stderr\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn script(name: &str) -> PathBuf {
    Path::new(ROOT).join("tests/reference").join(name)
}

fn generate(out: &Path, seed: u32, format: &[&str]) {
    let o = Command::new(generator())
        .args([
            "generate",
            "--quiet",
            "--communities",
            "200",
            "--year",
            "2021",
        ])
        .args(["--fraud-share", "0.3", "--seed", &seed.to_string()])
        .args(format)
        .arg("--out")
        .arg(out)
        .output()
        .expect("run fullemp generate");
    assert!(o.status.success(), "fullemp generate failed:\n{}", text(&o));
}

fn edges(from: &Path, to: &Path, as_of: &str, flags: &[&str]) {
    let o = Command::new("python3")
        .arg(script("edge_cases.py"))
        .arg("--input")
        .arg(from)
        .arg("--out")
        .arg(to)
        .args(["--as-of", as_of])
        .args(years_args(as_of))
        .args(flags)
        .output()
        .expect("run python3");
    assert!(o.status.success(), "edge_cases.py failed:\n{}", text(&o));
}

/// `extract` leaves the years to their default (the as_of year and the one
/// before), as the nightly pipeline does; a date gets `years = [2020, 2021]`.
fn years_args(as_of: &str) -> Vec<&'static str> {
    if as_of == "extract" {
        vec![]
    } else {
        vec!["--years", YEARS]
    }
}

fn run(extract: &Path, out: &Path, pipeline: &Path, as_of: &str) {
    let when = if as_of == "extract" {
        "as_of = \"extract\"\n".to_string()
    } else {
        format!("as_of = {as_of}\nyears = [2020, 2021]\n")
    };
    let toml = format!(
        "input_dir = {:?}\noutput_dir = {:?}\n{when}",
        extract.to_str().unwrap(),
        out.to_str().unwrap(),
    );
    std::fs::write(pipeline, toml).unwrap();
    let o = Command::new(BIN)
        .args(["run", "--quiet", "--force", "--pipeline"])
        .arg(pipeline)
        .env("FULLEMP_PII_KEY", "reference-check-key")
        .output()
        .expect("run fullemp run");
    assert!(o.status.success(), "fullemp run failed:\n{}", text(&o));
}

/// One case: seed, cut-off, and the edge_cases.py flags (none: the extract as generated).
fn check(seed: u32, as_of: &str, flags: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let generated = dir.path().join("generated");
    generate(&generated, seed, &[]);
    let extract = if flags.is_empty() {
        generated
    } else {
        let e = dir.path().join("edges");
        edges(&generated, &e, as_of, flags);
        e
    };
    let out = dir.path().join("out");
    run(&extract, &out, &dir.path().join("pipeline.toml"), as_of);
    compare(
        &extract,
        &out,
        as_of,
        &format!("seed {seed}, as_of {as_of}, {flags:?}"),
    );
}

/// The same extract in another file format, header set or encoding: fullemp
/// reads that one, the reference the canonical UTF-8 CSV of the same seed (the
/// generator draws the same rows whatever the format).
fn check_format(seed: u32, as_of: &str, format: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let canonical = dir.path().join("canonical");
    generate(&canonical, seed, &[]);
    let other = dir.path().join("other");
    generate(&other, seed, format);
    let out = dir.path().join("out");
    run(&other, &out, &dir.path().join("pipeline.toml"), as_of);
    compare(
        &canonical,
        &out,
        as_of,
        &format!("seed {seed}, as_of {as_of}, {format:?}"),
    );
}

fn compare(extract: &Path, out: &Path, as_of: &str, case: &str) {
    let o = Command::new("python3")
        .arg(script("compare.py"))
        .arg("--input")
        .arg(extract)
        .args(["--as-of", as_of])
        .args(years_args(as_of))
        .args(["--explain", "--published"])
        .arg(out.join("latest/indicators"))
        .output()
        .expect("run python3");
    println!("{}", String::from_utf8_lossy(&o.stdout));
    assert!(
        o.status.success(),
        "published indicators disagree with the reference ({case}):\n{}",
        text(&o)
    );
}

#[test]
fn generated_seed1_year_end() {
    check(1, "2021-12-31", &[]);
}

#[test]
fn generated_seed1_mid_year() {
    check(1, "2021-09-30", &[]);
}

#[test]
fn generated_seed2_year_end() {
    check(2, "2021-12-31", &[]);
}

#[test]
fn generated_seed2_mid_year() {
    check(2, "2021-09-30", &[]);
}

#[test]
fn boundaries_seed1_mid_year() {
    check(1, "2021-09-30", &["--boundaries"]);
}

#[test]
fn boundaries_and_spellings_seed2_year_end() {
    check(
        2,
        "2021-12-31",
        &["--boundaries", "--spellings", "--seed", "11"],
    );
}

#[test]
fn boundaries_and_spellings_seed1_half_year() {
    check(
        1,
        "2021-06-30",
        &["--boundaries", "--spellings", "--seed", "12"],
    );
}

#[test]
fn extract_date_seed1() {
    check(1, "extract", &[]);
}

#[test]
fn extract_date_with_a_late_rejected_record_seed2() {
    check(2, "extract", &["--boundaries", "--seed", "13"]);
}

#[test]
fn extract_date_without_recorded_at_seed1() {
    check(
        1,
        "extract",
        &["--boundaries", "--drop-recorded-at", "--seed", "14"],
    );
}

#[test]
fn xlsx_with_chinese_headers_seed1() {
    check_format(
        1,
        "2021-09-30",
        &["--format", "xlsx", "--headers", "chinese"],
    );
}

#[test]
fn parquet_seed2() {
    check_format(2, "2021-12-31", &["--format", "parquet"]);
}

#[test]
fn gb18030_csv_with_chinese_headers_seed2() {
    check_format(
        2,
        "2021-09-30",
        &["--headers", "chinese", "--encoding", "gb18030"],
    );
}
