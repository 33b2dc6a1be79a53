//! `timeline --format text`: one block per object, grouped nodes / workloads / pods,
//! states with their intervals written the way a person reads them.

use std::io::{self, Write};

use super::escape::terminal as safe;
use super::time::human;
use crate::tables::ResourceKind;
use crate::timeline::{ObjectTimeline, State, Timelines};

fn describe(s: &State) -> String {
    let mut parts = Vec::new();
    if let Some(st) = &s.status {
        parts.push(st.to_string());
    }
    if let Some([n, m]) = s.ready {
        parts.push(format!("{n}/{m} ready"));
    }
    if let Some(r) = s.restarts {
        if r > 0 {
            parts.push(format!("restarts {r}"));
        }
    }
    if let Some(ip) = &s.ip {
        parts.push(format!("ip {ip}"));
    }
    if let Some(n) = &s.node {
        parts.push(format!("on {n}"));
    }
    for (h, v) in s.cells.iter() {
        if matches!(&**h, "UP-TO-DATE" | "AVAILABLE" | "DESIRED" | "CURRENT") {
            parts.push(format!("{} {v}", h.to_lowercase()));
        }
    }
    safe(&parts.join(", ")).into_owned()
}

fn block(out: &mut dyn Write, o: &ObjectTimeline) -> io::Result<()> {
    let inc = if o.incarnation > 0 {
        format!(" (incarnation {})", o.incarnation + 1)
    } else {
        String::new()
    };
    let owner = o
        .owner
        .as_ref()
        .map(|k| format!(" — owned by {}", safe(&k.to_string())))
        .unwrap_or_default();
    writeln!(out, "{}{inc}{owner}", safe(&o.key.to_string()))?;
    if o.created.width().is_some_and(|w| w <= 3_600_000) {
        writeln!(out, "  created {}", human(&o.created))?;
    } else {
        writeln!(out, "  created long before the capture")?;
    }
    for s in &o.states {
        let age = s
            .since_created
            .get()
            .as_ref()
            .filter(|a| a.width().is_some_and(|w| w < 60_000))
            .map(|a| format!(" ({} after creation)", human(a).trim_start_matches('~')))
            .unwrap_or_default();
        // A first state seen in a list began at some time before its first line.
        // A first state seen in a list held by its first line, since some earlier time.
        let from = if s.from_is_event() {
            human(&s.from)
        } else {
            match s.from.upper() {
                Some(hi) => format!("by {}", super::time::clock(hi)),
                None => "by ?".into(),
            }
        };
        let touches = if s.touches.is_empty() {
            String::new()
        } else {
            format!(
                "  [{} unchanged line(s): {}]",
                s.touches.len(),
                s.touches
                    .iter()
                    .map(|t| human(&t.at))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        writeln!(out, "  {from:>14}  {}{age}{touches}", describe(s))?;
    }
    Ok(())
}

/// Writes the text view.
pub fn write(out: &mut dyn Write, t: &Timelines) -> io::Result<()> {
    writeln!(out, "{}", safe(&t.origin.description))?;
    if let Some(w) = &t.origin.wall_clock {
        writeln!(out, "t = 0 is {w}")?;
    }
    type Pick = fn(&ResourceKind) -> bool;
    let groups: [(&str, Pick); 3] = [
        ("nodes", |k| *k == ResourceKind::Node),
        ("workloads", |k| k.is_workload()),
        ("pods and others", |k| {
            *k != ResourceKind::Node && !k.is_workload()
        }),
    ];
    for (title, pick) in groups {
        let objs: Vec<&ObjectTimeline> = t.objects.iter().filter(|o| pick(&o.key.kind)).collect();
        if objs.is_empty() {
            continue;
        }
        writeln!(out, "\n== {title}")?;
        for o in objs {
            block(out, o)?;
        }
    }
    for i in &t.injections {
        writeln!(
            out,
            "\nfailure injected {}: {}",
            human(&i.at),
            safe(&i.line.to_string())
        )?;
    }
    if !t.links.is_empty() {
        writeln!(out, "\nlinks between streams:")?;
        for l in &t.links {
            let lines: Vec<String> = l
                .lines
                .iter()
                .map(|r| format!("{}:{}", safe(&r.source), r.line))
                .collect();
            writeln!(
                out,
                "  {} {} ({}){}",
                if l.used { "used   " } else { "DROPPED" },
                l.kind,
                lines.join(" ~ "),
                if l.used {
                    ""
                } else {
                    " — contradicted stronger evidence"
                }
            )?;
        }
    }
    for w in &t.warnings {
        writeln!(out, "warning: {}", safe(w))?;
    }
    Ok(())
}
