//! Whole-experiment tests: determinism, truth bookkeeping, and FORMAT.md sanity per
//! variant (AGE monotone and equal to the apiserver's value, RESTARTS suffix shape,
//! eviction timing, UP-TO-DATE behaviour, status words per server version).

use super::*;
use crate::duration::{format_human, parse, Bounds, Formatter, Reading};

/// Splits a row on runs of ≥ 2 spaces (valid without empty cells, FORMAT.md §3.2).
fn cells(line: &str) -> Vec<String> {
    line.split("  ")
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(String::from)
        .collect()
}

/// (header, rows) of one file with each row's truth.
fn rows<'a>(e: &'a Experiment, file: &str) -> (Vec<String>, Vec<(Vec<String>, &'a LineTruth)>) {
    let text = &e.file(file).expect("file exists").text;
    let lines: Vec<&str> = text.lines().collect();
    let header = cells(lines[0]);
    let mut out = Vec::new();
    for lt in e
        .truth
        .lines
        .iter()
        .filter(|l| l.file == file && l.object.is_some())
    {
        out.push((cells(lines[lt.line - 1]), lt));
    }
    (header, out)
}

fn col(header: &[String], name: &str) -> usize {
    header
        .iter()
        .position(|h| h == name)
        .expect("column exists")
}

fn seeds() -> std::ops::Range<u64> {
    1..9
}

fn lower(text: &str) -> i64 {
    match parse(text, Formatter::Human) {
        Some(Reading::Bounds(Bounds { min_s, .. })) => min_s,
        other => panic!("{text}: {other:?}"),
    }
}

#[test]
fn same_seed_same_bytes_other_seed_other_bytes() {
    for v in Variant::all() {
        let a = run(&Config::new(7, v));
        let b = run(&Config::new(7, v));
        assert_eq!(a.files, b.files, "{}", v.name());
        assert_eq!(a.truth, b.truth, "{}", v.name());
        let c = run(&Config::new(8, v));
        assert_ne!(a.files, c.files, "{}", v.name());
    }
}

#[test]
fn every_line_has_a_truth_and_rows_name_their_object() {
    for v in Variant::all() {
        let e = run(&Config::new(3, v));
        for f in &e.files {
            let n = f.text.lines().count();
            let t: Vec<_> = e.truth.lines.iter().filter(|l| l.file == f.name).collect();
            assert_eq!(t.len(), n, "{} {}", v.name(), f.name);
            for (i, (l, text)) in t.iter().zip(f.text.lines()).enumerate() {
                assert_eq!(l.line, i + 1);
                if let Some(o) = &l.object {
                    assert!(text.starts_with(&o.name), "{text} / {}", o.name);
                }
            }
        }
    }
}

#[test]
fn age_is_the_apiservers_value_at_send_time_and_never_decreases() {
    for v in Variant::all() {
        for seed in seeds() {
            let e = run(&Config::new(seed, v));
            for file in ["pods.log", "nodes.log", "deployments.log"] {
                let (h, rows) = rows(&e, file);
                let age = col(&h, "AGE");
                let mut last: std::collections::HashMap<(String, u64), i64> = Default::default();
                for (c, lt) in rows {
                    let o = lt.object.as_ref().unwrap();
                    let want =
                        format_human(((lt.time - o.created.floor()) * 1000.0).floor() as i64);
                    assert_eq!(c[age], want, "{} {file}:{}", v.name(), lt.line);
                    let key = (o.name.clone(), o.created.to_bits());
                    let lo = lower(&c[age]);
                    let prev = last.insert(key, lo).unwrap_or(i64::MIN);
                    assert!(lo >= prev, "{} {file}:{} AGE went back", v.name(), lt.line);
                }
            }
        }
    }
}

#[test]
fn restarts_suffix_is_a_human_duration() {
    let re = regex::Regex::new(r"^(\d+)(?: \((.+) ago\))?$").unwrap();
    for v in Variant::all() {
        for seed in seeds() {
            let e = run(&Config::new(seed, v));
            let (h, rows) = rows(&e, "pods.log");
            let r = col(&h, "RESTARTS");
            for (c, lt) in rows {
                let m = re
                    .captures(&c[r])
                    .unwrap_or_else(|| panic!("{}:{} {:?}", v.name(), lt.line, c));
                if let Some(ago) = m.get(2) {
                    assert!(
                        parse(ago.as_str(), Formatter::Human).is_some(),
                        "{}",
                        ago.as_str()
                    );
                    assert_ne!(&m[1], "0", "suffix only with a non-zero count");
                }
            }
        }
    }
}

#[test]
fn eviction_is_about_grace_plus_300_s_after_the_failure() {
    for (server, grace) in [(29, 40.0), (32, 50.0)] {
        for seed in seeds() {
            let mut c = Config::new(seed, Variant::PowerOff(Return::Never));
            c.server_minor = server;
            let t = run(&c).truth;
            let after = t.e.unwrap() - t.injected.unwrap();
            assert!(
                (grace + 300.0 - 10.0..=grace + 300.0 + 12.0).contains(&after),
                "{server}: {after}"
            );
            let det = t.metrics.detection_s.unwrap();
            assert!((grace - 10.0..=grace + 10.0).contains(&det), "{det}");
            assert_eq!(t.scenario, "migrated-no-return");
        }
    }
}

#[test]
fn lowered_toleration_shortens_eviction() {
    let mut c = Config::new(4, Variant::PowerOff(Return::Never));
    c.toleration_s = 30.0;
    let t = run(&c).truth;
    assert!((29.0..33.0).contains(&t.metrics.eviction_s.unwrap()));
}

#[test]
fn scenarios_follow_the_phase_order() {
    use Return::*;
    let cases = [
        (Variant::NoFailure, "no-failure"),
        (Variant::PowerOff(BeforeEviction), "in-place"),
        (Variant::PowerOff(MidMigration), "mid-migration"),
        (Variant::PowerOff(PostMigration), "post-migration"),
        (Variant::PowerOff(Never), "migrated-no-return"),
        (Variant::PowerOff(CaptureEndsFirst), "ongoing"),
        (Variant::NetworkPartition, "in-place"),
        (Variant::StatefulSetStuck, "mid-migration"),
        (Variant::GracefulShutdown(PostMigration), "post-migration"),
        (Variant::GracefulShutdown(Never), "migrated-no-return"),
        (Variant::FullDisruption { returns: true }, "in-place"),
        (Variant::FullDisruption { returns: false }, "ongoing"),
        (Variant::LegacyNodeLost(PostMigration), "post-migration"),
        (Variant::ForceDelete, "migrated-no-return"),
        (Variant::NodeDeleted, "migrated-no-return"),
        (Variant::ManualDelete, "no-failure"),
        (Variant::Rollout, "no-failure"),
    ];
    for (v, want) in cases {
        for seed in seeds() {
            let t = run(&Config::new(seed, v)).truth;
            assert_eq!(t.scenario, want, "{} seed {seed}", v.name());
            if let (Some(f), Some(e)) = (t.f, t.e) {
                assert!(f <= e + 1e-9, "{}", v.name());
            }
            if let (Some(e), Some(r)) = (t.e, t.r) {
                assert!(e < r);
            }
            assert!(t.capture_start < t.injected.unwrap_or(f64::INFINITY));
            for x in [t.f, t.e, t.r, t.n, t.node_ready].into_iter().flatten() {
                assert!(x < t.capture_end, "{} phase after capture end", v.name());
            }
        }
    }
}

/// (READY, UP-TO-DATE) numbers of every deployment row.
fn deploy_counts(e: &Experiment) -> Vec<(u32, u32)> {
    let (h, rows) = rows(e, "deployments.log");
    let (ready, upd) = (col(&h, "READY"), col(&h, "UP-TO-DATE"));
    rows.iter()
        .map(|(c, _)| {
            let r = c[ready].split('/').next().unwrap().parse().unwrap();
            (r, c[upd].parse().unwrap())
        })
        .collect()
}

#[test]
fn uptodate_never_dips_in_a_failure_without_the_rs_status_lag() {
    for seed in seeds() {
        let mut c = Config::new(seed, Variant::PowerOff(Return::PostMigration));
        c.transient_uptodate_dip = false;
        let e = run(&c);
        assert!(
            deploy_counts(&e).iter().all(|&(_, u)| u == 3),
            "{:?}",
            deploy_counts(&e)
        );
    }
}

#[test]
fn uptodate_dips_for_one_line_at_the_eviction_like_the_seed() {
    for seed in seeds() {
        let e = run(&Config::new(seed, Variant::PowerOff(Return::Never)));
        let counts = deploy_counts(&e);
        let (_, rows) = rows(&e, "deployments.log");
        let dips: Vec<usize> = (0..counts.len()).filter(|&i| counts[i].1 < 3).collect();
        assert!(!dips.is_empty());
        for i in dips {
            assert_eq!(counts[i].1, 2);
            // Back to 3 on the next line that differs, within a second or two.
            let j = (i + 1..counts.len())
                .find(|&j| counts[j] != counts[i])
                .unwrap();
            assert_eq!(counts[j].1, 3, "{counts:?}");
            assert!(rows[j].1.time - rows[i].1.time < 2.5);
        }
    }
}

#[test]
fn rollout_uptodate_climbs_from_zero() {
    for seed in seeds() {
        let e = run(&Config::new(seed, Variant::Rollout));
        let counts = deploy_counts(&e);
        let first_zero = counts.iter().position(|c| c.1 == 0).expect("UP-TO-DATE 0");
        let after: Vec<u32> = counts[first_zero..].iter().map(|c| c.1).collect();
        assert!(after.windows(2).all(|w| w[1] >= w[0]), "{counts:?}");
        assert_eq!(*after.last().unwrap(), 3);
    }
}

fn pod_statuses(e: &Experiment) -> Vec<(String, String, String)> {
    let (h, rows) = rows(e, "pods.log");
    let (s, ip) = (col(&h, "STATUS"), col(&h, "IP"));
    rows.iter()
        .map(|(c, _)| (c[0].clone(), c[s].clone(), c[ip].clone()))
        .collect()
}

#[test]
fn partition_keeps_ips_and_restart_counts() {
    for seed in seeds() {
        let e = run(&Config::new(seed, Variant::NetworkPartition));
        let (h, rows) = rows(&e, "pods.log");
        let (r, ip) = (col(&h, "RESTARTS"), col(&h, "IP"));
        let mut seen: std::collections::HashMap<String, (String, String)> = Default::default();
        for (c, _) in rows {
            let now = (c[r].clone(), c[ip].clone());
            if let Some(prev) = seen.insert(c[0].clone(), now.clone()) {
                assert_eq!(prev, now);
            }
        }
    }
}

#[test]
fn in_place_reboot_restarts_with_a_new_ip() {
    for seed in seeds() {
        let e = run(&Config::new(
            seed,
            Variant::PowerOff(Return::BeforeEviction),
        ));
        let text = &e.file("pods.log").unwrap().text;
        assert!(text.contains(" ago)"), "{text}");
        assert!(!text.contains("Terminating"));
    }
}

#[test]
fn full_disruption_evicts_nothing() {
    for seed in seeds() {
        let e = run(&Config::new(
            seed,
            Variant::FullDisruption { returns: false },
        ));
        assert!(pod_statuses(&e).iter().all(|p| p.1 == "Running"));
        assert!(e.file("nodes.log").unwrap().text.contains("NotReady"));
    }
}

#[test]
fn legacy_server_prints_nodelost_then_unknown() {
    let e = run(&Config::new(5, Variant::LegacyNodeLost(Return::Never)));
    assert!(e.config.server_minor < 13);
    let s: Vec<String> = pod_statuses(&e).into_iter().map(|p| p.1).collect();
    let i = s
        .iter()
        .position(|x| x == "NodeLost")
        .expect("NodeLost line");
    assert_eq!(s[i + 1], "Unknown");
    assert!(!s.contains(&"Terminating".to_string()));
    let h = e
        .file("deployments.log")
        .unwrap()
        .text
        .lines()
        .next()
        .unwrap()
        .to_string();
    assert!(h.starts_with("NAME") && h.contains("DESIRED   CURRENT   UP-TO-DATE"));
}

#[test]
fn disruption_target_adds_an_identical_line_from_1_26() {
    for (server, extra) in [(25, false), (26, true)] {
        let mut c = Config::new(2, Variant::PowerOff(Return::Never));
        c.server_minor = server;
        let e = run(&c);
        let lines: Vec<&str> = e.file("pods.log").unwrap().text.lines().collect();
        let term = e
            .truth
            .lines
            .iter()
            .find(|l| l.file == "pods.log" && lines[l.line - 1].contains("Terminating"))
            .unwrap();
        let name = &term.object.as_ref().unwrap().name;
        let prev = e
            .truth
            .lines
            .iter()
            .rev()
            .find(|l| {
                l.file == "pods.log"
                    && l.line < term.line
                    && l.object.as_ref().is_some_and(|o| &o.name == name)
            })
            .unwrap();
        let dt = (term.time - prev.time) < 1.0;
        assert_eq!(dt, extra, "server 1.{server}");
    }
}

#[test]
fn servers_from_1_31_print_the_terminal_reason_last() {
    for seed in seeds() {
        let mut c = Config::new(seed, Variant::PowerOff(Return::PostMigration));
        c.server_minor = 31;
        let e = run(&c);
        let old = &e
            .truth
            .lines
            .iter()
            .rev()
            .find(|l| l.event == Some("DELETED"))
            .unwrap();
        let text = e
            .file("pods.log")
            .unwrap()
            .text
            .lines()
            .nth(old.line - 1)
            .unwrap();
        assert!(!text.contains("Terminating"), "{text}");
    }
}

#[test]
fn ongoing_capture_stops_before_the_eviction_would_happen() {
    for seed in seeds() {
        let e = run(&Config::new(
            seed,
            Variant::PowerOff(Return::CaptureEndsFirst),
        ));
        let t = &e.truth;
        let evict_at = t.f.unwrap() + e.config.toleration_s;
        assert!(t.capture_end < evict_at, "{} >= {evict_at}", t.capture_end);
        assert!(!e.file("pods.log").unwrap().text.contains("Terminating"));
    }
}

#[test]
fn graceful_shutdown_fails_pods_at_once() {
    for seed in seeds() {
        let t = run(&Config::new(seed, Variant::GracefulShutdown(Return::Never))).truth;
        assert!(t.e.unwrap() - t.injected.unwrap() < 30.0);
        assert!(t.metrics.detection_s.unwrap() < 5.0);
    }
}

#[test]
fn statefulset_pod_comes_back_with_the_same_name_and_a_young_age() {
    let e = run(&Config::new(6, Variant::StatefulSetStuck));
    let (h, rows) = rows(&e, "pods.log");
    let age = col(&h, "AGE");
    let db: Vec<_> = rows.iter().filter(|(c, _)| c[0] == "db-0").collect();
    let creations: std::collections::BTreeSet<u64> = db
        .iter()
        .map(|(_, l)| l.object.as_ref().unwrap().created.to_bits())
        .collect();
    assert_eq!(creations.len(), 2);
    assert!(db.iter().any(|(c, _)| c[age] == "0s"));
}

#[test]
fn node_deletion_prints_a_deleted_node_line() {
    let mut c = Config::new(3, Variant::NodeDeleted);
    c.watch_events = true;
    c.server_minor = 31;
    let e = run(&c);
    let nodes = &e.file("nodes.log").unwrap().text;
    assert!(nodes
        .lines()
        .any(|l| l.starts_with("DELETED ") && l.contains("NotReady")));
    assert!(e.file("pods.log").unwrap().text.contains("Failed"));
}

#[test]
fn client_options_shape_the_columns() {
    let mut c = Config::new(1, Variant::PowerOff(Return::Never));
    c.watch_events = true;
    c.all_namespaces = true;
    c.show_kind = true;
    let e = run(&c);
    let pods = &e.file("pods.log").unwrap().text;
    assert!(pods.starts_with("EVENT      NAMESPACE     NAME"));
    assert!(pods
        .lines()
        .skip(1)
        .all(|l| ["ADDED      ", "MODIFIED   ", "DELETED    "]
            .iter()
            .any(|p| l.starts_with(p))));
    assert!(pods.contains("kube-system   pod/kube-proxy-"));
    assert!(e
        .file("nodes.log")
        .unwrap()
        .text
        .starts_with("EVENT      NAME"));

    let mut c = Config::new(1, Variant::NoFailure);
    c.no_headers = true;
    c.label_columns = vec!["pod-template-hash".into()];
    let e = run(&c);
    assert!(!e.file("pods.log").unwrap().text.starts_with("NAME"));
    let nodes = &e.file("nodes.log").unwrap().text;
    assert!(
        nodes.lines().all(|l| l.ends_with(' ')),
        "empty last cell keeps padding"
    );
}

#[test]
fn session_log_with_timestamps_keeps_truth_line_numbers() {
    let mut c = Config::new(9, Variant::PowerOff(Return::PostMigration));
    c.layout = Layout::Session;
    c.timestamps = Some(Timestamps::Iso);
    let e = run(&c);
    assert_eq!(e.files.len(), 1);
    let lines: Vec<&str> = e.files[0].text.lines().collect();
    assert_eq!(e.truth.lines.len(), lines.len());
    let prompts = lines
        .iter()
        .filter(|l| l[20..].starts_with("$ kubectl get "))
        .count();
    assert_eq!(prompts, 3);
    for lt in &e.truth.lines {
        let text = &lines[lt.line - 1][20..];
        if let Some(o) = &lt.object {
            assert!(text.starts_with(&o.name), "{text}");
        }
    }
    let re = regex::Regex::new(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d ").unwrap();
    assert!(lines.iter().all(|l| re.is_match(l)));
}

#[test]
fn random_configs_play_without_panicking() {
    for seed in 0..60 {
        let e = run(&Config::random(seed));
        assert!(!e.files.is_empty());
    }
}

#[test]
#[ignore = "prints a sample; run with --ignored --nocapture"]
fn print_sample() {
    let seed: u64 = std::env::var("SIM_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1);
    let idx: usize = std::env::var("SIM_VARIANT")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3);
    let e = run(&Config::new(seed, Variant::all()[idx]));
    for f in &e.files {
        println!("==> {} <==\n{}", f.name, f.text);
    }
    let t = &e.truth;
    println!(
        "{} {} {:?} inj={:?} F={:?} E={:?} R={:?} N={:?} ready={:?}\n{:?}",
        t.scenario,
        t.variant,
        t.failed_nodes,
        t.injected,
        t.f,
        t.e,
        t.r,
        t.n,
        t.node_ready,
        t.metrics
    );
}
