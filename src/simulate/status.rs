//! Controller status rows (Deployment, StatefulSet, DaemonSet) derived from the pods'
//! histories (FORMAT.md §5.1, §4.4, §4.8).
//!
//! Every pod change is a trigger; the controller recomputes its counts from the pods as
//! they are at that moment and writes a status (a MODIFIED line) a few milliseconds
//! later when the counts changed, sometimes followed by a visually identical write
//! (conditions, observedGeneration — §5.1 "consecutive identical deploy lines are normal").
//!
//! **UP-TO-DATE during a failure.** FORMAT.md §5.1 says UP-TO-DATE never dips in a
//! failure. The seed transcript shows it does, for one line: `0/1 1 0` → `0/1 0 0` →
//! `0/1 1 0` at the eviction. That is the ReplicaSet's `syncReplicaSet`: it creates the
//! replacement and then computes its status from the pod list it had *before* the
//! creation, so `status.replicas` (and the Deployment's `updatedReplicas`) is one short
//! until the next sync. We follow the seed (trigger on the eviction itself, before the
//! replacement exists); `Config::transient_uptodate_dip = false` coalesces triggers
//! within 100 ms instead, which gives the FORMAT.md reading. A rollout differs in kind:
//! UP-TO-DATE counts the new ReplicaSet's pods and climbs from 0.

use super::world::{Counts, Ev, Kind, St, World};

/// A rollout: from `at` on, pods with template hash `hash` are the up-to-date ones.
#[derive(Debug, Clone)]
pub struct Revision {
    /// Workload index.
    pub workload: usize,
    /// True time of the new revision.
    pub at: f64,
    /// The new pod-template-hash.
    pub hash: String,
}

impl World {
    /// The counts workload `w` reports from its pods (and nodes) as they are at `t`.
    fn counts_at(&self, w: usize, t: f64, revisions: &[Revision]) -> Counts {
        let wl = &self.workloads[w];
        let mut current_hash = wl.pods.first().map(|p| p.1.clone()).unwrap_or_default();
        for r in revisions.iter().filter(|r| r.workload == w && r.at <= t) {
            current_hash = r.hash.clone();
        }
        let mut c = Counts {
            desired: wl.replicas,
            ..Counts::default()
        };
        let mut ds_nodes = Vec::new();
        for (id, hash) in &wl.pods {
            let Some(ch) = self.objs[*id].state_at(t) else {
                continue;
            };
            let St::Pod(p) = &ch.st else { continue };
            match wl.kind {
                Kind::Deployment => {
                    if p.active {
                        c.current += 1;
                        c.updated += u32::from(*hash == current_hash);
                        c.ready += u32::from(p.cond_ready);
                    }
                }
                Kind::StatefulSet => {
                    c.current += 1;
                    c.ready += u32::from(p.active && p.cond_ready);
                    c.updated += 1;
                }
                _ => {
                    if let Some(n) = p.node.as_deref().and_then(|n| self.node_index(n)) {
                        ds_nodes.push((n, p.active && p.cond_ready));
                    }
                }
            }
        }
        if wl.kind == Kind::DaemonSet {
            c.desired = 0;
            let nodes = if wl.tolerates_all {
                self.node_objs.len()
            } else {
                self.workers
            };
            for n in 0..nodes {
                let exists = !self.node_gone.iter().any(|&(m, a)| m == n && a <= t);
                let should_run = exists && (wl.tolerates_all || self.schedulable(n, t));
                if !should_run {
                    continue;
                }
                c.desired += 1;
                if let Some((_, ready)) = ds_nodes.iter().find(|(m, _)| *m == n) {
                    c.current += 1;
                    c.updated += 1;
                    c.ready += u32::from(*ready);
                }
            }
        }
        c.available = c.ready;
        c
    }

    /// Appends every workload's status lines, derived from its pods, up to `end`.
    pub fn derive_status(&mut self, revisions: &[Revision], end: f64) {
        for w in 0..self.workloads.len() {
            let mut triggers: Vec<f64> = self.workloads[w]
                .pods
                .iter()
                .flat_map(|(id, _)| self.objs[*id].hist.iter().map(|c| c.t))
                .collect();
            triggers.extend(revisions.iter().filter(|r| r.workload == w).map(|r| r.at));
            if self.workloads[w].kind == Kind::DaemonSet {
                triggers.extend(self.unschedulable.iter().flat_map(|u| [u.1, u.2]));
                triggers.extend(self.node_gone.iter().map(|g| g.1));
            }
            triggers.retain(|t| t.is_finite() && *t <= end);
            triggers.sort_by(f64::total_cmp);
            triggers.dedup();
            let window = if self.cfg.transient_uptodate_dip {
                0.0
            } else {
                0.1
            };
            let obj = self.workloads[w].obj;
            let mut last = match &self.objs[obj].hist[0].st {
                St::Workload(c) => *c,
                _ => Counts::default(),
            };
            for (i, &t) in triggers.iter().enumerate() {
                if triggers.get(i + 1).is_some_and(|&next| next - t < window) {
                    continue;
                }
                let c = self.counts_at(w, t, revisions);
                if c == last {
                    continue;
                }
                last = c;
                let d = self.delay(0.005, 0.08);
                let at = self.push(obj, t + d, Ev::Modified, St::Workload(c));
                if self.rng.chance(0.2) {
                    let d = self.delay(0.01, 1.0);
                    self.push(obj, at + d, Ev::Modified, St::Workload(c));
                }
            }
        }
    }
}
