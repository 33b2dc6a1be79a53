//! Writing a soak's rows (kubectl's cells through the tabwriter) and its truth.

use crate::duration::format_human;

use super::super::churn::HEADER;
use super::super::tabwriter::{Era, TabWriter};
use super::super::world::Ev;
use super::{Event, Fact, FailureTruth, Pod, Soak, SoakTruth};

/// The namespaces of a soak watched with `-A`: a Deployment's pods share one.
const NAMESPACES: [&str; 4] = ["default", "payments", "shop", "monitoring"];

impl Soak {
    /// The namespace `pod` is printed in (`-A`), else none.
    fn namespace(&self, pod: &Pod) -> Option<&'static str> {
        self.cfg
            .all_namespaces
            .then(|| NAMESPACES[pod.deployment % NAMESPACES.len()])
    }

    /// The header: EVENT and NAMESPACE first when asked for, then the pods' columns.
    fn header(&self) -> Vec<String> {
        let events = self.cfg.watch_events.then_some("EVENT");
        let namespace = self.cfg.all_namespaces.then_some("NAMESPACE");
        (events.into_iter().chain(namespace))
            .chain(HEADER[..self.columns()].iter().copied())
            .map(String::from)
            .collect()
    }

    /// `pod`'s row as watch event `event`: its cells after the EVENT and NAMESPACE
    /// cells when they are printed.
    fn row(&self, pod: &Pod, event: Ev) -> Vec<String> {
        let events = self.cfg.watch_events.then(|| event.cell());
        let namespace = self.namespace(pod).map(String::from);
        (events.into_iter().chain(namespace))
            .chain(self.cells(pod))
            .collect()
    }

    pub(super) fn cells(&self, pod: &Pod) -> Vec<String> {
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
        let mut cells = vec![
            pod.name.clone(),
            format!("{}/1", u8::from(pod.ready)),
            pod.status.to_string(),
            restarts,
            format_human(since(pod.created_s)),
            pod.ip.clone().unwrap_or_else(none),
            pod.node.map_or_else(none, |n| self.node_names[n].clone()),
            none(),
            none(),
        ];
        cells.truncate(self.columns());
        cells
    }

    /// How many of the header's columns are printed: all with `-o wide`, else up
    /// to AGE.
    fn columns(&self) -> usize {
        if self.cfg.narrow {
            5
        } else {
            HEADER.len()
        }
    }

    /// A watch's start: its header and initial list, every pod as it is now, in the
    /// apiserver's storage order (by name), printed at once by a new kubectl (whose
    /// tabwriter remembers no widths yet).
    pub(super) fn list(&mut self) {
        self.tw = TabWriter::new(Era::Remember);
        let mut rows = vec![self.header()];
        let mut listed: Vec<&Pod> = self.pods.iter().flatten().collect();
        listed.sort_by(|a, b| (self.namespace(a), &a.name).cmp(&(self.namespace(b), &b.name)));
        rows.extend(listed.into_iter().map(|p| self.row(p, Ev::Added)));
        let lines = self.tw.flush(&rows);
        self.pods
            .iter_mut()
            .flatten()
            .for_each(|p| p.printed = true);
        self.pending_at
            .extend(std::iter::repeat_n(self.now_ms, lines.len()));
        self.pending.extend(lines);
    }

    /// With relists, when the apiserver ends this watch: 30 to 60 minutes on
    /// (`minRequestTimeout × (1 + rand)`, FORMAT.md §3.1).
    pub(super) fn next_relist(&mut self) {
        if self.cfg.relist {
            let after_s = self.rng.int(1_800, 3_600) as i64;
            self.at(after_s * 1000, Event::Relist);
        }
    }

    pub(super) fn emit(&mut self, slot: usize) {
        self.emit_as(slot, None);
    }

    /// Prints pod `slot`'s line as watch event `event`, by default ADDED for its first
    /// line in this watch and MODIFIED after.
    pub(super) fn emit_as(&mut self, slot: usize, event: Option<Ev>) {
        let Some(pod) = &self.pods[slot] else { return };
        let event = event.unwrap_or(match pod.printed {
            true => Ev::Modified,
            false => Ev::Added,
        });
        let lines = self.tw.flush(&[self.row(pod, event)]);
        self.pod_mut(slot).printed = true;
        self.pending_at
            .extend(std::iter::repeat_n(self.now_ms, lines.len()));
        self.pending.extend(lines);
    }

    /// Records `fact` of failure `f` at the line just queued.
    pub(super) fn note(&mut self, f: usize, fact: Fact) {
        let line = self.lines + self.pending.len() as u64;
        self.facts.push((line, f, fact, self.now_ms));
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
            rollouts: self.rollouts_until(self.last_line_ms),
        }
    }

    /// Writes the soak (at least `cfg.bytes` bytes) and returns its truth. The truth
    /// covers the lines written: a failure cut by the end is what its lines show.
    pub fn write(mut self, out: &mut impl std::io::Write) -> std::io::Result<SoakTruth> {
        self.write_pods(out)?;
        Ok(self.truth())
    }

    /// [`Soak::write`], and the node stream (configured with
    /// [`super::SoakConfig::with_node_stream`]) up to the pods' last line into `nodes`.
    pub fn write_with_nodes(
        self,
        pods: &mut impl std::io::Write,
        nodes: &mut impl std::io::Write,
    ) -> std::io::Result<SoakTruth> {
        self.write_beside(pods, Some(nodes), None)
    }

    /// [`Soak::write`], and the events stream (configured with
    /// [`super::SoakConfig::with_events`]) up to the pods' last line into `events`.
    pub fn write_with_events(
        self,
        pods: &mut impl std::io::Write,
        events: &mut impl std::io::Write,
    ) -> std::io::Result<SoakTruth> {
        self.write_beside(pods, None, Some(events))
    }

    /// [`Soak::write`], and each stream configured beside the pods' that is given a
    /// writer, up to the pods' last line: the watches were stopped together.
    pub fn write_beside(
        mut self,
        pods: &mut impl std::io::Write,
        nodes: Option<&mut dyn std::io::Write>,
        events: Option<&mut dyn std::io::Write>,
    ) -> std::io::Result<SoakTruth> {
        self.write_pods(pods)?;
        if let Some(nodes) = nodes {
            for line in self.node_lines_until(self.last_line_ms) {
                nodes.write_all(line.as_bytes())?;
                nodes.write_all(b"\n")?;
            }
        }
        if let Some(mut events) = events {
            self.write_events(self.last_line_ms, &mut events)?;
        }
        Ok(self.truth())
    }

    fn write_pods(&mut self, out: &mut impl std::io::Write) -> std::io::Result<()> {
        while self.written < self.cfg.bytes {
            let Some(line) = self.next() else { break };
            out.write_all(line.as_bytes())?;
            out.write_all(b"\n")?;
            self.written += line.len() as u64 + 1;
        }
        // Events already applied whose lines were not written do not count.
        self.pending.clear();
        self.pending_at.clear();
        Ok(())
    }
}

impl Iterator for Soak {
    type Item = String;

    fn next(&mut self) -> Option<String> {
        if !self.started {
            self.started = true;
            self.list();
            self.list_nodes();
            self.list_events();
            self.at(1_000, Event::Background);
            self.next_relist();
            self.schedule_rollout();
        }
        while self.pending.is_empty() {
            if self.queue.is_empty() {
                return None;
            }
            self.advance();
        }
        self.lines += 1;
        self.last_line_ms = self.pending_at.pop_front().unwrap_or(self.now_ms);
        self.pending.pop_front()
    }
}
