//! The data dictionary: every published Parquet column with its type and a
//! one-line meaning. `parquet.rs` writes each meaning into the column's Arrow
//! field metadata (`description`), and `docs/outputs.md` shows the same
//! tables (a test renders them from here and compares).
//!
//! The `status` table has four columns for each review stage, following
//! the rules' stage list (`stage_columns`), so its entries are made from the
//! list the run read.
//!
//! The definitions behind the indicator lines are in `docs/indicators.md`,
//! those behind the ratings lines in `docs/rules.md`, the findings in
//! `docs/detectors.md`.

use std::collections::BTreeMap;

use crate::config::Stages;

/// The dictionary's entries, written as data (`dictionary.toml`).
const DICTIONARY_TOML: &str = include_str!("dictionary.toml");

/// One published column.
#[derive(Debug, Clone, Copy)]
pub struct ColumnDoc {
    pub name: &'static str,
    pub dtype: &'static str,
    pub meaning: &'static str,
}

/// One published table.
#[derive(Debug, Clone)]
pub struct TableDoc {
    pub name: &'static str,
    columns: Vec<ColumnDoc>,
}

impl TableDoc {
    /// The columns the table always has, in order (without the columns of
    /// the rules' stages, which `columns` adds).
    pub fn fixed_columns(&self) -> impl Iterator<Item = &ColumnDoc> {
        self.columns.iter()
    }
}

/// The tables whose columns follow the rules' stage list.
const STATUS: &str = "status";
const ACCOUNTABILITY: &str = "accountability";

/// The file as written: columns several tables share, by name, then each
/// table with its columns, a shared one named, any other spelled out.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    shared: BTreeMap<String, Entry>,
    table: Vec<TableEntry>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct TableEntry {
    name: String,
    columns: Vec<Listed>,
}

#[derive(serde::Deserialize)]
#[serde(untagged)]
enum Listed {
    Shared(String),
    Own {
        name: String,
        #[serde(flatten)]
        entry: Entry,
    },
}

#[derive(serde::Deserialize, Clone)]
struct Entry {
    #[serde(rename = "type")]
    dtype: String,
    meaning: String,
}

/// Every published table, read once from the embedded file (its words live
/// as long as the program).
pub fn tables() -> &'static [TableDoc] {
    static TABLES: std::sync::LazyLock<Vec<TableDoc>> = std::sync::LazyLock::new(|| {
        let file: File = toml::from_str(DICTIONARY_TOML).expect("the embedded dictionary parses");
        let leak = |s: &str| -> &'static str { Box::leak(s.to_string().into_boxed_str()) };
        file.table
            .iter()
            .map(|t| TableDoc {
                name: leak(&t.name),
                columns: t
                    .columns
                    .iter()
                    .map(|c| {
                        let (name, entry) = match c {
                            Listed::Shared(name) => (name, &file.shared[name]),
                            Listed::Own { name, entry } => (name, entry),
                        };
                        ColumnDoc {
                            name: leak(name),
                            dtype: leak(&entry.dtype),
                            meaning: leak(&entry.meaning),
                        }
                    })
                    .collect(),
            })
            .collect()
    });
    &TABLES
}

/// The `stopped_at_<stage id>` columns of `accountability`, one for each
/// stage after the first recommending stage of the list.
pub fn stopped_columns(stages: &Stages) -> Vec<Described> {
    crate::ratings::accountability::stopped_stages(stages)
        .map(|j| Described {
            name: crate::ratings::accountability::stopped_column(&stages[j].id),
            dtype: "Int64".into(),
            meaning: format!(
                "of those the unit recommended, the applications stopped at {} ({}); null on a county's row for a stage up to its own recommending stage",
                stages[j].name, stages[j].id
            ),
        })
        .collect()
}

/// One column as a table lists it, the stage columns included.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Described {
    pub name: String,
    pub dtype: String,
    pub meaning: String,
}

impl From<&ColumnDoc> for Described {
    fn from(c: &ColumnDoc) -> Described {
        Described {
            name: c.name.to_string(),
            dtype: c.dtype.to_string(),
            meaning: in_words(c.meaning),
        }
    }
}

/// A meaning with its labels filled in from the one place each is spelled:
/// `{zh:<indicator>}` is the indicator's Chinese name, `{failing:<item>}` a
/// `failing_detail` item as the report words it.
fn in_words(meaning: &str) -> String {
    let mut out = String::new();
    let mut rest = meaning;
    while let Some(at) = rest.find('{') {
        let Some(len) = rest[at..].find('}') else {
            break;
        };
        let inner = &rest[at + 1..at + len];
        let filled = match inner.split_once(':') {
            Some(("zh", name)) => Some(super::labels::indicator(name).to_string()),
            Some(("failing", item)) => Some(super::labels::failing_rule(item)),
            _ => None,
        };
        out.push_str(&rest[..at]);
        match filled {
            Some(f) => out.push_str(&f),
            None => out.push_str(&rest[at..=at + len]),
        }
        rest = &rest[at + len + 1..];
    }
    out.push_str(rest);
    out
}

/// The four columns `status` has for each review stage of the list, in the
/// list's order: `<stage id>_decision`, `_opinion`, `_on`, `_by`.
pub fn stage_columns(stages: &Stages) -> Vec<Described> {
    let d = |name: String, dtype: &str, meaning: String| Described {
        name,
        dtype: dtype.to_string(),
        meaning,
    };
    stages
        .iter()
        .flat_map(|s| {
            [
                d(
                    format!("{}_decision", s.id),
                    "String",
                    format!(
                        "the {} decision recorded ({}; decided by {}); null when none",
                        s.name,
                        s.outcomes.join(", "),
                        s.unit
                    ),
                ),
                d(
                    format!("{}_opinion", s.id),
                    "String",
                    "its opinion text".into(),
                ),
                d(format!("{}_on", s.id), "Date", "its date".into()),
                d(
                    format!("{}_by", s.id),
                    "String",
                    "the unit that decided it".into(),
                ),
            ]
        })
        .collect()
}

/// A table's columns, in order; `status` with the stages' columns of `stages`.
pub fn columns(t: &TableDoc, stages: &Stages) -> Vec<Described> {
    let mut out: Vec<Described> = t.fixed_columns().map(Described::from).collect();
    if t.name == STATUS {
        out.extend(stage_columns(stages));
    }
    if t.name == ACCOUNTABILITY {
        let at = out
            .iter()
            .position(|c| c.name == "recommended")
            .map_or(0, |k| k + 1);
        out.splice(at..at, stopped_columns(stages));
    }
    out
}

/// The column names the dictionary describes for table `name`, in order,
/// under the notice's stages (for the tests that hold a frame to it).
pub fn column_names(name: &str) -> Vec<String> {
    table(name)
        .map(|t| {
            columns(t, &crate::config::Stages::notice())
                .into_iter()
                .map(|c| c.name)
                .collect()
        })
        .unwrap_or_default()
}

/// The table's entry.
pub fn table(name: &str) -> Option<&'static TableDoc> {
    tables().iter().find(|t| t.name == name)
}

/// The one-line meaning of a published column (the stages' columns of
/// `status` from `stages`).
pub fn describe(table_name: &str, column: &str, stages: &Stages) -> Option<String> {
    columns(table(table_name)?, stages)
        .into_iter()
        .find(|c| c.name == column)
        .map(|c| c.meaning)
}

/// A table's columns as the Markdown table of `docs/outputs.md`.
pub fn markdown(t: &TableDoc, stages: &Stages) -> String {
    let mut s = String::from("| column | type | meaning |\n| --- | --- | --- |\n");
    for c in columns(t, stages) {
        s.push_str(&format!("| `{}` | {} | {} |\n", c.name, c.dtype, c.meaning));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docs_outputs_shows_the_same_dictionary() {
        let docs = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/outputs.md"))
            .unwrap();
        for t in tables() {
            let want = markdown(t, &Stages::notice());
            assert!(
                docs.contains(&want),
                "docs/outputs.md lacks the dictionary of `{}` as the code has it; paste:\n\n{want}",
                t.name
            );
        }
    }

    #[test]
    fn the_status_table_follows_the_stage_list() {
        let mut stages = Stages::notice();
        // A stage moved and one added: the columns follow the list alone.
        let visit = stages.0.remove(1);
        stages.0.insert(2, visit);
        let mut extra = stages.0[0].clone();
        extra.id = "district_hearing".into();
        extra.name = "区级听证".into();
        extra.sets = None;
        extra.form_box = None;
        stages.0.insert(3, extra);
        let names: Vec<String> = columns(table(STATUS).unwrap(), &stages)
            .into_iter()
            .map(|c| c.name)
            .collect();
        let tail = &names[names.len() - 4 * stages.len()..];
        let want: Vec<String> = stages
            .iter()
            .flat_map(|s| ["decision", "opinion", "on", "by"].map(|k| format!("{}_{k}", s.id)))
            .collect();
        assert_eq!(tail, want.as_slice());
        assert!(
            describe("status", "district_hearing_decision", &stages)
                .unwrap()
                .contains("区级听证")
        );
        assert!(describe("status", "district_hearing_decision", &Stages::notice()).is_none());
    }

    #[test]
    fn the_ratings_describe_every_evidence_share_in_order() {
        use crate::indicators::evidence::FIGURES;
        let names: Vec<&str> = table("ratings")
            .unwrap()
            .fixed_columns()
            .map(|c| c.name)
            .collect();
        let at = |n: &str| names.iter().position(|c| *c == n);
        let found: Vec<Option<usize>> = FIGURES.iter().map(|f| at(f.column)).collect();
        assert!(found.iter().all(Option::is_some), "{found:?}");
        assert!(found.windows(2).all(|w| w[0] < w[1]), "{found:?}");
        assert!(
            table("indicators")
                .unwrap()
                .fixed_columns()
                .all(|c| !c.name.ends_with("_evidence"))
        );
    }

    #[test]
    fn every_column_is_described_once() {
        for t in tables() {
            let mut names: Vec<&str> = t.fixed_columns().map(|c| c.name).collect();
            names.sort_unstable();
            names.dedup();
            assert_eq!(
                names.len(),
                t.fixed_columns().count(),
                "{} repeats a column",
                t.name
            );
            assert!(
                t.fixed_columns()
                    .all(|c| !c.meaning.is_empty() && !c.meaning.contains('|'))
            );
        }
    }
}
