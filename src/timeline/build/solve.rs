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
    let order = time_order(b.net.len(), points, tracks, &b.names.source_rows());
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
/// source's in line order; each object's creation just before its first line; then the
/// rest (anchors, markers). In 32 bits, as the network's points are: it is held while
/// the network is solved.
///
/// Any order settles to the same network; the order decides what it costs. A point
/// is placed as late as what is settled allows, and moved when a later one says
/// otherwise: with the small sources beside a large one (a nodes watch beside a
/// soak's pods) settled first, each failure's links moved every later NotReady line
/// again (a 50 MB soak with a nodes watch: 18 s of settling); settled after it, each
/// line is placed once, by links to rows already placed.
fn time_order(n: usize, points: &[Point], tracks: &[Track], sources: &[Range<usize>]) -> Vec<u32> {
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
    let mut by_size: Vec<&Range<usize>> = sources.iter().collect();
    by_size.sort_by_key(|r| std::cmp::Reverse(r.len()));
    for rows in by_size {
        let mut k = created_before.partition_point(|&(first, _)| first < rows.start);
        for i in rows.clone() {
            let Some(&p) = points.get(i) else { continue };
            while let Some(&(_, c)) = created_before.get(k).filter(|(first, _)| *first == i) {
                k += 1;
                if !placed[c] {
                    placed[c] = true;
                    order.push(point(c));
                }
            }
            if !placed[p] {
                placed[p] = true;
                order.push(point(p));
            }
        }
    }
    order.extend((0..n).filter(|&p| !placed[p]).map(point));
    order
}
