//! The repository stands alone: nothing in the code, docs, pipelines or tests
//! points at files outside it (the product owner's specification folder is
//! not part of a clone). Definitions live in `docs/indicators.md`,
//! `docs/rules.md` and `docs/detectors.md`, and references say `docs/X.md`.

use std::path::{Path, PathBuf};

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, out);
        } else if p
            .extension()
            .is_some_and(|x| ["rs", "md", "toml", "py", "sh", "txt"].contains(&x.to_str().unwrap()))
        {
            out.push(p);
        }
    }
}

/// A bare name of a definitions page (`indicators.md`), not preceded by a
/// folder: the old way of pointing at the specification's files.
fn bare_page_names(text: &str) -> Vec<String> {
    let pages = [
        "indicators.md",
        "ratings.md",
        "outputs.md",
        "data-contract.md",
        "detectors.md",
        "domain.md",
    ];
    let mut found = Vec::new();
    for page in pages {
        for (at, _) in text.match_indices(page) {
            let before = text[..at].chars().next_back();
            if !before.is_some_and(|c| c == '/' || c.is_alphanumeric() || c == '_' || c == '-') {
                found.push(page.to_string());
            }
        }
    }
    found
}

#[test]
fn no_reference_to_files_outside_the_repository() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut all = vec![root.join("README.md"), root.join("Cargo.toml")];
    for dir in ["src", "docs", "pipelines", "tests", "scripts", ".ci"] {
        if root.join(dir).is_dir() {
            files(&root.join(dir), &mut all);
        }
    }
    assert!(all.len() > 50);
    let me = Path::new(file!()).file_name().unwrap();
    let mut problems = Vec::new();
    for f in &all {
        if f.file_name() == Some(me) {
            continue;
        }
        let text = std::fs::read_to_string(f).unwrap_or_default();
        // Spelled in pieces so that this file does not itself hold the
        // pointers it looks for (and searches of the tree stay clean).
        let outside_pointers = [
            ["..", "/shared"].concat(),
            ["shared", "/spec"].concat(),
            ["spec", "/"].concat(),
        ];
        for outside in &outside_pointers {
            if text.contains(outside.as_str()) {
                problems.push(format!("{}: `{outside}`", f.display()));
            }
        }
        for page in bare_page_names(&text) {
            problems.push(format!("{}: bare `{page}` (say docs/{page})", f.display()));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_definition_pages_are_in_the_repository() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for page in [
        "indicators",
        "rules",
        "outputs",
        "operations",
        "data-contract",
    ] {
        let p = root.join(format!("docs/{page}.md"));
        let text = std::fs::read_to_string(&p).unwrap();
        assert!(
            text.len() > 2000,
            "{} is too short to define anything",
            p.display()
        );
    }
    let ind = std::fs::read_to_string(root.join("docs/indicators.md")).unwrap();
    for name in fullemp::indicators::INDICATORS {
        assert!(
            ind.contains(&format!("`{name}`")),
            "docs/indicators.md lacks {name}"
        );
    }
}
