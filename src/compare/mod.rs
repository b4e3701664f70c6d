//! Trying a candidate rules file on the latest published run
//! (docs/rules.md, "Trying new rules"), for `fullemp compare` and
//! `fullemp explain --rules`. The steps, in order: open the run; take its
//! own rules (the manifest's effective rules) and lay the candidate file
//! over them; read the run as a re-rating subject (`subject`); re-rate it
//! under both with the one rating function (`ratings::rerate`); check that
//! its own rules give back what it published (`reproduced`). Nothing here
//! writes: the run is only read, and `latest` is never moved.

pub mod reproduced;
pub mod subject;

use std::path::{Path, PathBuf};

use crate::config::Rules;
use crate::config::pipeline::{effective_rules, rules_over};
use crate::error::{Error, Result};
use crate::publish::manifest;
use crate::publish::published_run::PublishedRun;
use crate::ratings::rerate::{self, Rerated};
use subject::Published;

/// One rules set as a whole table (for the keys that differ) and typed.
pub struct RulesSet {
    pub table: toml::Table,
    pub rules: Rules,
}

/// The run with its own rules and the candidate's, read.
pub struct Tried {
    pub run: PublishedRun,
    /// The candidate rules file as given.
    pub rules_file: PathBuf,
    /// The rules the run was made with.
    pub current: RulesSet,
    /// The candidate file laid over them.
    pub candidate: RulesSet,
    pub published: Published,
}

/// The run re-rated under both rules sets.
pub struct Both {
    /// Under the run's own rules: what it published, rated again.
    pub current: Rerated,
    /// Under the candidate rules.
    pub candidate: Rerated,
}

impl Tried {
    /// The latest run under `output_dir`, its own rules, and `rules_file`
    /// laid over them. A rules file that does not load is `Error::Pipeline`
    /// (exit 2) naming the file and the key.
    pub fn read(output_dir: &Path, rules_file: &Path) -> Result<Tried> {
        let run = crate::explain::latest_run(output_dir)?;
        let manifest_file = run.dir.join(manifest::FILE);
        let (table, rules) = effective_rules(&run.manifest.rules.effective, &manifest_file)?;
        let current = RulesSet { table, rules };
        let (table, rules) = rules_over(&current.table, rules_file)?;
        detector_keys_checked(&rules, rules_file)?;
        let candidate = RulesSet { table, rules };
        let published = Published::read(&run)?;
        Ok(Tried {
            run,
            rules_file: rules_file.to_path_buf(),
            current,
            candidate,
            published,
        })
    }

    /// Both re-ratings of every year of the run.
    pub fn rerate(&self) -> Result<Both> {
        let subject = self.published.subject();
        Ok(Both {
            current: rerate::rerate(&subject, &self.current.rules)?,
            candidate: rerate::rerate(&subject, &self.candidate.rules)?,
        })
    }

    /// The year asked for, which the run must cover, else its latest.
    pub fn year(&self, asked: Option<i32>) -> Result<i32> {
        let years = self.published.years()?;
        match asked {
            Some(y) if years.contains(&y) => Ok(y),
            Some(y) => Err(Error::usage(format!(
                "year {y} is not in the latest run ({}); its years: {years:?}",
                self.run.dir.display()
            ))),
            None => years.last().copied().ok_or_else(|| {
                Error::usage(format!("{} rated no community", self.run.dir.display()))
            }),
        }
    }

    /// The candidate file's stem, as the documents' names carry it.
    pub fn stem(&self) -> String {
        let stem = self
            .rules_file
            .file_stem()
            .map(|s| s.to_string_lossy().to_string())
            .unwrap_or_default();
        crate::publish::forms::cells::safe_name(&stem)
    }
}

/// The detectors' sections and `[verifications]` of the candidate checked
/// as a pipeline's are (`cli::load_pipeline`): each detector checks its own
/// keys. Such keys are never applied by a comparison, but a bad value is
/// still a rules file that does not load.
fn detector_keys_checked(rules: &Rules, file: &Path) -> Result<()> {
    crate::detectors::registry::check(&rules.detectors)
        .and_then(|()| crate::detectors::verified::check(&rules.verifications))
        .map_err(|(key, value, expected)| Error::Pipeline {
            file: file.to_path_buf(),
            message: format!("key `{key}`: {value} is not valid (expected {expected})"),
        })
}
