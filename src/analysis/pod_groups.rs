//! Which pods shared a node, when no line prints a node: told by the node controller's
//! marks.
//!
//! A pods-only watch without `-o wide` names no node, and the inference of failures
//! from pod lines (`inferred`) goes node by node. But a lost node's pods are marked
//! not ready in one pass of the node controller (FORMAT.md §4.4): each mark is a
//! MODIFIED event printing the pod's line again unchanged, so a failure shows as a
//! burst of such reprints, one per pod of the node, within lines and seconds of each
//! other; the returning kubelet's re-posts and the taint manager's patches come in
//! bursts of one node's pods too. Pods reprinted in one burst shared a node, and a
//! pod seen in two bursts joins them: each class is a node, named so that no one
//! takes it for a node's real name.

use std::sync::Arc;

use crate::tables::ResourceKind;
use crate::timeline::{Claim, Interval, LineRef, Point, Timelines, Touch};

use super::pods::{healthy, Next};

mod classes;
mod order;
mod small;
mod spacing;

use classes::Classes;
pub(in crate::analysis) use spacing::Lines;
pub(in crate::analysis) use spacing::Spacing;

/// How many lines may come between two marks of one pass, or two of the changes
/// that confirm it, in a busy watch (other pods' events interleave; a generated soak
/// of 2,000 pods: mostly 1 to 4, at most 8 but for 1 in 300). A pass of reprints
/// that met by chance in a watch where every line is an event is as close only
/// rarely, and the changes after it are not.
const BURST_LINES: u64 = 8;

/// How far apart two marks of one pass may provably be (the pass takes milliseconds
/// a pod; seconds of slack for the watch).
const BURST_MS: i64 = 5_000;

/// Fewer pods than this reprinted together tell nothing: a pod's own update, two
/// updates that happen to meet (a pass is also confirmed by three of its pods lost
/// together, [`lost_together`]).
pub(super) const BURST_PODS: usize = 3;

/// The name given to the `k`-th node found (from 1): parenthesised, as no node's
/// name can be.
pub(super) fn group_name(k: usize) -> String {
    format!("(unnamed node {k})")
}

/// Whether `node` is a name [`group_name`] gave.
pub(super) fn is_group(node: &str) -> bool {
    node.starts_with("(unnamed node ")
}

/// Whether `touch` was printed in a pass over its node's pods (found by
/// [`nodes_from_marks`]).
pub(super) fn in_pass(t: &Timelines, touch: &Touch) -> bool {
    t.passes.binary_search(&touch.point).is_ok()
}

/// Whether a write after state `s` of a pod on `node` is surely that node's
/// kubelet's: always for a named node; for a node told only by its marks (which may
/// hold another node's pods grouped by chance), only from a state a pass marked.
pub(super) fn surely_on(t: &Timelines, node: &str, s: &crate::timeline::State) -> bool {
    !is_group(node) || s.touches.iter().any(|touch| in_pass(t, touch))
}

/// Gives the pods of a capture without any node (no node stream, no NODE printed) the
/// node their marks tell, in their states' `node`, and keeps the points of the
/// passes' touches (`Timelines::passes`); a warning saying so, or `None` when the
/// capture names nodes or no pass was found.
pub(super) fn nodes_from_marks(t: &mut Timelines) -> Option<String> {
    let names_nodes = t
        .objects
        .iter()
        .any(|o| o.key.kind == ResourceKind::Node || o.states.iter().any(|s| s.node.is_some()));
    if names_nodes {
        return None;
    }
    let pods: Vec<usize> = (0..t.objects.len())
        .filter(|&i| t.objects[i].key.kind == ResourceKind::Pod)
        .collect();
    let mut classes = Classes::new(pods.len());
    let mut passes: Vec<Point> = Vec::new();
    let touches = reprints(t, &pods);
    let spacing = Spacing::evictions(t, &pods);
    let runs = bursts(&touches, &spacing);
    // The runs taken for a partition's re-posts: no marks.
    let mut returns = vec![false; runs.len()];
    for (k, run) in runs.iter().enumerate() {
        let pass = &touches[run.clone()];
        let losses = lost_together(t, pass);
        for lost in &losses {
            let pods: Vec<usize> = lost.iter().map(|&k| pass[k].pod).collect();
            classes.join_burst(&pods);
            passes.extend(lost.iter().map(|&k| pass[k].touch.point));
        }
        if !losses.is_empty() || returns[k] {
            continue;
        }
        // Nothing lost: a node lost to a partition and back in place, if the same
        // pods are re-posted unchanged (`inferred::partitions`).
        let found = super::inferred::re_posted_in_place(&touches, run.clone(), &runs[k + 1..]);
        if let Some((marked, re_posts)) = found {
            let pods: Vec<usize> = marked.iter().map(|&i| touches[i].pod).collect();
            classes.join_burst(&pods);
            passes.extend(marked.iter().map(|&i| touches[i].touch.point));
            for j in re_posts {
                returns[k + 1 + j] = true;
            }
        }
    }
    small::join_small_nodes(t, &touches, &spacing, &mut passes, &mut classes);
    drop((touches, spacing));
    passes.sort_unstable();
    t.passes = passes;
    let found = name_classes(t, &pods, &mut classes);
    (found > 0).then(|| {
        format!(
            "no line names a node: pods are grouped into {found} node(s) by the node \
             controller's marks (reprinted together), named \"{}\" and on",
            group_name(1)
        )
    })
}

/// A healthy pod's reprint, as the passes are looked for among them.
#[derive(Clone, Copy)]
pub(super) struct Reprint<'a> {
    pub(super) touch: &'a Touch,
    /// The pod's place in the capture's pods.
    pod: usize,
    /// Where the touch is: the object and the state.
    pub(super) at: [usize; 2],
}

/// Every healthy state's reprints but the taint manager's patches, in line order.
pub(super) fn reprints<'a>(t: &'a Timelines, pods: &[usize]) -> Vec<Reprint<'a>> {
    let mut out = Vec::new();
    for (k, &i) in pods.iter().enumerate() {
        let states = &t.objects[i].states;
        for j in (0..states.len()).filter(|&j| healthy(&states[j])) {
            out.extend(unpatched(states, j).map(|touch| Reprint {
                touch,
                pod: k,
                at: [i, j],
            }));
        }
    }
    let order = super::local::line_order(&out, |r| &r.touch.line);
    order.iter().map(|&k| out[k as usize]).collect()
}

/// State `j`'s reprints but the taint manager's patch before an eviction.
fn unpatched(states: &[crate::timeline::State], j: usize) -> impl Iterator<Item = &Touch> {
    let next = states.get(j + 1);
    (states[j].touches.iter()).filter(move |touch| !next.is_some_and(|n| patch_before(touch, n)))
}

/// The runs of reprints that may be one pass: each within lines and seconds of the
/// one before, of distinct pods (a pass marks a pod once), at least [`BURST_PODS`].
pub(super) fn bursts(reprints: &[Reprint], spacing: &Spacing) -> Vec<std::ops::Range<usize>> {
    bursts_of(reprints, BURST_PODS, spacing)
}

/// The runs of reprints that may be one pass, of at least `min_pods` pods.
fn bursts_of(
    reprints: &[Reprint],
    min_pods: usize,
    spacing: &Spacing,
) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for n in 1..=reprints.len() {
        let joins = n < reprints.len()
            && same_pass(reprints[n - 1].touch, reprints[n].touch, spacing)
            && !reprints[start..n].iter().any(|r| r.pod == reprints[n].pod);
        if !joins {
            if n - start >= min_pods {
                out.push(start..n);
            }
            start = n;
        }
    }
    out
}

/// How far apart two nodes' evictions (or returns) are told apart: one node's pods
/// change within lines of each other, another failure's minutes away.
const CLUSTER_LINES: u64 = 64;

/// How long apart two of one node's changes after its pass may provably be: the
/// taint manager evicts a node's pods at once, a returning kubelet posts its pods'
/// restarts within seconds (tens at a low API rate); another node's return is
/// minutes away.
const CLUSTER_GAP_MS: i64 = 30_000;

/// How long apart two evictions of one node's pods may provably be, one after the
/// other: the taint manager deletes them in one go (milliseconds apart, at the
/// controller's API rate); the next node's are tainted ten seconds later at the
/// default eviction rate (FORMAT.md §4.2).
const EVICTION_GAP_MS: i64 = 5_000;

/// The pods of a burst of reprints that a node controller's pass marked, by node
/// (places in `pass`, in order): none unless most of its pods (two in three of the
/// reprints over the stretch of the largest burst of losses, at least three) then
/// changed as a lost node's pods do, together — evicted by the taint manager in one go, or shown `Unknown` or
/// restarted by the returning kubelet in bursts (each change within lines of another)
/// — and not all of one owner. Reprints that met by chance are followed by each pod's
/// own next change, wherever it falls. Two nodes' passes printed back to back are one
/// burst: their pods are told apart by when they then changed.
fn lost_together(t: &Timelines, pass: &[Reprint]) -> Vec<Vec<usize>> {
    // Per place in `pass`: its loss an eviction provably before the default
    // toleration ran out after its mark.
    let mut early = vec![false; pass.len()];
    let next = lost_changes(t, pass, &mut early);
    let within = |k: usize, lines: u64| {
        let (a, b) = (next[k - 1], next[k]);
        a.0 == b.0 && b.1 - a.1 <= lines
    };
    // The changes within lines of another (one node's pods, changed in one go or in
    // bursts as the kubelet restarts them).
    let mut together: Vec<usize> = (0..next.len())
        .filter(|&k| {
            (k > 0 && within(k, BURST_LINES)) || (k + 1 < next.len() && within(k + 1, BURST_LINES))
        })
        .map(|k| next[k].2)
        .collect();
    together.sort_unstable();
    let clusters = interleaved_merged(bursts_of_changes(t, pass, &next), &early);
    let mut clusters = order::split_by_order(clusters, &next);
    // The largest is the node the pass was for; another is a second node marked in
    // the same cycle only if its pods changed as a lost node's do. A busy watch's
    // pass carries other pods' reprints along, and their own later changes (a crash
    // restart, a rollout's deletion) met within lines by chance.
    let largest = (0..clusters.len()).max_by_key(|&i| (clusters[i].len(), std::cmp::Reverse(i)));
    let largest_a_pass = largest.is_some_and(|i| a_pass(t, pass, &clusters[i], &together));
    let mut i = 0;
    clusters.retain(|c| {
        i += 1;
        Some(i - 1) == largest || another_node(t, pass, c, &next)
    });
    // The largest alone, or with a second node (two nodes marked in one cycle
    // interleave their marks).
    let mut lost: Vec<usize> = clusters.iter().flatten().copied().collect();
    lost.sort_unstable();
    if !largest_a_pass && !a_pass(t, pass, &lost, &together) {
        return Vec::new();
    }
    clusters
}

/// The next changes of `pass`'s pods that are what a lost node leaves: `(source,
/// line, place in pass)`, in line order; `early` set for an eviction provably before
/// the default toleration ran out after the mark.
fn lost_changes<'a>(
    t: &'a Timelines,
    pass: &[Reprint],
    early: &mut [bool],
) -> Vec<(&'a str, u64, usize)> {
    let mut next: Vec<(&str, u64, usize)> = pass
        .iter()
        .enumerate()
        .filter_map(|(k, r)| {
            let [i, j] = r.at;
            let states = &t.objects[i].states;
            let (s, n) = (&states[j], states.get(j + 1)?);
            let evicted = super::pods::eviction_kind(Some(s), n, Next::of(states, j + 1))
                .is_some_and(|k| k != super::pods::EvictionKind::Failed);
            let lost =
                evicted || n.status.as_deref() == Some("Unknown") || restarted_next(states, j);
            // Asked of the network for the pair (the two lines' own bounds are a
            // minute wide each in a watch of AGE in minutes), after what is known
            // without a search (`Timelines::proves`).
            early[k] = evicted
                && t.proves(
                    r.touch.point,
                    n.from_point(),
                    Claim::LessThan(EARLY_EVICTION_MS),
                );
            let line = n.lines.first()?;
            lost.then_some((&*line.source, line.line, k))
        })
        .collect();
    next.sort_unstable();
    next
}

/// Whether the state after `states[j]` restarts a container — only a live kubelet
/// does — directly, or through the lost container's status a rebooted node's kubelet
/// may print first (FORMAT.md §4.7): `ContainerStatusUnknown` (the kubelet found no
/// container) and `Unknown` (containerd's reason for a container its restart found
/// gone) count, `Error` not (a crash prints it too, and a busy watch has many).
fn restarted_next(states: &[crate::timeline::State], j: usize) -> bool {
    let (Some(s), Some(n)) = (states.get(j), states.get(j + 1)) else {
        return false;
    };
    let lost_container = matches!(
        n.status.as_deref(),
        Some("ContainerStatusUnknown" | "Unknown")
    );
    let through = lost_container && states.get(j + 2).is_some_and(|a| a.restarts > s.restarts);
    n.restarts > s.restarts || through
}

/// The changes `next` (in line order) in bursts, each a node's: each change within
/// [`CLUSTER_LINES`] of the one before and not provably far from it in time (in a
/// quiet watch another node's return a minute or two later is only lines away), and
/// no eviction after a restart: a node's taints go as its kubelet comes back
/// (FORMAT.md §4.7), so pods evicted after others were restarted are another node's,
/// marked a minute or two apart and printed as one run; bursts of two or more, as
/// places in `pass`, each sorted.
fn bursts_of_changes(
    t: &Timelines,
    pass: &[Reprint],
    next: &[(&str, u64, usize)],
) -> Vec<Vec<usize>> {
    let change = |k: usize| {
        let [i, j] = pass[k].at;
        let states = &t.objects[i].states;
        (&states[j], &states[j + 1], Next::of(states, j + 1))
    };
    let evicted = |k: usize| {
        let (s, n, after) = change(k);
        super::pods::eviction_kind(Some(s), n, after).is_some()
    };
    let joins = |k: usize| {
        let ((a_line, b_line), (a, b)) = ((next[k - 1], next[k]), (next[k - 1].2, next[k].2));
        let gap = if evicted(a) && evicted(b) {
            EVICTION_GAP_MS
        } else {
            CLUSTER_GAP_MS
        };
        a_line.0 == b_line.0
            && b_line.1 - a_line.1 <= CLUSTER_LINES
            && t.allows(
                change(a).1.from_point(),
                change(b).1.from_point(),
                Claim::at_most(gap),
            )
    };
    // Terminating or NodeLost: not a graceful shutdown's `Failed`, which the
    // kubelet writes itself.
    let evicted_by_control_plane = |k: usize| {
        let (s, n, after) = change(k);
        super::pods::eviction_kind(Some(s), n, after)
            .is_some_and(|e| e != super::pods::EvictionKind::Failed)
    };
    let restarted = |k: usize| {
        let [i, j] = pass[k].at;
        restarted_next(&t.objects[i].states, j)
    };
    let mut clusters: Vec<Vec<usize>> = Vec::new();
    let mut back = false;
    for (k, c) in next.iter().enumerate() {
        if k == 0 || !joins(k) || (back && evicted_by_control_plane(c.2)) {
            clusters.push(Vec::new());
            back = false;
        }
        back |= restarted(c.2);
        clusters.last_mut().expect("one pushed").push(c.2);
    }
    clusters.retain(|c| c.len() >= 2);
    clusters.iter_mut().for_each(|c| c.sort_unstable());
    clusters
}

/// Whether the groups of a run's pods lost together (`lost`, places in `pass`,
/// sorted: the largest, and any other that is a second node) show that the run was a
/// node controller's pass: at least three of
/// them changed within [`BURST_LINES`] of another (`together`, sorted), two in three
/// of the reprints from the first of these to the last (a busy watch's run also holds
/// other pods' reprints printed before, after or between passes), and not all of one
/// owner (a rollout or a scale-down deletes one owner's pods together, whatever node
/// they ran on).
fn a_pass(t: &Timelines, pass: &[Reprint], lost: &[usize], together: &[usize]) -> bool {
    let core: Vec<usize> = (lost.iter().copied())
        .filter(|k| together.binary_search(k).is_ok())
        .collect();
    let (Some(&first), Some(&last)) = (core.first(), core.last()) else {
        return false;
    };
    let owner = |k: usize| t.objects[pass[k].at[0]].owner.as_ref();
    let several_owners = core
        .iter()
        .any(|&k| owner(k).is_none() || owner(k) != owner(first));
    core.len() >= 3 && core.len() * 3 >= (last - first + 1) * 2 && several_owners
}

/// Whether the pods of `cluster` (places in `pass`), changed within lines of each
/// other but not the pass's largest group, are a second node marked in the same
/// cycle: each evicted by its toleration (within [`LATE_EVICTION_MS`] of its mark;
/// the taint manager evicts each node's pods at once), or at least [`BURST_PODS`]
/// changed in one go as a returning kubelet changes them — two in three within
/// [`BURST_LINES`] of another (`next`: the changes' lines, with their places).
fn another_node(
    t: &Timelines,
    pass: &[Reprint],
    cluster: &[usize],
    next: &[(&str, u64, usize)],
) -> bool {
    let on_toleration = cluster.iter().all(|&k| {
        eviction_after(
            t,
            &pass[k],
            &[Claim::at_least(0), Claim::at_most(LATE_EVICTION_MS)],
        )
        .is_some_and(|(proven, _)| proven)
    });
    if on_toleration {
        return true;
    }
    let lines: Vec<(&str, u64)> = (next.iter())
        .filter(|n| cluster.binary_search(&n.2).is_ok())
        .map(|n| (n.0, n.1))
        .collect();
    let close = (0..lines.len())
        .filter(|&k| {
            let near = |o: usize| {
                lines[o].0 == lines[k].0 && lines[o].1.abs_diff(lines[k].1) <= BURST_LINES
            };
            (k > 0 && near(k - 1)) || (k + 1 < lines.len() && near(k + 1))
        })
        .count();
    cluster.len() >= BURST_PODS && close * 3 >= cluster.len() * 2
}

/// When a reprint's pod was evicted next (its next state an eviction, not a graceful
/// shutdown's): whether the time from the reprint to it surely passes `test` (a test
/// that an interval passing it keeps passing when narrowed), asked of the network
/// after what is known without a search (`Timelines::proves`); and the eviction's
/// line.
fn eviction_after<'a>(
    t: &'a Timelines,
    r: &Reprint,
    claims: &[Claim],
) -> Option<(bool, &'a LineRef)> {
    let [i, j] = r.at;
    let states = &t.objects[i].states;
    let n = states.get(j + 1)?;
    let evicted = super::pods::eviction_kind(Some(&states[j]), n, Next::of(states, j + 1))
        .is_some_and(|k| k != super::pods::EvictionKind::Failed);
    let line = n.lines.first()?;
    evicted.then(|| (t.proves_all(r.touch.point, n.from_point(), claims), line))
}

/// How late after its mark a pod evicted by the default toleration can be: 300 s
/// (FORMAT.md §4.5), and a margin for the taint manager's queue and the watch.
const LATE_EVICTION_MS: i64 = 330_000;

/// How soon after its mark a pod evicted by the default toleration can be: 300 s
/// (FORMAT.md §4.5), less a margin for the taint manager and the watch.
const EARLY_EVICTION_MS: i64 = 280_000;

/// Clusters of a pass (places in it, each sorted), a cluster of early evictions
/// (`early`: provably before the default toleration) merged into the clusters of
/// later ones whose places it interleaves with. Pods with a short
/// `tolerationSeconds` are evicted first, their node's others minutes later, and the
/// node controller marked them in any order; two nodes whose marks interleave
/// (marked in one cycle) are evicted after the same toleration, both the default or
/// both a short one (a cluster's `--default-unreachable-toleration-seconds`), and
/// stay apart.
fn interleaved_merged(mut clusters: Vec<Vec<usize>>, early: &[bool]) -> Vec<Vec<usize>> {
    clusters.sort_by_key(|c| c[0]);
    let is_early = |c: &[usize]| c.iter().all(|&k| early[k]);
    let mut out: Vec<Vec<usize>> = Vec::new();
    for c in clusters {
        let merge = out.iter().position(|o| {
            let overlap = o[0] < c[c.len() - 1] && c[0] < o[o.len() - 1];
            overlap && is_early(o) != is_early(&c)
        });
        match merge {
            Some(i) => {
                out[i].extend(c);
                out[i].sort_unstable();
            }
            None => out.push(c),
        }
    }
    out
}

/// Names the classes in the order of their first pod, and writes each name into its
/// pods' states (pods in none keep no node): how many.
fn name_classes(t: &mut Timelines, pods: &[usize], classes: &mut Classes) -> usize {
    let mut names: Vec<Option<Arc<str>>> = vec![None; pods.len()];
    let mut found = 0;
    for (k, &pod) in pods.iter().enumerate() {
        if !classes.grouped(k) {
            continue;
        }
        let root = classes.root(k);
        if names[root].is_none() {
            found += 1;
            names[root] = Some(group_name(found).into());
        }
        let name = names[root].clone();
        for s in &mut t.objects[pod].states {
            s.node = name.clone();
        }
    }
    found
}

/// Whether `touch` is the taint manager's `DisruptionTarget` patch, printed just
/// before the eviction `next` (FORMAT.md §4.10): its burst comes minutes after the
/// node's marks, as another node's pass may be printing, and is left out.
fn patch_before(touch: &Touch, next: &crate::timeline::State) -> bool {
    next.lines.first().is_some_and(|l| {
        l.source == touch.line.source && l.line.saturating_sub(touch.line.line) <= PATCH_LINES
    }) && super::pods::eviction_kind(None, next, Next::NotAsked).is_some()
}

/// How many lines of a busy watch may come between the taint manager's patch and the
/// deletion it precedes (the two writes are milliseconds apart).
const PATCH_LINES: u64 = 8;

/// Whether `b` may be printed in the same pass of the node controller as `a` (the
/// line before it among the reprints).
fn same_pass(a: &Touch, b: &Touch, spacing: &Spacing) -> bool {
    spacing.apart(&a.line, &b.line) <= BURST_LINES && Interval::minus(b.at, a.at).min_ms <= BURST_MS
}

#[cfg(test)]
#[path = "pod_groups_tests.rs"]
mod tests;
