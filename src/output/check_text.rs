//! The terminal view of `check`: one line per experiment, then the summary. Names come
//! from directory and tar entry names, so control characters are neutralised.

use std::io::{self, Write};

use super::escape::terminal as safe;
use super::time::human_duration;
use super::view::metric_rows;
use crate::check::{ExperimentResult, Outcome, Problem, Report};

/// `eviction 300–301 s, unavailable 9 s` — the metrics that were measured.
pub fn key_metrics(r: &ExperimentResult) -> String {
    let Some(m) = &r.metrics else {
        return String::new();
    };
    metric_rows(m)
        .iter()
        .filter_map(|row| Some(format!("{} {}", row.short(), human_duration(&row.value?))))
        .collect::<Vec<_>>()
        .join(", ")
}

/// One experiment's line: outcome, name, scenario, key metrics, reasons.
pub fn write_line(out: &mut dyn Write, r: &ExperimentResult, color: bool) -> io::Result<()> {
    let (tag, code) = match r.outcome {
        Outcome::Pass => ("PASS", "32"),
        Outcome::Analysed => ("ANALYSED", "2"),
        Outcome::Fail => ("FAIL", "31"),
        Outcome::Inconclusive => ("INCONCLUSIVE", "33"),
        Outcome::Error => ("ERROR", "1;31"),
    };
    let scenario = match (&r.scenario, r.candidates.len() > 1) {
        (_, true) => r
            .candidates
            .iter()
            .map(|c| c.name())
            .collect::<Vec<_>>()
            .join("|"),
        (Some(s), false) => s.name().to_string(),
        (None, false) => "-".into(),
    };
    let padded = format!("{tag:<12}");
    if color {
        write!(out, "\x1b[{code}m{padded}\x1b[0m")?;
    } else {
        write!(out, "{padded}")?;
    }
    write!(out, " {}  {scenario}", safe(&r.name))?;
    let metrics = key_metrics(r);
    if !metrics.is_empty() {
        write!(out, "  ({metrics})")?;
    }
    if !r.reasons.is_empty() {
        let why: Vec<&str> = r.reasons.iter().map(|f| f.reason.as_str()).collect();
        write!(out, "  — {}", safe(&why.join("; ")))?;
    }
    writeln!(out)
}

/// A discovery problem's line.
pub fn write_problem(out: &mut dyn Write, p: &Problem) -> io::Result<()> {
    let tag = if p.serious { "PROBLEM" } else { "note" };
    writeln!(out, "{tag:<12} {}: {}", safe(&p.path), safe(&p.reason))
}

fn secs(v: Option<f64>) -> String {
    v.map_or("-".into(), |v| format!("{}", (v * 10.0).round() / 10.0))
}

/// The summary: counts per outcome and scenario, then each metric's statistics.
/// With `quiet`, the counts line only.
pub fn write_summary(out: &mut dyn Write, report: &Report, quiet: bool) -> io::Result<()> {
    let s = &report.summary;
    writeln!(out)?;
    let outcomes: Vec<String> = s
        .by_outcome
        .iter()
        .map(|(k, v)| format!("{v} {k}"))
        .collect();
    writeln!(
        out,
        "{} experiments: {}",
        s.experiments,
        if outcomes.is_empty() {
            "none".to_string()
        } else {
            outcomes.join(", ")
        }
    )?;
    if quiet {
        return Ok(());
    }
    let scen: Vec<String> = s
        .by_scenario
        .iter()
        .map(|(k, v)| format!("{v} {k}"))
        .collect();
    if !scen.is_empty() {
        writeln!(out, "scenarios: {}", scen.join(", "))?;
    }
    let serious = report.problems.iter().filter(|p| p.serious).count();
    if !report.problems.is_empty() {
        writeln!(
            out,
            "problems: {serious} serious, {} notes",
            report.problems.len() - serious
        )?;
    }
    writeln!(
        out,
        "metric (interval midpoints)   runs      min   median      max"
    )?;
    for (name, st) in &s.metrics {
        writeln!(
            out,
            "  {name:<27} {:>5} {:>8} {:>8} {:>8}",
            st.runs,
            secs(st.min_s),
            secs(st.median_s),
            secs(st.max_s)
        )?;
    }
    Ok(())
}
