//! One function per subcommand: read input, run the stages, pick the renderer,
//! write. The only module (with `main`) that touches stdout, files and exit codes.

use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

use anyhow::Result;

use crate::cli::{Cli, Command, InputArgs, ParseArgs, ParseFormat};
use crate::ingest::{ingest_source, InputAccount};
use crate::input::{self, Ignored};
use crate::observe::Observer;
use crate::outfile::Target;
use crate::output::escape::terminal as safe;
use crate::output::{self, Render};
use crate::tables::Tabler;
use crate::Options;

/// `--quiet`: no warnings or notes on standard error (errors are still printed).
static QUIET: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

fn quiet() -> bool {
    QUIET.load(std::sync::atomic::Ordering::Relaxed)
}

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

/// The pipeline's options for the PATH… of one experiment and its `--no-link-…` flags.
fn options(input: &InputArgs, l: &crate::cli::LinkArgs) -> Options {
    let links = crate::timeline::LinkOptions {
        same_object: !l.no_link_same_object,
        owner_first: !l.no_link_owner,
        replacement: !l.no_link_replacement,
        not_ready: !l.no_link_not_ready,
        node_back: !l.no_link_node_back,
    };
    Options {
        links,
        ..Options::for_paths(&input.paths)
    }
}

/// Stages 1–3 for one experiment, with the account printed under `--verbose` (and a
/// source's error always). Fails when no input gave a single table row: there is
/// nothing to analyse, and a verdict would be invented.
fn ingest_all(input: &InputArgs, options: &Options) -> Result<crate::ingest::Ingested> {
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

/// Exit code 2 when an input could not be read (wholly or to its end): the result was
/// still written from the others, as `grep` does with an unreadable file.
fn input_status(accounts: &[InputAccount]) -> ExitCode {
    if accounts.iter().any(|a| a.error.is_some()) {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    }
}

fn timeline(args: crate::cli::TimelineArgs) -> Result<ExitCode> {
    let options = options(&args.input, &args.links);
    let ing = ingest_all(&args.input, &options)?;
    let t = crate::timeline(&ing, &options);
    let mut out = BufWriter::new(crate::outfile::stdout());
    match args.format {
        crate::cli::TimelineFormat::Text => crate::output::timeline_text::write(&mut out, &t)?,
        crate::cli::TimelineFormat::Json => {
            // Written as it is made (a long capture's timelines are gigabytes as a
            // JSON tree); the keys in the order they always had (sorted).
            #[derive(serde::Serialize)]
            struct Doc<'a> {
                injections: &'a [crate::timeline::Injection],
                inputs: &'a [crate::ingest::InputAccount],
                links: &'a [crate::timeline::LinkReport],
                objects: &'a [crate::timeline::ObjectTimeline],
                origin: &'a crate::timeline::Origin,
                schema: &'static str,
                warnings: &'a [String],
            }
            let doc = Doc {
                injections: &t.injections,
                inputs: &ing.accounts,
                links: &t.links,
                objects: &t.objects,
                origin: &t.origin,
                schema: "watchtrail/timeline/v1",
                warnings: &t.warnings,
            };
            crate::output::json::write_pretty(&mut out, &doc)?;
            out.write_all(b"\n")?;
        }
    }
    out.flush()?;
    Ok(input_status(&ing.accounts))
}

/// Prints the per-file account on stderr (`--verbose`); a source's error always.
/// Names and texts come from the input, so control characters are neutralised.
fn print_account(err: &mut dyn Write, acc: &InputAccount, verbose: bool) -> io::Result<()> {
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
fn print_ignored(err: &mut dyn Write, ignored: &[Ignored], verbose: bool) -> io::Result<()> {
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
fn resolve(input: &InputArgs) -> Result<(Vec<input::Source>, Vec<Ignored>)> {
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

fn parse(args: ParseArgs) -> Result<ExitCode> {
    let (sources, ignored) = resolve(&args.input)?;
    let mut out = BufWriter::new(crate::outfile::stdout());
    let mut err = crate::outfile::stderr();
    print_ignored(&mut err, &ignored, args.input.verbose)?;
    let mut tabler = Tabler::new(0);
    let mut observer = Observer::new();
    let mut markers = Vec::new();
    let mut skipped = 0;
    let mut unreadable = false;
    let mut table_rows: Vec<crate::observe::Observation> = Vec::new();
    for source in &sources {
        tabler = Tabler::new(tabler.next_stream_id());
        // A write error stops the run with that error.
        let sink = |o| -> Result<()> {
            match args.format {
                ParseFormat::Jsonl => write_observation(&mut out, &o)?,
                ParseFormat::Table => table_rows.push(o),
            }
            Ok(())
        };
        let acc = ingest_source(source, &mut tabler, &mut observer, &mut markers, sink)?;
        markers.clear();
        skipped += acc.skipped;
        unreadable |= acc.error.is_some();
        if args.format == ParseFormat::Jsonl {
            let doc = serde_json::json!({"schema": "watchtrail/input/v1", "input": acc});
            out.write_all(&crate::output::json::to_vec(&doc)?)?;
            out.write_all(b"\n")?;
        }
        print_account(&mut err, &acc, args.input.verbose)?;
        // Nobody reads on (`| head`): the rest is only read when --strict needs it.
        if out.get_ref().is_closed() && !args.strict {
            break;
        }
    }
    if args.format == ParseFormat::Table {
        crate::output::table::write_observations(&mut out, &table_rows)?;
    }
    out.flush()?;
    if args.strict && skipped > 0 {
        anyhow::bail!("--strict: {skipped} line(s) skipped (run with -v to see why)");
    }
    Ok(if unreadable {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}

fn write_observation(out: &mut impl Write, o: &crate::observe::Observation) -> io::Result<()> {
    // `schema` first, then the observation's fields.
    out.write_all(b"{\"schema\":\"watchtrail/observation/v1\",")?;
    let body = crate::output::json::to_vec(o).map_err(io::Error::other)?;
    out.write_all(&body[1..])?;
    out.write_all(b"\n")
}

/// Stages 1–5 for the PATH… of one experiment (the steps of [`crate::analyze`], with
/// the account printed between them), also handing back the rows read, so that a
/// command that ends the process next can leave them to the OS (see
/// [`exit_without_freeing`]).
fn analyze_keeping_rows(
    input: &InputArgs,
    links: &crate::cli::LinkArgs,
) -> Result<(crate::analysis::Analysis, crate::ingest::Ingested)> {
    let options = options(input, links);
    let ing = ingest_all(input, &options)?;
    let t = crate::timeline(&ing, &options);
    let a = crate::analyze_timelines(&ing, t, &options);
    Ok((a, ing))
}

/// Leaves an analysis' memory to the OS: the command returns and the process ends right
/// after, and freeing millions of rows and states one allocation at a time costs more
/// than that (a tenth of `analyze` on a long capture). Only for the command functions.
fn exit_without_freeing<T>(value: T) {
    std::mem::forget(value);
}

fn analyze(args: crate::cli::AnalyzeArgs, ui: crate::cli::UiArgs) -> Result<ExitCode> {
    let (a, rows) = analyze_keeping_rows(&args.input, &args.links)?;
    let color = use_color(ui.color);
    let mut out = BufWriter::new(crate::outfile::stdout());
    let writer: Box<dyn Render> = match args.format {
        crate::cli::AnalyzeFormat::Text => Box::new(output::analysis_text::Text {
            color,
            verbose: args.input.verbose,
            width: terminal_width(),
            quiet: ui.quiet,
        }),
        crate::cli::AnalyzeFormat::Json => Box::new(output::json::Json),
        crate::cli::AnalyzeFormat::Markdown => Box::new(output::markdown::Markdown::default()),
    };
    output::render(&*writer, &a, &mut out)?;
    out.flush()?;
    let status = input_status(&a.inputs);
    exit_without_freeing((a, rows));
    Ok(status)
}

fn render(args: crate::cli::RenderArgs) -> Result<ExitCode> {
    crate::outfile::check_targets(&args.input.paths, &[("-o", args.output.as_ref())])?;
    let (a, rows) = analyze_keeping_rows(&args.input, &args.links)?;
    let mut out = Target::open(&args.output)?;
    output::render(&output::svg::Svg, &a, &mut out)?;
    out.finish()?;
    let status = input_status(&a.inputs);
    exit_without_freeing((a, rows));
    Ok(status)
}

/// The report format: `--format`, else the output file's extension.
pub fn report_format(
    output: &str,
    format: Option<crate::cli::ReportFormat>,
) -> Result<crate::cli::ReportFormat> {
    use crate::cli::ReportFormat as F;
    if let Some(f) = format {
        return Ok(f);
    }
    let ext = std::path::Path::new(output)
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("html" | "htm") => Ok(F::Html),
        Some("md" | "markdown") => Ok(F::Markdown),
        Some("json") => Ok(F::Json),
        _ => anyhow::bail!(
            "{output}: cannot tell the report format from the file name; \
             use .html, .md or .json, or --format html|markdown|json"
        ),
    }
}

fn report(args: crate::cli::ReportArgs) -> Result<ExitCode> {
    use crate::cli::ReportFormat as F;
    let format = report_format(&args.output, args.format)?;
    // Markdown's picture goes beside the page: `x.md` → `x.svg`, linked by file name.
    let svg_path = std::path::Path::new(&args.output).with_extension("svg");
    let mut targets = vec![("-o", std::path::Path::new(&args.output))];
    if format == F::Markdown && args.output != "-" {
        targets.push(("the picture beside the Markdown report", &svg_path));
    }
    crate::outfile::check_targets(&args.input.paths, &targets)?;
    let (a, rows) = analyze_keeping_rows(&args.input, &args.links)?;
    let mut out = Target::open(&args.output)?;
    match format {
        F::Html => output::render(&output::html::Html, &a, &mut out)?,
        F::Json => output::render(&output::json::Json, &a, &mut out)?,
        F::Markdown if args.output == "-" => {
            output::render(&output::markdown::Markdown::default(), &a, &mut out)?
        }
        F::Markdown => {
            let link = svg_path
                .file_name()
                .map(|n| output::escape::link_target(&n.to_string_lossy()))
                .unwrap_or_default();
            let mut svg = Target::open(&svg_path.to_string_lossy())?;
            output::render(&output::svg::Svg, &a, &mut svg)?;
            let md = output::markdown::Markdown {
                svg_link: Some(link),
            };
            output::render(&md, &a, &mut out)?;
            svg.finish()?;
        }
    }
    out.finish()?;
    let status = input_status(&a.inputs);
    exit_without_freeing((a, rows));
    Ok(status)
}

/// `check`: discover every archive's experiments, check them in parallel, print one
/// line each and a summary, write the requested files. Exit 0 when all passed, 1 when
/// any failed, was inconclusive or could not be analysed; an unreadable or refused
/// archive is an error (exit 2).
fn check(args: crate::cli::CheckArgs, ui: crate::cli::UiArgs) -> Result<ExitCode> {
    use crate::check::{self, Discovered, Limits, Report};
    use anyhow::Context;
    use std::io::IsTerminal;
    let forced = args
        .expect
        .as_deref()
        .map(|s| crate::analysis::Scenario::parse(s).context("--expect: unknown scenario"))
        .transpose()?;
    // Output targets are checked and opened before the work starts and written whole;
    // `-` is standard output, and then the per-experiment lines go to standard error.
    let dash = |p: &Option<std::path::PathBuf>| p.as_deref().is_some_and(|p| p.as_os_str() == "-");
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
    let report = Report::new(archives, results, found.problems);
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
        if ui.quiet && matches!(r.outcome, check::Outcome::Pass | check::Outcome::Analysed) {
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
    crate::output::check_text::write_summary(&mut out, &report, ui.quiet)?;
    out.flush()?;
    drop(out);
    emit(json, dash(&args.json), |w| {
        w.write_all(&crate::output::json::to_vec_pretty(&report)?)?;
        w.write_all(b"\n")
    })?;
    emit(junit, dash(&args.junit), |w| {
        crate::output::junit::write(w, &report)
    })?;
    emit(html, dash(&args.report), |w| {
        crate::output::check_html::write(w, &report)
    })?;
    Ok(if unreadable {
        ExitCode::from(2)
    } else if report.all_passed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Writes one of `check`'s reports: to its file (written whole), or to standard output
/// when it was given as `-`.
fn emit(
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

/// A variant's readable name: its kind, and for kinds played with several returns,
/// which (`power-off/mid-migration`).
fn variant_label(v: crate::simulate::Variant) -> String {
    use crate::simulate::{Return, Variant};
    let ret = |r: Return| match r {
        Return::BeforeEviction => "before-eviction",
        Return::MidMigration => "mid-migration",
        Return::PostMigration => "post-migration",
        Return::Never => "never",
        Return::CaptureEndsFirst => "capture-ends-first",
    };
    match v {
        Variant::PowerOff(r) | Variant::GracefulShutdown(r) | Variant::LegacyNodeLost(r) => {
            format!("{}/{}", v.name(), ret(r))
        }
        Variant::FullDisruption { returns } => {
            format!("{}/{}", v.name(), if returns { "returns" } else { "never" })
        }
        _ => v.name().to_string(),
    }
}

/// `--variant`: a number, a full name from `--list`, or a kind (its first variant).
fn pick_variant(
    all: &[crate::simulate::Variant],
    wanted: &str,
) -> Result<crate::simulate::Variant> {
    let found = match wanted.parse::<usize>() {
        Ok(i) => all.get(i).copied(),
        Err(_) => all
            .iter()
            .find(|v| variant_label(**v) == wanted)
            .or_else(|| all.iter().find(|v| v.name() == wanted))
            .copied(),
    };
    found.ok_or_else(|| {
        anyhow::anyhow!(
            "--variant {wanted}: no such variant (0..{}, or a name; see --list)",
            all.len() - 1
        )
    })
}

/// `simulate`: writes one simulated experiment (transcripts + the hidden truth).
fn simulate(args: crate::cli::SimulateArgs, ui: crate::cli::UiArgs) -> Result<ExitCode> {
    use crate::simulate::{self, Config};
    use anyhow::Context;
    let all = simulate::Variant::all();
    if args.list {
        let mut out = crate::outfile::stdout();
        writeln!(
            out,
            " #  variant                            scenario it yields (seed 0)"
        )?;
        for (i, v) in all.iter().enumerate() {
            let yields = simulate::run(&Config::new(0, *v)).truth.scenario;
            writeln!(out, "{i:>2}  {:<34} {yields}", variant_label(*v))?;
        }
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(bytes) = args.churn {
        let mut out = io::BufWriter::new(crate::outfile::stdout());
        match args.screens {
            Some(changes) => {
                simulate::churn::write_screens(&mut out, args.seed, bytes, changes.max(0.0))?
            }
            None => simulate::churn::write_transcript(
                &mut out,
                args.seed,
                bytes,
                args.repeats.clamp(0.0, 1.0),
            )?,
        };
        out.flush()?;
        return Ok(ExitCode::SUCCESS);
    }
    let variant = pick_variant(&all, &args.variant)?;
    let dir = args.output.expect("clap requires --output without --list");
    std::fs::create_dir_all(&dir).with_context(|| format!("{}: cannot create", dir.display()))?;
    let e = simulate::run(&Config::new(args.seed, variant));
    for f in &e.files {
        let path = dir.join(&f.name);
        std::fs::write(&path, &f.text)
            .with_context(|| format!("{}: cannot write", path.display()))?;
    }
    let t = &e.truth;
    let truth = serde_json::json!({
        "schema": "watchtrail/simulation-truth/v1",
        "variant": variant_label(variant),
        "seed": args.seed,
        "scenario": t.scenario,
        "failed_nodes": t.failed_nodes,
        "times_s": {"injected": t.injected, "F": t.f, "E": t.e, "R": t.r, "N": t.n, "node_ready": t.node_ready},
        "metrics_s": {
            "detection_s": t.metrics.detection_s,
            "eviction_s": t.metrics.eviction_s,
            "replacement_s": t.metrics.replacement_s,
            "unavailable_s": t.metrics.unavailable_s,
            "node_down_s": t.metrics.node_down_s,
        },
    });
    let path = dir.join("truth.json");
    std::fs::write(&path, serde_json::to_string_pretty(&truth)? + "\n")
        .with_context(|| format!("{}: cannot write", path.display()))?;
    if !ui.quiet {
        writeln!(
            crate::outfile::stdout(),
            "wrote {} transcript(s) and truth.json to {} (true scenario: {})",
            e.files.len(),
            dir.display(),
            t.scenario
        )?;
    }
    Ok(ExitCode::SUCCESS)
}
