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

mod runs;

pub use runs::RUN_HEAD;
use runs::{Added, RunFolder};

/// How many skipped lines and notes an account lists one by one (the counts are exact).
pub const LISTED_LIMIT: usize = 200;

/// A line that was not used, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SkippedLine {
    /// 1-based line number.
    pub line: u64,
    /// Why it was not used.
    pub reason: String,
    /// The line (cut at 200 bytes).
    pub text: String,
}

/// Something repaired or noticed on a used line.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LineNote {
    /// 1-based line number.
    pub line: u64,
    /// What was repaired or noticed.
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
    /// Rows folded into a state run: an object's line repeating its state (AGE
    /// aside) past the run's first [`RUN_HEAD`] lines; the run keeps those and its
    /// latest line. Counted, not kept (only where observations are kept).
    pub folded: u64,
    /// Rows read past the budget of kept observations ([`KEPT_LIMIT`]): counted,
    /// not analysed; `first_not_kept` is the line the budget ran out at.
    pub not_kept: u64,
    /// The first line not kept, when the budget ran out.
    pub first_not_kept: Option<u64>,
}

/// What happened between rows: a time, a command, an interrupt.
#[derive(Debug, Clone, PartialEq)]
pub struct Marker {
    /// The source it was read from.
    pub source: Arc<str>,
    /// 1-based line number.
    pub line: u64,
    /// The stream the marker falls in (for a command: the stream it starts, if any).
    pub stream: Option<u32>,
    /// What it is.
    pub what: MarkerKind,
}

/// What a marker is.
#[derive(Debug, Clone, PartialEq)]
pub enum MarkerKind {
    /// A line carrying only a time (`date` output, a `watch` screen header).
    Time(WallClock),
    /// A shell command line.
    Command {
        /// The command as typed.
        text: String,
        /// The prompt's time, when it showed one.
        time: Option<WallClock>,
        /// The host the prompt named, when it named one.
        host: Option<String>,
    },
    /// `^C`: the command before it was stopped.
    Interrupt,
}

/// Everything stages 1–3 produce for one experiment.
#[derive(Debug, Default)]
pub struct Ingested {
    /// Every table row kept, sources in order, each source's rows in line order.
    pub observations: Vec<Observation>,
    /// Times, commands and interrupts between the rows.
    pub markers: Vec<Marker>,
    /// One account per source, in order.
    pub accounts: Vec<InputAccount>,
}

/// The reason given for a last line that a read error cut short.
pub const CUT_BY_READ_ERROR: &str = "cut short by the read error that ended the input";

/// Reads one source, calling `sink` for each observation. Returns the source's account.
///
/// A source that cannot be opened gives an account with `error` set and no lines; a
/// read error keeps the lines before it but skips the last line if the error cut it
/// short (its cells would be wrong, not just missing).
///
/// The sink can fail (a write to a closed file, say): its first error stops the
/// reading there and is returned as it is, as ripgrep's `Sink` does. The error type
/// is the sink's, and takes in an [`InputError`] too.
pub fn ingest_source<E: From<InputError>>(
    source: &Source,
    tabler: &mut Tabler,
    observer: &mut Observer,
    markers: &mut Vec<Marker>,
    mut sink: impl FnMut(Observation) -> Result<(), E>,
) -> Result<InputAccount, E> {
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
    // starts (or the input ends), so that a line cut short by a read error is known:
    // its first (nearly always its only one) in `held`, any others in `more`, so
    // that the usual line is not pushed to a vector and drained from it.
    let mut held: Option<capture::CapturedLine> = None;
    let mut more: Vec<capture::CapturedLine> = Vec::new();
    // A sink's error returns at once: the capture thread, if any, ends at its next
    // batch (its channel is gone) and is not waited for (it may be blocked on a read).
    let (lines, capture_thread) = captured_lines(reader);
    for cl in lines {
        if held.as_ref().is_some_and(|h| h.line == cl.line) {
            more.push(cl);
            continue;
        }
        if let Some(h) = held.replace(cl) {
            account_line(h, &mut acc, source, tabler, observer, markers, &mut sink)?;
            for m in more.drain(..) {
                account_line(m, &mut acc, source, tabler, observer, markers, &mut sink)?;
            }
        }
    }
    let cut = read_error.cut_mid_line();
    for h in held.into_iter().chain(more) {
        if cut {
            acc.lines += 1;
            skip(&mut acc, h.line, h.text, CUT_BY_READ_ERROR.to_string());
        } else {
            account_line(h, &mut acc, source, tabler, observer, markers, &mut sink)?;
        }
    }
    if let Some(e) = read_error.take() {
        acc.error = Some(format!("read error after line {}: {e}", acc.lines));
    }
    if capture_thread.is_some_and(|t| t.join().is_err()) {
        acc.error = Some(format!(
            "internal error while reading after line {}: the rest is not read",
            acc.lines
        ));
    }
    Ok(acc)
}

/// Lines captured per message between the capture thread and the tables.
const CAPTURE_BATCH: usize = 2048;

/// The captured lines of `reader`. With a second core (rayon's pool has more than one
/// thread; `RAYON_NUM_THREADS=1` says not) the capture stage (decoding, cleaning,
/// recognising prompts and times) runs on its own thread, a few batches ahead of the
/// tables: a pipeline, in order, with memory bounded by the batches in flight.
fn captured_lines(
    reader: Box<dyn std::io::Read + Send>,
) -> (
    Box<dyn Iterator<Item = capture::CapturedLine>>,
    Option<std::thread::JoinHandle<()>>,
) {
    if rayon::current_num_threads() < 2 {
        return (Box::new(capture::lines(reader)), None);
    }
    let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<capture::CapturedLine>>(2);
    let spawned = std::thread::Builder::new()
        .name("capture".into())
        .spawn(move || {
            let mut batch = Vec::with_capacity(CAPTURE_BATCH);
            for cl in capture::lines(reader) {
                batch.push(cl);
                if batch.len() == CAPTURE_BATCH {
                    let full = std::mem::replace(&mut batch, Vec::with_capacity(CAPTURE_BATCH));
                    if tx.send(full).is_err() {
                        return;
                    }
                }
            }
            let _ = tx.send(batch);
        });
    match spawned {
        Ok(handle) => (Box::new(rx.into_iter().flatten()), Some(handle)),
        // No thread to be had: the reader went with the closure that could not run,
        // so the source cannot be read; say so on its first line, never silently.
        Err(e) => (
            Box::new(std::iter::once(capture::CapturedLine {
                line: 1,
                text: String::new(),
                kind: capture::LineKind::Skipped(format!("cannot start a reading thread: {e}")),
                time: None,
                note: None,
            })),
            None,
        ),
    }
}

fn note(acc: &mut InputAccount, line: u64, note: String) {
    acc.noted += 1;
    if acc.notes.len() < LISTED_LIMIT {
        acc.notes.push(LineNote { line, note });
    }
}

/// Longest skip reason kept, in bytes; most distinct reasons counted one by one (the
/// rest are counted together): a reason is kept per listed line and per kind, so
/// neither may grow with what a hostile header claims.
const REASON_BYTES: usize = 300;
const DISTINCT_REASONS: usize = 64;
const OTHER_REASONS: &str = "other reasons (too many kinds to count one by one)";

/// `text` cut to at most `max` bytes at a character boundary, marked with `…`.
fn shortened(mut text: String, max: usize) -> String {
    if text.len() > max {
        let cut = (0..=max)
            .rev()
            .find(|i| text.is_char_boundary(*i))
            .unwrap_or(0);
        text.truncate(cut);
        text.push('…');
    }
    text
}

fn skip(acc: &mut InputAccount, line: u64, text: String, reason: String) {
    acc.skipped += 1;
    let reason = shortened(reason, REASON_BYTES);
    let key = if acc.skipped_by_reason.len() < DISTINCT_REASONS
        || acc.skipped_by_reason.contains_key(&reason)
    {
        reason.clone()
    } else {
        OTHER_REASONS.to_string()
    };
    *acc.skipped_by_reason.entry(key).or_default() += 1;
    if acc.skipped_lines.len() < LISTED_LIMIT {
        let text = shortened(text, 200);
        acc.skipped_lines.push(SkippedLine { line, reason, text });
    }
}

/// Accounts one captured line: through the tabler into an observation, a marker, or
/// the account's counts. Fails only with the sink's error.
fn account_line<E>(
    cl: capture::CapturedLine,
    acc: &mut InputAccount,
    source: &Source,
    tabler: &mut Tabler,
    observer: &mut Observer,
    markers: &mut Vec<Marker>,
    sink: &mut impl FnMut(Observation) -> Result<(), E>,
) -> Result<(), E> {
    acc.lines += 1;
    if let Some(n) = &cl.note {
        note(acc, cl.line, n.clone());
    }
    // The row is borrowed where it lies in the item, not moved out of it (a copy of
    // some 400 bytes a line).
    let mut item = tabler.push(cl);
    match item {
        Item::Row(ref mut row) => {
            acc.rows += 1;
            sink(observer.observe(&source.name, row))?;
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
                    host: command.host,
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
    Ok(())
}

/// How many observations one source keeps in memory: past it, rows are read and
/// counted but not analysed (each kept row costs 550–600 bytes with its timeline,
/// measured on the 210 MB soaks, so this is about 2.3 GB: docs/PERFORMANCE.md). A
/// 210 MB soak without `-o wide` prints 2.6 M rows: all analysed.
pub const KEPT_LIMIT: usize = 4_000_000;

/// Reads all sources of one experiment into memory, keeping state runs, not lines:
/// see [`RunFolder`].
/// (The unit tests' shorthand; callers use [`crate::ingest()`] and its options.)
#[cfg(test)]
pub(crate) fn ingest(sources: &[Source]) -> Result<Ingested, InputError> {
    ingest_with_limit(sources, KEPT_LIMIT)
}

/// [`crate::pipeline::ingest`] with a chosen budget of kept observations (per source).
///
/// Sources are read side by side (rayon; `RAYON_NUM_THREADS=1` reads them in turn),
/// each numbering its streams from 0; the numbers are then shifted so that they
/// continue from one source to the next, as if read in order.
pub(crate) fn ingest_with_limit(sources: &[Source], limit: usize) -> Result<Ingested, InputError> {
    ingest_with(sources, limit, true)
}

/// Every row of every source, nothing folded and no budget: for checking the parser
/// row by row (tests, tools); [`crate::pipeline::ingest`] is what the analysis uses.
pub fn ingest_every_row(sources: &[Source]) -> Result<Ingested, InputError> {
    ingest_with(sources, usize::MAX, false)
}

fn ingest_with(sources: &[Source], limit: usize, fold: bool) -> Result<Ingested, InputError> {
    use rayon::prelude::*;
    let parts: Vec<Result<Part, InputError>> = sources
        .par_iter()
        .map(|s| ingest_one(s, limit, fold))
        .collect();
    let mut parts = parts
        .into_iter()
        .collect::<Result<Vec<Part>, InputError>>()?;
    let mut out = Ingested::default();
    let mut offset = 0;
    for part in &mut parts {
        for o in &mut part.observations {
            o.stream += offset;
        }
        for m in &mut part.markers {
            if let Some(s) = &mut m.stream {
                *s += offset;
            }
        }
        offset += part.streams;
        out.markers.append(&mut part.markers);
    }
    out.observations = joined(parts.iter_mut().map(|p| &mut p.observations).collect());
    out.accounts = parts.into_iter().map(|p| p.account).collect();
    Ok(out)
}

/// The lists one after another, built in the largest one's room: a long capture's
/// rows are most of its memory, and appended to a small source's (a nodes watch
/// beside a soak's pods) they were copied and held twice at the peak.
fn joined(mut lists: Vec<&mut Vec<Observation>>) -> Vec<Observation> {
    let Some(big) = (0..lists.len()).max_by_key(|&i| (lists[i].len(), std::cmp::Reverse(i))) else {
        return Vec::new();
    };
    let mut all = std::mem::take(lists[big]);
    let before: Vec<Observation> = lists[..big].iter_mut().flat_map(|l| l.drain(..)).collect();
    let after: usize = lists[big + 1..].iter().map(|l| l.len()).sum();
    all.reserve_exact(before.len() + after);
    all.splice(0..0, before);
    for l in &mut lists[big + 1..] {
        all.append(l);
    }
    all
}

/// What one source yields; its streams are numbered from 0.
struct Part {
    observations: Vec<Observation>,
    markers: Vec<Marker>,
    account: InputAccount,
    streams: u32,
}

fn ingest_one(source: &Source, limit: usize, fold: bool) -> Result<Part, InputError> {
    let mut tabler = Tabler::new(0);
    let mut observer = Observer::new();
    let mut observations = Vec::new();
    let mut markers = Vec::new();
    let mut folder = RunFolder::new(fold);
    let (mut folded, mut not_kept, mut first_not_kept) = (0, 0, None);
    let mut acc = ingest_source(
        source,
        &mut tabler,
        &mut observer,
        &mut markers,
        |o| -> Result<(), InputError> {
            match folder.add(&mut observations, o, limit) {
                Added::Kept => {}
                Added::Folded(n) => folded += n,
                Added::OverBudget(line) => {
                    not_kept += 1;
                    first_not_kept.get_or_insert(line);
                }
            }
            Ok(())
        },
    )?;
    // Runs grown long moved observations into the slots they gave up, and a run's
    // latest line takes the slot of the one before: restore line order (lines are
    // unique, so an unstable sort is exact, and it needs no scratch copy).
    observations.sort_unstable_by_key(|o| o.line);
    // Growth by doubling leaves up to half the vector empty; the stages after this
    // allocate on top of it, so give it back now (a large vector shrinks in place).
    observations.shrink_to_fit();
    acc.folded = folded;
    acc.not_kept = not_kept;
    acc.first_not_kept = first_not_kept;
    if let Some(line) = first_not_kept {
        let e = format!(
            "line {line}: more than {limit} table rows kept in memory; \
             the {not_kept} rows from here on are counted but not analysed"
        );
        acc.error = Some(match acc.error.take() {
            Some(prev) => format!("{prev}; {e}"),
            None => e,
        });
    }
    Ok(Part {
        observations,
        markers,
        account: acc,
        streams: tabler.next_stream_id(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 13.2: the observation sink can fail (`parse` writing to a closed file); its
    /// first error stops the reading and comes back as it is, where `parse` used to
    /// stash it and read the source to its end.
    #[test]
    fn a_failing_sink_stops_the_source_with_its_error() {
        let text = "NAME    READY   STATUS    RESTARTS   AGE\n\
                    a       1/1     Running   0          30m\n\
                    b       1/1     Running   0          1m\n\
                    c       1/1     Running   0          2m\n";
        let source = Source {
            name: "pods.log".into(),
            origin: crate::input::Origin::Bytes(text.as_bytes().into()),
        };
        let mut seen = 0;
        let result = ingest_source(
            &source,
            &mut Tabler::new(0),
            &mut Observer::new(),
            &mut Vec::new(),
            |_| {
                seen += 1;
                Err(InputError::Invalid {
                    path: "out".into(),
                    reason: "closed".into(),
                })
            },
        );
        assert!(
            matches!(&result, Err(InputError::Invalid { reason, .. }) if reason == "closed"),
            "{result:?}"
        );
        assert_eq!(seen, 1, "the reading went on after the sink failed");
    }

    /// Issue 16: every skip reason listed a header's whole column list, so 2.2 MB of
    /// input gave 177 MB of report. Reasons are cut, and their kinds counted up to a
    /// cap, whatever they hold.
    #[test]
    fn skip_reasons_are_cut_and_their_kinds_capped() {
        let mut acc = InputAccount::default();
        for i in 0..1000 {
            let reason = format!("does not fit ({i}: {})", "COLUMN, ".repeat(5000));
            skip(&mut acc, i, "x".repeat(10_000), reason);
        }
        assert_eq!(acc.skipped, 1000);
        assert_eq!(acc.skipped_by_reason.values().sum::<u64>(), 1000);
        assert!(acc.skipped_by_reason.len() <= DISTINCT_REASONS + 1);
        let longest = |it: &mut dyn Iterator<Item = usize>| it.max().unwrap_or(0);
        assert!(longest(&mut acc.skipped_by_reason.keys().map(String::len)) <= REASON_BYTES + 3);
        assert!(longest(&mut acc.skipped_lines.iter().map(|s| s.reason.len())) <= REASON_BYTES + 3);
    }
}
