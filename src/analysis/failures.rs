//! Finding node failures: from states, not only transitions.
//!
//! A failure shows as (strongest first): a node line turning NotReady; a node whose
//! first line is already NotReady and which is well past joining (it failed before
//! the capture); a NodeNotReady event; pods showing a lost node's marks (`NodeLost`,
//! `Unknown` with containers ready, a graceful shutdown's `Terminated`); a command
//! that takes a node down (`shutdown -h now` at `[root@rhel2 ~]#`, `virsh destroy
//! w1`). Each node gets its failures from the strongest kind that shows one; a
//! weaker kind adds an incident only for a node no stronger one names.

use crate::{HashMap, HashSet};

use super::incident::{ev, Failure, Phase};
use super::pod_groups;
use super::pods::{meaning, PodNodes};
use crate::kube::events::scheduled_to;
use crate::kube::status::{node_status, NodeCondition, JOIN_GRACE_S};
use crate::kube::EventMeaning;
use crate::tables::ResourceKind;
use crate::timeline::{Claim, ObjectTimeline, Point, State, Timelines};

/// The node of an incident whose node the capture does not name.
pub const UNNAMED_NODE: &str = "(not named)";

fn not_ready(s: &State) -> bool {
    s.status.as_deref().map(node_status).map(|n| n.condition) == Some(NodeCondition::NotReady)
}

/// A node's first line NotReady: failed before the capture, unless the node is young
/// enough to be joining (AGE under two minutes).
fn failed_before_capture(s: &State) -> bool {
    not_ready(s)
        && s.since_created
            .get()
            .is_none_or(|a| a.max_ms >= JOIN_GRACE_S * 1000)
}

/// The phase of a state that shows a failure at or before its first line; for an
/// object's first state, as early as its creation.
fn phase(what: String, o: &ObjectTimeline, si: usize) -> Phase {
    let mut p = super::story::state_phase(what, &o.states[si]);
    p.since = p.since.or((si == 0).then_some(o.created_point));
    p
}

/// Failures shown by node lines: each turn to NotReady, and a first line already
/// NotReady past joining. Not of a node whose lines could not be placed against its
/// pods' (`Timelines::unplaced_nodes`): those float free of the clock.
pub(super) fn from_nodes(t: &Timelines) -> Vec<Failure> {
    let mut out = Vec::new();
    for (oi, o) in t.objects.iter().enumerate() {
        if o.key.kind != ResourceKind::Node || t.unplaced_nodes.iter().any(|n| *n == *o.key.name) {
            continue;
        }
        for (si, s) in o.states.iter().enumerate() {
            let turned = si > 0 && not_ready(s) && !not_ready(&o.states[si - 1]);
            let before = si == 0 && failed_before_capture(s);
            if !(turned || before) {
                continue;
            }
            let status = s.status.as_deref().unwrap_or("");
            let what = if before {
                format!("node {} {status} when first listed", o.key.name)
            } else {
                format!("node {} {status}", o.key.name)
            };
            let mut f = phase(what, o, si);
            if let Some(c) = downed_before(t, &o.key.name, f.point) {
                // The command that took the node down: it failed after that.
                f.since = Some(c);
                f.at = crate::timeline::Interval::new(t.at(c).min_ms, f.at.max_ms);
            }
            out.push(Failure {
                node: o.key.name.to_string(),
                f,
                node_state: Some((oi, si)),
                back: None,
            });
        }
    }
    out
}

/// The last command that took `node` down, proven before `line`.
fn downed_before(t: &Timelines, node: &str, line: Point) -> Option<Point> {
    t.node_commands
        .iter()
        .filter(|c| c.action.downs_node() && c.node.as_deref() == Some(node))
        .filter(|c| t.proves(c.point, line, Claim::at_least(0)))
        .map(|c| c.point)
        .next_back()
}

/// Failures of nodes no node line shows failing: NodeNotReady events, pods with a
/// lost node's marks, and commands that took a node down.
pub(super) fn from_other_evidence(
    t: &Timelines,
    nodes: &PodNodes,
    known: &[Failure],
) -> Vec<Failure> {
    let mut named: HashSet<String> = known.iter().map(|f| f.node.clone()).collect();
    named.extend(nodes_of_classes(t, nodes, &named));
    let mut out = Vec::new();
    let add = |node: String, f: Phase, named: &mut HashSet<String>, out: &mut Vec<Failure>| {
        if named.insert(node.clone()) {
            out.push(Failure {
                node,
                f,
                node_state: None,
                back: None,
            });
        }
    };
    for e in &t.events {
        if e.meaning == EventMeaning::NodeNotReady && e.object_kind == "node" {
            let f = Phase {
                at: e.at,
                what: format!("node {} NotReady (event)", e.object),
                evidence: vec![ev(&e.line)],
                point: e.point,
                alternatives: Vec::new(),
                since: None,
            };
            add(e.object.clone(), f, &mut named, &mut out);
        }
    }
    for pod in t.objects.iter().filter(|o| o.key.kind == ResourceKind::Pod) {
        if let Some((si, node)) = node_loss_mark(pod, nodes) {
            // A node already named takes no failure of its own (`add`): its phase is
            // not worded (a soak's pods are lost on nodes their marks already name).
            if named.contains(node) {
                continue;
            }
            let node = node.to_string();
            let what = format!(
                "pod {} {} (its node lost)",
                pod.key.name,
                pod.states[si].status.as_deref().unwrap_or("")
            );
            add(node, phase(what, pod, si), &mut named, &mut out);
        }
    }
    // Every node name, gathered only for a command that takes a node down (a soak
    // has none, and thousands of pods to read the names from).
    let mut known_nodes: Option<Vec<String>> = None;
    let mut unnamed_injection = None;
    for c in &t.node_commands {
        if !c.action.downs_node() {
            continue;
        }
        let known_nodes = known_nodes.get_or_insert_with(|| node_names(t, nodes));
        let f = Phase {
            at: c.at,
            what: format!("command: {}", c.line.text),
            evidence: vec![ev(&c.line)],
            point: c.point,
            alternatives: Vec::new(),
            since: None,
        };
        match c.node.as_deref().and_then(|n| resolve(n, known_nodes)) {
            Some(node) => add(node, f, &mut named, &mut out),
            None => {
                unnamed_injection.get_or_insert(f);
            }
        }
    }
    // A failure typed with no node the capture names (`pdsh -g nodes poweroff`): an
    // incident of its own only when nothing else shows one.
    if let (Some(f), true) = (unnamed_injection, known.is_empty() && out.is_empty()) {
        add(UNNAMED_NODE.to_string(), f, &mut named, &mut out);
    }
    out
}

/// The nodes, by the names the events give them, of the classes of pods among
/// `failed` (the nodes `pod_groups` told by the node controller's marks in a capture
/// that prints no node): a class is the node most of its pods were bound to by the
/// events' `Scheduled` ("Successfully assigned ns/pod to node"), two thirds of those
/// the events name. Its failures are that node's: a `NodeNotReady` event of it is one
/// of them, not another failure (the events' times are placed loosely, so which one
/// is left to the class's own).
fn nodes_of_classes(t: &Timelines, nodes: &PodNodes, failed: &HashSet<String>) -> Vec<String> {
    let mut bound: HashMap<&str, &str> = HashMap::default();
    for e in &t.events {
        if e.meaning == EventMeaning::PodScheduled && e.object_kind == "pod" {
            if let Some(to) = scheduled_to(&e.message) {
                bound.insert(&e.object, to);
            }
        }
    }
    let mut votes: HashMap<&str, HashMap<&str, usize>> = HashMap::default();
    for pod in t.objects.iter().filter(|o| o.key.kind == ResourceKind::Pod) {
        let (Some(class), Some(&to)) = (nodes.of(pod), bound.get(&*pod.key.name)) else {
            continue;
        };
        if pod_groups::is_group(class) && failed.contains(class) {
            *votes.entry(class).or_default().entry(to).or_default() += 1;
        }
    }
    let mut out: Vec<String> = votes
        .into_values()
        .filter_map(|v| {
            let all: usize = v.values().sum();
            let (node, most) = v
                .into_iter()
                .max_by_key(|&(node, n)| (n, std::cmp::Reverse(node)))?;
            (most * 3 >= all * 2).then(|| node.to_string())
        })
        .collect();
    out.sort_unstable();
    out
}

/// The first state of a pod that shows its node was lost or shut down, with the node
/// (or [`UNNAMED_NODE`]).
fn node_loss_mark<'a>(pod: &'a ObjectTimeline, nodes: &'a PodNodes) -> Option<(usize, &'a str)> {
    let si = pod
        .states
        .iter()
        .position(|s| meaning(s).shows_node_loss())?;
    Some((si, nodes.of(pod).unwrap_or(UNNAMED_NODE)))
}

/// Every node name the capture prints: node lines, pods' NODE cells, node events.
fn node_names(t: &Timelines, nodes: &PodNodes) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for o in &t.objects {
        match o.key.kind {
            ResourceKind::Node => names.push(o.key.name.to_string()),
            ResourceKind::Pod => names.extend(nodes.of(o).map(String::from)),
            _ => {}
        }
    }
    names.extend(
        t.events
            .iter()
            .filter(|e| e.object_kind == "node")
            .map(|e| e.object.clone()),
    );
    names.sort();
    names.dedup();
    names
}

/// The node a command's argument or prompt names: the same name, the name before a
/// domain (`wp-5` for `wp-5.novalocal`), or a machine named after the node
/// (`minikube-m02` for `m02`).
fn resolve(arg: &str, nodes: &[String]) -> Option<String> {
    let fits = |n: &str| {
        n == arg
            || n.strip_prefix(arg).is_some_and(|r| r.starts_with('.'))
            || arg.strip_prefix(n).is_some_and(|r| r.starts_with('.'))
            || n.strip_suffix(arg).is_some_and(|r| r.ends_with('-'))
    };
    let mut hits = nodes.iter().filter(|n| fits(n));
    let first = hits.next()?;
    hits.next().is_none().then(|| first.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_name_nodes_by_name_domain_or_machine() {
        let nodes: Vec<String> = ["wp-5.novalocal", "minikube-m02", "kube3", "kube30"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(resolve("kube3", &nodes).as_deref(), Some("kube3"));
        assert_eq!(resolve("wp-5", &nodes).as_deref(), Some("wp-5.novalocal"));
        assert_eq!(resolve("m02", &nodes).as_deref(), Some("minikube-m02"));
        assert_eq!(resolve("db1", &nodes), None);
    }
}
