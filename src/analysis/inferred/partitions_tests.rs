//! Failures in place read from two passes over a node's pods (`partitions`).

use crate::analysis::tests::watch;
use crate::analysis::{Analysis, PodFate, Scenario};

/// The pods `{node}-{k}` (k from 1) and their IPs, as `(name, ip)`.
fn pods_of(node: &str, n: usize) -> Vec<(String, String)> {
    let net = node.bytes().last().unwrap_or(b'0');
    (1..=n)
        .map(|k| {
            (
                format!("web-7d9f8b6c4-{node}{k}"),
                format!("10.244.{net}.{k}"),
            )
        })
        .collect()
}

/// Rows of `pods` on `node`, all `1/1 Running` at `age`.
fn running<'a>(pods: &'a [(String, String)], node: &'a str, age: &'a str) -> Vec<[&'a str; 7]> {
    pods.iter()
        .map(|(name, ip)| [name.as_str(), "1/1", "Running", "0", age, ip.as_str(), node])
        .collect()
}

/// A pod of another node whose readiness flaps `n` times: a busy watch.
fn busy(n: usize, age: &str) -> Vec<[&str; 7]> {
    (0..n)
        .map(|k| {
            let ready = if k % 2 == 0 { "0/1" } else { "1/1" };
            [
                "api-5c6d7f8b9-kx2mz",
                ready,
                "Running",
                "0",
                age,
                "10.244.9.1",
                "node-z",
            ]
        })
        .collect()
}

fn node_a() -> Vec<(String, String)> {
    pods_of("node-a", 4)
}

/// `pods` of node-a listed, then marked in one pass a minute later, the busy pod
/// around: a failure's first lines.
fn listed_and_marked(pods: &[(String, String)]) -> Vec<[&str; 7]> {
    let mut rows = running(pods, "node-a", "5m");
    rows.extend(busy(3, "5m"));
    rows.extend(running(pods, "node-a", "6m"));
    rows.extend(busy(20, "7m"));
    rows
}

/// node-a's pods listed, then `between` (after a mark pass over them), then a
/// second pass over them, then more of the busy pod.
fn marked_and_back(between: &[[&str; 7]]) -> Analysis {
    let a = node_a();
    let mut rows = listed_and_marked(&a);
    rows.extend_from_slice(between);
    rows.extend(running(&a, "node-a", "8m"));
    rows.extend(busy(20, "9m"));
    watch(&rows)
}

#[test]
fn a_node_s_pods_marked_then_re_posted_unchanged_is_a_failure_in_place() {
    let a = marked_and_back(&[]);
    assert_eq!(a.incidents.len(), 1, "{:#?}", a.incidents);
    let inc = &a.incidents[0];
    assert_eq!(inc.node, "node-a");
    assert_eq!(inc.scenario, Scenario::InPlace);
    let line = |p: &Option<crate::analysis::Phase>| p.as_ref().map(|p| p.evidence[0].line);
    // The header is line 1, the list lines 2–5, 3 busy lines: the mark pass from 9,
    // 20 busy lines, the return pass from 33.
    assert_eq!(line(&inc.phases.F), Some(9));
    assert_eq!(line(&inc.phases.N), Some(33));
    assert!(inc.phases.E.is_none() && inc.phases.R.is_none());
    assert_eq!(inc.pods.len(), 4);
    assert!(inc
        .pods
        .iter()
        .all(|p| p.outcome == PodFate::RecoveredInPlace));
}

/// A chaos soak partitions the node again and again; its pods live through each
/// in place, so each pass is another reprint of the same state: every failure is
/// still told (the ingest keeps a state's reprints for fifteen such failures).
#[test]
fn a_node_partitioned_five_times_is_five_failures() {
    let a = node_a();
    let ages = [
        "6m", "8m", "10m", "12m", "14m", "16m", "18m", "20m", "22m", "24m",
    ];
    let mut rows = running(&a, "node-a", "5m");
    for age in ages {
        rows.extend(busy(3, age));
        rows.extend(running(&a, "node-a", age));
        rows.extend(busy(20, age));
    }
    let incidents = watch(&rows).incidents;
    assert_eq!(incidents.len(), 5, "{incidents:#?}");
    assert!(incidents.iter().all(|i| i.scenario == Scenario::InPlace));
}

/// The returning kubelet re-posts its pods as it syncs each, other lines between:
/// the return comes in pieces, none of them most of the node's pods.
#[test]
fn a_return_re_posted_in_pieces_is_still_the_node_back() {
    let a = pods_of("node-a", 6);
    let mut rows = listed_and_marked(&a);
    rows.extend(running(&a[..3], "node-a", "8m"));
    rows.extend(busy(12, "8m"));
    rows.extend(running(&a[3..], "node-a", "8m"));
    rows.extend(busy(20, "9m"));
    let incidents = watch(&rows).incidents;
    assert_eq!(incidents.len(), 1, "{incidents:#?}");
    let inc = &incidents[0];
    assert_eq!(inc.scenario, Scenario::InPlace);
    // The list 2–7, 3 busy lines, the marks 11–16, 20 busy lines: back from 37.
    assert_eq!(inc.phases.N.as_ref().map(|n| n.evidence[0].line), Some(37));
    assert!(inc
        .pods
        .iter()
        .all(|p| p.outcome == PodFate::RecoveredInPlace));
}

/// Three of a node's nine pods reprinted together, and again later: updates of
/// those pods (their owner's, say), not the node controller, which marks all.
#[test]
fn a_few_of_a_node_s_pods_reprinted_twice_is_no_failure() {
    let a = pods_of("node-a", 9);
    let mut rows = running(&a, "node-a", "5m");
    rows.extend(busy(3, "5m"));
    rows.extend(running(&a[..3], "node-a", "6m"));
    rows.extend(busy(20, "7m"));
    rows.extend(running(&a[..3], "node-a", "8m"));
    rows.extend(busy(20, "9m"));
    assert!(watch(&rows).incidents.is_empty());
}

/// A pod deleted by hand soon after the node is back: its re-post then its
/// `Terminating` look like a mark and an eviction, but the return explains the
/// re-post, and the failure is the one in place. (Deleted within lines of its
/// re-post, that would read as the taint manager's patch and eviction.)
#[test]
fn a_pod_deleted_after_its_re_post_leaves_the_failure_in_place() {
    let a = node_a();
    let (name, ip) = (&a[0].0, &a[0].1);
    let mut rows = listed_and_marked(&a);
    rows.extend(running(&a, "node-a", "8m"));
    rows.extend(busy(20, "8m"));
    rows.push([
        name.as_str(),
        "1/1",
        "Terminating",
        "0",
        "9m",
        ip.as_str(),
        "node-a",
    ]);
    rows.extend(busy(20, "9m"));
    let incidents = watch(&rows).incidents;
    assert_eq!(incidents.len(), 1, "{incidents:#?}");
    assert_eq!(
        incidents[0].scenario,
        Scenario::InPlace,
        "{:#?}",
        incidents[0].phases
    );
    assert_eq!(
        incidents[0].phases.F.as_ref().map(|f| f.evidence[0].line),
        Some(9)
    );
}

/// One pass alone, the capture going on past the default toleration with no
/// eviction: the marks were something else (a node back from a partition
/// re-posts, a drain deletes), and claim nothing.
#[test]
fn one_pass_alone_is_no_failure_when_the_capture_goes_on_past_the_toleration() {
    let a = node_a();
    let mut rows = listed_and_marked(&a);
    rows.extend(busy(20, "13m"));
    assert!(watch(&rows).incidents.is_empty());
}

/// One pass as the capture ends, provably before the default toleration could
/// evict, nothing of the node's kubelet after it: the node is still away.
#[test]
fn one_pass_as_the_capture_ends_is_an_ongoing_failure() {
    let a = node_a();
    // AGE in seconds: the capture's end provably within the toleration.
    let mut rows = running(&a, "node-a", "4m10s");
    rows.extend(busy(3, "4m10s"));
    rows.extend(running(&a, "node-a", "4m30s"));
    rows.extend(busy(20, "6m"));
    let incidents = watch(&rows).incidents;
    assert_eq!(incidents.len(), 1, "{incidents:#?}");
    assert_eq!(incidents[0].node, "node-a");
    assert_eq!(incidents[0].scenario, Scenario::Ongoing);
}

/// A pod of node-a restarted (a crash, the same sandbox) between the passes: its
/// kubelet was there.
#[test]
fn a_kubelet_write_between_the_passes_is_no_failure() {
    let a = node_a();
    let (name, ip) = (&a[0].0, &a[0].1);
    let crash = [
        name.as_str(),
        "0/1",
        "Error",
        "1 (1s ago)",
        "7m",
        ip.as_str(),
        "node-a",
    ];
    assert!(marked_and_back(&[crash]).incidents.is_empty());
}

/// Every pod of six nodes reprinted twice, interleaved (a label added to every pod
/// and removed): each node's pods are a third or less of the reprints around them.
#[test]
fn every_node_s_pods_reprinted_twice_together_is_no_failure() {
    let nodes: Vec<String> = (1..=6).map(|k| format!("node-{k}")).collect();
    let pods: Vec<Vec<(String, String)>> = nodes.iter().map(|n| pods_of(n, 3)).collect();
    let pass = |age| -> Vec<[&str; 7]> {
        (0..3)
            .flat_map(|k| {
                let pods = &pods;
                nodes.iter().enumerate().map(move |(i, n)| {
                    let (name, ip) = &pods[i][k];
                    [
                        name.as_str(),
                        "1/1",
                        "Running",
                        "0",
                        age,
                        ip.as_str(),
                        n.as_str(),
                    ]
                })
            })
            .collect()
    };
    let mut rows = pass("5m");
    rows.extend(busy(3, "5m"));
    rows.extend(pass("6m"));
    rows.extend(busy(20, "7m"));
    rows.extend(pass("8m"));
    rows.extend(busy(20, "9m"));
    assert!(watch(&rows).incidents.is_empty());
}

/// With the nodes' watch beside: the node's `Ready` line is the return, the pods'
/// re-posts its kubelet's first writes (linked to it, no contradiction); a pod deleted
/// by hand minutes later, a starting pod ready later still and another's crash are
/// news of their own, not the return (which would make the deletion an eviction
/// before it).
#[test]
fn a_partition_watched_with_its_node_is_in_place() {
    let a = node_a();
    let (name, ip) = (&a[0].0, &a[0].1);
    let (crashed, crashed_ip) = (&a[1].0, &a[1].1);
    // A pod still starting when the node was lost: ready long after the return.
    let starting = |ready, age| {
        let name = "web-7d9f8b6c4-node-a9";
        [name, ready, "Running", "0", age, "10.244.97.9", "node-a"]
    };
    let mut rows = running(&a, "node-a", "5m");
    rows.push(starting("0/1", "5m"));
    rows.extend(busy(3, "5m"));
    rows.extend(running(&a, "node-a", "6m"));
    rows.extend(busy(20, "7m"));
    rows.extend(running(&a, "node-a", "8m"));
    rows.extend(busy(20, "10m"));
    rows.push([
        name.as_str(),
        "1/1",
        "Terminating",
        "0",
        "12m",
        ip.as_str(),
        "node-a",
    ]);
    rows.extend(busy(20, "13m"));
    rows.push(starting("1/1", "14m"));
    rows.extend(busy(20, "14m"));
    let error = [
        crashed.as_str(),
        "0/1",
        "Error",
        "0",
        "15m",
        crashed_ip.as_str(),
        "node-a",
    ];
    let restarted = [
        crashed.as_str(),
        "0/1",
        "Running",
        "1 (1s ago)",
        "15m",
        crashed_ip.as_str(),
        "node-a",
    ];
    rows.extend([error, restarted]);
    rows.extend(busy(20, "16m"));
    let nodes = "\
NAME     STATUS     ROLES    AGE   VERSION
node-a   Ready      <none>   10d   v1.29.3
node-z   Ready      <none>   10d   v1.29.3
node-a   NotReady   <none>   10d   v1.29.3
node-a   Ready      <none>   10d   v1.29.3
";
    let an = crate::analysis::tests::watch_with(&rows, &[("nodes.log", nodes)]);
    assert!(
        !an.warnings.iter().any(|w| w.contains("conflicting")),
        "{:?}",
        an.warnings
    );
    assert_eq!(an.incidents.len(), 1, "{:#?}", an.incidents);
    let inc = &an.incidents[0];
    assert_eq!(inc.scenario, Scenario::InPlace, "{:#?}", inc.phases);
    let n = inc.phases.N.as_ref().expect("the node back");
    assert!(
        n.evidence.iter().any(|l| &*l.source == "nodes.log"),
        "{n:#?}"
    );
    assert!(
        n.evidence
            .iter()
            .all(|l| !l.text.to_string().contains("Error")),
        "{n:#?}"
    );
}

/// A partition of node-a, then node-b lost and its pods evicted: the incidents in the
/// order they happened, whichever rule told each.
#[test]
fn incidents_come_in_the_order_they_happened() {
    let (a, b) = (node_a(), pods_of("node-b", 3));
    let mut rows = running(&b, "node-b", "5m");
    rows.extend(listed_and_marked(&a));
    rows.extend(running(&a, "node-a", "8m"));
    rows.extend(busy(20, "9m"));
    rows.extend(running(&b, "node-b", "10m"));
    rows.extend(busy(20, "12m"));
    rows.extend(b.iter().map(|(name, ip)| {
        [
            name.as_str(),
            "1/1",
            "Terminating",
            "0",
            "15m",
            ip.as_str(),
            "node-b",
        ]
    }));
    rows.extend(busy(20, "16m"));
    let incidents = watch(&rows).incidents;
    let nodes: Vec<&str> = incidents.iter().map(|i| i.node.as_str()).collect();
    assert_eq!(nodes, ["node-a", "node-b"], "{incidents:#?}");
}

/// A container of node-a crashed while the node was cut off: its kubelet restarted it
/// and posts that (the count up, the same sandbox) as it comes back, just before the
/// other pods' re-posts. The node was away all the same.
#[test]
fn a_restart_posted_with_the_return_is_still_a_partition() {
    let a = node_a();
    let (name, ip) = (&a[0].0, &a[0].1);
    let mut rows = listed_and_marked(&a);
    rows.extend(busy(20, "8m"));
    let restarted = [
        name.as_str(),
        "1/1",
        "Running",
        "1 (40s ago)",
        "9m",
        ip.as_str(),
        "node-a",
    ];
    rows.push(restarted);
    rows.extend(running(&a[1..], "node-a", "9m"));
    rows.extend(busy(20, "10m"));
    let incidents = watch(&rows).incidents;
    assert_eq!(incidents.len(), 1, "{incidents:#?}");
    assert_eq!(incidents[0].scenario, Scenario::InPlace);
}

/// The simulator's network partition watched as pods and Deployments, no nodes: the
/// one pod of the lost node marked as its owner's READY drops, and re-posted as it
/// rises again. The node is back in place, not still away, and the pod recovered.
#[test]
fn a_partition_watched_as_pods_and_deployments_is_in_place() {
    use crate::input::{Origin, Source};
    use crate::simulate::{run, Config, Variant};
    for seed in 0..5 {
        let e = run(&Config::new(seed, Variant::NetworkPartition));
        let sources: Vec<Source> = (e.files.iter())
            .filter(|f| f.name != "nodes.log")
            .map(|f| Source {
                name: f.name.as_str().into(),
                origin: Origin::Bytes(f.text.as_bytes().into()),
            })
            .collect();
        assert_eq!(sources.len(), 2, "pods and deployments");
        let a = crate::analyze(&sources, &crate::Options::new("test")).unwrap();
        assert_eq!(a.scenario, Scenario::InPlace, "seed {seed}: {}", a.verdict);
        let fates: Vec<PodFate> = a.incidents[0].pods.iter().map(|p| p.outcome).collect();
        assert!(
            fates.iter().all(|&o| o == PodFate::RecoveredInPlace),
            "seed {seed}: {fates:?}"
        );
    }
}
