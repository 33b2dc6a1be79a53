//! Tracks: the lines of each object incarnation in each stream, with a creation point
//! placed by the lines' AGE, owners by name, and restart points by RESTARTS `(X ago)`.

use crate::HashMap;

use super::streams::Streams;
use super::{age_window, Builder, Strength};
use crate::observe::{age_went_back_from, youngest_age, Observation};
use crate::tables::SchemaRef;
use crate::timeline::links::{self, Track};
use crate::timeline::objects::{is_new_incarnation, ObjectKey};
use crate::timeline::stn::Ms;
use crate::timeline::Point;

/// Every track of the experiment, owners assigned, with its AGE and RESTARTS
/// constraints.
pub(super) fn tracks(b: &mut Builder, streams: &Streams, points: &[Point]) -> Vec<Track> {
    let mut tracks: Vec<Track> = Vec::new();
    let mut dated = Vec::new();
    let mut lines = Lines {
        track_of: vec![u32::MAX; b.obs.len()],
        ..Lines::default()
    };
    for (s, rows) in streams.iter() {
        stream_tracks(b, s, rows, points, &mut tracks, &mut lines, &mut dated);
    }
    lines.deal(&mut tracks, streams);
    number_incarnations(b.obs, &mut tracks);
    links::assign_owners(&mut tracks);
    restarts(b, dated);
    tracks
}

/// Which track each row joined, and each track's count of rows, while the tracks
/// are made: their lists of rows are filled once they are all known
/// ([`Lines::deal`]), each at its size (grown row by row, a soak's tracks grew their
/// lists hundreds of thousands of times).
#[derive(Default)]
struct Lines {
    /// By row (`u32::MAX`: none).
    track_of: Vec<u32>,
    /// By track.
    count: Vec<usize>,
}

impl Lines {
    /// Row `i` joins track `t`.
    fn join(&mut self, t: usize, i: usize) {
        self.track_of[i] = u32::try_from(t).expect("fewer than 2^32 tracks");
        if t == self.count.len() {
            self.count.push(1);
        } else {
            self.count[t] += 1;
        }
    }

    /// Fills each track's rows, in the order the streams' rows were walked.
    fn deal(self, tracks: &mut [Track], streams: &Streams) {
        for (t, &n) in tracks.iter_mut().zip(&self.count) {
            t.obs = Vec::with_capacity(n);
        }
        for (_, rows) in streams.iter() {
            for &i in rows {
                if let Some(&t) = self.track_of.get(i).filter(|&&t| t != u32::MAX) {
                    tracks[t as usize].obs.push(i);
                }
            }
        }
    }
}

/// The tracks of one stream: a line joins its object's current track unless it shows
/// a new incarnation; each line's AGE places its track's creation. The lines that
/// date a restart (RESTARTS `(X ago)`) are noted in `dated` with their track, while
/// the row is at hand ([`restarts`]).
fn stream_tracks(
    b: &mut Builder,
    stream: u32,
    rows: &[usize],
    points: &[Point],
    tracks: &mut Vec<Track>,
    lines: &mut Lines,
    dated: &mut Vec<Dated>,
) {
    let obs = b.obs;
    // Keyed by the rows' own cells: a key is built only for a new track. Each object's
    // current track and how many incarnations it has had, in one map: one look-up a
    // row (a soak's stream has hundreds of thousands of objects, and two maps were
    // each grown and rehashed to that size).
    let mut current: HashMap<KeyRef, Current> = HashMap::default();
    let mut columns = Columns::default();
    for &i in rows {
        let key = KeyRef::of(&obs[i]);
        let object = current.entry(key).or_insert(Current {
            track: u32::MAX,
            incarnations: 0,
            created: 0,
            last_deleted: false,
            last_youngest: None,
        });
        // `is_new_incarnation` of the object's previous row and this one.
        let known = Some(object.track as usize).filter(|_| {
            object.track != u32::MAX
                && !(object.last_deleted || age_went_back_from(object.last_youngest, &obs[i]))
        });
        let t = match known {
            Some(t) => t,
            None => {
                let created = b.net.point();
                tracks.push(Track {
                    key: ObjectKey::of(&obs[i]),
                    stream,
                    incarnation: object.incarnations,
                    obs: vec![],
                    created,
                    owner: None,
                });
                object.incarnations += 1;
                object.track = u32::try_from(tracks.len() - 1).expect("fewer than 2^32 tracks");
                object.created = u32::try_from(created).expect("fewer than 2^32 points");
                tracks.len() - 1
            }
        };
        lines.join(t, i);
        object.last_deleted = columns.deleted(&obs[i]);
        object.last_youngest = youngest_age(&obs[i]);
        if let Some(d) = Dated::of(&obs[i], t, i, points[i], &mut columns) {
            dated.push(d);
        }
        if let Some((lo, hi)) = obs[i].age.as_ref().and_then(age_window) {
            b.add(
                object.created as usize,
                points[i],
                lo,
                hi,
                Strength::Age,
                &[i],
            );
        }
    }
}

/// One object of a stream while its tracks are made: its current track
/// (`u32::MAX` before the first), the number of its incarnations so far, its
/// current track's creation point, and what its previous row says of a new
/// incarnation: kept here, as the track and the row (among a soak's hundreds of
/// thousands) were each a cache miss a row.
struct Current {
    track: u32,
    incarnations: u32,
    created: u32,
    /// What a new incarnation is told by, of the object's previous row: whether it
    /// was a DELETED event, and its [`youngest_age`].
    last_deleted: bool,
    last_youngest: Option<i64>,
}

/// An [`ObjectKey`] borrowed from a row.
#[derive(Clone, Copy, PartialEq, Eq)]
struct KeyRef<'a> {
    kind: &'a crate::tables::ResourceKind,
    namespace: Option<&'a str>,
    name: &'a str,
}

/// Hashed by its name and namespace only, each written once: a stream's objects are
/// nearly always told apart by those (equal keys still compare their kinds), and the
/// derived hash, field by field with the kind's and the option's tags, was half the
/// cost of a row's look-up (a soak's stream has hundreds of thousands of rows).
impl std::hash::Hash for KeyRef<'_> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        state.write(self.name.as_bytes());
        if let Some(namespace) = self.namespace {
            state.write(namespace.as_bytes());
        }
    }
}

impl<'a> KeyRef<'a> {
    fn of(o: &'a crate::observe::Observation) -> KeyRef<'a> {
        KeyRef {
            kind: o.kind(),
            namespace: o.namespace.as_deref(),
            name: o.name(),
        }
    }
}

/// Numbers each object's incarnations across the streams of one source, which ran one
/// after another: a creation time and a pod's node never change, so a later listing
/// whose AGE is smaller than the earlier one's allows, or whose NODE differs, shows a
/// new object under the old name (a StatefulSet pod re-created, a node deleted and
/// registered again). Tracks of one incarnation are later joined by the same-object
/// link; different incarnations never are.
fn number_incarnations(obs: &[crate::observe::Observation], tracks: &mut [Track]) {
    let mut numbers: Vec<u32> = Vec::with_capacity(tracks.len());
    {
        let tracks = &*tracks;
        // Sized for every track at once: grown, a soak's were rehashed again and again.
        let mut next: HashMap<&ObjectKey, u32> =
            HashMap::with_capacity_and_hasher(tracks.len(), Default::default());
        let mut last: HashMap<(&ObjectKey, &str), usize> =
            HashMap::with_capacity_and_hasher(tracks.len(), Default::default());
        for (t, track) in tracks.iter().enumerate() {
            let key = &track.key;
            let first = &obs[track.obs[0]];
            let inc = match last.get(&(key, &*first.source)).copied() {
                None => track.incarnation,
                Some(p) => {
                    let prev = &obs[*tracks[p].obs.last().expect("track has a line")];
                    let moved = matches!((prev.node(), first.node()), (Some(a), Some(b)) if a != b);
                    let renewed = tracks[p].stream == track.stream
                        || is_new_incarnation(prev, first)
                        || moved;
                    if renewed {
                        next.get(key).copied().unwrap_or(0)
                    } else {
                        numbers[p]
                    }
                }
            };
            numbers.push(inc);
            let n = next.entry(key).or_insert(0);
            *n = (*n).max(inc + 1);
            last.insert((key, &*first.source), t);
        }
    }
    for (track, inc) in tracks.iter_mut().zip(numbers) {
        track.incarnation = inc;
    }
}

/// RESTARTS (X ago): the time of the termination it dates, one point per (track,
/// termination). The suffix is the latest `lastState.terminated.finishedAt` (FORMAT.md
/// §1.7), and the kubelet moves a crash into `lastState` only once the container
/// waits to restart: a count's `Error` line and its `Running` line date the crash
/// before (the one the count's restart followed), its `CrashLoopBackOff` line the
/// crash just shown, which the next count's lines date too.
///
/// `dated`: what each such row says, each track's in its line order; noted when the
/// tracks were made, in line order, not read again track by track out of it (half a
/// soak's 1.5 million rows print `(X ago)`). Taken track by track, as the tracks' own
/// rows were once walked: points and constraints numbered as then. Each point's first
/// row is noted for the solving's order ([`Builder::first_dated`]), by row.
fn restarts(b: &mut Builder, dated: Vec<Dated>) {
    // By track, each track's in line order: a counting sort.
    let tracks = dated
        .iter()
        .map(|d| d.track as usize + 1)
        .max()
        .unwrap_or(0);
    let mut start = vec![0usize; tracks + 1];
    for d in &dated {
        start[d.track as usize + 1] += 1;
    }
    for t in 1..start.len() {
        start[t] += start[t - 1];
    }
    let mut by_track = vec![0u32; dated.len()];
    let mut next = start.clone();
    for (k, d) in dated.iter().enumerate() {
        by_track[next[d.track as usize]] = k as u32;
        next[d.track as usize] += 1;
    }
    // One map for every track, emptied between them: a new one each was a soak's
    // tens of thousands of allocations and rehashes. One grown large (a long crash
    // loop) is replaced instead: emptying a map costs its room.
    let mut restart_points: HashMap<u32, Point> = HashMap::default();
    for t in 0..tracks {
        if restart_points.len() > 64 {
            restart_points = HashMap::default();
        }
        restart_points.clear();
        for d in by_track[start[t]..start[t + 1]]
            .iter()
            .map(|&k| &dated[k as usize])
        {
            let p = *restart_points.entry(d.termination).or_insert_with(|| {
                let p = b.net.point();
                let point = u32::try_from(p).expect("fewer than 2^32 points");
                b.first_dated.push((d.row, point));
                p
            });
            b.add(
                p,
                d.at as usize,
                d.lo,
                d.hi,
                Strength::RestartAgo,
                &[d.row as usize],
            );
        }
    }
    b.first_dated.sort_unstable();
}

/// A row of a track that dates a termination by RESTARTS `(X ago)` ([`restarts`]).
struct Dated {
    track: u32,
    row: u32,
    /// The row's point, noted with the row in line order: the constraints are made
    /// track by track, where looking it up was a cache miss a row.
    at: u32,
    /// The count of the termination it dates.
    termination: u32,
    lo: Ms,
    hi: Ms,
}

impl Dated {
    /// What row `i` of track `t` dates, if anything.
    fn of(o: &Observation, t: usize, i: usize, at: Point, columns: &mut Columns) -> Option<Dated> {
        let count = o.restarts?;
        let (lo, hi) = o.restarts_ago.as_deref().and_then(age_window)?;
        let termination = if columns.status(o) == Some("CrashLoopBackOff") {
            count.saturating_add(1)
        } else {
            count
        };
        Some(Dated {
            track: u32::try_from(t).ok()?,
            row: u32::try_from(i).ok()?,
            at: u32::try_from(at).ok()?,
            termination,
            lo,
            hi,
        })
    }
}

/// Where the last table seen prints EVENT and STATUS, found once a table: a stream's
/// every line asks its object's previous line for EVENT, and half a soak's lines
/// their STATUS, and [`Observation::event`] and [`Observation::status`] compare the
/// header names each time.
#[derive(Default)]
struct Columns(Option<(SchemaRef, Option<usize>, Option<usize>)>);

impl Columns {
    /// The positions of EVENT and STATUS in `o`'s table.
    fn of(&mut self, o: &Observation) -> (Option<usize>, Option<usize>) {
        let schema = o.cells.schema();
        match &self.0 {
            Some((s, event, status)) if std::sync::Arc::ptr_eq(s, schema) => (*event, *status),
            _ => {
                let (event, status) = (schema.index("EVENT"), schema.index("STATUS"));
                self.0 = Some((schema.clone(), event, status));
                (event, status)
            }
        }
    }

    /// The value of column `at` as [`crate::observe::Cells::get`] reads it.
    fn value(o: &Observation, at: Option<usize>) -> Option<&str> {
        at.map(|i| o.cells.value(i).unwrap_or(""))
    }

    /// `o.event() == Some("DELETED")`.
    fn deleted(&mut self, o: &Observation) -> bool {
        let (event, _) = self.of(o);
        Columns::value(o, event).map(str::trim) == Some("DELETED")
    }

    /// [`Observation::status`].
    fn status<'o>(&mut self, o: &'o Observation) -> Option<&'o str> {
        let (_, status) = self.of(o);
        Columns::value(o, status)
    }
}

#[cfg(test)]
mod tests {
    use crate::input::{Origin, Source};

    /// A container crash-looping, as kubectl prints it (seconds apart): the count's
    /// `CrashLoopBackOff` line dates the crash its `Error` line shows, as the next
    /// count's `Running` line does. Read as the count's own restart, the lines
    /// conflict (5 s ago, then 1 s ago a second later).
    #[test]
    fn a_crash_loop_s_back_off_line_dates_the_crash_it_waits_after() {
        let text = "NAME   READY   STATUS    RESTARTS   AGE\n\
                    w      1/1     Running   0          4m10s\n\
                    w      0/1     Error     0          4m20s\n\
                    w      1/1     Running   1 (2s ago)   4m22s\n\
                    w      0/1     Error     1 (5s ago)   4m25s\n\
                    w      0/1     CrashLoopBackOff   1 (1s ago)   4m26s\n\
                    w      1/1     Running   2 (12s ago)   4m37s\n";
        let source = Source {
            name: "pods.log".into(),
            origin: Origin::Bytes(text.as_bytes().into()),
        };
        let a = crate::analyze(&[source], &crate::Options::new("test")).unwrap();
        let conflicts: Vec<&String> = (a.timelines.warnings.iter())
            .filter(|w| w.starts_with("conflicting times"))
            .collect();
        assert!(conflicts.is_empty(), "{conflicts:?}");
        // The crash at 4m25s is dated by two lines: 1 s before the back-off's line
        // (so within 1–2 s) and 12 s before the restart's, 11 s after the back-off.
        let w = &a.timelines.objects[0];
        let back_off = w
            .states
            .iter()
            .find(|s| s.status.as_deref() == Some("CrashLoopBackOff"));
        let restarted = w.states.last().unwrap();
        let gap = crate::timeline::Interval::minus(restarted.from, back_off.unwrap().from);
        assert!(gap.min_ms >= 9_000 && gap.max_ms <= 13_000, "{gap:?}");
    }
}
