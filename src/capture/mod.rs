//! Stage 1 — capture: a saved terminal log (bytes) → numbered, cleaned, classified lines.
//!
//! Owns: encoding detection (UTF-8, UTF-8 BOM, UTF-16 LE/BE with or without BOM),
//! line endings (LF, CRLF, bare CR), terminal noise (ANSI/VT escapes, backspaces), web-page
//! noise (HTML entities, `<br>` tags, Markdown code fences), shell prompts and command
//! lines, `watch` screen headers, timestamp prefixes (`ts`, ISO 8601, syslog), `date`
//! output lines, `^C` and notes typed after rows.
//!
//! Does not own: deciding whether a content line is a table header, a row or prose —
//! that needs the column vocabulary, and is the job of `tables`.
//!
//! Input: any `Read`. Output: an iterator of [`CapturedLine`]; one source line may give
//! several captured lines (a web paste joined with `<br>`, or `^C` glued before a prompt),
//! all carrying the same source line number. Streaming: memory does not grow with the
//! input (a line longer than `decode::MAX_LINE_BYTES` is cut, the rest read and dropped).
//!
//! One file per job, in the order a line goes through them:
//! `decode` (bytes → lines) → `clean` (escapes, controls, binary junk) → `html` (`<br>`,
//! tags, entities) → `segment` (the decision order; fences, `watch` headers) using
//! `clock` (time grammars), `prompt`, `shell` + `command` + `vocab` (command lines) and
//! `annotation` (notes after rows).
//!
//! Decisions a consumer should know:
//! - Leading indentation is removed from `text`: it comes from Markdown or blog quoting,
//!   and `tables` splits rows by grammar, not by column position. Trailing whitespace too.
//! - A tab becomes three spaces (kubectl's minimum cell gap), so it still separates cells.
//! - Zones: `UTC`/`GMT`/`Z` are offset 0, numeric offsets are exact, other names (`CEST`,
//!   `CST`) leave `utc_offset_s` `None` — abbreviations are ambiguous.
//! - A strong prompt with nothing after it (`[root@host ~]# `) is a `Command` with empty
//!   text: it still says the previous command's output ended there.
//! - A read error ends the iteration; the last line's `note` says so.

mod annotation;
mod clean;
mod clock;
mod command;
pub(crate) mod decode;
mod html;
mod prompt;
mod segment;
mod shell;
mod vocab;

#[cfg(test)]
mod hostile_tests;
#[cfg(test)]
mod tests;

/// Every line of the samples and the test fixtures, as read: what the recognisers'
/// shortcuts are checked against.
#[cfg(test)]
pub(crate) fn sample_and_fixture_lines() -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for dir in ["samples", "tests/fixtures"] {
        let mut stack = vec![std::path::PathBuf::from(dir)];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                } else if let Ok(t) = std::fs::read_to_string(&p) {
                    lines.extend(t.lines().map(str::to_string));
                }
            }
        }
    }
    lines
}

use chrono::NaiveTime;

pub use command::{describe_of, DescribeCommand};

/// One cleaned line of a capture.
#[derive(Debug, Clone, PartialEq)]
pub struct CapturedLine {
    /// 1-based line number in the decoded source (what an editor shows).
    pub line: u64,
    /// The text after cleaning: escapes, entities, prompts and timestamp prefixes removed,
    /// leading and trailing whitespace trimmed, a trailing annotation cut (see `note`).
    /// For `Command` lines: the command text without prompt or `# comment`; for
    /// `ScreenHeader` and `TimeMarker`: the whole line; `Interrupt`: `^C`; `Skipped`
    /// binary data: empty; `Blank`: empty.
    pub text: String,
    /// What the line is.
    pub kind: LineKind,
    /// An absolute time carried by the line itself (a `ts` prefix, a clock in the prompt,
    /// a `date` output line, a `watch` header).
    pub time: Option<WallClock>,
    /// Something capture had to repair on this line (invalid UTF-8 replaced, a NUL byte
    /// removed, a line cut at the length limit...), for `--verbose` and the input account;
    /// and a person's note typed after a row or command, as `annotation: <--- dead node`.
    /// Several notes are joined with `; `.
    pub note: Option<String>,
}

/// What a captured line is, as far as capture can tell without the column vocabulary.
#[derive(Debug, Clone, PartialEq)]
pub enum LineKind {
    /// Empty after cleaning.
    Blank,
    /// A shell command line (`$ kubectl get pods -w`, `get node --watch -o wide`, `sudo poweroff`).
    /// Boxed, as in `ScreenHeader`: a command is some 180 bytes, and every captured
    /// line (nearly all of them rows) was as large and copied on its way a few times.
    Command(Box<Command>),
    /// A `watch` screen header (`Every 2.0s: kubectl get pods   host: Fri Nov 27 12:00:00 2026`):
    /// the rows that follow are one snapshot taken at `time`.
    ScreenHeader(Box<Command>),
    /// A line that only carries a time (`date` output, a bare timestamp).
    TimeMarker,
    /// `^C`: the command before it was interrupted here.
    Interrupt,
    /// Anything else: a table header, a table row, or prose. `tables` decides.
    Content,
    /// A line that cannot be text (binary junk) or carries nothing: kept with a reason.
    Skipped(String),
}

/// A shell command as typed.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Command {
    /// The command text (prompt removed).
    pub text: String,
    /// Set when it is a `kubectl get` (or an alias: `k`, `kc`, `kg`, `kubectl.exe`, a bare
    /// `get ...`, `watch kubectl get ...`).
    pub get: Option<GetCommand>,
    /// The host the prompt before it names, when it names one (`[root@rhel1 ~]#`).
    pub host: Option<String>,
}

/// The parts of a `kubectl get` command line that decide the table's layout.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct GetCommand {
    /// The resource argument as typed (`pods`, `po`, `deployments.apps`, `deploy/web`,
    /// `nodes`); `tables::schema` resolves it to a kind. `kg` alias: `None` → from the alias.
    pub resource: Option<String>,
    /// Object names given after the resource (`kubectl get pod web-0 -w`).
    pub names: Vec<String>,
    /// `-w` / `--watch` / `--watch-only`.
    pub watch: bool,
    /// `--watch-only`: no initial list.
    pub watch_only: bool,
    /// `-o wide`.
    pub wide: bool,
    /// Any other `-o` format as typed (`json`, `yaml`, `name`, `jsonpath=…`).
    pub output: Option<String>,
    /// `-A` / `--all-namespaces`.
    pub all_namespaces: bool,
    /// `-n NS` / `--namespace NS`.
    pub namespace: Option<String>,
    /// `--show-kind`.
    pub show_kind: bool,
    /// `--show-labels`.
    pub show_labels: bool,
    /// `-L a,b` / `--label-columns`: the label keys, in order.
    pub label_columns: Vec<String>,
    /// `--no-headers`.
    pub no_headers: bool,
    /// `--output-watch-events`.
    pub output_watch_events: bool,
    /// The output is piped (`| grep x`): rows may come without a header.
    pub piped: bool,
}

/// A wall-clock time as far as the capture tells it. The parser does not invent what
/// the text does not say (a syslog prefix has no year; a prompt clock has no date):
/// the timeline stage decides what to do with a partial time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WallClock {
    /// Calendar year, when printed.
    pub year: Option<i32>,
    /// Month and day, when printed.
    pub month_day: Option<(u32, u32)>,
    /// Time of day (whole seconds as printed; fractions dropped).
    pub time: NaiveTime,
    /// Offset from UTC in seconds when printed (`Z`, `+02:00`, `UTC`).
    pub utc_offset_s: Option<i32>,
}

/// Captures a whole byte source (convenience over [`lines`]).
pub fn capture_bytes(bytes: &[u8]) -> Vec<CapturedLine> {
    lines(bytes).collect()
}

/// Captures a source line by line, streaming: memory stays bounded by the longest
/// line kept (`decode::MAX_LINE_BYTES`) whatever the input size.
///
/// A read error ends the iteration; the last line carries a note saying so.
pub fn lines<R: std::io::Read>(reader: R) -> impl Iterator<Item = CapturedLine> {
    Lines {
        raw: decode::raw_lines(reader),
        pending: Vec::new(),
        next: 0,
    }
}

/// The iterator behind [`lines`]: one decoded line at a time, fanned out into the
/// captured lines it yields (more than one only for `<br>` and `^C` + command).
struct Lines<R: std::io::Read> {
    raw: decode::LineSplitter<decode::Transcoded<R>>,
    pending: Vec<CapturedLine>,
    next: usize,
}

impl<R: std::io::Read> Iterator for Lines<R> {
    type Item = CapturedLine;

    fn next(&mut self) -> Option<CapturedLine> {
        while self.next >= self.pending.len() {
            let raw = self.raw.next()?;
            self.pending.clear();
            self.next = 0;
            if let Some(row) = segment::classify_or_row(raw, &mut self.pending) {
                return Some(row);
            }
        }
        let line = std::mem::replace(
            &mut self.pending[self.next],
            CapturedLine {
                line: 0,
                text: String::new(),
                kind: LineKind::Blank,
                time: None,
                note: None,
            },
        );
        self.next += 1;
        Some(line)
    }
}
