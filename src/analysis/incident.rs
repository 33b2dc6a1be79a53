//! Finding node failures and following each through its phases F, E, R, N.

use serde::Serialize;

use std::collections::{HashMap, HashSet};

use super::failures::{self, UNNAMED_NODE};
use super::metrics::{self, Metrics};
use super::pods::{
    eviction_kind, healthy, is_statefulset, kubelet_written, meaning, owner_key,
    restarted_after_shutdown, EvictionKind, PodNodes,
};
use super::scenario::{self, decide, Scenario, Seen};
use crate::ingest::Ingested;
use crate::kube::PodMeaning;
use crate::tables::ResourceKind;
use crate::timeline::{Interval, LineRef, ObjectKey, ObjectTimeline, Point, State, Timelines};

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
    /// When the phase is only known to lie at or before `point` (a node first listed
    /// NotReady failed before that line): the earliest it can be, its object's
    /// creation. Questions of "possibly after" are asked from here.
    #[serde(skip)]
    pub since: Option<Point>,
}

impl Phase {
    fn points(&self) -> impl Iterator<Item = Point> + '_ {
        std::iter::once(self.point).chain(self.alternatives.iter().copied())
    }

    /// The earliest point the phase can be.
    pub(super) fn earliest(&self) -> Point {
        self.since.unwrap_or(self.point)
    }

    /// From this phase to `x`: over every moment the phase can be.
    pub(super) fn until(&self, t: &Timelines, x: Point) -> Interval {
        let d = t.difference(self.point, x);
        match self.since {
            Some(s) => {
                let e = t.difference(s, x);
                Interval::new(d.min_ms.min(e.min_ms).max(0), d.max_ms.max(e.max_ms))
            }
            None => d,
        }
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

fn ready_node(s: &State) -> bool {
    s.status
        .as_deref()
        .map(crate::kube::node_status)
        .map(|n| n.condition)
        == Some(crate::kube::NodeCondition::Ready)
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
    let nodes = PodNodes::new(t);
    let mut failures = failures::from_nodes(t);
    let has_node_stream = t.objects.iter().any(|o| o.key.kind == ResourceKind::Node);
    if !has_node_stream {
        warnings
            .push("no node stream: failure and return inferred from pod and owner lines".into());
        failures.extend(super::inferred::inferred_failures(t));
    }
    let more = failures::from_other_evidence(t, &nodes, &failures);
    failures.extend(more);
    let pods: Vec<&ObjectTimeline> = t
        .objects
        .iter()
        .filter(|o| o.key.kind == ResourceKind::Pod)
        .collect();
    let mut incidents = Vec::new();
    let mut variants: Vec<String> = Vec::new();
    // Each incident sees its node's pods up to the node's next failure, and the pods
    // created meanwhile: lookups, not every pod of a long capture (`local`).
    let index = super::local::PodIndex::new(t, &pods, &nodes);
    let next = super::local::next_failures(t, &failures);
    for (fail, until) in failures.into_iter().zip(next) {
        let near = index.near(t, &fail, until);
        let inc = follow(t, &near.pods(), &nodes, fail, &mut warnings);
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

/// A pod's state index at which the pod shows eviction after `f`, and how.
fn find_eviction(t: &Timelines, pod: &ObjectTimeline, f: Point) -> Option<(usize, EvictionKind)> {
    (0..pod.states.len()).find_map(|i| {
        let prev = i.checked_sub(1).map(|p| &pod.states[p]);
        let k = eviction_kind(prev, &pod.states[i])?;
        let d = t.difference(f, pod.states[i].from_point);
        if d.max_ms < 0 {
            return None;
        }
        // A graceful shutdown fails pods as the node goes down (FORMAT.md §4.9); a
        // terminal status long after the failure, or one the pod recovers from, is the
        // returning kubelet's report of a container killed by the reboot.
        if k == EvictionKind::Failed
            && (d.min_ms > 60_000 || pod.states[i + 1..].iter().any(healthy))
        {
            return None;
        }
        Some((i, k))
    })
}

/// The node an incident is about, for matching pods: `None` when the capture does
/// not name it (every pod may be on it).
fn node_filter(node: &str) -> Option<&str> {
    (node != UNNAMED_NODE).then_some(node)
}

/// A state that only a lost or restarted node leaves on its pods.
fn lost_node_mark(s: &State) -> bool {
    restarted_after_shutdown(s)
        || eviction_kind(None, s).is_some()
        || meaning(s) == PodMeaning::RuntimeUnknown
}

/// Affected: pods on the node, running before the failure (or first seen with a lost
/// node's marks), alive after it. When the capture does not name the node, the pods
/// with a lost node's marks, or every pod when none has one (a whole cluster
/// powered off).
fn affected_pods<'a>(
    t: &Timelines,
    pods: &[&'a ObjectTimeline],
    nodes: &PodNodes,
    node: Option<&str>,
    f: &Phase,
) -> Vec<&'a ObjectTimeline> {
    let alive = |p: &&ObjectTimeline| {
        p.states.iter().any(|s| healthy(s) || lost_node_mark(s))
            && t.difference(p.created_point, f.point).max_ms >= 0
            && t.difference(f.earliest(), p.last().last_point).max_ms >= 0
    };
    if node.is_some() {
        return pods
            .iter()
            .copied()
            .filter(|p| nodes.of(p) == node)
            .filter(alive)
            .collect();
    }
    let marked: Vec<&ObjectTimeline> = pods
        .iter()
        .copied()
        .filter(|p| nodes.of(p).is_none() && p.states.iter().any(lost_node_mark))
        .filter(alive)
        .collect();
    if !marked.is_empty() {
        return marked;
    }
    pods.iter().copied().filter(alive).collect()
}

/// Candidate replacements per owner: pods (or later incarnations) of an affected pod's
/// owner, created after the failure, that ran healthy.
fn fresh_by_owner<'a>(
    t: &Timelines,
    pods: &[&'a ObjectTimeline],
    affected: &[&ObjectTimeline],
    f: Point,
) -> HashMap<ObjectKey, Vec<&'a ObjectTimeline>> {
    let affected_keys: HashSet<(&ObjectKey, u32)> =
        affected.iter().map(|a| (&a.key, a.incarnation)).collect();
    let mut fresh: HashMap<ObjectKey, Vec<&ObjectTimeline>> = HashMap::new();
    for q in pods {
        let Some(o) = owner_key(q) else { continue };
        if q.states.iter().any(healthy)
            && !affected_keys.contains(&(&q.key, q.incarnation))
            && t.difference(f, q.created_point).max_ms >= 0
        {
            fresh.entry(o).or_default().push(q);
        }
    }
    fresh
}

/// What the incident learnt from one pod.
struct PodStory {
    outcome: PodOutcome,
    eviction: Option<(Phase, EvictionKind)>,
    replacement: Option<Phase>,
    kubelet: Option<Phase>,
    variant: Option<&'static str>,
}

fn state_phase(what: String, s: &State) -> Phase {
    Phase {
        at: s.from,
        what,
        evidence: vec![ev(&s.lines[0])],
        point: s.from_point,
        alternatives: Vec::new(),
        since: None,
    }
}

/// The first kubelet-written change after the failure (N evidence), and the first
/// state in which the pod serves again on its node before any eviction.
fn kubelet_return<'a>(
    t: &Timelines,
    pod: &'a ObjectTimeline,
    node: Option<&str>,
    f: Point,
    ev_state: Option<(usize, EvictionKind)>,
) -> (Option<Phase>, Option<&'a State>) {
    let mut n: Option<Phase> = None;
    let mut back_ready = None;
    for i in 0..pod.states.len() {
        let s = &pod.states[i];
        if t.difference(f, s.from_point).max_ms < 0 {
            continue;
        }
        // A graceful shutdown's Failed status is the eviction, written before the node went down.
        let is_shutdown_eviction =
            ev_state.is_some_and(|(ei, k)| k == EvictionKind::Failed && ei == i);
        let written = match i.checked_sub(1) {
            Some(p) => kubelet_written(&pod.states[p], s, node),
            // First seen restarted after a shutdown: the restart is the kubelet's.
            None => restarted_after_shutdown(s),
        };
        if !is_shutdown_eviction && written && n.as_ref().is_none_or(|x| earlier(&s.from, &x.at)) {
            n = Some(state_phase(
                format!("pod {} written by the returning kubelet", pod.key.name),
                s,
            ));
        }
        let serves = healthy(s) || restarted_after_shutdown(s);
        if back_ready.is_none() && serves && i > 0 && ev_state.is_none_or(|(ei, _)| i < ei) {
            back_ready = Some(s);
        }
        if back_ready.is_none() && i == 0 && restarted_after_shutdown(s) {
            back_ready = Some(s);
        }
    }
    (n, back_ready)
}

/// Follows one pod of the incident.
#[allow(clippy::too_many_arguments)]
fn pod_story(
    t: &Timelines,
    pod: &ObjectTimeline,
    node: Option<&str>,
    fphase: &Phase,
    fresh: &HashMap<ObjectKey, Vec<&ObjectTimeline>>,
    used: &mut HashSet<(ObjectKey, u32)>,
    few: bool,
) -> PodStory {
    let f = fphase.earliest();
    let ev_state = find_eviction(t, pod, f);
    let eviction = ev_state.map(|(i, k)| {
        let s = &pod.states[i];
        let what = format!("pod {} {}", pod.key.name, s.status.as_deref().unwrap_or(""));
        (state_phase(what, s), k)
    });
    let (kubelet, back_ready) = kubelet_return(t, pod, node, f, ev_state);
    let owner = owner_key(pod);
    // Replacement: a new pod (or incarnation) of the same owner, created after the
    // failure and after the old pod, Running and ready. Pods that were there before
    // are never replacements.
    let replacement = owner.as_ref().and_then(|o| fresh.get(o)).and_then(|cands| {
        cands.iter().copied().find(|q| {
            (q.key != pod.key || q.incarnation > pod.incarnation)
                && !used.contains(&(q.key.clone(), q.incarnation))
                && t.difference(pod.created_point, q.created_point).min_ms > 0
        })
    });
    let mut out = PodOutcome {
        name: pod.key.name.to_string(),
        owner: owner.as_ref().map(|k| k.to_string()),
        outcome: "unrecovered",
        replacement: None,
        rescheduling_s: None,
        readiness_s: None,
        total_recovery_s: None,
    };
    let mut r = None;
    if let Some(q) = replacement {
        used.insert((q.key.clone(), q.incarnation));
        let ready_state = q.states.iter().find(|s| healthy(s)).expect("checked above");
        r = Some(state_phase(
            format!("replacement {} Running and ready", q.key.name),
            ready_state,
        ));
        out.outcome = "replaced";
        out.replacement = Some(q.key.name.to_string());
        // Pairs whose ends both vary per pod cost a pass over the network each:
        // with many affected pods or a long capture, the network near them answers.
        let pair = |a: Point, b: Point| {
            if few {
                t.difference(a, b)
            } else {
                t.difference_near(a, b)
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
        out.total_recovery_s = Some(fphase.until(t, ready_state.from_point));
    } else if let Some(s) = back_ready {
        out.outcome = "recovered-in-place";
        out.total_recovery_s = Some(fphase.until(t, s.from_point));
    } else if ev_state.is_some() {
        out.outcome = "evicted-not-replaced";
    } else {
        out.outcome = "not-evicted";
    }
    let owner_kind = pod.owner.as_ref().map(|k| &k.kind);
    let variant = match ev_state.map(|(_, k)| k) {
        Some(EvictionKind::NodeLost) => Some("legacy-nodelost"),
        Some(EvictionKind::Failed) => Some("graceful-shutdown"),
        _ if owner_kind == Some(&ResourceKind::DaemonSet) && ev_state.is_none() => {
            Some("daemonset")
        }
        _ => None,
    }
    .or_else(|| {
        let sts = owner.as_ref().is_some_and(is_statefulset);
        (sts && out.outcome != "replaced" && ev_state.is_some()).then_some("statefulset-stuck")
    })
    .or_else(|| {
        (restarted_after_shutdown(pod.last()) && out.outcome == "recovered-in-place")
            .then_some("graceful-shutdown")
    });
    PodStory {
        outcome: out,
        eviction,
        replacement: r,
        kubelet,
        variant,
    }
}

/// The node's Ready line after its failure, from its timeline.
fn node_ready_again(t: &Timelines, fail: &Failure) -> Option<Phase> {
    let (oi, si) = fail.node_state?;
    let o = &t.objects[oi];
    o.states[si + 1..]
        .iter()
        .find(|s| ready_node(s))
        .map(|s| state_phase(format!("node {} Ready", fail.node), s))
}

fn follow(
    t: &Timelines,
    pods: &[&ObjectTimeline],
    nodes: &PodNodes,
    fail: Failure,
    warnings: &mut Vec<String>,
) -> Incident {
    let node = fail.node.clone();
    let on = node_filter(&node);
    // "Possibly after the failure" is asked from the earliest moment it can be.
    let f = fail.f.earliest();
    // Most questions below are about the failure's point: search from it once.
    let _ = t.difference(f, f);
    let affected = affected_pods(t, pods, nodes, on, &fail.f);
    let fresh = fresh_by_owner(t, pods, &affected, f);
    let few = affected.len() <= 100 && t.is_small();
    let mut used: HashSet<(ObjectKey, u32)> = HashSet::new();
    let (mut e, mut r, mut n_kubelet): (Option<Phase>, Option<Phase>, Option<Phase>) =
        (None, None, None);
    let mut outcomes = Vec::new();
    let mut variant: Option<String> = None;
    for pod in &affected {
        let story = pod_story(t, pod, on, &fail.f, &fresh, &mut used, few);
        if let Some((ph, _)) = story.eviction {
            if e.as_ref().is_none_or(|x| earlier(&ph.at, &x.at)) {
                e = Some(ph);
            }
        }
        if let Some(ph) = story.replacement {
            if r.as_ref().is_none_or(|x| earlier(&x.at, &ph.at)) {
                r = Some(ph);
            }
        }
        if let Some(ph) = story.kubelet {
            if n_kubelet.as_ref().is_none_or(|x| earlier(&ph.at, &x.at)) {
                n_kubelet = Some(ph);
            }
        }
        if let Some(v) = story.variant {
            let keep = variant.is_none() || matches!(v, "legacy-nodelost" | "graceful-shutdown");
            if keep && variant.as_deref() != Some("legacy-nodelost") {
                variant = Some(v.to_string());
            }
        }
        outcomes.push(story.outcome);
    }
    let told = super::told::by_events_and_commands(t, &node, f, &affected);
    if affected.is_empty() && told.is_empty() {
        warnings.push(format!(
            "node {node}: no pod seen running on it (no pod stream, or no -o wide NODE column)"
        ));
    }
    e = e.or(told.eviction);
    r = r.or(told.replacement);
    let node_ready = node_ready_again(t, &fail).or(told.node_back);
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
    let candidates = decide(seen);
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
    let (metrics, mut flags) =
        metrics::measure(t, &phases, &fail.node_state, node_ready.as_ref(), &affected);
    flags.extend(told.flags);
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
