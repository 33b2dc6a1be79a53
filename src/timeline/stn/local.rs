//! Distances asked of a part of the network, and bounds chained through landmarks.
//!
//! A long capture's network has millions of points, and a question about one incident
//! (is this pod's Terminating after the failure? how long until its replacement was
//! ready?) should not cost a search over all of them. Two honest shortcuts answer it
//! from nearby points only:
//!
//! - a search restricted to the points whose feasible time (the potential) lies in a
//!   window: a sub-network has fewer constraints, so its distances are never shorter
//!   than the whole network's, and an interval built from them may only be wider;
//! - **landmarks**: one point every `spacing` of feasible time. Each point keeps its
//!   bounds relative to its landmark (`x_p − x_L`), each landmark its bounds to the
//!   next, both from windowed searches. Any pair is then bounded by the chain
//!   `(x_b − x_Lb) + (x_Lb − x_La) + (x_La − x_a)`: every term is the length of a real
//!   path, so the sum bounds the pair's true difference from outside.
//!
//! Building the landmarks costs a few windowed searches per point of the capture
//! (linear in its length); a question then costs O(1). Near pairs get the windowed
//! search as well, which keeps the order of close steps as exact as the whole network
//! would (the randomised test in `tests.rs` checks both against it).

use rayon::prelude::*;

use super::{ByTime, Ms, Network, Reduced, Scratch, UNBOUNDED};

/// Bounds of every point relative to a nearby landmark, and of each landmark to the
/// next (see the module's documentation).
#[derive(Debug, Default)]
pub struct Landmarks {
    /// Per point: the index of its landmark (`NONE` without a potential).
    home: Vec<u32>,
    /// Per point: `x_p − x_home ∈ [lo, hi]`, saturated to `±REL_UNBOUNDED`.
    rel: Vec<(i32, i32)>,
    /// The steps from each landmark to the next: upper bounds on `x_Lk+1 − x_Lk`.
    up: Chain,
    /// Upper bounds on `x_Lk − x_Lk+1`.
    down: Chain,
}

/// Prefix sums of a chain's steps, with the unbounded steps counted apart: a span is
/// bounded when it crosses none of them.
#[derive(Debug)]
struct Chain {
    sum: Vec<Ms>,
    breaks: Vec<u32>,
}

impl Default for Chain {
    /// The chain of the first landmark alone.
    fn default() -> Chain {
        Chain {
            sum: vec![0],
            breaks: vec![0],
        }
    }
}

impl Chain {
    fn push_step(&mut self, step: Ms) {
        let (sum, breaks) = (
            self.sum[self.sum.len() - 1],
            self.breaks[self.breaks.len() - 1],
        );
        if step < UNBOUNDED {
            self.sum.push(sum + step);
            self.breaks.push(breaks);
        } else {
            self.sum.push(sum);
            self.breaks.push(breaks + 1);
        }
    }

    /// The sum of steps `i..j`, if all are bounded.
    fn span(&self, i: usize, j: usize) -> Option<Ms> {
        (self.breaks.get(i)? == self.breaks.get(j)?).then(|| self.sum[j] - self.sum[i])
    }
}

const NONE: u32 = u32::MAX;
const REL_UNBOUNDED: i32 = i32::MAX;

impl Landmarks {
    /// Bounds `[lo, hi]` of `x_b − x_a` through the chain (`±UNBOUNDED` where there is
    /// no bounded path this way).
    pub fn bound(&self, a: usize, b: usize) -> (Ms, Ms) {
        let unknown = (-UNBOUNDED, UNBOUNDED);
        let (Some(&ka), Some(&kb)) = (self.home.get(a), self.home.get(b)) else {
            return unknown;
        };
        if ka == NONE || kb == NONE {
            return unknown;
        }
        let (ra, rb) = (self.rel[a], self.rel[b]);
        // x_b − x_a ≤ (x_b − x_Lb) + (x_Lb − x_La) + (x_La − x_a)
        let hi = sum3(upper(rb.1), self.chain(ka, kb), lower_neg(ra.0));
        // x_a − x_b ≤ (x_a − x_La) + (x_La − x_Lb) + (x_Lb − x_b)
        let back = sum3(upper(ra.1), self.chain(kb, ka), lower_neg(rb.0));
        (back.map_or(-UNBOUNDED, |x| -x), hi.unwrap_or(UNBOUNDED))
    }

    /// An upper bound on `x_Lj − x_Li`.
    fn chain(&self, i: u32, j: u32) -> Option<Ms> {
        let (i, j) = (i as usize, j as usize);
        if j >= i {
            self.up.span(i, j)
        } else {
            self.down.span(j, i)
        }
    }

    /// How many landmarks.
    pub fn len(&self) -> usize {
        self.up.sum.len()
    }

    /// Whether there are none (a network without points).
    pub fn is_empty(&self) -> bool {
        self.home.is_empty()
    }
}

/// `hi` of a relative bound, as an upper bound.
fn upper(hi: i32) -> Option<Ms> {
    (hi != REL_UNBOUNDED).then_some(hi as Ms)
}

/// `−lo` of a relative bound (an upper bound on the negated difference).
fn lower_neg(lo: i32) -> Option<Ms> {
    (lo != -REL_UNBOUNDED).then_some(-(lo as Ms))
}

fn sum3(a: Option<Ms>, b: Option<Ms>, c: Option<Ms>) -> Option<Ms> {
    Some(a? + b? + c?)
}

fn to_rel(d: Ms) -> i32 {
    if d >= UNBOUNDED {
        REL_UNBOUNDED
    } else {
        d.clamp(-(REL_UNBOUNDED as Ms) + 1, REL_UNBOUNDED as Ms - 1) as i32
    }
}

/// Dijkstra on the reduced costs from rank `src` over the ranks in `inside`, settling
/// all it reaches: the labels in `scratch`.
fn windowed(
    t: &ByTime,
    src: u32,
    reversed: bool,
    inside: std::ops::Range<u32>,
    scratch: &mut Scratch,
) {
    let first = scratch.first;
    let Scratch { label, queue, .. } = scratch;
    label[(src - first) as usize] = 0;
    queue.push(0, src);
    settle_within(t, reversed, &inside, first, label, queue, |_, _| false);
}

/// Dijkstra on the reduced costs over the ranks in `inside` (`label[i]` is rank
/// `first + i`'s), from what `queue` holds, until the queue is empty or `enough`,
/// asked of the labels after each point is settled. Dijkstra settles in order of
/// distance, so stopped and taken up again it settles exactly as in one go. `enough`
/// is told the key of the point just settled: every label at most that is final.
#[inline(always)]
pub(super) fn settle_within(
    t: &ByTime,
    reversed: bool,
    inside: &std::ops::Range<u32>,
    first: u32,
    label: &mut [u32],
    queue: &mut super::Buckets<u32>,
    mut enough: impl FnMut(&[u32], u32) -> bool,
) {
    // The window's labels as one slice, indexed from its first rank: one comparison
    // tells a step inside the window, and the index needs no other check.
    let (lo, n) = (inside.start, inside.len());
    let off = (lo - first) as usize;
    while let Some((d, u)) = queue.pop_fresh(|k, v| k > label[(v - first) as usize]) {
        if d > label[(u - first) as usize] {
            continue; // a stale entry: u was settled closer
        }
        let window = &mut label[off..off + n];
        for step in t.steps(u as usize, reversed) {
            let i = step.to.wrapping_sub(lo) as usize;
            let Some(l) = window.get_mut(i) else {
                continue; // outside the window
            };
            // Past 32 bits the path is left out (UNREACHED is never improved on).
            let nd = d.saturating_add(step.cost);
            if nd < *l {
                *l = nd;
                queue.push(nd, step.to);
            }
        }
        if enough(label, d) {
            return;
        }
    }
}

/// The ranks of `inside` and of `also` (a search's ends): what a search's labels span.
pub(super) fn span(inside: &std::ops::Range<u32>, also: &[u32]) -> std::ops::Range<u32> {
    let lo = also.iter().fold(inside.start, |m, &r| m.min(r));
    let hi = also.iter().fold(inside.end, |m, &r| m.max(r + 1));
    lo..hi
}

/// The result of one landmark's two searches.
struct Reach {
    homes: Vec<(u32, i32, i32)>,
    up: Ms,
    down: Ms,
}

impl Network {
    /// The network laid out by time for the windowed searches (made on the first
    /// one); `None` without a current potential.
    pub(super) fn by_time(&self) -> Option<&ByTime> {
        if let Some(t) = self.by_time.get() {
            return Some(t);
        }
        let potential = self
            .potential
            .as_deref()
            .filter(|p| p.len() == self.points)?;
        Some(self.by_time.get_or_init(|| ByTime::new(self, potential)))
    }

    /// Shortest distances from `src` over the points whose potential lies in `window`
    /// (and `src` itself), forward (`x_v − x_src ≤ d`) or `reversed`
    /// (`x_src − x_v ≤ d`): afterwards [`Network::distance_found`] reads them ([`UNBOUNDED`] where not reached). False
    /// without a current potential. Costs what it visits.
    pub fn search_within(
        &self,
        src: usize,
        reversed: bool,
        window: (Ms, Ms),
        scratch: &mut Scratch,
    ) -> bool {
        let Some(t) = self.by_time() else {
            return false;
        };
        if src >= self.points {
            scratch.reset(0..0);
            return true;
        }
        let inside = t.ranks_within(window);
        let src = t.rank[src];
        scratch.reset(span(&inside, &[src]));
        t.warm(inside.clone(), reversed);
        windowed(t, src, reversed, inside, scratch);
        scratch.reduced = Reduced {
            reversed,
            base: t.phi(src as usize, reversed),
        };
        true
    }

    /// `window` around point `p`'s feasible time, narrowed to hold at most `cap`
    /// points either side of it: a capture dense in time (a soak of many failures an
    /// hour) puts tens of thousands of points in a half hour, and a search per failure
    /// over them costs failures × capture. A narrower window may only widen an answer.
    pub fn window_of_points(&self, p: usize, window: (Ms, Ms), cap: u32) -> (Ms, Ms) {
        let Some(t) = self.by_time() else {
            return window;
        };
        let Some(&r) = t.rank.get(p) else {
            return window;
        };
        let last = t.time.len().saturating_sub(1);
        let lo = t.time[(r.saturating_sub(cap) as usize).min(last)];
        let hi = t.time[(r.saturating_add(cap) as usize).min(last)];
        (window.0.max(lo), window.1.min(hi))
    }

    /// The distance the last [`Network::search_within`] found to point `p`.
    pub fn distance_found(&self, scratch: &Scratch, p: usize) -> Ms {
        self.by_time()
            .and_then(|t| Some(scratch.at(t, *t.rank.get(p)?)))
            .unwrap_or(UNBOUNDED)
    }

    /// Landmarks one every `spacing` of feasible time, each point bound to its own,
    /// searched over a window reaching `margin` past the points it has to reach.
    /// `None` without a current potential.
    pub fn landmarks(&self, spacing: Ms, margin: Ms) -> Option<Landmarks> {
        let t = self.by_time()?;
        let first = *t.time.first()?;
        let slot = |r: usize| (t.time[r] - first) / spacing.max(1);
        // Groups of points (ranges of ranks) sharing a slot; the best connected point
        // of each leads it.
        let mut groups: Vec<(usize, usize, u32)> = Vec::new();
        let mut start = 0;
        while start < t.time.len() {
            let s = slot(start);
            let end = start + (start..t.time.len()).take_while(|&r| slot(r) == s).count();
            let lead = (start..end)
                .max_by_key(|&r| t.degree(r))
                .expect("a group is not empty");
            groups.push((start, end, lead as u32));
            start = end;
        }
        let reaches: Vec<Reach> = (0..groups.len())
            .into_par_iter()
            .map_init(Scratch::default, |scratch, k| {
                let (start, end, lead) = groups[k];
                let next = groups.get(k + 1).map(|g| g.2 as usize);
                let lo = t.time[start];
                let hi = next.map_or(t.time[end - 1], |n| t.time[end - 1].max(t.time[n]));
                let window = (lo - margin, hi + margin);
                let mut homes: Vec<(u32, i32, i32)> =
                    (start..end).map(|r| (t.point[r], 0, 0)).collect();
                let lead = t.point[lead as usize] as usize;
                self.search_within(lead, false, window, scratch);
                for (h, r) in homes.iter_mut().zip(start..end) {
                    h.2 = to_rel(scratch.at(t, r as u32));
                }
                let up = next.map_or(UNBOUNDED, |n| scratch.at(t, n as u32));
                self.search_within(lead, true, window, scratch);
                for (h, r) in homes.iter_mut().zip(start..end) {
                    h.1 = -to_rel(scratch.at(t, r as u32));
                }
                let down = next.map_or(UNBOUNDED, |n| scratch.at(t, n as u32));
                Reach { homes, up, down }
            })
            .collect();
        let mut marks = Landmarks {
            home: vec![NONE; self.points],
            rel: vec![(-REL_UNBOUNDED, REL_UNBOUNDED); self.points],
            up: Chain::default(),
            down: Chain::default(),
        };
        for (k, r) in reaches.iter().enumerate() {
            for &(v, lo, hi) in &r.homes {
                marks.home[v as usize] = k as u32;
                marks.rel[v as usize] = (lo, hi);
            }
            if k + 1 < reaches.len() {
                marks.up.push_step(r.up);
                marks.down.push_step(r.down);
            }
        }
        Some(marks)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use super::super::tests::rng;

    /// Random networks shaped like a capture (points spread over two hours, most
    /// constraints between points minutes apart, a few across the whole span), built
    /// around a solution: every chained bound and every windowed distance holds the
    /// whole network's answer, never inside it.
    #[test]
    fn chained_and_windowed_bounds_never_narrow_the_whole_networks() {
        let mut next = rng(0x51_7cc1_b727_220a_u64);
        let mut bounded_far = 0;
        for _ in 0..60 {
            let size = 20 + next(120) as usize;
            let solution: Vec<Ms> = (0..size).map(|_| next(7_200_000) as Ms).collect();
            let mut n = Network::new();
            for _ in 0..size {
                n.point();
            }
            for id in 0..size * 3 {
                let i = next(size as u64) as usize;
                let near: Vec<usize> = (0..size)
                    .filter(|&j| (solution[j] - solution[i]).abs() < 600_000)
                    .collect();
                let j = if next(10) == 0 || near.is_empty() {
                    next(size as u64) as usize
                } else {
                    near[next(near.len() as u64) as usize]
                };
                let d = solution[j] - solution[i];
                n.constrain(i, j, d - next(20_000) as Ms, d + next(20_000) as Ms, id);
            }
            n.check().expect("built around a solution");
            let marks = n.landmarks(5 * 60_000, 60_000).expect("a potential");
            let mut scratch = Scratch::default();
            for a in 0..size {
                let f = n.distances(a, false).expect("consistent");
                let r = n.distances(a, true).expect("consistent");
                let pa = n.feasible_time(a).expect("a potential");
                for b in 0..size {
                    let (lo, hi) = marks.bound(a, b);
                    assert!(lo <= -r[b] && hi >= f[b], "{a}->{b}: [{lo}, {hi}]");
                    if hi < UNBOUNDED && (solution[b] - solution[a]).abs() > 1_800_000 {
                        bounded_far += 1;
                    }
                }
                for (reversed, exact) in [(false, &f), (true, &r)] {
                    let near = (pa - 900_000, pa + 900_000);
                    n.search_within(a, reversed, near, &mut scratch);
                    let found: Vec<Ms> = (0..size).map(|b| n.distance_found(&scratch, b)).collect();
                    for (b, &d) in exact.iter().enumerate() {
                        assert!(found[b] >= d, "{a}->{b}");
                        if a % 10 != 0 {
                            continue;
                        }
                        // The two searches that meet find what one search finds.
                        let mut pair = Scratch::default();
                        let whole = (-UNBOUNDED, UNBOUNDED);
                        let mut between = |w| n.distance_within(a, b, reversed, w, &mut pair);
                        assert_eq!(between(whole), Some(d), "{a}->{b} whole");
                        let pb = n.feasible_time(b).expect("a potential");
                        if (near.0..=near.1).contains(&pb) {
                            assert_eq!(between(near), Some(found[b]), "{a}->{b} near");
                        }
                    }
                    n.search_within(a, reversed, (-UNBOUNDED, UNBOUNDED), &mut scratch);
                    let found: Vec<Ms> = (0..size).map(|b| n.distance_found(&scratch, b)).collect();
                    assert_eq!(&found[..], &exact[..], "the whole window is exact");
                    // Asked in any order, a lazy search settles each answer as the
                    // whole search does.
                    let lazy = n.search_lazily(a, reversed, (-UNBOUNDED, UNBOUNDED));
                    for b in (0..size).rev().step_by(2).chain((0..size).step_by(2)) {
                        assert_eq!(n.distance_in(&lazy, b), exact[b], "{a}->{b}");
                    }
                }
            }
        }
        assert!(bounded_far > 1_000, "far pairs get bounds: {bounded_far}");
    }

    /// On a rigid chain (each step known exactly) the landmarks are on every path,
    /// so the chained bound of any pair, however far, is exact.
    #[test]
    fn a_window_of_points_holds_at_most_that_many_either_side() {
        let mut n = Network::new();
        let points: Vec<usize> = (0..200).map(|_| n.point()).collect();
        for (id, w) in points.windows(2).enumerate() {
            n.constrain(w[0], w[1], 1_000, 1_000, id);
        }
        n.check().expect("consistent");
        let t = |p: usize| n.feasible_time(points[p]).expect("a potential");
        let all = (-UNBOUNDED, UNBOUNDED);
        assert_eq!(n.window_of_points(points[100], all, 10), (t(90), t(110)));
        // At the ends, and where the time window is the narrower one.
        assert_eq!(n.window_of_points(points[3], all, 10), (t(0), t(13)));
        let narrow = (t(98), t(103));
        assert_eq!(n.window_of_points(points[100], narrow, 10), narrow);
    }

    #[test]
    fn a_rigid_chain_is_bounded_exactly_end_to_end() {
        let mut n = Network::new();
        let points: Vec<usize> = (0..200).map(|_| n.point()).collect();
        for (id, w) in points.windows(2).enumerate() {
            let step = 30_000 + (id as Ms % 7) * 1_000;
            n.constrain(w[0], w[1], step, step, id);
        }
        n.check().expect("consistent");
        let marks = n.landmarks(10 * 60_000, 60_000).expect("a potential");
        assert!(marks.len() > 5, "{} landmarks", marks.len());
        let f = n.distances(points[0], false).expect("consistent");
        for &b in &points {
            assert_eq!(marks.bound(points[0], b), (f[b], f[b]));
            assert_eq!(marks.bound(b, points[0]), (-f[b], -f[b]));
        }
    }
}
