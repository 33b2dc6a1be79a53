//! Pod lifecycles as the watch shows them: creation, the node controller's not-ready
//! mark, eviction, the returning kubelet's last words, in-place restarts after a reboot,
//! graceful-shutdown kills, force deletion and PodGC (FORMAT.md §4.4–4.9, §2.1 STATUS).
//!
//! Every function appends watch events to one pod's history and returns the true time
//! of the step the caller needs next. Controller status rows are derived later
//! (`status.rs`).

use super::names;
use super::world::{Info, Kind, Obj, PodSt, St, World};

/// A pod's first state: `0/1 Pending 0 <none> <none>`.
fn pending() -> PodSt {
    PodSt {
        ready: 0,
        total: 1,
        status: "Pending".into(),
        restarts: 0,
        finished: None,
        ip: None,
        node: None,
        cond_ready: false,
        active: true,
    }
}

impl World {
    /// How long a new pod of workload `w` on node `n` takes from creation to a running
    /// container: quick when the image is already on the node, an image pull otherwise.
    pub fn pull_time(&mut self, w: usize, n: usize) -> f64 {
        let node = self.node_infos[n].name.clone();
        let cached = self.workloads[w].pods.iter().any(|(id, _)| {
            self.objs[*id]
                .hist
                .iter()
                .any(|c| matches!(&c.st, St::Pod(p) if p.node.as_deref() == Some(&node)))
        });
        if self.slow_pull {
            self.delay(40.0, 120.0)
        } else if cached {
            self.delay(1.0, 4.0)
        } else {
            self.delay(6.0, 45.0)
        }
    }

    /// Creates a pod of workload `w` at `t` and plays it to ready: ADDED `Pending`
    /// (NODE `<none>`), `Pending` with the node, `ContainerCreating` (sometimes twice),
    /// [`0/1 Running` with a readiness probe], `1/1 Running` (§4.8). With `node` `None`
    /// it stays Pending. Returns the pod id and the time it became ready.
    pub fn spawn_pod(
        &mut self,
        w: usize,
        name: String,
        t: f64,
        node: Option<usize>,
        pull_s: f64,
    ) -> (usize, Option<f64>) {
        let wl = &self.workloads[w];
        let mut labels = vec![("app".to_string(), wl.app.clone())];
        if wl.kind == Kind::Deployment {
            labels.push(("pod-template-hash".into(), wl.hash.clone()));
        }
        if wl.kind == Kind::StatefulSet {
            labels.push(("statefulset.kubernetes.io/pod-name".into(), name.clone()));
        }
        let obj = Obj {
            kind: Kind::Pod,
            ns: Some(wl.ns.clone()),
            name,
            created: t,
            labels,
            info: Info::Pod(w),
            hist: Vec::new(),
        };
        let hash = wl.hash.clone();
        let id = self.add(obj, St::Pod(pending()));
        self.workloads[w].pods.push((id, hash));
        let Some(n) = node else {
            return (id, None);
        };
        let node_name = self.node_infos[n].name.clone();
        let d = self.delay(0.005, 0.05);
        self.modify_pod(id, t + d, |p| p.node = Some(node_name));
        let d = self.delay(0.05, 0.8);
        let mut at = self.modify_pod(id, t + d, |p| p.status = "ContainerCreating".into());
        if self.rng.chance(0.6) {
            let d = self.delay(0.3, 2.0);
            at = self.modify_pod(id, at + d, |_| {});
        }
        let ip = self.next_ip(n);
        let run_at = (t + pull_s).max(at + 0.2);
        let ready_at = if self.cfg.readiness_probe {
            self.modify_pod(id, run_at, |p| {
                p.status = "Running".into();
                p.ip = Some(ip.clone());
            });
            run_at + self.delay(3.0, 12.0)
        } else {
            run_at
        };
        let ready_at = self.modify_pod(id, ready_at, |p| {
            p.status = "Running".into();
            p.ip = Some(ip);
            p.ready = 1;
            p.cond_ready = true;
        });
        (id, Some(ready_at))
    }

    /// The node controller's MarkPodsNotReady: Ready condition False, a visually
    /// identical line (§4.4).
    pub fn mark_not_ready(&mut self, id: usize, t: f64) -> f64 {
        self.modify_pod(id, t, |p| p.cond_ready = false)
    }

    /// The kubelet re-pushes a still-running pod's status after a partition: Ready
    /// condition True again, another identical line (§4.7).
    pub fn reconcile_ready(&mut self, id: usize, t: f64) -> f64 {
        self.modify_pod(id, t, |p| p.cond_ready = true)
    }

    /// Taint-manager eviction: (≥1.26) an identical DisruptionTarget line, then the
    /// DELETE with grace → `Terminating`, READY unchanged (§4.5). Returns the time of the
    /// Terminating line.
    pub fn evict(&mut self, id: usize, t: f64) -> f64 {
        let mut t = t;
        if self.cfg.disruption_target() {
            t = self.modify_pod(id, t, |_| {});
            t += self.delay(0.002, 0.02);
        }
        self.modify_pod(id, t, |p| {
            p.status = "Terminating".into();
            p.active = false;
        })
    }

    /// Legacy NodeLost eviction (< 1.13): `status.reason = NodeLost` (printed
    /// `NodeLost`), then the delete → `Unknown` (§4.5, §2.1 rule 6).
    pub fn evict_legacy(&mut self, id: usize, t: f64) -> f64 {
        let t = self.modify_pod(id, t, |p| p.status = "NodeLost".into());
        let d = self.delay(0.005, 0.05);
        self.modify_pod(id, t + d, |p| {
            p.status = "Unknown".into();
            p.active = false;
        })
    }

    /// The reason a terminal pod prints on a ≥ 1.31 server after its containers died
    /// (`rebooted`: records lost with the node, §4.7).
    fn terminal_reason(&mut self, rebooted: bool) -> String {
        let pool: &[&str] = if rebooted {
            &["Unknown", "ContainerStatusUnknown", "Error", "Completed"]
        } else {
            &["Completed", "Error"]
        };
        self.rng.pick(pool).to_string()
    }

    /// A returning kubelet finishes a Terminating pod: `0/1 Terminating` without IP,
    /// a later status without the restart time, the final status (terminal reason on
    /// ≥ 1.31) and the DELETED line (§4.6 (1); the seed shows exactly this shape).
    /// Returns the time of the DELETED line.
    pub fn kubelet_finish(&mut self, id: usize, t_kubelet: f64, rebooted: bool) -> f64 {
        let d = self.delay(1.0, 5.0);
        let t = self.modify_pod(id, t_kubelet + d, |p| {
            p.ready = 0;
            p.status = "Terminating".into();
            p.ip = None;
        });
        let d = self.delay(20.0, 45.0);
        let mut t = self.modify_pod(id, t + d, |p| p.finished = None);
        for _ in 0..self.rng.int(0, 2) {
            let d = self.delay(0.0, 7.0);
            t = self.modify_pod(id, t + d, |_| {});
        }
        let terminal = self.cfg.terminal_reason();
        let reason = self.terminal_reason(rebooted);
        let d = self.delay(0.0, 7.0);
        let t = self.modify_pod(id, t + d, |p| {
            if terminal {
                p.status = reason;
            }
        });
        let d = self.delay(0.005, 0.3);
        self.delete_pod(id, t + d, |_| {})
    }

    /// A rebooted node restarts a surviving pod in place: `0/1 Unknown` (or
    /// `ContainerCreating`/`Error`) without IP, possibly repeated, then
    /// `1/1 Running N+1 (Xs ago)` with a new IP, X measured from containerd's restart
    /// at `boot_t` (§4.7). Returns the time the pod is ready again.
    pub fn restart_in_place(&mut self, id: usize, boot_t: f64, t_kubelet: f64) -> f64 {
        let mid = self
            .rng
            .pick(&[
                "Unknown",
                "Unknown",
                "Unknown",
                "ContainerCreating",
                "Error",
            ])
            .to_string();
        let d = self.delay(1.0, 6.0);
        let mut t = self.modify_pod(id, t_kubelet + d, |p| {
            p.ready = 0;
            p.status = mid;
            p.ip = None;
            p.cond_ready = false;
        });
        if self.rng.chance(0.7) {
            let d = self.delay(5.0, 45.0);
            t = self.modify_pod(id, t + d, |_| {});
            if self.rng.chance(0.5) {
                t = self.modify_pod(id, t + 0.01, |_| {});
            }
        }
        let n = self
            .node_index(self.pod(id).node.as_deref().unwrap_or_default())
            .expect("a restarted pod is bound to a known node");
        let ip = self.next_ip(n);
        let d = self.delay(2.0, 20.0);
        let probe = self.cfg.readiness_probe;
        let t = self.modify_pod(id, t + d, |p| {
            p.status = "Running".into();
            p.restarts += 1;
            p.finished = Some(boot_t);
            p.ip = Some(ip);
            if !probe {
                p.ready = 1;
                p.cond_ready = true;
            }
        });
        if !probe {
            return t;
        }
        let d = self.delay(3.0, 12.0);
        self.modify_pod(id, t + d, |p| {
            p.ready = 1;
            p.cond_ready = true;
        })
    }

    /// Graceful node shutdown kills a pod: phase Failed, `0/1 Error` or `0/1 Completed`,
    /// no deletionTimestamp (§4.9).
    pub fn shutdown_kill(&mut self, id: usize, t: f64) -> f64 {
        let reason = self.rng.pick(&["Error", "Completed"]).to_string();
        let t = self.modify_pod(id, t, |p| {
            p.ready = 0;
            p.status = reason;
            p.cond_ready = false;
            p.active = false;
        });
        if self.cfg.disruption_target() && self.rng.chance(0.5) {
            let d = self.delay(0.005, 0.05);
            return self.modify_pod(id, t + d, |_| {});
        }
        t
    }

    /// `kubectl delete pod --force --grace-period=0`: one DELETED line with the last
    /// state (§4.6 (2)).
    pub fn force_delete(&mut self, id: usize, t: f64) -> f64 {
        self.delete_pod(id, t, |_| {})
    }

    /// PodGC on a deleted node: (≥ 1.26) phase Failed + DisruptionTarget, printed
    /// `Failed` (or `Terminating` on < 1.31 for a pod already being deleted), then the
    /// grace-0 delete (§4.6 (3)). Returns the DELETED time.
    pub fn podgc_delete(&mut self, id: usize, t: f64) -> f64 {
        let terminal = self.cfg.terminal_reason();
        let was_terminating = !self.pod(id).active;
        let mut t = t;
        if self.cfg.disruption_target() {
            t = self.modify_pod(id, t, |p| {
                p.active = false;
                p.cond_ready = false;
                if terminal || !was_terminating {
                    p.status = "Failed".into();
                }
            });
            t += self.delay(0.005, 0.05);
        }
        self.delete_pod(id, t, |p| {
            p.status = if terminal { "Failed" } else { "Terminating" }.into();
        })
    }

    /// `kubectl delete pod` on a live node (or a rollout scale-down): `Terminating`,
    /// the kubelet stops it (`0/1 Terminating`), final status, DELETED. Returns the
    /// DELETED time.
    pub fn user_delete(&mut self, id: usize, t: f64) -> f64 {
        let t = self.modify_pod(id, t, |p| {
            p.status = "Terminating".into();
            p.active = false;
        });
        let d = self.delay(0.5, 3.0);
        let t = self.modify_pod(id, t + d, |p| {
            p.ready = 0;
            p.cond_ready = false;
        });
        let terminal = self.cfg.terminal_reason();
        let reason = self.terminal_reason(false);
        let d = self.delay(0.2, 2.0);
        let t = self.modify_pod(id, t + d, |p| {
            p.ip = None;
            p.finished = None;
            if terminal {
                p.status = reason;
            }
        });
        let d = self.delay(0.005, 0.1);
        self.delete_pod(id, t + d, |_| {})
    }

    /// A schedulable worker for a new pod at `t`, other than `avoid`, spreading over
    /// the least-loaded nodes. `None` if there is none.
    pub fn pick_node(&mut self, t: f64, avoid: Option<usize>) -> Option<usize> {
        let mut best: Vec<(usize, usize)> = (0..self.workers)
            .filter(|&n| Some(n) != avoid && self.schedulable(n, t))
            .map(|n| (self.pods_on(n).len(), n))
            .collect();
        best.sort();
        let min = best.first()?.0;
        let ties: Vec<usize> = best
            .iter()
            .filter(|(c, _)| *c == min)
            .map(|(_, n)| *n)
            .collect();
        Some(*self.rng.pick(&ties))
    }

    /// The ReplicaSet replaces an inactive Deployment pod: a new generated name on
    /// another schedulable worker, created `0.01–0.04 s` after `t`. Returns the new
    /// pod and its ready time.
    pub fn replace_deploy_pod(&mut self, w: usize, t: f64, avoid: usize) -> (usize, Option<f64>) {
        let base = format!("{}-{}", self.workloads[w].name, self.workloads[w].hash);
        let name = names::generated(&base, &mut self.rng);
        let at = t + self.delay(0.01, 0.04);
        let node = self.pick_node(at, Some(avoid));
        let pull = match node {
            Some(n) => self.pull_time(w, n),
            None => 0.0,
        };
        self.spawn_pod(w, name, at, node, pull)
    }
}
