//! Returns read from re-posts where no node is named: a run of pods marked together
//! and re-posted together unchanged (a partition's return in a watch without a NODE
//! column), and a pod's re-post as its owner counts it ready again (a watch of pods
//! and workloads).

use std::ops::Range;

use crate::HashMap;

use super::{Back, RETURN_SPREAD_MS};
use crate::analysis::incident::{ev, Phase};
use crate::analysis::pod_groups::{Reprint, BURST_PODS};
use crate::analysis::pods::Pod;
use crate::tables::ResourceKind;
use crate::timeline::{Interval, ObjectKey, ObjectTimeline, Timelines};

/// How long after its marks a node lost to a partition can be back with every pod in
/// place: before the default toleration runs out (300 s, FORMAT.md §4.5), with slack.
const IN_PLACE_MS: i64 = 330_000;

/// Without a node named: of a run of reprints (`reprints[pass]`) that lost nothing
/// together, the pods re-posted later in the state they were marked in — the return
/// of a node lost to a partition — as places in `reprints` of their marks, and the
/// runs of `later` (by index) that re-post them; none unless two thirds of the run's
/// pods (at least three) are. The re-posts are looked
/// for in the runs `later`, from the first not provably more than [`IN_PLACE_MS`]
/// after the run. With no node to weigh them against (`Pass::covers_node`), the
/// marks and the re-posts are all that is asked: both runs of the same pods, each
/// unchanged between, the re-posts within [`RETURN_SPREAD_MS`] of each other (one
/// kubelet's return). Re-posts spread wider are other nodes' passes reprinting pods
/// that met in the run by chance: a busy watch reprints every pod of a node that
/// fails, so three chance reprints are each reprinted again within minutes.
pub(in crate::analysis) fn re_posted_in_place(
    reprints: &[Reprint],
    pass: Range<usize>,
    later: &[Range<usize>],
) -> Option<(Vec<usize>, Vec<usize>)> {
    let first = reprints[pass.start].touch.at;
    let mut back = vec![false; pass.len()];
    let mut runs: Vec<usize> = Vec::new();
    for (j, q) in later.iter().enumerate() {
        let at = reprints[q.start].touch.at;
        if Interval::minus(at, first).min_ms > IN_PLACE_MS {
            break;
        }
        let stale = runs.first().is_some_and(|&r| {
            let since = Interval::minus(at, reprints[later[r].start].touch.at);
            since.min_ms > RETURN_SPREAD_MS
        });
        if stale {
            back.fill(false);
            runs.clear();
        }
        for r in &reprints[q.clone()] {
            if let Some(k) = reprints[pass.clone()].iter().position(|m| m.at == r.at) {
                back[k] = true;
                if runs.last() != Some(&j) {
                    runs.push(j);
                }
            }
        }
        let again = back.iter().filter(|&&b| b).count();
        if again >= BURST_PODS && again * 3 >= pass.len() * 2 {
            let marked = (0..pass.len()).filter(|&k| back[k]).map(|k| pass.start + k);
            return Some((marked.collect(), runs));
        }
    }
    None
}

/// The return of a failure nothing else shows back, from its pods and their owners:
/// a pod's re-post after its mark (`story::re_posts_after_mark`) while its owner's
/// READY rises
/// (the controllers count the pod ready again, as its owner's drop followed the mark):
/// a partition's return in a watch of pods and workloads without nodes. N is the
/// earliest re-post.
pub(in crate::analysis) fn re_post_with_owner(
    t: &Timelines,
    workloads: &Workloads,
    affected: &[Pod],
    f: &Phase,
) -> Option<Back> {
    // The workloads watched (none in a pods-only capture: nothing to do).
    if workloads.by_key.is_empty() {
        return None;
    }
    let mut best: Option<Phase> = None;
    let mut points = Vec::new();
    for pod in affected {
        let Some(owner) = pod.owner.as_ref() else {
            continue;
        };
        let Some(o) = workloads.by_key.get(owner) else {
            continue;
        };
        let rises: Vec<&crate::timeline::State> = (o.states.windows(2))
            .filter(|w| matches!((w[0].ready, w[1].ready), (Some([a, _]), Some([b, _])) if b > a))
            .map(|w| &w[1])
            .collect();
        let Some((_, re_posts)) = crate::analysis::story::re_posts_after_mark(t, pod, f.point)
        else {
            continue;
        };
        for touch in re_posts {
            let rise = rises
                .iter()
                .find(|r| super::super::owner_drop_follows_mark(Interval::minus(r.from, touch.at)));
            let Some(rise) = rise else {
                continue;
            };
            points.push(touch.point);
            if best.as_ref().is_some_and(|b| b.point <= touch.point) {
                continue;
            }
            best = Some(Phase {
                at: touch.at,
                what: format!(
                    "pod {} re-posted unchanged as {owner} counted it ready again",
                    pod.key.name,
                ),
                evidence: vec![ev(&touch.line), ev(&rise.lines[0])],
                point: touch.point,
                alternatives: Vec::new(),
                since: None,
            });
        }
    }
    points.sort_unstable();
    best.map(|phase| Back { phase, points })
}

/// The workloads watched, by key: found once for a capture, asked for each incident
/// (a pods-only soak has none, and thousands of incidents).
pub(in crate::analysis) struct Workloads<'a> {
    by_key: HashMap<&'a ObjectKey, &'a ObjectTimeline>,
}

impl<'a> Workloads<'a> {
    pub(in crate::analysis) fn of(t: &'a Timelines) -> Workloads<'a> {
        let by_key = (t.objects.iter())
            .filter(|o| !matches!(o.key.kind, ResourceKind::Pod | ResourceKind::Node))
            .map(|o| (&o.key, o))
            .collect();
        Workloads { by_key }
    }
}
