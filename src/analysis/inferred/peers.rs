//! Which pods ran on a node beside one that turned `Terminating`: a lost node's pods
//! are evicted together, so a peer living on says the pod was deleted on its own —
//! unless the peers were marked with it, as a lost node's pods are.

use crate::HashMap;

use crate::analysis::pods::healthy;
use crate::timeline::stn::Ms;
use crate::timeline::{Interval, LineRef, State, Timelines, Touch};

/// The healthy states of Deployment pods, by source and node, in the order of their
/// first lines: which pods were running on a node at a given line.
pub(super) struct Peers<'a> {
    /// Each (source, node)'s place in `states`.
    keys: HashMap<(&'a str, &'a str), usize>,
    /// By (source, node): the healthy states of Deployment pods there whose next
    /// change is not `Terminating`, sorted by first line.
    states: Vec<Vec<Peer<'a>>>,
}

/// A healthy state of a Deployment pod on a node, as [`Peers`] keeps it.
struct Peer<'a> {
    first: u64,
    /// The line it lasts until: its next state's, or (the last state) its last line.
    end: u64,
    /// The running maximum of `end` over the node's states up to this one: "was one
    /// running at line L" is then a binary search, not a scan (a long watch has
    /// thousands).
    reach: u64,
    state: &'a State,
}

/// How many of a node's states before an eviction are asked whether they are a peer
/// marked with it (a node runs tens of pods, each a few states a failure; a bound on
/// what one eviction costs).
const PEERS_ASKED: usize = 4_096;

/// How close in time two pods' touches are one node-wide mark: the node controller
/// marks a lost node's pods not ready in one pass (FORMAT.md §4.4).
const MARKED_TOGETHER_MS: Ms = 5_000;

impl<'a> Peers<'a> {
    /// `templates`: each object's Deployment and template, if a pod of one.
    pub(super) fn of(t: &'a Timelines, templates: &[Option<(&str, &str)>]) -> Peers<'a> {
        let mut keys: HashMap<(&str, &str), usize> = HashMap::default();
        let mut states: Vec<Vec<Peer>> = Vec::new();
        // The key met last: a pod's states are nearly all of one source and node,
        // told by their names' addresses without hashing them (a soak has a healthy
        // state a line).
        let mut last: Option<((&str, &str), usize)> = None;
        let pods = (t.objects.iter().zip(templates))
            .filter(|(_, template)| template.is_some())
            .map(|(o, _)| o);
        for pod in pods {
            for (i, s) in pod.states.iter().enumerate() {
                let (Some(node), Some(first)) = (s.node.as_deref(), s.lines.first()) else {
                    continue;
                };
                let next = pod.states.get(i + 1);
                if !healthy(s) || next.is_some_and(|n| n.status.as_deref() == Some("Terminating")) {
                    continue;
                }
                let end = match next.and_then(|n| n.lines.first()) {
                    Some(l) => l,
                    None => s.touches.last().map_or(first, |t| &t.line),
                };
                if end.source != first.source {
                    continue;
                }
                let k = super::list_of(&mut keys, &mut last, &mut states, (&first.source, node));
                states[k].push(Peer {
                    first: first.line,
                    end: end.line,
                    reach: 0,
                    state: s,
                });
            }
        }
        for v in &mut states {
            v.sort_unstable_by_key(|p| (p.first, p.end));
            let mut reach = 0;
            for p in v.iter_mut() {
                reach = reach.max(p.end);
                p.reach = reach;
            }
        }
        Peers { keys, states }
    }

    /// Whether a Deployment pod on `node` was running at line `at`, where one turned
    /// `Terminating` after its mark `touch`, and its next change (or, if none, the
    /// capture's end with it still shown running after `at`) was not its own
    /// eviction — and it was not marked with that pod. The taint manager evicts
    /// every pod of a lost node that shares the default `tolerationSeconds`
    /// (FORMAT.md §4.5) at once, so the one at `at` was deleted on its own; but a
    /// peer the node controller marked together with it was lost too, one with a
    /// longer toleration, or one the node came back for in time. (The pod at `at` is
    /// not such a peer: its next change is that `Terminating`.)
    pub(super) fn outlive(&self, node: &str, at: &LineRef, touch: &Touch) -> bool {
        let Some(v) = (self.keys.get(&(&*at.source, node))).map(|&k| &self.states[k]) else {
            return false;
        };
        let before = v.partition_point(|p| p.first < at.line);
        if before == 0 || v[before - 1].reach <= at.line {
            return false;
        }
        // The node's latest states only, at most so many: a peer living on from
        // before them is taken as such, unasked (as before the marks were asked), so
        // that no capture costs states × evictions.
        let start = before.saturating_sub(PEERS_ASKED);
        v[start..before]
            .iter()
            .filter(|p| p.end > at.line)
            .any(|p| !marked_with(p.state, touch))
            || (start > 0 && v[start - 1].reach > at.line)
    }
}

/// Whether `s` was touched within seconds of `touch`, as far as their intervals tell.
fn marked_with(s: &State, touch: &Touch) -> bool {
    let near = |t: &Touch| {
        let d = Interval::minus(t.at, touch.at);
        d.min_ms <= MARKED_TOGETHER_MS && d.max_ms >= -MARKED_TOGETHER_MS
    };
    s.touches.iter().any(near)
}
