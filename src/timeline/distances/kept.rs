//! What the questions keep between them: the last few searches from a point, the
//! answers of the last pairs searched near each other, the search arrays — kept per
//! thread, and the landmarks, shared.
//!
//! The incidents of a long capture are followed side by side when there are cores to
//! spare (`analysis::incident`). Each asks its own questions, and the answer to one
//! may come from a search kept from an earlier question (a failure's point is asked
//! hundreds of times). Kept per thread, and forgotten as each incident begins
//! ([`DistanceCache::forget_searches`]), an incident's answers depend on its own
//! questions only, never on which incidents ran before it on that thread: the report
//! is the same on one thread and on many.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};

use super::super::stn::{Found, Landmarks, Ms, Network, Scratch, UNBOUNDED};
use super::super::Point;

/// From one point: forward and reversed distances, over the whole network (indexed by
/// point) or a window.
#[derive(Clone)]
pub(super) enum Distances {
    Whole(Arc<(Vec<Ms>, Vec<Ms>)>),
    /// Searches settled as far as they are asked (`stn::lazy`), kept by the thread
    /// that asks them.
    Window(Rc<(Found, Found)>),
}

impl Distances {
    /// (forward, reversed) distance to `v` in `net`.
    pub(super) fn to(&self, net: &Network, v: Point) -> (Ms, Ms) {
        match self {
            Distances::Whole(d) => (
                d.0.get(v).copied().unwrap_or(UNBOUNDED),
                d.1.get(v).copied().unwrap_or(UNBOUNDED),
            ),
            Distances::Window(d) => (net.distance_in(&d.0, v), net.distance_in(&d.1, v)),
        }
    }
}

/// One network's kept searches and answers, and its landmarks (see the module's
/// documentation).
pub struct DistanceCache {
    /// Which network's this is, for the threads' own parts ([`Kept::owner`]).
    id: u64,
    pub(super) landmarks: OnceLock<Option<Landmarks>>,
}

/// A new id for each cache, so that a thread's kept searches are never read for
/// another network.
static NEXT_ID: AtomicU64 = AtomicU64::new(1);

impl Default for DistanceCache {
    fn default() -> Self {
        DistanceCache {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            landmarks: OnceLock::new(),
        }
    }
}

impl Clone for DistanceCache {
    /// A fresh cache: what was kept is about the searches of the original.
    fn clone(&self) -> Self {
        DistanceCache::default()
    }
}

impl std::fmt::Debug for DistanceCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DistanceCache")
    }
}

/// What one thread keeps for one network.
#[derive(Default)]
struct Kept {
    /// The [`DistanceCache::id`] it is for (0: none yet).
    owner: u64,
    /// The last searches from a point, most recent last.
    recent: Vec<(Point, Distances)>,
    /// The arrays of the searches near a pair (each side's in turn; a failure's kept
    /// searches have their own, `stn::lazy`).
    scratch: Scratch,
    /// The answers of the last pairs searched near each other, by a hash of the pair:
    /// a fifth of a soak's pairs are asked again (a proof, then the interval).
    near: Vec<NearAnswer>,
}

thread_local! {
    static KEPT: RefCell<Kept> = RefCell::new(Kept::default());
}

/// `x_b − x_a ∈ [lo, hi]` as the windowed searches found it (`a` < `b`), each side
/// [`NOT_SEARCHED`] until a question needs it.
#[derive(Clone, Copy)]
struct NearAnswer {
    a: u32,
    b: u32,
    lo: Ms,
    hi: Ms,
}

/// A side of a [`NearAnswer`] not searched yet.
const NOT_SEARCHED: Ms = Ms::MIN;

/// How many pairs' answers are kept (32 bytes each).
const NEAR_SLOTS: usize = 4096;

/// How many searches from a point are kept.
const ENTRIES: usize = 4;

impl DistanceCache {
    /// Runs `f` on this thread's part for this network. `f` must not ask the cache
    /// again, nor start work on other threads (a thread waiting for such work may take
    /// up another incident meanwhile, which would find this part in use).
    fn with<R>(&self, f: impl FnOnce(&mut Kept) -> R) -> R {
        KEPT.with(|k| {
            let mut k = k.borrow_mut();
            if k.owner != self.id {
                *k = Kept {
                    owner: self.id,
                    ..Kept::default()
                };
            }
            f(&mut k)
        })
    }

    /// Forgets the searches kept on this thread: an incident begins (see the
    /// module's documentation).
    pub(crate) fn forget_searches(&self) {
        self.with(|k| k.recent.clear());
    }

    /// The distances from `p`, if kept; a hit becomes the most recent entry.
    pub(super) fn get(&self, p: Point) -> Option<Distances> {
        self.with(|k| {
            let i = k.recent.iter().position(|(q, _)| *q == p)?;
            let entry = k.recent.remove(i);
            let d = entry.1.clone();
            k.recent.push(entry);
            Some(d)
        })
    }

    /// Whether the distances from `p` are kept.
    pub(super) fn holds(&self, p: Point) -> bool {
        self.with(|k| k.recent.iter().any(|(q, _)| *q == p))
    }

    pub(super) fn put(&self, p: Point, d: Distances) {
        self.with(|k| {
            if k.recent.len() >= ENTRIES {
                k.recent.remove(0);
            }
            k.recent.push((p, d));
        });
    }

    /// Runs `search` with this thread's search arrays.
    pub(super) fn searching<R>(&self, search: impl FnOnce(&mut Scratch) -> R) -> R {
        self.with(|k| search(&mut k.scratch))
    }

    /// The kept bound of `x_b − x_a` on one side (`upper`: its upper bound, else its
    /// lower), or the one found by `search` (kept). `search` runs with the cache free:
    /// it searches with [`DistanceCache::searching`].
    pub(super) fn near_bound(
        &self,
        a: Point,
        b: Point,
        upper: bool,
        search: impl FnOnce() -> Ms,
    ) -> Ms {
        // Kept as `x_y − x_x` with `x < y`: the upper bound of `x_b − x_a` is the
        // negated lower one of the pair the other way round.
        let swap = a > b;
        let (x, y) = if swap { (b, a) } else { (a, b) };
        let (Ok(x), Ok(y)) = (u32::try_from(x), u32::try_from(y)) else {
            return search();
        };
        let key = (u64::from(x) << 32 | u64::from(y)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        let slot = (key >> 52) as usize % NEAR_SLOTS;
        // The side of the kept pair asked: its upper bound, negated when swapped.
        let kept_upper = upper != swap;
        let kept = self.with(|k| {
            let e = k.near.get(slot).filter(|e| e.a == x && e.b == y)?;
            let bound = if kept_upper { e.hi } else { e.lo };
            (bound != NOT_SEARCHED).then_some(bound)
        });
        let bound = match kept {
            Some(b) => b,
            None => {
                let found = search();
                let b = if swap { -found } else { found };
                self.with(|k| {
                    if k.near.is_empty() {
                        let empty = NearAnswer {
                            a: u32::MAX,
                            b: u32::MAX,
                            lo: NOT_SEARCHED,
                            hi: NOT_SEARCHED,
                        };
                        k.near.resize(NEAR_SLOTS, empty);
                    }
                    let e = &mut k.near[slot];
                    if e.a != x || e.b != y {
                        *e = NearAnswer {
                            a: x,
                            b: y,
                            lo: NOT_SEARCHED,
                            hi: NOT_SEARCHED,
                        };
                    }
                    if kept_upper {
                        e.hi = b;
                    } else {
                        e.lo = b;
                    }
                });
                return found;
            }
        };
        if swap {
            -bound
        } else {
            bound
        }
    }
}
