//! Event rows of every era and of `kubectl describe` name their involved object and
//! their age the way the timeline reads them (`event_object`, `event_reason`,
//! `event_age_s`), over the `events-eras` and `describe-events` fixtures.

mod common;

use std::path::{Path, PathBuf};

use watchtrail::observe::Observation;

fn fixture(case: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/noise")
        .join(case)
}

fn parse(case: &str) -> Vec<Observation> {
    common::ingest(&fixture(case)).observations
}

/// Line, involved object, REASON, and the event's age in seconds as `event_age_s`
/// gives it (closed bounds; the upper one is the printed range's limit).
type Want<'a> = (u64, (&'a str, &'a str), &'a str, (i64, i64));

fn check(case: &str, want: &[Want]) {
    let got = parse(case);
    assert_eq!(got.len(), want.len(), "{case}: rows");
    for (o, (line, object, reason, age)) in got.iter().zip(want) {
        assert_eq!(o.line, *line, "{case}");
        assert_eq!(o.event_object(), Some(*object), "{case}:{line}");
        assert_eq!(
            o.event_reason().map(|r| r.0),
            Some(*reason),
            "{case}:{line}"
        );
        assert_eq!(o.event_age_s(), Some(*age), "{case}:{line}");
        assert!(o.age.is_none(), "{case}:{line}: an event has no object AGE");
    }
}

#[test]
fn event_tables_of_every_era_name_the_involved_object_and_the_age() {
    check(
        "events-eras.log",
        &[
            (3, ("Pod", "web-2469883122-m1hdj"), "Scheduled", (120, 180)),
            (4, ("Pod", "web-2469883122-m1hdj"), "Started", (120, 180)),
            (7, ("Node", "kube3"), "NodeNotReady", (40, 41)),
            (10, ("pod", "web-0"), "NodeNotReady", (300, 301)),
            (13, ("node", "worker-2"), "NodeNotReady", (2460, 2520)),
            (14, ("pod", "web-1"), "TaintManagerEviction", (2160, 2220)),
            (16, ("node", "worker-9"), "RegisteredNode", (1140, 1200)),
            (18, ("node", "worker-2"), "NodeReady", (-2, 1)),
        ],
    );
}

#[test]
fn describe_event_rows_belong_to_the_described_object_or_the_node_they_name() {
    check(
        "describe-events.log",
        &[
            (
                20,
                ("pod", "web-7c5ddbdf54-2xkqn"),
                "Scheduled",
                (2520, 2580),
            ),
            (
                21,
                ("pod", "web-7c5ddbdf54-2xkqn"),
                "FailedMount",
                (153, 154),
            ),
            (
                22,
                ("pod", "web-7c5ddbdf54-2xkqn"),
                "NodeNotReady",
                (2340, 2400),
            ),
            (28, ("node", "worker-3"), "Starting", (11, 12)),
            (29, ("node", "worker-3"), "NodeReady", (10, 11)),
            (37, ("node", "worker-4"), "NodeNotReady", (180, 240)),
        ],
    );
}

/// Rows kubectl printed whole but the copy damaged are kept with a note saying what
/// is wrong; a pre-1.0 container line is skipped with its own reason.
#[test]
fn damaged_rows_are_kept_with_a_note_and_container_lines_skipped_with_a_reason() {
    let got = parse("damaged-and-generic.log");
    let note = |line: u64| {
        got.iter()
            .find(|o| o.line == line)
            .and_then(|o| o.note.as_deref())
            .unwrap_or_else(|| panic!("line {line} kept with no note"))
            .to_string()
    };
    assert!(note(15).contains("\"<none>>\" is not a READINESS GATES cell"));
    assert!(note(16).contains("no AGE, IP, NODE, NOMINATED NODE, READINESS GATES"));
    let ingested = common::ingest(&fixture("old-kubectl.log"));
    let skipped = &ingested.accounts[0].skipped_lines;
    assert_eq!(skipped.len(), 1, "{skipped:?}");
    assert_eq!(skipped[0].line, 7);
    assert!(skipped[0].reason.contains("container line"), "{skipped:?}");
}
