//! A search kept from one point (a failure's), settled only as far as its questions
//! need.
//!
//! A failure's point is asked hundreds of questions, all answered by one windowed
//! search from it each way. Run over its whole window before the first question, that
//! search settled every point it reached (~17,000 on a soak), where the questions
//! needed only the points up to the farthest one asked, by distance: on `s210n`, 41 of
//! the 71 million points settled. Dijkstra settles points in order of distance, so it
//! can stop anywhere and go on later exactly as if it had not stopped: a question about
//! a point whose label is not yet final settles on until it is. Every label read is
//! the one the search run in one go would have given, so every answer is the same.

use std::cell::RefCell;
use std::ops::Range;

use super::buckets::Buckets;
use super::by_time::ByTime;
use super::local::settle_within;
use super::{Ms, Network, Reduced, UNBOUNDED, UNREACHED};

/// A windowed search from one point, settled as far as it has been asked
/// ([`Network::search_lazily`], [`Network::distance_in`]).
#[derive(Debug, Default)]
pub struct Found {
    /// The first rank of the window (of `label[0]`).
    first: u32,
    reduced: Reduced,
    search: RefCell<Search>,
}

/// What a search needs to go on.
#[derive(Debug, Default)]
struct Search {
    /// Labels over the window's ranks (see `Scratch`).
    label: Vec<u32>,
    queue: Buckets<u32>,
    /// The ranks the search may step on.
    inside: Range<u32>,
    /// The key of the point settled last: a label at most this is final (reduced
    /// costs are never negative, so nothing settled later can lower it).
    settled: u32,
    /// Whether the queue ran out: every label is final.
    done: bool,
}

impl Network {
    /// A search from point `src` over the points whose potential lies in `window`,
    /// forward or `reversed` (as [`Network::search_within`]), that settles nothing yet:
    /// [`Network::distance_in`] settles as far as each question needs. Empty (every
    /// distance [`UNBOUNDED`]) without a current potential or outside the network.
    pub fn search_lazily(&self, src: usize, reversed: bool, window: (Ms, Ms)) -> Found {
        let Some(t) = self.by_time() else {
            return Found::default();
        };
        if src >= self.points {
            return Found::default();
        }
        let inside = t.ranks_within(window);
        let r = t.rank[src];
        if !inside.contains(&r) {
            return Found::default();
        }
        let (mut label, queue) = SPARE.with(|s| s.borrow_mut().pop()).unwrap_or_default();
        label.resize(inside.len(), UNREACHED);
        let mut search = Search {
            label,
            queue,
            inside: inside.clone(),
            settled: 0,
            done: false,
        };
        // The window's edges read in order first: settled in the search's order, each
        // first read of an edge waited for memory (the kept searches of `s210n` took
        // 8.75 s of user time in a run, warmed 8.1–8.2 s).
        t.warm(inside.clone(), reversed);
        search.label[(r - inside.start) as usize] = 0;
        search.queue.push(0, r);
        Found {
            first: inside.start,
            reduced: Reduced {
                reversed,
                base: t.phi(r as usize, reversed),
            },
            search: RefCell::new(search),
        }
    }

    /// The distance `found` holds to point `p` ([`UNBOUNDED`] outside its window or
    /// not reached), settling its search until that distance is final.
    pub fn distance_in(&self, found: &Found, p: usize) -> Ms {
        let Some(t) = self.by_time() else {
            return UNBOUNDED;
        };
        let Some(i) = (t.rank.get(p))
            .and_then(|&r| r.checked_sub(found.first))
            .map(|i| i as usize)
        else {
            return UNBOUNDED;
        };
        let mut search = found.search.borrow_mut();
        let Some(&l) = search.label.get(i) else {
            return UNBOUNDED;
        };
        let l = if l <= search.settled || search.done {
            l
        } else {
            search.settle_until_final(t, found.first, found.reduced.reversed, i)
        };
        found.reduced.distance(t, found.first + i as u32, l)
    }
}

/// How many searches' arrays a thread keeps for the next ones: a failure's two
/// searches are made as its incident begins and dropped a few incidents later, and
/// their arrays (a label for each of up to 40,000 ranks, a queue grown bucket by
/// bucket) cost more to make again than to keep.
const SPARE_SEARCHES: usize = 4;

thread_local! {
    /// Arrays of dropped searches, emptied, for the next ones on this thread.
    static SPARE: RefCell<Vec<(Vec<u32>, Buckets<u32>)>> = const { RefCell::new(Vec::new()) };
}

impl Drop for Search {
    fn drop(&mut self) {
        let (mut label, mut queue) = (
            std::mem::take(&mut self.label),
            std::mem::take(&mut self.queue),
        );
        label.clear();
        queue.clear();
        // A thread ending drops its spares first; nothing to keep them for then.
        let _ = SPARE.try_with(|s| {
            let mut s = s.borrow_mut();
            if s.len() < SPARE_SEARCHES {
                s.push((label, queue));
            }
        });
    }
}

impl Search {
    /// Settles on until the label at `i` is final; that label.
    fn settle_until_final(&mut self, t: &ByTime, first: u32, reversed: bool, i: usize) -> u32 {
        let Search {
            label,
            queue,
            inside,
            settled,
            ..
        } = self;
        settle_within(t, reversed, inside, first, label, queue, |label, d| {
            *settled = d;
            label[i] <= d
        });
        if label[i] > *settled {
            // Stopped with the queue empty: nothing is left to lower any label.
            self.done = true;
        }
        self.label[i]
    }
}
