//! Node failures read from pods and owners alone, when the capture has no node stream.

mod deleting;
mod kubelet;
mod marks;
mod partitions;
mod peers;
mod rollouts;

pub(super) use partitions::{re_post_with_owner, re_posted_in_place, Back, Workloads};

use crate::HashMap;

use super::incident::{ev, Failure, Phase};
use super::local::CaptureSpan;
use super::pod_groups;
use super::pods::{eviction_kind, healthy, meaning, meaning_after, same_text, EvictionKind, Next};
use crate::kube::status::{pod_status_writer, Writer};
use crate::kube::PodMeaning;
use crate::tables::ResourceKind;
use crate::timeline::links::deployment_template;
use crate::timeline::{Interval, LineRef, ObjectTimeline, Point, State, Timelines, Touch};
use deleting::DeletingPasses;
use kubelet::KubeletWrites;
use marks::{held_terminating, patch_before_eviction, the_mark};
use peers::Peers;
use rollouts::NewTemplates;

/// The place of the list of `key` (a source and a node) in `lists`, a new one when
/// `key` is new. A pod's states come one after another, nearly all on one node: the
/// `last` key's place is taken again when its names are the same addresses, without
/// hashing them.
fn list_of<'a, T: Default>(
    keys: &mut HashMap<(&'a str, &'a str), usize>,
    last: &mut Option<((&'a str, &'a str), usize)>,
    lists: &mut Vec<T>,
    key: (&'a str, &'a str),
) -> usize {
    let i = match *last {
        Some((k, i)) if std::ptr::eq(k.0, key.0) && std::ptr::eq(k.1, key.1) => i,
        _ => *keys.entry(key).or_insert_with(|| {
            lists.push(T::default());
            lists.len() - 1
        }),
    };
    *last = Some((key, i));
    i
}

/// Without a node stream: an owner's READY drops while its pod on one node shows a
/// hidden touch (the node controller's mark, FORMAT.md §4.4); or a pod is touched and
/// later evicted or restarted on a new sandbox — unless a rollout is replacing its
/// template. A node may fail many times in one capture (a chaos soak): every such
/// mark is a candidate, and a node's candidates are one failure until the node is
/// seen back in between ([`same_failure`]). With them, those a node's marks and
/// return show when nothing else of them does (`partitions`); all in line order.
pub(super) fn inferred_failures(t: &Timelines, span: &CaptureSpan) -> Vec<Failure> {
    let vetoes = Vetoes::of(t);
    let drops = owner_drops(t);
    let marks = pod_marks(t, &drops, &vetoes);
    let mut first_of = failure_starts(&marks, &vetoes);
    first_of.sort_unstable();
    let mut failures: Vec<Failure> = first_of
        .into_iter()
        .map(|i| {
            let m = &marks[i];
            let (at, what) = match m.since {
                // Not seen: before the taint manager's patch, after the state began.
                Some(since) => (
                    Interval::new(t.at(since).min_ms, m.touch.at.max_ms),
                    format!(
                        "pods on {} evicted for a lost node, marked not ready before ({})",
                        m.node, m.why
                    ),
                ),
                None => (
                    m.touch.at,
                    format!("pods on {} marked not ready ({})", m.node, m.why),
                ),
            };
            Failure {
                node: m.node.to_string(),
                f: Phase {
                    at,
                    what,
                    evidence: vec![ev(&m.touch.line), ev(m.evidence)],
                    point: m.touch.point,
                    alternatives: Vec::new(),
                    since: m.since,
                },
                node_state: None,
                back: None,
            }
        })
        .collect();
    let (partitions, explained) = partitions::partitions(t, &vetoes.kubelet, &failures, span);
    failures.retain(|f| !explained.contains(&f.f.point));
    failures.extend(partitions);
    // In the order they happened, as far as the lines of each source tell.
    failures.sort_by(|a, b| match (a.f.first_line(), b.f.first_line()) {
        (Some(a), Some(b)) => a.position_cmp(b),
        _ => std::cmp::Ordering::Equal,
    });
    failures
}

/// Each owner's READY drops (the state after the drop), in time order.
fn owner_drops(t: &Timelines) -> HashMap<&crate::timeline::ObjectKey, Vec<&State>> {
    t.objects
        .iter()
        .filter(|o| o.key.kind != ResourceKind::Pod)
        .map(|o| {
            let dropped = o.states.windows(2).filter_map(|p| {
                matches!((p[0].ready, p[1].ready), (Some([a, _]), Some([b, _])) if b < a)
                    .then_some(&p[1])
            });
            (&o.key, dropped.collect())
        })
        .collect()
}

/// Every pod's touch read as its node's failure mark, corroborated by its owner's
/// READY drop or by what its next state shows.
fn pod_marks<'a>(
    t: &'a Timelines,
    drops: &HashMap<&crate::timeline::ObjectKey, Vec<&'a State>>,
    vetoes: &Vetoes,
) -> Vec<Mark<'a>> {
    (t.objects.iter().enumerate())
        .filter(|(_, o)| o.key.kind == ResourceKind::Pod)
        .flat_map(|(k, pod)| {
            (0..pod.states.len()).flat_map(move |i| {
                let passes = passed_marks(&pod.states[i], vetoes);
                let mark = passes
                    .is_empty()
                    .then(|| state_mark(t, drops, vetoes, (k, pod), i))
                    .flatten();
                passes.into_iter().chain(mark)
            })
        })
        .collect()
}

/// A pod already `Terminating` (evicted in an earlier failure; before the taints
/// `1/1 Unknown`, `NodeLost`) is marked too: a pass over its node's deleting pods
/// tells that node lost again. Each pass its state was printed in is a mark: a pod
/// left so through two failures of its node tells both.
fn passed_marks<'a>(s: &'a State, vetoes: &Vetoes) -> Vec<Mark<'a>> {
    let Some(node) = s.node.as_deref() else {
        return Vec::new();
    };
    // Touched first: nearly every state of a soak is not, and its STATUS is then
    // not read.
    if s.touches.is_empty() || !matches!(meaning(s), PodMeaning::Deleting | PodMeaning::NodeLost) {
        return Vec::new();
    }
    (s.touches.iter())
        .filter(|t| vetoes.deleting.holds(t))
        .map(|touch| Mark {
            node,
            touch,
            evidence: &touch.line,
            why: Why::Deleting,
            since: None,
            joins_only: false,
        })
        .collect()
}

/// `pod`'s state `i` read as its node's failure mark, if it is one (`k`: the pod's
/// place in `t.objects`).
fn state_mark<'a>(
    t: &'a Timelines,
    drops: &HashMap<&crate::timeline::ObjectKey, Vec<&'a State>>,
    vetoes: &Vetoes,
    (k, pod): (usize, &'a ObjectTimeline),
    i: usize,
) -> Option<Mark<'a>> {
    let s = &pod.states[i];
    // A mark is a touch (`the_mark`): a state without one is none, asked no more (a
    // soak's states nearly all change something).
    if s.touches.is_empty() {
        return None;
    }
    // A crashed container's pod is marked too; only a new sandbox on its node
    // (the node rebooted) tells that mark from any other write.
    // (The runtime's last status of the lost container may come first, on the old
    // sandbox: FORMAT.md §4.7.)
    let (next, after) = (pod.states.get(i + 1), pod.states.get(i + 2));
    let rebooted = || {
        s.ip.is_some()
            && next.is_some_and(|n| {
                (n.node.is_some()
                    && same_text(&n.node, &s.node)
                    && n.ip.is_some()
                    && !same_text(&n.ip, &s.ip)
                    && n.restarts > s.restarts)
                    || rebooted_through(s, n, after)
            })
    };
    // A pod still starting gets no mark (it is not Ready: the node controller
    // leaves its condition as it is), but the taint manager's patch before its
    // eviction tells the same story.
    let starting_evicted = || {
        meaning(s) == PodMeaning::Starting
            && next.is_some_and(|n| {
                patch_before_eviction(s, &s.touches.iter().collect::<Vec<_>>(), n).is_some()
            })
    };
    // Such a pod only joins a failure its node's marked pods show — alone, its
    // patch and deletion are also a pod evicted while it started — unless nothing
    // finished it for minutes ([`held_terminating`]).
    // (A pod already `Terminating` in a pass over its node: `passed_marks`.)
    let starting = !healthy(s) && !rebooted();
    if starting && !starting_evicted() {
        return None;
    }
    let node = s.node.as_deref()?;
    // Corroboration: the owner's READY dropped as the pod was touched, or the
    // pod's next state is what a lost node leaves behind.
    let owner_drop = |touch: &Touch| {
        drops
            .get(pod.owner.as_ref()?)?
            .iter()
            .copied()
            .find(|d| owner_drop_follows_mark(Interval::minus(d.from, touch.at)))
    };
    let found = match s
        .touches
        .iter()
        .filter(|_| !starting)
        .find_map(|touch| owner_drop(touch).map(|d| (touch, d)))
    {
        Some((touch, d)) => Some((touch, &d.lines[0], Why::OwnerDropped, None)),
        None => marked_then_lost(t, vetoes, (k, pod), i, node, starting),
    };
    let (touch, evidence, why, since) = found?;
    Some(Mark {
        node,
        touch,
        evidence,
        why,
        since,
        joins_only: starting && !next.is_some_and(|n| held_terminating(t, s, n, after)),
    })
}

/// A mark on `pod`'s state `i` on `node`, corroborated by the next state: what a
/// lost node leaves behind. The mark, the line that shows it, why, and (a mark not
/// printed) the earliest point the failure can be.
fn marked_then_lost<'a>(
    t: &'a Timelines,
    vetoes: &Vetoes,
    (k, pod): (usize, &'a ObjectTimeline),
    i: usize,
    node: &str,
    starting: bool,
) -> Option<(&'a Touch, &'a LineRef, Why<'a>, Option<Point>)> {
    let (s, next) = (&pod.states[i], pod.states.get(i + 1)?);
    // A returning kubelet re-posts its pods' statuses: such a line is
    // no mark of the loss.
    let touches: Vec<&Touch> = s
        .touches
        .iter()
        .filter(|t| !vetoes.kubelet.returning_at(node, t))
        .collect();
    let (touch, unseen) = match starting {
        true => patch_before_eviction(s, &touches, next)?,
        false => the_mark(s, &touches, next)?,
    };
    // The mark was not printed (the capture began after it): the
    // failure came before the taint manager's patch, after the state
    // began (for a first state, after the pod's creation).
    // A pod still starting may have been bound to a node already
    // lost: since its creation.
    // A status the kubelet wrote (`ContainerCreating`) says its node was up when
    // the state began.
    let kubelet_wrote = || s.status.as_deref().and_then(pod_status_writer) == Some(Writer::Kubelet);
    let since = unseen.then(|| match starting && !kubelet_wrote() {
        true => pod.created_point,
        false => s.since_point().unwrap_or(s.from_point()),
    });
    let after = pod.states.get(i + 2);
    let lost = left_by_a_lost_node(s, next, after) || rebooted_through(s, next, after);
    // On a node told by its pods' marks, only a mark printed in a
    // pass over them is one (a crash's restart after any other
    // reprint looks like a reboot where no IP is printed).
    let unpassed = pod_groups::is_group(node) && !pod_groups::in_pass(t, touch);
    if !lost || unpassed || vetoes.veto((k, pod), node, touch, s, next, after) {
        return None;
    }
    // A lost node's evicted pod stays as it was until the node is
    // back; one finished within seconds of its patch had a live
    // kubelet: a drain (the eviction API patches it too) or a delete.
    if unseen && finished_at_once(t, next, after, node) {
        return None;
    }
    Some((touch, &next.lines[0], Why::Then(next), since))
}

/// A node's marks in line order, grouped into failures; each failure told by the
/// first of its marks printed ([`told_by`]).
fn failure_starts(marks: &[Mark], vetoes: &Vetoes) -> Vec<usize> {
    let mut by_node: HashMap<&str, Vec<usize>> = HashMap::default();
    for (i, m) in marks.iter().enumerate() {
        by_node.entry(m.node).or_default().push(i);
    }
    let mut first_of: Vec<usize> = Vec::new();
    for idx in by_node.values_mut() {
        idx.sort_by(|&a, &b| {
            marks[a]
                .touch
                .line
                .position_cmp(&marks[b].touch.line)
                .then(a.cmp(&b))
        });
        let mut group: Vec<usize> = Vec::new();
        for &i in idx.iter() {
            let joins = group.first().is_some_and(|&g| {
                let (first, later) = (marks[g].touch, marks[i].touch);
                same_failure(&vetoes.kubelet, marks[i].node, first, later)
                    // A mark not seen stands in at the eviction, minutes after the
                    // failure's other marks: it is theirs unless the node was back
                    // in between.
                    || (marks[i].since.is_some()
                        && first.line.source == later.line.source
                        && !vetoes.kubelet.between(marks[i].node, &first.line, &later.line))
            });
            if !joins && !group.is_empty() {
                first_of.extend(told_by(marks, &group));
                group.clear();
            }
            group.push(i);
        }
        first_of.extend(told_by(marks, &group));
    }
    first_of
}

/// The mark a failure is told by: the first in line order (`group`'s) of its seen
/// marks, else of the others; none when every one only joins (pods still starting).
/// The node was lost before its first mark: a large node's pass takes seconds, and
/// the first pod's mark (in the order of the pods, as once there was one mark a
/// failure) could be seconds after it, leaving `eviction_s` short of the truth.
fn told_by(marks: &[Mark], group: &[usize]) -> Option<usize> {
    if group.iter().all(|&i| marks[i].joins_only) {
        return None;
    }
    group
        .iter()
        .copied()
        .min_by_key(|&i| marks[i].since.is_some())
}

/// Whether an evicted pod (`next`, `Terminating`) was finished on `node` provably
/// within a minute (its state `after`): by a kubelet that was running (a pod's
/// grace period is 30 s by default; a minute of slack, as AGE in minutes proves no
/// less).
fn finished_at_once(t: &Timelines, next: &State, after: Option<&State>, node: &str) -> bool {
    after.is_some_and(|a| {
        a.node.as_deref() == Some(node)
            && t.difference(next.from_point(), a.from_point()).max_ms <= 60_000
    })
}

/// What corroborates a mark: its owner's READY drop, or the pod's next state. Put
/// in words only for the marks a failure is told by (a soak has thousands of others).
#[derive(Clone, Copy)]
enum Why<'a> {
    OwnerDropped,
    Then(&'a State),
    /// In a pass over the node's pods already `Terminating` ([`DeletingPasses`]).
    Deleting,
}

impl std::fmt::Display for Why<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Why::OwnerDropped => f.write_str("owner READY dropped"),
            Why::Deleting => f.write_str("pods already Terminating, marked together"),
            Why::Then(next) => write!(f, "then {}", next.status.as_deref().unwrap_or("changed")),
        }
    }
}

/// A pod's touch read as its node's failure.
struct Mark<'a> {
    node: &'a str,
    touch: &'a Touch,
    evidence: &'a LineRef,
    why: Why<'a>,
    /// When the mark itself was not seen (`touch` is the taint manager's patch): the
    /// earliest point the failure can be.
    since: Option<Point>,
    /// A pod still starting: its mark joins a failure, never starts one.
    joins_only: bool,
}

/// How far apart the node controller's marks of one failure can be: it marks the
/// node's pods in one pass (FORMAT.md §4.4), within seconds; a minute of slack for
/// the watch.
const MARKS_OF_ONE_FAILURE_MS: i64 = 60_000;

/// Whether the mark `later` on `node` belongs to the failure whose first mark is
/// `first`: the same source, no kubelet write on the node in between (a node back
/// writes its pods' restarts and final deletions before it can fail again), and
/// not provably more than a minute later.
fn same_failure(kubelet: &KubeletWrites, node: &str, first: &Touch, later: &Touch) -> bool {
    first.line.source == later.line.source
        && !kubelet.between(node, &first.line, &later.line)
        && Interval::minus(later.at, first.at).min_ms <= MARKS_OF_ONE_FAILURE_MS
}

/// What says that a touched pod's next state, though it looks like a lost node's
/// doing, is not.
struct Vetoes<'a> {
    templates: NewTemplates<'a>,
    kubelet: KubeletWrites<'a>,
    peers: Peers<'a>,
    deleting: DeletingPasses,
}

impl<'a> Vetoes<'a> {
    fn of(t: &'a Timelines) -> Vetoes<'a> {
        // Each object's Deployment and template, read from its name once (a pod name's
        // parse is a few hundred instructions; both lists below need it).
        let templates: Vec<Option<(&str, &str)>> = (t.objects.iter())
            .map(|o| {
                (o.key.kind == ResourceKind::Pod)
                    .then(|| deployment_template(&o.key.name))
                    .flatten()
            })
            .collect();
        let kubelet = KubeletWrites::of(t);
        Vetoes {
            peers: Peers::of(t, &templates),
            templates: NewTemplates::of(t, templates),
            deleting: DeletingPasses::of(t, &kubelet),
            kubelet,
        }
    }

    /// Whether `next`, after `pod`'s healthy state touched by `touch` on `node`, is
    /// not a lost node's doing: a rollout is replacing the pod's template; or the
    /// node's kubelet wrote a pod change after the touch (a lost node's kubelet writes
    /// nothing from before the mark until it is back); or, for a `Terminating`, another
    /// pod on the node lives on past this one's eviction (the taint manager evicts a
    /// lost node's pods together), so this was a deletion of one pod — unless the
    /// node's pods were marked together (a lost node's pods go at their own
    /// `tolerationSeconds`). (A node back before the eviction restarts all its pods:
    /// its peers living on says nothing. Nor does a pod living on in a node told only
    /// by its marks: `pod_groups` may have grouped another node's pod with it.)
    fn veto(
        &self,
        (k, pod): (usize, &ObjectTimeline),
        node: &str,
        touch: &Touch,
        prev: &State,
        next: &State,
        after: Option<&State>,
    ) -> bool {
        let at = &next.lines[0];
        let terminating = next.status.as_deref() == Some("Terminating");
        // A new sandbox, the runtime's `Unknown`, or a lost container's last status
        // before one, is the node back from a reboot: its kubelet's other restarts
        // and `Unknown`s printed just before, and its finishing of pods evicted
        // meanwhile, are the same return (one burst, in any order), not a sign it
        // never left.
        let back = new_sandbox(prev, next)
            || meaning_after(Some(prev), next, Next::after(after)) == PodMeaning::RuntimeUnknown
            || rebooted_through(prev, next, after);
        let kubelet_wrote = if back {
            self.kubelet
                .between_other_than_return(node, &touch.line, at)
        } else {
            self.kubelet.between(node, &touch.line, at)
        };
        let gone = pod
            .states
            .last()
            .map_or(next.from.max_ms, |s| s.last_seen.max_ms);
        (terminating && self.templates.replace(k, pod, gone))
            || kubelet_wrote
            || (terminating && !pod_groups::is_group(node) && self.peers.outlive(node, at, touch))
    }
}

/// Whether an owner's READY drop, `d` after a pod's touch, can be the same event: the
/// node controller marks the pod not ready (the touch) and the owner's ready count
/// follows within seconds (the controllers' resync; a minute of slack for the watch).
/// `d` is the difference of the two times' intervals, not the network's tighter
/// answer for the pair: that is a search over the whole network, and a long watch has
/// thousands of touches.
pub(super) fn owner_drop_follows_mark(d: Interval) -> bool {
    d.max_ms >= -5_000 && d.min_ms <= 60_000
}

/// Whether `next`, the state after a healthy `prev`, is what a lost node leaves behind:
/// eviction (`Terminating`, the node controller's `NodeLost`), the runtime's `Unknown`
/// once the kubelet is back, or a new sandbox on the same node (the IP changes with the
/// restart: the node rebooted). A container crash (same IP) or a rollout's ordinary
/// changes are not.
fn left_by_a_lost_node(prev: &State, next: &State, after: Option<&State>) -> bool {
    if eviction_kind(Some(prev), next, Next::after(after))
        .is_some_and(|k| k != EvictionKind::Failed)
    {
        return true;
    }
    let same_node = next.node.is_some() && same_text(&next.node, &prev.node);
    let unknown = next.status.as_deref() == Some("Unknown");
    same_node && (unknown || new_sandbox(prev, next))
}

/// Whether `next`, after a healthy `prev`, is what a rebooted node's kubelet prints
/// first for a container its runtime lost, on the old sandbox — `ContainerStatusUnknown`,
/// `Error`, `Completed` or any other state that is not running, same node, the IP as
/// it was or none (FORMAT.md §4.7; the kubelet reports an IP only from a ready
/// sandbox, and the old one died with the node: `samples/in-place` prints `<none>`) —
/// with the restart on a new sandbox right `after` it. A crashed container restarts on
/// its old sandbox (same IP, never cleared): not this.
fn rebooted_through(prev: &State, next: &State, after: Option<&State>) -> bool {
    let on_node = |s: &State| s.node.is_some() && same_text(&s.node, &prev.node);
    let Some(after) = after else { return false };
    on_node(next)
        && on_node(after)
        && !healthy(next)
        && next.status.as_deref() != Some("Running")
        && (next.ip.is_none() || same_text(&next.ip, &prev.ip))
        && new_sandbox(prev, after)
}

/// A new sandbox: the IP changed as the restart count went up. Where no IP is
/// printed (no `-o wide`), a restart on a node told by its pods' marks (see
/// [`narrow_restart`]).
fn new_sandbox(prev: &State, next: &State) -> bool {
    next.restarts > prev.restarts
        && ((next.ip.is_some() && !same_text(&next.ip, &prev.ip)) || narrow_restart(prev, next))
}

/// A restart where no IP is printed, on a node the analysis named from its pods'
/// marks (`pod_groups`): a crash's restart or a reboot's new sandbox, which only
/// the mark before it, printed in a pass over the node's pods, tells apart.
fn narrow_restart(prev: &State, next: &State) -> bool {
    prev.ip.is_none()
        && next.ip.is_none()
        && next.restarts > prev.restarts
        && same_text(&next.node, &prev.node)
        && next.node.as_deref().is_some_and(pod_groups::is_group)
}
