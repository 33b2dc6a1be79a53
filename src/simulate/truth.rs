//! The hidden truth behind a simulated experiment: the true time and object of every
//! printed line, the phase times F/E/R/N, the scenario and the true metric values of
//! DESIGN.md.
//!
//! **Clock.** All times are seconds (f64) on the experiment clock where t = 0 is the
//! creation of the Deployment (the first workload object). Nodes were created days
//! earlier (negative times). A line's time is the moment the apiserver sent the event
//! (its AGE was computed then); header and initial-list lines carry the time of the
//! list; prompt and `^C` lines of a session log the moment they were typed.

/// An object a line is about.
#[derive(Debug, Clone, PartialEq)]
pub struct ObjectTruth {
    /// `Pod`, `Node`, `Deployment`, `StatefulSet`, `DaemonSet`.
    pub kind: &'static str,
    /// Namespace (`None` for nodes).
    pub namespace: Option<String>,
    /// Name.
    pub name: String,
    /// True creation time (its creationTimestamp is the floor of this).
    pub created: f64,
}

/// What one printed line is.
#[derive(Debug, Clone, PartialEq)]
pub struct LineTruth {
    /// File name (`pods.log`, `session.log`, …).
    pub file: String,
    /// 1-based line number in that file.
    pub line: usize,
    /// True time (see the module docs).
    pub time: f64,
    /// The object of a row; `None` for headers, prompts and `^C`.
    pub object: Option<ObjectTruth>,
    /// `ADDED`/`MODIFIED`/`DELETED` for rows (initial-list rows are `ADDED`).
    pub event: Option<&'static str>,
}

/// DESIGN.md metrics, true values in seconds (`None` where not applicable).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Metrics {
    /// Failure injected → node NotReady.
    pub detection_s: Option<f64>,
    /// Node NotReady → first old pod Terminating/Unknown/Failed.
    pub eviction_s: Option<f64>,
    /// First old pod evicted → last replacement Running and ready.
    pub replacement_s: Option<f64>,
    /// Time from the failure during which the Deployment reported fewer available
    /// replicas than desired (until the capture ends if it never recovered).
    pub unavailable_s: Option<f64>,
    /// Node NotReady → node STATUS `Ready` again.
    pub node_down_s: Option<f64>,
}

/// The experiment's truth.
#[derive(Debug, Clone, PartialEq)]
pub struct Truth {
    /// Every line of every file.
    pub lines: Vec<LineTruth>,
    /// DESIGN.md scenario name (`in-place`, `mid-migration`, `post-migration`,
    /// `migrated-no-return`, `ongoing`, `no-failure`).
    pub scenario: &'static str,
    /// The variant played ([`super::Variant::name`]).
    pub variant: &'static str,
    /// Names of the failed nodes (several for full disruption).
    pub failed_nodes: Vec<String>,
    /// When the failure was injected (power off, cable pulled, shutdown started).
    pub injected: Option<f64>,
    /// F: first failed node printed `NotReady`.
    pub f: Option<f64>,
    /// E: first old pod printed `Terminating`/`Unknown`/`Failed`/`Error`/`Completed`.
    pub e: Option<f64>,
    /// R: last replacement pod Running and ready.
    pub r: Option<f64>,
    /// N: the returning kubelet's first write (node or pod line).
    pub n: Option<f64>,
    /// The failed node's STATUS `Ready` line after its return.
    pub node_ready: Option<f64>,
    /// Start of the earliest watch.
    pub capture_start: f64,
    /// End of the latest watch.
    pub capture_end: f64,
    /// True metric values.
    pub metrics: Metrics,
}

impl Truth {
    /// The truth of line `line` (1-based) of `file`.
    pub fn line(&self, file: &str, line: usize) -> Option<&LineTruth> {
        self.lines.iter().find(|l| l.file == file && l.line == line)
    }
}
