//! Nodes of one or two pods (`pod_groups`): a pass too small to tell anything by
//! itself, or marks printed among other pods' reprints, told by what the pods did
//! next — evicted when the default toleration ran out, or restarted together before
//! it — and not in a known node's wave.

use super::classes::Classes;
use super::{
    bursts_of, eviction_after, restarted_next, Reprint, Spacing, BURST_LINES, BURST_PODS,
    CLUSTER_LINES, EARLY_EVICTION_MS, LATE_EVICTION_MS,
};
use crate::timeline::{Claim, LineRef, Point, Timelines};
use crate::HashSet;

/// Joins the nodes of one or two pods the passes (`passes`, their touches' points)
/// did not take, and adds their marks to `passes`.
pub(super) fn join_small_nodes(
    t: &Timelines,
    touches: &[Reprint],
    spacing: &Spacing,
    passes: &mut Vec<Point>,
    classes: &mut Classes,
) {
    let marked: HashSet<Point> = passes.iter().copied().collect();
    let evictions = wave_lines(t, touches, &marked, eviction_line);
    let restarts = wave_lines(t, touches, &marked, restart_line);
    for run in bursts_of(touches, 1, spacing) {
        let pass = &touches[run];
        let small = if pass.len() < BURST_PODS {
            pass.to_vec()
        } else {
            let evicted = alone_among_reprints(t, pass, &evictions);
            // Two restarts together are a node's only in a run no pass took: a
            // pass's passengers crash as they will (see `other_pods_in_a_pass_…`).
            let passed = pass.iter().any(|r| marked.contains(&r.touch.point));
            if evicted.is_empty() && !passed {
                outside_waves(t, pass, &restarts, restart_line)
            } else {
                evicted
            }
        };
        if small.is_empty() || small.len() >= BURST_PODS {
            continue;
        }
        if evicted_on_toleration(t, &small)
            || restarted_together(t, &small)
            || rebooted_alone(t, &small, &restarts)
        {
            let pods: Vec<usize> = small.iter().map(|r| r.pod).collect();
            classes.join_burst(&pods);
            passes.extend(small.iter().map(|r| r.touch.point));
        }
    }
}

/// Whether the pods of a pass too small to tell anything by itself (one or two
/// reprints: a node with few pods) were each evicted next, when the default
/// toleration ran out after the mark (provably within [`EARLY_EVICTION_MS`] and
/// [`LATE_EVICTION_MS`]), and together: the taint manager's signature (FORMAT.md
/// §4.5). A pod's own update followed by its deletion five minutes later, to the
/// second, and its companion's too, is not how a rollout or a user deletes.
fn evicted_on_toleration(t: &Timelines, pass: &[Reprint]) -> bool {
    let mut lines: Vec<(&str, u64)> = Vec::with_capacity(pass.len());
    for r in pass {
        let Some((true, line)) = eviction_after(t, r, &ON_TOLERATION) else {
            return false;
        };
        lines.push((&line.source, line.line));
    }
    lines.sort_unstable();
    lines
        .windows(2)
        .all(|w| w[0].0 == w[1].0 && w[1].1 - w[0].1 <= BURST_LINES)
}

/// Whether the two pods of a pass too small to tell anything by itself, of two
/// owners, were each restarted next, within lines of each other and before the
/// default toleration ran out: a node of two pods back in place (its kubelet
/// restarts what it ran at once, FORMAT.md §4.7). Two pods' own crashes do not
/// follow their reprint together so; one pod alone is told from a crash by nothing.
fn restarted_together(t: &Timelines, pass: &[Reprint]) -> bool {
    let [a, b] = pass else {
        return false;
    };
    let owner = |r: &Reprint| t.objects[r.at[0]].owner.as_ref();
    if a.pod == b.pod || owner(a).is_some() && owner(a) == owner(b) {
        return false;
    }
    let restart = |r: &Reprint| {
        let [i, j] = r.at;
        let states = &t.objects[i].states;
        if !restarted_next(states, j) {
            return None;
        }
        let next = states.get(j + 1)?;
        t.proves_all(r.touch.point, next.from_point(), &AFTER_MARK)
            .then(|| next.lines.first())?
    };
    match (restart(a), restart(b)) {
        (Some(x), Some(y)) => x.source == y.source && x.line.abs_diff(y.line) <= BURST_LINES,
        _ => false,
    }
}

/// Whether the one pod of a pass too small to tell anything by itself (a node left
/// with one pod, its others evicted by earlier failures) was next printed with the
/// runtime's `Unknown` and then restarted, before the default toleration ran out
/// after its mark, outside a known node's return: a node of one pod rebooted and
/// back in place. containerd marks a container it finds gone on its own restart
/// `Unknown` (FORMAT.md §4.7); a crash prints `Error`, `OOMKilled` or `Completed`,
/// and a restart alone (a liveness probe's) is told from a reboot by nothing.
fn rebooted_alone(t: &Timelines, pass: &[Reprint], restarts: &[&LineRef]) -> bool {
    let [r] = pass else {
        return false;
    };
    let [i, j] = r.at;
    let states = &t.objects[i].states;
    let Some(unknown) = states.get(j + 1) else {
        return false;
    };
    unknown.status.as_deref() == Some("Unknown")
        && restarted_next(states, j)
        && t.proves_all(r.touch.point, unknown.from_point(), &AFTER_MARK)
        && unknown
            .lines
            .first()
            .is_some_and(|l| !in_a_wave(restarts, l))
}

/// The lines where the pods the passes marked (`marked`: their touches' points)
/// were evicted (or restarted) next, by `line_of`, sorted: their nodes' waves.
fn wave_lines<'a>(
    t: &'a Timelines,
    touches: &[Reprint],
    marked: &HashSet<Point>,
    line_of: fn(&'a Timelines, &Reprint) -> Option<&'a LineRef>,
) -> Vec<&'a LineRef> {
    let mut lines: Vec<&LineRef> = touches
        .iter()
        .filter(|r| marked.contains(&r.touch.point))
        .filter_map(|r| line_of(t, r))
        .collect();
    lines.sort_unstable_by(|a, b| (&a.source, a.line).cmp(&(&b.source, b.line)));
    lines
}

/// Whether `l` is within [`CLUSTER_LINES`] of one of `waves` (sorted).
fn in_a_wave(waves: &[&LineRef], l: &LineRef) -> bool {
    let k = waves.partition_point(|w| (&w.source, w.line) < (&l.source, l.line));
    let near = |w: &&LineRef| w.source == l.source && w.line.abs_diff(l.line) <= CLUSTER_LINES;
    waves.get(k).is_some_and(near)
        || k.checked_sub(1)
            .and_then(|j| waves.get(j))
            .is_some_and(near)
}

/// The touches of a run no pass took whose pods the taint manager evicted on the
/// default toleration after them, each alone (no marked pod's eviction within
/// [`CLUSTER_LINES`]: not one of a known node's wave): a node of one or two pods,
/// marked while other pods were reprinted for their own reasons. They are then
/// asked of [`evicted_on_toleration`], as a pass of their own would be.
fn alone_among_reprints<'a>(
    t: &'a Timelines,
    run: &[Reprint<'a>],
    waves: &[&LineRef],
) -> Vec<Reprint<'a>> {
    let mut alone = outside_waves(t, run, waves, eviction_line);
    alone.retain(|r| eviction_after(t, r, &ON_TOLERATION).is_some_and(|(proven, _)| proven));
    alone
}

/// The touches of `run` whose pods changed next (`line_of`: evicted, restarted)
/// outside the `waves` of the same change of the pods the passes marked (a known
/// node's evictions or return). Two restarted together may be a node of two back
/// in place ([`restarted_together`]).
fn outside_waves<'a>(
    t: &'a Timelines,
    run: &[Reprint<'a>],
    waves: &[&LineRef],
    line_of: fn(&'a Timelines, &Reprint) -> Option<&'a LineRef>,
) -> Vec<Reprint<'a>> {
    run.iter()
        .filter(|r| line_of(t, r).is_some_and(|l| !in_a_wave(waves, l)))
        .copied()
        .collect()
}

/// The line where a reprint's pod was restarted next (directly or through a lost
/// container's status), if it was.
fn restart_line<'a>(t: &'a Timelines, r: &Reprint) -> Option<&'a LineRef> {
    let [i, j] = r.at;
    let states = &t.objects[i].states;
    restarted_next(states, j).then(|| states.get(j + 1)?.lines.first())?
}

/// The line where a reprint's pod was evicted next, if it was (not by a graceful
/// shutdown).
fn eviction_line<'a>(t: &'a Timelines, r: &Reprint) -> Option<&'a LineRef> {
    let [i, j] = r.at;
    let states = &t.objects[i].states;
    let n = states.get(j + 1)?;
    let evicted = crate::analysis::pods::eviction_kind(
        Some(&states[j]),
        n,
        crate::analysis::pods::Next::of(states, j + 1),
    )
    .is_some_and(|k| k != crate::analysis::pods::EvictionKind::Failed);
    evicted.then(|| n.lines.first()).flatten()
}

/// That the time from a pod's mark to its eviction is the default toleration's
/// (within [`EARLY_EVICTION_MS`] and [`LATE_EVICTION_MS`]).
const ON_TOLERATION: [Claim; 2] = [
    Claim::at_least(EARLY_EVICTION_MS),
    Claim::at_most(LATE_EVICTION_MS),
];

/// That a change came after a pod's mark, and before the default toleration ran out.
const AFTER_MARK: [Claim; 2] = [Claim::at_least(0), Claim::at_most(LATE_EVICTION_MS)];
