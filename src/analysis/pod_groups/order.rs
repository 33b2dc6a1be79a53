//! Two nodes' passes told apart by order: the pods of one run of reprints that then
//! changed together, cut where the marks and the changes agree on who came first.

use super::BURST_PODS;

/// How unlikely, for one node's pods, a cut must be before it is made: a soak has
/// thousands of passes, each with tens of places to cut.
const CHANCE_CUT: f64 = 1e-6;

/// Each loss group of a pass (places in the pass, in its order) cut where the pods
/// marked first are exactly the pods that changed first (`next`: the changes, each
/// `(source, line, place)`, in line order).
///
/// The node controller marks one node's pods in the order its index gives them,
/// and a lost node's pods then change (evicted, or restarted by the returning
/// kubelet) in an order of their own (FORMAT.md §4.4, §4.7): for one node the two
/// orders are unrelated, and the first `k` of both are the same pods by chance only
/// (one in C(n, k)). Two nodes marked one after the other in one monitor cycle, and
/// lost or back one after the other, print both orders as the two nodes' blocks, and
/// their changes may come too close together to be told apart by time (two nodes
/// back a minute apart in a quiet watch without seconds).
pub(super) fn split_by_order(
    clusters: Vec<Vec<usize>>,
    next: &[(&str, u64, usize)],
) -> Vec<Vec<usize>> {
    clusters.into_iter().flat_map(|c| cut(c, next)).collect()
}

/// One group's cuts (see [`split_by_order`]): the group in pieces, each in order.
/// The first pods marked may be the first changed or the last (two nodes marked A
/// then B may be back B then A).
fn cut(group: Vec<usize>, next: &[(&str, u64, usize)]) -> Vec<Vec<usize>> {
    let mut pieces = Vec::new();
    let mut rest = group;
    while let Some(k) = first_cut(&rest, next) {
        let tail = rest.split_off(k);
        pieces.push(rest);
        rest = tail;
    }
    pieces.push(rest);
    pieces
}

/// Where `group` is first cut: the least `k` such that its first `k` marked are its
/// first or its last `k` changed, past chance.
fn first_cut(group: &[usize], next: &[(&str, u64, usize)]) -> Option<usize> {
    let n = group.len();
    if n < 2 * BURST_PODS {
        return None;
    }
    // Each member's rank among the group's changes, in mark order.
    let mut rank = crate::HashMap::default();
    for (r, place) in (next.iter().map(|c| c.2))
        .filter(|p| group.binary_search(p).is_ok())
        .enumerate()
    {
        rank.insert(place, r);
    }
    if rank.len() != n {
        return None;
    }
    let ranks: Vec<usize> = group.iter().map(|p| rank[p]).collect();
    let (mut top, mut bottom) = (0, n);
    for (k, &r) in ranks.iter().enumerate().take(n - BURST_PODS) {
        (top, bottom) = (top.max(r), bottom.min(r));
        let len = k + 1;
        let agree = top == k || bottom == n - len;
        if agree
            && len >= BURST_PODS
            && 2.0 * by_chance(n, len) < CHANCE_CUT
            && unordered(&ranks[..len])
            && unordered(&ranks[len..])
        {
            return Some(len);
        }
    }
    None
}

/// Whether a piece's changes came in an order of their own, not its marks' (`ranks`:
/// each mark's place among the changes, in mark order): at most three in four of
/// its neighbours in the same order. Were the two orders one (a node's pods listed
/// in one order for every pass, as a simulator may), every cut would agree.
fn unordered(ranks: &[usize]) -> bool {
    let ascending = ranks.windows(2).filter(|w| w[0] < w[1]).count();
    ascending * 4 <= (ranks.len() - 1) * 3
}

/// 1 / C(n, k): the odds that `k` given pods of `n` come first in a random order.
fn by_chance(n: usize, k: usize) -> f64 {
    (0..k).map(|i| (k - i) as f64 / (n - i) as f64).product()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Changes in this order of places, on lines 10, 11, ….
    fn changes(places: &[usize]) -> Vec<(&'static str, u64, usize)> {
        (places.iter().enumerate())
            .map(|(i, &p)| ("pods.log", 10 + i as u64, p))
            .collect()
    }

    /// Two nodes of twelve pods marked back to back (places 0–11, then 12–23) and
    /// back one after the other, A then B or B then A, each in an order of its own:
    /// two groups.
    #[test]
    fn two_nodes_marked_and_back_one_after_the_other_are_cut_apart() {
        let first = [3, 7, 0, 9, 1, 11, 5, 8, 2, 10, 6, 4];
        let (a, b) = (first, first.map(|p| 23 - p));
        for (one, other) in [(a, b), (b, a)] {
            let order: Vec<usize> = one.iter().chain(&other).copied().collect();
            let pieces = split_by_order(vec![(0..24).collect()], &changes(&order));
            let halves = vec![(0..12).collect::<Vec<_>>(), (12..24).collect()];
            assert_eq!(pieces, halves, "{order:?}");
        }
    }

    /// One node's pods marked and back in the same order (a simulator listing a
    /// node's pods in one order each time): every prefix agrees, and none is a cut.
    #[test]
    fn one_node_s_one_order_is_no_cut() {
        let group: Vec<usize> = (0..40).collect();
        let pieces = split_by_order(vec![group.clone()], &changes(&group));
        assert_eq!(pieces, vec![group]);
    }

    /// One node's pods, marked in one order and back in another: one group, even
    /// where the first few agree by chance.
    #[test]
    fn one_node_s_two_orders_are_no_cut() {
        let group: Vec<usize> = (0..20).collect();
        let order = [
            1, 0, 2, 13, 7, 19, 4, 11, 16, 3, 9, 18, 6, 14, 10, 17, 5, 12, 8, 15,
        ];
        let pieces = split_by_order(vec![group.clone()], &changes(&order));
        assert_eq!(pieces, vec![group]);
    }
}
