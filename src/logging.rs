//! Logs go to stderr through `tracing`, as text for people or JSON lines for
//! log collectors. `--quiet` keeps warnings and errors only; `RUST_LOG`
//! overrides both.

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Human,
    Json,
}

pub fn init(format: LogFormat, quiet: bool) {
    let default = if quiet { "warn" } else { "info" };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        // Colour only for people at a terminal, never in cron's mail.
        .with_ansi(std::io::stderr().is_terminal());
    match format {
        LogFormat::Human => builder.without_time().init(),
        LogFormat::Json => builder.json().flatten_event(true).init(),
    }
}
