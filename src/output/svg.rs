//! `render -o FILE.svg`: the timeline picture, one lane per object on one clock.
//!
//! Written by hand rather than through plotters' chart API: every segment carries an
//! SVG `<title>` (hover text in a browser), lanes carry `class`/`data-*` attributes the
//! HTML report and tests rely on, and every byte is under our control — no font
//! library, no timestamp, no randomness, no hash-map order — so the same analysis
//! gives the same bytes on every machine. Everything from a transcript goes through
//! [`super::escape::xml`].
//!
//! What is drawn: state segments coloured by state (Okabe–Ito, colour-blind safe),
//! solid where the state certainly held and pale + hatched across an uncertain
//! boundary; unchanged lines (touches) as small ticks; the phases F/E/R/N as labelled
//! vertical markers across all lanes (a band as wide as their interval); the verdict
//! and metrics in the title; a legend; a time axis in `m:ss` from t = 0.

use std::fmt::Write as _;
use std::io::{self, Write};

use super::escape::xml;
use super::lanes::Row;
use super::svg_style::{category, legend, PHASE_COLOUR};
use super::time::{clock, human, human_duration};
use super::view::{metric_rows, seen_phases, View};
use crate::analysis::Analysis;
use crate::timeline::{Interval, ObjectTimeline, State};

const WIDTH: f64 = 1200.0;
pub(super) const LABEL_X: f64 = 12.0;
const PLOT_X0: f64 = 320.0;
const PLOT_X1: f64 = 1180.0;
const LANE_H: f64 = 20.0;
const BAR_H: f64 = 12.0;
const HEADING_H: f64 = 22.0;
const PHASE_ROW_H: f64 = 15.0;
const AXIS_H: f64 = 34.0;
const LABEL_CHARS: usize = 44;
const FONT: &str = "font-family=\"DejaVu Sans, Verdana, sans-serif\"";

/// The picture's clock range and its mapping to x.
struct Scale {
    lo: i64,
    hi: i64,
}

impl Scale {
    fn x(&self, ms: i64) -> f64 {
        let ms = ms.clamp(self.lo, self.hi);
        PLOT_X0 + (ms - self.lo) as f64 * (PLOT_X1 - PLOT_X0) / (self.hi - self.lo) as f64
    }

    /// x of the lower and upper bound, unknown sides clipped to the picture's edges.
    fn span(&self, i: &Interval) -> (f64, f64) {
        (
            self.x(i.lower().unwrap_or(self.lo)),
            self.x(i.upper().unwrap_or(self.hi)),
        )
    }
}

/// Coordinates with one decimal: stable text, small files.
pub(super) fn n(v: f64) -> String {
    format!("{v:.1}")
}

/// When a state is first known to hold: its event time, or its first line's.
fn first_known(s: &State) -> Interval {
    if s.from_is_event {
        s.from
    } else {
        Interval::point(s.from.max_ms)
    }
}

/// The clock range: t = 0, the times lines were certainly seen by (a first line's
/// upper bound, a last line's lower bound) and the phases. Wide intervals (a node
/// line whose AGE says only `2d5h`) do not stretch the picture; they run to its edge.
fn scale(a: &View<'_>) -> Scale {
    let mut lo: i64 = 0;
    let mut hi: i64 = 0;
    for o in a.objects {
        for s in &o.states {
            if let Some(v) = first_known(s).upper() {
                lo = lo.min(v);
            }
            for v in [s.last_seen.lower(), s.to.and_then(|t| t.lower())]
                .into_iter()
                .flatten()
            {
                hi = hi.max(v);
            }
        }
    }
    for i in a.incidents {
        for (_, p) in seen_phases(i) {
            if let (Some(l), Some(u)) = (p.at.lower(), p.at.upper()) {
                lo = lo.min(l);
                hi = hi.max(u);
            }
        }
    }
    let pad = ((hi - lo) / 50).max(1000);
    Scale {
        lo: lo - pad,
        hi: hi + pad,
    }
}

/// The verdict and key metrics for the picture's title lines.
fn title_lines(a: &View<'_>) -> Vec<String> {
    let mut lines = vec![format!("{} — {}", a.experiment, a.verdict)];
    for i in a.incidents.iter().take(3) {
        let metrics: Vec<String> = metric_rows(&i.metrics)
            .into_iter()
            .filter_map(|m| {
                m.value
                    .map(|v| format!("{} {}", m.short(), human_duration(&v)))
            })
            .collect();
        let shown = if metrics.is_empty() {
            "no metric measurable".to_string()
        } else {
            metrics.join(" · ")
        };
        lines.push(format!("node {}: {shown}", i.node));
    }
    if a.incidents.len() > 3 {
        lines.push(format!("… and {} more incidents", a.incidents.len() - 3));
    }
    lines
}

fn truncate(s: &str) -> String {
    if s.chars().count() <= LABEL_CHARS {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(LABEL_CHARS - 1).collect();
        t.push('…');
        t
    }
}

fn describe(s: &State) -> String {
    let mut parts = vec![category(s).label().to_string()];
    if let Some(st) = &s.status {
        parts[0] = st.to_string();
    }
    if let Some([r, m]) = s.ready {
        parts.push(format!("{r}/{m} ready"));
    }
    if let Some(r) = s.restarts.filter(|r| *r > 0) {
        parts.push(format!("restarts {r}"));
    }
    if let Some(node) = &s.node {
        parts.push(format!("on {node}"));
    }
    parts.join(", ")
}

fn object_label(o: &ObjectTimeline) -> String {
    let name = match o.key.kind {
        crate::tables::ResourceKind::Pod | crate::tables::ResourceKind::Node => {
            o.key.name.to_string()
        }
        _ => format!("{} {}", o.key.kind, o.key.name),
    };
    let ns = o
        .key
        .namespace
        .as_ref()
        .map(|n| format!("{n}/"))
        .unwrap_or_default();
    if o.incarnation > 0 {
        format!("{ns}{name} (#{})", o.incarnation + 1)
    } else {
        format!("{ns}{name}")
    }
}

/// One state's segment: pale across everything it may cover, solid where certain,
/// hatched over its uncertain start (and end, for the last state).
fn segment(svg: &mut String, sc: &Scale, y: f64, s: &State, last: bool) {
    let start = if s.from_is_event {
        s.from
    } else {
        // Began at some time between the object's creation and its first line.
        Interval::new(s.from.min_ms, s.from.max_ms)
    };
    let end = s.to.unwrap_or(s.last_seen);
    let cat = category(s);
    let (s0, s1) = sc.span(&start);
    let (e0, e1) = sc.span(&end);
    let first = s
        .lines
        .first()
        .map(|l| format!("\n{l}"))
        .unwrap_or_default();
    let _ = write!(
        svg,
        "<g class=\"seg\" data-state=\"{}\"><title>{} · from {} to {}{}</title>",
        cat.label(),
        xml(&describe(s)),
        xml(&human(&start)),
        xml(&human(&end)),
        xml(&first)
    );
    let bar_y = y + (LANE_H - BAR_H) / 2.0;
    let _ = write!(
        svg,
        "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\" fill-opacity=\"0.35\"/>",
        n(s0),
        n(bar_y),
        n((e1 - s0).max(1.0)),
        n(BAR_H),
        cat.colour()
    );
    if e0 > s1 {
        let _ = write!(
            svg,
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"/>",
            n(s1),
            n(bar_y),
            n(e0 - s1),
            n(BAR_H),
            cat.colour()
        );
    }
    let mut hatch = |a: f64, b: f64| {
        if b - a >= 1.0 {
            let _ = write!(
                svg,
                "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"url(#unsure)\"/>",
                n(a),
                n(bar_y),
                n(b - a),
                n(BAR_H)
            );
        }
    };
    hatch(s0, s1);
    if last {
        hatch(e0, e1);
    }
    svg.push_str("</g>");
}

/// Touches: a tick where the line's time is known to a few seconds; a whisker with
/// end caps across the interval where it is not (a tick at a wide interval's middle
/// would claim a precision the transcript does not have).
fn touches(svg: &mut String, sc: &Scale, y: f64, s: &State) {
    for t in &s.touches {
        let (a, b) = sc.span(&t.at);
        let _ = write!(
            svg,
            "<g class=\"touch\"><title>unchanged line at {} (something hidden changed)\n{}</title>",
            xml(&human(&t.at)),
            xml(&t.line.to_string()),
        );
        let (top, low) = (y + 2.0, y + LANE_H - 2.0);
        if t.at.width().is_some_and(|w| w <= 30_000) || b - a < 3.0 {
            let m = n((a + b) / 2.0);
            let _ = write!(
                svg,
                "<line x1=\"{m}\" y1=\"{}\" x2=\"{m}\" y2=\"{}\" stroke=\"#000\" stroke-width=\"1.5\"/>",
                n(top),
                n(low)
            );
        } else {
            let _ = write!(
                svg,
                "<path d=\"M{a} {c}V{low}H{b}V{c}\" fill=\"none\" stroke=\"#000\" stroke-width=\"1\"/>",
                a = n(a),
                b = n(b),
                c = n(low - 5.0),
                low = n(low)
            );
        }
        svg.push_str("</g>");
    }
}

fn object_lane(svg: &mut String, sc: &Scale, y: f64, o: &ObjectTimeline, indent: bool) {
    let _ = write!(
        svg,
        "<g class=\"lane\" data-kind=\"{}\" data-object=\"{}\">",
        xml(o.key.kind.as_str()),
        xml(&o.key.name)
    );
    let label = object_label(o);
    let _ = write!(
        svg,
        "<text x=\"{}\" y=\"{}\" font-size=\"12\"><title>{}</title>{}</text>",
        n(LABEL_X + if indent { 14.0 } else { 0.0 }),
        n(y + LANE_H / 2.0 + 4.0),
        xml(&o.key.to_string()),
        xml(&truncate(&label))
    );
    let count = o.states.len();
    for (k, s) in o.states.iter().enumerate() {
        segment(svg, sc, y, s, k + 1 == count);
    }
    for s in &o.states {
        touches(svg, sc, y, s);
    }
    svg.push_str("</g>\n");
}

fn folded_lane(svg: &mut String, sc: &Scale, y: f64, pods: &[&ObjectTimeline]) {
    let mut lo = i64::MAX;
    let mut hi = i64::MIN;
    let mut by_state = std::collections::BTreeMap::<&str, usize>::new();
    for p in pods {
        if let Some(s) = p.states.first() {
            lo = lo.min(first_known(s).min_ms);
        }
        hi = hi.max(p.last().last_seen.upper().unwrap_or(sc.hi));
        *by_state.entry(category(p.last()).label()).or_default() += 1;
    }
    let counts: Vec<String> = by_state.iter().map(|(k, v)| format!("{k} ×{v}")).collect();
    let _ = writeln!(
        svg,
        "<g class=\"lane folded\" data-pods=\"{}\"><title>{} pods no incident touched, last seen as: {}</title>\
         <text x=\"{}\" y=\"{}\" font-size=\"12\" font-style=\"italic\">{} other pods (unaffected)</text>\
         <rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#999999\" fill-opacity=\"0.6\"/></g>",
        pods.len(),
        pods.len(),
        xml(&counts.join(", ")),
        n(LABEL_X),
        n(y + LANE_H / 2.0 + 4.0),
        pods.len(),
        n(sc.x(lo)),
        n(y + (LANE_H - BAR_H) / 2.0),
        n((sc.x(hi) - sc.x(lo)).max(1.0)),
        n(BAR_H)
    );
}

fn tick_step(span_ms: i64) -> i64 {
    const STEPS_S: [i64; 14] = [
        1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200,
    ];
    STEPS_S
        .iter()
        .map(|s| s * 1000)
        .find(|s| span_ms / s <= 12)
        .unwrap_or(span_ms / 12 + 1)
}

fn axis(svg: &mut String, sc: &Scale, top: f64, bottom: f64) {
    let step = tick_step(sc.hi - sc.lo);
    let mut t = sc.lo.div_euclid(step) * step;
    if t < sc.lo {
        t += step;
    }
    svg.push_str("<g class=\"axis\">");
    while t <= sc.hi {
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
        t += step;
    }
    let _ = writeln!(
        svg,
        "<text x=\"{}\" y=\"{}\" font-size=\"11\" text-anchor=\"end\">time since t = 0 (m:ss)</text></g>",
        n(PLOT_X1),
        n(bottom + 30.0)
    );
}

/// Phase labels with their x centre, text and label row: greedily the first row where
/// the label does not overlap the one before it.
fn phase_labels(a: &View<'_>, sc: &Scale) -> Vec<(usize, &'static str, f64, String, usize)> {
    let mut labels = Vec::new();
    for (k, i) in a.incidents.iter().enumerate() {
        for (row, p) in seen_phases(i) {
            let (tag, name) = (row.tag, row.name);
            let (x0, x1) = sc.span(&p.at);
            let label = format!("{tag} {name} {}", human(&p.at));
            let label = if a.incidents.len() > 1 {
                format!("{label} (incident {})", k + 1)
            } else {
                label
            };
            labels.push((k, tag, (x0 + x1) / 2.0, label, 0));
        }
    }
    labels.sort_by(|a, b| a.2.total_cmp(&b.2));
    let mut row_end: Vec<f64> = Vec::new();
    for l in &mut labels {
        let half = l.3.chars().count() as f64 * 3.4 + 6.0;
        let mid = l.2.clamp(PLOT_X0 + half, PLOT_X1 - half);
        l.2 = mid;
        let row = row_end
            .iter()
            .position(|end| *end < mid - half)
            .unwrap_or(row_end.len());
        if row == row_end.len() {
            row_end.push(0.0);
        }
        row_end[row] = mid + half;
        l.4 = row;
    }
    labels
}

fn phase_markers(svg: &mut String, a: &View<'_>, sc: &Scale, label_top: f64, bottom: f64) {
    let labels = phase_labels(a, sc);
    let label_rows = labels.iter().map(|l| l.4 + 1).max().unwrap_or(0);
    let lanes_top = label_top + label_rows as f64 * PHASE_ROW_H;
    for (k, i) in a.incidents.iter().enumerate() {
        for (row, p) in seen_phases(i) {
            let (tag, name) = (row.tag, row.name);
            let (x0, x1) = sc.span(&p.at);
            let Some((_, _, mid, label, row)) = labels.iter().find(|l| l.0 == k && l.1 == tag)
            else {
                continue;
            };
            let _ = write!(
                svg,
                "<g class=\"phase\" data-phase=\"{tag}\"><title>{name} at {}: {}{}</title>",
                xml(&human(&p.at)),
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
                    "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{PHASE_COLOUR}\" fill-opacity=\"0.12\" \
                     stroke=\"{PHASE_COLOUR}\" stroke-dasharray=\"3 2\" stroke-width=\"1\"/>",
                    n(x0),
                    n(lanes_top),
                    n(x1 - x0),
                    n(bottom - lanes_top)
                );
            } else {
                let _ = write!(
                    svg,
                    "<line x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{}\" stroke=\"{PHASE_COLOUR}\" stroke-width=\"2\"/>",
                    n(lanes_top),
                    n(bottom),
                    x = n((x0 + x1) / 2.0)
                );
            }
            let _ = writeln!(
                svg,
                "<text x=\"{}\" y=\"{}\" font-size=\"11\" font-weight=\"bold\" text-anchor=\"middle\" fill=\"{PHASE_COLOUR}\">{}</text></g>",
                n(*mid),
                n(label_top + *row as f64 * PHASE_ROW_H + 11.0),
                xml(label)
            );
        }
    }
}

/// The SVG picture.
#[derive(Debug, Clone, Copy, Default)]
pub struct Svg;

impl super::Render for Svg {
    fn render(&self, view: &View<'_>, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(render_view(view).as_bytes())
    }
}

/// Renders an analysis' picture as an SVG document (no XML declaration, so it can be
/// inlined).
pub fn render(a: &Analysis) -> String {
    render_view(&View::new(a))
}

/// Renders the picture of a view.
pub fn render_view(a: &View<'_>) -> String {
    let sc = scale(a);
    let rows = &a.lanes;
    let titles = title_lines(a);
    let legend_y = 20.0 + titles.len() as f64 * 18.0 + 10.0;
    let phase_top = legend_y + 28.0;
    let label_rows = phase_labels(a, &sc)
        .iter()
        .map(|l| l.4 + 1)
        .max()
        .unwrap_or(0);
    let lanes_top = phase_top + label_rows as f64 * PHASE_ROW_H;
    let lanes_h: f64 = rows
        .iter()
        .map(|r| match r {
            Row::Heading(_) => HEADING_H,
            _ => LANE_H,
        })
        .sum();
    let bottom = lanes_top + lanes_h;
    let height = bottom + AXIS_H + 8.0;
    let mut svg = String::with_capacity(4096 + rows.len() * 600);
    let _ = write!(
        svg,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"watchtrail-timeline\" width=\"{w}\" height=\"{h}\" \
         viewBox=\"0 0 {w} {h}\" {FONT}>\n\
         <title>{}</title>\n\
         <defs><pattern id=\"unsure\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">\
         <line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#333333\" stroke-width=\"1.2\"/></pattern></defs>\n\
         <rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n",
        xml(&titles[0]),
        w = n(WIDTH),
        h = n(height),
    );
    for (k, line) in titles.iter().enumerate() {
        let (size, weight) = if k == 0 { (15, "bold") } else { (12, "normal") };
        let _ = writeln!(
            svg,
            "<text class=\"title\" x=\"{}\" y=\"{}\" font-size=\"{size}\" font-weight=\"{weight}\">{}</text>",
            n(LABEL_X),
            n(20.0 + k as f64 * 18.0),
            xml(line)
        );
    }
    legend(&mut svg, legend_y);
    axis(&mut svg, &sc, lanes_top, bottom);
    let mut y = lanes_top;
    let mut shade = false;
    for r in rows {
        match r {
            Row::Heading(h) => {
                let _ = writeln!(
                    svg,
                    "<text class=\"heading\" x=\"{}\" y=\"{}\" font-size=\"12\" font-weight=\"bold\" fill=\"#333333\">{}</text>",
                    n(LABEL_X),
                    n(y + HEADING_H - 6.0),
                    xml(&truncate(h))
                );
                y += HEADING_H;
                shade = false;
            }
            Row::Object(o) => {
                if shade {
                    let _ = write!(
                        svg,
                        "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#000000\" fill-opacity=\"0.04\"/>",
                        n(LABEL_X),
                        n(y),
                        n(PLOT_X1 - LABEL_X),
                        n(LANE_H)
                    );
                }
                object_lane(&mut svg, &sc, y, o, true);
                y += LANE_H;
                shade = !shade;
            }
            Row::Folded(pods) => {
                folded_lane(&mut svg, &sc, y, pods);
                y += LANE_H;
            }
        }
    }
    phase_markers(&mut svg, a, &sc, phase_top, bottom);
    svg.push_str("</svg>\n");
    svg
}
