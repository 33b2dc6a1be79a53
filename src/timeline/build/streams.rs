//! The streams of one experiment (the rows of one `kubectl get` command): line order
//! within a stream, and the file's order of commands between the streams of a source.

use crate::HashMap;
use std::sync::Arc;

use super::{Builder, Strength};
use crate::observe::Observation;
use crate::timeline::stn::UNBOUNDED;
use crate::timeline::Point;

/// Each stream's rows (indices into the observations, in stream order), the streams
/// in order of their numbers: every row in one list, stream after stream (a list a
/// stream in a map was a lookup a row and a list grown row by row).
pub(super) struct Streams {
    /// The streams' numbers, ascending.
    ids: Vec<u32>,
    /// Stream `ids[k]`'s rows are `rows[start[k]..start[k + 1]]`.
    rows: Vec<usize>,
    start: Vec<usize>,
}

impl Streams {
    pub(super) fn of(obs: &[Observation]) -> Streams {
        // Each row's stream as a slot, numbered in order of first row, looked up only
        // when a row's stream is not the row before's (a stream's rows mostly follow
        // one another); then a counting sort by slot.
        let mut slot_of: HashMap<u32, u32> = HashMap::default();
        let mut slots: Vec<u32> = Vec::with_capacity(obs.len());
        let mut counts: Vec<usize> = Vec::new();
        let mut last: Option<(u32, u32)> = None;
        for o in obs {
            let k = match last {
                Some((stream, k)) if stream == o.stream => k,
                _ => {
                    let n = u32::try_from(counts.len()).expect("fewer than 2^32 streams");
                    let k = *slot_of.entry(o.stream).or_insert(n);
                    if k == n {
                        counts.push(0);
                    }
                    last = Some((o.stream, k));
                    k
                }
            };
            counts[k as usize] += 1;
            slots.push(k);
        }
        let mut by_id: Vec<(u32, u32)> = slot_of.into_iter().collect();
        by_id.sort_unstable();
        let mut next = vec![0usize; counts.len()];
        let mut start = Vec::with_capacity(by_id.len() + 1);
        start.push(0);
        for &(_, k) in &by_id {
            let at = start[start.len() - 1];
            next[k as usize] = at;
            start.push(at + counts[k as usize]);
        }
        let mut rows = vec![0usize; obs.len()];
        for (i, &k) in slots.iter().enumerate() {
            rows[next[k as usize]] = i;
            next[k as usize] += 1;
        }
        Streams {
            ids: by_id.into_iter().map(|(id, _)| id).collect(),
            rows,
            start,
        }
    }

    /// Each stream's number and rows, in order of the numbers.
    pub(super) fn iter(&self) -> impl Iterator<Item = (u32, &[usize])> + '_ {
        (0..self.ids.len()).map(|k| (self.ids[k], self.rows_at(k)))
    }

    /// The rows of the `k`-th stream by number.
    fn rows_at(&self, k: usize) -> &[usize] {
        &self.rows[self.start[k]..self.start[k + 1]]
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
    for (_, rows) in streams.iter() {
        let listing = is_listing(obs, rows);
        if !listing {
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
        for w in rows.windows(2) {
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
    // Each source's streams, as their places in `streams`' order.
    let mut by_source_streams: HashMap<&Arc<str>, Vec<usize>> = HashMap::default();
    for (k, (_, rows)) in streams.iter().enumerate() {
        by_source_streams
            .entry(&obs[rows[0]].source)
            .or_default()
            .push(k);
    }
    for ss in by_source_streams.values() {
        for w in ss.windows(2) {
            let last = *streams.rows_at(w[0]).last().expect("a stream has rows");
            let next = streams.rows_at(w[1])[0];
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
