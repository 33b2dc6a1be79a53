//! Real transcripts of node failures (`../shared/corpus/real`, verbatim from public
//! sources): each is given a verdict its `LABELS.json` entry accepts.
//!
//! The corpus lives beside the checkout (CI has it); it is not copied into the repo.
//! Without it the test fails and says where it looked, unless
//! `WATCHTRAIL_NO_CORPUS=1` says to skip it.

use std::path::PathBuf;

fn corpus() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/real");
    if dir.join("LABELS.json").is_file() {
        return Some(dir);
    }
    if std::env::var_os("WATCHTRAIL_NO_CORPUS").is_some() {
        eprintln!("skipped: no corpus at {}", dir.display());
        return None;
    }
    panic!(
        "no corpus at {} (set WATCHTRAIL_NO_CORPUS=1 to skip)",
        dir.display()
    );
}

/// `analyze --format json` of one corpus file.
fn analysis(dir: &std::path::Path, name: &str) -> serde_json::Value {
    let out = assert_cmd::Command::cargo_bin("watchtrail")
        .unwrap()
        .args(["analyze", "--format", "json"])
        .arg(dir.join(name))
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{name}: no JSON ({e}); stderr: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

#[test]
fn every_real_transcript_gets_an_accepted_verdict() {
    let Some(dir) = corpus() else { return };
    let labels: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("LABELS.json")).unwrap()).unwrap();
    let mut wrong = Vec::new();
    let mut scored = 0;
    for (name, label) in labels.as_object().expect("LABELS.json is an object") {
        let accept: Vec<&str> = label["accept"]
            .as_array()
            .map(|a| a.iter().filter_map(|v| v.as_str()).collect())
            .unwrap_or_default();
        let doc = analysis(&dir, name);
        let got = doc["scenario"].as_str().unwrap_or("").to_string();
        if accept.is_empty() {
            // Unclear from the text alone: any verdict but a confident no-failure is
            // fine, since every file of the corpus shows a failure.
            assert_ne!(got, "no-failure", "{name}");
            continue;
        }
        scored += 1;
        if !accept.contains(&got.as_str()) {
            wrong.push(format!("{name}: want {}, got {got}", accept.join("/")));
        }
    }
    assert!(scored >= 16, "only {scored} scored transcripts");
    assert!(
        wrong.is_empty(),
        "{} wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

/// The node each accepted verdict is about: the incident names the failed node
/// (or says the capture does not name it).
#[test]
fn the_failed_node_is_the_one_the_labels_name() {
    let Some(dir) = corpus() else { return };
    let labels: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("LABELS.json")).unwrap()).unwrap();
    let mut wrong = Vec::new();
    for (name, label) in labels.as_object().unwrap() {
        let want = label["failed_node"].as_str().unwrap_or("");
        // Labels that describe rather than name (`all nodes (…)`, `not named …`).
        if want.contains(' ') {
            continue;
        }
        let doc = analysis(&dir, name);
        let nodes: Vec<&str> = doc["incidents"]
            .as_array()
            .map(|a| a.iter().filter_map(|i| i["node"].as_str()).collect())
            .unwrap_or_default();
        // node3 of 135 is named only in a cut-off describe block: not in the text.
        let named_in_text = std::fs::read_to_string(dir.join(name))
            .unwrap()
            .contains(want);
        if named_in_text && !nodes.contains(&want) {
            wrong.push(format!("{name}: want {want}, got {nodes:?}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
