//! The `watchtrail` binary: parse arguments, run, map the result to an exit code.

use std::io::Write;
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
            // A closed stdout pipe is no error here (output to it is dropped, the run
            // goes on to its own exit code); anything that still fails is exit 2.
            // Paths in the message may come from a directory listing: never obey escapes.
            let _ = writeln!(
                watchtrail::outfile::stderr(),
                "watchtrail: {}",
                watchtrail::output::escape::terminal(&message(&e))
            );
            ExitCode::from(2)
        }
    }
}
