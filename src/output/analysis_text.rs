//! `analyze --format text`: the story of the experiment for a person at a terminal —
//! the verdict in one line, then per incident the steps F, E, R, N in the order they
//! happened, each with its interval and how sure it is, a one-line legend, the
//! metrics, and what became of the pods. Evidence lines are cut to the terminal's
//! width (whole with `-v`); `--quiet` prints the verdict line only. Colour only when
//! asked (`--color`) or on a terminal without `NO_COLOR`.

use std::io::{self, Write};

use super::escape::terminal as safe;
use super::time::{human, human_duration, window};
use super::view::{fit, in_time_order, metric_rows, View};
use crate::analysis::{Incident, Scenario};

/// The one-line legend under the verdict.
pub const LEGEND: &str = "F failure detected · E eviction started · R replacement ready · \
                          N node back · ~ to the second · — not seen";

/// The text view's settings.
#[derive(Debug, Clone, Copy, Default)]
pub struct Text {
    /// ANSI colours.
    pub color: bool,
    /// Evidence lines whole, however wide.
    pub verbose: bool,
    /// Cut evidence lines to this many characters (the terminal's width).
    pub width: Option<usize>,
    /// The verdict line only.
    pub quiet: bool,
}

impl super::Render for Text {
    fn render(&self, view: &View<'_>, out: &mut dyn Write) -> io::Result<()> {
        write(out, view, self)
    }
}

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

/// Where N came from, when not from the node's own Ready line alone.
fn n_note(i: &Incident) -> Option<&'static str> {
    let n = i.phases.N.as_ref()?;
    if !n.what.contains("returning kubelet") {
        return None;
    }
    Some(if i.metrics.node_down_s.is_some() {
        "N is a pod line written by the returning kubelet, before the node's Ready line \
         (node NotReady → Ready again ends at the Ready line)"
    } else {
        "N is a pod line written by the returning kubelet; no node Ready line was seen"
    })
}

fn steps(out: &mut dyn Write, i: &Incident, p: &Paint, t: &Text) -> io::Result<()> {
    writeln!(out, "  steps, in the order they happened")?;
    let width = if t.verbose { None } else { t.width };
    for row in in_time_order(i) {
        let tag = p.wrap("1", row.tag);
        match row.phase {
            Some(ph) => {
                writeln!(
                    out,
                    "    {tag} {:>12}  {:<16} {}: {}",
                    human(&ph.at),
                    window(&ph.at),
                    row.name,
                    safe(&ph.what)
                )?;
                for e in &ph.evidence {
                    let line = fit(&format!("      {}", safe(&e.to_string())), width);
                    writeln!(out, "{}", p.wrap("2", &line))?;
                }
            }
            None => writeln!(
                out,
                "    {tag} {:>12}  {:<16} {}: not seen",
                "—", "", row.name
            )?,
        }
    }
    if let Some(note) = n_note(i) {
        writeln!(out, "    {}", p.wrap("2", note))?;
    }
    Ok(())
}

fn incident(out: &mut dyn Write, n: usize, i: &Incident, p: &Paint, t: &Text) -> io::Result<()> {
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
    steps(out, i, p, t)?;
    writeln!(out, "  metrics")?;
    for m in metric_rows(&i.metrics) {
        let shown = m
            .value
            .as_ref()
            .map(human_duration)
            .unwrap_or_else(|| "—".into());
        writeln!(out, "    {:<4} {:<34} {shown}", m.span, m.meaning)?;
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
    Ok(())
}

fn write(out: &mut dyn Write, a: &View<'_>, t: &Text) -> io::Result<()> {
    let p = Paint { on: t.color };
    let verdict_colour = match a.scenario {
        Scenario::NoFailure => "32",
        Scenario::Inconclusive => "33",
        _ => "1;36",
    };
    writeln!(out, "{}", p.wrap(verdict_colour, &safe(a.verdict)))?;
    if t.quiet {
        return Ok(());
    }
    writeln!(out, "{}", p.wrap("2", &safe(&a.origin.description)))?;
    if let Some(w) = &a.origin.wall_clock {
        writeln!(out, "{}", p.wrap("2", &format!("t = 0 is {w}")))?;
    }
    if !a.incidents.is_empty() {
        writeln!(out, "{}", p.wrap("2", LEGEND))?;
    }
    for (n, i) in a.incidents.iter().enumerate() {
        incident(out, n, i, &p, t)?;
    }
    for w in a.warnings {
        writeln!(out, "{} {}", p.wrap("33", "warning:"), safe(w))?;
    }
    Ok(())
}
