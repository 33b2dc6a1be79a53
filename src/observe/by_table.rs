//! What is found once a table rather than once a row: where its columns are.
//!
//! Every row of a capture is typed ([`super::Observer::observe`]) and compared with
//! its object's previous one (folding reprints, then reading states). Looking a
//! column up by its header name compares the header strings of the columns before
//! it; for a table's every row that was a good part of the typing and of the
//! comparison. Rows of one table share their schema (one `Arc`), so the positions
//! are found for the last schema seen and reused while the rows keep to it.

use std::sync::Arc;

use super::Observation;
use crate::tables::SchemaRef;

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
                let columns = (schema.columns.iter().enumerate())
                    .filter(|(_, c)| kept.contains(&&*c.header))
                    .map(|(i, c)| (i, &*c.header == "RESTARTS"))
                    .collect();
                &self.last.insert((schema.clone(), columns)).1
            }
        };
        columns.iter().all(|&(i, restarts)| {
            let (a, b) = (
                row.cells.value(i).unwrap_or(""),
                before.cells.value(i).unwrap_or(""),
            );
            if restarts {
                count_part(a) == count_part(b)
            } else {
                a == b
            }
        })
    }
}

/// RESTARTS without its `(X ago)`: the text before the first space (`split(' ')`'s
/// first part, found by a byte scan of the short cell, not the `char` searcher).
fn count_part(cell: &str) -> &str {
    match cell.bytes().position(|b| b == b' ') {
        Some(i) => &cell[..i],
        None => cell,
    }
}
