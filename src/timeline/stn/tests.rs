//! Tests of the simple temporal network: settling, the searches, bounds and conflicts.

use super::*;

/// A small xorshift generator for the randomised tests: `next(m)` is in `0..m`.
pub(super) fn rng(mut state: u64) -> impl FnMut(u64) -> u64 {
    move |m: u64| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state % m
    }
}

/// On random networks full of contradictions, settling while resolving ends with a
/// consistent network, and every cycle it reports is a contradiction on its own.
#[test]
fn settling_resolves_contradictions_with_real_cycles_only() {
    let mut next = rng(0x2545_f491_4f6c_dd1d_u64);
    let mut conflicts_seen = 0;
    for _ in 0..300 {
        let size = 2 + next(25) as usize;
        let mut n = Network::new();
        for _ in 0..size {
            n.point();
        }
        let mut specs = Vec::new();
        for id in 0..next(60) as usize {
            let (i, j) = (next(size as u64) as usize, next(size as u64) as usize);
            let lo = next(2_000) as Ms - 1_000;
            let hi = lo + next(300) as Ms;
            n.constrain(i, j, lo, hi, id);
            specs.push((i, j, lo, hi));
        }
        let mut order: Vec<u32> = (0..size as u32).collect();
        for i in (1..size).rev() {
            order.swap(i, next(i as u64 + 1) as usize);
        }
        let mut cycles = Vec::new();
        let settled = n.settle_resolving(&order, |c| {
            cycles.push(c.constraints.clone());
            c.constraints.iter().max().copied().into_iter().collect()
        });
        assert!(settled, "a small network settles within the budget");
        let p = n.potential.clone().expect("kept");
        assert_eq!(n.violations(&p), 0);
        assert!(n.check().is_ok());
        for cycle in cycles {
            conflicts_seen += 1;
            let mut alone = Network::new();
            for _ in 0..size {
                alone.point();
            }
            for &id in &cycle {
                let (i, j, lo, hi) = specs[id];
                alone.constrain(i, j, lo, hi, id);
            }
            assert!(alone.check().is_err(), "cycle {cycle:?} is a contradiction");
        }
    }
    assert!(conflicts_seen > 100, "the test meets contradictions");
}

/// Dijkstra on the potential must give exactly what the label-correcting search
/// gives, both directions, on networks that have a solution (built around one).
#[test]
fn dijkstra_with_the_potential_matches_label_correcting() {
    let mut next = rng(0x9e37_79b9_7f4a_7c15_u64);
    for _ in 0..200 {
        let size = 2 + next(30) as usize;
        let solution: Vec<Ms> = (0..size).map(|_| next(10_000) as Ms).collect();
        let mut n = Network::new();
        for _ in 0..size {
            n.point();
        }
        for id in 0..next(80) as usize {
            let (i, j) = (next(size as u64) as usize, next(size as u64) as usize);
            let d = solution[j] - solution[i];
            let lo = if next(3) == 0 {
                -UNBOUNDED
            } else {
                d - next(500) as Ms
            };
            let hi = if next(3) == 0 {
                UNBOUNDED
            } else {
                d + next(500) as Ms
            };
            n.constrain(i, j, lo, hi, id);
        }
        let before: Vec<_> = (0..size)
            .flat_map(|s| [n.distances(s, false), n.distances(s, true)])
            .collect();
        let mut settled = n.clone();
        n.check().expect("built around a solution");
        let after: Vec<_> = (0..size)
            .flat_map(|s| [n.distances(s, false), n.distances(s, true)])
            .collect();
        assert_eq!(before, after);
        // A search of the pair alone: exact over the whole network, never shorter
        // (an interval never narrower) over a window of it.
        let mut scratch = Scratch::default();
        let pot = n.potential.clone().expect("checked");
        let (lo, hi) = (
            pot.iter().min().copied().unwrap_or(0),
            pot.iter().max().copied().unwrap_or(0),
        );
        let cut = lo + (hi - lo) / 2;
        for a in 0..size {
            for b in 0..size {
                for rev in [false, true] {
                    let full = after[2 * a + usize::from(rev)]
                        .as_ref()
                        .expect("consistent")[b];
                    let whole = n.distance_within(a, b, rev, (lo, hi), &mut scratch);
                    assert_eq!(whole, Some(full), "{a} -> {b} reversed {rev}");
                    let part = n.distance_within(a, b, rev, (lo, cut), &mut scratch);
                    assert!(part.expect("a potential") >= full, "{a} -> {b}");
                }
            }
        }
        // Settling point by point, in any order, finds a potential just as good.
        let mut order: Vec<u32> = (0..size as u32).collect();
        for i in (1..size).rev() {
            order.swap(i, next(i as u64 + 1) as usize);
        }
        assert!(settled.settle_in_order(&order), "consistent: settles");
        let p = settled.potential.clone().expect("kept");
        assert_eq!(settled.violations(&p), 0);
        let again: Vec<_> = (0..size)
            .flat_map(|s| [settled.distances(s, false), settled.distances(s, true)])
            .collect();
        assert_eq!(before, again);
        // A contradiction added on top is never settled.
        let (i, j) = (next(size as u64) as usize, next(size as u64) as usize);
        if i != j {
            let d = solution[j] - solution[i];
            let mut bad = settled.clone();
            bad.constrain(i, j, d + 1, d + 1, 999);
            bad.constrain(i, j, d - 1, d - 1, 1000);
            assert!(!bad.settle_in_order(&order), "contradiction: not settled");
            assert!(bad.check().is_err());
        }
    }
}

#[test]
fn tightest_bounds_come_from_both_directions() {
    let mut n = Network::new();
    let o = n.point();
    let a = n.point();
    let b = n.point();
    n.constrain(o, a, 10, 20, 0);
    n.constrain(a, b, 5, 5, 1);
    n.constrain(o, b, 0, 22, 2);
    let fwd = n.distances(o, false).unwrap();
    let back = n.distances(o, true).unwrap();
    // a ∈ [10, 17], b ∈ [15, 22]
    assert_eq!((-back[a], fwd[a]), (10, 17));
    assert_eq!((-back[b], fwd[b]), (15, 22));
}

#[test]
fn a_contradiction_names_its_constraints_and_removing_one_heals_it() {
    let mut n = Network::new();
    let o = n.point();
    let a = n.point();
    n.constrain(o, a, 10, 20, 0);
    n.constrain(o, a, 30, 40, 1);
    let c = n.check().unwrap_err();
    assert_eq!(c.constraints, vec![0, 1]);
    n.remove(1);
    assert!(n.check().is_ok());
    assert!(n.distances(o, false).is_ok());
}

/// A line, the restart it dates two minutes back (RESTARTS `1 (2m ago)`: the order puts
/// a restart point right after that line), then a pod created after it and its first
/// line (AGE `5s`). The new creation starts where the line stands, not two minutes
/// back at the restart point: started there, it pulled the line (and in a capture,
/// every line since the restart) back through its first line's AGE.
#[test]
fn a_point_after_a_restart_it_dates_starts_at_the_line_not_the_restart() {
    let mut n = Network::new();
    let (line, restart, created, first) = (n.point(), n.point(), n.point(), n.point());
    n.constrain(restart, line, 120_000, 180_000, 0);
    n.constrain(created, first, 0, 5_000, 1);
    n.constrain(line, first, 0, UNBOUNDED, 2);
    assert!(n.settle_in_order(&[0, 1, 2, 3]), "consistent: settles");
    let p = n.potential.clone().expect("kept");
    assert_eq!(n.violations(&p), 0);
    assert!(
        p[created] >= p[line],
        "the line stays where it was placed: {p:?}"
    );
    assert_eq!(p[restart], p[line] - 120_000, "{p:?}");
}

/// A free point (here a new pod's creation, bound by nothing settled before it)
/// starts ten minutes after the latest point settled, not at it (see
/// `settle::free_start`: the capture's time has moved on by an amount nothing says),
/// and its first line (AGE `1m`) as late as the creation allows.
#[test]
fn a_free_point_starts_a_gap_after_the_latest_point() {
    let mut n = Network::new();
    let (old_line, created, first) = (n.point(), n.point(), n.point());
    n.constrain(created, first, 60_000, 61_000, 0);
    n.constrain(old_line, first, 0, UNBOUNDED, 1);
    assert!(n.settle_in_order(&[0, 1, 2]), "consistent: settles");
    let p = n.potential.clone().expect("kept");
    assert_eq!(n.violations(&p), 0);
    assert_eq!(
        p[created] - p[old_line],
        600_000,
        "ten minutes after: {p:?}"
    );
    assert_eq!(p[first] - p[created], 61_000, "{p:?}");
}
