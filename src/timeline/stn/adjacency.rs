//! The network's edges, laid out flat for the searches.

use super::{Edge, Ms};

/// The edges out of and into each point, each direction in one flat array (compressed
/// sparse rows): a long capture has millions of points, and a small vector each cost
/// more in headers, allocator overhead and spare capacity than the edges themselves.
/// Edges added after the last [`Adjacency::freeze`] wait in `pending`, once for both
/// directions, and are still seen, just slower.
#[derive(Debug, Clone, Default)]
pub(super) struct Adjacency {
    out: Flat,
    /// Reversed edges: `to` is the original `from`.
    inc: Flat,
    pending: Vec<Pending>,
}

/// An edge with its tail, in 20 bytes rather than 24: the weight as two halves, so
/// that nothing is wider than 4 bytes (a soak's network waits here whole, millions of
/// edges, before its first freeze).
#[derive(Debug, Clone, Copy)]
struct Pending {
    from: u32,
    to: u32,
    constraint: u32,
    weight: [u32; 2],
}

impl Pending {
    fn new(from: u32, edge: Edge) -> Pending {
        let w = edge.weight as u64;
        Pending {
            from,
            to: edge.to,
            constraint: edge.constraint,
            weight: [w as u32, (w >> 32) as u32],
        }
    }

    /// The edge, as seen from its tail.
    fn edge(&self) -> Edge {
        Edge {
            to: self.to,
            constraint: self.constraint,
            weight: (u64::from(self.weight[0]) | (u64::from(self.weight[1]) << 32)) as Ms,
        }
    }

    /// The edge as seen from its head: `to` is `from`.
    fn reversed(&self) -> Edge {
        Edge {
            to: self.from,
            ..self.edge()
        }
    }
}

/// One direction, frozen.
#[derive(Debug, Clone, Default)]
struct Flat {
    /// `edges[start[v]..start[v + 1]]` leave point v (points added since the last
    /// freeze have none there). 32-bit: fewer than 2^32 edges (each holds a 32-bit
    /// constraint id), half the memory of the offsets.
    start: Vec<u32>,
    edges: Vec<Edge>,
}

impl Adjacency {
    pub(super) fn push(&mut self, from: usize, edge: Edge) {
        let from = u32::try_from(from).expect("fewer than 2^32 points");
        self.pending.push(Pending::new(from, edge));
    }

    /// The edges leaving `v`, or (`reversed`) entering it, with `to` the other end.
    pub(super) fn of(&self, v: usize, reversed: bool) -> impl Iterator<Item = Edge> + '_ {
        let flat = if reversed { &self.inc } else { &self.out };
        let pending = (!self.pending.is_empty()).then_some(&self.pending);
        flat.of(v)
            .iter()
            .copied()
            .chain(pending.into_iter().flatten().filter_map(move |p| {
                if reversed {
                    (p.to as usize == v).then(|| p.reversed())
                } else {
                    (p.from as usize == v).then(|| p.edge())
                }
            }))
    }

    /// The edges of `v` (or, `reversed`, into it) as one slice, when none wait in
    /// `pending`: the network is frozen, as it is once solved.
    pub(super) fn frozen_of(&self, v: usize, reversed: bool) -> Option<&[Edge]> {
        if !self.pending.is_empty() {
            return None;
        }
        Some(if reversed { &self.inc } else { &self.out }.of(v))
    }

    /// Frees the reversed edges (the forward ones still hold every edge).
    pub(super) fn clear_reversed(&mut self) {
        self.inc = Flat::default();
    }

    /// How many edges (each counted once, in its own direction).
    pub(super) fn len(&self) -> usize {
        self.out.edges.len() + self.pending.len()
    }

    /// Keeps the edges that pass `keep` (pending ones too), both directions.
    pub(super) fn retain(&mut self, keep: impl Fn(&Edge) -> bool) {
        self.out.retain(&keep);
        self.inc.retain(&keep);
        self.pending.retain(|p| keep(&p.edge()));
    }

    /// Moves the pending edges into the flat arrays.
    pub(super) fn freeze(&mut self, points: usize) {
        if self.pending.is_empty() && self.out.start.len() == points + 1 {
            return;
        }
        let pending = std::mem::take(&mut self.pending);
        self.out = self
            .out
            .merged(points, pending.iter().map(|p| (p.from as usize, p.edge())));
        // The reversed edges from the forward ones, once the pending list is gone: the
        // three at once were the peak of a long capture's solving (a 50 MB soak's
        // 1.5 million edges: 36 MB pending beside 55 MB of flat arrays).
        drop(pending);
        self.inc = Flat::default();
        self.inc = self.out.transposed(points);
    }
}

impl Flat {
    /// Keeps the edges that pass `keep`, each point's in their order.
    fn retain(&mut self, keep: impl Fn(&Edge) -> bool) {
        let mut w = 0;
        for v in 0..self.start.len().saturating_sub(1) {
            let (a, b) = (self.start[v] as usize, self.start[v + 1] as usize);
            self.start[v] = w as u32;
            for i in a..b {
                if keep(&self.edges[i]) {
                    self.edges[w] = self.edges[i];
                    w += 1;
                }
            }
        }
        if let Some(last) = self.start.last_mut() {
            *last = w as u32;
        }
        self.edges.truncate(w);
        self.edges.shrink_to_fit();
    }

    fn of(&self, v: usize) -> &[Edge] {
        match (self.start.get(v), self.start.get(v + 1)) {
            (Some(&a), Some(&b)) => &self.edges[a as usize..b as usize],
            _ => &[],
        }
    }

    /// The same edges seen from their heads (`to` is the tail), each point's in the
    /// order of their tails.
    fn transposed(&self, points: usize) -> Flat {
        let tails = (0..points).flat_map(|v| self.of(v).iter().map(move |e| (v, *e)));
        Flat::default().merged(
            points,
            tails.map(|(v, e)| (e.to(), Edge { to: v as u32, ..e })),
        )
    }

    /// These edges and `more` (by the point they leave), over `points` points: a
    /// counting sort that keeps each point's edges in the order they were added.
    fn merged(&self, points: usize, more: impl Iterator<Item = (usize, Edge)> + Clone) -> Flat {
        let mut count = vec![0u32; points + 1];
        for v in 0..points {
            count[v + 1] = self.of(v).len() as u32;
        }
        for (from, _) in more.clone() {
            count[from + 1] += 1;
        }
        for v in 0..points {
            count[v + 1] = count[v + 1]
                .checked_add(count[v])
                .expect("fewer than 2^32 edges");
        }
        let mut edges = vec![Edge::new(0, 0, 0); count[points] as usize];
        let mut next = count.clone();
        for v in 0..points {
            for e in self.of(v) {
                edges[next[v] as usize] = *e;
                next[v] += 1;
            }
        }
        for (from, e) in more {
            edges[next[from] as usize] = e;
            next[from] += 1;
        }
        Flat {
            start: count,
            edges,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edge(to: usize, constraint: usize) -> Edge {
        Edge::new(to, 0, constraint)
    }

    #[test]
    fn a_pending_edge_takes_20_bytes_and_keeps_its_weight() {
        assert_eq!(std::mem::size_of::<Pending>(), 20);
        for w in [0, 1, -1, Ms::MAX, Ms::MIN, 86_400_000 * 400, -(1 << 40) - 7] {
            let e = Pending::new(3, Edge::new(5, w, 9)).edge();
            assert_eq!((e.to(), e.weight, e.constraint()), (5, w, 9));
        }
    }

    fn targets(a: &Adjacency, v: usize, reversed: bool) -> Vec<(usize, usize)> {
        a.of(v, reversed)
            .map(|e| (e.to(), e.constraint()))
            .collect()
    }

    /// Edges are seen in the order they were added, both ways, before a freeze, after
    /// it, and when more come after a freeze (also for points added since). Here no
    /// point has two edges in whose tails come out of order; for those, see below.
    #[test]
    fn edges_keep_their_order_through_freezes() {
        let mut a = Adjacency::default();
        a.push(0, edge(1, 0));
        a.push(2, edge(0, 1));
        a.push(0, edge(2, 2));
        let before: Vec<_> = (0..3)
            .flat_map(|v| [targets(&a, v, false), targets(&a, v, true)])
            .collect();
        a.freeze(3);
        let frozen: Vec<_> = (0..3)
            .flat_map(|v| [targets(&a, v, false), targets(&a, v, true)])
            .collect();
        assert_eq!(before, frozen);
        assert_eq!(targets(&a, 0, false), [(1, 0), (2, 2)]);
        assert_eq!(targets(&a, 0, true), [(2, 1)]);
        assert_eq!(targets(&a, 2, true), [(0, 2)]);
        assert_eq!(a.len(), 3);
        a.push(0, edge(3, 3));
        a.push(3, edge(1, 4));
        assert_eq!(targets(&a, 0, false), [(1, 0), (2, 2), (3, 3)]);
        assert_eq!(targets(&a, 3, false), [(1, 4)]);
        assert_eq!(targets(&a, 1, true), [(0, 0), (3, 4)]);
        a.freeze(4);
        assert_eq!(targets(&a, 0, false), [(1, 0), (2, 2), (3, 3)]);
        assert_eq!(targets(&a, 3, false), [(1, 4)]);
        assert_eq!(targets(&a, 1, false), []);
        assert_eq!(targets(&a, 1, true), [(0, 0), (3, 4)]);
        assert_eq!(targets(&a, 3, true), [(0, 3)]);
        assert_eq!(a.len(), 5);
    }

    /// Once frozen, the edges into a point come in the order of their tails (they are
    /// built from the forward edges, after the pending list is freed): the same edges
    /// as before the freeze, which the searches' answers do not depend on the order of.
    #[test]
    fn edges_into_a_point_come_by_tail_once_frozen() {
        let mut a = Adjacency::default();
        a.push(2, edge(1, 0));
        a.push(0, edge(1, 1));
        assert_eq!(targets(&a, 1, true), [(2, 0), (0, 1)]);
        a.freeze(3);
        assert_eq!(targets(&a, 1, true), [(0, 1), (2, 0)]);
        assert_eq!(targets(&a, 2, false), [(1, 0)]);
        assert_eq!(targets(&a, 0, false), [(1, 1)]);
    }
}
