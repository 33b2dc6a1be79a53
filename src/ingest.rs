//! Runs stages 1–3 (capture → tables → observations) over the sources of one
//! experiment, streaming, and keeps the account of every input line.
//!
//! Besides observations it keeps the *markers* later stages need: absolute times
//! (`date` lines, `watch` screens), shell commands (a `sudo poweroff` marks the
//! failure injection) and `^C`, each placed between the rows of its stream.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Serialize;

use crate::capture::{self, WallClock};
use crate::error::InputError;
use crate::input::Source;
use crate::observe::{Observation, Observer};
use crate::tables::{Item, Tabler};

/// How many skipped lines and notes an account lists one by one (the counts are exact).
pub const LISTED_LIMIT: usize = 200;

/// A line that was not used, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SkippedLine {
    pub line: u64,
    pub reason: String,
    pub text: String,
}

/// Something repaired or noticed on a used line.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LineNote {
    pub line: u64,
    pub note: String,
}

/// The account of one input source: every line is read, used, or skipped with a reason.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct InputAccount {
    /// The source as named (`pods.log`).
    pub source: String,
    /// Lines read (captured lines: a `<br>`-joined web paste counts each piece).
    pub lines: u64,
    /// Table rows parsed into observations.
    pub rows: u64,
    /// Table header lines.
    pub headers: u64,
    /// Shell command lines.
    pub commands: u64,
    /// Lines carrying only a time (`date` output, `watch` screen headers).
    pub time_markers: u64,
    /// Empty lines, `^C`.
    pub blank: u64,
    /// Lines skipped, in all.
    pub skipped: u64,
    /// Skipped lines counted by reason.
    pub skipped_by_reason: BTreeMap<String, u64>,
    /// The first skipped lines, each with its reason.
    pub skipped_lines: Vec<SkippedLine>,
    /// The first repair notes.
    pub notes: Vec<LineNote>,
    /// A read error that ended the source early (the lines before it are used).
    pub error: Option<String>,
}

/// What happened between rows: a time, a command, an interrupt.
#[derive(Debug, Clone, PartialEq)]
pub struct Marker {
    pub source: Arc<str>,
    pub line: u64,
    /// The stream the marker falls in (for a command: the stream it starts, if any).
    pub stream: Option<u32>,
    pub what: MarkerKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum MarkerKind {
    Time(WallClock),
    Command {
        text: String,
        time: Option<WallClock>,
    },
    Interrupt,
}

/// Everything stages 1–3 produce for one experiment.
#[derive(Debug, Default)]
pub struct Ingested {
    pub observations: Vec<Observation>,
    pub markers: Vec<Marker>,
    pub accounts: Vec<InputAccount>,
}

/// Reads one source, calling `sink` for each observation. Returns the source's account.
pub fn ingest_source(
    source: &Source,
    tabler: &mut Tabler,
    observer: &mut Observer,
    markers: &mut Vec<Marker>,
    mut sink: impl FnMut(Observation),
) -> Result<InputAccount, InputError> {
    let (reader, read_error) = source.open()?;
    let mut acc = InputAccount {
        source: source.name.to_string(),
        ..Default::default()
    };
    for cl in capture::lines(reader) {
        acc.lines += 1;
        if let Some(note) = &cl.note {
            if acc.notes.len() < LISTED_LIMIT {
                acc.notes.push(LineNote {
                    line: cl.line,
                    note: note.clone(),
                });
            }
        }
        match tabler.push(cl) {
            Item::Row(row) => {
                acc.rows += 1;
                sink(observer.observe(&source.name, row));
            }
            Item::Header { line, note, .. } => {
                acc.headers += 1;
                if let Some(note) = note {
                    if acc.notes.len() < LISTED_LIMIT {
                        acc.notes.push(LineNote { line, note });
                    }
                }
            }
            Item::Command {
                line,
                command,
                time,
            } => {
                acc.commands += 1;
                markers.push(Marker {
                    source: source.name.clone(),
                    line,
                    stream: None,
                    what: MarkerKind::Command {
                        text: command.text,
                        time,
                    },
                });
            }
            Item::Time { line, stream, time } => {
                acc.time_markers += 1;
                markers.push(Marker {
                    source: source.name.clone(),
                    line,
                    stream,
                    what: MarkerKind::Time(time),
                });
            }
            Item::Interrupt { line } => {
                acc.blank += 1;
                markers.push(Marker {
                    source: source.name.clone(),
                    line,
                    stream: None,
                    what: MarkerKind::Interrupt,
                });
            }
            Item::Blank { .. } => acc.blank += 1,
            Item::Skipped { line, text, reason } => {
                acc.skipped += 1;
                *acc.skipped_by_reason.entry(reason.clone()).or_default() += 1;
                if acc.skipped_lines.len() < LISTED_LIMIT {
                    let mut text = text;
                    if text.len() > 200 {
                        let cut = (0..=200)
                            .rev()
                            .find(|i| text.is_char_boundary(*i))
                            .unwrap_or(0);
                        text.truncate(cut);
                        text.push('…');
                    }
                    acc.skipped_lines.push(SkippedLine { line, reason, text });
                }
            }
        }
    }
    if let Some(e) = read_error.take() {
        acc.error = Some(format!("read error after line {}: {e}", acc.lines));
    }
    Ok(acc)
}

/// Reads all sources of one experiment into memory.
pub fn ingest(sources: &[Source]) -> Result<Ingested, InputError> {
    let mut out = Ingested::default();
    let mut tabler = Tabler::new(0);
    let mut observer = Observer::new();
    for source in sources {
        // Each source starts fresh (its own streams) but numbering continues.
        tabler = Tabler::new(tabler.next_stream_id());
        let acc = ingest_source(source, &mut tabler, &mut observer, &mut out.markers, |o| {
            out.observations.push(o)
        })?;
        out.accounts.push(acc);
    }
    Ok(out)
}
