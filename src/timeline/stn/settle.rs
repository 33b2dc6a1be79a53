//! Consistency by adding the points in time order (Cotton & Maler 2006), meeting
//! contradictions on the way.

use super::adjacency::Side;
use super::moves::Moves;
use super::{Conflict, ConstraintId, Ms, Network, UNBOUNDED};

impl Network {
    /// Looks for a feasible solution by adding the points one at a time in `order`
    /// (a guess at time order: each object's creation just before its first line),
    /// each with the constraints to the points already added (Cotton & Maler 2006:
    /// a new point starts as late as its constraints allow, then only the points
    /// that must move earlier are visited, Dijkstra-like on the reduced costs). On
    /// success it keeps the solution as the potential, as [`Network::check`] does,
    /// in time roughly linear in the network on a long watch, where the sweeps need
    /// one sweep per object generation. `false` when a contradiction is met or the
    /// work exceeds a budget: then [`Network::check`] decides (it names the cycle).
    pub fn settle_in_order(&mut self, order: &[u32]) -> bool {
        self.settle_resolving(order, |_| Vec::new())
    }

    /// [`Network::settle_in_order`] that meets contradictions on the way: when adding
    /// a point closes a negative cycle, the moves made for it are undone, `resolve` is
    /// told the cycle's constraints and names the ones to take out, and the point is
    /// added again. Each contradiction then costs a local search, not a pass over the
    /// whole network (a capture whose lines are out of order has thousands). `false`
    /// when `resolve` takes nothing out or the work exceeds a budget.
    ///
    /// The points are added in batches, each from a point nothing placed bounds (see
    /// `Network::add_batch`): the same solution with fewer moves; a batch that meets
    /// a contradiction is added again in order, so the cycles named are the same.
    pub fn settle_resolving(
        &mut self,
        order: &[u32],
        mut resolve: impl FnMut(&Conflict) -> Vec<ConstraintId>,
    ) -> bool {
        self.freeze();
        let n = self.points;
        if order.len() != n {
            return false;
        }
        let mut s = Settling::new(n, 64 * (n as u64 + self.edge_count() as u64));
        let mut last: Ms = 0;
        let mut k = 0;
        while k < n {
            let Some(end) = self.batch_end(order, k, &mut s) else {
                return false;
            };
            let batch = &order[k..end];
            if !self.add_batch(batch, &mut s, free_start(last)) {
                for &v in batch {
                    if !self.add_resolving(v as usize, &mut s, free_start(last), &mut resolve) {
                        return false;
                    }
                    last = s.at[v as usize].pi;
                }
            }
            // The next free point starts after the latest of the batch, not after its
            // last point: a point the order puts after the line that dates it (a
            // restart point, RESTARTS `(X ago)`) lies X before it, and a new pod's
            // creation started there pulled every line since back by X through its
            // first line's AGE (a soak of in-place reboots: 16 times the moves).
            last = (batch.iter().map(|&v| s.at[v as usize].pi).max()).unwrap_or(last);
            k = end;
        }
        // Collected in place (the slots' room), then shrunk: the solution is kept.
        let mut pi: Vec<Ms> = s.at.into_iter().map(|a| a.pi).collect();
        pi.shrink_to_fit();
        debug_assert!(self.violations(&pi) == 0);
        self.potential = Some(pi);
        self.by_time.take();
        true
    }

    /// Where the batch that begins at `order[k]` ends: before the next point with no
    /// live constraint into it from a point before it in `order` (one that the order
    /// places at the time of the point before it). The batch's points are marked
    /// [`Slot::QUEUED`]. `None` when `order` names a point twice or one out of range.
    fn batch_end(&self, order: &[u32], k: usize, s: &mut Settling) -> Option<usize> {
        let into = self.edges.side(true)?;
        let removed = self.has_removed.then_some(&self.removed[..]);
        let live = |c: ConstraintId| removed.is_none_or(|r| !r.get(c).copied().unwrap_or(false));
        let mut end = k;
        for (i, &v) in order.iter().enumerate().skip(k) {
            let v = v as usize;
            if s.at.get(v)?.gamma != Slot::INACTIVE.gamma {
                return None;
            }
            let bound = into.of(v).any(|e| {
                let from = s.at[e.to()];
                (from.active() || from.gamma == Slot::QUEUED.gamma) && live(e.constraint())
            });
            if i > k && !bound {
                break;
            }
            s.at[v] = Slot::QUEUED;
            end = i + 1;
        }
        Some(end)
    }

    /// Adds a batch (see [`Network::batch_end`]) its first point first, at `last` when
    /// nothing bounds it (see [`free_start`]), then the others from the last back. The result is the same
    /// as adding them in order: the latest solution below the old one and below each
    /// free point's `last` (a point bounded by an earlier one is bounded by where that
    /// one ends up, so its own start is no bound). Backwards, a run of lines is placed
    /// once, each at the earliest bound of the lines after it, and the lines before the
    /// batch are pulled earlier once; in order, each line that comes in earlier pulled
    /// them all again (20 MB soak: 752 k moves → 533 k). A point with no bound yet
    /// waits at [`UNBOUNDED`] for the earlier one that bounds it. On a contradiction or
    /// over the budget everything is put back and `false` returned: added in order,
    /// the batch names the same cycles as ever.
    fn add_batch(&self, batch: &[u32], s: &mut Settling, last: Ms) -> bool {
        let budget = s.budget;
        s.keep_moved = true;
        let backwards = batch.iter().take(1).chain(batch.iter().skip(1).rev());
        for (i, &v) in backwards.enumerate() {
            let start = if i == 0 { last } else { UNBOUNDED };
            if !matches!(self.add_point(v as usize, s, start), Added::Settled) {
                // The moves are undone already, the batch's points are not.
                for &p in batch {
                    s.at[p as usize] = Slot::INACTIVE;
                }
                s.budget = budget;
                s.keep_moved = false;
                return false;
            }
        }
        s.forget_moved();
        s.keep_moved = false;
        true
    }

    /// Adds `v` in order, resolving the contradictions its edges meet (see
    /// [`Network::settle_resolving`]). `false` when the work exceeds the budget or
    /// `resolve` takes out no live constraint of a cycle.
    fn add_resolving(
        &mut self,
        v: usize,
        s: &mut Settling,
        last: Ms,
        resolve: &mut impl FnMut(&Conflict) -> Vec<ConstraintId>,
    ) -> bool {
        loop {
            let budget = s.budget;
            match self.add_point(v, s, last) {
                Added::Settled => return true,
                Added::OverBudget => return false,
                Added::Contradiction => {
                    // Undone; again, now recording where each move came from.
                    s.pred = vec![(u32::MAX, 0); self.points];
                    s.budget = budget;
                }
                Added::Cycle(conflict) => {
                    let drop = resolve(&conflict);
                    // Adding v again only helps if a live edge of the cycle went.
                    let breaks_cycle = drop.iter().any(|&id| {
                        conflict.constraints.contains(&id)
                            && !self.removed.get(id).copied().unwrap_or(true)
                    });
                    if !breaks_cycle {
                        return false;
                    }
                    for id in drop {
                        self.remove(id);
                    }
                }
            }
        }
    }

    /// Adds `v` to the settled points (see [`Network::settle_resolving`]); on a
    /// contradiction, leaves everything as it was before and names the cycle.
    ///
    /// The edges are walked as the frozen slices they are (the network is frozen for
    /// the settling, and nothing is added while it runs), a removed constraint's
    /// skipped by a look-up only once some constraint was removed.
    fn add_point(&self, v: usize, s: &mut Settling, last: Ms) -> Added {
        let (Some(out), Some(into)) = (self.edges.side(false), self.edges.side(true)) else {
            // The settling freezes the network first, so this is never met; were it
            // met, the check that names cycles would decide instead of a panic.
            return Added::OverBudget;
        };
        let removed = self.has_removed.then_some(&self.removed[..]);
        let live = |c: ConstraintId| removed.is_none_or(|r| !r.get(c).copied().unwrap_or(false));
        // As late as the constraints into v allow: x_v ≤ x_u + w.
        let mut latest = None;
        for e in into.of(v) {
            let from = s.at[e.to()];
            if from.active() && live(e.constraint()) {
                let t = from.pi + e.weight;
                latest = Some(latest.map_or(t, |l: Ms| l.min(t)));
            }
        }
        s.at[v] = Slot {
            pi: latest.unwrap_or(last),
            gamma: 0,
        };
        // Out of v: x_u ≤ x_v + w; a point that is now too late moves earlier, and
        // so on from it (never back to v: that would be a negative cycle).
        // The order of one gamma's points matters only for the cycle named.
        s.moves.start(!s.pred.is_empty() && !s.keep_moved);
        s.lower_from(v, s.at[v].pi, out, &live);
        let mut outcome = Added::Settled;
        while let Some((g, x)) = s.moves.pop() {
            if g != s.at[x].gamma || g == 0 {
                continue;
            }
            if x == v || s.budget == 0 {
                outcome = if x != v {
                    Added::OverBudget
                } else if s.pred.is_empty() {
                    Added::Contradiction
                } else {
                    Added::Cycle(Conflict {
                        constraints: cycle_through(v, &s.pred),
                    })
                };
                // Not moved: waits no more (the others waiting are reset below).
                s.at[x].gamma = 0;
                break;
            }
            s.budget -= 1;
            let was = s.at[x].pi;
            let moved = was + g;
            s.lower_from(x, moved, out, &live);
            s.record_move(x, was);
            // Settled for this insertion: a later, smaller gamma cannot come
            // (reduced costs are non-negative), so mark it done with 0.
            s.at[x] = Slot {
                pi: moved,
                gamma: 0,
            };
        }
        if matches!(outcome, Added::Settled) {
            // Every point that had to move has moved (its gamma back to 0).
            if !s.keep_moved {
                s.moved_from.clear();
            }
        } else {
            let at = &mut s.at;
            s.moves.drain_points(|x| at[x].gamma = 0);
            for (x, was) in s.moved_from.drain(..).rev() {
                s.at[x].pi = was;
                s.seen[x / 64] &= !(1 << (x % 64));
            }
            s.at[v] = Slot::INACTIVE;
        }
        outcome
    }
}

/// The working state of [`Network::settle_resolving`].
struct Settling {
    /// Each point's place and move (see [`Slot`]), by point.
    at: Vec<Slot>,
    /// The point and constraint each lowered gamma came from: the cycle, on a
    /// contradiction. Empty until the first contradiction (then the point is added
    /// again to name it): a consistent network never needs it, and it is 8 bytes a
    /// point (32-bit: fewer than 2^32 points and constraints, as the edges hold them).
    pred: Vec<(u32, u32)>,
    /// Points moved while adding the current one (the current batch, with
    /// `keep_moved`), with where they were.
    moved_from: Vec<(usize, Ms)>,
    keep_moved: bool,
    /// With `keep_moved`, a bit a point: already in `moved_from`. Only a point's
    /// first move of a batch is kept (a 210 MB churn capture's largest batch made 14
    /// million moves: 220 MB of them).
    seen: Vec<u64>,
    moves: Moves,
    /// Point moves left before giving up.
    budget: u64,
}

/// What the settling knows of one point, side by side: each edge it walks reads
/// all of it for the far end (three arrays were three loads apart in memory, on a
/// soak's two million points each a likely cache miss).
#[derive(Debug, Clone, Copy)]
struct Slot {
    /// The solution so far (each point as late as its constraints allow).
    pi: Ms,
    /// How much earlier the point must move for the point being added (0: none);
    /// positive while the point is not yet added ([`Slot::INACTIVE`]).
    gamma: Ms,
}

impl Slot {
    /// A point not yet added.
    const INACTIVE: Slot = Slot { pi: 0, gamma: 1 };
    /// A point not yet added, of the batch being added.
    const QUEUED: Slot = Slot { pi: 0, gamma: 2 };

    /// Whether the point has been added.
    #[inline(always)]
    fn active(self) -> bool {
        self.gamma <= 0
    }
}

impl Settling {
    fn new(n: usize, budget: u64) -> Settling {
        Settling {
            at: vec![Slot::INACTIVE; n],
            pred: Vec::new(),
            moved_from: Vec::new(),
            keep_moved: false,
            seen: vec![0; n.div_ceil(64)],
            moves: Moves::default(),
            budget,
        }
    }

    /// Keeps where `x` was before its move, to put it back on a contradiction: in a
    /// batch, only before its first.
    #[inline]
    fn record_move(&mut self, x: usize, was: Ms) {
        if self.keep_moved {
            let (word, bit) = (x / 64, 1 << (x % 64));
            if self.seen[word] & bit != 0 {
                return;
            }
            self.seen[word] |= bit;
        }
        self.moved_from.push((x, was));
    }

    /// Forgets the moves kept (a batch added).
    fn forget_moved(&mut self) {
        for &(x, _) in &self.moved_from {
            self.seen[x / 64] &= !(1 << (x % 64));
        }
        self.moved_from.clear();
    }

    /// `x` (an added point, whose gamma is `gamma`) must move `g` earlier, because
    /// of `why`, when that is more than it already must.
    #[inline]
    fn lower(&mut self, x: usize, gamma: Ms, g: Ms, why: (usize, ConstraintId)) {
        if g < gamma {
            self.at[x].gamma = g;
            if let Some(p) = self.pred.get_mut(x) {
                *p = (why.0 as u32, why.1 as u32);
            }
            self.moves.push(g, x);
        }
    }

    /// Lowers the active heads of `x`'s live edges `out` as `x` at `pi` asks.
    #[inline(always)]
    fn lower_from(
        &mut self,
        x: usize,
        pi: Ms,
        out: Side<'_>,
        live: &impl Fn(ConstraintId) -> bool,
    ) {
        for e in out.of(x) {
            let to = self.at[e.to()];
            if !to.active() || !live(e.constraint()) {
                continue;
            }
            let g = pi + e.weight - to.pi;
            self.lower(e.to(), to.gamma, g, (x, e.constraint()));
        }
    }
}

/// How much later than the latest point settled a free point starts (one nothing
/// settled bounds from above: a new pod's creation, a source's first line).
const FREE_GAP_MS: Ms = 10 * 60_000;

/// Where a free point starts: [`FREE_GAP_MS`] after `last`, the latest point of the
/// batch settled before it. The capture's time has moved on since that point by an
/// amount nothing settled says; started right at it, the free point is too early
/// whenever it has, and its batch's lines then pulled back every line tied to the
/// latest ones, which can be the whole capture before them: on another generator's
/// soaks of in-place reboots with Deployments rolled out meanwhile, each failure's
/// small corrections moved every point again (a 30 MB soak: 73 million moves, 19 s;
/// 60 MB: 45 s). Started later, a free point is pulled back only as far
/// as its own batch's constraints say, and the batches before stay where they are
/// (0.9 million moves, 1.8 s; 60 MB 3 s). Any start gives a feasible schedule, and
/// a point stays later only where nothing bounds it; the searches' windows are laid
/// out by the schedule, so a report may change where they end (docs/PERFORMANCE.md).
fn free_start(last: Ms) -> Ms {
    last.saturating_add(FREE_GAP_MS)
}

/// What adding one point gave.
enum Added {
    Settled,
    /// A negative cycle, not yet named (no predecessors recorded).
    Contradiction,
    Cycle(Conflict),
    OverBudget,
}

/// The constraints of the negative cycle through `v`, from the predecessors the
/// search recorded (each back to `v`, where the search began).
fn cycle_through(v: usize, pred: &[(u32, u32)]) -> Vec<ConstraintId> {
    let mut out = Vec::new();
    let mut cur = v;
    for _ in 0..pred.len() {
        let (from, c) = pred[cur];
        out.push(c as ConstraintId);
        if from as usize == v || from == u32::MAX {
            break;
        }
        cur = from as usize;
    }
    out
}
