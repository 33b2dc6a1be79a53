//! Building the timelines: points and constraints, solving, then states.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{Datelike, NaiveDate};
use smallvec::SmallVec;

mod marks;

use super::assemble::assemble;
use super::conflicts::Resolver;
use super::links::{self, Track};
use super::objects::{is_new_incarnation, ObjectKey};
use super::stn::{Ms, Network, UNBOUNDED};
use super::{Interval, LineRef, LinkOptions, LinkReport, Origin, Point, Timelines};
use crate::capture::WallClock;
use crate::ingest::{Ingested, MarkerKind};
use crate::observe::{DurationCell, Observation};

/// Why a constraint holds; the order is the order in which conflicting ones are dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Strength {
    /// A soft link between streams, by its rank.
    Link(u8),
    /// File order across commands of one source: typed one after another in one
    /// shell. Weaker than what the rows themselves say, since a pasted page may join
    /// screens of two terminals out of order.
    Sequence,
    /// RESTARTS `(X ago)`: measured on the node's clock.
    RestartAgo,
    /// AGE: the apiserver's clock (HA apiservers may disagree).
    Age,
    /// An absolute timestamp in the capture.
    Wall,
    /// Line order within a stream.
    Order,
}

impl Strength {
    /// What a constraint of this strength says (a link says it in its report).
    pub(super) fn what(self) -> &'static str {
        match self {
            Strength::Link(_) => "link",
            Strength::Sequence => "order of commands in the file",
            Strength::RestartAgo => "RESTARTS (X ago)",
            Strength::Age => "AGE",
            Strength::Wall => "timestamp",
            Strength::Order => "line order",
        }
    }
}

/// 40 bytes: a long capture has millions. What it says comes from its strength or,
/// for a link, from the link's report.
pub(super) struct Constraint {
    pub(super) strength: Strength,
    /// The lines that justify it (one or two nearly always: kept inline).
    pub(super) obs: SmallVec<[usize; 2]>,
    /// The link's index among the reports.
    pub(super) link: Option<u32>,
}

struct Builder<'a> {
    obs: &'a [Observation],
    net: Network,
    constraints: Vec<Constraint>,
    warnings: Vec<String>,
}

impl Builder<'_> {
    fn add(
        &mut self,
        a: Point,
        b: Point,
        lo: Ms,
        hi: Ms,
        strength: Strength,
        obs: &[usize],
    ) -> usize {
        let id = self.constraints.len();
        self.net.constrain(a, b, lo, hi, id);
        self.constraints.push(Constraint {
            strength,
            obs: SmallVec::from_slice(obs),
            link: None,
        });
        id
    }

    fn line_ref(&self, i: usize) -> LineRef {
        let o = &self.obs[i];
        LineRef {
            source: o.source.clone(),
            line: o.line,
            text: o.text().clone(),
        }
    }
}

/// Bounds of `line − timestamp` from a printed duration (FORMAT.md §1.4). The point
/// stands for the recorded timestamp (creationTimestamp, finishedAt), which is whole
/// seconds — the true instant lies within the second after it — so the printed
/// `[min, max)` holds exactly; as closed milliseconds `[min, max − 1 ms]`. `0s` is
/// `(−2 s, 1 s)`.
pub(super) fn age_window(d: &DurationCell) -> Option<(Ms, Ms)> {
    let (lo, hi) = (d.min_s()?, d.max_s()?);
    let lo_ms = if lo == -2 { -1999 } else { lo * 1000 };
    Some((lo_ms, hi * 1000 - 1))
}

/// Seconds of a wall-clock time within its precision class, and the class.
fn wall_seconds(w: &WallClock) -> (u8, i64) {
    let tod = i64::from(w.time.num_seconds_from_midnight_compat());
    let off = i64::from(w.utc_offset_s.unwrap_or(0));
    let class_tz = u8::from(w.utc_offset_s.is_some());
    match (w.year, w.month_day) {
        (Some(y), Some((m, d))) => {
            let days = NaiveDate::from_ymd_opt(y, m, d)
                .map(|d| i64::from(d.num_days_from_ce()))
                .unwrap_or(0);
            (class_tz, days * 86_400 + tod - off)
        }
        // No year: day of a fixed leap year, so Feb 29 exists.
        (None, Some((m, d))) => {
            let days = NaiveDate::from_ymd_opt(2000, m, d)
                .map(|d| i64::from(d.ordinal()))
                .unwrap_or(0);
            (2 + class_tz, days * 86_400 + tod - off)
        }
        _ => (4 + class_tz, tod - off),
    }
}

trait SecondsFromMidnight {
    fn num_seconds_from_midnight_compat(&self) -> u32;
}

impl SecondsFromMidnight for chrono::NaiveTime {
    fn num_seconds_from_midnight_compat(&self) -> u32 {
        use chrono::Timelike;
        self.num_seconds_from_midnight()
    }
}

/// The points in a guess at time order: the lines as read, each object's creation
/// just before its first line, then the rest (anchors, markers).
fn time_order(n: usize, points: &[Point], tracks: &[Track]) -> Vec<Point> {
    let mut created_before: HashMap<usize, Vec<Point>> = HashMap::new();
    for t in tracks {
        if let Some(&first) = t.obs.first() {
            created_before.entry(first).or_default().push(t.created);
        }
    }
    let mut order = Vec::with_capacity(n);
    let mut placed = vec![false; n];
    for (i, &p) in points.iter().enumerate() {
        for &c in created_before.get(&i).into_iter().flatten() {
            if !placed[c] {
                placed[c] = true;
                order.push(c);
            }
        }
        if !placed[p] {
            placed[p] = true;
            order.push(p);
        }
    }
    order.extend((0..n).filter(|&p| !placed[p]));
    order
}

/// Whether a stream's rows are one listing printed at one instant: its command is a
/// plain `get`, or — with no command printed — no object appears twice (a watch
/// prints an object again on each change).
fn is_listing(obs: &[Observation], rows: &[usize]) -> bool {
    match obs[rows[0]].listing {
        Some(listing) => listing,
        None => {
            let mut seen = std::collections::HashSet::new();
            rows.iter()
                .all(|&i| obs[i].snapshot.is_none() && seen.insert((&obs[i].kind, obs[i].name())))
        }
    }
}

/// Builds the timelines of one experiment.
pub fn build(ing: &Ingested, opts: LinkOptions) -> Timelines {
    let obs = &ing.observations;
    let mut b = Builder {
        obs,
        net: Network::new(),
        constraints: Vec::new(),
        warnings: Vec::new(),
    };
    let points: Vec<Point> = obs.iter().map(|_| b.net.point()).collect();

    // Streams: line order, and watch screens printed at one instant.
    let mut by_stream: HashMap<u32, Vec<usize>> = HashMap::new();
    for (i, o) in obs.iter().enumerate() {
        by_stream.entry(o.stream).or_default().push(i);
    }
    let mut streams: Vec<u32> = by_stream.keys().copied().collect();
    streams.sort_unstable();
    for s in &streams {
        let listing = is_listing(obs, &by_stream[s]);
        for w in by_stream[s].windows(2) {
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

    // Commands of one source ran one after another: each stream starts after the one
    // before it in the file ended.
    let mut by_source_streams: HashMap<&Arc<str>, Vec<u32>> = HashMap::new();
    for s in &streams {
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
    drop(by_source_streams);

    // Absolute times: one anchor point per precision class.
    let mut anchors: HashMap<u8, Point> = HashMap::new();
    let mut wall_of_anchor: HashMap<u8, (i64, WallClock)> = HashMap::new();
    let mut anchor = |b: &mut Builder, w: &WallClock| -> (Point, i64) {
        let (class, secs) = wall_seconds(w);
        let p = *anchors.entry(class).or_insert_with(|| b.net.point());
        wall_of_anchor.entry(class).or_insert((secs, *w));
        (p, secs)
    };
    for (i, o) in obs.iter().enumerate() {
        if let Some(w) = &o.wall {
            let (a, secs) = anchor(&mut b, w);
            b.add(
                a,
                points[i],
                secs * 1000,
                secs * 1000 + 999,
                Strength::Wall,
                &[i],
            );
        }
    }
    // Markers (date lines, injection commands) sit between the rows of their source.
    let mut by_source: HashMap<Arc<str>, Vec<usize>> = HashMap::new();
    for (i, o) in obs.iter().enumerate() {
        by_source.entry(o.source.clone()).or_default().push(i);
    }
    let mut commands = Vec::new();
    let mut logins = marks::NodeCommands::default();
    for m in &ing.markers {
        let rows = by_source.get(&m.source).map(Vec::as_slice).unwrap_or(&[]);
        let split = rows.partition_point(|&i| obs[i].line < m.line);
        let (time, action, text) = match &m.what {
            MarkerKind::Time(w) => (Some(*w), None, String::new()),
            MarkerKind::Command { text, time, host } => (
                *time,
                logins.classify(&m.source, text, host.as_deref()),
                text.clone(),
            ),
            MarkerKind::Interrupt => continue,
        };
        if time.is_none() && action.is_none() {
            continue;
        }
        let p = b.net.point();
        // A date line is printed where it stands in its own stream; across commands, a
        // mark's place is as good as the file's order of commands.
        let place = |row: usize| {
            if action.is_none() && m.stream == Some(obs[row].stream) {
                Strength::Order
            } else {
                Strength::Sequence
            }
        };
        if split > 0 {
            let prev = rows[split - 1];
            b.add(points[prev], p, 0, UNBOUNDED, place(prev), &[prev]);
        }
        if let Some(&next) = rows.get(split) {
            b.add(p, points[next], 0, UNBOUNDED, place(next), &[next]);
        }
        if let Some(w) = time {
            let (a, secs) = anchor(&mut b, &w);
            b.add(a, p, secs * 1000, secs * 1000 + 999, Strength::Wall, &[]);
        }
        if let Some(action) = action {
            let line = LineRef {
                source: m.source.clone(),
                line: m.line,
                text: text.into(),
            };
            commands.push((p, action, line));
        }
    }

    let event_points = marks::event_points(&mut b, &points);

    // Tracks: object incarnations per stream, with creation points and AGE constraints.
    let mut tracks: Vec<Track> = Vec::new();
    for s in &streams {
        let mut current: HashMap<ObjectKey, usize> = HashMap::new();
        let mut incarnations: HashMap<ObjectKey, u32> = HashMap::new();
        for &i in &by_stream[s] {
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
                        stream: *s,
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
    links::assign_owners(&mut tracks);
    // RESTARTS (X ago): the restart time, one point per (track, count).
    for t in &tracks {
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

    // Soft links.
    let proposed = links::propose(obs, &points, &tracks, &opts);
    let mut reports: Vec<LinkReport> = Vec::new();
    for (li, l) in proposed.iter().enumerate() {
        let id = b.add(l.a, l.b, l.lo, l.hi, Strength::Link(l.rank), &l.obs);
        b.constraints[id].link = u32::try_from(li).ok();
        let secs = |v: Ms| (v.abs() < UNBOUNDED).then_some(v as f64 / 1000.0);
        reports.push(LinkReport {
            kind: l.kind,
            flag: l.flag,
            window_s: [secs(l.lo), secs(l.hi)],
            lines: l.obs.iter().map(|&i| b.line_ref(i)).collect(),
            used: true,
        });
    }

    // Solve. The common case, no contradiction, is settled adding the points in time
    // order; a contradiction met on the way loses the weakest constraint of its cycle
    // there (see `conflicts`). Only when that runs over its budget does a whole-network
    // check find the cycles, one pass each.
    drop((by_stream, by_source, proposed));
    let order = time_order(b.net.len(), &points, &tracks);
    let mut resolver = Resolver::new(obs, &b.constraints);
    let settled = b.net.settle_resolving(&order, |c| {
        resolver.drop_for(c, &mut b.warnings, &mut reports)
    });
    if !settled {
        while let Err(conflict) = b.net.check() {
            let drop = resolver.drop_for(&conflict, &mut b.warnings, &mut reports);
            if drop.is_empty() {
                break;
            }
            for id in drop {
                b.net.remove(id);
            }
        }
    }
    // Why each constraint holds was needed to name conflicts only; the states built
    // below are the peak of a long capture's memory.
    drop((resolver, order));
    b.constraints = Vec::new();

    // Origin: the earliest-created workload, else the earliest line.
    let reference = points.first().copied().unwrap_or(0);
    // Distances from the first line, searched only when needed (a search is a pass over
    // the network) and reused below when that line is t = 0.
    let from_reference = std::cell::OnceCell::new();
    let fwd_ref = || {
        from_reference.get_or_init(|| {
            b.net
                .distances(reference, false)
                .unwrap_or_else(|_| vec![UNBOUNDED; b.net.len()])
        })
    };
    // No rows: the net may still hold points (a `date` line), but no line to start from.
    let (origin_point, origin_desc) = if points.is_empty() {
        (0, "no table rows".to_string())
    } else {
        // The earliest-created workload: the one the most others are (by the middle of
        // their difference) created after; ties go to the first stream.
        let mut candidates: Vec<&Track> =
            tracks.iter().filter(|t| t.key.kind.is_workload()).collect();
        candidates.dedup_by(|x, y| x.key == y.key);
        let later_count = |c: &Track| -> usize {
            let (Ok(f), Ok(r)) = b.net.distances_both(c.created) else {
                return 0;
            };
            candidates
                .iter()
                .filter(|o| {
                    o.key != c.key
                        && f[o.created] < UNBOUNDED
                        && r[o.created] < UNBOUNDED
                        && f[o.created] - r[o.created] > 0
                })
                .count()
        };
        let earliest_workload = if candidates.len() > 8 {
            // Many workloads: compare against the first line instead of pairwise.
            candidates
                .iter()
                .copied()
                .filter(|t| fwd_ref()[t.created] < UNBOUNDED)
                .min_by_key(|t| fwd_ref()[t.created])
        } else {
            candidates
                .iter()
                .copied()
                .map(|c| (later_count(c), c))
                .max_by_key(|(n, c)| (*n, std::cmp::Reverse(c.stream)))
                .map(|(_, c)| c)
        };
        match earliest_workload {
            Some(t) => (
                t.created,
                format!(
                    "t = 0 is the creation of {} (the earliest-created workload)",
                    t.key
                ),
            ),
            None => {
                let first = (0..obs.len())
                    .min_by_key(|&i| fwd_ref()[points[i]])
                    .unwrap_or(0);
                (
                    points[first],
                    format!(
                        "t = 0 is the earliest line, {}:{}",
                        obs[first].source, obs[first].line
                    ),
                )
            }
        }
    };
    let (fwd, back) = match from_reference.into_inner() {
        Some(f) if origin_point == reference => (Ok(f), b.net.distances(origin_point, true)),
        _ => b.net.distances_both(origin_point),
    };
    let fwd = fwd.unwrap_or_else(|_| vec![UNBOUNDED; b.net.len()]);
    let back = back.unwrap_or_else(|_| vec![UNBOUNDED; b.net.len()]);
    let bounds: Vec<Interval> = (0..b.net.len())
        .map(|p| Interval::new(-back[p], fwd[p]))
        .collect();
    drop((fwd, back));

    // Wall clock of t = 0 when an anchor is tied to it: anchor − origin is known, and
    // the anchor stands for second 0 of its class's clock.
    let wall_clock = anchors.iter().find_map(|(class, &a)| {
        let i = bounds[a];
        if !i.is_bounded() || i.width()? > 60_000 {
            return None;
        }
        let origin_secs = -i.mid()? / 1000;
        let (secs0, w) = wall_of_anchor[class];
        Some(describe_wall(&w, secs0, origin_secs))
    });

    let objects = assemble(obs, &tracks, &points, &bounds);
    let events = marks::event_marks(&b, &event_points, &bounds);
    let mut warnings = b.warnings;
    if tracks
        .iter()
        .any(|t| t.key.kind == crate::tables::ResourceKind::Node)
        && !tracks
            .iter()
            .any(|t| t.key.kind != crate::tables::ResourceKind::Node)
    {
        warnings.push("only node lines: node AGEs in days constrain nothing useful".into());
    }
    Timelines {
        origin: Origin {
            description: origin_desc,
            wall_clock,
        },
        objects,
        links: reports,
        warnings,
        injections: commands
            .iter()
            .filter(|(_, a, _)| a.action.downs_node())
            .map(|(p, _, l)| super::Injection {
                at: bounds[*p],
                point: *p,
                line: l.clone(),
            })
            .collect(),
        node_commands: commands
            .into_iter()
            .map(|(p, a, l)| super::NodeCommand {
                at: bounds[p],
                point: p,
                action: a.action,
                node: a.node,
                line: l,
            })
            .collect(),
        events,
        net: b.net,
        origin_point,
        bounds,
        cache: Default::default(),
    }
}

/// The wall-clock time `target_secs` of a class whose time `secs0` printed as `w`.
fn describe_wall(w: &WallClock, secs0: i64, target_secs: i64) -> String {
    let delta = target_secs - secs0;
    let base = match (w.year, w.month_day) {
        (Some(y), Some((m, d))) => NaiveDate::from_ymd_opt(y, m, d).map(|d| d.and_time(w.time)),
        _ => None,
    };
    match base {
        Some(dt) => {
            let t = dt + chrono::Duration::seconds(delta);
            let zone = crate::observe::zone_text(w.utc_offset_s);
            format!("{}{zone}", t.format("%Y-%m-%dT%H:%M:%S"))
        }
        None => {
            let t = w.time + chrono::Duration::seconds(delta);
            format!("T{}", t.format("%H:%M:%S"))
        }
    }
}

/// Shell commands that inject a node failure.
pub fn is_failure_injection(cmd: &str) -> bool {
    crate::kube::classify_command(cmd, None).is_some_and(|a| a.action.downs_node())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::{Origin, Source};

    /// Found by the `pipeline` fuzz target: a transcript whose only readable line is a
    /// `date` line (no table row) panicked choosing t = 0.
    #[test]
    fn a_time_marker_without_any_row_builds_empty_timelines() {
        let source = Source {
            name: "date.log".into(),
            origin: Origin::Bytes(
                b"$ kubectl get pods -w\nFri Nov 27 12:02:03 UTC 2026\n"[..].into(),
            ),
        };
        let ing = crate::ingest::ingest(&[source]).unwrap();
        assert!(ing.observations.is_empty() && !ing.markers.is_empty());
        let t = build(&ing, LinkOptions::default());
        assert!(t.objects.is_empty());
    }

    fn timelines_of(text: Vec<u8>) -> Timelines {
        let source = Source {
            name: "pods.log".into(),
            origin: Origin::Bytes(text.into()),
        };
        build(
            &crate::ingest::ingest(&[source]).unwrap(),
            LinkOptions::default(),
        )
    }

    /// One contradiction: pod a's AGE says its two lines are a minute apart, pod b's
    /// that 39 minutes pass between them. The weakest constraint goes, named by line.
    #[test]
    fn a_contradiction_drops_an_age_and_names_the_lines() {
        let text = "NAME    READY   STATUS    RESTARTS   AGE\n\
                    a       1/1     Running   0          30m\n\
                    b       1/1     Running   0          1m\n\
                    b       0/1     Running   0          40m\n\
                    a       0/1     Running   0          31m\n";
        let t = timelines_of(text.as_bytes().to_vec());
        let w: Vec<&String> = t
            .warnings
            .iter()
            .filter(|w| w.starts_with("conflicting times"))
            .collect();
        assert_eq!(w.len(), 1, "{:?}", t.warnings);
        assert!(
            w[0].contains("pods.log:") && w[0].ends_with("(AGE)"),
            "{}",
            w[0]
        );
    }

    /// A watch whose rows are shuffled contradicts itself everywhere: past the rounds
    /// of single drops whole kinds go, and every interval still holds (min ≤ max).
    #[test]
    fn a_shuffled_watch_gives_up_ages_and_keeps_every_interval_whole() {
        let mut text = Vec::new();
        crate::simulate::churn::write_transcript(&mut text, 3, 400_000, 0.0).unwrap();
        let shuffled = crate::simulate::churn::shuffle_rows(&text, 0x2545_f491_4f6c_dd1d);
        let t = timelines_of(shuffled);
        assert!(
            t.warnings
                .iter()
                .any(|w| w.starts_with("more than 100 conflicts")),
            "{:?}",
            &t.warnings[..t.warnings.len().min(3)]
        );
        for o in &t.objects {
            for s in &o.states {
                for i in [s.from, s.last_seen] {
                    assert!(i.min_ms <= i.max_ms, "{} {i:?}", o.key);
                }
            }
        }
    }
}
