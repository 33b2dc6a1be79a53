//! Tracks: the lines of each object incarnation in each stream, with a creation point
//! placed by the lines' AGE, owners by name, and restart points by RESTARTS `(X ago)`.

use crate::HashMap;

use super::streams::Streams;
use super::{age_window, Builder, Strength};
use crate::timeline::links::{self, Track};
use crate::timeline::objects::{is_new_incarnation, ObjectKey};
use crate::timeline::Point;

/// Every track of the experiment, owners assigned, with its AGE and RESTARTS
/// constraints.
pub(super) fn tracks(b: &mut Builder, streams: &Streams, points: &[Point]) -> Vec<Track> {
    let mut tracks: Vec<Track> = Vec::new();
    for s in &streams.ids {
        stream_tracks(b, *s, &streams.rows[s], points, &mut tracks);
    }
    number_incarnations(b.obs, &mut tracks);
    links::assign_owners(&mut tracks);
    restarts(b, &tracks, points);
    tracks
}

/// The tracks of one stream: a line joins its object's current track unless it shows
/// a new incarnation; each line's AGE places its track's creation.
fn stream_tracks(
    b: &mut Builder,
    stream: u32,
    rows: &[usize],
    points: &[Point],
    tracks: &mut Vec<Track>,
) {
    let obs = b.obs;
    // Keyed by the rows' own cells: a key is built only for a new track.
    let mut current: HashMap<KeyRef, usize> = HashMap::default();
    let mut incarnations: HashMap<KeyRef, u32> = HashMap::default();
    for &i in rows {
        let key = KeyRef::of(&obs[i]);
        let known = current.get(&key).copied().filter(|&t| {
            !is_new_incarnation(
                &obs[*tracks[t].obs.last().expect("track has a line")],
                &obs[i],
            )
        });
        let t = match known {
            Some(t) => t,
            None => {
                let inc = incarnations.entry(key).or_insert(0);
                let created = b.net.point();
                tracks.push(Track {
                    key: ObjectKey::of(&obs[i]),
                    stream,
                    incarnation: *inc,
                    obs: vec![],
                    created,
                    owner: None,
                });
                *inc += 1;
                current.insert(key, tracks.len() - 1);
                tracks.len() - 1
            }
        };
        tracks[t].obs.push(i);
        if let Some((lo, hi)) = obs[i].age.as_ref().and_then(age_window) {
            b.add(tracks[t].created, points[i], lo, hi, Strength::Age, &[i]);
        }
    }
}

/// An [`ObjectKey`] borrowed from a row.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct KeyRef<'a> {
    kind: &'a crate::tables::ResourceKind,
    namespace: Option<&'a str>,
    name: &'a str,
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
        let mut next: HashMap<&ObjectKey, u32> = HashMap::default();
        let mut last: HashMap<(&ObjectKey, &str), usize> = HashMap::default();
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

/// RESTARTS (X ago): the restart time, one point per (track, count).
fn restarts(b: &mut Builder, tracks: &[Track], points: &[Point]) {
    let obs = b.obs;
    for t in tracks {
        let mut restart_points: HashMap<u32, Point> = HashMap::default();
        for &i in &t.obs {
            let Some(count) = obs[i].restarts else {
                continue;
            };
            let Some((lo, hi)) = obs[i].restarts_ago.as_deref().and_then(age_window) else {
                continue;
            };
            let p = *restart_points.entry(count).or_insert_with(|| b.net.point());
            b.add(p, points[i], lo, hi, Strength::RestartAgo, &[i]);
        }
    }
}
