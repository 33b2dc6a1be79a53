//! The rows of a capture put in order of their object, in place ([`by_object`]).

/// Puts `rows` in order of their object (`group_of`), each object's in line order, in
/// place (a long capture's rows are most of its memory: no second list); returns each
/// position's index before.
pub(super) fn by_object<T>(rows: &mut [T], group_of: &[u32]) -> Vec<u32> {
    by_object_in(
        rows,
        group_of,
        (512 << 10) / std::mem::size_of::<T>().max(1),
    )
}

/// [`by_object`], regions of at most `small` rows (that fit in the cache) permuted
/// directly.
fn by_object_in<T>(rows: &mut [T], group_of: &[u32], small: usize) -> Vec<u32> {
    let order = object_order(group_of);
    let mut dest = vec![0u32; order.len()];
    for (at, &i) in order.iter().enumerate() {
        dest[i as usize] = at as u32;
    }
    place(rows, &mut dest, 0, small.max(1));
    order
}

/// How many ranges of destinations a pass of [`place`] deals rows into.
const FANOUT: usize = 1024;

/// Moves each row of `rows` to its destination (`dest`, less `base`), moving `dest`
/// along: an in-place radix sort by destination (American flag sort), a range of
/// `FANOUT` destinations a pass, until a region fits in the cache (`small` rows),
/// where the range is one row.
///
/// Not by following the permutation's cycles over the whole list: each step of a
/// cycle waited for the row it moved, far off in memory, and for the next index (a
/// 210 MB soak's 1.6 million rows of 280 bytes: 0.52 s). A pass here writes each
/// range's rows one after another, and the next step depends only on a destination
/// read near the range's last one, so the rows' cache misses overlap (0.21 s).
fn place<T>(rows: &mut [T], dest: &mut [u32], base: usize, small: usize) {
    let len = rows.len();
    if len <= 1 {
        return;
    }
    let w = if len <= small {
        1
    } else {
        len.div_ceil(FANOUT)
    };
    let ranges = len.div_ceil(w);
    // The next place of each range still to fill.
    let mut next: Vec<usize> = (0..ranges).map(|r| r * w).collect();
    for r in 0..ranges {
        let end = ((r + 1) * w).min(len);
        while next[r] < end {
            let i = next[r];
            let to = (dest[i] as usize - base) / w;
            if to == r {
                next[r] += 1;
            } else {
                let j = next[to];
                swap(rows, i, j);
                dest.swap(i, j);
                next[to] += 1;
            }
        }
    }
    if w > 1 {
        for r in 0..ranges {
            let (lo, hi) = (r * w, ((r + 1) * w).min(len));
            place(&mut rows[lo..hi], &mut dest[lo..hi], base + lo, small);
        }
    }
}

/// `rows.swap(i, j)` for `i != j`, as two distinct places: a slice's swap copies
/// through `memmove` (its places may be one), a fifth slower here.
fn swap<T>(rows: &mut [T], i: usize, j: usize) {
    let (lo, hi) = (i.min(j), i.max(j));
    let (a, b) = rows.split_at_mut(hi);
    std::mem::swap(&mut a[lo], &mut b[0]);
}

/// The row indices in order of `group_of`, each group's in index order: a counting
/// sort (the groups are numbered densely, `u32::MAX` last), not a comparison sort of
/// a long capture's 1.5 million rows.
fn object_order(group_of: &[u32]) -> Vec<u32> {
    let groups = group_of
        .iter()
        .filter(|&&g| g != u32::MAX)
        .max()
        .map_or(0, |&g| g as usize + 1);
    let slot = |g: u32| (g as usize).min(groups);
    // Where each group's rows begin, then where its next row goes.
    let mut next = vec![0u32; groups + 2];
    for &g in group_of {
        next[slot(g) + 1] += 1;
    }
    for k in 1..next.len() {
        next[k] += next[k - 1];
    }
    let mut order = vec![0u32; group_of.len()];
    for (i, &g) in group_of.iter().enumerate() {
        let at = &mut next[slot(g)];
        order[*at as usize] = i as u32;
        *at += 1;
    }
    order
}

#[cfg(test)]
mod tests {
    use super::{by_object, by_object_in};

    /// Every row ends at the place of its object, in line order within it, and the
    /// returned indices say where each came from.
    #[test]
    fn rows_go_to_their_objects_in_line_order() {
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        for n in [0usize, 1, 2, 7, 100, 1000, 5003] {
            let group_of: Vec<u32> = (0..n)
                .map(|_| {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    (seed % 9) as u32
                })
                .collect();
            let mut rows: Vec<usize> = (0..n).collect();
            let order = by_object(&mut rows, &group_of);
            assert_eq!(rows, order.iter().map(|&i| i as usize).collect::<Vec<_>>());
            let keys: Vec<(u32, usize)> = rows.iter().map(|&i| (group_of[i], i)).collect();
            assert!(keys.windows(2).all(|w| w[0] < w[1]), "{keys:?}");
            // Regions of a few rows: several passes, and ranges whose last one is short.
            let mut small: Vec<usize> = (0..n).collect();
            assert_eq!(by_object_in(&mut small, &group_of, 3), order);
            assert_eq!(small, rows);
        }
    }
}
