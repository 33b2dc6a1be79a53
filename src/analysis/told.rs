//! Phases told by events and commands rather than by pod rows: an eviction event, a
//! pod scheduled elsewhere and started, the node's NodeReady or Rebooted event, a
//! drain before the failure, the node deleted for good.
//!
//! Used where the pod rows do not show a phase themselves: a capture of
//! `kubectl get events` alone, or listings without the replacement.

use crate::HashSet;

use super::incident::{ev, Phase};
use crate::kube::events::scheduled_to;
use crate::kube::names::owner_from_name;
use crate::kube::{Action, EventMeaning};
use crate::timeline::{EventMark, ObjectTimeline, Point, Timelines};

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
    t.allows(f, p, |d| d.max_ms >= 0)
}

/// Pods known to have run on the node: affected pods, pods whose NodeNotReady event
/// names them, pods scheduled there before the failure.
fn lost_pods(t: &Timelines, node: &str, f: Point, affected: &[&ObjectTimeline]) -> HashSet<String> {
    let mut lost: HashSet<String> = affected.iter().map(|p| p.key.name.to_string()).collect();
    for e in t.events.iter().filter(|e| e.object_kind == "pod") {
        let on_node = match e.meaning {
            EventMeaning::NodeNotReady => true,
            EventMeaning::PodScheduled => {
                scheduled_to(&e.message) == Some(node) && t.allows(f, e.point, |d| d.min_ms <= 0)
            }
            _ => false,
        };
        if on_node {
            lost.insert(e.object.clone());
        }
    }
    lost
}

/// Whether `pod` takes the place of one of the lost pods: the same name (a
/// StatefulSet's) or the same owner and template by name.
fn replaces(pod: &str, lost: &HashSet<String>) -> bool {
    lost.contains(pod)
        || owner_from_name(pod)
            .key()
            .is_some_and(|k| lost.iter().any(|l| owner_from_name(l).key() == Some(k)))
}

/// Reads the events and commands about one incident's node after its failure `f`.
pub(super) fn by_events_and_commands(
    t: &Timelines,
    node: &str,
    f: Point,
    affected: &[&ObjectTimeline],
) -> Told {
    let mut told = Told::default();
    let lost = lost_pods(t, node, f, affected);
    let mut moved: Vec<(&EventMark, &str)> = Vec::new();
    for e in &t.events {
        if !after(t, f, e.point) {
            continue;
        }
        match (e.meaning, e.object_kind.as_str()) {
            (EventMeaning::Eviction, "pod") if lost.contains(&e.object) => {
                told.eviction.get_or_insert_with(|| {
                    event_phase(format!("pod {} marked for deletion (event)", e.object), e)
                });
            }
            (EventMeaning::PodScheduled, "pod") => {
                if let Some(to) = scheduled_to(&e.message).filter(|to| *to != node) {
                    if replaces(&e.object, &lost) {
                        moved.push((e, to));
                    }
                }
            }
            (EventMeaning::ContainerStarted, "pod") => {
                let started_after_move = moved.iter().any(|(m, _)| {
                    m.object == e.object && t.allows(m.point, e.point, |d| d.max_ms >= 0)
                });
                if started_after_move && told.replacement.is_none() {
                    let to = moved
                        .iter()
                        .find(|(m, _)| m.object == e.object)
                        .map_or("", |m| m.1);
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
                told.node_back.get_or_insert_with(|| {
                    event_phase(format!("node {node} {} (event)", e.reason), e)
                });
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
    commands(t, node, f, &mut told);
    told.flags.dedup();
    told
}

/// A drain of the node before its failure moved its pods (they count as moved); a
/// node deleted after it does not come back.
fn commands(t: &Timelines, node: &str, f: Point, told: &mut Told) {
    for c in &t.node_commands {
        if c.node.as_deref() != Some(node) {
            continue;
        }
        match c.action {
            Action::Drain if t.allows(f, c.point, |d| d.min_ms <= 0) => {
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
