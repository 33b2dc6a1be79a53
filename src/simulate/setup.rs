//! The cluster before the capture: nodes created days ago, the Deployment at t = 0
//! and its pods, an optional StatefulSet and DaemonSet, kube-proxy for `-A`, and
//! possibly an earlier reboot that left `RESTARTS 1 (Xm ago)` (as in the seed).
//! Returns the moment the watches start (capture start), minutes later.

use super::config::Config;
use super::names::{self, NodeInfo};
use super::world::{Counts, Info, Kind, NodeSt, Obj, St, Workload, World};

impl World {
    fn add_node(&mut self, info: NodeInfo, created: f64, cp: bool) {
        let mut labels = vec![("kubernetes.io/hostname".to_string(), info.name.clone())];
        if cp {
            labels.push((
                "node-role.kubernetes.io/control-plane".into(),
                String::new(),
            ));
        }
        let obj = Obj {
            kind: Kind::Node,
            ns: None,
            name: info.name.clone(),
            created,
            labels,
            info: Info::Node(self.node_infos.len()),
            hist: Vec::new(),
        };
        let st = St::Node(NodeSt {
            status: "Ready",
            internal_ip: info.internal_ip.clone(),
        });
        let id = self.add(obj, st);
        self.node_infos.push(info);
        self.node_objs.push(id);
    }

    #[allow(clippy::too_many_arguments)]
    fn add_workload(
        &mut self,
        kind: Kind,
        name: &str,
        ns: &str,
        app: &str,
        image: &str,
        replicas: u32,
        created: f64,
        tolerates_all: bool,
    ) -> usize {
        let hash = names::template_hash(&mut self.rng);
        let w = self.workloads.len();
        let obj = Obj {
            kind,
            ns: Some(ns.to_string()),
            name: name.to_string(),
            created,
            labels: vec![("app".into(), app.to_string())],
            info: Info::Workload(w),
            hist: Vec::new(),
        };
        let id = self.add(
            obj,
            St::Workload(Counts {
                desired: replicas,
                ..Counts::default()
            }),
        );
        self.workloads.push(Workload {
            kind,
            obj: id,
            name: name.to_string(),
            ns: ns.to_string(),
            replicas,
            hash,
            app: app.to_string(),
            image: image.to_string(),
            tolerates_all,
            pods: Vec::new(),
        });
        w
    }

    /// Builds the steady cluster; `failed` is the worker that will fail (if any), which
    /// gets the first pod of every workload. Returns the capture start.
    pub fn setup(&mut self, failed: Option<usize>, sts_on_failed: bool) -> f64 {
        let cfg = self.cfg.clone();
        let old = self.setup_nodes(&cfg);
        let t_cap = self.delay(180.0, 2700.0);
        if cfg.all_namespaces {
            self.setup_kube_proxy(old);
        }
        let ns = self.setup_deployment(&cfg, failed);
        if let Some(replicas) = cfg.statefulset {
            self.setup_statefulset(replicas, ns, failed, sts_on_failed);
        }
        if cfg.daemonset {
            self.setup_node_exporter(&cfg, ns);
        }
        if t_cap > 900.0 && self.rng.chance(0.3) {
            self.earlier_reboot(t_cap);
        }
        t_cap
    }

    /// The nodes, workers first, created days ago (a few workers more recently).
    /// Returns how long ago the cluster was made.
    fn setup_nodes(&mut self, cfg: &Config) -> f64 {
        let infos = names::cluster_nodes(
            &mut self.rng,
            cfg.workers,
            cfg.control_plane,
            cfg.server_minor,
        );
        self.workers = cfg.workers;
        let old = self.rng.range(3.0, 60.0) * 86400.0;
        for (i, info) in infos.into_iter().enumerate() {
            let cp = i >= cfg.workers;
            let created = if cp || self.rng.chance(0.7) {
                -old - self.rng.range(0.0, 3600.0)
            } else {
                -self.rng.range(1.0, 3.0) * 86400.0
            };
            self.add_node(info, created, cp);
        }
        old
    }

    /// kube-proxy on every node (for `-A`).
    fn setup_kube_proxy(&mut self, old: f64) {
        let w = self.add_workload(
            Kind::DaemonSet,
            "kube-proxy",
            "kube-system",
            "kube-proxy",
            "registry.k8s.io/kube-proxy:v1.29.4",
            0,
            -old - 4000.0,
            true,
        );
        for n in 0..self.node_objs.len() {
            let t = self.objs[self.node_objs[n]].created + self.delay(5.0, 60.0);
            let name = names::generated("kube-proxy", &mut self.rng);
            let pull = self.delay(3.0, 10.0);
            self.spawn_pod(w, name, t, Some(n), pull);
        }
    }

    /// The Deployment at t = 0 and its pods (the first on `failed`, if any).
    /// Returns its namespace.
    fn setup_deployment(&mut self, cfg: &Config, failed: Option<usize>) -> &'static str {
        let (dname, app, image) = names::deployment_name(&mut self.rng);
        let ns = if cfg.all_namespaces {
            "demo"
        } else {
            "default"
        };
        let dw = self.add_workload(
            Kind::Deployment,
            dname,
            ns,
            app,
            image,
            cfg.replicas,
            0.0,
            false,
        );
        let base = format!("{dname}-{}", self.workloads[dw].hash);
        for i in 0..cfg.replicas {
            let t = self.delay(0.02, 0.1) + f64::from(i) * 0.004;
            let node = if i == 0 && failed.is_some() {
                failed
            } else {
                self.pick_node(t, None)
            };
            let name = names::generated(&base, &mut self.rng);
            let pull = self.delay(2.0, 30.0);
            self.spawn_pod(dw, name, t, node, pull);
        }
        ns
    }

    /// The StatefulSet `db`, its pods made one after another.
    fn setup_statefulset(
        &mut self,
        replicas: u32,
        ns: &str,
        failed: Option<usize>,
        sts_on_failed: bool,
    ) {
        let t0 = self.delay(5.0, 90.0);
        let sw = self.add_workload(
            Kind::StatefulSet,
            "db",
            ns,
            "db",
            "postgres:16",
            replicas,
            t0,
            false,
        );
        let mut t = t0 + 0.05;
        for i in 0..replicas {
            let node = if i == 0 && sts_on_failed {
                failed
            } else {
                self.pick_node(t, None)
            };
            let pull = self.delay(5.0, 40.0);
            let (_, ready) = self.spawn_pod(sw, format!("db-{i}"), t, node, pull);
            t = ready.unwrap_or(t) + self.delay(0.01, 0.2);
        }
    }

    /// The DaemonSet `node-exporter`, on the workers (or every node if it tolerates all).
    fn setup_node_exporter(&mut self, cfg: &Config, ns: &str) {
        let t0 = self.delay(5.0, 120.0);
        let tol = cfg.daemonset_tolerates_all;
        let dsw = self.add_workload(
            Kind::DaemonSet,
            "node-exporter",
            ns,
            "node-exporter",
            "prom/node-exporter:v1.8.1",
            0,
            t0,
            tol,
        );
        let nodes = if tol {
            self.node_objs.len()
        } else {
            self.workers
        };
        for n in 0..nodes {
            let name = names::generated("node-exporter", &mut self.rng);
            let t = t0 + self.delay(0.02, 0.3);
            let pull = self.delay(2.0, 15.0);
            self.spawn_pod(dsw, name, t, Some(n), pull);
        }
    }

    /// A worker rebooted earlier: its pods restarted once, long before the capture.
    fn earlier_reboot(&mut self, t_cap: f64) {
        let n = self.rng.int(0, self.workers as u64 - 1) as usize;
        let boot = self.rng.range(200.0, t_cap - 400.0);
        for id in self.pods_on(n) {
            let ip = self.next_ip(n);
            let d = self.delay(20.0, 60.0);
            self.modify_pod(id, boot + d, |p| {
                p.restarts += 1;
                p.finished = Some(boot);
                p.ip = Some(ip);
            });
        }
    }
}
