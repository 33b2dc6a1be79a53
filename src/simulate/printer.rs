//! Cells of one row as the apiserver's table printer computes them when it encodes a
//! watch event (FORMAT.md §0 meta-fact, §2.1–2.6), plus the client-side extra columns
//! (EVENT, NAMESPACE, `--show-kind`, `-L`; §3.4).
//!
//! Column sets follow the *server* version; AGE and the RESTARTS suffix are computed
//! at the event's send time from whole-second timestamps (§1.4, §1.7).

use crate::duration::{format_human, format_short};

use super::config::Config;
use super::world::{Counts, Ev, Info, Kind, Obj, St, World};

/// Milliseconds from the whole-second floor of `from` to `t` (metav1.Time precision).
fn since_ms(t: f64, from: f64) -> i64 {
    ((t - from.floor()) * 1000.0).floor() as i64
}

/// The AGE cell at `t` for an object created at `created`.
pub fn age(cfg: &Config, t: f64, created: f64) -> String {
    let ms = since_ms(t, created);
    if cfg.human_ages() {
        format_human(ms)
    } else {
        format_short(ms)
    }
}

/// The server-side column names (upper-cased as kubectl prints them) for a kind.
fn server_columns(cfg: &Config, kind: Kind) -> Vec<&'static str> {
    let s = cfg.server_minor;
    let mut cols: Vec<&'static str> = match kind {
        Kind::Pod => vec!["NAME", "READY", "STATUS", "RESTARTS", "AGE"],
        Kind::Node => vec!["NAME", "STATUS", "ROLES", "AGE", "VERSION"],
        Kind::Deployment if s >= 13 => vec!["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"],
        Kind::Deployment => vec![
            "NAME",
            "DESIRED",
            "CURRENT",
            "UP-TO-DATE",
            "AVAILABLE",
            "AGE",
        ],
        Kind::StatefulSet if s >= 13 => vec!["NAME", "READY", "AGE"],
        Kind::StatefulSet => vec!["NAME", "DESIRED", "CURRENT", "AGE"],
        Kind::DaemonSet => vec![
            "NAME",
            "DESIRED",
            "CURRENT",
            "READY",
            "UP-TO-DATE",
            "AVAILABLE",
            "NODE SELECTOR",
            "AGE",
        ],
    };
    if cfg.wide {
        match kind {
            Kind::Pod => {
                cols.extend(["IP", "NODE"]);
                if s >= 11 {
                    cols.push("NOMINATED NODE");
                }
                if s >= 13 {
                    cols.push("READINESS GATES");
                }
            }
            Kind::Node => {
                if s >= 10 {
                    cols.push("INTERNAL-IP");
                }
                cols.extend([
                    "EXTERNAL-IP",
                    "OS-IMAGE",
                    "KERNEL-VERSION",
                    "CONTAINER-RUNTIME",
                ]);
            }
            Kind::StatefulSet => cols.extend(["CONTAINERS", "IMAGES"]),
            _ => cols.extend(["CONTAINERS", "IMAGES", "SELECTOR"]),
        }
    }
    cols
}

/// Whether the EVENT column is printed (`--output-watch-events`, client ≥ 1.16).
fn event_column(cfg: &Config) -> bool {
    cfg.watch_events && cfg.client_minor >= 16
}

/// The header line's cells for a watch of `kind`.
pub fn header(cfg: &Config, kind: Kind) -> Vec<String> {
    let mut h = Vec::new();
    if event_column(cfg) {
        h.push("EVENT".to_string());
    }
    if cfg.all_namespaces && kind != Kind::Node {
        h.push("NAMESPACE".to_string());
    }
    h.extend(server_columns(cfg, kind).into_iter().map(String::from));
    for key in &cfg.label_columns {
        let last = key.rsplit('/').next().unwrap_or(key);
        h.push(last.to_uppercase());
    }
    h
}

/// One row's cells: `obj` in state `st`, sent at true time `t` as event `ev`.
pub fn row(w: &World, obj: &Obj, st: &St, ev: Ev, t: f64) -> Vec<String> {
    let cfg = &w.cfg;
    let mut r = Vec::new();
    if event_column(cfg) {
        r.push(ev.cell());
    }
    if cfg.all_namespaces && obj.kind != Kind::Node {
        r.push(obj.ns.clone().unwrap_or_default());
    }
    if cfg.show_kind {
        r.push(format!("{}/{}", obj.kind.prefix(), obj.name));
    } else {
        r.push(obj.name.clone());
    }
    let age = age(cfg, t, obj.created);
    let none = || "<none>".to_string();
    match (st, &obj.info) {
        (St::Pod(p), _) => {
            r.push(format!("{}/{}", p.ready, p.total));
            r.push(p.status.clone());
            r.push(match p.finished {
                Some(f) if cfg.restarts_suffix() && p.restarts > 0 => {
                    format!("{} ({} ago)", p.restarts, format_human(since_ms(t, f)))
                }
                _ => p.restarts.to_string(),
            });
            r.push(age);
            if cfg.wide {
                r.push(p.ip.clone().unwrap_or_else(none));
                r.push(p.node.clone().unwrap_or_else(none));
                if cfg.server_minor >= 11 {
                    r.push(none());
                }
                if cfg.server_minor >= 13 {
                    r.push(none());
                }
            }
        }
        (St::Node(s), Info::Node(i)) => {
            let info = &w.node_infos[*i];
            r.extend([s.status.to_string(), info.roles.clone(), age]);
            r.push(info.version.clone());
            if cfg.wide {
                if cfg.server_minor >= 10 {
                    r.push(s.internal_ip.clone());
                }
                r.extend([
                    info.external_ip.clone(),
                    info.os_image.clone(),
                    info.kernel.clone(),
                    info.runtime.clone(),
                ]);
            }
        }
        (St::Workload(c), Info::Workload(wi)) => workload_cells(w, obj.kind, *wi, c, age, &mut r),
        _ => {}
    }
    for key in &cfg.label_columns {
        let v = obj
            .labels
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone());
        r.push(v.unwrap_or_default());
    }
    r
}

/// Deployment / StatefulSet / DaemonSet count cells, AGE and wide columns.
fn workload_cells(w: &World, kind: Kind, wi: usize, c: &Counts, age: String, r: &mut Vec<String>) {
    let cfg = &w.cfg;
    let wl = &w.workloads[wi];
    let new = cfg.server_minor >= 13;
    match kind {
        Kind::Deployment if new => r.extend([
            format!("{}/{}", c.ready, c.desired),
            c.updated.to_string(),
            c.available.to_string(),
        ]),
        Kind::Deployment => r.extend([
            c.desired.to_string(),
            c.current.to_string(),
            c.updated.to_string(),
            c.available.to_string(),
        ]),
        Kind::StatefulSet if new => r.push(format!("{}/{}", c.ready, c.desired)),
        Kind::StatefulSet => r.extend([c.desired.to_string(), c.current.to_string()]),
        _ => {
            r.extend(
                [c.desired, c.current, c.ready, c.updated, c.available].map(|v| v.to_string()),
            );
            r.push("<none>".into());
        }
    }
    r.push(age);
    if cfg.wide {
        r.push(wl.app.clone());
        r.push(wl.image.clone());
        if kind != Kind::StatefulSet {
            r.push(format!("app={}", wl.app));
        }
    }
}
