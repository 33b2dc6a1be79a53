//! The writes of each node's kubelet, as the pods' lines show them: a lost node's
//! kubelet writes nothing until it is back, and then its return comes in one burst.

use crate::HashMap;

use super::{new_sandbox, rebooted_through};
use crate::analysis::pod_groups;
use crate::analysis::pods::{kubelet_written, meaning, meaning_after, Next};
use crate::kube::PodMeaning;
use crate::tables::ResourceKind;
use crate::timeline::stn::Ms;
use crate::timeline::{LineRef, Timelines, Touch};

/// The lines where some pod shows a change its node's kubelet wrote (READY, IP,
/// restarts: see `kubelet_written`), by source and node, in line order.
pub(super) struct KubeletWrites<'a> {
    /// Each (source, node)'s place in `writes`.
    keys: HashMap<(&'a str, &'a str), usize>,
    writes: Vec<Writes>,
}

/// The writes of one node's kubelet that one source shows.
#[derive(Default)]
struct Writes {
    /// With when each was printed (the middle of its interval, if bounded).
    lines: Vec<Timed>,
    /// The same, only the writes that are not a rebooted node's return: neither a
    /// container restart (the count up), the runtime's `Unknown`, a lost container's
    /// last status before its new sandbox (`ContainerStatusUnknown`, `Error`, FORMAT.md
    /// §4.7), nor the kubelet finishing a pod evicted while it was away (a
    /// `Terminating` pod's change: still `Terminating`, or from 1.31 its final status,
    /// `0/2 Error`, FORMAT.md §2.1).
    not_returns: Vec<u64>,
    /// The rest but restarts on the old sandbox (a crash under a live kubelet too): a
    /// return's writes, with when each was printed (the middle of its interval), by
    /// line.
    returns: Vec<(u64, Ms)>,
}

/// A write's line, and when it was printed (the middle of its interval, if bounded).
type Timed = (u64, Option<Ms>);

/// How long a returning kubelet's burst of writes lasts: the pods' lines printed
/// within it that look like marks are its re-posted statuses (FORMAT.md §4.7).
/// Shorter than the node controller's grace before its marks (40 s by default,
/// FORMAT.md §4.4, and 20 s in clusters that shorten it): a live kubelet's write
/// just before a failure must not hide the marks that follow.
const RETURN_BURST_MS: Ms = 10_000;

impl<'a> KubeletWrites<'a> {
    pub(super) fn of(t: &'a Timelines) -> KubeletWrites<'a> {
        let mut keys: HashMap<(&str, &str), usize> = HashMap::default();
        let mut writes: Vec<Writes> = Vec::new();
        // The key met last: a pod's writes are nearly all of one source and node,
        // told by their names' addresses without hashing them.
        let mut last: Option<((&str, &str), usize)> = None;
        for pod in t.objects.iter().filter(|o| o.key.kind == ResourceKind::Pod) {
            for (k, w) in pod.states.windows(2).enumerate() {
                let (Some(node), Some(line)) = (w[1].node.as_deref(), w[1].lines.first()) else {
                    continue;
                };
                // A node told only by its marks may hold another node's pods
                // (`pod_groups` grouped them by chance): its kubelet's writes are
                // those of the pods a pass marked, from the state it marked.
                if !(pod_groups::surely_on(t, node, &w[0])
                    && kubelet_written(&w[0], &w[1], Next::of(&pod.states, k + 1), Some(node)))
                {
                    continue;
                }
                let i = super::list_of(&mut keys, &mut last, &mut writes, (&line.source, node));
                let on = &mut writes[i];
                on.lines.push((line.line, w[1].from.mid()));
                let returned = w[1].restarts > w[0].restarts
                    || meaning_after(Some(&w[0]), &w[1], Next::of(&pod.states, k + 1))
                        == PodMeaning::RuntimeUnknown
                    || meaning(&w[0]) == PodMeaning::Deleting
                    || rebooted_through(&w[0], &w[1], pod.states.get(k + 2));
                // A restart on the old sandbox is also a crash under a live kubelet.
                let back =
                    returned && (w[1].restarts <= w[0].restarts || new_sandbox(&w[0], &w[1]));
                if !returned {
                    on.not_returns.push(line.line);
                } else if let (true, Some(mid)) = (back, w[1].from.mid()) {
                    on.returns.push((line.line, mid));
                }
            }
        }
        // Each line is one state's: no two writes of a source share one.
        for on in &mut writes {
            radsort::sort_by_key(&mut on.lines, |w| w.0);
            radsort::sort_by_key(&mut on.not_returns, |&l| l);
            radsort::sort_by_key(&mut on.returns, |w| w.0);
        }
        KubeletWrites { keys, writes }
    }

    /// The writes of `node`'s kubelet that `source` shows.
    fn on(&self, source: &str, node: &str) -> Option<&Writes> {
        self.keys.get(&(source, node)).map(|&i| &self.writes[i])
    }

    /// Whether `touch` (a line on `node` that changes nothing) came within a
    /// returning kubelet's burst: another pod's return write on the node printed
    /// before it, at most [`RETURN_BURST_MS`] earlier. It is the kubelet re-posting
    /// the pod's status as it comes back, not the node controller's mark of a loss.
    pub(super) fn returning_at(&self, node: &str, touch: &Touch) -> bool {
        let (Some(v), Some(at)) = (
            self.on(&touch.line.source, node).map(|w| &w.returns),
            touch.at.mid(),
        ) else {
            return false;
        };
        let before = v.partition_point(|w| w.0 < touch.line.line);
        v[..before]
            .iter()
            .rev()
            .take_while(|w| w.1 >= at - RETURN_BURST_MS)
            .any(|w| w.1 <= at)
    }

    /// [`KubeletWrites::between`], counting only writes that are not a return: a
    /// rebooted node's kubelet writes its pods' `Unknown`s and restarts in one burst,
    /// in any order.
    pub(super) fn between_other_than_return(
        &self,
        node: &str,
        after: &LineRef,
        before: &LineRef,
    ) -> bool {
        after.source == before.source
            && (self.on(&after.source, node))
                .is_some_and(|w| any_between(&w.not_returns, after, before))
    }

    /// Whether `node`'s kubelet wrote a pod change strictly between two lines of one
    /// source (lines of different sources have no order to compare: false).
    pub(super) fn between(&self, node: &str, after: &LineRef, before: &LineRef) -> bool {
        self.first_between(node, after, before).is_some()
    }

    /// Whether `node`'s kubelet wrote a pod change after a line (of its source).
    pub(super) fn after(&self, node: &str, line: &LineRef) -> bool {
        (self.on(&line.source, node))
            .and_then(|w| w.lines.last())
            .is_some_and(|w| w.0 > line.line)
    }

    /// Whether the writes of `node`'s kubelet strictly between two lines of one source
    /// were all printed at most `window` before `until` (the first of them is the
    /// earliest): a node back from a partition posts what its pods did meanwhile (a
    /// container restarted) with its re-posts. True when there is none.
    pub(super) fn only_just_before(
        &self,
        node: &str,
        after: &LineRef,
        before: &LineRef,
        until: Ms,
        window: Ms,
    ) -> bool {
        match self.first_between(node, after, before) {
            None => true,
            Some((_, at)) => at.is_some_and(|at| at >= until - window),
        }
    }

    /// The first write of `node`'s kubelet strictly between two lines of one source.
    fn first_between(&self, node: &str, after: &LineRef, before: &LineRef) -> Option<Timed> {
        if after.source != before.source {
            return None;
        }
        let v = &self.on(&after.source, node)?.lines;
        let i = v.partition_point(|w| w.0 <= after.line);
        v.get(i).copied().filter(|w| w.0 < before.line)
    }
}

/// Whether `lines` (sorted) holds one strictly between two lines of one source.
fn any_between(lines: &[u64], after: &LineRef, before: &LineRef) -> bool {
    let i = lines.partition_point(|&l| l <= after.line);
    lines.get(i).is_some_and(|&l| l < before.line)
}
