//! The `watchtrail` binary: parse arguments, run, map the result to an exit code.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = watchtrail::cli::Cli::parse();
    match watchtrail::app::run(cli) {
        Ok(code) => code,
        Err(e) => {
            // A closed pipe (`watchtrail parse x | head`) is not an error.
            if e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) {
                return ExitCode::SUCCESS;
            }
            // Paths in the message may come from a directory listing: never obey escapes.
            let message = format!("{e:#}");
            eprintln!(
                "watchtrail: {}",
                watchtrail::output::escape::terminal(&message)
            );
            ExitCode::from(2)
        }
    }
}
