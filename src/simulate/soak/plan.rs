//! A soak's world in motion: node failures, returns, evictions, pod steps and the
//! background churn, played from the event queue.

use std::cmp::Reverse;

use super::super::world::Ev;
use super::{Down, Event, Fact, FailureTruth, Phase, Soak};

impl Soak {
    /// Starts a failure of a node with pods on it, if one can fail now.
    pub(super) fn fail(&mut self) -> bool {
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
        let toleration = self.cfg.toleration_ms;
        let evict_at_ms = self.now_ms + mark + toleration + self.rng.int(0, 2_000) as i64;
        let return_ms = self.roll_return(mark, evict_at_ms);
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

    /// When a node that failed now comes back: in place (back before the eviction,
    /// the configured share), else mid-migration (back as the replacements start),
    /// post-migration (back later) or after a long outage, in the default's ratio
    /// 15 : 45 : 5.
    fn roll_return(&mut self, mark: i64, evict_at_ms: i64) -> Option<i64> {
        let toleration = self.cfg.toleration_ms;
        let [mid, post] = return_thresholds(self.cfg.in_place);
        let roll = self.rng.unit();
        if roll < self.cfg.in_place {
            // Back 40–250 s after the mark on the default toleration; on a short one,
            // within it (a few seconds either end spare).
            let back = if toleration == super::DEFAULT_TOLERATION_MS {
                self.rng.int(90_000, 300_000) as i64
            } else {
                mark + self
                    .rng
                    .int(3_000, (toleration as u64).saturating_sub(3_000).max(3_001))
                    as i64
            };
            Some(self.now_ms + back)
        } else if roll < mid {
            Some(evict_at_ms + self.rng.int(3_000, 8_000) as i64)
        } else if roll < post {
            Some(evict_at_ms + self.rng.int(60_000, 900_000) as i64)
        } else {
            Some(evict_at_ms + self.rng.int(1_800_000, 7_200_000) as i64)
        }
    }

    pub(super) fn step(&mut self, slot: usize) {
        let now_s = self.now_ms.div_euclid(1000);
        // A pod on a node that went down waits for the node.
        if let Some(p) = &self.pods[slot] {
            if p.node.is_some_and(|n| self.node_down[n].is_some()) {
                self.pod_mut(slot).phase = Phase::Lost;
                return;
            }
        }
        let from = self.pods[slot].as_ref().map_or(Phase::Live, |p| p.phase);
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
        self.pod_step_events(slot, from);
        let p = self.pod_mut(slot);
        if p.phase == Phase::Live && p.ready {
            let deployment = p.deployment;
            if let Some(f) = p.replaces.take() {
                self.note(f, Fact::Replaced);
            }
            self.pod_ready_for_rollout(deployment);
        }
        if let Some((lo, hi)) = next_in {
            let d = self.rng.int(lo, hi) as i64;
            let gen = self.gens[slot];
            self.at(d, Event::Step(slot, gen));
        }
    }

    pub(super) fn background(&mut self) {
        let next = self.rng.int(200, 3_000) as i64;
        // The same draw, scaled: the default soak's bytes are unchanged.
        let scale = self.cfg.churn_scale;
        let next = if scale == 1.0 {
            next
        } else {
            (next as f64 * scale).round() as i64
        };
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
            let (deployment, hash) = (p.deployment, p.template().to_string());
            self.emit(slot);
            self.replace(deployment, Some(&hash), None);
            let d = self.rng.int(1_000, 30_000) as i64;
            let gen = self.gens[slot];
            self.at(d, Event::Gone(slot, gen));
        }
    }

    pub(super) fn mark(&mut self, f: usize) {
        let node = self.downs[f].node;
        // The node controller's pass: the node NotReady, then its pods' marks; the
        // taint manager's taint (the node's line again) after them.
        self.node_line(node);
        self.node_not_ready_event(node);
        for slot in self.on_node(node) {
            self.now_ms += self.rng.int(0, 40) as i64;
            self.pod_not_ready_event(slot);
            self.emit(slot);
            self.note(f, Fact::Marked);
        }
        self.node_line(node);
    }

    pub(super) fn evict(&mut self, f: usize) {
        let node = self.downs[f].node;
        for slot in self.on_node(node) {
            if self.pods[slot].as_ref().map(|p| p.phase) == Some(Phase::Terminating) {
                continue;
            }
            self.now_ms += self.rng.int(0, 40) as i64;
            // The event as the taint manager fires, DisruptionTarget (an identical
            // line), then the deletion.
            self.eviction_event(slot);
            self.emit(slot);
            self.now_ms += self.rng.int(1, 30) as i64;
            let p = self.pod_mut(slot);
            p.status = "Terminating";
            p.phase = Phase::Terminating;
            let (deployment, hash) = (p.deployment, p.template().to_string());
            self.emit(slot);
            self.note(f, Fact::Evicted);
            self.now_ms += self.rng.int(1, 60) as i64;
            self.replace(deployment, Some(&hash), Some(f));
        }
    }

    pub(super) fn come_back(&mut self, f: usize) {
        let node = self.downs[f].node;
        self.node_down[node] = None;
        // The kubelet posts Ready before it syncs its pods.
        self.node_line(node);
        let boot_s = self.now_ms.div_euclid(1000) - self.rng.int(5, 20) as i64;
        self.node_back_events(node, boot_s);
        for slot in self.on_node(node) {
            self.now_ms += self.rng.int(50, 800) as i64;
            let gen = self.gens[slot];
            let terminating = self.pods[slot].as_ref().map(|p| p.phase) == Some(Phase::Terminating);
            if self.cfg.partitions && !terminating {
                self.re_post(f, slot);
                continue;
            }
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
        // The node controller removes the taints: the node's line again.
        self.node_line(node);
    }

    /// A partitioned node's kubelet back: it kept the pod as it was and re-posts its
    /// status, printed unchanged (the node controller had marked it not ready); a pod
    /// still starting goes on from where it was.
    fn re_post(&mut self, f: usize, slot: usize) {
        self.emit(slot);
        self.note(f, Fact::Returned);
        let gen = self.gens[slot];
        let p = self.pod_mut(slot);
        p.phase = match (p.status, p.ready, p.node.is_some()) {
            ("Running", true, _) => Phase::Live,
            ("Running", false, _) => Phase::Started,
            ("ContainerCreating", _, _) => Phase::Creating,
            ("Error", _, _) => Phase::Crashed,
            (_, _, true) => Phase::Bound,
            _ => Phase::Created,
        };
        if p.phase != Phase::Live {
            let d = self.rng.int(500, 5_000) as i64;
            self.at(d, Event::Step(slot, gen));
        }
    }

    pub(super) fn gone(&mut self, slot: usize) {
        // Only the kubelet finishes a deletion: on a node that is down, it waits.
        let node = self.pods[slot].as_ref().and_then(|p| p.node);
        if node.is_some_and(|n| self.node_down[n].is_some()) {
            return;
        }
        self.emit_as(slot, Some(Ev::Deleted));
        self.pods[slot] = None;
        self.free.push(slot);
    }

    pub(super) fn advance(&mut self) {
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
        self.node_reports(t);
        self.now_ms = self.now_ms.max(t);
        match e {
            Event::Background => self.background(),
            Event::Step(slot, gen) if self.gens[slot] == gen && self.pods[slot].is_some() => {
                self.step(slot)
            }
            Event::Gone(slot, gen) if self.gens[slot] == gen && self.pods[slot].is_some() => {
                self.gone(slot)
            }
            Event::Stopped(slot, gen) if self.gens[slot] == gen && self.pods[slot].is_some() => {
                self.containers_stopped(slot)
            }
            Event::Step(..) | Event::Gone(..) | Event::Stopped(..) => {}
            Event::Rollout => self.next_rollout(),
            Event::RolloutSync(d) => self.sync_rollout(d),
            Event::RolloutPoll(d, token) => self.poll_rollout(d, token),
            Event::Mark(f) => self.mark(f),
            Event::Evict(f) => {
                let back = self.downs[f].return_ms;
                if back.is_none_or(|r| r > self.downs[f].evict_at_ms) {
                    self.evict(f)
                }
            }
            Event::Return(f) => self.come_back(f),
            Event::Relist => {
                self.list();
                self.next_relist();
            }
        }
    }
}

/// Where a roll of a failure's return stops being mid-migration, then
/// post-migration, with `in_place` of the failures back in place: the rest split as
/// the default's 15 : 45 : 5 (with the default share, exactly 0.5 and 0.95, so the
/// default soak's rolls fall as they always did).
fn return_thresholds(in_place: f64) -> [f64; 2] {
    if in_place == super::DEFAULT_IN_PLACE {
        return [0.5, 0.95];
    }
    let rest = 1.0 - in_place;
    [
        in_place + rest * (0.15 / 0.65),
        in_place + rest * (0.60 / 0.65),
    ]
}

#[cfg(test)]
mod tests {
    use super::return_thresholds;

    /// The default share splits as it always did; the rest keep 15 : 45 : 5.
    #[test]
    fn the_returns_not_in_place_keep_the_default_split() {
        assert_eq!(return_thresholds(0.35), [0.5, 0.95]);
        assert_eq!(return_thresholds(1.0), [1.0, 1.0]);
        let [mid, post] = return_thresholds(0.0);
        assert!((mid - 0.15 / 0.65).abs() < 1e-12 && (post - 0.6 / 0.65).abs() < 1e-12);
        let [mid, post] = return_thresholds(0.9);
        assert!((mid - 0.9 - 0.1 * 0.15 / 0.65).abs() < 1e-12, "{mid}");
        assert!((1.0 - post - 0.1 * 0.05 / 0.65).abs() < 1e-12, "{post}");
    }
}
