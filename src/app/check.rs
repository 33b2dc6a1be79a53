//! `watchtrail check`: discover, check in parallel, print a line each and a summary,
//! write the requested reports.

use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

use anyhow::Result;

use super::use_color;
use crate::output::escape::terminal as safe;

/// `check`: discover every archive's experiments, check them in parallel, print one
/// line each and a summary, write the requested files. Exit 0 when all passed, 1 when
/// any failed, was inconclusive or could not be analysed; an unreadable or refused
/// archive is an error (exit 2).
pub(super) fn check(args: crate::cli::CheckArgs, ui: crate::cli::UiArgs) -> Result<ExitCode> {
    use anyhow::Context;
    let forced = args
        .expect
        .as_deref()
        .map(|s| crate::analysis::Scenario::parse(s).context("--expect: unknown scenario"))
        .transpose()?;
    let targets = Targets::open(&args)?;
    let (report, unreadable) = run_checks(&args, forced)?;
    print_lines(&report, &ui, targets.to_stdout)?;
    targets.write(&report)?;
    Ok(if unreadable {
        ExitCode::from(2)
    } else if report.all_passed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// `--json`, `--junit` and `--report`: each a file, checked and opened before the work
/// starts and written whole, or `-`, standard output (then the per-experiment lines go
/// to standard error).
struct Targets {
    json: (Option<crate::outfile::Output>, bool),
    junit: (Option<crate::outfile::Output>, bool),
    html: (Option<crate::outfile::Output>, bool),
    /// How many of them are `-`.
    to_stdout: usize,
}

impl Targets {
    fn open(args: &crate::cli::CheckArgs) -> Result<Targets> {
        let dash =
            |p: &Option<std::path::PathBuf>| p.as_deref().is_some_and(|p| p.as_os_str() == "-");
        let to_stdout = [&args.json, &args.junit, &args.report]
            .into_iter()
            .filter(|p| dash(p))
            .count();
        if to_stdout > 1 {
            anyhow::bail!("only one of --json, --junit and --report can be `-` (standard output)");
        }
        let file = |p: &Option<std::path::PathBuf>| p.clone().filter(|_| !dash(p));
        let [json, junit, html] = crate::outfile::Output::prepare(
            &args.archives,
            [
                ("--json", &file(&args.json)),
                ("--junit", &file(&args.junit)),
                ("--report", &file(&args.report)),
            ],
        )?;
        Ok(Targets {
            json: (json, dash(&args.json)),
            junit: (junit, dash(&args.junit)),
            html: (html, dash(&args.report)),
            to_stdout,
        })
    }

    fn write(self, report: &crate::check::Report) -> Result<()> {
        let (json, junit, html) = (self.json, self.junit, self.html);
        emit(json.0, json.1, |w| {
            w.write_all(&crate::output::json::to_vec_pretty(report)?)?;
            w.write_all(b"\n")
        })?;
        emit(junit.0, junit.1, |w| crate::output::junit::write(w, report))?;
        emit(html.0, html.1, |w| {
            crate::output::check_html::write(w, report)
        })
    }
}

/// Discovers the experiments of every archive (an unreadable one is named on
/// standard error) and checks them in parallel, with a progress bar on a terminal.
/// Returns the report and whether an archive could not be read.
fn run_checks(
    args: &crate::cli::CheckArgs,
    forced: Option<crate::analysis::Scenario>,
) -> Result<(crate::check::Report, bool)> {
    use crate::check::{self, Discovered, Limits, Report};
    use std::io::IsTerminal;
    let limits = Limits {
        max_total_bytes: args.max_total_bytes,
        max_entries: args.max_entries,
        max_entry_bytes: args.max_entry_bytes,
    };
    let mut found = Discovered::default();
    let failed = check::discover_all(&args.archives, &limits, &mut found);
    let unreadable = !failed.is_empty();
    let mut err = crate::outfile::stderr();
    for e in failed {
        writeln!(
            err,
            "watchtrail: {}",
            safe(&format!("{:#}", anyhow::Error::from(e)))
        )?;
    }
    let bar = if io::stderr().is_terminal() {
        indicatif::ProgressBar::new(found.experiments.len() as u64)
    } else {
        indicatif::ProgressBar::hidden()
    };
    let mut results = check::run_all(&found.experiments, forced, |_| bar.inc(1));
    bar.finish_and_clear();
    if args.require_expectations {
        check::require_expectations(&mut results);
    }
    let archives = args
        .archives
        .iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    Ok((Report::new(archives, results, found.problems), unreadable))
}

/// The problems, one line per experiment (`--quiet`: only what did not pass) and the
/// summary: on standard output, or standard error when a report goes there.
fn print_lines(
    report: &crate::check::Report,
    ui: &crate::cli::UiArgs,
    to_stdout: usize,
) -> Result<()> {
    use crate::check::Outcome;
    let mut out: Box<dyn Write> = if to_stdout > 0 {
        Box::new(crate::outfile::stderr())
    } else {
        Box::new(BufWriter::new(crate::outfile::stdout()))
    };
    let color = to_stdout == 0 && use_color(ui.color);
    for p in report.problems.iter().filter(|p| p.serious || !ui.quiet) {
        crate::output::check_text::write_problem(&mut out, p)?;
    }
    for r in &report.experiments {
        if ui.quiet && matches!(r.outcome, Outcome::Pass | Outcome::Analysed) {
            continue;
        }
        crate::output::check_text::write_line(&mut out, r, color)?;
    }
    if report.experiments.is_empty() {
        writeln!(
            out,
            "no experiments found (a directory holding transcript files, or a transcript file)"
        )?;
    }
    crate::output::check_text::write_summary(&mut out, report, ui.quiet)?;
    out.flush()?;
    Ok(())
}

/// Writes one of `check`'s reports: to its file (written whole), or to standard output
/// when it was given as `-`.
pub(super) fn emit(
    file: Option<crate::outfile::Output>,
    to_stdout: bool,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<()> {
    if let Some(mut w) = file {
        write(&mut w)?;
        w.commit()?;
    } else if to_stdout {
        let mut w = BufWriter::new(crate::outfile::stdout());
        write(&mut w)?;
        w.flush()?;
    }
    Ok(())
}
