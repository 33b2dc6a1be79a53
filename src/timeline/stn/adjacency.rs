//! The network's edges, laid out flat for the searches.

use crate::HashMap;

use super::{Edge, Ms};

/// The edges out of and into each point, each direction in one flat array (compressed
/// sparse rows): a long capture has millions of points, and a small vector each cost
/// more in headers, allocator overhead and spare capacity than the edges themselves.
/// Edges added after the last [`Adjacency::freeze`] wait in `pending`, once for both
/// directions, and are still seen, just slower.
///
/// A weight is stored in 32 bits (±24 days of milliseconds: every weight of a capture
/// but an AGE of weeks); a wider one is stored as [`WIDE`] and kept aside in `wide`.
/// A soak's network has six million edges, each kept both ways, and the solving
/// holds them all beside the states: 12 bytes an edge instead of 16 were 50 MB of
/// its peak.
#[derive(Debug, Clone, Default)]
pub(super) struct Adjacency {
    out: Flat,
    /// Reversed edges: `to` is the original `from`.
    inc: Flat,
    pending: Vec<Pending>,
    /// The weights too wide for 32 bits, by (constraint, tail, head).
    wide: WideWeights,
}

/// Weights too wide for 32 bits, by (constraint, tail, head).
type WideWeights = HashMap<(u32, u32, u32), Ms>;

/// The stored weight of an edge whose weight is kept in `Adjacency::wide`.
const WIDE: i32 = i32::MIN;

/// An edge as stored: its head (or, reversed, its tail), constraint and weight.
#[derive(Debug, Clone, Copy)]
struct Stored {
    to: u32,
    constraint: u32,
    weight: i32,
}

/// An edge with its tail, waiting for the next freeze.
#[derive(Debug, Clone, Copy)]
struct Pending {
    from: u32,
    edge: Stored,
}

/// One direction, frozen.
#[derive(Debug, Clone, Default)]
struct Flat {
    /// `edges[start[v]..start[v + 1]]` leave point v (points added since the last
    /// freeze have none there). 32-bit: fewer than 2^32 edges (each holds a 32-bit
    /// constraint id), half the memory of the offsets.
    start: Vec<u32>,
    edges: Vec<Stored>,
}

/// One direction of frozen edges ([`Adjacency::side`]).
#[derive(Clone, Copy)]
pub(super) struct Side<'a> {
    flat: &'a Flat,
    reversed: bool,
    wide: &'a WideWeights,
}

impl<'a> Side<'a> {
    /// The edges of `v` in this direction.
    #[inline(always)]
    pub(super) fn of(self, v: usize) -> EdgesAt<'a> {
        EdgesAt {
            stored: self.flat.of(v).iter(),
            at: v as u32,
            reversed: self.reversed,
            wide: self.wide,
        }
    }
}

/// The edges of one point, read back from their stored form.
pub(super) struct EdgesAt<'a> {
    stored: std::slice::Iter<'a, Stored>,
    /// The point, and whether its edges are the ones into it.
    at: u32,
    reversed: bool,
    wide: &'a WideWeights,
}

impl Iterator for EdgesAt<'_> {
    type Item = Edge;

    #[inline(always)]
    fn next(&mut self) -> Option<Edge> {
        let s = self.stored.next()?;
        Some(read(s, self.at, self.reversed, self.wide))
    }
}

/// The edge `s` of point `at` (into it when `reversed`).
#[inline(always)]
fn read(s: &Stored, at: u32, reversed: bool, wide: &WideWeights) -> Edge {
    let weight = if s.weight != WIDE {
        Ms::from(s.weight)
    } else {
        wide_weight(s, at, reversed, wide)
    };
    Edge {
        to: s.to,
        constraint: s.constraint,
        weight,
    }
}

/// The weight of a stored edge marked [`WIDE`] (rare: kept out of the searches' loop).
#[cold]
#[inline(never)]
fn wide_weight(s: &Stored, at: u32, reversed: bool, wide: &WideWeights) -> Ms {
    let (tail, head) = if reversed { (s.to, at) } else { (at, s.to) };
    wide[&(s.constraint, tail, head)]
}

impl Adjacency {
    pub(super) fn push(&mut self, from: usize, edge: Edge) {
        let from = u32::try_from(from).expect("fewer than 2^32 points");
        let weight = match i32::try_from(edge.weight) {
            Ok(w) if w != WIDE => w,
            _ => {
                self.wide
                    .insert((edge.constraint, from, edge.to), edge.weight);
                WIDE
            }
        };
        self.pending.push(Pending {
            from,
            edge: Stored {
                to: edge.to,
                constraint: edge.constraint,
                weight,
            },
        });
    }

    /// The edges leaving `v`, or (`reversed`) entering it, with `to` the other end.
    pub(super) fn of(&self, v: usize, reversed: bool) -> impl Iterator<Item = Edge> + '_ {
        let pending = (!self.pending.is_empty()).then_some(&self.pending);
        let at = v as u32;
        self.at(v, reversed)
            .chain(pending.into_iter().flatten().filter_map(move |p| {
                if reversed {
                    (p.edge.to == at).then(|| {
                        let s = Stored {
                            to: p.from,
                            ..p.edge
                        };
                        read(&s, at, true, &self.wide)
                    })
                } else {
                    (p.from == at).then(|| read(&p.edge, at, false, &self.wide))
                }
            }))
    }

    /// The frozen edges of `v` (into it when `reversed`).
    fn at(&self, v: usize, reversed: bool) -> EdgesAt<'_> {
        let flat = if reversed { &self.inc } else { &self.out };
        EdgesAt {
            stored: flat.of(v).iter(),
            at: v as u32,
            reversed,
            wide: &self.wide,
        }
    }

    /// One direction of the edges, when none wait in `pending`: a loop over many
    /// points (the settling) then walks each point's slice without asking again.
    pub(super) fn side(&self, reversed: bool) -> Option<Side<'_>> {
        self.pending.is_empty().then_some(Side {
            flat: if reversed { &self.inc } else { &self.out },
            reversed,
            wide: &self.wide,
        })
    }

    /// The edges of `v` (or, `reversed`, into it) as one walk over a slice, when none
    /// wait in `pending`: the network is frozen, as it is once solved.
    pub(super) fn frozen_of(&self, v: usize, reversed: bool) -> Option<EdgesAt<'_>> {
        if !self.pending.is_empty() {
            return None;
        }
        Some(self.at(v, reversed))
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
        let wide = &self.wide;
        self.out
            .retain(|v, s| keep(&read(s, v as u32, false, wide)));
        self.inc.retain(|v, s| keep(&read(s, v as u32, true, wide)));
        self.pending
            .retain(|p| keep(&read(&p.edge, p.from, false, wide)));
    }

    /// Moves the pending edges into the flat arrays.
    pub(super) fn freeze(&mut self, points: usize) {
        if self.pending.is_empty() && self.out.start.len() == points + 1 {
            return;
        }
        let pending = std::mem::take(&mut self.pending);
        self.out = self
            .out
            .merged(points, pending.iter().map(|p| (p.from as usize, p.edge)));
        // The reversed edges from the forward ones, once the pending list is gone: the
        // three at once were the peak of a long capture's solving (a 50 MB soak's
        // 1.5 million edges: 36 MB pending beside 55 MB of flat arrays).
        drop(pending);
        self.inc = Flat::default();
        self.inc = self.out.transposed(points);
    }
}

impl Flat {
    /// Keeps the edges (of point v) that pass `keep`, each point's in their order.
    fn retain(&mut self, keep: impl Fn(usize, &Stored) -> bool) {
        let mut w = 0;
        for v in 0..self.start.len().saturating_sub(1) {
            let (a, b) = (self.start[v] as usize, self.start[v + 1] as usize);
            self.start[v] = w as u32;
            for i in a..b {
                if keep(v, &self.edges[i]) {
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

    fn of(&self, v: usize) -> &[Stored] {
        match (self.start.get(v), self.start.get(v + 1)) {
            (Some(&a), Some(&b)) => &self.edges[a as usize..b as usize],
            _ => &[],
        }
    }

    /// The same edges seen from their heads (`to` is the tail), each point's in the
    /// order of their tails: a counting sort straight over the flat arrays (through
    /// [`Flat::merged`]'s iterator of every edge, twice, it cost a soak's freeze more
    /// than the edges' own layout).
    fn transposed(&self, points: usize) -> Flat {
        let (start, edges) = super::csr::transposed(
            &self.start,
            &self.edges,
            points,
            |e| e.to,
            |e, v| Stored { to: v, ..*e },
        );
        Flat { start, edges }
    }

    /// These edges and `more` (by the point they leave), over `points` points: a
    /// counting sort that keeps each point's edges in the order they were added.
    fn merged(&self, points: usize, more: impl Iterator<Item = (usize, Stored)> + Clone) -> Flat {
        let mut count = vec![0u32; points + 1];
        // The first freeze (the usual one) has no edges here: nothing to walk point
        // by point.
        let old = !self.edges.is_empty();
        if old {
            for v in 0..points {
                count[v + 1] = self.of(v).len() as u32;
            }
        }
        for (from, _) in more.clone() {
            count[from + 1] += 1;
        }
        for v in 0..points {
            count[v + 1] = count[v + 1]
                .checked_add(count[v])
                .expect("fewer than 2^32 edges");
        }
        let none = Stored {
            to: 0,
            constraint: 0,
            weight: 0,
        };
        let mut edges = vec![none; count[points] as usize];
        let mut next = count.clone();
        if old {
            for v in 0..points {
                for e in self.of(v) {
                    edges[next[v] as usize] = *e;
                    next[v] += 1;
                }
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

    /// 12 bytes an edge stored, 16 pending; every weight read back as it was added,
    /// both ways, pending and frozen, also the ones too wide for 32 bits and the one
    /// that is the mark of a wide weight.
    #[test]
    fn an_edge_is_stored_in_12_bytes_and_keeps_its_weight() {
        assert_eq!(std::mem::size_of::<Stored>(), 12);
        assert_eq!(std::mem::size_of::<Pending>(), 16);
        let weights = [
            0,
            1,
            -1,
            Ms::MAX,
            Ms::MIN,
            86_400_000 * 400,
            -(1 << 40) - 7,
            Ms::from(i32::MIN),
            Ms::from(i32::MAX),
            Ms::from(i32::MIN) - 1,
        ];
        let mut a = Adjacency::default();
        for (k, &w) in weights.iter().enumerate() {
            // Two edges between the same points, of different constraints.
            a.push(3, Edge::new(5, w, 2 * k));
            a.push(3, Edge::new(5, -(w / 2), 2 * k + 1));
        }
        type Seen = Vec<(usize, Ms, usize)>;
        let seen = |a: &Adjacency| -> (Seen, Seen) {
            let f = |e: Edge| (e.to(), e.weight, e.constraint());
            (
                a.of(3, false).map(f).collect(),
                a.of(5, true).map(f).collect(),
            )
        };
        let want: Vec<(usize, Ms, usize)> = weights
            .iter()
            .enumerate()
            .flat_map(|(k, &w)| [(5, w, 2 * k), (5, -(w / 2), 2 * k + 1)])
            .collect();
        let back: Vec<_> = want.iter().map(|&(_, w, c)| (3, w, c)).collect();
        assert_eq!(seen(&a), (want.clone(), back.clone()));
        a.freeze(6);
        assert_eq!(seen(&a), (want.clone(), back.clone()));
        let frozen: Vec<Ms> = a.frozen_of(5, true).unwrap().map(|e| e.weight).collect();
        assert_eq!(frozen, back.iter().map(|e| e.1).collect::<Vec<_>>());
        // Kept through a retain, both ways.
        a.retain(|e| e.constraint() % 2 == 0);
        let even = |v: &[(usize, Ms, usize)]| -> Vec<(usize, Ms, usize)> {
            v.iter().copied().filter(|e| e.2 % 2 == 0).collect()
        };
        assert_eq!(seen(&a), (even(&want), even(&back)));
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
