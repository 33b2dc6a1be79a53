//! What reading an object's states needs of each of its rows ([`Shown`]), and the
//! rows of an object seen in several streams kept in that form ([`Kept`]) until the
//! times put its lines in order.
//!
//! Such an object's rows wait for the solving; kept whole (280 bytes a row, and the
//! cells' headers) they were the largest thing then alive on a soak whose watch is
//! re-listed every half hour, where every pod is seen in many streams: a 104 MB soak
//! of that shape held 206 MB of waiting rows. A kept row is the line, its times, and
//! the index of what it shows among its object's: what the states are read from,
//! nothing else.

use std::sync::Arc;

use super::{Interner, ObjectRows, OtherCells};
use crate::observe::Observation;
use crate::timeline::build::age_window;
use crate::timeline::{Interval, LineRef};

/// What a state shows, as it keeps it (shared between the states that print the same).
#[derive(Debug, Clone)]
pub(super) struct Look {
    pub(super) status: Option<Arc<str>>,
    pub(super) ready: Option<[u32; 2]>,
    pub(super) restarts: Option<u32>,
    pub(super) ip: Option<Arc<str>>,
    pub(super) node: Option<Arc<str>>,
    pub(super) cells: OtherCells,
}

/// A row as the reading of states sees it.
pub(super) trait Shown {
    /// The line, for evidence.
    fn line_ref(&self) -> LineRef;
    /// Whether the row shows the same state as `before`, the row before it in its
    /// object's lines (see [`Observation::same_state`]).
    fn same_state(&self, before: &Self, cells: &mut Interner) -> bool;
    /// The stream the row belongs to, and its order there.
    fn stream(&self) -> u32;
    fn seq(&self) -> u32;
    /// Whether the row is in a plain listing, as its command says.
    fn listed(&self) -> bool;
    /// Whether the row is on a `watch` screen.
    fn on_screen(&self) -> bool;
    /// How long after the creationTimestamp the row was printed (its AGE).
    fn since_created(&self) -> Option<Interval>;
    /// Whether the row is a watch's DELETED event.
    fn deleted(&self) -> bool;
    /// What the row shows, as a state keeps it (`looks`: what its object's kept rows
    /// show, by index).
    fn look(&self, looks: &[Look], cells: &mut Interner) -> Look;
    /// A byte of the row's line, read to bring the line into the cache (see
    /// [`super::warm`]); 0 when the row keeps nothing worth it.
    fn warm(&self) -> u8 {
        0
    }
}

impl Shown for Observation {
    fn line_ref(&self) -> LineRef {
        LineRef {
            source: self.source.clone(),
            line: self.line,
            text: self.text().clone(),
        }
    }

    /// The run folder's answer when it compared the two rows (see
    /// [`Observation::same_as_before`]).
    fn same_state(&self, before: &Self, cells: &mut Interner) -> bool {
        match self.same_as_before {
            Some(same)
                if before.stream == self.stream
                    && before.seq.wrapping_add(u32::from(self.before_gap)) == self.seq =>
            {
                same
            }
            _ => cells.same_state(self, before),
        }
    }

    fn stream(&self) -> u32 {
        self.stream
    }

    fn seq(&self) -> u32 {
        self.seq
    }

    fn listed(&self) -> bool {
        self.listing == Some(true)
    }

    fn on_screen(&self) -> bool {
        self.snapshot.is_some()
    }

    fn since_created(&self) -> Option<Interval> {
        self.age
            .as_ref()
            .and_then(age_window)
            .map(|(lo, hi)| Interval::new(lo, hi))
    }

    fn deleted(&self) -> bool {
        self.event() == Some("DELETED")
    }

    fn look(&self, _: &[Look], cells: &mut Interner) -> Look {
        let columns = cells.other_columns(self.cells.schema());
        let other = columns.iter().map(|&i| self.cells.column(i));
        let shows = cells.shows(self);
        Look {
            status: shows.status.map(|v| cells.field_value(0, v)),
            ready: self.ready,
            restarts: self.restarts,
            ip: shows.ip.map(|v| cells.field_value(1, v)),
            node: shows.node.map(|v| cells.field_value(2, v)),
            cells: cells.cells_of(other),
        }
    }

    fn warm(&self) -> u8 {
        (self.cells.value(0)).map_or(0, |v| v.bytes().next().unwrap_or(0))
    }
}

/// A row kept for reading once the times are known: ~80 bytes.
pub(super) struct Kept {
    line: LineRef,
    /// What the row shows, by its index among its object's ([`keep`]): two rows show
    /// the same state exactly when they share it.
    shows: u32,
    since_created: Option<Interval>,
    stream: u32,
    seq: u32,
    listed: bool,
    on_screen: bool,
    deleted: bool,
}

/// An object's rows kept ([`Kept`]), in their order, and what they show, by index
/// (numbered from the last row back, as when the rows came one by one from the end).
pub(super) fn keep(
    object: ObjectRows<'_, Observation>,
    cells: &mut Interner,
) -> (Vec<Kept>, Box<[Look]>) {
    let mut index: crate::HashMap<Vec<(&str, &str)>, u32> = crate::HashMap::default();
    let mut looks = Vec::new();
    let mut shows = Vec::with_capacity(object.rows.len());
    for o in object.rows.iter().rev() {
        let n = index.len() as u32;
        let k = *index.entry(o.state_cells().collect()).or_insert_with(|| {
            looks.push(o.look(&[], cells));
            n
        });
        shows.push(k);
    }
    drop(index);
    let kept = object
        .rows
        .iter()
        .zip(shows.into_iter().rev())
        .map(|(o, shows)| Kept {
            line: Shown::line_ref(o),
            shows,
            since_created: Shown::since_created(o),
            stream: o.stream,
            seq: o.seq,
            listed: Shown::listed(o),
            on_screen: Shown::on_screen(o),
            deleted: Shown::deleted(o),
        })
        .collect();
    (kept, looks.into())
}

impl Shown for Kept {
    fn line_ref(&self) -> LineRef {
        self.line.clone()
    }

    fn same_state(&self, before: &Self, _: &mut Interner) -> bool {
        self.shows == before.shows
    }

    fn stream(&self) -> u32 {
        self.stream
    }

    fn seq(&self) -> u32 {
        self.seq
    }

    fn listed(&self) -> bool {
        self.listed
    }

    fn on_screen(&self) -> bool {
        self.on_screen
    }

    fn since_created(&self) -> Option<Interval> {
        self.since_created
    }

    fn deleted(&self) -> bool {
        self.deleted
    }

    fn look(&self, looks: &[Look], _: &mut Interner) -> Look {
        looks[self.shows as usize].clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::{Origin, Source};

    fn rows(text: &str) -> Vec<Observation> {
        let source = Source {
            name: "pods.log".into(),
            origin: Origin::Bytes(text.as_bytes().to_vec().into()),
        };
        let ing = crate::ingest::ingest(&[source]).expect("ingested");
        ing.observations
    }

    /// Rows showing the same cells but for the time ones share what they show; a
    /// change of any other cell (here RESTARTS and then STATUS) does not, and each
    /// look is what a state of that row shows.
    #[test]
    fn kept_rows_share_what_they_show_exactly_when_their_states_are_the_same() {
        let rows = rows(
            "NAME    READY   STATUS    RESTARTS   AGE\n\
             web-1   1/1     Running   0          5m\n\
             web-1   1/1     Running   0          6m\n\
             web-1   1/1     Running   1 (3s ago)   7m\n\
             web-1   0/1     Unknown   1 (9m ago)   16m\n\
             web-1   1/1     Running   1 (2m ago)   9m\n",
        );
        assert_eq!(rows.len(), 5);
        let mut cells = Interner::default();
        let index: Vec<u32> = (0..5).collect();
        let object = ObjectRows {
            index: &index,
            rows: &rows,
        };
        let (kept, looks) = keep(object, &mut cells);
        // Numbered from the last row back.
        let shows: Vec<u32> = kept.iter().map(|k| k.shows).collect();
        assert_eq!(shows, [2, 2, 0, 1, 0]);
        let status: Vec<&str> = looks.iter().map(|l| l.status.as_deref().unwrap()).collect();
        assert_eq!(status, ["Running", "Unknown", "Running"]);
        assert_eq!(looks[0].restarts, Some(1));
        assert!(
            kept[1].same_state(&kept[0], &mut cells) && !kept[2].same_state(&kept[1], &mut cells)
        );
        assert_eq!(kept[4].line_ref().line, 6);
        let ages: Vec<_> = kept
            .iter()
            .map(|k| k.since_created.map(|i| i.min_ms))
            .collect();
        assert_eq!(ages[1], Some(360_000));
    }
}
