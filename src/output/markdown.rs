//! `analyze --format markdown` / `report -o x.md`: the same content for a PR or a lab note.

use std::io::{self, Write};

use super::escape::{md, terminal};
use super::time::{human, human_duration, seconds};
use super::view::{in_time_order, metric_rows, View};
use crate::analysis::Incident;

/// The Markdown writer; `svg_link` is the picture written beside the page.
#[derive(Debug, Clone, Default)]
pub struct Markdown {
    /// The file name of the SVG picture to link, when one is written beside the page.
    pub svg_link: Option<String>,
}

impl super::Render for Markdown {
    fn render(&self, view: &View<'_>, out: &mut dyn Write) -> io::Result<()> {
        write(out, view, self.svg_link.as_deref())
    }
}

fn write(out: &mut dyn Write, a: &View<'_>, svg_link: Option<&str>) -> io::Result<()> {
    writeln!(out, "# watchtrail: {}\n", md(a.experiment))?;
    writeln!(out, "**Verdict:** {}\n", md(a.verdict))?;
    writeln!(out, "{}", md(&a.origin.description))?;
    if let Some(w) = &a.origin.wall_clock {
        writeln!(out, " (t = 0 is {})", md(w))?;
    }
    writeln!(out)?;
    if let Some(svg) = svg_link {
        writeln!(out, "![timeline]({svg})\n")?;
    }
    for (n, i) in a.incidents.iter().enumerate() {
        incident(out, n, i)?;
    }
    if !a.warnings.is_empty() {
        writeln!(out, "## Warnings\n")?;
        for w in a.warnings {
            writeln!(out, "- {}", md(w))?;
        }
        writeln!(out)?;
    }
    writeln!(
        out,
        "## Inputs\n\n| file | lines | rows | skipped |\n|---|---|---|---|"
    )?;
    for acc in a.inputs {
        writeln!(
            out,
            "| {} | {} | {} | {} |",
            md(&acc.source),
            acc.lines,
            acc.rows,
            acc.skipped
        )?;
    }
    Ok(())
}

/// Incident `n` (from 0): its metrics, phases with their evidence, pods and flags.
fn incident(out: &mut dyn Write, n: usize, i: &Incident) -> io::Result<()> {
    writeln!(
        out,
        "## Incident {}: node {} — {}\n",
        n + 1,
        md(&i.node),
        i.scenario
    )?;
    if !i.candidates.is_empty() {
        writeln!(
            out,
            "Order of phases not proven; candidates: {}\n",
            View::candidate_names(&i.candidates, ", ")
        )?;
    }
    writeln!(
        out,
        "| metric | meaning | interval | min s | max s |\n|---|---|---|---|---|"
    )?;
    for m in metric_rows(&i.metrics) {
        let (shown, lo, hi) = match m.value {
            Some(v) => (human_duration(&v), seconds(v.lower()), seconds(v.upper())),
            None => ("—".into(), String::new(), String::new()),
        };
        writeln!(
            out,
            "| `{}` | {} | {shown} | {lo} | {hi} |",
            m.key, m.meaning
        )?;
    }
    writeln!(out, "\n### Phases\n")?;
    for row in in_time_order(i) {
        let tag = row.tag;
        match row.phase {
            Some(ph) => {
                writeln!(out, "- **{tag}** at {}: {}", human(&ph.at), md(&ph.what))?;
                for e in &ph.evidence {
                    // A code span takes no escapes: keep it one span, and no control
                    // character (a file name can carry ESC) reaches a terminal.
                    let e = e.to_string().replace('`', "'");
                    writeln!(out, "  - `{}`", terminal(&e))?;
                }
            }
            None => writeln!(out, "- **{tag}**: not seen")?,
        }
    }
    if !i.pods.is_empty() {
        writeln!(
            out,
            "\n### Pods\n\n| pod | outcome | replacement | total recovery |\n|---|---|---|---|"
        )?;
        for p in &i.pods {
            writeln!(
                out,
                "| {} | {} | {} | {} |",
                md(&p.name),
                p.outcome,
                p.replacement.as_deref().map(md).unwrap_or_default(),
                p.total_recovery_s
                    .as_ref()
                    .map(human_duration)
                    .unwrap_or_default()
            )?;
        }
    }
    for f in &i.flags {
        writeln!(out, "\n> ⚠ {}", md(f))?;
    }
    writeln!(out)?;
    Ok(())
}
