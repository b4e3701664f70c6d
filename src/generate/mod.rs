//! Synthetic extracts in the data contract, with falsification injected and
//! its ground truth (the generator issue; docs/generator.md).
//!
//! The extract is built community by community: each community's rows are a
//! pure function of the arguments and its index (its own random stream), are
//! written to the nine table writers as soon as they exist, and are dropped.
//! Memory therefore holds one community at a time plus the skeleton of
//! codes and names, whatever the number of persons.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDateTime;

pub mod calendar;
pub mod claims;
pub mod confounders;
pub mod disqualified;
pub mod drift;
pub mod gaps;
pub mod geography;
pub mod histories;
pub mod ids;
pub mod model;
pub mod names;
pub mod patterns;
pub mod persons;
pub mod registry;
pub mod rng;
pub mod sample;
pub mod writers;

use calendar::Calendar;
use confounders::Confounder;
use geography::{Geography, Profile};
use histories::{Builder, Knobs};
use model::{Batch, Row, Value};
use patterns::{Assignment, Pattern};
use rng::{Rng, Stream};
use writers::{FileFormat, Headers, Layout, TableWriter, TextEncoding};

use crate::contract::tables::{self, Table, TableSpec};
use crate::error::{Error, Result};

/// What to generate. `Options::new` holds the command line's defaults.
#[derive(Debug, Clone)]
pub struct Options {
    pub out: PathBuf,
    pub communities: usize,
    pub persons_per_community: usize,
    pub seed: u64,
    /// The review year Y: the latest year of the histories.
    pub year: i32,
    /// The first review year of a range (`--years`): the histories cover
    /// every year from it to `year`. None: `year` and the year before it.
    pub first_year: Option<i32>,
    pub fraud_share: f64,
    /// Share of the clean communities given an honest confounder (0: none,
    /// and no `confounders.csv`).
    pub confounder_share: f64,
    pub format: FileFormat,
    pub headers: Headers,
    pub encoding: TextEncoding,
    /// The bundled sample: mixed formats, headers, encodings and spellings,
    /// planted bad rows, and a README describing them.
    pub sample: bool,
}

pub const DEFAULT_COMMUNITIES: usize = 30;
pub const DEFAULT_PERSONS: usize = 100;
pub const DEFAULT_SEED: u64 = 1;
pub const DEFAULT_YEAR: i32 = 2021;
pub const DEFAULT_FRAUD_SHARE: f64 = 0.2;

impl Options {
    pub fn new(out: impl Into<PathBuf>) -> Options {
        Options {
            out: out.into(),
            communities: DEFAULT_COMMUNITIES,
            persons_per_community: DEFAULT_PERSONS,
            seed: DEFAULT_SEED,
            year: DEFAULT_YEAR,
            first_year: None,
            fraud_share: DEFAULT_FRAUD_SHARE,
            confounder_share: 0.0,
            format: FileFormat::Csv,
            headers: Headers::Canonical,
            encoding: TextEncoding::Utf8,
            sample: false,
        }
    }

    fn check(&self) -> Result<()> {
        if self.communities == 0 {
            return Err(Error::usage("--communities must be at least 1"));
        }
        if self.persons_per_community < 4 {
            return Err(Error::usage("--persons-per-community must be at least 4"));
        }
        if !(0.0..=1.0).contains(&self.fraud_share) {
            return Err(Error::usage(format!(
                "--fraud-share {} is not a fraction between 0 and 1",
                self.fraud_share
            )));
        }
        if !(0.0..=1.0).contains(&self.confounder_share) {
            return Err(Error::usage(format!(
                "--confounders {} is not a fraction between 0 and 1",
                self.confounder_share
            )));
        }
        if !(2001..=2199).contains(&self.year) {
            return Err(Error::usage(format!(
                "--year {} is not a plausible review year (2001–2199)",
                self.year
            )));
        }
        if let Some(first) = self.first_year
            && !(self.year - MAX_YEARS as i32 + 1..self.year).contains(&first)
        {
            return Err(Error::usage(format!(
                "--years {first}-{}: a range of two to {MAX_YEARS} review years, the earlier first",
                self.year
            )));
        }
        Ok(())
    }

    /// The calendar of the histories.
    pub fn calendar(&self) -> Calendar {
        Calendar::range(self.first_year.unwrap_or(self.year - 1), self.year)
    }
}

/// The most review years one extract's histories cover.
pub const MAX_YEARS: usize = 10;

/// One line of `ground_truth.csv`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Truth {
    /// Empty for a county-level pattern.
    pub community_code: String,
    pub pattern: &'static str,
    pub county: String,
    /// The review year the pattern acts in (the latest of the histories).
    pub year: i32,
}

/// One line of `confounders.csv`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ConfounderLine {
    pub community_code: String,
    pub confounder: &'static str,
    /// The review year the practice shows in (the latest of the histories).
    pub year: i32,
}

/// What a run wrote.
#[derive(Debug, Clone)]
pub struct Summary {
    pub files: Vec<PathBuf>,
    pub rows: BTreeMap<&'static str, u64>,
    pub truth: Vec<Truth>,
    pub confounders: Vec<ConfounderLine>,
    pub persons: u64,
    /// The extract's own date: its latest `recorded_at`.
    pub latest_recorded_at: Option<NaiveDateTime>,
    pub planted: Vec<sample::Planted>,
    /// The sample's county conclusions (`reinspections`).
    pub inspected: Vec<sample::Inspected>,
}

/// Everything a community's rows depend on besides its index.
pub struct Context {
    pub options: Options,
    pub cal: Calendar,
    pub geo: Geography,
    pub assignment: Assignment,
    /// The honest confounder of each community, by index.
    pub confounders: Vec<Option<Confounder>>,
    /// The community that loses its qualification in a range of review
    /// years (`disqualified`), by index.
    pub disqualified: Option<usize>,
}

impl Context {
    pub fn new(options: &Options) -> Result<Context> {
        options.check()?;
        let geo = geography::build(
            options.communities,
            options.persons_per_community,
            options.seed,
        )?;
        let assignment = patterns::assign(&geo, options.fraud_share, options.seed);
        let confounders =
            confounders::assign(&geo, &assignment, options.confounder_share, options.seed);
        let cal = options.calendar();
        let disqualified = disqualified::choose(&geo, &assignment, &confounders, &cal);
        Ok(Context {
            options: options.clone(),
            cal,
            geo,
            assignment,
            confounders,
            disqualified,
        })
    }

    /// The knobs of community `i`, from its own stream so that a neighbour
    /// can rebuild them exactly.
    fn knobs(&self, i: usize) -> Knobs {
        let site = &self.geo.sites[i];
        let mut rng = Rng::new(self.options.seed, i as u64, Stream::Knobs);
        let mut knobs = Knobs::for_profile(site.profile, &mut rng);
        // Registrations a year without a falsification pattern.
        let own_share = knobs.unemployed_share;
        if let Some(p) = self.assignment.community[i] {
            p.prepare(&mut knobs, &mut rng);
        }
        if let Some(c) = self.confounders[i] {
            let mut rng = Rng::new(self.options.seed, i as u64, Stream::Confounder);
            c.prepare(&mut knobs, &mut rng);
        }
        if self.assignment.bunched_counties.contains(&site.county) {
            knobs.avoid_below_threshold = true;
            if self.assignment.is_honest(i) {
                patterns::threshold_bunching::prepare(&mut knobs, site.profile);
            }
        }
        if self.cal.span() > 2 {
            let mut rng = Rng::new(self.options.seed, i as u64, Stream::Drift);
            let share = if self.assignment.is_honest(i) {
                knobs.unemployed_share
            } else {
                own_share
            };
            drift::earlier_years(&mut knobs, self.cal.span() - 2, share, &mut rng);
            if self.disqualified == Some(i) {
                disqualified::fall(&mut knobs, &mut rng);
            }
        }
        knobs
    }

    /// The province's approvals: the disqualified community's, if any.
    pub fn approvals(&self) -> Vec<model::Approval> {
        self.disqualified
            .map(|i| {
                let mut rng = Rng::new(self.options.seed, !(i as u64), Stream::Drift);
                disqualified::approval(&self.geo.sites[i].code, &self.cal, &mut rng)
            })
            .into_iter()
            .collect()
    }

    fn moved_from(&self, i: usize) -> Option<(usize, &str)> {
        self.geo
            .neighbour(i, |_| false)
            .map(|n| (n, self.geo.sites[n].code.as_str()))
    }

    /// Community `i` as the honest generator draws it, before any pattern.
    pub fn honest(&self, i: usize) -> Builder<'_> {
        let site = &self.geo.sites[i];
        let county = &self.geo.counties[site.county];
        Builder::new(&self.cal, site, county, self.options.seed)
            .build(&self.knobs(i), self.moved_from(i))
    }

    /// Community `i`'s rows, patterns injected and applications filed.
    pub fn community(&self, i: usize) -> Batch {
        let mut b = self.honest(i);
        let pattern = self.assignment.community[i];
        let mut rng = Rng::new(self.options.seed, i as u64, Stream::Pattern);
        match pattern {
            Some(Pattern::CutoffWindowDressing) => {
                patterns::cutoff_window_dressing::inject(&mut b, &mut rng)
            }
            Some(Pattern::InvalidIdentity) => patterns::invalid_identity::inject(&mut b, &mut rng),
            Some(Pattern::EmployerConcentration) => {
                patterns::employer_concentration::inject(&mut b, &mut rng)
            }
            Some(Pattern::BulkBackfill) => patterns::bulk_backfill::inject(&mut b, &mut rng),
            Some(Pattern::ReemploymentWithoutRecord) => {
                patterns::reemployment_without_record::inject(&mut b, &mut rng)
            }
            Some(Pattern::DuplicatePerson) => {
                let victim = self.geo.neighbour(i, |n| {
                    !self.assignment.is_honest(n) || self.geo.sites[n].profile == Profile::Tiny
                });
                if let Some(v) = victim {
                    let theirs = self.honest(v);
                    // Every other copier, in community order, dates its claim first.
                    let earlier = self.assignment.community[..i]
                        .iter()
                        .filter(|&&p| p == Some(Pattern::DuplicatePerson))
                        .count();
                    patterns::duplicate_person::inject(
                        &mut b,
                        &theirs.members,
                        &theirs.batch,
                        earlier % 2 == 1,
                        &mut rng,
                    );
                }
            }
            Some(Pattern::ShortJobs) => patterns::short_jobs::inject(&mut b, &mut rng),
            Some(Pattern::BriefRegistrations) => {
                patterns::brief_registrations::inject(&mut b, &mut rng)
            }
            Some(Pattern::RevokedDesignations) => {
                patterns::revoked_designations::inject(&mut b, &mut rng)
            }
            Some(Pattern::HardshipCover) => patterns::hardship_cover::inject(&mut b, &mut rng),
            Some(Pattern::ServiceBurst) => patterns::service_burst::inject(&mut b, &mut rng),
            Some(Pattern::ThinClearance) => patterns::thin_clearance::inject(&mut b, &mut rng),
            Some(Pattern::ClosedBeforeCutoff) => {
                patterns::closed_before_cutoff::inject(&mut b, &mut rng)
            }
            Some(Pattern::PaddedNewJobs) => patterns::padded_new_jobs::inject(&mut b, &mut rng),
            _ => {}
        }
        if let Some(c) = self.confounders[i] {
            // A stream of its own, apart from the one `knobs` used.
            let mut rng = Rng::new(self.options.seed, !(i as u64), Stream::Confounder);
            c.inject(&mut b, &mut rng);
        }
        let county = self.geo.sites[i].county;
        let heaped = self.assignment.heaped_counties.contains(&county);
        let filing = claims::Filing {
            always: heaped,
            heaped,
            inflated: pattern == Some(Pattern::ClaimedVsRegistry),
        };
        let mut claims_rng = Rng::new(self.options.seed, i as u64, Stream::Claims);
        let code = self.geo.sites[i].code.clone();
        claims::file(&mut b.batch, &code, &self.cal, filing, &mut claims_rng);
        let mut gaps_rng = Rng::new(self.options.seed, i as u64, Stream::Gaps);
        let gaps = if self.options.sample {
            sample::gaps(i)
        } else {
            gaps::draw(&b.batch, self.assignment.is_honest(i), &mut gaps_rng)
        };
        for gap in gaps {
            gaps::open(&mut b.batch, gap, self.cal.year, &mut gaps_rng);
        }
        b.batch
    }

    pub fn truth(&self) -> Vec<Truth> {
        let mut out = vec![];
        for (i, p) in self.assignment.community.iter().enumerate() {
            if let Some(p) = p {
                let site = &self.geo.sites[i];
                out.push(Truth {
                    community_code: site.code.clone(),
                    pattern: p.id(),
                    county: self.geo.counties[site.county].name.clone(),
                    year: self.cal.year,
                });
            }
        }
        for (set, p) in [
            (
                &self.assignment.bunched_counties,
                Pattern::ThresholdBunching,
            ),
            (&self.assignment.heaped_counties, Pattern::DigitHeaping),
        ] {
            for &c in set {
                out.push(Truth {
                    community_code: String::new(),
                    pattern: p.id(),
                    county: self.geo.counties[c].name.clone(),
                    year: self.cal.year,
                });
            }
        }
        out
    }
}

impl Context {
    /// The lines of `confounders.csv`: each confounded community, and for a
    /// stale stay also the community the movers came from (whose clerk left
    /// the stay open), in community order.
    pub fn confounder_lines(&self) -> Vec<ConfounderLine> {
        let mut out = vec![];
        for (i, c) in self.confounders.iter().enumerate() {
            let Some(c) = c else { continue };
            out.push(ConfounderLine {
                community_code: self.geo.sites[i].code.clone(),
                confounder: c.id(),
                year: self.cal.year,
            });
            if *c == Confounder::StaleStay
                && let Some((_, origin)) = self.moved_from(i)
            {
                out.push(ConfounderLine {
                    community_code: origin.to_string(),
                    confounder: confounders::STALE_STAY_ORIGIN,
                    year: self.cal.year,
                });
            }
        }
        out.sort();
        out
    }
}

/// The nine writers of one extract.
struct Writers {
    tables: Vec<TableWriter>,
}

impl Writers {
    fn writer(&mut self, table: Table) -> &mut TableWriter {
        let k = tables::REGISTRY
            .iter()
            .position(|s| s.table == table)
            .expect("every table");
        &mut self.tables[k]
    }

    fn rows<R: Row>(&mut self, rows: &[R]) -> Result<()> {
        let w = self.writer(R::SPEC.table);
        for r in rows {
            w.write(&r.cells())?;
        }
        Ok(())
    }

    fn batch(&mut self, b: &Batch) -> Result<()> {
        self.rows(&b.communities)?;
        self.rows(&b.persons)?;
        self.rows(&b.unemployment)?;
        self.rows(&b.employment)?;
        self.rows(&b.hardship)?;
        self.rows(&b.zero_households)?;
        self.rows(&b.services)?;
        self.rows(&b.platform)?;
        self.rows(&b.applications)
    }

    /// Every registry table's file finished: the files written, and the
    /// rows of each table.
    fn finish(self) -> Result<(Vec<PathBuf>, BTreeMap<&'static str, u64>)> {
        let mut files = vec![];
        let mut rows = BTreeMap::new();
        for w in self.tables {
            files.push(w.path().to_path_buf());
            let name = w
                .path()
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or_default()
                .to_string();
            let n = w.finish()?;
            let table = tables::REGISTRY
                .iter()
                .find(|s| s.name == name)
                .expect("a table")
                .name;
            rows.insert(table, n);
        }
        Ok((files, rows))
    }
}

/// Rows of the largest table (employment) per person, with room to spare:
/// used to refuse an XLSX extract before writing anything.
const EMPLOYMENT_ROWS_PER_PERSON: f64 = 1.6;

pub fn generate(options: &Options) -> Result<Summary> {
    let ctx = Context::new(options)?;
    let persons: u64 = ctx.geo.sites.iter().map(|s| s.persons as u64).sum();
    let layout_of = |spec: &'static TableSpec| {
        if options.sample {
            sample::layout(spec.table)
        } else {
            Layout::plain(options.format, options.headers, options.encoding)
        }
    };
    if !options.sample && options.format == FileFormat::Xlsx {
        xlsx_fits(persons)?;
    }
    std::fs::create_dir_all(&options.out)
        .map_err(|e| Error::usage(format!("--out {}: {e}", options.out.display())))?;
    remove_other_formats(&options.out, &layout_of)?;

    let mut writers = Writers {
        tables: tables::REGISTRY
            .iter()
            .map(|spec| TableWriter::create(&options.out, spec, layout_of(spec), ctx.cal.extract))
            .collect::<Result<_>>()?,
    };
    let written = write_communities(&ctx, options, &mut writers)?;
    let (mut files, mut rows) = writers.finish()?;
    let truth = ctx.truth();
    let truth_path = options.out.join("ground_truth.csv");
    write_truth(&truth_path, &truth)?;
    files.push(truth_path);
    let mut records: Vec<(&'static TableSpec, Vec<Vec<Value>>)> = vec![];
    let mut inspected = vec![];
    if options.sample {
        // The panel's records: a review in progress (sample::review_records).
        let review = sample::review_records(&written.story, &truth, options.year);
        records.extend([
            (&tables::DECISIONS, review.decisions),
            (&tables::VERIFICATIONS, review.verifications),
            (&tables::OBJECTIONS, review.objections),
        ]);
        // The counties' own re-inspection conclusions.
        let roster = sample::Roster {
            rows: &written.roster,
            ctx: &ctx,
        };
        inspected = sample::county_conclusions(&roster);
        records.push((
            &tables::REINSPECTIONS,
            sample::reinspection_rows(&inspected, &roster),
        ));
    }
    // The province's answers, when a community loses its qualification.
    let approvals: Vec<Vec<Value>> = ctx.approvals().iter().map(Row::cells).collect();
    if approvals.is_empty() {
        remove_table(&options.out, &tables::APPROVALS)?;
    } else {
        records.push((&tables::APPROVALS, approvals));
    }
    for (spec, cells) in records {
        let layout = if options.sample {
            sample::record_layout(spec.table)
        } else {
            layout_of(spec)
        };
        remove_table(&options.out, spec)?;
        let mut w = TableWriter::create(&options.out, spec, layout, ctx.cal.extract)?;
        for r in &cells {
            w.write(r)?;
        }
        files.push(w.path().to_path_buf());
        rows.insert(spec.name, w.finish()?);
    }
    let confounders = ctx.confounder_lines();
    if options.confounder_share > 0.0 {
        let path = options.out.join("confounders.csv");
        write_confounders(&path, &confounders)?;
        files.push(path);
    }
    let summary = Summary {
        files,
        rows,
        truth,
        confounders,
        persons,
        latest_recorded_at: written.latest,
        planted: written.planted,
        inspected,
    };
    if options.sample {
        let readme = options.out.join("README.md");
        std::fs::write(&readme, sample::readme(options, &ctx, &summary))?;
    }
    Ok(summary)
}

/// An XLSX extract is refused before anything is written when its largest
/// table would not fit in a sheet.
fn xlsx_fits(persons: u64) -> Result<()> {
    let estimate = persons as f64 * EMPLOYMENT_ROWS_PER_PERSON;
    if estimate > writers::XLSX_MAX_ROWS as f64 {
        return Err(Error::usage(format!(
            "{persons} persons make about {estimate:.0} employment rows, more than the {} rows an XLSX sheet \
             holds; use --format csv or parquet, or fewer communities or persons",
            writers::XLSX_MAX_ROWS
        )));
    }
    Ok(())
}

/// What writing the communities' rows gathered for the summary and the
/// sample's records.
struct Written {
    /// The latest `recorded_at` of any job.
    latest: Option<NaiveDateTime>,
    /// The sample's bad rows, where each was written.
    planted: Vec<sample::Planted>,
    /// The sample's applications of the review year, for its records.
    story: Vec<sample::StoryApplication>,
    /// The sample's roster rows, in community order.
    roster: Vec<model::Community>,
}

/// Every community's rows generated and written, one community at a time;
/// for the sample, its bad rows planted after the community's own.
fn write_communities(ctx: &Context, options: &Options, writers: &mut Writers) -> Result<Written> {
    let mut written = Written {
        latest: None,
        planted: vec![],
        story: vec![],
        roster: vec![],
    };
    for i in 0..ctx.geo.sites.len() {
        let batch = ctx.community(i);
        if options.sample {
            written.roster.extend(batch.communities.first().cloned());
            for a in batch.applications.iter().filter(|a| a.year == options.year) {
                if let Some(c) = batch.communities.iter().find(|c| c.code == a.community) {
                    written.story.push(sample::StoryApplication {
                        application: a.clone(),
                        street: c.street.clone(),
                        county: c.county.clone(),
                    });
                }
            }
        }
        if let Some(t) = batch.employment.iter().filter_map(|j| j.recorded_at).max() {
            written.latest = written.latest.max(Some(t));
        }
        writers.batch(&batch)?;
        if options.sample {
            for bad in sample::bad_rows(i, &batch) {
                let line = writers.writer(bad.table).write(&bad.cells)?;
                written.planted.push(sample::Planted {
                    table: bad.table,
                    line,
                    reason: bad.reason,
                    column: bad.column,
                });
            }
        }
        if i % 1000 == 999 {
            tracing::debug!(communities = i + 1, "generated");
        }
    }
    Ok(written)
}

/// A table written in another format by an earlier run would leave two files
/// with one stem, which ingest cannot choose between; they are removed.
fn remove_other_formats(
    dir: &Path,
    layout_of: &dyn Fn(&'static TableSpec) -> Layout,
) -> Result<()> {
    for spec in tables::REGISTRY {
        let keep = layout_of(spec).format.extension();
        for ext in ["csv", "parquet", "xlsx"] {
            let p = dir.join(format!("{}.{ext}", spec.name));
            if ext != keep && p.exists() {
                std::fs::remove_file(&p)?;
            }
        }
    }
    Ok(())
}

/// A table of the panel's records removed in every format, so that a file an
/// earlier run wrote neither stands beside the new one nor outlives it.
fn remove_table(dir: &Path, spec: &TableSpec) -> Result<()> {
    for ext in ["csv", "parquet", "xlsx"] {
        let p = dir.join(format!("{}.{ext}", spec.name));
        if p.exists() {
            std::fs::remove_file(&p)?;
        }
    }
    Ok(())
}

fn write_truth(path: &Path, truth: &[Truth]) -> Result<()> {
    let mut text = String::from("community_code,pattern,county,year\n");
    for t in truth {
        text.push_str(&format!(
            "{},{},{},{}\n",
            t.community_code, t.pattern, t.county, t.year
        ));
    }
    std::fs::write(path, text)
        .map_err(|e| Error::Internal(anyhow::anyhow!("{}: {e}", path.display())))
}

fn write_confounders(path: &Path, lines: &[ConfounderLine]) -> Result<()> {
    let mut text = String::from("community_code,confounder,year\n");
    for l in lines {
        text.push_str(&format!(
            "{},{},{}\n",
            l.community_code, l.confounder, l.year
        ));
    }
    std::fs::write(path, text)
        .map_err(|e| Error::Internal(anyhow::anyhow!("{}: {e}", path.display())))
}
