//! A chaos soak: one long `kubectl get pods -o wide --watch` of a namespace of many
//! Deployment pods on ~34 nodes while nodes fail and come back again and again (the
//! hard case of the benchmarks, and scored tests: [`SoakTruth`] says what happened).
//!
//! Each failure plays what Kubernetes does by default (FORMAT.md §4.2–4.10): the node
//! controller marks the node's pods not ready 30–50 s after the failure (a MODIFIED
//! line each, visually identical: a touch); 300 s later the taint manager patches
//! `DisruptionTarget` (another identical line) and deletes them (`1/1 Terminating`,
//! READY unchanged), and their ReplicaSets' replacements (same pod-template hash, a
//! new 5-character suffix) go Pending → ContainerCreating → Running 0/1 → 1/1 on
//! other nodes. A node back before the eviction restarts its pods in place (RESTARTS
//! up by one, a new IP: a new sandbox, §4.7); a node back after it finishes its pods'
//! deletion (the returning kubelet's `0/1 Terminating`, then the DELETED line, printed
//! alike). Between failures containers crash and restart (same IP) and pods are
//! deleted by hand now and then. Lines are what kubectl prints: AGE from whole-second
//! creation timestamps through `HumanDuration`, RESTARTS with `(X ago)`, each watch
//! event its own tabwriter flush with remembered widths.
//!
//! Failures are spread by bytes: the k-th starts once k/(K+1) of the size is written
//! (or as soon after as a node can fail: at most a quarter of the nodes are down at
//! once, so no zone is disrupted, §4.3, and a node fails only with pods on it). A
//! node stays down from a minute and a half to two hours; one still down when the
//! capture ends is `migrated-no-return` (or `ongoing`).
//!
//! With `--rollouts`, Deployments also roll to new ReplicaSets now and then, as
//! Kubernetes's rolling update does them (`rollout.rs`): new pods of a new template
//! hash, old pods deleted as they become ready; they are not failures, and the truth
//! lists them apart.

mod config;
mod events;
mod nodes;
mod plan;
mod rollout;
mod write;

use std::cmp::Reverse;
use std::collections::BinaryHeap;

pub use config::{
    FailureTruth, RolloutTruth, SoakConfig, SoakTruth, DEFAULT_IN_PLACE, DEFAULT_POD_AGE_S,
    DEFAULT_TOLERATION_MS,
};

use super::names::{pod_suffix, template_hash};
use super::rng::Rng;
use super::tabwriter::{Era, TabWriter};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Running and ready (or crashed, restarting), on an up node.
    Live,
    /// Just created: `Pending <none>` printed, the scheduler's bind next.
    Created,
    Bound,
    Creating,
    Started,
    /// Crashed (`Error`); restarts in place next.
    Crashed,
    /// Its node is down: nothing prints until the node controller or the kubelet.
    Lost,
    /// Deleted: `Terminating`; the kubelet's final write and the DELETED line next.
    Terminating,
}

#[derive(Debug, Clone)]
struct Pod {
    name: String,
    deployment: usize,
    created_s: i64,
    node: Option<usize>,
    ip: Option<String>,
    ready: bool,
    status: &'static str,
    restarts: u32,
    last_restart_s: i64,
    phase: Phase,
    /// The failure whose replacement this is (its readiness is that failure's R).
    replaces: Option<usize>,
    /// Whether the current watch printed it (its next line is MODIFIED, not ADDED).
    printed: bool,
}

impl Pod {
    /// Its ReplicaSet's pod-template hash, read back from its name
    /// (`<deployment>-<hash>-<suffix>`): a pod replaced is replaced from its own
    /// ReplicaSet, the old one while a rollout runs.
    fn template(&self) -> &str {
        self.name.rsplit('-').nth(1).unwrap_or("")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Event {
    Background,
    /// Pod `slot` of generation `gen` takes its next step.
    Step(usize, u32),
    Mark(usize),
    Evict(usize),
    Return(usize),
    /// The kubelet's DELETED of a pod that finished terminating.
    Gone(usize, u32),
    /// The apiserver ended the watch; the loop runs it again (a new header and list).
    Relist,
    /// The containers of pod `slot` (generation `gen`), deleted by a rollout, stopped:
    /// the kubelet's `0/1 Terminating`, then its DELETED line.
    Stopped(usize, u32),
    /// The next rolling update is due (`--rollouts`).
    Rollout,
    /// The Deployment controller syncs Deployment `d`'s rollout.
    RolloutSync(usize),
    /// The rollout of Deployment `d` is synced again if nothing happened since the
    /// sync that scheduled this (its token).
    RolloutPoll(usize, u32),
}

/// A fact of a failure's truth, kept once its line is written.
#[derive(Debug, Clone, Copy)]
enum Fact {
    Marked,
    Evicted,
    Replaced,
    Returned,
}

struct Down {
    node: usize,
    return_ms: Option<i64>,
    /// Whether the node comes back (and its kubelet writes) before the eviction.
    evict_at_ms: i64,
    truth: FailureTruth,
}

/// Streams the lines of a soak (without `\n`) and keeps its truth.
pub struct Soak {
    cfg: SoakConfig,
    rng: Rng,
    tw: TabWriter,
    hashes: Vec<(String, String)>,
    pods: Vec<Option<Pod>>,
    gens: Vec<u32>,
    free: Vec<usize>,
    node_names: Vec<String>,
    node_down: Vec<Option<usize>>,
    downs: Vec<Down>,
    queue: BinaryHeap<Reverse<(i64, u64, Event)>>,
    /// (line number, failure, fact, time): the truth, line by line.
    facts: Vec<(u64, usize, Fact, i64)>,
    seq: u64,
    now_ms: i64,
    written: u64,
    lines: u64,
    pending: std::collections::VecDeque<String>,
    /// When each pending line was printed.
    pending_at: std::collections::VecDeque<i64>,
    /// When the last line taken was printed.
    last_line_ms: i64,
    started: bool,
    node_stream: Option<nodes::NodeStream>,
    event_stream: Option<events::EventStream>,
    /// Each Deployment's replicas (its spec), by index.
    replicas: Vec<usize>,
    /// Each Deployment's rollout under way, by index.
    rollouts: Vec<Option<rollout::Rolling>>,
    /// The rollouts started, as the truth tells them.
    rolled: Vec<RolloutTruth>,
}

impl Soak {
    /// A soak played from its configuration.
    pub fn new(cfg: SoakConfig) -> Soak {
        let rng = Rng::new(cfg.seed);
        let names = [
            "web", "api", "cache", "queue", "auth", "search", "billing", "media", "cart", "ledger",
            "notify", "report",
        ];
        let node_names = (1..=cfg.nodes)
            .map(|i| format!("worker-{i:02}"))
            .collect::<Vec<_>>();
        let mut soak = Soak {
            cfg,
            rng,
            tw: TabWriter::new(Era::Remember),
            hashes: Vec::new(),
            pods: Vec::new(),
            gens: Vec::new(),
            free: Vec::new(),
            node_down: vec![None; cfg.nodes],
            node_names,
            downs: Vec::new(),
            queue: BinaryHeap::new(),
            facts: Vec::new(),
            seq: 0,
            now_ms: 0,
            written: 0,
            lines: 0,
            pending: Default::default(),
            pending_at: Default::default(),
            last_line_ms: 0,
            started: false,
            node_stream: cfg.node_stream.then(|| nodes::NodeStream::new(cfg.nodes)),
            event_stream: cfg.events.then(|| events::EventStream::new(cfg.seed)),
            replicas: Vec::new(),
            rollouts: Vec::new(),
            rolled: Vec::new(),
        };
        let mut left = cfg.pods;
        let mut d = 0;
        while left > 0 {
            let replicas = (soak.rng.int(2, 8) as usize).min(left);
            let hash = template_hash(&mut soak.rng);
            soak.hashes
                .push((format!("{}-{}", names[d % names.len()], d), hash));
            soak.replicas.push(replicas);
            soak.rollouts.push(None);
            for _ in 0..replicas {
                let created = -(soak.rng.int(config::MIN_POD_AGE_S, cfg.pod_age_s) as i64);
                let node = soak.rng.int(0, cfg.nodes as u64 - 1) as usize;
                let ip = soak.pod_ip(node);
                let mut pod = soak.new_pod(d, None, created, None);
                pod.node = Some(node);
                pod.ip = Some(ip);
                pod.ready = true;
                pod.status = "Running";
                pod.phase = Phase::Live;
                soak.insert(pod);
            }
            left -= replicas;
            d += 1;
        }
        soak
    }

    fn pod_ip(&mut self, node: usize) -> String {
        format!(
            "10.244.{}.{}",
            node,
            self.rng.int(2, 254) // a new sandbox, a new address
        )
    }

    /// A new pod of `deployment`'s ReplicaSet of template `hash` (its current one
    /// when `None`).
    fn new_pod(
        &mut self,
        deployment: usize,
        hash: Option<&str>,
        created_s: i64,
        replaces: Option<usize>,
    ) -> Pod {
        let (dep, current) = &self.hashes[deployment];
        let hash = hash.unwrap_or(current);
        let name = format!("{dep}-{hash}-{}", pod_suffix(&mut self.rng));
        Pod {
            name,
            deployment,
            created_s,
            node: None,
            ip: None,
            ready: false,
            status: "Pending",
            restarts: 0,
            last_restart_s: 0,
            phase: Phase::Created,
            replaces,
            printed: false,
        }
    }

    fn insert(&mut self, pod: Pod) -> usize {
        match self.free.pop() {
            Some(i) => {
                self.pods[i] = Some(pod);
                self.gens[i] += 1;
                i
            }
            None => {
                self.pods.push(Some(pod));
                self.gens.push(0);
                self.pods.len() - 1
            }
        }
    }

    fn at(&mut self, delay_ms: i64, e: Event) {
        self.seq += 1;
        self.queue
            .push(Reverse((self.now_ms + delay_ms.max(0), self.seq, e)));
    }

    fn pod_mut(&mut self, slot: usize) -> &mut Pod {
        self.pods[slot].as_mut().expect("a live slot")
    }

    fn up_node(&mut self) -> usize {
        loop {
            let n = self.rng.int(0, self.cfg.nodes as u64 - 1) as usize;
            if self.node_down[n].is_none() {
                return n;
            }
        }
    }

    /// The pods on `node`, by slot.
    fn on_node(&self, node: usize) -> Vec<usize> {
        (0..self.pods.len())
            .filter(|&i| self.pods[i].as_ref().is_some_and(|p| p.node == Some(node)))
            .collect()
    }

    /// A new pod of `deployment`'s ReplicaSet of template `hash` (its current one when
    /// `None`; a replacement of failure `replaces`), ADDED `Pending` with no node; the
    /// scheduler binds it next.
    fn replace(&mut self, deployment: usize, hash: Option<&str>, replaces: Option<usize>) {
        let created = self.now_ms.div_euclid(1000);
        let pod = self.new_pod(deployment, hash, created, replaces);
        let slot = self.insert(pod);
        self.emit(slot);
        let gen = self.gens[slot];
        let d = self.rng.int(5, 900) as i64;
        self.at(d, Event::Step(slot, gen));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn soak(seed: u64) -> (Vec<u8>, SoakTruth) {
        let mut out = Vec::new();
        let truth = Soak::new(SoakConfig::new(seed, 1_500_000, 200, 12))
            .write(&mut out)
            .expect("in memory");
        (out, truth)
    }

    #[test]
    fn a_soak_is_deterministic_and_its_truth_counts_every_failure_printed() {
        let (a, ta) = soak(3);
        let (b, _) = soak(3);
        assert_eq!(a, b);
        assert_ne!(a, soak(4).0);
        let text = String::from_utf8(a).expect("ASCII");
        assert_eq!(text.lines().filter(|l| l.starts_with("NAME ")).count(), 1);
        assert!(ta.failures.len() >= 10, "{}", ta.failures.len());
        for f in &ta.failures {
            let [m0, m1] = f.marked_ms.expect("kept only when marked");
            assert!(f.failed_ms + 30_000 <= m0 && m0 <= m1);
            if let Some(e) = f.evicted_ms {
                assert!(e >= m1 + 300_000, "{f:?}");
                assert!(f.returned_ms.is_none_or(|n| n > e - 1_000), "{f:?}");
            }
        }
        let kinds: std::collections::HashSet<_> = ta.failures.iter().map(|f| f.scenario).collect();
        assert!(
            kinds.contains("in-place") && kinds.contains("post-migration"),
            "{kinds:?}"
        );
    }

    /// On a 30 s toleration a node's pods are evicted half a minute after its marks
    /// (to the taint manager's seconds), and a node back in place is back within it.
    #[test]
    fn a_short_toleration_evicts_half_a_minute_after_the_marks() {
        let cfg = SoakConfig::new(3, 1_500_000, 200, 12).with_toleration_s(30);
        let truth = Soak::new(cfg).write(&mut Vec::new()).expect("in memory");
        let (mut evicted, mut in_place) = (0, 0);
        for f in &truth.failures {
            let [m0, m1] = f.marked_ms.expect("kept only when marked");
            if let Some(e) = f.evicted_ms {
                assert!(e >= m1 + 30_000 && e <= m0 + 33_000, "{f:?}");
                evicted += 1;
            } else if let Some(n) = f.returned_ms {
                assert!(n > m0 && n < m0 + 30_000, "{f:?}");
                in_place += 1;
            }
        }
        assert!(evicted > 0 && in_place > 0, "{truth:?}");
    }

    /// `-A --output-watch-events` (FORMAT.md §3.4): EVENT then NAMESPACE first, the
    /// initial list sorted by namespace then name, a pod's first line ADDED, its last
    /// DELETED once it is gone, MODIFIED between; after the two, the cells the plain
    /// watch prints.
    #[test]
    fn a_soak_watched_with_namespaces_and_events_prints_both_columns_first() {
        let cfg = SoakConfig::new(3, 1_500_000, 200, 12);
        let mut text = Vec::new();
        let both = cfg.with_all_namespaces().with_watch_events();
        Soak::new(both).write(&mut text).expect("in memory");
        let text = String::from_utf8(text).expect("ASCII");
        let lines: Vec<Vec<&str>> = text
            .lines()
            .map(|l| l.split_whitespace().collect())
            .collect();
        assert_eq!(lines[0][..3], ["EVENT", "NAMESPACE", "NAME"]);
        let listed = 1 + lines[1..].iter().take_while(|w| w[0] == "ADDED").count();
        let keys: Vec<_> = lines[1..listed].iter().map(|w| (w[1], w[2])).collect();
        assert!(
            keys.windows(2).all(|k| k[0] < k[1]),
            "sorted by namespace, name"
        );
        assert!(keys.iter().any(|k| k.0 != keys[0].0), "several namespaces");
        let mut seen: std::collections::HashSet<_> = keys.iter().map(|k| k.1).collect();
        let mut gone = 0;
        for (i, w) in lines.iter().enumerate().skip(listed) {
            assert!(w.len() >= 2 + 9, "line {}: {w:?}", i + 1);
            let expected = match seen.insert(w[2]) {
                true => "ADDED",
                false if w[0] == "DELETED" => "DELETED",
                false => "MODIFIED",
            };
            assert_eq!(w[0], expected, "line {}", i + 1);
            if w[0] == "DELETED" {
                gone += 1;
                assert!(
                    lines[i + 1..].iter().all(|l| l[2] != w[2]),
                    "{} again",
                    w[2]
                );
            }
        }
        assert!(gone > 10, "{gone} pods deleted");
    }

    #[test]
    fn an_evicted_pod_is_replaced_from_its_own_replicaset_and_finished_by_its_kubelet() {
        let (text, truth) = soak(5);
        let text = String::from_utf8(text).expect("ASCII");
        let lines: Vec<&str> = text.lines().collect();
        let f = truth
            .failures
            .iter()
            .find(|f| f.scenario == "post-migration")
            .expect("one post-migration");
        // The first `Terminating` on the node: identical line before it (the
        // DisruptionTarget patch), and a new pod of the same ReplicaSet after.
        let cells = |l: &str| l.split_whitespace().map(String::from).collect::<Vec<_>>();
        let name = |l: &str| l.split(' ').next().unwrap_or("").to_string();
        let i = (1..lines.len())
            .find(|&i| {
                let l = lines[i];
                l.contains(" Terminating ")
                    && l.contains(&f.node)
                    && l.contains(" 1/1 ")
                    && name(lines[i - 1]) == name(l)
            })
            .expect("an eviction");
        let (prev, evicted) = (cells(lines[i - 1]), cells(lines[i]));
        assert_eq!(prev[0], evicted[0]);
        assert_eq!(prev[2], "Running");
        let rs = evicted[0].rsplit_once('-').expect("a generated name").0;
        let new = cells(lines[i + 1]);
        assert!(new[0].starts_with(rs) && new[0] != evicted[0], "{new:?}");
        assert_eq!(new[1..3], ["0/1".to_string(), "Pending".to_string()]);
        assert_eq!(new[6], "<none>");
        // The returning kubelet's last write: 0/1 Terminating.
        assert!(lines[i..].iter().any(|l| l.starts_with(&evicted[0])
            && l.contains(" 0/1 ")
            && l.contains("Terminating")));
    }

    /// `--in-place 1`: every node back before its pods' eviction; none evicted.
    #[test]
    fn every_failure_is_back_in_place_when_the_share_is_one() {
        let cfg = SoakConfig::new(3, 1_500_000, 200, 12);
        let truth = Soak::new(cfg.with_in_place(1.0))
            .write(&mut Vec::new())
            .expect("in memory");
        assert!(truth.failures.len() >= 10, "{}", truth.failures.len());
        for f in &truth.failures {
            assert_eq!(f.scenario, "in-place", "{f:?}");
            assert!(f.evicted_ms.is_none() && f.returned_ms.is_some(), "{f:?}");
        }
        let default = Soak::new(cfg).write(&mut Vec::new()).expect("in memory");
        assert!(default.failures.iter().any(|f| f.scenario != "in-place"));
    }

    /// `--churn-gap 16`: a background change every 16 s, not 1.6 s: the same bytes
    /// and failures over several times the hours.
    #[test]
    fn a_sparser_churn_spreads_the_soak_over_more_hours() {
        let cfg = SoakConfig::new(3, 1_500_000, 200, 12);
        let last = |cfg: SoakConfig| {
            let truth = Soak::new(cfg).write(&mut Vec::new()).expect("in memory");
            assert_eq!(truth.failures.len(), 12);
            truth.failures.last().map_or(0, |f| f.failed_ms)
        };
        let (dense, sparse) = (last(cfg), last(cfg.with_churn_gap_s(16.0)));
        assert!(sparse > 4 * dense, "{dense} ms, {sparse} ms");
    }

    /// The AGE cells of the initial list, in whole hours, and as printed.
    fn initial_ages(cfg: SoakConfig) -> Vec<(i64, String)> {
        let mut out = Vec::new();
        Soak::new(cfg).write(&mut out).expect("in memory");
        let text = String::from_utf8(out).expect("ASCII");
        let hours = |age: &str| -> i64 {
            let (mut total, mut n) = (0, 0);
            for c in age.chars() {
                match c.to_digit(10) {
                    Some(d) => n = n * 10 + i64::from(d),
                    None => {
                        total += n * [('d', 24), ('h', 1)]
                            .iter()
                            .find(|u| u.0 == c)
                            .map_or(0, |u| u.1);
                        n = 0;
                    }
                }
            }
            total
        };
        text.lines()
            .skip(1)
            .take(cfg.pods)
            .map(|l| l.split_whitespace().nth(4).expect("an AGE").to_string())
            .map(|age| (hours(&age), age))
            .collect()
    }

    /// `--pod-age 20`: the initial pods are days to weeks old (`14d`, `3d7h`), none
    /// older than 20 days; by default none is a day old.
    #[test]
    fn initial_pods_are_days_old_with_an_older_pod_age() {
        let cfg = SoakConfig::new(3, 300_000, 400, 2);
        let old = initial_ages(cfg.with_pod_age_days(20.0));
        assert_eq!(old.len(), 400);
        assert!(old.iter().all(|(h, _)| *h < 20 * 24), "{old:?}");
        let weeks = old.iter().filter(|(h, _)| *h >= 8 * 24).count();
        assert!(weeks > 200, "{weeks} of 400 a week old or more");
        let two_units = |a: &str| a.ends_with('h') && a.contains('d');
        assert!(old.iter().any(|(_, a)| two_units(a)), "{old:?}");
        let young = initial_ages(cfg);
        assert!(
            young.iter().all(|(h, a)| *h < 24 && !a.contains('d')),
            "{young:?}"
        );
    }
}
