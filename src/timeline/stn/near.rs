//! The distance between two points near each other, over the points near them: one
//! search aimed at the far end by the clock's earliest and latest schedules, or, where
//! those do not hold at every point, two searches that meet.

use super::local::span;
use super::{ByTime, Ms, Network, Scratch, UNBOUNDED, UNREACHED};

impl Network {
    /// The shortest distance from `src` to `dst` (`x_dst − x_src ≤ d`; `reversed`:
    /// `x_src − x_dst ≤ d`) over the sub-network of the points whose potential (a
    /// feasible schedule) lies in `window`, by a search aimed at `dst` (`toward`) or
    /// two searches that meet (`meet`). A sub-network has fewer constraints, so this
    /// is never shorter than the whole network's distance: it may only widen an
    /// interval. [`UNBOUNDED`] when `dst` is not reached; `None` without a potential.
    /// Costs the points it settles.
    pub fn distance_within(
        &self,
        src: usize,
        dst: usize,
        reversed: bool,
        window: (Ms, Ms),
        scratch: &mut Scratch,
    ) -> Option<Ms> {
        let t = self.by_time()?;
        if src >= self.points || dst >= self.points {
            return Some(UNBOUNDED);
        }
        let inside = t.ranks_within(window);
        let (src, dst) = (t.rank[src] as usize, t.rank[dst]);
        let aimed = t
            .schedules
            .any()
            .then(|| toward(t, src as u32, dst, reversed, &inside, scratch));
        let found = match aimed {
            Some(Ok(found)) => found,
            // Not aimed, or a key past 32 bits (a path ~49 days slacker than the
            // schedules): the two searches that meet, whose labels stop there too.
            Some(Err(PastU32)) | None => {
                scratch.reset(span(&inside, &[src as u32, dst]));
                meet(t, src, dst, reversed, inside, scratch)
            }
        };
        Some(found.map_or(UNBOUNDED, |d| {
            d + t.phi(dst as usize, reversed) - t.phi(src, reversed)
        }))
    }
}

/// The reduced distance from rank `src` to rank `dst` over the ranks in `inside` (and
/// the two ends), by two searches that meet: one from `src`, one back from `dst`,
/// each taking the closer of the two queues' heads next, until no path through an
/// unsettled point can be shorter than the best found (Pohl 1971). The same
/// sub-network and the same costs as a search one way, so the same distance, for a
/// third fewer points settled (a 210 MB soak's near pairs: 88 → 57 million).
fn meet(
    t: &ByTime,
    src: usize,
    dst: u32,
    reversed: bool,
    inside: std::ops::Range<u32>,
    scratch: &mut Scratch,
) -> Option<Ms> {
    let src = src as u32;
    if src == dst {
        return Some(0);
    }
    let first = scratch.first;
    scratch.back.clear();
    scratch.back.resize(scratch.label.len(), UNREACHED);
    scratch.back_queue.clear();
    let Scratch {
        label,
        back,
        queue,
        back_queue,
        ..
    } = scratch;
    label[(src - first) as usize] = 0;
    back[(dst - first) as usize] = 0;
    queue.push(0, src);
    back_queue.push(0, dst);
    let mut best = u64::from(UNREACHED);
    while let (Some(f), Some(b)) = (queue.peek(), back_queue.peek()) {
        if u64::from(f) + u64::from(b) >= best {
            break;
        }
        // The side with the closer head goes on; the other end is its goal.
        let (q, mine, theirs, rev, end) = if f <= b {
            (&mut *queue, &mut *label, &*back, reversed, dst)
        } else {
            (&mut *back_queue, &mut *back, &*label, !reversed, src)
        };
        let Some((d, u)) = q.pop() else {
            break;
        };
        if d > mine[(u - first) as usize] {
            continue; // a stale entry
        }
        lower_steps(
            t,
            (u, d),
            rev,
            (&inside, end),
            first,
            &mut mine[..],
            |to, nd| {
                q.push(nd, to);
                let theirs = theirs[(to - first) as usize];
                if theirs != UNREACHED {
                    best = best.min(u64::from(nd) + u64::from(theirs));
                }
            },
        );
    }
    (best < u64::from(UNREACHED)).then_some(best as Ms)
}

/// The reduced distance from rank `src` to rank `dst` over the ranks in `inside` (and
/// the two ends), by one search aimed at `dst` with the network's other schedules'
/// bound on the rest of the way ([`super::by_time::Schedules`]): a point is taken in
/// order of its distance plus that bound, so the points that cannot lie on a path
/// shorter than the answer are never settled. The same sub-network and costs as
/// [`meet`], so the same distance; [`PastU32`] when a point's key (its label plus its
/// bound) would not fit the queue's 32 bits, where that order could not be kept.
fn toward(
    t: &ByTime,
    src: u32,
    dst: u32,
    reversed: bool,
    inside: &std::ops::Range<u32>,
    scratch: &mut Scratch,
) -> Result<Option<Ms>, PastU32> {
    if src == dst {
        return Ok(Some(0));
    }
    let Scratch {
        aimed,
        stamp,
        queue,
        ..
    } = scratch;
    // Even stamps: a slot stamped one more is its point settled (`Stamped`).
    *stamp = stamp.wrapping_add(2);
    if *stamp == 0 {
        // Stamps ran out (2^31 searches): every slot unreached again.
        aimed.fill(0);
        *stamp = 2;
    }
    // The network may have grown since the last search; new slots are unreached.
    if aimed.len() < t.rank.len() {
        aimed.resize(t.rank.len(), 0);
    }
    queue.clear();
    let label = &mut Stamped {
        slots: aimed,
        stamp: *stamp,
    };
    let rest = t.schedules.toward(dst, reversed);
    let rest = |r: u32| rest.at(r);
    label.set(src as usize, 0);
    queue.push(rest(src), src);
    while let Some((_, u)) = queue.pop() {
        // The bound is consistent, so the first entry of a point taken holds its
        // distance, and any later one is superseded: no bound to work out again.
        let Some(d) = label.settle(u as usize) else {
            continue; // a stale entry
        };
        if u == dst {
            return Ok(Some(Ms::from(d)));
        }
        let mut past = false;
        lower_steps(
            t,
            (u, d),
            reversed,
            (inside, dst),
            0,
            label,
            |to, nd| match nd.checked_add(rest(to)) {
                Some(key) => queue.push(key, to),
                None => past = true,
            },
        );
        if past {
            return Err(PastU32);
        }
    }
    Ok(None)
}

/// A search's labels by index: a window's slice, or [`Stamped`] slots.
trait Labels {
    fn get(&self, i: usize) -> u32;
    fn set(&mut self, i: usize, label: u32);
}

impl Labels for [u32] {
    #[inline(always)]
    fn get(&self, i: usize) -> u32 {
        self[i]
    }

    #[inline(always)]
    fn set(&mut self, i: usize, label: u32) {
        self[i] = label;
    }
}

/// Labels that need no clearing between searches: a slot holds its search's stamp
/// (high half) and label (low half), and one of another search reads as unreached.
/// Stamps are even: a slot stamped one more holds its point's label settled.
struct Stamped<'a> {
    slots: &'a mut [u64],
    stamp: u32,
}

impl Stamped<'_> {
    /// The label at `i`, which the search takes now, settled; `None` if it was
    /// settled already.
    #[inline(always)]
    fn settle(&mut self, i: usize) -> Option<u32> {
        let slot = self.slots[i];
        if (slot >> 32) as u32 != self.stamp {
            return None;
        }
        self.slots[i] = slot | 1 << 32;
        Some(slot as u32)
    }
}

impl Labels for Stamped<'_> {
    #[inline(always)]
    fn get(&self, i: usize) -> u32 {
        let slot = self.slots[i];
        // This search's stamp, settled or not.
        if (slot >> 33) as u32 == self.stamp >> 1 {
            slot as u32
        } else {
            UNREACHED
        }
    }

    #[inline(always)]
    fn set(&mut self, i: usize, label: u32) {
        self.slots[i] = u64::from(self.stamp) << 32 | u64::from(label);
    }
}

/// Lowers the labels of the steps from rank `u` (settled at reduced distance `d`) to
/// the ranks of `inside` or to `end` (the far end may lie outside the window) where
/// they are shorter, telling `lowered` each rank and its new label.
#[inline(always)]
fn lower_steps(
    t: &ByTime,
    (u, d): (u32, u32),
    reversed: bool,
    (inside, end): (&std::ops::Range<u32>, u32),
    first: u32,
    label: &mut (impl Labels + ?Sized),
    mut lowered: impl FnMut(u32, u32),
) {
    let n = inside.end - inside.start;
    for step in t.steps(u as usize, reversed) {
        // Inside the window (one comparison), or the far end.
        if step.to.wrapping_sub(inside.start) >= n && step.to != end {
            continue;
        }
        let v = (step.to - first) as usize;
        let nd = d.saturating_add(step.cost);
        if nd < label.get(v) {
            label.set(v, nd);
            lowered(step.to, nd);
        }
    }
}

/// A search key past 32 bits (`toward`).
struct PastU32;

#[cfg(test)]
mod tests {
    use super::super::tests::rng;
    use super::*;

    /// A random network of `size` points around a solution, laid out for windows: a
    /// chain in time order (unless `free_last`: then the last point is in no
    /// constraint), and twice as many constraints between random points.
    fn around_a_solution(
        next: &mut impl FnMut(u64) -> u64,
        size: usize,
        free_last: bool,
    ) -> Network {
        let mut solution: Vec<Ms> = (0..size).map(|_| next(3_600_000) as Ms).collect();
        solution.sort_unstable();
        let mut n = Network::new();
        for _ in 0..size {
            n.point();
        }
        let mut id = 0;
        let mut constrain = |n: &mut Network, i: usize, j: usize, slack: Ms| {
            let d = solution[j] - solution[i];
            n.constrain(i, j, d - slack, d + slack, id);
            id += 1;
        };
        for i in 1..size - usize::from(free_last) {
            constrain(&mut n, i - 1, i, next(30_000) as Ms);
        }
        for _ in 0..size * 2 {
            let (i, j) = (next(size as u64) as usize, next(size as u64) as usize);
            if !(free_last && (i == size - 1 || j == size - 1)) {
                constrain(&mut n, i, j, next(60_000) as Ms);
            }
        }
        n.check().expect("built around a solution");
        n.keep_for_windows();
        n
    }

    /// The clock's two schedules kept on `n`, as the timeline keeps them.
    fn keep_schedules(n: &mut Network) {
        let f = n.distances(0, false).expect("consistent");
        let r = n.distances(0, true).expect("consistent");
        n.keep_schedules(|p| (-r[p], f[p]));
    }

    /// Aimed by the earliest and the latest schedules, a search finds what the two
    /// searches that meet find over the same window, and over the whole network its
    /// exact distance; a network with a point the reference does not reach keeps no
    /// schedule and searches as before.
    #[test]
    fn a_search_aimed_by_the_schedules_finds_what_two_that_meet_find() {
        let mut next = rng(0x2545_f491_4f6c_dd1d);
        let mut aimed = 0;
        for round in 0..80 {
            let size = 10 + next(60) as usize;
            // A chain in time order (every point reaches every other) unless this
            // round leaves the last point free of it.
            let free_last = round % 10 == 9;
            let mut n = around_a_solution(&mut next, size, free_last);
            let plain = n.clone();
            keep_schedules(&mut n);
            let kept = n.by_time().map(|t| t.schedules.kept);
            assert_eq!(kept, Some([!free_last; 2]), "round {round}");
            let (mut one, mut two) = (Scratch::default(), Scratch::default());
            for _ in 0..60 {
                let (a, b) = (next(size as u64) as usize, next(size as u64) as usize);
                let reversed = next(2) == 0;
                let exact = n.distances(a, reversed).expect("consistent")[b];
                let whole = (-UNBOUNDED, UNBOUNDED);
                assert_eq!(
                    n.distance_within(a, b, reversed, whole, &mut one),
                    Some(exact),
                    "{a}->{b} whole"
                );
                let from = next(3_600_000) as Ms;
                let window = (from, from + next(1_200_000) as Ms);
                let aimed_at = n.distance_within(a, b, reversed, window, &mut one);
                let met = plain.distance_within(a, b, reversed, window, &mut two);
                assert_eq!(aimed_at, met, "{a}->{b} over {window:?}");
                aimed += usize::from(!free_last);
            }
        }
        assert!(aimed > 3_000, "searches aimed: {aimed}");
    }

    /// The aimed search's labels are never cleared: a slot of an earlier search must
    /// read as unreached, also once the stamps wrap around, and on a network of
    /// another size.
    #[test]
    fn labels_of_earlier_aimed_searches_are_not_read() {
        let mut next = rng(0x9e37_79b9_7f4a_7c15);
        let mut kept = Scratch::default();
        for round in 0..12 {
            let size = 10 + next(40) as usize;
            let mut n = around_a_solution(&mut next, size, false);
            keep_schedules(&mut n);
            assert_eq!(n.by_time().map(|t| t.schedules.kept), Some([true; 2]));
            if round == 6 {
                // The stamps wrap within this round. Slots past this network's
                // ranks, stamped before the wrap, are never searched again: only
                // the wrap's clearing puts them back.
                kept.stamp = u32::MAX - 3;
                let old = u64::from(u32::MAX - 5) << 32;
                kept.aimed.resize(size + 8, old);
            }
            for _ in 0..20 {
                let (a, b) = (next(size as u64) as usize, next(size as u64) as usize);
                let reversed = next(2) == 0;
                let whole = (-UNBOUNDED, UNBOUNDED);
                let fresh = n.distance_within(a, b, reversed, whole, &mut Scratch::default());
                let again = n.distance_within(a, b, reversed, whole, &mut kept);
                assert!(fresh.is_some_and(|d| d < UNBOUNDED), "{a}->{b} searched");
                assert_eq!(again, fresh, "round {round}: {a}->{b}, reversed {reversed}");
            }
            // Once the stamps wrapped, no slot holds a stamp still to come (a
            // settled point's is the search's own plus one).
            let mut stamps = kept.aimed.iter().map(|&slot| (slot >> 32) as u32);
            assert!(stamps.all(|s| s <= kept.stamp + 1), "round {round}");
        }
    }
}
