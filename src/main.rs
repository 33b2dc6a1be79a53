//! The `watchtrail` binary: parse arguments, run, map the result to an exit code.

use std::process::ExitCode;

use clap::Parser;

/// The error and its causes on one line, each said once: a cause whose text the line
/// already holds (an error that prints its source itself) is not repeated.
fn message(e: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in e.chain() {
        let text = cause.to_string();
        if line.contains(&text) {
            continue;
        }
        if !line.is_empty() {
            line.push_str(": ");
        }
        line.push_str(&text);
    }
    line
}

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
            eprintln!(
                "watchtrail: {}",
                watchtrail::output::escape::terminal(&message(&e))
            );
            ExitCode::from(2)
        }
    }
}
