//! The streams of one experiment (the rows of one `kubectl get` command): line order
//! within a stream, and the file's order of commands between the streams of a source.

use crate::HashMap;
use std::sync::Arc;

use super::{Builder, Strength};
use crate::observe::Observation;
use crate::timeline::stn::UNBOUNDED;
use crate::timeline::Point;

/// Each stream's rows (indices into the observations, in stream order), and the
/// streams in order of their numbers.
pub(super) struct Streams {
    pub(super) rows: HashMap<u32, Vec<usize>>,
    pub(super) ids: Vec<u32>,
}

impl Streams {
    pub(super) fn of(obs: &[Observation]) -> Streams {
        let mut rows: HashMap<u32, Vec<usize>> = HashMap::default();
        for (i, o) in obs.iter().enumerate() {
            rows.entry(o.stream).or_default().push(i);
        }
        let mut ids: Vec<u32> = rows.keys().copied().collect();
        ids.sort_unstable();
        Streams { rows, ids }
    }
}

/// Whether a stream's rows are one listing printed at one instant: its command is a
/// plain `get`, or — with no command printed — no object appears twice (a watch
/// prints an object again on each change).
fn is_listing(obs: &[Observation], rows: &[usize]) -> bool {
    match obs[rows[0]].listing {
        Some(listing) => listing,
        None => {
            let mut seen = crate::HashSet::default();
            rows.iter()
                .all(|&i| obs[i].snapshot.is_none() && seen.insert((&obs[i].kind, obs[i].name())))
        }
    }
}

/// Line order within each stream; rows of a watch screen or a listing are printed at
/// one instant (within the second).
pub(super) fn line_order(b: &mut Builder, streams: &Streams, points: &[Point]) {
    let obs = b.obs;
    for s in &streams.ids {
        let listing = is_listing(obs, &streams.rows[s]);
        for w in streams.rows[s].windows(2) {
            let (p, q) = (&obs[w[0]], &obs[w[1]]);
            let one_instant = (p.snapshot.is_some() && p.snapshot == q.snapshot) || listing;
            let hi = if one_instant { 1000 } else { UNBOUNDED };
            b.add(
                points[w[0]],
                points[w[1]],
                0,
                hi,
                Strength::Order,
                &[w[0], w[1]],
            );
        }
    }
}

/// Commands of one source ran one after another: each stream starts after the one
/// before it in the file ended.
pub(super) fn command_order(b: &mut Builder, streams: &Streams, points: &[Point]) {
    let obs = b.obs;
    let by_stream = &streams.rows;
    let mut by_source_streams: HashMap<&Arc<str>, Vec<u32>> = HashMap::default();
    for s in &streams.ids {
        let first = by_stream[s][0];
        by_source_streams
            .entry(&obs[first].source)
            .or_default()
            .push(*s);
    }
    for ss in by_source_streams.values() {
        for w in ss.windows(2) {
            let last = *by_stream[&w[0]].last().expect("a stream has rows");
            let next = by_stream[&w[1]][0];
            if obs[last].line < obs[next].line {
                b.add(
                    points[last],
                    points[next],
                    0,
                    UNBOUNDED,
                    Strength::Sequence,
                    &[last, next],
                );
            }
        }
    }
}
