//! Tracks: the lines of each object incarnation in each stream, with a creation point
//! placed by the lines' AGE, owners by name, and restart points by RESTARTS `(X ago)`.

use std::collections::HashMap;

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
    let mut current: HashMap<ObjectKey, usize> = HashMap::new();
    let mut incarnations: HashMap<ObjectKey, u32> = HashMap::new();
    for &i in rows {
        let key = ObjectKey::of(&obs[i]);
        let known = current.get(&key).copied().filter(|&t| {
            !is_new_incarnation(
                &obs[*tracks[t].obs.last().expect("track has a line")],
                &obs[i],
            )
        });
        let t = match known {
            Some(t) => t,
            None => {
                let inc = incarnations.entry(key.clone()).or_insert(0);
                let created = b.net.point();
                tracks.push(Track {
                    key: key.clone(),
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

/// RESTARTS (X ago): the restart time, one point per (track, count).
fn restarts(b: &mut Builder, tracks: &[Track], points: &[Point]) {
    let obs = b.obs;
    for t in tracks {
        let mut restart_points: HashMap<u32, Point> = HashMap::new();
        for &i in &t.obs {
            let Some(r) = &obs[i].restarts else { continue };
            let Some((lo, hi)) = r.last_ago.as_deref().and_then(age_window) else {
                continue;
            };
            let p = *restart_points
                .entry(r.count)
                .or_insert_with(|| b.net.point());
            b.add(p, points[i], lo, hi, Strength::RestartAgo, &[i]);
        }
    }
}
