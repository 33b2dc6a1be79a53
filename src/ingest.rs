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
    /// Notes, in all: repairs (NUL bytes removed, invalid UTF-8 replaced, a line cut at
    /// the length limit, a lost header letter) and a person's annotations after rows.
    pub noted: u64,
    /// The first notes, each with its line.
    pub notes: Vec<LineNote>,
    /// A read error that ended the source early (the lines before it are used, but
    /// not a last line cut short by it), or why the source could not be opened.
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

/// The reason given for a last line that a read error cut short.
pub const CUT_BY_READ_ERROR: &str = "cut short by the read error that ended the input";

/// Reads one source, calling `sink` for each observation. Returns the source's account.
///
/// A source that cannot be opened gives an account with `error` set and no lines; a
/// read error keeps the lines before it but skips the last line if the error cut it
/// short (its cells would be wrong, not just missing).
pub fn ingest_source(
    source: &Source,
    tabler: &mut Tabler,
    observer: &mut Observer,
    markers: &mut Vec<Marker>,
    mut sink: impl FnMut(Observation),
) -> Result<InputAccount, InputError> {
    let mut acc = InputAccount {
        source: source.name.to_string(),
        ..Default::default()
    };
    let (reader, read_error) = match source.open() {
        Ok(r) => r,
        Err(e) => {
            acc.error = Some(format!("cannot read: {}", e.reason()));
            return Ok(acc);
        }
    };
    // The captured lines of the latest source line wait until the next source line
    // starts (or the input ends), so that a line cut short by a read error is known.
    let mut held: Vec<capture::CapturedLine> = Vec::new();
    for cl in capture::lines(reader) {
        if held.first().is_some_and(|h| h.line != cl.line) {
            for h in held.drain(..) {
                account_line(h, &mut acc, source, tabler, observer, markers, &mut sink);
            }
        }
        held.push(cl);
    }
    let cut = read_error.cut_mid_line();
    for h in held {
        if cut {
            acc.lines += 1;
            skip(&mut acc, h.line, h.text, CUT_BY_READ_ERROR.to_string());
        } else {
            account_line(h, &mut acc, source, tabler, observer, markers, &mut sink);
        }
    }
    if let Some(e) = read_error.take() {
        acc.error = Some(format!("read error after line {}: {e}", acc.lines));
    }
    Ok(acc)
}

fn note(acc: &mut InputAccount, line: u64, note: String) {
    acc.noted += 1;
    if acc.notes.len() < LISTED_LIMIT {
        acc.notes.push(LineNote { line, note });
    }
}

fn skip(acc: &mut InputAccount, line: u64, mut text: String, reason: String) {
    acc.skipped += 1;
    *acc.skipped_by_reason.entry(reason.clone()).or_default() += 1;
    if acc.skipped_lines.len() < LISTED_LIMIT {
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

/// Accounts one captured line: through the tabler into an observation, a marker, or
/// the account's counts.
fn account_line(
    cl: capture::CapturedLine,
    acc: &mut InputAccount,
    source: &Source,
    tabler: &mut Tabler,
    observer: &mut Observer,
    markers: &mut Vec<Marker>,
    sink: &mut impl FnMut(Observation),
) {
    acc.lines += 1;
    if let Some(n) = &cl.note {
        note(acc, cl.line, n.clone());
    }
    match tabler.push(cl) {
        Item::Row(row) => {
            acc.rows += 1;
            sink(observer.observe(&source.name, row));
        }
        Item::Header { line, note: n, .. } => {
            acc.headers += 1;
            if let Some(n) = n {
                note(acc, line, n);
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
        Item::Skipped { line, text, reason } => skip(acc, line, text, reason),
    }
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
