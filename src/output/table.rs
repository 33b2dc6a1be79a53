//! `parse --format table`: observations aligned for people.

use std::io::{self, Write};

use super::escape::terminal as safe;
use crate::observe::Observation;

/// Writes one aligned line per observation: where, kind, name, status, ready,
/// restarts, age interval, node.
pub fn write_observations(out: &mut dyn Write, obs: &[Observation]) -> io::Result<()> {
    let header = [
        "SOURCE:LINE",
        "STREAM",
        "KIND",
        "NAME",
        "STATUS",
        "READY",
        "RESTARTS",
        "AGE",
        "AGE [s]",
        "IP",
        "NODE",
    ];
    let rows: Vec<[String; 11]> = obs
        .iter()
        .map(|o| {
            [
                format!("{}:{}", o.source, o.line),
                o.stream.to_string(),
                o.kind().to_string(),
                match &o.namespace {
                    Some(ns) => format!("{ns}/{}", o.name()),
                    None => o.name().to_string(),
                },
                o.status().unwrap_or("-").to_string(),
                o.ready
                    .map(|[n, m]| format!("{n}/{m}"))
                    .unwrap_or_else(|| "-".into()),
                o.restarts
                    .map(|count| match o.restarts_ago_text() {
                        Some(ago) => format!("{count} ({ago} ago)"),
                        None => count.to_string(),
                    })
                    .unwrap_or_else(|| "-".into()),
                o.age_text().unwrap_or("-").to_string(),
                o.age
                    .as_ref()
                    .map(|a| match (a.min_s(), a.max_s()) {
                        (Some(lo), Some(hi)) => format!("[{lo},{hi}]"),
                        (None, Some(hi)) => format!("(..,{hi}]"),
                        _ => "?".into(),
                    })
                    .unwrap_or_else(|| "-".into()),
                o.ip().unwrap_or("-").to_string(),
                o.node().unwrap_or("-").to_string(),
            ]
        })
        .collect();
    let mut widths = header.map(|h| h.chars().count());
    for r in &rows {
        for (w, c) in widths.iter_mut().zip(r) {
            *w = (*w).max(safe(c).chars().count());
        }
    }
    let mut line = |cells: &[&str]| -> io::Result<()> {
        let mut s = String::new();
        for (i, (c, w)) in cells.iter().zip(widths).enumerate() {
            let c = safe(c);
            s.push_str(&c);
            if i + 1 < cells.len() {
                s.extend(std::iter::repeat_n(' ', w - c.chars().count() + 2));
            }
        }
        writeln!(out, "{s}")
    };
    line(&header)?;
    for r in &rows {
        line(&r.iter().map(String::as_str).collect::<Vec<_>>())?;
    }
    Ok(())
}
