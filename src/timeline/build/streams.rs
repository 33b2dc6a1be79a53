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
                .all(|&i| obs[i].snapshot.is_none() && seen.insert((obs[i].kind(), obs[i].name())))
        }
    }
}

/// How many rows a watch stream opens with that are its initial list: `kubectl get
/// -w` prints the LIST first, in one flush (FORMAT.md §3.1), and the apiserver lists
/// in storage-key order, by namespace and name; every watch event after it is printed
/// as it comes, in no such order. So the list is the leading rows that each name a new
/// object in ascending order — at least [`INITIAL_LIST_MIN`] of them, or none (a
/// watch event that happens to sort after the list's last row is taken for part of it
/// only if it is the first event; its AGE can then overrule it, see
/// [`Strength::InitialList`]).
fn initial_list_len(obs: &[Observation], rows: &[usize]) -> usize {
    let key = |i: usize| (obs[i].namespace.as_deref().unwrap_or(""), obs[i].name());
    let ascending = rows
        .windows(2)
        .take_while(|w| key(w[0]) < key(w[1]))
        .count()
        + 1;
    let mut n = ascending.min(rows.len());
    // A last row of a pod created just then may be the first event, a pod created
    // after the list that sorts after it: its AGE `0s` ties it to nothing else, so
    // nothing would overrule the list's second. Left out (a list's own fresh last
    // row loses only its second).
    let fresh = |i: usize| {
        obs[i]
            .age
            .as_ref()
            .and_then(|a| a.max_s())
            .is_some_and(|m| m <= 2)
    };
    while n > 0 && n < rows.len() && fresh(rows[n - 1]) {
        n -= 1;
    }
    if n >= INITIAL_LIST_MIN && obs[rows[0]].snapshot.is_none() {
        n
    } else {
        0
    }
}

/// Fewest rows read as a watch's initial list ([`initial_list_len`]): two rows in
/// ascending order may be a one-pod list and an event.
const INITIAL_LIST_MIN: usize = 3;

/// Line order within each stream; rows of a watch screen or a listing are printed at
/// one instant (within the second), and so are the rows of a watch's initial list:
/// each within a second of its first row. Without that, a watch whose first lines are
/// old pods bounds no later line from above (AGE bounds a line only against other
/// lines of its own pod, and the list's rows are each a pod's only link to t = 0).
pub(super) fn line_order(b: &mut Builder, streams: &Streams, points: &[Point]) {
    let obs = b.obs;
    for s in &streams.ids {
        let listing = is_listing(obs, &streams.rows[s]);
        if !listing {
            let rows = &streams.rows[s];
            for &r in rows.iter().take(initial_list_len(obs, rows)).skip(1) {
                b.add(
                    points[rows[0]],
                    points[r],
                    0,
                    1000,
                    Strength::InitialList,
                    &[rows[0], r],
                );
            }
        }
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
