//! Exit codes and output files you can trust in CI (issue 16 item 1): through a closed
//! pipe, with an output path that is an input, two outputs into one file, a failed
//! run, the tool's own outputs in an experiment directory, a stderr that cannot be
//! written, and one bad archive among several.
//!
//! `WATCHTRAIL_BIN=/path/to/an/older/watchtrail cargo test --test hostile_outputs`
//! runs the same cases against another build.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::{bin, run_in as run, samples};

/// Runs with standard output a pipe whose reader is gone before anything is written
/// (what `| head -1` does once it has its line).
fn run_closed_stdout(dir: &Path, args: &[&str]) -> Option<i32> {
    let mut child = Command::new(bin())
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    child.wait().unwrap().code()
}

/// A copy of the in-place sample, its expect.json saying the wrong scenario.
fn failing_experiment(root: &Path, name: &str) -> PathBuf {
    let d = root.join(name);
    std::fs::create_dir_all(&d).unwrap();
    for f in ["pods.log", "nodes.log", "deployments.log"] {
        std::fs::copy(samples().join("in-place").join(f), d.join(f)).unwrap();
    }
    std::fs::write(d.join("expect.json"), br#"{"scenario": "post-migration"}"#).unwrap();
    d
}

#[test]
fn a_closed_stdout_keeps_the_exit_code_and_the_report_files() {
    let tmp = tempfile::tempdir().unwrap();
    failing_experiment(tmp.path(), "runs/e");
    let code = run_closed_stdout(
        tmp.path(),
        &["check", "runs", "--junit", "j.xml", "--json", "r.json"],
    );
    assert_eq!(
        code,
        Some(1),
        "a failed check stays a failure through `| head`"
    );
    let junit = std::fs::read_to_string(tmp.path().join("j.xml")).unwrap();
    assert!(junit.trim_end().ends_with("</testsuites>"), "{junit}");
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(tmp.path().join("r.json")).unwrap()).unwrap();
    assert_eq!(json["summary"]["experiments"], 1);

    // parse --strict: the skipped line is still a failure when stdout went away.
    let d = failing_experiment(tmp.path(), "p");
    std::fs::write(d.join("extra.log"), "this line is no table\n").unwrap();
    let code = run_closed_stdout(tmp.path(), &["parse", "--strict", "p"]);
    assert_eq!(code, Some(2));
}

#[test]
fn an_output_that_is_an_input_is_refused_before_anything_is_written() {
    let tmp = tempfile::tempdir().unwrap();
    let d = failing_experiment(tmp.path(), "d");
    let pods = std::fs::read(d.join("pods.log")).unwrap();
    let nodes = std::fs::read(d.join("nodes.log")).unwrap();
    for args in [
        &["check", "d", "--junit", "d/pods.log"][..],
        &["check", "d", "--json", "./d//pods.log"],
        &["render", "d", "-o", "d/nodes.log"],
        &["report", "d", "-o", "d/nodes.log", "--format", "html"],
        &["render", "d/pods.log", "d/nodes.log", "-o", "d/pods.log"],
        &["render", "d/pods.log", "-o", "pods-link.log"],
    ] {
        let _ = std::fs::hard_link(d.join("pods.log"), tmp.path().join("pods-link.log"));
        let o = run(tmp.path(), args);
        assert_eq!(o.code, Some(2), "{args:?}: {}", o.stderr);
        assert!(o.stderr.contains("is an input"), "{args:?}: {}", o.stderr);
        assert_eq!(std::fs::read(d.join("pods.log")).unwrap(), pods, "{args:?}");
        assert_eq!(
            std::fs::read(d.join("nodes.log")).unwrap(),
            nodes,
            "{args:?}"
        );
    }
}

#[test]
fn two_outputs_into_one_file_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    failing_experiment(tmp.path(), "d");
    for args in [
        &["report", "d", "--format", "markdown", "-o", "x.svg"][..],
        &["check", "d", "--json", "f", "--junit", "f"],
        &["check", "d", "--json", "f", "--report", "./f"],
    ] {
        let o = run(tmp.path(), args);
        assert_eq!(o.code, Some(2), "{args:?}: {}", o.stderr);
        assert!(o.stderr.contains("same file"), "{args:?}: {}", o.stderr);
        assert!(!tmp.path().join("x.svg").exists() && !tmp.path().join("f").exists());
    }
}

#[test]
fn a_missing_archive_still_gets_a_whole_report_and_no_temporary_file_is_left() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("r.json"), "{\"earlier\": true}\n").unwrap();
    let o = run(
        tmp.path(),
        &["check", "no/such/archive", "--json", "r.json"],
    );
    assert_eq!(o.code, Some(2), "{}", o.stderr);
    let r: serde_json::Value =
        serde_json::from_slice(&std::fs::read(tmp.path().join("r.json")).unwrap()).unwrap();
    assert_eq!(r["problems"][0]["path"], "no/such/archive", "{r:#}");
    let left: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().collect();
    assert_eq!(left.len(), 1, "{left:?}");
}

#[test]
fn the_tools_own_outputs_in_an_experiment_directory_are_not_read_back() {
    let tmp = tempfile::tempdir().unwrap();
    let d = failing_experiment(tmp.path(), "d");
    let o = run(tmp.path(), &["report", "d", "-o", "d/report.md"]);
    assert_eq!(o.code, Some(0), "{}", o.stderr);
    let o = run(
        tmp.path(),
        &["report", "d", "-o", "d/notes.log", "--format", "json"],
    );
    assert_eq!(o.code, Some(0), "{}", o.stderr);
    assert!(d.join("report.md").exists() && d.join("report.svg").exists());
    let o = run(tmp.path(), &["analyze", "d", "--format", "json", "-v"]);
    assert_eq!(o.code, Some(0), "{}", o.stderr);
    let a: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
    let inputs: Vec<&str> = a["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["source"].as_str().unwrap())
        .collect();
    assert_eq!(inputs, ["d/deployments.log", "d/nodes.log", "d/pods.log"]);
    assert!(
        o.stderr
            .contains("d/report.md: ignored: a watchtrail Markdown report"),
        "{}",
        o.stderr
    );
    let o = run(tmp.path(), &["check", "d", "--json", "c.json"]);
    let c = std::fs::read_to_string(tmp.path().join("c.json")).unwrap();
    assert!(
        !c.contains("d/report.md\"") && !c.contains("d/notes.log\""),
        "{c}"
    );
    assert_eq!(o.code, Some(1), "{}", o.stdout);
}

#[test]
fn a_stderr_that_cannot_be_written_is_no_panic() {
    let full = std::fs::OpenOptions::new().write(true).open("/dev/full");
    let Ok(full) = full else {
        return; // not on this system
    };
    let tmp = tempfile::tempdir().unwrap();
    for args in [
        &["analyze", "/nonexistent"][..],
        &["analyze", "-v", "/nonexistent", "/also/not"],
    ] {
        let status = Command::new(bin())
            .current_dir(tmp.path())
            .args(args)
            .stdout(Stdio::null())
            .stderr(full.try_clone().unwrap())
            .status()
            .unwrap();
        assert_eq!(status.code(), Some(2), "{args:?}");
    }
    let d = failing_experiment(tmp.path(), "d");
    std::fs::write(d.join("extra.log"), "no table here\n").unwrap();
    let status = Command::new(bin())
        .current_dir(tmp.path())
        .args(["analyze", "-v", "d"])
        .stdout(Stdio::null())
        .stderr(full)
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(0));
}

#[test]
fn one_bad_archive_among_several_is_a_problem_and_the_rest_are_checked() {
    let tmp = tempfile::tempdir().unwrap();
    failing_experiment(tmp.path(), "runs/e");
    std::fs::write(tmp.path().join("bad.tar"), vec![0x5a; 2048]).unwrap();
    let o = run(
        tmp.path(),
        &[
            "check",
            "missing.tgz",
            "runs",
            "bad.tar",
            "--json",
            "r.json",
        ],
    );
    assert_eq!(o.code, Some(2), "{}{}", o.stdout, o.stderr);
    assert!(
        o.stderr.contains("missing.tgz: cannot read the archive"),
        "{}",
        o.stderr
    );
    assert!(
        o.stderr.contains("bad.tar: corrupt tar archive"),
        "{}",
        o.stderr
    );
    assert!(o.stdout.contains("FAIL         runs/e"), "{}", o.stdout);
    let r: serde_json::Value =
        serde_json::from_slice(&std::fs::read(tmp.path().join("r.json")).unwrap()).unwrap();
    assert_eq!(r["summary"]["experiments"], 1);
    let problems = r["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 2, "{r:#}");
    assert!(problems.iter().all(|p| p["serious"] == true));
}

/// Issue 16 item 6: `simulate --churn 1M --screens inf` looped for ever.
#[test]
fn simulate_refuses_non_finite_and_absurd_numbers() {
    let tmp = tempfile::tempdir().unwrap();
    for args in [
        &["--screens", "inf"][..],
        &["--screens", "NaN"],
        &["--screens=-1"],
        &["--screens", "1e300"],
        &["--repeats", "NaN"],
        &["--repeats", "inf"],
        &["--repeats", "2"],
    ] {
        let mut cmd = assert_cmd::Command::new(bin());
        cmd.current_dir(tmp.path())
            .args(["simulate", "--churn", "1M"])
            .args(args)
            .timeout(std::time::Duration::from_secs(20));
        let o = cmd.output().unwrap();
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(o.stdout.is_empty(), "{args:?}");
        let flag = args[0].split('=').next().unwrap();
        assert!(stderr.contains(flag), "{args:?}: {stderr}");
    }
    let o = assert_cmd::Command::new(bin())
        .args(["simulate", "--churn", "64K", "--screens", "3.5"])
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
    assert!(o.stdout.len() >= 64 << 10);
}
