//! Plays a [`Variant`] on the steady cluster: injects the failure, lets the node
//! lifecycle controller, the taint manager, the ReplicaSet/StatefulSet controllers and
//! the returning kubelet react with Kubernetes' timings (FORMAT.md §4.1–4.10), and
//! records the true phase times F, E, R, N.
//!
//! Simplifications (documented so tests do not over-trust them): a graceful shutdown
//! gets no NoExecute eviction of its already-Failed pods; full disruption writes no
//! NoExecute taints at all (the short window where the first node is tainted before
//! the zone is fully down is not modelled).

use super::config::{Return, Variant};
use super::names;
use super::status::Revision;
use super::world::{Kind, World};

/// What happened, on the true clock.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    /// Failed worker indexes.
    pub failed: Vec<usize>,
    /// Failure injected.
    pub injected: Option<f64>,
    /// First NotReady line.
    pub f: Option<f64>,
    /// First old pod evicted / failed.
    pub e: Option<f64>,
    /// Last replacement ready.
    pub r: Option<f64>,
    /// First write of the returning kubelet.
    pub n: Option<f64>,
    /// The failed node's `Ready` line after the return.
    pub node_ready: Option<f64>,
    /// Last moment of interest; the watches end a little after it.
    pub end: f64,
    /// Rollout revisions.
    pub revisions: Vec<Revision>,
    /// `end` is the capture end itself (the capture stops before a pending step).
    pub exact_end: bool,
}

fn min_opt(a: Option<f64>, b: f64) -> Option<f64> {
    Some(a.map_or(b, |a| a.min(b)))
}

fn max_opt(a: Option<f64>, b: f64) -> Option<f64> {
    Some(a.map_or(b, |a| a.max(b)))
}

impl World {
    /// Evicts (taint manager, or legacy NodeLost) every Deployment/StatefulSet pod on
    /// node `n` from `t`; Deployment pods are replaced at once. Returns the evicted
    /// StatefulSet pods.
    fn evict_node(&mut self, n: usize, t: f64, legacy: bool, o: &mut Outcome) -> Vec<usize> {
        let mut sts = Vec::new();
        let mut t = t;
        for id in self.pods_on(n) {
            let w = self.owner(id);
            let kind = self.workloads[w].kind;
            if kind == Kind::DaemonSet || !self.pod(id).active {
                continue;
            }
            let e = if legacy {
                self.evict_legacy(id, t)
            } else {
                self.evict(id, t)
            };
            o.e = min_opt(o.e, e);
            if kind == Kind::Deployment {
                let (_, ready) = self.replace_deploy_pod(w, e, n);
                if let Some(r) = ready {
                    o.r = max_opt(o.r, r);
                }
            } else {
                sts.push(id);
            }
            t = e + self.delay(0.005, 0.05);
        }
        sts
    }

    /// The StatefulSet re-creates pod `id` (same name, AGE from 0s) after it is gone.
    fn recreate_sts_pod(&mut self, id: usize, deleted: f64, o: &mut Outcome) {
        let w = self.owner(id);
        let name = self.objs[id].name.clone();
        let at = deleted + self.delay(0.01, 0.1);
        let node = self.pick_node(at, None);
        let pull = node.map_or(0.0, |n| self.pull_time(w, n));
        let (_, ready) = self.spawn_pod(w, name, at, node, pull);
        if let Some(r) = ready {
            o.r = max_opt(o.r, r);
        }
    }

    /// The kubelet of `n` returns at `k` after a reboot: node rows, then every pod still
    /// on the node either finishes terminating (evicted) or restarts in place.
    fn reboot_return(&mut self, n: usize, k: f64, had_no_execute: bool, o: &mut Outcome) {
        let boot = k - self.delay(5.0, 25.0);
        o.n = min_opt(o.n, k);
        let ready = self.node_back(n, k, true, had_no_execute);
        o.node_ready = Some(ready);
        for id in self.pods_on(n) {
            if self.pod(id).active {
                self.restart_in_place(id, boot, k);
            } else {
                let gone = self.kubelet_finish(id, k, true);
                if self.workloads[self.owner(id)].kind == Kind::StatefulSet {
                    self.recreate_sts_pod(id, gone, o);
                }
            }
        }
    }

    /// A single node's hard failure (power off or partition) with the given return.
    fn hard_failure(
        &mut self,
        n: usize,
        t_fail: f64,
        ret: Return,
        legacy: bool,
        partition: bool,
        o: &mut Outcome,
    ) {
        o.injected = Some(t_fail);
        let det = self.detect_failure(n, t_fail, !legacy);
        o.f = Some(det.f);
        let t_ev = if legacy {
            // NLC checks every 5 s whether NotReady has lasted pod-eviction-timeout (5 m).
            det.f + 300.0 + self.delay(0.0, 5.0)
        } else {
            det.no_execute.unwrap_or(det.f) + self.cfg.toleration_s + self.delay(0.01, 0.1)
        };
        match ret {
            Return::CaptureEndsFirst => {
                let span = (t_ev - det.f - 20.0).max(1.0);
                o.end = det.f + 10.0 + self.delay(0.0, span);
                o.exact_end = true;
            }
            Return::BeforeEviction => {
                let hi = (t_ev - 40.0).max(det.f + 6.0);
                let k = det.f + 5.0 + self.delay(0.0, hi - det.f - 5.0);
                if partition {
                    o.n = Some(k);
                    let ready = self.node_back(n, k, false, !legacy);
                    o.node_ready = Some(ready);
                    for id in self.pods_on(n) {
                        let d = self.delay(0.2, 8.0);
                        self.reconcile_ready(id, ready + d);
                    }
                } else {
                    self.reboot_return(n, k, !legacy, o);
                }
                o.end = k + 60.0;
            }
            _ => {
                if ret == Return::MidMigration {
                    self.slow_pull = true;
                }
                let sts = self.evict_node(n, t_ev, legacy, o);
                self.slow_pull = false;
                let e = o.e.unwrap_or(t_ev);
                self.clean_up_after_eviction(n, e, &sts, o);
                let r = o.r.unwrap_or(e + 30.0);
                let k = match ret {
                    Return::MidMigration => {
                        Some(e + 3.0 + self.delay(0.0, (r - e - 12.0).max(0.5)))
                    }
                    Return::PostMigration => Some(r + self.delay(10.0, 600.0)),
                    _ => None,
                };
                if let Some(k) = k {
                    self.reboot_return(n, k, !legacy, o);
                    o.end = o.end.max(k + 60.0);
                }
                o.end = o.end.max(r).max(e);
            }
        }
    }

    /// What an operator does once node `n`'s pods were evicted at `e` (the variants
    /// that clean up): force-deletes the pods stuck Terminating, or deletes the node
    /// and lets the pod GC remove them; a StatefulSet's pod (`sts`) is recreated once
    /// its old one is gone.
    fn clean_up_after_eviction(&mut self, n: usize, e: f64, sts: &[usize], o: &mut Outcome) {
        match self.cfg.variant {
            Variant::ForceDelete => {
                let mut t = e + self.delay(60.0, 600.0);
                for id in self.pods_on(n) {
                    if !self.pod(id).active {
                        t = self.force_delete(id, t) + self.delay(1.0, 5.0);
                        if sts.contains(&id) {
                            self.recreate_sts_pod(id, t, o);
                        }
                    }
                }
                o.end = t;
            }
            Variant::NodeDeleted => {
                let t = e + self.delay(30.0, 600.0);
                let del = self.delete_node(n, t);
                let mut t = del + 40.0 + self.delay(0.0, 20.0);
                for id in self.pods_on(n) {
                    let gone = self.podgc_delete(id, t);
                    if sts.contains(&id) {
                        self.recreate_sts_pod(id, gone, o);
                    }
                    t = gone + self.delay(0.005, 0.05);
                }
                o.end = t;
            }
            _ => {}
        }
    }

    /// Graceful node shutdown (§4.9) followed by the given return.
    fn graceful_shutdown(&mut self, n: usize, t_fail: f64, ret: Return, o: &mut Outcome) {
        o.injected = Some(t_fail);
        let f = self.shutdown_not_ready(n, t_fail);
        o.f = Some(f);
        if ret == Return::MidMigration {
            self.slow_pull = true;
        }
        let mut t = f;
        let mut ds_gone = false;
        for id in self.pods_on(n) {
            t += self.delay(0.3, 4.0);
            let w = self.owner(id);
            let e = self.shutdown_kill(id, t);
            match self.workloads[w].kind {
                Kind::Deployment => {
                    o.e = min_opt(o.e, e);
                    let (_, ready) = self.replace_deploy_pod(w, e, n);
                    if let Some(r) = ready {
                        o.r = max_opt(o.r, r);
                    }
                }
                Kind::StatefulSet => {
                    o.e = min_opt(o.e, e);
                    let d = self.delay(0.01, 0.1);
                    let gone = self.force_delete(id, e + d);
                    self.recreate_sts_pod(id, gone, o);
                }
                _ => {
                    let d = self.delay(0.5, 2.0);
                    self.force_delete(id, e + d);
                    ds_gone = true;
                }
            }
        }
        self.slow_pull = false;
        let off = t + self.delay(2.0, 10.0);
        self.kubelet_gone_after_shutdown(n, off);
        let e = o.e.unwrap_or(f);
        let r = o.r.unwrap_or(e + 30.0);
        o.end = r.max(off + 60.0);
        let k = match ret {
            Return::Never => None,
            Return::MidMigration => {
                Some((off + 1.0).max(e + 3.0) + self.delay(0.0, (r - e - 12.0).max(0.5)))
            }
            _ => Some(r.max(off) + self.delay(10.0, 600.0)),
        };
        if let Some(k) = k {
            o.n = Some(k);
            let ready = self.node_back(n, k, true, false);
            o.node_ready = Some(ready);
            if ds_gone {
                if let Some(w) = self
                    .workloads
                    .iter()
                    .position(|w| w.kind == Kind::DaemonSet && w.ns != "kube-system")
                {
                    let name = names::generated(&self.workloads[w].name.clone(), &mut self.rng);
                    let pull = self.delay(1.0, 4.0);
                    let at = ready + self.delay(0.05, 1.0);
                    self.spawn_pod(w, name, at, Some(n), pull);
                }
            }
            o.end = o.end.max(k + 60.0);
        }
    }

    /// Plays the configured variant from the capture start `t_cap`.
    pub fn play(&mut self, t_cap: f64, failed: usize) -> Outcome {
        let mut o = Outcome::default();
        let t_fail = t_cap + 15.0 + self.delay(10.0, 90.0);
        let variant = self.cfg.variant;
        match variant {
            Variant::NoFailure => o.end = t_cap + self.delay(120.0, 900.0),
            Variant::PowerOff(ret) => {
                o.failed = vec![failed];
                self.hard_failure(failed, t_fail, ret, false, false, &mut o);
            }
            Variant::LegacyNodeLost(ret) => {
                o.failed = vec![failed];
                self.hard_failure(failed, t_fail, ret, true, false, &mut o);
            }
            Variant::NetworkPartition => {
                o.failed = vec![failed];
                self.hard_failure(failed, t_fail, Return::BeforeEviction, false, true, &mut o);
            }
            Variant::StatefulSetStuck => {
                o.failed = vec![failed];
                self.hard_failure(failed, t_fail, Return::MidMigration, false, false, &mut o);
            }
            Variant::ForceDelete | Variant::NodeDeleted => {
                o.failed = vec![failed];
                self.hard_failure(failed, t_fail, Return::Never, false, false, &mut o);
            }
            Variant::GracefulShutdown(ret) => {
                o.failed = vec![failed];
                self.graceful_shutdown(failed, t_fail, ret, &mut o);
            }
            Variant::FullDisruption { returns } => {
                o.failed = (0..self.workers).collect();
                o.injected = Some(t_fail);
                for n in 0..self.workers {
                    let t = t_fail + self.delay(0.0, 8.0);
                    let det = self.detect_failure(n, t, false);
                    o.f = min_opt(o.f, det.f);
                }
                let f = o.f.unwrap_or(t_fail);
                let back = f + self.grace_plus_toleration() + self.delay(60.0, 400.0);
                if returns {
                    for n in 0..self.workers {
                        let k = back + self.delay(0.0, 20.0);
                        self.reboot_return(n, k, false, &mut o);
                    }
                    o.node_ready = o
                        .failed
                        .iter()
                        .filter_map(|&n| self.ready_again(n, f))
                        .reduce(f64::max);
                    o.end = back + 120.0;
                } else {
                    o.end = back;
                }
            }
            Variant::ManualDelete => {
                let t = t_cap + 15.0 + self.delay(10.0, 120.0);
                let id = self.workloads[0].pods[0].0;
                let n = self.node_index(self.pod(id).node.as_deref().unwrap_or_default());
                self.user_delete(id, t);
                let (_, ready) = self.replace_deploy_pod(0, t, n.unwrap_or(usize::MAX));
                o.end = ready.unwrap_or(t) + 30.0;
            }
            Variant::Rollout => {
                let t = t_cap + 15.0 + self.delay(10.0, 120.0);
                self.rollout(t, &mut o);
            }
        }
        o
    }

    fn grace_plus_toleration(&self) -> f64 {
        self.cfg.grace_s() + self.cfg.toleration_s
    }

    /// The failed node's first `Ready` line after `after`.
    fn ready_again(&self, n: usize, after: f64) -> Option<f64> {
        self.objs[self.node_objs[n]]
            .hist
            .iter()
            .find(|c| {
                c.t > after && matches!(&c.st, super::world::St::Node(s) if s.status == "Ready")
            })
            .map(|c| c.t)
    }

    /// A rolling update with maxSurge 25 % (rounded up) and maxUnavailable 25 % (rounded
    /// down): a new ReplicaSet hash, new pods up, old pods down (§5.1).
    fn rollout(&mut self, t0: f64, o: &mut Outcome) {
        let n = self.workloads[0].replicas as usize;
        let surge = n.div_ceil(4).max(1);
        let unav = n / 4;
        let hash = names::template_hash(&mut self.rng);
        self.workloads[0].hash = hash.clone();
        let repo = self.workloads[0]
            .image
            .rsplit_once(':')
            .map_or("nginx", |(r, _)| r)
            .to_string();
        let tag = *self.rng.pick(&["1.27.1", "v2.4.0", "stable", "2.48"]);
        self.workloads[0].image = format!("{repo}:{tag}");
        o.revisions.push(Revision {
            workload: 0,
            at: t0,
            hash: hash.clone(),
        });
        let mut old: Vec<usize> = self.workloads[0]
            .pods
            .iter()
            .filter(|(id, h)| *h != hash && self.pod(*id).active)
            .map(|(id, _)| *id)
            .collect();
        let mut new: Vec<(usize, f64)> = Vec::new();
        let base = format!("{}-{hash}", self.workloads[0].name);
        let mut t = t0 + self.delay(0.02, 0.1);
        for _ in 0..(8 * n + 16) {
            let mut changed = false;
            let want = (n + surge)
                .saturating_sub(old.len() + new.len())
                .min(n - new.len());
            for _ in 0..want {
                let name = names::generated(&base, &mut self.rng);
                let node = self.pick_node(t, None);
                let pull = node.map_or(0.0, |m| self.pull_time(0, m));
                let (id, ready) = self.spawn_pod(0, name, t, node, pull);
                new.push((id, ready.unwrap_or(f64::INFINITY)));
                t += self.delay(0.005, 0.03);
                changed = true;
            }
            let ready_new = new.iter().filter(|p| p.1 <= t).count();
            let removable = (old.len() + ready_new)
                .saturating_sub(n - unav)
                .min(old.len());
            for _ in 0..removable {
                let id = old.remove(0);
                self.user_delete(id, t);
                t += self.delay(0.005, 0.03);
                changed = true;
            }
            if old.is_empty() && new.len() == n {
                break;
            }
            if changed {
                t += self.delay(0.01, 0.1);
                continue;
            }
            let next = new
                .iter()
                .map(|p| p.1)
                .filter(|&r| r > t)
                .fold(f64::INFINITY, f64::min);
            if !next.is_finite() {
                break;
            }
            t = next + self.delay(0.01, 0.1);
        }
        o.end = new
            .iter()
            .map(|p| p.1)
            .filter(|r| r.is_finite())
            .fold(t, f64::max)
            + 30.0;
    }
}
