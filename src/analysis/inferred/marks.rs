//! Which of a pod's touches is the node controller's mark of its node's loss, and
//! which is the taint manager's patch just before an eviction (FORMAT.md §4.4,
//! §4.5): the marks a failure is told by.

use super::super::pods::{eviction_kind, meaning, EvictionKind, Next};
use crate::kube::PodMeaning;
use crate::timeline::{Interval, State, Timelines, Touch};

/// The touch of a healthy state `prev` that is the node controller's mark, of its
/// `touches` (all, or those a returning kubelet did not print), given the state
/// after it: with a lost node nothing but the controllers touch the pod, so it is the
/// last — unless that touch is the taint manager's
/// `DisruptionTarget` patch printed just before the eviction (FORMAT.md §4.5, §4.10),
/// when the mark is the touch before it. With no touch before the patch the mark was
/// not seen (the capture began after it): the patch stands in, said `true`.
pub(super) fn the_mark<'a>(
    prev: &State,
    touches: &[&'a Touch],
    next: &State,
) -> Option<(&'a Touch, bool)> {
    let last = *touches.last()?;
    match touches.len() {
        n if n >= 2 && evicted(prev, next) && just_before(last, next) => {
            Some((touches[n - 2], false))
        }
        // The patch alone (seconds before the eviction, not provably minutes as a
        // mark a toleration before it would be): the mark came before the state's
        // first line.
        1 => Some(patch_before_eviction(prev, touches, next).unwrap_or((last, false))),
        _ => Some((last, false)),
    }
}

/// The last of `touches` when it is the taint manager's `DisruptionTarget` patch:
/// printed just before `next`, `prev`'s eviction, and not provably more than seconds
/// before it. Said `true`: it stands in for a mark not seen. For a pod that had not
/// started this is the only touch that tells (the node controller leaves a `Ready`
/// condition already `False` as it is: no mark), whatever other writes came before.
pub(super) fn patch_before_eviction<'a>(
    prev: &State,
    touches: &[&'a Touch],
    next: &State,
) -> Option<(&'a Touch, bool)> {
    let last = *touches.last()?;
    (evicted(prev, next)
        && just_before(last, next)
        && Interval::minus(next.from, last.at).min_ms <= DISRUPTION_MS)
        .then_some((last, true))
}

/// Whether `next` is `prev`'s eviction (not a graceful shutdown's `Failed`). (What
/// follows is not asked: the taint manager's patch came with 1.26, long after the
/// node controller's NodeLost.)
fn evicted(prev: &State, next: &State) -> bool {
    eviction_kind(Some(prev), next, Next::NotAsked).is_some_and(|k| k != EvictionKind::Failed)
}

/// Whether `touch` is printed at most [`DISRUPTION_LINES`] before `next`'s first line.
fn just_before(touch: &Touch, next: &State) -> bool {
    next.lines.first().is_some_and(|l| {
        l.source == touch.line.source && l.line.saturating_sub(touch.line.line) <= DISRUPTION_LINES
    })
}

/// Whether a pod that had not started (`s`: no container ran, so a live kubelet
/// stops it within seconds, whatever its grace period), evicted (`next`), provably
/// stayed `Terminating` longer than [`HELD_MS`]: until its next state `after`, or
/// its eviction's latest reprint. Nothing finished it: its node was lost (FORMAT.md
/// §4.6). Such a pod tells its node's failure on its own: a node back from one
/// failure and lost again before the pods it was given started has no other pod to
/// mark.
pub(super) fn held_terminating(
    t: &Timelines,
    s: &State,
    next: &State,
    after: Option<&State>,
) -> bool {
    if meaning(s) != PodMeaning::Starting || next.status.as_deref() != Some("Terminating") {
        return false;
    }
    let (end, end_age) = match after {
        Some(a) => (a.from_point(), a.since_created),
        None => match next.touches.last() {
            Some(last) => (last.point, last.since_created),
            None => return false,
        },
    };
    // Both ends' AGEs count from the pod's one creation: their difference is how
    // long it stayed, as tight as the network's and without a search. The clock's
    // bounds of the two lines where an AGE is missing.
    let by_age = (next.since_created.get())
        .zip(end_age.get())
        .map(|(from, to)| Interval::minus(to, from).min_ms);
    let by_clock = Interval::minus(t.at(end), t.at(next.from_point())).min_ms;
    by_age.unwrap_or(by_clock).max(by_clock) > HELD_MS
}

/// How long a pod that never started may stay `Terminating` under a live kubelet:
/// it has no container to stop, so seconds; the default grace period (30 s) as
/// slack.
const HELD_MS: i64 = 30_000;

/// How long before the deletion the taint manager's `DisruptionTarget` patch may be
/// printed (the two writes are milliseconds apart; seconds of slack for the watch).
const DISRUPTION_MS: i64 = 10_000;

/// How many lines of a busy watch may come between the taint manager's
/// `DisruptionTarget` patch and the deletion it precedes (the two writes are
/// milliseconds apart).
const DISRUPTION_LINES: u64 = 8;
