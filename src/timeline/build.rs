//! Building the timelines, one step a file: the streams' line order ([`streams`]),
//! absolute times ([`wall`]), markers between rows ([`markers`]) and events
//! ([`marks`]), tracks and their AGE ([`tracks`]), soft links ([`solve`]); then each
//! object's states are read from its rows (`assemble`), which are freed, the network
//! is solved (its conflicts named by [`names`]), t = 0 chosen ([`origin`]) and the
//! states' times filled in.

mod markers;
mod marks;
mod names;
mod origin;
mod reasons;
mod solve;
mod streams;
mod tracks;
mod wall;

use super::assemble;
use super::links::Track;
use super::stn::{Ms, Network};
use super::{Interval, LineRef, LinkOptions, Origin, Point, Timelines};
use crate::ingest::Ingested;
use crate::observe::{DurationCell, Observation};
pub(super) use names::LineNames;
pub(super) use reasons::Reasons;

/// Why a constraint holds; the order is the order in which conflicting ones are dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Strength {
    /// File order across commands of one source: typed one after another in one
    /// shell. The weakest: a pasted page may join screens of two terminals, or the
    /// `date` lines of another run, out of order.
    Sequence,
    /// A watch's initial list printed at one instant: the list is recognised by its
    /// order (`streams::initial_list_len`), so a first watch event may be taken for
    /// its last row; such an event's AGE overrules it.
    InitialList,
    /// A soft link between streams, by its rank.
    Link(u8),
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
            Strength::InitialList => "a watch's initial list printed at once",
            Strength::RestartAgo => "RESTARTS (X ago)",
            Strength::Age => "AGE",
            Strength::Wall => "timestamp",
            Strength::Order => "line order",
        }
    }
}

/// The network as it is built: its points and constraints, why each holds, and the
/// warnings met on the way.
struct Builder<'a> {
    /// The rows, while the network is built from them (empty once they are read into
    /// the objects' states).
    obs: &'a [Observation],
    /// Where each row came from, kept once the rows are gone.
    names: LineNames,
    net: Network,
    constraints: Reasons,
    warnings: Vec<String>,
    /// Each restart point with the first row that dates it, `(row, point)`: where the
    /// solving's time order adds it (`solve::time_order`).
    first_dated: Vec<(u32, u32)>,
}

impl<'a> Builder<'a> {
    fn new(obs: &'a [Observation]) -> Builder<'a> {
        Builder {
            obs,
            names: LineNames::default(),
            net: Network::new(),
            constraints: Reasons::default(),
            warnings: Vec::new(),
            first_dated: Vec::new(),
        }
    }

    fn add(
        &mut self,
        a: Point,
        b: Point,
        lo: Ms,
        hi: Ms,
        strength: Strength,
        obs: &[usize],
    ) -> usize {
        let id = self.constraints.push(strength, obs);
        self.net.constrain(a, b, lo, hi, id);
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

/// Builds the timelines of one experiment, taking its rows out of `ing`: they are
/// read into the objects' states, and freed object by object, once the network is
/// built from them and before it is solved (a long capture's rows are half its peak
/// memory).
pub fn build(ing: &mut Ingested, opts: LinkOptions) -> Timelines {
    let rows = std::mem::take(&mut ing.observations);
    let obs = &rows;
    let mut b = Builder::new(obs);
    let points: Vec<Point> = obs.iter().map(|_| b.net.point()).collect();
    let streams = streams::Streams::of(obs);
    streams::line_order(&mut b, &streams, &points);
    streams::command_order(&mut b, &streams, &points);
    let mut anchors = wall::Anchors::default();
    anchors.place_rows(&mut b, &points);
    let commands = markers::place(&mut b, &ing.markers, &points, &mut anchors);
    let event_points = marks::event_points(&mut b, &points);
    let tracks = tracks::tracks(&mut b, &streams, &points);
    let (mut reports, unplaced_nodes) =
        solve::soft_links(&mut b, &points, &event_points, &tracks, &opts);
    drop(streams);
    let mut events = marks::event_marks(&b, &event_points);
    let Builder {
        net,
        constraints,
        warnings,
        first_dated,
        ..
    } = b;
    let names = LineNames::of(&rows);
    let objects = assemble::read(rows, &tracks, &points);
    let mut b = Builder {
        obs: &[],
        names,
        net,
        constraints,
        warnings,
        first_dated,
    };
    solve::solve(&mut b, &points, &tracks, &mut reports);
    b.net.drop_removed();
    // Solved: a long capture's network is kept for the windows only from here on,
    // before the clock's searches (on the layout by time a search reads the
    // network in time order: `s210n`'s clock 0.66–0.70 s → 0.30–0.58 s) and before the states waiting for the times
    // are read (a re-listed soak's are all of them, and this was its peak).
    super::distances::ready_for_questions(&mut b.net);
    let clock = origin::clock(&b, &points, &tracks, &unplaced_nodes);
    b.net
        .keep_schedules(|p| (clock.bounds[p].min_ms, clock.bounds[p].max_ms));
    let wall_clock = anchors.wall_clock(&clock.bounds);
    for e in &mut events {
        e.at = clock.bounds[e.point];
    }
    let objects = assemble::finish(objects, &tracks, &points, &clock.bounds);
    let Builder { net, warnings, .. } = b;
    let warnings = node_only_warning(warnings, &tracks);
    let (injections, node_commands) = node_commands(commands, &clock.bounds);
    Timelines {
        origin: Origin {
            description: clock.description,
            wall_clock,
        },
        objects,
        links: reports,
        warnings,
        unplaced_nodes,
        injections,
        node_commands,
        events,
        net,
        origin_point: clock.origin,
        bounds: clock.bounds,
        cache: Default::default(),
        passes: Vec::new(),
    }
}

/// The warnings, with one more when only nodes were seen.
fn node_only_warning(mut warnings: Vec<String>, tracks: &[Track]) -> Vec<String> {
    if tracks
        .iter()
        .any(|t| t.key.kind == crate::tables::ResourceKind::Node)
        && !tracks
            .iter()
            .any(|t| t.key.kind != crate::tables::ResourceKind::Node)
    {
        warnings.push("only node lines: node AGEs in days constrain nothing useful".into());
    }
    warnings
}

/// The failure injections among the node commands, and every node command, with
/// their times.
fn node_commands(
    commands: Vec<markers::Command>,
    bounds: &[Interval],
) -> (Vec<super::Injection>, Vec<super::NodeCommand>) {
    let injections = commands
        .iter()
        .filter(|(_, a, _)| a.action.downs_node())
        .map(|(p, _, l)| super::Injection {
            at: bounds[*p],
            point: *p,
            line: l.clone(),
        })
        .collect();
    let all = commands
        .into_iter()
        .map(|(p, a, l)| super::NodeCommand {
            at: bounds[p],
            point: p,
            action: a.action,
            node: a.node,
            line: l,
        })
        .collect();
    (injections, all)
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
        let mut ing = crate::ingest::ingest(&[source]).unwrap();
        assert!(ing.observations.is_empty() && !ing.markers.is_empty());
        let t = build(&mut ing, LinkOptions::default());
        assert!(t.objects.is_empty());
    }

    fn timelines_of(text: Vec<u8>) -> Timelines {
        let source = Source {
            name: "pods.log".into(),
            origin: Origin::Bytes(text.into()),
        };
        build(
            &mut crate::ingest::ingest(&[source]).unwrap(),
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

    /// The last line's latest time, in a watch whose first three lines are `first`.
    fn last_line_latest(first: &str) -> Ms {
        let text = format!(
            "NAME   READY   STATUS    RESTARTS   AGE\n{first}c      0/1     Running   1          25m\n"
        );
        let t = timelines_of(text.into_bytes());
        let c = t.objects.iter().find(|o| o.key.name == "c").unwrap();
        c.states.last().unwrap().from.max_ms
    }

    /// A watch opens with its initial list, printed at once in the apiserver's order:
    /// c's second line is then at most 6 minutes after t = 0 (its AGE went from
    /// [20m, 21m) to [25m, 26m)). Without it nothing bounds that line from above: every
    /// listed pod is seen once, and AGE links only lines of one pod.
    #[test]
    fn a_watch_opening_with_its_list_in_name_order_bounds_later_lines() {
        let sorted = "a      1/1     Running   0          5h\n\
                      b      1/1     Running   0          3h\n\
                      c      1/1     Running   0          20m\n";
        assert!(last_line_latest(sorted) <= 6 * 60_000 + 1000);
        // Out of name order the rows are watch events, each printed when it came.
        let unsorted = "b      1/1     Running   0          3h\n\
                        a      1/1     Running   0          5h\n\
                        c      1/1     Running   0          20m\n";
        assert_eq!(last_line_latest(unsorted), Interval::UNKNOWN.max_ms);
    }

    /// A pod created after the list whose name sorts after it is no part of the list:
    /// its first line (AGE `0s`) is not held within a second of t = 0.
    #[test]
    fn a_new_pod_sorting_after_the_list_is_not_held_to_it() {
        let text = "NAME   READY   STATUS    RESTARTS   AGE\n\
                    a      1/1     Running   0          5h\n\
                    b      1/1     Running   0          3h\n\
                    c      1/1     Running   0          20m\n\
                    d      0/1     Pending   0          0s\n\
                    c      0/1     Running   1          25m\n";
        let t = timelines_of(text.as_bytes().to_vec());
        let d = t.objects.iter().find(|o| o.key.name == "d").unwrap();
        assert!(d.states[0].from.max_ms > 1000, "{:?}", d.states[0].from);
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
