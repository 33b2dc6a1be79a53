//! Stage 3 — observations: one typed record per table row.
//!
//! Typed cells (status, READY `n/m`, RESTARTS with the "ago" interval, IP, node, AGE
//! as an interval) beside every cell verbatim by header name. Unknown columns and
//! unknown status words are kept verbatim, never dropped.
//!
//! AGE is read with the stream's duration formatter: `HumanDuration` unless a cell of
//! the stream could only have been printed by the older `ShortHumanDuration`
//! (FORMAT.md §1.3). A cell that pins a formatter is always read with that one.
//! The formatter is decided from what the stream has shown so far (observations are
//! produced streaming); a stream whose first rows are ambiguous and later ones pin
//! `ShortHumanDuration` keeps the Human reading for those first rows — a pre-1.12
//! server is rare, and the choice is recorded per observation in `age.formatter`.

use crate::HashMap;
use std::sync::Arc;

use crate::capture::WallClock;
use crate::duration::{self, Formatter, Reading};
use crate::tables::cells::{ready, restarts, Restarts};
use crate::tables::{ResourceKind, Row};
use crate::Text;

mod by_table;
mod cells;
mod json;
mod line_text;

use by_table::LastColumns;
pub use by_table::StateComparer;
pub use cells::Cells;
pub use json::{wall_clock_text, zone_text};
pub use line_text::LineText;

/// A duration cell read as an interval of seconds (closed bounds; see `duration`), with
/// the formatter it was read with. The text is not kept: it is the row's own cell (AGE,
/// or the `(X ago)` of RESTARTS), read from the cells when printed ([`Observation::age_text`]),
/// since a long capture keeps a row per state change and the copy was 24 of its bytes.
/// The bounds are kept with a sentinel for "none" (24 bytes instead of 40).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DurationCell {
    min: i64,
    max: i64,
    /// The formatter the text was read with.
    pub formatter: Formatter,
}

/// "No bound" in [`DurationCell`]: no printed duration reads as this many seconds.
const NO_BOUND: i64 = i64::MIN;

impl DurationCell {
    /// A cell read as `[min_s, max_s)` by `formatter` (None: unbounded on that side).
    pub fn new(min_s: Option<i64>, max_s: Option<i64>, formatter: Formatter) -> Self {
        DurationCell {
            min: min_s.unwrap_or(NO_BOUND),
            max: max_s.unwrap_or(NO_BOUND),
            formatter,
        }
    }

    /// Lower bound in seconds; none for `<invalid>` (unbounded below) and `<unknown>`.
    pub fn min_s(&self) -> Option<i64> {
        (self.min != NO_BOUND).then_some(self.min)
    }

    /// Upper bound in seconds; none for `<unknown>`.
    pub fn max_s(&self) -> Option<i64> {
        (self.max != NO_BOUND).then_some(self.max)
    }
}

/// One table row, typed. Serialized as one JSON Lines record of `watchtrail parse`
/// (`"schema": "watchtrail/observation/v1"`).
///
/// The typed values that are a cell as printed (name, STATUS, IP, node, EVENT) are
/// read from the cells when asked for rather than kept twice: a long capture keeps
/// hundreds of thousands of rows.
#[derive(Debug, Clone)]
pub struct Observation {
    /// The source as named on the command line (`pods.log`, `-`).
    pub source: Arc<str>,
    /// 1-based line in the source.
    pub line: u64,
    /// The watch command run the row belongs to (unique within one experiment).
    pub stream: u32,
    /// Order of the row in its stream, from 0.
    pub seq: u32,
    /// For `watch` screens: which screen of the stream.
    pub snapshot: Option<u32>,
    /// Whether the row belongs to a plain `kubectl get` listing (one instant), as
    /// the command says; `None` with no command (not serialized).
    pub listing: Option<bool>,
    /// The row's kind when its name gives another than its table's
    /// (`deployment.apps/web` in a multi-type list), else none: the kind is then the
    /// table's, as nearly always ([`Observation::kind`]). Boxed, 8 bytes instead of 24.
    kind_override: Option<Box<ResourceKind>>,
    /// Namespace when printed (`-A`) or asked for (`-n`), else null.
    pub namespace: Option<Text>,
    /// READY as `[n, m]`: pods, deployments, statefulsets; for replicasets and
    /// daemonsets `[READY, DESIRED]`. Null otherwise.
    pub ready: Option<[u32; 2]>,
    /// The RESTARTS count (pods), else null.
    pub restarts: Option<u32>,
    /// How long before the line the last restart was, when RESTARTS printed `(X ago)`
    /// (its text: [`Observation::restarts_ago_text`]). Boxed: most captures print
    /// none, and a row is kept per state change. Apart from the count, which is read
    /// far more often: one `Option` of both took 24 bytes, these two 16.
    pub restarts_ago: Option<Box<DurationCell>>,
    /// AGE as an interval (its text: [`Observation::age_text`]).
    pub age: Option<DurationCell>,
    /// Absolute time of the line when the capture has one (`ts` prefix, watch screen);
    /// serialized as `time`, ISO 8601 as far as known ([`wall_clock_text`]).
    /// Boxed: most captures have no timestamps, and a row is kept per state change.
    pub wall: Option<Box<WallClock>>,
    /// Every column verbatim, by header name, in printed order, over the cleaned line
    /// text (kept for evidence).
    pub cells: Cells,
    /// What the parser repaired or left over on this line. A thin pointer (8 bytes,
    /// not the 16 of a `Box<str>`): nearly no row has a note, and every row keeps this.
    pub note: Option<Box<String>>,
    /// Whether the row shows the same state as the row `before_gap` rows before it in
    /// its stream (`seq`), as the run folder found when it compared them (`None`:
    /// not compared). The timeline's assembly asks the same of an object's rows in
    /// turn: the answer is kept so that it is not worked out twice (not serialized;
    /// with the gap, 3 bytes the row had as padding).
    pub same_as_before: Option<bool>,
    /// See [`Observation::same_as_before`].
    pub before_gap: u16,
}

/// `<none>` and an empty cell say "nothing".
fn none_to_null(v: Option<&str>) -> Option<&str> {
    v.filter(|s| !s.is_empty() && *s != "<none>")
}

impl Observation {
    /// Resource kind (`Pod`, `Node`, `Deployment`, ... or the CRD's name).
    pub fn kind(&self) -> &ResourceKind {
        self.kind_override
            .as_deref()
            .unwrap_or(&self.cells.schema.kind)
    }

    /// Object name without a `--show-kind` prefix (`pod/web-0` → `web-0`). An event
    /// table without a NAME column names its involved object (OBJECT, `pod/web-0`).
    pub fn name(&self) -> &str {
        if *self.kind() == ResourceKind::Event && !self.has_name_column() {
            // Not the first cell (LAST SEEN, a describe's TYPE): the object is unknown.
            return self.event_object().map_or("", |(_, name)| name);
        }
        let raw = self
            .cells
            .value(self.cells.schema.name_column())
            .unwrap_or("");
        // A byte search, not `split_once('/')`: asked three times a line when folding
        // reprints, where the general searcher's setup cost more than the short scan.
        match memchr::memchr(b'/', raw.as_bytes()) {
            Some(i) if i > 0 && i + 1 < raw.len() => &raw[i + 1..],
            _ => raw,
        }
    }

    fn has_name_column(&self) -> bool {
        self.cells
            .schema
            .columns
            .iter()
            .any(|c| c.class == crate::tables::cells::CellClass::Name)
    }

    /// An event row's involved object as `(kind, name)`: OBJECT / INVOLVED OBJECT
    /// (`pod/web-0`, `node/w1`, `Pod/web-0`); the KIND and NAME cells of kubectl ≤ 1.11
    /// tables; for a `describe` Events block the described object, else the node its
    /// FROM (`kubelet, w1`) or its message (`Node w1 status is now: …`) names. Null for
    /// other rows.
    pub fn event_object(&self) -> Option<(&str, &str)> {
        if *self.kind() != ResourceKind::Event {
            return None;
        }
        if let Some(object) = self
            .cells
            .get("OBJECT")
            .or_else(|| self.cells.get("INVOLVED OBJECT"))
        {
            return crate::kube::events::involved_object(object);
        }
        if let (Some(kind), Some(name)) = (self.cells.get("KIND"), self.cells.get("NAME")) {
            // 1.12–1.13 `-o wide` prints the event's own name there: `web-0.16f5a8c2e3b1d4a7`.
            let name = match name.rsplit_once('.') {
                Some((object, id))
                    if id.len() >= 12 && id.bytes().all(|b| b.is_ascii_hexdigit()) =>
                {
                    object
                }
                _ => name,
            };
            return (!kind.is_empty() && !name.is_empty()).then_some((kind, name));
        }
        let described = self.cells.schema.described.as_ref()?;
        match (&described.kind, &described.name) {
            (Some(kind), Some(name)) => return Some((kind, name)),
            (Some(kind), None) if &**kind != "node" => return None,
            _ => {}
        }
        let from_host = self
            .cells
            .get("FROM")
            .and_then(|f| f.split_once(", "))
            .map(|(_, host)| host)
            .or_else(|| {
                // `{kubelet node-1}` (kubectl before 1.6).
                let inner = self
                    .cells
                    .get("FROM")?
                    .strip_prefix('{')?
                    .strip_suffix('}')?;
                inner
                    .split_once(' ')
                    .map(|(_, h)| h)
                    .filter(|h| !h.is_empty())
            });
        let from_message = || {
            let rest = self.cells.get("MESSAGE")?.strip_prefix("Node ")?;
            let name = rest.split_whitespace().next()?;
            (name != "is").then_some(name)
        };
        from_host.or_else(from_message).map(|name| ("node", name))
    }

    /// An event row's REASON and MESSAGE.
    pub fn event_reason(&self) -> Option<(&str, &str)> {
        if *self.kind() != ResourceKind::Event {
            return None;
        }
        let reason = self.cells.get("REASON")?;
        Some((reason, self.cells.get("MESSAGE").unwrap_or("")))
    }

    /// How long before the line an event was last seen (LAST SEEN; for a `describe`
    /// Events block, AGE), in whole seconds `[min, max]`. `41m (x2 over 41m)` reads
    /// as its first part.
    pub fn event_age_s(&self) -> Option<(i64, i64)> {
        if *self.kind() != ResourceKind::Event {
            return None;
        }
        let cell = self
            .cells
            .get("LAST SEEN")
            .or_else(|| self.cells.get("LASTSEEN"))
            .or_else(|| self.cells.get("AGE"))?;
        let first = crate::tables::cells::event_age_first(cell);
        // Event tables of kubectl ≤ 1.11 (LAST SEEN, FIRST SEEN, COUNT, NAME, KIND…) and
        // describe's FirstSeen/LastSeen printed ShortHumanDuration (FORMAT.md §1.3, §2.8).
        let schema = &self.cells.schema;
        let old = schema.index("LASTSEEN").is_some()
            || schema.index("KIND").is_some()
                && schema
                    .columns
                    .get(1)
                    .is_some_and(|c| &*c.header == "FIRST SEEN");
        let formatter = if old {
            crate::duration::Formatter::Short
        } else {
            crate::duration::Formatter::Human
        };
        match crate::tables::cells::duration_reading(first, formatter)?.0 {
            crate::duration::Reading::Bounds(b) => Some((b.min_s, b.max_s)),
            _ => None,
        }
    }

    /// STATUS cell verbatim (pods, nodes, jobs), else null.
    pub fn status(&self) -> Option<&str> {
        self.cells.get("STATUS")
    }

    /// Pod IP, node INTERNAL-IP; null when `<none>` or not printed.
    pub fn ip(&self) -> Option<&str> {
        none_to_null(
            self.cells
                .get("IP")
                .or_else(|| self.cells.get("INTERNAL-IP")),
        )
    }

    /// The node a pod is bound to; null when `<none>` or not printed.
    pub fn node(&self) -> Option<&str> {
        if *self.kind() == ResourceKind::Node {
            return None;
        }
        none_to_null(self.cells.get("NODE").or_else(|| {
            self.cells
                .get("HOST")
                .map(|h| h.split('/').next().unwrap_or(h))
        }))
        .filter(|n| *n != "<unassigned>")
    }

    /// `--output-watch-events`: ADDED, MODIFIED, DELETED.
    pub fn event(&self) -> Option<&str> {
        self.cells.get("EVENT").map(str::trim)
    }

    /// The cleaned line text, for evidence.
    pub fn text(&self) -> &LineText {
        &self.cells.text
    }

    /// AGE as printed, when it was read as a duration ([`Observation::age`]): the AGE
    /// cell, which [`Observer::observe`] read it from.
    pub fn age_text(&self) -> Option<&str> {
        self.age.as_ref()?;
        self.cells.get("AGE")
    }

    /// The `(X ago)` of RESTARTS as printed (`53s`), when it was read as a duration.
    pub fn restarts_ago_text(&self) -> Option<&str> {
        self.restarts_ago.as_ref()?;
        restarts(self.cells.get("RESTARTS")?)?.ago
    }
}

/// Whether `next` shows a new incarnation of the object seen in `prev` (same stream):
/// after a DELETED watch event, or when AGE went back (a StatefulSet pod re-created
/// under its name).
pub fn is_new_incarnation(prev: &Observation, next: &Observation) -> bool {
    prev.event() == Some("DELETED") || age_went_back(prev, next)
}

/// Whether `next`'s AGE is younger than `prev`'s allows for one object: the AGE half
/// of [`is_new_incarnation`], for a caller that finds EVENT by its own means.
pub fn age_went_back(prev: &Observation, next: &Observation) -> bool {
    age_went_back_from(youngest_age(prev), next)
}

/// The least AGE `o` allows, in seconds: what [`age_went_back_from`] needs of a
/// previous row (kept by a caller that would otherwise read that row again).
pub fn youngest_age(o: &Observation) -> Option<i64> {
    o.age.as_ref().and_then(DurationCell::min_s)
}

/// [`age_went_back`] from the previous row's [`youngest_age`].
pub fn age_went_back_from(prev_min: Option<i64>, next: &Observation) -> bool {
    match (prev_min, next.age.as_ref().and_then(DurationCell::max_s)) {
        // AGE cannot go back by more than the ±1 s truncation of creationTimestamp.
        (Some(prev_min), Some(next_max)) => next_max + 2 < prev_min,
        _ => false,
    }
}

/// A row's READY (`[n, m]`, or `[READY, DESIRED]` for the kinds that print counts),
/// RESTARTS, and what its AGE text reads as: taken from what the one-pass split of a
/// plain row read ([`crate::tables::plain::Read`]) when it read these very columns,
/// else read from the cells.
fn typed_cells<'a>(
    row: &'a Row,
    at: &by_table::ObservedColumns,
    kind: &ResourceKind,
) -> (
    Option<[u32; 2]>,
    Option<Restarts<'a>>,
    Option<duration::Readings>,
) {
    let get = |column: Option<usize>| column.and_then(|i| row.cell(i));
    let ready = match kind {
        ResourceKind::ReplicaSet
        | ResourceKind::ReplicationController
        | ResourceKind::DaemonSet => {
            match (
                get(at.ready).and_then(|r| r.parse().ok()),
                get(at.desired).and_then(|d| d.parse().ok()),
            ) {
                (Some(r), Some(d)) => Some([r, d]),
                _ => None,
            }
        }
        _ => match row.read.ready {
            Some((c, r)) if Some(c) == at.ready => r,
            _ => get(at.ready).and_then(ready),
        }
        .map(|(n, m)| [n, m]),
    };
    let restarts = match row.read.restarts {
        Some((c, count, ago)) if Some(c) == at.restarts => Some(Restarts {
            count,
            ago: ago.and_then(|(a, b)| row.text.get(a as usize..b as usize)),
        }),
        _ => get(at.restarts).and_then(restarts),
    };
    let age = match row.read.age {
        Some((c, r)) if Some(c) == at.age => Some(r),
        _ => get(at.age).map(duration::readings),
    };
    (ready, restarts, age)
}

/// Builds observations from rows, remembering each stream's duration formatter.
#[derive(Default)]
pub struct Observer {
    formatters: HashMap<u32, Formatter>,
    /// Where the last table prints the cells read here.
    columns: LastColumns,
}

/// A duration both formatters could print, read as the union of their intervals.
fn either_formatter(r: duration::Readings) -> Option<(Reading, Formatter)> {
    match (r.human, r.short) {
        (Some(Reading::Bounds(h)), Some(Reading::Bounds(s))) => Some((
            Reading::Bounds(duration::Bounds {
                min_s: h.min_s.min(s.min_s),
                max_s: h.max_s.max(s.max_s),
            }),
            if s.max_s > h.max_s {
                Formatter::Short
            } else {
                Formatter::Human
            },
        )),
        (Some(r), _) => Some((r, Formatter::Human)),
        (None, Some(r)) => Some((r, Formatter::Short)),
        (None, None) => None,
    }
}

impl Observer {
    /// An observer with nothing seen yet.
    pub fn new() -> Observer {
        Observer::default()
    }

    fn duration(&mut self, stream: u32, text: &str) -> Option<DurationCell> {
        // Parsed once: whether it proves a formatter, and what it reads as.
        self.duration_of(stream, duration::readings(text))
    }

    /// [`Observer::duration`] of a text already read.
    fn duration_of(&mut self, stream: u32, readings: duration::Readings) -> Option<DurationCell> {
        let pinned = readings.pinned();
        if let Some(pinned) = pinned {
            self.formatters.entry(stream).or_insert(pinned);
        }
        let (reading, formatter) = match pinned.or_else(|| self.formatters.get(&stream).copied()) {
            Some(f) => readings.preferring(f)?,
            // Nothing yet says which kubectl era printed it (HumanDuration from 1.12,
            // ShortHumanDuration before: FORMAT.md §1.3): `3h` is [3h, 3h1m) in one and
            // [3h, 4h) in the other, so it is read as both allow.
            None => either_formatter(readings)?,
        };
        let (min_s, max_s) = match reading {
            Reading::Bounds(b) => (Some(b.min_s), Some(b.max_s)),
            Reading::Invalid => (None, Some(-2)),
            Reading::Unknown => (None, None),
        };
        Some(DurationCell::new(min_s, max_s, formatter))
    }

    /// One observation from one row. The row is borrowed, not moved in (it is some
    /// 400 bytes, and it was copied on the way a line); its cell ranges are moved to
    /// the packed text and its note taken, and a plain row's text is taken to be
    /// packed in place.
    pub fn observe(&mut self, source: &Arc<str>, row: &mut Row) -> Observation {
        let schema = row.schema.clone();
        let at = self.columns.of(&schema);
        let get = |column: Option<usize>| column.and_then(|i| row.cell(i));

        let raw_name = row.cell(at.name).unwrap_or("");
        let kind = match memchr::memchr(b'/', raw_name.as_bytes()) {
            // `--show-kind` or a multi-type list: `pod/web-0`, `deployment.apps/web`.
            Some(i) if i > 0 && i + 1 < raw_name.len() => {
                ResourceKind::from_resource_arg(&raw_name[..i])
            }
            _ => schema.kind.clone(),
        };
        let kind = match (&kind, &schema.kind) {
            (ResourceKind::Other(_), k) if !matches!(k, ResourceKind::Other(_)) => k.clone(),
            _ => kind,
        };

        let (ready, restarts, age_read) = typed_cells(row, &at, &kind);
        let restarts_ago = restarts
            .and_then(|r| r.ago)
            .and_then(|a| self.duration(row.stream, a))
            .map(Box::new);
        let restarts = restarts.map(|r| r.count);
        // A describe Events block's AGE is the event's (`event_age_s`), not an object's.
        let age = age_read
            .filter(|_| kind != ResourceKind::Event)
            .and_then(|r| self.duration_of(row.stream, r));
        let namespace = none_to_null(get(at.namespace)).map(Text::from).or_else(|| {
            row.namespace
                .as_deref()
                .map(Text::from)
                .filter(|_| kind != ResourceKind::Node)
        });
        let kind_override = (kind != schema.kind).then(|| Box::new(kind));
        let cells = if row.read.plain {
            Cells::new_plain(schema, std::mem::take(&mut row.text), &mut row.spans)
        } else {
            Cells::new(schema, &row.text, &mut row.spans)
        };
        Observation {
            source: source.clone(),
            line: row.line,
            stream: row.stream,
            seq: row.seq,
            snapshot: row.snapshot,
            listing: row.listing,
            kind_override,
            namespace,
            ready,
            restarts,
            restarts_ago,
            age,
            wall: row.time.map(Box::new),
            cells,
            note: row.note.take().map(Box::new),
            same_as_before: None,
            before_gap: 0,
        }
    }
}

#[cfg(test)]
mod tests;
