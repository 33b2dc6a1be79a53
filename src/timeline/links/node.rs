//! The links around a node failure: a node turning NotReady and the node
//! controller's marks on its pods and their owners; the returning kubelet writing its
//! pods and its node.

mod repeated;

#[cfg(test)]
pub(crate) use repeated::fixtures;

use super::{ready_of, Link, Track};
use crate::observe::Observation;
use crate::tables::ResourceKind;
use crate::timeline::stn::UNBOUNDED;
use crate::timeline::Point;

fn is_not_ready(o: &Observation) -> bool {
    o.status()
        .map(crate::kube::node_status)
        .map(|n| n.condition)
        == Some(crate::kube::NodeCondition::NotReady)
}

/// A node's first Ready → NotReady transition: its line (`down`, at `node.obs[k + 1]`)
/// and the node's first change after it (`back`).
struct NodeDown<'a> {
    node: &'a Track,
    k: usize,
    down: usize,
    back: Option<usize>,
}

impl<'a> NodeDown<'a> {
    /// Every Ready → NotReady transition of the node, in its stream's order, each
    /// with the node's first change after it.
    fn all(obs: &[Observation], node: &'a Track) -> Vec<NodeDown<'a>> {
        let turns = node
            .obs
            .windows(2)
            .enumerate()
            .filter(|(_, p)| !is_not_ready(&obs[p[0]]) && is_not_ready(&obs[p[1]]))
            .map(|(k, _)| k);
        turns
            .map(|k| {
                let down = node.obs[k + 1];
                let back = node.obs[k + 2..]
                    .iter()
                    .copied()
                    .find(|&i| !obs[i].same_state(&obs[down]));
                NodeDown {
                    node,
                    k,
                    down,
                    back,
                }
            })
            .collect()
    }
}

/// Where the node links say what they could not link.
pub(super) struct Notes<'a> {
    pub(super) warnings: &'a mut Vec<String>,
    pub(super) unplaced_nodes: &'a mut Vec<String>,
}

pub(super) fn node_links(
    obs: &[Observation],
    points: &[Point],
    tracks: &[Track],
    opts: &crate::timeline::LinkOptions,
    links: &mut Vec<Link>,
    mut notes: Notes,
) {
    // Nothing to link without a node watched (a pods-only soak: reading every pod
    // line's NODE cell here was a twentieth of its run).
    if !tracks.iter().any(|t| t.key.kind == ResourceKind::Node) {
        return;
    }
    // The pod tracks by the nodes their lines name (once: a soak has thousands of
    // pod tracks and dozens of nodes).
    let mut pods_on: crate::HashMap<&str, Vec<&Track>> = Default::default();
    for t in tracks.iter().filter(|t| t.key.kind == ResourceKind::Pod) {
        let mut named: Vec<&str> = t.obs.iter().filter_map(|&i| obs[i].node()).collect();
        named.sort_unstable();
        named.dedup();
        for n in named {
            pods_on.entry(n).or_default().push(t);
        }
    }
    // Owner lines already linked (one owner has many pods on the node).
    let mut linked_drops: crate::HashSet<Point> = Default::default();
    for node in tracks.iter().filter(|t| t.key.kind == ResourceKind::Node) {
        let pods_here = pods_on.get(&*node.key.name).map_or(&[][..], Vec::as_slice);
        let downs = NodeDown::all(obs, node);
        if downs.len() > 1 {
            repeated::links(obs, points, &downs, pods_here, opts, links, &mut notes);
            continue;
        }
        let Some(nd) = downs.into_iter().next() else {
            continue;
        };
        for pod in pods_here {
            // The pod's first touch while it still looked healthy: the node controller's mark.
            let first_touch = pod.obs.windows(2).find_map(|p| {
                let (a, b) = (&obs[p[0]], &obs[p[1]]);
                let healthy = crate::kube::pod_status(a.status().unwrap_or(""), a.ready)
                    == crate::kube::PodMeaning::Running;
                (healthy && b.snapshot.is_none() && a.same_state(b)).then_some(p[1])
            });
            if opts.not_ready {
                let mark = NotReadyMark {
                    down: nd.down,
                    first_touch,
                };
                not_ready_links(obs, points, tracks, pod, mark, &mut linked_drops, links);
            }
            if opts.node_back {
                node_back_links(obs, points, &nd, pod, first_touch, links);
            }
        }
    }
}

/// A node's NotReady line and a pod's first touch after it (the node controller's
/// mark), if seen.
struct NotReadyMark {
    down: usize,
    first_touch: Option<usize>,
}

/// The pod's mark follows its node's NotReady line; its owner's READY drop follows
/// the mark (or, without a visible mark, the node), each owner line linked once.
fn not_ready_links(
    obs: &[Observation],
    points: &[Point],
    tracks: &[Track],
    pod: &Track,
    mark: NotReadyMark,
    linked_drops: &mut crate::HashSet<Point>,
    links: &mut Vec<Link>,
) {
    let sec = 1000;
    let NotReadyMark { down, first_touch } = mark;
    if let Some(t) = first_touch {
        links.push(Link {
            kind: "pods on a node are marked not ready when it turns NotReady",
            flag: "--no-link-not-ready",
            a: points[down],
            b: points[t],
            lo: 0,
            hi: 5 * sec,
            obs: vec![down, t],
            rank: 1,
        });
    }
    let Some(owner) = pod.owner else {
        return;
    };
    let w = &tracks[owner];
    let Some(drop) = w.obs.windows(2).find_map(|p| {
        matches!((ready_of(&obs[p[0]]), ready_of(&obs[p[1]])), (Some(a), Some(b)) if b < a)
            .then_some(p[1])
    }) else {
        return;
    };
    if linked_drops.insert(points[drop]) {
        // The owner's status follows the pod's mark within the
        // controllers' reaction time; without a visible mark, the node.
        let (a, lo, hi, from) = match first_touch {
            Some(t) => (points[t], 0, 2 * sec, t),
            None => (points[down], 0, 7 * sec, down),
        };
        links.push(Link {
            kind: "owners' READY drops when a node turns NotReady",
            flag: "--no-link-not-ready",
            a,
            b: points[drop],
            lo,
            hi,
            obs: vec![from, drop],
            rank: 1,
        });
    }
}

/// The returning kubelet writes a pod of its node and the node itself (within 60 s of
/// each other), and the node is Ready before its restarted pods run.
fn node_back_links(
    obs: &[Observation],
    points: &[Point],
    nd: &NodeDown,
    pod: &Track,
    first_touch: Option<usize>,
    links: &mut Vec<Link>,
) {
    let sec = 1000;
    let Some(back) = nd.back else {
        return;
    };
    // Only changes after the node controller's mark on the pod: a change
    // before it (a graceful shutdown's Failed status) was written by the
    // kubelet going down, not coming back. No mark seen, no link.
    let Some(start) = first_touch.and_then(|t| pod.obs.iter().position(|&i| i == t)) else {
        return;
    };
    let node = nd.node;
    let kubelet_change = kubelet_change(obs, &pod.obs[start..], &node.key.name);
    // A node is Ready before the kubelet restarts its pods' containers
    // (it starts them once the runtime network is up, which is what
    // Ready reports): the node's Ready line is at most 20 s after the
    // pod runs again (one 10 s status sync, plus slack). Restarts count
    // from the mark on: one before it (a crash while the node was up) is
    // no run again.
    let node_ready = node.obs[nd.k + 2..].iter().copied().find(|&i| {
        obs[i]
            .status()
            .map(crate::kube::node_status)
            .map(|n| n.condition)
            == Some(crate::kube::NodeCondition::Ready)
    });
    let runs_again = pod.obs[start..].iter().copied().find(|&i| {
        let o = &obs[i];
        crate::kube::status::is_healthy(o.status(), o.ready)
            && o.node() == Some(&*node.key.name)
            && o.restarts > obs[pod.obs[start]].restarts
    });
    if let (Some(r), Some(p)) = (node_ready, runs_again) {
        links.push(Link {
            kind: "a node is Ready before its restarted pods run",
            flag: "--no-link-node-back",
            a: points[p],
            b: points[r],
            lo: -UNBOUNDED,
            hi: 20 * sec,
            obs: vec![p, r],
            rank: 0,
        });
    }
    if let Some(c) = kubelet_change {
        links.push(Link {
            kind: "the returning kubelet writes its pods and its node",
            flag: "--no-link-node-back",
            a: points[back],
            b: points[c],
            lo: -60 * sec,
            hi: 60 * sec,
            obs: vec![back, c],
            rank: 0,
        });
    }
}

/// The first line of `lines` (a pod's, from the node controller's mark on) that only
/// the kubelet of `node` writes: container readiness, IP, restart count (the
/// runtime's `Unknown` changes READY and clears the IP; the node controller's
/// NodeLost `Unknown` keeps both as they were). Or the kubelet's re-post of the pod's
/// status unchanged, as a node back from a partition writes it (FORMAT.md §4.7): a
/// repeat of the marked line that is not the taint manager's patch, which the pod's
/// deletion follows.
fn kubelet_change(obs: &[Observation], lines: &[usize], node: &str) -> Option<usize> {
    let deleting = |i: &usize| {
        let o = &obs[*i];
        crate::kube::pod_status(o.status().unwrap_or(""), o.ready)
            == crate::kube::PodMeaning::Deleting
    };
    (1..lines.len()).find_map(|k| {
        let (a, b) = (&obs[lines[k - 1]], &obs[lines[k]]);
        // The runtime's `Unknown` changes READY and the IP too; an `Unknown` that
        // changes neither is the node controller's NodeLost (`kube::pod_status_after`).
        let changed = a.ip() != b.ip() || a.ready != b.ready || a.restarts != b.restarts;
        let re_post = k == 1
            && b.snapshot.is_none()
            && a.same_state(b)
            && !lines.get(2).is_some_and(deleting);
        ((changed || re_post) && b.node() == Some(node)).then_some(lines[k])
    })
}
