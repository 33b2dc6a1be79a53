//! Soft links between streams (each a tolerance window, each kind can be turned off).
//!
//! Separate watch commands have separate relative clocks; these links are what put
//! them on one clock. Each is a fact of Kubernetes' behaviour (FORMAT.md §4–5) with a
//! window wide enough for a busy control plane:
//!
//! - **same object**: one object seen in two streams has one creationTimestamp → its
//!   creation points are equal.
//! - **owner first**: a pod is created after the workload that owns it (by name:
//!   `<deployment>-<hash>-<rand>`, `<statefulset>-<n>`, `<daemonset>-<rand>`).
//! - **replacement**: a workload's line where its created-pod count rises (Deployment
//!   UP-TO-DATE, ReplicaSet/DaemonSet CURRENT) follows the creation of its new pod
//!   within 15 s (the controllers' status writes); creation points stand for the
//!   whole-second creationTimestamp, hence [0 s, 16 s].
//! - **not ready**: when a node turns NotReady, the node controller marks its pods not
//!   ready right away (a visually identical pod line, FORMAT.md §4.4) and the owners'
//!   READY drops: [0 s, 20 s] after the node line (−1 s truncation).
//! - **node back**: the first kubelet-written change of a pod on a failed node (IP,
//!   READY, RESTARTS, `Unknown` from the runtime) is within 60 s of the node's first
//!   change after NotReady (the returning kubelet writes both).
//! - **events**: a pod's `Scheduled` event is after its creation and, within 10 s,
//!   before its kubelet shows it past `Pending` (`events`).

use super::stn::{Ms, UNBOUNDED};
use super::Point;
use crate::observe::Observation;
use crate::tables::ResourceKind;

/// One track: the lines of one object incarnation in one stream.
#[derive(Debug, Clone)]
pub struct Track {
    pub key: super::ObjectKey,
    pub stream: u32,
    pub incarnation: u32,
    /// Indices into the observation list, in stream order.
    pub obs: Vec<usize>,
    pub created: Point,
    pub owner: Option<usize>,
}

/// A proposed soft link `x_b − x_a ∈ [lo, hi]`.
#[derive(Debug, Clone)]
pub struct Link {
    pub kind: &'static str,
    pub flag: &'static str,
    pub a: Point,
    pub b: Point,
    pub lo: Ms,
    pub hi: Ms,
    /// Observation indices that justify it.
    pub obs: Vec<usize>,
    /// Which link is dropped first when several conflict (lower first).
    pub rank: u8,
}

pub use crate::kube::names::{deployment_template, owns};

mod events;
mod node;
#[cfg(test)]
pub(crate) use node::fixtures;
use node::node_links;

#[cfg(test)]
thread_local! {
    /// Candidates looked at by the owner and same-object matching (scaling tests).
    static STEPS: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

fn step() {
    #[cfg(test)]
    STEPS.with(|s| s.set(s.get() + 1));
}

/// Each pod track's owner: the workload track in its namespace whose name it is
/// formed from ([`owns`]), the longest such name winning (the last such track on a
/// tie). Looked up by the pod name's prefixes that end before a `-`, not by trying
/// every workload for every pod.
pub fn assign_owners(tracks: &mut [Track]) {
    type Key<'a> = (Option<&'a str>, &'a str);
    let mut by_name: crate::HashMap<Key<'_>, Vec<usize>> = crate::HashMap::default();
    for (w, t) in tracks.iter().enumerate() {
        if t.key.kind.is_workload() {
            let key = (t.key.namespace.as_deref(), &*t.key.name);
            by_name.entry(key).or_default().push(w);
        }
    }
    let mut owners = vec![None; tracks.len()];
    for (t, pod) in tracks.iter().enumerate() {
        if pod.key.kind != ResourceKind::Pod {
            continue;
        }
        let name = &*pod.key.name;
        let ns = pod.key.namespace.as_deref();
        let cuts = name.rmatch_indices('-').map(|(at, _)| at);
        owners[t] = cuts
            .filter_map(|at| by_name.get(&(ns, &name[..at])))
            .find_map(|ws| {
                ws.iter().rev().copied().find(|&w| {
                    step();
                    owns(&tracks[w].key.kind, &tracks[w].key.name, name)
                })
            });
    }
    for (t, o) in tracks.iter_mut().zip(owners) {
        t.owner = o;
    }
}

/// The tracks of each object incarnation (the same key and incarnation): groups
/// numbered in the order of their first track, each group's tracks in order. Flat (one
/// list of tracks and where each group starts), not a list a group: a soak has
/// hundreds of thousands of objects, most with one track.
pub(super) struct ObjectGroups {
    start: Vec<usize>,
    tracks: Vec<usize>,
}

impl ObjectGroups {
    pub(super) fn of(tracks: &[Track]) -> ObjectGroups {
        // Sized for every track at once: grown, a soak's map was rehashed again and again.
        let mut index: crate::HashMap<(&super::ObjectKey, u32), usize> =
            crate::HashMap::with_capacity_and_hasher(tracks.len(), Default::default());
        let group_of: Vec<usize> = (tracks.iter())
            .map(|t| {
                let next = index.len();
                *index.entry((&t.key, t.incarnation)).or_insert(next)
            })
            .collect();
        // A counting sort of the tracks by group: each group's stay in order.
        let mut start = vec![0; index.len() + 1];
        for &g in &group_of {
            start[g + 1] += 1;
        }
        for g in 0..index.len() {
            start[g + 1] += start[g];
        }
        let mut next = start.clone();
        let mut by_group = vec![0; tracks.len()];
        for (t, &g) in group_of.iter().enumerate() {
            by_group[next[g]] = t;
            next[g] += 1;
        }
        ObjectGroups {
            start,
            tracks: by_group,
        }
    }

    /// How many groups there are.
    pub(super) fn len(&self) -> usize {
        self.start.len() - 1
    }

    /// The tracks of group `k`, in order.
    pub(super) fn tracks(&self, k: usize) -> &[usize] {
        &self.tracks[self.start[k]..self.start[k + 1]]
    }

    /// Every group's tracks, in the groups' order.
    pub(super) fn iter(&self) -> impl Iterator<Item = &[usize]> + '_ {
        (0..self.len()).map(|k| self.tracks(k))
    }
}

/// For each track, the next track of the same object and incarnation in another
/// stream (the one the same-object link joins it to), found in one pass per object.
fn same_object_partners(tracks: &[Track]) -> Vec<Option<usize>> {
    let mut partner = vec![None; tracks.len()];
    for group in ObjectGroups::of(tracks).iter() {
        // Event rows named by their involved object are many events, not one object
        // with one creation time.
        if tracks[group[0]].key.kind == ResourceKind::Event {
            continue;
        }
        // From the end: the first later track whose stream differs from this one's.
        let mut next_other: Option<usize> = None;
        for p in (0..group.len()).rev() {
            step();
            if let Some(&q) = group.get(p + 1) {
                if tracks[q].stream != tracks[group[p]].stream {
                    next_other = Some(q);
                }
            }
            partner[group[p]] = next_other;
        }
    }
    partner
}

/// The count of pods a workload line says were created (Deployment UP-TO-DATE,
/// ReplicaSet/DaemonSet CURRENT).
fn created_count(o: &Observation) -> Option<u32> {
    let cell = |h: &str| o.cells.get(h).and_then(|v| v.parse().ok());
    match o.kind() {
        ResourceKind::Deployment => cell("UP-TO-DATE"),
        ResourceKind::ReplicaSet
        | ResourceKind::ReplicationController
        | ResourceKind::DaemonSet => cell("CURRENT"),
        _ => None,
    }
}

/// Whether lines of `kind` print a created count ([`created_count`]).
fn has_created_count(kind: &ResourceKind) -> bool {
    matches!(
        kind,
        ResourceKind::Deployment
            | ResourceKind::ReplicaSet
            | ResourceKind::ReplicationController
            | ResourceKind::DaemonSet
    )
}

fn ready_of(o: &Observation) -> Option<u32> {
    o.ready.map(|[n, _]| n)
}

/// A pod line printed at the moment of its creation (`Pending`, AGE `0s` or `1s`).
fn is_creation_line(o: &Observation) -> bool {
    o.age
        .as_ref()
        .and_then(|a| a.max_s())
        .is_some_and(|m| m <= 2)
}

/// The links proposed between the tracks, and what could not be linked.
#[derive(Debug, Default)]
pub struct Proposed {
    pub links: Vec<Link>,
    /// What the user should know of what was not linked.
    pub warnings: Vec<String>,
    /// Nodes that fail again and again whose lines could not be paired with their
    /// pods' marks: their lines float free of the pods' clock.
    pub unplaced_nodes: Vec<String>,
}

/// Proposes every link between the tracks. `points[i]` is observation `i`'s point;
/// `events` the events' own points (`(point, observation)`).
pub fn propose(
    obs: &[Observation],
    points: &[Point],
    events: &[(Point, usize)],
    tracks: &[Track],
    opts: &super::LinkOptions,
) -> Proposed {
    let mut out = Proposed::default();
    let links = &mut out.links;
    if opts.same_object {
        let partners = same_object_partners(tracks);
        for (a, b) in tracks.iter().zip(&partners) {
            if let Some(b) = b.map(|j| &tracks[j]) {
                links.push(Link {
                    kind: "same object in two streams: one creation time",
                    flag: "--no-link-same-object",
                    a: a.created,
                    b: b.created,
                    lo: 0,
                    hi: 0,
                    obs: vec![a.obs[0], b.obs[0]],
                    rank: 4,
                });
            }
        }
    }
    if opts.owner_first {
        for t in tracks {
            if let Some(o) = t.owner {
                links.push(Link {
                    kind: "a pod is created after its owner",
                    flag: "--no-link-owner",
                    a: tracks[o].created,
                    b: t.created,
                    lo: 0,
                    hi: UNBOUNDED,
                    obs: vec![tracks[o].obs[0], t.obs[0]],
                    rank: 3,
                });
            }
        }
    }
    // Each track's own pods (tracks whose owner it is), in track order.
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); tracks.len()];
    for (i, t) in tracks.iter().enumerate() {
        if let Some(o) = t.owner {
            children[o].push(i);
        }
    }
    if opts.replacement {
        replacement_links(obs, points, tracks, &children, links);
        ready_links(obs, points, tracks, &children, links);
    }
    if opts.events {
        events::event_links(obs, points, events, tracks, links);
    }
    if opts.not_ready || opts.node_back {
        let notes = node::Notes {
            warnings: &mut out.warnings,
            unplaced_nodes: &mut out.unplaced_nodes,
        };
        node_links(obs, points, tracks, opts, &mut out.links, notes);
    }
    out
}

/// A workload's created-pod count rises when its new pod is created: its rises and
/// its pods seen at creation, matched in order when there are as many of each.
fn replacement_links(
    obs: &[Observation],
    points: &[Point],
    tracks: &[Track],
    children: &[Vec<usize>],
    links: &mut Vec<Link>,
) {
    let sec = 1000;
    for (wi, w) in tracks.iter().enumerate() {
        // A track is one object's lines: of a kind without a created count (a pod's),
        // none of them rises.
        if !has_created_count(&w.key.kind) {
            continue;
        }
        let rises = rises(obs, &w.obs, created_count);
        if rises.is_empty() {
            continue;
        }
        let mut born: Vec<&Track> = children[wi]
            .iter()
            .map(|&i| &tracks[i])
            .filter(|t| is_creation_line(&obs[t.obs[0]]))
            .collect();
        born.sort_by_key(|t| (t.stream, obs[t.obs[0]].seq));
        if rises.is_empty() || rises.len() != born.len() {
            continue;
        }
        for (line, pod) in rises.iter().zip(born) {
            links.push(Link {
                kind: "a workload's created count rises when its new pod is created",
                flag: "--no-link-replacement",
                a: pod.created,
                b: points[*line],
                lo: 0,
                hi: 3 * sec,
                obs: vec![pod.obs[0], *line],
                rank: 2,
            });
        }
    }
}

/// The lines (of `lines`, one object's) where `count` rises from the line before.
fn rises(
    obs: &[Observation],
    lines: &[usize],
    count: impl Fn(&Observation) -> Option<u32>,
) -> Vec<usize> {
    lines
        .windows(2)
        .filter(|p| matches!((count(&obs[p[0]]), count(&obs[p[1]])), (Some(a), Some(b)) if b > a))
        .map(|p| p[1])
        .collect()
}

fn pod_ready(o: &Observation) -> bool {
    crate::kube::status::is_healthy(o.status(), o.ready)
}

/// An owner's READY count rises when one of its pods becomes ready (the pod's Ready
/// condition and its containers' ready flags are written in one kubelet status update;
/// the controllers' status writes follow within 2 s). Matched in order, and only when
/// the owner shows as many rises as its pods show becoming ready.
fn ready_links(
    obs: &[Observation],
    points: &[Point],
    tracks: &[Track],
    children: &[Vec<usize>],
    links: &mut Vec<Link>,
) {
    let sec = 1000;
    for (wi, w) in tracks.iter().enumerate() {
        if !matches!(
            w.key.kind,
            ResourceKind::Deployment
                | ResourceKind::StatefulSet
                | ResourceKind::ReplicaSet
                | ResourceKind::DaemonSet
        ) {
            continue;
        }
        let rises = rises(obs, &w.obs, ready_of);
        let mut became_ready: Vec<usize> = Vec::new();
        let mut streams = Vec::new();
        for t in children[wi].iter().map(|&i| &tracks[i]) {
            streams.push(t.stream);
            for p in t.obs.windows(2) {
                if !pod_ready(&obs[p[0]]) && pod_ready(&obs[p[1]]) {
                    became_ready.push(p[1]);
                }
            }
        }
        streams.sort_unstable();
        streams.dedup();
        // Only one pod stream gives a proven order of the pods' transitions.
        if rises.is_empty() || streams.len() != 1 || rises.len() != became_ready.len() {
            continue;
        }
        became_ready.sort_by_key(|&i| obs[i].seq);
        for (&rise, &ready) in rises.iter().zip(&became_ready) {
            links.push(Link {
                kind: "an owner's READY rises when its pod becomes ready",
                flag: "--no-link-replacement",
                a: points[ready],
                b: points[rise],
                lo: 0,
                hi: 2 * sec,
                obs: vec![ready, rise],
                rank: 2,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn track(kind: ResourceKind, name: &str, stream: u32, incarnation: u32) -> Track {
        Track {
            key: super::super::ObjectKey {
                kind,
                namespace: None,
                name: name.into(),
            },
            stream,
            incarnation,
            obs: vec![0],
            created: 0,
            owner: None,
        }
    }

    fn steps(f: impl FnOnce()) -> u64 {
        STEPS.with(|s| s.set(0));
        f();
        STEPS.with(|s| s.get())
    }

    /// Groups come in the order of their first track, each with its tracks in order;
    /// an object's other incarnation is a group of its own.
    #[test]
    fn object_groups_keep_first_track_order() {
        let tracks = [
            track(ResourceKind::Pod, "b", 0, 0),
            track(ResourceKind::Pod, "a", 0, 0),
            track(ResourceKind::Pod, "b", 1, 0),
            track(ResourceKind::Pod, "b", 1, 1),
            track(ResourceKind::Pod, "a", 2, 0),
        ];
        let groups = ObjectGroups::of(&tracks);
        let got: Vec<&[usize]> = groups.iter().collect();
        assert_eq!(got, [&[0, 2][..], &[1, 4][..], &[3][..]]);
        assert_eq!(groups.len(), 3);
        assert!(ObjectGroups::of(&[]).iter().next().is_none());
    }

    /// Issue 16: owners were matched pods × workloads (50 k + 50 k took 17 s).
    #[test]
    fn owners_are_found_by_name_not_by_trying_every_workload() {
        let work = |n: usize| {
            let mut tracks: Vec<Track> = (0..n)
                .map(|i| track(ResourceKind::Deployment, &format!("app-{i}"), 0, 0))
                .collect();
            tracks.push(track(ResourceKind::StatefulSet, "app", 0, 0));
            for i in 0..n {
                let name = format!("app-{i}-8f788645b-qszpv");
                tracks.push(track(ResourceKind::Pod, &name, 1, 0));
            }
            let count = steps(|| assign_owners(&mut tracks));
            for i in 0..n {
                assert_eq!(tracks[n + 1 + i].owner, Some(i));
            }
            count
        };
        let (small, large) = (work(100), work(400));
        assert!(large <= 6 * small, "{small} steps for 100, {large} for 400");
    }

    /// Issue 16: the same-object link looked at every track of a name for each of
    /// them (quadratic in a name's incarnations).
    #[test]
    fn the_same_object_link_is_linear_in_a_names_incarnations() {
        let opts = crate::timeline::LinkOptions {
            same_object: true,
            owner_first: false,
            replacement: false,
            not_ready: false,
            node_back: false,
            events: false,
        };
        let work = |n: u32| {
            let mut tracks = Vec::new();
            for inc in 0..n {
                tracks.push(track(ResourceKind::Pod, "web-0", 0, inc));
                tracks.push(track(ResourceKind::Pod, "web-0", 1, inc));
            }
            let mut links = Vec::new();
            let count = steps(|| links = propose(&[], &[], &[], &tracks, &opts).links);
            assert_eq!(links.len(), n as usize, "one link per incarnation");
            count
        };
        let (small, large) = (work(100), work(400));
        assert!(large <= 6 * small, "{small} steps for 100, {large} for 400");
    }

    #[test]
    fn pods_are_matched_to_owners_by_kubernetes_naming() {
        assert!(owns(
            &ResourceKind::Deployment,
            "nginx-deployment",
            "nginx-deployment-8f788645b-qszpv"
        ));
        assert!(!owns(
            &ResourceKind::Deployment,
            "nginx",
            "nginx-deployment-8f788645b-qszpv"
        ));
        assert!(owns(&ResourceKind::StatefulSet, "web", "web-0"));
        assert!(!owns(&ResourceKind::StatefulSet, "web", "web-abc"));
        assert!(owns(
            &ResourceKind::DaemonSet,
            "kube-proxy",
            "kube-proxy-x7k2p"
        ));
    }
}
