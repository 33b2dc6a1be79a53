//! Every noise fixture (tests/fixtures/noise/*.log) parses to the rows its
//! `.expect.json` lists: line, kind, namespace, name, status, age, event and cells.

mod common;

use std::path::Path;

use serde_json::Value;

fn parse(path: &Path) -> Vec<watchtrail::observe::Observation> {
    common::ingest(path).observations
}

fn check_case(log: &Path) -> Result<(), String> {
    let expect: Value =
        serde_json::from_str(&std::fs::read_to_string(log.with_extension("expect.json")).unwrap())
            .unwrap();
    let rows = expect["rows"].as_array().unwrap();
    let got = parse(log);
    let mut errors = Vec::new();
    if got.len() != rows.len() {
        errors.push(format!("{} rows, expected {}", got.len(), rows.len()));
    }
    // Rows in order (a `<br>`-joined paste has several rows on one source line).
    for (k, want) in rows.iter().enumerate() {
        let line = want["line"].as_u64().unwrap();
        let name = want["name"].as_str();
        let Some(o) = got
            .get(k)
            .filter(|o| o.line == line && (name.is_none() || Some(o.name()) == name))
        else {
            errors.push(format!("row {k} (line {line}): no row {name:?}"));
            continue;
        };
        let mut diff = |field: &str, got: Value, want: &Value| {
            if &got != want {
                errors.push(format!("line {line} {field}: got {got}, want {want}"));
            }
        };
        diff("kind", Value::from(o.kind().as_str()), &want["kind"]);
        diff(
            "namespace",
            serde_json::to_value(&o.namespace).unwrap(),
            &want["namespace"],
        );
        diff(
            "status",
            serde_json::to_value(o.status()).unwrap(),
            &want["status"],
        );
        if !want["age"].is_null() {
            diff("age", Value::from(o.age_text()), &want["age"]);
        }
        if let Some(ev) = want.get("event") {
            diff("event", serde_json::to_value(o.event()).unwrap(), ev);
        }
        for (h, v) in want["cells"].as_object().unwrap() {
            let cell = o.cells.get(h);
            diff(&format!("cell {h}"), Value::from(cell), v);
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors.join("\n    "))
    }
}

#[test]
fn every_noise_fixture_parses_to_its_expected_rows() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/noise");
    let mut logs: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "log"))
        .collect();
    logs.sort();
    assert!(logs.len() >= 40, "fixtures missing");
    let failures: Vec<String> = logs
        .iter()
        .filter_map(|l| {
            check_case(l)
                .err()
                .map(|e| format!("{}:\n    {e}", l.file_name().unwrap().to_string_lossy()))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} fixtures differ:\n{}",
        failures.len(),
        logs.len(),
        failures.join("\n")
    );
}
