//! Phases told by events and commands rather than by pod rows: an eviction event, a
//! pod scheduled elsewhere and started, the node's NodeReady or Rebooted event, a
//! drain before the failure, the node deleted for good.
//!
//! Used where the pod rows do not show a phase themselves: a capture of
//! `kubectl get events` alone, or listings without the replacement.

use crate::{HashMap, HashSet};

use super::incident::{ev, Phase};
use super::pods::Pod;
use crate::kube::events::scheduled_to;
use crate::kube::names::owner_from_name;
use crate::kube::{Action, EventMeaning};
use crate::timeline::{Claim, EventMark, Point, Timelines};

/// What events and commands tell about one incident.
#[derive(Default)]
pub(super) struct Told {
    pub(super) eviction: Option<Phase>,
    pub(super) replacement: Option<Phase>,
    pub(super) node_back: Option<Phase>,
    pub(super) flags: Vec<String>,
}

impl Told {
    pub(super) fn is_empty(&self) -> bool {
        self.eviction.is_none() && self.replacement.is_none() && self.node_back.is_none()
    }
}

fn event_phase(what: String, e: &EventMark) -> Phase {
    Phase {
        at: e.at,
        what,
        evidence: vec![ev(&e.line)],
        point: e.point,
        alternatives: Vec::new(),
        since: None,
    }
}

/// Possibly after `f` (the intervals do not prove it before).
fn after(t: &Timelines, f: Point, p: Point) -> bool {
    t.allows(f, p, Claim::at_least(0))
}

/// The capture's events, filed by what they are about: an incident reads the events
/// of its own pods, owners and node, not every event of a long capture (a soak watched
/// with `kubectl get events -w` beside it has hundreds of thousands, and thousands of
/// incidents: read whole for each, every binding's pod checked against every lost pod,
/// a 50 MB soak with 120,000 events ran for more than ten minutes). Filed by object,
/// not only by time: an events watch beside a pods watch may be placed on the clock
/// only loosely, and then every event is possibly in every incident's span.
pub(super) struct Events<'a> {
    all: &'a [EventMark],
    /// The NodeNotReady events of pods (they name no node): `(earliest, running
    /// maximum of the latest, index)` by earliest, so that those possibly after a
    /// moment are past a binary search.
    not_ready: Vec<Filed>,
    /// Pod events by pod, in capture order.
    by_pod: HashMap<&'a str, Vec<u32>>,
    /// Pod bindings ("Successfully assigned ns/pod to node") by the pod's owner (by
    /// name), filed as `not_ready` is (an owner of a soak has bindings all through
    /// it, and an incident reads those of its own span), and by the node they name.
    scheduled_by_owner: HashMap<(&'a str, &'a str), Vec<Filed>>,
    scheduled_to: HashMap<&'a str, Vec<u32>>,
    /// Node events by node.
    by_node: HashMap<&'a str, Vec<u32>>,
}

impl<'a> Events<'a> {
    pub(super) fn of(t: &'a Timelines) -> Events<'a> {
        let mut events = Events {
            all: &t.events,
            not_ready: Vec::new(),
            by_pod: HashMap::default(),
            scheduled_by_owner: HashMap::default(),
            scheduled_to: HashMap::default(),
            by_node: HashMap::default(),
        };
        for (i, e) in t.events.iter().enumerate() {
            let i = u32::try_from(i).expect("fewer than 2^32 events");
            match e.object_kind.as_str() {
                "pod" => events.by_pod.entry(&e.object).or_default().push(i),
                "node" => {
                    events.by_node.entry(&e.object).or_default().push(i);
                    continue;
                }
                _ => continue,
            }
            match e.meaning {
                EventMeaning::NodeNotReady => events.not_ready.push((e.at.min_ms, e.at.max_ms, i)),
                EventMeaning::PodScheduled => {
                    if let Some(to) = scheduled_to(&e.message) {
                        events.scheduled_to.entry(to).or_default().push(i);
                    }
                    if let Some(k) = owner_from_name(&e.object).key() {
                        let filed = (e.at.min_ms, e.at.max_ms, i);
                        events.scheduled_by_owner.entry(k).or_default().push(filed);
                    }
                }
                _ => {}
            }
        }
        by_earliest(&mut events.not_ready);
        events.scheduled_by_owner.values_mut().for_each(by_earliest);
        events
    }

    fn at(&self, i: u32) -> &'a EventMark {
        &self.all[i as usize]
    }

    /// The events of `lost` pods, of the bindings of their owners' pods (and those
    /// pods' own), and of `node`: every event the incident reads, in capture order.
    /// Only bindings possibly within `window` (`[from, to]` on the clock; no `to`:
    /// to the end) are read: one outside it is no move of this incident, nor are
    /// its pod's other events.
    fn of_incident(
        &self,
        lost: &HashSet<String>,
        owners: &HashSet<(&str, &str)>,
        node: &str,
        window: (i64, Option<i64>),
    ) -> Vec<u32> {
        let pod = |name: &str| self.by_pod.get(name).map_or(&[][..], Vec::as_slice);
        let mut found: Vec<u32> = Vec::new();
        for p in lost {
            found.extend(pod(p));
        }
        for k in owners {
            let filed = self
                .scheduled_by_owner
                .get(k)
                .map_or(&[][..], Vec::as_slice);
            for &(_, _, i) in possibly_within(filed, window) {
                found.extend(pod(&self.at(i).object));
            }
        }
        found.extend(self.by_node.get(node).map_or(&[][..], Vec::as_slice));
        found.sort_unstable();
        found.dedup();
        found
    }
}

/// An event filed by time: `(earliest, latest, index)`, see [`by_earliest`].
type Filed = (i64, i64, u32);

/// Sorts `(earliest, latest, index)` by earliest and makes each latest the running
/// maximum, so that [`possibly_within`] finds a window's events by two binary searches.
fn by_earliest(filed: &mut Vec<Filed>) {
    filed.sort_by_key(|e| (e.0, e.2));
    let mut reach = i64::MIN;
    for e in filed {
        reach = reach.max(e.1);
        e.1 = reach;
    }
}

/// The events of `filed` (see [`by_earliest`]) whose interval may meet `[from, to]`,
/// and any others between them.
fn possibly_within(filed: &[Filed], (from, to): (i64, Option<i64>)) -> &[Filed] {
    let start = filed.partition_point(|e| e.1 < from);
    let end = to.map_or(filed.len(), |to| filed.partition_point(|e| e.0 <= to));
    &filed[start..end.max(start)]
}

/// How long past the node's next failure an event may still be this incident's: a
/// replacement is scheduled as its pod is evicted, before the node is back (ten
/// minutes of slack for a busy scheduler and the watch, as `local`'s).
const AFTER_NEXT_FAILURE_MS: i64 = 10 * 60_000;

/// Pods known to have run on the node: the affected pods, as the pod rows tell them;
/// without them (a capture of events alone), pods whose NodeNotReady event (possibly
/// in the incident's span: `in_span`) names them and pods scheduled there before the
/// failure. Not both: beside a long pods watch, the bindings to a node are every pod
/// it ever ran, and an events watch placed loosely on the clock makes every
/// NodeNotReady event possibly this incident's.
fn lost_pods(
    t: &Timelines,
    events: &Events,
    in_span: impl Fn(&EventMark) -> bool,
    node: &str,
    f: Point,
    affected: &[Pod],
) -> HashSet<String> {
    let mut lost: HashSet<String> = affected.iter().map(|p| p.key.name.to_string()).collect();
    if !lost.is_empty() {
        return lost;
    }
    let from = t.at(f).min_ms;
    let not_ready = (possibly_within(&events.not_ready, (from, None)).iter())
        .map(|e| events.at(e.2))
        .filter(|e| in_span(e));
    let scheduled_here = (events.scheduled_to.get(node).into_iter().flatten())
        .map(|&i| events.at(i))
        .filter(|e| t.allows(f, e.point, Claim::at_most(0)));
    for e in not_ready.chain(scheduled_here) {
        lost.insert(e.object.clone());
    }
    lost
}

/// Whether `pod` takes the place of one of the lost pods: the same name (a
/// StatefulSet's) or the same owner and template by name (`owners`: the lost pods').
fn replaces(pod: &str, lost: &HashSet<String>, owners: &HashSet<(&str, &str)>) -> bool {
    lost.contains(pod)
        || owner_from_name(pod)
            .key()
            .is_some_and(|k| owners.contains(&k))
}

/// Reads the events and commands about one incident's node after its failure `f`,
/// up to (with slack) the node's next failure: later events are the next incident's.
/// When the node fails more than once, an event is read only where the network
/// places it after the node's previous failure and before its next (a bound known
/// without a search): an events watch that shares no clock with the pods' would
/// otherwise give every failure of the node its other failures' evictions, returns
/// and replacements, with no time (a soak's in-place failures came out
/// `inconclusive`).
pub(super) fn by_events_and_commands(
    t: &Timelines,
    events: &Events,
    node: &str,
    f: Point,
    span: super::incident::Span,
    affected: &[Pod],
) -> Told {
    let mut told = Told::default();
    // No events: nothing below reads more than the commands (a soak's pods watch alone
    // gathered its lost pods' names and owners for nothing, every incident).
    if events.all.is_empty() {
        commands(t, node, f, &mut told);
        told.flags.dedup();
        return told;
    }
    let from = t.at(f).min_ms;
    let to = (span.until).map(|u| t.at(u).max_ms.saturating_add(AFTER_NEXT_FAILURE_MS));
    let placed = |e: &EventMark| {
        let after_previous = (span.since).is_none_or(|s| t.difference_known(s, e.point).min_ms > 0);
        let before_next = (span.until)
            .is_none_or(|u| t.difference_known(e.point, u).min_ms > -AFTER_NEXT_FAILURE_MS);
        after_previous && before_next
    };
    let in_span = |e: &EventMark| {
        e.at.max_ms >= from
            && to.is_none_or(|to| e.at.min_ms <= to)
            && placed(e)
            && after(t, f, e.point)
    };
    let lost = lost_pods(t, events, in_span, node, f, affected);
    let owners: HashSet<(&str, &str)> = (lost.iter())
        .filter_map(|l| owner_from_name(l).key())
        .collect();
    // Pods scheduled elsewhere in the lost pods' place, by pod: where to.
    let mut moved: HashMap<&str, Vec<(&EventMark, &str)>> = HashMap::default();
    let read = (events
        .of_incident(&lost, &owners, node, (from, to))
        .into_iter())
    .map(|i| events.at(i))
    .filter(|e| in_span(e));
    for e in read {
        read_event(t, node, (&lost, &owners), &mut moved, &mut told, e);
    }
    commands(t, node, f, &mut told);
    told.flags.dedup();
    told
}

/// What one event about the incident tells: an eviction of a lost pod, a lost pod's
/// owner's pod scheduled elsewhere (kept in `moved`) and then started, the node back,
/// or the node deleted.
fn read_event<'e>(
    t: &Timelines,
    node: &str,
    (lost, owners): (&HashSet<String>, &HashSet<(&str, &str)>),
    moved: &mut HashMap<&'e str, Vec<(&'e EventMark, &'e str)>>,
    told: &mut Told,
    e: &'e EventMark,
) {
    match (e.meaning, e.object_kind.as_str()) {
        (EventMeaning::Eviction, "pod") if lost.contains(&e.object) => {
            told.eviction.get_or_insert_with(|| {
                event_phase(format!("pod {} marked for deletion (event)", e.object), e)
            });
        }
        (EventMeaning::PodScheduled, "pod") => {
            if let Some(to) = scheduled_to(&e.message).filter(|to| *to != node) {
                if replaces(&e.object, lost, owners) {
                    moved.entry(&e.object).or_default().push((e, to));
                }
            }
        }
        (EventMeaning::ContainerStarted, "pod") => {
            let moves = moved.get(e.object.as_str()).map_or(&[][..], Vec::as_slice);
            // Bounds only, no search: a busy pod's events beside a soak are asked
            // thousands of times, by every incident of its owner.
            let started_after_move =
                (moves.iter()).any(|(m, _)| t.difference_known(m.point, e.point).max_ms >= 0);
            if started_after_move && told.replacement.is_none() {
                let to = moves.first().map_or("", |m| m.1);
                told.replacement = Some(event_phase(
                    format!("replacement {} started on {to} (events)", e.object),
                    e,
                ));
            }
        }
        (
            EventMeaning::NodeReady | EventMeaning::Rebooted | EventMeaning::KubeletStarting,
            "node",
        ) if e.object == node => {
            told.node_back
                .get_or_insert_with(|| event_phase(format!("node {node} {} (event)", e.reason), e));
        }
        (EventMeaning::NodeDeleted, "node") if e.object == node => {
            told.flags.push(format!(
                "node {node} deleted ({}): it does not come back as this node",
                e.reason
            ));
        }
        _ => {}
    }
}

/// A drain of the node before its failure moved its pods (they count as moved); a
/// node deleted after it does not come back.
fn commands(t: &Timelines, node: &str, f: Point, told: &mut Told) {
    for c in &t.node_commands {
        if c.node.as_deref() != Some(node) {
            continue;
        }
        match c.action {
            Action::Drain if t.allows(f, c.point, Claim::at_most(0)) => {
                told.replacement.get_or_insert_with(|| Phase {
                    at: c.at,
                    what: format!("pods drained off {node} before the failure"),
                    evidence: vec![ev(&c.line)],
                    point: c.point,
                    alternatives: Vec::new(),
                    since: None,
                });
            }
            Action::DeleteNode if after(t, f, c.point) => {
                told.flags.push(format!(
                    "node {node} deleted: it does not come back as this node"
                ));
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::{Origin, Source};

    fn events_watch(rows: &str) -> Timelines {
        let text = format!(
            "$ kubectl get events -w\n\
             LAST SEEN   TYPE     REASON      OBJECT                     MESSAGE\n{rows}"
        );
        let source = Source {
            name: "events.log".into(),
            origin: Origin::Bytes(text.into_bytes().into()),
        };
        let mut ing = crate::ingest::ingest(&[source]).unwrap();
        crate::timeline::build::build(&mut ing, Default::default())
    }

    /// An incident reads the events of its lost pods, of its owners' other pods (a
    /// replacement's binding and start) and of its node; not another owner's pods'
    /// nor another node's.
    #[test]
    fn an_incident_reads_the_events_of_its_pods_owners_and_node_only() {
        let t = events_watch(
            "0s          Normal   Scheduled   pod/web-7d4b9c8f6d-aaaaa   Successfully assigned default/web-7d4b9c8f6d-aaaaa to w1\n\
             0s          Normal   Scheduled   pod/web-7d4b9c8f6d-bbbbb   Successfully assigned default/web-7d4b9c8f6d-bbbbb to w2\n\
             0s          Normal   Started     pod/web-7d4b9c8f6d-bbbbb   Started container app\n\
             0s          Normal   Scheduled   pod/db-5f6c4bb78d-ccccc    Successfully assigned default/db-5f6c4bb78d-ccccc to w2\n\
             0s          Normal   Started     pod/db-5f6c4bb78d-ccccc    Started container app\n\
             0s          Normal   NodeReady   node/w1                    Node w1 status is now: NodeReady\n\
             0s          Normal   NodeReady   node/w3                    Node w3 status is now: NodeReady\n",
        );
        assert_eq!(t.events.len(), 7, "{:?}", t.warnings);
        let events = Events::of(&t);
        let lost: HashSet<String> = ["web-7d4b9c8f6d-aaaaa".to_string()].into_iter().collect();
        let owners: HashSet<(&str, &str)> = [("web", "7d4b9c8f6d")].into_iter().collect();
        let all_time = (i64::MIN, None);
        assert_eq!(
            events.of_incident(&lost, &owners, "w1", all_time),
            [0, 1, 2, 5]
        );
        // The bindings to a node, for a capture without pod rows.
        let to_w2: Vec<&str> = (events.scheduled_to["w2"].iter())
            .map(|&i| events.at(i).object.as_str())
            .collect();
        assert_eq!(to_w2, ["web-7d4b9c8f6d-bbbbb", "db-5f6c4bb78d-ccccc"]);
    }

    /// Bindings filed by time: a window reads those whose interval may meet it (and
    /// any filed between them), not an owner's bindings all through a soak.
    #[test]
    fn bindings_possibly_within_a_window_are_found_by_two_searches() {
        let mut filed = vec![
            (50, 60, 3),
            (0, 10, 0),
            (20, 90, 1),
            (100, 110, 4),
            (30, 40, 2),
        ];
        by_earliest(&mut filed);
        let found = |from, to| -> Vec<u32> {
            possibly_within(&filed, (from, to))
                .iter()
                .map(|e| e.2)
                .collect()
        };
        // (20, 90) reaches past 45, so the bindings after it are read from there.
        assert_eq!(found(45, Some(55)), [1, 2, 3]);
        assert_eq!(found(95, Some(120)), [4]);
        assert_eq!(found(95, None), [4]);
        assert_eq!(found(-10, Some(5)), [0]);
        assert_eq!(found(200, None), Vec::<u32>::new());
        assert_eq!(found(12, Some(15)), Vec::<u32>::new());
        assert_eq!(found(12, Some(25)), [1]);
    }
}
