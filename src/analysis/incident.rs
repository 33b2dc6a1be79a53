//! Finding node failures and following each through its phases F, E, R, N.

use rayon::prelude::*;

use crate::HashSet;

use super::failures;
use super::inferred::Back;
use super::metrics;
use super::phase::order_to_n;
pub(super) use super::phase::seen_earlier;
pub use super::phase::Phase;
use super::pods::{Pod, PodNodes};
use super::scenario::{self, decide, Scenario, Seen};
mod report;
pub use report::{Incident, Phases, PodFate, PodOutcome};

use super::story::{
    affected_pods, find_eviction, fresh_by_owner, kubelet_phase, node_filter, owners_among,
    pod_story, state_phase, Eviction, NodeReturn, PodStory,
};
use crate::ingest::Ingested;
use crate::kube::PodMeaning;
use crate::tables::ResourceKind;
use crate::timeline::stn::Ms;
use crate::timeline::{
    Claim, Interval, LineRef, ObjectKey, ObjectTimeline, Point, State, Timelines, KEPT_REACH_MAX_MS,
};

pub(super) fn ev(l: &LineRef) -> LineRef {
    l.clone()
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
    /// The node back as a pass of its kubelet's re-posts showed it, when that is all
    /// that shows it (`inferred::partitions`).
    pub(super) back: Option<Back>,
}

/// Finds every incident. Returns them, the experiment's variant, and warnings.
pub fn find(t: &Timelines, ing: &Ingested) -> (Vec<Incident>, Option<String>, Vec<String>) {
    let mut warnings = Vec::new();
    let nodes = PodNodes::new(t);
    let span = super::local::CaptureSpan::new(t);
    let mut failures = failures::from_nodes(t);
    let has_node_stream = t.objects.iter().any(|o| o.key.kind == ResourceKind::Node);
    if !has_node_stream {
        warnings
            .push("no node stream: failure and return inferred from pod and owner lines".into());
        failures.extend(super::inferred::inferred_failures(t, &span));
    } else if !t.unplaced_nodes.is_empty() {
        // A node whose lines could not be placed is read as if it had none.
        let unplaced = |f: &Failure| t.unplaced_nodes.contains(&f.node);
        failures.extend(
            super::inferred::inferred_failures(t, &span)
                .into_iter()
                .filter(unplaced),
        );
    }
    let more = failures::from_other_evidence(t, &nodes, &failures);
    failures.extend(more);
    let pods: Vec<&ObjectTimeline> = t
        .objects
        .iter()
        .filter(|o| o.key.kind == ResourceKind::Pod)
        .collect();
    let incidents = follow_each(t, ing, (&pods, &nodes, &span), failures, &mut warnings);
    let mut variants: Vec<String> = (incidents.iter())
        .filter_map(|inc| inc.variant.clone())
        .collect();
    if incidents.is_empty() {
        if let Some(v) = not_a_node_failure(&pods) {
            variants.push(v.into());
        }
    }
    variants.dedup();
    (incidents, variants.into_iter().next(), warnings)
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

/// Each failure followed to its incident. What they all ask of the capture (the
/// pods by node and creation, the workloads, the events) is read only when there is
/// a failure: a 200 MB capture without one spent 0.7 s on them.
fn follow_each(
    t: &Timelines,
    ing: &Ingested,
    (pods, nodes, span): (&[&ObjectTimeline], &PodNodes, &super::local::CaptureSpan),
    failures: Vec<Failure>,
    warnings: &mut Vec<String>,
) -> Vec<Incident> {
    if failures.is_empty() {
        return Vec::new();
    }
    // Each incident sees its node's pods up to the node's next failure, and the pods
    // created meanwhile: lookups, not every pod of a long capture (`local`).
    let index = super::local::PodIndex::new(t, pods, nodes, span);
    let neighbours = super::local::neighbour_failures(t, &failures);
    let watched = Watched {
        nodes,
        workloads: super::inferred::Workloads::of(t),
        events: super::told::Events::of(t),
    };
    // Side by side when there are cores to spare: each incident's answers depend on
    // its own questions only (`Timelines::begin_incident`), so the report is the same
    // on any number of threads; incidents and their warnings keep the failures' order.
    t.ready_for_incidents();
    let followed: Vec<(Incident, Vec<String>)> = (failures.into_par_iter().zip(neighbours))
        .map(|(fail, (since, until))| {
            t.begin_incident();
            let near = index.near(t, &fail, until);
            let span = Span { since, until };
            let mut notes = Vec::new();
            let incident = follow(t, ing, &near.pods(), &watched, (fail, span), &mut notes);
            (incident, notes)
        })
        .collect();
    let mut incidents = Vec::with_capacity(followed.len());
    for (incident, notes) in followed {
        incidents.push(incident);
        warnings.extend(notes);
    }
    incidents
}

/// How far past the failure's point `f` its kept search is to reach: past the
/// node's pods' eviction, with room for the replacements it makes. The toleration
/// decides when that comes (5 min after NotReady by default, FORMAT.md §4.1, but any
/// other is seen here), and it comes to the node's pods together: the median of each
/// pod's first deletion after `f` (a pod deleted for another reason, sooner or later,
/// does not move it). Read from one feasible schedule, an order the capture allows:
/// it only chooses which answers are exact, the others coming out wider, never
/// wrong.
fn evictions_ahead(
    t: &Timelines,
    pods: &[Pod],
    nodes: &PodNodes,
    node: Option<&str>,
    f: Point,
) -> Ms {
    let (Some(node), Some(tf)) = (node, t.feasible_time(f)) else {
        return 0;
    };
    let after_f = |s: &State| t.feasible_time(s.from_point()).map(|ts| ts - tf);
    let evicted = |s: &State| {
        matches!(
            super::pods::meaning(s),
            PodMeaning::Deleting | PodMeaning::NodeLost
        )
    };
    let mut deleted: Vec<Ms> = (pods.iter())
        .filter(|p| nodes.of_pod(p) == Some(node))
        .filter_map(|p| {
            // A pod's states are in line order, and so in the schedule's order.
            let first = p
                .states
                .partition_point(|s| after_f(s).is_none_or(|d| d <= 0));
            (p.states[first..].iter())
                .map_while(|s| {
                    after_f(s)
                        .filter(|&d| d <= KEPT_REACH_MAX_MS)
                        .map(|d| (s, d))
                })
                .find(|&(s, _)| evicted(s))
                .map(|(_, d)| d)
        })
        .collect();
    deleted.sort_unstable();
    deleted
        .get(deleted.len() / 2)
        .map_or(0, |d| d + REPLACEMENTS_ROOM_MS)
}

/// How long after the eviction a failure's kept search still reaches: the
/// replacements the controller makes at once, ready within minutes.
const REPLACEMENTS_ROOM_MS: Ms = 4 * 60_000;

/// Where an incident's node failed before and fails next (the points), if it does:
/// what lies outside is those failures'.
#[derive(Clone, Copy)]
pub(super) struct Span {
    pub(super) since: Option<Point>,
    pub(super) until: Option<Point>,
}

/// What the capture holds beside the pods, found once and asked for each incident.
struct Watched<'a> {
    nodes: &'a PodNodes,
    workloads: super::inferred::Workloads<'a>,
    events: super::told::Events<'a>,
}

fn follow(
    t: &Timelines,
    ing: &Ingested,
    pods: &super::local::NearPods,
    watched: &Watched,
    (fail, span): (Failure, Span),
    warnings: &mut Vec<String>,
) -> Incident {
    let node = fail.node.clone();
    let on = node_filter(&node);
    // "Possibly after the failure" is asked from the earliest moment it can be.
    let f = fail.f.earliest();
    // Most questions below are about the failure's point: search from it once, as
    // far as the node's pods' evictions lie.
    let ahead = evictions_ahead(t, &pods.pods, watched.nodes, on, f);
    t.keep_searches_reaching(f, ahead);
    let affected = affected_pods(t, &pods.pods, watched.nodes, on, &fail.f);
    let told = super::told::by_events_and_commands(t, &watched.events, &node, f, span, &affected);
    let node_ready = node_ready_again(t, &fail).or_else(|| told.node_back.clone());
    let owner_back = back_by_owners(t, &watched.workloads, &affected, &fail, &node_ready);
    let back = NodeReturn {
        re_posts: fail.back.as_ref().or(owner_back.as_ref()),
        ready: node_ready.as_ref().map(|r| r.point),
    };
    let Stories {
        mut e,
        mut r,
        n_kubelet,
        outcomes,
        variant,
        by_workload,
        pending,
    } = stories(t, pods, &affected, on, &fail.f, back);
    if affected.is_empty() && told.is_empty() {
        warnings.push(format!(
            "node {node}: no pod seen running on it (no pod stream, or no -o wide NODE column)"
        ));
    }
    e = e.or(told.eviction);
    r = r.or(told.replacement);
    for x in [e.as_mut(), r.as_mut()].into_iter().flatten() {
        not_before_failure(t, x, &fail.f);
    }
    let n = node_returned(t, &fail, owner_back.as_ref(), n_kubelet, &node_ready);
    let mut flags = Vec::new();
    let candidates = scenarios(t, ing, [&e, &r, &n], pending.as_deref(), &mut flags);
    let workloads = by_workload.outcomes(n.is_some(), |x| match &n {
        Some(n) => order_to_n(t, ing, x, n),
        None => scenario::Order::Open,
    });
    let (scenario, candidates) = match candidates[..] {
        [one] => (one, vec![]),
        _ => (Scenario::Inconclusive, candidates),
    };
    let phases = Phases {
        F: Some(fail.f),
        E: e,
        R: r,
        N: n,
    };
    let (metrics, metric_flags) =
        metrics::measure(t, &phases, &fail.node_state, node_ready.as_ref(), &affected);
    flags.extend(metric_flags);
    flags.extend(told.flags);
    let evidence = cited_lines(&phases);
    Incident {
        node,
        scenario,
        candidates,
        variant,
        phases,
        pods: outcomes,
        workloads,
        metrics,
        flags,
        evidence,
    }
}

/// N, the node back: at the failure's own re-posts when it has them (nothing of the
/// node's pods changed: the node was back at the re-posts), else at its kubelet's
/// writes, else at its pods re-posted as their owners count them; weighed against
/// the node's Ready line where one is seen ([`node_back`]).
fn node_returned(
    t: &Timelines,
    fail: &Failure,
    owner_back: Option<&Back>,
    n_kubelet: Option<Phase>,
    node_ready: &Option<Phase>,
) -> Option<Phase> {
    let re_posted = fail
        .back
        .as_ref()
        .or(owner_back.filter(|_| n_kubelet.is_none()));
    let n_kubelet = match re_posted {
        Some(back) => Some(back.phase.clone()),
        None => n_kubelet,
    };
    node_back(t, n_kubelet, node_ready)
}

/// Nothing shows the node back but its pods re-posted as their owners count them
/// ready again (pods and workloads watched, no nodes).
fn back_by_owners(
    t: &Timelines,
    workloads: &super::inferred::Workloads,
    affected: &[Pod],
    fail: &Failure,
    node_ready: &Option<Phase>,
) -> Option<Back> {
    if fail.back.is_some() || fail.node_state.is_some() || node_ready.is_some() {
        return None;
    }
    super::inferred::re_post_with_owner(t, workloads, affected, &fail.f)
}

/// Nothing is evicted or replaced before its node failed: a phase first seen at a
/// listing (`since` set) starts no earlier than the failure `f`.
fn not_before_failure(t: &Timelines, x: &mut Phase, f: &Phase) {
    let f0 = t.at(f.earliest());
    if x.since.is_some() && f0.min_ms > x.at.min_ms {
        x.at = Interval::new(f0.min_ms.min(x.at.max_ms), x.at.max_ms);
        x.since = Some(f.earliest());
    }
}

/// The lines the phases cite, each once, in the order of the phases that cite it (a
/// pod's return can be both F's corroboration and N).
fn cited_lines(phases: &Phases) -> Vec<LineRef> {
    let mut evidence: Vec<LineRef> = Vec::new();
    for l in [&phases.F, &phases.E, &phases.R, &phases.N]
        .into_iter()
        .flatten()
        .flat_map(|p| &p.evidence)
    {
        if !evidence
            .iter()
            .any(|e| e.line == l.line && e.source == l.source)
        {
            evidence.push(l.clone());
        }
    }
    evidence
}

/// What the affected pods' stories add up to: the first eviction, the last
/// replacement ready, the kubelet's first write, each pod's fate, the variant.
#[derive(Default)]
struct Stories {
    e: Option<Phase>,
    r: Option<Phase>,
    n_kubelet: Option<Phase>,
    outcomes: Vec<PodOutcome>,
    variant: Option<String>,
    by_workload: super::workloads::ByWorkload,
    pending: Option<String>,
}

fn stories<'a>(
    t: &Timelines,
    pods: &super::local::NearPods<'a>,
    affected: &[Pod<'a>],
    on: Option<&str>,
    f: &Phase,
    back: NodeReturn,
) -> Stories {
    let fresh = fresh_by_owner(t, (&pods.pods, &pods.owners), affected, f.earliest());
    let few = affected.len() <= 100 && t.is_small();
    let mut used: HashSet<(&ObjectKey, u32)> = HashSet::default();
    let mut all = Stories::default();
    // Followed in eviction order, added up in the order the pods were given (the
    // report's, and the order that breaks ties).
    let mut told: Vec<Option<PodStory>> = affected.iter().map(|_| None).collect();
    let owners = owners_among((&pods.pods, &pods.owners), affected);
    for (k, pod, evicted) in in_eviction_order(t, affected, f) {
        let story = pod_story(
            t,
            (&pod, owners[k], evicted),
            on,
            f,
            &fresh,
            &mut used,
            few,
            back,
        );
        told[k] = Some(story);
    }
    // The first eviction and the last replacement, as places in `by_workload`; apart,
    // the last replacement of the pods whose owner waits for their deletion (see
    // below).
    let (mut e, mut r, mut r_after_deletion) = (None, None, None);
    let mut n_kubelet = None;
    for (owner, story) in owners.iter().zip(told.into_iter().flatten()) {
        let (ek, rk) = all.by_workload.add(
            story.outcome.owner.as_deref(),
            story.eviction.map(|(p, _)| p),
            story.replacement,
        );
        all.pending = all.pending.or(story.pending);
        let phase = |k: usize| all.by_workload.phase(k);
        if let Some(k) = ek {
            if e.is_none_or(|x| phase(k).seen_before(phase(x))) {
                e = Some(k);
            }
        }
        if let Some(k) = rk {
            let waits = owner.is_some_and(|o| o.replaces_after_deletion());
            let last = if waits { &mut r_after_deletion } else { &mut r };
            if last.is_none_or(|x| phase(x).seen_before(phase(k))) {
                *last = Some(k);
            }
        }
        if let Some((name, w)) = story.kubelet {
            if n_kubelet.is_none_or(|(_, x)| w.seen_before(&x)) {
                n_kubelet = Some((name, w));
            }
        }
        if let Some(v) = story.variant {
            let keep =
                all.variant.is_none() || matches!(v, "legacy-nodelost" | "graceful-shutdown");
            if keep && all.variant.as_deref() != Some("legacy-nodelost") {
                all.variant = Some(v.to_string());
            }
        }
        all.outcomes.push(story.outcome);
    }
    // A StatefulSet's pod is recreated only once its node is back: its replacement
    // says when the incident's migration ended only when no other workload was
    // replaced (its own outcome keeps its order, `workloads`).
    all.n_kubelet = n_kubelet.map(|(name, s)| kubelet_phase(name, s));
    all.e = e.map(|k| all.by_workload.phase(k).clone());
    all.r = r
        .or(r_after_deletion)
        .map(|k| all.by_workload.phase(k).clone());
    all
}

/// The affected pods (with their places in `affected`) in the order their evictions
/// were printed, the pods not evicted after them as they were. A ReplicaSet creates one replacement as each of its pods is
/// deleted (FORMAT.md §4.8), so the first pod evicted takes the first replacement:
/// followed in that order, each pod finds the replacements of its siblings evicted
/// before it already taken, where in any other order it asked whether each was created
/// before its own eviction — a question the clock cannot settle for two evictions a
/// second apart, so siblings took each other's replacements.
fn in_eviction_order<'a>(
    t: &Timelines,
    affected: &[Pod<'a>],
    f: &Phase,
) -> Vec<(usize, Pod<'a>, Option<Eviction>)> {
    let mut order: Vec<_> = (affected.iter().enumerate())
        .map(|(k, &pod)| (k, pod, find_eviction(t, &pod, f)))
        .collect();
    // Stable: pods not evicted keep their order, after the evicted ones.
    order.sort_by_cached_key(|&(_, pod, evicted)| {
        let line = evicted.and_then(|(i, _)| pod.states[i].lines.first());
        (line.is_none(), line.map(|l| (&*l.source, l.line)))
    });
    order
}

/// N: the returning kubelet's first pod write (it sits in the pods' own stream, so
/// its order against E and R is proven by line order), with the node's Ready line as
/// further evidence (`node_down_s` is measured to it), else the Ready line alone. A write provably more than a minute after the
/// Ready line is not the return's: a kubelet back from a partition kept its pods and
/// writes nothing of them that changes (FORMAT.md §4.7), and its pods' next writes
/// are later news.
fn node_back(t: &Timelines, kubelet: Option<Phase>, node_ready: &Option<Phase>) -> Option<Phase> {
    let kubelet = kubelet.filter(|k| {
        node_ready
            .as_ref()
            .is_none_or(|r| !t.proves(r.point, k.point, Claim::MoreThan(RETURN_WRITES_MS)))
    });
    match (kubelet, node_ready) {
        (Some(mut k), Some(r)) => {
            k.evidence.extend(r.evidence.iter().cloned());
            k.what = format!("{}; {}", k.what, r.what);
            k.alternatives.clear();
            Some(k)
        }
        (k, r) => k.or_else(|| r.clone()),
    }
}

/// How long after its node's Ready line a returning kubelet's first write to a pod
/// can come: the two are linked within a minute (`timeline::links::node`).
const RETURN_WRITES_MS: i64 = 60_000;

/// The scenarios the order of E, R and N allows ([`decide`]); a replacement created
/// but not running while the node is away is still a migration, flagged.
fn scenarios(
    t: &Timelines,
    ing: &Ingested,
    [e, r, n]: [&Option<Phase>; 3],
    pending: Option<&str>,
    flags: &mut Vec<String>,
) -> Vec<Scenario> {
    let order = |x: &Option<Phase>| match (x, n) {
        (Some(x), Some(n)) => Some(order_to_n(t, ing, x, n)),
        _ => None,
    };
    let seen = Seen {
        eviction: e.is_some(),
        replacement: r.is_some(),
        node_back: n.is_some(),
        e_to_n: order(e),
        r_to_n: order(r),
    };
    let candidates = decide(seen);
    if let (Some(name), [Scenario::Ongoing], true) = (pending, candidates.as_slice(), e.is_some()) {
        // Replaced elsewhere while the node is away, the replacement not running yet
        // (a volume still attached to the lost node, an image pull).
        flags.push(format!(
            "replacement not yet ready: {name} was created but is not running and ready in the capture"
        ));
        return vec![Scenario::MigratedNoReturn];
    }
    candidates
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
