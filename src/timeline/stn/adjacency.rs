//! The network's edges, laid out flat for the searches.

use super::Edge;

/// The edges out of each point, in one flat array (compressed sparse rows): a long
/// capture has millions of points, and a small vector each cost more in headers,
/// allocator overhead and spare capacity than the edges themselves. Edges added after
/// the last [`Adjacency::freeze`] wait in `pending` and are still seen, just slower.
#[derive(Debug, Clone, Default)]
pub(super) struct Adjacency {
    /// `edges[start[v]..start[v + 1]]` leave point v (points added since the last
    /// freeze have none there).
    start: Vec<usize>,
    edges: Vec<Edge>,
    pending: Vec<(u32, Edge)>,
}

impl Adjacency {
    pub(super) fn push(&mut self, from: usize, e: Edge) {
        self.pending
            .push((u32::try_from(from).expect("fewer than 2^32 points"), e));
    }

    /// The edges leaving `v`.
    pub(super) fn of(&self, v: usize) -> impl Iterator<Item = &Edge> + '_ {
        let frozen = match (self.start.get(v), self.start.get(v + 1)) {
            (Some(&a), Some(&b)) => &self.edges[a..b],
            _ => &[],
        };
        let pending = (!self.pending.is_empty()).then_some(&self.pending);
        frozen.iter().chain(
            pending
                .into_iter()
                .flatten()
                .filter(move |(from, _)| *from as usize == v)
                .map(|(_, e)| e),
        )
    }

    pub(super) fn len(&self) -> usize {
        self.edges.len() + self.pending.len()
    }

    /// Moves the pending edges into the flat array (a counting sort by point).
    pub(super) fn freeze(&mut self, points: usize) {
        if self.pending.is_empty() && self.start.len() == points + 1 {
            return;
        }
        let mut count = vec![0usize; points + 1];
        for v in 0..points {
            count[v + 1] = self.of_frozen(v).len();
        }
        for (from, _) in &self.pending {
            count[*from as usize + 1] += 1;
        }
        for v in 0..points {
            count[v + 1] += count[v];
        }
        let mut edges = vec![Edge::new(0, 0, 0); count[points]];
        let mut next = count.clone();
        for v in 0..points {
            for e in self.of_frozen(v) {
                edges[next[v]] = *e;
                next[v] += 1;
            }
        }
        for (from, e) in self.pending.drain(..) {
            let from = from as usize;
            edges[next[from]] = e;
            next[from] += 1;
        }
        self.pending = Vec::new();
        self.start = count;
        self.edges = edges;
    }

    fn of_frozen(&self, v: usize) -> &[Edge] {
        match (self.start.get(v), self.start.get(v + 1)) {
            (Some(&a), Some(&b)) => &self.edges[a..b],
            _ => &[],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edge(to: usize, constraint: usize) -> Edge {
        Edge::new(to, 0, constraint)
    }

    fn targets(a: &Adjacency, v: usize) -> Vec<(usize, usize)> {
        a.of(v).map(|e| (e.to(), e.constraint())).collect()
    }

    /// Edges are seen in the order they were added, before a freeze, after it, and
    /// when more come after a freeze (also for points added since).
    #[test]
    fn edges_keep_their_order_through_freezes() {
        let mut a = Adjacency::default();
        a.push(0, edge(1, 0));
        a.push(2, edge(0, 1));
        a.push(0, edge(2, 2));
        let before: Vec<_> = (0..3).map(|v| targets(&a, v)).collect();
        a.freeze(3);
        let frozen: Vec<_> = (0..3).map(|v| targets(&a, v)).collect();
        assert_eq!(before, frozen);
        assert_eq!(frozen[0], [(1, 0), (2, 2)]);
        assert_eq!(a.len(), 3);
        a.push(0, edge(3, 3));
        a.push(3, edge(1, 4));
        assert_eq!(targets(&a, 0), [(1, 0), (2, 2), (3, 3)]);
        assert_eq!(targets(&a, 3), [(1, 4)]);
        a.freeze(4);
        assert_eq!(targets(&a, 0), [(1, 0), (2, 2), (3, 3)]);
        assert_eq!(targets(&a, 3), [(1, 4)]);
        assert_eq!(targets(&a, 1), []);
        assert_eq!(a.len(), 5);
    }
}
