//! A node lost again while its pods are still `Terminating`: the kubelet back from an
//! earlier failure finishes the pods evicted meanwhile one by one (its API writes
//! are rate-limited: tens of seconds for a large node), and a node that fails again
//! before it is done leaves them `Terminating`. The node controller marks every pod
//! of the node whose `Ready` condition is still `True` (`MarkPodsNotReady` writes
//! nothing for one already `False`, as the earlier failure's mark left it; FORMAT.md
//! §4.4): a pod the kubelet back re-posted as ready before finishing it (a node back
//! from a partition) is reprinted, unchanged. Such a pass over the node's deleting
//! pods tells the failure when no healthy pod's mark does. (The second held-out
//! generator reprints every pod at a mark, ready or not: its soaks of flapping nodes
//! show this pass more often than a cluster would.)

use crate::HashMap;

use super::kubelet::KubeletWrites;
use crate::analysis::pod_groups::{self, BURST_PODS};
use crate::analysis::pods::meaning;
use crate::kube::PodMeaning;
use crate::tables::ResourceKind;
use crate::timeline::stn::Ms;
use crate::timeline::{Interval, Point, Timelines, Touch};

/// How far apart two marks of one pass may provably be (the node controller's pass
/// takes milliseconds a pod; seconds of slack for the watch).
const PASS_MS: Ms = 5_000;

/// The touches of `Terminating` pods (or, before the taints, `NodeLost`'s `1/1
/// Unknown`) that a pass over their node printed, by point.
pub(super) struct DeletingPasses {
    points: Vec<Point>,
}

/// A touch of a deleting pod, as [`DeletingPasses::of`] gathers them.
struct Reprint<'a> {
    pod: usize,
    touch: &'a Touch,
}

impl DeletingPasses {
    /// The passes of `t`: by source and node, in line order, runs of touches of
    /// `Terminating` pods each provably within [`PASS_MS`] of the run's first, with
    /// no write of the node's kubelet in between (a lost node's kubelet writes
    /// nothing) and none a returning kubelet's re-post, touching at least
    /// [`BURST_PODS`] pods (fewer tell nothing: a pod's own update).
    pub(super) fn of(t: &Timelines, kubelet: &KubeletWrites) -> DeletingPasses {
        let mut by_node: HashMap<(&str, &str), Vec<Reprint>> = HashMap::default();
        let pods = (t.objects.iter().enumerate()).filter(|(_, o)| o.key.kind == ResourceKind::Pod);
        for (k, pod) in pods {
            // Evicted while its node was lost (its containers still counted ready: no
            // kubelet wrote it since), and seen again after the touch: a pod's
            // deletion prints its last state again (a watch's DELETED line, the same
            // text), and a lost node's pods are deleted together when the node
            // object is (PodGC), or as the kubelet back finishes them (`0/1`).
            let last = pod
                .states
                .last()
                .and_then(|s| s.touches.last().map_or(s.lines.first(), |t| Some(&t.line)));
            // Touched first: nearly every state of a soak is not, and its STATUS
            // is then not read.
            let deleting = pod.states.iter().filter(|s| {
                !s.touches.is_empty()
                    && matches!(s.ready, Some([a, b]) if a == b && a > 0)
                    && matches!(meaning(s), PodMeaning::Deleting | PodMeaning::NodeLost)
            });
            for s in deleting {
                // A node told only by its marks may hold pods grouped by chance.
                let Some(node) = s.node.as_deref().filter(|n| !pod_groups::is_group(n)) else {
                    continue;
                };
                let seen_after = |t: &Touch| {
                    last.is_some_and(|l| l.source == t.line.source && l.line > t.line.line)
                };
                let marks =
                    (s.touches.iter()).filter(|t| seen_after(t) && !kubelet.returning_at(node, t));
                for touch in marks {
                    let key = (&*touch.line.source, node);
                    by_node
                        .entry(key)
                        .or_default()
                        .push(Reprint { pod: k, touch });
                }
            }
        }
        let mut points = Vec::new();
        for ((_, node), mut reprints) in by_node {
            reprints.sort_unstable_by_key(|r| r.touch.line.line);
            let mut start = 0;
            while start < reprints.len() {
                let first = reprints[start].touch;
                let end = start
                    + reprints[start..]
                        .iter()
                        .take_while(|r| {
                            Interval::minus(r.touch.at, first.at).min_ms <= PASS_MS
                                && !kubelet.between(node, &first.line, &r.touch.line)
                        })
                        .count();
                let run = &reprints[start..end.max(start + 1)];
                let mut pods: Vec<usize> = run.iter().map(|r| r.pod).collect();
                pods.sort_unstable();
                pods.dedup();
                if pods.len() >= BURST_PODS {
                    points.extend(run.iter().map(|r| r.touch.point));
                }
                start = end.max(start + 1);
            }
        }
        points.sort_unstable();
        DeletingPasses { points }
    }

    /// Whether `touch` (of a `Terminating` pod) was printed in a pass over its node.
    pub(super) fn holds(&self, touch: &Touch) -> bool {
        self.points.binary_search(&touch.point).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use crate::analysis::tests::watch;

    const PODS: [(&str, &str); 4] = [
        ("web-7d9f8b6c4-a1", "10.244.1.1"),
        ("web-7d9f8b6c4-a2", "10.244.1.2"),
        ("web-7d9f8b6c4-a3", "10.244.1.3"),
        ("web-7d9f8b6c4-a4", "10.244.1.4"),
    ];

    /// Rows of `pods` on node-a as `ready`, `status`, at `age`.
    fn rows(
        pods: &[(&'static str, &'static str)],
        ready: &'static str,
        status: &'static str,
        age: &'static str,
    ) -> Vec<[&'static str; 7]> {
        pods.iter()
            .map(|&(name, ip)| [name, ready, status, "0", age, ip, "node-a"])
            .collect()
    }

    /// node-a's four pods marked, evicted while it is lost, the node back finishing
    /// one, then lost again: a pass over the other three, still `1/1 Terminating`;
    /// `then` after it.
    fn lost_again(then: &[[&'static str; 7]]) -> Vec<String> {
        let mut all = rows(&PODS, "1/1", "Running", "2m0s");
        all.extend(rows(&PODS, "1/1", "Running", "3m0s"));
        all.extend(rows(&PODS, "1/1", "Terminating", "8m0s"));
        all.extend(rows(&PODS[..1], "0/1", "Terminating", "9m0s"));
        all.extend(rows(&PODS[1..], "1/1", "Terminating", "9m40s"));
        all.extend(then.iter().copied());
        let a = watch(&all);
        a.incidents.iter().map(|i| i.node.to_string()).collect()
    }

    #[test]
    fn a_pass_over_deleting_pods_seen_again_is_a_second_failure() {
        let finished = rows(&PODS[1..], "0/1", "Terminating", "9m59s");
        assert_eq!(lost_again(&finished), ["node-a", "node-a"]);
    }

    /// The same pass as the pods' last lines: their deletion's reprints.
    #[test]
    fn a_pass_over_deleting_pods_that_go_with_it_is_none() {
        assert_eq!(lost_again(&[]), ["node-a"]);
    }

    /// Before the taints (kubectl ≤ 1.12), the node controller's eviction left a lost
    /// node's pods `1/1 Unknown` (`NodeLost` with a deletion timestamp, FORMAT.md
    /// §2.1): a pass over those is the same second failure.
    #[test]
    fn a_pass_over_pods_left_node_lost_seen_again_is_a_second_failure() {
        let mut all = rows(&PODS, "1/1", "Running", "2m0s");
        all.extend(rows(&PODS, "1/1", "Running", "3m0s"));
        all.extend(rows(&PODS, "1/1", "Unknown", "8m0s"));
        all.extend(rows(&PODS[..1], "0/1", "Terminating", "9m0s"));
        all.extend(rows(&PODS[1..], "1/1", "Unknown", "9m40s"));
        all.extend(rows(&PODS[1..], "0/1", "Terminating", "9m59s"));
        let a = watch(&all);
        let nodes: Vec<String> = a.incidents.iter().map(|i| i.node.to_string()).collect();
        assert_eq!(nodes, ["node-a", "node-a"]);
    }

    /// Lost a third time before the kubelet is done: the pods still `1/1
    /// Terminating` were printed in both passes, and each pass is a failure.
    #[test]
    fn pods_left_deleting_through_two_more_failures_tell_both() {
        let five = [
            PODS[0],
            PODS[1],
            PODS[2],
            PODS[3],
            ("web-7d9f8b6c4-a5", "10.244.1.5"),
        ];
        let mut all = rows(&five, "1/1", "Running", "2m0s");
        all.extend(rows(&five, "1/1", "Running", "3m0s"));
        all.extend(rows(&five, "1/1", "Terminating", "8m0s"));
        all.extend(rows(&five[..1], "0/1", "Terminating", "9m0s"));
        all.extend(rows(&five[1..], "1/1", "Terminating", "9m40s"));
        all.extend(rows(&five[1..2], "0/1", "Terminating", "9m59s"));
        all.extend(rows(&five[2..], "1/1", "Terminating", "11m"));
        all.extend(rows(&five[2..], "0/1", "Terminating", "12m"));
        let a = watch(&all);
        let nodes: Vec<String> = a.incidents.iter().map(|i| i.node.to_string()).collect();
        assert_eq!(nodes, ["node-a", "node-a", "node-a"]);
    }

    /// Two pods reprinted together tell nothing (a pod's own update meeting another).
    #[test]
    fn two_deleting_pods_are_no_pass() {
        let mut all = rows(&PODS[..3], "1/1", "Running", "2m0s");
        all.extend(rows(&PODS[..3], "1/1", "Running", "3m0s"));
        all.extend(rows(&PODS[..3], "1/1", "Terminating", "8m0s"));
        all.extend(rows(&PODS[..1], "0/1", "Terminating", "9m0s"));
        all.extend(rows(&PODS[1..3], "1/1", "Terminating", "9m40s"));
        all.extend(rows(&PODS[1..3], "0/1", "Terminating", "9m59s"));
        let a = watch(&all);
        let nodes: Vec<String> = a.incidents.iter().map(|i| i.node.to_string()).collect();
        assert_eq!(nodes, ["node-a"]);
    }
}
