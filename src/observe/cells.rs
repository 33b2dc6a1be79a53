//! A row's cells with their headers, and their JSON form (one key a header).

use std::collections::HashMap;
use std::sync::Arc;

use super::LineText;

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

use crate::tables::SchemaRef;

/// A row's cells with their headers. The header names live once in the table's schema,
/// not in every row (a long capture keeps hundreds of thousands of rows).
/// The values are ranges of the line's text, which the observation keeps anyway for
/// evidence: 8 bytes a cell instead of a copy. The text is kept with the runs of
/// spaces between the cells squeezed ([`LineText`]), the ranges over that.
#[derive(Debug, Clone)]
pub struct Cells {
    pub(super) schema: SchemaRef,
    pub(super) text: LineText,
    spans: smallvec::SmallVec<[(u32, u32); INLINE_CELLS]>,
}

/// How many cells a row keeps inline: `kubectl get pods -o wide -A` prints ten.
const INLINE_CELLS: usize = 10;

impl Cells {
    /// One value per column of `schema`, in its order, as byte ranges of `text`.
    pub fn new(schema: SchemaRef, text: &str, mut spans: Vec<(u32, u32)>) -> Cells {
        debug_assert_eq!(schema.columns.len(), spans.len());
        let text = LineText::packed(text, &mut spans);
        Cells {
            schema,
            text,
            spans: smallvec::SmallVec::from_vec(spans),
        }
    }

    /// `(header, value)` in printed order.
    pub fn iter(&self) -> impl Iterator<Item = (&Arc<str>, &str)> + '_ {
        self.schema.columns.iter().map(|c| &c.header).zip(
            self.spans
                .iter()
                .map(|&(a, b)| self.text.stored().get(a as usize..b as usize).unwrap_or("")),
        )
    }

    /// The value of column `i`.
    pub fn value(&self, i: usize) -> Option<&str> {
        let &(a, b) = self.spans.get(i)?;
        self.text.stored().get(a as usize..b as usize)
    }

    /// The value under the first column named `header`.
    pub fn get(&self, header: &str) -> Option<&str> {
        self.iter().find(|(h, _)| &***h == header).map(|(_, v)| v)
    }

    /// How many cells.
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    /// Whether there are no cells.
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }
}

impl PartialEq for Cells {
    fn eq(&self, other: &Cells) -> bool {
        self.iter().eq(other.iter())
    }
}

impl Serialize for Cells {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        cells_in_order(self, s)
    }
}

fn cells_in_order<S: Serializer>(cells: &Cells, s: S) -> Result<S::Ok, S::Error> {
    let mut map = s.serialize_map(Some(cells.len()))?;
    // How often each header name came so far: a scan over the few names of a usual
    // row, a map for a wide one (a scan there made a row quadratic in its columns).
    let many = cells.len() > 16;
    let mut few: Vec<(&str, usize)> = Vec::new();
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for (k, v) in cells.iter() {
        #[cfg(test)]
        STEPS.with(|s| s.set(s.get() + 1 + if many { 0 } else { few.len() as u64 }));
        let n = if many {
            let c = counts.entry(k).or_insert(0);
            *c += 1;
            *c
        } else if let Some((_, c)) = few.iter_mut().find(|(h, _)| *h == &**k) {
            *c += 1;
            *c
        } else {
            few.push((k, 1));
            1
        };
        // `-L app.kubernetes.io/name` prints a second NAME header: keep both.
        if n > 1 {
            map.serialize_entry(&format!("{k}#{n}"), v)?;
        } else {
            map.serialize_entry(k, v)?;
        }
    }
    map.end()
}

#[cfg(test)]
thread_local! {
    /// Work of [`cells_in_order`] (header names looked at), for the scaling test.
    static STEPS: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tables::{Column, KindFrom, ResourceKind, Schema};

    /// Issue 16: each cell's JSON key counted the earlier cells of the same header
    /// name (40 k columns: 7 s).
    #[test]
    fn cell_keys_cost_linear_work_in_the_columns() {
        let work = |n: usize| {
            let columns = (0..n)
                .map(|i| Column {
                    header: if i % 2 == 0 { "NAME" } else { "LABEL" }.into(),
                    class: crate::tables::cells::CellClass::Unknown,
                })
                .collect();
            let schema = Arc::new(Schema {
                kind: ResourceKind::Pod,
                kind_from: KindFrom::Header,
                columns,
                positions: vec![],
                wide: false,
                described: None,
            });
            let text = "x ".repeat(n);
            let spans = (0..n as u32).map(|i| (2 * i, 2 * i + 1)).collect();
            let cells = Cells::new(schema, &text, spans);
            STEPS.with(|s| s.set(0));
            let json = serde_json::to_string(&cells).unwrap();
            assert!(
                json.contains(&format!("\"LABEL#{}\":\"x\"", n / 2)),
                "{json}"
            );
            STEPS.with(|s| s.get())
        };
        let (small, large) = (work(100), work(400));
        assert!(
            large <= 6 * small,
            "{small} steps for 100 columns, {large} for 400"
        );
    }
}
