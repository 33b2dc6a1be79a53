//! The last step of a timeline: each object's states, touches and end, read from its
//! lines. They are read before the network is solved, with the point of each time,
//! so that the rows are freed before the solving's peak; the times themselves are
//! filled in once every point has its interval. An object seen in several streams
//! waits for the times, which put its lines in order.

mod interner;
mod kept;
mod permute;

use crate::HashMap;

use super::links::{ObjectGroups, Track};
use super::{End, Interval, LineRef, ObjectTimeline, OptInterval, Point, State, StateLines, Touch};
use crate::observe::Observation;
use interner::{Interner, OtherCells};
use kept::{Kept, Look, Shown};
use permute::by_object;

/// The objects read from their rows, their times still to fill.
pub(super) struct Assembly {
    /// By object (tracks merged), in order of first track: the timeline read, or
    /// `None` while it waits for the times.
    objects: Vec<Option<ObjectTimeline>>,
    /// By object: the stream of its last line, when its last state held until that
    /// stream ended (a watch prints every change).
    held_until: Vec<Option<u32>>,
    /// Objects seen in several streams.
    waiting: Vec<Waiting>,
    /// Each stream's last line: when the stream is known to have run until.
    stream_ends: HashMap<u32, Point>,
    cells: Interner,
}

/// An object seen in several streams, waiting for the times to order its lines.
struct Waiting {
    object: usize,
    tracks: Vec<usize>,
    /// Its rows' indices, ascending, and the rows kept in short ([`Kept`]) in that
    /// order, and what they show.
    index: Vec<u32>,
    rows: Vec<Kept>,
    looks: Box<[Look]>,
}

/// An object's rows in line order, with their indices (ascending).
struct ObjectRows<'a, R> {
    index: &'a [u32],
    rows: &'a [R],
}

// Two slices, whatever the rows are (a derive would ask `R: Copy`).
impl<R> Clone for ObjectRows<'_, R> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<R> Copy for ObjectRows<'_, R> {}

/// Reads the objects of `tracks` from `rows`, freeing the rows object by object; an
/// object seen in several streams keeps its rows until [`finish`].
///
/// The rows are put in order of their object and read from the end of their list,
/// one object at a time where its rows lie (moved row by row into a list of the
/// object's, each row was copied four times more), then dropped from the list, which
/// is shrunk as it goes, so that rows and states are not held whole side by side. On
/// this thread, one object after another: the states then reuse the memory of the
/// rows freed before them (made side by side, each worker allocated from its own glibc
/// arena while the rows went back to this thread's: a 50 MB soak peaked at 418 MB
/// instead of 364 MB).
pub(super) fn read(mut rows: Vec<Observation>, tracks: &[Track], points: &[Point]) -> Assembly {
    let groups = ObjectGroups::of(tracks);
    let stream_ends = stream_ends(&rows, points);
    let reader = Reader { tracks, points };
    let mut a = Assembly {
        objects: (0..groups.len()).map(|_| None).collect(),
        held_until: vec![None; groups.len()],
        waiting: Vec::new(),
        stream_ends,
        cells: Interner::default(),
    };
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
    // The rows by object, each object's in line order: taken from the end, one
    // object's rows come after another's, so that only one object's wait in a list.
    // (In line order, every object still open held its rows in a list of its own: in
    // a soak, most pods live from start to end, and their rows all moved out of the
    // list into small allocations whose holes the states could not reuse.)
    let order = by_object(&mut rows, &group_of);
    // The lists its states are made in: reused from one object to the next, so that
    // what an object keeps is allocated once, at its size (grown by doubling and
    // shrunk, the lists left holes all over the heap).
    let mut buffers = Buffers::default();
    // Every row is in exactly one track (a stream's rows are dealt out to them), and
    // the rows of no object come last.
    rows.truncate(sizes.iter().sum());
    // Shrinking a large list gives its tail back to the system without copying.
    const SHRINK_EVERY: usize = 1 << 13;
    while let Some(&last) = order.get(rows.len().wrapping_sub(1)) {
        let end = rows.len();
        let k = group_of[last as usize] as usize;
        let begin = end - sizes[k];
        let object = ObjectRows {
            index: &order[begin..end],
            rows: &rows[begin..end],
        };
        if groups.tracks(k).len() > 1 {
            let (kept, looks) = kept::keep(object, &mut a.cells);
            a.waiting.push(Waiting {
                object: k,
                tracks: groups.tracks(k).to_vec(),
                index: object.index.to_vec(),
                rows: kept,
                looks,
            });
        } else {
            let (o, held) = reader.object(
                groups.tracks(k),
                object,
                &[],
                None,
                &mut a.cells,
                &mut buffers,
            );
            a.objects[k] = Some(o);
            a.held_until[k] = held;
        }
        rows.truncate(begin);
        if begin % SHRINK_EVERY == 0 || begin / SHRINK_EVERY != (end - 1) / SHRINK_EVERY {
            rows.shrink_to_fit();
        }
    }
    a
}

/// Working lists reused from one object to the next (see [`read`]).
#[derive(Default)]
struct Buffers {
    states: Vec<State>,
    touches: Vec<Touch>,
}

/// The timelines, every time filled in from `bounds`.
pub(super) fn finish(
    mut a: Assembly,
    tracks: &[Track],
    points: &[Point],
    bounds: &[Interval],
) -> Vec<ObjectTimeline> {
    let reader = Reader { tracks, points };
    let mut buffers = Buffers::default();
    for w in std::mem::take(&mut a.waiting) {
        let k = w.object;
        let rows = ObjectRows {
            index: &w.index,
            rows: &w.rows,
        };
        let (o, held) = reader.object(
            &w.tracks,
            rows,
            &w.looks,
            Some(bounds),
            &mut a.cells,
            &mut buffers,
        );
        a.objects[k] = Some(o);
        a.held_until[k] = held;
    }
    let stream_ends: HashMap<u32, Interval> = a
        .stream_ends
        .iter()
        .map(|(&s, &p)| (s, bounds[p]))
        .collect();
    a.objects
        .into_iter()
        .zip(a.held_until)
        .filter_map(|(o, held)| {
            let mut o = o?;
            let end = held.and_then(|s| stream_ends.get(&s).copied());
            fill_times(&mut o, end, bounds);
            Some(o)
        })
        .collect()
}

/// Every time of `o` from its points: creation, each state's start (a range from
/// its `since_point` when it has one), last line and end (the next state's start; for
/// the last state, when its stream ended, `stream_end`), each touch.
fn fill_times(o: &mut ObjectTimeline, stream_end: Option<Interval>, bounds: &[Interval]) {
    o.created = bounds[o.created_point];
    let starts: Vec<Point> = o.states.iter().map(|s| s.from_point()).collect();
    for (k, s) in o.states.iter_mut().enumerate() {
        let at = bounds[s.from_point()];
        s.from = match s.since_point() {
            Some(q) => Interval::new(bounds[q].min_ms.min(at.min_ms), at.max_ms),
            None => at,
        };
        s.last_seen = bounds[s.last_point()];
        s.to = match starts.get(k + 1) {
            Some(&next) => Some(bounds[next]),
            None => stream_end,
        }
        .into();
        for t in &mut s.touches {
            t.at = bounds[t.point];
        }
    }
}

/// What an object's timeline is read from, besides its rows.
struct Reader<'a> {
    tracks: &'a [Track],
    points: &'a [Point],
}

impl Reader<'_> {
    /// The timeline of the object incarnation whose tracks are `g` and rows `rows`, its
    /// times still to fill; and the stream its last state held until. Lines of
    /// several tracks are put in the order of their times, `bounds`.
    fn object<R: Shown>(
        &self,
        g: &[usize],
        rows: ObjectRows<'_, R>,
        looks: &[Look],
        bounds: Option<&[Interval]>,
        cells: &mut Interner,
        buffers: &mut Buffers,
    ) -> (ObjectTimeline, Option<u32>) {
        let tracks = self.tracks;
        warm(rows.rows);
        let row = |i: usize| -> &R {
            let k = u32::try_from(i)
                .ok()
                .and_then(|i| rows.index.binary_search(&i).ok())
                .expect("a track's row is in its object's list");
            &rows.rows[k]
        };
        let first = &tracks[g[0]];
        let mut lines: Vec<usize> = g
            .iter()
            .flat_map(|&t| tracks[t].obs.iter().copied())
            .collect();
        if let (true, Some(bounds)) = (g.len() > 1, bounds) {
            lines.sort_by_key(|&i| {
                (
                    bounds[self.points[i]].mid().unwrap_or(0),
                    row(i).stream(),
                    row(i).seq(),
                )
            });
        }
        // Most objects' lines are their rows as they lie (one track, in line order):
        // then no row is looked up.
        let as_they_lie = lines.len() == rows.index.len()
            && lines.iter().zip(rows.index).all(|(&l, &i)| l == i as usize);
        let obs: Vec<&R> = if as_they_lie {
            rows.rows.iter().collect()
        } else {
            lines.iter().map(|&i| row(i)).collect()
        };
        let states = self.states(first, &lines, &obs, looks, cells, buffers);
        let end = if obs.last().is_some_and(|o| o.deleted()) {
            End::Deleted
        } else {
            End::LastSeen
        };
        // A watch prints every change: the last state held until its stream ended.
        let held_until = obs
            .last()
            .filter(|_| end == End::LastSeen)
            .map(|o| o.stream());
        let owner = first.owner.map(|o| tracks[o].key.clone());
        let o = ObjectTimeline {
            key: first.key.clone(),
            incarnation: first.incarnation,
            owner,
            created: Interval::UNKNOWN,
            created_point: first.created,
            states,
            end,
        };
        (o, held_until)
    }

    /// The states of an object whose lines (in time order) are `lines`, their rows
    /// `obs`, with the points of their times.
    fn states<R: Shown>(
        &self,
        first: &Track,
        lines: &[usize],
        obs: &[&R],
        looks: &[Look],
        cells: &mut Interner,
        buffers: &mut Buffers,
    ) -> Vec<State> {
        let Buffers { states, touches } = buffers;
        states.clear();
        // The touches of the latest state, until the next begins.
        touches.clear();
        for (n, &i) in lines.iter().enumerate() {
            let o = obs[n];
            let p = self.points[i];
            let lr = o.line_ref();
            let same = n > 0 && o.same_state(obs[n - 1], cells);
            // A watch's line after the object's line in the same stream is an event:
            // the change happened as it was printed. Any other line (a listing, a
            // watch's initial list) shows the object as it was then: a change it
            // shows happened since the object's previous line, and a line the same
            // as that one is the object seen again, not a hidden update.
            let event = n > 0 && obs[n - 1].stream() == o.stream() && !o.listed() && !o.on_screen();
            // The line's own AGE: how long after the creationTimestamp it was printed.
            let since_created = o.since_created();
            if same && (o.on_screen() || !event) {
                // A `watch` screen prints every object again: the same state, seen
                // later, not a hidden update.
                let s = states.last_mut().expect("a previous state exists");
                s.set_last_point(p);
                continue;
            }
            if same {
                touches.push(Touch {
                    at: Interval::UNKNOWN,
                    since_created: since_created.into(),
                    point: p,
                    line: lr,
                });
                let s = states.last_mut().expect("a previous state exists");
                s.set_last_point(p);
                continue;
            }
            // Seen first, the state began between creation and this line; seen
            // changed in a listing, since the object's previous line; a watch event
            // is the change itself.
            let since_point = if states.is_empty() {
                Some(first.created)
            } else if !event {
                Some(self.points[lines[n - 1]])
            } else {
                None
            };
            if let Some(s) = states.last_mut() {
                s.touches = taken(touches);
            }
            states.push(new_state(
                o.look(looks, cells),
                p,
                since_point,
                since_created,
                lr,
            ));
        }
        if let Some(s) = states.last_mut() {
            s.touches = taken(touches);
        }
        // At its size: summed over every object of a long capture, the empty slots of
        // lists grown by doubling outweighed the rows (massif, 20 MB: 120 MB). Moved
        // out, not taken: the list stays for the next object.
        #[allow(clippy::drain_collect)]
        let states = states.drain(..).collect();
        states
    }
}

/// The touches gathered, at their size, leaving the list empty for the next state
/// (most states have none: then nothing is collected).
fn taken(touches: &mut Vec<Touch>) -> Box<[Touch]> {
    if touches.is_empty() {
        Box::default()
    } else {
        touches.drain(..).collect()
    }
}

/// Reads a byte of each row's line, all at once, before the states are read from
/// them. The lines were stored in line order, an object's far apart: read one by one
/// as the states are made, each waited for memory in turn (cloning the line for its
/// state was a tenth of the timeline's build); these reads do not depend on one
/// another, so the processor waits for them side by side.
fn warm<R: Shown>(rows: &[R]) {
    let touched = rows.iter().fold(0u8, |x, r| x ^ r.warm());
    std::hint::black_box(touched);
}

/// A state showing `look`, its first line `lr` at point `p`, begun since
/// `since_point` when that is a range; its times are filled in later.
fn new_state(
    look: Look,
    p: Point,
    since_point: Option<Point>,
    since_created: Option<Interval>,
    lr: LineRef,
) -> State {
    let (from_point, since) = State::at_points(p, since_point);
    State {
        status: look.status,
        ready: look.ready,
        restarts: look.restarts,
        ip: look.ip,
        node: look.node,
        cells: look.cells,
        from: Interval::UNKNOWN,
        from_point,
        since_point: since,
        since_created: since_created.into(),
        to: OptInterval::NONE,
        last_seen: Interval::UNKNOWN,
        last_point: from_point,
        lines: StateLines(lr),
        touches: Box::default(),
    }
}

/// Each stream's end: its last line (a watch stopped by `^C` or the next prompt
/// prints nothing more, so its time is the latest the stream is known to have run).
fn stream_ends(obs: &[Observation], points: &[Point]) -> HashMap<u32, Point> {
    let mut last: HashMap<u32, usize> = HashMap::default();
    for (i, o) in obs.iter().enumerate() {
        let e = last.entry(o.stream).or_insert(i);
        if obs[*e].seq < o.seq {
            *e = i;
        }
    }
    last.into_iter()
        .map(|(stream, i)| (stream, points[i]))
        .collect()
}
