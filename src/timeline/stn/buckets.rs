//! The searches' priority queue: a radix heap over integer keys.

/// A key of [`Buckets`]: an unsigned integer.
pub(super) trait Key: Copy + Ord + Default + std::ops::BitXor<Output = Self> {
    /// The number of bits above the highest set one.
    fn leading_zeros(self) -> u32;
    const BITS: u32;
}

impl Key for u64 {
    fn leading_zeros(self) -> u32 {
        u64::leading_zeros(self)
    }
    const BITS: u32 = 64;
}

impl Key for u32 {
    fn leading_zeros(self) -> u32 {
        u32::leading_zeros(self)
    }
    const BITS: u32 = 32;
}

/// A monotone priority queue of integer keys (a radix heap: Ahuja, Mehlhorn, Orlin
/// & Tarjan 1990): bucket `i` holds the keys whose highest bit differing from the
/// last key taken is bit `i − 1`. Dijkstra takes keys in non-decreasing order, so
/// each entry moves down at most 64 buckets; no comparisons of a binary heap.
///
/// No count of entries is kept: the queue is empty when bucket 0 is and a refill
/// finds no other. A search pushes or takes an entry for each label it lowers and
/// each point it settles, and the count, read and written through memory at each,
/// was a tenth of a settled point's instructions.
#[derive(Debug)]
pub(super) struct Buckets<K> {
    last: K,
    buckets: [Vec<(K, u32)>; 65],
}

impl<K: Key> Default for Buckets<K> {
    fn default() -> Buckets<K> {
        Buckets {
            last: K::default(),
            buckets: std::array::from_fn(|_| Vec::new()),
        }
    }
}

impl<K: Key> Buckets<K> {
    /// Empties the queue, keeping its room.
    pub(super) fn clear(&mut self) {
        self.buckets.iter_mut().for_each(Vec::clear);
        self.last = K::default();
    }

    #[inline(always)]
    fn bucket(&self, key: K) -> usize {
        (K::BITS - (key ^ self.last).leading_zeros()) as usize
    }

    /// Keys are never below the last one taken.
    #[inline(always)]
    pub(super) fn push(&mut self, key: K, v: u32) {
        debug_assert!(key >= self.last);
        let b = self.bucket(key);
        self.buckets[b].push((key, v));
    }

    /// The least key in the queue.
    #[inline(always)]
    pub(super) fn peek(&mut self) -> Option<K> {
        if self.buckets[0].is_empty() {
            self.refill();
        }
        (!self.buckets[0].is_empty()).then_some(self.last)
    }

    /// [`Buckets::pop`], dropping the entries `stale` tells superseded as it
    /// moves them (a search's entries for points reached closer since): each would
    /// be moved down again, then taken and skipped.
    #[inline(always)]
    pub(super) fn pop_fresh(&mut self, stale: impl Fn(K, u32) -> bool) -> Option<(K, u32)> {
        if self.buckets[0].is_empty() {
            self.refill_fresh(stale);
        }
        self.buckets[0].pop()
    }

    /// [`Buckets::refill`] without the entries `stale` tells superseded.
    #[inline(never)]
    fn refill_fresh(&mut self, stale: impl Fn(K, u32) -> bool) {
        loop {
            let Some(i) = (1..65).find(|&i| !self.buckets[i].is_empty()) else {
                return;
            };
            self.buckets[i].retain(|&(k, v)| !stale(k, v));
            if !self.buckets[i].is_empty() {
                self.refill();
                return;
            }
        }
    }

    #[inline(always)]
    pub(super) fn pop(&mut self) -> Option<(K, u32)> {
        if self.buckets[0].is_empty() {
            self.refill();
        }
        self.buckets[0].pop()
    }

    /// Moves the lowest non-empty bucket's entries down, the least of them to bucket 0
    /// (nothing when the queue is empty).
    #[inline(never)]
    fn refill(&mut self) {
        let Some(i) = (1..65).find(|&i| !self.buckets[i].is_empty()) else {
            return;
        };
        let mut moved = std::mem::take(&mut self.buckets[i]);
        let (mut lo, mut hi) = (moved[0].0, moved[0].0);
        for e in &moved {
            lo = lo.min(e.0);
            hi = hi.max(e.0);
        }
        self.last = lo;
        if lo == hi {
            // Every entry has the least key: all of them go to bucket 0, in their
            // order, as they would one by one (and bucket 0 is empty).
            self.buckets[i] = std::mem::replace(&mut self.buckets[0], moved);
            return;
        }
        for &(k, v) in &moved {
            let b = self.bucket(k);
            self.buckets[b].push((k, v));
        }
        moved.clear();
        self.buckets[i] = moved;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Pops every entry with `pop_fresh`, `stale` telling the superseded ones.
    fn drain(q: &mut Buckets<u32>, stale: impl Fn(u32, u32) -> bool + Copy) -> Vec<(u32, u32)> {
        std::iter::from_fn(|| q.pop_fresh(stale)).collect()
    }

    #[test]
    fn fresh_entries_come_in_key_order_and_superseded_ones_may_go() {
        let mut q = Buckets::<u32>::default();
        let entries = [
            (7, 1),
            (3, 2),
            (900, 3),
            (3, 4),
            (65, 5),
            (64, 6),
            (1 << 20, 7),
        ];
        for (k, v) in entries {
            q.push(k, v);
        }
        let stale = |_: u32, v: u32| v % 2 == 0;
        let popped = drain(&mut q, stale);
        let fresh: Vec<(u32, u32)> = popped
            .iter()
            .copied()
            .filter(|&(k, v)| !stale(k, v))
            .collect();
        assert_eq!(fresh, vec![(7, 1), (65, 5), (900, 3), (1 << 20, 7)]);
        assert!(popped.windows(2).all(|w| w[0].0 <= w[1].0));
        assert!(q.pop().is_none());
    }

    #[test]
    fn a_queue_of_superseded_entries_only_ends_empty() {
        let mut q = Buckets::<u32>::default();
        q.push(0, 0);
        assert_eq!(q.pop_fresh(|_, _| true), Some((0, 0)));
        for (k, v) in [(5, 1), (9, 2), (300, 3)] {
            q.push(k, v);
        }
        assert_eq!(drain(&mut q, |_, _| true), vec![]);
        assert!(q.pop().is_none());
        q.push(4, 9);
        assert_eq!(q.pop(), Some((4, 9)));
    }
}
