//! Pod and node STATUS words: what each means, who writes it, which kubectl prints it.
//!
//! kubectl's pod STATUS is not the pod's phase: `printPod` takes the phase, then the
//! pod's `status.reason`, then container waiting/terminated reasons, then overlays
//! `Terminating` (deletionTimestamp) or `Unknown` (deletionTimestamp + reason
//! NodeLost) — FORMAT.md §2.1. So one word can mean different things by era and by
//! READY: `Unknown` with containers ready is the node controller's legacy NodeLost
//! mark; `Unknown` with none ready is a container whose runtime lost it (§4.7).

use serde::Serialize;

/// What a pod STATUS word says about the pod, for a node-failure story.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PodMeaning {
    /// Containers running (healthy when READY is n/n).
    Running,
    /// Being set up: scheduled, pulling, creating, initialising.
    Starting,
    /// Containers running but the pod's Ready condition is False.
    NotReady,
    /// A container waits to be restarted or its image pulled: crash loops, pull errors.
    Waiting,
    /// Marked for deletion (deletionTimestamp set); only a kubelet, a force delete or
    /// PodGC finishes it.
    Deleting,
    /// The node controller's legacy eviction of a pod on a lost node (before 1.13
    /// by default): `NodeLost`, or `Unknown` with containers still counted ready.
    NodeLost,
    /// `Unknown` with no container ready: the container runtime lost the container
    /// (reason `Unknown`, exit 255) — written by a kubelet that is running again.
    RuntimeUnknown,
    /// Killed by the kubelet's graceful node shutdown (`Shutdown` 1.21,
    /// `Terminated` 1.22+, `NodeShutdown` for pods rejected during it).
    ShutDown,
    /// Finished or failed for good: will not run again as this object.
    Terminal,
    /// A word this table does not know: kept verbatim, decides nothing.
    Other,
}

/// Who writes the state a STATUS word shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Writer {
    /// The node's kubelet (container states): seeing it change means the kubelet runs.
    Kubelet,
    /// The node lifecycle controller (legacy NodeLost path).
    NodeController,
    /// The apiserver on a delete (deletionTimestamp), or the scheduler.
    ControlPlane,
}

/// One STATUS word of `kubectl get pods`.
#[derive(Debug, Clone, Copy)]
pub struct PodStatusWord {
    /// The word as printed (`CrashLoopBackOff`).
    pub word: &'static str,
    /// What it means for the pod.
    pub meaning: PodMeaning,
    /// Who writes it.
    pub writer: Writer,
    /// kubectl/cluster versions that print it.
    pub versions: &'static str,
    /// A row as kubectl prints it (`NAME READY STATUS RESTARTS AGE`), checked by a test.
    pub sample: &'static str,
}

const fn w(
    word: &'static str,
    meaning: PodMeaning,
    writer: Writer,
    versions: &'static str,
    sample: &'static str,
) -> PodStatusWord {
    PodStatusWord {
        word,
        meaning,
        writer,
        versions,
        sample,
    }
}

use PodMeaning as M;
use Writer::{ControlPlane as Cp, Kubelet as Kl, NodeController as Nc};

/// The pod STATUS words (FORMAT.md §2.1, §4.4–4.9). `Unknown` is listed with the
/// meaning it has when containers are ready; [`pod_status`] decides it with READY.
pub const POD_STATUSES: &[PodStatusWord] = &[
    w(
        "Running",
        M::Running,
        Kl,
        "all",
        "web-1   1/1   Running   0   5m",
    ),
    w(
        "Pending",
        M::Starting,
        Cp,
        "all",
        "web-1   0/1   Pending   0   1s",
    ),
    w(
        "ContainerCreating",
        M::Starting,
        Kl,
        "all",
        "web-1   0/1   ContainerCreating   0   3s",
    ),
    w(
        "PodInitializing",
        M::Starting,
        Kl,
        "1.6+",
        "web-1   0/1   PodInitializing   0   9s",
    ),
    w(
        "SchedulingGated",
        M::Starting,
        Cp,
        "1.26+",
        "web-1   0/1   SchedulingGated   0   2s",
    ),
    w(
        "NotReady",
        M::NotReady,
        Kl,
        "1.13+",
        "web-1   0/1   NotReady   0   7m",
    ),
    w(
        "Terminating",
        M::Deleting,
        Cp,
        "all",
        "web-1   1/1   Terminating   0   12m",
    ),
    w(
        "Unknown",
        M::NodeLost,
        Nc,
        "1.5–1.26 (legacy eviction)",
        "web-1   1/1   Unknown   0   3h",
    ),
    w(
        "NodeLost",
        M::NodeLost,
        Nc,
        "1.5–1.12",
        "kube-proxy-ntbvj   1/1   NodeLost   0   4h",
    ),
    w(
        "Shutdown",
        M::ShutDown,
        Kl,
        "1.21",
        "web-1   0/1   Shutdown   0   1h",
    ),
    w(
        "Terminated",
        M::ShutDown,
        Kl,
        "1.22+",
        "coredns-1   1/1   Terminated   3 (21m ago)   30h",
    ),
    w(
        "NodeShutdown",
        M::ShutDown,
        Kl,
        "1.21+",
        "web-1   0/1   NodeShutdown   0   2m",
    ),
    w(
        "Completed",
        M::Terminal,
        Kl,
        "all",
        "job-1   0/1   Completed   0   5h",
    ),
    w(
        "Error",
        M::Terminal,
        Kl,
        "all",
        "web-1   0/1   Error   0   5h",
    ),
    w(
        "Failed",
        M::Terminal,
        Kl,
        "all",
        "web-1   0/1   Failed   0   2m",
    ),
    w(
        "Evicted",
        M::Terminal,
        Kl,
        "all",
        "web-1   0/1   Evicted   0   40m",
    ),
    w(
        "OutOfcpu",
        M::Terminal,
        Kl,
        "1.10+",
        "web-1   0/1   OutOfcpu   0   1m",
    ),
    w(
        "OutOfmemory",
        M::Terminal,
        Kl,
        "1.10+",
        "web-1   0/1   OutOfmemory   0   1m",
    ),
    w(
        "NodeAffinity",
        M::Terminal,
        Kl,
        "1.13+",
        "web-1   0/1   NodeAffinity   0   1m",
    ),
    w(
        "UnexpectedAdmissionError",
        M::Terminal,
        Kl,
        "1.13+",
        "web-1   0/1   UnexpectedAdmissionError   0   1m",
    ),
    w(
        "ContainerStatusUnknown",
        M::Terminal,
        Kl,
        "1.22+",
        "web-1   0/1   ContainerStatusUnknown   1   9m",
    ),
    w(
        "OOMKilled",
        M::Waiting,
        Kl,
        "all",
        "web-1   0/1   OOMKilled   2   4m",
    ),
    w(
        "CrashLoopBackOff",
        M::Waiting,
        Kl,
        "all",
        "web-1   0/1   CrashLoopBackOff   5 (30s ago)   4m",
    ),
    w(
        "ImagePullBackOff",
        M::Waiting,
        Kl,
        "all",
        "web-1   0/1   ImagePullBackOff   0   2m",
    ),
    w(
        "ErrImagePull",
        M::Waiting,
        Kl,
        "all",
        "web-1   0/1   ErrImagePull   0   1m",
    ),
    w(
        "CreateContainerConfigError",
        M::Waiting,
        Kl,
        "all",
        "web-1   0/1   CreateContainerConfigError   0   1m",
    ),
    w(
        "RunContainerError",
        M::Waiting,
        Kl,
        "all",
        "web-1   0/1   RunContainerError   1   1m",
    ),
];

/// What a pod's STATUS means, with its READY cell (`Unknown` depends on it).
pub fn pod_status(word: &str, ready: Option<[u32; 2]>) -> PodMeaning {
    // The word nearly every line prints, told first: the analysis asks this of each
    // state many times (POD_STATUSES has it too).
    if word == "Running" {
        return PodMeaning::Running;
    }
    if word == "Unknown" {
        return match ready {
            Some([n, _]) if n > 0 => PodMeaning::NodeLost,
            Some(_) => PodMeaning::RuntimeUnknown,
            None => PodMeaning::Other,
        };
    }
    if let Some(rest) = word.strip_prefix("Init:") {
        // `Init:0/1`, `Init:Error`, `Init:CrashLoopBackOff`.
        return if rest.contains('/') {
            PodMeaning::Starting
        } else {
            PodMeaning::Waiting
        };
    }
    if word.starts_with("Signal:") || word.starts_with("ExitCode:") {
        return PodMeaning::Terminal;
    }
    POD_STATUSES
        .iter()
        .find(|s| s.word == word)
        .map_or(PodMeaning::Other, |s| s.meaning)
}

/// What a pod's `Unknown` with no container ready means, read with the rows around
/// it. Alone, [`pod_status`] reads it as the runtime's lost container (§4.7): a write
/// of a returning kubelet, which changes READY, clears the dead sandbox's IP (it
/// reports an IP only from a ready sandbox: `samples/in-place` prints `1/1 Running
/// 10.1.209.134`, then `0/1 Unknown <none>`) and restarts the container next. The
/// node controller's NodeLost eviction (before 1.13) prints `Unknown` too, whatever
/// READY counts (§2.1 rule 6), and a pod lost before any container was ready shows
/// it as `0/n Unknown`; that one changes no cell the kubelet writes, and the pod
/// never runs again: it is deleted. So it is NodeLost when `kubelet_changed` (READY,
/// RESTARTS or the IP, since the pod's row before) is `Some(false)` and `lives_on`
/// (a live kubelet's state after it: running, starting, waiting) is `Some(false)`
/// (nothing after it, or its deletion). Either not known: the runtime's, as alone.
pub fn unknown_with_none_ready(
    kubelet_changed: Option<bool>,
    lives_on: Option<bool>,
) -> PodMeaning {
    if kubelet_changed == Some(false) && lives_on == Some(false) {
        PodMeaning::NodeLost
    } else {
        PodMeaning::RuntimeUnknown
    }
}

/// Who writes the state a pod's STATUS word shows, when the word is known
/// (`Init:1/2` is the kubelet's, as the init containers run).
pub fn pod_status_writer(word: &str) -> Option<Writer> {
    if word
        .strip_prefix("Init:")
        .is_some_and(|rest| rest.contains('/'))
    {
        return Some(Writer::Kubelet);
    }
    (POD_STATUSES.iter())
        .find(|s| s.word == word)
        .map(|s| s.writer)
}

/// Running with every container ready: the pod serves.
pub fn is_healthy(word: Option<&str>, ready: Option<[u32; 2]>) -> bool {
    word == Some("Running") && ready.is_some_and(|[n, m]| n == m && m > 0)
}

impl PodMeaning {
    /// Evidence that the pod's node was lost or shut down (not a deletion by hand).
    pub fn shows_node_loss(self) -> bool {
        matches!(self, PodMeaning::NodeLost | PodMeaning::ShutDown)
    }

    /// The pod is on its way out: deleted, evicted by the node controller, or
    /// killed by a graceful node shutdown.
    pub fn is_eviction(self) -> bool {
        matches!(
            self,
            PodMeaning::Deleting | PodMeaning::NodeLost | PodMeaning::ShutDown
        )
    }
}

/// The Ready condition a node row shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum NodeCondition {
    /// `Ready`.
    Ready,
    /// `NotReady` (Ready False or Unknown: the printer says NotReady for both) or a
    /// bare `Unknown` (no Ready condition at all).
    NotReady,
    /// Any other word.
    Other,
}

/// A node row's STATUS: its Ready condition and whether it is cordoned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NodeStatus {
    /// The Ready condition.
    pub condition: NodeCondition,
    /// `SchedulingDisabled`: cordoned or drained (`spec.unschedulable`), never caused
    /// by a failure (FORMAT.md §4.2).
    pub cordoned: bool,
}

/// Reads a node STATUS (`Ready`, `NotReady`, `Unknown`, `Ready,SchedulingDisabled`).
pub fn node_status(word: &str) -> NodeStatus {
    let mut parts = word.split(',');
    let condition = match parts.next().unwrap_or("") {
        "Ready" => NodeCondition::Ready,
        "NotReady" | "Unknown" => NodeCondition::NotReady,
        _ => NodeCondition::Other,
    };
    NodeStatus {
        condition,
        cordoned: word.split(',').any(|p| p == "SchedulingDisabled"),
    }
}

/// Node rows' sample STATUS cells and what they read as (checked by a test).
pub const NODE_SAMPLES: &[(&str, NodeCondition, bool)] = &[
    ("Ready", NodeCondition::Ready, false),
    ("NotReady", NodeCondition::NotReady, false),
    ("Unknown", NodeCondition::NotReady, false),
    ("Ready,SchedulingDisabled", NodeCondition::Ready, true),
    ("NotReady,SchedulingDisabled", NodeCondition::NotReady, true),
];

/// A node younger than this that is NotReady is most likely still joining (kubelet
/// up, CNI not yet): FORMAT.md §4.1's node-startup grace period is 60 s; twice it.
pub const JOIN_GRACE_S: i64 = 120;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::{Origin, Source};

    /// Every sample row parses as a pod row whose STATUS is the word, and reads back
    /// with the table's meaning.
    #[test]
    fn every_pod_status_sample_parses_to_its_word_and_meaning() {
        let mut text = String::from("NAME   READY   STATUS   RESTARTS   AGE\n");
        for s in POD_STATUSES {
            text.push_str(s.sample);
            text.push('\n');
        }
        let src = Source {
            name: "samples".into(),
            origin: Origin::Bytes(text.into_bytes().into()),
        };
        let ing = crate::ingest::ingest_every_row(&[src]).expect("in memory");
        assert_eq!(ing.observations.len(), POD_STATUSES.len());
        for (o, s) in ing.observations.iter().zip(POD_STATUSES) {
            assert_eq!(o.status(), Some(s.word), "sample of {}", s.word);
            assert_eq!(pod_status(s.word, o.ready), s.meaning, "{}", s.word);
        }
    }

    #[test]
    fn unknown_is_decided_by_ready() {
        assert_eq!(pod_status("Unknown", Some([1, 1])), PodMeaning::NodeLost);
        assert_eq!(
            pod_status("Unknown", Some([0, 2])),
            PodMeaning::RuntimeUnknown
        );
        // Told by the rows around it: the node controller's only where the kubelet
        // changed nothing before it and the pod did not live on after it.
        let read = unknown_with_none_ready;
        assert_eq!(read(Some(false), Some(false)), PodMeaning::NodeLost);
        assert_eq!(read(Some(true), Some(false)), PodMeaning::RuntimeUnknown);
        assert_eq!(read(Some(false), Some(true)), PodMeaning::RuntimeUnknown);
        assert_eq!(read(None, Some(false)), PodMeaning::RuntimeUnknown);
        assert_eq!(read(Some(false), None), PodMeaning::RuntimeUnknown);
        assert_eq!(pod_status("Init:0/2", Some([0, 1])), PodMeaning::Starting);
        assert_eq!(pod_status("Init:Error", Some([0, 1])), PodMeaning::Waiting);
        assert_eq!(pod_status("Frobbed", Some([0, 1])), PodMeaning::Other);
        assert!(is_healthy(Some("Running"), Some([2, 2])));
        assert!(!is_healthy(Some("Running"), Some([1, 2])));
        assert!(!is_healthy(Some("Terminating"), Some([1, 1])));
    }

    #[test]
    fn node_words() {
        for &(word, cond, cordoned) in NODE_SAMPLES {
            let s = node_status(word);
            assert_eq!((s.condition, s.cordoned), (cond, cordoned), "{word}");
        }
    }
}
