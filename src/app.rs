//! One function per subcommand: read input, run the stages, pick the renderer,
//! write. The only module (with `main`) that touches stdout, files and exit codes.
//!
//! [`run`] dispatches; the commands on the PATH… of one experiment are in
//! `experiment`, reading and accounting their input in `input`; `check` and
//! `simulate` have a file each.

use std::io;
use std::process::ExitCode;

use anyhow::Result;

use crate::cli::{Cli, Command};
use crate::ingest::InputAccount;

mod check;
mod experiment;
mod input;
mod simulate;

use check::check;
use experiment::{analyze, parse, render, report, timeline};
use simulate::simulate;

/// `--quiet`: no warnings or notes on standard error (errors are still printed).
static QUIET: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

fn quiet() -> bool {
    QUIET.load(std::sync::atomic::Ordering::Relaxed)
}

/// Runs one command of the CLI: `Ok` with its exit code (0 done, 1 `check` found a
/// failure, 2 an input could not be read), `Err` for a usage or input error that
/// stopped it (exit 2).
pub fn run(cli: Cli) -> Result<ExitCode> {
    let ui = cli.ui;
    QUIET.store(ui.quiet, std::sync::atomic::Ordering::Relaxed);
    match cli.command {
        Command::Analyze(args) => analyze(args, ui),
        Command::Parse(args) => parse(args),
        Command::Timeline(args) => timeline(args),
        Command::Render(args) => render(args),
        Command::Report(args) => report(args),
        Command::Check(args) => check(args, ui),
        Command::Simulate(args) => simulate(args, ui),
        Command::Completions(args) => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(args.shell, &mut cmd, "watchtrail", &mut io::stdout());
            Ok(ExitCode::SUCCESS)
        }
        Command::Man => {
            let cmd = <Cli as clap::CommandFactory>::command();
            clap_mangen::Man::new(cmd).render(&mut io::stdout().lock())?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Whether to colour standard output: `--color`, else a terminal without `NO_COLOR`.
fn use_color(choice: crate::cli::ColorChoice) -> bool {
    use std::io::IsTerminal;
    match choice {
        crate::cli::ColorChoice::Always => true,
        crate::cli::ColorChoice::Never => false,
        crate::cli::ColorChoice::Auto => {
            io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    }
}

/// The terminal's width for cutting long lines: `COLUMNS`, else the terminal's own;
/// none when standard output is not a terminal (a file gets whole lines).
fn terminal_width() -> Option<usize> {
    if let Some(c) = std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok()) {
        return Some(c);
    }
    console::Term::stdout()
        .size_checked()
        .map(|(_, cols)| usize::from(cols))
}

/// Exit code 2 when an input could not be read (wholly or to its end): the result was
/// still written from the others, as `grep` does with an unreadable file.
fn input_status(accounts: &[InputAccount]) -> ExitCode {
    if accounts.iter().any(|a| a.error.is_some()) {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    }
}

/// Leaves an analysis' memory to the OS: the command returns and the process ends right
/// after, and freeing millions of rows and states one allocation at a time costs more
/// than that (a tenth of `analyze` on a long capture). Only for the command functions.
fn exit_without_freeing<T>(value: T) {
    std::mem::forget(value);
}
