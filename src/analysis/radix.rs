//! Sorting by line number without comparisons.
//!
//! The analysis files many things by line (a node's kubelet writes: a soak has a
//! million), gathered pod by pod and then put in line order. A comparison sort cost
//! ~240 instructions an item there; a radix sort over the bits that vary, a few
//! passes of counting, costs a tenth of that.

/// Below this many items a comparison sort is as cheap.
const SMALL: usize = 64;

/// Bits of the key sorted on in one pass.
const DIGIT: u32 = 8;

/// Sorts `v` by `key`, stably: items of equal keys keep their order.
pub(super) fn sort_by_key<T: Copy>(v: &mut Vec<T>, key: impl Fn(&T) -> u64) {
    if v.len() < SMALL {
        v.sort_by_key(&key);
        return;
    }
    let (lo, hi) = v.iter().fold((u64::MAX, 0), |(lo, hi), x| {
        let k = key(x);
        (lo.min(k), hi.max(k))
    });
    // Only the bits that vary between the least and the greatest key.
    let bits = u64::BITS - (hi - lo).leading_zeros();
    let mut out: Vec<T> = Vec::with_capacity(v.len());
    let mut shift = 0;
    while shift < bits {
        let digit = |x: &T| (((key(x) - lo) >> shift) & ((1 << DIGIT) - 1)) as usize;
        let mut start = [0usize; 1 << DIGIT];
        for x in v.iter() {
            start[digit(x)] += 1;
        }
        let mut sum = 0;
        for s in start.iter_mut() {
            (*s, sum) = (sum, sum + *s);
        }
        out.clear();
        out.resize(v.len(), v[0]);
        for x in v.iter() {
            let d = digit(x);
            out[start[d]] = *x;
            start[d] += 1;
        }
        std::mem::swap(v, &mut out);
        shift += DIGIT;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The same order as the standard library's stable sort, ties included.
        #[test]
        fn sorts_as_a_stable_sort(
            keys in proptest::collection::vec(0u64..5_000, 0..600),
            offset in prop_oneof![Just(0u64), Just(1u64 << 40), Just(u64::MAX - 10_000)],
        ) {
            let mut v: Vec<(u64, usize)> =
                keys.iter().enumerate().map(|(i, &k)| (k + offset, i)).collect();
            let mut expected = v.clone();
            expected.sort_by_key(|x| x.0);
            sort_by_key(&mut v, |x| x.0);
            prop_assert_eq!(v, expected);
        }
    }

    #[test]
    fn keys_far_apart_are_sorted() {
        let mut v: Vec<u64> = (0..1_000u64)
            .map(|i| (i * 7_919) % 1_000 * (u64::MAX / 1_000))
            .collect();
        let mut expected = v.clone();
        expected.sort_unstable();
        sort_by_key(&mut v, |&x| x);
        assert_eq!(v, expected);
    }
}
