//! The commands on the PATH… of one experiment: `parse`, `timeline`, `analyze`,
//! `render` and `report`.

use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

use anyhow::Result;

use super::input::{
    analyze_keeping_rows, ingest_all, options, print_account, print_ignored, resolve,
};
use super::{exit_without_freeing, input_status, terminal_width, use_color};
use crate::cli::{ParseArgs, ParseFormat};
use crate::ingest::ingest_source;
use crate::observe::Observer;
use crate::outfile::Target;
use crate::output::{self, Render};
use crate::tables::Tabler;

pub(super) fn timeline(args: crate::cli::TimelineArgs) -> Result<ExitCode> {
    let options = options(&args.input, &args.links);
    let mut ing = ingest_all(&args.input, &options)?;
    let t = crate::timeline(&mut ing, &options);
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

pub(super) fn parse(args: ParseArgs) -> Result<ExitCode> {
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

pub(super) fn write_observation(
    out: &mut impl Write,
    o: &crate::observe::Observation,
) -> io::Result<()> {
    // `schema` first, then the observation's fields.
    out.write_all(b"{\"schema\":\"watchtrail/observation/v1\",")?;
    let body = crate::output::json::to_vec(o).map_err(io::Error::other)?;
    out.write_all(&body[1..])?;
    out.write_all(b"\n")
}

pub(super) fn analyze(args: crate::cli::AnalyzeArgs, ui: crate::cli::UiArgs) -> Result<ExitCode> {
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

pub(super) fn render(args: crate::cli::RenderArgs) -> Result<ExitCode> {
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

pub(super) fn report(args: crate::cli::ReportArgs) -> Result<ExitCode> {
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
