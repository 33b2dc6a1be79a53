//! What experiment to simulate: the [`Config`] struct, its [`Variant`]s and the
//! version-dependent knobs derived from it (FORMAT.md §2 column sets, §4.1 timings).
//!
//! This module owns no behaviour; `scenario.rs` plays a config and `printer.rs` /
//! `transcript.rs` print it.

/// When (if ever) a failed node comes back, relative to the recovery steps (DESIGN.md
/// scenario order F → E → R → N).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Return {
    /// Back after F, before the pods are evicted → `in-place`.
    BeforeEviction,
    /// Back after the old pod is Terminating, before the replacement is ready → `mid-migration`.
    MidMigration,
    /// Back after the replacement is ready → `post-migration`.
    PostMigration,
    /// Never back; the capture ends after the replacement is ready → `migrated-no-return`.
    Never,
    /// The capture ends after F but before eviction → `ongoing`.
    CaptureEndsFirst,
}

/// The experiment played (FORMAT.md §4, §5.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variant {
    /// Steady cluster, nothing happens but periodic node status writes.
    NoFailure,
    /// Hard power-off of one worker (lease expiry, taint eviction after the toleration).
    PowerOff(Return),
    /// The worker is cut off the network and reconnects before eviction: no restart, same IP.
    NetworkPartition,
    /// A StatefulSet pod on the dead node stays Terminating until the node returns; then
    /// the same name is re-created (AGE from 0s) (§4.8).
    StatefulSetStuck,
    /// Graceful node shutdown: pods Failed (`Error`/`Completed`) at once, replaced
    /// immediately (§4.9). `BeforeEviction`/`CaptureEndsFirst` are played as `PostMigration`.
    GracefulShutdown(Return),
    /// Every worker fails: zone FullDisruption, no eviction (§4.3). `returns` brings all back.
    FullDisruption {
        /// Whether the workers come back (with in-place restarts) before the capture ends.
        returns: bool,
    },
    /// Pre-1.13 server, no taint manager: pods become `NodeLost` then `Unknown` (§4.5).
    LegacyNodeLost(Return),
    /// Node never returns; the Terminating pods are force-deleted by hand (§4.6 (2)).
    ForceDelete,
    /// Node never returns; the Node object is deleted and PodGC removes its pods (§4.6 (3)).
    NodeDeleted,
    /// Not a failure: `kubectl delete pod` of one Deployment pod (§5.1 last bullet).
    ManualDelete,
    /// Not a failure: a rolling update (new ReplicaSet hash, UP-TO-DATE from 0) (§5.1).
    Rollout,
}

impl Variant {
    /// The variant's name as reported in [`super::Truth::variant`].
    pub fn name(self) -> &'static str {
        match self {
            Variant::NoFailure => "no-failure",
            Variant::PowerOff(_) => "power-off",
            Variant::NetworkPartition => "network-partition",
            Variant::StatefulSetStuck => "statefulset-stuck",
            Variant::GracefulShutdown(_) => "graceful-shutdown",
            Variant::FullDisruption { .. } => "full-disruption",
            Variant::LegacyNodeLost(_) => "legacy-nodelost",
            Variant::ForceDelete => "force-delete",
            Variant::NodeDeleted => "node-deleted",
            Variant::ManualDelete => "manual-delete",
            Variant::Rollout => "rollout",
        }
    }

    /// Every variant, once, with representative returns (for tests and `simulate --all`).
    pub fn all() -> Vec<Variant> {
        use Return::*;
        vec![
            Variant::NoFailure,
            Variant::PowerOff(BeforeEviction),
            Variant::PowerOff(MidMigration),
            Variant::PowerOff(PostMigration),
            Variant::PowerOff(Never),
            Variant::PowerOff(CaptureEndsFirst),
            Variant::NetworkPartition,
            Variant::StatefulSetStuck,
            Variant::GracefulShutdown(PostMigration),
            Variant::GracefulShutdown(Never),
            Variant::FullDisruption { returns: true },
            Variant::FullDisruption { returns: false },
            Variant::LegacyNodeLost(PostMigration),
            Variant::LegacyNodeLost(BeforeEviction),
            Variant::ForceDelete,
            Variant::NodeDeleted,
            Variant::ManualDelete,
            Variant::Rollout,
        ]
    }
}

/// How the watch files are written out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// One file per watch: `pods.log`, `nodes.log`, `deployments.log`, ….
    Separate,
    /// One `session.log`: each watch in turn after a `$ kubectl get … -w` prompt,
    /// ended by `^C` (as if the terminals were pasted one after the other).
    Session,
    /// One `session.log` of plain listings typed one after another, as most people
    /// capture: `$ kubectl get pods` then `$ kubectl get nodes`, every `every_s`
    /// seconds through the capture. No workload table: owners come from pod names.
    /// Plain listings (`kubectl get pods` / `get nodes`) every `every_s` seconds, no workload table.
    Listings {
        /// Seconds between two listings.
        every_s: u32,
    },
}

/// `ts`-style timestamp prefixes (moreutils `ts`), stamped when the line was printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Timestamps {
    /// `ts` default: `Mar 14 12:34:56 `.
    Default,
    /// `ts '%Y-%m-%dT%H:%M:%S'`: `2024-03-14T12:34:56 `.
    Iso,
    /// `ts '%.s'` style: fractional epoch seconds `1710419696.123456 `.
    Epoch,
}

/// Everything that decides one simulated experiment. Build with [`Config::new`] and
/// adjust fields; [`Config::random`] draws a plausible one from a seed.
#[derive(Debug, Clone)]
pub struct Config {
    /// Seed for every random choice (names, IPs, delays).
    pub seed: u64,
    /// What happens.
    pub variant: Variant,
    /// Number of worker nodes (≥ 1). Partial failures need ≥ 2 and are clamped to 2.
    pub workers: usize,
    /// Whether a control-plane node is listed too (never fails). Forced off for
    /// [`Variant::FullDisruption`] (a Ready control-plane node in the zone would keep
    /// the zone out of FullDisruption, §4.3).
    pub control_plane: bool,
    /// Index (0-based) of the worker that fails; `None` picks one at random.
    pub failed_worker: Option<usize>,
    /// Replicas of the Deployment (≥ 1).
    pub replicas: u32,
    /// Replicas of an optional StatefulSet (`statefulsets.log`).
    pub statefulset: Option<u32>,
    /// An optional DaemonSet on every worker (`daemonsets.log`).
    pub daemonset: bool,
    /// Whether the DaemonSet tolerates every taint (`operator: Exists`); if not, its
    /// DESIRED/CURRENT/… drop by one while the node has its NoSchedule taint (§4.4).
    pub daemonset_tolerates_all: bool,
    /// Server minor version (`1.x`): decides cells (§2) and timings (§4.1).
    pub server_minor: u32,
    /// Client minor version: decides the layout era (§3.2).
    pub client_minor: u32,
    /// `-o wide`.
    pub wide: bool,
    /// `--output-watch-events` (EVENT column, client ≥ 1.16).
    pub watch_events: bool,
    /// `-A` (NAMESPACE column; adds kube-system's kube-proxy DaemonSet pods).
    pub all_namespaces: bool,
    /// `--no-headers`.
    pub no_headers: bool,
    /// `--show-kind` (`pod/…`, `deployment.apps/…` prefixes).
    pub show_kind: bool,
    /// `-L key,…` label columns (empty cell where the label is absent).
    pub label_columns: Vec<String>,
    /// Pod `tolerationSeconds` for not-ready/unreachable (300 by default, §4.5).
    pub toleration_s: f64,
    /// Random jitter in every delay; `false` uses the middle of each range.
    pub jitter: bool,
    /// The RS status write right after an eviction that still misses the replacement,
    /// so deploy UP-TO-DATE dips for one line (seen in the seed transcript; §5.1 says
    /// it never dips — see the module docs of `status.rs`).
    pub transient_uptodate_dip: bool,
    /// Pods have a readiness probe: `0/1 Running` before `1/1 Running`.
    pub readiness_probe: bool,
    /// Output layout.
    pub layout: Layout,
    /// Optional timestamp prefixes.
    pub timestamps: Option<Timestamps>,
}

impl Config {
    /// Defaults: 3 workers + control plane, 3 replicas, server and client 1.29, `-o wide`.
    pub fn new(seed: u64, variant: Variant) -> Config {
        Config {
            seed,
            variant,
            workers: 3,
            control_plane: true,
            failed_worker: None,
            replicas: 3,
            statefulset: None,
            daemonset: false,
            daemonset_tolerates_all: true,
            server_minor: 29,
            client_minor: 29,
            wide: true,
            watch_events: false,
            all_namespaces: false,
            no_headers: false,
            show_kind: false,
            label_columns: Vec::new(),
            toleration_s: 300.0,
            jitter: true,
            transient_uptodate_dip: true,
            readiness_probe: false,
            layout: Layout::Separate,
            timestamps: None,
        }
    }

    /// A random plausible configuration for `seed` (variant, sizes, versions, options).
    pub fn random(seed: u64) -> Config {
        let mut r = super::rng::Rng::new(seed.wrapping_mul(31).wrapping_add(7));
        let all = Variant::all();
        let variant = *r.pick(&all);
        let mut c = Config::new(seed, variant);
        c.workers = r.int(2, 5) as usize;
        c.control_plane = r.chance(0.7);
        c.replicas = r.int(1, 5) as u32;
        c.statefulset = r.chance(0.3).then(|| r.int(1, 3) as u32);
        c.daemonset = r.chance(0.3);
        c.daemonset_tolerates_all = r.chance(0.5);
        c.server_minor = r.int(20, 33) as u32;
        c.client_minor = (c.server_minor as i64 + r.int(0, 2) as i64 - 1).max(14) as u32;
        c.wide = r.chance(0.7);
        c.watch_events = r.chance(0.2);
        c.all_namespaces = r.chance(0.2);
        c.show_kind = r.chance(0.1);
        c.readiness_probe = r.chance(0.3);
        if r.chance(0.2) {
            c.toleration_s = *r.pick(&[30.0, 60.0, 120.0]);
        }
        c
    }

    /// `--node-monitor-grace-period`: 40 s, 50 s from 1.32 (§4.1).
    pub fn grace_s(&self) -> f64 {
        if self.server_minor >= 32 {
            50.0
        } else {
            40.0
        }
    }

    /// The server adds the DisruptionTarget condition (one more identical line) (§4.5).
    pub fn disruption_target(&self) -> bool {
        self.server_minor >= 26
    }

    /// Terminal-phase pods print their reason instead of `Terminating` (§2.1 rule 6).
    pub fn terminal_reason(&self) -> bool {
        self.server_minor >= 31
    }

    /// The server prints RESTARTS as `N (X ago)` (§1.7).
    pub fn restarts_suffix(&self) -> bool {
        self.server_minor >= 22
    }

    /// AGE uses HumanDuration (≥ 1.12) rather than ShortHumanDuration (§1.3).
    pub fn human_ages(&self) -> bool {
        self.server_minor >= 12
    }
}
