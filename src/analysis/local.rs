//! What one incident may look at: the pods of its node (by node, then by creation)
//! and the pods created while it lasts, each seen only up to its node's next
//! failure. A long soak has thousands of failures and pods: an incident's questions
//! are asked of these, found by lookups, not of every pod of the capture, and a node
//! that fails five times gives five incidents that each end where the next begins.

use crate::HashMap;

use super::failures::UNNAMED_NODE;
use super::incident::Failure;
use super::pods::{eviction_kind, kubelet_written, owner_of, Next, Owner, OwnerOf, Pod, PodNodes};
use crate::timeline::{Claim, End, Interval, LineRef, ObjectTimeline, Point, State, Timelines};

/// How long after its node's next failure a replacement of a pod evicted before it
/// may still be created (the ReplicaSet creates it as the old pod turns Terminating,
/// FORMAT.md §4.8, and the eviction is before the node is back, so before it fails
/// again; ten minutes of slack for a busy scheduler and the watch).
const REPLACEMENT_SLACK_MS: i64 = 10 * 60_000;

/// The width of the time slots pods are filed under by node.
const SLOT_MS: i64 = 30 * 60_000;

/// A pod whose life may span more slots than this (a day) is kept on its node's list
/// of long lives rather than under every slot: a line stamped centuries off (a typo,
/// a broken clock) would otherwise file it under millions.
const LONG_LIFE_SLOTS: u64 = 48;

/// The pods that ran on one node: by the slots their life may overlap, and those
/// whose life is longer than [`LONG_LIFE_SLOTS`].
#[derive(Default)]
struct NodePods {
    slots: std::collections::BTreeMap<u64, Vec<u32>>,
    long: Vec<u32>,
}

/// The capture's pods by node and by creation (bounds of the creation point).
pub(super) struct PodIndex<'a> {
    all: Vec<&'a ObjectTimeline>,
    /// By node: the pods that ran there (their places in `all`), filed under every
    /// slot of `SLOT_MS` their life may overlap, so that the pods a failure may have
    /// found alive are a lookup, not every pod the node ever ran. Only the slots that
    /// hold a pod exist: the capture's span may be anything.
    by_node: HashMap<&'a str, NodePods>,
    /// The time slot 0 begins at (the capture's earliest bounded time).
    origin: i64,
    /// Per pod (place in `all`): the bounds of its creation and of its last sight.
    life: Vec<(Interval, Interval)>,
    /// Every pod of an owner, by owner, sorted by the earliest its creation can be,
    /// with the running maximum of the latest (so "created possibly within [a, b]" is
    /// two binary searches). A failure's replacements are its node's pods' owners'
    /// (a soak's failure without a next one and no return seen would otherwise look
    /// at every pod created after it).
    by_owner: HashMap<Owner<'a>, Vec<(Interval, i64, usize)>>,
    /// By node: the states its kubelet wrote (pod place in `all`, state), in line
    /// order: the node is up at their first lines. In 8 bytes each (a soak has a
    /// state change a line, most of them a kubelet's).
    kubelet: HashMap<&'a str, Vec<(u32, u32)>>,
    /// By node: the latest its kubelet's writes `0..(k + 1) · WRITES_BLOCK` can be
    /// (running maximum): where to start looking for a write after a time, instead of
    /// at the node's first write (a soak's node fails and returns dozens of times).
    kubelet_reach: HashMap<&'a str, Vec<i64>>,
    /// Per pod (place in `all`): its owner, read once for the capture (from its name,
    /// when no workload table gives it), not by every incident that sees the pod.
    owners: Vec<Option<Owner<'a>>>,
}

/// The capture's span ([`Timelines::span`]), worked out when first asked and kept:
/// it reads every state of the capture, and both the partitions and the pod index
/// need it.
pub(super) struct CaptureSpan<'t> {
    t: &'t Timelines,
    span: std::cell::OnceCell<Option<(i64, i64)>>,
}

impl<'t> CaptureSpan<'t> {
    pub(super) fn new(t: &'t Timelines) -> CaptureSpan<'t> {
        CaptureSpan {
            t,
            span: std::cell::OnceCell::new(),
        }
    }

    /// [`Timelines::span`].
    pub(super) fn get(&self) -> Option<(i64, i64)> {
        *self.span.get_or_init(|| self.t.span())
    }
}

/// Kubelet writes per entry of `PodIndex::kubelet_reach`.
const WRITES_BLOCK: usize = 32;

impl<'a> PodIndex<'a> {
    pub(super) fn new(
        t: &Timelines,
        pods: &[&'a ObjectTimeline],
        nodes: &'a PodNodes,
        span: &CaptureSpan,
    ) -> PodIndex<'a> {
        let mut by_node: HashMap<&str, NodePods> = HashMap::default();
        let mut by_owner: HashMap<Owner, Vec<(Interval, i64, usize)>> = HashMap::default();
        let mut kubelet: HashMap<&str, Vec<(u32, u32)>> = HashMap::default();
        let place = |i: usize| u32::try_from(i).expect("fewer than 2^32 pods and states");
        let (origin, end) = span.get().unwrap_or((0, 0));
        let slot = |ms: i64| (ms.clamp(origin, end) - origin) as u64 / SLOT_MS as u64;
        let mut life = Vec::with_capacity(pods.len());
        // Each distinct owner's number.
        let mut ids: HashMap<OwnerOf, u32> = HashMap::default();
        let mut owners = Vec::with_capacity(pods.len());
        for (i, &p) in pods.iter().enumerate() {
            let c = t.at(p.created_point);
            let last = t.at(p.last().last_point());
            life.push((c, last));
            if let Some(n) = nodes.of(p) {
                let on = by_node.entry(n).or_default();
                let (a, b) = (slot(c.min_ms), slot(last.max_ms));
                if b - a > LONG_LIFE_SLOTS {
                    on.long.push(place(i));
                } else {
                    for s in a..=b {
                        on.slots.entry(s).or_default().push(place(i));
                    }
                }
                // As `inferred::kubelet` reads them: for a node told by its marks,
                // another node's pod grouped by chance would end this one's
                // failure with its own return, before the evictions.
                let mut written = (p.states.windows(2).enumerate())
                    .filter(|(j, w)| {
                        super::pod_groups::surely_on(t, n, &w[0])
                            && kubelet_written(&w[0], &w[1], Next::of(&p.states, j + 1), Some(n))
                            && !w[1].lines.is_empty()
                    })
                    .map(|(j, _)| (place(i), place(j + 1)))
                    .peekable();
                // The node's list looked up once a pod, not once a write.
                if written.peek().is_some() {
                    kubelet.entry(n).or_default().extend(written);
                }
            }
            let owner = owner_of(p).map(|o| {
                let next = u32::try_from(ids.len()).expect("fewer than 2^32 owners");
                Owner::new(*ids.entry(o).or_insert(next), o)
            });
            if let Some(o) = owner {
                by_owner.entry(o).or_default().push((c, 0, i));
            }
            owners.push(owner);
        }
        let kubelet_reach = kubelet
            .iter_mut()
            .map(|(&n, writes)| (n, in_line_order(t, pods, writes)))
            .collect();
        for on in by_node.values_mut() {
            on.slots.values_mut().for_each(Vec::shrink_to_fit);
        }
        for created in by_owner.values_mut() {
            created.sort_by_key(|e| e.0.min_ms);
            let mut reach = i64::MIN;
            for e in created.iter_mut() {
                reach = reach.max(e.0.max_ms);
                e.1 = reach;
            }
        }
        PodIndex {
            all: pods.to_vec(),
            by_node,
            origin,
            life,
            by_owner,
            kubelet,
            kubelet_reach,
            owners,
        }
    }

    /// The first line where `node`'s kubelet wrote a pod change surely after `f`: the
    /// node is back there (a lost node's kubelet writes nothing, FORMAT.md §4.4).
    fn back_after(&self, t: &Timelines, node: &str, f: Point) -> Option<(&'a LineRef, Point)> {
        let v = self.kubelet.get(node)?;
        let at_f = t.at(f);
        // Blocks whose writes are all surely before f are passed over whole.
        let skip = self.kubelet_reach.get(node).map_or(0, |r| {
            r.partition_point(|&m| m <= at_f.min_ms) * WRITES_BLOCK
        });
        v.get(skip..)?
            .iter()
            .map(|&(i, j)| {
                let s = &self.all[i as usize].states[j as usize];
                (&s.lines[0], s.from_point())
            })
            .filter(|w| t.at(w.1).max_ms > at_f.min_ms)
            .find(|w| {
                let loose = Interval::minus(t.at(w.1), at_f);
                loose.min_ms > 0 || (loose.max_ms > 0 && t.proves(f, w.1, Claim::MoreThan(0)))
            })
    }

    /// The places of the pods of `node` whose life may include `[from, to]`'s start
    /// and that were created possibly by its end.
    fn on_node(&self, node: &str, from: i64, to: i64) -> Vec<usize> {
        let Some(on) = self.by_node.get(node) else {
            return Vec::new();
        };
        let slot = |ms: i64| ms.saturating_sub(self.origin).max(0) as u64 / SLOT_MS as u64;
        let (a, b) = (slot(from), slot(to));
        let mut out: Vec<usize> = on
            .slots
            .range(a.min(b)..=b)
            .flat_map(|(_, pods)| pods)
            .chain(&on.long)
            .map(|&i| i as usize)
            .filter(|&i| {
                let (c, last) = self.life[i];
                c.min_ms <= to && last.max_ms >= from
            })
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// The pods incident `fail` needs: those on its node created possibly before the
    /// failure, cut at the node's next failure `until` (their later states are the
    /// next incident's), and those created possibly after the failure and before
    /// `until` (with slack), where replacements are. An unnamed node's incident may
    /// concern any pod: all of them.
    pub(super) fn near(&self, t: &Timelines, fail: &Failure, until: Option<Point>) -> Near<'a> {
        if fail.node == UNNAMED_NODE {
            return Near {
                kept: (self.all.iter().copied().enumerate())
                    .map(|(i, p)| (i, Pod::whole(p), self.owners[i]))
                    .collect(),
                cut: Vec::new(),
            };
        }
        let f = t.at(fail.f.earliest());
        let f_latest = t.at(fail.f.point);
        let end = until.map(|u| t.at(u));
        // Places in `all`, and cut pods by place.
        let mut places: Vec<usize> = Vec::new();
        let mut cut: Vec<(usize, Pod<'a>)> = Vec::new();
        let back = self.back_after(t, &fail.node, fail.f.point);
        // The clock bounds select; the network near the failure narrows (a long
        // capture's clock bounds are minutes wide): a pod surely created after the
        // failure, or surely gone before it, was not on the node when it failed.
        let fe = fail.f.earliest();
        let on_node = self
            .on_node(&fail.node, f.min_ms, f_latest.max_ms)
            .into_iter()
            .filter(|&i| {
                let p = self.all[i];
                t.difference_known(fail.f.point, p.created_point).min_ms <= 0
                    && t.difference_known(fe, p.last().last_point()).max_ms >= 0
            });
        for i in on_node {
            match cut_at(t, self.all[i], until, back.map(|b| b.0)) {
                Some(q) => cut.push((i, q)),
                None => places.push(i),
            }
        }
        // Created possibly after the failure and before the next one or the node's
        // return, whichever is first (with slack): a replacement is created as its pod
        // is evicted, and that is before the node is back (FORMAT.md §4.7).
        let end_point = match (until.zip(end), back.map(|b| (b.1, t.at(b.1)))) {
            (Some(e), Some(b)) => Some(if b.1.max_ms < e.1.max_ms { b } else { e }),
            (e, b) => e.or(b),
        };
        // With neither, the last sight of the node's pods: a pod is replaced as it
        // turns Terminating (a StatefulSet's once it is gone), not after its last line.
        let last_seen = (places.iter().chain(cut.iter().map(|c| &c.0)))
            .map(|&i| self.life[i].1.max_ms)
            .max();
        let end = end_point.map(|e| e.1.max_ms).or(last_seen);
        let limit = end
            .filter(|&e| e < crate::timeline::stn::UNBOUNDED)
            .map(|e| e.saturating_add(REPLACEMENT_SLACK_MS));
        // Only the node's pods' owners make its replacements (`story::fresh_by_owner`
        // asks no other).
        let owners: crate::HashSet<Owner> = (places.iter().copied())
            .chain(cut.iter().map(|c| c.0))
            .filter_map(|i| self.owners[i])
            .collect();
        for created in owners.iter().filter_map(|o| self.by_owner.get(o)) {
            let span = (fe, f.min_ms, limit, end_point.map(|e| e.0));
            places.extend(self.fresh(t, created, span));
        }
        places.sort_unstable();
        places.dedup();
        // `cut` is in the order of places, as `on_node` gives them.
        places.retain(|i| cut.binary_search_by_key(i, |c| c.0).is_err());
        Near {
            kept: (places.into_iter())
                .map(|i| (i, Pod::whole(self.all[i]), self.owners[i]))
                .collect(),
            cut: (cut.into_iter())
                .map(|(i, p)| (i, p, self.owners[i]))
                .collect(),
        }
    }

    /// The pods of one owner (`created`, by creation) created possibly after the
    /// failure `fe` (its clock bounds from `f_min`) and before `limit`: a pod surely
    /// created before the failure, or long after its `end`, by the network near them
    /// (O(1) bounds, no search) is none of its fresh ones.
    fn fresh<'b>(
        &'b self,
        t: &'b Timelines,
        created: &'b [(Interval, i64, usize)],
        (fe, f_min, limit, end): (Point, i64, Option<i64>, Option<Point>),
    ) -> impl Iterator<Item = usize> + 'b {
        let from = created.partition_point(|e| e.1 < f_min);
        let to = limit.map_or(created.len(), |l| {
            created.partition_point(|x| x.0.min_ms <= l)
        });
        (created.get(from..to).into_iter().flatten())
            .filter(move |e| {
                let c = self.all[e.2].created_point;
                e.0.max_ms >= f_min
                    && t.difference_known(fe, c).max_ms >= 0
                    && end.is_none_or(|p| t.difference_known(p, c).min_ms <= REPLACEMENT_SLACK_MS)
            })
            .map(|e| e.2)
    }
}

/// An incident's pods: kept as they are, or cut (with their places in the capture's
/// order of pods, and their owners).
pub(super) struct Near<'a> {
    kept: Vec<(usize, Pod<'a>, Option<Owner<'a>>)>,
    cut: Vec<(usize, Pod<'a>, Option<Owner<'a>>)>,
}

/// An incident's pods in the capture's order of pods, and beside each its owner.
pub(super) struct NearPods<'a> {
    pub(super) pods: Vec<Pod<'a>>,
    pub(super) owners: Vec<Option<Owner<'a>>>,
}

impl<'a> Near<'a> {
    /// Every pod, in the capture's order of pods.
    pub(super) fn pods(&self) -> NearPods<'a> {
        let mut all: Vec<(usize, Pod<'a>, Option<Owner<'a>>)> = self.kept.clone();
        all.extend(self.cut.iter().copied());
        all.sort_by_key(|e| e.0);
        NearPods {
            pods: all.iter().map(|e| e.1).collect(),
            owners: all.iter().map(|e| e.2).collect(),
        }
    }
}

/// Sorts a node's kubelet writes (pod, state) in line order; returns, for each block
/// of [`WRITES_BLOCK`] of them, the latest any write up to that block's end may be.
fn in_line_order(
    t: &Timelines,
    pods: &[&ObjectTimeline],
    writes: &mut Vec<(u32, u32)>,
) -> Vec<i64> {
    let state = |&(i, j): &(u32, u32)| &pods[i as usize].states[j as usize];
    let order = line_order(writes, |w| &state(w).lines[0]);
    *writes = order.iter().map(|&k| writes[k as usize]).collect();
    let mut reach = i64::MIN;
    writes
        .chunks(WRITES_BLOCK)
        .map(|block| {
            for w in block {
                reach = reach.max(t.at(state(w).from_point()).max_ms);
            }
            reach
        })
        .collect()
}

/// The places of `items` in the order of their lines (`line_of`): by source name,
/// then line number, ties in their places' order (as a stable sort by
/// [`LineRef::position_cmp`] puts them). Each item's line is looked up once and the
/// items sorted by numbers: its source's rank by name, its line, its place (a soak's
/// million writes compared by source name took half a second).
pub(super) fn line_order<'a, T>(items: &[T], line_of: impl Fn(&T) -> &'a LineRef) -> Vec<u32> {
    let mut sources = SourceOrder::default();
    let mut keyed: Vec<(u32, u64, u32)> = (items.iter().enumerate())
        .map(|(k, item)| {
            let l = line_of(item);
            let place = u32::try_from(k).expect("fewer than 2^32 items");
            (sources.id(&l.source), l.line, place)
        })
        .collect();
    let rank = sources.ranks();
    for e in &mut keyed {
        e.0 = rank[e.0 as usize];
    }
    // By numbers without comparisons where (rank, line) fit one: ties keep their
    // places' order, as the tuples' sort has it.
    if keyed.iter().all(|e| e.1 < 1 << 48) {
        radsort::sort_by_key(&mut keyed, |e| u64::from(e.0) << 48 | e.1);
    } else {
        keyed.sort_unstable();
    }
    keyed.into_iter().map(|e| e.2).collect()
}

/// The sources of lines, numbered as first met, and ranked by name: lines sorted by
/// (rank, line) are in the order of (source, line), compared as numbers.
#[derive(Default)]
struct SourceOrder<'a> {
    names: Vec<&'a str>,
    /// The id of the source met last: a run of lines of one source is told by its
    /// name's address, without comparing names.
    last: usize,
}

impl<'a> SourceOrder<'a> {
    /// The id of `source` (its place among the sources met so far).
    fn id(&mut self, source: &'a str) -> u32 {
        let same = |n: &&str| std::ptr::eq(*n, source) || *n == source;
        if !self.names.get(self.last).is_some_and(same) {
            self.last = match self.names.iter().position(same) {
                Some(i) => i,
                None => {
                    self.names.push(source);
                    self.names.len() - 1
                }
            };
        }
        u32::try_from(self.last).expect("fewer than 2^32 sources")
    }

    /// Each id's rank by name.
    fn ranks(&self) -> Vec<u32> {
        let mut by_name: Vec<usize> = (0..self.names.len()).collect();
        by_name.sort_by_key(|&i| self.names[i]);
        let mut rank = vec![0; self.names.len()];
        for (r, &i) in by_name.iter().enumerate() {
            rank[i] = u32::try_from(r).expect("fewer than 2^32 sources");
        }
        rank
    }
}

/// `pod` without its states that begin after its node's next failure `until`, or
/// from its first eviction after the node is `back` (an eviction after the node's
/// return is not this failure's: the taints go as the node comes back, FORMAT.md
/// §4.7), borrowed; `None` when nothing is cut (or everything would be: then it is
/// not this incident's pod, and is kept whole).
fn cut_at<'a>(
    t: &Timelines,
    pod: &'a ObjectTimeline,
    until: Option<Point>,
    back: Option<&LineRef>,
) -> Option<Pod<'a>> {
    let after_next = |s: &State| {
        let Some(until) = until else { return false };
        let loose = Interval::minus(s.from, t.at(until));
        if loose.min_ms > 0 {
            return true;
        }
        if loose.max_ms <= 0 {
            return false;
        }
        t.proves(until, s.from_point(), Claim::MoreThan(0))
    };
    let evicted_after_return = |i: usize| {
        let (Some(back), Some(l)) = (back, pod.states[i].lines.first()) else {
            return false;
        };
        let prev = i.checked_sub(1).map(|p| &pod.states[p]);
        // One source's lines share their name: told by address first.
        (std::sync::Arc::ptr_eq(&l.source, &back.source) || l.source == back.source)
            && l.line > back.line
            && eviction_kind(prev, &pod.states[i], Next::of(&pod.states, i)).is_some()
            && prev.is_none_or(|p| eviction_kind(None, p, Next::State(&pod.states[i])).is_none())
    };
    let k =
        (0..pod.states.len()).find(|&i| after_next(&pod.states[i]) || evicted_after_return(i))?;
    if k == 0 {
        return None;
    }
    Some(Pod::cut(pod, k, End::Continues))
}

/// For each failure, its node's previous failure (the latest it can be: what happened
/// before is that failure's) and next failure (its earliest point: where the
/// incident's pods are cut), if any.
pub(super) fn neighbour_failures(
    t: &Timelines,
    failures: &[Failure],
) -> Vec<(Option<Point>, Option<Point>)> {
    let mut by_node: HashMap<&str, Vec<usize>> = HashMap::default();
    for (i, f) in failures.iter().enumerate() {
        if f.node != UNNAMED_NODE {
            by_node.entry(&f.node).or_default().push(i);
        }
    }
    let mut out = vec![(None, None); failures.len()];
    for idx in by_node.values_mut() {
        let key = |i: &usize| {
            let a = t.at(failures[*i].f.point);
            (a.min_ms, a.max_ms, *i)
        };
        idx.sort_by_key(key);
        for w in idx.windows(2) {
            out[w[0]].1 = Some(failures[w[1]].f.earliest());
            out[w[1]].0 = Some(failures[w[0]].f.point);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::pods::PodNodes;
    use crate::input::{Origin, Source};
    use crate::tables::ResourceKind;

    impl PodIndex<'_> {
        /// How many places the pods are filed under (slots and long lives).
        fn filed(&self) -> usize {
            self.by_node
                .values()
                .map(|on| on.slots.values().map(Vec::len).sum::<usize>() + on.long.len())
                .sum()
        }
    }

    /// Found by the `pipeline` fuzz target: one line stamped two thousand years ahead
    /// stretched the capture's span, and a pod seen before and after it was filed
    /// under a slot for every half hour in between (3.3 GB for 1 kB of input).
    #[test]
    fn a_timestamp_centuries_off_files_a_pod_once() {
        let text = include_bytes!("../../fuzz/regressions/pipeline/timestamp-centuries-ahead.log");
        let source = Source {
            name: "pods.log".into(),
            origin: Origin::Bytes(text[..].into()),
        };
        let mut ing = crate::ingest::ingest(&[source]).unwrap();
        let t = crate::timeline::build(&mut ing, crate::timeline::LinkOptions::default());
        let (lo, hi) = t.span().unwrap();
        assert!(
            hi - lo > 1_000 * 365 * 86_400_000,
            "the span is centuries: {lo}..{hi}"
        );
        let pods: Vec<&ObjectTimeline> = t
            .objects
            .iter()
            .filter(|o| o.key.kind == ResourceKind::Pod)
            .collect();
        let nodes = PodNodes::new(&t);
        let index = PodIndex::new(&t, &pods, &nodes, &CaptureSpan::new(&t));
        assert!(index.filed() <= pods.len() * (LONG_LIFE_SLOTS as usize + 1));
        // Every pod on a node is still found alive over its whole span.
        let on = index.on_node("k3s-agent-2", lo, hi);
        assert!(!on.is_empty());
    }
}
