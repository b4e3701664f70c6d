//! No raw identity number (公民身份号码) reaches any output: every file of a
//! published run and of `history/` is decoded by its type (Parquet string and list columns
//! cell by cell, XLSX cells, HTML and SVG text with character references
//! resolved, JSON and CSV as text) and searched, with the run's own log lines
//! in both formats. A file of a type this test cannot decode fails it, so a
//! new kind of output cannot slip past unread.
//!
//! The extract is the bundled sample (`sample_data/`), whose planted bad rows
//! put identity numbers into rejects and log lines.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

mod support;
use std::process::Command;

use polars::prelude::*;

/// Every 18-character identity-number-shaped token (17 digits, then a digit
/// or X) in the bytes of a file.
fn identity_tokens(bytes: &[u8]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut i = 0;
    while i + 18 <= bytes.len() {
        let w = &bytes[i..i + 18];
        let before_ok = i == 0 || !bytes[i - 1].is_ascii_digit();
        let after_ok = i + 18 == bytes.len() || !bytes[i + 18].is_ascii_alphanumeric();
        if before_ok
            && after_ok
            && w[..17].iter().all(u8::is_ascii_digit)
            && (w[17].is_ascii_digit() || w[17] == b'X' || w[17] == b'x')
        {
            out.insert(String::from_utf8_lossy(w).to_ascii_uppercase());
            i += 18;
        } else {
            i += 1;
        }
    }
    out
}

/// `&#NNN;`, `&#xHH;` and the five named references resolved.
fn unescape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        let Some(end) = tail.find(';').filter(|e| *e <= 10) else {
            out.push('&');
            rest = &tail[1..];
            continue;
        };
        let entity = &tail[1..end];
        let ch = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            e if e.starts_with("#x") || e.starts_with("#X") => u32::from_str_radix(&e[2..], 16)
                .ok()
                .and_then(char::from_u32),
            e if e.starts_with('#') => e[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        };
        match ch {
            Some(c) => {
                out.push(c);
                rest = &tail[end + 1..];
            }
            None => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Every text value of a Parquet file: all columns cast to text, lists exploded.
fn parquet_texts(path: &Path) -> Vec<String> {
    let df = ParquetReader::new(std::fs::File::open(path).unwrap())
        .finish()
        .unwrap();
    let mut texts = Vec::new();
    for c in df.columns() {
        let mut s = c.as_materialized_series().clone();
        while let DataType::List(_) = s.dtype() {
            s = s
                .explode(ExplodeOptions {
                    empty_as_null: true,
                    keep_nulls: true,
                })
                .unwrap();
        }
        let s = s.cast(&DataType::String).unwrap();
        texts.extend(s.str().unwrap().iter().flatten().map(str::to_string));
        texts.push(c.name().to_string());
    }
    texts
}

/// Every cell of every sheet of an XLSX workbook, as text.
fn xlsx_texts(path: &Path) -> Vec<String> {
    use calamine::{Reader, open_workbook_auto};
    let mut wb = open_workbook_auto(path).unwrap();
    let mut texts = Vec::new();
    for name in wb.sheet_names().to_vec() {
        let range = wb.worksheet_range(&name).unwrap();
        texts.extend(range.rows().flatten().map(|c| c.to_string()));
        if let Ok(f) = wb.worksheet_formula(&name) {
            texts.extend(f.rows().flatten().map(|c| c.to_string()));
        }
        texts.push(name);
    }
    texts
}

/// The decoded text of one output file, by its type.
fn decoded(path: &Path) -> Vec<String> {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let text = || String::from_utf8(std::fs::read(path).unwrap()).expect("UTF-8 text output");
    match ext.as_str() {
        "parquet" => parquet_texts(path),
        "xlsx" => xlsx_texts(path),
        "html" | "htm" | "svg" | "xml" => {
            let t = text();
            vec![unescape_html(&t), t]
        }
        "json" | "csv" | "txt" | "md" | "log" => vec![text()],
        other => panic!(
            "{}: an output of type `{other}` that this test cannot decode; teach it the type",
            path.display()
        ),
    }
}

fn sample_extract(dir: &Path) -> PathBuf {
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_data");
    let to = dir.join("extract");
    std::fs::create_dir(&to).unwrap();
    for f in support::files(&from) {
        std::fs::copy(&f, to.join(f.file_name().unwrap())).unwrap();
    }
    to
}

#[test]
fn no_raw_identity_number_in_any_decoded_output_or_log() {
    let dir = tempfile::tempdir().unwrap();
    let extract = sample_extract(dir.path());
    let mut ids = BTreeSet::new();
    for f in support::files(&extract) {
        ids.extend(identity_tokens(&std::fs::read(&f).unwrap()));
    }
    assert!(
        ids.len() > 50,
        "the sample holds identity numbers: {}",
        ids.len()
    );

    let out = dir.path().join("out");
    let pipeline = support::pipeline(&dir.path().join("pipeline.toml"), &extract, &out, "");
    let mut logs = Vec::new();
    for format in ["human", "json"] {
        let o = Command::new(env!("CARGO_BIN_EXE_fullemp"))
            .args(["--log-format", format, "run", "--force", "--pipeline"])
            .arg(&pipeline)
            .env("FULLEMP_PII_KEY", "test-key-for-the-leak-test")
            .env("RUST_LOG", "debug")
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        logs.push(String::from_utf8(o.stdout).unwrap());
        logs.push(String::from_utf8(o.stderr).unwrap());
        std::thread::sleep(std::time::Duration::from_millis(1100));
    }
    // validate prints the rejected rows, identity numbers masked.
    let o = Command::new(env!("CARGO_BIN_EXE_fullemp"))
        .args(["validate", "--pipeline"])
        .arg(&pipeline)
        .output()
        .unwrap();
    logs.push(String::from_utf8(o.stdout).unwrap());
    logs.push(String::from_utf8(o.stderr).unwrap());
    assert!(
        logs[logs.len() - 2].contains("****"),
        "validate lists rejected identity numbers masked"
    );

    let run = std::fs::canonicalize(out.join("latest")).unwrap();
    let rejects = parquet_texts(&run.join("rejects.parquet"));
    assert!(
        rejects.iter().any(|t| t.contains("****")),
        "the sample's rejects carry masked identity numbers"
    );

    let mut searched = vec![("logs".to_string(), logs)];
    // Everything under runs/ (latest is one of them) and history/ (the
    // review years beside the runs and the decisions log, whose records'
    // free text is masked on reading); the lock file is empty.
    assert_eq!(std::fs::read(out.join(".lock")).unwrap(), b"");
    assert!(out.join("history/decisions_log.parquet").is_file());
    for f in support::files(&out.join("runs"))
        .into_iter()
        .chain(support::files(&out.join("history")))
    {
        searched.push((f.display().to_string(), decoded(&f)));
    }
    assert!(searched.len() > 10);
    for (name, texts) in &searched {
        for t in texts {
            let found = identity_tokens(t.as_bytes());
            let leaked: Vec<&String> = found.intersection(&ids).collect();
            assert!(
                leaked.is_empty(),
                "{name}: {} raw identity number(s) leaked",
                leaked.len()
            );
        }
    }
}

#[test]
fn the_decoders_see_what_grep_would_miss() {
    // An identity number written as character references, or inside a
    // zstd-compressed Parquet page, is still found.
    let id = "11010519491231002X";
    let escaped: String = id.chars().map(|c| format!("&#{};", c as u32)).collect();
    assert!(identity_tokens(unescape_html(&escaped).as_bytes()).contains(id));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.parquet");
    let mut df = df!("evidence" => [format!("person {id}")]).unwrap();
    ParquetWriter::new(std::fs::File::create(&path).unwrap())
        .with_compression(ParquetCompression::Zstd(None))
        .finish(&mut df)
        .unwrap();
    assert!(
        parquet_texts(&path)
            .iter()
            .any(|t| identity_tokens(t.as_bytes()).contains(id))
    );
}
