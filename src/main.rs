//! The `watchtrail` binary: parse arguments, run, map the result to an exit code.

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = watchtrail::cli::Cli::parse();
    match watchtrail::app::run(cli) {
        Ok(code) => code,
        Err(e) => {
            // A closed stdout pipe is no error here (output to it is dropped, the run
            // goes on to its own exit code); anything that still fails is exit 2.
            // Paths in the message may come from a directory listing: never obey escapes.
            let message = format!("{e:#}");
            let _ = writeln!(
                watchtrail::outfile::stderr(),
                "watchtrail: {}",
                watchtrail::output::terminal::safe(&message)
            );
            ExitCode::from(2)
        }
    }
}
