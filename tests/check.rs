//! `watchtrail check`: batches over the samples as a directory and as a tar, exit codes
//! 0/1/2, expectations, refused archives, and the JUnit/JSON/HTML outputs.
//!
//! `samples/web-paste` is left out of the batches: it is one blog post holding five
//! experiments' tables, with no expect.json, so it is not one experiment.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};

use predicates::prelude::*;

use common::{watchtrail, SAMPLES};

fn sample_dirs() -> Vec<String> {
    SAMPLES.iter().map(|s| format!("samples/{s}")).collect()
}

/// A `.tar.gz` of the five sample folders (under `samples/`), built in memory.
fn samples_tgz(dir: &Path) -> PathBuf {
    let path = dir.join("samples.tar.gz");
    let gz = flate2::write::GzEncoder::new(
        std::fs::File::create(&path).unwrap(),
        flate2::Compression::fast(),
    );
    let mut tar = tar::Builder::new(gz);
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
    for s in SAMPLES {
        tar.append_dir_all(format!("samples/{s}"), root.join(s))
            .unwrap();
    }
    tar.into_inner().unwrap().finish().unwrap();
    path
}

/// A tar header for `name` with a declared `size`, the name written raw (so `..` and
/// absolute names can be made, as an attacker would).
fn raw_header(name: &str, size: u64) -> tar::Header {
    let mut h = tar::Header::new_old();
    h.as_old_mut().name[..name.len()].copy_from_slice(name.as_bytes());
    h.set_size(size);
    h.set_mode(0o644);
    h.set_entry_type(tar::EntryType::Regular);
    h.set_cksum();
    h
}

#[test]
fn the_samples_directory_passes_with_its_expectations() {
    watchtrail()
        .arg("check")
        .args(sample_dirs())
        .assert()
        .code(0)
        .stdout(predicate::str::contains("5 experiments: 5 pass"))
        .stdout(predicate::str::contains(
            "PASS         samples/in-place  in-place",
        ));
}

#[test]
fn the_samples_as_a_tar_gz_pass_without_being_extracted() {
    let tmp = tempfile::tempdir().unwrap();
    let tgz = samples_tgz(tmp.path());
    let out = watchtrail().arg("check").arg(&tgz).assert().code(0);
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(stdout.contains("5 experiments: 5 pass"), "{stdout}");
    assert!(
        stdout.contains("samples.tar.gz:samples/post-migration  post-migration"),
        "{stdout}"
    );
    // Nothing was written beside the archive.
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 1);
}

#[test]
fn a_wrong_expect_fails_with_exit_1_and_says_why() {
    watchtrail()
        .args(["check", "samples/in-place", "--expect", "post-migration"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "FAIL         samples/in-place  in-place",
        ))
        .stdout(predicate::str::contains(
            "expected post-migration; got in-place",
        ));
}

/// A copy of samples/in-place with the given expect.json.
fn in_place_with(expect: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let dst = tmp.path().join("exp");
    std::fs::create_dir(&dst).unwrap();
    for f in ["pods.log", "nodes.log", "deployments.log"] {
        std::fs::copy(format!("samples/in-place/{f}"), dst.join(f)).unwrap();
    }
    std::fs::write(dst.join("expect.json"), expect).unwrap();
    tmp
}

#[test]
fn a_bound_that_cuts_through_the_interval_is_inconclusive_not_a_pass() {
    // node_down_s is 93–247 s: a 200 s limit is inside the interval.
    let tmp = in_place_with(r#"{"scenario": "in-place", "max_node_down_s": 200}"#);
    watchtrail()
        .current_dir(tmp.path())
        .args(["check", "exp"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("INCONCLUSIVE exp  in-place"))
        .stdout(predicate::str::contains(
            "max_node_down_s 200: node_down_s is",
        ));
}

#[test]
fn a_bound_outside_the_interval_fails_and_a_null_metric_is_inconclusive() {
    let tmp = in_place_with(r#"{"max_unavailable_s": 100, "max_eviction_s": 400}"#);
    watchtrail()
        .current_dir(tmp.path())
        .args(["check", "exp"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("FAIL         exp"))
        .stdout(predicate::str::contains(
            "max_unavailable_s 100: unavailable_s is",
        ))
        .stdout(predicate::str::contains("eviction_s is null"));
}

#[test]
fn an_unknown_key_in_expect_json_is_an_error_naming_the_file() {
    let tmp = in_place_with(r#"{"scenario": "in-place", "max_downtime_s": 1}"#);
    watchtrail()
        .current_dir(tmp.path())
        .args(["check", "exp"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "ERROR        exp  -  — exp/expect.json: unknown key `max_downtime_s`",
        ));
}

#[test]
fn a_missing_archive_is_exit_2() {
    watchtrail()
        .args(["check", "no/such/archive.tgz"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "no/such/archive.tgz: cannot read the archive",
        ));
}

#[test]
fn a_corrupted_tar_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let bad = tmp.path().join("bad.tar");
    std::fs::write(&bad, vec![0x5a; 2048]).unwrap();
    watchtrail()
        .arg("check")
        .arg(&bad)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("bad.tar: corrupt tar archive"));
    // A gzip that stops in the middle.
    let tgz = samples_tgz(tmp.path());
    let bytes = std::fs::read(&tgz).unwrap();
    let cut = tmp.path().join("cut.tgz");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    watchtrail()
        .arg("check")
        .arg(&cut)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cut.tgz: corrupt tar archive"));
}

#[test]
fn a_traversal_entry_is_refused_and_the_other_entries_are_read() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("evil.tar");
    let mut tar = tar::Builder::new(std::fs::File::create(&path).unwrap());
    let body = b"NAME READY STATUS\n";
    tar.append(&raw_header("../evil.log", body.len() as u64), &body[..])
        .unwrap();
    let pods = std::fs::read("samples/in-place/pods.log").unwrap();
    tar.append(&raw_header("exp/pods.log", pods.len() as u64), &pods[..])
        .unwrap();
    tar.finish().unwrap();
    // A refused entry is a serious problem (exit 1), not the end of the archive.
    watchtrail()
        .arg("check")
        .arg(&path)
        .args(["--expect", "in-place"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "evil.tar:../evil.log: entry refused: its name leaves the archive",
        ))
        .stdout(predicate::str::contains("PASS         "));
    assert!(!tmp.path().parent().unwrap().join("evil.log").exists());
}

#[test]
fn a_bomb_of_many_entries_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("many.tar");
    let mut tar = tar::Builder::new(std::fs::File::create(&path).unwrap());
    for i in 0..50 {
        tar.append(&raw_header(&format!("e{i}/pods.log"), 0), &[][..])
            .unwrap();
    }
    tar.finish().unwrap();
    watchtrail()
        .arg("check")
        .arg(&path)
        .args(["--max-entries", "20"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "many.tar: refused: entry count (21 entries read so far) exceeds the limit of 20",
        ));
}

#[test]
fn a_bomb_with_a_huge_declared_size_is_refused_before_reading() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("huge.tar.gz");
    // 5 GiB declared, a few bytes on disk.
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(raw_header("exp/pods.log", 5 << 30).as_bytes())
        .unwrap();
    gz.write_all(&[0u8; 1024]).unwrap();
    std::fs::write(&path, gz.finish().unwrap()).unwrap();
    watchtrail()
        .arg("check")
        .arg(&path)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "huge.tar.gz: refused: entry `exp/pods.log` size (5368709120 bytes) exceeds the limit of 1073741824",
        ));
    watchtrail()
        .arg("check")
        .arg(&path)
        .args([
            "--max-entry-bytes",
            "10000000000",
            "--max-total-bytes",
            "1000",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "refused: total uncompressed size (5368709120 bytes so far) exceeds the limit of 1000",
        ));
}

#[test]
fn junit_json_and_html_outputs_cover_every_experiment() {
    let tmp = tempfile::tempdir().unwrap();
    let (junit, json, html) = (
        tmp.path().join("j.xml"),
        tmp.path().join("c.json"),
        tmp.path().join("r.html"),
    );
    watchtrail()
        .arg("check")
        .args(sample_dirs())
        .args(["--expect", "in-place", "--junit"])
        .arg(&junit)
        .arg("--json")
        .arg(&json)
        .arg("--report")
        .arg(&html)
        .assert()
        .code(1);
    let xml = std::fs::read_to_string(&junit).unwrap();
    let doc = roxmltree::Document::parse(&xml).expect("JUnit output is well-formed XML");
    // The common JUnit schema: testsuites > testsuite(name, tests, failures, errors)
    // > testcase(name, classname) > failure(message, type).
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    let suites: Vec<_> = root.children().filter(|n| n.is_element()).collect();
    assert_eq!(suites.len(), 1);
    let suite = suites[0];
    assert_eq!(suite.tag_name().name(), "testsuite");
    for a in ["name", "tests", "failures", "errors"] {
        assert!(suite.attribute(a).is_some(), "testsuite@{a}");
    }
    assert_eq!(suite.attribute("tests"), Some("5"));
    assert_eq!(suite.attribute("failures"), Some("4"));
    let cases: Vec<_> = suite.children().filter(|n| n.is_element()).collect();
    assert_eq!(cases.len(), 5);
    for c in &cases {
        assert_eq!(c.tag_name().name(), "testcase");
        assert_eq!(c.attribute("classname"), Some("watchtrail"));
        assert!(c.attribute("name").is_some());
    }
    let failure = cases[1]
        .children()
        .find(|n| n.has_tag_name("failure"))
        .unwrap();
    assert_eq!(failure.attribute("type"), Some("fail"));
    assert!(failure
        .attribute("message")
        .unwrap()
        .contains("expected in-place; got mid-migration"));

    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    assert_eq!(v["schema"], "watchtrail/check/v1");
    assert_eq!(v["experiments"].as_array().unwrap().len(), 5);
    assert_eq!(v["summary"]["by_outcome"]["pass"], 1);
    assert_eq!(v["summary"]["metrics"]["eviction_s"]["runs"], 2);

    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.contains("<section id=\"exp-5\">"));
    assert!(page.contains("samples/post-migration"));
}

#[test]
fn hostile_experiment_names_are_escaped_in_junit_and_html() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("<b>&\"x'");
    std::fs::create_dir(&dir).unwrap();
    std::fs::copy("samples/in-place/pods.log", dir.join("pods.log")).unwrap();
    watchtrail()
        .current_dir(tmp.path())
        .args([
            "check", ".", "--expect", "ongoing", "--junit", "j.xml", "--report", "r.html",
        ])
        .assert()
        .code(1);
    let xml = std::fs::read_to_string(tmp.path().join("j.xml")).unwrap();
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let case = doc
        .descendants()
        .find(|n| n.has_tag_name("testcase"))
        .unwrap();
    assert_eq!(case.attribute("name"), Some("./<b>&\"x'"));
    let page = std::fs::read_to_string(tmp.path().join("r.html")).unwrap();
    assert!(!page.contains("<b>&"), "unescaped name in the HTML page");
    assert!(page.contains("&lt;b&gt;&amp;&quot;x&#39;"));
}

#[test]
fn problems_are_reported_and_the_batch_goes_on() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir(tmp.path().join("empty")).unwrap();
    let good = tmp.path().join("good");
    std::fs::create_dir(&good).unwrap();
    std::fs::copy("samples/in-place/pods.log", good.join("pods.log")).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(tmp.path(), good.join("loop")).unwrap();
    let out = watchtrail()
        .current_dir(tmp.path())
        .args(["check", "."])
        .assert();
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(
        stdout.contains("note         ./empty: empty directory"),
        "{stdout}"
    );
    assert!(stdout.contains("ANALYSED     ./good"), "{stdout}");
    #[cfg(unix)]
    {
        assert!(stdout.contains("./good/loop: symlink loop"), "{stdout}");
        out.code(1);
    }
}

#[test]
fn a_gzip_transcript_inside_a_tar_is_read_and_its_inflated_size_is_limited() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("gz.tar");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(&std::fs::read("samples/in-place/pods.log").unwrap())
        .unwrap();
    let body = gz.finish().unwrap();
    let mut tar = tar::Builder::new(std::fs::File::create(&path).unwrap());
    tar.append(&raw_header("exp/pods.log.gz", body.len() as u64), &body[..])
        .unwrap();
    tar.finish().unwrap();
    watchtrail()
        .arg("check")
        .arg(&path)
        .args(["--expect", "in-place"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("PASS         "));
    watchtrail()
        .arg("check")
        .arg(&path)
        .args(["--max-entry-bytes", "500"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "refused: entry `exp/pods.log.gz` decompressed size (more than 501 bytes) exceeds the limit of 500",
        ));
}

/// A transcript without table rows currently panics in the timeline stage
/// (`timeline/stn.rs`, empty network); `check` must report it as that experiment's
/// problem and go on with the others.
#[test]
fn an_experiment_without_rows_does_not_stop_the_batch() {
    let tmp = tempfile::tempdir().unwrap();
    let bad = tmp.path().join("bad");
    std::fs::create_dir(&bad).unwrap();
    std::fs::write(bad.join("typescript.txt"), "hello, no tables here\n").unwrap();
    let good = tmp.path().join("good");
    std::fs::create_dir(&good).unwrap();
    for f in ["pods.log", "nodes.log", "deployments.log"] {
        std::fs::copy(format!("samples/in-place/{f}"), good.join(f)).unwrap();
    }
    let out = watchtrail()
        .current_dir(tmp.path())
        .args(["check", "bad", "good", "--expect", "in-place"])
        .assert()
        .code(1);
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    let bad_line = stdout.lines().find(|l| l.contains(" bad  ")).unwrap();
    assert!(!bad_line.starts_with("PASS"), "{stdout}");
    assert!(stdout.contains("PASS         good  in-place"), "{stdout}");
}

/// Issue 17.5: nothing checked is not a pass.
#[test]
fn an_experiment_without_an_expectation_is_analysed_not_passed() {
    let tmp = tempfile::tempdir().unwrap();
    let exp = tmp.path().join("exp");
    std::fs::create_dir(&exp).unwrap();
    for f in ["pods.log", "nodes.log", "deployments.log"] {
        std::fs::copy(format!("samples/in-place/{f}"), exp.join(f)).unwrap();
    }
    let out = watchtrail().arg("check").arg(&exp).assert().code(0);
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(stdout.starts_with("ANALYSED "), "{stdout}");
    assert!(stdout.contains("1 experiments: 1 analysed"), "{stdout}");
    assert!(!stdout.contains("PASS"), "{stdout}");
    // In JUnit nothing checked is a skip, not a pass.
    let out = watchtrail()
        .arg("check")
        .arg(&exp)
        .args(["--junit", "-"])
        .assert()
        .code(0);
    let xml = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let case = doc
        .descendants()
        .find(|n| n.has_tag_name("testcase"))
        .unwrap();
    assert!(case.children().any(|n| n.has_tag_name("skipped")), "{xml}");
    // --quiet: only what did not pass, and the count.
    let out = watchtrail()
        .arg("check")
        .arg(&exp)
        .arg("--quiet")
        .assert()
        .code(0);
    let quiet = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert_eq!(quiet.trim(), "1 experiments: 1 analysed", "{quiet}");
    let out = watchtrail()
        .arg("check")
        .arg(&exp)
        .arg("--require-expectations")
        .assert()
        .code(1);
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(stdout.starts_with("FAIL "), "{stdout}");
    assert!(stdout.contains("--require-expectations"), "{stdout}");
    // With an expectation the same experiment passes, required or not.
    watchtrail()
        .arg("check")
        .arg(&exp)
        .args(["--require-expectations", "--expect", "in-place"])
        .assert()
        .code(0)
        .stdout(predicate::str::starts_with("PASS "));
}

#[test]
fn experiments_are_listed_in_natural_order_e2_before_e10() {
    let tmp = tempfile::tempdir().unwrap();
    for e in ["e10", "e2", "e1"] {
        let d = tmp.path().join(e);
        std::fs::create_dir(&d).unwrap();
        std::fs::copy("samples/in-place/pods.log", d.join("pods.log")).unwrap();
    }
    let out = watchtrail()
        .current_dir(tmp.path())
        .args(["check", "."])
        .assert()
        .code(0);
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    let order: Vec<&str> = stdout
        .lines()
        .filter_map(|l| l.split_whitespace().nth(1))
        .filter(|n| n.starts_with("./e"))
        .collect();
    assert_eq!(order, ["./e1", "./e2", "./e10"], "{stdout}");
}

#[test]
fn a_dash_writes_json_junit_or_report_to_stdout_and_the_lines_to_stderr() {
    for (flag, starts) in [
        ("--json", "{"),
        ("--junit", "<?xml"),
        ("--report", "<!DOCTYPE html>"),
    ] {
        let out = watchtrail()
            .args(["check", "samples/in-place", flag, "-"])
            .assert()
            .code(0);
        let o = out.get_output();
        let stdout = String::from_utf8_lossy(&o.stdout);
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert!(stdout.starts_with(starts), "{flag}: {stdout}");
        assert!(
            stderr.contains("PASS         samples/in-place"),
            "{flag}: {stderr}"
        );
    }
    watchtrail()
        .args(["check", "samples/in-place", "--json", "-", "--junit", "-"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("only one of"));
}

#[test]
fn junit_times_are_the_analysis_times() {
    let out = watchtrail()
        .arg("check")
        .args(sample_dirs())
        .args(["--junit", "-"])
        .assert()
        .code(0);
    let xml = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let times: Vec<f64> = doc
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .map(|n| n.attribute("time").unwrap().parse().unwrap())
        .collect();
    assert_eq!(times.len(), 5);
    assert!(times.iter().all(|t| *t >= 0.0), "{xml}");
    assert!(
        times.iter().sum::<f64>() > 0.0,
        "five analyses took no time at all: {xml}"
    );
    let suite = doc
        .descendants()
        .find(|n| n.has_tag_name("testsuite"))
        .unwrap();
    let total: f64 = suite.attribute("time").unwrap().parse().unwrap();
    assert!((total - times.iter().sum::<f64>()).abs() < 0.01, "{xml}");
}

#[test]
fn the_html_report_shows_dashes_timelines_and_metric_charts_never_null() {
    let run = || {
        let out = watchtrail()
            .arg("check")
            .args(sample_dirs())
            .args(["--report", "-"])
            .assert()
            .code(0);
        String::from_utf8_lossy(&out.get_output().stdout).into_owned()
    };
    let page = run();
    assert!(!page.contains("null"), "{page}");
    assert!(page.contains("detection_s: —"), "{page}");
    // A small timeline per experiment with an incident (four of the five samples).
    assert_eq!(page.matches("class=\"strip\"").count(), 4, "{page}");
    // One plotters chart per metric some run measured (eviction, replacement,
    // unavailable, node_down), and the same bytes every time.
    let charts = page.split("<div class=\"charts\">").nth(1).unwrap();
    let charts = charts.split("</div>").next().unwrap();
    assert_eq!(charts.matches("<svg").count(), 4, "{charts}");
    assert!(charts.contains("eviction_s"), "{charts}");
    assert_eq!(page, run());
}
