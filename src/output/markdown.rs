//! `analyze --format markdown` / `report -o x.md`: the same content for a PR or a lab note.

use std::io::{self, Write};

use super::analysis_text::metric_rows;
use crate::analysis::Analysis;
use crate::timeline::interval::{human, human_duration};

/// Markdown-escapes text from a transcript (table pipes, emphasis, HTML).
pub fn md(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '|' | '*' | '_' | '`' | '[' | ']' | '\\' | '#' => {
                o.push('\\');
                o.push(c);
            }
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '&' => o.push_str("&amp;"),
            c if c.is_control() => o.push(char::REPLACEMENT_CHARACTER),
            c => o.push(c),
        }
    }
    o
}

pub fn write(out: &mut dyn Write, a: &Analysis, svg_link: Option<&str>) -> io::Result<()> {
    writeln!(out, "# watchtrail: {}\n", md(&a.experiment))?;
    writeln!(out, "**Verdict:** {}\n", md(&a.verdict))?;
    writeln!(out, "{}", md(&a.origin.description))?;
    if let Some(w) = &a.origin.wall_clock {
        writeln!(out, " (t = 0 is {})", md(w))?;
    }
    writeln!(out)?;
    if let Some(svg) = svg_link {
        writeln!(out, "![timeline]({svg})\n")?;
    }
    for (n, i) in a.incidents.iter().enumerate() {
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
                i.candidates
                    .iter()
                    .map(|c| c.name())
                    .collect::<Vec<_>>()
                    .join(", ")
            )?;
        }
        writeln!(
            out,
            "| metric | meaning | interval | min s | max s |\n|---|---|---|---|---|"
        )?;
        for (key, label, v) in metric_rows(i) {
            let (shown, lo, hi) = match v {
                Some(v) => (
                    human_duration(&v),
                    v.lower()
                        .map(|x| format!("{:.3}", x as f64 / 1000.0))
                        .unwrap_or_default(),
                    v.upper()
                        .map(|x| format!("{:.3}", x as f64 / 1000.0))
                        .unwrap_or_default(),
                ),
                None => ("—".into(), String::new(), String::new()),
            };
            writeln!(out, "| `{key}` | {label} | {shown} | {lo} | {hi} |")?;
        }
        writeln!(out, "\n### Phases\n")?;
        for (tag, ph) in [
            ("F", &i.phases.F),
            ("E", &i.phases.E),
            ("R", &i.phases.R),
            ("N", &i.phases.N),
        ] {
            match ph {
                Some(ph) => {
                    writeln!(out, "- **{tag}** at {}: {}", human(&ph.at), md(&ph.what))?;
                    for e in &ph.evidence {
                        // A code span takes no escapes: keep it one span, and no control
                        // character (a file name can carry ESC) reaches a terminal.
                        let e = e.replace('`', "'");
                        writeln!(out, "  - `{}`", super::terminal::safe(&e))?;
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
    }
    if !a.warnings.is_empty() {
        writeln!(out, "## Warnings\n")?;
        for w in &a.warnings {
            writeln!(out, "- {}", md(w))?;
        }
        writeln!(out)?;
    }
    writeln!(
        out,
        "## Inputs\n\n| file | lines | rows | skipped |\n|---|---|---|---|"
    )?;
    for acc in &a.inputs {
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
