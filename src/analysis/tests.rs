//! The pods-only inference of a node failure (no node stream), on small watches laid
//! out as kubectl's tabwriter prints them.

use super::*;
use crate::input::{Origin, Source};
use crate::simulate::churn::HEADER;
use crate::simulate::tabwriter::{layout_watch, Era};
use crate::timeline::LinkOptions;

/// A `kubectl get pods -o wide --watch` with these rows (after the header), laid out
/// by the simulator's tabwriter (kubectl ≥ 1.14: the header and first row one flush,
/// each later event its own with remembered widths).
pub(super) fn watch(rows: &[[&str; 7]]) -> Analysis {
    watch_with(rows, &[])
}

/// [`watch`], with other sources beside it (`(name, text)`).
pub(super) fn watch_with(rows: &[[&str; 7]], others: &[(&str, &str)]) -> Analysis {
    let row = |r: &[&str; 7]| -> Vec<String> {
        r.iter()
            .chain(&["<none>", "<none>"])
            .map(|c| c.to_string())
            .collect()
    };
    let header: Vec<String> = HEADER.iter().map(|h| h.to_string()).collect();
    let initial = vec![header, row(&rows[0])];
    let events: Vec<Vec<String>> = rows[1..].iter().map(row).collect();
    let mut text = layout_watch(Era::Remember, &initial, &events).join("\n");
    text.push('\n');
    let source = |name: &str, text: Vec<u8>| Source {
        name: name.into(),
        origin: Origin::Bytes(text.into()),
    };
    let mut sources = vec![source("pods.log", text.into_bytes())];
    sources.extend(
        others
            .iter()
            .map(|(name, text)| source(name, text.as_bytes().to_vec())),
    );
    let mut ing = crate::ingest::ingest(&sources).unwrap();
    let t = crate::timeline::build(&mut ing, LinkOptions::default());
    analyze("test", &ing, t)
}

const POD: &str = "web-7d9f8b6c4-x2x9q";
const RUNNING: [&str; 7] = [POD, "1/1", "Running", "0", "5m", "10.244.1.5", "node-a"];
const TOUCHED: [&str; 7] = [POD, "1/1", "Running", "0", "6m", "10.244.1.5", "node-a"];
/// The pod restarted on a new sandbox (a new IP) on its node: a rebooted node back.
const NEW_SANDBOX: [&str; 7] = [
    POD,
    "0/1",
    "Running",
    "1 (5s ago)",
    "9m",
    "10.244.1.9",
    "node-a",
];

/// `row` of another pod (a different Deployment's unless `name` says otherwise).
fn pod(
    name: &'static str,
    ready: &'static str,
    status: &'static str,
    age: &'static str,
    ip: &'static str,
    node: &'static str,
) -> [&'static str; 7] {
    [name, ready, status, "0", age, ip, node]
}

const TERMINATING: [&str; 7] = [
    POD,
    "1/1",
    "Terminating",
    "0",
    "11m",
    "10.244.1.5",
    "node-a",
];
const PEER: &str = "api-5c6d7f8b9-kx2mz";

/// The pod restarted on a new sandbox on its node and ready again: a rebooted node back.
const BACK_READY: [&str; 7] = [
    POD,
    "1/1",
    "Running",
    "1 (5s ago)",
    "9m",
    "10.244.1.9",
    "node-a",
];

/// A watch of the pod and its peer on one node, both created in the capture (their
/// AGEs put every line on one clock) and running together for a minute, then `then`.
fn started_together(then: &[[&'static str; 7]]) -> Analysis {
    let mut rows = vec![
        [POD, "0/1", "Pending", "0", "0s", "<none>", "node-a"],
        pod(PEER, "0/1", "Pending", "0s", "<none>", "node-a"),
        [POD, "1/1", "Running", "0", "10s", "10.244.1.5", "node-a"],
        pod(PEER, "1/1", "Running", "10s", "10.244.1.6", "node-a"),
        [POD, "1/1", "Running", "0", "75s", "10.244.1.5", "node-a"],
        pod(PEER, "1/1", "Running", "75s", "10.244.1.6", "node-a"),
    ];
    rows.extend_from_slice(then);
    watch(&rows)
}

#[test]
fn a_touch_then_a_container_crash_is_no_node_failure() {
    let a = watch(&[
        RUNNING,
        TOUCHED,
        [
            POD,
            "0/1",
            "Error",
            "1 (1s ago)",
            "7m",
            "10.244.1.5",
            "node-a",
        ],
        [
            POD,
            "0/1",
            "CrashLoopBackOff",
            "1 (3s ago)",
            "7m",
            "10.244.1.5",
            "node-a",
        ],
    ]);
    assert!(a.incidents.is_empty(), "{:?}", a.incidents);
    assert_eq!(a.scenario, Scenario::NoFailure);
}

#[test]
fn a_touch_then_eviction_is_a_node_failure_with_both_lines_as_evidence() {
    let a = watch(&[
        RUNNING,
        TOUCHED,
        [
            POD,
            "1/1",
            "Terminating",
            "0",
            "11m",
            "10.244.1.5",
            "node-a",
        ],
    ]);
    assert_eq!(a.incidents.len(), 1);
    let f = a.incidents[0].phases.F.as_ref().expect("a failure phase");
    assert!(f.what.contains("then Terminating"), "{}", f.what);
    assert_eq!(f.evidence.len(), 2);
    // Minutes before the eviction by AGE (6m, then 11m): the mark itself.
    assert_eq!(f.since, None);
}

#[test]
fn a_starting_pod_s_patch_joins_its_node_s_marked_failure() {
    const STARTING: &str = "api-5c6d7f8b9-kx2mz";
    let a = watch(&[
        RUNNING,
        pod(
            STARTING,
            "0/1",
            "ContainerCreating",
            "10s",
            "<none>",
            "node-a",
        ),
        TOUCHED,
        pod(
            STARTING,
            "0/1",
            "ContainerCreating",
            "6m",
            "<none>",
            "node-a",
        ),
        pod(STARTING, "0/1", "Terminating", "6m", "<none>", "node-a"),
        TERMINATING,
    ]);
    assert_eq!(a.incidents.len(), 1, "{:?}", a.incidents);
}

/// A StatefulSet's pod is recreated only once its node is back (the old pod must be
/// gone, FORMAT.md §4.8): the Deployment's replacement, ready before the return, says
/// the incident is `post-migration`; the StatefulSet's own outcome stays
/// `mid-migration`.
#[test]
fn a_statefulset_pod_waiting_for_its_node_leaves_the_incident_post_migration() {
    const DB: &str = "db-0";
    const NEW: &str = "web-7d9f8b6c4-q7w2n";
    let a = watch(&[
        RUNNING,
        pod(DB, "1/1", "Running", "5m", "10.244.1.6", "node-a"),
        TOUCHED,
        pod(DB, "1/1", "Running", "6m", "10.244.1.6", "node-a"),
        TERMINATING,
        pod(DB, "1/1", "Terminating", "11m", "10.244.1.6", "node-a"),
        pod(NEW, "0/1", "Pending", "0s", "<none>", "node-b"),
        pod(NEW, "0/1", "ContainerCreating", "1s", "<none>", "node-b"),
        pod(NEW, "1/1", "Running", "20s", "10.244.2.7", "node-b"),
        [
            POD,
            "0/1",
            "Terminating",
            "0",
            "14m",
            "10.244.1.5",
            "node-a",
        ],
        pod(DB, "0/1", "Terminating", "14m", "10.244.1.6", "node-a"),
        pod(DB, "0/1", "Pending", "0s", "<none>", "node-a"),
        pod(DB, "0/1", "ContainerCreating", "1s", "<none>", "node-a"),
        pod(DB, "1/1", "Running", "15s", "10.244.1.8", "node-a"),
    ]);
    assert_eq!(a.incidents.len(), 1, "{:?}", a.warnings);
    let i = &a.incidents[0];
    assert_eq!(i.scenario, Scenario::PostMigration, "{:?}", i.phases);
    let db = i
        .workloads
        .iter()
        .find(|w| w.workload.as_deref() == Some("StatefulSet db"));
    assert_eq!(
        db.map(|w| w.scenario),
        Some(Scenario::MidMigration),
        "{:?}",
        i.workloads
    );
}

/// A pod deleted while it starts: a status write, then `Terminating`, looks like a
/// starting pod's patch and eviction; alone it is no node failure.
#[test]
fn a_pod_deleted_while_it_starts_is_no_node_failure() {
    let a = watch(&[
        [POD, "0/1", "Pending", "0", "0s", "<none>", "node-a"],
        [
            POD,
            "0/1",
            "ContainerCreating",
            "0",
            "0s",
            "<none>",
            "node-a",
        ],
        [
            POD,
            "0/1",
            "ContainerCreating",
            "0",
            "1s",
            "<none>",
            "node-a",
        ],
        [POD, "0/1", "Terminating", "0", "4s", "<none>", "node-a"],
    ]);
    assert!(a.incidents.is_empty(), "{:?}", a.incidents);
}

/// A drain: the eviction API patches `DisruptionTarget` too (one repeat), and the
/// node's running kubelet finishes the pod at once. No lost node's eviction does.
#[test]
fn a_drained_pod_finished_at_once_is_no_node_failure() {
    const PROXY: &str = "kube-proxy-ntbvj";
    let a = watch(&[
        RUNNING,
        pod(PROXY, "1/1", "Running", "5m", "10.244.1.7", "node-a"),
        [POD, "1/1", "Running", "0", "11m", "10.244.1.5", "node-a"],
        TERMINATING,
        [
            POD,
            "0/1",
            "Terminating",
            "0",
            "11m",
            "10.244.1.5",
            "node-a",
        ],
        pod(PROXY, "1/1", "Running", "12m", "10.244.1.7", "node-a"),
    ]);
    assert!(a.incidents.is_empty(), "{:?}", a.incidents);
}

/// A capture begun after the node controller's mark: the pod's only repeat is the
/// taint manager's patch, printed with the eviction (same AGE). The failure came
/// before it, at any time since the pod was created (FORMAT.md §4.5).
#[test]
fn a_capture_begun_after_the_mark_bounds_the_failure_by_the_pod_s_creation() {
    let a = watch(&[
        RUNNING,
        [POD, "1/1", "Running", "0", "11m", "10.244.1.5", "node-a"],
        TERMINATING,
    ]);
    assert_eq!(a.incidents.len(), 1, "{:?}", a.warnings);
    let f = a.incidents[0].phases.F.as_ref().expect("a failure phase");
    assert!(f.since.is_some());
    assert!(f.at.min_ms <= -5 * 60_000, "{:?}", f.at);
}

#[test]
fn a_touch_then_a_new_sandbox_on_the_same_node_is_a_node_failure() {
    let a = watch(&[RUNNING, TOUCHED, BACK_READY]);
    assert_eq!(a.incidents.len(), 1, "{:?}", a.warnings);
}

/// A rebooted node's kubelet may first print what the runtime lost, on the old sandbox,
/// and only then the restart on a new one (FORMAT.md §4.7): the touch before it is
/// the node controller's mark all the same.
#[test]
fn a_touch_then_a_lost_container_then_a_new_sandbox_is_a_node_failure() {
    for status in ["ContainerStatusUnknown", "Error", "Completed"] {
        let a = watch(&[
            RUNNING,
            TOUCHED,
            [POD, "0/1", status, "0", "9m", "10.244.1.5", "node-a"],
            [
                POD,
                "0/1",
                "Running",
                "1 (5s ago)",
                "9m",
                "10.244.1.9",
                "node-a",
            ],
        ]);
        assert_eq!(a.incidents.len(), 1, "{status}: {:?}", a.warnings);
        assert_eq!(a.incidents[0].scenario, Scenario::InPlace, "{status}");
    }
}

/// A node failing again soon after a reboot: a pod still starting (0/1) when the
/// node controller marks them is back first, with the runtime's `Unknown`; that is the
/// same return as the healthy pod's `Unknown` after it, not a sign its node never left.
#[test]
fn a_return_burst_of_unknowns_does_not_veto_the_healthy_pod_s_mark() {
    const SLOW: &str = "api-5c6d7f8b9-kx2mz";
    let a = watch(&[
        RUNNING,
        [
            SLOW,
            "0/1",
            "Running",
            "1 (20s ago)",
            "5m",
            "10.244.1.6",
            "node-a",
        ],
        TOUCHED,
        [
            SLOW,
            "0/1",
            "Running",
            "1 (60s ago)",
            "6m",
            "10.244.1.6",
            "node-a",
        ],
        [
            SLOW,
            "0/1",
            "Unknown",
            "1 (3m ago)",
            "8m",
            "10.244.1.6",
            "node-a",
        ],
        [POD, "0/1", "Unknown", "0", "8m", "10.244.1.5", "node-a"],
        NEW_SANDBOX,
    ]);
    assert_eq!(a.incidents.len(), 1, "{:?}", a.warnings);
}

/// Pods of one node evicted at different times (a pod's own `tolerationSeconds`,
/// FORMAT.md §4.5): one is evicted before the node is back, the other restarts in
/// place. The returning kubelet finishing the evicted pod is the same return as the
/// other's `Unknown`, so the failure is found (mid-migration: back after an eviction,
/// before any replacement).
#[test]
fn an_early_eviction_finished_by_the_returning_kubelet_does_not_veto_the_failure() {
    const EARLY: &str = "api-5c6d7f8b9-kx2mz";
    const BACK: [&str; 7] = [
        POD,
        "0/1",
        "Running",
        "1 (5s ago)",
        "7m",
        "10.244.1.9",
        "node-a",
    ];
    // The finished pod's last line: `Terminating`, or from 1.31 its final status
    // (FORMAT.md §2.1 rule 6).
    for last in ["Terminating", "Error"] {
        let a = watch(&[
            RUNNING,
            pod(EARLY, "1/1", "Running", "5m", "10.244.1.6", "node-a"),
            TOUCHED,
            pod(EARLY, "1/1", "Running", "6m", "10.244.1.6", "node-a"),
            pod(EARLY, "1/1", "Running", "6m", "10.244.1.6", "node-a"),
            pod(EARLY, "1/1", "Terminating", "6m", "10.244.1.6", "node-a"),
            pod(EARLY, "0/1", last, "7m", "10.244.1.6", "node-a"),
            [POD, "0/1", "Unknown", "0", "7m", "10.244.1.5", "node-a"],
            BACK,
        ]);
        assert_eq!(a.incidents.len(), 1, "{last}: {:?}", a.warnings);
        assert_eq!(a.incidents[0].scenario, Scenario::MidMigration, "{last}");
    }
}

/// A rebooted node's burst comes in any order: the kubelet finishing the early-evicted
/// pod, then the other pod's lost container (`Error` on its old sandbox, FORMAT.md
/// §4.7) before its new sandbox. The finishing is part of the same return, and vetoes
/// nothing.
#[test]
fn a_lost_container_after_the_return_s_other_writes_is_still_the_node_back() {
    const EARLY: &str = "api-5c6d7f8b9-kx2mz";
    let a = watch(&[
        RUNNING,
        pod(EARLY, "1/1", "Running", "5m", "10.244.1.6", "node-a"),
        TOUCHED,
        pod(EARLY, "1/1", "Running", "6m", "10.244.1.6", "node-a"),
        pod(EARLY, "1/1", "Terminating", "6m", "10.244.1.6", "node-a"),
        pod(EARLY, "0/1", "Terminating", "7m", "10.244.1.6", "node-a"),
        pod(POD, "0/1", "Error", "7m", "10.244.1.5", "node-a"),
        NEW_SANDBOX,
    ]);
    assert_eq!(a.incidents.len(), 1, "{:?}", a.warnings);
    assert_eq!(a.incidents[0].scenario, Scenario::MidMigration);
}

/// A returning kubelet re-posts its pods' statuses: a pod's line that changes
/// nothing, printed in the burst after another pod's `Unknown`, is no mark of a second
/// loss. The pod's mark is the node controller's, before.
#[test]
fn a_line_re_posted_by_the_returning_kubelet_is_no_second_failure() {
    let a = started_together(&[
        pod(PEER, "0/1", "Unknown", "2m", "10.244.1.6", "node-a"),
        [POD, "1/1", "Running", "0", "2m", "10.244.1.5", "node-a"],
        [POD, "0/1", "Error", "0", "2m", "10.244.1.5", "node-a"],
        [
            POD,
            "0/1",
            "Running",
            "1 (1s ago)",
            "2m5s",
            "10.244.1.9",
            "node-a",
        ],
        [
            PEER,
            "0/1",
            "Running",
            "1 (1s ago)",
            "2m5s",
            "10.244.1.8",
            "node-a",
        ],
    ]);
    assert_eq!(a.incidents.len(), 1, "{:?}", a.incidents);
    assert_eq!(a.incidents[0].scenario, Scenario::InPlace);
}

/// A pod not ready when its node was lost (one of two containers ready: no mark)
/// shows its lost container first (`ContainerStatusUnknown`, then a new sandbox): a
/// write of the same return, which does not veto the healthy pod's `Unknown` printed
/// after it.
#[test]
fn an_unready_pod_s_lost_container_does_not_veto_the_healthy_pod_s_unknown() {
    const HALF: &str = "api-5c6d7f8b9-kx2mz";
    let a = watch(&[
        RUNNING,
        pod(HALF, "1/2", "Running", "20s", "10.244.1.6", "node-a"),
        TOUCHED,
        pod(
            HALF,
            "0/2",
            "ContainerStatusUnknown",
            "2m",
            "10.244.1.6",
            "node-a",
        ),
        [POD, "0/1", "Unknown", "0", "7m", "10.244.1.5", "node-a"],
        [
            HALF,
            "0/2",
            "Running",
            "1 (3s ago)",
            "2m",
            "10.244.1.8",
            "node-a",
        ],
        NEW_SANDBOX,
    ]);
    assert_eq!(a.incidents.len(), 1, "{:?}", a.warnings);
    assert_eq!(a.incidents[0].scenario, Scenario::InPlace);
}

/// The same on the old sandbox is a container that crashed and restarted.
#[test]
fn a_touch_then_an_error_and_a_restart_on_the_same_sandbox_is_no_node_failure() {
    let a = watch(&[
        RUNNING,
        TOUCHED,
        [POD, "0/1", "Error", "0", "9m", "10.244.1.5", "node-a"],
        [
            POD,
            "0/1",
            "Running",
            "1 (5s ago)",
            "9m",
            "10.244.1.5",
            "node-a",
        ],
    ]);
    assert!(a.incidents.is_empty(), "{:?}", a.incidents);
}

/// The restart line is both F's corroboration and N: cited once.
#[test]
fn an_incident_cites_each_line_once() {
    let a = watch(&[RUNNING, TOUCHED, BACK_READY]);
    let ev = &a.incidents[0].evidence;
    let mut lines: Vec<u64> = ev.iter().map(|l| l.line).collect();
    lines.sort_unstable();
    lines.dedup();
    assert_eq!(lines.len(), ev.len(), "{ev:?}");
}

#[test]
fn a_restart_without_a_touch_is_no_node_failure() {
    let a = watch(&[RUNNING, BACK_READY]);
    assert!(a.incidents.is_empty());
}

mod node_lost;
mod peers;
mod starting;
