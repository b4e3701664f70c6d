//! The reference check: every published indicator cell against an independent
//! implementation of `docs/indicators.md` (tests/reference/indicators.py, written
//! from the spec alone), on generated extracts, as outside checkers will do.
//!
//! Each case generates an extract with `fullemp generate` (200 communities,
//! fraud share 0.3), optionally rewrites it onto the spec's edges
//! (tests/reference/edge_cases.py), runs `fullemp run --force` with an explicit
//! cut-off and years (or `as_of = "extract"` and the default years), and has
//! tests/reference/compare.py compare the published `indicators/` dataset with
//! the reference, cell by cell, the rejected rows per table, and the
//! published `ratings/` with the reference ratings (tests/reference/ratings.py).
//! See docs/reference-check.md.
//!
//! Needs python3 with tests/requirements.txt. Until `fullemp generate` is in
//! this build, FULLEMP_REFERENCE_GENERATOR may name a binary that has it.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_fullemp");
const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// One comparison.
struct Case<'a> {
    seed: u32,
    /// The generator's review year: histories cover year-1 and year.
    year: i32,
    /// A date, or "extract" (then the years are left to their default).
    as_of: &'a str,
    /// Comma-separated review years, ignored for "extract".
    years: &'a str,
    /// edge_cases.py flags; none: the extract as generated.
    edges: &'a [&'a str],
    /// Generator flags for the extract fullemp reads (format, headers,
    /// encoding); the reference reads the canonical CSV of the same seed.
    format: &'a [&'a str],
}

const BASE: Case<'static> = Case {
    seed: 1,
    year: 2021,
    as_of: "2021-12-31",
    years: "2020,2021",
    edges: &[],
    format: &[],
};

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

impl Case<'_> {
    fn label(&self) -> String {
        format!(
            "seed {}, year {}, as_of {}, years {}, edges {:?}, format {:?}",
            self.seed, self.year, self.as_of, self.years, self.edges, self.format
        )
    }

    /// `--as-of A [--years Y]` for the Python scripts.
    fn when_args(&self) -> Vec<&str> {
        if self.as_of == "extract" {
            vec!["--as-of", "extract"]
        } else {
            vec!["--as-of", self.as_of, "--years", self.years]
        }
    }

    fn generate(&self, out: &Path, format: &[&str]) {
        let o = Command::new(generator())
            .args(["generate", "--quiet", "--communities", "200"])
            .args(["--fraud-share", "0.3"])
            .args([
                "--seed",
                &self.seed.to_string(),
                "--year",
                &self.year.to_string(),
            ])
            .args(format)
            .arg("--out")
            .arg(out)
            .output()
            .expect("run fullemp generate");
        assert!(o.status.success(), "fullemp generate failed:\n{}", text(&o));
    }

    fn rewrite_edges(&self, from: &Path, to: &Path) {
        let o = Command::new("python3")
            .arg(script("edge_cases.py"))
            .arg("--input")
            .arg(from)
            .arg("--out")
            .arg(to)
            .args(self.when_args())
            .args(self.edges)
            .output()
            .expect("run python3");
        assert!(o.status.success(), "edge_cases.py failed:\n{}", text(&o));
    }

    fn run(&self, extract: &Path, out: &Path, pipeline: &Path) {
        let when = if self.as_of == "extract" {
            "as_of = \"extract\"\n".to_string()
        } else {
            format!(
                "as_of = {}\nyears = [{}]\n",
                self.as_of,
                self.years.replace(',', ", ")
            )
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

    /// Runs compare.py; its report.
    fn compare(&self, extract: &Path, out: &Path) -> String {
        let o = Command::new("python3")
            .arg(script("compare.py"))
            .arg("--input")
            .arg(extract)
            .args(self.when_args())
            .args(["--explain", "--published"])
            .arg(out.join("latest/indicators"))
            .output()
            .expect("run python3");
        let report = String::from_utf8_lossy(&o.stdout).into_owned();
        println!("{report}");
        assert!(
            o.status.success(),
            "published indicators or ratings disagree with the reference ({}):\n{}",
            self.label(),
            text(&o)
        );
        report
    }

    /// Generates, rewrites, runs and compares; compare.py's report.
    fn check(&self) -> String {
        let dir = tempfile::tempdir().unwrap();
        let generated = dir.path().join("generated");
        self.generate(&generated, &[]);
        let reference_input = if self.edges.is_empty() {
            generated
        } else {
            let e = dir.path().join("edges");
            self.rewrite_edges(&generated, &e);
            e
        };
        let run_input = if self.format.is_empty() {
            reference_input.clone()
        } else {
            assert!(
                self.edges.is_empty(),
                "edges are written as canonical CSV only"
            );
            let other = dir.path().join("other");
            self.generate(&other, self.format);
            other
        };
        let out = dir.path().join("out");
        self.run(&run_input, &out, &dir.path().join("pipeline.toml"));
        self.compare(&reference_input, &out)
    }
}

#[test]
fn generated_seed1_year_end() {
    let report = Case { ..BASE }.check();
    // The generator's gaps are in this extract, and the reference agrees on
    // them: 8 communities re-inspected (both years) on a national mark or a
    // star year alone, 2 failing in 2021 for want of a platform record.
    assert!(
        report.contains(
            "under re-inspection without a provincial_year: 16; failing for no platform record: 2"
        ),
        "{report}"
    );
}

#[test]
fn generated_seed1_mid_year() {
    Case {
        as_of: "2021-09-30",
        ..BASE
    }
    .check();
}

#[test]
fn generated_seed2_year_end() {
    Case { seed: 2, ..BASE }.check();
}

#[test]
fn generated_seed2_mid_year() {
    Case {
        seed: 2,
        as_of: "2021-09-30",
        ..BASE
    }
    .check();
}

#[test]
fn boundaries_seed1_mid_year() {
    Case {
        as_of: "2021-09-30",
        edges: &["--boundaries"],
        ..BASE
    }
    .check();
}

#[test]
fn boundaries_and_spellings_seed2_year_end() {
    let edges = &["--boundaries", "--spellings", "--seed", "11"];
    Case {
        seed: 2,
        edges,
        ..BASE
    }
    .check();
}

#[test]
fn boundaries_and_spellings_seed1_half_year() {
    let edges = &["--boundaries", "--spellings", "--seed", "12"];
    Case {
        as_of: "2021-06-30",
        edges,
        ..BASE
    }
    .check();
}

#[test]
fn boundaries_without_optional_tables_seed2() {
    let edges = &["--boundaries", "--drop-optional", "--seed", "15"];
    Case {
        seed: 2,
        as_of: "2021-09-30",
        edges,
        ..BASE
    }
    .check();
}

/// A cut-off on 28 February of a common year, birthdays on 29 February.
#[test]
fn boundaries_on_28_february_seed3() {
    let edges = &["--boundaries", "--seed", "16"];
    let (as_of, years) = ("2023-02-28", "2022,2023");
    Case {
        seed: 3,
        year: 2022,
        as_of,
        years,
        edges,
        ..BASE
    }
    .check();
}

/// A cut-off on a leap day.
#[test]
fn boundaries_on_29_february_seed4() {
    let edges = &["--boundaries", "--seed", "17"];
    let (as_of, years) = ("2024-02-29", "2023,2024");
    Case {
        seed: 4,
        year: 2023,
        as_of,
        years,
        edges,
        ..BASE
    }
    .check();
}

#[test]
fn extract_date_seed1() {
    Case {
        as_of: "extract",
        ..BASE
    }
    .check();
}

#[test]
fn extract_date_with_a_late_rejected_record_seed2() {
    let edges = &["--boundaries", "--seed", "13"];
    Case {
        seed: 2,
        as_of: "extract",
        edges,
        ..BASE
    }
    .check();
}

#[test]
fn extract_date_without_recorded_at_seed1() {
    let edges = &["--boundaries", "--drop-recorded-at", "--seed", "14"];
    Case {
        as_of: "extract",
        edges,
        ..BASE
    }
    .check();
}

#[test]
fn xlsx_with_chinese_headers_seed1() {
    let format = &["--format", "xlsx", "--headers", "chinese"];
    Case {
        as_of: "2021-09-30",
        format,
        ..BASE
    }
    .check();
}

#[test]
fn parquet_seed2() {
    Case {
        seed: 2,
        format: &["--format", "parquet"],
        ..BASE
    }
    .check();
}

#[test]
fn gb18030_csv_with_chinese_headers_seed2() {
    let format = &["--headers", "chinese", "--encoding", "gb18030"];
    Case {
        seed: 2,
        as_of: "2021-09-30",
        format,
        ..BASE
    }
    .check();
}
