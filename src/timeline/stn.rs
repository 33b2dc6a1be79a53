//! A simple temporal network: difference constraints `x_j − x_i ∈ [a, b]` over time
//! points, solved as shortest paths (Dechter, Meiri & Pearl 1991).
//!
//! The tightest bounds of a point relative to the origin are the shortest-path
//! distances from and to the origin; a negative cycle means the constraints
//! contradict each other, and the cycle names the constraints involved. Times are
//! integer milliseconds, so open bounds can be closed exactly (1 ms inside).
//!
//! Shortest paths use a FIFO label-correcting search (Bellman–Ford with a queue):
//! the networks here are mostly chains (line order) and stars (AGE), where it runs
//! in near-linear time.

use std::collections::VecDeque;

/// Milliseconds: the unit of every time in the network.
pub type Ms = i64;

/// "No bound".
pub const UNBOUNDED: Ms = i64::MAX / 4;

/// A constraint's identity, to name it in a conflict.
pub type ConstraintId = usize;

#[derive(Debug, Clone, Copy)]
struct Edge {
    to: usize,
    /// `x_to − x_from ≤ weight`.
    weight: Ms,
    constraint: ConstraintId,
}

/// A set of time points and difference constraints between them.
#[derive(Debug, Clone, Default)]
pub struct Network {
    out: Vec<Vec<Edge>>,
    inc: Vec<Vec<Edge>>, // reversed edges: `to` is the original `from`
    removed: Vec<bool>,  // by constraint id
}

/// Constraints that cannot hold together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    pub constraints: Vec<ConstraintId>,
}

impl Network {
    pub fn new() -> Network {
        Network::default()
    }

    /// Adds a time point; returns its index.
    pub fn point(&mut self) -> usize {
        self.out.push(Vec::new());
        self.inc.push(Vec::new());
        self.out.len() - 1
    }

    pub fn len(&self) -> usize {
        self.out.len()
    }

    pub fn is_empty(&self) -> bool {
        self.out.is_empty()
    }

    /// Adds `x_j − x_i ∈ [lo, hi]` (either side may be [`UNBOUNDED`]) as constraint `id`.
    pub fn constrain(&mut self, i: usize, j: usize, lo: Ms, hi: Ms, id: ConstraintId) {
        if self.removed.len() <= id {
            self.removed.resize(id + 1, false);
        }
        if hi < UNBOUNDED {
            self.out[i].push(Edge {
                to: j,
                weight: hi,
                constraint: id,
            });
            self.inc[j].push(Edge {
                to: i,
                weight: hi,
                constraint: id,
            });
        }
        if lo > -UNBOUNDED {
            self.out[j].push(Edge {
                to: i,
                weight: -lo,
                constraint: id,
            });
            self.inc[i].push(Edge {
                to: j,
                weight: -lo,
                constraint: id,
            });
        }
    }

    /// Takes constraint `id` out of the network (used to drop the weakest link of a conflict).
    pub fn remove(&mut self, id: ConstraintId) {
        if let Some(r) = self.removed.get_mut(id) {
            *r = true;
        }
    }

    /// Shortest distances from `src` (`x_v − x_src ≤ d[v]`), forward or along reversed
    /// edges (`x_src − x_v ≤ d[v]`). `Err` with the cycle's constraints on a negative cycle.
    pub fn distances(&self, src: usize, reversed: bool) -> Result<Vec<Ms>, Conflict> {
        let adj = if reversed { &self.inc } else { &self.out };
        let n = adj.len();
        if src >= n {
            return Ok(vec![UNBOUNDED; n]);
        }
        let mut dist = vec![UNBOUNDED; n];
        dist[src] = 0;
        self.search(adj, dist, vec![src], n)
    }

    /// Checks the whole network for consistency (from a virtual source joined to
    /// every point), returning a conflict if there is one.
    pub fn check(&self) -> Result<(), Conflict> {
        let n = self.out.len();
        self.search(&self.out, vec![0; n], (0..n).collect(), n + 1)
            .map(|_| ())
    }

    /// Label-correcting search from the `starts` with initial labels `dist`. A point
    /// relaxed more than `limit` times, or a loop in the predecessor graph, is a
    /// negative cycle.
    fn search(
        &self,
        adj: &[Vec<Edge>],
        mut dist: Vec<Ms>,
        starts: Vec<usize>,
        limit: usize,
    ) -> Result<Vec<Ms>, Conflict> {
        let n = adj.len();
        let mut pred: Vec<Option<(usize, ConstraintId)>> = vec![None; n];
        let mut in_queue = vec![false; n];
        let mut relaxed = vec![0u32; n];
        let mut total: u64 = 0;
        for &s in &starts {
            in_queue[s] = true;
        }
        let mut queue: VecDeque<usize> = starts.into();
        while let Some(u) = queue.pop_front() {
            in_queue[u] = false;
            let du = dist[u];
            for e in &adj[u] {
                if self.removed.get(e.constraint).copied().unwrap_or(false) {
                    continue;
                }
                let nd = du + e.weight;
                if nd < dist[e.to] {
                    dist[e.to] = nd;
                    pred[e.to] = Some((u, e.constraint));
                    relaxed[e.to] += 1;
                    total += 1;
                    // Every n relaxations, look for a loop in the predecessor graph: it
                    // exists exactly when a negative cycle has been reached, and finding
                    // it early avoids Bellman–Ford's O(V·E) worst case.
                    if total % (n as u64 + 1) == 0 {
                        if let Some(constraints) = pred_cycle(&pred) {
                            return Err(Conflict { constraints });
                        }
                    }
                    if relaxed[e.to] as usize > limit {
                        return Err(Conflict {
                            constraints: cycle(&pred, e.to, n),
                        });
                    }
                    if !in_queue[e.to] {
                        in_queue[e.to] = true;
                        queue.push_back(e.to);
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
mod tests {
    use super::*;

    #[test]
    fn tightest_bounds_come_from_both_directions() {
        let mut n = Network::new();
        let o = n.point();
        let a = n.point();
        let b = n.point();
        n.constrain(o, a, 10, 20, 0);
        n.constrain(a, b, 5, 5, 1);
        n.constrain(o, b, 0, 22, 2);
        let fwd = n.distances(o, false).unwrap();
        let back = n.distances(o, true).unwrap();
        // a ∈ [10, 17], b ∈ [15, 22]
        assert_eq!((-back[a], fwd[a]), (10, 17));
        assert_eq!((-back[b], fwd[b]), (15, 22));
    }

    #[test]
    fn a_contradiction_names_its_constraints_and_removing_one_heals_it() {
        let mut n = Network::new();
        let o = n.point();
        let a = n.point();
        n.constrain(o, a, 10, 20, 0);
        n.constrain(o, a, 30, 40, 1);
        let c = n.check().unwrap_err();
        assert_eq!(c.constraints, vec![0, 1]);
        n.remove(1);
        assert!(n.check().is_ok());
        assert!(n.distances(o, false).is_ok());
    }
}
