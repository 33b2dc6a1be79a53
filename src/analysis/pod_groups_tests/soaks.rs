//! Tests of `pod_groups` on what long soaks print: a node marked amid another's
//! evictions, a node left with one pod.

use super::*;

/// A node marked as another node's toleration runs out: its marks print amid the
/// other's evictions (the taint manager's patch and `Terminating` for each pod, the
/// ReplicaSet's replacement created and bound), a dozen lines apart. They are one
/// pass all the same, and its pods one node, evicted five minutes later.
#[test]
fn a_pass_printed_amid_another_node_s_evictions_is_one_node() {
    const A: [&str; 9] = [
        "api-5d8f7c9b4-aaaa1",
        "db-6c7d8e9f5-aaaa2",
        "web-7e8f9a1b6-aaaa3",
        "cart-8f9a1b2c7-aaaa4",
        "mail-9a1b2c3d8-aaaa5",
        "shop-1b2c3d4e9-aaaa6",
        "feed-2c3d4e5f1-aaaa7",
        "geo-3d4e5f6a2-aaaa8",
        "tax-4e5f6a7b3-aaaa9",
    ];
    const NEW: [&str; 9] = [
        "api-5d8f7c9b4-rrrr1",
        "db-6c7d8e9f5-rrrr2",
        "web-7e8f9a1b6-rrrr3",
        "cart-8f9a1b2c7-rrrr4",
        "mail-9a1b2c3d8-rrrr5",
        "shop-1b2c3d4e9-rrrr6",
        "feed-2c3d4e5f1-rrrr7",
        "geo-3d4e5f6a2-rrrr8",
        "tax-4e5f6a7b3-rrrr9",
    ];
    const B: [&str; 3] = [
        "auth-5e6f7a8b4-bbbb1",
        "ledger-6f7a8b9c5-bbbb2",
        "media-7a8b9c1d6-bbbb3",
    ];
    let all: Vec<&str> = A.iter().chain(&B).copied().collect();
    let mut rows = listed_then_marked(&all, &A);
    busy(&mut rows, FILLER, 80, "5m");
    for k in 0..A.len() {
        if k % 3 == 0 {
            rows.push([B[k / 3], "1/1", "Running", "0", "7m30s"]);
        }
        rows.push([A[k], "1/1", "Running", "0", "7m30s"]);
        rows.push([A[k], "1/1", "Terminating", "0", "7m30s"]);
        rows.push([NEW[k], "0/1", "Pending", "0", "0s"]);
        rows.push([NEW[k], "0/1", "Pending", "0", "0s"]);
    }
    busy(&mut rows, FILLER, 80, "10m");
    print(&mut rows, &B, ["1/1", "Terminating", "0", "12m30s"]);
    let nodes = nodes_of(&rows);
    assert_two_nodes(&nodes, &A, &B);
}

/// A node left with one pod (a DaemonSet's), rebooted and back before the
/// toleration ran out: the pod's mark, then the runtime's `Unknown` for the
/// container containerd found gone, then its restart. That is a node of one pod,
/// back in place; the same pod crashing (`Error`, then the restart) is no node.
#[test]
fn a_lone_pod_marked_then_unknown_then_restarted_is_a_node_back_in_place() {
    let pod = "agent-x7k2p";
    let rows = |lost: &'static str| {
        let mut rows: Vec<[&str; 5]> = vec![[pod, "1/1", "Running", "0", "2m10s"]];
        rows.push([FILLER, "1/1", "Running", "0", "3m"]);
        rows.push([pod, "1/1", "Running", "0", "2m30s"]);
        busy(&mut rows, FILLER, 40, "4m");
        rows.push([pod, "0/1", lost, "0", "4m30s"]);
        rows.push([pod, "0/1", "Running", "1 (5s ago)", "4m35s"]);
        rows.push([pod, "1/1", "Running", "1 (9s ago)", "4m39s"]);
        busy(&mut rows, FILLER, 40, "6m");
        rows
    };
    let rebooted = rows("Unknown");
    assert_one_node(&nodes_of(&rebooted), &[pod]);
    let incidents = incidents_of(&rebooted);
    assert_eq!(incidents.len(), 1, "{incidents:?}");
    assert_eq!(incidents[0].scenario, Scenario::InPlace);
    let crashed = rows("Error");
    assert_no_node(&nodes_of(&crashed), &[pod]);
    assert!(incidents_of(&crashed).is_empty());
}
