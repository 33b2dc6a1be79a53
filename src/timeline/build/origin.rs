//! t = 0, and every point's tightest interval from it: the origin is the creation of
//! the earliest-created workload, else the earliest line.

use std::cell::OnceCell;

use super::Builder;
use crate::timeline::links::Track;
use crate::timeline::stn::{Ms, UNBOUNDED};
use crate::timeline::{Interval, Point};

/// t = 0 and the intervals of every point on that clock.
pub(super) struct Clock {
    /// The point t = 0 stands for.
    pub(super) origin: Point,
    /// How it was chosen.
    pub(super) description: String,
    /// Each point's interval, by point.
    pub(super) bounds: Vec<Interval>,
}

/// Chooses t = 0 and reads every point's interval from it.
pub(super) fn clock(
    b: &Builder,
    points: &[Point],
    tracks: &[Track],
    unplaced_nodes: &[String],
) -> Clock {
    let floating = floating(tracks, unplaced_nodes);
    let placed = |i: &usize| !floating.contains(i);
    // The reference is the largest source's first line (a soak's pods watch, not the
    // nodes watch beside it, whose first line could be any time before the pods': the
    // earliest line from there was that line, and every time in the report hours
    // wide).
    let largest = b
        .names
        .source_rows()
        .into_iter()
        .rev()
        .max_by_key(|r| r.len())
        .unwrap_or(0..points.len());
    let reference = largest
        .chain(0..points.len())
        .find(|i| *i < points.len() && placed(i))
        .map_or(0, |i| points[i]);
    // Distances from the reference, searched only when needed (a search is a pass over
    // the network) and reused below when that line is t = 0.
    let from_reference = OnceCell::new();
    let fwd_ref = || {
        from_reference.get_or_init(|| {
            b.net
                .distances(reference, false)
                .unwrap_or_else(|_| vec![UNBOUNDED; b.net.len()])
        })
    };
    // No rows: the net may still hold points (a `date` line), but no line to start from.
    let (origin, description) = if points.is_empty() {
        (0, "no table rows".to_string())
    } else {
        match earliest_workload(b, tracks, fwd_ref) {
            Some(t) => (
                t.created,
                format!(
                    "t = 0 is the creation of {} (the earliest-created workload)",
                    t.key
                ),
            ),
            None => {
                let first = (0..points.len())
                    .filter(placed)
                    .min_by_key(|&i| fwd_ref()[points[i]])
                    .unwrap_or(0);
                (
                    points[first],
                    format!("t = 0 is the earliest line, {}", b.names.name(first)),
                )
            }
        }
    };
    let searched = from_reference.into_inner().filter(|_| origin == reference);
    Clock {
        origin,
        description,
        bounds: bounds_from(b, origin, searched),
    }
}

/// The lines of nodes that could not be placed against their pods': they float free
/// of the clock, neither the reference nor t = 0.
fn floating(tracks: &[Track], unplaced_nodes: &[String]) -> crate::HashSet<usize> {
    tracks
        .iter()
        .filter(|t| {
            t.key.kind == crate::tables::ResourceKind::Node
                && unplaced_nodes.iter().any(|n| *n == *t.key.name)
        })
        .flat_map(|t| t.obs.iter().copied())
        .collect()
}

/// Every point's interval from `origin`: the distances forward (`searched` when they
/// are already known) and back. One direction at a time into the bounds: a long
/// capture's peak is here, each distance list 8 bytes a point and the bounds 16 (both
/// lists and the bounds side by side were 32).
fn bounds_from(b: &Builder, origin: Point, searched: Option<Vec<Ms>>) -> Vec<Interval> {
    let unknown = || vec![UNBOUNDED; b.net.len()];
    let fwd =
        searched.unwrap_or_else(|| b.net.distances(origin, false).unwrap_or_else(|_| unknown()));
    let mut bounds: Vec<Interval> = fwd
        .into_iter()
        .map(|f| Interval::new(-UNBOUNDED, f))
        .collect();
    let back = b.net.distances(origin, true).unwrap_or_else(|_| unknown());
    for (i, r) in bounds.iter_mut().zip(back) {
        i.min_ms = -r;
    }
    bounds
}

/// The earliest-created workload: the one the most others are (by the middle of
/// their difference) created after; ties go to the first stream. Among many
/// workloads, the one earliest after the first line (`fwd_ref`) instead of pairwise.
fn earliest_workload<'t, 'r>(
    b: &Builder,
    tracks: &'t [Track],
    fwd_ref: impl Fn() -> &'r Vec<Ms>,
) -> Option<&'t Track> {
    let mut candidates: Vec<&Track> = tracks.iter().filter(|t| t.key.kind.is_workload()).collect();
    candidates.dedup_by(|x, y| x.key == y.key);
    let later_count = |c: &Track| -> usize {
        let (Ok(f), Ok(r)) = b.net.distances_both(c.created) else {
            return 0;
        };
        candidates
            .iter()
            .filter(|o| {
                o.key != c.key
                    && f[o.created] < UNBOUNDED
                    && r[o.created] < UNBOUNDED
                    && f[o.created] - r[o.created] > 0
            })
            .count()
    };
    if candidates.len() > 8 {
        candidates
            .iter()
            .copied()
            .filter(|t| fwd_ref()[t.created] < UNBOUNDED)
            .min_by_key(|t| fwd_ref()[t.created])
    } else {
        candidates
            .iter()
            .copied()
            .map(|c| (later_count(c), c))
            .max_by_key(|(n, c)| (*n, std::cmp::Reverse(c.stream)))
            .map(|(_, c)| c)
    }
}
