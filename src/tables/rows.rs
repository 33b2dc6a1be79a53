//! A content line under a table: which schema it belongs to, its cells, its notes,
//! the row (or the skip and its reason); and the free helpers that read such lines.

use std::sync::Arc;

use super::header::{self, parse_header, parse_header_after, schema_for_kind};
use super::{
    cells, plain, split, structured_output, to_u32, Column, GetCommand, Item, KindFrom,
    ResourceKind, Row, RowSpans, Schema, SchemaRef, Tabler,
};
use crate::capture::CapturedLine;

/// A row split into cells: the schema it fits, the cells' byte ranges, where an
/// unread trailing annotation starts, what was repaired in a damaged row, and what
/// the one-pass split of a plain row read of its cells.
struct Fitted {
    schema: SchemaRef,
    spans: RowSpans,
    rest: Option<usize>,
    repair: Option<String>,
    read: plain::Read,
}

/// A skip of `cl` with its reason.
fn skipped(cl: CapturedLine, reason: String) -> Item {
    Item::Skipped {
        line: cl.line,
        text: cl.text,
        reason,
    }
}

impl Tabler {
    /// A content line: a describe line, a header, a row, or a skip with its reason.
    pub(super) fn content(&mut self, mut cl: CapturedLine) -> Item {
        if let Some(item) = self.describe_line(&mut cl) {
            return item;
        }
        if let Some(reason) = self.structured_output_skip(&cl.text) {
            return skipped(cl, reason);
        }
        if let Some(h) = parse_header_after(&cl.text, self.get.as_ref()) {
            return self.header(h, cl);
        }
        if let Some(reason) = header::too_wide(&cl.text) {
            self.schema = None;
            return skipped(cl, reason);
        }
        let Some(schema) = self.row_schema(&cl.text) else {
            let reason = "not a table row (no table header or kubectl command before it)";
            return skipped(cl, reason.into());
        };
        match self.fit_row(schema, &cl.text) {
            Ok(fitted) => self.row(cl, fitted),
            Err(reason) => skipped(cl, reason),
        }
    }

    /// Under a `kubectl get -o json` (or another non-table format): the reason to skip
    /// a line that is no header; a header ends that output (a table pasted after it
    /// without its own command).
    fn structured_output_skip(&mut self, text: &str) -> Option<String> {
        if let Some(format) = self.get.as_ref().and_then(structured_output) {
            if parse_header(text).is_none() {
                return Some(format!("output of `kubectl get -o {format}`, not a table"));
            }
            // A table pasted after it without its own command.
            self.get = None;
        }
        None
    }

    /// The schema of a row: the current table's, or one guessed from its cells (a new
    /// stream).
    fn row_schema(&mut self, text: &str) -> Option<SchemaRef> {
        match &self.schema {
            Some(s) => Some(s.clone()),
            None => {
                let s = Arc::new(guess_schema(text)?);
                self.new_stream();
                self.schema = Some(s.clone());
                Some(s)
            }
        }
    }

    /// Splits a row by its schema, an older layout of it (which becomes the table's),
    /// or as a damaged row; else the reason it does not fit.
    fn fit_row(&mut self, schema: SchemaRef, text: &str) -> Result<Fitted, String> {
        if self.plain_rows {
            let mut spans = RowSpans::new();
            if let Some(read) = plain::split_plain(text, &schema.columns, &mut spans) {
                return Ok(Fitted {
                    schema,
                    spans,
                    rest: None,
                    repair: None,
                    read,
                });
            }
        }
        let lenient = |s: &Schema| {
            // On the stack: a row is split once per line, and a `Vec` here was an
            // allocation per line.
            let classes: smallvec::SmallVec<[cells::CellClass; 16]> =
                s.columns.iter().map(|c| c.class).collect();
            split::split_row_lenient(text, &classes, Some(&s.positions))
        };
        let mut schema = schema;
        let mut split = lenient(&schema);
        if split.is_none() {
            if let Some(older) = older_layout(&schema, text) {
                self.schema = Some(older.clone());
                schema = older;
                split = lenient(&schema);
            }
        }
        let mut repair = None;
        if split.is_none() {
            split = damaged_row(text, &schema).map(|(cells, why)| {
                repair = Some(why);
                (cells, None)
            });
        }
        let Some((ranges, rest)) = split else {
            let lone_name = schema.name_column() == 0
                && !pre_1_0(&schema)
                && !text.contains(char::is_whitespace)
                && looks_like_name(text);
            let reason = if lone_name {
                format!(
                    "only a name: a {} row cut short after its first cell (nothing to read)",
                    schema.kind
                )
            } else {
                misfit_reason(&schema, text)
            };
            return Err(reason);
        };
        let spans = ranges
            .iter()
            .map(|&(a, b)| (to_u32(a), to_u32(b)))
            .collect();
        Ok(Fitted {
            schema,
            spans,
            rest,
            repair,
            read: plain::Read::default(),
        })
    }

    /// The row of a line split into cells, with its notes, in the current stream.
    fn row(&mut self, cl: CapturedLine, fitted: Fitted) -> Item {
        let Fitted {
            schema,
            spans,
            rest,
            repair,
            read,
        } = fitted;
        let line = cl.line;
        let note = self.row_note(&cl, &schema, rest, repair);
        let stream = match self.stream {
            Some(s) => s,
            None => self.new_stream(),
        };
        let seq = self.seq;
        self.seq = self.seq.saturating_add(1);
        self.rows_since_header = self.rows_since_header.saturating_add(1);
        Item::Row(Row {
            line,
            stream,
            seq,
            snapshot: self.screen.as_ref().map(|(_, n)| *n),
            listing: match (&self.screen, &self.get) {
                (Some(_), _) => Some(false),
                (None, Some(g)) => Some(!g.watch),
                (None, None) => None,
            },
            schema,
            spans,
            read,
            time: cl.time.or(self.screen_time),
            note,
            text: cl.text,
            namespace: self.get.as_ref().and_then(|g| g.namespace.clone()),
        })
    }

    /// A row's note: the capture's, the repair's, a trailing annotation, and for the
    /// first row of a table inferred from its cells, that it was.
    fn row_note(
        &self,
        cl: &CapturedLine,
        schema: &Schema,
        rest: Option<usize>,
        repair: Option<String>,
    ) -> Option<String> {
        let mut note = match (cl.note.clone(), repair) {
            (Some(a), Some(b)) => Some(format!("{a}; {b}")),
            (a, b) => a.or(b),
        };
        if let Some(at) = rest {
            let ann = format!("annotation: {}", &cl.text[at..]);
            note = Some(match note {
                Some(n) => format!("{n}; {ann}"),
                None => ann,
            });
        }
        if schema.kind_from == KindFrom::Cells && self.seq == 0 {
            let n = format!(
                "no header: columns of a {} table inferred from the cells",
                schema.kind
            );
            note = Some(match note {
                Some(x) => format!("{x}; {n}"),
                None => n,
            });
        }
        note
    }
}

/// Kinds tried, in order, for a row with neither header nor command: the kinds of a
/// node-failure experiment. Free-text kinds (events, endpoints) are never guessed,
/// since prose would fit them.
pub(super) const GUESSABLE_KINDS: &[ResourceKind] = &[
    ResourceKind::Pod,
    ResourceKind::Node,
    ResourceKind::Deployment,
    ResourceKind::ReplicaSet,
    ResourceKind::DaemonSet,
    ResourceKind::StatefulSet,
];

/// A headerless table's columns come from the command and today's layout; an older
/// kubectl printed fewer columns: `-o wide` pods before 1.11 had no NOMINATED NODE,
/// READINESS GATES; nodes before 1.8 no ROLES (before 1.6 no VERSION either);
/// Deployments and StatefulSets before 1.13 DESIRED/CURRENT counts. When a row does
/// not fit today's layout (the caller tried) but fits an older one, that is the
/// layout of the rows that follow.
pub(super) fn older_layout(schema: &SchemaRef, text: &str) -> Option<SchemaRef> {
    if schema.kind_from != KindFrom::Command || !schema.positions.is_empty() {
        return None;
    }
    let classes = schema.classes();
    if schema.wide {
        // Only wide-only columns were added over the years: at most the last two.
        let shortest = classes.len().saturating_sub(2);
        let found = (shortest..classes.len()).rev().find_map(|n| {
            split::split_row(text, &classes[..n], None)?;
            let mut older = Schema::clone(schema);
            older.columns.truncate(n);
            Some(Arc::new(older))
        });
        if found.is_some() {
            return found;
        }
    }
    // Earlier column sets of the kind: the current columns without some of them
    // (the extra columns a command adds, NAMESPACE, labels, stay).
    let dropped: &[&[&str]] = match (&schema.kind, schema.wide) {
        (ResourceKind::Node, false) => &[&["ROLES"], &["ROLES", "VERSION"]],
        (ResourceKind::Node, true) => &[&["ROLES"], &["ROLES", "INTERNAL-IP"]],
        _ => &[],
    };
    let added: &[(&str, &[&str])] = match schema.kind {
        ResourceKind::Deployment => &[("READY", &["DESIRED", "CURRENT"])],
        ResourceKind::StatefulSet => &[("READY", &["DESIRED", "CURRENT"])],
        _ => &[],
    };
    let candidates = dropped
        .iter()
        .map(|gone| {
            schema
                .columns
                .iter()
                .filter(|c| !gone.contains(&&*c.header))
                .cloned()
                .collect::<Vec<_>>()
        })
        .chain(added.iter().map(|(replaced, by)| {
            schema
                .columns
                .iter()
                .flat_map(|c| {
                    if &*c.header == *replaced {
                        by.iter()
                            .map(|h| Column {
                                header: Arc::from(*h),
                                class: cells::CellClass::Count,
                            })
                            .collect()
                    } else {
                        vec![c.clone()]
                    }
                })
                .collect::<Vec<_>>()
        }));
    for columns in candidates {
        let classes: Vec<_> = columns.iter().map(|c| c.class).collect();
        if split::split_row(text, &classes, None).is_some() {
            let mut older = Schema::clone(schema);
            older.columns = columns;
            return Some(Arc::new(older));
        }
    }
    None
}

/// A row kubectl printed whole but the copy damaged, read as far as it goes: a last
/// cell with a stray character (`<none>>`) kept verbatim, or a row cut short (`web-1
/// 1/1 Terminating 0` with no AGE…) whose missing trailing cells are empty. Only for a
/// line laid out like kubectl's (an object name first, cells apart by two spaces or
/// more) under a header or a command, never for a guessed table; at most two splits
/// of the line. The note says what is wrong. The cells, and the note.
pub(super) fn damaged_row(text: &str, schema: &Schema) -> Option<(split::Cells, String)> {
    if schema.kind_from == KindFrom::Cells || schema.columns.len() < 2 || pre_1_0(schema) {
        return None;
    }
    let words = split::words(text);
    let first = words.first()?;
    // Cells as kubectl lays them out: runs of words between gaps of two or more.
    let runs = 1 + words.iter().skip(1).filter(|w| w.gap >= 2).count();
    if runs < 2 || !looks_like_name(&text[first.start..first.end]) || schema.name_column() != 0 {
        return None;
    }
    let mut classes = schema.classes();
    let positions = Some(&schema.positions[..]);
    let n = classes.len();
    // The last cell damaged: every other cell fits its grammar, the last is any word.
    let last = classes[n - 1];
    classes[n - 1] = cells::CellClass::Token;
    if let Some(cells) = split::split_row(text, &classes, positions) {
        let (a, b) = cells[n - 1];
        return Some((
            cells,
            format!(
                "last cell {:?} is not a {} cell: kept verbatim (damaged in the copy?)",
                &text[a..b],
                schema.columns[n - 1].header
            ),
        ));
    }
    classes[n - 1] = last;
    // Cut short: one run a cell, so the first `runs` columns.
    let k = runs;
    if k >= n {
        return None;
    }
    let mut cells = split::split_row(text, &classes[..k], positions)?;
    let missing: Vec<&str> = schema.columns[k..].iter().map(|c| &*c.header).collect();
    cells.extend(std::iter::repeat_n((text.len(), text.len()), n - k));
    Some((
        cells,
        format!(
            "row ends early: no {} (cut short in the copy?)",
            missing.join(", ")
        ),
    ))
}

/// A table of kubectl before 1.0 (`POD …`, `CONTROLLER …`): an object's second and
/// later containers are printed on lines of their own, under CONTAINER(S)/IMAGE(S).
pub(super) fn pre_1_0(schema: &Schema) -> bool {
    schema
        .columns
        .first()
        .is_some_and(|c| matches!(&*c.header, "POD" | "CONTROLLER"))
}

/// Why a row does not fit its table: the kind and the first columns, and the one
/// column whose cell alone keeps the row out, when there is one (`AGE 10m30s`: kubectl
/// drops the seconds from ten minutes on). The reason is kept per skipped line and
/// counted by its text, so it names no cell's value and stays short whatever the
/// header claimed.
pub(super) fn misfit_reason(schema: &Schema, text: &str) -> String {
    if pre_1_0(schema) {
        return "a container line of the object above (kubectl before 1.0 printed one line \
                per container), not a row of its own"
            .into();
    }
    const LISTED: usize = 12;
    let names: Vec<&str> = schema
        .columns
        .iter()
        .take(LISTED)
        .map(|c| &*c.header)
        .collect();
    let more = schema.columns.len().saturating_sub(LISTED);
    let rest = if more > 0 {
        format!(", … {more} more")
    } else {
        String::new()
    };
    let culprit = misfit_column(schema, text)
        .map(|j| {
            format!(
                ": its {} cell is not one kubectl prints",
                schema.columns[j].header
            )
        })
        .unwrap_or_default();
    format!(
        "does not fit the {} table's columns ({}{rest}){culprit}",
        schema.kind,
        names.join(", ")
    )
}

/// The column whose cell alone keeps `text` out of `schema`: the row, an object's
/// name first, fits with every cell printed once that cell may be any word (a line
/// of prose or a rule under a table fits nowhere, or with cells missing). Asked only
/// of rows that do not fit, a column at a time.
fn misfit_column(schema: &Schema, text: &str) -> Option<usize> {
    let first = text.split_whitespace().next()?;
    if schema.name_column() != 0 || !looks_like_name(first) {
        return None;
    }
    let mut classes = schema.classes();
    let positions = Some(&schema.positions[..]);
    (0..classes.len()).find(|&j| {
        let class = std::mem::replace(&mut classes[j], cells::CellClass::Token);
        let fits = split::split_row(text, &classes, positions)
            .is_some_and(|cells| cells.iter().all(|&(a, b)| b > a));
        classes[j] = class;
        fits
    })
}

/// A kubernetes object name (DNS-1123 subdomain, case-insensitive for leniency).
pub(super) fn looks_like_name(w: &str) -> bool {
    let w = w.split_once('/').map_or(w, |(_, n)| n);
    !w.is_empty()
        && w.len() <= 253
        && w.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
        && w.as_bytes()[0].is_ascii_alphanumeric()
}

/// Guesses the kind of a headerless row from its cells: the experiment kind whose
/// current columns (normal or wide) fit it.
pub(super) fn guess_schema(text: &str) -> Option<Schema> {
    let first = text.split_whitespace().next()?;
    if !looks_like_name(first) || text.split_whitespace().count() < 3 {
        return None;
    }
    for kind in GUESSABLE_KINDS {
        for wide in [true, false] {
            let get = GetCommand {
                wide,
                ..Default::default()
            };
            let schema = schema_for_kind(kind.clone(), Some(&get), KindFrom::Cells)?;
            if split::split_row(text, &schema.classes(), None).is_some() {
                return Some(schema);
            }
        }
    }
    None
}
