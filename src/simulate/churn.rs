//! A long `kubectl get pods -o wide --watch` of a busy namespace, streamed line by line:
//! the input for throughput and memory benchmarks (issue: 200 MB and 1 GB transcripts)
//! and for tests that need a big transcript without holding it in memory.
//!
//! Unlike [`super::run`], nothing here is a failure experiment: deployments roll out
//! new ReplicaSets, containers crash and restart, and time moves on. Every line is
//! still what kubectl prints: the server computes AGE from whole-second creation
//! timestamps with `HumanDuration` (FORMAT.md §1.4), RESTARTS carries the
//! `(X ago)` suffix (§1.7), and each watch event is its own tabwriter flush with
//! remembered widths (§3.1–3.2). Memory is bounded by the number of live pods.

use crate::duration::format_human;

use super::names::{pod_suffix, template_hash};
use super::rng::Rng;
use super::tabwriter::{Era, TabWriter};

/// What a pod looks like right now.
#[derive(Debug, Clone)]
struct Pod {
    name: String,
    /// Creation time, whole seconds since the start of the watch.
    created: i64,
    node: usize,
    ip: String,
    ready: bool,
    status: &'static str,
    restarts: u32,
    last_restart: i64,
    /// Set when the pod is being deleted (its last two events are still to come).
    terminating: u8,
}

/// One deployment: `replicas` pods of the current template hash.
#[derive(Debug, Clone)]
struct Deployment {
    name: String,
    hash: String,
}

/// Streams the lines of one long pods watch (without `\n`).
pub struct Churn {
    rng: Rng,
    tw: TabWriter,
    deployments: Vec<Deployment>,
    pods: Vec<(usize, Pod)>,
    nodes: Vec<String>,
    /// Milliseconds since the watch started.
    now_ms: i64,
    pending: std::collections::VecDeque<String>,
    started: bool,
    /// Chance that an event changes nothing kubectl prints (a status write that only
    /// moves a condition's heartbeat): the pod's line again, AGE aside.
    repeats: f64,
}

impl Churn {
    /// A namespace of `deployments` deployments with `replicas` pods each, watched from
    /// when they are 5 to 60 minutes old.
    pub fn new(seed: u64, deployments: usize, replicas: usize) -> Churn {
        let mut rng = Rng::new(seed);
        let nodes: Vec<String> = (1..=8).map(|i| format!("worker-{i:02}")).collect();
        let names = [
            "web", "api", "cache", "queue", "auth", "search", "billing", "media",
        ];
        let deployments: Vec<Deployment> = (0..deployments)
            .map(|i| Deployment {
                name: format!("{}-{}", names[i % names.len()], i),
                hash: template_hash(&mut rng),
            })
            .collect();
        let mut churn = Churn {
            rng,
            tw: TabWriter::new(Era::Remember),
            deployments,
            pods: Vec::new(),
            nodes,
            now_ms: 0,
            pending: Default::default(),
            started: false,
            repeats: 0.0,
        };
        for d in 0..churn.deployments.len() {
            for _ in 0..replicas {
                let created = -(churn.rng.int(300, 3600) as i64);
                let mut pod = churn.new_pod(d, created);
                pod.ready = true;
                pod.status = "Running";
                churn.pods.push((d, pod));
            }
        }
        churn
    }

    fn new_pod(&mut self, d: usize, created: i64) -> Pod {
        let dep = &self.deployments[d];
        let name = format!("{}-{}-{}", dep.name, dep.hash, pod_suffix(&mut self.rng));
        let node = self.rng.int(0, self.nodes.len() as u64 - 1) as usize;
        Pod {
            name,
            created,
            node,
            ip: String::from("<none>"),
            ready: false,
            status: "Pending",
            restarts: 0,
            last_restart: 0,
            terminating: 0,
        }
    }

    fn cells(&self, pod: &Pod) -> Vec<String> {
        let since = |t: i64| self.now_ms - t * 1000;
        let restarts = if pod.restarts > 0 {
            format!(
                "{} ({} ago)",
                pod.restarts,
                format_human(since(pod.last_restart))
            )
        } else {
            "0".to_string()
        };
        let node = self.nodes[pod.node].clone();
        vec![
            pod.name.clone(),
            format!("{}/1", u8::from(pod.ready)),
            pod.status.to_string(),
            restarts,
            format_human(since(pod.created)),
            pod.ip.clone(),
            node,
            "<none>".to_string(),
            "<none>".to_string(),
        ]
    }

    fn emit(&mut self, pod_index: usize) {
        let cells = self.cells(&self.pods[pod_index].1);
        let lines = self.tw.flush(&[cells]);
        self.pending.extend(lines);
    }

    /// The same watch where a share `p` of the events reprint a pod unchanged.
    pub fn with_repeats(mut self, p: f64) -> Churn {
        self.repeats = p;
        self
    }

    /// Advances the world by one watch event and queues its line(s).
    fn step(&mut self) {
        self.now_ms += self.rng.int(50, 4000) as i64;
        let now_s = self.now_ms.div_euclid(1000);
        let i = self.rng.int(0, self.pods.len() as u64 - 1) as usize;
        if self.repeats > 0.0 && self.pods[i].1.terminating == 0 && self.rng.chance(self.repeats) {
            self.emit(i);
            return;
        }
        let roll = self.rng.unit();
        let pod = &mut self.pods[i].1;
        if pod.terminating > 0 {
            // `0/1 Terminating` once the containers stopped, then the object is gone
            // and the owner's new pod appears.
            pod.terminating -= 1;
            pod.ready = false;
            self.emit(i);
            if self.pods[i].1.terminating == 0 {
                let d = self.pods[i].0;
                self.pods.swap_remove(i);
                let pod = self.new_pod(d, now_s);
                self.pods.push((d, pod));
                let last = self.pods.len() - 1;
                self.emit(last);
            }
            return;
        }
        match pod.status {
            "Pending" => pod.status = "ContainerCreating",
            "ContainerCreating" => {
                let n = self.rng.int(2, 250);
                let pod = &mut self.pods[i].1;
                pod.ip = format!("10.244.{}.{}", pod.node, n);
                pod.status = "Running";
            }
            "Running" if !pod.ready => pod.ready = true,
            "Error" | "CrashLoopBackOff" => {
                pod.status = "Running";
                pod.restarts += 1;
                pod.last_restart = now_s;
            }
            _ if roll < 0.3 => {
                pod.ready = false;
                pod.status = if pod.restarts > 2 {
                    "CrashLoopBackOff"
                } else {
                    "Error"
                };
            }
            // Deleted (kubectl computes `Terminating` from the deletion timestamp,
            // READY unchanged until the containers stop), by hand or by a rollout
            // of the deployment (a new template hash for the pods that follow).
            _ => {
                if roll >= 0.5 {
                    let d = self.pods[i].0;
                    self.deployments[d].hash = template_hash(&mut self.rng);
                }
                let pod = &mut self.pods[i].1;
                pod.terminating = 1;
                pod.status = "Terminating";
            }
        }
        self.emit(i);
    }
}

/// The columns of `kubectl get pods -o wide`.
pub(crate) const HEADER: [&str; 9] = [
    "NAME",
    "READY",
    "STATUS",
    "RESTARTS",
    "AGE",
    "IP",
    "NODE",
    "NOMINATED NODE",
    "READINESS GATES",
];

impl Churn {
    /// The header and every pod's row, as one `kubectl get pods -o wide` prints them.
    fn table(&self) -> Vec<Vec<String>> {
        let mut rows = vec![HEADER.map(String::from).to_vec()];
        rows.extend(self.pods.iter().map(|(_, p)| self.cells(p)));
        rows
    }

    fn start(&mut self) {
        self.started = true;
        for idx in 0..self.pods.len() {
            let n = self.rng.int(2, 250);
            let pod = &mut self.pods[idx].1;
            pod.ip = format!("10.244.{}.{}", pod.node, n);
        }
    }

    /// The same namespace captured as `watch -n 2 kubectl get pods -o wide` screens
    /// (what `script` keeps of `watch`): each screen a fresh kubectl, so a fresh
    /// table layout, under watch's title line with the host and ctime date; on
    /// average `changes` watch events between two screens.
    pub fn screens(mut self, changes: f64) -> impl Iterator<Item = String> {
        self.start();
        let start = chrono::NaiveDate::from_ymd_opt(2026, 11, 27)
            .and_then(|d| d.and_hms_opt(12, 0, 0))
            .expect("a valid date");
        let mut screen_ms = 0i64;
        std::iter::from_fn(move || {
            let mut events = changes;
            while events > 0.0 && (events >= 1.0 || self.rng.chance(events)) {
                self.step();
                events -= 1.0;
            }
            self.pending.clear();
            screen_ms += 2000;
            self.now_ms = screen_ms;
            let date = start + chrono::Duration::milliseconds(screen_ms);
            let mut lines = vec![
                format!(
                    "Every 2.0s: kubectl get pods -o wide{:>40}: {}",
                    "k8s-master01",
                    date.format("%a %b %e %H:%M:%S %Y")
                ),
                String::new(),
            ];
            lines.extend(TabWriter::new(Era::Remember).flush(&self.table()));
            lines.push(String::new());
            Some(lines)
        })
        .flatten()
    }
}

impl Iterator for Churn {
    type Item = String;

    fn next(&mut self) -> Option<String> {
        if !self.started {
            self.start();
            let initial = self.table();
            self.pending.extend(self.tw.flush(&initial));
        }
        while self.pending.is_empty() {
            self.step();
        }
        self.pending.pop_front()
    }
}

/// Writes a churn transcript of at least `bytes` bytes to `out`, a share `repeats` of
/// its events reprinting a pod unchanged; returns the bytes written.
pub fn write_transcript(
    out: &mut impl std::io::Write,
    seed: u64,
    bytes: u64,
    repeats: f64,
) -> std::io::Result<u64> {
    write_lines(out, Churn::new(seed, 60, 4).with_repeats(repeats), bytes)
}

/// Writes `watch` screens of the same namespace (see [`Churn::screens`]) until at
/// least `bytes` bytes; returns the bytes written.
pub fn write_screens(
    out: &mut impl std::io::Write,
    seed: u64,
    bytes: u64,
    changes: f64,
) -> std::io::Result<u64> {
    write_lines(out, Churn::new(seed, 60, 4).screens(changes), bytes)
}

/// A transcript's rows in a fixed pseudo-random order (xorshift from `seed`, which
/// must not be 0), the first line (the header) first: a watch that contradicts itself
/// everywhere, for the benches and tests of conflict resolution.
pub fn shuffle_rows(text: &[u8], seed: u64) -> Vec<u8> {
    let mut lines: Vec<&[u8]> = text.split_inclusive(|&b| b == b'\n').collect();
    let mut state = seed;
    for i in (2..lines.len()).rev() {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        lines.swap(i, 1 + (state % i as u64) as usize);
    }
    lines.concat()
}

fn write_lines(
    out: &mut impl std::io::Write,
    lines: impl Iterator<Item = String>,
    bytes: u64,
) -> std::io::Result<u64> {
    let mut written = 0u64;
    for line in lines {
        out.write_all(line.as_bytes())?;
        out.write_all(b"\n")?;
        written += line.len() as u64 + 1;
        if written >= bytes {
            break;
        }
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn churn_is_a_single_watch_with_one_header() {
        let lines: Vec<String> = Churn::new(7, 5, 3).take(2000).collect();
        assert!(lines[0].starts_with("NAME "));
        assert_eq!(lines.iter().filter(|l| l.starts_with("NAME ")).count(), 1);
        assert!(lines.iter().any(|l| l.contains("Terminating")));
        assert!(lines.iter().any(|l| l.contains(" ago)")));
    }

    #[test]
    fn screens_repeat_the_whole_table_under_watch_titles() {
        let lines: Vec<String> = Churn::new(7, 5, 3).screens(0.5).take(200).collect();
        assert!(lines[0].starts_with("Every 2.0s: kubectl get pods -o wide"));
        assert!(
            lines[0].ends_with("Fri Nov 27 12:00:02 2026"),
            "{}",
            lines[0]
        );
        let titles = lines.iter().filter(|l| l.starts_with("Every 2.0s")).count();
        let headers = lines.iter().filter(|l| l.starts_with("NAME ")).count();
        assert_eq!(titles, headers);
        assert!(titles >= 10);
    }
}
