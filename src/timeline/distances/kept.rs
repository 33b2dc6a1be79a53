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
    /// The answers of the last pairs searched near each other, by a hash of the pair
    /// and its direction: a fifth of a soak's pairs are asked again (a proof, then the
    /// interval).
    near: Vec<NearAnswer>,
}

thread_local! {
    static KEPT: RefCell<Kept> = RefCell::new(Kept::default());
}

/// The distance from one point to another, as the windowed searches found it.
#[derive(Clone, Copy)]
struct NearAnswer {
    from: u32,
    to: u32,
    distance: Ms,
}

/// How many distances are kept (16 bytes each): two a pair.
const NEAR_SLOTS: usize = 8192;

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

    /// The kept distance from `from` to `to` over the points near them, or the one
    /// `search` finds (kept). `search` runs with the cache free: it searches with
    /// [`DistanceCache::searching`].
    pub(super) fn near_distance(&self, from: Point, to: Point, search: impl FnOnce() -> Ms) -> Ms {
        let (Ok(x), Ok(y)) = (u32::try_from(from), u32::try_from(to)) else {
            return search();
        };
        let key = (u64::from(x) << 32 | u64::from(y)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        let slot = (key >> 51) as usize % NEAR_SLOTS;
        let kept = self.with(|k| {
            let e = k.near.get(slot).filter(|e| e.from == x && e.to == y)?;
            Some(e.distance)
        });
        if let Some(d) = kept {
            return d;
        }
        let found = search();
        self.with(|k| {
            if k.near.is_empty() {
                let empty = NearAnswer {
                    from: u32::MAX,
                    to: u32::MAX,
                    distance: UNBOUNDED,
                };
                k.near.resize(NEAR_SLOTS, empty);
            }
            k.near[slot] = NearAnswer {
                from: x,
                to: y,
                distance: found,
            };
        });
        found
    }
}
