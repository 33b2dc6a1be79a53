//! Deployment rolling updates during a soak (`--rollouts PER_HOUR`): what a team
//! that keeps deploying while nodes fail puts into the watch, and what an analyzer
//! must not take for a failure (FORMAT.md §5.1: a new ReplicaSet, a new
//! pod-template hash, UP-TO-DATE climbing from 0).
//!
//! Rollouts come as a Poisson process in the soak's time. One picks a Deployment all
//! of whose pods are running and ready on nodes that are up (a Deployment with a pod
//! on a failed node waits for a later rollout: its pods are the failure's to evict,
//! and the truth of that failure stays what the node controller and the taint
//! manager did). The Deployment controller then creates the new ReplicaSet and
//! reconciles as `rolling.go` does with the default 25 % maxSurge (rounded up) and
//! 25 % maxUnavailable (rounded down): it scales the new ReplicaSet up while all the
//! pods stay within replicas + surge, and deletes old pods while the available ones
//! stay at least replicas − unavailable. New pods print as any new pod (`Pending
//! <none>` → bound → `ContainerCreating` → `0/1 Running` → `1/1 Running`); an old pod
//! deleted prints `1/1 Terminating`, `0/1 Terminating` once its containers stop
//! within the grace period, then the watch's DELETED reprint.
//!
//! A node that fails while a rollout runs takes its pods as any failure does: marked,
//! evicted, each replaced by its own ReplicaSet (an old pod by the old one, which the
//! controller scales down only by available pods: Kubernetes would also scale it
//! down by the unhealthy ones, deleting them before the taint manager does; left out
//! so each failure's evictions stay the taint manager's), and the rollout goes on
//! once the replacements are ready.
//!
//! With no rollouts asked for, nothing here runs and no random number is drawn: the
//! soak is byte for byte what it was.

use super::super::names::template_hash;
use super::{Event, Phase, RolloutTruth, Soak};

/// A rollout under way.
#[derive(Debug, Clone)]
pub(super) struct Rolling {
    /// Its entry in the truth's rollouts.
    truth: usize,
    /// The token of its pending poll: an older poll is stale.
    poll: u32,
}

/// Deployments tried for each rollout due before it is given up (one that cannot
/// roll now may well be able to by the next).
const TRIES: usize = 10;

/// How soon the Deployment controller acts on a change it watches (a pod ready, a
/// ReplicaSet scaled), in milliseconds.
const REACT_MS: (u64, u64) = (20, 300);

/// A rollout waiting on nothing it watches (a partitioned kubelet's pod re-posted
/// ready, say) is synced again this long after its last sync: the controller's
/// resync, without which such a rollout would never end.
const POLL_MS: i64 = 30_000;

/// The default strategy's maxSurge and maxUnavailable for `replicas` (25 % each):
/// surge rounded up, unavailable down, and one unavailable if both are 0
/// (`ResolveFenceposts`).
pub(super) fn fenceposts(replicas: usize) -> (usize, usize) {
    let surge = replicas.div_ceil(4);
    let unavailable = replicas / 4;
    if surge == 0 && unavailable == 0 {
        (0, 1)
    } else {
        (surge, unavailable)
    }
}

/// A Deployment's pods not being deleted, counted by ReplicaSet (new or old).
#[derive(Debug, Default)]
struct Census {
    new: usize,
    new_available: usize,
    old: usize,
    /// The old pods running and ready on nodes that are up: the ones a rollout
    /// deletes.
    old_available: Vec<usize>,
}

impl Soak {
    /// Schedules the next rollout, an exponential wait on (nothing without
    /// `--rollouts`, and no random number drawn).
    pub(super) fn schedule_rollout(&mut self) {
        let rate = self.cfg.rollouts_per_hour;
        if rate <= 0.0 {
            return;
        }
        let mean_ms = 3_600_000.0 / rate;
        let wait_ms = -(1.0 - self.rng.unit()).ln() * mean_ms;
        self.at(wait_ms.round() as i64, Event::Rollout);
    }

    /// A rollout is due: of a Deployment that can roll, if one of a few tried can.
    pub(super) fn next_rollout(&mut self) {
        self.schedule_rollout();
        for _ in 0..TRIES {
            let d = self.rng.int(0, self.hashes.len() as u64 - 1) as usize;
            if self.can_roll(d) {
                self.start_rollout(d);
                return;
            }
        }
    }

    /// Whether Deployment `d` can start a rollout: none under way, every pod on a
    /// node that is up, and every pod not being deleted running and ready.
    fn can_roll(&self, d: usize) -> bool {
        self.rollouts[d].is_none()
            && (self.pods.iter().flatten())
                .filter(|p| p.deployment == d)
                .all(|p| {
                    let up = p.node.is_some_and(|n| self.node_down[n].is_none());
                    up && (p.phase == Phase::Terminating || (p.phase == Phase::Live && p.ready))
                })
    }

    /// The new ReplicaSet of Deployment `d`, a new template hash, and the first sync.
    fn start_rollout(&mut self, d: usize) {
        let mut to = template_hash(&mut self.rng);
        while to == self.hashes[d].1 {
            to = template_hash(&mut self.rng);
        }
        let from = std::mem::replace(&mut self.hashes[d].1, to.clone());
        self.rolled.push(RolloutTruth {
            deployment: self.hashes[d].0.clone(),
            from_hash: from,
            to_hash: to,
            started_ms: self.now_ms,
            finished_ms: None,
        });
        self.rollouts[d] = Some(Rolling {
            truth: self.rolled.len() - 1,
            poll: 0,
        });
        self.sync_rollout(d);
    }

    /// Deployment `d`'s pods not being deleted, new and old, and which are available.
    fn census(&self, d: usize) -> Census {
        let current = self.hashes[d].1.as_str();
        let mut c = Census::default();
        for (slot, p) in self.pods.iter().enumerate() {
            let Some(p) = p.as_ref().filter(|p| p.deployment == d) else {
                continue;
            };
            if p.phase == Phase::Terminating {
                continue;
            }
            let up = p.node.is_some_and(|n| self.node_down[n].is_none());
            let available = up && p.phase == Phase::Live && p.ready;
            if p.template() == current {
                c.new += 1;
                c.new_available += usize::from(available);
            } else {
                c.old += 1;
                if available {
                    c.old_available.push(slot);
                }
            }
        }
        c
    }

    /// The Deployment controller's sync of `d`'s rollout: done once every pod is of
    /// the new ReplicaSet; else the new one scaled up within the surge, then old pods
    /// deleted down to the fewest available allowed (`reconcileNewReplicaSet`, then
    /// `reconcileOldReplicaSets`), and a poll in case nothing else brings it back.
    pub(super) fn sync_rollout(&mut self, d: usize) {
        let Some(rolling) = self.rollouts[d].as_ref() else {
            return;
        };
        let (n, truth) = (self.replicas[d], rolling.truth);
        let (surge, unavailable) = fenceposts(n);
        let c = self.census(d);
        if c.new >= n && c.old == 0 {
            self.rolled[truth].finished_ms = Some(self.now_ms);
            self.rollouts[d] = None;
            return;
        }
        let total = c.new + c.old;
        let up = n
            .saturating_sub(c.new)
            .min((n + surge).saturating_sub(total));
        for _ in 0..up {
            self.now_ms += self.rng.int(1, 30) as i64;
            self.replace(d, None, None);
        }
        let total = total + up;
        let min_available = n - unavailable;
        let new_unavailable = c.new + up - c.new_available;
        let available = c.new_available + c.old_available.len();
        let mut victims = c.old_available;
        if total > min_available + new_unavailable && available > min_available {
            let down = (available - min_available).min(victims.len());
            for _ in 0..down {
                let i = self.rng.int(0, victims.len() as u64 - 1) as usize;
                let slot = victims.swap_remove(i);
                self.now_ms += self.rng.int(1, 30) as i64;
                self.delete_for_rollout(slot);
            }
            if down > 0 {
                // The old ReplicaSet scaled down: the controller syncs again and
                // scales the new one up into the room made.
                let react = self.rng.int(REACT_MS.0, REACT_MS.1) as i64;
                self.at(react, Event::RolloutSync(d));
            }
        }
        if let Some(rolling) = self.rollouts[d].as_mut() {
            rolling.poll += 1;
            let token = rolling.poll;
            self.at(POLL_MS, Event::RolloutPoll(d, token));
        }
    }

    /// The poll `token` of `d`'s rollout: a sync unless a later sync superseded it.
    pub(super) fn poll_rollout(&mut self, d: usize, token: u32) {
        if self.rollouts[d].as_ref().is_some_and(|r| r.poll == token) {
            self.sync_rollout(d);
        }
    }

    /// A pod of Deployment `d` just became ready: a rollout of it syncs shortly.
    pub(super) fn pod_ready_for_rollout(&mut self, d: usize) {
        if self.rollouts[d].is_some() {
            let react = self.rng.int(REACT_MS.0, REACT_MS.1) as i64;
            self.at(react, Event::RolloutSync(d));
        }
    }

    /// The old ReplicaSet scaled down: pod `slot` deleted, `1/1 Terminating`, its
    /// containers stopped within the grace period.
    fn delete_for_rollout(&mut self, slot: usize) {
        let p = self.pod_mut(slot);
        p.status = "Terminating";
        p.phase = Phase::Terminating;
        self.emit(slot);
        let d = self.rng.int(1_000, 30_000) as i64;
        let gen = self.gens[slot];
        self.at(d, Event::Stopped(slot, gen));
    }

    /// The containers of pod `slot`, being deleted, stopped: the kubelet's
    /// `0/1 Terminating`, then the DELETED line. On a node that is down nothing is
    /// written: the kubelet back finishes it as it finishes an evicted pod, and then
    /// (the pod no longer ready) this writes nothing more.
    pub(super) fn containers_stopped(&mut self, slot: usize) {
        let Some(p) = self.pods[slot].as_ref() else {
            return;
        };
        if !p.ready || p.node.is_some_and(|n| self.node_down[n].is_some()) {
            return;
        }
        self.pod_mut(slot).ready = false;
        self.emit(slot);
        let d = self.rng.int(100, 2_000) as i64;
        let gen = self.gens[slot];
        self.at(d, Event::Gone(slot, gen));
    }

    /// The rollouts started by `until` (the last line's time), each finished only
    /// if by then.
    pub(super) fn rollouts_until(&self, until: i64) -> Vec<RolloutTruth> {
        (self.rolled.iter())
            .filter(|r| r.started_ms <= until)
            .map(|r| RolloutTruth {
                finished_ms: r.finished_ms.filter(|&f| f <= until),
                ..r.clone()
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Soak, SoakConfig, SoakTruth};
    use super::fenceposts;

    fn config() -> SoakConfig {
        SoakConfig::new(3, 1_500_000, 200, 12)
    }

    /// 25 % each way: surge rounded up, unavailable down, never both 0.
    #[test]
    fn the_default_strategy_rounds_the_surge_up_and_the_unavailable_down() {
        let want = [(0, (0, 1)), (1, (1, 0)), (2, (1, 0)), (3, (1, 0))];
        let more = [(4, (1, 1)), (5, (2, 1)), (7, (2, 1)), (8, (2, 2))];
        for (replicas, fence) in want.into_iter().chain(more) {
            assert_eq!(fenceposts(replicas), fence, "{replicas} replicas");
        }
    }

    /// Plays `cfg` line by line, checking after each that no Deployment rolling has
    /// more pods than its replicas and surge; the soak at its end, its text and truth.
    fn play(cfg: SoakConfig) -> (Soak, String, SoakTruth) {
        let mut soak = Soak::new(cfg);
        let mut text = String::new();
        while (text.len() as u64) < cfg.bytes {
            let Some(line) = soak.next() else { break };
            text.push_str(&line);
            text.push('\n');
            for d in 0..soak.rollouts.len() {
                if soak.rollouts[d].is_some() {
                    let (c, n) = (soak.census(d), soak.replicas[d]);
                    assert!(c.new + c.old <= n + fenceposts(n).0, "{d}: {c:?}");
                }
            }
        }
        let truth = soak.truth();
        (soak, text, truth)
    }

    /// `--rollouts`: Deployments roll, each to a new pod-template hash; each rolled
    /// one ends with all its pods (as many as its replicas) of the new hash, and every
    /// pod of the old printed `Terminating` last.
    #[test]
    fn a_rolled_deployment_ends_with_all_its_pods_of_the_new_hash() {
        let (soak, text, truth) = play(config().with_rollouts_per_hour(6.0));
        let finished: Vec<_> = (truth.rollouts.iter())
            .filter(|r| r.finished_ms.is_some())
            .collect();
        assert!(finished.len() >= 3, "{:?}", truth.rollouts);
        for r in &finished {
            assert_ne!(r.from_hash, r.to_hash);
            let d = (soak.hashes.iter())
                .position(|h| h.0 == r.deployment)
                .expect("a Deployment of the soak");
            let rolled_again = (truth.rollouts.iter())
                .any(|later| later.deployment == r.deployment && later.started_ms > r.started_ms);
            if !rolled_again {
                let c = soak.census(d);
                assert_eq!((c.new, c.old), (soak.replicas[d], 0), "{r:?}");
                assert_eq!(soak.hashes[d].1, r.to_hash);
            }
            let new = format!("{}-{}-", r.deployment, r.to_hash);
            assert!(text.lines().any(|l| l.starts_with(&new)), "{new}");
            let old = format!("{}-{}-", r.deployment, r.from_hash);
            let mut last = std::collections::HashMap::new();
            for l in text.lines().filter(|l| l.starts_with(&old)) {
                last.insert(l.split(' ').next(), l);
            }
            assert!(!last.is_empty(), "{old}");
            for (name, l) in last {
                assert!(l.contains(" Terminating "), "{name:?}: {l}");
            }
        }
    }

    /// Rollouts are not failures: the truth counts the same failures, and without
    /// `--rollouts` it does not even name them.
    #[test]
    fn a_rollout_adds_no_failure_to_the_truth() {
        let plain = Soak::new(config())
            .write(&mut Vec::new())
            .expect("in memory");
        let rolled = Soak::new(config().with_rollouts_per_hour(6.0))
            .write(&mut Vec::new())
            .expect("in memory");
        assert!(plain.rollouts.is_empty() && rolled.rollouts.len() >= 3);
        assert_eq!(plain.failures.len(), rolled.failures.len());
        assert!(rolled.failures.len() <= config().failures);
        for f in &rolled.failures {
            assert!(f.marked_ms.is_some() && f.scenario != "no-failure", "{f:?}");
        }
        let json = serde_json::to_value(&plain).expect("serializes");
        assert!(json.get("rollouts").is_none(), "{json}");
        let json = serde_json::to_value(&rolled).expect("serializes");
        assert!(json["rollouts"].as_array().is_some_and(|r| !r.is_empty()));
    }
}
