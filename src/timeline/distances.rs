//! How far apart two points are: the questions the analysis asks of the network.
//!
//! On a short capture a search over the whole network answers exactly, and one search
//! from a point answers every pair that shares it (the failure's point), so the last
//! few are kept. On a long capture — a soak of thousands of failures, millions of
//! points — a whole-network search per incident would make the analysis cost
//! incidents × capture size; there the answers come from the network near the pair
//! instead (`stn::local`): bounds chained through landmarks for any pair, tightened by
//! a search of the points within a few minutes of the pair when it is close. Both
//! are honest: an interval may come out wider than the whole network's, never
//! narrower, so it still holds the truth.

mod kept;

use std::sync::Arc;

use super::stn::{Landmarks, Ms, UNBOUNDED};
use super::{Claim, Interval, Point, Timelines};
pub use kept::DistanceCache;
use kept::Distances;

/// Above this many points a whole-network search per question is too dear.
const SMALL_NETWORK: usize = 16_384;

/// Landmarks one every this much feasible time.
const LANDMARK_SPACING_MS: Ms = 20 * 60_000;

/// How far past the points it must reach a windowed search looks.
const MARGIN_MS: Ms = 60_000;

/// Pairs closer than this (in feasible time) are also asked of a windowed search.
const NEAR_MS: Ms = 3 * 60_000;

/// How far a kept search from a point (the failure's) reaches either way, at
/// least: the default toleration's eviction (5 min after NotReady) and the
/// replacements that follow it, with room. The analysis may ask it to reach further
/// ([`Timelines::keep_searches_reaching`]: past the evictions it sees, whatever the
/// toleration), up to [`KEPT_REACH_MAX_MS`]; a longer path's detour lies as far
/// before, so the window grows both ways. A point further from the failure is
/// answered by the clock's bounds and the landmarks instead: wider, never narrower.
/// (Thirty minutes every time cost the 20 MB soak 9 % more instructions, for
/// intervals a second narrower at the median on the 210 MB one: docs/PERFORMANCE.md.)
pub(crate) const KEPT_REACH_MS: Ms = 10 * 60_000;

/// The furthest ahead a kept search reaches.
pub(crate) const KEPT_REACH_MAX_MS: Ms = 30 * 60_000;

/// Most points a kept search takes either side of the failure's (see
/// `stn::Network::window_of_points`): a soak of 20 failures an hour has ~2,300 in
/// `KEPT_REACH_MS`, one of 190 an hour ~27,000 (and three times as many in
/// `KEPT_REACH_MAX_MS`).
const KEPT_POINTS: u32 = 20_000;

/// Readies a solved network for the analysis's questions: a long capture's is asked
/// of windows only (see the module's documentation), so it keeps only their layout
/// (`stn::Network::keep_for_windows`), half the memory of its edges.
pub(super) fn ready_for_questions(net: &mut super::stn::Network) {
    if net.len() > SMALL_NETWORK {
        net.keep_for_windows();
    }
}

impl Timelines {
    /// Tightest interval of a point on the experiment clock.
    pub fn at(&self, p: Point) -> Interval {
        self.bounds.get(p).copied().unwrap_or(Interval::UNKNOWN)
    }

    /// Whether a search over the whole network is cheap (a few thousand points).
    pub fn is_small(&self) -> bool {
        self.net.len() <= SMALL_NETWORK
    }

    /// Tightest interval of `x_b − x_a` (a duration between two points), asking the
    /// network for the pair (tighter than subtracting the two intervals). Asked many
    /// times with one end shared: that end's search is kept.
    pub fn difference(&self, a: Point, b: Point) -> Interval {
        if self.cache.holds(a) || self.cache.holds(b) {
            return self.known(a, b);
        }
        if !self.is_small() {
            return self.difference_near(a, b);
        }
        self.keep_searches_from(a);
        match self.cache.get(a) {
            Some(d) => {
                let (f, r) = d.to(&self.net, b);
                self.tighten(a, b, -r, f)
            }
            None => self.tighten(a, b, -UNBOUNDED, UNBOUNDED),
        }
    }

    /// Whether `x_b − x_a` surely meets `claim` (its whole interval, as
    /// [`Timelines::difference`] answers it). What is already known of the pair is
    /// asked first; a search only when that does not settle it.
    pub fn proves(&self, a: Point, b: Point, claim: Claim) -> bool {
        // One feasible schedule is a value the pair can take: where it fails the
        // claim, the interval that holds it does not surely meet it.
        if self.witness(a, b).is_some_and(|w| !claim.surely(w)) {
            return false;
        }
        // The ends' bounds on the clock hold every narrower answer: where they pass,
        // so does what a kept search or a new one finds (the lookups cost more).
        claim.surely(self.loose(a, b))
            || claim.surely(self.known(a, b))
            || self.claim_near(a, b, claim, true)
    }

    /// Whether `x_b − x_a` may meet `claim` (some value of its interval does).
    pub fn allows(&self, a: Point, b: Point, claim: Claim) -> bool {
        // Where a value the pair can take meets it, the pair may.
        if self.witness(a, b).is_some_and(|w| claim.possibly(w)) {
            return true;
        }
        // Where the ends' bounds on the clock fail, every narrower answer fails.
        claim.possibly(self.loose(a, b))
            && claim.possibly(self.known(a, b))
            && self.claim_near(a, b, claim, false)
    }

    /// Whether `x_b − x_a` surely meets every one of `claims`.
    pub fn proves_all(&self, a: Point, b: Point, claims: &[Claim]) -> bool {
        claims.iter().all(|&c| self.proves(a, b, c))
    }

    /// `x_b − x_a` in one schedule that meets every constraint (the network's
    /// potential), as an interval of one value.
    fn witness(&self, a: Point, b: Point) -> Option<Interval> {
        let w = self.net.feasible_time(b)? - self.net.feasible_time(a)?;
        Some(Interval::new(w, w))
    }

    /// What is known of `x_b − x_a` without a new search: the ends' bounds on the
    /// clock, the landmarks' chain, a kept search from either end.
    fn known(&self, a: Point, b: Point) -> Interval {
        if let Some(d) = self.cache.get(a) {
            let (f, r) = d.to(&self.net, b);
            return self.tighten(a, b, -r, f);
        }
        if let Some(d) = self.cache.get(b) {
            let (f, r) = d.to(&self.net, a);
            return self.tighten(a, b, -f, r);
        }
        self.tighten(a, b, -UNBOUNDED, UNBOUNDED)
    }

    /// What is known of `x_b − x_a` without any search: the ends' bounds on the clock
    /// and, on a long capture, the landmarks' chain. O(1): for narrowing a long list
    /// of candidates before asking the network about each.
    pub fn difference_known(&self, a: Point, b: Point) -> Interval {
        self.tighten(a, b, -UNBOUNDED, UNBOUNDED)
    }

    /// Searches from `p` once, for the many questions about to be asked of it (the
    /// failure's point): over the whole network when it is small, else over the points
    /// within reach of the incident around it.
    pub fn keep_searches_from(&self, p: Point) {
        self.keep_searches_reaching(p, KEPT_REACH_MS);
    }

    /// [`Timelines::keep_searches_from`], the search reaching `ahead` either side of
    /// `p` on a long capture (within [`KEPT_REACH_MS`]–[`KEPT_REACH_MAX_MS`]): as far
    /// as the questions about to be asked lie.
    pub(crate) fn keep_searches_reaching(&self, p: Point, ahead: Ms) {
        if self.cache.get(p).is_none() {
            if let Some(d) = self.search_from(p, ahead.clamp(KEPT_REACH_MS, KEPT_REACH_MAX_MS)) {
                self.cache.put(p, d);
            }
        }
    }

    /// A time of `p` in one schedule that meets every constraint (the network's
    /// potential): the points' order in it is one the capture allows. For choosing
    /// where to look, not for an answer.
    pub(crate) fn feasible_time(&self, p: Point) -> Option<Ms> {
        self.net.feasible_time(p)
    }

    /// [`Timelines::difference`] for a pair asked once (a pod's eviction and its
    /// replacement's creation): a search from one end that stops at the other, over
    /// the points within minutes of the pair — never narrower than the whole
    /// network's answer (fewer constraints), costing the points near the pair.
    pub fn difference_near(&self, a: Point, b: Point) -> Interval {
        if !self.searched_near(a, b) {
            return self.tighten(a, b, -UNBOUNDED, UNBOUNDED);
        }
        let hi = self.near_bound(a, b, true);
        let lo = self.near_bound(a, b, false);
        self.tighten(a, b, lo, hi)
    }

    /// Whether [`Timelines::difference_near`] searches for the pair: both ends have a
    /// feasible time, and on a long capture they lie within minutes of each other.
    fn searched_near(&self, a: Point, b: Point) -> bool {
        self.net.feasible_time(a).is_some()
            && self.net.feasible_time(b).is_some()
            && (self.is_small() || self.near(a, b))
    }

    /// One side of `x_b − x_a` (`upper`: its upper bound, else its lower) from a
    /// search near the pair ([`Timelines::difference_near`]), kept for the pair.
    fn near_bound(&self, a: Point, b: Point, upper: bool) -> Ms {
        // The upper bound is the distance forward; the lower one, the distance back,
        // negated.
        let d = self.near_distance(a, b, !upper);
        if upper {
            d
        } else {
            -d
        }
    }

    /// The distance from `a` to `b` (`x_b − x_a ≤ d`; `reversed`: from `b` to `a`)
    /// over the points within minutes of the two, kept. Unbounded where an end has no
    /// feasible time.
    fn near_distance(&self, a: Point, b: Point, reversed: bool) -> Ms {
        let (Some(pa), Some(pb)) = (self.net.feasible_time(a), self.net.feasible_time(b)) else {
            return UNBOUNDED;
        };
        let reach = if self.is_small() {
            10 * 60_000
        } else {
            MARGIN_MS
        };
        let window = (pa.min(pb) - reach, pa.max(pb) + reach);
        let (from, to) = if reversed { (b, a) } else { (a, b) };
        // Searched from `a` either way: the two searches that meet settle a
        // different number of points when their roles swap (ties on reduced costs).
        self.cache.near_distance(from, to, || {
            self.cache
                .searching(|scratch| self.net.distance_within(a, b, reversed, window, scratch))
                .unwrap_or(UNBOUNDED)
        })
    }

    /// `claim` of `x_b − x_a` as [`Timelines::difference`] answers it (`proof`:
    /// surely, else possibly), where the pair would be searched near each other. A
    /// claim reads one end of the interval, and that end is a distance one way (the
    /// upper end `d(a→b)`, the lower one `−d(b→a)`), so one search answers it. Asked
    /// only when the ends' bounds and the landmarks (which every answer is narrowed
    /// by) did not settle it, so that search's distance alone decides: whether it is
    /// at most a limit.
    fn claim_near(&self, a: Point, b: Point, claim: Claim, proof: bool) -> bool {
        let kept = self.cache.holds(a) || self.cache.holds(b);
        if self.is_small() || kept || !self.searched_near(a, b) {
            let d = self.difference(a, b);
            return if proof {
                claim.surely(d)
            } else {
                claim.possibly(d)
            };
        }
        // (which distance, its limit, whether the claim holds when it is at most that)
        let (reversed, limit, when_at_most) = match (claim, proof) {
            // The lower end above k: −d(b→a) > k.
            (Claim::MoreThan(k), true) => (true, -k - 1, true),
            // The upper end below k: d(a→b) < k.
            (Claim::LessThan(k), true) => (false, k - 1, true),
            // The upper end above k.
            (Claim::MoreThan(k), false) => (false, k, false),
            // The lower end below k: −d(b→a) < k.
            (Claim::LessThan(k), false) => (true, -k, false),
        };
        (self.near_distance(a, b, reversed) <= limit) == when_at_most
    }

    /// `x_b − x_a` from the ends' bounds on the clock alone: what every other answer
    /// narrows.
    fn loose(&self, a: Point, b: Point) -> Interval {
        Interval::minus(self.at(b), self.at(a))
    }

    /// `[lo, hi]` narrowed by what else is known of the pair: each end's bounds on
    /// the clock and, on a long capture, the landmarks' chain.
    fn tighten(&self, a: Point, b: Point, lo: Ms, hi: Ms) -> Interval {
        let loose = self.loose(a, b);
        let (mut lo, mut hi) = (lo.max(loose.min_ms), hi.min(loose.max_ms));
        if !self.is_small() {
            if let Some(marks) = self.landmarks() {
                let (clo, chi) = marks.bound(a, b);
                lo = lo.max(clo);
                hi = hi.min(chi);
            }
        }
        Interval::new(lo.max(-UNBOUNDED), hi.min(UNBOUNDED))
    }

    /// Whether two points lie within minutes of each other (by their feasible times).
    fn near(&self, a: Point, b: Point) -> bool {
        match (self.net.feasible_time(a), self.net.feasible_time(b)) {
            (Some(pa), Some(pb)) => (pa - pb).abs() <= NEAR_MS,
            _ => false,
        }
    }

    /// The distances from `a` both ways: over the whole network when it is small,
    /// else over the points within reach of the pairs `difference` asks of it.
    fn search_from(&self, a: Point, ahead: Ms) -> Option<Distances> {
        if self.is_small() {
            return match self.net.distances_both(a) {
                (Ok(f), Ok(r)) => Some(Distances::Whole(Arc::new((f, r)))),
                _ => None,
            };
        }
        let pa = self.net.feasible_time(a)?;
        let window = self
            .net
            .window_of_points(a, (pa - ahead, pa + ahead), KEPT_POINTS);
        // Settled as far as the incident's questions need (`stn::lazy`), on the
        // thread that asks them.
        let (f, r) = (
            self.net.search_lazily(a, false, window),
            self.net.search_lazily(a, true, window),
        );
        Some(Distances::Window(std::rc::Rc::new((f, r))))
    }

    /// Readies what every incident's questions share (the landmarks of a long
    /// capture), before the incidents are followed side by side: made by several
    /// threads, it is made once, first.
    pub(crate) fn ready_for_incidents(&self) {
        if !self.is_small() {
            self.landmarks();
        }
    }

    /// Begins an incident's questions: forgets the searches this thread kept for
    /// earlier ones, so that the incident's answers depend on its own questions only
    /// (the same on one thread or many; see `kept`).
    pub(crate) fn begin_incident(&self) {
        self.cache.forget_searches();
    }

    fn landmarks(&self) -> Option<&Landmarks> {
        self.cache
            .landmarks
            .get_or_init(|| self.net.landmarks(LANDMARK_SPACING_MS, MARGIN_MS))
            .as_ref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::{Origin, Source};

    /// A watch long enough for the local answers (landmarks, windows, the network
    /// kept for windows only).
    fn long_watch() -> Timelines {
        let mut text = Vec::new();
        crate::simulate::churn::write_transcript(&mut text, 5, 3_000_000, 0.0).unwrap();
        let source = Source {
            name: "pods.log".into(),
            origin: Origin::Bytes(text.into()),
        };
        let mut ing = crate::ingest::ingest(&[source]).unwrap();
        super::super::build::build(&mut ing, Default::default())
    }

    /// The points of the first `n` states, object by object.
    fn first_states(t: &Timelines, n: usize) -> Vec<Point> {
        (t.objects.iter())
            .flat_map(|o| o.states.iter().map(|s| s.from_point()))
            .take(n)
            .collect()
    }

    /// A pair asked again, either way round, gets the answer the first asking got
    /// (kept by `DistanceCache::near_bound`), the same a fresh cache finds.
    #[test]
    fn a_near_pair_asked_again_either_way_gets_the_same_answer() {
        let t = long_watch();
        assert!(!t.is_small() && t.net.windows_only());
        let points = first_states(&t, 400);
        let mut asked = 0;
        for w in points.windows(7) {
            let (a, b) = (w[0], w[6]);
            if !t.near(a, b) {
                continue;
            }
            asked += 1;
            let first = t.difference_near(a, b);
            let back = t.difference_near(b, a);
            assert_eq!((back.min_ms, back.max_ms), (-first.max_ms, -first.min_ms));
            let fresh = Timelines {
                cache: Default::default(),
                ..t.clone()
            };
            assert_eq!(fresh.difference_near(b, a), back);
            assert_eq!(t.difference_near(a, b), first);
        }
        assert!(asked > 100, "{asked} pairs asked");
    }

    /// A claim about a near pair, proved or allowed, answers as the pair's whole
    /// interval does, for claims on either end at thresholds around the answer (fresh
    /// caches, so that each side is searched anew), and searches one side at most.
    #[test]
    fn a_claim_about_a_near_pair_answers_as_its_whole_interval() {
        let t = long_watch();
        let points = first_states(&t, 300);
        let (mut asked, mut searched) = (0, 0);
        for w in points.windows(5) {
            let (a, b) = (w[0], w[4]);
            if !t.near(a, b) {
                continue;
            }
            let whole = t.difference_near(a, b);
            for ms in [
                whole.min_ms - 1,
                whole.min_ms,
                whole.max_ms,
                whole.max_ms + 1,
                0,
            ] {
                for claim in [Claim::MoreThan(ms), Claim::LessThan(ms)] {
                    let fresh = || Timelines {
                        cache: Default::default(),
                        ..t.clone()
                    };
                    asked += 1;
                    let f = fresh();
                    assert_eq!(
                        f.proves(a, b, claim),
                        claim.surely(whole),
                        "{a}->{b} {claim:?}"
                    );
                    // Which sides the proof searched: a kept side answers without
                    // calling its search.
                    let kept = |reversed: bool| {
                        let (from, to) = if reversed { (b, a) } else { (a, b) };
                        let called = std::cell::Cell::new(false);
                        f.cache.near_distance(from, to, || {
                            called.set(true);
                            0
                        });
                        !called.get()
                    };
                    let sides = usize::from(kept(false)) + usize::from(kept(true));
                    assert!(sides <= 1, "{a}->{b} {claim:?}: {sides} sides searched");
                    searched += sides;
                    let f = fresh();
                    assert_eq!(
                        f.allows(a, b, claim),
                        claim.possibly(whole),
                        "{a}->{b} {claim:?}"
                    );
                }
            }
        }
        assert!(asked > 100, "{asked} claims asked");
        // Enough of them reach a search for the test to mean something.
        assert!(searched >= 50, "a side searched for {searched} of {asked}");
    }
}
