//! The input of one experiment: PATH… as sources (a tar of one experiment too), the
//! pipeline's options from the flags, and the per-file account on standard error.

use std::io::{self, Write};

use anyhow::Result;

use super::quiet;
use crate::cli::InputArgs;
use crate::ingest::InputAccount;
use crate::input::{self, Ignored};
use crate::output::escape::terminal as safe;
use crate::Options;

/// The pipeline's options for the PATH… of one experiment and its `--no-link-…` flags.
pub(super) fn options(input: &InputArgs, l: &crate::cli::LinkArgs) -> Options {
    let links = crate::timeline::LinkOptions {
        same_object: !l.no_link_same_object,
        owner_first: !l.no_link_owner,
        replacement: !l.no_link_replacement,
        not_ready: !l.no_link_not_ready,
        node_back: !l.no_link_node_back,
        events: !l.no_link_events,
    };
    Options {
        links,
        ..Options::for_paths(&input.paths)
    }
}

/// Stages 1–3 for one experiment, with the account printed under `--verbose` (and a
/// source's error always). Fails when no input gave a single table row: there is
/// nothing to analyse, and a verdict would be invented.
pub(super) fn ingest_all(input: &InputArgs, options: &Options) -> Result<crate::ingest::Ingested> {
    let (sources, ignored) = resolve(input)?;
    let mut err = crate::outfile::stderr();
    print_ignored(&mut err, &ignored, input.verbose)?;
    let ing = crate::ingest(&sources, options)?;
    for acc in &ing.accounts {
        print_account(&mut err, acc, input.verbose)?;
    }
    if ing.accounts.iter().all(|a| a.rows == 0) {
        let read: Vec<String> = ing
            .accounts
            .iter()
            .filter(|a| a.error.is_none() || a.lines > 0)
            .map(|a| format!("{} ({} lines)", safe(&a.source), a.lines))
            .collect();
        if read.is_empty() {
            anyhow::bail!("nothing to analyse: no input could be read");
        }
        let hint = if input.verbose || ing.accounts.iter().all(|a| a.lines == 0) {
            ""
        } else {
            "; run with -v to see why each line was skipped"
        };
        anyhow::bail!(
            "nothing to analyse: no kubectl table rows found in {}{hint}",
            read.join(", ")
        );
    }
    Ok(ing)
}

/// Prints the per-file account on stderr (`--verbose`); a source's error always.
/// Names and texts come from the input, so control characters are neutralised.
pub(super) fn print_account(
    err: &mut dyn Write,
    acc: &InputAccount,
    verbose: bool,
) -> io::Result<()> {
    let source = safe(&acc.source);
    if verbose {
        writeln!(
            err,
            "{source}: {} lines: {} rows, {} headers, {} commands, {} time markers, {} blank, {} skipped",
            acc.lines,
            acc.rows,
            acc.headers,
            acc.commands,
            acc.time_markers,
            acc.blank,
            acc.skipped
        )?;
        for s in &acc.skipped_lines {
            writeln!(
                err,
                "{source}:{}: skipped: {}: {}",
                s.line,
                safe(&s.reason),
                safe(&s.text)
            )?;
        }
        if acc.skipped as usize > acc.skipped_lines.len() {
            writeln!(
                err,
                "{source}: ... {} more skipped lines",
                acc.skipped as usize - acc.skipped_lines.len()
            )?;
        }
        for n in &acc.notes {
            writeln!(err, "{source}:{}: note: {}", n.line, safe(&n.note))?;
        }
        if acc.noted as usize > acc.notes.len() {
            writeln!(
                err,
                "{source}: ... {} more notes",
                acc.noted as usize - acc.notes.len()
            )?;
        }
    }
    if let Some(e) = &acc.error {
        writeln!(err, "watchtrail: {source}: {}", safe(e))?;
    }
    Ok(())
}

/// Directory entries not read: listed under `--verbose`; a transcript-named entry that
/// is not a regular file always (it may be a transcript the user expected to be read).
pub(super) fn print_ignored(
    err: &mut dyn Write,
    ignored: &[Ignored],
    verbose: bool,
) -> io::Result<()> {
    for i in ignored.iter().filter(|i| verbose || (i.warn && !quiet())) {
        let lead = if verbose { "" } else { "watchtrail: warning: " };
        writeln!(err, "{lead}{}: ignored: {}", safe(&i.name), safe(&i.reason))?;
    }
    Ok(())
}

/// PATH… as sources. A tar archive (gzipped or not, whatever its name) that holds one
/// experiment gives that experiment's transcripts, read in memory as `check` reads them
/// (same limits, same refusals); one holding several is refused with a pointer to
/// `check`, which is for many experiments.
pub(super) fn resolve(input: &InputArgs) -> Result<(Vec<input::Source>, Vec<Ignored>)> {
    refuse_several_experiments(&input.paths)?;
    let (archives, paths): (Vec<_>, Vec<_>) =
        input.paths.iter().cloned().partition(|p| input::is_tar(p));
    let (mut sources, mut ignored) = if paths.is_empty() {
        (Vec::new(), Vec::new())
    } else {
        input::resolve(&paths)?
    };
    for archive in &archives {
        let mut found = crate::check::Discovered::default();
        crate::check::discover(archive, &crate::check::Limits::default(), &mut found)?;
        ignored.extend(found.problems.into_iter().map(|p| Ignored {
            name: p.path,
            reason: p.reason,
            warn: p.serious,
        }));
        match found.experiments.len() {
            1 => sources.extend(found.experiments.remove(0).sources),
            n => anyhow::bail!(
                "{}: a tar archive of {n} experiments; `analyze` reads one experiment, \
                 `watchtrail check` reads archives of many",
                safe(&archive.to_string_lossy())
            ),
        }
    }
    Ok((sources, ignored))
}

/// PATH… are one experiment: several directories that each hold transcript files are
/// several experiments, which are never merged into one verdict (DESIGN.md).
fn refuse_several_experiments(paths: &[std::path::PathBuf]) -> Result<()> {
    let holds_transcripts = |p: &std::path::PathBuf| {
        std::fs::read_dir(p).is_ok_and(|entries| {
            entries.flatten().any(|e| {
                e.file_type().is_ok_and(|t| t.is_file())
                    && input::is_transcript_name(&e.file_name().to_string_lossy())
            })
        })
    };
    let dirs: Vec<&std::path::PathBuf> = paths
        .iter()
        .filter(|p| p.is_dir() && holds_transcripts(p))
        .collect();
    if dirs.len() > 1 {
        anyhow::bail!(
            "{} directories that each hold transcripts are {} experiments ({}); `analyze` reads one experiment, `watchtrail check {}` checks each on its own",
            dirs.len(),
            dirs.len(),
            dirs.iter()
                .map(|d| safe(&d.to_string_lossy()).into_owned())
                .collect::<Vec<_>>()
                .join(", "),
            dirs.iter()
                .map(|d| safe(&d.to_string_lossy()).into_owned())
                .collect::<Vec<_>>()
                .join(" ")
        );
    }
    Ok(())
}

/// Stages 1–5 for the PATH… of one experiment (the steps of [`crate::analyze`], with
/// the account printed between them), also handing back what was read, so that a
/// command that ends the process next can leave it to the OS (see
/// [`super::exit_without_freeing`]). The rows themselves are freed by the timeline as it
/// turns them into states.
pub(super) fn analyze_keeping_rows(
    input: &InputArgs,
    links: &crate::cli::LinkArgs,
) -> Result<(crate::analysis::Analysis, crate::ingest::Ingested)> {
    let options = options(input, links);
    let mut ing = ingest_all(input, &options)?;
    let t = crate::timeline(&mut ing, &options);
    let a = crate::analyze_timelines(&ing, t, &options);
    Ok((a, ing))
}
