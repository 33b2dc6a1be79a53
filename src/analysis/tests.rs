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
fn watch(rows: &[[&str; 7]]) -> Analysis {
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
    let source = Source {
        name: "pods.log".into(),
        origin: Origin::Bytes(text.into_bytes().into()),
    };
    let ing = crate::ingest::ingest(&[source]).unwrap();
    let t = crate::timeline::build(&ing, LinkOptions::default());
    analyze("test", &ing, t)
}

const POD: &str = "web-7d9f8b6c4-x2x9q";
const RUNNING: [&str; 7] = [POD, "1/1", "Running", "0", "5m", "10.244.1.5", "node-a"];
const TOUCHED: [&str; 7] = [POD, "1/1", "Running", "0", "6m", "10.244.1.5", "node-a"];

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
}

#[test]
fn a_touch_then_a_new_sandbox_on_the_same_node_is_a_node_failure() {
    let a = watch(&[
        RUNNING,
        TOUCHED,
        [
            POD,
            "1/1",
            "Running",
            "1 (5s ago)",
            "9m",
            "10.244.1.9",
            "node-a",
        ],
    ]);
    assert_eq!(a.incidents.len(), 1, "{:?}", a.warnings);
}

#[test]
fn a_restart_without_a_touch_is_no_node_failure() {
    let a = watch(&[
        RUNNING,
        [
            POD,
            "1/1",
            "Running",
            "1 (5s ago)",
            "9m",
            "10.244.1.9",
            "node-a",
        ],
    ]);
    assert!(a.incidents.is_empty());
}
