//! The node stream beside a soak: `kubectl get nodes --watch` in a second terminal.
//!
//! What it prints (FORMAT.md §4.4, §4.7): the nodes' listing; a `NotReady` line when
//! the node controller marks a node (in the pass that marks its pods) and an identical
//! one as the taint manager taints it; a `Ready` line when the returning kubelet posts
//! its status and an identical one as the node controller removes the taints; and, for
//! every node that is up, the kubelet's status report every five minutes
//! (`nodeStatusReportFrequency`), a line identical to the last. It draws nothing from
//! the soak's random numbers: the pods' stream is the same with or without it.

use crate::duration::format_human;

use super::super::tabwriter::{Era, TabWriter};
use super::Soak;

/// How often an up node's kubelet reports its status unchanged.
const REPORT_MS: i64 = 5 * 60_000;

/// The nodes' watch as it is written.
pub(super) struct NodeStream {
    tw: TabWriter,
    /// Each line with the time it was printed.
    lines: Vec<(i64, String)>,
    /// Per node: its next status report.
    next_report: Vec<i64>,
}

impl NodeStream {
    pub(super) fn new(nodes: usize) -> NodeStream {
        NodeStream {
            tw: TabWriter::new(Era::Remember),
            lines: Vec::new(),
            // Spread over the period, in a fixed order.
            next_report: (0..nodes).map(|n| (n as i64 * 7_919) % REPORT_MS).collect(),
        }
    }
}

/// The nodes' creation: 45 days before the watch, an hour apart.
fn created_ms(node: usize) -> i64 {
    -(45 * 86_400_000 + node as i64 * 3_600_000)
}

impl Soak {
    /// One node's line at the current time.
    fn node_cells(&self, node: usize) -> Vec<String> {
        let status = if self.node_down[node].is_some() {
            "NotReady"
        } else {
            "Ready"
        };
        vec![
            self.node_names[node].clone(),
            status.to_string(),
            "<none>".to_string(),
            format_human(self.now_ms - created_ms(node)),
            "v1.29.3".to_string(),
        ]
    }

    /// The header and every node, at the start.
    pub(super) fn list_nodes(&mut self) {
        let Some(mut s) = self.node_stream.take() else {
            return;
        };
        let mut rows = vec![["NAME", "STATUS", "ROLES", "AGE", "VERSION"]
            .map(String::from)
            .to_vec()];
        rows.extend((0..self.node_names.len()).map(|n| self.node_cells(n)));
        let at = self.now_ms;
        s.lines
            .extend(s.tw.flush(&rows).into_iter().map(|l| (at, l)));
        self.node_stream = Some(s);
    }

    /// `node`'s line now (a change, or the same state written again).
    pub(super) fn node_line(&mut self, node: usize) {
        let Some(mut s) = self.node_stream.take() else {
            return;
        };
        let cells = self.node_cells(node);
        let at = self.now_ms;
        s.lines
            .extend(s.tw.flush(&[cells]).into_iter().map(|l| (at, l)));
        s.next_report[node] = at + REPORT_MS;
        self.node_stream = Some(s);
    }

    /// The status reports of up nodes due by `until`, in time order (a node down
    /// reports nothing; back, it reports again five minutes after its Ready line).
    pub(super) fn node_reports(&mut self, until: i64) {
        let now = self.now_ms;
        loop {
            let Some(s) = &self.node_stream else {
                return;
            };
            let due = s
                .next_report
                .iter()
                .enumerate()
                .filter(|&(n, &t)| t <= until && self.node_down[n].is_none())
                .min_by_key(|&(n, &t)| (t, n))
                .map(|(n, &t)| (t, n));
            let Some((t, n)) = due else { break };
            // Never before a line already printed.
            self.now_ms = t.max(now);
            self.node_line(n);
        }
        self.now_ms = now;
    }

    /// The node stream's lines printed by `until` (the time of the pods' last line
    /// written), in print order; empty without one.
    pub(super) fn node_lines_until(&mut self, until: i64) -> Vec<String> {
        let Some(s) = self.node_stream.take() else {
            return Vec::new();
        };
        s.lines
            .into_iter()
            .filter(|l| l.0 <= until)
            .map(|l| l.1)
            .collect()
    }
}
