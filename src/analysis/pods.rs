//! What a pod's states say, in the analysis' terms: healthy, evicted (and how), a
//! change only a running kubelet writes; where a pod ran when no NODE column says it;
//! which owner its name gives when no workload table is printed. The words
//! themselves are decided in [`crate::kube`].

use std::sync::Arc;

use crate::{HashMap, HashSet};

use serde::Serialize;

use crate::kube::status::{is_healthy, pod_status, unknown_with_none_ready, NodeCondition};
use crate::kube::{names, PodMeaning};
use crate::tables::ResourceKind;
use crate::timeline::{End, ObjectKey, ObjectTimeline, Point, State, Timelines};

/// A pod is Running with every container ready.
pub(super) fn healthy(s: &State) -> bool {
    is_healthy(s.status.as_deref(), s.ready)
}

/// What a state's STATUS means.
pub(super) fn meaning(s: &State) -> PodMeaning {
    s.status
        .as_deref()
        .map_or(PodMeaning::Other, |w| pod_status(w, s.ready))
}

/// What follows a state of a pod, for reading it ([`meaning_after`]).
#[derive(Debug, Clone, Copy)]
pub(super) enum Next<'a> {
    /// The pod's next state.
    State(&'a State),
    /// None: the state is the pod's last.
    Last,
    /// Not at hand where it is asked.
    NotAsked,
}

impl<'a> Next<'a> {
    /// What follows `states[i]`.
    pub(super) fn of(states: &'a [State], i: usize) -> Next<'a> {
        Next::after(states.get(i + 1))
    }

    /// What follows a state whose next one is `next` (`None`: it is the last).
    pub(super) fn after(next: Option<&'a State>) -> Next<'a> {
        next.map_or(Next::Last, Next::State)
    }
}

/// What a state's STATUS means after `prev`, the pod's state before it, and before
/// `next`: `Unknown` with no container ready is the node controller's NodeLost
/// eviction, not the runtime's lost container, where the kubelet's cells did not
/// change and the pod did not live on ([`unknown_with_none_ready`]). The IP is
/// compared only where both rows printed it (a NODE printed, not one the analysis
/// named, means the IP column was too).
pub(super) fn meaning_after(prev: Option<&State>, s: &State, next: Next) -> PodMeaning {
    let m = meaning(s);
    if m != PodMeaning::RuntimeUnknown {
        return m;
    }
    let printed_ip =
        |s: &State| (s.node.as_deref()).is_some_and(|n| !super::pod_groups::is_group(n));
    let kubelet_changed = prev.map(|p| {
        let ip_changed = printed_ip(p) && printed_ip(s) && !same_text(&p.ip, &s.ip);
        p.ready != s.ready || p.restarts != s.restarts || ip_changed
    });
    let lives_on = match next {
        Next::State(n) => Some(matches!(
            meaning(n),
            PodMeaning::Running | PodMeaning::Starting | PodMeaning::NotReady | PodMeaning::Waiting
        )),
        Next::Last => Some(false),
        Next::NotAsked => None,
    };
    unknown_with_none_ready(kubelet_changed, lives_on)
}

/// Serving again after a graceful node shutdown: 1.22's kubelet keeps the reason
/// `Terminated` on a pod it restarted, so STATUS says Terminated while READY is n/n
/// and the restart count went up (FORMAT.md §4.9).
pub(super) fn restarted_after_shutdown(s: &State) -> bool {
    meaning(s) == PodMeaning::ShutDown
        && s.ready.is_some_and(|[n, m]| n == m && m > 0)
        && s.restarts.is_some_and(|r| r > 0)
}

/// How a pod shows its eviction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum EvictionKind {
    /// Marked for deletion: `Terminating`.
    Terminating,
    /// The node controller's legacy eviction: `NodeLost`, or `Unknown` with
    /// containers still counted ready.
    NodeLost,
    /// Failed by a graceful node shutdown (`Terminated`, `Shutdown`, or a terminal
    /// container status right after Running).
    Failed,
}

/// A state that shows eviction, after `prev` (or as the first state seen) and before
/// `next` ([`meaning_after`]).
pub(super) fn eviction_kind(prev: Option<&State>, s: &State, next: Next) -> Option<EvictionKind> {
    let m = meaning_after(prev, s, next);
    // Most states show none: their STATUS read alone (`prev`'s is read only for one
    // that may).
    if !m.is_eviction() && m != PodMeaning::Terminal {
        return None;
    }
    // A pod already being deleted is not evicted again: a later Terminating line is a
    // rewrite of the same deletion (the returning kubelet's READY 0/1, say).
    if prev.is_some_and(|p| meaning(p) == PodMeaning::Deleting) {
        return None;
    }
    match m {
        PodMeaning::Deleting => Some(EvictionKind::Terminating),
        PodMeaning::NodeLost => Some(EvictionKind::NodeLost),
        PodMeaning::ShutDown if !restarted_after_shutdown(s) => Some(EvictionKind::Failed),
        PodMeaning::Terminal if prev.is_some_and(healthy) => Some(EvictionKind::Failed),
        _ => None,
    }
}

/// A change the kubelet writes (so the node's kubelet is back): the pod's IP, READY or
/// restart count changed, or the runtime reported it `Unknown`, while bound to the
/// node (`None`: any node, for an incident whose node is not named). `next`: what
/// follows `s` ([`meaning_after`]).
pub(super) fn kubelet_written(prev: &State, s: &State, next: Next, node: Option<&str>) -> bool {
    if let Some(node) = node {
        if !s.node.as_deref().is_some_and(|n| same_str(n, node)) {
            return false;
        }
    }
    // Both lines wide (a NODE printed means the IP column was too), or both with an IP:
    // a listing without `-o wide` after a wide one says nothing about the IP.
    let both_wide = prev.node.is_some() && s.node.is_some();
    let ip_changed =
        !same_text(&prev.ip, &s.ip) && (both_wide || (prev.ip.is_some() && s.ip.is_some()));
    // The STATUS word read last: asked of every line of a soak.
    ip_changed
        || prev.ready != s.ready
        || restarted(prev, s)
        || meaning_after(Some(prev), s, next) == PodMeaning::RuntimeUnknown
}

/// Whether two texts are equal, told by address first: a state's STATUS, IP and NODE
/// are shared between the states that print the same, and the analysis compares
/// them for every state of a capture (`Arc<str>`'s own `==` compares the text).
pub(super) fn same_str(a: &str, b: &str) -> bool {
    std::ptr::eq(a, b) || a == b
}

/// [`same_str`] of two optional fields (both absent: equal).
pub(super) fn same_text(a: &Option<Arc<str>>, b: &Option<Arc<str>>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => same_str(a, b),
        (a, b) => a.is_none() && b.is_none(),
    }
}

fn restarted(prev: &State, s: &State) -> bool {
    matches!((prev.restarts, s.restarts), (Some(a), Some(b)) if b > a)
}

/// The owner of a pod: the workload table's, else the one its name gives, borrowed
/// from the pod; it groups pods of one owner and one template (a new template is a
/// rollout). Read once a pod for the capture (`local::PodIndex`): asked of every pod
/// near each incident, and made into keys, it was a few per cent of a soak's
/// analysis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) struct OwnerOf<'a> {
    kind: &'a ResourceKind,
    namespace: Option<&'a str>,
    name: &'a str,
}

impl OwnerOf<'_> {
    /// The owner as the report prints it, as its key would (`ReplicaSet
    /// shop/web-7d4b9c8f6d`): written directly, a pod at a time.
    pub(super) fn text(&self) -> String {
        let kind = self.kind.as_str();
        match self.namespace {
            Some(ns) => [kind, " ", ns, "/", self.name].concat(),
            None => [kind, " ", self.name].concat(),
        }
    }

    /// Whether the owner is a StatefulSet (by table or by name).
    pub(super) fn is_statefulset(&self) -> bool {
        *self.kind == ResourceKind::StatefulSet
    }

    /// Whether the owner makes a pod's replacement only once the old pod is gone: a
    /// StatefulSet keeps at most one pod of an ordinal (FORMAT.md §4.8), so its pod
    /// on a lost node is recreated after the node is back (or a force delete).
    pub(super) fn replaces_after_deletion(&self) -> bool {
        self.is_statefulset()
    }
}

/// An owner numbered once for the capture (`local::PodIndex`): compared and hashed
/// by its number (an incident files its fresh pods by owner, and hashing the names
/// was most of that).
#[derive(Debug, Clone, Copy)]
pub(super) struct Owner<'a> {
    id: u32,
    of: OwnerOf<'a>,
}

impl<'a> Owner<'a> {
    /// `of`, numbered `id`: one number for each distinct owner.
    pub(super) fn new(id: u32, of: OwnerOf<'a>) -> Owner<'a> {
        Owner { id, of }
    }
}

impl PartialEq for Owner<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
    }
}

impl Eq for Owner<'_> {}

impl std::hash::Hash for Owner<'_> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.id.hash(state);
    }
}

impl<'a> std::ops::Deref for Owner<'a> {
    type Target = OwnerOf<'a>;

    fn deref(&self) -> &OwnerOf<'a> {
        &self.of
    }
}

static REPLICA_SET: ResourceKind = ResourceKind::ReplicaSet;
static STATEFUL_SET: ResourceKind = ResourceKind::StatefulSet;

/// The owner of a pod ([`OwnerOf`]).
pub(super) fn owner_of(pod: &ObjectTimeline) -> Option<OwnerOf<'_>> {
    if let Some(o) = &pod.owner {
        return Some(OwnerOf {
            kind: &o.kind,
            namespace: o.namespace.as_deref(),
            name: &o.name,
        });
    }
    let name = &pod.key.name;
    // Each owner's name is the front of the pod's.
    let (owner, kind) = match names::owner_from_name(name) {
        names::OwnerGuess::Deployment { deployment, hash } => {
            (&name[..deployment.len() + 1 + hash.len()], &REPLICA_SET)
        }
        names::OwnerGuess::Generated { owner } => (owner, &REPLICA_SET),
        names::OwnerGuess::Ordinal { set, .. } => (set, &STATEFUL_SET),
        names::OwnerGuess::Unknown => return None,
    };
    Some(OwnerOf {
        kind,
        namespace: pod.key.namespace.as_deref(),
        name: owner,
    })
}

/// The node a pod's lines print (its first).
fn printed_node(pod: &ObjectTimeline) -> Option<&str> {
    printed_node_of(&pod.states)
}

/// The node the first of `states` that prints one prints.
fn printed_node_of(states: &[State]) -> Option<&str> {
    states.iter().find_map(|s| s.node.as_deref())
}

/// One pod as an incident sees it: its whole timeline, or only its states up to its
/// node's next failure (`local::PodIndex::near`), borrowed. A soak's pod lives
/// through dozens of its node's failures: a copy of its states for each was about a
/// third of an incident's lookups.
#[derive(Clone, Copy)]
pub(super) struct Pod<'a> {
    /// The timeline it is (a part of): tells two pods apart by address.
    pub(super) timeline: &'a ObjectTimeline,
    pub(super) key: &'a ObjectKey,
    pub(super) incarnation: u32,
    pub(super) owner: &'a Option<ObjectKey>,
    pub(super) created_point: Point,
    /// Its states as far as the incident sees them (at least one).
    pub(super) states: &'a [State],
    /// `End::Continues` where its states are cut.
    pub(super) end: End,
}

impl<'a> Pod<'a> {
    /// The whole of `pod`.
    pub(super) fn whole(pod: &'a ObjectTimeline) -> Pod<'a> {
        Pod::cut(pod, pod.states.len(), pod.end)
    }

    /// `pod`'s first `k` states (k ≥ 1), ending as `end`.
    pub(super) fn cut(pod: &'a ObjectTimeline, k: usize, end: End) -> Pod<'a> {
        Pod {
            timeline: pod,
            key: &pod.key,
            incarnation: pod.incarnation,
            owner: &pod.owner,
            created_point: pod.created_point,
            states: &pod.states[..k],
            end,
        }
    }

    /// The latest state it shows.
    pub(super) fn last(&self) -> &'a State {
        self.states
            .last()
            .expect("an object timeline has at least one state")
    }

    /// Whether it is `other` (the same timeline; an incident sees each pod once).
    pub(super) fn is(&self, other: &Pod) -> bool {
        std::ptr::eq(self.timeline, other.timeline)
    }
}

/// Where each pod ran. A pod's node never changes within an incarnation, so a NODE
/// printed in any of its lines holds for all of them; without one, the only node the
/// capture knows (a single-node cluster), or the only node ever NotReady when the pod
/// shows a lost node's marks (FORMAT.md §4.4–4.5).
pub(super) struct PodNodes {
    by_pod: HashMap<(ObjectKey, u32), String>,
}

impl PodNodes {
    pub(super) fn new(t: &Timelines) -> PodNodes {
        let mut known: HashSet<&str> = HashSet::default();
        let mut not_ready: HashSet<&str> = HashSet::default();
        for o in t
            .objects
            .iter()
            .filter(|o| o.key.kind == ResourceKind::Node)
        {
            known.insert(&o.key.name);
            let down = o.states.iter().any(|s| {
                s.status
                    .as_deref()
                    .map(crate::kube::node_status)
                    .map(|n| n.condition)
                    == Some(NodeCondition::NotReady)
            });
            if down {
                not_ready.insert(&o.key.name);
            }
        }
        for e in &t.events {
            if e.object_kind == "node" && e.meaning == crate::kube::EventMeaning::NodeNotReady {
                not_ready.insert(&e.object);
            }
        }
        let only = |set: &HashSet<&str>| {
            (set.len() == 1)
                .then(|| set.iter().next().map(|s| s.to_string()))
                .flatten()
        };
        let single_node = only(&known);
        let only_down = only(&not_ready);
        let mut by_pod = HashMap::default();
        for p in t.objects.iter().filter(|o| o.key.kind == ResourceKind::Pod) {
            if printed_node(p).is_some() {
                continue;
            }
            let lost = p
                .states
                .iter()
                .any(|s| meaning(s).is_eviction() || meaning(s) == PodMeaning::RuntimeUnknown)
                || p.states.windows(2).any(|w| {
                    // Killed by a graceful shutdown: Running, then Error or Completed.
                    healthy(&w[0]) && meaning(&w[1]) == PodMeaning::Terminal
                });
            let node = single_node
                .clone()
                .or_else(|| only_down.clone().filter(|_| lost));
            if let Some(n) = node {
                by_pod.insert((p.key.clone(), p.incarnation), n);
            }
        }
        PodNodes { by_pod }
    }

    /// The node a pod ran on, when the capture tells.
    pub(super) fn of<'a>(&'a self, pod: &'a ObjectTimeline) -> Option<&'a str> {
        self.of_pod(&Pod::whole(pod))
    }

    /// [`PodNodes::of`] as far as an incident sees the pod (a cut pod's states).
    pub(super) fn of_pod<'a>(&'a self, pod: &Pod<'a>) -> Option<&'a str> {
        // The node a pod's own lines print comes first (no lookup: an incident asks
        // this of thousands of pods); the map holds only the inferred ones.
        if let Some(n) = printed_node_of(pod.states) {
            return Some(n);
        }
        self.by_pod
            .get(&(pod.key.clone(), pod.incarnation))
            .map(String::as_str)
    }
}
