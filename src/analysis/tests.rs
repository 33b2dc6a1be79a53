//! The pods-only inference of a node failure (no node stream), on small watches laid
//! out as kubectl's tabwriter prints them.

use super::*;
use crate::input::{Origin, Source};
use crate::timeline::LinkOptions;

const HEADER: [&str; 9] = [
    "NAME",
    "READY",
    "STATUS",
    "RESTARTS",
    "AGE",
    "IP",
    "NODE",
    "NOMINATED NODE",
    "READINESS GATES",
];

/// A `kubectl get pods -o wide --watch` with these rows (after the header), each
/// padded to the header's widths plus three spaces, as a watch's first flush pads.
fn watch(rows: &[[&str; 7]]) -> Analysis {
    let mut widths: Vec<usize> = HEADER.iter().map(|h| h.len()).collect();
    for r in rows {
        for (w, c) in widths.iter_mut().zip(r.iter()) {
            *w = (*w).max(c.len());
        }
    }
    let line = |cells: Vec<&str>| {
        let mut s = String::new();
        for (i, c) in cells.iter().enumerate() {
            if i + 1 == cells.len() {
                s.push_str(c);
            } else {
                s.push_str(&format!("{c:<w$}", w = widths[i] + 3));
            }
        }
        s + "\n"
    };
    let mut text = line(HEADER.to_vec());
    for r in rows {
        let mut cells = r.to_vec();
        cells.extend(["<none>", "<none>"]);
        text += &line(cells);
    }
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
