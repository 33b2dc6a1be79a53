//! Metrics of an incident (DESIGN.md), each an interval in seconds, and how they
//! compare with what Kubernetes' defaults predict (FORMAT.md §4.1, §4.10).

use serde::Serialize;

use super::incident::{Phase, Phases};
use super::pods::Pod;
use crate::tables::ResourceKind;
use crate::timeline::interval::human_duration;
use crate::timeline::{Claim, Interval, ObjectTimeline, Timelines};

/// The metrics of one incident; null where not measurable.
///
/// Fields in the JSON document's key order (alphabetical, as serde_json's maps keep
/// keys): the report's incidents are written straight from them (`output::json`).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Metrics {
    /// Failure injected (only when the capture marks it: `sudo poweroff`) → node NotReady.
    #[serde(serialize_with = "crate::timeline::interval::keys_sorted_opt")]
    pub detection_s: Option<Interval>,
    /// Node NotReady → old pod Terminating (default ≈ 300 s).
    #[serde(serialize_with = "crate::timeline::interval::keys_sorted_opt")]
    pub eviction_s: Option<Interval>,
    /// Node NotReady → its STATUS Ready again.
    #[serde(serialize_with = "crate::timeline::interval::keys_sorted_opt")]
    pub node_down_s: Option<Interval>,
    /// Old pod Terminating → replacement Running and ready.
    #[serde(serialize_with = "crate::timeline::interval::keys_sorted_opt")]
    pub replacement_s: Option<Interval>,
    /// Time the affected workloads had fewer ready replicas than desired, from the
    /// incident's start.
    #[serde(serialize_with = "crate::timeline::interval::keys_sorted_opt")]
    pub unavailable_s: Option<Interval>,
}

/// Kubernetes' defaults: node-monitor-grace-period (40 s; 50 s from 1.32) ± the lease
/// and monitor periods, and the 300 s default toleration of not-ready/unreachable.
const DETECTION_RANGE_S: (i64, i64) = (25, 65);
const EVICTION_RANGE_S: (i64, i64) = (280, 340);

fn between(t: &Timelines, a: &Option<Phase>, b: &Option<Phase>) -> Option<Interval> {
    Some(a.as_ref()?.until(t, b.as_ref()?.point))
}

/// Computes the metrics and the flags for departures from the defaults.
pub(super) fn measure(
    t: &Timelines,
    phases: &Phases,
    node_state: &Option<(usize, usize)>,
    node_ready: Option<&Phase>,
    affected: &[Pod],
) -> (Metrics, Vec<String>) {
    let mut m = Metrics::default();
    let mut flags = Vec::new();
    let f = phases.F.as_ref();
    if let (Some(f), true) = (f, node_state.is_some()) {
        // The injection command closest before the failure.
        if let Some(d) = t
            .injections
            .iter()
            .rfind(|i| i.at.min_ms <= f.at.max_ms)
            .map(|i| {
                let d = t.difference(i.point, f.point);
                match f.since {
                    // Failed before its first line: detected between the command and it.
                    Some(_) => Interval::new(0, d.max_ms.max(0)),
                    None => d,
                }
            })
        {
            m.detection_s = Some(d);
        }
    }
    m.eviction_s = between(t, &phases.F, &phases.E);
    m.replacement_s = between(t, &phases.E, &phases.R);
    if let (Some(f), Some(n)) = (f, node_ready) {
        if node_state.is_some() {
            m.node_down_s = Some(f.until(t, n.point));
        }
    }
    m.unavailable_s = unavailable(t, phases, affected);

    if let Some(d) = m.detection_s {
        let (lo, hi) = DETECTION_RANGE_S;
        if d.max_ms < lo * 1000 || d.min_ms > hi * 1000 {
            flags.push(format!("node NotReady {} after the failure: node-monitor-grace-period is 40 s (50 s from 1.32) by default", human_duration(&d)));
        }
    }
    if let Some(e) = m.eviction_s {
        let (lo, hi) = EVICTION_RANGE_S;
        if e.max_ms < lo * 1000 {
            flags.push(format!(
                "eviction {} after NotReady: tolerationSeconds lowered? (default 300 s)",
                human_duration(&e)
            ));
        } else if e.min_ms > hi * 1000 {
            flags.push(format!("eviction {} after NotReady: later than the default 300 s toleration (raised tolerationSeconds, or eviction rate-limited)", human_duration(&e)));
        }
    }
    (m, flags)
}

/// From the owners' READY drop (or F) until every affected owner is back to full
/// READY (or, with no owner stream, until every affected pod is running again).
fn unavailable(t: &Timelines, phases: &Phases, affected: &[Pod]) -> Option<Interval> {
    let f = phases.F.as_ref()?;
    let mut owners: Vec<&ObjectTimeline> = Vec::new();
    for p in affected {
        if let Some(k) = &p.owner {
            if owners.iter().any(|o| &o.key == k) {
                continue;
            }
            if let Some(w) = t
                .objects
                .iter()
                .find(|o| &o.key == k && o.key.kind != ResourceKind::Pod)
            {
                if !owners.iter().any(|o| o.key == w.key) {
                    owners.push(w);
                }
            }
        }
    }
    let mut worst: Option<Interval> = None;
    for w in owners {
        // The first READY drop at or after the failure, and the first full READY after it.
        let drop = w.states.iter().position(|s| {
            s.ready.is_some_and(|[n, m]| n < m)
                && t.allows(f.point, s.from_point(), Claim::at_least(-20_000))
        })?;
        let start = &w.states[drop];
        let back = w.states[drop + 1..]
            .iter()
            .find(|s| s.ready.is_some_and(|[n, m]| n == m));
        let d = match back {
            Some(b) => t.difference(start.from_point(), b.from_point()),
            // Still down at the end of the capture: at least until the last line.
            None => {
                let last = w.last();
                let lo = t.difference(start.from_point(), last.last_point());
                Interval::new(lo.min_ms.max(0), crate::timeline::stn::UNBOUNDED)
            }
        };
        worst = Some(match worst {
            Some(x) if x.min_ms >= d.min_ms => x,
            _ => d,
        });
    }
    worst
}
