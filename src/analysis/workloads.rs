//! Each workload's own outcome in an incident.
//!
//! One node failure can end differently for different workloads: a Deployment's pod
//! is replaced elsewhere after the toleration while a StatefulSet's pod waits for its
//! node (or a force delete) and a DaemonSet's is never evicted. Each workload gets the
//! scenario its own pods' phases give (its earliest eviction, its last replacement
//! ready, the node's return). The incident's scenario is the same decision over all of
//! them together — the first eviction of any workload, the last replacement of any —
//! so a node that returns after one workload's replacement but before another's is
//! `mid-migration` for the incident while that one workload reads `post-migration`.
//! A StatefulSet's replacement is left out of the incident's when another workload's
//! counts: it can only follow the node's return (the old pod must be gone first), so
//! it would make every such incident `mid-migration`; its own outcome says so.

use serde::Serialize;

use super::incident::Phase;
use super::scenario::{decide, Order, Scenario, Seen};

/// What one workload's pods on the failed node went through.
///
/// Fields in the JSON document's key order (alphabetical, as serde_json's maps keep
/// keys): the report's incidents are written straight from them (`output::json`).
#[derive(Debug, Clone, Serialize)]
pub struct WorkloadOutcome {
    /// When its order of phases is open: every scenario its evidence allows.
    pub candidates: Vec<Scenario>,
    /// How many of its pods were on the failed node.
    pub pods: usize,
    /// The scenario its own phases give.
    pub scenario: Scenario,
    /// The owner (`ReplicaSet web-7d4b9c8f6d`, `StatefulSet db`, `Deployment web`),
    /// from a workload table or the pods' names; null for bare pods.
    pub workload: Option<String>,
}

/// One workload's phases so far: its name, earliest eviction, last replacement ready
/// (places in `ByWorkload::phases`), and how many of its pods were on the node.
type Seen1 = (Option<String>, Option<usize>, Option<usize>, usize);

/// The phases seen per workload while following an incident's pods.
#[derive(Default)]
pub(super) struct ByWorkload {
    items: Vec<Seen1>,
    /// Every pod's eviction and replacement, as added: kept once, here, and pointed
    /// at (a copy per workload and per incident was a few per cent of its work).
    phases: Vec<Phase>,
}

impl ByWorkload {
    /// Adds one pod's eviction and replacement to its workload's. Returns their places
    /// ([`ByWorkload::phase`]).
    pub(super) fn add(
        &mut self,
        owner: Option<&str>,
        e: Option<Phase>,
        r: Option<Phase>,
    ) -> (Option<usize>, Option<usize>) {
        let i = match self.items.iter().position(|w| w.0.as_deref() == owner) {
            Some(i) => i,
            None => {
                self.items.push((owner.map(String::from), None, None, 0));
                self.items.len() - 1
            }
        };
        let mut keep = |p: Option<Phase>| {
            p.map(|p| {
                self.phases.push(p);
                self.phases.len() - 1
            })
        };
        let (e, r) = (keep(e), keep(r));
        let (w, phases) = (&mut self.items[i], &self.phases);
        w.3 += 1;
        if let Some(e) = e {
            if w.1.is_none_or(|x| phases[e].seen_before(&phases[x])) {
                w.1 = Some(e);
            }
        }
        if let Some(r) = r {
            if w.2.is_none_or(|x| phases[x].seen_before(&phases[r])) {
                w.2 = Some(r);
            }
        }
        (e, r)
    }

    /// The phase added at place `k`.
    pub(super) fn phase(&self, k: usize) -> &Phase {
        &self.phases[k]
    }

    /// Each workload's scenario, given the node's return (`n_back`) and how a phase is
    /// ordered against it.
    pub(super) fn outcomes(
        self,
        n_back: bool,
        order: impl Fn(&Phase) -> Order,
    ) -> Vec<WorkloadOutcome> {
        let mut outcomes: Vec<WorkloadOutcome> = self
            .items
            .into_iter()
            .map(|(workload, e, r, pods)| {
                let (e, r) = (e.map(|k| &self.phases[k]), r.map(|k| &self.phases[k]));
                let seen = Seen {
                    eviction: e.is_some(),
                    replacement: r.is_some(),
                    node_back: n_back,
                    e_to_n: e.filter(|_| n_back).map(&order),
                    r_to_n: r.filter(|_| n_back).map(&order),
                };
                let candidates = decide(seen);
                let scenario = match candidates.as_slice() {
                    [one] => *one,
                    _ => Scenario::Inconclusive,
                };
                WorkloadOutcome {
                    workload,
                    scenario,
                    candidates: if candidates.len() > 1 {
                        candidates
                    } else {
                        vec![]
                    },
                    pods,
                }
            })
            .collect();
        // Collected in place, the outcomes would keep the phases' larger allocation
        // for as long as the analysis lives (a soak's incidents: 10 MB in 50 MB).
        outcomes.shrink_to_fit();
        outcomes
    }
}
