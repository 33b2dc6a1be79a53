//! JUnit XML for `check`: one `<testcase classname="watchtrail">` per experiment in one
//! `<testsuite>`, its `time` the analysis' seconds; an experiment analysed without an
//! expectation is `<skipped>` (nothing was checked); a fail or inconclusive outcome is a `<failure>` (its `type` says
//! which), an experiment that could not be analysed is an `<error>`; the evidence
//! (reasons, verdict, inputs) is the element's text. A serious discovery problem is an
//! `<error>` test case of its own (`classname="watchtrail.problem"`). Every name is escaped, and
//! characters XML 1.0 cannot carry are replaced by U+FFFD.

use std::io::{self, Write};

use super::escape::attr as xml_text;
use crate::check::{ExperimentResult, Outcome, Report};

fn evidence(r: &ExperimentResult) -> String {
    let mut lines: Vec<String> = r
        .reasons
        .iter()
        .map(|f| format!("{}: {}", f.outcome.name(), f.reason))
        .collect();
    if let Some(v) = &r.verdict {
        lines.push(format!("verdict: {v}"));
    }
    let m = crate::output::check_text::key_metrics(r);
    if !m.is_empty() {
        lines.push(format!("metrics: {m}"));
    }
    for i in &r.inputs {
        lines.push(format!("input: {i}"));
    }
    lines.join("\n")
}

/// Writes the whole JUnit document.
pub fn write(out: &mut dyn Write, report: &Report) -> io::Result<()> {
    let count = |o: Outcome| report.experiments.iter().filter(|e| e.outcome == o).count();
    let failures = count(Outcome::Fail) + count(Outcome::Inconclusive);
    // A serious discovery problem (an unreadable file, a refused tar entry, a symlink
    // loop) is an error test case of its own, so a CI page does not show all green.
    let problems: Vec<_> = report.problems.iter().filter(|p| p.serious).collect();
    let errors = count(Outcome::Error) + problems.len();
    let tests = report.experiments.len() + problems.len();
    let skipped = count(Outcome::Analysed);
    let time: f64 = report.experiments.iter().map(|e| e.analysis_s).sum();
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="watchtrail check" tests="{tests}" failures="{failures}" errors="{errors}">"#
    )?;
    writeln!(
        out,
        r#"  <testsuite name="{}" tests="{tests}" failures="{failures}" errors="{errors}" skipped="{skipped}" time="{time:.3}">"#,
        xml_text(&report.archives.join(" "))
    )?;
    for r in &report.experiments {
        write!(
            out,
            r#"    <testcase name="{}" classname="watchtrail" time="{:.3}""#,
            xml_text(&r.name),
            r.analysis_s
        )?;
        if r.outcome == Outcome::Pass {
            writeln!(out, "/>")?;
            continue;
        }
        if r.outcome == Outcome::Analysed {
            // Nothing was checked: a skip, not a pass.
            writeln!(
                out,
                ">\n      <skipped message=\"analysed: no expectation to check\">{}</skipped>\n    </testcase>",
                xml_text(&evidence(r))
            )?;
            continue;
        }
        writeln!(out, ">")?;
        let tag = if r.outcome == Outcome::Error {
            "error"
        } else {
            "failure"
        };
        let message: Vec<&str> = r.reasons.iter().map(|f| f.reason.as_str()).collect();
        writeln!(
            out,
            r#"      <{tag} message="{}" type="{}">{}</{tag}>"#,
            xml_text(&message.join("; ")),
            r.outcome.name(),
            xml_text(&evidence(r))
        )?;
        writeln!(out, "    </testcase>")?;
    }
    for p in problems {
        writeln!(
            out,
            r#"    <testcase name="{}" classname="watchtrail.problem" time="0">"#,
            xml_text(&p.path)
        )?;
        writeln!(
            out,
            r#"      <error message="{}" type="problem">{}</error>"#,
            xml_text(&p.reason),
            xml_text(&format!("{}: {}", p.path, p.reason))
        )?;
        writeln!(out, "    </testcase>")?;
    }
    writeln!(out, "  </testsuite>")?;
    writeln!(out, "</testsuites>")
}
