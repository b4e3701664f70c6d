//! `fullemp`: parse the command line, set up logging, run one subcommand, and
//! turn its result into the exit code of the spec. Every failure ends here.

use std::process::ExitCode;

use clap::Parser;

mod cli;
mod logging;

fn main() -> ExitCode {
    // clap prints help and version with exit 0, and usage errors with exit 2.
    let args = cli::Cli::parse();
    logging::init(args.log_format, args.quiet);
    match cli::execute(args.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let code = e.exit_code();
            tracing::error!(exit_code = code, "{e}");
            ExitCode::from(code)
        }
    }
}
