//! The law that `no-failure` captures stay `no-failure`: rollouts, manual deletes,
//! drains, cordons, node joins, crash loops and scale-downs, printed as people capture
//! them (plain listings typed one after another, kubectl's own column layout), with
//! random names, sizes and ages. None of them shows a node failure, so none may get an
//! incident.

use std::sync::Arc;

use proptest::prelude::*;
use watchtrail::input::{Origin, Source};
use watchtrail::simulate::{self, Config, Era, Layout, TabWriter, Variant};

fn verdict(files: &[(String, String)]) -> (String, String) {
    let sources: Vec<Source> = files
        .iter()
        .map(|(name, text)| Source {
            name: name.as_str().into(),
            origin: Origin::Bytes(Arc::from(text.as_bytes())),
        })
        .collect();
    let a = watchtrail::analyze(&sources, &watchtrail::Options::new("law")).unwrap();
    (a.scenario.name().to_string(), a.verdict)
}

/// One pod row: name, READY, STATUS, RESTARTS, AGE, NODE.
#[derive(Clone)]
struct Pod {
    name: String,
    ready: &'static str,
    status: &'static str,
    restarts: u32,
    age: String,
    node: String,
}

/// A little cluster printed by plain `get`s at a prompt.
struct Session {
    text: String,
    wide: bool,
}

impl Session {
    fn command(&mut self, cmd: &str) {
        self.text.push_str(&format!("[root@master ~]# {cmd}\n"));
    }

    fn table(&mut self, rows: Vec<Vec<String>>) {
        let mut tw = TabWriter::new(Era::for_client_minor(29));
        for l in tw.flush(&rows) {
            self.text.push_str(&l);
            self.text.push('\n');
        }
    }

    fn pods(&mut self, pods: &[Pod]) {
        let wide = if self.wide { " -o wide" } else { "" };
        self.command(&format!("kubectl get pods{wide}"));
        let mut rows = vec![["NAME", "READY", "STATUS", "RESTARTS", "AGE"]
            .iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>()];
        if self.wide {
            rows[0].extend(["IP", "NODE"].map(String::from));
        }
        for (i, p) in pods.iter().enumerate() {
            let mut r = vec![
                p.name.clone(),
                p.ready.into(),
                p.status.into(),
                p.restarts.to_string(),
                p.age.clone(),
            ];
            if self.wide {
                r.push(format!("10.42.{}.{}", i / 200, i % 200 + 2));
                r.push(p.node.clone());
            }
            rows.push(r);
        }
        self.table(rows);
    }

    fn nodes(&mut self, nodes: &[(String, &str, &str)]) {
        self.command("kubectl get nodes");
        let mut rows = vec![["NAME", "STATUS", "ROLES", "AGE", "VERSION"]
            .iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>()];
        for (name, status, age) in nodes {
            rows.push(vec![
                name.clone(),
                status.to_string(),
                "<none>".into(),
                age.to_string(),
                "v1.29.4".into(),
            ]);
        }
        self.table(rows);
    }
}

const SUFFIX: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";

fn suffix(seed: u64, i: usize) -> String {
    let mut x = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(i as u64 * 1442695040888963407);
    (0..5)
        .map(|_| {
            x = x.rotate_left(13).wrapping_mul(0x9E3779B97F4A7C15) ^ (x >> 7);
            SUFFIX[(x % SUFFIX.len() as u64) as usize] as char
        })
        .collect()
}

/// The no-failure shapes: what happens between two rounds of listings.
#[derive(Debug, Clone, Copy)]
enum Shape {
    Rollout,
    ManualDelete,
    Drain,
    Cordon,
    NodeJoin,
    CrashLoop,
    ScaleDown,
}

fn play(shape: Shape, seed: u64, replicas: usize, workers: usize, wide: bool) -> String {
    let mut s = Session {
        text: String::new(),
        wide,
    };
    let node = |i: usize| format!("worker-{}", i % workers + 1);
    let old: Vec<Pod> = (0..replicas)
        .map(|i| Pod {
            name: format!("web-7d4b9c8f6d-{}", suffix(seed, i)),
            ready: "1/1",
            status: "Running",
            restarts: 0,
            age: "3h".into(),
            node: node(i),
        })
        .collect();
    let mut nodes: Vec<(String, &str, &str)> =
        (0..workers).map(|i| (node(i), "Ready", "12d")).collect();
    s.nodes(&nodes);
    s.pods(&old);
    let fresh = |k: usize, age: &str, on: usize| Pod {
        name: format!("web-7d4b9c8f6d-{}", suffix(seed ^ 0xabc, k)),
        age: age.into(),
        node: node(on),
        ..old[0].clone()
    };
    match shape {
        Shape::Rollout => rollout(&mut s, &old, seed),
        Shape::ManualDelete => {
            s.command(&format!("kubectl delete pod {}", old[0].name));
            let mut mid = old.clone();
            mid[0].status = "Terminating";
            mid.push(fresh(0, "3s", 1));
            s.pods(&mid);
            let mut after = old[1..].to_vec();
            after.push(fresh(0, "35s", 1));
            s.pods(&after);
        }
        Shape::Drain | Shape::Cordon => {
            let cmd = if matches!(shape, Shape::Drain) {
                "kubectl drain worker-1 --ignore-daemonsets"
            } else {
                "kubectl cordon worker-1"
            };
            s.command(cmd);
            nodes[0].1 = "Ready,SchedulingDisabled";
            s.nodes(&nodes);
            if matches!(shape, Shape::Drain) {
                let mut after: Vec<Pod> = Vec::new();
                for (i, p) in old.iter().enumerate() {
                    if p.node == "worker-1" {
                        after.push(fresh(i, "20s", workers.max(2) - 1));
                    } else {
                        after.push(p.clone());
                    }
                }
                s.pods(&after);
            }
            s.command("kubectl uncordon worker-1");
            nodes[0].1 = "Ready";
            s.nodes(&nodes);
        }
        Shape::NodeJoin => {
            s.command("kubeadm token create --print-join-command");
            nodes.push(("worker-new".into(), "NotReady", "15s"));
            s.nodes(&nodes);
            nodes.last_mut().unwrap().1 = "Ready";
            nodes.last_mut().unwrap().2 = "75s";
            s.nodes(&nodes);
        }
        Shape::CrashLoop => crash_loop(&mut s, &old),
        Shape::ScaleDown => scale_down(&mut s, &old),
    }
    s.text
}

/// One pod crash-looping: its restarts rise, nothing else changes.
fn crash_loop(s: &mut Session, old: &[Pod]) {
    let mut bad = old.to_vec();
    bad[0].ready = "0/1";
    bad[0].status = "CrashLoopBackOff";
    bad[0].restarts = 4;
    s.pods(&bad);
    bad[0].status = "Error";
    bad[0].restarts = 5;
    s.pods(&bad);
}

/// A scale-down: pods Terminating, then gone, none replaced.
fn scale_down(s: &mut Session, old: &[Pod]) {
    s.command("kubectl scale deployment web --replicas=1");
    let mut mid = old.to_vec();
    for p in mid.iter_mut().skip(1) {
        p.status = "Terminating";
    }
    s.pods(&mid);
    s.pods(&old[..1]);
}

/// A rollout: a new template's pods replace the old ones.
fn rollout(s: &mut Session, old: &[Pod], seed: u64) {
    s.command("kubectl set image deployment/web web=nginx:1.27");
    let mut mid = old.to_vec();
    mid[0].status = "Terminating";
    mid.push(Pod {
        name: format!("web-5f6c8d9b4c-{}", suffix(seed ^ 7, 0)),
        age: "8s".into(),
        ..old[0].clone()
    });
    s.pods(&mid);
    let new: Vec<Pod> = old
        .iter()
        .enumerate()
        .map(|(i, p)| Pod {
            name: format!("web-5f6c8d9b4c-{}", suffix(seed ^ 7, i)),
            age: "40s".into(),
            ..p.clone()
        })
        .collect();
    s.pods(&new);
}

fn shape() -> impl Strategy<Value = Shape> {
    prop_oneof![
        Just(Shape::Rollout),
        Just(Shape::ManualDelete),
        Just(Shape::Drain),
        Just(Shape::Cordon),
        Just(Shape::NodeJoin),
        Just(Shape::CrashLoop),
        Just(Shape::ScaleDown),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn no_failure_captures_stay_no_failure(
        shape in shape(),
        seed in any::<u64>(),
        replicas in 2usize..8,
        workers in 2usize..5,
        wide in any::<bool>(),
    ) {
        let text = play(shape, seed, replicas, workers, wide);
        let (scenario, verdict) = verdict(&[("session.log".into(), text.clone())]);
        prop_assert_eq!(&scenario, "no-failure", "{:?}: {}\n{}", shape, verdict, text);
    }

    /// The simulator's no-failure variants, captured as watches or as plain listings.
    #[test]
    fn simulated_no_failures_stay_no_failure(
        seed in 0u64..10_000,
        variant in prop_oneof![Just(Variant::NoFailure), Just(Variant::ManualDelete), Just(Variant::Rollout)],
        listings in any::<bool>(),
        wide in any::<bool>(),
    ) {
        let mut c = Config::new(seed, variant);
        c.wide = wide;
        if listings {
            c.layout = Layout::Listings { every_s: 20 };
        }
        let e = simulate::run(&c);
        let files: Vec<(String, String)> = e.files.iter().map(|f| (f.name.clone(), f.text.clone())).collect();
        let (scenario, verdict) = verdict(&files);
        prop_assert_eq!(scenario, "no-failure", "{:?} seed {}: {}", variant, seed, verdict);
    }
}

/// The control: the same printing with one node NotReady long past joining is a
/// failure, so the law above is not passing on a generator that cannot show one.
#[test]
fn the_same_printing_shows_a_real_failure() {
    let mut s = Session {
        text: String::new(),
        wide: true,
    };
    let nodes = vec![
        ("worker-1".to_string(), "NotReady", "12d"),
        ("worker-2".to_string(), "Ready", "12d"),
    ];
    s.nodes(&nodes);
    let pods: Vec<Pod> = (0..3)
        .map(|i| Pod {
            name: format!("web-7d4b9c8f6d-{}", suffix(9, i)),
            ready: "1/1",
            status: if i == 0 { "Terminating" } else { "Running" },
            restarts: 0,
            age: "3h".into(),
            node: format!("worker-{}", i % 2 + 1),
        })
        .collect();
    s.pods(&pods);
    let (scenario, verdict) = verdict(&[("session.log".into(), s.text)]);
    assert_ne!(scenario, "no-failure", "{verdict}");
}

/// `line` cut after its fifth cell (AGE): what `kubectl get pods --watch` prints
/// without `-o wide`. Cells are parted by runs of two spaces or more (RESTARTS'
/// `1 (5m ago)` has single ones).
fn without_wide(line: &str) -> &str {
    let bytes = line.as_bytes();
    let (mut cells, mut i) = (0, 0);
    while i < bytes.len() {
        while i < bytes.len() && bytes[i] == b' ' {
            i += 1;
        }
        if i == bytes.len() {
            break;
        }
        // A cell runs to the next run of two spaces.
        while i < bytes.len() && !(bytes[i] == b' ' && bytes.get(i + 1) == Some(&b' ')) {
            i += 1;
        }
        cells += 1;
        if cells == 5 {
            return &line[..i];
        }
    }
    line
}

/// A busy namespace watched without `-o wide`, a third of its events reprints that
/// change nothing printed: reprints of a few pods meet by chance, and pods of one
/// owner are deleted together by rollouts, but no pass of the node controller over a
/// node's pods (many pods reprinted together, then most of them lost together) is
/// there, so no node is made up and there is no incident.
#[test]
fn a_busy_watch_without_a_node_column_stays_no_failure() {
    for seed in [4, 5, 6] {
        let mut wide = Vec::new();
        simulate::churn::write_transcript(&mut wide, seed, 2_000_000, 0.3).unwrap();
        let wide = String::from_utf8(wide).unwrap();
        let narrow: String = wide
            .lines()
            .map(|l| format!("{}\n", without_wide(l)))
            .collect();
        assert!(narrow.starts_with("NAME ") && !narrow.lines().next().unwrap().contains("IP"));
        let (scenario, verdict) = verdict(&[("pods.log".into(), narrow)]);
        assert_eq!(scenario, "no-failure", "seed {seed}: {verdict}");
    }
}
