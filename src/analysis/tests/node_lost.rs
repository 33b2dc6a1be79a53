//! The node controller's NodeLost eviction (before 1.13) of a pod that had no
//! container ready: `0/1 Unknown`, the same word and READY as the runtime's lost
//! container written by a returning kubelet (FORMAT.md §2.1 rule 6, §4.7). Told apart
//! by the rows around it: the node controller changes no cell the kubelet writes, and
//! the pod never runs again.

use super::{pod, watch, POD};
use crate::analysis::incident::PodFate;
use crate::analysis::Scenario;

/// A pod still starting on the node when it was lost.
const SLOW: &str = "api-5c6d7f8b9-kx2mz";
/// The two pods' replacements.
const NEW_WEB: &str = "web-7d9f8b6c4-z7k4p";
const NEW_API: &str = "api-5c6d7f8b9-q8w2n";

/// A pre-1.13 watch: `POD` healthy and `SLOW` starting on node-a; the node lost
/// (`POD` marked, its line printed again unchanged), both evicted by the node
/// controller five minutes later (`Unknown`), replaced on node-b; then `slow_after`,
/// `SLOW`'s next row, if any.
fn lost_with_a_starting_pod(slow_after: &[[&'static str; 7]]) -> crate::analysis::Analysis {
    let mut rows = vec![
        [POD, "1/1", "Running", "0", "5m", "10.244.1.5", "node-a"],
        pod(SLOW, "0/1", "ContainerCreating", "20s", "<none>", "node-a"),
        [POD, "1/1", "Running", "0", "6m", "10.244.1.5", "node-a"],
        [POD, "1/1", "Unknown", "0", "11m", "10.244.1.5", "node-a"],
        pod(SLOW, "0/1", "Unknown", "5m", "<none>", "node-a"),
        pod(NEW_WEB, "0/1", "Pending", "0s", "<none>", "node-b"),
        pod(NEW_API, "0/1", "Pending", "0s", "<none>", "node-b"),
        pod(
            NEW_WEB,
            "0/1",
            "ContainerCreating",
            "1s",
            "<none>",
            "node-b",
        ),
        pod(
            NEW_API,
            "0/1",
            "ContainerCreating",
            "1s",
            "<none>",
            "node-b",
        ),
        pod(NEW_WEB, "1/1", "Running", "9s", "10.244.2.7", "node-b"),
        pod(NEW_API, "1/1", "Running", "12s", "10.244.2.8", "node-b"),
    ];
    rows.extend_from_slice(slow_after);
    watch(&rows)
}

#[test]
fn a_starting_pod_s_unknown_that_changes_nothing_the_kubelet_writes_is_its_eviction() {
    let a = lost_with_a_starting_pod(&[]);
    assert_eq!(a.incidents.len(), 1, "{:?}", a.warnings);
    let i = &a.incidents[0];
    // Not the kubelet back: nothing shows the node's return.
    assert!(i.phases.N.is_none(), "{:?}", i.phases.N);
    let slow = i.pods.iter().find(|p| p.name == SLOW).map(|p| p.outcome);
    assert_eq!(slow, Some(PodFate::Replaced), "{:?}", i.pods);
}

#[test]
fn the_same_unknown_followed_by_the_pod_s_restart_is_the_kubelet_back() {
    // The pod runs again after it: a live kubelet wrote the `Unknown` (its runtime
    // lost the container), so the node was back then.
    let a = lost_with_a_starting_pod(&[[
        SLOW,
        "0/1",
        "Running",
        "1 (3s ago)",
        "6m",
        "10.244.1.9",
        "node-a",
    ]]);
    assert_eq!(a.incidents.len(), 1, "{:?}", a.warnings);
    let n = a.incidents[0].phases.N.as_ref();
    assert!(n.is_some_and(|n| n.what.contains(SLOW)), "{n:?}");
    assert_ne!(a.incidents[0].scenario, Scenario::PostMigration);
}
