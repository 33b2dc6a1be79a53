//! One pod's story in an incident: whether and how it was evicted, whether its
//! kubelet came back and it serves again in place, or which pod replaced it.

use crate::{HashMap, HashSet};

use super::failures::UNNAMED_NODE;
use super::incident::{ev, seen_earlier, Phase, PodFate, PodOutcome};
use super::inferred::Back;
use super::pod_groups;
use super::pods::{
    eviction_kind, healthy, kubelet_written, meaning, restarted_after_shutdown, EvictionKind, Next,
    Owner, Pod, PodNodes,
};
use crate::kube::PodMeaning;
use crate::tables::ResourceKind;
mod replacement;

use crate::timeline::{Claim, End, Interval, LineRef, ObjectKey, Point, State, Timelines, Touch};

/// The index of the state at which a pod shows its eviction, and how it shows it.
pub(super) type Eviction = (usize, EvictionKind);

/// A pod's state index at which the pod shows eviction after `f`, and how.
pub(super) fn find_eviction(t: &Timelines, pod: &Pod, fphase: &Phase) -> Option<Eviction> {
    let f = fphase.earliest();
    (0..pod.states.len()).find_map(|i| {
        let prev = i.checked_sub(1).map(|p| &pod.states[p]);
        let k = eviction_kind(prev, &pod.states[i], Next::of(pod.states, i))?;
        let from = pod.states[i].from_point();
        if t.proves(f, from, Claim::LessThan(0))
            || (k != EvictionKind::Failed && printed_before(&pod.states[i], fphase))
        {
            return None;
        }
        // A graceful shutdown fails pods as the node goes down (FORMAT.md §4.9); a
        // terminal status long after the failure, or one the pod recovers from, is the
        // returning kubelet's report of a container killed by the reboot.
        if k == EvictionKind::Failed
            && (t.proves(f, from, Claim::MoreThan(60_000))
                || pod.states[i + 1..].iter().any(healthy))
        {
            return None;
        }
        Some((i, k))
    })
}

/// Whether `s` was printed before the line where failure `fphase` happened, in the same
/// file: then it is not an eviction of that failure, which the node controller begins
/// only once it has seen the node lost. Line order says so where the network near the
/// two cannot any more (a long capture's lines 40 minutes apart, bounded through the
/// landmarks: a node failing again soon took its earlier failure's evictions). Only a
/// phase that happened at its line counts (`since` unset): a node first listed NotReady
/// may have failed long before the listing, after a pods listing printed earlier.
fn printed_before(s: &State, fphase: &Phase) -> bool {
    fphase.since.is_none() && printed_before_evidence(s, fphase)
}

/// Whether `s` was printed before the first line of failure `fphase`'s evidence, in
/// the same file, whether the failure happened at that line or before it. That line
/// shows the node lost (the node controller's mark, the taint manager's patch of a
/// pod that then stays `Terminating`, the node listed `NotReady`): a kubelet write
/// printed before it is not the node's return from that failure.
fn printed_before_evidence(s: &State, fphase: &Phase) -> bool {
    let (Some(l), Some(f)) = (s.lines.first(), fphase.evidence.first()) else {
        return false;
    };
    l.source == f.source && l.line < f.line
}

/// The node an incident is about, for matching pods: `None` when the capture does
/// not name it (every pod may be on it).
pub(super) fn node_filter(node: &str) -> Option<&str> {
    (node != UNNAMED_NODE).then_some(node)
}

/// A state that only a lost or restarted node leaves on its pods.
pub(super) fn lost_node_mark(s: &State) -> bool {
    // A shutdown's status, restarted after it or not; an eviction as a first state
    // (`eviction_kind` with nothing before: a terminal status needs a healthy one
    // before it); the runtime's `Unknown`. STATUS read once (it is asked of every
    // state of an incident's pods).
    matches!(
        meaning(s),
        PodMeaning::ShutDown
            | PodMeaning::Deleting
            | PodMeaning::NodeLost
            | PodMeaning::RuntimeUnknown
    )
}

/// Affected: pods on the node, running before the failure (or first seen with a lost
/// node's marks), alive after it. When the capture does not name the node, the pods
/// with a lost node's marks, or every pod when none has one (a whole cluster
/// powered off).
pub(super) fn affected_pods<'a>(
    t: &Timelines,
    pods: &[Pod<'a>],
    nodes: &PodNodes,
    node: Option<&str>,
    f: &Phase,
) -> Vec<Pod<'a>> {
    let alive = |p: &Pod| {
        p.states.iter().any(|s| healthy(s) || lost_node_mark(s))
            && t.allows(p.created_point, f.point, Claim::at_least(0))
            && t.allows(f.earliest(), p.last().last_point(), Claim::at_least(0))
    };
    if let Some(node) = node {
        // A node told only by its marks (`pod_groups`) may hold another node's pods
        // grouped with it by chance; the node controller marks every ready pod of a
        // lost node, so a healthy one it did not mark was elsewhere.
        let unmarked = |p: &Pod| {
            pod_groups::is_group(node) && !marked_near(t, p, f) && p.states.iter().any(healthy)
        };
        return pods
            .iter()
            .copied()
            .filter(|p| nodes.of_pod(p) == Some(node))
            .filter(alive)
            .filter(|p| !unmarked(p))
            .collect();
    }
    let marked: Vec<Pod> = pods
        .iter()
        .copied()
        .filter(|p| nodes.of_pod(p).is_none() && p.states.iter().any(lost_node_mark))
        .filter(alive)
        .collect();
    if !marked.is_empty() {
        return marked;
    }
    pods.iter().copied().filter(alive).collect()
}

/// How far from a failure's point a pass may mark its node's pods (the node
/// controller marks them in one go; a minute of slack for the watch).
const MARKED_NEAR_MS: i64 = 60_000;

/// Whether a pass over its node's pods (`pod_groups::in_pass`) touched `pod` near
/// failure `f`, as far as the two intervals tell.
fn marked_near(t: &Timelines, pod: &Pod, f: &Phase) -> bool {
    let at_f = t.at(f.point);
    (pod.states.iter().flat_map(|s| &s.touches)).any(|touch| {
        let d = Interval::minus(touch.at, at_f);
        pod_groups::in_pass(t, touch) && d.max_ms >= -MARKED_NEAR_MS && d.min_ms <= MARKED_NEAR_MS
    })
}

/// Candidate replacements per owner: pods (or later incarnations) of an affected pod's
/// owner, created after the failure; whether each ran healthy is asked when one is
/// picked (one not yet ready is a replacement on its way).
pub(super) fn fresh_by_owner<'a, 'o>(
    t: &Timelines,
    (pods, pod_owners): (&[Pod<'a>], &[Option<Owner<'o>>]),
    affected: &[Pod],
    f: Point,
) -> HashMap<Owner<'o>, Vec<Pod<'a>>> {
    let is_affected = among(pods, affected);
    // Only the affected pods' owners are asked for (a long capture's incident sees a
    // thousand pods created meanwhile, of many owners); each pod's owner was read
    // once for the capture (`local::PodIndex`).
    let owners: HashSet<Owner> = (pod_owners.iter().zip(&is_affected))
        .filter(|(_, &a)| a)
        .filter_map(|(o, _)| *o)
        .collect();
    // By owner as borrowed from the pods: a key made for each fresh pod was a few
    // per cent of a soak's analysis.
    let mut fresh: HashMap<Owner, Vec<Pod>> = HashMap::default();
    for ((q, owner), &affected) in pods.iter().zip(pod_owners).zip(&is_affected) {
        let Some(o) = owner.filter(|o| owners.contains(o)) else {
            continue;
        };
        if !affected && t.allows(f, q.created_point, Claim::at_least(0)) {
            fresh.entry(o).or_default().push(*q);
        }
    }
    fresh
}

/// The owners of `some` (some of `pods`, in their order, as [`affected_pods`] picks
/// them), from `pod_owners` (each of `pods`' owner, read once for the capture): an
/// owner read from a pod's name per pod and question was a few per cent of a soak's
/// analysis.
pub(super) fn owners_among<'o>(
    (pods, pod_owners): (&[Pod], &[Option<Owner<'o>>]),
    some: &[Pod],
) -> Vec<Option<Owner<'o>>> {
    let found = among(pods, some);
    let owners: Vec<Option<Owner>> = (pod_owners.iter().zip(found))
        .filter(|(_, f)| *f)
        .map(|(o, _)| *o)
        .collect();
    debug_assert_eq!(owners.len(), some.len());
    owners
}

/// Which of `pods` are among `some` (some of them, in their order, as
/// [`affected_pods`] picks them), told by address: the names need not be compared,
/// nor hashed.
fn among(pods: &[Pod], some: &[Pod]) -> Vec<bool> {
    let mut next = some.iter().peekable();
    let found: Vec<bool> = (pods.iter())
        .map(|q| next.next_if(|p| p.is(q)).is_some())
        .collect();
    debug_assert!(next.peek().is_none(), "`some` is a subsequence of `pods`");
    found
}

/// What the incident learnt from one pod (`'p`: the pod's lifetime).
pub(super) struct PodStory<'p> {
    pub(super) outcome: PodOutcome,
    pub(super) eviction: Option<(Phase, EvictionKind)>,
    pub(super) replacement: Option<Phase>,
    /// A replacement created but not (yet) running and ready.
    pub(super) pending: Option<String>,
    /// The first change its returning kubelet wrote: the pod's name and the write. A
    /// phase is made only of the incident's first ([`kubelet_phase`]).
    pub(super) kubelet: Option<(&'p str, KubeletWrite<'p>)>,
    pub(super) variant: Option<&'static str>,
}

/// A change a returning kubelet wrote to a pod: a state it began, or its finishing
/// of a pod already not ready and `Terminating`, whose final status and deletion
/// print the text the pod had ([`finished_in_two`]).
#[derive(Clone, Copy)]
pub(super) enum KubeletWrite<'p> {
    State(&'p State),
    Finished(&'p Touch),
}

impl KubeletWrite<'_> {
    fn when(&self) -> (&Interval, Option<&LineRef>) {
        match self {
            KubeletWrite::State(s) => (&s.from, s.lines.first()),
            KubeletWrite::Finished(t) => (&t.at, Some(&t.line)),
        }
    }

    /// Whether this write was seen before `other` ([`seen_earlier`]).
    pub(super) fn seen_before(&self, other: &KubeletWrite) -> bool {
        seen_earlier(self.when(), other.when())
    }
}

/// The phase of a change the returning kubelet wrote to pod `name`.
pub(super) fn kubelet_phase(name: &str, w: KubeletWrite) -> Phase {
    let what = ["pod ", name, " written by the returning kubelet"].concat();
    match w {
        KubeletWrite::State(s) => state_phase(what, s),
        KubeletWrite::Finished(t) => Phase {
            at: t.at,
            what,
            evidence: vec![ev(&t.line)],
            point: t.point,
            alternatives: Vec::new(),
            since: None,
        },
    }
}

/// The first of two lines a kubelet back prints as it finishes a pod that was
/// `Terminating` and no longer ready (READY `0/n`): its final status, then its
/// deletion, both printing the pod's text unchanged, lines apart (as the seed's
/// watch of a migration shows its pod's last two lines, `0/1 Terminating 7m38s`
/// twice: samples/web-paste/seed.md:289–290). One such line
/// alone is no kubelet's: a forced deletion, or PodGC deleting the pods of a
/// deleted node, prints only the deletion.
fn finished_in_two(s: &State) -> Option<&Touch> {
    // By the clock and by their AGEs (both from the pod's one creation: exact where
    // the clock is loose).
    let close = |a: Interval, b: Interval| Interval::minus(b, a).min_ms <= FINISHED_MS;
    if !matches!(s.ready, Some([0, _])) || meaning(s) != PodMeaning::Deleting {
        return None;
    }
    s.touches.windows(2).find_map(|w| {
        (w[0].line.source == w[1].line.source
            && w[1].line.line - w[0].line.line <= FINISHED_LINES
            && close(w[0].at, w[1].at)
            && match (w[0].since_created.get(), w[1].since_created.get()) {
                (Some(a), Some(b)) => close(a, b),
                _ => true,
            })
        .then_some(&w[0])
    })
}

/// How many lines of a busy watch may come between a finished pod's final status
/// and its deletion, and how far apart they may provably be (the kubelet's two
/// writes are milliseconds apart; a second of AGE's rounding as slack).
const FINISHED_LINES: u64 = 8;
const FINISHED_MS: i64 = 2_000;

pub(super) fn state_phase(what: String, s: &State) -> Phase {
    Phase {
        at: s.from,
        what,
        evidence: vec![ev(&s.lines[0])],
        point: s.from_point(),
        alternatives: Vec::new(),
        since: s.since_point(),
    }
}

/// The first kubelet-written change after the failure (N evidence), and the first
/// state in which the pod serves again on its node before any eviction.
pub(super) fn kubelet_return<'a>(
    t: &Timelines,
    pod: &Pod<'a>,
    node: Option<&str>,
    fphase: &Phase,
    ev_state: Option<(usize, EvictionKind)>,
) -> (Option<KubeletWrite<'a>>, Option<&'a State>) {
    let f = fphase.earliest();
    let mut n: Option<KubeletWrite> = None;
    let mut back_ready = None;
    for i in 0..pod.states.len() {
        let s = &pod.states[i];
        // A pod's finishing, seen in the lines after its state's first.
        if let Some(touch) = finished_in_two(s) {
            let w = KubeletWrite::Finished(touch);
            let before = (fphase.evidence.first())
                .is_some_and(|e| e.source == touch.line.source && touch.line.line < e.line);
            if !before
                && !t.proves(f, touch.point, Claim::LessThan(0))
                && n.is_none_or(|x| w.seen_before(&x))
            {
                n = Some(w);
            }
        }
        // Printed before the failure's line: an earlier failure's return, maybe. (The
        // line numbers first: a pod living through many failures of its node has most
        // of its states there, and each proof asked of the network costs a lookup.)
        if printed_before_evidence(s, fphase) || t.proves(f, s.from_point(), Claim::LessThan(0)) {
            continue;
        }
        // A graceful shutdown's Failed status is the eviction, written before the node went down.
        let is_shutdown_eviction =
            ev_state.is_some_and(|(ei, k)| k == EvictionKind::Failed && ei == i);
        let written = match i.checked_sub(1) {
            Some(p) => kubelet_written(&pod.states[p], s, Next::of(pod.states, i), node),
            // First seen restarted after a shutdown: the restart is the kubelet's.
            None => restarted_after_shutdown(s),
        };
        let w = KubeletWrite::State(s);
        if !is_shutdown_eviction && written && n.is_none_or(|x| w.seen_before(&x)) {
            n = Some(w);
        }
        let serves = healthy(s) || restarted_after_shutdown(s);
        if back_ready.is_none() && serves && i > 0 && ev_state.is_none_or(|(ei, _)| i < ei) {
            back_ready = Some(s);
        }
        if back_ready.is_none() && i == 0 && restarted_after_shutdown(s) {
            back_ready = Some(s);
        }
    }
    (n, back_ready)
}

/// What is known of the node's return before its pods' stories are read.
#[derive(Clone, Copy, Default)]
pub(super) struct NodeReturn<'a> {
    /// The re-posts of a partition's return (`inferred::partitions`).
    pub(super) re_posts: Option<&'a Back>,
    /// The node's Ready line after the failure (a node stream, an event).
    pub(super) ready: Option<Point>,
}

/// The re-post of `pod` by its node's kubelet back from a partition, where the node's
/// Ready line (`ready`) says when it was back: one of [`re_posts_after_mark`] not
/// provably before that line. Its state and point.
fn re_post_after_ready(t: &Timelines, pod: &Pod, f: Point, ready: Point) -> Option<(usize, Point)> {
    let (i, touches) = re_posts_after_mark(t, pod, f)?;
    touches
        .into_iter()
        .find(|r| !t.proves(ready, r.point, Claim::LessThan(0)))
        .map(|r| (i, r.point))
}

/// The touches of `pod` that may be its kubelet's re-posts after the failure `f`: the
/// later touches of the healthy state it was marked in (its first touch not provably
/// before `f` is the mark), but the taint manager's patch (the pod's deletion follows
/// that within lines, FORMAT.md §4.5; in a copy cut before what follows its state,
/// `End::Continues`, the state's last touch may be it). The state's index and those.
pub(super) fn re_posts_after_mark<'a>(
    t: &Timelines,
    pod: &Pod<'a>,
    f: Point,
) -> Option<(usize, Vec<&'a Touch>)> {
    let not_before_f = |m: &Touch| !t.proves(f, m.point, Claim::LessThan(0));
    let i = (pod.states.iter()).position(|s| healthy(s) && s.touches.iter().any(not_before_f))?;
    let s = &pod.states[i];
    let last = s.touches.last().map(|x| x.point);
    let cut = pod.states.len() == i + 1 && pod.end == End::Continues;
    let deletion = pod.states.get(i + 1).and_then(|n| n.lines.first());
    let patch = |touch: &Touch| {
        let before_deletion = deletion.is_some_and(|l| {
            l.source == touch.line.source && l.line.saturating_sub(touch.line.line) <= PATCH_LINES
        });
        before_deletion || (cut && Some(touch.point) == last)
    };
    let after_mark = (s.touches.iter())
        .skip_while(|m| !not_before_f(m))
        .skip(1)
        .filter(|r| !patch(r));
    Some((i, after_mark.collect()))
}

/// How many lines of a busy watch may come between the taint manager's patch and the
/// deletion it precedes (the two writes are milliseconds apart).
const PATCH_LINES: u64 = 8;

/// Follows one pod of the incident, with the state where it shows its eviction
/// ([`find_eviction`], found by the caller, which orders the pods by it).
#[allow(clippy::too_many_arguments)]
pub(super) fn pod_story<'a, 'p>(
    t: &Timelines,
    (pod, owner_of_pod, evicted): (&Pod<'p>, Option<Owner>, Option<Eviction>),
    node: Option<&str>,
    fphase: &Phase,
    fresh: &HashMap<Owner, Vec<Pod<'a>>>,
    used: &mut HashSet<(&'a ObjectKey, u32)>,
    few: bool,
    back: NodeReturn,
) -> PodStory<'p> {
    // Re-posted unchanged by its node's returning kubelet (a partition's return, from
    // `inferred::partitions` or after the node's Ready line; state and point): it never
    // stopped serving there. A deletion after that is no eviction (the taint manager
    // evicts only while the node is away): someone deleted it.
    let reposted = match back.re_posts {
        Some(b) => b.re_post_of(pod),
        None => back
            .ready
            .and_then(|r| re_post_after_ready(t, pod, fphase.earliest(), r)),
    };
    let ev_state = evicted.filter(|&(i, _)| reposted.is_none_or(|(state, _)| i <= state));
    let reposted = reposted.filter(|_| ev_state.is_none()).map(|(_, p)| p);
    let eviction = ev_state.map(|(i, k)| {
        let s = &pod.states[i];
        let what = [
            "pod ",
            &pod.key.name,
            " ",
            s.status.as_deref().unwrap_or(""),
        ]
        .concat();
        (state_phase(what, s), k)
    });
    let (kubelet, back_ready) = kubelet_return(t, pod, node, fphase, ev_state);
    let evicted_at = ev_state.map(|(i, _)| pod.states[i].from_point());
    // The eviction's earliest moment: a listing shows it at or before its line.
    let evicted_since = ev_state.map(|(i, _)| {
        let s = &pod.states[i];
        s.since_point().unwrap_or(s.from_point())
    });
    let deleted_by = replacement::deleted_by(pod, evicted_at);
    let in_place = reposted.is_some() || replacement::not_replaced(t, pod, back_ready, deleted_by);
    let deleted_before =
        evicted_at.is_none() && replacement::deleted_before_failure(t, pod, fphase);
    let (replacement, pending) = if in_place || deleted_before {
        (None, None)
    } else {
        let since = (evicted_since, deleted_by);
        replacement::first(t, pod, owner_of_pod, fresh, used, since)
    };
    let mut out = PodOutcome {
        name: pod.key.name.as_str().to_owned(),
        owner: owner_of_pod.map(|o| o.text()),
        outcome: PodFate::Unrecovered,
        replacement: None,
        rescheduling_s: None,
        readiness_s: None,
        total_recovery_s: None,
    };
    let r = replacement.map(|q| {
        used.insert((q.key, q.incarnation));
        replacement::replaced(t, &mut out, &q, evicted_at, fphase, few)
    });
    if r.is_none() {
        let back_at = back_ready.map(State::from_point).or(reposted);
        replacement::not_replaced_fate(t, &mut out, back_at, ev_state.is_some(), fphase);
    }
    let variant = variant_of(pod, owner_of_pod, ev_state.map(|(_, k)| k), out.outcome);
    // A replacement of a pod deleted otherwise (by hand, before the failure or while
    // the node was down) is the pod's fate, not the failure's recovery.
    let displaced = ev_state.is_some() || deleted_by.is_none();
    PodStory {
        outcome: out,
        eviction,
        replacement: r.filter(|_| displaced),
        pending,
        kubelet: kubelet.map(|s| (pod.key.name.as_str(), s)),
        variant,
    }
}

/// The named variant one pod's story shows.
fn variant_of(
    pod: &Pod,
    owner: Option<Owner>,
    eviction: Option<EvictionKind>,
    fate: PodFate,
) -> Option<&'static str> {
    let daemonset = pod.owner.as_ref().map(|k| &k.kind) == Some(&ResourceKind::DaemonSet);
    match eviction {
        Some(EvictionKind::NodeLost) => Some("legacy-nodelost"),
        Some(EvictionKind::Failed) => Some("graceful-shutdown"),
        None if daemonset => Some("daemonset"),
        _ => None,
    }
    .or_else(|| {
        let sts = owner.is_some_and(|o| o.is_statefulset());
        (sts && fate != PodFate::Replaced && eviction.is_some()).then_some("statefulset-stuck")
    })
    .or_else(|| {
        (restarted_after_shutdown(pod.last()) && fate == PodFate::RecoveredInPlace)
            .then_some("graceful-shutdown")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A failure that happened at its line (a watch's mark) has no eviction printed
    /// before that line in the same file; one only known to lie at or before its line
    /// (`since`: a node first listed NotReady) may.
    #[test]
    fn an_eviction_printed_before_the_failure_s_line_is_not_its() {
        let mut text = b"NAME   READY   STATUS        RESTARTS   AGE\n".to_vec();
        for (status, age) in [("Running", "5m"), ("Terminating", "6m"), ("Running", "7m")] {
            text.extend(format!("web-1  1/1     {status:<13} 0          {age}\n").bytes());
        }
        let source = crate::input::Source {
            name: "pods.log".into(),
            origin: crate::input::Origin::Bytes(text.into()),
        };
        let mut ing = crate::ingest::ingest(&[source]).unwrap();
        let t = crate::timeline::build(&mut ing, Default::default());
        let states = &t.objects[0].states;
        assert_eq!(states.len(), 3, "{states:?}");
        let phase_at = |s: &State, since: Option<Point>| Phase {
            since,
            ..state_phase("failure".into(), s)
        };
        let (before, evicted, after) = (&states[0], &states[1], &states[2]);
        assert!(printed_before(evicted, &phase_at(after, None)));
        assert!(!printed_before(evicted, &phase_at(before, None)));
        assert!(!printed_before(evicted, &phase_at(evicted, None)));
        let listed = phase_at(after, Some(before.from_point()));
        assert!(!printed_before(evicted, &listed));
    }
}
