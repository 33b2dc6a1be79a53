//! Node rows over time: lease-expiry detection by the node lifecycle controller,
//! taint writes (visually identical lines), the kubelet's return, graceful shutdown,
//! deletion of the Node object, and the periodic status writes of healthy nodes
//! (FORMAT.md §4.1–4.3, §4.7, §4.9).

use super::world::{Change, Ev, St, World};

/// The NLC's monitor period (`--node-monitor-period`, §4.1).
const MONITOR_PERIOD: f64 = 5.0;
/// Lease renewal interval (¼ of the 40 s lease, §4.1).
const LEASE_RENEW: f64 = 10.0;
/// kubelet `nodeStatusReportFrequency` (§4.1).
const REPORT_PERIOD: f64 = 300.0;

/// What a detection produced.
#[derive(Debug, Clone, Copy)]
pub struct Detection {
    /// The NotReady line (F).
    pub f: f64,
    /// When the NoExecute taint was written and seen by the taint manager, if at all.
    pub no_execute: Option<f64>,
}

impl World {
    /// The first NLC monitor tick strictly after `t` (ticks at `phase + k·5 s`).
    fn tick_after(&self, t: f64, phase: f64) -> f64 {
        let k = ((t - phase) / MONITOR_PERIOD).floor() + 1.0;
        phase + k * MONITOR_PERIOD
    }

    /// Node `n`'s kubelet stops at `t_fail` (power off / partition). The NLC notices the
    /// lease is stale at the first tick after `probe + grace` and writes NotReady, then
    /// the NoSchedule taint and (if `no_execute`) the NoExecute taint — each a visually
    /// identical line — and marks the node's pods not ready (§4.2, §4.4).
    pub fn detect_failure(&mut self, n: usize, t_fail: f64, no_execute: bool) -> Detection {
        let lease_phase = self.rng.range(0.0, LEASE_RENEW);
        let nlc_phase = self.rng.range(0.0, MONITOR_PERIOD);
        let last_renewal = t_fail - (t_fail - lease_phase).rem_euclid(LEASE_RENEW);
        // probeTimestamp: the NLC observes the renewal at its next tick.
        let probe = self.tick_after(last_renewal - 1e-9, nlc_phase);
        let f = self.tick_after(probe + self.cfg.grace_s(), nlc_phase);
        self.kubelet_down.push((n, t_fail, f64::INFINITY));
        let f = self.modify_node(n, f, |s| s.status = "NotReady");
        self.taint_and_mark(n, f, no_execute)
    }

    /// After a NotReady write at `f`: NoSchedule taint, optional NoExecute taint, and
    /// MarkPodsNotReady for every pod on the node.
    fn taint_and_mark(&mut self, n: usize, f: f64, no_execute: bool) -> Detection {
        let d = self.delay(0.01, 0.1);
        let t = self.modify_node(n, f + d, |_| {});
        self.unschedulable.push((n, t, f64::INFINITY));
        let no_execute = if no_execute {
            let d = self.delay(0.02, 0.9);
            Some(self.modify_node(n, t + d, |_| {}))
        } else {
            None
        };
        let mut t = f;
        for id in self.pods_on(n) {
            if self.pod(id).cond_ready {
                t += self.delay(0.005, 0.08);
                self.mark_not_ready(id, t);
            }
        }
        Detection { f, no_execute }
    }

    /// Graceful shutdown: the kubelet itself reports `NotReady` ("node is shutting
    /// down") within seconds, then the not-ready taint (§4.9). Returns F.
    pub fn shutdown_not_ready(&mut self, n: usize, t: f64) -> f64 {
        let d = self.delay(0.5, 3.0);
        let f = self.modify_node(n, t + d, |s| s.status = "NotReady");
        let d = self.delay(0.01, 0.1);
        let t2 = self.modify_node(n, f + d, |_| {});
        self.unschedulable.push((n, t2, f64::INFINITY));
        f
    }

    /// The node's kubelet is cut off from `t` (after a graceful shutdown powers it off);
    /// the NLC later flips Ready from False to Unknown: one more identical line.
    pub fn kubelet_gone_after_shutdown(&mut self, n: usize, t: f64) {
        self.kubelet_down.push((n, t, f64::INFINITY));
        let d = self.delay(30.0, 55.0);
        self.modify_node(n, t + d, |_| {});
    }

    /// The kubelet of node `n` writes again at `t_kubelet`. After a reboot it may first
    /// report `NotReady` (runtime/network not ready; sometimes with a new DHCP address),
    /// then `Ready`; the NLC removes the taints at its next tick (one identical line per
    /// taint). A partitioned node reports `Ready` straight away (§4.7). Returns the time
    /// of the `Ready` line.
    pub fn node_back(
        &mut self,
        n: usize,
        t_kubelet: f64,
        rebooted: bool,
        had_no_execute: bool,
    ) -> f64 {
        for d in self.kubelet_down.iter_mut() {
            if d.0 == n && d.2.is_infinite() {
                d.2 = t_kubelet;
            }
        }
        let mut t = t_kubelet;
        if rebooted && self.rng.chance(0.7) {
            let new_ip = self.rng.chance(0.2).then(|| {
                let ip = &self.node_infos[n].internal_ip;
                let (head, _) = ip.rsplit_once('.').unwrap_or((ip, ""));
                format!("{head}.{}", 10 + (self.rng.next_u64() % 240))
            });
            t = self.modify_node(n, t, |s| {
                if let Some(ip) = new_ip {
                    s.internal_ip = ip;
                }
            });
            for _ in 0..self.rng.int(0, 2) {
                let d = self.delay(0.05, 3.0);
                t = self.modify_node(n, t + d, |_| {});
            }
            let d = self.delay(5.0, 25.0);
            t += d;
        }
        let ready = self.modify_node(n, t, |s| s.status = "Ready");
        let d = self.delay(0.1, MONITOR_PERIOD);
        let mut t = self.modify_node(n, ready + d, |_| {});
        if had_no_execute {
            let d = self.delay(0.01, 0.5);
            t = self.modify_node(n, t + d, |_| {});
        }
        for u in self.unschedulable.iter_mut() {
            if u.0 == n && u.2.is_infinite() {
                u.2 = t;
            }
        }
        ready
    }

    /// `kubectl delete node`: the DELETED line carries the last state (§4.6 (3)).
    pub fn delete_node(&mut self, n: usize, t: f64) -> f64 {
        let s = self.node(n);
        let t = self.push(self.node_objs[n], t, Ev::Deleted, St::Node(s));
        self.node_gone.push((n, t));
        t
    }

    /// Periodic status writes: every node whose kubelet is alive and that is `Ready`
    /// re-posts its status every 5 minutes — a visually identical line (§4.1,
    /// `nodeStatusReportFrequency`; the seed's nodes watch shows a round of them).
    pub fn heartbeats(&mut self, t0: f64, t1: f64) {
        for n in 0..self.node_objs.len() {
            let id = self.node_objs[n];
            let mut t = t0 + self.rng.range(0.0, REPORT_PERIOD);
            let mut extra = Vec::new();
            while t < t1 {
                let alive = !self
                    .kubelet_down
                    .iter()
                    .any(|&(m, a, b)| m == n && a <= t && t < b + 1.0);
                if let Some(c) = self.objs[id].state_at(t) {
                    let ready = matches!(&c.st, St::Node(s) if s.status == "Ready");
                    if alive && ready {
                        extra.push(Change {
                            t,
                            ev: Ev::Modified,
                            st: c.st.clone(),
                        });
                    }
                }
                t += REPORT_PERIOD + self.rng.range(-0.5, 0.5);
            }
            let hist = &mut self.objs[id].hist;
            hist.extend(extra);
            hist.sort_by(|a, b| a.t.total_cmp(&b.t));
        }
    }
}
