//! Node failures read from pods and owners alone, when the capture has no node stream.

use super::incident::{ev, eviction_kind, healthy, Failure, Phase};
use crate::tables::ResourceKind;
use crate::timeline::{Interval, State, Timelines, Touch};

/// Without a node stream: an owner's READY drops while its pod on one node shows a
/// hidden touch (the node controller's mark, FORMAT.md §4.4); or a pod is touched and
/// later evicted.
pub(super) fn inferred_failures(t: &Timelines) -> Vec<Failure> {
    let mut out: Vec<Failure> = Vec::new();
    let by_key: std::collections::HashMap<&crate::timeline::ObjectKey, usize> = t
        .objects
        .iter()
        .enumerate()
        .filter(|(_, o)| o.key.kind != ResourceKind::Pod)
        .map(|(i, o)| (&o.key, i))
        .collect();
    for pod in t.objects.iter().filter(|o| o.key.kind == ResourceKind::Pod) {
        for (i, s) in pod.states.iter().enumerate() {
            if !healthy(s) {
                continue;
            }
            let Some(node) = s.node.clone() else { continue };
            // Corroboration: the owner's READY dropped as the pod was touched, or the
            // pod's next state is what a lost node leaves behind.
            let owner_drop = |touch: &Touch| {
                let w = &t.objects[*by_key.get(pod.owner.as_ref()?)?];
                w.states
                    .windows(2)
                    .find(|p| {
                        matches!((p[0].ready, p[1].ready), (Some([a, _]), Some([b, _])) if b < a)
                            && owner_drop_follows_mark(Interval::minus(p[1].from, touch.at))
                    })
                    .map(|p| &p[1])
            };
            let trouble = pod
                .states
                .get(i + 1)
                .filter(|next| left_by_a_lost_node(s, next));
            // With a lost node nothing but the controllers touch the pod: the mark is
            // the state's last touch.
            let found = s
                .touches
                .iter()
                .find_map(|touch| owner_drop(touch).map(|d| (touch, Some(d))))
                .or_else(|| trouble.and(s.touches.last()).map(|touch| (touch, None)));
            let Some((touch, owner_drop)) = found else {
                continue;
            };
            if out.iter().any(|f| f.node == node) {
                continue;
            }
            let mut evidence = vec![ev(&touch.line)];
            let why = match (owner_drop, trouble) {
                (Some(d), _) => {
                    evidence.push(ev(&d.lines[0]));
                    "owner READY dropped".to_string()
                }
                (None, Some(next)) => {
                    evidence.push(ev(&next.lines[0]));
                    format!("then {}", next.status.as_deref().unwrap_or("changed"))
                }
                (None, None) => continue,
            };
            out.push(Failure {
                node: node.to_string(),
                f: Phase {
                    at: touch.at,
                    what: format!("pods on {node} marked not ready ({why})"),
                    evidence,
                    point: touch.point,
                    alternatives: Vec::new(),
                },
                node_state: None,
            });
            break;
        }
    }
    out
}

/// Whether an owner's READY drop, `d` after a pod's touch, can be the same event: the
/// node controller marks the pod not ready (the touch) and the owner's ready count
/// follows within seconds (the controllers' resync; a minute of slack for the watch).
/// `d` is the difference of the two times' intervals, not the network's tighter
/// answer for the pair: that is a search over the whole network, and a long watch has
/// thousands of touches.
fn owner_drop_follows_mark(d: Interval) -> bool {
    d.max_ms >= -5_000 && d.min_ms <= 60_000
}

/// Whether `next`, the state after a healthy `prev`, is what a lost node leaves behind:
/// eviction (`Terminating`, the node controller's `NodeLost`), the runtime's `Unknown`
/// once the kubelet is back, or a new sandbox on the same node (the IP changes with the
/// restart: the node rebooted). A container crash (same IP) or a rollout's ordinary
/// changes are not.
fn left_by_a_lost_node(prev: &State, next: &State) -> bool {
    if eviction_kind(prev, next).is_some_and(|k| k != "Failed") {
        return true;
    }
    let same_node = next.node.is_some() && next.node == prev.node;
    let unknown = next.status.as_deref() == Some("Unknown");
    let new_sandbox = next.ip.is_some() && next.ip != prev.ip && next.restarts > prev.restarts;
    same_node && (unknown || new_sandbox)
}
