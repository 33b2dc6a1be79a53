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
use super::lanes::{Fold, Row};
use super::svg_marks::{axis, breaks, phase_labels, phase_markers, PHASE_INCIDENTS};
use super::svg_scale::Scale;
use super::svg_style::{category, legend};
use super::time::{clock, human, human_duration};
use super::view::{fit, metric_rows, seen_phases, View};
use crate::analysis::Analysis;
use crate::timeline::{End, Interval, ObjectTimeline, State};

const WIDTH: f64 = 1000.0;
pub(super) const LABEL_X: f64 = 12.0;
pub(super) const PLOT_X0: f64 = 270.0;
pub(super) const PLOT_X1: f64 = 980.0;
const LANE_H: f64 = 20.0;
const BAR_H: f64 = 12.0;
const HEADING_H: f64 = 22.0;
pub(super) const PHASE_ROW_H: f64 = 15.0;
const AXIS_H: f64 = 48.0;
const LABEL_CHARS: usize = 33;
/// A group heading has a row of its own: it may run over the plot.
const HEADING_CHARS: usize = 80;
const FONT: &str = "font-family=\"DejaVu Sans, Verdana, sans-serif\"";

/// Coordinates with one decimal: stable text, small files.
pub(super) fn n(v: f64) -> String {
    format!("{v:.1}")
}

/// When a state is first known to hold: its event time, or its first line's.
fn first_known(s: &State) -> Interval {
    if s.from_is_event() {
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
            for v in [s.last_seen.lower(), s.to.get().and_then(|t| t.lower())]
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
    hi = hi.max(a.capture_end.unwrap_or(hi));
    let pad = ((hi - lo) / 50).max(1000);
    Scale::new(lo - pad, hi + pad, events(a), (PLOT_X0, PLOT_X1))
}

/// The moments something is known to have happened, to within a minute: changes,
/// lines, phases, stream ends. The axis stays linear around them and compresses the
/// stretches between (see [`Scale::new`]).
fn events(a: &View<'_>) -> Vec<i64> {
    let mut out = Vec::new();
    let mut busy = Vec::new();
    let mut add = |i: &Interval| {
        if i.width().is_some_and(|w| w <= 60_000) {
            out.extend([i.min_ms, i.max_ms]);
        }
    };
    for o in a.objects {
        for s in &o.states {
            add(&first_known(s));
            add(&s.last_seen);
            if let Some(t) = &s.to.get() {
                add(t);
            }
            for t in &s.touches {
                add(&t.at);
            }
        }
    }
    for i in a.incidents {
        for (_, p) in seen_phases(i) {
            add(&p.at);
        }
        // An incident is never compressed: from its first phase to its last, every
        // minute counts as busy.
        let bounds = seen_phases(i).filter_map(|(_, p)| Some((p.at.lower()?, p.at.upper()?)));
        let (lo, hi) = bounds.fold((i64::MAX, i64::MIN), |(l, h), (a, b)| (l.min(a), h.max(b)));
        busy.extend((lo..hi).step_by(60_000));
    }
    out.extend(busy);
    out.push(0);
    out
}

/// When the capture certainly began: the earliest time a first line was seen by.
fn capture_start(a: &View<'_>) -> i64 {
    a.objects
        .iter()
        .filter_map(|o| o.states.first().and_then(|s| first_known(s).upper()))
        .min()
        .unwrap_or(0)
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
    if a.incidents.len() > PHASE_INCIDENTS {
        lines.push(format!(
            "(the picture marks the phases of the first {PHASE_INCIDENTS}; the report lists all {})",
            a.incidents.len()
        ));
    }
    lines
}

/// Characters a title line holds at 15 px bold, and a subtitle at 12 px.
const TITLE_CHARS: usize = ((WIDTH - 2.0 * LABEL_X) / (15.0 * 0.62)) as usize;
const SUBTITLE_CHARS: usize = ((WIDTH - 2.0 * LABEL_X) / (12.0 * 0.56)) as usize;

/// `text` broken at spaces into lines of at most `chars` characters (a longer word
/// is cut).
pub(super) fn wrap(text: &str, chars: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        let len = line.chars().count();
        if len > 0 && len + 1 + word.chars().count() > chars {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
        while line.chars().count() > chars {
            let head: String = line.chars().take(chars).collect();
            line = line.chars().skip(chars).collect();
            lines.push(head);
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
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

/// How far a last state is drawn: solid until its stream ended (the timeline's `to`:
/// a watch prints every change, so it held until then), thin to the capture's end.
#[derive(Debug, Clone, Copy)]
struct Tail {
    capture_end: Option<i64>,
}

fn rect(svg: &mut String, x0: f64, y: f64, x1: f64, fill: &str, extra: &str) {
    let _ = write!(
        svg,
        "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{fill}\"{extra}/>",
        n(x0),
        n(y),
        n((x1 - x0).max(1.0)),
        n(BAR_H)
    );
}

/// Where a state's segment ends: the uncertain end's left and right edges, and the
/// end as the title tells it.
fn segment_end(sc: &Scale, s: &State, tail: Option<Tail>) -> (f64, f64, String) {
    match (s.to.get(), tail) {
        (_, Some(t)) => {
            let certain = s
                .last_seen
                .min_ms
                .max(s.to.get().map_or(i64::MIN, |to| to.min_ms));
            let end = t.capture_end.unwrap_or(certain).max(certain);
            let text = if end > certain {
                format!(
                    "at least {} (its stream's end; the capture ran to {})",
                    clock(certain),
                    clock(end)
                )
            } else {
                format!("at least {} (its stream's end)", clock(certain))
            };
            (sc.x(certain), sc.x(end), text)
        }
        (Some(to), None) => {
            let (e0, e1) = sc.span(&to);
            (e0, e1, human(&to))
        }
        (None, None) => {
            let (e0, e1) = sc.span(&s.last_seen);
            (e0, e1, human(&s.last_seen))
        }
    }
}

/// One state's segment: solid where the state certainly held, pale + hatched over an
/// uncertain start (and over an uncertain end, when the next state's time is open);
/// a last state runs solid to its stream's end, then pale to the capture's end.
fn segment(svg: &mut String, sc: &Scale, y: f64, s: &State, tail: Option<Tail>) {
    let start = if s.from_is_event() {
        s.from
    } else {
        // Began at some time between the object's creation and its first line.
        Interval::new(s.from.min_ms, s.from.max_ms)
    };
    let cat = category(s);
    let (s0, s1) = sc.span(&start);
    let (e0, e1, until) = segment_end(sc, s, tail);
    let first = s
        .lines
        .first()
        .map(|l| format!("\n{l}"))
        .unwrap_or_default();
    let _ = write!(
        svg,
        "<g class=\"seg\" data-state=\"{}\"><title>{} · from {} until {}{}</title>",
        cat.label(),
        xml(&describe(s)),
        xml(&human(&start)),
        xml(&until),
        xml(&first)
    );
    let bar_y = y + (LANE_H - BAR_H) / 2.0;
    // A state followed by another stops where the next one's uncertain start begins:
    // that stretch is drawn once, as the next state's hatched boundary.
    // A last state's stretch past its stream's end (to the capture's end) is a thin
    // bar of the same colour: it probably held, no line says so.
    let pale_end = if tail.is_some() { s1.max(s0 + 1.0) } else { e0 };
    rect(
        svg,
        s0,
        bar_y,
        pale_end,
        cat.colour(),
        " fill-opacity=\"0.35\"",
    );
    if e0 > s1 {
        rect(svg, s1, bar_y, e0, cat.colour(), cat.outline());
    }
    let tail_from = e0.max(s1);
    if tail.is_some() && e1 - tail_from >= 1.0 {
        let _ = write!(
            svg,
            "<rect class=\"tail\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"3\" fill=\"{}\"/>",
            n(tail_from),
            n(bar_y + BAR_H / 2.0 - 1.5),
            n(e1 - tail_from),
            if cat.colour() == "#FFFFFF" {
                "#1F4E79"
            } else {
                cat.colour()
            }
        );
    }
    if let Some(text) = cat.bar_text(s).filter(|_| e0 - s1 >= 30.0) {
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{}\" font-size=\"10\" fill=\"{}\">{}</text>",
            n(s1 + 4.0),
            n(bar_y + BAR_H - 2.5),
            cat.text_colour(),
            xml(&text)
        );
    }
    let mut hatch = |a: f64, b: f64| {
        if b - a >= 1.0 {
            rect(svg, a, bar_y, b, "url(#unsure)", "");
        }
    };
    hatch(s0, s1);
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

fn object_lane(svg: &mut String, sc: &Scale, y: f64, o: &ObjectTimeline, tail: Tail) {
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
        n(LABEL_X + 14.0),
        n(y + LANE_H / 2.0 + 4.0),
        xml(&o.key.to_string()),
        xml(&fit(&label, Some(LABEL_CHARS)))
    );
    let count = o.states.len();
    for (k, s) in o.states.iter().enumerate() {
        // A deleted object has no tail: it ended with its DELETED line.
        let last = k + 1 == count && o.end == End::LastSeen;
        segment(svg, sc, y, s, last.then_some(tail));
    }
    for s in &o.states {
        touches(svg, sc, y, s);
    }
    svg.push_str("</g>\n");
}

fn folded_lane(svg: &mut String, sc: &Scale, y: f64, pods: &[&ObjectTimeline], why: Fold) {
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
    let (title, label) = match why {
        Fold::Untouched => ("pods no incident touched", "other pods (unaffected)"),
        Fold::OverBudget => (
            "more pods incidents touched, not drawn one by one (see the text or JSON report)",
            "more pods incidents touched",
        ),
    };
    let _ = writeln!(
        svg,
        "<g class=\"lane folded\" data-pods=\"{}\"><title>{} {title}, last seen as: {}</title>\
         <text x=\"{}\" y=\"{}\" font-size=\"12\" font-style=\"italic\">{} {label}</text>\
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

/// The SVG picture.
#[derive(Debug, Clone, Copy, Default)]
pub struct Svg;

impl super::Render for Svg {
    fn render(&self, view: &View<'_>, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(render_view(view).as_bytes())
    }
}

/// The lanes, top to bottom from `lanes_top`: headings, objects (every other one
/// shaded) and folded pods.
fn lanes(svg: &mut String, a: &View<'_>, sc: &Scale, lanes_top: f64) {
    let mut y = lanes_top;
    let mut shade = false;
    for r in a.lanes() {
        match r {
            Row::Heading(h) => {
                let _ = writeln!(
                    svg,
                    "<text class=\"heading\" x=\"{}\" y=\"{}\" font-size=\"12\" font-weight=\"bold\" fill=\"#333333\">{}</text>",
                    n(LABEL_X),
                    n(y + HEADING_H - 6.0),
                    xml(&fit(h, Some(HEADING_CHARS)))
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
                let tail = Tail {
                    capture_end: a.capture_end,
                };
                object_lane(svg, sc, y, o, tail);
                y += LANE_H;
                shade = !shade;
            }
            Row::Folded(pods, why) => {
                folded_lane(svg, sc, y, pods, *why);
                y += LANE_H;
            }
        }
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
    let rows = a.lanes();
    let titles = title_lines(a);
    // Title lines wrapped at words to fit the width (DejaVu Sans: about 0.62 em a
    // character in bold, 0.56 em plain), so none is clipped.
    let wrapped: Vec<(usize, String)> = titles
        .iter()
        .enumerate()
        .flat_map(|(k, t)| {
            let chars = if k == 0 { TITLE_CHARS } else { SUBTITLE_CHARS };
            wrap(t, chars).into_iter().map(move |l| (k, l))
        })
        .collect();
    let legend_y = 20.0 + wrapped.len() as f64 * 18.0 + 10.0;
    let mut key = String::new();
    let legend_rows = legend(&mut key, legend_y, WIDTH);
    let phase_top = legend_y + legend_rows as f64 * 16.0 - 4.0;
    let label_rows = phase_labels(a, &sc)
        .iter()
        .map(|l| l.row + 1)
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
    for (row, (k, line)) in wrapped.iter().enumerate() {
        let (size, weight) = if *k == 0 {
            (15, "bold")
        } else {
            (12, "normal")
        };
        let _ = writeln!(
            svg,
            "<text class=\"title\" x=\"{}\" y=\"{}\" font-size=\"{size}\" font-weight=\"{weight}\">{}</text>",
            n(LABEL_X),
            n(20.0 + row as f64 * 18.0),
            xml(line)
        );
    }
    svg.push_str(&key);
    axis(&mut svg, &sc, lanes_top, bottom);
    lanes(&mut svg, a, &sc, lanes_top);
    breaks(&mut svg, &sc, capture_start(a), lanes_top, bottom);
    phase_markers(&mut svg, a, &sc, phase_top, bottom);
    svg.push_str("</svg>\n");
    svg
}
