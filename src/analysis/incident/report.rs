//! What an incident is, as the reports write it: its phases, what became of each
//! pod, and the incident itself (fields in the JSON document's key order).

use serde::Serialize;

use super::super::metrics::Metrics;
use super::super::scenario::Scenario;
use super::Phase;
use crate::timeline::{Interval, LineRef};

/// The phases of an incident; null when not seen.
///
/// Fields in the JSON document's key order (alphabetical, as serde_json's maps keep
/// keys): the report's incidents are written straight from them (`output::json`).
#[derive(Debug, Clone, Serialize, Default)]
#[allow(non_snake_case)]
pub struct Phases {
    /// Eviction started: the old pod marked Terminating.
    pub E: Option<Phase>,
    /// Failure detected: the node stops being Ready (or its pods stop being ready together).
    pub F: Option<Phase>,
    /// Node back: Ready again, or a kubelet-written change to a pod bound to it.
    pub N: Option<Phase>,
    /// Replacement ready: the new pod Running and ready.
    pub R: Option<Phase>,
}

/// What became of one pod on the failed node (JSON: its kebab-case name).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PodFate {
    /// Its kubelet came back and it serves again on the same node.
    RecoveredInPlace,
    /// A new pod of its owner runs and is ready.
    Replaced,
    /// Evicted; nothing took its place in the capture.
    EvictedNotReplaced,
    /// Neither evicted, replaced nor recovered in the capture.
    Unrecovered,
    /// Never evicted (a DaemonSet's or static pod, or the capture ends first).
    NotEvicted,
}

impl PodFate {
    /// The name JSON and the text views use.
    pub fn name(self) -> &'static str {
        match self {
            PodFate::RecoveredInPlace => "recovered-in-place",
            PodFate::Replaced => "replaced",
            PodFate::EvictedNotReplaced => "evicted-not-replaced",
            PodFate::Unrecovered => "unrecovered",
            PodFate::NotEvicted => "not-evicted",
        }
    }
}

impl std::fmt::Display for PodFate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// What became of one pod on the failed node.
///
/// Fields in the JSON document's key order (alphabetical, as serde_json's maps keep
/// keys): the report's incidents are written straight from them (`output::json`).
#[derive(Debug, Clone, Serialize)]
pub struct PodOutcome {
    /// The pod's name.
    pub name: String,
    /// What became of it.
    pub outcome: PodFate,
    /// Its owner (`Deployment web`), when known.
    pub owner: Option<String>,
    /// Replacement created → Running and ready.
    #[serde(serialize_with = "crate::timeline::interval::keys_sorted_opt")]
    pub readiness_s: Option<Interval>,
    /// The pod that replaced it, if any.
    pub replacement: Option<String>,
    /// Old pod marked for deletion → replacement created.
    #[serde(serialize_with = "crate::timeline::interval::keys_sorted_opt")]
    pub rescheduling_s: Option<Interval>,
    /// Failure detected → the pod's work running and ready again (in place or replaced).
    #[serde(serialize_with = "crate::timeline::interval::keys_sorted_opt")]
    pub total_recovery_s: Option<Interval>,
}

/// One node failure.
///
/// Fields in the JSON document's key order (alphabetical, as serde_json's maps keep
/// keys): the report's incidents are written straight from them (`output::json`).
#[derive(Debug, Clone, Serialize)]
pub struct Incident {
    /// When the order of phases is open: every scenario the evidence allows.
    pub candidates: Vec<Scenario>,
    /// Every phase's deciding lines (JSON: `file:line: text`).
    pub evidence: Vec<LineRef>,
    /// Departures from what Kubernetes' defaults predict.
    pub flags: Vec<String>,
    /// The metrics of DESIGN.md, each an interval.
    pub metrics: Metrics,
    /// The failed node.
    pub node: String,
    /// The phases F, E, R, N.
    pub phases: Phases,
    /// What became of each pod on the node.
    pub pods: Vec<PodOutcome>,
    /// The incident's scenario.
    pub scenario: Scenario,
    /// A named variant (`graceful-shutdown`, `statefulset-stuck`, ...), when one fits.
    pub variant: Option<String>,
    /// Each workload's own outcome (`analysis::workloads` says how the incident's
    /// scenario follows from them).
    pub workloads: Vec<crate::analysis::WorkloadOutcome>,
}
