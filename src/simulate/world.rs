//! The simulated cluster: objects, their server-side state, and the history of watch
//! events each one produced, on the hidden true clock (seconds; t = 0 is the creation of
//! the first workload object).
//!
//! This module owns the data model and the bookkeeping (adding objects, appending
//! state changes in time order). The behaviour that decides *which* changes happen
//! lives in `pods.rs`, `nodes.rs`, `status.rs` and `scenario.rs`; printing lives in
//! `printer.rs`.

use super::config::Config;
use super::names::NodeInfo;
use super::rng::Rng;

/// Kind of a simulated object (one watch file per kind).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// `kubectl get nodes -w`.
    Node,
    /// `kubectl get pods -w`.
    Pod,
    /// `kubectl get deployments -w`.
    Deployment,
    /// `kubectl get statefulsets -w`.
    StatefulSet,
    /// `kubectl get daemonsets -w`.
    DaemonSet,
}

impl Kind {
    /// The `--show-kind` prefix (`pod`, `deployment.apps`, …).
    pub fn prefix(self) -> &'static str {
        match self {
            Kind::Node => "node",
            Kind::Pod => "pod",
            Kind::Deployment => "deployment.apps",
            Kind::StatefulSet => "statefulset.apps",
            Kind::DaemonSet => "daemonset.apps",
        }
    }
}

/// Watch event type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ev {
    /// ADDED.
    Added,
    /// MODIFIED.
    Modified,
    /// DELETED (printed like MODIFIED unless `--output-watch-events`).
    Deleted,
}

impl Ev {
    /// The event's type as the API names it.
    pub fn name(self) -> &'static str {
        match self {
            Ev::Added => "ADDED",
            Ev::Modified => "MODIFIED",
            Ev::Deleted => "DELETED",
        }
    }

    /// The EVENT cell `--output-watch-events` prints: the type padded to 8 characters
    /// in the cell itself (FORMAT.md §3.4).
    pub fn cell(self) -> String {
        format!("{:<8}", self.name())
    }
}

/// Pod state: the printed fields plus what controllers count.
#[derive(Debug, Clone, PartialEq)]
pub struct PodSt {
    /// READY numerator (running and ready containers).
    pub ready: u32,
    /// READY denominator.
    pub total: u32,
    /// STATUS cell (already computed as printPod would, §2.1).
    pub status: String,
    /// Restart count.
    pub restarts: u32,
    /// True time of the latest `lastState.terminated.finishedAt`, if any.
    pub finished: Option<f64>,
    /// Pod IP.
    pub ip: Option<String>,
    /// Node name.
    pub node: Option<String>,
    /// The pod's `Ready` condition (not printed; counted by controllers, §4.4).
    pub cond_ready: bool,
    /// Active for its controller: no deletionTimestamp, not Failed/Succeeded (§5.1).
    pub active: bool,
}

/// Node state (static columns are in [`NodeInfo`]).
#[derive(Debug, Clone, PartialEq)]
pub struct NodeSt {
    /// STATUS cell.
    pub status: &'static str,
    /// INTERNAL-IP (may change after a reboot).
    pub internal_ip: String,
}

/// Workload status counts (the meaning of each depends on the kind, §2.3–2.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counts {
    /// spec.replicas / desiredNumberScheduled.
    pub desired: u32,
    /// status.replicas / currentNumberScheduled.
    pub current: u32,
    /// readyReplicas / numberReady.
    pub ready: u32,
    /// updatedReplicas / updatedNumberScheduled.
    pub updated: u32,
    /// availableReplicas / numberAvailable.
    pub available: u32,
}

/// The state carried by one watch event.
#[derive(Debug, Clone, PartialEq)]
pub enum St {
    /// A pod.
    Pod(PodSt),
    /// A node.
    Node(NodeSt),
    /// A Deployment, StatefulSet or DaemonSet.
    Workload(Counts),
}

/// One watch event of one object.
#[derive(Debug, Clone)]
pub struct Change {
    /// True time the apiserver sent it (AGE is computed at this moment).
    pub t: f64,
    /// Event type.
    pub ev: Ev,
    /// The object's state in the event.
    pub st: St,
}

/// Static printable facts of an object.
#[derive(Debug, Clone)]
pub enum Info {
    /// Index into [`World::node_infos`].
    Node(usize),
    /// Pod: index of the owning workload in [`World::workloads`].
    Pod(usize),
    /// Workload: index into [`World::workloads`].
    Workload(usize),
}

/// One simulated API object and its watch history.
#[derive(Debug, Clone)]
pub struct Obj {
    /// Kind.
    pub kind: Kind,
    /// Namespace (`None` for nodes).
    pub ns: Option<String>,
    /// Name.
    pub name: String,
    /// True creation instant (creationTimestamp is its floor, §1.4).
    pub created: f64,
    /// Labels (for `-L`).
    pub labels: Vec<(String, String)>,
    /// Static facts.
    pub info: Info,
    /// Watch events in time order.
    pub hist: Vec<Change>,
}

impl Obj {
    /// The state at true time `t` (the last change at or before `t`), if the object
    /// exists then.
    pub fn state_at(&self, t: f64) -> Option<&Change> {
        let c = self.hist.iter().take_while(|c| c.t <= t).last()?;
        (c.ev != Ev::Deleted).then_some(c)
    }
}

/// A Deployment, StatefulSet or DaemonSet and its pods.
#[derive(Debug, Clone)]
pub struct Workload {
    /// Kind of the workload object.
    pub kind: Kind,
    /// Object id of the workload.
    pub obj: usize,
    /// Name.
    pub name: String,
    /// Namespace.
    pub ns: String,
    /// spec.replicas (Deployment/StatefulSet).
    pub replicas: u32,
    /// Current pod-template-hash (Deployment).
    pub hash: String,
    /// `app=` label value / container name.
    pub app: String,
    /// Image.
    pub image: String,
    /// DaemonSet tolerates every taint.
    pub tolerates_all: bool,
    /// Object ids of every pod it ever owned, with its template hash.
    pub pods: Vec<(usize, String)>,
}

/// The whole simulated cluster.
#[derive(Debug)]
pub struct World {
    /// The (normalised) configuration.
    pub cfg: Config,
    /// Random source.
    pub rng: Rng,
    /// Every object.
    pub objs: Vec<Obj>,
    /// Node facts; `node_objs[i]` is the object of `node_infos[i]`.
    pub node_infos: Vec<NodeInfo>,
    /// Object id of each node.
    pub node_objs: Vec<usize>,
    /// Number of workers (node indexes `0..workers`; a control-plane node follows).
    pub workers: usize,
    /// Workloads.
    pub workloads: Vec<Workload>,
    /// Intervals `[from, to)` during which a node carries a NoSchedule taint.
    pub unschedulable: Vec<(usize, f64, f64)>,
    /// Times from which a node object no longer exists (deleted).
    pub node_gone: Vec<(usize, f64)>,
    /// Intervals `[from, to)` during which a node's kubelet cannot write (down or cut off).
    pub kubelet_down: Vec<(usize, f64, f64)>,
    /// Force slow image pulls (40–120 s) for new pods (mid-migration needs a window).
    pub slow_pull: bool,
}

impl World {
    /// An empty world for `cfg`.
    pub fn new(cfg: Config) -> World {
        World {
            rng: Rng::new(cfg.seed),
            cfg,
            objs: Vec::new(),
            node_infos: Vec::new(),
            node_objs: Vec::new(),
            workers: 0,
            workloads: Vec::new(),
            unschedulable: Vec::new(),
            node_gone: Vec::new(),
            kubelet_down: Vec::new(),
            slow_pull: false,
        }
    }

    /// A delay drawn from `[lo, hi)`, or its middle without jitter.
    pub fn delay(&mut self, lo: f64, hi: f64) -> f64 {
        if self.cfg.jitter {
            self.rng.range(lo, hi)
        } else {
            (lo + hi) / 2.0
        }
    }

    /// Adds an object with an ADDED event at `created`.
    pub fn add(&mut self, mut obj: Obj, st: St) -> usize {
        obj.hist.push(Change {
            t: obj.created,
            ev: Ev::Added,
            st,
        });
        self.objs.push(obj);
        self.objs.len() - 1
    }

    /// Appends an event; a time earlier than the object's last event is moved to just
    /// after it, so every object's history stays in order.
    pub fn push(&mut self, id: usize, t: f64, ev: Ev, st: St) -> f64 {
        let last = self.objs[id].hist.last().map_or(t, |c| c.t);
        let t = if t < last { last + 0.001 } else { t };
        self.objs[id].hist.push(Change { t, ev, st });
        t
    }

    /// The pod's current (last) state.
    pub fn pod(&self, id: usize) -> PodSt {
        match self.objs[id].hist.last().map(|c| &c.st) {
            Some(St::Pod(p)) => p.clone(),
            _ => panic!("object {id} is not a pod"),
        }
    }

    /// Appends a MODIFIED event with the pod state changed by `f`.
    pub fn modify_pod(&mut self, id: usize, t: f64, f: impl FnOnce(&mut PodSt)) -> f64 {
        let mut p = self.pod(id);
        f(&mut p);
        self.push(id, t, Ev::Modified, St::Pod(p))
    }

    /// Appends a DELETED event carrying the pod's last state changed by `f`.
    pub fn delete_pod(&mut self, id: usize, t: f64, f: impl FnOnce(&mut PodSt)) -> f64 {
        let mut p = self.pod(id);
        f(&mut p);
        p.active = false;
        self.push(id, t, Ev::Deleted, St::Pod(p))
    }

    /// The node's current state.
    pub fn node(&self, n: usize) -> NodeSt {
        match self.objs[self.node_objs[n]].hist.last().map(|c| &c.st) {
            Some(St::Node(s)) => s.clone(),
            _ => panic!("node {n} has no node state"),
        }
    }

    /// Appends a node MODIFIED event with the state changed by `f`.
    pub fn modify_node(&mut self, n: usize, t: f64, f: impl FnOnce(&mut NodeSt)) -> f64 {
        let mut s = self.node(n);
        f(&mut s);
        self.push(self.node_objs[n], t, Ev::Modified, St::Node(s))
    }

    /// A fresh pod IP from node `n`'s pod CIDR.
    pub fn next_ip(&mut self, n: usize) -> String {
        let info = &mut self.node_infos[n];
        info.next_host = if info.next_host >= 254 {
            2
        } else {
            info.next_host + 1
        };
        format!("{}.{}", info.pod_net, info.next_host)
    }

    /// Whether node `n` can take new pods at `t` (exists, no NoSchedule taint).
    pub fn schedulable(&self, n: usize, t: f64) -> bool {
        !self
            .unschedulable
            .iter()
            .any(|&(m, a, b)| m == n && a <= t && t < b)
            && !self.node_gone.iter().any(|&(m, a)| m == n && a <= t)
    }

    /// Node index of a node name.
    pub fn node_index(&self, name: &str) -> Option<usize> {
        self.node_infos.iter().position(|i| i.name == name)
    }

    /// Ids of the pods currently bound to worker `n` (existing, not deleted).
    pub fn pods_on(&self, n: usize) -> Vec<usize> {
        let name = &self.node_infos[n].name;
        let mut out = Vec::new();
        for w in &self.workloads {
            for (id, _) in &w.pods {
                let o = &self.objs[*id];
                if let Some(Change {
                    ev, st: St::Pod(p), ..
                }) = o.hist.last()
                {
                    if *ev != Ev::Deleted && p.node.as_deref() == Some(name) {
                        out.push(*id);
                    }
                }
            }
        }
        out
    }

    /// Index of the workload that owns pod `id`.
    pub fn owner(&self, id: usize) -> usize {
        match self.objs[id].info {
            Info::Pod(w) => w,
            _ => panic!("object {id} is not a pod"),
        }
    }
}
