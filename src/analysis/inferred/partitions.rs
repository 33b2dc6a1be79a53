//! A node lost and back before any of its pods was evicted — a network partition
//! shorter than the pods' toleration, a kubelet stopped and started — read from pod
//! lines alone.
//!
//! Nothing about such a pod changes: the node controller marks the lost node's pods
//! not ready in one pass (FORMAT.md §4.4), and the returning kubelet re-posts their
//! statuses in one pass too (§4.7), each a MODIFIED event that prints the pod's line
//! again unchanged. So the failure shows as two passes over the node's pods, and
//! between them not one write of its kubelet. It is claimed only when both are there:
//! one pass alone is also what any update of many pods at once looks like, and a
//! pass of every pod of a namespace (a label added) touches the pods of every node.

use crate::HashMap;

use super::kubelet::KubeletWrites;
use crate::analysis::incident::{ev, Failure, Phase};
use crate::analysis::local::CaptureSpan;
use crate::analysis::pod_groups::{bursts, reprints, Lines, Reprint, Spacing, BURST_PODS};
use crate::analysis::pods::{healthy, Pod};
use crate::tables::ResourceKind;
use crate::timeline::{Interval, LineRef, Point, Timelines};

/// What a failure's return pass tells: when the node was back, and when each pod
/// was re-posted by its kubelet (its own return, in place).
#[derive(Debug, Clone)]
pub(in crate::analysis) struct Back {
    /// N: the first re-post of the pass.
    pub(in crate::analysis) phase: Phase,
    /// Every re-post's point, sorted.
    pub(in crate::analysis) points: Vec<Point>,
}

impl Back {
    /// Where `pod` was re-posted, if it was: its state (by index) and the point.
    pub(in crate::analysis) fn re_post_of(&self, pod: &Pod) -> Option<(usize, Point)> {
        pod.states.iter().enumerate().find_map(|(i, s)| {
            s.touches
                .iter()
                .map(|touch| touch.point)
                .find(|p| self.points.binary_search(p).is_ok())
                .map(|p| (i, p))
        })
    }
}

/// How far after a failure's first mark another pass over its node's pods is more of
/// its marks (as `same_failure` groups marks), not its return.
const MARKS_OF_ONE_FAILURE_MS: i64 = 60_000;

/// The failures shown by a mark pass and a return pass over one node's pods, the
/// node's kubelet silent between them, on nodes where `found` (the failures told
/// otherwise) does not already account for the passes; and the points of the marks
/// of failures in `found` that such a return explains (see [`Walk::failures`]).
pub(super) fn partitions(
    t: &Timelines,
    kubelet: &KubeletWrites,
    found: &[Failure],
    span: &CaptureSpan,
) -> (Vec<Failure>, Vec<Point>) {
    let pods: Vec<usize> = (0..t.objects.len())
        .filter(|&i| t.objects[i].key.kind == ResourceKind::Pod)
        .collect();
    let all = reprints(t, &pods);
    let healthy_pods = HealthySpans::of(t, &pods);
    let printed = Printed::of(&all);
    let mut by_node: HashMap<(&str, &str), Vec<Reprint>> = HashMap::default();
    // A run of reprints of one (source, node) — a pass — gathered before it is filed:
    // told by the names' addresses, without hashing them for each reprint.
    let mut run: Option<((&str, &str), Vec<Reprint>)> = None;
    for r in &all {
        let [i, j] = r.at;
        let Some(node) = t.objects[i].states[j].node.as_deref() else {
            continue;
        };
        let key = (&*r.touch.line.source, node);
        match &mut run {
            Some((k, v)) if std::ptr::eq(k.0, key.0) && std::ptr::eq(k.1, key.1) => v.push(*r),
            _ => {
                if let Some((k, v)) = run.replace((key, vec![*r])) {
                    by_node.entry(k).or_default().extend(v);
                }
            }
        }
    }
    if let Some((k, v)) = run {
        by_node.entry(k).or_default().extend(v);
    }
    let mut marks: HashMap<(&str, &str), Vec<&Phase>> = HashMap::default();
    for f in found {
        if let Some(l) = f.f.first_line() {
            marks.entry((&*l.source, &*f.node)).or_default().push(&f.f);
        }
    }
    let end = span.get().map(|s| s.1);
    let mut keys: Vec<_> = by_node.keys().copied().collect();
    keys.sort_unstable();
    let mut out = Vec::new();
    let mut explained_marks = Vec::new();
    for key in keys {
        let node_reprints = &by_node[&key];
        let passes: Vec<Pass> = bursts(node_reprints, &Spacing::Every)
            .into_iter()
            .map(|r| {
                let reprints = &node_reprints[r];
                let pass = Pass {
                    reprints,
                    whole: false,
                };
                let whole = pass.covers_node(&healthy_pods, key) && pass.is_the_node_s(&printed);
                Pass { reprints, whole }
            })
            .collect();
        let mut existing = marks.remove(&key).unwrap_or_default();
        existing.sort_by_key(|f| f.first_line().map(|l| l.line));
        let walk = Walk {
            node: key.1,
            kubelet,
            end,
        };
        let (failures, explained) = walk.failures(&passes, &existing);
        out.extend(failures);
        explained_marks.extend(explained);
    }
    (out, explained_marks)
}

/// The default toleration of a lost node, after which the taint manager evicts its
/// pods (FORMAT.md §4.5).
const TOLERATION_MS: i64 = 300_000;

/// How long the returning kubelet's re-posts may be spread (it re-posts each pod as
/// it syncs it, within seconds; a generated soak spreads them over 12 s): a pass
/// provably later than this after the first re-post starts the return afresh.
const RETURN_SPREAD_MS: i64 = 30_000;

/// A run of one node's healthy pods reprinted together (places in line order).
#[derive(Clone, Copy)]
struct Pass<'p, 'a> {
    reprints: &'p [Reprint<'a>],
    /// Whether it is a pass over the whole node, as the node controller's mark is
    /// ([`Pass::covers_node`], [`Pass::is_the_node_s`]); a returning kubelet's
    /// re-posts may come in several, other lines between.
    whole: bool,
}

impl<'a> Pass<'_, 'a> {
    fn first(&self) -> &'a LineRef {
        &self.reprints[0].touch.line
    }

    fn last(&self) -> &'a LineRef {
        &self.reprints[self.reprints.len() - 1].touch.line
    }

    /// Whether the pass holds most of the node's healthy pods (two in three): the
    /// node controller marks every one.
    fn covers_node(&self, healthy: &HealthySpans, key: (&str, &str)) -> bool {
        self.reprints.len() * 3 >= healthy.at(key, self.first().line) * 2
    }

    /// Whether a third at least of the reprints printed from the pass's first line to
    /// its last are of its node's pods: an update of many pods at once (a label on
    /// every pod of a namespace) reprints those of every node, interleaved. (Not
    /// most: the node controller marks several lost nodes side by side, and kubelets
    /// back at once re-post side by side.)
    fn is_the_node_s(&self, printed: &Printed) -> bool {
        self.reprints.len() * 3 >= printed.between(self.first(), self.last())
    }

    /// Whether the passes `later` re-post most of this pass's pods (two in three, at
    /// least [`BURST_PODS`]).
    fn returned_by(&self, later: &[Pass]) -> bool {
        let again = self
            .reprints
            .iter()
            .filter(|r| {
                later
                    .iter()
                    .any(|p| p.reprints.iter().any(|q| q.at[0] == r.at[0]))
            })
            .count();
        again >= BURST_PODS && again * 3 >= self.reprints.len() * 2
    }
}

/// One node's passes read in line order, with what else is known of the node: its
/// kubelet's writes, and the failures told otherwise.
struct Walk<'k, 'a> {
    node: &'a str,
    kubelet: &'k KubeletWrites<'a>,
    /// The latest the capture can end: its pods' last sightings' bounds.
    end: Option<i64>,
}

/// Where the node stands as its passes are read.
enum Down<'p, 'a> {
    /// Up, as far as the passes show.
    Up,
    /// Lost, as a pass over the whole node marked it; with the passes since that
    /// may be its return's re-posts.
    Marked {
        mark: Pass<'p, 'a>,
        back: Vec<Pass<'p, 'a>>,
    },
    /// Lost, as a failure found otherwise shows: its phase F.
    Found(&'p Phase),
}

impl<'k, 'a> Walk<'k, 'a> {
    /// The failures the passes show, and the marks of failures found otherwise that
    /// a partition's return explains (a re-post taken for a mark, its pod deleted by
    /// hand minutes later): those are not failures.
    fn failures<'p>(
        &self,
        passes: &[Pass<'p, 'a>],
        found: &[&'p Phase],
    ) -> (Vec<Failure>, Vec<Point>) {
        let mut out = Vec::new();
        let mut explained = Vec::new();
        let mut down = Down::Up;
        // The last whole pass left unexplained (no return, no loss): then the node
        // was up, and a pass soon after it is a live kubelet's re-posts too.
        let mut dropped: Option<Interval> = None;
        let mut next_found = found.iter().peekable();
        for &pass in passes {
            // A failure found otherwise whose mark came before this pass: the node was
            // lost then (a pass marking it that way is its own) — unless its mark is
            // in this pass, and this pass is the return of the node's last mark.
            while let Some(f) =
                next_found.next_if(|f| f.first_line().is_some_and(|l| l.line <= pass.last().line))
            {
                let within = f.first_line().is_some_and(|l| l.line >= pass.first().line);
                let returns = match &down {
                    Down::Marked { mark, back } => {
                        within
                            && self.returns_after(Some(mark.first()), &pass)
                            && mark.returned_by(&with_return(back.clone(), pass))
                    }
                    _ => false,
                };
                if returns {
                    explained.push(f.point);
                } else {
                    down = Down::Found(f);
                }
            }
            down = match down {
                Down::Found(f) if self.marks_of(f, &pass) => Down::Found(f),
                Down::Found(f) if self.returns_after(f.first_line(), &pass) => Down::Up,
                Down::Marked { mark, back } if self.returns_after(Some(mark.first()), &pass) => {
                    let back = with_return(back, pass);
                    if mark.returned_by(&back) {
                        out.push(self.failure(mark, &back));
                        Down::Up
                    } else {
                        Down::Marked { mark, back }
                    }
                }
                Down::Marked { mark, .. } => {
                    dropped = Some(mark.reprints[0].touch.at);
                    self.on_up(pass)
                }
                _ => self.on_up(pass),
            };
        }
        if let Down::Marked { mark, back } = down {
            let after_dropped = dropped.is_some_and(|d| {
                Interval::minus(mark.reprints[0].touch.at, d).min_ms <= TOLERATION_MS
            });
            if back.is_empty() && !after_dropped && self.still_away(&mark) {
                out.push(self.marked_only(mark));
            }
        }
        (out, explained)
    }

    /// Whether a node marked by `mark` and not seen back is still away as the capture
    /// ends: nothing of its kubelet's after the marks, and the capture ending provably
    /// before the default toleration could evict its pods (FORMAT.md §4.5), so that no
    /// eviction was to be seen. (Later, with no eviction, the marks were something
    /// else: a node back from a partition re-posts, a drained one's pods go.)
    fn still_away(&self, mark: &Pass) -> bool {
        // The bounds, not the network: a re-listed pod seen unchanged keeps no line,
        // and the capture's last line may be one.
        let ends_soon = (self.end)
            .zip(mark.reprints[0].touch.at.lower())
            .is_some_and(|(end, at)| end - at <= TOLERATION_MS);
        ends_soon && !self.kubelet.after(self.node, mark.first())
    }

    /// A pass over an up node: the marks of a failure if it is over the whole node,
    /// unless the kubelet printed it as it came back (re-posts among its pods'
    /// restarts).
    fn on_up<'p>(&self, pass: Pass<'p, 'a>) -> Down<'p, 'a> {
        if !pass.whole || self.kubelet.returning_at(self.node, pass.reprints[0].touch) {
            Down::Up
        } else {
            Down::Marked {
                mark: pass,
                back: Vec::new(),
            }
        }
    }

    /// Whether `pass` is more marks of the failure `f` (not provably a minute after
    /// its mark, nothing of the kubelet's between).
    fn marks_of(&self, f: &Phase, pass: &Pass) -> bool {
        let silent = f
            .first_line()
            .is_some_and(|l| !self.kubelet.between(self.node, l, pass.first()));
        silent && Interval::minus(pass.reprints[0].touch.at, f.at).min_ms <= MARKS_OF_ONE_FAILURE_MS
    }

    /// Whether `pass` can be (part of) the return of a node lost at `since`: its
    /// kubelet wrote nothing between (a node back writes its pods' restarts, and then
    /// it is up) but within [`RETURN_SPREAD_MS`] before the pass (what the pods did
    /// while the node was cut off, a container restarted, posted as it comes back),
    /// or the pass came with a reboot's writes (a return's burst).
    fn returns_after(&self, since: Option<&LineRef>, pass: &Pass) -> bool {
        let Some(since) = since else { return false };
        let first = pass.reprints[0].touch;
        let quiet = match first.at.mid() {
            Some(at) => (self.kubelet).only_just_before(
                self.node,
                since,
                pass.first(),
                at,
                RETURN_SPREAD_MS,
            ),
            None => !self.kubelet.between(self.node, since, pass.first()),
        };
        quiet || self.kubelet.returning_at(self.node, first)
    }

    /// The failure a pass alone tells, its node still away as the capture ends.
    fn marked_only(&self, mark: Pass) -> Failure {
        Failure {
            node: self.node.to_string(),
            f: self.marked(
                mark,
                "the capture ends, before their toleration",
                mark.last(),
            ),
            node_state: None,
            back: None,
        }
    }

    /// F: `mark`'s pods marked, nothing of them changed until `until`, seen at `then`.
    fn marked(&self, mark: Pass, until: &str, then: &LineRef) -> Phase {
        let m = mark.reprints[0].touch;
        Phase {
            at: m.at,
            what: format!(
                "pods on {} marked not ready ({} in one pass), nothing of them changed \
                 until {until}",
                self.node,
                mark.reprints.len()
            ),
            evidence: vec![ev(&m.line), ev(then)],
            point: m.point,
            alternatives: Vec::new(),
            since: None,
        }
    }

    fn failure(&self, mark: Pass, back: &[Pass]) -> Failure {
        let b = back[0].reprints[0].touch;
        let mut points: Vec<Point> = back
            .iter()
            .flat_map(|p| p.reprints.iter().map(|r| r.touch.point))
            .collect();
        points.sort_unstable();
        Failure {
            node: self.node.to_string(),
            f: self.marked(mark, "the kubelet re-posted them", &b.line),
            node_state: None,
            back: Some(Back {
                phase: Phase {
                    at: b.at,
                    what: format!(
                        "pods on {} re-posted unchanged by the returning kubelet ({} of them)",
                        self.node,
                        points.len()
                    ),
                    evidence: vec![ev(&b.line)],
                    point: b.point,
                    alternatives: Vec::new(),
                    since: None,
                },
                points,
            }),
        }
    }
}

/// The passes of a return so far, `pass` added: started afresh when it is provably
/// more than [`RETURN_SPREAD_MS`] after the first.
fn with_return<'p, 'a>(mut back: Vec<Pass<'p, 'a>>, pass: Pass<'p, 'a>) -> Vec<Pass<'p, 'a>> {
    let stale = back.first().is_some_and(|b| {
        let since = Interval::minus(pass.reprints[0].touch.at, b.reprints[0].touch.at);
        since.min_ms > RETURN_SPREAD_MS
    });
    if stale {
        back.clear();
    }
    back.push(pass);
    back
}

/// How many of a node's pods were healthy at a line: the line ranges of their healthy
/// states, by source and node.
struct HealthySpans<'a> {
    spans: HashMap<(&'a str, &'a str), Spans>,
}

/// Where spans of lines start, and where they end (each sorted).
#[derive(Default)]
struct Spans {
    starts: Vec<u64>,
    ends: Vec<u64>,
}

impl<'a> HealthySpans<'a> {
    fn of(t: &'a Timelines, pods: &[usize]) -> HealthySpans<'a> {
        let mut spans: HashMap<_, Spans> = HashMap::default();
        for &i in pods {
            let states = &t.objects[i].states;
            for (j, s) in states.iter().enumerate().filter(|(_, s)| healthy(s)) {
                let (Some(node), Some(first)) = (s.node.as_deref(), s.lines.first()) else {
                    continue;
                };
                // Until the next state's line; to the end of the source when that is
                // in another one (an over-count only makes a pass harder to claim).
                let end = states
                    .get(j + 1)
                    .and_then(|n| n.lines.first())
                    .filter(|l| l.source == first.source)
                    .map_or(u64::MAX, |l| l.line);
                let e = spans.entry((&*first.source, node)).or_default();
                e.starts.push(first.line);
                e.ends.push(end);
            }
        }
        for s in spans.values_mut() {
            s.starts.sort_unstable();
            s.ends.sort_unstable();
        }
        HealthySpans { spans }
    }

    fn at(&self, key: (&str, &str), line: u64) -> usize {
        self.spans.get(&key).map_or(0, |s| {
            // (A state's next one printed before it — streams of a file out of order —
            // must not make the count wrap.)
            (s.starts.partition_point(|&l| l <= line))
                .saturating_sub(s.ends.partition_point(|&l| l <= line))
        })
    }
}

/// The lines of every healthy pod's reprint, by source.
struct Printed<'a>(Lines<'a>);

impl<'a> Printed<'a> {
    fn of(all: &[Reprint<'a>]) -> Printed<'a> {
        let mut lines = Lines::default();
        all.iter().for_each(|r| lines.push(&r.touch.line));
        Printed(lines.sorted())
    }

    /// How many reprints from `a` to `b` (inclusive, one source).
    fn between(&self, a: &LineRef, b: &LineRef) -> usize {
        self.0.within(&a.source, a.line, b.line)
    }
}

mod re_posts;
pub(in crate::analysis) use re_posts::{re_post_with_owner, re_posted_in_place, Workloads};

#[cfg(test)]
#[path = "partitions_tests.rs"]
mod tests;
