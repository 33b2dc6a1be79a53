//! The `check --report FILE.html` page: self-contained (inline CSS, no scripts), a
//! summary table, then one anchored section per experiment with its verdict, metrics
//! and reasons. Every name is escaped.

use std::io::{self, Write};

use super::time::human_duration;
use crate::check::{ExperimentResult, Outcome, Report, METRICS};

const CSS: &str = "body{font-family:system-ui,sans-serif;margin:2em;max-width:70em}\
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .6em;text-align:left}\
.pass{color:#17702b}.fail,.error{color:#b00020}.inconclusive{color:#a06000}\
section{border-top:1px solid #ddd;margin-top:1.5em}code{font-size:90%}";

/// Escapes text for HTML content and quoted attribute values (the shared helper).
fn html_text(s: &str) -> String {
    super::escape::xml(s).into_owned()
}

/// An anchor id from the experiment's index (names may hold anything).
fn anchor(i: usize) -> String {
    format!("exp-{}", i + 1)
}

fn scenario(r: &ExperimentResult) -> String {
    if r.candidates.len() > 1 {
        r.candidates
            .iter()
            .map(|c| c.name())
            .collect::<Vec<_>>()
            .join(" or ")
    } else {
        r.scenario.map_or("-".into(), |s| s.name().to_string())
    }
}

pub fn write(out: &mut dyn Write, report: &Report) -> io::Result<()> {
    writeln!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
    )?;
    writeln!(
        out,
        "<title>watchtrail check</title><style>{CSS}</style></head><body>"
    )?;
    writeln!(out, "<h1>watchtrail check</h1>")?;
    let s = &report.summary;
    let counts: Vec<String> = s
        .by_outcome
        .iter()
        .map(|(k, v)| format!("{v} {k}"))
        .collect();
    writeln!(
        out,
        "<p>{} experiments: {}</p>",
        s.experiments,
        html_text(&counts.join(", "))
    )?;
    let scen: Vec<String> = s
        .by_scenario
        .iter()
        .map(|(k, v)| format!("{v} {k}"))
        .collect();
    writeln!(out, "<p>Scenarios: {}</p>", html_text(&scen.join(", ")))?;
    writeln!(
        out,
        "<table><tr><th>metric</th><th>runs</th><th>min s</th><th>median s</th><th>max s</th></tr>"
    )?;
    let f = |v: Option<f64>| v.map_or("-".to_string(), |v| format!("{v:.1}"));
    for (name, st) in &s.metrics {
        writeln!(
            out,
            "<tr><td>{name}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            st.runs,
            f(st.min_s),
            f(st.median_s),
            f(st.max_s)
        )?;
    }
    writeln!(out, "</table>")?;
    if !report.problems.is_empty() {
        writeln!(out, "<h2>Problems</h2><ul>")?;
        for p in &report.problems {
            writeln!(
                out,
                "<li><code>{}</code>: {}</li>",
                html_text(&p.path),
                html_text(&p.reason)
            )?;
        }
        writeln!(out, "</ul>")?;
    }
    writeln!(
        out,
        "<h2>Experiments</h2><table><tr><th>experiment</th><th>outcome</th><th>scenario</th></tr>"
    )?;
    for (i, r) in report.experiments.iter().enumerate() {
        let o = r.outcome.name();
        writeln!(
            out,
            "<tr><td><a href=\"#{}\">{}</a></td><td class=\"{o}\">{o}</td><td>{}</td></tr>",
            anchor(i),
            html_text(&r.name),
            scenario(r)
        )?;
    }
    writeln!(out, "</table>")?;
    for (i, r) in report.experiments.iter().enumerate() {
        let o = r.outcome.name();
        writeln!(
            out,
            "<section id=\"{}\"><h3>{}</h3>",
            anchor(i),
            html_text(&r.name)
        )?;
        writeln!(
            out,
            "<p>Outcome: <strong class=\"{o}\">{o}</strong>; scenario: {}",
            scenario(r)
        )?;
        if let Some(e) = r.expected {
            write!(out, " (expected {e})")?;
        }
        writeln!(out, "</p>")?;
        if let Some(v) = &r.verdict {
            writeln!(out, "<p>{}</p>", html_text(v))?;
        }
        if let Some(m) = &r.metrics {
            writeln!(out, "<ul>")?;
            for name in METRICS {
                let v = crate::check::expect::metric(m, name)
                    .map_or("null".into(), |i| human_duration(&i));
                writeln!(out, "<li>{name}: {}</li>", html_text(&v))?;
            }
            writeln!(out, "</ul>")?;
        }
        if r.outcome != Outcome::Pass {
            writeln!(out, "<ul>")?;
            for f in &r.reasons {
                writeln!(
                    out,
                    "<li class=\"{}\">{}</li>",
                    f.outcome.name(),
                    html_text(&f.reason)
                )?;
            }
            writeln!(out, "</ul>")?;
        }
        writeln!(out, "</section>")?;
    }
    writeln!(out, "</body></html>")
}
