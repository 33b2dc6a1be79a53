//! The last step of a timeline: each object's states, touches and end, read from its
//! lines once every point has its interval.

use std::collections::HashMap;
use std::sync::Arc;

use super::build::age_window;
use super::links::Track;
use super::objects::ObjectKey;
use super::{End, Interval, LineRef, ObjectTimeline, Point, State, Touch};
use crate::observe::Observation;
use crate::Text;

/// Turns tracks into object timelines: tracks of one object linked across streams are
/// merged, states and touches computed from the solved times. Each object's rows are
/// freed once its states are made.
pub(super) fn assemble(
    rows: Vec<Observation>,
    tracks: &[Track],
    points: &[Point],
    bounds: &[Interval],
) -> Vec<ObjectTimeline> {
    let groups = merged_tracks(tracks);
    let stream_ends = stream_ends(&rows, points, bounds);
    let owned = distribute(rows, tracks, &groups);
    let solved = Solved {
        tracks,
        points,
        bounds,
        stream_ends: &stream_ends,
    };
    // On this thread, one object after another: the states then reuse the memory of
    // the rows freed before them. Made side by side, each worker allocated from its
    // own glibc arena while the rows went back to this thread's, and a 50 MB soak
    // peaked at 418 MB instead of 364 MB.
    let mut cells = Interner::default();
    groups
        .into_iter()
        .zip(owned)
        .map(|(g, rows)| solved.object(&g, rows, &mut cells))
        .collect()
}

/// Every row moved to the list of its object (by group), with its index; a row of no
/// object is dropped. The list of all rows is emptied from its end and shrunk as it
/// goes, so that the rows are held once, not twice, while they move.
fn distribute(
    mut rows: Vec<Observation>,
    tracks: &[Track],
    groups: &[Vec<usize>],
) -> Vec<Vec<(usize, Observation)>> {
    const NONE: u32 = u32::MAX;
    let mut group_of = vec![NONE; rows.len()];
    let mut sizes: Vec<usize> = Vec::with_capacity(groups.len());
    for (k, g) in groups.iter().enumerate() {
        let mut n = 0;
        for &i in g.iter().flat_map(|&t| &tracks[t].obs) {
            group_of[i] = u32::try_from(k).unwrap_or(NONE);
            n += 1;
        }
        sizes.push(n);
    }
    // Each list is made when its first row arrives: made all at once, their
    // headers alone would bring every page of them in before the rows leave.
    let mut lists: Vec<Vec<(usize, Observation)>> = groups.iter().map(|_| Vec::new()).collect();
    // Shrinking a large list gives its tail back to the system without copying.
    const SHRINK_EVERY: usize = 1 << 16;
    while let Some(row) = rows.pop() {
        let i = rows.len();
        let k = group_of[i] as usize;
        if let Some(list) = lists.get_mut(k) {
            if list.capacity() == 0 {
                list.reserve_exact(sizes[k]);
            }
            list.push((i, row));
        }
        if i % SHRINK_EVERY == 0 {
            rows.shrink_to_fit();
        }
    }
    lists
}

/// The other cells of states, one copy of each distinct set: a long
/// capture has a state a line, and nearly all of them print the same `<none>`s.
#[derive(Default)]
struct Interner(std::collections::HashSet<OtherCells>);

/// A state's other cells, shared between the states that print the same.
type OtherCells = Arc<[(Arc<str>, Text)]>;

impl Interner {
    fn get(&mut self, cells: Vec<(Arc<str>, Text)>) -> OtherCells {
        if let Some(c) = self.0.get(&cells[..]) {
            return c.clone();
        }
        let c: OtherCells = cells.into();
        self.0.insert(c.clone());
        c
    }
}

/// The tracks of one object incarnation, by key and incarnation (their creation is
/// linked), in order of first track.
fn merged_tracks(tracks: &[Track]) -> Vec<Vec<usize>> {
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut index: HashMap<(ObjectKey, u32), usize> = HashMap::new();
    for (t, tr) in tracks.iter().enumerate() {
        let k = (tr.key.clone(), tr.incarnation);
        match index.get(&k) {
            Some(&g) => groups[g].push(t),
            None => {
                index.insert(k, groups.len());
                groups.push(vec![t]);
            }
        }
    }
    groups
}

/// Everything an object's timeline is read from once the network is solved.
struct Solved<'a> {
    tracks: &'a [Track],
    points: &'a [Point],
    bounds: &'a [Interval],
    stream_ends: &'a HashMap<u32, Interval>,
}

impl Solved<'_> {
    /// The timeline of the object incarnation whose tracks are `g` and rows `rows`
    /// (with their indices, in descending order).
    fn object(
        &self,
        g: &[usize],
        mut rows: Vec<(usize, Observation)>,
        cells: &mut Interner,
    ) -> ObjectTimeline {
        let (tracks, bounds) = (self.tracks, self.bounds);
        rows.reverse();
        let row = |i: usize| -> &Observation {
            let k = rows
                .binary_search_by_key(&i, |r| r.0)
                .expect("a track's row is in its object's list");
            &rows[k].1
        };
        let first = &tracks[g[0]];
        let mut lines: Vec<usize> = g
            .iter()
            .flat_map(|&t| tracks[t].obs.iter().copied())
            .collect();
        if g.len() > 1 {
            lines.sort_by_key(|&i| {
                (
                    bounds[self.points[i]].mid().unwrap_or(0),
                    row(i).stream,
                    row(i).seq,
                )
            });
        }
        let obs: Vec<&Observation> = lines.iter().map(|&i| row(i)).collect();
        let mut states = self.states(first, &lines, &obs, cells);
        let end = if obs.last().is_some_and(|o| o.event() == Some("DELETED")) {
            End::Deleted
        } else {
            End::LastSeen
        };
        // A watch prints every change: the last state held until its stream ended.
        if let (End::LastSeen, Some(o), Some(last)) = (end, obs.last(), states.last_mut()) {
            last.to = self.stream_ends.get(&o.stream).copied();
        }
        let owner = first.owner.map(|o| tracks[o].key.clone());
        // Each object's states grew by doubling: summed over every object of a long
        // capture, the empty slots outweighed the Observations (massif, 20 MB: 120 MB).
        states.shrink_to_fit();
        // So did the touches of a state (a soak's node marks: 239,784 slots for
        // 80,295 touches, 14 MB in 50 MB).
        for s in &mut states {
            s.touches.shrink_to_fit();
        }
        ObjectTimeline {
            key: first.key.clone(),
            incarnation: first.incarnation,
            owner,
            created: bounds[first.created],
            created_point: first.created,
            states,
            end,
        }
    }

    /// The states of an object whose lines (in time order) are `lines`, their rows
    /// `obs`.
    fn states(
        &self,
        first: &Track,
        lines: &[usize],
        obs: &[&Observation],
        cells: &mut Interner,
    ) -> Vec<State> {
        let bounds = self.bounds;
        let mut states: Vec<State> = Vec::new();
        for (n, &i) in lines.iter().enumerate() {
            let o = obs[n];
            let p = self.points[i];
            let lr = LineRef {
                source: o.source.clone(),
                line: o.line,
                text: o.text().clone(),
            };
            let same = n > 0 && obs[n - 1].same_state(o);
            // A watch's line after the object's line in the same stream is an event:
            // the change happened as it was printed. Any other line (a listing, a
            // watch's initial list) shows the object as it was then: a change it
            // shows happened since the object's previous line, and a line the same
            // as that one is the object seen again, not a hidden update.
            let event = n > 0
                && obs[n - 1].stream == o.stream
                && o.listing != Some(true)
                && o.snapshot.is_none();
            // The line's own AGE: how long after the creationTimestamp it was printed.
            let since_created = o
                .age
                .as_ref()
                .and_then(age_window)
                .map(|(lo, hi)| Interval::new(lo, hi));
            if same && (o.snapshot.is_some() || !event) {
                // A `watch` screen prints every object again: the same state, seen
                // later, not a hidden update.
                let s = states.last_mut().expect("a previous state exists");
                s.last_seen = bounds[p];
                s.last_point = p;
                continue;
            }
            if same {
                let s = states.last_mut().expect("a previous state exists");
                s.touches.push(Touch {
                    at: bounds[p],
                    since_created,
                    point: p,
                    line: lr,
                });
                s.last_seen = bounds[p];
                s.last_point = p;
                continue;
            }
            if let Some(prev) = states.last_mut() {
                prev.to = Some(bounds[p]);
            }
            let start = self.state_from(first, lines, n, states.is_empty(), event);
            states.push(new_state(o, p, bounds[p], start, since_created, lr, cells));
        }
        states
    }

    /// When the state shown first by `lines[n]` began, and the earliest point it can
    /// have begun when that is a range rather than the event of its line.
    fn state_from(
        &self,
        first: &Track,
        lines: &[usize],
        n: usize,
        first_state: bool,
        event: bool,
    ) -> (Interval, Option<Point>) {
        let bounds = self.bounds;
        let p = self.points[lines[n]];
        let created = bounds[first.created];
        if first_state {
            // Seen first: the state began between creation and this line.
            let from = Interval::new(created.min_ms.min(bounds[p].min_ms), bounds[p].max_ms);
            (from, Some(first.created))
        } else if !event {
            // Seen changed: since the object's previous line.
            let prev = self.points[lines[n - 1]];
            let from = Interval::new(bounds[prev].min_ms.min(bounds[p].min_ms), bounds[p].max_ms);
            (from, Some(prev))
        } else {
            (bounds[p], None)
        }
    }
}

/// A state as its first line `o` (at point `p`, time `at`) shows it, begun at `from`
/// (since `since_point` when a range).
fn new_state(
    o: &Observation,
    p: Point,
    at: Interval,
    (from, since_point): (Interval, Option<Point>),
    since_created: Option<Interval>,
    lr: LineRef,
    cells: &mut Interner,
) -> State {
    let other: Vec<(Arc<str>, Text)> = o
        .cells
        .iter()
        .filter(|&(h, _)| {
            !matches!(
                &**h,
                "NAME"
                    | "NAMESPACE"
                    | "EVENT"
                    | "AGE"
                    | "STATUS"
                    | "READY"
                    | "RESTARTS"
                    | "IP"
                    | "NODE"
            )
        })
        .map(|(h, v)| (h.clone(), Text::from(v)))
        .collect();
    State {
        status: o.status().map(Text::from),
        ready: o.ready,
        restarts: o.restarts.as_ref().map(|r| r.count),
        ip: o.ip().map(Text::from),
        node: o.node().map(Text::from),
        cells: cells.get(other),
        from,
        from_point: p,
        since_point,
        from_is_event: since_point.is_none(),
        since_created,
        to: None,
        last_seen: at,
        last_point: p,
        lines: smallvec::smallvec![lr],
        touches: Vec::new(),
    }
}

/// Each stream's end: the time of its last line (a watch stopped by `^C` or the next
/// prompt prints nothing more, so this is the latest time it is known to have run).
fn stream_ends(
    obs: &[Observation],
    points: &[Point],
    bounds: &[Interval],
) -> HashMap<u32, Interval> {
    let mut last: HashMap<u32, usize> = HashMap::new();
    for (i, o) in obs.iter().enumerate() {
        let e = last.entry(o.stream).or_insert(i);
        if obs[*e].seq < o.seq {
            *e = i;
        }
    }
    last.into_iter()
        .map(|(stream, i)| (stream, bounds[points[i]]))
        .collect()
}
