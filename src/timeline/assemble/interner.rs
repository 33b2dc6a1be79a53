//! One copy of what many states print alike ([`Interner`]), and the comparison of a
//! row's state with its object's previous one, which reads the same tables.

use std::sync::Arc;

use crate::observe::Observation;
use crate::Text;

/// The other cells of states, one copy of each distinct set, and one copy of each
/// STATUS, IP and NODE: a long capture has a state a line, and nearly all of them
/// print the same `<none>`s, a few statuses, a pod's own IP and node.
#[derive(Default)]
pub(super) struct Interner {
    cells: crate::HashSet<OtherCells>,
    values: crate::HashSet<Arc<str>>,
    /// The last value interned for each field (STATUS, IP, NODE): see
    /// [`Interner::field_value`].
    recent: [Option<Arc<str>>; 3],
    /// The cells interned last: most rows print what the row before printed (a pod's
    /// `<none>` NOMINATED NODE and READINESS GATES), compared without building them.
    last: Option<OtherCells>,
    /// The last schema's other columns (positions): found once a table, not by
    /// comparing every row's headers.
    other_columns: Option<(crate::tables::SchemaRef, Arc<[usize]>)>,
    /// The comparison of a row's state with its object's previous one, by the
    /// last schema's state columns: see [`Interner::same_state`].
    states: crate::observe::StateComparer,
    /// The last schema's columns of the fields a state keeps ([`Fields`]).
    fields: Option<(crate::tables::SchemaRef, Fields)>,
}

/// Where a table prints what [`Observation::status`], [`Observation::ip`] and
/// [`Observation::node`] read (the first column of each header): found once a table,
/// not by comparing headers for every state.
#[derive(Clone, Copy)]
struct Fields {
    status: Option<usize>,
    /// IP, else INTERNAL-IP.
    ip: Option<usize>,
    node: Option<usize>,
    host: Option<usize>,
}

/// STATUS, IP and NODE of a row, as [`Observation::status`], [`Observation::ip`] and
/// [`Observation::node`] read them.
pub(super) struct Shows<'r> {
    pub(super) status: Option<&'r str>,
    pub(super) ip: Option<&'r str>,
    pub(super) node: Option<&'r str>,
}

/// A state's other cells, shared between the states that print the same.
pub(super) type OtherCells = Arc<[(Arc<str>, Text)]>;

impl Interner {
    /// The positions of `schema`'s columns that a state keeps as other cells: all
    /// but those it keeps as fields, or that are no state's (AGE: the time).
    pub(super) fn other_columns(&mut self, schema: &crate::tables::SchemaRef) -> Arc<[usize]> {
        if let Some((s, cols)) = &self.other_columns {
            if Arc::ptr_eq(s, schema) {
                return cols.clone();
            }
        }
        let cols: Arc<[usize]> = (schema.columns.iter().enumerate())
            .filter(|(_, c)| {
                !matches!(
                    &*c.header,
                    "NAME"
                        | "NAMESPACE"
                        | "EVENT"
                        | "AGE"
                        | "STATUS"
                        | "READY"
                        | "RESTARTS"
                        | "IP"
                        | "NODE"
                )
            })
            .map(|(i, _)| i)
            .collect();
        self.other_columns = Some((schema.clone(), cols.clone()));
        cols
    }

    /// STATUS, IP and NODE of `row`, by the positions of its table's columns.
    pub(super) fn shows<'r>(&mut self, row: &'r Observation) -> Shows<'r> {
        let schema = row.cells.schema();
        let f = match &self.fields {
            Some((s, f)) if Arc::ptr_eq(s, schema) => *f,
            _ => {
                let at = |h: &str| schema.columns.iter().position(|c| &*c.header == h);
                let f = Fields {
                    status: at("STATUS"),
                    ip: at("IP").or_else(|| at("INTERNAL-IP")),
                    node: at("NODE"),
                    host: at("HOST"),
                };
                self.fields = Some((schema.clone(), f));
                f
            }
        };
        let value = |i: usize| row.cells.value(i).unwrap_or("");
        // `<none>` and an empty cell say "nothing".
        let something = |v: &&str| !v.is_empty() && *v != "<none>";
        let node = if *row.kind() == crate::tables::ResourceKind::Node {
            None
        } else {
            (f.node.map(value))
                .or_else(|| f.host.map(value).map(|h| h.split('/').next().unwrap_or(h)))
                .filter(something)
                .filter(|n| *n != "<unassigned>")
        };
        Shows {
            status: f.status.map(value),
            ip: f.ip.map(value).filter(something),
            node,
        }
    }

    /// Whether `row` shows the same state as `before`: [`Observation::same_state`],
    /// by the values of the table's state columns only (every row of a capture is
    /// compared with its object's previous one).
    pub(super) fn same_state(&mut self, row: &Observation, before: &Observation) -> bool {
        self.states.same_state(row, before)
    }

    /// The shared copy of a row's other cells (`(header, value)` in printed order).
    pub(super) fn cells_of<'c>(
        &mut self,
        row: impl ExactSizeIterator<Item = (&'c Arc<str>, &'c str)> + Clone,
    ) -> OtherCells {
        if let Some(last) = &self.last {
            // A header kept from the same table is the same `Arc`: compared by
            // pointer first, by text only when it is not.
            let same = last.len() == row.len()
                && (last.iter().zip(row.clone())).all(|((h, v), (rh, rv))| {
                    (Arc::ptr_eq(h, rh) || **h == **rh) && v.as_str() == rv
                });
            if same {
                return last.clone();
            }
        }
        let c = self.cells(row.map(|(h, v)| (h.clone(), Text::from(v))).collect());
        self.last = Some(c.clone());
        c
    }

    fn cells(&mut self, cells: Vec<(Arc<str>, Text)>) -> OtherCells {
        if let Some(c) = self.cells.get(&cells[..]) {
            return c.clone();
        }
        let c: OtherCells = cells.into();
        self.cells.insert(c.clone());
        c
    }

    pub(super) fn value(&mut self, v: &str) -> Arc<str> {
        if let Some(x) = self.values.get(v) {
            return x.clone();
        }
        let x: Arc<str> = v.into();
        self.values.insert(x.clone());
        x
    }

    /// [`Interner::value`] of a field (`field`: its slot in `recent`), comparing with
    /// the field's last value before hashing: an object's states in turn mostly keep
    /// its node and IP, and most show one of a few statuses.
    pub(super) fn field_value(&mut self, field: usize, v: &str) -> Arc<str> {
        if let Some(Some(x)) = self.recent.get(field) {
            if **x == *v {
                return x.clone();
            }
        }
        let x = self.value(v);
        if let Some(slot) = self.recent.get_mut(field) {
            *slot = Some(x.clone());
        }
        x
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::{Origin, Source};

    /// The rows `text` is read into, as source `name`.
    fn rows_of(name: &str, text: &str) -> Vec<Observation> {
        let source = Source {
            name: name.into(),
            origin: Origin::Bytes(text.as_bytes().to_vec().into()),
        };
        crate::ingest::ingest(&[source])
            .expect("ingested")
            .observations
    }

    /// The comparison by state columns says what `Observation::same_state` says, for
    /// every pair of rows: AGE and the `(X ago)` of RESTARTS left out, any other cell
    /// compared, rows of another table compared the slow way.
    #[test]
    fn same_state_by_columns_is_observation_s_same_state() {
        let text = "NAME    READY   STATUS    RESTARTS   AGE   IP         NODE\n\
                    web-1   1/1     Running   0          5m    10.0.0.1   n1\n\
                    web-1   1/1     Running   0          6m    10.0.0.1   n1\n\
                    web-1   1/1     Running   1 (3s ago)   7m    10.0.0.1   n1\n\
                    web-1   1/1     Running   1 (9m ago)   16m   10.0.0.1   n1\n\
                    web-1   0/1     Unknown   1 (9m ago)   16m   10.0.0.1   n1\n\
                    web-1   0/1     Unknown   1 (9m ago)   16m   10.0.0.2   n1\n\
                    web-1   0/1     Unknown   1 (9m ago)   17m   10.0.0.2   <none>\n\
                    NAME    READY   STATUS    RESTARTS   AGE\n\
                    web-1   0/1     Unknown   1 (9m ago)   16m\n";
        let rows = rows_of("pods.log", text);
        assert_eq!(rows.len(), 8);
        let mut cells = Interner::default();
        let mut same = 0;
        for a in &rows {
            for b in &rows {
                let want = Observation::same_state(b, a);
                assert_eq!(cells.same_state(a, b), want, "{} / {}", a.text(), b.text());
                same += usize::from(want);
            }
        }
        // Rows 0–1 alike, 2–3 alike; each row with itself.
        assert_eq!(same, 8 + 2 + 2);
        let nodes = "NAME   STATUS   ROLES    AGE   VERSION   INTERNAL-IP   EXTERNAL-IP\n\
                     n1     Ready    <none>   5d    v1.30.0   10.1.0.1      <none>\n\
                     n2     NotReady <none>   5d    v1.30.0   <none>        <none>\n";
        let nodes = rows_of("nodes.log", nodes);
        assert_eq!(nodes.len(), 2);
        for a in rows.iter().chain(&nodes) {
            let s = cells.shows(a);
            assert_eq!((s.status, s.ip, s.node), (a.status(), a.ip(), a.node()));
        }
    }
}
