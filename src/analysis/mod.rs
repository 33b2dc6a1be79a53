//! Stage 5 — analysis: incidents, scenario, metrics and evidence.
//!
//! An incident is one node failure: the node turns NotReady, or — with no node
//! stream — an owner loses ready replicas while its pods on one node get hidden
//! touches. Each is followed through the phases F (failure detected), E (eviction:
//! old pod Terminating, legacy NodeLost `Unknown`, or Failed by a graceful
//! shutdown), R (replacement Running and ready) and N (node back: node Ready, or a
//! kubelet-written change to a pod bound to it). The order of the phases decides the
//! scenario ([`scenario::decide`]); where the intervals leave the order open, every
//! candidate is given with its evidence.

mod failures;
pub mod incident;
mod inferred;
mod local;
pub mod metrics;
mod phase;
mod pod_groups;
mod pods;
pub mod scenario;
mod story;
mod told;
mod workloads;

use serde::Serialize;

use crate::ingest::{Ingested, InputAccount};
use crate::timeline::{Interval, Timelines};
pub use incident::{Incident, Phase, PodFate, PodOutcome};
pub use metrics::Metrics;
pub use scenario::Scenario;
pub use workloads::WorkloadOutcome;

/// The analysis of one experiment (`"schema": "watchtrail/analysis/v1"`).
#[derive(Debug, Clone, Serialize)]
pub struct Analysis {
    /// The experiment's name (its directory or first file).
    pub experiment: String,
    /// The experiment's scenario: the incidents' when they agree.
    pub scenario: Scenario,
    /// When the order of phases is open: every scenario the evidence allows.
    pub candidates: Vec<Scenario>,
    /// A named variant (`statefulset-stuck`, `graceful-shutdown`, `manual-delete`, ...).
    pub variant: Option<String>,
    /// The verdict in one sentence.
    pub verdict: String,
    /// How t = 0 was chosen, and its wall-clock time when known.
    pub origin: crate::timeline::Origin,
    /// The node failures found, each followed to its end.
    pub incidents: Vec<Incident>,
    /// What is missing or doubtful.
    pub warnings: Vec<String>,
    /// Every input file: lines read, parsed, skipped and why.
    pub inputs: Vec<InputAccount>,
    /// The timelines the analysis was made from (for renderers; not serialized).
    #[serde(skip)]
    pub timelines: Timelines,
}

impl Analysis {
    /// Whether the verdict is conclusive (one scenario, not `inconclusive`).
    pub fn is_conclusive(&self) -> bool {
        self.scenario != Scenario::Inconclusive && self.candidates.len() <= 1
    }
}

/// Analyses one experiment's ingested transcripts.
pub fn analyze(experiment: &str, ing: &Ingested, mut timelines: Timelines) -> Analysis {
    let mut warnings = timelines.warnings.clone();
    warnings.extend(pod_groups::nodes_from_marks(&mut timelines));
    let (incidents, variant, notes) = incident::find(&timelines, ing);
    warnings.extend(notes);
    for acc in &ing.accounts {
        if let Some(e) = &acc.error {
            warnings.push(format!("{}: {e}", acc.source));
        }
        if acc.rows == 0 && acc.error.is_none() {
            warnings.push(format!("{}: no table rows found", acc.source));
        }
        // Nothing is dropped or changed silently: say how much, `-v` says where and why.
        let mut parts = Vec::new();
        if acc.skipped > 0 {
            parts.push(format!("{} line(s) skipped", acc.skipped));
        }
        if acc.noted > 0 {
            parts.push(format!(
                "{} note(s) on repaired or annotated lines",
                acc.noted
            ));
        }
        if !parts.is_empty() {
            warnings.push(format!(
                "{}: {} (-v lists them with their line numbers)",
                acc.source,
                parts.join(", ")
            ));
        }
    }
    let (mut scenario, mut candidates) = overall(&incidents);
    let mut verdict = verdict(scenario, &candidates, &incidents, variant.as_deref());
    if let Some(why) = several_experiments(&timelines, &incidents) {
        // Never a confident verdict built from two experiments (DESIGN.md).
        scenario = Scenario::Inconclusive;
        candidates = incidents
            .iter()
            .flat_map(|i| std::iter::once(i.scenario).chain(i.candidates.iter().copied()))
            .filter(|s| *s != Scenario::Inconclusive)
            .collect();
        candidates.sort();
        candidates.dedup();
        verdict = format!(
            "inconclusive: the capture holds several experiments ({why}); give each its own file or directory and run `watchtrail check` on them"
        );
        warnings.push(format!("several experiments in one capture: {why}"));
    }
    Analysis {
        experiment: experiment.to_string(),
        scenario,
        candidates,
        variant,
        verdict,
        origin: timelines.origin.clone(),
        incidents,
        warnings,
        inputs: ing.accounts.clone(),
        timelines,
    }
}

/// Why a capture evidently holds several experiments, if it does: a workload deleted
/// and created again, or several incidents on a clock whose watches contradict each
/// other (a watch restarted from scratch, pasted after the one before: the seed's blog
/// post). A long soak with many failures on one consistent clock is one experiment.
fn several_experiments(t: &Timelines, incidents: &[Incident]) -> Option<String> {
    if let Some(o) = t
        .objects
        .iter()
        .find(|o| o.key.kind.is_workload() && o.incarnation > 0)
    {
        let line = o
            .states
            .first()
            .map(|s| format!(" at {}:{}", s.lines[0].source, s.lines[0].line));
        return Some(format!(
            "{} created again{}",
            o.key,
            line.unwrap_or_default()
        ));
    }
    // Conflicts that cost what the rows themselves say (AGE, timestamps, line order),
    // not just a link or the order of commands in the file.
    let hard = t
        .warnings
        .iter()
        .filter(|w| {
            w.starts_with("conflicting times")
                && ["(AGE)", "(timestamp)", "(line order)"]
                    .iter()
                    .any(|k| w.ends_with(k))
        })
        .count();
    // One object seen in two streams whose creation times cannot agree: a watch
    // restarted from scratch whose clock contradicts the one before.
    let same_object = t
        .links
        .iter()
        .filter(|l| !l.used && l.kind.starts_with("same object"))
        .count();
    let contradictions = hard + same_object;
    (contradictions > 0 && incidents.len() > 1).then(|| {
        format!(
            "{} incidents, and the clocks of its watches contradict each other in {contradictions} place(s)",
            incidents.len()
        )
    })
}

fn overall(incidents: &[Incident]) -> (Scenario, Vec<Scenario>) {
    if incidents.is_empty() {
        return (Scenario::NoFailure, vec![]);
    }
    let first = incidents[0].scenario;
    if incidents.iter().all(|i| i.scenario == first) {
        let mut cands: Vec<Scenario> = incidents
            .iter()
            .flat_map(|i| i.candidates.iter().copied())
            .collect();
        cands.sort();
        cands.dedup();
        return (first, if cands.len() > 1 { cands } else { vec![] });
    }
    // Different incidents ended differently: the experiment is the last one's story,
    // but say that they differ.
    let mut cands: Vec<Scenario> = incidents.iter().map(|i| i.scenario).collect();
    cands.sort();
    cands.dedup();
    (
        incidents
            .last()
            .map(|i| i.scenario)
            .unwrap_or(Scenario::Inconclusive),
        cands,
    )
}

fn verdict(
    s: Scenario,
    candidates: &[Scenario],
    incidents: &[Incident],
    variant: Option<&str>,
) -> String {
    let v = variant.map(|v| format!(" ({v})")).unwrap_or_default();
    if let Some(summary) = incidents_differ(incidents) {
        return summary;
    }
    if candidates.len() > 1 {
        let names: Vec<&str> = candidates.iter().map(|c| c.name()).collect();
        return format!("order of phases not proven: {}{v}", names.join(" or "));
    }
    match incidents.first() {
        None => format!("{s}{v}: no node failure in the capture"),
        Some(i) => {
            let what = match s {
                Scenario::InPlace => "node came back before eviction; pods recovered in place",
                Scenario::MidMigration => {
                    "node came back after eviction started, before the replacement was ready"
                }
                Scenario::PostMigration => "node came back after the replacement was ready",
                Scenario::MigratedNoReturn => {
                    "pods were replaced elsewhere; the node did not come back"
                }
                Scenario::Ongoing => "failure seen; the capture ends before any recovery step",
                Scenario::NoFailure => "no node failure",
                Scenario::Inconclusive => "the evidence is missing or contradicts itself",
            };
            format!("{s}{v}: node {} — {what}", i.node)
        }
    }
}

/// When the incidents ended differently (a soak's node failures): how many ended how,
/// most first — each incident's own order is proven, they just differ.
fn incidents_differ(incidents: &[Incident]) -> Option<String> {
    let first = incidents.first()?.scenario;
    if incidents.iter().all(|i| i.scenario == first) {
        return None;
    }
    let mut counts: Vec<(Scenario, usize)> = Vec::new();
    for i in incidents {
        match counts.iter_mut().find(|(s, _)| *s == i.scenario) {
            Some((_, n)) => *n += 1,
            None => counts.push((i.scenario, 1)),
        }
    }
    counts.sort_by_key(|&(s, n)| (std::cmp::Reverse(n), s));
    let parts: Vec<String> = counts.iter().map(|(s, n)| format!("{n} {s}")).collect();
    Some(format!(
        "{} incidents ended differently: {}",
        incidents.len(),
        parts.join(", ")
    ))
}

/// Interval helper re-exported for renderers.
pub type When = Interval;

#[cfg(test)]
mod tests;
