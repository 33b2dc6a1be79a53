//! A row's cells with their headers, and their JSON form (one key a header).

use crate::HashMap;
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
    spans: Spans,
}

/// How many cells a row keeps inline: `kubectl get pods -o wide -A` prints ten.
const INLINE_CELLS: usize = 10;

/// The cells' byte ranges. Inline and in 16 bits when the line allows (nearly every
/// line: 4 bytes a cell, not a small allocation a row — freed when the rows became
/// states, those left holes between the kept line texts that nothing reused).
#[derive(Debug, Clone)]
enum Spans {
    Short(smallvec::SmallVec<[(u16, u16); INLINE_CELLS]>),
    Long(Box<[(u32, u32)]>),
}

impl Spans {
    fn new(spans: &[(u32, u32)]) -> Spans {
        // A usual row: into an array, then the array is the vector (no push a cell).
        if spans.len() <= INLINE_CELLS {
            let mut inline = [(0u16, 0u16); INLINE_CELLS];
            let fits = inline.iter_mut().zip(spans).all(|(slot, &(a, b))| {
                *slot = (a as u16, b as u16);
                a <= u32::from(u16::MAX) && b <= u32::from(u16::MAX)
            });
            if fits {
                return Spans::Short(smallvec::SmallVec::from_buf_and_len(inline, spans.len()));
            }
        }
        // Checked first, then copied by a plain loop: collecting `Option`s through
        // the small vector's `extend` cost more than the rest of the cells.
        let max = u32::from(u16::MAX);
        if spans.iter().any(|&(a, b)| a > max || b > max) {
            return Spans::Long(spans.into());
        }
        Spans::Short(spans.iter().map(|&(a, b)| (a as u16, b as u16)).collect())
    }

    fn get(&self, i: usize) -> Option<(usize, usize)> {
        match self {
            Spans::Short(v) => v.get(i).map(|&(a, b)| (a as usize, b as usize)),
            Spans::Long(v) => v.get(i).map(|&(a, b)| (a as usize, b as usize)),
        }
    }

    fn len(&self) -> usize {
        match self {
            Spans::Short(v) => v.len(),
            Spans::Long(v) => v.len(),
        }
    }
}

impl Cells {
    /// One value per column of `schema`, in its order, as byte ranges of `text`.
    pub fn new(schema: SchemaRef, text: &str, spans: &mut [(u32, u32)]) -> Cells {
        debug_assert_eq!(schema.columns.len(), spans.len());
        let text = LineText::packed(text, spans);
        Cells::of(schema, text, spans)
    }

    /// [`Cells::new`] for a row the one-pass split found plain (see
    /// [`LineText::packed_plain`]).
    pub(crate) fn new_plain(schema: SchemaRef, text: String, spans: &mut [(u32, u32)]) -> Cells {
        debug_assert_eq!(schema.columns.len(), spans.len());
        let text = LineText::packed_plain(text, spans);
        Cells::of(schema, text, spans)
    }

    /// The cells of a packed line, `spans` its ranges in it.
    fn of(schema: SchemaRef, text: LineText, spans: &[(u32, u32)]) -> Cells {
        Cells {
            schema,
            text,
            spans: Spans::new(spans),
        }
    }

    /// `(header, value)` in printed order.
    pub fn iter(&self) -> impl Iterator<Item = (&Arc<str>, &str)> + Clone + '_ {
        let headers = self.schema.columns.iter().map(|c| &c.header);
        headers.zip((0..self.spans.len()).map(|i| self.value(i).unwrap_or("")))
    }

    /// The table's schema: its columns' headers, by position.
    pub fn schema(&self) -> &SchemaRef {
        &self.schema
    }

    /// `(header, value)` of column `i` (as [`Cells::iter`] gives it).
    pub fn column(&self, i: usize) -> (&Arc<str>, &str) {
        (&self.schema.columns[i].header, self.value(i).unwrap_or(""))
    }

    /// The value of column `i`.
    pub fn value(&self, i: usize) -> Option<&str> {
        let (a, b) = self.spans.get(i)?;
        self.text.stored().get(a..b)
    }

    /// The value under the first column named `header`.
    pub fn get(&self, header: &str) -> Option<&str> {
        let i = (self.schema.columns.iter()).position(|c| &*c.header == header)?;
        Some(self.value(i).unwrap_or(""))
    }

    /// `(header, value here, value there)` of each column, when `other` is a row of
    /// the same table (the same schema, as many cells): the headers are then equal by
    /// construction. `None` otherwise.
    pub(super) fn shared_columns<'a>(
        &'a self,
        other: &'a Cells,
    ) -> Option<impl Iterator<Item = (&'a str, &'a str, &'a str)> + 'a> {
        let columns = &self.schema.columns;
        let n = self.len().min(columns.len());
        if !Arc::ptr_eq(&self.schema, &other.schema) || n != other.len().min(columns.len()) {
            return None;
        }
        let value = |cells: &'a Cells, i| cells.value(i).unwrap_or("");
        let cells = columns[..n].iter().enumerate();
        Some(cells.map(move |(i, c)| (&*c.header, value(self, i), value(other, i))))
    }

    /// The stored text and the cells' ranges in it, when they are kept in 16 bits
    /// (nearly every row): for reading many cells of a row with the ranges' form
    /// matched once, not per cell as [`Cells::value`] does ([`short_value`]).
    pub(super) fn short_spans(&self) -> Option<(&str, &[(u16, u16)])> {
        match &self.spans {
            Spans::Short(v) => Some((self.text.stored(), v)),
            Spans::Long(_) => None,
        }
    }

    /// How many cells.
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    /// Whether there are no cells.
    pub fn is_empty(&self) -> bool {
        self.spans.len() == 0
    }
}

/// Cell `i` of a row given by [`Cells::short_spans`], or empty: what
/// `cells.value(i).unwrap_or("")` gives.
#[inline(always)]
pub(super) fn short_value<'a>(text: &'a str, spans: &[(u16, u16)], i: usize) -> &'a str {
    spans
        .get(i)
        .and_then(|&(a, b)| text.get(usize::from(a)..usize::from(b)))
        .unwrap_or("")
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
    let mut counts: HashMap<&str, usize> = HashMap::default();
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

    /// A pods table of columns with these headers.
    fn schema(headers: impl Iterator<Item = String>) -> SchemaRef {
        let columns = headers
            .map(|h| Column {
                header: h.into(),
                class: crate::tables::cells::CellClass::Unknown,
            })
            .collect();
        Arc::new(Schema {
            kind: ResourceKind::Pod,
            kind_from: KindFrom::Header,
            columns,
            positions: vec![],
            wide: false,
            described: None,
        })
    }

    /// A usual row's ranges are inline in 16 bits; a line past 64 KiB keeps its
    /// ranges whole, and both read the same cells.
    #[test]
    fn short_and_long_lines_read_the_same_cells() {
        for width in [2, 70_000] {
            let text = format!("a   {}   c", "b".repeat(width));
            let b = 4 + width as u32;
            let headers = (0..3).map(|i| format!("C{i}"));
            let cells = Cells::new(
                schema(headers),
                &text,
                &mut [(0, 1), (4, b), (b + 3, b + 4)],
            );
            assert_eq!(matches!(cells.spans, Spans::Short(_)), width < 60_000);
            let values: Vec<String> = cells.iter().map(|(_, v)| v.to_string()).collect();
            assert_eq!(
                values,
                ["a".to_string(), "b".repeat(width), "c".to_string()]
            );
            assert_eq!(cells.text.to_string(), text);
        }
        assert!(std::mem::size_of::<Spans>() <= 56);
    }

    /// Issue 16: each cell's JSON key counted the earlier cells of the same header
    /// name (40 k columns: 7 s).
    #[test]
    fn cell_keys_cost_linear_work_in_the_columns() {
        let work = |n: usize| {
            let headers = (0..n).map(|i| if i % 2 == 0 { "NAME" } else { "LABEL" }.to_string());
            let schema = schema(headers);
            let text = "x ".repeat(n);
            let mut spans: Vec<_> = (0..n as u32).map(|i| (2 * i, 2 * i + 1)).collect();
            let cells = Cells::new(schema, &text, &mut spans);
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
