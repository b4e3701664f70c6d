//! Writes a comparison of rules (`fullemp compare`): `compare-<stem>.html`
//! (`page`), its charts as `compare-<stem>/<curve>.svg` (`charts`) and
//! `compare-<stem>.xlsx` (`workbook`), side by side in one folder: by
//! default the pipeline's output folder, beside `runs/` and `latest`. A
//! folder inside `runs/` or inside any run folder is refused: a published
//! run is never written to.

pub mod charts;
pub mod page;
pub mod workbook;

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::panel::compare::Comparison;
use crate::publish::manifest;
use crate::publish::run_folder::RUNS;

/// The files a comparison wrote.
#[derive(Debug, Clone)]
pub struct Written {
    pub html: PathBuf,
    pub xlsx: PathBuf,
    /// The folder of the charts.
    pub charts: PathBuf,
}

/// What the documents print besides the comparison.
pub struct Settings<'a> {
    /// The city's name (the pipeline's `city_name`).
    pub city: &'a str,
    /// When the documents are made, Asia/Shanghai, as printed.
    pub made_at: &'a str,
}

/// Writes the comparison's documents into `dest`, created if missing;
/// `output_dir` is the folder whose `runs/` must stay untouched.
pub fn write(
    dest: &Path,
    output_dir: &Path,
    c: &Comparison,
    settings: &Settings,
) -> Result<Written> {
    refuse_run_folders(dest, output_dir)?;
    std::fs::create_dir_all(dest)?;
    let base = format!("compare-{}", c.stem);
    let written = Written {
        html: dest.join(format!("{base}.html")),
        xlsx: dest.join(format!("{base}.xlsx")),
        charts: dest.join(&base),
    };
    let charts = charts::all(&c.curves)?;
    std::fs::create_dir_all(&written.charts)?;
    for chart in &charts {
        std::fs::write(
            written.charts.join(format!("{}.svg", chart.name)),
            &chart.svg,
        )?;
    }
    let title = format!("{}充分就业社区规则试算({}年度)", settings.city, c.year);
    let date = crate::contract::dates::parse_date(&c.as_of).ok_or_else(|| {
        Error::Internal(anyhow::anyhow!(
            "the run's manifest gives no cut-off date: {}",
            c.as_of
        ))
    })?;
    let mut wb = workbook::workbook(c, &title, date)?;
    let bytes = wb
        .save_to_buffer()
        .map_err(crate::publish::forms::cells::failed)?;
    std::fs::write(&written.xlsx, bytes)?;
    let html = page::render(&page::Page {
        comparison: c,
        charts: &charts,
        city: settings.city,
        made_at: settings.made_at,
        chart_folder: &base,
        workbook: &format!("{base}.xlsx"),
    })?;
    std::fs::write(&written.html, html)?;
    Ok(written)
}

/// `dest` must lie outside `<output_dir>/runs` and outside any run folder
/// of any output folder (`runs/<run_id>` holding a manifest).
pub fn refuse_run_folders(dest: &Path, output_dir: &Path) -> Result<()> {
    let resolved = resolved(dest);
    let runs = resolved_or_itself(&output_dir.join(RUNS));
    let in_run = resolved.ancestors().any(|a| {
        a.join(manifest::FILE).is_file()
            && a.parent().and_then(Path::file_name) == Some(std::ffi::OsStr::new(RUNS))
    });
    if resolved.starts_with(&runs) || in_run {
        return Err(Error::usage(format!(
            "--out {}: that is inside a published run; a comparison is written beside the runs \
             (default: the output folder {}), never into one",
            dest.display(),
            output_dir.display()
        )));
    }
    Ok(())
}

/// `path` with its nearest existing ancestor resolved (links followed),
/// the parts below it kept as written.
fn resolved(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut rest = Vec::new();
    let mut at = absolute.as_path();
    loop {
        if let Ok(real) = std::fs::canonicalize(at) {
            return rest.iter().rev().fold(real, |p, part| p.join(part));
        }
        match (at.parent(), at.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                at = parent;
            }
            _ => return absolute,
        }
    }
}

fn resolved_or_itself(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| resolved(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_inside_runs_or_a_run_is_refused_and_the_output_folder_is_not() {
        let out = tempfile::tempdir().unwrap();
        let run = out.path().join(RUNS).join("20220101T000000");
        std::fs::create_dir_all(&run).unwrap();
        std::fs::write(run.join(manifest::FILE), "{}").unwrap();
        std::os::unix::fs::symlink(&run, out.path().join("latest")).unwrap();
        assert!(refuse_run_folders(out.path(), out.path()).is_ok());
        assert!(refuse_run_folders(&out.path().join("what-if"), out.path()).is_ok());
        // Another output folder's run is a run too; a folder that merely
        // holds a file called manifest.json is not.
        let other = tempfile::tempdir().unwrap();
        let other_run = other.path().join(RUNS).join("20220102T000000");
        std::fs::create_dir_all(&other_run).unwrap();
        std::fs::write(other_run.join(manifest::FILE), "{}").unwrap();
        assert!(refuse_run_folders(&other_run.join("x"), out.path()).is_err());
        std::fs::write(other.path().join(manifest::FILE), "{}").unwrap();
        assert!(refuse_run_folders(&other.path().join("web"), out.path()).is_ok());
        for bad in [
            run.clone(),
            run.join("new"),
            out.path().join("latest"),
            out.path().join("latest/charts"),
            out.path().join(RUNS),
        ] {
            let e = refuse_run_folders(&bad, out.path()).unwrap_err();
            assert_eq!(e.exit_code(), 2, "{}", bad.display());
        }
    }
}
