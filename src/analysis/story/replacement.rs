//! A failed pod's replacement: which new pod of its owner took over, or why none did.

use super::{printed_before, state_phase};
use crate::analysis::incident::{Phase, PodFate, PodOutcome};
use crate::analysis::pods::{healthy, meaning, Owner, Pod};
use crate::kube::PodMeaning;
use crate::timeline::{Claim, End, ObjectKey, Point, State, Timelines};
use crate::{HashMap, HashSet};

/// The replacement the controller made for `pod`: the first candidate (it creates one
/// at the deletion), and its name when it never ran healthy (pending, taken all the
/// same). A later pod of the owner replaced another pod, or this replacement in turn.
/// `since` is the eviction's earliest moment and the latest the deletion began.
pub(super) fn first<'a>(
    t: &Timelines,
    pod: &Pod,
    owner: Option<Owner>,
    fresh: &HashMap<Owner, Vec<Pod<'a>>>,
    used: &mut HashSet<(&'a ObjectKey, u32)>,
    (evicted_since, deleted_by): (Option<Point>, Option<Point>),
) -> (Option<Pod<'a>>, Option<String>) {
    let candidates = owner
        .and_then(|o| fresh.get(&o))
        .map_or(&[][..], Vec::as_slice);
    let first = first_candidate(t, pod, candidates, used, evicted_since, deleted_by);
    let replacement = first.filter(|q| q.states.iter().any(healthy));
    let pending = match (first, replacement) {
        (Some(q), None) => {
            used.insert((q.key, q.incarnation));
            Some(q.key.name.to_string())
        }
        _ => None,
    };
    (replacement, pending)
}

/// Whether `pod` was deleted before failure `fphase` (by hand, a rollout): its
/// replacement was made then (FORMAT.md §4.8), so a pod of its owner created after is
/// another's (a sibling's evicted by this failure took its replacement, and was left
/// the replacement of a later failure elsewhere). Before: printed before the failure's
/// line in one file, or proven before it (the failure a node's NotReady line in
/// another file).
pub(super) fn deleted_before_failure(t: &Timelines, pod: &Pod, fphase: &Phase) -> bool {
    first_deletion(pod).is_some_and(|s| {
        printed_before(s, fphase) || t.proves(s.from_point(), fphase.earliest(), Claim::MoreThan(0))
    })
}

/// The fate of a pod no replacement took over from: back in place at `back_at` (its
/// kubelet's ready line or re-post), else evicted or not.
pub(super) fn not_replaced_fate(
    t: &Timelines,
    out: &mut PodOutcome,
    back_at: Option<Point>,
    evicted: bool,
    fphase: &Phase,
) {
    if let Some(p) = back_at {
        out.outcome = PodFate::RecoveredInPlace;
        out.total_recovery_s = Some(fphase.until(t, p));
    } else if evicted {
        out.outcome = PodFate::EvictedNotReplaced;
    } else {
        out.outcome = PodFate::NotEvicted;
    }
}

/// The latest `pod`'s deletion can have begun: its eviction's line, else (a pod whose
/// deletion began before the failure was replaced then, if at all) its first
/// Terminating line.
pub(super) fn deleted_by(pod: &Pod, evicted_at: Option<Point>) -> Option<Point> {
    evicted_at.or_else(|| first_deletion(pod).map(State::from_point))
}

/// `pod`'s first state that shows its deletion begun (`Terminating`).
fn first_deletion<'a>(pod: &Pod<'a>) -> Option<&'a State> {
    pod.states
        .iter()
        .find(|s| meaning(s) == PodMeaning::Deleting)
}

/// Whether `pod` surely was not replaced for this failure. A pod that ran again on its
/// node after the failure (`back_ready`), and was not deleted before that, was not: the
/// ReplicaSet replaces the pods it sees deleted (FORMAT.md §4.8), and a soak's owners
/// have new pods for other reasons (a sibling evicted from another node, this pod
/// deleted by hand later). Nor was a pod seen again past this incident (a copy cut at
/// the node's next failure) and not deleted in it.
pub(super) fn not_replaced(
    t: &Timelines,
    pod: &Pod,
    back_ready: Option<&State>,
    deleted_by: Option<Point>,
) -> bool {
    let back_first = back_ready.is_some_and(|b| {
        deleted_by.is_none_or(|d| t.proves(b.from_point(), d, Claim::MoreThan(0)))
    });
    back_first || (pod.end == End::Continues && deleted_by.is_none())
}

/// The pod that replaced `pod`, of those that may: a new pod (or incarnation) of the
/// same owner, created after the failure and after the old pod, not taken by another,
/// none created surely long after the latest its deletion can have begun
/// (`deleted_by`); the first in creation order possibly created after the old pod's
/// eviction (the controller creates the replacement then), else the first. Pods that
/// were there before are never replacements. Asked one candidate at a time, in
/// creation order, until one is taken: each question may cost a search near the
/// pair, and an owner of many pods has many fresh ones.
fn first_candidate<'a>(
    t: &Timelines,
    pod: &Pod,
    candidates: &[Pod<'a>],
    used: &HashSet<(&ObjectKey, u32)>,
    evicted_at: Option<Point>,
    deleted_by: Option<Point>,
) -> Option<Pod<'a>> {
    let last = pod.last().last_point();
    let may_be = |q: &Pod| {
        (q.key != pod.key || q.incarnation > pod.incarnation)
            && !used.contains(&(q.key, q.incarnation))
            && created_after(t, pod, q)
            && match deleted_by {
                // The controller creates a replacement as its pod is deleted (FORMAT.md
                // §4.8): a pod of the owner created surely long after the deletion
                // replaced another.
                Some(d) => !t.proves(d, q.created_point, Claim::MoreThan(REPLACED_WITHIN_MS)),
                // No deletion seen: the pod was there, not deleted, when last seen, so
                // a pod of the owner created surely before that replaced another.
                None => !t.proves(q.created_point, last, Claim::MoreThan(0)),
            }
    };
    let mut first = None;
    for &q in candidates.iter().filter(|q| may_be(q)) {
        match evicted_at {
            Some(e) if t.proves(e, q.created_point, Claim::LessThan(0)) => {
                first.get_or_insert(q);
            }
            _ => return Some(q),
        }
    }
    first
}

/// Whether `q` was surely created after `pod`: asked of their creations, and of `pod`'s
/// first line, which it was created at most 2 s after (AGE `0s` is (−2 s, 1 s),
/// FORMAT.md §1.4). A pod created long before the capture has its creation far from
/// every line (47 minutes before the first, say), where a long capture answers from
/// the landmarks' chain only and cannot prove what its lines show plainly: its
/// replacement, created minutes into the capture, was no candidate.
fn created_after(t: &Timelines, pod: &Pod, q: &Pod) -> bool {
    t.proves(pod.created_point, q.created_point, Claim::MoreThan(0))
        || pod
            .states
            .first()
            .is_some_and(|s| t.proves(s.from_point(), q.created_point, Claim::MoreThan(2_000)))
}

/// How long after an eviction its replacement may still be created: the ReplicaSet
/// controller acts within seconds; ten minutes of slack for a busy controller and
/// coarse listings (as `local::REPLACEMENT_SLACK_MS`).
const REPLACED_WITHIN_MS: i64 = 10 * 60_000;

/// The outcome of a replaced pod, and its R phase: the replacement's first healthy
/// state, with the intervals from the eviction and from the failure.
pub(super) fn replaced(
    t: &Timelines,
    out: &mut PodOutcome,
    q: &Pod,
    evicted_at: Option<Point>,
    fphase: &Phase,
    few: bool,
) -> Phase {
    let ready_state = q
        .states
        .iter()
        .find(|s| healthy(s))
        .expect("checked healthy");
    out.outcome = PodFate::Replaced;
    out.replacement = Some(q.key.name.as_str().to_owned());
    // Pairs whose ends both vary per pod cost a pass over the network each:
    // with many affected pods or a long capture, the network near them answers.
    let pair = |a: Point, b: Point| {
        if few {
            t.difference(a, b)
        } else {
            t.difference_near(a, b)
        }
    };
    if let Some(e) = evicted_at {
        out.rescheduling_s = Some(pair(e, q.created_point));
    }
    // The ready line's own AGE is the time from creation to ready.
    out.readiness_s = Some(
        ready_state
            .since_created
            .get()
            .unwrap_or_else(|| pair(q.created_point, ready_state.from_point())),
    );
    out.total_recovery_s = Some(fphase.until(t, ready_state.from_point()));
    state_phase(
        ["replacement ", &q.key.name, " Running and ready"].concat(),
        ready_state,
    )
}
