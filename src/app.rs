//! One function per subcommand: read input, run the stages, pick the renderer,
//! write. The only module (with `main`) that touches stdout, files and exit codes.

use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

use anyhow::Result;

use crate::cli::{Cli, Command, InputArgs, ParseArgs, ParseFormat};
use crate::ingest::{ingest_source, InputAccount};
use crate::input::{self, Ignored};
use crate::observe::Observer;
use crate::output::terminal::safe;
use crate::tables::Tabler;

pub fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Analyze(args) => analyze(args),
        Command::Parse(args) => parse(args),
        Command::Timeline(args) => timeline(args),
        Command::Render(args) => render(args),
        Command::Report(args) => report(args),
        Command::Check(args) => check(args),
        Command::Simulate(args) => simulate(args),
    }
}

fn link_options(l: &crate::cli::LinkArgs) -> crate::timeline::LinkOptions {
    crate::timeline::LinkOptions {
        same_object: !l.no_link_same_object,
        owner_first: !l.no_link_owner,
        replacement: !l.no_link_replacement,
        not_ready: !l.no_link_not_ready,
        node_back: !l.no_link_node_back,
    }
}

/// Stages 1–3 for one experiment, with the account printed under `--verbose` (and a
/// source's error always). Fails when no input gave a single table row: there is
/// nothing to analyse, and a verdict would be invented.
fn ingest_all(input: &InputArgs) -> Result<crate::ingest::Ingested> {
    let (sources, ignored) = resolve(input)?;
    let mut err = io::stderr().lock();
    print_ignored(&mut err, &ignored, input.verbose)?;
    let ing = crate::ingest::ingest(&sources)?;
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
    let ing = ingest_all(&args.input)?;
    let t = crate::timeline::build(&ing, link_options(&args.links));
    let mut out = BufWriter::new(io::stdout().lock());
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
    for i in ignored.iter().filter(|i| verbose || i.warn) {
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
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut err = io::stderr().lock();
    print_ignored(&mut err, &ignored, args.input.verbose)?;
    let mut tabler = Tabler::new(0);
    let mut observer = Observer::new();
    let mut markers = Vec::new();
    let mut skipped = 0;
    let mut unreadable = false;
    let mut table_rows: Vec<crate::observe::Observation> = Vec::new();
    let mut write_error: Option<io::Error> = None;
    for source in &sources {
        tabler = Tabler::new(tabler.next_stream_id());
        let acc = ingest_source(source, &mut tabler, &mut observer, &mut markers, |o| {
            if write_error.is_some() {
                return;
            }
            match args.format {
                ParseFormat::Jsonl => {
                    let r = write_observation(&mut out, &o);
                    if let Err(e) = r {
                        write_error = Some(e);
                    }
                }
                ParseFormat::Table => table_rows.push(o),
            }
        })?;
        if let Some(e) = write_error.take() {
            return Err(e.into());
        }
        markers.clear();
        skipped += acc.skipped;
        unreadable |= acc.error.is_some();
        if args.format == ParseFormat::Jsonl {
            let doc = serde_json::json!({"schema": "watchtrail/input/v1", "input": acc});
            out.write_all(&crate::output::json::to_vec(&doc)?)?;
            out.write_all(b"\n")?;
        }
        print_account(&mut err, &acc, args.input.verbose)?;
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

/// The experiment's display name: its directory, or its first file.
pub fn experiment_name(paths: &[std::path::PathBuf]) -> String {
    let names: Vec<String> = paths
        .iter()
        .map(|p| p.to_string_lossy().trim_end_matches('/').to_string())
        .collect();
    names.join(" ")
}

/// Stages 1–5 for the PATH… of one experiment.
pub fn analyze_paths(
    input: &InputArgs,
    links: &crate::cli::LinkArgs,
) -> Result<crate::analysis::Analysis> {
    Ok(analyze_keeping_rows(input, links)?.0)
}

/// [`analyze_paths`], also handing back the rows read, so that a command that ends the
/// process next can leave them to the OS (see [`exit_without_freeing`]).
fn analyze_keeping_rows(
    input: &InputArgs,
    links: &crate::cli::LinkArgs,
) -> Result<(crate::analysis::Analysis, crate::ingest::Ingested)> {
    let ing = ingest_all(input)?;
    let t = crate::timeline::build(&ing, link_options(links));
    let a = crate::analysis::analyze(&experiment_name(&input.paths), &ing, t);
    Ok((a, ing))
}

/// Leaves an analysis' memory to the OS: the command returns and the process ends right
/// after, and freeing millions of rows and states one allocation at a time costs more
/// than that (a tenth of `analyze` on a long capture). Only for the command functions.
fn exit_without_freeing<T>(value: T) {
    std::mem::forget(value);
}

/// The analysis JSON document.
pub fn analysis_json(a: &crate::analysis::Analysis) -> serde_json::Value {
    let mut v = serde_json::to_value(a).unwrap_or_default();
    if let Some(obj) = v.as_object_mut() {
        obj.insert("schema".into(), "watchtrail/analysis/v1".into());
    }
    v
}

fn analyze(args: crate::cli::AnalyzeArgs) -> Result<ExitCode> {
    use std::io::IsTerminal;
    let (a, rows) = analyze_keeping_rows(&args.input, &args.links)?;
    let stdout = io::stdout();
    let color = match args.color {
        crate::cli::ColorChoice::Always => true,
        crate::cli::ColorChoice::Never => false,
        crate::cli::ColorChoice::Auto => {
            stdout.is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    };
    let mut out = BufWriter::new(stdout.lock());
    match args.format {
        crate::cli::AnalyzeFormat::Text => {
            crate::output::analysis_text::write(&mut out, &a, color)?
        }
        crate::cli::AnalyzeFormat::Json => {
            out.write_all(&crate::output::json::to_vec_pretty(&analysis_json(&a))?)?;
            out.write_all(b"\n")?;
        }
        crate::cli::AnalyzeFormat::Markdown => crate::output::markdown::write(&mut out, &a, None)?,
    }
    out.flush()?;
    let status = input_status(&a.inputs);
    exit_without_freeing((a, rows));
    Ok(status)
}

/// Opens `-o FILE` (`-` is stdout) for writing.
fn open_output(path: &str) -> Result<Box<dyn Write>> {
    use anyhow::Context;
    if path == "-" {
        return Ok(Box::new(BufWriter::new(io::stdout().lock())));
    }
    let f = std::fs::File::create(path).with_context(|| format!("{path}: cannot create"))?;
    Ok(Box::new(BufWriter::new(f)))
}

fn render(args: crate::cli::RenderArgs) -> Result<ExitCode> {
    let (a, rows) = analyze_keeping_rows(&args.input, &args.links)?;
    let mut out = open_output(&args.output)?;
    crate::output::svg::write(&mut out, &a)?;
    out.flush()?;
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
    let (a, rows) = analyze_keeping_rows(&args.input, &args.links)?;
    let mut out = open_output(&args.output)?;
    match format {
        F::Html => crate::output::html::write(&mut out, &a)?,
        F::Json => {
            out.write_all(&crate::output::json::to_vec_pretty(&analysis_json(&a))?)?;
            out.write_all(b"\n")?;
        }
        F::Markdown if args.output == "-" => crate::output::markdown::write(&mut out, &a, None)?,
        F::Markdown => {
            // The picture goes beside the page: `x.md` → `x.svg`, linked by file name.
            let svg_path = std::path::Path::new(&args.output).with_extension("svg");
            let link = svg_path
                .file_name()
                .map(|n| link_target(&n.to_string_lossy()))
                .unwrap_or_default();
            let mut svg = open_output(&svg_path.to_string_lossy())?;
            crate::output::svg::write(&mut svg, &a)?;
            svg.flush()?;
            crate::output::markdown::write(&mut out, &a, Some(&link))?;
        }
    }
    out.flush()?;
    let status = input_status(&a.inputs);
    exit_without_freeing((a, rows));
    Ok(status)
}

/// A file name as a Markdown link target: characters that end or break a link are
/// percent-encoded.
fn link_target(name: &str) -> String {
    let mut o = String::with_capacity(name.len());
    for c in name.chars() {
        match c {
            ' ' | '(' | ')' | '<' | '>' | '[' | ']' | '%' | '"' | '\\' => {
                o.push_str(&format!("%{:02X}", c as u32))
            }
            c if c.is_control() => {}
            c => o.push(c),
        }
    }
    o
}

/// `check`: discover every archive's experiments, check them in parallel, print one
/// line each and a summary, write the requested files. Exit 0 when all passed, 1 when
/// any failed, was inconclusive or could not be analysed; an unreadable or refused
/// archive is an error (exit 2).
fn check(args: crate::cli::CheckArgs) -> Result<ExitCode> {
    use crate::check::{self, Discovered, Limits, Report};
    use anyhow::Context;
    use std::io::IsTerminal;
    let forced = args
        .expect
        .as_deref()
        .map(|s| crate::analysis::Scenario::parse(s).context("--expect: unknown scenario"))
        .transpose()?;
    // Output targets are opened before the work starts.
    let open = |p: &Option<std::path::PathBuf>| -> Result<Option<BufWriter<std::fs::File>>> {
        p.as_ref()
            .map(|p| {
                std::fs::File::create(p)
                    .map(BufWriter::new)
                    .with_context(|| format!("cannot write {}", p.display()))
            })
            .transpose()
    };
    let (json, junit, html) = (open(&args.json)?, open(&args.junit)?, open(&args.report)?);
    let limits = Limits {
        max_total_bytes: args.max_total_bytes,
        max_entries: args.max_entries,
        max_entry_bytes: args.max_entry_bytes,
    };
    let mut found = Discovered::default();
    for a in &args.archives {
        check::discover(a, &limits, &mut found)?;
    }
    let bar = if io::stderr().is_terminal() {
        indicatif::ProgressBar::new(found.experiments.len() as u64)
    } else {
        indicatif::ProgressBar::hidden()
    };
    let results = check::run_all(&found.experiments, forced, |_| bar.inc(1));
    bar.finish_and_clear();
    let archives = args
        .archives
        .iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let report = Report::new(archives, results, found.problems);
    let mut out = BufWriter::new(io::stdout().lock());
    for p in &report.problems {
        crate::output::check_text::write_problem(&mut out, p)?;
    }
    for r in &report.experiments {
        crate::output::check_text::write_line(&mut out, r)?;
    }
    if report.experiments.is_empty() {
        writeln!(
            out,
            "no experiments found (a directory holding transcript files, or a transcript file)"
        )?;
    }
    crate::output::check_text::write_summary(&mut out, &report)?;
    out.flush()?;
    if let Some(mut w) = json {
        w.write_all(&crate::output::json::to_vec_pretty(&report)?)?;
        w.write_all(b"\n")?;
        w.flush()?;
    }
    if let Some(mut w) = junit {
        crate::output::junit::write(&mut w, &report)?;
        w.flush()?;
    }
    if let Some(mut w) = html {
        crate::output::check_html::write(&mut w, &report)?;
        w.flush()?;
    }
    Ok(if report.all_passed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// `simulate`: writes one simulated experiment (transcripts + the hidden truth).
fn simulate(args: crate::cli::SimulateArgs) -> Result<ExitCode> {
    use crate::simulate::{self, Config, Variant};
    use anyhow::Context;
    let all = Variant::all();
    if args.list {
        let mut out = io::stdout().lock();
        for (i, v) in all.iter().enumerate() {
            writeln!(out, "{i:>2}  {v:?}")?;
        }
        return Ok(ExitCode::SUCCESS);
    }
    if let (Some(bytes), Some(k)) = (args.churn, args.failures) {
        let cfg = simulate::soak::SoakConfig::new(args.seed, bytes, args.pods, k);
        let soak = simulate::soak::Soak::new(cfg);
        match &args.output {
            Some(dir) => {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("{}: cannot create", dir.display()))?;
                let path = dir.join("pods.log");
                let file = std::fs::File::create(&path)
                    .with_context(|| format!("{}: cannot write", path.display()))?;
                let mut out = io::BufWriter::new(file);
                let truth = soak.write(&mut out)?;
                out.flush()?;
                let path = dir.join("truth.json");
                std::fs::write(&path, serde_json::to_string_pretty(&truth)? + "\n")
                    .with_context(|| format!("{}: cannot write", path.display()))?;
            }
            None => {
                let mut out = io::BufWriter::new(io::stdout().lock());
                soak.write(&mut out)?;
                out.flush()?;
            }
        }
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(bytes) = args.churn {
        let mut out = io::BufWriter::new(io::stdout().lock());
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
    let Some(&variant) = all.get(args.variant) else {
        anyhow::bail!(
            "--variant {}: no such variant (0..{}; see --list)",
            args.variant,
            all.len() - 1
        );
    };
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
        "variant": format!("{variant:?}"),
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
    println!(
        "wrote {} transcript(s) and truth.json to {} (true scenario: {})",
        e.files.len(),
        dir.display(),
        t.scenario
    );
    Ok(ExitCode::SUCCESS)
}
