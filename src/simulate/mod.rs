//! A kubectl-faithful node-failure experiment simulator, for tests (and later a
//! `watchtrail simulate` command).
//!
//! [`run`] plays a [`Config`] on a hidden true clock with Kubernetes' behaviour and
//! timings (FORMAT.md §4–5) and prints the transcripts exactly as kubectl would
//! (FORMAT.md §2–3): an [`Experiment`] holds the files and the [`Truth`] of every line.
//!
//! Module map (one job each):
//! - [`tabwriter`]: kubectl's table layout per client era (§3.2).
//! - [`config`]: what to simulate ([`Config`], [`Variant`], [`Return`]).
//! - `rng`, `names`: seeded randomness; realistic names, hashes and IPs (§5.2).
//! - `world`: objects and their watch-event histories on the true clock.
//! - `setup`: the steady cluster before the capture.
//! - `nodes`, `pods`: node and pod lifecycles (§4.2–4.9).
//! - `status`: Deployment/StatefulSet/DaemonSet rows derived from pods (§5.1).
//! - `scenario`: plays a variant and records F/E/R/N.
//! - `printer`: row cells as the apiserver prints them (§2), client extra columns (§3.4).
//! - `transcript`: watch files, session log, `ts` prefixes, per-line truth (§3.1, §3.3).
//! - [`truth`]: the truth types.

pub mod churn;
pub mod config;
mod names;
mod nodes;
mod pods;
mod printer;
mod rng;
mod scenario;
mod setup;
pub mod soak;
mod status;
pub mod tabwriter;
mod transcript;
pub mod truth;
mod world;

pub use config::{Config, Layout, Return, Timestamps, Variant};
pub use tabwriter::{Era, TabWriter};
pub use truth::{LineTruth, Metrics, ObjectTruth, Truth};

use scenario::Outcome;
use transcript::Watch;
use world::{Kind, St, World};

/// One simulated transcript file.
#[derive(Debug, Clone, PartialEq)]
pub struct SimFile {
    /// `pods.log`, `nodes.log`, `deployments.log`, `statefulsets.log`,
    /// `daemonsets.log`, or `session.log`.
    pub name: String,
    /// The bytes kubectl printed (each line ends in `\n`).
    pub text: String,
}

/// A simulated experiment: what kubectl printed and what really happened.
#[derive(Debug, Clone)]
pub struct Experiment {
    /// The transcripts.
    pub files: Vec<SimFile>,
    /// The truth behind them.
    pub truth: Truth,
    /// The configuration actually played (after [`Config`] normalisation, e.g. a
    /// legacy variant forces a pre-1.13 server).
    pub config: Config,
}

impl Experiment {
    /// The file called `name`, if present.
    pub fn file(&self, name: &str) -> Option<&SimFile> {
        self.files.iter().find(|f| f.name == name)
    }
}

/// Adjusts a config to what its variant needs (documented on each field/variant).
fn normalise(cfg: &Config) -> Config {
    let mut c = cfg.clone();
    c.workers = c.workers.max(1);
    c.replicas = c.replicas.max(1);
    let partial = !matches!(
        c.variant,
        Variant::NoFailure
            | Variant::FullDisruption { .. }
            | Variant::ManualDelete
            | Variant::Rollout
    );
    if partial {
        c.workers = c.workers.max(2);
    }
    match c.variant {
        Variant::FullDisruption { .. } => c.control_plane = false,
        Variant::LegacyNodeLost(_) => c.server_minor = c.server_minor.min(12),
        Variant::StatefulSetStuck => c.statefulset = Some(c.statefulset.unwrap_or(1).max(1)),
        _ => {}
    }
    if matches!(
        c.variant,
        Variant::GracefulShutdown(Return::BeforeEviction | Return::CaptureEndsFirst)
    ) {
        c.variant = Variant::GracefulShutdown(Return::PostMigration);
    }
    c.toleration_s = c.toleration_s.max(20.0);
    c
}

/// DESIGN.md scenario from the true phase times.
fn classify(variant: Variant, o: &Outcome) -> &'static str {
    if matches!(
        variant,
        Variant::NoFailure | Variant::ManualDelete | Variant::Rollout
    ) {
        return "no-failure";
    }
    match (o.e, o.r, o.n) {
        (_, _, Some(n)) if o.e.is_none_or(|e| n < e) => "in-place",
        (Some(_), Some(r), Some(n)) if n < r => "mid-migration",
        (Some(_), None, Some(_)) => "mid-migration",
        (Some(_), Some(_), Some(_)) => "post-migration",
        (Some(_), Some(_), None) => "migrated-no-return",
        _ => "ongoing",
    }
}

/// Seconds in `[from, to]` during which the Deployment reported fewer available
/// replicas than desired.
fn unavailable(w: &World, from: f64, to: f64) -> f64 {
    let obj = &w.objs[w
        .workloads
        .iter()
        .position(|x| x.kind == Kind::Deployment)
        .map_or(0, |i| w.workloads[i].obj)];
    let mut total = 0.0;
    let mut prev: Option<(f64, bool)> = None;
    for c in &obj.hist {
        let St::Workload(k) = &c.st else { continue };
        let short = k.available < k.desired;
        if let Some((t0, s)) = prev {
            if s {
                total += (c.t.min(to) - t0.max(from)).max(0.0);
            }
        }
        prev = Some((c.t, short));
    }
    if let Some((t0, true)) = prev {
        total += (to - t0.max(from)).max(0.0);
    }
    total
}

/// Plays the experiment described by `cfg`. Same config (seed included) → same bytes.
pub fn run(cfg: &Config) -> Experiment {
    let cfg = normalise(cfg);
    let mut w = World::new(cfg.clone());
    let failing = !matches!(
        cfg.variant,
        Variant::NoFailure | Variant::ManualDelete | Variant::Rollout
    );
    let failed = cfg
        .failed_worker
        .unwrap_or_else(|| w.rng.int(0, cfg.workers as u64 - 1) as usize)
        .min(cfg.workers - 1);
    let sts_on_failed = cfg.variant == Variant::StatefulSetStuck;
    let t_cap = w.setup(failing.then_some(failed), sts_on_failed);
    let kinds = watched_kinds(&cfg);
    let mut starts: Vec<f64> = kinds.iter().map(|_| t_cap + w.delay(0.0, 15.0)).collect();
    starts
        .iter_mut()
        .for_each(|s| *s = (*s * 1000.0).round() / 1000.0);
    let o = w.play(t_cap, failed);
    let tail = w.delay(30.0, 300.0);
    let end = if o.exact_end { o.end } else { o.end + tail };
    w.heartbeats(t_cap - 600.0, end + 10.0);
    w.derive_status(&o.revisions, end + 10.0);
    let watches: Vec<Watch> = kinds
        .iter()
        .zip(&starts)
        .map(|(&(kind, file), &start)| Watch {
            kind,
            file,
            start,
            end: end + w.rng.range(0.0, 5.0),
        })
        .collect();
    let epoch = 1_700_000_000 + w.rng.int(0, 60_000_000) as i64;
    let (files, lines) = transcript::render(&w, &watches, epoch);
    let capture_start = watches
        .iter()
        .map(|x| x.start)
        .fold(f64::INFINITY, f64::min);
    let capture_end = watches.iter().map(|x| x.end).fold(0.0, f64::max);
    let scenario = classify(cfg.variant, &o);
    let dep_end = watches
        .iter()
        .find(|x| x.kind == Kind::Deployment)
        .map_or(capture_end, |x| x.end);
    let metrics = if failing {
        true_metrics(&w, &o, dep_end)
    } else {
        Metrics::default()
    };
    let truth = Truth {
        lines,
        scenario,
        variant: cfg.variant.name(),
        failed_nodes: o
            .failed
            .iter()
            .map(|&n| w.node_infos[n].name.clone())
            .collect(),
        injected: o.injected,
        f: o.f,
        e: o.e,
        r: o.r,
        n: o.n,
        node_ready: o.node_ready,
        capture_start,
        capture_end,
        metrics,
    };
    Experiment {
        files,
        truth,
        config: cfg,
    }
}

/// The watches an experiment runs, and their files: pods, nodes and deployments, and
/// the StatefulSet's and DaemonSet's when it has them.
fn watched_kinds(cfg: &Config) -> Vec<(Kind, &'static str)> {
    let mut kinds = vec![
        (Kind::Pod, "pods.log"),
        (Kind::Node, "nodes.log"),
        (Kind::Deployment, "deployments.log"),
    ];
    if cfg.statefulset.is_some() {
        kinds.push((Kind::StatefulSet, "statefulsets.log"));
    }
    if cfg.daemonset {
        kinds.push((Kind::DaemonSet, "daemonsets.log"));
    }
    kinds
}

/// The true metrics of a failure played (`dep_end`: when the deployments' watch ended).
fn true_metrics(w: &World, o: &Outcome, dep_end: f64) -> Metrics {
    Metrics {
        detection_s: o.f.zip(o.injected).map(|(f, i)| f - i),
        eviction_s: o.e.zip(o.f).map(|(e, f)| e - f),
        replacement_s: o.r.zip(o.e).map(|(r, e)| r - e),
        unavailable_s: o.injected.map(|i| unavailable(w, i, dep_end)),
        node_down_s: o.node_ready.zip(o.f).map(|(n, f)| n - f),
    }
}

#[cfg(test)]
mod tests;
