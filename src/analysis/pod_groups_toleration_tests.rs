//! Tests of `pod_groups`: nodes told by the taint manager's evictions on the
//! default toleration (small passes, lone marks, waves), and small passes back in
//! place.

use super::*;

/// A node of two pods (or one): its pass too small to tell by itself, but each
/// pod evicted next, together, when the default toleration ran out (300 s after
/// the marks, to the second: AGE in seconds). The same pods deleted two minutes
/// or seven minutes after being reprinted are a rollout or a user, no node.
#[test]
fn a_small_pass_is_a_node_when_its_pods_are_evicted_on_the_toleration() {
    let pods = &ONE_NODE[..2];
    let deleted_at = |age: &'static str, pods: &[&'static str]| {
        let mut rows = listed_then_marked(pods, pods);
        busy(&mut rows, FILLER, 40, "5m");
        rows.extend(pods.iter().map(|p| [*p, "1/1", "Terminating", "0", age]));
        let nodes = nodes_of(&rows);
        let named: Vec<Option<String>> = nodes_named(&nodes, pods)
            .into_iter()
            .map(|n| n.map(str::to_string))
            .collect();
        assert_no_node(&nodes, &[FILLER]);
        named
    };
    let on_toleration = deleted_at("7m30s", pods);
    assert!(on_toleration[0].is_some(), "{on_toleration:?}");
    assert_eq!(on_toleration[0], on_toleration[1]);
    assert!(deleted_at("7m31s", &pods[..1])[0].is_some(), "one pod");
    assert_eq!(deleted_at("4m30s", pods), [None, None], "two minutes after");
    assert_eq!(
        deleted_at("9m30s", pods),
        [None, None],
        "seven minutes after"
    );
}

/// A node of one pod whose mark is printed among other pods' reprints (a busy
/// watch: the run is no pass by itself, nothing else in it was lost): its pod
/// evicted alone when the default toleration ran out is still a node of one.
#[test]
fn a_one_pod_node_marked_among_other_reprints_is_a_node() {
    let lone = "api-5d8f7c9b4-aaaa1";
    let others = [
        "db-6c7d8e9f5-aaaa2",
        "web-7e8f9a1b6-aaaa3",
        "cart-8f9a1b2c7-aaaa4",
    ];
    let run = [others[0], lone, others[1], others[2]];
    let mut rows = listed_then_marked(&run, &run);
    busy(&mut rows, FILLER, 40, "5m");
    rows.push([lone, "1/1", "Terminating", "0", "7m30s"]);
    busy(&mut rows, FILLER, 4, "8m");
    let nodes = nodes_of(&rows);
    assert!(nodes_named(&nodes, &[lone])[0].is_some(), "{nodes:?}");
    assert_no_node(&nodes, &others);
}

/// The same lone reprint, but its pod evicted in a known node's wave (NODE_A's,
/// marked 15 s before): a pod of that node reprinted apart from its pass, no node
/// of its own.
#[test]
fn a_lone_reprint_evicted_in_a_node_s_wave_is_no_node_of_its_own() {
    let lone = "job-2c3d4e5f1-cccc1";
    let mut rows: Vec<[&str; 5]> = (NODE_A.iter().chain(&NODE_B).chain([&lone]))
        .map(|p| [*p, "1/1", "Running", "0", "2m10s"])
        .collect();
    print(&mut rows, &NODE_A, ["1/1", "Running", "0", "2m30s"]);
    rows.extend((NODE_B.iter().chain([&lone])).map(|p| [*p, "1/1", "Running", "0", "2m45s"]));
    busy(&mut rows, FILLER, 40, "5m");
    rows.extend((NODE_A.iter().chain([&lone])).map(|p| [*p, "1/1", "Terminating", "0", "7m30s"]));
    busy(&mut rows, FILLER, 4, "8m");
    let nodes = nodes_of(&rows);
    assert_one_node(&nodes, &NODE_A);
    let (a, own) = (
        nodes_named(&nodes, &NODE_A)[0],
        nodes_named(&nodes, &[lone])[0],
    );
    assert!(own.is_none() || own == a, "{nodes:?}");
    assert_no_node(&nodes, &NODE_B);
}

/// One node's pods with tolerations of 60 s and of 300 s, marked in any order:
/// evicted in two bursts minutes apart, interleaved in the pass, still one node.
#[test]
fn a_node_s_pods_evicted_in_two_waves_by_their_tolerations_are_one_node() {
    let pods = ONE_NODE;
    let mut rows = listed_and_marked(&pods);
    // The short tolerations first (every other pod of the pass), a minute on,
    // other events between (the taint manager's patch is the line before each).
    busy(&mut rows, FILLER, 10, "6m");
    rows.extend(
        pods.iter()
            .step_by(2)
            .map(|p| [*p, "1/1", "Terminating", "0", "7m"]),
    );
    busy(&mut rows, FILLER, 80, "8m");
    rows.extend(
        pods.iter()
            .skip(1)
            .step_by(2)
            .map(|p| [*p, "1/1", "Terminating", "0", "11m"]),
    );
    let nodes = nodes_of(&rows);
    assert_one_node(&nodes, &pods);
}

/// Two nodes marked in one cycle, their marks interleaved, in a cluster whose pods
/// all tolerate an unreachable node for 30 s (the API server's
/// `--default-unreachable-toleration-seconds`): evicted ten seconds apart, both
/// early. Two nodes, as with the default toleration: an early burst joins only a
/// later one it interleaves with (one node's short tolerations, then the rest).
#[test]
fn two_nodes_both_evicted_early_are_told_apart() {
    let (a, b) = (NODE_A, NODE_B);
    let mut rows = listed_then_marked(&both_nodes(), &interleaved());
    busy(&mut rows, FILLER, 20, "2m45s");
    print(&mut rows, &a, ["1/1", "Terminating", "0", "3m"]);
    busy(&mut rows, FILLER, 4, "3m5s");
    print(&mut rows, &b, ["1/1", "Terminating", "0", "3m10s"]);
    assert_two_nodes(&nodes_of(&rows), &a, &b);
}

/// A node of two pods (two owners) back in place before the toleration: both
/// restarted together after their marks. One of them alone restarting is a crash,
/// no node.
#[test]
fn a_two_pod_node_back_in_place_is_a_node() {
    let pods = &ONE_NODE[..2];
    let restarted = |which: &[&'static str]| {
        let mut rows = listed_then_marked(pods, pods);
        busy(&mut rows, FILLER, 40, "4m");
        print(&mut rows, which, ["0/1", "Running", "1 (2s ago)", "4m30s"]);
        busy(&mut rows, FILLER, 4, "5m");
        nodes_of(&rows)
    };
    let both = restarted(pods);
    assert_one_node(&both, pods);
    assert_no_node(&restarted(&pods[..1]), pods);
}

/// The same node of two pods marked among two other pods' reprints (a run no pass
/// by itself): still a node of two, the other two none.
#[test]
fn a_two_pod_node_marked_among_other_reprints_back_in_place_is_a_node() {
    let (node, others) = (&ONE_NODE[..2], &ONE_NODE[2..4]);
    let run = [others[0], node[0], others[1], node[1]];
    let mut rows = listed_then_marked(&run, &run);
    busy(&mut rows, FILLER, 40, "4m");
    print(&mut rows, node, ["0/1", "Running", "1 (2s ago)", "4m30s"]);
    busy(&mut rows, FILLER, 4, "5m");
    let nodes = nodes_of(&rows);
    assert_one_node(&nodes, node);
    assert_no_node(&nodes, others);
}
