//! Stage 2 — tables: captured lines → table rows split into cells.
//!
//! A header line starts a table and fixes its [`Schema`] (kind and columns), using
//! the `kubectl get` command before it when there is one. Rows follow until the next
//! header or command; each row is split into cells by the columns' grammars
//! ([`split`]). Tables without a header (`--no-headers`, output piped through
//! `grep`) take their columns from the command, or from the first row's cells.
//!
//! Every captured line gets exactly one [`Item`]: a row, a header, a command, a time,
//! or a skip with its reason — nothing is dropped silently.
//!
//! A *stream* is one run of one watch command: its rows share a relative clock and
//! their order is the order kubectl printed them.

pub mod cells;
pub mod describe;
pub(crate) mod header;
pub mod schema;
pub mod split;

use std::sync::Arc;

use crate::capture::{CapturedLine, Command, GetCommand, LineKind, WallClock};
use header::{
    apply_label_columns, command_kind, parse_header, parse_header_after, schema_for_kind,
    schema_from_header, Header,
};
pub use header::{Column, Described, KindFrom, Schema, SchemaRef};
pub use schema::ResourceKind;

/// One table row, split into cells.
#[derive(Debug, Clone)]
pub struct Row {
    /// 1-based source line.
    pub line: u64,
    /// The stream (watch command run) the row belongs to, unique in the experiment.
    pub stream: u32,
    /// Position of the row in its stream, from 0.
    pub seq: u32,
    /// For `watch` screens: which screen (snapshot) of the stream.
    pub snapshot: Option<u32>,
    /// Whether the row is part of a plain `kubectl get` listing (no `-w`): the
    /// apiserver answered one list request, so its rows show one instant. `None` when
    /// no command says (a table pasted without its command).
    pub listing: Option<bool>,
    /// The table's schema: its kind and columns.
    pub schema: SchemaRef,
    /// One cell per schema column, as a byte range of `text` (an empty cell is an
    /// empty range): the cells are kept as ranges, not copies, all the way into the
    /// observations. Lines are cut at 1 MiB by the capture, so 32 bits hold them.
    pub spans: Vec<(u32, u32)>,
    /// Absolute time of the row when the capture carries one (ts prefix, watch screen).
    pub time: Option<WallClock>,
    /// What was repaired or left over on the line (an annotation after the row...).
    pub note: Option<String>,
    /// The cleaned line text, for evidence (`pods.log:12: <the line>`).
    pub text: String,
    /// The namespace the command asked for (`-n shop`), when the table has no
    /// NAMESPACE column.
    pub namespace: Option<String>,
}

impl Row {
    /// The text of cell `i` (in the schema's column order).
    pub fn cell(&self, i: usize) -> Option<&str> {
        let &(a, b) = self.spans.get(i)?;
        self.text.get(a as usize..b as usize)
    }

    /// The cells' texts in column order.
    pub fn cells(&self) -> impl Iterator<Item = &str> + '_ {
        (0..self.spans.len()).map(|i| self.cell(i).unwrap_or(""))
    }
}

/// A byte offset within a captured line (at most 1 MiB long: see `Row::spans`).
fn to_u32(at: usize) -> u32 {
    u32::try_from(at).unwrap_or(u32::MAX)
}

/// What became of one captured line.
#[derive(Debug, Clone)]
pub enum Item {
    /// A table row, split into cells.
    Row(Row),
    /// A header started a table.
    Header {
        /// 1-based line number.
        line: u64,
        /// The stream the table starts.
        stream: u32,
        /// The schema the header fixes.
        schema: SchemaRef,
        /// A repair made to the header (a lost first letter), if any.
        note: Option<String>,
    },
    /// A shell command (starts a stream when it is a `kubectl get`).
    Command {
        /// 1-based line number.
        line: u64,
        /// The command as recognised.
        command: Command,
        /// The prompt's time, when it showed one.
        time: Option<WallClock>,
    },
    /// A line that carries only a time, or a `watch` screen header.
    Time {
        /// 1-based line number.
        line: u64,
        /// The stream it falls in, if any.
        stream: Option<u32>,
        /// The time it carries.
        time: WallClock,
    },
    /// `^C`: the stream before it ends here.
    Interrupt {
        /// 1-based line number.
        line: u64,
    },
    /// An empty line.
    Blank {
        /// 1-based line number.
        line: u64,
    },
    /// A line that is not part of any table, with the reason.
    Skipped {
        /// 1-based line number.
        line: u64,
        /// The line as captured.
        text: String,
        /// Why it was skipped.
        reason: String,
    },
}

impl Item {
    /// The item's 1-based line number.
    pub fn line(&self) -> u64 {
        match self {
            Item::Row(r) => r.line,
            Item::Header { line, .. }
            | Item::Command { line, .. }
            | Item::Time { line, .. }
            | Item::Interrupt { line }
            | Item::Blank { line }
            | Item::Skipped { line, .. } => *line,
        }
    }
}

/// Kinds tried, in order, for a row with neither header nor command: the kinds of a
/// node-failure experiment. Free-text kinds (events, endpoints) are never guessed,
/// since prose would fit them.
const GUESSABLE_KINDS: &[ResourceKind] = &[
    ResourceKind::Pod,
    ResourceKind::Node,
    ResourceKind::Deployment,
    ResourceKind::ReplicaSet,
    ResourceKind::DaemonSet,
    ResourceKind::StatefulSet,
];

/// Turns one source's captured lines into [`Item`]s, one per line.
pub struct Tabler {
    next_stream: u32,
    stream: Option<u32>,
    seq: u32,
    schema: Option<SchemaRef>,
    /// The `kubectl get` whose output we are in, if any.
    get: Option<GetCommand>,
    /// The last watch-screen command and screen number.
    screen: Option<(String, u32)>,
    screen_time: Option<WallClock>,
    /// Inside `kubectl describe` output.
    describe: Option<describe::DescribeState>,
}

impl Tabler {
    /// A tabler whose first stream gets the id `first_stream`.
    pub fn new(first_stream: u32) -> Tabler {
        Tabler {
            next_stream: first_stream,
            stream: None,
            seq: 0,
            schema: None,
            get: None,
            screen: None,
            screen_time: None,
            describe: None,
        }
    }

    /// The id the next new stream would get (to continue numbering in the next source).
    pub fn next_stream_id(&self) -> u32 {
        self.next_stream
    }

    fn new_stream(&mut self) -> u32 {
        let id = self.next_stream;
        self.next_stream += 1;
        self.stream = Some(id);
        self.seq = 0;
        id
    }

    fn end_stream(&mut self) {
        self.stream = None;
        self.schema = None;
        self.screen = None;
        self.screen_time = None;
    }

    /// Classifies one captured line.
    pub fn push(&mut self, cl: CapturedLine) -> Item {
        let line = cl.line;
        match cl.kind {
            LineKind::Blank => {
                // A describe's Events block ends at the blank line after it.
                if let Some(d) = self.describe.as_mut().filter(|d| d.in_events) {
                    d.in_events = false;
                    self.end_stream();
                }
                Item::Blank { line }
            }
            LineKind::Skipped(reason) => Item::Skipped {
                line,
                text: cl.text,
                reason,
            },
            LineKind::Interrupt => {
                self.end_stream();
                self.get = None;
                self.describe = None;
                Item::Interrupt { line }
            }
            LineKind::TimeMarker => match cl.time {
                Some(time) => Item::Time {
                    line,
                    stream: self.stream,
                    time,
                },
                None => Item::Skipped {
                    line,
                    text: cl.text,
                    reason: "time marker without a readable time".into(),
                },
            },
            LineKind::Command(command) => {
                self.end_stream();
                self.describe = crate::capture::describe_of(&command.text)
                    .map(|d| describe::DescribeState::from_command(&d));
                // `kubectl describe $(kubectl get pod -o name)` is no `get`.
                self.get = command.get.clone().filter(|_| self.describe.is_none());
                if let Some(get) = self.get.clone() {
                    self.new_stream();
                    self.schema = headerless_schema(&get);
                }
                Item::Command {
                    line,
                    command,
                    time: cl.time,
                }
            }
            LineKind::ScreenHeader(command) => {
                let same = self
                    .screen
                    .as_ref()
                    .is_some_and(|(text, _)| *text == command.text);
                if same {
                    if let Some((_, n)) = &mut self.screen {
                        *n += 1;
                    }
                } else {
                    self.end_stream();
                    self.describe = None;
                    self.get = command.get.clone();
                    self.new_stream();
                    self.schema = self.get.as_ref().and_then(headerless_schema);
                    self.screen = Some((command.text.clone(), 0));
                }
                self.seq = 0;
                self.screen_time = cl.time;
                match cl.time {
                    Some(time) => Item::Time {
                        line,
                        stream: self.stream,
                        time,
                    },
                    None => Item::Command {
                        line,
                        command,
                        time: None,
                    },
                }
            }
            LineKind::Content => self.content(cl),
        }
    }

    /// A header line: a new table (or the same table's header again), its schema.
    fn header(&mut self, h: Header, cl: CapturedLine) -> Item {
        let line = cl.line;
        let mut schema = schema_from_header(&h, self.get.as_ref());
        apply_label_columns(&mut schema, self.get.as_ref());
        let continues = self.stream.is_some()
            && self
                .schema
                .as_ref()
                .is_none_or(|s| s.columns == schema.columns || s.positions.is_empty());
        let stream = if continues {
            self.stream.unwrap_or_default()
        } else {
            self.new_stream()
        };
        let schema = Arc::new(schema);
        self.schema = Some(schema.clone());
        let note = match (h.note, cl.note) {
            (Some(a), Some(b)) => Some(format!("{a}; {b}")),
            (a, b) => a.or(b),
        };
        Item::Header {
            line,
            stream,
            schema,
            note,
        }
    }

    /// A line of `kubectl describe` output (or one that starts it: `Events:`, a
    /// `Name:` line): its Events header, the dashes under it, or a skip. Rows of the
    /// Events block and any other line are handed back.
    fn describe_line(&mut self, cl: &mut CapturedLine) -> Option<Item> {
        let line = cl.line;
        let skip = |cl: &mut CapturedLine, reason: &str| {
            Some(Item::Skipped {
                line: cl.line,
                text: std::mem::take(&mut cl.text),
                reason: reason.into(),
            })
        };
        if let Some(any) = describe::events_start(&cl.text) {
            self.end_stream();
            self.describe.get_or_insert_with(Default::default).in_events = any;
            return skip(
                cl,
                if any {
                    "start of a `kubectl describe` Events block"
                } else {
                    "a `kubectl describe` Events block with no events"
                },
            );
        }
        if self.describe.is_none() && describe::name_line(&cl.text).is_some() {
            // `describe` output pasted without its command.
            self.end_stream();
            self.get = None;
            self.describe = Some(Default::default());
        }
        let d = self.describe.as_mut()?;
        if d.in_events {
            if self.schema.is_none() {
                if let Some(schema) = describe::events_header(&cl.text, &d.object) {
                    let stream = self.new_stream();
                    let schema = Arc::new(schema);
                    self.schema = Some(schema.clone());
                    return Some(Item::Header {
                        line,
                        stream,
                        schema,
                        note: cl.note.take(),
                    });
                }
            } else if describe::is_underline(&cl.text) {
                return skip(cl, "the dashes under a `kubectl describe` Events header");
            } else if describe::name_line(&cl.text).is_some() {
                // The next object of a multi-object describe, with no blank line between.
                d.in_events = false;
                self.schema = None;
            } else {
                return None;
            }
        }
        if parse_header(&cl.text).is_some() {
            // A table after the describe output, pasted without its command.
            self.describe = None;
            return None;
        }
        d.note_key_line(&cl.text);
        skip(cl, describe::SKIP_REASON)
    }

    fn content(&mut self, mut cl: CapturedLine) -> Item {
        if let Some(item) = self.describe_line(&mut cl) {
            return item;
        }
        if let Some(format) = self.get.as_ref().and_then(structured_output) {
            if parse_header(&cl.text).is_none() {
                let reason = format!("output of `kubectl get -o {format}`, not a table");
                return Item::Skipped {
                    line: cl.line,
                    text: cl.text,
                    reason,
                };
            }
            // A table pasted after it without its own command.
            self.get = None;
        }
        let line = cl.line;
        if let Some(h) = parse_header_after(&cl.text, self.get.as_ref()) {
            return self.header(h, cl);
        }
        if let Some(reason) = header::too_wide(&cl.text) {
            self.schema = None;
            return Item::Skipped {
                line,
                text: cl.text,
                reason,
            };
        }
        let schema = match &self.schema {
            Some(s) => s.clone(),
            None => match guess_schema(&cl.text) {
                Some(s) => {
                    let s = Arc::new(s);
                    self.new_stream();
                    self.schema = Some(s.clone());
                    s
                }
                None => {
                    return Item::Skipped {
                        line,
                        text: cl.text,
                        reason: "not a table row (no table header or kubectl command before it)"
                            .into(),
                    }
                }
            },
        };
        let lenient =
            |s: &Schema| split::split_row_lenient(&cl.text, &s.classes(), Some(&s.positions));
        let mut schema = schema;
        let mut split = lenient(&schema);
        if split.is_none() {
            if let Some(older) = older_layout(&schema, &cl.text) {
                self.schema = Some(older.clone());
                schema = older;
                split = lenient(&schema);
            }
        }
        let mut repair = None;
        if split.is_none() {
            split = damaged_row(&cl.text, &schema).map(|(cells, why)| {
                repair = Some(why);
                (cells, None)
            });
        }
        let Some((ranges, rest)) = split else {
            let lone_name = schema.name_column() == 0
                && !pre_1_0(&schema)
                && !cl.text.contains(char::is_whitespace)
                && looks_like_name(&cl.text);
            let reason = if lone_name {
                format!(
                    "only a name: a {} row cut short after its first cell (nothing to read)",
                    schema.kind
                )
            } else {
                misfit_reason(&schema)
            };
            return Item::Skipped {
                line,
                text: cl.text,
                reason,
            };
        };
        let spans: Vec<(u32, u32)> = ranges
            .iter()
            .map(|&(a, b)| (to_u32(a), to_u32(b)))
            .collect();
        let mut note = match (cl.note, repair) {
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
        let stream = match self.stream {
            Some(s) => s,
            None => self.new_stream(),
        };
        let seq = self.seq;
        self.seq = self.seq.saturating_add(1);
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
            time: cl.time.or(self.screen_time),
            note,
            text: cl.text,
            namespace: self.get.as_ref().and_then(|g| g.namespace.clone()),
        })
    }
}

/// A headerless table's columns come from the command and today's layout; an older
/// kubectl printed fewer columns: `-o wide` pods before 1.11 had no NOMINATED NODE,
/// READINESS GATES; nodes before 1.8 no ROLES (before 1.6 no VERSION either);
/// Deployments and StatefulSets before 1.13 DESIRED/CURRENT counts. When a row does
/// not fit today's layout (the caller tried) but fits an older one, that is the
/// layout of the rows that follow.
fn older_layout(schema: &SchemaRef, text: &str) -> Option<SchemaRef> {
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
fn damaged_row(text: &str, schema: &Schema) -> Option<(split::Cells, String)> {
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
fn pre_1_0(schema: &Schema) -> bool {
    schema
        .columns
        .first()
        .is_some_and(|c| matches!(&*c.header, "POD" | "CONTROLLER"))
}

/// Why a row does not fit its table: the kind and the first columns (a reason is
/// kept per skipped line and counted by its text, so it stays short whatever the
/// header claimed).
fn misfit_reason(schema: &Schema) -> String {
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
    format!(
        "does not fit the {} table's columns ({}{rest})",
        schema.kind,
        names.join(", ")
    )
}

/// The `-o` format of a `kubectl get` whose output is no table (`json`, `yaml`,
/// `name`, `jsonpath=…`, `go-template=…`); `custom-columns` prints a table.
fn structured_output(get: &GetCommand) -> Option<&str> {
    let format = get.output.as_deref()?;
    let base = format.split(['=', '{']).next().unwrap_or(format);
    matches!(
        base,
        "json" | "yaml" | "name" | "jsonpath" | "jsonpath-as-json" | "go-template" | "template"
    )
    .then_some(base)
}

/// The schema of a command's output before any header: known when the command hides
/// the header or filters rows (`--no-headers`, `| grep`) and names a built-in kind.
fn headerless_schema(get: &GetCommand) -> Option<SchemaRef> {
    if structured_output(get).is_some() {
        return None;
    }
    let kind = command_kind(get)?;
    schema_for_kind(kind, Some(get), KindFrom::Command).map(Arc::new)
}

/// A kubernetes object name (DNS-1123 subdomain, case-insensitive for leniency).
fn looks_like_name(w: &str) -> bool {
    let w = w.split_once('/').map_or(w, |(_, n)| n);
    !w.is_empty()
        && w.len() <= 253
        && w.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
        && w.as_bytes()[0].is_ascii_alphanumeric()
}

/// Guesses the kind of a headerless row from its cells: the experiment kind whose
/// current columns (normal or wide) fit it.
fn guess_schema(text: &str) -> Option<Schema> {
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

#[cfg(test)]
mod tests;
