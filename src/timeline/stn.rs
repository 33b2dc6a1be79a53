//! A simple temporal network: difference constraints `x_j − x_i ∈ [a, b]` over time
//! points, solved as shortest paths (Dechter, Meiri & Pearl 1991).
//!
//! The tightest bounds of a point relative to the origin are the shortest-path
//! distances from and to the origin; a negative cycle means the constraints
//! contradict each other, and the cycle names the constraints involved. Times are
//! integer milliseconds, so open bounds can be closed exactly (1 ms inside).
//!
//! Consistency is found first by [`Network::settle_resolving`] (points added in time
//! order, only the ones that must move visited; a contradiction met on the way names
//! its cycle there and, once the caller drops a constraint of it, the point is added
//! again: `settle`); past its work budget, [`Network::check`] (Bellman–Ford sweeps
//! from a virtual source joined to every point) names the cycles. Either keeps the
//! feasible solution it found as a potential: with it every edge has a non-negative
//! reduced cost (Johnson 1977), so each later single-source search is a Dijkstra in
//! O(E log V) instead of a label-correcting pass that may revisit a point many times
//! (chains of line order crossed by AGE stars are such a case). The edges are kept
//! flat (`adjacency`).

use std::collections::VecDeque;
use std::sync::OnceLock;

mod adjacency;
mod buckets;
mod by_time;
mod csr;
mod lazy;
mod local;
mod moves;
mod near;
mod settle;

pub use lazy::Found;
pub use local::Landmarks;

use adjacency::Adjacency;
use buckets::Buckets;
use by_time::ByTime;

/// Milliseconds: the unit of every time in the network.
pub type Ms = i64;

/// "No bound".
pub const UNBOUNDED: Ms = i64::MAX / 4;

/// A constraint's identity, to name it in a conflict.
pub type ConstraintId = usize;

/// `x_to − x_from ≤ weight`, for constraint `constraint`. Indices are stored in 32
/// bits (16 bytes an edge instead of 24: a long capture has millions of edges, each
/// kept twice); a network of 2³² points would need hundreds of gigabytes first.
#[derive(Debug, Clone, Copy)]
struct Edge {
    to: u32,
    constraint: u32,
    weight: Ms,
}

impl Edge {
    fn new(to: usize, weight: Ms, constraint: ConstraintId) -> Edge {
        Edge {
            to: u32::try_from(to).expect("fewer than 2^32 points"),
            constraint: u32::try_from(constraint).expect("fewer than 2^32 constraints"),
            weight,
        }
    }

    fn to(&self) -> usize {
        self.to as usize
    }

    fn constraint(&self) -> ConstraintId {
        self.constraint as usize
    }
}

/// A set of time points and difference constraints between them.
#[derive(Debug, Clone, Default)]
pub struct Network {
    points: usize,
    edges: Adjacency,
    removed: Vec<bool>, // by constraint id
    /// Whether some edge in `edges` belongs to a removed constraint (the searches
    /// then look each edge's constraint up; after [`Network::drop_removed`] they need not).
    has_removed: bool,
    /// A feasible solution found by the last successful [`Network::check`]; cleared by
    /// any change that could make it infeasible.
    potential: Option<Vec<Ms>>,
    /// The network laid out for the windowed searches, made on the first one after
    /// the potential was found (`by_time`); any change discards it.
    by_time: OnceLock<ByTime>,
    /// Whether the edges were given up for `by_time` ([`Network::keep_for_windows`]).
    windows_only: bool,
}

/// A point's edges: one slice when the network is frozen, else every source.
enum EdgesOf<'a, I> {
    Frozen(adjacency::EdgesAt<'a>),
    General(I),
}

impl<I: Iterator<Item = Edge>> Iterator for EdgesOf<'_, I> {
    type Item = Edge;

    #[inline(always)]
    fn next(&mut self) -> Option<Edge> {
        match self {
            EdgesOf::Frozen(edges) => edges.next(),
            EdgesOf::General(edges) => edges.next(),
        }
    }
}

/// Reusable arrays of the local searches ([`Network::distance_within`]): a label for
/// each rank of the window searched (ranks in time order, `by_time`: a window's points
/// are consecutive ranks), so a search costs its window, not the network (a soak's
/// network has two million points, a window fifteen thousand).
#[derive(Debug, Default)]
pub struct Scratch {
    /// Reduced distances while a search runs, in 32 bits (half the bytes of a label
    /// and of a queue entry: a search waits on memory more than it computes). A
    /// reduced distance past `u32::MAX` ms (a path 49 days slacker than the schedule)
    /// is left unreached, which may only widen an answer. Kept as they are once the
    /// search is over: a distance is worked out from its label when asked
    /// ([`Reduced::distance`]), not for every rank of the window.
    label: Vec<u32>,
    /// The labels of a search back from the far end (`near::meet`).
    back: Vec<u32>,
    first: u32,
    /// How the last search's labels read as distances.
    reduced: Reduced,
    /// The queue, kept for its buckets' room (a soak asks tens of thousands of
    /// short searches).
    queue: Buckets<u32>,
    back_queue: Buckets<u32>,
    /// The labels of a search aimed at its far end (`near::toward`), by rank over the
    /// whole network, each stamped with the search that set it: a label of another
    /// search reads as unreached. Such a search settles a few hundred points of a
    /// window of thousands, and clearing the window's labels before each one cost half
    /// as much as the search (a soak's near pairs, 20 MB: 82 M instructions of
    /// `memset`); noting each label set, to put it back after, cost 83 M.
    aimed: Vec<u64>,
    /// The stamp of the running aimed search, even (0: none; slots start at 0; a slot
    /// stamped one more is settled: `near::Stamped`).
    stamp: u32,
}

/// What turns a search's reduced distances (labels) back into distances: its
/// direction and the potential of its source.
#[derive(Debug, Default, Clone, Copy)]
struct Reduced {
    reversed: bool,
    base: Ms,
}

impl Reduced {
    /// The distance of label `label` at rank `r` of `t` ([`UNBOUNDED`] unreached).
    #[inline]
    fn distance(self, t: &by_time::ByTime, r: u32, label: u32) -> Ms {
        if label == UNREACHED {
            UNBOUNDED
        } else {
            Ms::from(label) + t.phi(r as usize, self.reversed) - self.base
        }
    }
}

/// No label yet.
const UNREACHED: u32 = u32::MAX;

impl Scratch {
    /// Ready for a search over the ranks `span`, none reached.
    fn reset(&mut self, span: std::ops::Range<u32>) {
        self.first = span.start;
        self.label.clear();
        self.label.resize(span.len(), UNREACHED);
        self.queue.clear();
    }

    /// The last search's distance to rank `r` of `t` ([`UNBOUNDED`] outside its span).
    fn at(&self, t: &by_time::ByTime, r: u32) -> Ms {
        r.checked_sub(self.first)
            .and_then(|i| self.label.get(i as usize))
            .map_or(UNBOUNDED, |&l| self.reduced.distance(t, r, l))
    }
}

/// Constraints that cannot hold together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    /// The constraints of the cycle.
    pub constraints: Vec<ConstraintId>,
}

impl Network {
    /// An empty network.
    pub fn new() -> Network {
        Network::default()
    }

    /// Adds a time point; returns its index.
    pub fn point(&mut self) -> usize {
        assert!(
            !self.windows_only,
            "a network kept for windows is not changed"
        );
        self.by_time.take();
        if let Some(p) = &mut self.potential {
            p.push(0); // a new point has no constraints yet: any value is feasible
        }
        self.points += 1;
        self.points - 1
    }

    /// How many points.
    pub fn len(&self) -> usize {
        self.points
    }

    /// Whether it has no points.
    pub fn is_empty(&self) -> bool {
        self.points == 0
    }

    /// Lays the edges out flat for the searches (see `Adjacency`); the solvers do it
    /// themselves, a caller can do it once all constraints are in.
    pub fn freeze(&mut self) {
        self.edges.freeze(self.points);
    }

    /// Adds `x_j − x_i ∈ [lo, hi]` (either side may be [`UNBOUNDED`]) as constraint `id`.
    pub fn constrain(&mut self, i: usize, j: usize, lo: Ms, hi: Ms, id: ConstraintId) {
        assert!(
            !self.windows_only,
            "a network kept for windows is not changed"
        );
        // Ids come one after another: a push, not a call to `resize` a constraint.
        if self.removed.len() == id {
            self.removed.push(false);
        } else if self.removed.len() < id {
            self.removed.resize(id + 1, false);
        }
        self.potential = None;
        self.by_time.take();
        if hi < UNBOUNDED {
            self.edges.push(i, Edge::new(j, hi, id));
        }
        if lo > -UNBOUNDED {
            self.edges.push(j, Edge::new(i, -lo, id));
        }
    }

    /// The edges of `edges` whose constraint has not been removed.
    fn live<'a>(
        &'a self,
        edges: impl Iterator<Item = Edge> + 'a,
    ) -> impl Iterator<Item = Edge> + 'a {
        let check = self.has_removed;
        edges.filter(move |e| !check || !self.removed.get(e.constraint()).copied().unwrap_or(false))
    }

    /// The live edges of `u` (into `u`, with `to` its tail, when `reversed`): the
    /// searches' inner loop. Once the network is frozen with nothing removed, a plain
    /// walk over one slice — the general iterator (pending edges, removed ones) was
    /// left out of line, and cost a fifth of a soak's analysis.
    #[inline(always)]
    fn edges_of(&self, u: usize, reversed: bool) -> EdgesOf<'_, impl Iterator<Item = Edge> + '_> {
        match self.edges.frozen_of(u, reversed) {
            Some(edges) if !self.has_removed => EdgesOf::Frozen(edges),
            _ => EdgesOf::General(self.live(self.edges.of(u, reversed))),
        }
    }

    /// Takes constraint `id` out of the network (used to drop the weakest link of a conflict).
    pub fn remove(&mut self, id: ConstraintId) {
        if let Some(r) = self.removed.get_mut(id) {
            *r = true;
            self.has_removed = true;
            self.by_time.take();
        }
    }

    /// Takes the edges of removed constraints out of the flat arrays, once the network
    /// is solved: every later search would otherwise look up each edge's constraint.
    pub fn drop_removed(&mut self) {
        self.freeze();
        if self.has_removed {
            let removed = &self.removed;
            self.edges
                .retain(|e| !removed.get(e.constraint()).copied().unwrap_or(false));
            self.has_removed = false;
        }
    }

    /// Shortest distances from `src` (`x_v − x_src ≤ d[v]`), forward or along reversed
    /// edges (`x_src − x_v ≤ d[v]`). `Err` with the cycle's constraints on a negative cycle.
    pub fn distances(&self, src: usize, reversed: bool) -> Result<Vec<Ms>, Conflict> {
        let n = self.points;
        if src >= n {
            return Ok(vec![UNBOUNDED; n]);
        }
        if self.windows_only {
            let mut scratch = Scratch::default();
            self.search_within(src, reversed, (-UNBOUNDED, UNBOUNDED), &mut scratch);
            // Each point's label read by its rank with the layout looked up once (a
            // call to `distance_found` a point, each finding the layout again, was a
            // sixth of the clock's instructions).
            let Some(t) = self.by_time() else {
                return Ok(vec![UNBOUNDED; n]);
            };
            return Ok(t.rank.iter().map(|&r| scratch.at(t, r)).collect());
        }
        if let Some(p) = self.potential.as_deref().filter(|p| p.len() == n) {
            return Ok(self.dijkstra(reversed, src, p, if reversed { -1 } else { 1 }));
        }
        self.search(reversed, src)
    }

    /// Shortest distances from `src` both ways (forward, reversed), the two searches
    /// run side by side when there is a second core.
    pub fn distances_both(
        &self,
        src: usize,
    ) -> (Result<Vec<Ms>, Conflict>, Result<Vec<Ms>, Conflict>) {
        rayon::join(|| self.distances(src, false), || self.distances(src, true))
    }

    /// Checks the whole network for consistency (from a virtual source joined to
    /// every point), returning a conflict if there is one. On success the distances
    /// are kept as the potential that later searches run Dijkstra with.
    pub fn check(&mut self) -> Result<(), Conflict> {
        self.freeze();
        let d = self.sweeps()?;
        self.potential = Some(d);
        self.by_time.take();
        Ok(())
    }

    /// How many live edges a labelling violates (for the debug check above).
    fn violations(&self, pi: &[Ms]) -> usize {
        (0..self.points)
            .flat_map(|u| self.live(self.edges.of(u, false)).map(move |e| (u, e)))
            .filter(|(u, e)| pi[e.to()] > pi[*u] + e.weight)
            .count()
    }

    fn edge_count(&self) -> usize {
        self.edges.len()
    }

    /// Bellman–Ford from a virtual source joined to every point by 0, in sweeps over
    /// the points alternately forward and backward, each relaxation seeing the labels
    /// already lowered in the same sweep (Yen 1970). Line order runs one way through
    /// the indices and AGE stars the other, so a shortest path changes direction far
    /// less often than it has edges, where a FIFO queue needs one pass per edge of the
    /// longest path. More than `n + 1` sweeps with changes, or a loop in the
    /// predecessor graph, is a negative cycle.
    fn sweeps(&self) -> Result<Vec<Ms>, Conflict> {
        let n = self.points;
        let mut dist = vec![0; n];
        let mut pred: Vec<Option<(usize, ConstraintId)>> = vec![None; n];
        let mut sweep = 0;
        loop {
            let mut changed = false;
            let order: Box<dyn Iterator<Item = usize>> = if sweep % 2 == 0 {
                Box::new(0..n)
            } else {
                Box::new((0..n).rev())
            };
            for u in order {
                let du = dist[u];
                for e in self.live(self.edges.of(u, false)) {
                    let nd = du + e.weight;
                    if nd < dist[e.to()] {
                        dist[e.to()] = nd;
                        pred[e.to()] = Some((u, e.constraint()));
                        changed = true;
                    }
                }
            }
            if !changed {
                return Ok(dist);
            }
            sweep += 1;
            if sweep % 8 == 0 || sweep > n + 1 {
                if let Some(constraints) = pred_cycle(&pred) {
                    return Err(Conflict { constraints });
                }
                if sweep > n + 1 {
                    let start = (0..n).find(|&v| pred[v].is_some()).unwrap_or(0);
                    return Err(Conflict {
                        constraints: cycle(&pred, start, n),
                    });
                }
            }
        }
    }

    /// The potential of point `p` (a feasible time for it), when current.
    pub fn feasible_time(&self, p: usize) -> Option<Ms> {
        self.potential
            .as_deref()
            .filter(|v| v.len() == self.points)?
            .get(p)
            .copied()
    }

    /// Dijkstra on reduced costs `w + φ(u) − φ(v) ≥ 0`, with `φ = sign · potential`
    /// (the potential is feasible for the forward edges; its negation for the
    /// reversed ones). Returns true distances.
    fn dijkstra(&self, reversed: bool, src: usize, potential: &[Ms], sign: Ms) -> Vec<Ms> {
        let phi = |v: usize| sign * potential[v];
        let n = self.points;
        let mut dist = vec![UNBOUNDED; n];
        let mut queue = Buckets::<u64>::default();
        dist[src] = 0;
        queue.push(0, src as u32);
        while let Some((d, u)) = queue.pop_fresh(|d, u| d as Ms > dist[u as usize]) {
            let (d, u) = (d as Ms, u as usize);
            // A point is queued again only with a strictly shorter distance, so the
            // entry holding its final distance is the only one not stale: no array
            // of points done (a pass over the network reads less memory).
            if d > dist[u] {
                continue;
            }
            let phi_u = phi(u);
            for e in self.edges_of(u, reversed) {
                let reduced = e.weight + phi_u - phi(e.to());
                debug_assert!(reduced >= 0, "potential is not feasible");
                let nd = d + reduced.max(0);
                if nd < dist[e.to()] {
                    dist[e.to()] = nd;
                    queue.push(nd as u64, e.to() as u32);
                }
            }
        }
        let base = phi(src);
        for (v, d) in dist.iter_mut().enumerate() {
            if *d < UNBOUNDED {
                *d = *d + phi(v) - base;
            }
        }
        dist
    }

    /// Label-correcting search from `src` (FIFO Bellman–Ford), for networks without a
    /// potential yet. More than `n` passes over the queue, or a loop in the
    /// predecessor graph, is a negative cycle. (Counting passes, not relaxations: a
    /// point may be relaxed several times within one pass, by different predecessors,
    /// without any cycle.)
    fn search(&self, reversed: bool, src: usize) -> Result<Vec<Ms>, Conflict> {
        let n = self.points;
        let limit = n;
        let mut dist = vec![UNBOUNDED; n];
        dist[src] = 0;
        let mut pred: Vec<Option<(usize, ConstraintId)>> = vec![None; n];
        let mut in_queue = vec![false; n];
        let mut total: u64 = 0;
        in_queue[src] = true;
        let mut queue: VecDeque<usize> = VecDeque::from([src]);
        let mut pass = 0;
        let mut left_in_pass = queue.len();
        while let Some(u) = queue.pop_front() {
            if left_in_pass == 0 {
                pass += 1;
                left_in_pass = queue.len() + 1;
                if pass > limit {
                    let constraints = pred_cycle(&pred).unwrap_or_else(|| cycle(&pred, u, n));
                    return Err(Conflict { constraints });
                }
            }
            left_in_pass -= 1;
            in_queue[u] = false;
            let du = dist[u];
            for e in self.live(self.edges.of(u, reversed)) {
                let nd = du + e.weight;
                if nd < dist[e.to()] {
                    dist[e.to()] = nd;
                    pred[e.to()] = Some((u, e.constraint()));
                    total += 1;
                    // Every n relaxations, look for a loop in the predecessor graph: it
                    // exists exactly when a negative cycle has been reached, and finding
                    // it early avoids Bellman–Ford's O(V·E) worst case.
                    if total % (n as u64 + 1) == 0 {
                        if let Some(constraints) = pred_cycle(&pred) {
                            return Err(Conflict { constraints });
                        }
                    }
                    if !in_queue[e.to()] {
                        in_queue[e.to()] = true;
                        queue.push_back(e.to());
                    }
                }
            }
        }
        Ok(dist)
    }
}

/// A loop in the predecessor graph, as its constraints (each point has at most one
/// predecessor, so colouring each walk finds loops in O(V)).
fn pred_cycle(pred: &[Option<(usize, ConstraintId)>]) -> Option<Vec<ConstraintId>> {
    let n = pred.len();
    // 0 = unvisited, otherwise the id of the walk that visited it.
    let mut walk = vec![0u32; n];
    for start in 0..n {
        if walk[start] != 0 {
            continue;
        }
        let id = start as u32 + 1;
        let mut v = start;
        loop {
            if walk[v] == id {
                // Found a loop through v.
                let mut out = Vec::new();
                let first = v;
                loop {
                    let (p, c) = pred[v]?;
                    out.push(c);
                    v = p;
                    if v == first {
                        break;
                    }
                }
                out.sort_unstable();
                out.dedup();
                return Some(out);
            }
            if walk[v] != 0 {
                break;
            }
            walk[v] = id;
            match pred[v] {
                Some((p, _)) => v = p,
                None => break,
            }
        }
    }
    None
}

/// Walks predecessors from a node relaxed too often until a point repeats: the
/// constraints on that loop form the negative cycle.
fn cycle(pred: &[Option<(usize, ConstraintId)>], start: usize, n: usize) -> Vec<ConstraintId> {
    let mut v = start;
    for _ in 0..n {
        match pred[v] {
            Some((p, _)) => v = p,
            None => break,
        }
    }
    let mut out = Vec::new();
    let first = v;
    for _ in 0..=n {
        match pred[v] {
            Some((p, c)) => {
                out.push(c);
                v = p;
                if v == first {
                    break;
                }
            }
            None => break,
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

#[cfg(test)]
mod tests;
