//! The links of a node that fails again and again (a chaos soak watched with a node
//! stream beside the pods'): each NotReady line is paired with its own failure's marks
//! on the node's pods, and each return with the returning kubelet's writes.
//!
//! The two streams share no clock (a node's AGE is in days), so which burst of marks
//! in the pods' stream is which NotReady line can only be told by order: the node
//! controller marks a node's pods in the pass that marks the node NotReady (FORMAT.md
//! §4.4), so the k-th burst of marks on the node's pods is the k-th NotReady line's.
//! A mark is the first line of a healthy pod that repeats its state (a touch); a
//! burst is such touches close together in the pods' stream. When the bursts are not
//! as many as the NotReady lines (a partition's re-pushed status, a stream that
//! starts mid-failure), no pairing is trusted: the node's lines are not linked, and a
//! warning says so.

use super::{NodeDown, Track};
use crate::observe::Observation;
use crate::timeline::links::Link;
use crate::timeline::Point;

/// Rows of the pods' stream between two marks of one burst, at most: the node
/// controller marks a node's pods within a second, and a busy namespace prints a
/// few lines a second between them.
const BURST_GAP_ROWS: u32 = 64;

/// A mark on one of the node's pods: its line, and where the pod's lines continue.
#[derive(Clone, Copy)]
struct Mark<'a> {
    line: usize,
    pod: &'a Track,
    /// The mark's place in `pod.obs`.
    at: usize,
}

pub(super) fn links(
    obs: &[Observation],
    points: &[Point],
    downs: &[NodeDown],
    pods: &[&Track],
    opts: &crate::timeline::LinkOptions,
    links: &mut Vec<Link>,
    warnings: &mut Vec<String>,
) {
    let Some(node) = downs.first().map(|d| d.node) else {
        return;
    };
    let Some(bursts) = bursts(obs, pods) else {
        return;
    };
    if bursts.len() != downs.len() {
        warnings.push(format!(
            "node {}: {} NotReady lines but {} bursts of marks on its pods: its lines are not placed against the pods' lines",
            node.key.name,
            downs.len(),
            bursts.len()
        ));
        return;
    }
    let sec = 1000;
    for (down, burst) in downs.iter().zip(&bursts) {
        let (first, last) = (burst[0], burst[burst.len() - 1]);
        if opts.not_ready {
            // The marks follow the NotReady line within the node controller's pass:
            // the first and the last place the whole burst (line order does the rest).
            for m in [first, last] {
                links.push(Link {
                    kind: "pods on a node are marked not ready when it turns NotReady",
                    flag: "--no-link-not-ready",
                    a: points[down.down],
                    b: points[m.line],
                    lo: 0,
                    hi: 5 * sec,
                    obs: vec![down.down, m.line],
                    rank: 1,
                });
                if first.line == last.line {
                    break;
                }
            }
        }
        if opts.node_back {
            back_link(obs, points, down, burst, links);
        }
    }
}

/// The node's first change after its NotReady line and the returning kubelet's first
/// write to one of the pods it marked, within 60 s of each other.
fn back_link(
    obs: &[Observation],
    points: &[Point],
    down: &NodeDown,
    burst: &[Mark],
    links: &mut Vec<Link>,
) {
    let Some(back) = down.back else {
        return;
    };
    let name = &*down.node.key.name;
    // Each pod's first kubelet write after its mark; the earliest in the stream.
    let write = burst
        .iter()
        .filter_map(|m| super::kubelet_change(obs, &m.pod.obs[m.at..], name))
        .min();
    if let Some(c) = write {
        links.push(Link {
            kind: "the returning kubelet writes its pods and its node",
            flag: "--no-link-node-back",
            a: points[back],
            b: points[c],
            lo: -60 * 1000,
            hi: 60 * 1000,
            obs: vec![back, c],
            rank: 0,
        });
    }
}

/// The bursts of marks on the node's pods, in stream order; `None` when the pods'
/// lines are in more than one stream (their order across streams is unknown).
fn bursts<'a>(obs: &[Observation], pods: &[&'a Track]) -> Option<Vec<Vec<Mark<'a>>>> {
    let mut marks: Vec<Mark> = Vec::new();
    for &pod in pods {
        for at in 1..pod.obs.len() {
            let (a, b) = (&obs[pod.obs[at - 1]], &obs[pod.obs[at]]);
            // The first repeat of a healthy state: `a` is the pod's first line or
            // changed something, `b` only touched it.
            let first_repeat = at == 1 || !obs[pod.obs[at - 2]].same_state(a);
            let healthy = crate::kube::pod_status(a.status().unwrap_or(""), a.ready)
                == crate::kube::PodMeaning::Running;
            if healthy && b.snapshot.is_none() && a.same_state(b) && first_repeat {
                marks.push(Mark {
                    line: pod.obs[at],
                    pod,
                    at,
                });
            }
        }
    }
    let stream = marks.first().map(|m| obs[m.line].stream);
    if marks.iter().any(|m| Some(obs[m.line].stream) != stream) {
        return None;
    }
    marks.sort_by_key(|m| obs[m.line].seq);
    let mut bursts: Vec<Vec<Mark>> = Vec::new();
    for m in marks {
        match bursts.last_mut() {
            Some(b) if obs[m.line].seq - obs[b[b.len() - 1].line].seq <= BURST_GAP_ROWS => {
                b.push(m)
            }
            _ => bursts.push(vec![m]),
        }
    }
    Some(bursts)
}
