//! Adding a re-inspection rule or a score component is three edits: its
//! registry entry (`ratings/registry.rs`), its key in the rules file, and
//! its line in `docs/rules.md` (the checklist of `docs/design.md`). These
//! tests fail when one of the three is missing, in either direction, and
//! when a rule has no words for the panel.

use fullemp::config::rules::DEFAULT_RULES_TOML;
use fullemp::panel::labels;
use fullemp::ratings::registry::{COMPONENTS, RULES, Setting};

fn default_rules() -> toml::Table {
    toml::from_str(DEFAULT_RULES_TOML).expect("the default rules parse")
}

fn rules_doc() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/rules.md")).unwrap()
}

/// The first cell of each row of the Markdown table that follows `heading`.
fn first_cells(doc: &str, heading: &str) -> Vec<String> {
    let at = doc
        .find(heading)
        .unwrap_or_else(|| panic!("docs/rules.md lacks {heading}"));
    doc[at..]
        .lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .skip(2)
        .filter_map(|l| {
            let cell = l.split('|').nth(1)?.trim();
            let id = cell.split('`').nth(1)?;
            Some(id.to_string())
        })
        .collect()
}

#[test]
fn every_rule_has_its_key_in_the_rules_file_and_every_key_is_a_rule() {
    let rules = default_rules();
    let section = rules["reinspection"].as_table().unwrap();
    for r in RULES {
        match r.setting {
            Setting::Always => assert!(
                !section.contains_key(r.id),
                "{} is always in force and has no key",
                r.id
            ),
            Setting::Threshold(_) => {
                assert!(section[r.id].is_float(), "[reinspection] {} missing", r.id)
            }
            Setting::Switch(_) => {
                assert!(section[r.id].is_bool(), "[reinspection] {} missing", r.id)
            }
        }
    }
    // Keys that set how a rule reads rather than being one.
    let settings = ["missing_platform"];
    for key in section.keys() {
        assert!(
            RULES.iter().any(|r| r.id == key) || settings.contains(&key.as_str()),
            "[reinspection] {key} is no rule of the registry"
        );
    }
}

#[test]
fn every_rule_has_its_line_in_docs_rules_in_the_registry_order() {
    let documented = first_cells(&rules_doc(), "| rule id (rules key) |");
    let registered: Vec<&str> = RULES.iter().map(|r| r.id).collect();
    assert_eq!(documented, registered, "docs/rules.md's rule table");
}

#[test]
fn every_component_has_its_key_and_its_line_in_docs_rules() {
    let rules = default_rules();
    let score = rules["score"].as_table().unwrap();
    for c in COMPONENTS {
        let weight = score
            .get(c.indicator)
            .and_then(|t| t.get("weight"))
            .unwrap_or_else(|| panic!("[score.{}] weight missing", c.indicator));
        assert!(weight.as_float().is_some() || weight.as_integer().is_some());
    }
    let documented = first_cells(&rules_doc(), "| component | weight |");
    let registered: Vec<&str> = COMPONENTS.iter().map(|c| c.indicator).collect();
    assert_eq!(documented, registered, "docs/rules.md's score table");
}

#[test]
fn every_rule_and_component_reads_in_chinese() {
    for r in RULES {
        let words = labels::rule(r.id);
        assert!(!words.is_ascii(), "{} has no Chinese words: {words}", r.id);
        assert!(!r.en.is_empty());
    }
    for c in COMPONENTS {
        assert_ne!(labels::indicator(c.indicator), c.indicator);
        assert!(!c.en.is_empty());
    }
}

#[test]
fn a_rule_id_is_spelled_in_the_registry_alone() {
    // Each id as a string literal in exactly one production file: the
    // registry (a second spelling would be a second place to change).
    let src = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
    let mut files = Vec::new();
    let mut dirs = vec![std::path::PathBuf::from(src)];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                let text = std::fs::read_to_string(&p).unwrap();
                // Test modules are not production code.
                let prod = text.split("#[cfg(test)]").next().unwrap_or("").to_string();
                files.push((p, prod));
            }
        }
    }
    for r in RULES {
        let quoted = format!("\"{}\"", r.id);
        let holders: Vec<_> = files
            .iter()
            .filter(|(_, t)| t.contains(&quoted))
            .map(|(p, _)| p.display().to_string())
            .collect();
        assert_eq!(holders.len(), 1, "{} spelled in {holders:?}", r.id);
        assert!(holders[0].ends_with("ratings/registry.rs"), "{holders:?}");
    }
}
