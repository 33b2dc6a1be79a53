//! The solved network laid out for the windowed searches (`local`): points numbered by
//! their feasible time, each edge with its reduced cost worked out once.
//!
//! A windowed search's inner loop used to read, for each edge, the far end's feasible
//! time (is it in the window? what is the reduced cost?) from an array indexed by
//! point, and a 16-byte edge: scattered loads, where a soak's window holds ~15,000
//! points and a search is bound by memory, not arithmetic. Numbered by feasible time,
//! a window is a range of ranks (two comparisons, no load) whose labels lie side by
//! side, and with the reduced cost `w + π(u) − π(v)` stored (one value serves both
//! directions) an edge is 8 bytes and the search reads no potential at all.
//!
//! A reduced cost that does not fit 32 bits (a constraint ~50 days slacker than the
//! schedule) is left out. Without a constraint a search can only find longer paths,
//! so an interval from it may only come out wider, never miss the truth — the same
//! rule as the window itself.

use std::ops::Range;
use std::sync::OnceLock;

use super::{Ms, Network};

impl Network {
    /// Keeps only what the windowed searches read, once the network is solved: the
    /// layout by time replaces the edges (8 bytes an edge each way instead of 16), and
    /// every later search, [`Network::distances`] too, runs on it. For a long capture,
    /// whose analysis asks windows only; the whole network's edges are half of its
    /// timeline's memory. Made in steps, so that the old and the new layouts are never
    /// both whole in memory. Nothing changes without a current potential.
    pub fn keep_for_windows(&mut self) {
        let Some(potential) = self.potential.take().filter(|p| p.len() == self.points) else {
            return;
        };
        self.edges.clear_reversed();
        let mut t = ByTime::forward(self, &potential);
        self.edges = Default::default();
        t.reverse();
        self.potential = Some(potential);
        self.by_time = OnceLock::from(t);
        self.windows_only = true;
    }

    /// Keeps the earliest and the latest schedules (the clock's bounds of each point,
    /// by point) for the searches toward a point (`Schedules`). Nothing without the
    /// layout by time.
    pub fn keep_schedules(&mut self, earliest_latest: impl Fn(usize) -> (Ms, Ms)) {
        let Some(t) = self.by_time.get_mut() else {
            return;
        };
        let mut kept = [true; 2];
        let mut offsets = (0..t.point.len())
            .map(|r| {
                let (lo, hi) = earliest_latest(t.point[r] as usize);
                let mut o = [0i32; 2];
                for (k, bound) in [lo, hi].into_iter().enumerate() {
                    match i32::try_from(bound - t.time[r]) {
                        Ok(v) if bound.abs() < super::UNBOUNDED => o[k] = v,
                        _ => kept[k] = false,
                    }
                }
                o
            })
            .collect::<Vec<[i32; 2]>>();
        // A schedule not kept reads as 0 everywhere: its bound is then 0, which the
        // larger of the two always is at least (`Toward::at` needs no flags).
        for (k, _) in kept.iter().enumerate().filter(|(_, &kept)| !kept) {
            offsets.iter_mut().for_each(|o| o[k] = 0);
        }
        t.schedules = Schedules { offsets, kept };
    }

    /// Whether only the layout by time is kept ([`Network::keep_for_windows`]).
    pub fn windows_only(&self) -> bool {
        self.windows_only
    }
}

/// The points by feasible time and the edges between their ranks (see the module's
/// documentation). Built from a network with a current potential; any change to the
/// network discards it.
#[derive(Debug, Clone, Default)]
pub(super) struct ByTime {
    /// The point at each rank.
    pub(super) point: Vec<u32>,
    /// The rank of each point.
    pub(super) rank: Vec<u32>,
    /// The feasible time at each rank, ascending.
    pub(super) time: Vec<Ms>,
    out: Steps,
    /// Reversed edges: `to` is the tail's rank.
    inc: Steps,
    /// Other feasible schedules, as offsets from the potential by rank: lower bounds
    /// that aim a search at its goal (`Schedules`).
    pub(super) schedules: Schedules,
}

/// Feasible schedules of the network besides its potential, each as its offset from
/// the potential at every rank (`s(r) − π(r)`), in 32 bits.
///
/// Any feasible schedule `s` bounds every distance from below: `x_b − x_a ≤ d(a→b)`
/// holds for every schedule, so `d(a→b) ≥ s(b) − s(a)`. In reduced costs the bound
/// is `δ(b) − δ(a)` with `δ = s − π`, and it is consistent (no edge's reduced cost is
/// below the drop of the bound across it, because `s` meets that edge). The clock's
/// bounds are two such schedules, the earliest and the latest: a search toward one
/// point takes the larger of their bounds as its estimate of the rest of the way
/// (A*, Hart, Nilsson & Raphael 1968), which settles the same distance over fewer
/// points. A schedule with a rank not placed (a point the clock does not reach) or
/// an offset past 32 bits is not kept: a bound must hold at every rank.
#[derive(Debug, Clone, Default)]
pub(super) struct Schedules {
    offsets: Vec<[i32; 2]>,
    /// Which of the two schedules hold at every rank.
    pub(super) kept: [bool; 2],
}

impl Schedules {
    /// The lower bound, in reduced cost, on the distance from each rank to rank `goal`
    /// (`reversed`: on the reversed edges, the distance from `goal` to each rank).
    pub(super) fn toward(&self, goal: u32, reversed: bool) -> Toward<'_> {
        let g = self.offsets[goal as usize];
        Toward {
            offsets: &self.offsets,
            goal: [i64::from(g[0]), i64::from(g[1])],
            reversed,
        }
    }

    /// Whether any schedule is kept.
    pub(super) fn any(&self) -> bool {
        self.kept.iter().any(|&k| k)
    }
}

/// The bound of [`Schedules`] toward one goal, the goal's offsets read once (it is
/// asked for every point a search takes and every label it lowers).
pub(super) struct Toward<'a> {
    offsets: &'a [[i32; 2]],
    goal: [i64; 2],
    reversed: bool,
}

impl Toward<'_> {
    /// The lower bound, in reduced cost, on the distance from rank `r` to the goal:
    /// the larger of the two schedules' (a schedule not kept reads 0 everywhere).
    #[inline(always)]
    pub(super) fn at(&self, r: u32) -> u32 {
        let s = self.offsets[r as usize];
        let d = [
            self.goal[0] - i64::from(s[0]),
            self.goal[1] - i64::from(s[1]),
        ];
        let d = if self.reversed { [-d[0], -d[1]] } else { d };
        d[0].max(d[1]).max(0) as u32
    }
}

/// One direction's edges by rank, flat (compressed sparse rows).
#[derive(Debug, Clone, Default)]
struct Steps {
    start: Vec<u32>,
    steps: Vec<Step>,
}

impl Steps {
    /// One direction of `net`'s live edges, by rank.
    fn of(net: &Network, potential: &[Ms], point: &[u32], rank: &[u32], reversed: bool) -> Steps {
        let mut start = Vec::with_capacity(point.len() + 1);
        let mut steps = Vec::with_capacity(net.edge_count());
        start.push(0);
        match net.edges.side(reversed).filter(|_| !net.has_removed) {
            // A solved network: each point's slice walked as it lies, its potential
            // read once (through `edges_of`, asked again for every point, the layout
            // cost twice as much as its edges' own work).
            Some(side) => {
                for &p in point {
                    let pi = potential[p as usize];
                    for e in side.of(p as usize) {
                        let far = potential[e.to()];
                        let cost = if reversed {
                            e.weight + far - pi
                        } else {
                            e.weight + pi - far
                        };
                        push_step(&mut steps, rank[e.to()], cost);
                    }
                    start.push(u32::try_from(steps.len()).expect("fewer than 2^32 edges"));
                }
            }
            None => {
                for &p in point {
                    let p = p as usize;
                    for e in net.edges_of(p, reversed) {
                        let (tail, head) = if reversed { (e.to(), p) } else { (p, e.to()) };
                        let cost = e.weight + potential[tail] - potential[head];
                        push_step(&mut steps, rank[e.to()], cost);
                    }
                    start.push(u32::try_from(steps.len()).expect("fewer than 2^32 edges"));
                }
            }
        }
        steps.shrink_to_fit();
        Steps { start, steps }
    }

    /// The same edges seen from their heads (`to` is the tail's rank), over `n` ranks:
    /// a counting sort.
    fn transposed(&self, n: usize) -> Steps {
        let (start, steps) = super::csr::transposed(
            &self.start,
            &self.steps,
            n,
            |s| s.to,
            |s, r| Step {
                to: r,
                cost: s.cost,
            },
        );
        Steps { start, steps }
    }
}

/// Adds a step to rank `to` of reduced cost `cost` (0 when rounding made it negative),
/// unless the cost does not fit 32 bits (see the module's documentation).
#[inline(always)]
fn push_step(steps: &mut Vec<Step>, to: u32, cost: Ms) {
    if let Ok(cost) = u32::try_from(cost.max(0)) {
        steps.push(Step { to, cost });
    }
}

/// An edge to the point of rank `to`, with its reduced cost (never negative under a
/// feasible potential).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Step {
    pub(super) to: u32,
    pub(super) cost: u32,
}

impl ByTime {
    /// Lays out `net`'s live edges under `potential` (a feasible schedule of it).
    pub(super) fn new(net: &Network, potential: &[Ms]) -> ByTime {
        let mut t = ByTime::forward(net, potential);
        t.inc = Steps::of(net, potential, &t.point, &t.rank, true);
        t
    }

    /// The points ranked and the forward edges laid out; the reversed ones left empty
    /// (see [`ByTime::reverse`]).
    pub(super) fn forward(net: &Network, potential: &[Ms]) -> ByTime {
        let n = potential.len();
        let mut point: Vec<u32> = (0..n as u32).collect();
        // Stable: points of one time keep their order.
        point.sort_by_key(|&v| potential[v as usize]);
        let mut rank = vec![0u32; n];
        for (r, &p) in point.iter().enumerate() {
            rank[p as usize] = r as u32;
        }
        let time = point.iter().map(|&p| potential[p as usize]).collect();
        let out = Steps::of(net, potential, &point, &rank, false);
        ByTime {
            point,
            rank,
            time,
            out,
            inc: Steps::default(),
            schedules: Schedules::default(),
        }
    }

    /// The reversed edges, from the forward ones (the network's own need not be kept).
    pub(super) fn reverse(&mut self) {
        self.inc = self.out.transposed(self.point.len());
    }

    /// How many edges leave and enter the point of rank `r`.
    pub(super) fn degree(&self, r: usize) -> usize {
        self.steps(r, false).len() + self.steps(r, true).len()
    }

    /// Reads the edges of `ranks` in order, so that a search over them finds them in
    /// the cache: read in the search's order, each first read waited for memory (a
    /// failure's kept search spends a third less time settling its window).
    pub(super) fn warm(&self, ranks: Range<u32>, reversed: bool) {
        let s = if reversed { &self.inc } else { &self.out };
        let (a, b) = (ranks.start as usize, ranks.end as usize);
        let Some(starts) = s.start.get(a..=b) else {
            return;
        };
        let steps = &s.steps[starts[0] as usize..starts[starts.len() - 1] as usize];
        let mut sum = 0u32;
        for chunk in steps.chunks(8) {
            sum = sum.wrapping_add(chunk[0].to);
        }
        for chunk in starts.chunks(16) {
            sum = sum.wrapping_add(chunk[0]);
        }
        std::hint::black_box(sum);
    }

    /// The ranks whose feasible time lies in `window` (inclusive).
    pub(super) fn ranks_within(&self, window: (Ms, Ms)) -> Range<u32> {
        let lo = self.time.partition_point(|&t| t < window.0);
        let hi = self.time.partition_point(|&t| t <= window.1).max(lo);
        lo as u32..hi as u32
    }

    /// The edges leaving rank `r`, or (`reversed`) entering it.
    #[inline(always)]
    pub(super) fn steps(&self, r: usize, reversed: bool) -> &[Step] {
        let s = if reversed { &self.inc } else { &self.out };
        &s.steps[s.start[r] as usize..s.start[r + 1] as usize]
    }

    /// `sign · π` at rank `r`: the potential of the direction searched.
    #[inline(always)]
    pub(super) fn phi(&self, r: usize, reversed: bool) -> Ms {
        if reversed {
            -self.time[r]
        } else {
            self.time[r]
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Ranks follow the feasible times; every live edge is there both ways with its
    /// reduced cost, and one too slack for 32 bits is left out.
    #[test]
    fn points_are_ranked_by_time_and_edges_carry_reduced_costs() {
        let mut n = Network::new();
        let (a, b, c) = (n.point(), n.point(), n.point());
        n.constrain(b, a, 5_000, 7_000, 0); // a is 5–7 s after b
        n.constrain(c, b, 1_000, 1_000, 1); // b is 1 s after c
        n.constrain(c, a, 0, 1 << 40, 2); // a after c, by at most ~35 years
        n.check().expect("consistent");
        let p = n.potential.clone().expect("a potential");
        let t = ByTime::new(&n, &p);
        assert_eq!(t.point, [c as u32, b as u32, a as u32]);
        assert!(t.time.windows(2).all(|w| w[0] <= w[1]));
        for (pt, &r) in t.rank.iter().enumerate() {
            assert_eq!(t.point[r as usize] as usize, pt);
        }
        let (rc, rb, ra) = (0usize, 1u32, 2u32);
        let reduced = |tail: usize, head: usize, w: Ms| (w + p[tail] - p[head]) as u32;
        // Forward from c: to b (w 1 s), to a (w 2^40: left out); the reversed edges
        // into c come from b (w −1 s) and a (w 0).
        assert_eq!(
            t.steps(rc, false),
            [Step {
                to: rb,
                cost: reduced(c, b, 1_000)
            }]
        );
        let mut into_c: Vec<u32> = t.steps(rc, true).iter().map(|s| s.to).collect();
        into_c.sort_unstable();
        assert_eq!(into_c, [rb, ra]);
        assert_eq!(
            t.steps(ra as usize, false).len(),
            2,
            "a → b (−5 s), a → c (0)"
        );
        assert_eq!(t.ranks_within((p[b], p[a])), rb..ra + 1);
        // The reversed edges made from the forward ones are the network's own.
        let mut from_forward = ByTime::forward(&n, &p);
        from_forward.reverse();
        for r in 0..3 {
            let mut own = t.steps(r, true).to_vec();
            let mut made = from_forward.steps(r, true).to_vec();
            own.sort_unstable_by_key(|s| s.to);
            made.sort_unstable_by_key(|s| s.to);
            assert_eq!(own, made, "rank {r}");
        }
        assert_eq!(t.ranks_within((p[a] + 1, p[a] + 2)), 3..3);
    }

    /// A network kept for windows answers every search as the whole one did (its
    /// constraints are all far tighter than 50 days), reversed edges made from the
    /// forward ones included.
    #[test]
    fn a_network_kept_for_windows_answers_as_before() {
        let mut next = super::super::tests::rng(0x2545_f491_4f6c_dd1d_u64);
        for _ in 0..20 {
            let size = 2 + next(60) as usize;
            let solution: Vec<Ms> = (0..size).map(|_| next(3_600_000) as Ms).collect();
            let mut n = Network::new();
            for _ in 0..size {
                n.point();
            }
            for id in 0..size * 2 {
                let (i, j) = (next(size as u64) as usize, next(size as u64) as usize);
                let d = solution[j] - solution[i];
                let hi = if next(4) == 0 {
                    super::super::UNBOUNDED
                } else {
                    d + next(9_000) as Ms
                };
                n.constrain(i, j, d - next(9_000) as Ms, hi, id);
            }
            n.check().expect("built around a solution");
            let whole: Vec<_> = (0..size)
                .flat_map(|a| [n.distances(a, false), n.distances(a, true)])
                .collect();
            let times: Vec<_> = (0..size).map(|p| n.feasible_time(p)).collect();
            n.keep_for_windows();
            assert!(n.windows_only() && n.edge_count() == 0);
            let kept: Vec<_> = (0..size)
                .flat_map(|a| [n.distances(a, false), n.distances(a, true)])
                .collect();
            assert_eq!(whole, kept);
            assert_eq!(
                times,
                (0..size).map(|p| n.feasible_time(p)).collect::<Vec<_>>()
            );
        }
    }
}
