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

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use serde::Serialize;

use crate::duration::format_human;

use super::churn::HEADER;
use super::names::{pod_suffix, template_hash};
use super::rng::Rng;
use super::tabwriter::{Era, TabWriter};

/// What a soak is made of.
#[derive(Debug, Clone, Copy)]
pub struct SoakConfig {
    /// Seed for every random choice.
    pub seed: u64,
    /// At least this many bytes of transcript.
    pub bytes: u64,
    /// Pods in the namespace (Deployments of 2 to 8 replicas).
    pub pods: usize,
    /// Nodes in the cluster.
    pub nodes: usize,
    /// Node failures spread through the soak.
    pub failures: usize,
}

impl SoakConfig {
    /// A soak of about `bytes`, `pods` pods and `failures` node failures.
    pub fn new(seed: u64, bytes: u64, pods: usize, failures: usize) -> SoakConfig {
        SoakConfig {
            seed,
            bytes,
            pods: pods.max(2),
            nodes: 34,
            failures,
        }
    }
}

/// The truth of one node failure, times in milliseconds since the watch started
/// (the first line's time).
#[derive(Debug, Clone, Serialize)]
pub struct FailureTruth {
    /// The node that failed.
    pub node: String,
    /// The node went down.
    pub failed_ms: i64,
    /// The first and last of its pods' not-ready marks (the touches).
    pub marked_ms: Option<[i64; 2]>,
    /// The first of its pods printed `Terminating` by the taint manager.
    pub evicted_ms: Option<i64>,
    /// The last replacement printed Running and ready.
    pub replaced_ms: Option<i64>,
    /// The returning kubelet's first pod write.
    pub returned_ms: Option<i64>,
    /// Pods on the node when it failed.
    pub pods: usize,
    /// DESIGN.md's scenario, from the order of what was printed before the end.
    pub scenario: &'static str,
}

/// Every failure of a soak, in the order they began.
#[derive(Debug, Clone, Serialize)]
pub struct SoakTruth {
    /// `watchtrail/soak-truth/v1`.
    pub schema: &'static str,
    /// The seed it was played with.
    pub seed: u64,
    /// Pods in the namespace.
    pub pods: usize,
    /// Nodes in the cluster.
    pub nodes: usize,
    /// Lines written.
    pub lines: u64,
    /// Every failure, in time order.
    pub failures: Vec<FailureTruth>,
}

impl FailureTruth {
    fn decide(&mut self) {
        let (e, r, n) = (self.evicted_ms, self.replaced_ms, self.returned_ms);
        self.scenario = match (e, r, n) {
            (None, _, None) if self.marked_ms.is_none() => "no-failure",
            (_, Some(_), None) => "migrated-no-return",
            (_, None, None) => "ongoing",
            (None, _, Some(_)) => "in-place",
            (Some(e), _, Some(n)) if n < e => "in-place",
            (Some(_), Some(r), Some(n)) if r < n => "post-migration",
            _ => "mid-migration",
        };
    }
}

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
    started: bool,
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
            started: false,
        };
        let mut left = cfg.pods;
        let mut d = 0;
        while left > 0 {
            let replicas = (soak.rng.int(2, 8) as usize).min(left);
            let hash = template_hash(&mut soak.rng);
            soak.hashes
                .push((format!("{}-{}", names[d % names.len()], d), hash));
            for _ in 0..replicas {
                let created = -(soak.rng.int(600, 86_400) as i64);
                let node = soak.rng.int(0, cfg.nodes as u64 - 1) as usize;
                let ip = soak.pod_ip(node);
                let mut pod = soak.new_pod(d, created, None);
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

    fn new_pod(&mut self, deployment: usize, created_s: i64, replaces: Option<usize>) -> Pod {
        let (dep, hash) = &self.hashes[deployment];
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

    fn cells(&self, pod: &Pod) -> Vec<String> {
        let since = |s: i64| self.now_ms - s * 1000;
        let restarts = if pod.restarts > 0 {
            format!(
                "{} ({} ago)",
                pod.restarts,
                format_human(since(pod.last_restart_s))
            )
        } else {
            "0".to_string()
        };
        let none = || "<none>".to_string();
        vec![
            pod.name.clone(),
            format!("{}/1", u8::from(pod.ready)),
            pod.status.to_string(),
            restarts,
            format_human(since(pod.created_s)),
            pod.ip.clone().unwrap_or_else(none),
            pod.node.map_or_else(none, |n| self.node_names[n].clone()),
            none(),
            none(),
        ]
    }

    fn emit(&mut self, slot: usize) {
        let Some(pod) = &self.pods[slot] else { return };
        let lines = self.tw.flush(&[self.cells(pod)]);
        self.pending.extend(lines);
    }

    /// Records `fact` of failure `f` at the line just queued.
    fn note(&mut self, f: usize, fact: Fact) {
        let line = self.lines + self.pending.len() as u64;
        self.facts.push((line, f, fact, self.now_ms));
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

    /// A new pod of `deployment` (a replacement of failure `replaces`), ADDED
    /// `Pending` with no node; the scheduler binds it next.
    fn replace(&mut self, deployment: usize, replaces: Option<usize>) {
        let created = self.now_ms.div_euclid(1000);
        let pod = self.new_pod(deployment, created, replaces);
        let slot = self.insert(pod);
        self.emit(slot);
        let gen = self.gens[slot];
        let d = self.rng.int(5, 900) as i64;
        self.at(d, Event::Step(slot, gen));
    }

    /// Starts a failure of a node with pods on it, if one can fail now.
    fn fail(&mut self) -> bool {
        let down = self.node_down.iter().filter(|d| d.is_some()).count();
        if down * 4 >= self.cfg.nodes {
            return false;
        }
        let candidates: Vec<usize> = (0..self.cfg.nodes)
            .filter(|&n| self.node_down[n].is_none())
            .filter(|&n| {
                self.pods
                    .iter()
                    .flatten()
                    .any(|p| p.node == Some(n) && p.phase == Phase::Live && p.ready)
            })
            .collect();
        if candidates.is_empty() {
            return false;
        }
        let node = *self.rng.pick(&candidates);
        let f = self.downs.len();
        let mark = self.rng.int(30_000, 50_000) as i64;
        let evict_at_ms = self.now_ms + mark + 300_000 + self.rng.int(0, 2_000) as i64;
        // In place (back before the eviction), mid-migration (back as the
        // replacements start), post-migration (back later), or a long outage.
        let roll = self.rng.unit();
        let return_ms = if roll < 0.35 {
            Some(self.now_ms + self.rng.int(90_000, 300_000) as i64)
        } else if roll < 0.5 {
            Some(evict_at_ms + self.rng.int(3_000, 8_000) as i64)
        } else if roll < 0.95 {
            Some(evict_at_ms + self.rng.int(60_000, 900_000) as i64)
        } else {
            Some(evict_at_ms + self.rng.int(1_800_000, 7_200_000) as i64)
        };
        let pods: Vec<usize> = self.on_node(node);
        for &slot in &pods {
            let p = self.pod_mut(slot);
            p.phase = match p.phase {
                Phase::Terminating => Phase::Terminating,
                _ => Phase::Lost,
            };
        }
        self.node_down[node] = Some(f);
        self.downs.push(Down {
            node,
            return_ms,
            evict_at_ms,
            truth: FailureTruth {
                node: self.node_names[node].clone(),
                failed_ms: self.now_ms,
                marked_ms: None,
                evicted_ms: None,
                replaced_ms: None,
                returned_ms: None,
                pods: pods.len(),
                scenario: "ongoing",
            },
        });
        self.at(mark, Event::Mark(f));
        if let Some(r) = return_ms {
            self.at(r - self.now_ms, Event::Return(f));
        }
        if return_ms.is_none_or(|r| r > evict_at_ms) {
            self.at(evict_at_ms - self.now_ms, Event::Evict(f));
        }
        true
    }

    fn step(&mut self, slot: usize) {
        let now_s = self.now_ms.div_euclid(1000);
        // A pod on a node that went down waits for the node.
        if let Some(p) = &self.pods[slot] {
            if p.node.is_some_and(|n| self.node_down[n].is_some()) {
                self.pod_mut(slot).phase = Phase::Lost;
                return;
            }
        }
        let next_in: Option<(u64, u64)>;
        {
            let node = self.pods[slot].as_ref().and_then(|p| p.node);
            let ip = node.map(|n| self.pod_ip(n));
            let up = self.up_node();
            let p = self.pod_mut(slot);
            next_in = match p.phase {
                Phase::Created => {
                    p.node = Some(up);
                    p.phase = Phase::Bound;
                    Some((500, 3_000))
                }
                Phase::Bound => {
                    p.status = "ContainerCreating";
                    p.phase = Phase::Creating;
                    Some((2_000, 15_000))
                }
                Phase::Creating => {
                    p.status = "Running";
                    p.ip = ip;
                    p.phase = Phase::Started;
                    Some((3_000, 25_000))
                }
                Phase::Started => {
                    p.ready = true;
                    p.phase = Phase::Live;
                    None
                }
                Phase::Crashed => {
                    p.status = "Running";
                    p.restarts += 1;
                    p.last_restart_s = now_s;
                    p.phase = Phase::Started;
                    Some((2_000, 20_000))
                }
                Phase::Live | Phase::Lost | Phase::Terminating => return,
            };
        }
        self.emit(slot);
        let p = self.pod_mut(slot);
        if p.phase == Phase::Live && p.ready {
            if let Some(f) = p.replaces.take() {
                self.note(f, Fact::Replaced);
            }
        }
        if let Some((lo, hi)) = next_in {
            let d = self.rng.int(lo, hi) as i64;
            let gen = self.gens[slot];
            self.at(d, Event::Step(slot, gen));
        }
    }

    fn background(&mut self) {
        let next = self.rng.int(200, 3_000) as i64;
        self.at(next, Event::Background);
        if self.pods.is_empty() {
            return;
        }
        let slot = self.rng.int(0, self.pods.len() as u64 - 1) as usize;
        let Some(p) = &self.pods[slot] else { return };
        if p.phase != Phase::Live || !p.ready {
            return;
        }
        let roll = self.rng.unit();
        if roll < 0.8 {
            // A container crash: the kubelet writes `0/1 Error`, then restarts it.
            let p = self.pod_mut(slot);
            p.ready = false;
            p.status = "Error";
            p.phase = Phase::Crashed;
            self.emit(slot);
            let d = self.rng.int(1_000, 10_000) as i64;
            let gen = self.gens[slot];
            self.at(d, Event::Step(slot, gen));
        } else {
            // Deleted by hand: Terminating, the kubelet stops it, gone; the
            // ReplicaSet's new pod at once.
            let p = self.pod_mut(slot);
            p.status = "Terminating";
            p.phase = Phase::Terminating;
            let deployment = p.deployment;
            self.emit(slot);
            self.replace(deployment, None);
            let d = self.rng.int(1_000, 30_000) as i64;
            let gen = self.gens[slot];
            self.at(d, Event::Gone(slot, gen));
        }
    }

    fn mark(&mut self, f: usize) {
        let node = self.downs[f].node;
        for slot in self.on_node(node) {
            self.now_ms += self.rng.int(0, 40) as i64;
            self.emit(slot);
            self.note(f, Fact::Marked);
        }
    }

    fn evict(&mut self, f: usize) {
        let node = self.downs[f].node;
        for slot in self.on_node(node) {
            if self.pods[slot].as_ref().map(|p| p.phase) == Some(Phase::Terminating) {
                continue;
            }
            self.now_ms += self.rng.int(0, 40) as i64;
            // DisruptionTarget (an identical line), then the deletion.
            self.emit(slot);
            self.now_ms += self.rng.int(1, 30) as i64;
            let p = self.pod_mut(slot);
            p.status = "Terminating";
            p.phase = Phase::Terminating;
            let deployment = p.deployment;
            self.emit(slot);
            self.note(f, Fact::Evicted);
            self.now_ms += self.rng.int(1, 60) as i64;
            self.replace(deployment, Some(f));
        }
    }

    fn come_back(&mut self, f: usize) {
        let node = self.downs[f].node;
        self.node_down[node] = None;
        let boot_s = self.now_ms.div_euclid(1000) - self.rng.int(5, 20) as i64;
        for slot in self.on_node(node) {
            self.now_ms += self.rng.int(50, 800) as i64;
            let gen = self.gens[slot];
            let p = self.pod_mut(slot);
            if p.phase == Phase::Terminating {
                // The kubelet's final status, then the DELETED line (printed alike).
                p.ready = false;
                self.emit(slot);
                self.note(f, Fact::Returned);
                let d = self.rng.int(100, 2_000) as i64;
                self.at(d, Event::Gone(slot, gen));
                continue;
            }
            // A new sandbox: restart count up, a new IP, ready after its probe.
            p.ready = false;
            p.status = "Running";
            p.restarts += 1;
            p.last_restart_s = boot_s;
            p.phase = Phase::Started;
            let ip = self.pod_ip(node);
            self.pod_mut(slot).ip = Some(ip);
            self.emit(slot);
            self.note(f, Fact::Returned);
            let d = self.rng.int(3_000, 25_000) as i64;
            self.at(d, Event::Step(slot, gen));
        }
    }

    fn gone(&mut self, slot: usize) {
        // Only the kubelet finishes a deletion: on a node that is down, it waits.
        let node = self.pods[slot].as_ref().and_then(|p| p.node);
        if node.is_some_and(|n| self.node_down[n].is_some()) {
            return;
        }
        self.emit(slot);
        self.pods[slot] = None;
        self.free.push(slot);
    }

    fn advance(&mut self) {
        let want = self.downs.len() + 1;
        if want <= self.cfg.failures {
            let due = self.cfg.bytes * want as u64 / (self.cfg.failures as u64 + 1);
            if self.written >= due {
                self.fail();
            }
        }
        let Some(Reverse((t, _, e))) = self.queue.pop() else {
            return;
        };
        self.now_ms = self.now_ms.max(t);
        match e {
            Event::Background => self.background(),
            Event::Step(slot, gen) if self.gens[slot] == gen && self.pods[slot].is_some() => {
                self.step(slot)
            }
            Event::Gone(slot, gen) if self.gens[slot] == gen && self.pods[slot].is_some() => {
                self.gone(slot)
            }
            Event::Step(..) | Event::Gone(..) => {}
            Event::Mark(f) => self.mark(f),
            Event::Evict(f) => {
                let back = self.downs[f].return_ms;
                if back.is_none_or(|r| r > self.downs[f].evict_at_ms) {
                    self.evict(f)
                }
            }
            Event::Return(f) => self.come_back(f),
        }
    }

    /// The truth so far (call once the lines wanted are taken).
    pub fn truth(&self) -> SoakTruth {
        let mut all: Vec<FailureTruth> = self.downs.iter().map(|d| d.truth.clone()).collect();
        for &(line, f, fact, ms) in &self.facts {
            if line > self.lines {
                continue;
            }
            let t = &mut all[f];
            match fact {
                Fact::Marked => {
                    let m = t.marked_ms.get_or_insert([ms, ms]);
                    m[1] = m[1].max(ms);
                }
                Fact::Evicted => {
                    t.evicted_ms.get_or_insert(ms);
                }
                Fact::Replaced => t.replaced_ms = Some(t.replaced_ms.map_or(ms, |r| r.max(ms))),
                Fact::Returned => {
                    t.returned_ms.get_or_insert(ms);
                }
            }
        }
        // A failure whose marks were never printed is not in the transcript.
        let failures = all
            .into_iter()
            .filter(|t| t.marked_ms.is_some())
            .map(|mut t| {
                t.decide();
                t
            })
            .collect();
        SoakTruth {
            schema: "watchtrail/soak-truth/v1",
            seed: self.cfg.seed,
            pods: self.cfg.pods,
            nodes: self.cfg.nodes,
            lines: self.lines,
            failures,
        }
    }

    /// Writes the soak (at least `cfg.bytes` bytes) and returns its truth. The truth
    /// covers the lines written: a failure cut by the end is what its lines show.
    pub fn write(mut self, out: &mut impl std::io::Write) -> std::io::Result<SoakTruth> {
        while self.written < self.cfg.bytes {
            let Some(line) = self.next() else { break };
            out.write_all(line.as_bytes())?;
            out.write_all(b"\n")?;
            self.written += line.len() as u64 + 1;
        }
        // Events already applied whose lines were not written do not count.
        self.pending.clear();
        Ok(self.truth())
    }
}

impl Iterator for Soak {
    type Item = String;

    fn next(&mut self) -> Option<String> {
        if !self.started {
            self.started = true;
            let mut rows = vec![HEADER.map(String::from).to_vec()];
            rows.extend(self.pods.iter().flatten().map(|p| self.cells(p)));
            self.pending.extend(self.tw.flush(&rows));
            self.at(1_000, Event::Background);
        }
        while self.pending.is_empty() {
            if self.queue.is_empty() {
                return None;
            }
            self.advance();
        }
        self.lines += 1;
        self.pending.pop_front()
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
}
