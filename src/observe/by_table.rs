//! Which cells say a row's state, and what is found once a table rather than once a
//! row: where its columns are.
//!
//! Every row of a capture is typed ([`super::Observer::observe`]) and compared with
//! its object's previous one (folding reprints, then reading states). Looking a
//! column up by its header name compares the header strings of the columns before
//! it; for a table's every row that was a good part of the typing and of the
//! comparison. Rows of one table share their schema (one `Arc`), so the positions
//! are found for the last schema seen and reused while the rows keep to it.

use std::sync::Arc;

use super::cells::short_value;
use super::Observation;
use crate::tables::SchemaRef;

/// A cell's value as far as it says a state: RESTARTS without its `(X ago)`.
fn state_value<'a>(header: &str, value: &'a str) -> &'a str {
    if header == "RESTARTS" {
        count_part(value)
    } else {
        value
    }
}

/// Headers whose cells change with the passing of time alone.
fn is_time_cell(header: &str) -> bool {
    matches!(
        header,
        "AGE" | "LAST SEEN" | "FIRST SEEN" | "DURATION" | "LAST SCHEDULE" | "EVENT"
    )
}

impl Observation {
    /// The cells that say what state the object is in: all but those that change
    /// with the passing of time alone (AGE, LAST SEEN, ..., and the `(X ago)` of
    /// RESTARTS: `1 (16m ago)` and `1 (17m ago)` are the same state).
    pub fn state_cells(&self) -> impl Iterator<Item = (&str, &str)> + '_ {
        self.cells
            .iter()
            .filter(|(h, _)| !is_time_cell(h))
            .map(|(h, v)| (&**h, state_value(h, v)))
    }

    /// Whether two lines show the same state (see [`Observation::state_cells`]).
    pub fn same_state(&self, other: &Observation) -> bool {
        // Rows of one table (nearly every pair asked) share their schema: only the
        // values need comparing then, not the headers too.
        let shared = self.cells.shared_columns(&other.cells).map(|mut cells| {
            cells.all(|(h, x, y)| is_time_cell(h) || state_value(h, x) == state_value(h, y))
        });
        shared.unwrap_or_else(|| self.state_cells().eq(other.state_cells()))
    }
}

/// Where a table prints the cells [`super::Observer::observe`] reads: the first
/// column of each header, as [`crate::tables::Schema::index`] finds it.
#[derive(Clone, Copy)]
pub(super) struct ObservedColumns {
    pub(super) name: usize,
    pub(super) ready: Option<usize>,
    pub(super) desired: Option<usize>,
    pub(super) restarts: Option<usize>,
    pub(super) age: Option<usize>,
    pub(super) namespace: Option<usize>,
}

impl ObservedColumns {
    fn of(schema: &SchemaRef) -> ObservedColumns {
        ObservedColumns {
            name: schema.name_column(),
            ready: schema.index("READY"),
            desired: schema.index("DESIRED"),
            restarts: schema.index("RESTARTS"),
            age: schema.index("AGE"),
            namespace: schema.index("NAMESPACE"),
        }
    }
}

/// The last schema's [`ObservedColumns`].
#[derive(Default)]
pub(super) struct LastColumns(Option<(SchemaRef, ObservedColumns)>);

impl LastColumns {
    /// The columns of `schema`, found again only when it is not the last one's.
    pub(super) fn of(&mut self, schema: &SchemaRef) -> ObservedColumns {
        match &self.0 {
            Some((s, c)) if Arc::ptr_eq(s, schema) => *c,
            _ => {
                self.0
                    .insert((schema.clone(), ObservedColumns::of(schema)))
                    .1
            }
        }
    }
}

/// The positions of a table's columns that say what state a row shows, each with
/// whether it is RESTARTS (whose `(X ago)` is left out).
type StateColumns = Box<[(usize, bool)]>;

/// [`Observation::same_state`] for many pairs of rows, nearly all of one table: the
/// columns that say a state are found once a table, and only their values compared
/// (the headers were a third of the comparison).
#[derive(Default)]
pub struct StateComparer {
    last: Option<(SchemaRef, StateColumns)>,
}

impl StateComparer {
    /// Whether `row` shows the same state as `before`: [`Observation::same_state`],
    /// which compares every cell's header and value but the time ones. Two rows of
    /// one table, each with a value for every column, have the same headers: only
    /// the values of the state columns are compared.
    pub fn same_state(&mut self, row: &Observation, before: &Observation) -> bool {
        let schema = row.cells.schema();
        let n = schema.columns.len();
        // `Cells::iter` stops at the fewer of columns and values: all columns here.
        let whole = |o: &Observation| n > 0 && o.cells.value(n - 1).is_some();
        if !Arc::ptr_eq(schema, before.cells.schema()) || !whole(row) || !whole(before) {
            return Observation::same_state(before, row);
        }
        let columns = match &self.last {
            Some((s, c)) if Arc::ptr_eq(s, schema) => c,
            _ => {
                // The time columns are the ones `state_cells` leaves out (by header
                // name, so the rule stays its own).
                let kept: Vec<&str> = row.state_cells().map(|(h, _)| h).collect();
                let mut columns: Vec<(usize, bool)> = (schema.columns.iter().enumerate())
                    .filter(|(_, c)| kept.contains(&&*c.header))
                    .map(|(i, c)| (i, &*c.header == "RESTARTS"))
                    .collect();
                // The name and namespace last: the rows asked about are nearly always
                // one object's (the folder and the interner find the earlier row by
                // them), so these cells agree and the comparison of two different
                // states ends sooner at the cells that changed. All are compared
                // when the states agree, so the answer is the same.
                let identity = |i: usize| {
                    let c = &schema.columns[i];
                    c.class == crate::tables::cells::CellClass::Name || &*c.header == "NAMESPACE"
                };
                columns.sort_by_key(|&(i, _)| identity(i));
                &self.last.insert((schema.clone(), columns.into())).1
            }
        };
        let same = |a: &str, b: &str, restarts: bool| {
            if restarts {
                count_part(a) == count_part(b)
            } else {
                a == b
            }
        };
        // Both rows' ranges in 16 bits (nearly always): their form matched once.
        if let (Some((ta, sa)), Some((tb, sb))) =
            (row.cells.short_spans(), before.cells.short_spans())
        {
            return columns.iter().all(|&(i, restarts)| {
                same(short_value(ta, sa, i), short_value(tb, sb, i), restarts)
            });
        }
        columns.iter().all(|&(i, restarts)| {
            let (a, b) = (
                row.cells.value(i).unwrap_or(""),
                before.cells.value(i).unwrap_or(""),
            );
            same(a, b, restarts)
        })
    }
}

/// RESTARTS without its `(X ago)`: the text before the first space (found by a byte
/// scan of the short cell, not the `char` searcher).
fn count_part(cell: &str) -> &str {
    match cell.bytes().position(|b| b == b' ') {
        Some(i) => &cell[..i],
        None => cell,
    }
}
