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
pub mod plain;
mod rows;
pub mod schema;
pub mod split;

use std::sync::Arc;

use crate::capture::{CapturedLine, Command, GetCommand, LineKind, WallClock};
use header::{
    apply_label_columns, command_kind, parse_header, schema_for_kind, schema_from_header, Header,
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
    /// Inline for a usual row (a `Vec` was an allocation and a free per line).
    pub spans: RowSpans,
    /// What the one-pass split of a plain row read of its typed cells (nothing for a
    /// row the general splitter split): the observation takes the readings from here.
    pub read: plain::Read,
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

/// A row's cells' byte ranges: inline up to ten cells (`kubectl get pods -o wide -A`).
pub type RowSpans = smallvec::SmallVec<[(u32, u32); 10]>;

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

/// Turns one source's captured lines into [`Item`]s, one per line.
pub struct Tabler {
    next_stream: u32,
    stream: Option<u32>,
    seq: u32,
    /// Rows since the stream's latest header (see `header`).
    rows_since_header: u32,
    schema: Option<SchemaRef>,
    /// The `kubectl get` whose output we are in, if any.
    get: Option<GetCommand>,
    /// The last watch-screen command and screen number.
    screen: Option<(String, u32)>,
    screen_time: Option<WallClock>,
    /// Inside `kubectl describe` output.
    describe: Option<describe::DescribeState>,
    /// Whether plain rows take the one-pass split ([`plain`]); off only to check it
    /// against the general splitter.
    plain_rows: bool,
}

impl Tabler {
    /// A tabler whose first stream gets the id `first_stream`.
    pub fn new(first_stream: u32) -> Tabler {
        Tabler {
            next_stream: first_stream,
            stream: None,
            seq: 0,
            rows_since_header: 0,
            schema: None,
            get: None,
            screen: None,
            screen_time: None,
            describe: None,
            plain_rows: true,
        }
    }

    /// A tabler that splits every row with the general splitter (no [`plain`] fast
    /// path): what the fast path is checked against.
    #[cfg(test)]
    pub(crate) fn without_fast_path(first_stream: u32) -> Tabler {
        Tabler {
            plain_rows: false,
            ..Tabler::new(first_stream)
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
        self.rows_since_header = 0;
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
                    command: *command,
                    time: cl.time,
                }
            }
            LineKind::ScreenHeader(command) => self.screen_header(line, *command, cl.time),
            LineKind::Content => self.content(cl),
        }
    }

    /// A watch-screen header: the same screen again, or a new stream for another
    /// command; its time, or the command when it has none.
    fn screen_header(&mut self, line: u64, command: Command, time: Option<WallClock>) -> Item {
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
        // Each screen prints its table's header again.
        self.rows_since_header = 0;
        self.screen_time = time;
        match time {
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

    /// A header line: a new table (or the same table's header again), its schema.
    fn header(&mut self, h: Header, cl: CapturedLine) -> Item {
        let line = cl.line;
        let mut schema = schema_from_header(&h, self.get.as_ref());
        apply_label_columns(&mut schema, self.get.as_ref());
        // The same header again continues the stream only before rows: kubectl prints
        // a watch's header once (FORMAT.md §3.3), so the same header after rows is a
        // watch started again (a loop, or a watch the apiserver closed after 30–60
        // min, §3.1) whose initial list re-lists every object — no event of the old
        // watch. (kubectl ≈1.5 repeated its header before each event: one row after
        // each, which continues.)
        let continues = self.stream.is_some()
            && self.rows_since_header < REPEATED_HEADER_ROWS
            && self
                .schema
                .as_ref()
                .is_none_or(|s| s.columns == schema.columns || s.positions.is_empty());
        let stream = if continues {
            self.stream.unwrap_or_default()
        } else {
            self.new_stream()
        };
        self.rows_since_header = 0;
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

/// Rows after a header past which the same header again starts a new stream (see
/// `Tabler::header`): a header printed twice in a row, or headers each before one
/// row (kubectl ≈1.5), continue it.
const REPEATED_HEADER_ROWS: u32 = 2;

#[cfg(test)]
mod tests;
