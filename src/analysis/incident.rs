//! Finding node failures and following each through its phases F, E, R, N.

use serde::Serialize;

use super::metrics::{self, Metrics};
use super::scenario::{self, decide, Scenario, Seen};
use crate::ingest::Ingested;
use crate::tables::ResourceKind;
use crate::timeline::{Interval, LineRef, ObjectTimeline, Point, State, Timelines};

/// One phase of an incident: when, and the lines that decided it.
#[derive(Debug, Clone, Serialize)]
pub struct Phase {
    pub at: Interval,
    /// What happened (`node ubuntub NotReady`, `pod x Terminating`).
    pub what: String,
    /// `file:line: text` of the deciding lines.
    pub evidence: Vec<String>,
    #[serde(skip)]
    pub point: Point,
    /// Other points the phase may be (N is the earlier of the node's Ready line and the
    /// kubelet's first pod write when their order is open).
    #[serde(skip)]
    pub alternatives: Vec<Point>,
}

impl Phase {
    fn points(&self) -> impl Iterator<Item = Point> + '_ {
        std::iter::once(self.point).chain(self.alternatives.iter().copied())
    }
}

/// Whether interval `a` lies earlier than `b`: proven by the bounds, else by their
/// middles (used to pick the first of several pods; the order of phases itself is
/// decided on the network, [`order_to_n`]).
fn earlier(a: &Interval, b: &Interval) -> bool {
    if a.max_ms < b.min_ms {
        return true;
    }
    if a.min_ms > b.max_ms {
        return false;
    }
    match (a.mid(), b.mid()) {
        (Some(x), Some(y)) => x < y,
        _ => a.min_ms < b.min_ms,
    }
}

/// The order of `x` and the node's return `n`, where `n` is the earliest of its points:
/// N came first if any of its points is proven before `x`; `x` came first if it is
/// proven before all of them.
fn order_to_n(t: &Timelines, x: &Phase, n: &Phase) -> scenario::Order {
    // Every question below has `x` at one end: one search from it answers them all
    // (N may have hundreds of alternative points).
    let _ = t.difference(x.point, x.point);
    let n_first = n.points().any(|p| t.difference(p, x.point).min_ms >= 0);
    let x_first = n.points().all(|p| t.difference(x.point, p).min_ms >= 0);
    if n_first && !x_first {
        scenario::Order::After
    } else if x_first && !n_first {
        scenario::Order::Before
    } else {
        scenario::Order::Open
    }
}

/// The phases of an incident; null when not seen.
#[derive(Debug, Clone, Serialize, Default)]
#[allow(non_snake_case)]
pub struct Phases {
    pub F: Option<Phase>,
    pub E: Option<Phase>,
    pub R: Option<Phase>,
    pub N: Option<Phase>,
}

/// What became of one pod on the failed node.
#[derive(Debug, Clone, Serialize)]
pub struct PodOutcome {
    pub name: String,
    pub owner: Option<String>,
    /// `recovered-in-place`, `replaced`, `evicted-not-replaced`, `unrecovered`, `not-evicted`.
    pub outcome: &'static str,
    pub replacement: Option<String>,
    /// Old pod marked for deletion → replacement created.
    pub rescheduling_s: Option<Interval>,
    /// Replacement created → Running and ready.
    pub readiness_s: Option<Interval>,
    /// Failure detected → the pod's work running and ready again (in place or replaced).
    pub total_recovery_s: Option<Interval>,
}

/// One node failure.
#[derive(Debug, Clone, Serialize)]
pub struct Incident {
    pub node: String,
    pub scenario: Scenario,
    pub candidates: Vec<Scenario>,
    pub variant: Option<String>,
    pub phases: Phases,
    pub pods: Vec<PodOutcome>,
    pub metrics: Metrics,
    /// Departures from what Kubernetes' defaults predict.
    pub flags: Vec<String>,
    pub evidence: Vec<String>,
}

pub(super) fn ev(l: &LineRef) -> String {
    super::evidence(l)
}

pub(super) fn healthy(s: &State) -> bool {
    s.status.as_deref() == Some("Running") && s.ready.is_some_and(|[n, m]| n == m && m > 0)
}

fn not_ready_node(s: &State) -> bool {
    s.status
        .as_deref()
        .is_some_and(|x| x.starts_with("NotReady") || x.starts_with("Unknown"))
}

fn ready_node(s: &State) -> bool {
    s.status
        .as_deref()
        .is_some_and(|x| x == "Ready" || x.starts_with("Ready,"))
}

/// A pod state that shows eviction: Terminating, legacy NodeLost `Unknown` (READY
/// unchanged: only the deletion overlay changed), or Failed by a graceful shutdown.
pub(super) fn eviction_kind(prev: &State, s: &State) -> Option<&'static str> {
    let st = s.status.as_deref()?;
    if st == "Terminating" {
        return Some("Terminating");
    }
    if st == "Unknown"
        && s.ready == prev.ready
        && s.ip == prev.ip
        && s.ready.is_some_and(|[n, _]| n > 0)
    {
        return Some("NodeLost");
    }
    if matches!(
        st,
        "Failed" | "Error" | "Completed" | "Terminated" | "NodeShutdown" | "Shutdown"
    ) && prev.status.as_deref() == Some("Running")
    {
        return Some("Failed");
    }
    None
}

/// A change the kubelet writes (so the node's kubelet is back): the pod's IP, READY or
/// restart count changed, or the runtime reported it `Unknown`, while bound to `node`.
pub(super) fn kubelet_written(prev: &State, s: &State, node: &str) -> bool {
    if s.node.as_deref() != Some(node) {
        return false;
    }
    let runtime_unknown =
        s.status.as_deref() == Some("Unknown") && s.ready.is_some_and(|[n, _]| n == 0);
    prev.ip != s.ip || prev.ready != s.ready || prev.restarts != s.restarts || runtime_unknown
}

pub(super) struct Failure {
    pub(super) node: String,
    pub(super) f: Phase,
    /// The node's timeline and index of its NotReady state, when there is a node stream.
    pub(super) node_state: Option<(usize, usize)>,
}

/// Finds every incident. Returns them, the experiment's variant, and warnings.
pub fn find(t: &Timelines, _ing: &Ingested) -> (Vec<Incident>, Option<String>, Vec<String>) {
    let mut warnings = Vec::new();
    let mut failures: Vec<Failure> = Vec::new();
    let has_node_stream = t.objects.iter().any(|o| o.key.kind == ResourceKind::Node);
    for (oi, o) in t
        .objects
        .iter()
        .enumerate()
        .filter(|(_, o)| o.key.kind == ResourceKind::Node)
    {
        for si in 1..o.states.len() {
            if not_ready_node(&o.states[si]) && !not_ready_node(&o.states[si - 1]) {
                let s = &o.states[si];
                failures.push(Failure {
                    node: o.key.name.to_string(),
                    f: Phase {
                        at: s.from,
                        what: format!("node {} {}", o.key.name, s.status.as_deref().unwrap_or("")),
                        evidence: vec![ev(&s.lines[0])],
                        point: s.from_point,
                        alternatives: Vec::new(),
                    },
                    node_state: Some((oi, si)),
                });
            }
        }
    }
    if !has_node_stream {
        warnings
            .push("no node stream: failure and return inferred from pod and owner lines".into());
        failures.extend(super::inferred::inferred_failures(t));
    }
    let pods: Vec<&ObjectTimeline> = t
        .objects
        .iter()
        .filter(|o| o.key.kind == ResourceKind::Pod)
        .collect();
    let mut incidents = Vec::new();
    let mut variants: Vec<String> = Vec::new();
    for fail in failures {
        let inc = follow(t, &pods, fail, &mut warnings);
        if let Some(v) = &inc.variant {
            variants.push(v.clone());
        }
        incidents.push(inc);
    }
    if incidents.is_empty() {
        if let Some(v) = not_a_node_failure(&pods) {
            variants.push(v.into());
        }
    }
    variants.dedup();
    (incidents, variants.into_iter().next(), warnings)
}

/// A pod's state index and point at which the pod shows eviction after `after`.
fn find_eviction(t: &Timelines, pod: &ObjectTimeline, f: Point) -> Option<(usize, &'static str)> {
    (1..pod.states.len()).find_map(|i| {
        let k = eviction_kind(&pod.states[i - 1], &pod.states[i])?;
        let d = t.difference(f, pod.states[i].from_point);
        if d.max_ms < 0 {
            return None;
        }
        // A graceful shutdown fails pods as the node goes down (FORMAT.md §4.9); a
        // terminal status long after the failure, or one the pod recovers from, is the
        // returning kubelet's report of a container killed by the reboot.
        if k == "Failed" && (d.min_ms > 60_000 || pod.states[i + 1..].iter().any(healthy)) {
            return None;
        }
        Some((i, k))
    })
}

fn follow(
    t: &Timelines,
    pods: &[&ObjectTimeline],
    fail: Failure,
    warnings: &mut Vec<String>,
) -> Incident {
    let node = fail.node.clone();
    let f = fail.f.point;
    // Most questions below are about the failure's point: search from it once.
    let _ = t.difference(f, f);
    // Affected: pods bound to the node, running before the failure, alive after it.
    let affected: Vec<&ObjectTimeline> = pods
        .iter()
        .copied()
        .filter(|p| {
            p.states
                .iter()
                .any(|s| s.node.as_deref() == Some(&node) && healthy(s))
        })
        .filter(|p| t.difference(p.created_point, f).max_ms >= 0)
        .filter(|p| t.difference(f, p.last().last_point).max_ms >= 0)
        .collect();
    let mut e: Option<Phase> = None;
    let mut r: Option<Phase> = None;
    let mut n_kubelet: Option<Phase> = None;
    let mut outcomes = Vec::new();
    let mut variant = None;
    let mut used: std::collections::HashSet<(crate::timeline::ObjectKey, u32)> = Default::default();
    let few = affected.len() <= 100;
    // Candidate replacements per owner: pods created after the failure that ran healthy.
    let mut fresh: std::collections::HashMap<&crate::timeline::ObjectKey, Vec<&ObjectTimeline>> =
        Default::default();
    let affected_keys: std::collections::HashSet<(&crate::timeline::ObjectKey, u32)> =
        affected.iter().map(|a| (&a.key, a.incarnation)).collect();
    for q in pods {
        if let Some(o) = &q.owner {
            if q.states.iter().any(healthy)
                && !affected_keys.contains(&(&q.key, q.incarnation))
                && t.difference(f, q.created_point).max_ms >= 0
            {
                fresh.entry(o).or_default().push(q);
            }
        }
    }
    for pod in &affected {
        let ev_state = find_eviction(t, pod, f);
        if let Some((i, kind)) = ev_state {
            let s = &pod.states[i];
            if kind == "NodeLost" {
                variant = Some("legacy-nodelost".to_string());
            } else if kind == "Failed" {
                variant = Some("graceful-shutdown".to_string());
            }
            let ph = Phase {
                at: s.from,
                what: format!("pod {} {}", pod.key.name, s.status.as_deref().unwrap_or("")),
                evidence: vec![ev(&s.lines[0])],
                point: s.from_point,
                alternatives: Vec::new(),
            };
            if e.as_ref().is_none_or(|x| earlier(&ph.at, &x.at)) {
                e = Some(ph);
            }
        }
        // Kubelet-written change after the failure (N evidence), and in-place recovery.
        let mut back_ready = None;
        for i in 1..pod.states.len() {
            let (prev, s) = (&pod.states[i - 1], &pod.states[i]);
            if t.difference(f, s.from_point).max_ms < 0 {
                continue;
            }
            // A graceful shutdown's Failed status is the eviction, written before the node went down.
            let is_shutdown_eviction = ev_state.is_some_and(|(ei, k)| k == "Failed" && ei == i);
            if !is_shutdown_eviction
                && kubelet_written(prev, s, &node)
                && n_kubelet.as_ref().is_none_or(|x| earlier(&s.from, &x.at))
            {
                n_kubelet = Some(Phase {
                    at: s.from,
                    what: format!("pod {} written by the returning kubelet", pod.key.name),
                    evidence: vec![ev(&s.lines[0])],
                    point: s.from_point,
                    alternatives: Vec::new(),
                });
            }
            if back_ready.is_none() && healthy(s) && ev_state.is_none_or(|(ei, _)| i < ei) {
                back_ready = Some(s);
            }
        }
        // Replacement: a new pod (or incarnation) of the same owner, created after the
        // failure, Running and ready.
        let replacement = pod
            .owner
            .as_ref()
            .and_then(|o| fresh.get(o))
            .and_then(|cands| {
                cands.iter().copied().find(|q| {
                    (q.key != pod.key || q.incarnation > pod.incarnation)
                        && !used.contains(&(q.key.clone(), q.incarnation))
                })
            });
        if let Some(q) = replacement {
            used.insert((q.key.clone(), q.incarnation));
        }
        let mut out = PodOutcome {
            name: pod.key.name.to_string(),
            owner: pod.owner.as_ref().map(|k| k.to_string()),
            outcome: "unrecovered",
            replacement: None,
            rescheduling_s: None,
            readiness_s: None,
            total_recovery_s: None,
        };
        if let Some(q) = replacement {
            let ready_state = q.states.iter().find(|s| healthy(s)).expect("checked above");
            let ph = Phase {
                at: ready_state.from,
                what: format!("replacement {} Running and ready", q.key.name),
                evidence: vec![ev(&ready_state.lines[0])],
                point: ready_state.from_point,
                alternatives: Vec::new(),
            };
            out.outcome = "replaced";
            out.replacement = Some(q.key.name.to_string());
            // Pairs whose ends both vary per pod cost a pass over the network each:
            // with many affected pods, their bounds alone answer.
            let pair = |a: Point, b: Point| {
                if few {
                    t.difference(a, b)
                } else {
                    Interval::minus(t.at(b), t.at(a))
                }
            };
            if let Some((i, _)) = ev_state {
                out.rescheduling_s = Some(pair(pod.states[i].from_point, q.created_point));
            }
            // The ready line's own AGE is the time from creation to ready.
            out.readiness_s = Some(
                ready_state
                    .since_created
                    .unwrap_or_else(|| pair(q.created_point, ready_state.from_point)),
            );
            out.total_recovery_s = Some(t.difference(f, ready_state.from_point));
            if r.as_ref().is_none_or(|x| earlier(&x.at, &ph.at)) {
                r = Some(ph);
            }
        } else if let Some(s) = back_ready {
            out.outcome = "recovered-in-place";
            out.total_recovery_s = Some(t.difference(f, s.from_point));
        } else if ev_state.is_some() {
            out.outcome = "evicted-not-replaced";
        } else {
            out.outcome = "not-evicted";
        }
        if pod
            .owner
            .as_ref()
            .is_some_and(|k| k.kind == ResourceKind::DaemonSet)
            && ev_state.is_none()
        {
            variant.get_or_insert_with(|| "daemonset".into());
        }
        if pod
            .owner
            .as_ref()
            .is_some_and(|k| k.kind == ResourceKind::StatefulSet)
            && out.outcome != "replaced"
            && ev_state.is_some()
        {
            variant.get_or_insert_with(|| "statefulset-stuck".into());
        }
        outcomes.push(out);
    }
    if affected.is_empty() {
        warnings.push(format!(
            "node {node}: no pod seen running on it (no pod stream, or no -o wide NODE column)"
        ));
    }
    // N: the node Ready again, or the first kubelet-written pod change, whichever first.
    let node_ready = fail.node_state.and_then(|(oi, si)| {
        let o = &t.objects[oi];
        o.states[si + 1..]
            .iter()
            .find(|s| ready_node(s))
            .map(|s| Phase {
                at: s.from,
                what: format!("node {node} Ready"),
                evidence: vec![ev(&s.lines[0])],
                point: s.from_point,
                alternatives: Vec::new(),
            })
    });
    // N for the order of phases: the returning kubelet's first write to an affected pod
    // when there is one — it sits in the pods' own stream, so its order against E and R
    // is proven by line order — else the node's Ready line. The node's Ready line stays
    // evidence either way, and `node_down_s` is measured to it.
    let n = match (n_kubelet, &node_ready) {
        (Some(mut k), Some(r)) => {
            k.evidence.extend(r.evidence.iter().cloned());
            k.what = format!("{}; {}", k.what, r.what);
            k.alternatives.clear();
            Some(k)
        }
        (k, r) => k.or_else(|| r.clone()),
    };
    let seen = Seen {
        eviction: e.is_some(),
        replacement: r.is_some(),
        node_back: n.is_some(),
        e_to_n: match (&e, &n) {
            (Some(e), Some(n)) => Some(order_to_n(t, e, n)),
            _ => None,
        },
        r_to_n: match (&r, &n) {
            (Some(r), Some(n)) => Some(order_to_n(t, r, n)),
            _ => None,
        },
    };
    let mut candidates = decide(seen);
    if affected.is_empty() && e.is_none() && n.is_none() {
        candidates = vec![Scenario::Ongoing];
    }
    let scenario = if candidates.len() == 1 {
        candidates[0]
    } else {
        Scenario::Inconclusive
    };
    let phases = Phases {
        F: Some(fail.f),
        E: e,
        R: r,
        N: n,
    };
    let (metrics, flags) =
        metrics::measure(t, &phases, &fail.node_state, node_ready.as_ref(), &affected);
    let mut evidence: Vec<String> = Vec::new();
    for p in [&phases.F, &phases.E, &phases.R, &phases.N]
        .into_iter()
        .flatten()
    {
        evidence.extend(p.evidence.iter().cloned());
    }
    Incident {
        node,
        scenario,
        candidates: if candidates.len() > 1 {
            candidates
        } else {
            vec![]
        },
        variant,
        phases,
        pods: outcomes,
        metrics,
        flags,
        evidence,
    }
}

/// With no node failure: a pod deleted by hand or a rollout, told apart by the owner's
/// ReplicaSet hash (a rollout brings a new one, FORMAT.md §5.1).
fn not_a_node_failure(pods: &[&ObjectTimeline]) -> Option<&'static str> {
    let terminated = pods.iter().any(|p| {
        p.states
            .iter()
            .any(|s| s.status.as_deref() == Some("Terminating"))
    });
    if !terminated {
        return None;
    }
    let hash = |name: &str| name.rsplit('-').nth(1).map(String::from);
    let mut hashes: Vec<String> = pods
        .iter()
        .filter(|p| {
            p.owner
                .as_ref()
                .is_some_and(|k| k.kind == ResourceKind::Deployment)
        })
        .filter_map(|p| hash(&p.key.name))
        .collect();
    hashes.sort();
    hashes.dedup();
    Some(if hashes.len() > 1 {
        "rollout"
    } else {
        "manual-delete"
    })
}
