//! Pods that had not started when their node was lost: the node controller leaves
//! their `Ready` (already `False`) as it is, so nothing marks them, and only the
//! taint manager's patch and eviction minutes later, and how long nothing finishes
//! them, tell the failure.

use super::*;

const A: &str = "web-7d9f8b6c4-aaaaa";
const B: &str = "api-5c6d7f8b9-bbbbb";

/// `name` waiting on node-a for its containers, `age` after its creation.
fn creating(name: &'static str, age: &'static str) -> [&'static str; 7] {
    [
        name,
        "0/1",
        "ContainerCreating",
        "0",
        age,
        "<none>",
        "node-a",
    ]
}

/// `name` deleted, `age` after its creation.
fn terminating(name: &'static str, age: &'static str) -> [&'static str; 7] {
    [name, "0/1", "Terminating", "0", age, "<none>", "node-a"]
}

/// Two pods created on node-a, still `ContainerCreating` six minutes on when the
/// taint manager patches (a line identical to the last) and evicts each, then
/// `finished`.
fn evicted_before_they_started(finished: &[[&'static str; 7]]) -> Analysis {
    let mut rows = vec![
        [A, "0/1", "Pending", "0", "0s", "<none>", "node-a"],
        creating(A, "1s"),
        [B, "0/1", "Pending", "0", "1s", "<none>", "node-a"],
        creating(B, "2s"),
        creating(A, "6m1s"),
        terminating(A, "6m1s"),
        creating(B, "6m2s"),
        terminating(B, "6m2s"),
    ];
    rows.extend_from_slice(finished);
    watch(&rows)
}

/// Nothing finishes them for twenty minutes, then the node's kubelet, back, does:
/// the node was lost, and they tell it with no pod that ran beside them.
#[test]
fn pods_evicted_before_they_started_and_left_terminating_tell_their_node_lost() {
    let a = evicted_before_they_started(&[
        terminating(A, "26m"),
        terminating(A, "26m"),
        terminating(B, "26m"),
        terminating(B, "26m"),
    ]);
    assert_eq!(a.incidents.len(), 1, "{:?}", a.warnings);
    let i = &a.incidents[0];
    assert_eq!(&*i.node, "node-a");
    let (f, e) = (i.phases.F.as_ref().unwrap(), i.phases.E.as_ref().unwrap());
    // Not seen: after the kubelet wrote `ContainerCreating` (its node was up), before
    // the patch.
    assert!(f.since.is_some(), "{f:?}");
    assert!(f.at.max_ms <= e.at.max_ms, "{f:?} {e:?}");
    // The node back: the kubelet finishing A, its final status and its deletion
    // both printed as A was (lines 10 and 11 of the watch).
    let n = i.phases.N.as_ref().expect("the node back");
    assert!(n.what.contains(A), "{n:?}");
    assert_eq!(n.evidence[0].line, 10, "{n:?}");
}

/// Deleted with no kubelet: one line each (a forced deletion, or PodGC deleting the
/// pods of a deleted node) is no node back.
#[test]
fn one_deletion_line_of_a_pod_left_terminating_is_no_node_back() {
    let a = evicted_before_they_started(&[terminating(A, "26m"), terminating(B, "26m")]);
    assert_eq!(a.incidents.len(), 1, "{:?}", a.warnings);
    assert!(
        a.incidents[0].phases.N.is_none(),
        "{:?}",
        a.incidents[0].phases.N
    );
}

/// Finished within seconds of the eviction: a live kubelet stopped them (a drain, a
/// preemption). No failure.
#[test]
fn pods_evicted_before_they_started_and_finished_at_once_are_no_failure() {
    let a = evicted_before_they_started(&[terminating(A, "6m3s"), terminating(B, "6m4s")]);
    assert!(a.incidents.is_empty(), "{:?}", a.incidents);
}

/// The kubelet was finishing another pod on the node (one evicted in an earlier
/// failure) after the pods were created: that write is from before this failure (the
/// node was up to write `ContainerCreating`, and a lost node's kubelet writes
/// nothing), printed before the patch that tells the failure, so it is not the node
/// back.
#[test]
fn a_kubelet_write_printed_before_the_patch_is_not_the_node_back() {
    const OLD: &str = "db-6b7c8d9e5f-ccccc";
    let a = watch(&[
        [OLD, "1/1", "Terminating", "0", "3h", "10.244.1.7", "node-a"],
        [A, "0/1", "Pending", "0", "0s", "<none>", "node-a"],
        creating(A, "1s"),
        [OLD, "0/1", "Terminating", "0", "3h", "10.244.1.7", "node-a"],
        creating(A, "6m1s"),
        terminating(A, "6m1s"),
        terminating(A, "26m"),
    ]);
    assert_eq!(a.incidents.len(), 1, "{:?}", a.warnings);
    let n = &a.incidents[0].phases.N;
    assert!(n.as_ref().is_none_or(|n| !n.what.contains(OLD)), "{n:?}");
}

/// A pod not ready yet, touched, then the runtime's last status of its lost
/// container, and a restart on a new sandbox (FORMAT.md §4.7): its node rebooted,
/// as when the new sandbox comes first. The kubelet reports a pod's IP only from a
/// ready sandbox, so the lost container's row has none (`samples/in-place`).
#[test]
fn a_pod_not_ready_touched_then_its_lost_container_then_a_new_sandbox_is_a_failure() {
    let a = watch(&[
        [POD, "0/1", "Running", "0", "5m", "10.244.1.5", "node-a"],
        [POD, "0/1", "Running", "0", "6m", "10.244.1.5", "node-a"],
        [POD, "0/1", "Unknown", "0", "9m", "<none>", "node-a"],
        NEW_SANDBOX,
    ]);
    assert_eq!(a.incidents.len(), 1, "{:?}", a.warnings);
    assert_eq!(a.incidents[0].scenario, Scenario::InPlace);
}
