//! One writer on stderr for log lines and the progress display. Logs are text
//! for people or JSON lines for log collectors; the stage spinners of
//! `run` (one per stage span marked `indicatif.pb_show`) appear only on a
//! terminal, and log lines are printed above them, never through them.
//! `--quiet` drops both the spinners and the information lines: warnings and
//! errors still reach stderr (cron mails them). `RUST_LOG` overrides the level.
//! stdout carries results only.

use std::io::IsTerminal;

use tracing_indicatif::IndicatifLayer;
use tracing_indicatif::filter::IndicatifFilter;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{Layer, fmt};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Human,
    Json,
}

pub fn init(format: LogFormat, quiet: bool) {
    let default = if quiet { "warn" } else { "info" };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    let terminal = std::io::stderr().is_terminal();
    // Progress only for a person watching: a terminal, human logs, not quiet.
    let progress = (terminal && !quiet && format == LogFormat::Human).then(|| {
        IndicatifLayer::new().with_progress_style(
            tracing_indicatif::style::ProgressStyle::with_template(
                "{spinner} {span_name} {elapsed}",
            )
            .expect("a valid progress template"),
        )
    });
    let lines = match (&progress, format) {
        (Some(p), _) => fmt::layer()
            .with_writer(p.get_stderr_writer())
            .with_target(false)
            .with_ansi(terminal)
            .without_time()
            .boxed(),
        (None, LogFormat::Human) => fmt::layer()
            .with_writer(std::io::stderr)
            .with_target(false)
            // Colour only for people at a terminal, never in cron's mail.
            .with_ansi(terminal)
            .without_time()
            .boxed(),
        (None, LogFormat::Json) => fmt::layer()
            .with_writer(std::io::stderr)
            .with_target(false)
            .json()
            .flatten_event(true)
            .boxed(),
    };
    let registry = tracing_subscriber::registry().with(filter).with(lines);
    match progress {
        Some(p) => registry
            .with(p.with_filter(IndicatifFilter::new(false)))
            .init(),
        None => registry.init(),
    }
}
