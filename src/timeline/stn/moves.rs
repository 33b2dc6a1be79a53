//! The points waiting to move while the settling adds one point: a radix heap over
//! their gammas (Ahuja, Mehlhorn, Orlin & Tarjan 1990), the points of one gamma by
//! their index.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::Ms;

/// The points waiting to move, least gamma (the farthest move) first, then the
/// lowest point: the order of their `(gamma, point)` pairs, which the settling's
/// moves, and so the cycles it names, depend on.
///
/// The settling is a Dijkstra on non-negative reduced costs, so no gamma pushed is
/// less than the last one popped (since the last [`Moves::start`]): a radix heap
/// then keeps each entry in the bucket of the highest bit where its gamma differs
/// from that last one, and only the least bucket is ever sorted out. The points of
/// the last gamma itself wait in a small heap by index, as a point of the same gamma
/// but a lower index may still come (a chain of lines at one time moves one line at a
/// time, each the one before it). On a churn capture's settling (17 million moves)
/// a binary heap of packed `(gamma, point)` pairs was a fifth of the time.
pub(super) struct Moves {
    /// The last gamma popped, its sign bit flipped (signed order as unsigned).
    last: u64,
    /// The points of gamma `last`, by index when `ordered`.
    now: BinaryHeap<Reverse<u32>>,
    /// The points of gamma `last`, in any order, when not `ordered`.
    now_any: Vec<u32>,
    /// Whether the points of one gamma come out by index (see [`Moves::start`]).
    ordered: bool,
    /// `later[b]`: the entries whose key differs from `last` first at bit `b - 1`.
    later: [Vec<(u64, u32)>; 65],
    /// Bit `b` set when `later[b]` is not empty.
    filled: u128,
}

impl Default for Moves {
    fn default() -> Moves {
        Moves {
            last: 0,
            now: BinaryHeap::new(),
            now_any: Vec::new(),
            ordered: true,
            later: std::array::from_fn(|_| Vec::new()),
            filled: 0,
        }
    }
}

impl Moves {
    /// Ready for a new search (empty): any gamma may come first. The points of one
    /// gamma come out by index only when `ordered`: the settling's result is the same
    /// in any order, only the cycle it names on a contradiction is not, and a stack
    /// costs less than a heap (a churn capture moves a million points).
    pub(super) fn start(&mut self, ordered: bool) {
        self.clear();
        self.last = 0;
        self.ordered = ordered;
    }

    /// `x` must move `gamma`, no less than the last gamma popped since
    /// [`Moves::start`].
    #[inline]
    pub(super) fn push(&mut self, gamma: Ms, x: usize) {
        let k = key(gamma);
        debug_assert!(k >= self.last, "a gamma below the last one popped");
        self.file(k, x as u32);
    }

    /// Files `x` under key `k` (at least `last`): with the points of the last gamma,
    /// or in the bucket of the highest bit where `k` differs from it.
    #[inline(always)]
    fn file(&mut self, k: u64, x: u32) {
        if k != self.last {
            let b = bucket(k, self.last);
            self.later[b].push((k, x));
            self.filled |= 1 << b;
        } else if self.ordered {
            self.now.push(Reverse(x));
        } else {
            self.now_any.push(x);
        }
    }

    #[inline]
    pub(super) fn pop(&mut self) -> Option<(Ms, usize)> {
        if self.now.is_empty() && self.now_any.is_empty() {
            self.advance()?;
        }
        let x = match self.now_any.pop() {
            Some(x) => x,
            None => self.now.pop()?.0,
        };
        Some(((self.last ^ (1 << 63)) as Ms, x as usize))
    }

    /// Takes the least gamma waiting as the last one: its entries into `now`, the
    /// others of its bucket into lower buckets. `None` when nothing waits.
    fn advance(&mut self) -> Option<()> {
        if self.filled == 0 {
            return None;
        }
        let b = self.filled.trailing_zeros() as usize;
        let mut entries = std::mem::take(&mut self.later[b]);
        self.filled &= !(1 << b);
        self.last = entries.iter().map(|&(k, _)| k).min()?;
        // Each into `now` or a bucket below b: k and the new last agree on every bit
        // from b - 1 up.
        for &(k, x) in &entries {
            self.file(k, x);
        }
        entries.clear();
        self.later[b] = entries;
        Some(())
    }

    pub(super) fn clear(&mut self) {
        self.now.clear();
        self.now_any.clear();
        while self.filled != 0 {
            let b = self.filled.trailing_zeros() as usize;
            self.later[b].clear();
            self.filled &= !(1 << b);
        }
    }

    /// The points still waiting (any order), emptying it.
    pub(super) fn drain_points(&mut self, mut each: impl FnMut(usize)) {
        for Reverse(x) in self.now.drain() {
            each(x as usize);
        }
        for x in self.now_any.drain(..) {
            each(x as usize);
        }
        for bucket in &mut self.later {
            for (_, x) in bucket.drain(..) {
                each(x as usize);
            }
        }
        self.filled = 0;
    }
}

/// A gamma as an unsigned key in the same order.
#[inline(always)]
fn key(gamma: Ms) -> u64 {
    gamma as u64 ^ (1 << 63)
}

/// The bucket of key `k` (> `last`): one more than the highest bit they differ in.
#[inline(always)]
fn bucket(k: u64, last: u64) -> usize {
    64 - (k ^ last).leading_zeros() as usize
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timeline::stn::tests::rng;

    /// Pushed all at once, the moves come out in the order of their `(gamma, point)`
    /// pairs, the extremes too.
    #[test]
    fn moves_come_out_in_the_order_of_their_pairs() {
        let mut next = rng(0x9E37_79B9_7F4A_7C15);
        let mut pairs: Vec<(i64, usize)> =
            vec![(i64::MIN, 0), (i64::MAX, u32::MAX as usize), (-1, 7)];
        for _ in 0..500 {
            let g = next(1 << 40) as i64 - (1 << 39);
            pairs.push((g, next(50) as usize));
        }
        pairs.push((0, 3));
        pairs.push((-1, 2));
        let mut moves = Moves::default();
        moves.start(true);
        for &(g, x) in &pairs {
            moves.push(g, x);
        }
        let mut out = Vec::new();
        while let Some(m) = moves.pop() {
            out.push(m);
        }
        pairs.sort_unstable();
        assert_eq!(out, pairs);
    }

    /// Pushes between pops (each gamma no less than the last popped, a lower point
    /// of the last gamma too, as a Dijkstra's are) come out as from a heap of the
    /// pairs, through several searches, one left unfinished and cleared.
    #[test]
    fn interleaved_moves_come_out_as_from_a_heap_of_pairs() {
        let mut next = rng(0x2545_F491_4F6C_DD1D);
        let mut moves = Moves::default();
        for search in 0..40 {
            moves.start(true);
            let mut heap = BinaryHeap::new();
            let mut popped = 0;
            for _ in 0..1 + next(5) {
                let p = (-(next(1 << 30) as i64), next(1000) as usize);
                moves.push(p.0, p.1);
                heap.push(Reverse(p));
            }
            while let Some(Reverse(want)) = heap.pop() {
                assert_eq!(moves.pop(), Some(want));
                popped += 1;
                if search % 7 == 3 && popped == 20 {
                    moves.clear();
                    break;
                }
                for _ in 0..next(3) {
                    // Same gamma (any point, lower ones too) or a little or far more.
                    let step = [0, 0, 1 + next(4), next(1 << 20)][next(4) as usize] as i64;
                    let p = (want.0 + step, next(1000) as usize);
                    moves.push(p.0, p.1);
                    heap.push(Reverse(p));
                }
            }
            if search % 7 != 3 {
                assert_eq!(moves.pop(), None);
            }
        }
    }

    /// Not ordered, the same pairs come out least gamma first, one gamma's points
    /// in any order.
    #[test]
    fn unordered_moves_come_out_by_gamma() {
        let mut next = rng(0x853C_49E6_748F_EA9B);
        let mut moves = Moves::default();
        moves.start(false);
        let mut pairs: Vec<(i64, usize)> = (0..300)
            .map(|_| (-(next(20) as i64), next(1000) as usize))
            .collect();
        for &(g, x) in &pairs {
            moves.push(g, x);
        }
        let mut out = Vec::new();
        while let Some(m) = moves.pop() {
            out.push(m);
        }
        assert!(
            out.windows(2).all(|w| w[0].0 <= w[1].0),
            "least gamma first"
        );
        out.sort_unstable();
        pairs.sort_unstable();
        assert_eq!(out, pairs);
    }

    #[test]
    fn drained_points_are_the_ones_waiting() {
        let mut moves = Moves::default();
        moves.start(true);
        for (g, x) in [(-5, 1), (-5, 0), (-3, 9), (-1 << 40, 4)] {
            moves.push(g, x);
        }
        assert_eq!(moves.pop(), Some((-1 << 40, 4)));
        let mut left = Vec::new();
        moves.drain_points(|x| left.push(x));
        left.sort_unstable();
        assert_eq!(left, [0, 1, 9]);
        assert_eq!(moves.pop(), None);
    }
}
