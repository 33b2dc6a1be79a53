//! `report -o FILE.html`: one self-contained page — inline CSS, the inline SVG
//! timeline, the verdict, metrics with their bounds, each phase with the transcript
//! lines that decided it, warnings and the input account. Nothing is fetched: no
//! script, no external font or stylesheet. The page is also well-formed XML (so tests
//! can parse it), and everything from a transcript goes through [`super::escape::xml`].

use std::io::{self, Write};

use super::escape::xml;
use super::time::{certainty, human, human_duration, seconds};
use super::view::{in_time_order, metric_rows, View};
use crate::analysis::{Incident, Scenario};

const CSS: &str = "
body { font-family: 'DejaVu Sans', Verdana, sans-serif; margin: 1.5em auto; max-width: 1240px;
       color: #222; line-height: 1.4; padding: 0 1em; }
h1 { font-size: 1.4em; margin-bottom: 0.2em; }
h2 { font-size: 1.15em; border-bottom: 1px solid #ccc; margin-top: 1.6em; }
h3 { font-size: 1em; margin-bottom: 0.3em; }
.verdict { font-size: 1.15em; font-weight: bold; padding: 0.5em 0.8em; border-left: 6px solid #0072B2;
           background: #eef5fb; }
.verdict.no-failure { border-color: #009E73; background: #eefaf5; }
.verdict.inconclusive { border-color: #E69F00; background: #fdf6e8; }
.muted { color: #666; }
figure { margin: 1em 0; border: 1px solid #ddd; }
figure svg { display: block; width: 100%; height: auto; }
table { border-collapse: collapse; margin: 0.5em 0; display: block; max-width: 100%; overflow-x: auto; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: left; vertical-align: top; }
th { background: #f2f2f2; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.phase { margin: 0.6em 0; }
.tag { display: inline-block; min-width: 1.4em; text-align: center; font-weight: bold;
       background: #222; color: #fff; border-radius: 3px; margin-right: 0.4em; }
pre.evidence { background: #f7f7f7; border: 1px solid #e3e3e3; padding: 0.4em 0.6em;
               overflow-x: auto; font-size: 0.85em; margin: 0.3em 0 0 2em; }
.flag { color: #a04000; }
footer { margin-top: 2em; font-size: 0.85em; color: #777; }
";

fn metrics(out: &mut dyn Write, i: &Incident) -> io::Result<()> {
    writeln!(
        out,
        "<table class=\"metrics\"><tr><th>metric</th><th>meaning</th><th>interval</th>\
         <th>min s</th><th>max s</th></tr>"
    )?;
    for m in metric_rows(&i.metrics) {
        let (key, label) = (m.key, m.meaning);
        let (shown, lo, hi) = match m.value {
            Some(v) => (human_duration(&v), seconds(v.lower()), seconds(v.upper())),
            None => ("—".into(), String::new(), String::new()),
        };
        writeln!(
            out,
            "<tr><td><code>{key}</code></td><td>{}</td><td>{}</td><td class=\"num\">{lo}</td>\
             <td class=\"num\">{hi}</td></tr>",
            xml(label),
            xml(&shown)
        )?;
    }
    writeln!(out, "</table>")
}

fn phases(out: &mut dyn Write, i: &Incident) -> io::Result<()> {
    writeln!(out, "<h3>Phases</h3>")?;
    for row in in_time_order(i) {
        let (tag, name) = (row.tag, row.name);
        match row.phase {
            Some(ph) => {
                writeln!(
                    out,
                    "<div class=\"phase\" id=\"phase-{tag}\"><span class=\"tag\">{tag}</span>\
                     <b>{name}</b> at {} <span class=\"muted\">({})</span>: {}",
                    xml(&human(&ph.at)),
                    certainty(&ph.at),
                    xml(&ph.what)
                )?;
                if !ph.evidence.is_empty() {
                    write!(out, "<pre class=\"evidence\">")?;
                    for e in &ph.evidence {
                        writeln!(out, "{}", xml(&e.to_string()))?;
                    }
                    write!(out, "</pre>")?;
                }
                writeln!(out, "</div>")?;
            }
            None => writeln!(
                out,
                "<div class=\"phase\" id=\"phase-{tag}\"><span class=\"tag\">{tag}</span>\
                 <b>{name}</b>: <span class=\"muted\">not seen</span></div>"
            )?,
        }
    }
    Ok(())
}

fn pods(out: &mut dyn Write, i: &Incident) -> io::Result<()> {
    if i.pods.is_empty() {
        return Ok(());
    }
    writeln!(
        out,
        "<h3>Pods</h3><table><tr><th>pod</th><th>outcome</th><th>replacement</th>\
         <th>total recovery</th></tr>"
    )?;
    for p in &i.pods {
        writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            xml(&p.name),
            xml(p.outcome.name()),
            xml(p.replacement.as_deref().unwrap_or("")),
            xml(&p
                .total_recovery_s
                .as_ref()
                .map(human_duration)
                .unwrap_or_default())
        )?;
    }
    writeln!(out, "</table>")
}

fn inputs(out: &mut dyn Write, a: &View<'_>) -> io::Result<()> {
    writeln!(
        out,
        "<h2>Inputs</h2><table class=\"inputs\"><tr><th>file</th><th>lines</th><th>rows</th>\
         <th>headers</th><th>commands</th><th>time markers</th><th>blank</th><th>skipped</th>\
         <th>skipped, by reason</th></tr>"
    )?;
    for acc in a.inputs {
        let reasons: Vec<String> = acc
            .skipped_by_reason
            .iter()
            .map(|(r, n)| format!("{r}: {n}"))
            .collect();
        writeln!(
            out,
            "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
             <td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
             <td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
            xml(&acc.source),
            acc.lines,
            acc.rows,
            acc.headers,
            acc.commands,
            acc.time_markers,
            acc.blank,
            acc.skipped,
            xml(&reasons.join("; "))
        )?;
    }
    writeln!(out, "</table>")?;
    for acc in a.inputs.iter().filter(|a| !a.skipped_lines.is_empty()) {
        write!(
            out,
            "<details><summary>{}: {} skipped line(s)</summary><pre class=\"evidence\">",
            xml(&acc.source),
            acc.skipped
        )?;
        for s in &acc.skipped_lines {
            writeln!(out, "{}: {}: {}", s.line, xml(&s.reason), xml(&s.text))?;
        }
        writeln!(out, "</pre></details>")?;
    }
    Ok(())
}

/// The self-contained HTML page.
#[derive(Debug, Clone, Copy, Default)]
pub struct Html;

impl super::Render for Html {
    fn render(&self, view: &View<'_>, out: &mut dyn Write) -> io::Result<()> {
        write_view(out, view)
    }
}

/// Writes the report page of an analysis.
pub fn write(out: &mut dyn Write, a: &crate::analysis::Analysis) -> io::Result<()> {
    write_view(out, &View::new(a))
}

fn write_view(out: &mut dyn Write, a: &View<'_>) -> io::Result<()> {
    let class = match a.scenario {
        Scenario::NoFailure => "no-failure",
        Scenario::Inconclusive => "inconclusive",
        _ => "failure",
    };
    writeln!(
        out,
        "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\"><head>\
         <meta charset=\"utf-8\"/><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\
         <title>watchtrail: {}</title><style>{CSS}</style></head><body>",
        xml(a.experiment)
    )?;
    writeln!(out, "<h1>watchtrail: {}</h1>", xml(a.experiment))?;
    writeln!(out, "<p class=\"verdict {class}\">{}</p>", xml(a.verdict))?;
    let wall = a
        .origin
        .wall_clock
        .as_ref()
        .map(|w| format!(" (t = 0 is {w})"))
        .unwrap_or_default();
    writeln!(
        out,
        "<p class=\"muted\">{}{}. Every time is an interval on this clock; a \
         hatched band in the picture is a boundary known only to lie somewhere inside it.</p>",
        xml(&a.origin.description),
        xml(&wall)
    )?;
    writeln!(out, "<figure>")?;
    out.write_all(super::svg::render_view(a).as_bytes())?;
    writeln!(out, "</figure>")?;
    for (n, i) in a.incidents.iter().enumerate() {
        writeln!(
            out,
            "<h2>Incident {}: node {} — {}</h2>",
            n + 1,
            xml(&i.node),
            i.scenario
        )?;
        if !i.candidates.is_empty() {
            writeln!(
                out,
                "<p class=\"flag\">Order of phases not proven; candidates: {}</p>",
                View::candidate_names(&i.candidates, ", ")
            )?;
        }
        metrics(out, i)?;
        phases(out, i)?;
        pods(out, i)?;
        for f in &i.flags {
            writeln!(out, "<p class=\"flag\">⚠ {}</p>", xml(f))?;
        }
    }
    if !a.warnings.is_empty() {
        writeln!(out, "<h2>Warnings</h2><ul class=\"warnings\">")?;
        for w in a.warnings {
            writeln!(out, "<li>{}</li>", xml(w))?;
        }
        writeln!(out, "</ul>")?;
    }
    inputs(out, a)?;
    writeln!(
        out,
        "<footer>watchtrail {}</footer></body></html>",
        env!("CARGO_PKG_VERSION")
    )
}
