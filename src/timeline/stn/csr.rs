//! Edges laid out flat by the point they leave (compressed sparse rows), turned to be
//! seen from the other end: the network's own edges (`adjacency`) and its layout by
//! time (`by_time`) both keep each direction this way.

/// The entries of `items` (point `v`'s are `items[start[v]..start[v + 1]]`, for the
/// first `n` points) grouped by their far end `far` instead, each turned by `turned`
/// to name the point it left: the new `start` and entries. A counting sort, so each
/// point's entries keep the order of the points they came from.
pub(super) fn transposed<T: Copy>(
    start: &[u32],
    items: &[T],
    n: usize,
    far: impl Fn(&T) -> u32,
    turned: impl Fn(&T, u32) -> T,
) -> (Vec<u32>, Vec<T>) {
    let mut new_start = vec![0u32; n + 1];
    for e in items {
        new_start[far(e) as usize + 1] += 1;
    }
    for v in 0..n {
        new_start[v + 1] += new_start[v];
    }
    let mut next = new_start.clone();
    let Some(&fill) = items.first() else {
        return (new_start, Vec::new());
    };
    let mut out = vec![fill; items.len()];
    // Each point's entries from where the one before's ended (a pair of bounds a
    // point, checked, cost more than a point's few entries).
    let mut from = 0;
    for (v, &to) in start.iter().skip(1).take(n).enumerate() {
        for e in &items[from..to as usize] {
            let at = &mut next[far(e) as usize];
            out[*at as usize] = turned(e, v as u32);
            *at += 1;
        }
        from = to as usize;
    }
    (new_start, out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_far_end_gets_its_entries_in_the_order_of_the_points_they_left() {
        // 0 → 2, 0 → 1, 1 → 2, 2 → 0 as (far end, label).
        let start = [0, 2, 3, 4];
        let items = [(2, 'a'), (1, 'b'), (2, 'c'), (0, 'd')];
        let (s, out) = transposed(&start, &items, 3, |e| e.0, |e, v| (v, e.1));
        assert_eq!(s, vec![0, 1, 2, 4]);
        assert_eq!(out, vec![(2, 'd'), (0, 'b'), (0, 'a'), (1, 'c')]);
        let (s, out) = transposed(&[0], &[] as &[(u32, char)], 0, |e| e.0, |e, _| *e);
        assert_eq!((s, out), (vec![0], vec![]));
    }
}
