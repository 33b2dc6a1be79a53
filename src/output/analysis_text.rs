//! `analyze --format text`: what a person at a terminal wants first — the verdict in
//! one line, the metrics with their bounds, the phases on a compact timeline.
//! Colour only when asked (`--color`) or on a terminal without `NO_COLOR`.

use std::io::{self, Write};

use super::escape::terminal as safe;
use super::time::{human, human_duration};
use super::view::{metric_rows, phase_rows, View};
use crate::analysis::Scenario;

struct Paint {
    on: bool,
}

impl Paint {
    fn wrap(&self, code: &str, s: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
}

/// The text view's settings.
#[derive(Debug, Clone, Copy, Default)]
pub struct Text {
    /// ANSI colours.
    pub color: bool,
}

impl super::Render for Text {
    fn render(&self, view: &View<'_>, out: &mut dyn Write) -> io::Result<()> {
        write(out, view, self.color)
    }
}

fn write(out: &mut dyn Write, a: &View<'_>, color: bool) -> io::Result<()> {
    let p = Paint { on: color };
    let verdict_colour = match a.scenario {
        Scenario::NoFailure => "32",
        Scenario::Inconclusive => "33",
        _ => "1;36",
    };
    writeln!(out, "{}", p.wrap(verdict_colour, &safe(a.verdict)))?;
    writeln!(out, "{}", p.wrap("2", &safe(&a.origin.description)))?;
    if let Some(w) = &a.origin.wall_clock {
        writeln!(out, "{}", p.wrap("2", &format!("t = 0 is {w}")))?;
    }
    for (n, i) in a.incidents.iter().enumerate() {
        writeln!(out)?;
        let cands = if i.candidates.is_empty() {
            String::new()
        } else {
            format!(
                " (candidates: {})",
                View::candidate_names(&i.candidates, ", ")
            )
        };
        writeln!(
            out,
            "incident {}: node {} — {}{cands}",
            n + 1,
            safe(&i.node),
            i.scenario
        )?;
        writeln!(out, "  metrics")?;
        for m in metric_rows(&i.metrics) {
            let shown = m
                .value
                .as_ref()
                .map(human_duration)
                .unwrap_or_else(|| "—".into());
            writeln!(out, "    {:<34} {shown}", m.meaning)?;
        }
        writeln!(out, "  phases")?;
        for row in phase_rows(i) {
            let tag = row.tag;
            match row.phase {
                Some(ph) => {
                    writeln!(
                        out,
                        "    {} {:>12}  {}",
                        p.wrap("1", tag),
                        human(&ph.at),
                        safe(&ph.what)
                    )?;
                    for e in &ph.evidence {
                        writeln!(out, "      {}", p.wrap("2", &safe(e)))?;
                    }
                }
                None => writeln!(out, "    {} {:>12}  not seen", p.wrap("1", tag), "—")?,
            }
        }
        if !i.pods.is_empty() {
            writeln!(out, "  pods")?;
            for pod in &i.pods {
                let repl = pod
                    .replacement
                    .as_ref()
                    .map(|r| format!(" → {}", safe(r)))
                    .unwrap_or_default();
                let total = pod
                    .total_recovery_s
                    .as_ref()
                    .map(|t| format!(", recovered after {}", human_duration(t)))
                    .unwrap_or_default();
                writeln!(out, "    {} {}{repl}{total}", safe(&pod.name), pod.outcome)?;
            }
        }
        for f in &i.flags {
            writeln!(out, "  {} {}", p.wrap("33", "!"), safe(f))?;
        }
    }
    for w in a.warnings {
        writeln!(out, "{} {}", p.wrap("33", "warning:"), safe(w))?;
    }
    Ok(())
}
