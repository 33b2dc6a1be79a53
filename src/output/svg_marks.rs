//! The marks over the picture's lanes: the time axis with its compressed stretches,
//! and the phases F/E/R/N, each a band in its own colour with its label tied to it.

use std::fmt::Write as _;

use super::escape::xml;
use super::svg::{n, PHASE_ROW_H, PLOT_X0, PLOT_X1};
use super::svg_scale::Scale;
use super::svg_style::phase_colour;
use super::time::{clock, human};
use super::view::{seen_phases, View};

/// The time axis: ticks in the linear pieces, and each compressed stretch marked on
/// the axis and across the lanes with how long it is (or that it precedes the capture).
pub(super) fn axis(svg: &mut String, sc: &Scale, top: f64, bottom: f64) {
    svg.push_str("<g class=\"axis\">");
    for t in sc.ticks(44.0) {
        let x = n(sc.x(t));
        let colour = if t == 0 { "#555555" } else { "#dddddd" };
        let _ = write!(
            svg,
            "<line x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{}\" stroke=\"{colour}\"/>\
             <text x=\"{x}\" y=\"{}\" font-size=\"11\" text-anchor=\"middle\">{}</text>",
            n(top),
            n(bottom + 4.0),
            n(bottom + 16.0),
            clock(t)
        );
    }
    let _ = writeln!(
        svg,
        "<text x=\"{}\" y=\"{}\" font-size=\"11\" text-anchor=\"end\">time since t = 0 (m:ss); \
         zigzags mark compressed stretches</text></g>",
        n(PLOT_X1),
        n(bottom + 42.0)
    );
}

/// Each compressed stretch, over the lanes (drawn after them): a veil, a zigzag on
/// the axis, and how long it is or that it precedes the capture.
pub(super) fn breaks(svg: &mut String, sc: &Scale, capture_start: i64, top: f64, bottom: f64) {
    for b in sc.breaks() {
        let what = if b.t1 <= capture_start {
            "before the capture".to_string()
        } else {
            format!("{} quiet", rough(b.t1 - b.t0))
        };
        let mid = (b.x0 + b.x1) / 2.0;
        let _ = write!(
            svg,
            "<g class=\"break\"><title>axis compressed: {} to {}, {what}</title>\
             <rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#ffffff\" fill-opacity=\"0.7\"/>\
             <path d=\"M{} {}l4 -6l4 12l4 -12l4 12l4 -6\" fill=\"none\" stroke=\"#555555\"/>\
             <text x=\"{}\" y=\"{}\" font-size=\"9\" text-anchor=\"middle\" fill=\"#555555\">{}</text></g>",
            clock(b.t0),
            clock(b.t1),
            n(b.x0 + 2.0),
            n(top),
            n(b.x1 - b.x0 - 4.0),
            n(bottom - top),
            n(mid - 12.0),
            n(bottom + 6.0),
            n(mid),
            n(bottom + 28.0),
            xml(&what)
        );
    }
}

/// How long a compressed stretch is, roughly: `90 s`, `5 min`, `2 h 5 min`.
fn rough(ms: i64) -> String {
    let s = ms / 1000;
    match s {
        s if s < 120 => format!("{s} s"),
        s if s < 7200 => format!("{} min", (s + 30) / 60),
        s => format!("{} h {} min", s / 3600, (s % 3600 + 30) / 60),
    }
}

/// The picture marks the phases of this many incidents at most (a soak has
/// thousands: their labels would be a wall of text over the lanes); the reports
/// list every incident.
pub(crate) const PHASE_INCIDENTS: usize = 12;

/// A phase's label: which incident and phase, the band's x range, the label's centre
/// and text, and its row above the lanes.
pub(super) struct Label {
    incident: usize,
    tag: &'static str,
    band: (f64, f64),
    mid: f64,
    text: String,
    pub(super) row: usize,
}

/// Phase labels, greedily in the first row where a label does not overlap the one
/// before it; each is later tied to its band by a leader line.
pub(super) fn phase_labels(a: &View<'_>, sc: &Scale) -> Vec<Label> {
    let mut labels = Vec::new();
    for (k, i) in a.incidents.iter().enumerate().take(PHASE_INCIDENTS) {
        for (row, p) in seen_phases(i) {
            let band = sc.span(&p.at);
            let mut text = format!("{} {} {}", row.tag, row.name, human(&p.at));
            if a.incidents.len() > 1 {
                text = format!("{text} (incident {})", k + 1);
            }
            labels.push(Label {
                incident: k,
                tag: row.tag,
                band,
                mid: (band.0 + band.1) / 2.0,
                text,
                row: 0,
            });
        }
    }
    labels.sort_by(|a, b| a.mid.total_cmp(&b.mid));
    let mut row_end: Vec<f64> = Vec::new();
    for l in &mut labels {
        let half = l.text.chars().count() as f64 * 3.4 + 6.0;
        l.mid = l.mid.clamp(PLOT_X0 + half, PLOT_X1 - half);
        let row = row_end
            .iter()
            .position(|end| *end < l.mid - half)
            .unwrap_or(row_end.len());
        if row == row_end.len() {
            row_end.push(0.0);
        }
        row_end[row] = l.mid + half;
        l.row = row;
    }
    labels
}

/// Each phase: a band in its own colour as wide as its interval (a line when narrow),
/// its label above the lanes, and a leader line from the label to the band.
pub(super) fn phase_markers(
    svg: &mut String,
    a: &View<'_>,
    sc: &Scale,
    label_top: f64,
    bottom: f64,
) {
    let labels = phase_labels(a, sc);
    let label_rows = labels.iter().map(|l| l.row + 1).max().unwrap_or(0);
    let lanes_top = label_top + label_rows as f64 * PHASE_ROW_H;
    for (k, i) in a.incidents.iter().enumerate().take(PHASE_INCIDENTS) {
        for (row, p) in seen_phases(i) {
            let (tag, name) = (row.tag, row.name);
            let Some(l) = labels.iter().find(|l| l.incident == k && l.tag == tag) else {
                continue;
            };
            let (x0, x1) = l.band;
            let c = phase_colour(tag);
            let _ = write!(
                svg,
                "<g class=\"phase\" data-phase=\"{tag}\"><title>{name} at {} ({}): {}{}</title>",
                xml(&human(&p.at)),
                super::time::certainty(&p.at),
                xml(&p.what),
                xml(&p
                    .evidence
                    .iter()
                    .map(|e| format!("\n{e}"))
                    .collect::<String>())
            );
            if x1 - x0 >= 2.0 {
                let _ = write!(
                    svg,
                    "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{c}\" fill-opacity=\"0.12\" \
                     stroke=\"{c}\" stroke-dasharray=\"3 2\" stroke-width=\"1.2\"/>",
                    n(x0),
                    n(lanes_top),
                    n(x1 - x0),
                    n(bottom - lanes_top)
                );
            } else {
                let _ = write!(
                    svg,
                    "<line x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{}\" stroke=\"{c}\" stroke-width=\"2\"/>",
                    n(lanes_top),
                    n(bottom),
                    x = n((x0 + x1) / 2.0)
                );
            }
            let text_y = label_top + l.row as f64 * PHASE_ROW_H + 11.0;
            let _ = writeln!(
                svg,
                "<path d=\"M{} {}L{} {}\" stroke=\"{c}\" stroke-width=\"1\" fill=\"none\"/>\
                 <text x=\"{}\" y=\"{}\" font-size=\"11\" font-weight=\"bold\" text-anchor=\"middle\" fill=\"{c}\">{}</text></g>",
                n(l.mid),
                n(text_y + 2.0),
                n((x0 + x1) / 2.0),
                n(lanes_top),
                n(l.mid),
                n(text_y),
                xml(&l.text)
            );
        }
    }
}
