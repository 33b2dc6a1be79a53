//! The events watch beside a soak: `kubectl get events -w` in a third terminal, in
//! the namespace of the soak's pods (`default`, where the nodes' events are kept too).
//!
//! What it prints (FORMAT.md §2.8, §4.2–4.7), each event when the soak does what it
//! tells: the scheduler's `Scheduled` as a new pod is bound, the kubelet's `Pulled`,
//! `Created` and `Started` as its container starts (just before the pod's line shows
//! `Running`); at a failure the node controller's pass, the node's `NodeNotReady` and
//! each pod's Warning `NodeNotReady` with its mark; the taint manager's
//! `TaintManagerEviction` as it deletes each pod; and the returning kubelet's
//! `Starting` and Warning `Rebooted` (a reboot only: a partitioned kubelet never
//! stopped) and its `NodeReady` with the node's Ready line. The watch opens with the
//! events the apiserver still keeps (`--event-ttl`, an hour): the starts of the pods
//! created in the last hour, by event name (object name, then time).
//!
//! LAST SEEN is the apiserver's `HumanDuration` of the print time less the event's
//! lastTimestamp, which is stored in whole seconds; an event reaches the watch a few
//! milliseconds to a quarter second after it happened, so it prints `0s`, or `1s`
//! across a second's boundary. Every event is its own watch event, hence its own
//! tabwriter flush with remembered widths (§3.1–3.2); the header is printed with the
//! initial list. The stream draws on its own random numbers, never the soak's: the
//! pods' lines and the truth are the same with or without it.

use crate::duration::format_human;
use crate::HashMap;

use super::super::rng::Rng;
use super::super::tabwriter::{Era, TabWriter};
use super::{Phase, Pod, Soak};

/// The command the transcript opens with (the prompt, as a terminal shows it).
const COMMAND: &str = "$ kubectl get events -w";
const HEADER: [&str; 5] = ["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"];
/// The soak's namespace, in the messages that name a pod as `namespace/name`.
const NAMESPACE: &str = "default";
/// How long the apiserver keeps an event (`--event-ttl`): the initial list holds the
/// last hour's.
const EVENT_TTL_MS: i64 = 3_600_000;
/// The one container of every soak pod.
const CONTAINER: &str = "app";

/// One event: what it says and when its component recorded it.
struct Record {
    /// When the component recorded it (its lastTimestamp, before truncation).
    at_ms: i64,
    warning: bool,
    reason: &'static str,
    object: String,
    message: String,
}

/// An event with the time the watch printed it.
struct Printed {
    print_ms: i64,
    /// Recording order: events printed in the same millisecond keep it.
    seq: u64,
    record: Record,
}

/// Who records an event. Each component's recorder sends its events in order, so
/// they reach the watch in that order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Source {
    Scheduler,
    NodeController,
    TaintManager,
    /// The kubelet of a node.
    Kubelet(usize),
}

/// The events' watch as it is recorded.
pub(super) struct EventStream {
    /// Delays, kubelet steps and boot ids: never the soak's own draws.
    rng: Rng,
    /// The initial list, as (event name's order key, record).
    listed: Vec<((String, i64), Record)>,
    printed: Vec<Printed>,
    /// Each source's latest print time.
    last_print: HashMap<Source, i64>,
}

impl EventStream {
    pub(super) fn new(seed: u64) -> EventStream {
        EventStream {
            rng: Rng::new(seed ^ 0x0E7E_4757_0E7E_4757),
            listed: Vec::new(),
            printed: Vec::new(),
            last_print: HashMap::default(),
        }
    }

    /// `record` reaches the watch 5–250 ms after it happened, and not before its
    /// source's earlier events.
    fn print(&mut self, source: Source, record: Record) {
        let delay = self.rng.int(5, 250) as i64;
        let last = self.last_print.entry(source).or_insert(i64::MIN);
        let print_ms = (record.at_ms + delay).max(*last);
        *last = print_ms;
        let seq = self.printed.len() as u64;
        self.printed.push(Printed {
            print_ms,
            seq,
            record,
        });
    }

    /// A new pod's container start as its kubelet tells it, the three events just
    /// before `started_ms` (the moment its status says Running).
    fn container_start(&mut self, pod: &Pod, image: &str, started_ms: i64) -> [Record; 3] {
        let started = started_ms - self.rng.int(20, 300) as i64;
        let created = started - self.rng.int(5, 120) as i64;
        let pulled = created - self.rng.int(5, 60) as i64;
        let object = format!("pod/{}", pod.name);
        [
            (
                pulled,
                "Pulled",
                format!("Container image \"{image}\" already present on machine"),
            ),
            (created, "Created", format!("Created container {CONTAINER}")),
            (started, "Started", format!("Started container {CONTAINER}")),
        ]
        .map(|(at_ms, reason, message)| Record {
            at_ms,
            warning: false,
            reason,
            object: object.clone(),
            message,
        })
    }

    /// A boot id as the kernel makes it (`/proc/sys/kernel/random/boot_id`, a
    /// random version-4 UUID).
    fn boot_id(&mut self) -> String {
        let (a, b) = (self.rng.next_u64(), self.rng.next_u64());
        format!(
            "{:08x}-{:04x}-4{:03x}-{:x}{:03x}-{:012x}",
            a >> 32,
            (a >> 16) & 0xffff,
            a & 0xfff,
            8 + (b >> 62),
            (b >> 48) & 0xfff,
            b & 0xffff_ffff_ffff
        )
    }
}

/// An event's row: LAST SEEN, TYPE, REASON, OBJECT, MESSAGE (FORMAT.md §2.8).
fn cells(r: &Record, print_ms: i64) -> Vec<String> {
    let last_seen_ms = r.at_ms.div_euclid(1000) * 1000;
    vec![
        format_human(print_ms - last_seen_ms),
        if r.warning { "Warning" } else { "Normal" }.to_string(),
        r.reason.to_string(),
        r.object.clone(),
        r.message.clone(),
    ]
}

fn scheduled(pod: &Pod, node: &str, at_ms: i64) -> Record {
    Record {
        at_ms,
        warning: false,
        reason: "Scheduled",
        object: format!("pod/{}", pod.name),
        message: format!("Successfully assigned {NAMESPACE}/{} to {node}", pod.name),
    }
}

fn node_event(
    node: &str,
    at_ms: i64,
    warning: bool,
    reason: &'static str,
    message: String,
) -> Record {
    Record {
        at_ms,
        warning,
        reason,
        object: format!("node/{node}"),
        message,
    }
}

impl Soak {
    /// The image of `pod`'s container: its Deployment's.
    fn image(&self, pod: &Pod) -> String {
        let (name, _) = &self.hashes[pod.deployment];
        let base = name.rsplit_once('-').map_or(name.as_str(), |(b, _)| b);
        format!("registry.example.com/{base}:1.{}", pod.deployment % 7)
    }

    /// Records an event with the current stream (none without one).
    fn with_events(&mut self, f: impl FnOnce(&Soak, &mut EventStream)) {
        if let Some(mut s) = self.event_stream.take() {
            f(self, &mut s);
            self.event_stream = Some(s);
        }
    }

    /// The initial list: the starts of the pods created within the events' lifetime
    /// before the watch, each bound 5–900 ms after its creation and started 5–40 s
    /// after that.
    pub(super) fn list_events(&mut self) {
        self.with_events(|soak, s| {
            for pod in soak.pods.iter().flatten() {
                let created_ms = pod.created_s * 1000 + s.rng.int(0, 999) as i64;
                if created_ms <= -EVENT_TTL_MS {
                    continue;
                }
                let node = pod.node.map_or("", |n| soak.node_names[n].as_str());
                let bound = created_ms + s.rng.int(5, 900) as i64;
                let started = bound + s.rng.int(5_000, 40_000) as i64;
                let start = s.container_start(pod, &soak.image(pod), started);
                let records = std::iter::once(scheduled(pod, node, bound)).chain(start);
                for r in records.filter(|r| r.at_ms > -EVENT_TTL_MS) {
                    s.listed.push(((pod.name.clone(), r.at_ms), r));
                }
            }
            s.listed.sort_by(|a, b| a.0.cmp(&b.0));
        });
    }

    /// The events of the step pod `slot` just took from `from`: the scheduler's
    /// binding, or the kubelet's first start of its container (a restart in place is
    /// not told).
    pub(super) fn pod_step_events(&mut self, slot: usize, from: Phase) {
        let now = self.now_ms;
        self.with_events(|soak, s| {
            let Some(pod) = &soak.pods[slot] else { return };
            match (from, pod.phase, pod.node) {
                (Phase::Created, Phase::Bound, Some(n)) => {
                    s.print(Source::Scheduler, scheduled(pod, &soak.node_names[n], now));
                }
                (Phase::Creating, Phase::Started, Some(n)) => {
                    for r in s.container_start(pod, &soak.image(pod), now) {
                        s.print(Source::Kubelet(n), r);
                    }
                }
                _ => {}
            }
        });
    }

    /// The node controller's `NodeNotReady` on `node`, as its pass begins.
    pub(super) fn node_not_ready_event(&mut self, node: usize) {
        let now = self.now_ms;
        self.with_events(|soak, s| {
            let name = &soak.node_names[node];
            let message = format!("Node {name} status is now: NodeNotReady");
            let e = node_event(name, now, false, "NodeNotReady", message);
            s.print(Source::NodeController, e);
        });
    }

    /// The node controller's Warning on pod `slot` as it marks it not ready.
    pub(super) fn pod_not_ready_event(&mut self, slot: usize) {
        self.pod_event(slot, Source::NodeController, true, "NodeNotReady", |_| {
            "Node is not ready".into()
        });
    }

    /// The taint manager's `TaintManagerEviction` on pod `slot`, as it deletes it.
    pub(super) fn eviction_event(&mut self, slot: usize) {
        self.pod_event(
            slot,
            Source::TaintManager,
            false,
            "TaintManagerEviction",
            |name| format!("Marking for deletion Pod {NAMESPACE}/{name}"),
        );
    }

    fn pod_event(
        &mut self,
        slot: usize,
        source: Source,
        warning: bool,
        reason: &'static str,
        message: impl FnOnce(&str) -> String,
    ) {
        let now = self.now_ms;
        self.with_events(|soak, s| {
            let Some(pod) = &soak.pods[slot] else { return };
            s.print(
                source,
                Record {
                    at_ms: now,
                    warning,
                    reason,
                    object: format!("pod/{}", pod.name),
                    message: message(&pod.name),
                },
            );
        });
    }

    /// The returning kubelet's events, now that it posts the node Ready: after a
    /// reboot (containerd back at `boot_s`), `Starting` 1–3 s after the boot and
    /// `Rebooted` at its first status update; after a partition only `NodeReady`.
    pub(super) fn node_back_events(&mut self, node: usize, boot_s: i64) {
        let (now, partitioned) = (self.now_ms, self.cfg.partitions);
        self.with_events(|soak, s| {
            let name = &soak.node_names[node];
            if !partitioned {
                let starting = (boot_s * 1000 + s.rng.int(1_000, 3_000) as i64).min(now);
                let first_update = (starting + s.rng.int(200, 1_500) as i64).min(now);
                let boot_id = s.boot_id();
                let kubelet = Source::Kubelet(node);
                let starting_e = node_event(
                    name,
                    starting,
                    false,
                    "Starting",
                    "Starting kubelet.".into(),
                );
                s.print(kubelet, starting_e);
                let rebooted = format!("Node {name} has been rebooted, boot id: {boot_id}");
                s.print(
                    kubelet,
                    node_event(name, first_update, true, "Rebooted", rebooted),
                );
            }
            let ready = format!("Node {name} status is now: NodeReady");
            s.print(
                Source::Kubelet(node),
                node_event(name, now, false, "NodeReady", ready),
            );
        });
    }

    /// Writes the events' watch up to `until` (the time of the pods' last line
    /// written): the command, the header with the initial list (with the first event
    /// if the list is empty; no header if nothing was printed), then each event in
    /// print order; nothing without a stream.
    pub(super) fn write_events(
        &mut self,
        until: i64,
        out: &mut impl std::io::Write,
    ) -> std::io::Result<()> {
        let Some(mut s) = self.event_stream.take() else {
            return Ok(());
        };
        out.write_all(COMMAND.as_bytes())?;
        out.write_all(b"\n")?;
        let mut tw = TabWriter::new(Era::Remember);
        let mut write = |rows: &[Vec<String>]| -> std::io::Result<()> {
            for line in tw.flush(rows) {
                out.write_all(line.as_bytes())?;
                out.write_all(b"\n")?;
            }
            Ok(())
        };
        s.printed.sort_by_key(|p| (p.print_ms, p.seq));
        let mut events = s
            .printed
            .iter()
            .take_while(|p| p.print_ms <= until)
            .map(|p| cells(&p.record, p.print_ms));
        let mut first = vec![HEADER.map(String::from).to_vec()];
        first.extend(s.listed.iter().map(|(_, r)| cells(r, 0)));
        if first.len() == 1 {
            match events.next() {
                Some(row) => first.push(row),
                None => return Ok(()),
            }
        }
        write(&first)?;
        for row in events {
            write(&[row])?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::{HashMap, HashSet};
    use std::sync::Arc;

    use super::super::{Soak, SoakConfig};
    use crate::input::{Origin, Source};
    use crate::kube::events::{event_reason, scheduled_to, EventMeaning};

    fn config() -> SoakConfig {
        SoakConfig::new(3, 1_500_000, 200, 12)
    }

    /// The pods' bytes, the truth's JSON, and the nodes' and events' bytes.
    fn play(cfg: SoakConfig, nodes: bool, events: bool) -> [Vec<u8>; 4] {
        let cfg = if nodes { cfg.with_node_stream() } else { cfg };
        let cfg = if events { cfg.with_events() } else { cfg };
        let (mut p, mut n, mut e) = (Vec::new(), Vec::new(), Vec::new());
        let truth = Soak::new(cfg)
            .write_beside(&mut p, Some(&mut n), Some(&mut e))
            .expect("in memory");
        let truth = serde_json::to_vec(&truth).expect("serializes");
        [p, truth, n, e]
    }

    #[test]
    fn the_pods_and_the_truth_are_the_same_beside_any_other_watch() {
        for cfg in [
            config(),
            config().with_partitions(),
            config().with_relists(),
        ] {
            let [pods, truth, ..] = play(cfg, false, false);
            for (nodes, events) in [(true, false), (false, true), (true, true)] {
                let [p, t, n, e] = play(cfg, nodes, events);
                assert!(p == pods && t == truth, "nodes {nodes}, events {events}");
                assert_eq!(!n.is_empty(), nodes);
                assert_eq!(!e.is_empty(), events);
            }
        }
        // Through the plain writers too.
        let mut p = Vec::new();
        let t = Soak::new(config()).write(&mut p).expect("in memory");
        let (mut pe, mut e) = (Vec::new(), Vec::new());
        let te = Soak::new(config().with_events())
            .write_with_events(&mut pe, &mut e)
            .expect("in memory");
        assert_eq!(p, pe);
        assert_eq!(
            serde_json::to_string(&t).ok(),
            serde_json::to_string(&te).ok()
        );
    }

    /// The events as watchtrail reads them: (line, object kind, object, reason,
    /// message, LAST SEEN cell).
    fn read(events: &[u8]) -> Vec<(u64, String, String, String, String, String)> {
        let source = Source {
            name: "events.log".into(),
            origin: Origin::Bytes(Arc::from(events)),
        };
        let ing = crate::ingest::ingest_every_row(&[source]).expect("reads");
        (ing.observations.iter())
            .map(|o| {
                let (kind, object) = o.event_object().expect("an event row");
                let (reason, message) = o.event_reason().expect("an event row");
                let last_seen = o.cells.get("LAST SEEN").expect("LAST SEEN");
                (o.line, kind, object, reason, message, last_seen)
            })
            .map(|(l, k, o, r, m, s)| (l, k.into(), o.into(), r.into(), m.into(), s.into()))
            .collect()
    }

    #[test]
    fn the_watch_opens_with_its_command_and_a_header_laid_out_with_the_list() {
        let [pods, _, _, events] = play(config(), false, true);
        let text = String::from_utf8(events).expect("ASCII");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "$ kubectl get events -w");
        assert!(lines[1].starts_with("LAST SEEN   TYPE     REASON      OBJECT   "));
        // The header and the list are one flush: every column starts where the
        // header's does.
        let starts = |l: &str| -> Vec<usize> {
            (2..l.len())
                .filter(|&i| &l[i - 2..i] == "  " && &l[i..=i] != " ")
                .collect()
        };
        let header = starts(lines[1]);
        assert_eq!(header.len(), 4, "{}", lines[1]);
        let listed =
            (lines[2..].iter()).take_while(|l| !l.starts_with("0s ") && !l.starts_with("1s "));
        let mut n = 0;
        for l in listed {
            assert_eq!(starts(l)[..4], header[..], "{l}");
            n += 1;
        }
        assert!(n >= 4, "the starts of the pods created in the last hour");
        // Every row is read as an event, none skipped.
        assert_eq!(read(text.as_bytes()).len(), lines.len() - 2);
        assert!(!pods.is_empty());
    }

    #[test]
    fn each_event_reads_as_what_the_soak_did() {
        let [pods, truth, _, events] = play(config(), false, true);
        let pods = String::from_utf8(pods).expect("ASCII");
        let truth: serde_json::Value = serde_json::from_slice(&truth).expect("JSON");
        // Each pod's node as its lines name it.
        let mut node_of: HashMap<&str, &str> = HashMap::new();
        for l in pods.lines().skip(1) {
            let cells: Vec<&str> = l.split_whitespace().collect();
            if cells[6] != "<none>" {
                node_of.entry(cells[0]).or_insert(cells[6]);
            }
        }
        let mut count: HashMap<(String, String), usize> = HashMap::new();
        let mut after_list = false;
        for (line, kind, object, reason, message, last_seen) in read(&events) {
            let meaning = event_reason(&reason, &message);
            let want = match reason.as_str() {
                "Scheduled" => EventMeaning::PodScheduled,
                "Started" => EventMeaning::ContainerStarted,
                "NodeNotReady" => EventMeaning::NodeNotReady,
                "TaintManagerEviction" => EventMeaning::Eviction,
                "Starting" => EventMeaning::KubeletStarting,
                "Rebooted" => EventMeaning::Rebooted,
                "NodeReady" => EventMeaning::NodeReady,
                "Pulled" | "Created" => EventMeaning::Other,
                other => panic!("line {line}: {other}"),
            };
            assert_eq!(meaning, want, "line {line}");
            if reason == "Scheduled" {
                let to = scheduled_to(&message).expect("a node");
                assert_eq!(node_of.get(object.as_str()), Some(&to), "line {line}");
            }
            if kind == "node" {
                assert!(message.starts_with(&format!("Node {object} ")) || reason == "Starting");
            } else {
                assert_eq!(kind, "pod", "line {line}");
                assert!(
                    node_of.contains_key(object.as_str()),
                    "line {line}: {object}"
                );
            }
            // After the initial list, every event is printed within a second or two.
            after_list |= last_seen == "0s";
            if after_list {
                assert!(last_seen == "0s" || last_seen == "1s", "line {line}");
            }
            *count.entry((kind, reason)).or_default() += 1;
        }
        let failures = truth["failures"].as_array().expect("failures");
        let returned = failures.iter().filter(|f| !f["returned_ms"].is_null());
        let n = |kind: &str, reason: &str| count.get(&(kind.into(), reason.into())).copied();
        assert!(n("node", "NodeNotReady") >= Some(failures.len()));
        assert!(n("node", "Rebooted") >= Some(returned.count()));
        assert_eq!(n("node", "Starting"), n("node", "Rebooted"));
        assert!(n("pod", "NodeNotReady") > n("node", "NodeNotReady"));
        assert!(n("pod", "TaintManagerEviction") > Some(0));
        assert_eq!(n("pod", "Started"), n("pod", "Pulled"));
    }

    #[test]
    fn a_partitioned_kubelet_tells_only_that_its_node_is_ready() {
        let [_, _, _, events] = play(config().with_partitions(), false, true);
        let read = read(&events);
        let reasons: HashSet<&str> = (read.iter())
            .filter(|e| e.1 == "node")
            .map(|e| e.3.as_str())
            .collect();
        assert_eq!(reasons, HashSet::from(["NodeNotReady", "NodeReady"]));
    }
}
