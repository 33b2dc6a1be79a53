//! Stage 4 — timelines: per-object states on one experiment clock, every time an
//! honest interval.
//!
//! Every table line is a time point; every object incarnation's creation is one
//! too. The constraints between them (AGE cells, line order, absolute timestamps,
//! RESTARTS `(X ago)`, and soft links between streams) form a simple temporal
//! network ([`stn`]) solved for the tightest bounds. Hard constraints that
//! contradict each other lose their weakest member first; soft links that
//! contradict the rest are dropped and listed. No interval is ever empty.
//!
//! The origin t = 0 is the creation of the earliest-created workload object
//! (Deployment, ReplicaSet, StatefulSet, DaemonSet, Job) in the experiment; without
//! one, the earliest line. Wall-clock times are given when the capture has them.

mod assemble;
pub(crate) mod build;
mod conflicts;
mod distances;
pub(crate) mod interval;
pub(crate) mod links;
pub(crate) mod objects;
pub mod stn;

use std::sync::Arc;

use serde::Serialize;

use crate::Text;

pub(crate) use build::build;
pub(crate) use distances::{DistanceCache, KEPT_REACH_MAX_MS};
pub use interval::{Claim, Interval, OptInterval};
pub use objects::ObjectKey;
use stn::{Ms, Network};

/// A transcript line as evidence: `pods.log:12: <the line>`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LineRef {
    /// The source as named (`pods.log`).
    pub source: Arc<str>,
    /// 1-based line number in the decoded source.
    pub line: u64,
    /// The line as captured (cleaned of escapes and prompts).
    pub text: crate::observe::LineText,
}

impl LineRef {
    /// Lines of one source by number; of different sources by source name (they have
    /// no order to compare: callers keep them apart). One source's lines share their
    /// name's allocation, so the common case compares numbers only.
    pub fn position_cmp(&self, other: &LineRef) -> std::cmp::Ordering {
        if Arc::ptr_eq(&self.source, &other.source) {
            self.line.cmp(&other.line)
        } else {
            (&*self.source, self.line).cmp(&(&*other.source, other.line))
        }
    }
}

impl std::fmt::Display for LineRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.source, self.line, self.text)
    }
}

impl Serialize for LineRef {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A time point of the network: a line's time or an object's creation.
pub type Point = usize;

/// A line identical to its predecessor but for time cells: something hidden changed.
#[derive(Debug, Clone, Serialize)]
pub struct Touch {
    /// When the line was printed, on the experiment clock.
    pub at: Interval,
    /// How long after the object's creationTimestamp the line was printed (its AGE).
    pub since_created: OptInterval,
    /// The line's point in the network.
    #[serde(skip)]
    pub point: Point,
    /// The repeated line.
    pub line: LineRef,
}

/// One state of an object: what its lines said, from when to when.
#[derive(Debug, Clone, Serialize)]
pub struct State {
    /// STATUS (pods, nodes), or null. STATUS, IP and NODE are shared between the
    /// states that print the same (16 bytes each instead of 24, in every state).
    pub status: Option<Arc<str>>,
    /// READY `[n, m]`, or null.
    pub ready: Option<[u32; 2]>,
    /// Restart count (pods).
    pub restarts: Option<u32>,
    /// IP (pods), or null.
    pub ip: Option<Arc<str>>,
    /// NODE (pods), or null.
    pub node: Option<Arc<str>>,
    /// The other cells that define the state (UP-TO-DATE, AVAILABLE, ...), shared
    /// between the states that print the same (a long capture has a state a line,
    /// nearly all with the same `<none>`s).
    pub cells: Arc<[(Arc<str>, Text)]>,
    /// When the state began: the time of its first line, or — for the first state
    /// seen of an object that existed before the capture — between creation and then.
    pub from: Interval,
    /// The point of the state's first line (points in 32 bits: fewer than 2^32, as the
    /// network's edges already assume; a soak has a million states).
    #[serde(skip)]
    pub(crate) from_point: u32,
    /// When `from` is a range, not an event: the earliest point the state can have
    /// begun (the object's creation for a first state, its previous line for a change
    /// seen in a listing); `from_point` is then the latest. Serialized as
    /// `from_is_event` (see [`State::from_is_event`]), which it tells: a flag of its
    /// own cost a state 8 bytes of padding.
    #[serde(rename = "from_is_event", serialize_with = "is_no_point")]
    pub(crate) since_point: u32,
    /// How long after the object's creationTimestamp the state's first line was printed
    /// (its AGE read as an interval): tight even where the experiment clock is not.
    /// An optional interval in 16 bytes, as `to` (a long capture has a million states).
    pub since_created: OptInterval,
    /// When the next state began. For the last state, when its stream ended (the time
    /// of that watch's last line: a watch prints every change, so the state held at
    /// least until then); null after a DELETED event.
    pub to: OptInterval,
    /// The time of the last line of this state.
    pub last_seen: Interval,
    /// The point of the state's last line.
    #[serde(skip)]
    pub(crate) last_point: u32,
    /// The lines that show this state: its first (its later lines are its touches).
    pub lines: StateLines,
    /// Lines identical to the state's, printed later (hidden changes); a slice of
    /// its exact length (growth by doubling had left a soak's node marks 239,784
    /// slots for 80,295 touches).
    pub touches: Box<[Touch]>,
}

/// `since_point` when there is none.
const NO_POINT: u32 = u32::MAX;

/// `since_point` serialized as the `from_is_event` it tells.
fn is_no_point<S: serde::Serializer>(since_point: &u32, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_bool(*since_point == NO_POINT)
}

/// The lines that show a state, as a slice: one, its first. Without the room for
/// more that a growable list keeps (8 bytes in each of a long capture's million
/// states). Serialized as a list.
#[derive(Debug, Clone)]
pub struct StateLines(LineRef);

impl std::ops::Deref for StateLines {
    type Target = [LineRef];

    fn deref(&self) -> &[LineRef] {
        std::slice::from_ref(&self.0)
    }
}

impl<'a> IntoIterator for &'a StateLines {
    type Item = &'a LineRef;
    type IntoIter = std::slice::Iter<'a, LineRef>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl Serialize for StateLines {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

impl State {
    /// A state begun at `from` (a point), or since `since` and by `from`, its lines
    /// and times to be filled in.
    pub(crate) fn at_points(from: Point, since: Option<Point>) -> (u32, u32) {
        let point = |p: Point| u32::try_from(p).expect("fewer than 2^32 points");
        (point(from), since.map_or(NO_POINT, point))
    }

    /// The point of the state's first line.
    pub fn from_point(&self) -> Point {
        self.from_point as Point
    }

    /// When `from` is a range: the earliest point the state can have begun (see
    /// `from`); `from_point` is then the latest.
    pub fn since_point(&self) -> Option<Point> {
        (self.since_point != NO_POINT).then_some(self.since_point as Point)
    }

    /// Whether `from` is the moment of the change (a watch event) rather than a bound:
    /// whether the state has no `since_point`.
    pub fn from_is_event(&self) -> bool {
        self.since_point == NO_POINT
    }

    /// The point of the state's last line.
    pub fn last_point(&self) -> Point {
        self.last_point as Point
    }

    pub(crate) fn set_last_point(&mut self, p: Point) {
        self.last_point = State::at_points(p, None).0;
    }
}

/// How an object's timeline ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum End {
    /// A DELETED watch event (`--output-watch-events`).
    Deleted,
    /// The capture just stops showing it.
    LastSeen,
    /// Not the end: a copy cut short for one incident's view (the analysis), the
    /// object's later states belonging to the next.
    Continues,
}

/// The timeline of one incarnation of one object.
#[derive(Debug, Clone, Serialize)]
pub struct ObjectTimeline {
    /// The object: kind, namespace, name.
    pub key: ObjectKey,
    /// 0 for the first incarnation of a name; a StatefulSet pod re-created gets 1, ...
    pub incarnation: u32,
    /// The workload that owns it (pods), by name: `Deployment web`.
    pub owner: Option<ObjectKey>,
    /// The creationTimestamp (whole seconds; the true instant is within the second after).
    pub created: Interval,
    /// The point of the creation.
    #[serde(skip)]
    pub created_point: Point,
    /// Its states in time order (at least one).
    pub states: Vec<State>,
    /// How the timeline ends.
    pub end: End,
}

impl ObjectTimeline {
    /// The latest state.
    pub fn last(&self) -> &State {
        self.states
            .last()
            .expect("an object timeline has at least one state")
    }
}

/// A link between streams, as used or dropped.
#[derive(Debug, Clone, Serialize)]
pub struct LinkReport {
    /// What the link says (`same object in two streams`, ...).
    pub kind: &'static str,
    /// The flag that turns this kind of link off.
    pub flag: &'static str,
    /// Tolerance window in seconds: `x_b − x_a ∈ [min, max]`.
    pub window_s: [Option<f64>; 2],
    /// The lines the link joins.
    pub lines: Vec<LineRef>,
    /// Whether it was kept (false: it contradicted stronger constraints).
    pub used: bool,
}

/// A failure-injection command seen in the capture.
#[derive(Debug, Clone, Serialize)]
pub struct Injection {
    /// When the command was typed, on the experiment clock.
    pub at: Interval,
    /// The command's point in the network.
    #[serde(skip)]
    pub point: Point,
    /// The command line.
    pub line: LineRef,
}

/// A shell command that does something to a node (failure injection, recovery,
/// drain, node deletion, …: [`crate::kube::actions`]), with its time.
#[derive(Debug, Clone, Serialize)]
pub struct NodeCommand {
    /// When the command was typed, on the experiment clock.
    pub at: Interval,
    /// The command's point in the network.
    #[serde(skip)]
    pub point: Point,
    /// What it does to the node.
    pub action: crate::kube::Action,
    /// The node it names, from its argument or the prompt's host.
    pub node: Option<String>,
    /// The command line.
    pub line: LineRef,
}

/// An event that tells part of a node-failure story, placed on the clock by its
/// LAST SEEN (`kubectl get events`, `kubectl events`).
#[derive(Debug, Clone, Serialize)]
pub struct EventMark {
    /// When the event was last seen, on the experiment clock.
    pub at: Interval,
    /// The event's point in the network.
    #[serde(skip)]
    pub point: Point,
    /// What the event tells of a node failure.
    pub meaning: crate::kube::EventMeaning,
    /// REASON as printed (`NodeNotReady`).
    pub reason: Text,
    /// The involved object's kind as printed (`pod`, `node`), lower case.
    pub object_kind: String,
    /// The involved object's name.
    pub object: String,
    /// MESSAGE as printed.
    pub message: Text,
    /// The event's line.
    pub line: LineRef,
}

/// How t = 0 was chosen, and the wall-clock time when known.
#[derive(Debug, Clone, Serialize)]
pub struct Origin {
    /// How t = 0 was chosen, in a sentence.
    pub description: String,
    /// Wall-clock time of t = 0 (ISO 8601, as far as the capture tells), when known.
    pub wall_clock: Option<String>,
}

/// Which soft links to use (each kind can be turned off with a flag).
#[derive(Debug, Clone, Copy)]
pub struct LinkOptions {
    /// One object seen in two streams has one creation time (`--no-link-same-object`).
    pub same_object: bool,
    /// A pod is created after its owner (`--no-link-owner`).
    pub owner_first: bool,
    /// A new pod's creation and its owner's counts rising (`--no-link-replacement`).
    pub replacement: bool,
    /// A node turning NotReady and its pods' and owners' lines (`--no-link-not-ready`).
    pub not_ready: bool,
    /// The returning kubelet's writes to its pods and its node (`--no-link-node-back`).
    pub node_back: bool,
    /// A pod's `Scheduled` event and its pod's lines (`--no-link-events`).
    pub events: bool,
}

impl Default for LinkOptions {
    fn default() -> Self {
        LinkOptions {
            same_object: true,
            owner_first: true,
            replacement: true,
            not_ready: true,
            node_back: true,
            events: true,
        }
    }
}

/// All timelines of one experiment on one clock.
#[derive(Debug, Clone, Serialize)]
pub struct Timelines {
    /// How t = 0 was chosen.
    pub origin: Origin,
    /// Every object incarnation's timeline.
    pub objects: Vec<ObjectTimeline>,
    /// Every soft link proposed, used or dropped.
    pub links: Vec<LinkReport>,
    /// Conflicting times resolved, and what else is doubtful.
    pub warnings: Vec<String>,
    /// Nodes whose lines could not be placed against their pods' (a node failing
    /// again and again, its NotReady lines not paired with its pods' marks): their
    /// failures are read from the pods' lines instead.
    #[serde(skip)]
    pub unplaced_nodes: Vec<String>,
    /// Shell commands that inject a failure (`poweroff`, ...), with their times.
    pub injections: Vec<Injection>,
    /// Every command that acts on a node (injections included).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub node_commands: Vec<NodeCommand>,
    /// Events that tell part of the story (node NotReady/Ready, evictions, …).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<EventMark>,
    #[serde(skip)]
    pub(crate) net: Network,
    /// The point t = 0 stands for.
    #[serde(skip)]
    pub origin_point: Point,
    #[serde(skip)]
    pub(crate) bounds: Vec<Interval>,
    #[serde(skip)]
    pub(crate) cache: DistanceCache,
    /// The points of the touches printed in a pass of the node controller over a
    /// node's pods, sorted, as the analysis tells them where no line names a node
    /// (`analysis::pod_groups`); empty elsewhere.
    #[serde(skip)]
    pub passes: Vec<Point>,
}

impl Timelines {
    /// Objects of one kind.
    pub fn of_kind<'a>(
        &'a self,
        kind: &'a crate::tables::ResourceKind,
    ) -> impl Iterator<Item = &'a ObjectTimeline> + 'a {
        self.objects.iter().filter(move |o| &o.key.kind == kind)
    }

    /// The earliest and latest bounded times of any state (ms), if any.
    pub fn span(&self) -> Option<(Ms, Ms)> {
        let mut lo = None::<Ms>;
        let mut hi = None::<Ms>;
        for o in &self.objects {
            for s in &o.states {
                for i in [s.from, s.last_seen] {
                    if let Some(v) = i.lower() {
                        lo = Some(lo.map_or(v, |x| x.min(v)));
                    }
                    if let Some(v) = i.upper() {
                        hi = Some(hi.map_or(v, |x| x.max(v)));
                    }
                }
            }
        }
        Some((lo?, hi?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A long capture holds a million states and their touches through its peak of
    /// memory: a state in 216 bytes (248 with a flag, optional intervals of 24 bytes
    /// and a growable list of lines), a touch in 80.
    #[test]
    fn a_state_and_a_touch_stay_small() {
        assert_eq!(std::mem::size_of::<State>(), 216);
        assert_eq!(std::mem::size_of::<Touch>(), 80);
    }
}
