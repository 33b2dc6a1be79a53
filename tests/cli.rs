//! The command line against the real samples: verdicts, the known facts of the seed,
//! errors and exit codes, and the metamorphic laws (renaming, reordering and
//! concatenating the transcripts changes nothing).

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use serde_json::Value;

use common::{root, stdout_of, SAMPLES};

fn watchtrail(args: &[&str]) -> Output {
    let out = common::watchtrail().args(args).output().unwrap();
    assert_ne!(
        out.status.code(),
        Some(101),
        "panicked: {args:?}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn analysis(args: &[&str]) -> Value {
    let mut all = vec!["analyze", "--format", "json"];
    all.extend_from_slice(args);
    let out = watchtrail(&all);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn expected(sample: &str) -> String {
    let v: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("samples").join(sample).join("expect.json")).unwrap(),
    )
    .unwrap();
    v["scenario"].as_str().unwrap().to_string()
}

#[test]
fn every_sample_gives_its_expected_scenario() {
    for s in SAMPLES {
        let a = analysis(&[&format!("samples/{s}")]);
        assert_eq!(a["schema"], "watchtrail/analysis/v1");
        assert_eq!(a["scenario"], expected(s), "{s}: {}", a["verdict"]);
    }
}

fn interval(v: &Value) -> (f64, f64) {
    (v["min_s"].as_f64().unwrap(), v["max_s"].as_f64().unwrap())
}

#[test]
fn sample_metrics_are_sensible() {
    // in-place: node down about 3 minutes, no eviction.
    let a = analysis(&["samples/in-place"]);
    let m = &a["incidents"][0]["metrics"];
    assert!(m["eviction_s"].is_null());
    let (lo, hi) = interval(&m["node_down_s"]);
    assert!(
        lo >= 60.0 && hi <= 300.0 && lo <= 180.0 && hi >= 180.0,
        "node_down_s {lo}..{hi}"
    );
    // post-migration: eviction about 5 minutes after NotReady.
    let a = analysis(&["samples/post-migration"]);
    let (lo, hi) = interval(&a["incidents"][0]["metrics"]["eviction_s"]);
    // AGE `26m` → `31m` alone allows (240 s, 360 s); the RESTARTS `(17m ago)` →
    // `(23m ago)` on the same lines narrow it to (300 s, 360 s).
    assert!(
        (240.0..=310.0).contains(&lo) && (300.0..=360.0).contains(&hi),
        "eviction_s {lo}..{hi}"
    );
    // mid-migration: eviction 6m12s − 67s ≈ 305 s; replacement ready ≈ 59 s later.
    let a = analysis(&["samples/mid-migration"]);
    let m = &a["incidents"][0]["metrics"];
    let (lo, hi) = interval(&m["eviction_s"]);
    assert!(
        lo <= 305.0 && hi >= 305.0 && hi - lo < 10.0,
        "eviction_s {lo}..{hi}"
    );
    let (lo, hi) = interval(&m["replacement_s"]);
    assert!(lo <= 60.0 && hi >= 58.0, "replacement_s {lo}..{hi}");
}

#[test]
fn in_place_pods_log_gives_the_seeds_six_observations() {
    let out = watchtrail(&["parse", "samples/in-place/pods.log"]);
    assert!(out.status.success());
    let lines: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let obs: Vec<&Value> = lines
        .iter()
        .filter(|v| v["schema"] == "watchtrail/observation/v1")
        .collect();
    assert_eq!(obs.len(), 6);
    let last = obs[5];
    assert_eq!(last["restarts"]["count"], 1);
    assert_eq!(interval(&last["restarts"]["last_ago"]), (53.0, 54.0));
    assert_eq!(last["ip"], "10.1.209.135");
    assert_eq!(last["node"], "ubuntub");
    assert_eq!(interval(&last["age"]), (543.0, 544.0));
    assert_eq!(last["kind"], "Pod");
    let account = lines
        .iter()
        .find(|v| v["schema"] == "watchtrail/input/v1")
        .unwrap();
    assert_eq!(account["input"]["rows"], 6);
    assert_eq!(account["input"]["skipped"], 0);
}

#[test]
fn the_web_paste_gives_13_tables_and_99_rows() {
    let out = watchtrail(&["parse", "samples/web-paste/seed.md"]);
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(
        lines
            .iter()
            .filter(|v| v["schema"] == "watchtrail/observation/v1")
            .count(),
        99
    );
    let account = &lines.last().unwrap()["input"];
    assert_eq!(account["headers"], 13);
    assert_eq!(account["rows"], 99);
    // Every skipped line has a reason.
    assert_eq!(
        account["skipped_by_reason"]
            .as_object()
            .unwrap()
            .values()
            .map(|v| v.as_u64().unwrap())
            .sum::<u64>(),
        account["skipped"].as_u64().unwrap()
    );
}

#[test]
fn an_unreadable_path_exits_2_naming_it() {
    let out = watchtrail(&["analyze", "no/such/file.log"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.starts_with("watchtrail: no/such/file.log: "), "{err}");
}

#[test]
fn strict_fails_on_a_skipped_line_and_verbose_says_why() {
    let out = watchtrail(&["parse", "--strict", "-v", "samples/web-paste/seed.md"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("samples/web-paste/seed.md:3: skipped: "),
        "{err}"
    );
    let out = watchtrail(&["parse", "--strict", "samples/in-place"]);
    assert!(out.status.success());
}

#[test]
fn bad_inputs_never_panic_and_name_file_and_line() {
    let dir = root().join("tests/fixtures/bad");
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let p = path.to_string_lossy().to_string();
        for cmd in ["parse", "analyze", "timeline"] {
            let out = watchtrail(&[cmd, "-v", &p]);
            assert!(out.status.code().is_some(), "{cmd} {p}: killed");
        }
        let out = watchtrail(&["parse", "-v", &p]);
        let err = String::from_utf8_lossy(&out.stderr);
        let name = path.file_name().unwrap().to_string_lossy();
        if name != "empty.log" && name != "README.md" {
            assert!(
                err.contains(&format!("{p}:")),
                "{name}: no file:line in {err}"
            );
        }
    }
}

fn copy(from: &Path, to: &Path) {
    std::fs::write(to, std::fs::read(from).unwrap()).unwrap();
}

#[test]
fn renaming_reordering_and_concatenating_change_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    for s in ["in-place", "post-migration", "mid-migration"] {
        let base = analysis(&[&format!("samples/{s}")]);
        let dir = root().join("samples").join(s);
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "log"))
            .collect();
        files.sort();
        // Renamed files, given in reverse order.
        let mut renamed = Vec::new();
        for (i, f) in files.iter().enumerate().rev() {
            let to = tmp.path().join(format!("{s}-capture-{i}.txt"));
            copy(f, &to);
            renamed.push(to.to_string_lossy().to_string());
        }
        let args: Vec<&str> = renamed.iter().map(String::as_str).collect();
        let a = analysis(&args);
        assert_eq!(a["scenario"], base["scenario"], "{s} renamed/reordered");
        assert_eq!(
            a["incidents"][0]["metrics"], base["incidents"][0]["metrics"],
            "{s} renamed/reordered metrics"
        );
        // One session log: each transcript after its command, with prompts.
        let mut session = String::new();
        for f in &files {
            let kind = f.file_stem().unwrap().to_string_lossy().to_string();
            session.push_str(&format!("user@lab:~$ kubectl get {kind} -o wide --watch\n"));
            session.push_str(&std::fs::read_to_string(f).unwrap());
            session.push_str("^C\n");
        }
        let one = tmp.path().join(format!("{s}-session.log"));
        std::fs::write(&one, session).unwrap();
        let a = analysis(&[&one.to_string_lossy()]);
        assert_eq!(a["scenario"], base["scenario"], "{s} as one session log");
    }
}

#[test]
fn simulate_writes_an_experiment_that_analyze_reads() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("exp");
    let d = dir.to_string_lossy().to_string();
    let out = watchtrail(&["simulate", "--variant", "3", "--seed", "1", "-o", &d]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let truth: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("truth.json")).unwrap()).unwrap();
    let a = analysis(&[&d]);
    assert_eq!(a["scenario"], truth["scenario"]);
    let out = watchtrail(&["simulate", "--variant", "999", "-o", &d]);
    assert_eq!(out.status.code(), Some(2));
}

/// `simulate --churn --failures --events -o DIR`: an events watch beside the soak's
/// pods, written as `events.log` (the pods' lines and the truth as without it), and
/// a directory `analyze` reads whole.
#[test]
fn a_soak_with_events_writes_an_events_watch_that_analyze_reads() {
    let tmp = tempfile::tempdir().unwrap();
    let soak = |name: &str, extra: &[&str]| {
        let d = tmp.path().join(name).to_string_lossy().to_string();
        let mut args = vec![
            "simulate",
            "--churn",
            "300K",
            "--failures",
            "3",
            "--pods",
            "100",
        ];
        args.extend_from_slice(extra);
        args.extend_from_slice(&["-o", &d]);
        let out = watchtrail(&args);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        d
    };
    let (with, without) = (soak("with", &["--events"]), soak("without", &[]));
    let read = |d: &str, f: &str| std::fs::read(Path::new(d).join(f)).unwrap();
    assert_eq!(read(&with, "pods.log"), read(&without, "pods.log"));
    assert_eq!(read(&with, "truth.json"), read(&without, "truth.json"));
    let events = String::from_utf8(read(&with, "events.log")).unwrap();
    assert!(events.starts_with("$ kubectl get events -w\nLAST SEEN   TYPE "));
    assert!(!Path::new(&without).join("events.log").exists());
    let a = analysis(&[&with]);
    let inputs = a["inputs"].as_array().unwrap();
    assert!(inputs
        .iter()
        .any(|i| i["source"].as_str().unwrap().ends_with("events.log")));
    let out = watchtrail(&["simulate", "--churn", "300K", "--failures", "3", "--events"]);
    assert_eq!(out.status.code(), Some(2), "--events needs --output");
}

/// Issue 17.3: the steps in the order they happened (mid-migration reads N before R),
/// each with its interval and how sure it is, under a one-line legend.
#[test]
fn the_text_view_tells_the_steps_in_the_order_they_happened() {
    let text = stdout_of(&["analyze", "samples/mid-migration"]);
    assert!(text.starts_with("mid-migration: node ubuntub"), "{text}");
    assert!(
        text.contains(
            "F failure detected · E eviction started · R replacement ready · N node back"
        ),
        "{text}"
    );
    let step = |tag: &str| {
        text.lines()
            .position(|l| l.starts_with(&format!("    {tag} ")))
            .unwrap_or_else(|| panic!("no step {tag}: {text}"))
    };
    assert!(step("F") < step("E") && step("E") < step("N") && step("N") < step("R"));
    let n = text.lines().nth(step("N")).unwrap();
    assert!(n.contains("6:49–6:51") && n.contains("within 3 s"), "{n}");
    assert!(
        text.contains("N is a pod line written by the returning kubelet"),
        "{text}"
    );
}

#[test]
fn evidence_lines_fit_the_terminal_and_verbose_shows_them_whole() {
    let run = |extra: &[&str]| {
        let mut c = Command::cargo_bin("watchtrail").unwrap();
        c.current_dir(root())
            .env("NO_COLOR", "1")
            .env("COLUMNS", "60")
            .args(["analyze", "samples/in-place"])
            .args(extra);
        String::from_utf8(c.output().unwrap().stdout).unwrap()
    };
    let cut = run(&[]);
    let evidence: Vec<&str> = cut.lines().filter(|l| l.contains("nodes.log:")).collect();
    assert!(!evidence.is_empty(), "{cut}");
    for l in &evidence {
        assert!(l.chars().count() <= 60 && l.ends_with('…'), "{l}");
    }
    let whole = run(&["-v"]);
    assert!(whole.contains("containerd://1.6.15"), "{whole}");
}

#[test]
fn quiet_prints_the_verdict_line_only() {
    let text = stdout_of(&["analyze", "--quiet", "samples/in-place"]);
    assert_eq!(
        text,
        "in-place: node ubuntub — node came back before eviction; pods recovered in place\n"
    );
}

/// Issue 17.6: `--color` and `--quiet` are accepted by every command.
#[test]
fn color_and_quiet_are_accepted_by_every_command() {
    let tmp = tempfile::tempdir().unwrap();
    let svg = tmp.path().join("x.svg").to_string_lossy().to_string();
    let html = tmp.path().join("x.html").to_string_lossy().to_string();
    let sim = tmp.path().join("sim").to_string_lossy().to_string();
    let commands: [&[&str]; 9] = [
        &["analyze", "samples/in-place"],
        &["parse", "samples/in-place"],
        &["timeline", "samples/in-place"],
        &["render", "samples/in-place", "-o", &svg],
        &["report", "samples/in-place", "-o", &html],
        &["check", "samples/in-place"],
        &["simulate", "--variant", "1", "-o", &sim],
        &["completions", "bash"],
        &["man"],
    ];
    for args in commands {
        for ui in [["--color", "never"], ["--color", "always"]] {
            let mut all = args.to_vec();
            all.extend_from_slice(&ui);
            all.push("--quiet");
            let out = watchtrail(&all);
            assert!(
                out.status.success(),
                "{all:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
    let simulated = stdout_of(&["simulate", "--variant", "1", "-o", &sim, "-q"]);
    assert_eq!(simulated, "", "--quiet silences simulate's note");
    let colored = stdout_of(&["check", "samples/in-place", "--color", "always"]);
    assert!(colored.starts_with("\x1b[32mPASS"), "{colored:?}");
}

#[test]
fn size_flags_take_suffixes() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("a.tar");
    let mut tar = tar::Builder::new(std::fs::File::create(&path).unwrap());
    // More than 1 KiB: the sample's pods watch, twice over.
    let pods = std::fs::read(root().join("samples/in-place/pods.log"))
        .unwrap()
        .repeat(2);
    assert!(pods.len() > 1024);
    let mut h = tar::Header::new_gnu();
    h.set_size(pods.len() as u64);
    h.set_mode(0o644);
    h.set_cksum();
    tar.append_data(&mut h, "exp/pods.log", &pods[..]).unwrap();
    tar.finish().unwrap();
    let p = path.to_string_lossy().to_string();
    let out = watchtrail(&["check", &p, "--max-entry-bytes", "1K"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("exceeds the limit of 1024"), "{err}");
    let out = watchtrail(&[
        "check",
        &p,
        "--max-total-bytes",
        "4G",
        "--max-entry-bytes",
        "2M",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let out = watchtrail(&["check", &p, "--max-total-bytes", "4X"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn every_help_shows_an_example() {
    use clap::CommandFactory;
    let mut cli = watchtrail::cli::Cli::command();
    cli.build();
    let mut missing = Vec::new();
    if !cli
        .render_long_help()
        .to_string()
        .contains("Examples:\n  watchtrail ")
    {
        missing.push("watchtrail".to_string());
    }
    for sub in cli.get_subcommands_mut().filter(|s| s.get_name() != "help") {
        let help = sub.render_long_help().to_string();
        if !help.contains("Examples:\n  watchtrail ") {
            missing.push(sub.get_name().to_string());
        }
    }
    assert!(missing.is_empty(), "no example in the help of {missing:?}");
}

#[test]
fn simulate_lists_readable_names_with_the_scenario_each_yields() {
    let list = stdout_of(&["simulate", "--list"]);
    assert!(
        list.lines().any(
            |l| l.contains("graceful-shutdown/post-migration") && l.ends_with("post-migration")
        ),
        "{list}"
    );
    assert!(!list.contains("PowerOff("), "Rust debug names: {list}");
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("gs").to_string_lossy().to_string();
    let out = stdout_of(&["simulate", "--variant", "graceful-shutdown", "-o", &d]);
    assert!(out.contains("true scenario: post-migration"), "{out}");
    let truth: Value =
        serde_json::from_str(&std::fs::read_to_string(tmp.path().join("gs/truth.json")).unwrap())
            .unwrap();
    assert_eq!(truth["variant"], "graceful-shutdown/post-migration");
}

#[test]
fn a_missing_path_is_reported_once() {
    for cmd in [&["analyze"][..], &["parse"], &["timeline"], &["check"]] {
        let mut args = cmd.to_vec();
        args.push("no/such/file.log");
        let out = watchtrail(&args);
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8(out.stderr).unwrap();
        assert_eq!(err.matches("No such file or directory").count(), 1, "{err}");
        assert_eq!(err.lines().count(), 1, "{err}");
    }
}

#[test]
fn completions_and_the_man_page_are_generated() {
    for (shell, marker) in [
        ("bash", "_watchtrail()"),
        ("zsh", "#compdef watchtrail"),
        ("fish", "complete -c watchtrail"),
    ] {
        let script = stdout_of(&["completions", shell]);
        assert!(script.contains(marker), "{shell}: {script}");
        assert!(
            script.contains("analyze") && script.contains("check"),
            "{shell}"
        );
    }
    let man = stdout_of(&["man"]);
    assert!(
        man.starts_with(".ie") || man.contains(".TH watchtrail"),
        "{man}"
    );
    assert!(man.contains("analyze"), "{man}");
}

/// The README's shown output is what `analyze` prints: every line of its example
/// block but `...` appears in the real output, in order.
#[test]
fn the_readme_shows_real_output() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let marker = "cargo run --release -- analyze samples/in-place";
    assert!(readme.contains(marker));
    let block = readme
        .split("\n```\n")
        .find(|b| b.starts_with("in-place: node ubuntub"))
        .expect("the README shows analyze's output in a plain ``` block");
    let real = stdout_of(&["analyze", "samples/in-place"]);
    let mut rest = real.as_str();
    for line in block.lines().filter(|l| l.trim() != "...") {
        let at = rest.find(line).unwrap_or_else(|| {
            panic!("README line not in the output (in order): {line:?}\n{real}")
        });
        rest = &rest[at + line.len()..];
    }
}

/// Issue 17.1: a watch prints every change, so an object's last state holds until its
/// stream ended: the timeline's `to` says so. A node that did not fail holds Ready to
/// the end of the nodes watch, not just to its last (initial) line.
#[test]
fn the_last_state_lasts_until_its_stream_ends() {
    let doc: Value = serde_json::from_str(&stdout_of(&[
        "timeline",
        "samples/in-place",
        "--format",
        "json",
    ]))
    .unwrap();
    let last = |name: &str| {
        let o = doc["objects"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["key"]["name"] == name)
            .unwrap();
        o["states"].as_array().unwrap().last().unwrap().clone()
    };
    let ubuntuc = last("ubuntuc");
    let ubuntub = last("ubuntub");
    assert!(!ubuntuc["to"].is_null(), "{ubuntuc}");
    // Both end with the nodes watch: the time of its last line.
    assert_eq!(ubuntuc["to"], ubuntub["last_seen"]);
    assert!(
        ubuntuc["to"]["min_s"].as_f64().unwrap() > ubuntuc["last_seen"]["min_s"].as_f64().unwrap(),
        "{ubuntuc}"
    );
}

/// Issue 17.6: `cargo install` builds a small binary (no debug info in the release
/// profile; a measured 6.7 MB), and a profiling profile keeps the debug info.
#[test]
fn the_release_profile_has_no_debug_info_and_profiling_keeps_it() {
    let toml = std::fs::read_to_string(root().join("Cargo.toml")).unwrap();
    let section = |name: &str| -> String {
        let start = toml
            .find(&format!("[profile.{name}]"))
            .unwrap_or_else(|| panic!("no [profile.{name}]"));
        let body = &toml[start..];
        let end = body[1..].find("\n[").map_or(body.len(), |e| e + 1);
        body[..end].to_string()
    };
    let release = section("release");
    assert!(release.contains("debug = false"), "{release}");
    let profiling = section("profiling");
    assert!(
        profiling.contains("inherits = \"release\"") && profiling.contains("debug = true"),
        "{profiling}"
    );
}

/// Issue 17: two experiment directories given to `analyze` are never merged into one
/// verdict; it refuses and points to `check`.
#[test]
fn analyze_refuses_several_experiment_directories() {
    let out = watchtrail(&["analyze", "samples/in-place", "samples/ongoing"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("2 experiments") && err.contains("watchtrail check"),
        "{err}"
    );
    assert!(out.stdout.is_empty());
}
