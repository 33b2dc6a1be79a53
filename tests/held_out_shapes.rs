//! Shapes found by soaks from a generator written apart from ours (from FORMAT.md
//! alone), cut down to the lines that decide them. Each file holds the node failures
//! whose answer is known from how it was made.

mod common;

use common::analysis_of;

/// The scenario and the nodes of the incidents found in `file` (under
/// `tests/fixtures/held-out/`).
fn verdict(file: &str) -> (String, Vec<String>) {
    let path = common::root().join("tests/fixtures/held-out").join(file);
    let a = analysis_of(&[path]);
    let nodes = a.incidents.iter().map(|i| i.node.to_string()).collect();
    (a.scenario.name().to_string(), nodes)
}

/// A node fails; its 13 pods are evicted and replaced, and the node is back before
/// every replacement is ready.
#[test]
fn a_failure_without_a_rollout_is_mid_migration() {
    assert_eq!(
        verdict("failure-without-rollout.log"),
        ("mid-migration".to_string(), vec!["worker-02".to_string()])
    );
}

/// The same, and minutes after it each of the five Deployments whose pods were
/// evicted rolls out (a pod of a new ReplicaSet). A rollout begun after the
/// evictions does not explain them: the failure stays one.
#[test]
fn a_later_rollout_of_the_evicted_pods_owners_does_not_hide_the_failure() {
    assert_eq!(
        verdict("rollout-after-failure.log"),
        ("mid-migration".to_string(), vec!["worker-02".to_string()])
    );
}

/// The nodes of the incidents found in `file`, with each incident's scenario.
fn incidents(file: &str) -> Vec<(String, String)> {
    let path = common::root().join("tests/fixtures/held-out").join(file);
    let a = analysis_of(&[path]);
    (a.incidents.iter())
        .map(|i| (i.node.to_string(), i.scenario.name().to_string()))
        .collect()
}

/// A node fails and its pods are evicted; it is back an hour later and its kubelet
/// finishes them one by one, but fails again 70 s after it is back, three pods still
/// `1/1 Terminating`. The node controller marks them (a pass of three reprints,
/// lines 506–508), and the kubelet back again finishes them: a second failure, in
/// place (cut from the other generator's soak of flapping nodes: lines of the node,
/// and all lines for a minute around the second failure).
#[test]
fn a_node_lost_again_while_its_pods_are_still_terminating_is_a_second_failure() {
    let found = incidents("failed-again-while-deleting.log");
    let nodes: Vec<&str> = found.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(nodes, ["worker-03", "worker-03"], "{found:?}");
    assert_eq!(found[1].1, "in-place", "{found:?}");
}

/// The same, but the three reprints are the pods' last lines: a pod's deletion
/// prints its last state again (a watch's DELETED line), as when the node object is
/// deleted and PodGC deletes its pods together. Nothing says the node was lost again.
#[test]
fn deleting_pods_reprinted_as_they_go_are_no_second_failure() {
    let found = incidents("deleted-while-deleting.log");
    let nodes: Vec<&str> = found.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(nodes, ["worker-03"], "{found:?}");
}

/// A node back from a failure is given two new pods and lost again while they are
/// still `ContainerCreating` (the generator reprints them at its mark, lines 8–9,
/// which a cluster would not: their `Ready` is already `False`). Five minutes later
/// the taint manager patches and evicts them (lines 10–13), nothing finishes them,
/// their replacements start elsewhere, and the node back finishes them, each printed
/// twice, unchanged (lines 20–23), before the replacements are ready: mid-migration.
/// (Cut from the other generator's soak of flapping nodes: the two pods, their
/// replacements, and worker-01's lines around the failure.)
#[test]
fn a_node_lost_before_its_pods_started_is_told_by_their_eviction() {
    assert_eq!(
        incidents("lost-before-its-pods-started.log"),
        [("worker-01".to_string(), "mid-migration".to_string())]
    );
}

/// A pre-1.13 cluster: a node fails and, five minutes later, the node controller
/// evicts its pods (`1/1 Unknown`, NodeLost). One pod had no container ready yet
/// (`0/1 Running`, 50 s old), so its NodeLost eviction prints `0/1 Unknown` (line
/// 377), as the runtime's lost container after a reboot would; but it changes no cell
/// the kubelet writes and the pod never runs again. It is an eviction, not the node
/// back: the node returns half an hour later, after every replacement is ready.
/// (Cut from the other generator's soak of kubectl 1.11: the lines of the node's pods
/// and their owners' other pods, from two minutes before the failure to its return.)
#[test]
fn a_not_ready_pod_s_node_lost_unknown_is_its_eviction_not_the_node_back() {
    assert_eq!(
        incidents("node-lost-before-a-pod-was-ready.log"),
        [("worker-03".to_string(), "post-migration".to_string())]
    );
}
