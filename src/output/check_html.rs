//! The `check --report FILE.html` page: self-contained (inline CSS and SVG, no
//! scripts), a summary table, the cross-run distribution of each metric as a chart
//! (`check_charts`), then one anchored section per experiment with its
//! verdict, a small timeline of its phases, its metrics and reasons. Every name is
//! escaped; a value not measured shows as `—`.

use std::fmt::Write as _;
use std::io::{self, Write};

use super::escape::xml;
use super::time::{human, human_duration};
use super::view::{metric_rows, PHASES};
use crate::check::{ExperimentResult, Outcome, Report};
use crate::timeline::Interval;

const CSS: &str =
    "body{font-family:system-ui,sans-serif;margin:2em auto;max-width:70em;padding:0 1em}\
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .6em;text-align:left}\
td.num{text-align:right;font-variant-numeric:tabular-nums}\
.pass{color:#17702b}.fail,.error{color:#b00020}.inconclusive{color:#a06000}.analysed{color:#555}\
section{border-top:1px solid #ddd;margin-top:1.5em}code{font-size:90%}\
.charts svg,.strip{max-width:100%;height:auto;display:block;margin:.5em 0}";

/// Shown where a value was not measured.
const NONE: &str = "—";

/// An anchor id from the experiment's index (names may hold anything).
fn anchor(i: usize) -> String {
    format!("exp-{}", i + 1)
}

fn scenario(r: &ExperimentResult) -> String {
    if r.candidates.len() > 1 {
        super::View::candidate_names(&r.candidates, " or ")
    } else {
        r.scenario.map_or(NONE.into(), |s| s.name().to_string())
    }
}

/// Width and height of an experiment's phase strip.
const STRIP_W: f64 = 480.0;
const STRIP_H: f64 = 44.0;

/// A small picture of one experiment's phases F, E, R, N on its clock: each phase a
/// band as wide as its interval, tagged above, with the clock range below.
fn strip(phases: &[Option<Interval>; 4]) -> Option<String> {
    let known: Vec<(usize, i64, i64)> = phases
        .iter()
        .enumerate()
        .filter_map(|(k, p)| Some((k, p.as_ref()?.lower()?, p.as_ref()?.upper()?)))
        .collect();
    let lo = known.iter().map(|p| p.1).min()?.min(0);
    let hi = known.iter().map(|p| p.2).max()?.max(lo + 1000);
    let x = |ms: i64| 10.0 + (ms - lo) as f64 * (STRIP_W - 20.0) / (hi - lo) as f64;
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"strip\" width=\"{STRIP_W}\" height=\"{STRIP_H}\" \
         viewBox=\"0 0 {STRIP_W} {STRIP_H}\" font-family=\"sans-serif\">\
         <line x1=\"10\" y1=\"30\" x2=\"{}\" y2=\"30\" stroke=\"#999\"/>",
        STRIP_W - 10.0
    );
    let mut last_label = f64::NEG_INFINITY;
    let mut raised = false;
    for (k, a, b) in &known {
        let (x0, x1) = (x(*a), x(*b));
        // A tag closer than a letter's width to the one before goes up a row.
        let mid = (x0 + x1) / 2.0;
        raised = mid - last_label < 10.0 && !raised;
        last_label = mid;
        let label_y = if raised { 7.0 } else { 17.0 };
        let (tag, name) = PHASES[*k];
        let _ = write!(
            s,
            "<g class=\"phase\" data-phase=\"{tag}\"><title>{tag} {name} at {}</title>\
             <rect x=\"{:.1}\" y=\"22\" width=\"{:.1}\" height=\"16\" fill=\"#222\" fill-opacity=\"0.25\" stroke=\"#222\"/>\
             <text x=\"{:.1}\" y=\"{label_y}\" font-size=\"10\" font-weight=\"bold\" text-anchor=\"middle\">{tag}</text></g>",
            xml(&human(&Interval::new(*a, *b))),
            x0,
            (x1 - x0).max(2.0),
            mid
        );
    }
    let _ = write!(
        s,
        "<text x=\"10\" y=\"43\" font-size=\"9\" fill=\"#555\">{}</text>\
         <text x=\"{}\" y=\"43\" font-size=\"9\" fill=\"#555\" text-anchor=\"end\">{}</text></svg>",
        super::time::clock(lo),
        STRIP_W - 10.0,
        super::time::clock(hi)
    );
    Some(s)
}

fn summary(out: &mut dyn Write, report: &Report) -> io::Result<()> {
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
        xml(&counts.join(", "))
    )?;
    let scen: Vec<String> = s
        .by_scenario
        .iter()
        .map(|(k, v)| format!("{v} {k}"))
        .collect();
    writeln!(out, "<p>Scenarios: {}</p>", xml(&scen.join(", ")))?;
    writeln!(
        out,
        "<table><tr><th>metric</th><th>runs</th><th>min s</th><th>median s</th><th>max s</th></tr>"
    )?;
    let f = |v: Option<f64>| v.map_or(NONE.to_string(), |v| format!("{v:.1}"));
    for (name, st) in &s.metrics {
        writeln!(
            out,
            "<tr><td>{name}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
             <td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            st.runs,
            f(st.min_s),
            f(st.median_s),
            f(st.max_s)
        )?;
    }
    writeln!(out, "</table>")
}

fn charts(out: &mut dyn Write, report: &Report) -> io::Result<()> {
    let Some(m) = report.experiments.iter().find_map(|r| r.metrics.as_ref()) else {
        return Ok(());
    };
    writeln!(
        out,
        "<h2>Across runs</h2><p>Each row is one experiment (numbered as below): its \
         interval as a bar, the midpoint as a dot; the orange line is the median.</p>\
         <div class=\"charts\">"
    )?;
    for row in metric_rows(m) {
        if let Some(svg) = super::check_charts::chart(&report.experiments, row.key, row.meaning) {
            writeln!(out, "{svg}")?;
        }
    }
    writeln!(out, "</div>")
}

fn experiment(out: &mut dyn Write, i: usize, r: &ExperimentResult) -> io::Result<()> {
    let o = r.outcome.name();
    writeln!(
        out,
        "<section id=\"{}\"><h3>#{} {}</h3>",
        anchor(i),
        i + 1,
        xml(&r.name)
    )?;
    write!(
        out,
        "<p>Outcome: <strong class=\"{o}\">{o}</strong>; scenario: {}",
        scenario(r)
    )?;
    if let Some(e) = r.expected {
        write!(out, " (expected {e})")?;
    }
    writeln!(out, "</p>")?;
    if let Some(v) = &r.verdict {
        writeln!(out, "<p>{}</p>", xml(v))?;
    }
    if let Some(svg) = strip(&r.phases) {
        writeln!(out, "{svg}")?;
    }
    if let Some(m) = &r.metrics {
        writeln!(out, "<ul>")?;
        for row in metric_rows(m) {
            let v = row.value.map_or(NONE.into(), |i| human_duration(&i));
            writeln!(out, "<li>{}: {}</li>", row.key, xml(&v))?;
        }
        writeln!(out, "</ul>")?;
    }
    if !matches!(r.outcome, Outcome::Pass | Outcome::Analysed) {
        writeln!(out, "<ul>")?;
        for f in &r.reasons {
            writeln!(
                out,
                "<li class=\"{}\">{}</li>",
                f.outcome.name(),
                xml(&f.reason)
            )?;
        }
        writeln!(out, "</ul>")?;
    }
    writeln!(out, "</section>")
}

/// Writes `check`'s HTML report: one self-contained page.
pub fn write(out: &mut dyn Write, report: &Report) -> io::Result<()> {
    writeln!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
    )?;
    writeln!(
        out,
        "<title>watchtrail check</title><style>{CSS}</style></head><body>"
    )?;
    writeln!(out, "<h1>watchtrail check</h1>")?;
    summary(out, report)?;
    if !report.problems.is_empty() {
        writeln!(out, "<h2>Problems</h2><ul>")?;
        for p in &report.problems {
            writeln!(
                out,
                "<li><code>{}</code>: {}</li>",
                xml(&p.path),
                xml(&p.reason)
            )?;
        }
        writeln!(out, "</ul>")?;
    }
    charts(out, report)?;
    writeln!(
        out,
        "<h2>Experiments</h2><table><tr><th>#</th><th>experiment</th><th>outcome</th><th>scenario</th></tr>"
    )?;
    for (i, r) in report.experiments.iter().enumerate() {
        let o = r.outcome.name();
        writeln!(
            out,
            "<tr><td class=\"num\">{}</td><td><a href=\"#{}\">{}</a></td><td class=\"{o}\">{o}</td><td>{}</td></tr>",
            i + 1,
            anchor(i),
            xml(&r.name),
            scenario(r)
        )?;
    }
    writeln!(out, "</table>")?;
    for (i, r) in report.experiments.iter().enumerate() {
        experiment(out, i, r)?;
    }
    writeln!(out, "</body></html>")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_strip_draws_each_seen_phase_and_nothing_without_one() {
        assert!(strip(&[None; 4]).is_none());
        let s = strip(&[
            Some(Interval::new(10_000, 12_000)),
            None,
            None,
            Some(Interval::new(90_000, 95_000)),
        ])
        .expect("a strip");
        assert_eq!(s.matches("class=\"phase\"").count(), 2, "{s}");
        assert!(s.contains("data-phase=\"F\"") && s.contains("data-phase=\"N\""));
    }
}
