//! Tests of `pod_groups`: nodes told by the node controller's marks.

use crate::analysis::Scenario;
use crate::input::{Origin, Source};
use crate::simulate::tabwriter::{layout_watch, Era};

/// `kubectl get pods --watch` (no `-o wide`) with these rows after the header,
/// analysed.
fn analyzed(rows: &[[&str; 5]]) -> crate::analysis::Analysis {
    let row = |r: &[&str; 5]| r.iter().map(|c| c.to_string()).collect::<Vec<_>>();
    let header = row(&["NAME", "READY", "STATUS", "RESTARTS", "AGE"]);
    let events: Vec<Vec<String>> = rows[1..].iter().map(row).collect();
    let mut text = layout_watch(Era::Remember, &[header, row(&rows[0])], &events).join("\n");
    text.push('\n');
    let sources = [Source {
        name: "pods.log".into(),
        origin: Origin::Bytes(text.into_bytes().into()),
    }];
    crate::analyze(&sources, &crate::Options::new("test")).unwrap()
}

/// The pods' states as the analysis of these rows leaves them: each pod's node.
fn nodes_of(rows: &[[&str; 5]]) -> Vec<(String, Option<String>)> {
    (analyzed(rows).timelines.objects.iter())
        .map(|o| {
            let node = o.states[0].node.as_deref().map(str::to_string);
            (o.key.name.to_string(), node)
        })
        .collect()
}

/// Two nodes' passes printed back to back are one run of reprints; their pods are
/// told apart by when they were then evicted (minutes apart), not merged into one
/// node. Pods of other owners, so that no rollout explains the deletions.
#[test]
fn two_nodes_marked_back_to_back_are_told_apart_by_their_evictions() {
    let a = [
        "api-5d8f7c9b4-aaaa1",
        "db-6c7d8e9f5-aaaa2",
        "web-7e8f9a1b6-aaaa3",
    ];
    let b = [
        "api-5d8f7c9b4-bbbb1",
        "db-6c7d8e9f5-bbbb2",
        "web-7e8f9a1b6-bbbb3",
    ];
    let mut rows: Vec<[&str; 5]> = Vec::new();
    for p in a.iter().chain(&b) {
        rows.push([p, "1/1", "Running", "0", "5m"]);
    }
    rows.push([FILLER, "1/1", "Running", "0", "4m"]);
    for p in a.iter().chain(&b) {
        rows.push([p, "1/1", "Running", "0", "6m"]);
    }
    busy(&mut rows, FILLER, 80, "8m");
    for p in &a {
        rows.push([p, "1/1", "Terminating", "0", "11m"]);
    }
    busy(&mut rows, FILLER, 80, "13m");
    for p in &b {
        rows.push([p, "1/1", "Terminating", "0", "16m"]);
    }
    let nodes = nodes_of(&rows);
    let node = |name: &str| {
        nodes
            .iter()
            .find(|(n, _)| n == name)
            .and_then(|(_, node)| node.clone())
    };
    let (na, nb) = (node(a[0]), node(b[0]));
    assert!(na.is_some() && nb.is_some(), "{nodes:?}");
    assert_ne!(na, nb, "{nodes:?}");
    assert!(a.iter().all(|p| node(p) == na), "{nodes:?}");
    assert!(b.iter().all(|p| node(p) == nb), "{nodes:?}");
    assert_eq!(node(FILLER), None, "never reprinted: {nodes:?}");
}

/// Two nodes marked back to back in a quiet watch and back in place two minutes
/// apart: their kubelets' restarts are only lines apart, but provably minutes, so
/// they are two nodes (AGE in seconds).
#[test]
fn two_nodes_back_minutes_apart_in_a_quiet_watch_are_told_apart() {
    let (a, b) = (NODE_A, NODE_B);
    let both = both_nodes();
    let mut rows = listed_then_marked(&both, &both);
    busy(&mut rows, FILLER, 4, "4m");
    for p in &a {
        rows.push([p, "0/1", "Running", "1 (2s ago)", "4m30s"]);
    }
    busy(&mut rows, FILLER, 4, "5m");
    for p in &b {
        rows.push([p, "0/1", "Running", "1 (2s ago)", "6m30s"]);
    }
    assert_two_nodes(&nodes_of(&rows), &a, &b);
}

/// A busy watch prints other pods' reprints just before a pass, in the same run:
/// the pass is the node's pods lost together, not diluted by its neighbours.
#[test]
fn reprints_printed_just_before_a_pass_do_not_hide_it() {
    let node = [
        "api-5d8f7c9b4-aaaa1",
        "db-6c7d8e9f5-aaaa2",
        "web-7e8f9a1b6-aaaa3",
    ];
    let others = [
        "mail-9a1b2c3d8-xxxx1",
        "shop-1b2c3d4e9-xxxx2",
        "cart-8f9a1b2c7-xxxx3",
    ];
    let all: Vec<&str> = others.iter().chain(&node).copied().collect();
    let mut rows = listed_then_marked(&all, &all);
    busy(&mut rows, FILLER, 80, "5m");
    print(&mut rows, &node, ["1/1", "Terminating", "0", "7m30s"]);
    let nodes = nodes_of(&rows);
    assert_one_node(&nodes, &node);
    assert_no_node(&nodes, &others);
}

/// Two nodes marked in one cycle, their marks interleaved, and evicted ten seconds
/// apart (the tainter's default rate): within lines, but two nodes (AGE in seconds).
#[test]
fn two_nodes_evicted_ten_seconds_apart_are_told_apart() {
    let (a, b) = (NODE_A, NODE_B);
    let both = both_nodes();
    let interleaved = interleaved();
    let mut rows = listed_then_marked(&both, &interleaved);
    busy(&mut rows, FILLER, 80, "5m");
    print(&mut rows, &a, ["1/1", "Terminating", "0", "7m30s"]);
    busy(&mut rows, FILLER, 4, "7m35s");
    print(&mut rows, &b, ["1/1", "Terminating", "0", "7m40s"]);
    assert_two_nodes(&nodes_of(&rows), &a, &b);
}

/// A run of reprints holds a node's pass and, after it, other pods' reprints, two
/// of which restart together much later by chance: the pass is counted over its own
/// stretch of the run, not stretched to theirs.
#[test]
fn other_pods_restarting_together_later_do_not_stretch_a_pass() {
    let node = [
        "api-5d8f7c9b4-aaaa1",
        "db-6c7d8e9f5-aaaa2",
        "web-7e8f9a1b6-aaaa3",
    ];
    let still = [
        "f1-5d8f7c9b4-ffff1",
        "f2-6c7d8e9f5-ffff2",
        "f3-7e8f9a1b6-ffff3",
        "f4-8f9a1b2c7-ffff4",
    ];
    let crashed = ["mail-9a1b2c3d8-xxxx1", "shop-1b2c3d4e9-xxxx2"];
    let all: Vec<&str> = node.iter().chain(&still).chain(&crashed).copied().collect();
    let mut rows = listed_then_marked(&all, &all);
    busy(&mut rows, FILLER, 80, "5m");
    print(&mut rows, &node, ["1/1", "Terminating", "0", "7m30s"]);
    busy(&mut rows, FILLER, 80, "8m");
    print(&mut rows, &crashed, ["0/1", "Running", "1", "9m"]);
    let nodes = nodes_of(&rows);
    assert_one_node(&nodes, &node);
    assert_no_node(&nodes, &crashed);
}

/// `n` events of another pod (its readiness flapping) between the lines that
/// matter: a busy watch, where minutes hold many lines.
fn busy<'a>(rows: &mut Vec<[&'a str; 5]>, pod: &'a str, n: usize, age: &'a str) {
    for k in 0..n {
        let ready = if k % 2 == 0 { "0/1" } else { "1/1" };
        rows.push([pod, ready, "Running", "0", age]);
    }
}

/// Each of `pods` printed once more with these READY, STATUS, RESTARTS and AGE.
fn print<'a>(
    rows: &mut Vec<[&'a str; 5]>,
    pods: &[&'a str],
    [ready, status, restarts, age]: [&'a str; 4],
) {
    rows.extend(pods.iter().map(|p| [*p, ready, status, restarts, age]));
}

/// One node's pods, of six owners: tests take as many as they need.
const ONE_NODE: [&str; 6] = [
    "api-5d8f7c9b4-aaaa1",
    "db-6c7d8e9f5-aaaa2",
    "web-7e8f9a1b6-aaaa3",
    "cart-8f9a1b2c7-aaaa4",
    "mail-9a1b2c3d8-aaaa5",
    "shop-1b2c3d4e9-aaaa6",
];

/// Two nodes' pods, of six owners (no rollout explains their deletions).
const NODE_A: [&str; 3] = [ONE_NODE[0], ONE_NODE[1], ONE_NODE[2]];
const NODE_B: [&str; 3] = [
    "cart-8f9a1b2c7-bbbb1",
    "mail-9a1b2c3d8-bbbb2",
    "shop-1b2c3d4e9-bbbb3",
];

/// NODE_A's pods and NODE_B's.
fn both_nodes() -> Vec<&'static str> {
    NODE_A.iter().chain(&NODE_B).copied().collect()
}

/// NODE_A's pods and NODE_B's, one of each in turn.
fn interleaved() -> Vec<&'static str> {
    NODE_A
        .iter()
        .zip(&NODE_B)
        .flat_map(|(x, y)| [*x, *y])
        .collect()
}

/// A pod of neither node, printed between passes: a busy watch.
const FILLER: &str = "queue-8f9a1b2c7-zzzz9";

/// `pods` listed two minutes old (and `FILLER`), then `marked` reprinted in one pass
/// 20 s later, in that order: AGE in seconds, so that the network proves seconds.
fn listed_then_marked<'a>(pods: &[&'a str], marked: &[&'a str]) -> Vec<[&'a str; 5]> {
    let mut rows: Vec<[&str; 5]> = pods
        .iter()
        .map(|p| [*p, "1/1", "Running", "0", "2m10s"])
        .collect();
    rows.push([FILLER, "1/1", "Running", "0", "3m"]);
    print(&mut rows, marked, ["1/1", "Running", "0", "2m30s"]);
    rows
}

/// That `a` and `b` are each one node in `nodes`, and not the same.
fn assert_two_nodes(nodes: &[(String, Option<String>)], a: &[&str], b: &[&str]) {
    let (na, nb) = (nodes_named(nodes, a), nodes_named(nodes, b));
    assert!(na[0].is_some() && nb[0].is_some(), "{nodes:?}");
    assert!(
        na.iter().all(|n| *n == na[0]) && nb.iter().all(|n| *n == nb[0]),
        "{nodes:?}"
    );
    assert_ne!(na[0], nb[0], "{nodes:?}");
}

/// That `pods` are one node in `nodes`.
fn assert_one_node(nodes: &[(String, Option<String>)], pods: &[&str]) {
    let named = nodes_named(nodes, pods);
    assert!(named[0].is_some(), "{nodes:?}");
    assert!(named.iter().all(|n| *n == named[0]), "{nodes:?}");
}

/// That none of `pods` is in a node in `nodes`.
fn assert_no_node(nodes: &[(String, Option<String>)], pods: &[&str]) {
    let named = nodes_named(nodes, pods);
    assert!(named.iter().all(Option::is_none), "{nodes:?}");
}

/// `pods` listed (and `FILLER`), then reprinted in one pass a minute
/// later: a node controller's marks.
fn listed_and_marked<'a>(pods: &[&'a str]) -> Vec<[&'a str; 5]> {
    let mut rows: Vec<[&str; 5]> = pods
        .iter()
        .map(|p| [*p, "1/1", "Running", "0", "5m"])
        .collect();
    rows.push([FILLER, "1/1", "Running", "0", "4m"]);
    print(&mut rows, pods, ["1/1", "Running", "0", "6m"]);
    rows
}

/// The node of each of `pods` in `nodes`.
fn nodes_named<'a>(nodes: &'a [(String, Option<String>)], pods: &[&str]) -> Vec<Option<&'a str>> {
    pods.iter()
        .map(|p| {
            nodes
                .iter()
                .find(|(n, _)| n == p)
                .and_then(|(_, node)| node.as_deref())
        })
        .collect()
}

/// A busy watch's pass carries other pods' reprints along: two such pods whose
/// containers then crashed and restarted within lines of each other (minutes
/// before the node's pods were evicted) are no second node of the pass.
#[test]
fn other_pods_in_a_pass_restarted_together_by_chance_are_no_node() {
    let node = &ONE_NODE[..4];
    let others = ["mail-9a1b2c3d8-xxxx1", "shop-1b2c3d4e9-xxxx2"];
    let listed: Vec<&str> = node.iter().chain(&others).copied().collect();
    let pass = [node[0], others[0], node[1], node[2], others[1], node[3]];
    let mut rows = listed_then_marked(&listed, &pass);
    busy(&mut rows, FILLER, 20, "4m");
    for p in &others {
        rows.push([p, "0/1", "Running", "1", "4m"]);
    }
    busy(&mut rows, FILLER, 80, "6m");
    print(&mut rows, node, ["1/1", "Terminating", "0", "7m30s"]);
    let nodes = nodes_of(&rows);
    assert_one_node(&nodes, node);
    assert_no_node(&nodes, &others);
}

/// A node lost to a partition and back in place: its pods marked in one pass and
/// re-posted unchanged in another minutes later, nothing lost. They shared a node.
#[test]
fn pods_marked_then_re_posted_unchanged_are_one_node() {
    let pods = &ONE_NODE[..4];
    let mut rows = listed_and_marked(pods);
    busy(&mut rows, FILLER, 40, "7m");
    print(&mut rows, pods, ["1/1", "Running", "0", "8m"]);
    busy(&mut rows, FILLER, 40, "9m");
    let nodes = nodes_of(&rows);
    assert_one_node(&nodes, pods);
    assert_no_node(&nodes, &[FILLER]);
}

/// A rebooted node's kubelet first prints its pods' lost containers as
/// `ContainerStatusUnknown`, then restarts them: that is their loss, and tells
/// the pass (no IP printed to show the new sandbox).
#[test]
fn lost_containers_then_restarts_confirm_a_pass() {
    let pods = NODE_A;
    let mut rows: Vec<[&str; 5]> = pods
        .iter()
        .map(|p| [*p, "1/1", "Running", "0", "5m"])
        .collect();
    print(&mut rows, &pods, ["1/1", "Running", "0", "6m"]);
    print(
        &mut rows,
        &pods,
        ["0/1", "ContainerStatusUnknown", "0", "8m"],
    );
    print(&mut rows, &pods, ["0/1", "Running", "1 (2s ago)", "8m"]);
    let nodes = nodes_of(&rows);
    assert_one_node(&nodes, &pods);
}

/// Three pods of three nodes reprinted together by chance, nothing lost, and each
/// reprinted again a minute apart in its own node's pass: those are three nodes'
/// passes, not one kubelet's return re-posting them (a return re-posts its pods
/// within seconds), so the three are no node. Re-posted together, they would be
/// (`pods_marked_then_re_posted_unchanged_are_one_node`).
#[test]
fn pods_met_by_chance_and_reprinted_in_their_own_nodes_passes_are_no_node() {
    let nodes = [
        NODE_A,
        NODE_B,
        [
            "feed-2c3d4e5f1-cccc1",
            "auth-3d4e5f6a2-cccc2",
            "cdn-4e5f6a7b3-cccc3",
        ],
    ];
    let chance = [nodes[0][0], nodes[1][0], nodes[2][0]];
    let all: Vec<&str> = nodes.iter().flatten().copied().collect();
    let mut rows = listed_then_marked(&all, &chance);
    for (pass, age) in nodes.iter().zip(["3m30s", "4m30s", "5m30s"]) {
        busy(&mut rows, FILLER, 20, age);
        rows.extend(pass.iter().map(|p| [*p, "1/1", "Running", "0", age]));
    }
    busy(&mut rows, FILLER, 20, "6m");
    let named = nodes_of(&rows);
    assert_no_node(&named, &chance);
}

/// Two nodes marked in one run: the first back in place (its kubelet restarts its
/// pods), the second's pods then evicted lines later, in a watch of AGE in minutes
/// that cannot prove them apart. A node's taints go as its kubelet is back, so pods
/// evicted after others were restarted are another node's: two nodes, not one.
#[test]
fn pods_evicted_after_others_were_restarted_are_another_node() {
    assert_two_nodes(&back_then_evicted(false), &NODE_A, &NODE_B);
}

/// The same, NODE_A's kubelet back from a reboot: each container containerd found
/// gone is printed `0/1 Unknown` before its restart (FORMAT.md §4.7). That is the
/// kubelet back as well.
#[test]
fn pods_evicted_after_others_printed_unknown_then_restarted_are_another_node() {
    assert_two_nodes(&back_then_evicted(true), &NODE_A, &NODE_B);
}

/// NODE_A's and NODE_B's pods marked in one run; NODE_A's restarted in place (first
/// printed `0/1 Unknown` when `lost_container`), then NODE_B's evicted.
fn back_then_evicted(lost_container: bool) -> Vec<(String, Option<String>)> {
    let mut rows = listed_and_marked(&both_nodes());
    busy(&mut rows, FILLER, 4, "9m");
    if lost_container {
        print(&mut rows, &NODE_A, ["0/1", "Unknown", "0", "10m"]);
    }
    print(&mut rows, &NODE_A, ["0/1", "Running", "1 (2s ago)", "10m"]);
    print(&mut rows, &NODE_B, ["1/1", "Terminating", "0", "10m"]);
    busy(&mut rows, FILLER, 4, "11m");
    nodes_of(&rows)
}

/// The incidents of `kubectl get pods --watch` (no `-o wide`) with these rows.
fn incidents_of(rows: &[[&str; 5]]) -> Vec<crate::analysis::Incident> {
    analyzed(rows).incidents
}

/// NODE_A's pods and a pod of another node (`CHANCE`) marked together and back in
/// place, all four restarted together (so grouped as one node); then NODE_A fails
/// again, its pods marked and evicted on the toleration, while `CHANCE`, unmarked,
/// prints `between` the marks and the evictions and `after` them. The second
/// failure's incident, with its pods' names.
fn grouped_by_chance(between: &'static str, after: &'static str) -> Vec<(Scenario, Vec<String>)> {
    (incidents_of(&grouped_by_chance_rows(between, after)).iter())
        .map(|i| (i.scenario, i.pods.iter().map(|p| p.name.clone()).collect()))
        .collect()
}

/// The rows of [`grouped_by_chance`].
fn grouped_by_chance_rows(between: &'static str, after: &'static str) -> Vec<[&'static str; 5]> {
    let node = NODE_A;
    let with_other: Vec<&str> = node.iter().copied().chain([CHANCE]).collect();
    let mut rows = listed_and_marked(&with_other);
    busy(&mut rows, FILLER, 4, "7m");
    print(
        &mut rows,
        &with_other,
        ["0/1", "Running", "1 (2s ago)", "8m"],
    );
    print(
        &mut rows,
        &with_other,
        ["1/1", "Running", "1 (20s ago)", "8m"],
    );
    busy(&mut rows, FILLER, 40, "15m");
    print(&mut rows, &node, ["1/1", "Running", "1 (12m ago)", "20m"]);
    busy(&mut rows, FILLER, 20, "21m");
    rows.push([CHANCE, between, "Running", "1 (13m ago)", "22m"]);
    busy(&mut rows, FILLER, 20, "22m");
    print(
        &mut rows,
        &node,
        ["1/1", "Terminating", "1 (17m ago)", "25m"],
    );
    busy(&mut rows, FILLER, 4, "27m");
    rows.push([CHANCE, after, "Running", "1 (19m ago)", "30m"]);
    rows
}

/// A Deployment pod of another node (its name one of a ReplicaSet's).
const CHANCE: &str = "mail-7b9c8d5f4-xq2zk";

/// A pod of another node restarted by chance with a node's return and so grouped
/// with it, that lives on unmarked through the node's next failure, is no peer
/// that shows the node's evictions to be deletions, nor one of the pods the failure
/// affected: a node told only by its marks holds such pods, and the pods its pass
/// marked are all it surely holds.
#[test]
fn a_pod_grouped_by_chance_living_on_does_not_veto_the_node_s_next_failure() {
    let incidents = grouped_by_chance("1/1", "0/1");
    assert_eq!(incidents.len(), 2, "{incidents:?}");
    assert_eq!(incidents[1].1, NODE_A, "{incidents:?}");
}

/// Nor is its kubelet's write between the node's marks and evictions the lost
/// node's kubelet alive: its state then was not one a pass marked.
#[test]
fn a_pod_grouped_by_chance_written_meanwhile_does_not_veto_the_node_s_next_failure() {
    let incidents = grouped_by_chance("0/1", "1/1");
    assert_eq!(incidents.len(), 2, "{incidents:?}");
    assert_eq!(incidents[1].1, NODE_A, "{incidents:?}");
}

/// Nor does that write end the node's failure before its evictions: the pods are
/// evicted (and, with no replacement in the capture, not replaced).
#[test]
fn a_pod_grouped_by_chance_written_meanwhile_does_not_end_the_node_s_failure() {
    let incidents = incidents_of(&grouped_by_chance_rows("0/1", "1/1"));
    let second = incidents.get(1).expect("the node's second failure");
    assert!(second.phases.E.is_some(), "{second:?}");
    assert!(
        (second.pods.iter()).all(|p| p.outcome == crate::analysis::PodFate::EvictedNotReplaced),
        "{second:?}"
    );
}

/// `pods` marked (after `rows`) in one pass at `marked` (RESTARTS `restarts`), then
/// restarted together by their returning kubelet at `back` and ready again (AGE in
/// minutes).
fn marked_and_restarted<'a>(
    rows: &mut Vec<[&'a str; 5]>,
    pods: &[&'a str],
    (marked, back): (&'a str, &'a str),
    (restarts, again): (&'a str, &'a str),
) {
    rows.extend(
        pods.iter()
            .map(|p| [*p, "1/1", "Running", restarts, marked]),
    );
    busy(rows, FILLER, 4, marked);
    rows.extend(pods.iter().map(|p| [*p, "0/1", "Running", again, back]));
    rows.extend(pods.iter().map(|p| [*p, "1/1", "Running", again, back]));
    busy(rows, FILLER, 40, back);
}

/// One node's pods grouped in two halves (each half lost alone in a pass), later
/// marked in one pass with the halves alternating: the node controller marks one
/// node's pods in one loop, so the halves are one node. Two nodes' passes back to
/// back stay two (`two_nodes_marked_back_to_back_are_told_apart_by_their_evictions`).
#[test]
fn two_classes_whose_pods_alternate_in_a_pass_are_one_node() {
    let (a, b) = (NODE_A, NODE_B);
    let halves_then = |third: &[&'static str]| {
        let mut rows: Vec<[&str; 5]> = (a.iter().chain(&b))
            .map(|p| [*p, "1/1", "Running", "0", "5m"])
            .collect();
        rows.push([FILLER, "1/1", "Running", "0", "4m"]);
        marked_and_restarted(&mut rows, &a, ("6m", "8m"), ("0", "1 (2s ago)"));
        marked_and_restarted(&mut rows, &b, ("10m", "12m"), ("0", "1 (2s ago)"));
        let restarts = ("1 (5m ago)", "2 (2s ago)");
        marked_and_restarted(&mut rows, third, ("14m", "16m"), restarts);
        nodes_of(&rows)
    };
    let alternating = interleaved();
    let all: Vec<&str> = a.iter().chain(&b).copied().collect();
    assert_one_node(&halves_then(&alternating), &all);
    assert_two_nodes(&halves_then(&all), &a, &b);
}

#[path = "pod_groups_toleration_tests.rs"]
mod toleration;

/// Two nodes of twelve pods marked back to back in a quiet watch and back in place
/// a minute apart, AGE in minutes: no time tells their restarts apart (one run of
/// changes), but each node's pods are marked together and restarted together, in
/// orders of their own: two nodes, not one of 24 pods.
#[test]
fn two_nodes_marked_and_back_one_after_the_other_are_two_by_their_order() {
    let names = |node: char| -> Vec<String> {
        (0..12)
            .map(|i| format!("app{i}-5d8f7c9b4-{node}{i:04}"))
            .collect()
    };
    let (a, b) = (names('a'), names('b'));
    let (a, b): (Vec<&str>, Vec<&str>) = (
        a.iter().map(String::as_str).collect(),
        b.iter().map(String::as_str).collect(),
    );
    let both: Vec<&str> = a.iter().chain(&b).copied().collect();
    let mut rows = listed_and_marked(&both);
    busy(&mut rows, FILLER, 2, "7m");
    let first = [3, 7, 0, 9, 1, 11, 5, 8, 2, 10, 6, 4];
    let (a_back, b_back) = (first.map(|k| a[k]), first.map(|k| b[11 - k]));
    print(&mut rows, &a_back, ["0/1", "Running", "1 (5s ago)", "8m"]);
    print(&mut rows, &b_back, ["0/1", "Running", "1 (2s ago)", "8m"]);
    assert_two_nodes(&nodes_of(&rows), &a, &b);
}

#[path = "pod_groups_tests/soaks.rs"]
mod soaks;
