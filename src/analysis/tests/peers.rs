//! The pods-only inference with the failed node's other pods (peers) and its pods'
//! replacements: which pod stories make a node failure, and which new pod took over.

use super::*;

#[test]
fn a_touch_then_eviction_with_the_node_s_other_pods_evicted_too_is_a_node_failure() {
    let a = watch(&[
        RUNNING,
        pod(PEER, "1/1", "Running", "5m", "10.244.1.6", "node-a"),
        TOUCHED,
        pod(PEER, "1/1", "Running", "6m", "10.244.1.6", "node-a"),
        TERMINATING,
        pod(PEER, "1/1", "Terminating", "11m", "10.244.1.6", "node-a"),
    ]);
    assert_eq!(a.incidents.len(), 1, "{:?}", a.warnings);
}

/// A DaemonSet's pod tolerates the lost node's taints and is never evicted: its
/// living on says nothing about its Deployment neighbours' eviction. (Its name's last
/// word, `exporter`, is no pod-template hash.)
#[test]
fn a_daemonset_pod_living_on_does_not_make_an_eviction_a_single_deletion() {
    const DAEMON: &str = "node-exporter-kq8rq";
    let a = watch(&[
        RUNNING,
        pod(DAEMON, "1/1", "Running", "5m", "10.244.1.7", "node-a"),
        TOUCHED,
        pod(DAEMON, "1/1", "Running", "6m", "10.244.1.7", "node-a"),
        TERMINATING,
        pod(DAEMON, "1/1", "Running", "12m", "10.244.1.7", "node-a"),
    ]);
    assert_eq!(a.incidents.len(), 1, "{:?}", a.warnings);
}

#[test]
fn a_pod_deleted_while_another_on_its_node_runs_on_is_no_node_failure() {
    // The taint manager evicts every pod of a lost node at once: a neighbour that
    // keeps running (and changes later without being evicted) says one pod was deleted.
    let a = watch(&[
        RUNNING,
        pod(PEER, "1/1", "Running", "5m", "10.244.1.6", "node-a"),
        TOUCHED,
        TERMINATING,
        pod(PEER, "1/1", "Running", "12m", "10.244.1.6", "node-a"),
        pod(PEER, "0/1", "Error", "13m", "10.244.1.6", "node-a"),
    ]);
    assert!(a.incidents.is_empty(), "{:?}", a.incidents);
}

/// A lost node's pods marked together: one evicted at its own short
/// `tolerationSeconds`, the other living on because the node came back first (a
/// partition healed: no restart, the returning kubelet finishing the evicted pod).
/// A failure, not a deletion of one pod.
#[test]
fn pods_marked_together_then_one_evicted_while_the_other_lives_on_is_a_node_failure() {
    let a = started_together(&[
        [
            POD,
            "1/1",
            "Terminating",
            "0",
            "105s",
            "10.244.1.5",
            "node-a",
        ],
        [POD, "0/1", "Terminating", "0", "2m", "10.244.1.5", "node-a"],
        pod(PEER, "1/1", "Running", "2m", "10.244.1.6", "node-a"),
    ]);
    assert_eq!(a.incidents.len(), 1, "{:?}", a.warnings);
    assert_eq!(a.incidents[0].scenario, Scenario::MidMigration);
}

#[test]
fn a_kubelet_write_on_the_node_between_touch_and_terminating_is_no_node_failure() {
    let a = watch(&[
        RUNNING,
        pod(PEER, "0/1", "Running", "5m", "10.244.1.6", "node-a"),
        TOUCHED,
        // The neighbour turns ready: its kubelet is alive after the supposed mark.
        pod(PEER, "1/1", "Running", "7m", "10.244.1.6", "node-a"),
        TERMINATING,
        pod(PEER, "1/1", "Terminating", "11m", "10.244.1.6", "node-a"),
    ]);
    assert!(a.incidents.is_empty(), "{:?}", a.incidents);
}

#[test]
fn a_touch_then_terminating_during_a_rollout_is_no_node_failure() {
    // A pod of the same Deployment from a new template (another hash) is created
    // after this one was seen: the old template's pods are being scaled down.
    const NEW: &str = "web-6f5c8d9b47-q8rtv";
    let a = watch(&[
        RUNNING,
        TOUCHED,
        pod(NEW, "0/1", "Pending", "0s", "<none>", "node-b"),
        TERMINATING,
    ]);
    assert!(a.incidents.is_empty(), "{:?}", a.incidents);
    // The same with a replacement from the same template is an eviction.
    const SAME: &str = "web-7d9f8b6c4-b7n4k";
    let a = watch(&[
        RUNNING,
        TOUCHED,
        TERMINATING,
        pod(SAME, "0/1", "Pending", "0s", "<none>", "node-b"),
    ]);
    assert_eq!(a.incidents.len(), 1, "{:?}", a.warnings);
}

/// A long pods watch of a busy namespace — rollouts, deletions, crashes, and most
/// events reprints of an unchanged pod — has no node failure: the simulator's churn
/// says so, and without a node stream every pod's touches must not be read as marks.
#[test]
fn a_watch_of_reprints_rollouts_and_deletions_is_no_node_failure() {
    for seed in 0..2 {
        let mut text = Vec::new();
        crate::simulate::churn::write_transcript(&mut text, seed, 3 << 20, 0.95).unwrap();
        let source = Source {
            name: "pods.log".into(),
            origin: Origin::Bytes(text.into()),
        };
        let mut ing = crate::ingest::ingest(&[source]).unwrap();
        let t = crate::timeline::build(&mut ing, LinkOptions::default());
        let a = analyze("churn", &ing, t);
        assert!(
            a.incidents.is_empty(),
            "seed {seed}: {:?}",
            a.incidents.iter().map(|i| &i.phases.F).collect::<Vec<_>>()
        );
    }
}

/// A pod of the same ReplicaSet created long after the node came back (a scale-up)
/// is no replacement of the pod that recovered in place: replacements are created as
/// pods are evicted, before the node returns (FORMAT.md §4.7).
#[test]
fn a_pod_of_the_same_owner_created_long_after_the_return_is_no_replacement() {
    const LATER: &str = "web-7d9f8b6c4-q7w2n";
    let a = watch(&[
        RUNNING,
        TOUCHED,
        BACK_READY,
        [
            POD,
            "1/1",
            "Running",
            "1 (50m ago)",
            "59m",
            "10.244.1.9",
            "node-a",
        ],
        pod(LATER, "0/1", "Pending", "0s", "<none>", "<none>"),
        pod(LATER, "0/1", "ContainerCreating", "0s", "<none>", "node-b"),
        pod(LATER, "1/1", "Running", "3s", "10.244.2.7", "node-b"),
    ]);
    one_incident_not_replaced_by(&a, LATER);
}

/// A pod deleted while its node was down, before the failure was seen, was replaced
/// then (its replacement is not the failure's); its later Terminating line is the
/// returning kubelet's rewrite of that deletion, not a second eviction, and a pod of
/// its owner created long after is no replacement of it.
#[test]
fn a_pod_deleted_before_the_failure_is_not_evicted_again_by_its_rewrite() {
    const LATER: &str = "web-7d9f8b6c4-q7w2n";
    let a = watch(&[
        RUNNING,
        pod(PEER, "1/1", "Running", "5m", "10.244.1.6", "node-a"),
        pod(POD, "1/1", "Terminating", "6m", "10.244.1.5", "node-a"),
        pod(PEER, "1/1", "Running", "6m", "10.244.1.6", "node-a"),
        pod(PEER, "1/1", "Terminating", "11m", "10.244.1.6", "node-a"),
        pod(POD, "0/1", "Terminating", "18m", "10.244.1.5", "node-a"),
        pod(PEER, "0/1", "Terminating", "18m", "10.244.1.6", "node-a"),
        pod(LATER, "0/1", "Pending", "0s", "<none>", "<none>"),
        pod(LATER, "0/1", "ContainerCreating", "0s", "<none>", "node-b"),
        pod(LATER, "1/1", "Running", "3s", "10.244.2.7", "node-b"),
    ]);
    one_incident_not_replaced_by(&a, LATER);
}

/// The ReplicaSet creates one replacement as the pod is deleted: when that one never
/// runs ready, it is still the replacement (pending), and a pod of the owner created
/// minutes later — another pod's replacement — is not taken in its place.
#[test]
fn a_replacement_that_never_runs_ready_is_pending_not_passed_over() {
    const FIRST: &str = "web-7d9f8b6c4-f1rst";
    const LATER: &str = "web-7d9f8b6c4-q7w2n";
    let a = watch(&[
        RUNNING,
        TOUCHED,
        TERMINATING,
        pod(FIRST, "0/1", "Pending", "0s", "<none>", "<none>"),
        pod(FIRST, "0/1", "ContainerCreating", "1s", "<none>", "node-b"),
        pod(FIRST, "0/1", "Running", "9s", "10.244.2.8", "node-b"),
        pod(LATER, "0/1", "Pending", "0s", "<none>", "<none>"),
        pod(LATER, "0/1", "ContainerCreating", "1s", "<none>", "node-c"),
        pod(LATER, "1/1", "Running", "8s", "10.244.3.7", "node-c"),
        pod(FIRST, "0/1", "Running", "4m", "10.244.2.8", "node-b"),
    ]);
    one_incident_not_replaced_by(&a, LATER);
}

/// A rebooted node's kubelet writes its pods' restarts in one burst, in any order: a
/// neighbour's restart printed just before this pod's new sandbox is the same return,
/// not a sign that the node never left.
#[test]
fn a_reboot_burst_of_restarts_is_one_node_failure() {
    let a = watch(&[
        RUNNING,
        pod(PEER, "1/1", "Running", "5m", "10.244.1.6", "node-a"),
        TOUCHED,
        pod(PEER, "1/1", "Running", "6m", "10.244.1.6", "node-a"),
        [
            PEER,
            "0/1",
            "Running",
            "1 (2s ago)",
            "9m",
            "10.244.1.6",
            "node-a",
        ],
        [
            POD,
            "0/1",
            "Running",
            "1 (3s ago)",
            "9m",
            "10.244.1.9",
            "node-a",
        ],
    ]);
    assert_eq!(a.incidents.len(), 1, "{:?}", a.warnings);
    assert_eq!(a.incidents[0].node, "node-a");
}

/// One incident, and no pod of it replaced by `name`.
fn one_incident_not_replaced_by(a: &Analysis, name: &str) {
    assert_eq!(a.incidents.len(), 1, "{:?}", a.warnings);
    let pods = &a.incidents[0].pods;
    assert!(
        pods.iter().all(|p| p.replacement.as_deref() != Some(name)),
        "{pods:?}"
    );
}

/// A pod never deleted and still there, its node back, when a pod of its owner was
/// created (a sibling's replacement, in a soak) was not replaced by that pod.
#[test]
fn a_pod_of_the_owner_created_while_the_pod_was_still_there_is_no_replacement() {
    const SIBLING: &str = "web-7d9f8b6c4-q7w2n";
    let a = watch(&[
        RUNNING,
        TOUCHED,
        pod(SIBLING, "0/1", "Pending", "0s", "<none>", "<none>"),
        pod(
            SIBLING,
            "0/1",
            "ContainerCreating",
            "1s",
            "<none>",
            "node-b",
        ),
        pod(SIBLING, "1/1", "Running", "3s", "10.244.2.7", "node-b"),
        NEW_SANDBOX,
    ]);
    one_incident_not_replaced_by(&a, SIBLING);
}

/// A node failing again and again whose NotReady lines cannot be paired with its pods'
/// marks (three lines, two bursts) floats free of the pods' clock: its failures are
/// read from the pods' lines as without a node stream, each placed on that clock, and
/// t = 0 is a pods' line, not a line of the floating node.
#[test]
fn a_node_stream_that_cannot_be_placed_is_read_as_none() {
    let mut ing = crate::ingest::ingest(&crate::timeline::links::fixtures::sources(3)).unwrap();
    let t = crate::timeline::build(&mut ing, LinkOptions::default());
    assert_eq!(t.unplaced_nodes, ["w1"]);
    let a = analyze("test", &ing, t);
    assert!(
        a.origin.description.contains("pods.log"),
        "{}",
        a.origin.description
    );
    assert_eq!(a.incidents.len(), 2, "{:#?}", a.incidents);
    for i in &a.incidents {
        let f = i.phases.F.as_ref().expect("F");
        assert!(f.what.contains("marked not ready"), "{}", f.what);
        assert!(f.at.max_ms - f.at.min_ms <= 5_000, "{:?}", f.at);
        assert_eq!(i.scenario, Scenario::InPlace);
    }
}

/// A pod deleted by hand before the failure's line had its replacement made then: a
/// pod of its owner created after the failure is its sibling's, evicted by the
/// failure, not its own (each deletion gets one new pod, FORMAT.md §4.8). Pods only
/// (the deletion printed before the failure's line) and with a nodes watch beside
/// (the failure a NotReady line in another file: the deletion proven before it).
#[test]
fn a_pod_deleted_before_the_failure_does_not_take_a_siblings_replacement() {
    let nodes = "\
NAME     STATUS     ROLES    AGE   VERSION
node-a   Ready      <none>   9d    v1.28.2
node-b   Ready      <none>   9d    v1.28.2
node-a   NotReady   <none>   9d    v1.28.2
";
    for others in [&[][..], &[("nodes.log", nodes)][..]] {
        deleted_before_the_failure(others);
    }
}

fn deleted_before_the_failure(others: &[(&str, &str)]) {
    const A: &str = "web-7d9f8b6c4-b2c4d";
    const B: &str = "web-7d9f8b6c4-f5g6h";
    const A2: &str = "web-7d9f8b6c4-j7k8l";
    const B2: &str = "web-7d9f8b6c4-m9n2p";
    let row =
        |n: &'static str, ready, status, age, ip, node| [n, ready, status, "0", age, ip, node];
    let rows = [
        row(A, "1/1", "Running", "5m", "10.244.1.5", "node-a"),
        row(B, "1/1", "Running", "5m", "10.244.1.6", "node-a"),
        // A deleted by hand; its replacement at once.
        row(A, "1/1", "Terminating", "5m", "10.244.1.5", "node-a"),
        row(A2, "0/1", "Pending", "0s", "<none>", "<none>"),
        row(A2, "0/1", "Pending", "0s", "<none>", "node-b"),
        row(A2, "1/1", "Running", "9s", "10.244.2.7", "node-b"),
        // node-a fails: its pods are marked (A still Terminating: its kubelet is
        // gone), B is evicted after the toleration and replaced.
        row(B, "1/1", "Running", "6m", "10.244.1.6", "node-a"),
        row(A, "1/1", "Terminating", "6m", "10.244.1.5", "node-a"),
        row(B, "1/1", "Running", "11m", "10.244.1.6", "node-a"),
        row(B, "1/1", "Terminating", "11m", "10.244.1.6", "node-a"),
        row(B2, "0/1", "Pending", "0s", "<none>", "<none>"),
        row(B2, "0/1", "Pending", "0s", "<none>", "node-b"),
        row(B2, "1/1", "Running", "12s", "10.244.2.8", "node-b"),
    ];
    let a = watch_with(&rows, others);
    assert_eq!(a.incidents.len(), 1, "{:?}", a.warnings);
    let pods = &a.incidents[0].pods;
    let outcome = |name: &str| pods.iter().find(|p| p.name == name);
    assert_eq!(
        outcome(B).and_then(|p| p.replacement.as_deref()),
        Some(B2),
        "{pods:#?}"
    );
    assert!(
        outcome(A).is_none_or(|p| p.replacement.is_none()),
        "{pods:#?}"
    );
}

/// Two pods of one ReplicaSet on the failed node, evicted a line apart, each followed
/// by the replacement the ReplicaSet made for it (FORMAT.md §4.8). The clock cannot
/// tell the first replacement's creation from the second eviction (a line apart, the
/// same second), so only the order of the evictions pairs them: the pod listed first
/// but evicted second takes the second replacement, not the first.
#[test]
fn siblings_evicted_one_after_the_other_take_their_replacements_in_that_order() {
    const FIRST_LISTED: &str = "web-7d9f8b6c4-b2c4d";
    const FIRST_EVICTED: &str = "web-7d9f8b6c4-z9x8w";
    const ITS_REPLACEMENT: &str = "web-7d9f8b6c4-k5m6n";
    const SECOND_REPLACEMENT: &str = "web-7d9f8b6c4-p7q8r";
    let (a, b) = (FIRST_LISTED, FIRST_EVICTED);
    let (qb, qa) = (ITS_REPLACEMENT, SECOND_REPLACEMENT);
    let a = watch(&[
        pod(a, "1/1", "Running", "5m", "10.244.1.5", "node-a"),
        pod(b, "1/1", "Running", "5m", "10.244.1.6", "node-a"),
        pod(a, "1/1", "Running", "6m", "10.244.1.5", "node-a"),
        pod(b, "1/1", "Running", "6m", "10.244.1.6", "node-a"),
        pod(b, "1/1", "Terminating", "11m", "10.244.1.6", "node-a"),
        pod(qb, "0/1", "Pending", "0s", "<none>", "<none>"),
        pod(a, "1/1", "Terminating", "11m", "10.244.1.5", "node-a"),
        pod(qa, "0/1", "Pending", "0s", "<none>", "<none>"),
        pod(qb, "0/1", "ContainerCreating", "1s", "<none>", "node-b"),
        pod(qa, "0/1", "ContainerCreating", "1s", "<none>", "node-c"),
        pod(qb, "1/1", "Running", "5s", "10.244.2.7", "node-b"),
        pod(qa, "1/1", "Running", "5s", "10.244.3.7", "node-c"),
    ]);
    assert_eq!(a.incidents.len(), 1, "{:?}", a.warnings);
    let pods = &a.incidents[0].pods;
    let replacement =
        |name: &str| (pods.iter().find(|p| p.name == name)).and_then(|p| p.replacement.as_deref());
    assert_eq!(
        replacement(FIRST_EVICTED),
        Some(ITS_REPLACEMENT),
        "{pods:#?}"
    );
    assert_eq!(
        replacement(FIRST_LISTED),
        Some(SECOND_REPLACEMENT),
        "{pods:#?}"
    );
}

/// A failure found from its pods' marks is told by the first mark printed (the node
/// was lost before it), not by the first pod's: here the neighbour, listed second,
/// is marked first.
#[test]
fn a_failure_is_told_by_its_first_mark_printed() {
    let a = watch(&[
        RUNNING,
        pod(PEER, "1/1", "Running", "5m", "10.244.1.6", "node-a"),
        pod(PEER, "1/1", "Running", "6m", "10.244.1.6", "node-a"),
        TOUCHED,
        TERMINATING,
        pod(PEER, "1/1", "Terminating", "11m", "10.244.1.6", "node-a"),
    ]);
    assert_eq!(a.incidents.len(), 1, "{:?}", a.warnings);
    let f = a.incidents[0].phases.F.as_ref().expect("F");
    assert!(
        f.evidence[0].text.as_printed().starts_with(PEER),
        "{:?}",
        f.evidence
    );
}
