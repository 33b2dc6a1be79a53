//! A soak's configuration and its truth.

use serde::Serialize;

/// What a soak is made of.
#[derive(Debug, Clone, Copy)]
pub struct SoakConfig {
    /// Seed for every random choice.
    pub seed: u64,
    /// At least this many bytes of transcript.
    pub bytes: u64,
    /// Pods in the namespace (Deployments of 2 to 8 replicas).
    pub pods: usize,
    /// Nodes in the cluster.
    pub nodes: usize,
    /// Node failures spread through the soak.
    pub failures: usize,
    /// Whether a node stream (`kubectl get nodes --watch`) is written beside.
    pub node_stream: bool,
    /// Whether an events stream (`kubectl get events -w`) is written beside.
    pub events: bool,
    /// Whether the watch is run again each time it ends: the apiserver closes a
    /// watch after 30–60 min and kubectl exits (FORMAT.md §3.1), so a soak of hours
    /// captured by a loop is a run of watches, each opening with its header and
    /// initial list.
    pub relist: bool,
    /// Whether the watch is printed without `-o wide`: no IP, no NODE.
    pub narrow: bool,
    /// Whether a node is lost to a network partition rather than powered off: its
    /// kubelet keeps the pods running, so one back before the eviction re-posts their
    /// statuses unchanged (FORMAT.md §4.7) instead of restarting them.
    pub partitions: bool,
    /// Whether the pods' watch is run with `-A` (`--all-namespaces`): the pods in a
    /// few namespaces, a NAMESPACE column first, the initial list sorted by namespace
    /// then name (FORMAT.md §3.4).
    pub all_namespaces: bool,
    /// Whether the pods' watch is run with `--output-watch-events`: an EVENT column
    /// first (`ADDED`, `MODIFIED`, `DELETED`; FORMAT.md §3.4).
    pub watch_events: bool,
    /// How long every pod tolerates an unreachable node before the taint manager
    /// evicts it: the default 300 s (FORMAT.md §4.5), or a cluster's
    /// `--default-unreachable-toleration-seconds`, as chaos setups often lower it.
    pub toleration_ms: i64,
    /// The share of failures whose node comes back before the eviction (in place);
    /// the rest keep the default's split of mid-migration, post-migration and long
    /// outages ([`DEFAULT_IN_PLACE`]).
    pub in_place: f64,
    /// The initial pods were created from 10 minutes to this many seconds before
    /// the watch starts (a day by default, [`DEFAULT_POD_AGE_S`]).
    pub pod_age_s: u64,
    /// Deployment rolling updates per hour of soak, on average (none by default):
    /// a new ReplicaSet's pods replace the old ones alongside the failures, as a
    /// team that deploys during a chaos test makes them.
    pub rollouts_per_hour: f64,
    /// How much sparser than the default the background churn is (container crashes,
    /// pods deleted by hand: one every 1.6 s on average, `DEFAULT_CHURN_GAP_MS`): 1
    /// by default. A quiet namespace spreads the same bytes over many more hours, and
    /// with rollouts that is the shape that once made the settling grow faster than
    /// the capture.
    pub churn_scale: f64,
}

/// The mean wait between two background changes of the default soak (uniform over
/// 0.2–3 s).
pub const DEFAULT_CHURN_GAP_MS: f64 = 1_600.0;

/// The default toleration of an unreachable node (FORMAT.md §4.5).
pub const DEFAULT_TOLERATION_MS: i64 = 300_000;

/// The default share of failures back in place, before the eviction.
pub const DEFAULT_IN_PLACE: f64 = 0.35;

/// The default oldest initial pod: created a day before the watch starts.
pub const DEFAULT_POD_AGE_S: u64 = 86_400;

/// The youngest initial pod: created 10 minutes before the watch starts.
pub const MIN_POD_AGE_S: u64 = 600;

impl SoakConfig {
    /// A soak of about `bytes`, `pods` pods and `failures` node failures.
    pub fn new(seed: u64, bytes: u64, pods: usize, failures: usize) -> SoakConfig {
        SoakConfig {
            seed,
            bytes,
            pods: pods.max(2),
            nodes: 34,
            failures,
            node_stream: false,
            events: false,
            relist: false,
            narrow: false,
            partitions: false,
            all_namespaces: false,
            watch_events: false,
            toleration_ms: DEFAULT_TOLERATION_MS,
            in_place: DEFAULT_IN_PLACE,
            pod_age_s: DEFAULT_POD_AGE_S,
            rollouts_per_hour: 0.0,
            churn_scale: 1.0,
        }
    }

    /// The same soak with a background change every `seconds` on average, not every
    /// 1.6 s (see [`SoakConfig::churn_scale`]); anything not a positive number keeps
    /// the default.
    pub fn with_churn_gap_s(self, seconds: f64) -> SoakConfig {
        let scale = seconds * 1000.0 / DEFAULT_CHURN_GAP_MS;
        let churn_scale = if scale.is_finite() && scale > 0.0 {
            scale
        } else {
            1.0
        };
        SoakConfig {
            churn_scale,
            ..self
        }
    }

    /// The same soak with about `per_hour` Deployment rolling updates an hour (see
    /// [`SoakConfig::rollouts_per_hour`]); 0, or anything not a positive number, is
    /// none, and draws nothing more from the soak's random numbers.
    pub fn with_rollouts_per_hour(self, per_hour: f64) -> SoakConfig {
        let rollouts_per_hour = if per_hour.is_finite() && per_hour > 0.0 {
            per_hour
        } else {
            0.0
        };
        SoakConfig {
            rollouts_per_hour,
            ..self
        }
    }

    /// The same soak with this share (0 to 1) of its failures back in place (see
    /// [`SoakConfig::in_place`]).
    pub fn with_in_place(self, share: f64) -> SoakConfig {
        SoakConfig {
            in_place: share.clamp(0.0, 1.0),
            ..self
        }
    }

    /// The same soak with its initial pods created up to `days` before the watch
    /// starts (see [`SoakConfig::pod_age_s`]); never less than 10 minutes.
    pub fn with_pod_age_days(self, days: f64) -> SoakConfig {
        let seconds = (days * 86_400.0).round();
        let pod_age_s = if seconds.is_finite() {
            (seconds as u64).max(MIN_POD_AGE_S)
        } else {
            MIN_POD_AGE_S
        };
        SoakConfig { pod_age_s, ..self }
    }

    /// The same soak with every pod tolerating an unreachable node `seconds` (see
    /// [`SoakConfig::toleration_ms`]).
    pub fn with_toleration_s(self, seconds: u32) -> SoakConfig {
        SoakConfig {
            toleration_ms: i64::from(seconds) * 1000,
            ..self
        }
    }

    /// The same soak watched with `-A` (see [`SoakConfig::all_namespaces`]).
    pub fn with_all_namespaces(self) -> SoakConfig {
        SoakConfig {
            all_namespaces: true,
            ..self
        }
    }

    /// The same soak watched with `--output-watch-events` (see
    /// [`SoakConfig::watch_events`]).
    pub fn with_watch_events(self) -> SoakConfig {
        SoakConfig {
            watch_events: true,
            ..self
        }
    }

    /// The same soak printed without `-o wide` (`kubectl get pods --watch`): the
    /// five columns up to AGE, no node named anywhere.
    pub fn without_wide(self) -> SoakConfig {
        SoakConfig {
            narrow: true,
            ..self
        }
    }

    /// The same soak with nodes lost to partitions, not power-offs (see
    /// [`SoakConfig::partitions`]): the same events but for a node back in place.
    pub fn with_partitions(self) -> SoakConfig {
        SoakConfig {
            partitions: true,
            ..self
        }
    }

    /// The same soak captured by a loop that runs the watch again each time the
    /// apiserver ends it (see [`SoakConfig::relist`]).
    pub fn with_relists(self) -> SoakConfig {
        SoakConfig {
            relist: true,
            ..self
        }
    }

    /// The same soak with a node stream beside its pods' (`nodes.log`); the pods'
    /// lines do not change.
    pub fn with_node_stream(self) -> SoakConfig {
        SoakConfig {
            node_stream: true,
            ..self
        }
    }

    /// The same soak with an events stream beside its pods' (`events.log`); the
    /// pods' lines and the truth do not change.
    pub fn with_events(self) -> SoakConfig {
        SoakConfig {
            events: true,
            ..self
        }
    }
}

/// The truth of one node failure, times in milliseconds since the watch started
/// (the first line's time).
#[derive(Debug, Clone, Serialize)]
pub struct FailureTruth {
    /// The node that failed.
    pub node: String,
    /// The node went down.
    pub failed_ms: i64,
    /// The first and last of its pods' not-ready marks (the touches).
    pub marked_ms: Option<[i64; 2]>,
    /// The first of its pods printed `Terminating` by the taint manager.
    pub evicted_ms: Option<i64>,
    /// The last replacement printed Running and ready.
    pub replaced_ms: Option<i64>,
    /// The returning kubelet's first pod write.
    pub returned_ms: Option<i64>,
    /// Pods on the node when it failed.
    pub pods: usize,
    /// DESIGN.md's scenario, from the order of what was printed before the end.
    pub scenario: &'static str,
}

/// Every failure of a soak, in the order they began.
#[derive(Debug, Clone, Serialize)]
pub struct SoakTruth {
    /// `watchtrail/soak-truth/v1`.
    pub schema: &'static str,
    /// The seed it was played with.
    pub seed: u64,
    /// Pods in the namespace.
    pub pods: usize,
    /// Nodes in the cluster.
    pub nodes: usize,
    /// Lines written.
    pub lines: u64,
    /// Every failure, in time order.
    pub failures: Vec<FailureTruth>,
    /// Every rolling update started before the last line (`--rollouts`; none and
    /// not written without): not failures, told so a judge can see an incident
    /// that is a rollout.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rollouts: Vec<RolloutTruth>,
}

/// One Deployment rolling update of a soak: not a failure.
#[derive(Debug, Clone, Serialize)]
pub struct RolloutTruth {
    /// The Deployment rolled.
    pub deployment: String,
    /// The pod-template hash of the ReplicaSet rolled from.
    pub from_hash: String,
    /// The pod-template hash of the new ReplicaSet.
    pub to_hash: String,
    /// When the Deployment controller created the new ReplicaSet.
    pub started_ms: i64,
    /// When its last old pod was deleted and the new ReplicaSet was complete, if
    /// before the last line.
    pub finished_ms: Option<i64>,
}

impl FailureTruth {
    pub(super) fn decide(&mut self) {
        let (e, r, n) = (self.evicted_ms, self.replaced_ms, self.returned_ms);
        self.scenario = match (e, r, n) {
            (None, _, None) if self.marked_ms.is_none() => "no-failure",
            (_, Some(_), None) => "migrated-no-return",
            (_, None, None) => "ongoing",
            (None, _, Some(_)) => "in-place",
            (Some(e), _, Some(n)) if n < e => "in-place",
            (Some(_), Some(r), Some(n)) if r < n => "post-migration",
            _ => "mid-migration",
        };
    }
}
