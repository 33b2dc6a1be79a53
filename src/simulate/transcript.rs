//! Turns the simulated event histories into the text `kubectl get -w` prints, file by
//! file, with the truth of every line (FORMAT.md §3.1, §3.3).
//!
//! One watch = one resource type. It prints the initial list (objects existing at the
//! watch's start, AGE at that moment) with the header as one flush, then every event
//! after the start as its own flush, until the user's `^C`. The header is printed only
//! if there is at least one row (or with the first event's row). Output can be one
//! file per watch or one session log with prompts, optionally `ts`-prefixed.

use super::config::{Layout, Timestamps};
use super::printer;
use super::tabwriter::{Era, TabWriter};
use super::truth::{LineTruth, ObjectTruth};
use super::world::{Ev, Kind, World};
use super::SimFile;

/// One `kubectl get <kind> -w` running from `start` to `end` (true times).
#[derive(Debug, Clone)]
pub struct Watch {
    /// Resource type.
    pub kind: Kind,
    /// Output file name when written separately.
    pub file: &'static str,
    /// When the LIST was served.
    pub start: f64,
    /// When the user pressed `^C`.
    pub end: f64,
}

/// A printed line before it is placed in a file.
struct Line {
    text: String,
    time: f64,
    object: Option<ObjectTruth>,
    event: Option<&'static str>,
}

fn kind_name(k: Kind) -> &'static str {
    match k {
        Kind::Node => "Node",
        Kind::Pod => "Pod",
        Kind::Deployment => "Deployment",
        Kind::StatefulSet => "StatefulSet",
        Kind::DaemonSet => "DaemonSet",
    }
}

/// The command line a watch was started with.
pub fn command(w: &World, watch: &Watch) -> String {
    let c = &w.cfg;
    let res = match watch.kind {
        Kind::Node => "nodes",
        Kind::Pod => "pods",
        Kind::Deployment => "deployments",
        Kind::StatefulSet => "statefulsets",
        Kind::DaemonSet => "daemonsets",
    };
    let mut s = format!("kubectl get {res} -w");
    if c.wide {
        s.push_str(" -o wide");
    }
    if c.all_namespaces && watch.kind != Kind::Node {
        s.push_str(" -A");
    }
    if c.watch_events {
        s.push_str(" --output-watch-events");
    }
    if c.no_headers {
        s.push_str(" --no-headers");
    }
    if c.show_kind {
        s.push_str(" --show-kind");
    }
    if !c.label_columns.is_empty() {
        s.push_str(&format!(" -L {}", c.label_columns.join(",")));
    }
    s
}

/// The objects a watch follows: its kind, in the main namespace (or all of them).
fn watched_objects(w: &World, watch: &Watch) -> Vec<usize> {
    let cfg = &w.cfg;
    let main_ns = w.workloads.first().map(|wl| wl.ns.clone());
    (0..w.objs.len())
        .filter(|&i| {
            let o = &w.objs[i];
            o.kind == watch.kind && (cfg.all_namespaces || o.ns.is_none() || o.ns == main_ns)
        })
        .collect()
}

/// The objects a watch lists first (those existing at its start), in the server's
/// list order.
fn listed_objects(w: &World, watch: &Watch, objs: &[usize]) -> Vec<usize> {
    let cfg = &w.cfg;
    let mut listed: Vec<usize> = objs
        .iter()
        .copied()
        .filter(|&i| w.objs[i].state_at(watch.start).is_some())
        .collect();
    // Servers ≥ 1.27 list in key order; older watch-cache lists come in map order.
    listed
        .sort_by(|&a, &b| (&w.objs[a].ns, &w.objs[a].name).cmp(&(&w.objs[b].ns, &w.objs[b].name)));
    if cfg.server_minor < 27 {
        let mut r = super::rng::Rng::new(cfg.seed ^ watch.start.to_bits());
        for i in (1..listed.len()).rev() {
            listed.swap(i, r.int(0, i as u64) as usize);
        }
    }
    listed
}

/// A watch's events after its start, as (time, object, change), in time order.
fn watch_events(w: &World, watch: &Watch, objs: &[usize]) -> Vec<(f64, usize, usize)> {
    let mut events: Vec<(f64, usize, usize)> = Vec::new();
    for &i in objs {
        for (k, c) in w.objs[i].hist.iter().enumerate() {
            if c.t > watch.start && c.t <= watch.end {
                events.push((c.t, i, k));
            }
        }
    }
    events.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    events
}

/// The lines one watch prints.
fn watch_lines(w: &World, watch: &Watch) -> Vec<Line> {
    let cfg = &w.cfg;
    let objs = watched_objects(w, watch);
    let truth = |i: usize| {
        let o = &w.objs[i];
        ObjectTruth {
            kind: kind_name(o.kind),
            namespace: o.ns.clone(),
            name: o.name.clone(),
            created: o.created,
        }
    };
    let listed = listed_objects(w, watch, &objs);
    let events = watch_events(w, watch, &objs);
    let era = Era::for_client_minor(cfg.client_minor);
    let mut tw = TabWriter::new(era);
    let mut out = Vec::new();
    let mut header_done = cfg.no_headers;
    let mut first: Vec<Vec<String>> = Vec::new();
    let mut first_meta = Vec::new();
    for &i in &listed {
        let c = w.objs[i]
            .state_at(watch.start)
            .expect("listed objects exist");
        first.push(printer::row(w, &w.objs[i], &c.st, Ev::Added, watch.start));
        first_meta.push((watch.start, Some(truth(i)), Some("ADDED")));
    }
    if !first.is_empty() {
        if !header_done {
            first.insert(0, printer::header(cfg, watch.kind));
            first_meta.insert(0, (watch.start, None, None));
            header_done = true;
        }
        for (text, (time, object, event)) in tw.flush(&first).into_iter().zip(first_meta) {
            out.push(Line {
                text,
                time,
                object,
                event,
            });
        }
    }
    for (t, i, k) in events {
        let c = &w.objs[i].hist[k];
        let mut flush = Vec::new();
        let mut meta = Vec::new();
        if !header_done {
            flush.push(printer::header(cfg, watch.kind));
            meta.push((t, None, None));
            header_done = true;
        }
        flush.push(printer::row(w, &w.objs[i], &c.st, c.ev, t));
        meta.push((t, Some(truth(i)), Some(c.ev.name())));
        for (text, (time, object, event)) in tw.flush(&flush).into_iter().zip(meta) {
            out.push(Line {
                text,
                time,
                object,
                event,
            });
        }
    }
    out
}

/// A plain `kubectl get` of one kind at true time `t`: the header and every object
/// existing then, in name order, as one flush (FORMAT.md §3.1: a LIST is one table).
fn listing_lines(w: &World, kind: Kind, t: f64) -> Vec<Line> {
    let cfg = &w.cfg;
    let main_ns = w.workloads.first().map(|wl| wl.ns.clone());
    let mut objs: Vec<usize> = (0..w.objs.len())
        .filter(|&i| {
            let o = &w.objs[i];
            o.kind == kind
                && (cfg.all_namespaces || o.ns.is_none() || o.ns == main_ns)
                && o.state_at(t).is_some()
        })
        .collect();
    objs.sort_by(|&a, &b| (&w.objs[a].ns, &w.objs[a].name).cmp(&(&w.objs[b].ns, &w.objs[b].name)));
    if objs.is_empty() {
        return vec![Line {
            text: "No resources found.".into(),
            time: t,
            object: None,
            event: None,
        }];
    }
    let mut rows = vec![printer::header(cfg, kind)];
    let mut meta = vec![None];
    for &i in &objs {
        let o = &w.objs[i];
        let c = o.state_at(t).expect("filtered on existing");
        rows.push(printer::row(w, o, &c.st, Ev::Added, t));
        meta.push(Some(ObjectTruth {
            kind: kind_name(o.kind),
            namespace: o.ns.clone(),
            name: o.name.clone(),
            created: o.created,
        }));
    }
    let mut tw = TabWriter::new(Era::for_client_minor(cfg.client_minor));
    tw.flush(&rows)
        .into_iter()
        .zip(meta)
        .map(|(text, object)| Line {
            text,
            time: t,
            object,
            event: None,
        })
        .collect()
}

/// Plain listings of pods and nodes, typed one after another from the first watch's
/// start to the last one's end.
fn listings(w: &World, watches: &[Watch], every_s: u32) -> Vec<Line> {
    let start = watches
        .iter()
        .map(|x| x.start)
        .fold(f64::INFINITY, f64::min);
    let end = watches.iter().map(|x| x.end).fold(0.0, f64::max);
    let wide = if w.cfg.wide { " -o wide" } else { "" };
    let mut out = Vec::new();
    let mut t = start;
    while t <= end {
        for (kind, cmd, dt) in [(Kind::Pod, "pods", 0.0), (Kind::Node, "nodes", 0.6)] {
            let at = t + dt;
            out.push(Line {
                text: format!("$ kubectl get {cmd}{wide}"),
                time: at - 0.2,
                object: None,
                event: None,
            });
            out.extend(listing_lines(w, kind, at));
        }
        t += f64::from(every_s.max(1));
    }
    out
}

/// The `ts` prefix for true time `t`, with `epoch` the wall-clock second of t = 0.
fn stamp(format: Timestamps, epoch: i64, t: f64) -> String {
    let wall = epoch as f64 + t;
    let secs = wall.floor() as i64;
    let nanos = ((wall - wall.floor()) * 1e9) as u32;
    let dt = chrono::DateTime::from_timestamp(secs, nanos).unwrap_or_default();
    match format {
        Timestamps::Default => dt.format("%b %d %H:%M:%S ").to_string(),
        Timestamps::Iso => dt.format("%Y-%m-%dT%H:%M:%S ").to_string(),
        Timestamps::Epoch => format!("{wall:.6} "),
    }
}

/// Renders every watch into files (per the config's layout) and the truth of every line.
pub fn render(w: &World, watches: &[Watch], epoch: i64) -> (Vec<SimFile>, Vec<LineTruth>) {
    let mut files = Vec::new();
    let mut truths = Vec::new();
    let mut session: Vec<Line> = Vec::new();
    if let Layout::Listings { every_s } = w.cfg.layout {
        let lines = listings(w, watches, every_s);
        files.push(assemble(w, "session.log", lines, epoch, &mut truths));
        return (files, truths);
    }
    for watch in watches {
        let mut lines = watch_lines(w, watch);
        match w.cfg.layout {
            Layout::Separate => {
                files.push(assemble(w, watch.file, lines, epoch, &mut truths));
            }
            Layout::Session | Layout::Listings { .. } => {
                session.push(Line {
                    text: format!("$ {}", command(w, watch)),
                    time: watch.start - 0.3,
                    object: None,
                    event: None,
                });
                session.append(&mut lines);
                session.push(Line {
                    text: "^C".into(),
                    time: watch.end,
                    object: None,
                    event: None,
                });
            }
        }
    }
    if w.cfg.layout == Layout::Session {
        files.push(assemble(w, "session.log", session, epoch, &mut truths));
    }
    (files, truths)
}

/// Numbers the lines of one file, prefixes timestamps, records the truth.
fn assemble(
    w: &World,
    name: &str,
    lines: Vec<Line>,
    epoch: i64,
    truths: &mut Vec<LineTruth>,
) -> SimFile {
    let mut text = String::new();
    for (n, l) in lines.into_iter().enumerate() {
        if let Some(f) = w.cfg.timestamps {
            text.push_str(&stamp(f, epoch, l.time));
        }
        text.push_str(&l.text);
        text.push('\n');
        truths.push(LineTruth {
            file: name.to_string(),
            line: n + 1,
            time: l.time,
            object: l.object,
            event: l.event,
        });
    }
    SimFile {
        name: name.to_string(),
        text,
    }
}
