//! Shapes found by soaks from a generator written apart from ours (from FORMAT.md
//! alone), cut down to the lines that decide them. Each file holds one node failure
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
