//! The soft links between streams as constraints, and solving the network: a
//! contradiction loses its weakest constraint, named in a warning.

use std::ops::Range;

use super::{Builder, Reasons, Strength};
use crate::timeline::conflicts::Resolver;
use crate::timeline::links::{self, Track};
use crate::timeline::stn::{Ms, UNBOUNDED};
use crate::timeline::{LinkOptions, LinkReport, Point};

/// Adds every soft link the options allow; returns their reports (each as used until
/// the solving drops it) and the nodes whose lines could not be linked.
pub(super) fn soft_links(
    b: &mut Builder,
    points: &[Point],
    events: &[(Point, usize)],
    tracks: &[Track],
    opts: &LinkOptions,
) -> (Vec<LinkReport>, Vec<String>) {
    let proposed = links::propose(b.obs, points, events, tracks, opts);
    b.warnings.extend(proposed.warnings);
    let mut reports: Vec<LinkReport> = Vec::new();
    for (li, l) in proposed.links.iter().enumerate() {
        let id = b.add(l.a, l.b, l.lo, l.hi, Strength::Link(l.rank), &l.obs);
        b.constraints.set_link(id, li);
        let secs = |v: Ms| (v.abs() < UNBOUNDED).then_some(v as f64 / 1000.0);
        reports.push(LinkReport {
            kind: l.kind,
            flag: l.flag,
            window_s: [secs(l.lo), secs(l.hi)],
            lines: l.obs.iter().map(|&i| b.line_ref(i)).collect(),
            used: true,
        });
    }
    (reports, proposed.unplaced_nodes)
}

/// Solves the network. The common case, no contradiction, is settled adding the
/// points in time order; a contradiction met on the way loses the weakest constraint
/// of its cycle there (see `conflicts`). Only when that runs over its budget does a
/// whole-network check find the cycles, one pass each. A dropped link is marked in
/// `reports`.
pub(super) fn solve(
    b: &mut Builder,
    points: &[Point],
    tracks: &[Track],
    reports: &mut [LinkReport],
) {
    let order = time_order(
        b.net.len(),
        points,
        tracks,
        &b.first_dated,
        &b.names.source_rows(),
    );
    let mut resolver = Resolver::new(&b.names, &b.constraints);
    let settled = b
        .net
        .settle_resolving(&order, |c| resolver.drop_for(c, &mut b.warnings, reports));
    if !settled {
        while let Err(conflict) = b.net.check() {
            let drop = resolver.drop_for(&conflict, &mut b.warnings, reports);
            if drop.is_empty() {
                break;
            }
            for id in drop {
                b.net.remove(id);
            }
        }
    }
    // Why each constraint holds was needed to name conflicts only; the states built
    // after this are the peak of a long capture's memory.
    drop((resolver, order));
    b.constraints = Reasons::default();
}

/// The points in a guess at time order: the rows of the largest source first, each
/// source's in line order; each object's creation just before its first line; each
/// restart point (the end a RESTARTS `(X ago)` dates) just after the first line that
/// dates it (`first_dated`, by row); then the rest (anchors, markers). In 32 bits, as
/// the network's points are: it is held while the network is solved.
///
/// Any order settles to the same network (the same constraints kept; the feasible
/// schedule kept, by which the searches' windows are laid out, may differ: a free
/// point starts at the latest of the batch settled before it); the order decides what it
/// costs. A point
/// is placed as late as what is settled allows, and moved when a later one says
/// otherwise: with the small sources beside a large one (a nodes watch beside a
/// soak's pods) settled first, each failure's links moved every later NotReady line
/// again (a 50 MB soak with a nodes watch: 18 s of settling); settled after it, each
/// line is placed once, by links to rows already placed. Restart points were once
/// among the rest, added after every line: each then pulled its lines, and the lines
/// before them, all over the capture (a 210 MB churn: 18.7 million moves; beside
/// their first lines, 4.6 million). After its line, not before, a restart point is
/// bound by a point already placed, so it starts no batch of its own.
fn time_order(
    n: usize,
    points: &[Point],
    tracks: &[Track],
    first_dated: &[(u32, u32)],
    sources: &[Range<usize>],
) -> Vec<u32> {
    // Each track's creation by its first line, the tracks of one line in their order:
    // a stable sort, walked along each source's rows (a map of vectors was an
    // allocation and a lookup a track).
    let mut created_before: Vec<(usize, Point)> = tracks
        .iter()
        .filter_map(|t| Some((*t.obs.first()?, t.created)))
        .collect();
    created_before.sort_by_key(|&(first, _)| first);
    let point = |p: Point| u32::try_from(p).expect("fewer than 2^32 points");
    let mut order = Vec::with_capacity(n);
    let mut placed = vec![false; n];
    let mut place = |p: usize, order: &mut Vec<u32>| {
        if !placed[p] {
            placed[p] = true;
            order.push(point(p));
        }
    };
    let mut by_size: Vec<&Range<usize>> = sources.iter().collect();
    by_size.sort_by_key(|r| std::cmp::Reverse(r.len()));
    for rows in by_size {
        let mut k = created_before.partition_point(|&(first, _)| first < rows.start);
        let mut d = first_dated.partition_point(|&(row, _)| (row as usize) < rows.start);
        for i in rows.clone() {
            let Some(&p) = points.get(i) else { continue };
            while let Some(&(_, c)) = created_before.get(k).filter(|(first, _)| *first == i) {
                k += 1;
                place(c, &mut order);
            }
            place(p, &mut order);
            while let Some(&(_, r)) = first_dated.get(d).filter(|(row, _)| *row as usize == i) {
                d += 1;
                place(r as usize, &mut order);
            }
        }
    }
    order.extend((0..n).filter(|&p| !placed[p]).map(point));
    order
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tables::ResourceKind;
    use crate::timeline::ObjectKey;

    /// One pod's four lines (points 0–3), its creation (4), the restart its third line
    /// dates first (5) and a marker (6): the creation before the first line, the
    /// restart right after the line that dates it, the marker last.
    #[test]
    fn restart_points_follow_their_first_dating_line() {
        let track = Track {
            key: ObjectKey {
                kind: ResourceKind::Pod,
                namespace: None,
                name: "web-0".into(),
            },
            stream: 0,
            incarnation: 0,
            obs: vec![0, 1, 2, 3],
            created: 4,
            owner: None,
        };
        let one_source = std::slice::from_ref(&(0..4));
        let order = time_order(7, &[0, 1, 2, 3], &[track], &[(2, 5)], one_source);
        assert_eq!(order, vec![4, 0, 1, 2, 5, 3, 6]);
    }
}
