//! One decoded line → one or more classified [`CapturedLine`]s.
//!
//! Owns: the order of decisions for a line, and the `watch` screen header. Each piece
//! of work is delegated: terminal noise to `clean`, web noise to `html`, times to
//! `clock`, prompts to `prompt`, commands to `command`, row notes to `annotation`.
//!
//! Order, and why: binary junk is refused before anything reads it; escapes go before
//! HTML (an escape can sit inside a tag's text, never the other way round); `<br>`
//! splits before tags are stripped so each piece is judged alone; a `ts` prefix comes
//! off before a prompt (ts writes it in front of everything); `^C` comes off before a
//! prompt (the terminal echoes it where the next prompt is drawn).

use std::sync::LazyLock;

use regex::Regex;

use super::annotation::cut_annotation;
use super::decode::RawLine;
use super::prompt::{strip_prompt, Strength};
use super::{clean, clock, command, html};
use super::{CapturedLine, Command, LineKind, WallClock};

// Markdown code fence: ``` or ~~~ (3 or more), maybe an info string (`bash`, `shell
// script`, `{.console}`), nothing else.
static FENCE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:`{3,}|~{3,})\s*[\w+\-.{}# ]*$").expect("FENCE pattern is valid")
});

// procps `watch` header: `Every 2.0s: CMD   [host: ]DATE`. The date is ctime
// (`Fri Nov 27 12:00:00 2026`); procps-ng ≥ 4 adds the host before it. A narrow terminal
// may cut the right side off, so the date is optional.
static WATCH_HEADER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^Every\s+\d+(?:[.,]\d+)?s:\s*(.*)$").expect("WATCH_HEADER pattern is valid")
});
static WATCH_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:\s+(\S+):)?\s+([A-Z][a-z]{2}\s+[A-Z][a-z]{2}\s+\d{1,2}\s+\d{2}:\d{2}:\d{2}\s+\d{4})(?:\s+.*)?$")
        .expect("WATCH_DATE pattern is valid")
});

/// Classifies one decoded line, pushing what it yields to `out` (the tests' form of
/// [`classify_or_row`]).
#[cfg(test)]
fn classify(raw: RawLine, out: &mut Vec<CapturedLine>) {
    if let Some(row) = classify_or_row(raw, out) {
        out.push(row);
    }
}

/// `classify` (tests), except that a plain row (nearly every line of a long capture, and
/// the one captured line of its source line) is handed back rather than pushed, so
/// that the caller need not move it through `out`.
pub fn classify_or_row(raw: RawLine, out: &mut Vec<CapturedLine>) -> Option<CapturedLine> {
    if raw.error.is_none() && is_plain_row(&raw.text) {
        let mut text = raw.text;
        text.truncate(text.trim_end().len());
        return Some(CapturedLine {
            line: raw.line,
            text,
            kind: LineKind::Content,
            time: None,
            note: join(raw.notes),
        });
    }
    // A blank line (spaces only) has nothing for the recognisers either.
    if raw.error.is_none() && raw.notes.is_empty() && raw.text.bytes().all(|b| b == b' ') {
        classify_piece(raw.line, &raw.text, None, out);
        return None;
    }
    classify_general(raw, out);
    None
}

/// Every recogniser in turn (what `classify` does for all but plain rows).
fn classify_general(raw: RawLine, out: &mut Vec<CapturedLine>) {
    let mut notes = raw.notes;
    if let Some(e) = &raw.error {
        notes.push(format!("read error, the input ends here: {e}"));
    }
    if clean::is_binary(&raw.text) {
        out.push(CapturedLine {
            line: raw.line,
            text: String::new(),
            kind: LineKind::Skipped("binary data".to_string()),
            time: None,
            note: join(notes),
        });
        return;
    }
    let visible = clean::clean_terminal_noted(&raw.text, &mut notes);
    let pieces: Vec<String> = html::split_br(&visible)
        .into_iter()
        .map(|p| html::decode_entities(&html::strip_tags(p)))
        .collect();
    let start = out.len();
    let several = pieces.len() > 1;
    for piece in &pieces {
        // A trailing `<br>` (or two in a row) is not a blank line of its own.
        if several && piece.trim().is_empty() {
            continue;
        }
        classify_piece(raw.line, piece, None, out);
    }
    if out.len() == start {
        classify_piece(raw.line, "", None, out);
    }
    // Repairs belong to the source line: say them once, on its first piece.
    if let Some(extra) = join(notes) {
        let first = &mut out[start];
        first.note = join(first.note.take().into_iter().chain([extra]).collect());
    }
}

/// Whether a line is plainly a table row, so that none of the recognisers below can
/// take it for anything else: printable ASCII only (no escapes to clean), starting
/// with an object name (lower-case letter, then `[a-z0-9.-]`) that is not a command
/// word (no prompt can start that way either: every prompt shape needs `@`, `:`, `[`,
/// a sigil or a non-ASCII glyph), no character that starts markup, an entity, an
/// annotation or a prompt sigil, and `<` only in kubectl's `<none>`, `<invalid>`,
/// `<unknown>`. Most lines of a big transcript are such rows, and this check is a
/// single pass over the bytes instead of a dozen recognisers (a test checks that both
/// ways give the same result).
fn is_plain_row(text: &str) -> bool {
    let b = text.as_bytes();
    if !b.first().is_some_and(u8::is_ascii_lowercase) {
        return false;
    }
    // The first word ends at the first space (a vector search); every byte before
    // it must be a name byte, checked sixteen at a time. (A byte loop that stopped at
    // the first byte outside `[a-z0-9.-]` took five instructions a byte of a name.)
    let first_word_end = memchr::memchr(b' ', b).unwrap_or(b.len());
    let first_word = &b[..first_word_end];
    if any_byte(first_word, |c| !is_name_byte(c)) {
        return false;
    }
    // `nov 27 12:00:01 ...`: a time-stamp's month (or weekday) in lower case.
    if first_word.len() == 3 && first_word.iter().all(u8::is_ascii_lowercase) {
        return false;
    }
    let rest = &b[first_word_end..];
    // Anything but plain printable ASCII, sixteen bytes at a time, then the few `<`
    // checked one by one.
    if any_byte(rest, stops_plain_row) {
        return false;
    }
    let kubectl_placeholder = |after: &[u8]| {
        after.starts_with(b"none>")
            || after.starts_with(b"invalid>")
            || after.starts_with(b"unknown>")
    };
    if !memchr::memchr_iter(b'<', rest).all(|i| kubectl_placeholder(&rest[i + 1..])) {
        return false;
    }
    // Only now the (rarer) look-up: `kubectl ...`, `watch ...`, aliases.
    !command::could_start_plain(&text[..first_word_end])
}

/// Whether a byte may be in an object name, `[a-z0-9.-]`: comparisons joined with
/// `|`, so that [`any_byte`] checks a lane of them at once.
#[inline(always)]
fn is_name_byte(c: u8) -> bool {
    (c.wrapping_sub(b'a') < 26) | (c.wrapping_sub(b'0') < 10) | (c == b'.') | (c == b'-')
}

/// Whether `stop` picks any byte of `b`: sixteen bytes at a time (a lane the compiler
/// checks with vector instructions, no early exit), the last few copied into a lane
/// padded with `a`, which neither check picks. A byte-at-a-time tail was most of the
/// check on a line of ~130 bytes.
#[inline(always)]
fn any_byte(b: &[u8], stop: impl Fn(u8) -> bool) -> bool {
    let lane = |l: &[u8; 16]| l.iter().fold(0u8, |bad, &c| bad | u8::from(stop(c)));
    let chunks = b.chunks_exact(16);
    let mut last = [b'a'; 16];
    last[..chunks.remainder().len()].copy_from_slice(chunks.remainder());
    let mut bad = lane(&last);
    for chunk in chunks {
        bad |= <&[u8; 16]>::try_from(chunk).map_or(1, lane);
    }
    bad != 0
}

/// Whether a byte stops a line from being a plain row ([`is_plain_row`]): any but
/// printable ASCII, and the characters that start a prompt sigil, markup, an entity or
/// an annotation (`$#%&`~^`). Comparisons joined with `|`, not a table look-up or a
/// `match`: the loop over a line's bytes then runs on vectors of them.
///
/// Four comparisons, not eight: `~` (0x7E) joins the non-printable range and `#$%&`
/// (0x23–0x26) are one range, so that the loop is vectorized (with eight it was
/// compiled a byte at a time, a third of the capture's cost).
#[inline(always)]
fn stops_plain_row(c: u8) -> bool {
    (c.wrapping_sub(0x20) >= b'~' - 0x20)
        | (c.wrapping_sub(b'#') <= b'&' - b'#')
        | (c == b'`')
        | (c == b'^')
}

fn join(notes: Vec<String>) -> Option<String> {
    (!notes.is_empty()).then(|| notes.join("; "))
}

/// Classifies one piece of a line (the whole line unless `<br>` split it).
fn classify_piece(line: u64, piece: &str, time: Option<WallClock>, out: &mut Vec<CapturedLine>) {
    // A loop, not recursion: a line of a million `^C` (or `$ ^C`) overflowed the stack.
    let start = out.len();
    let mut refused = None;
    let mut next = Some((piece, time));
    while let Some((piece, time)) = next {
        next = classify_step(line, piece, time, out, &mut refused);
    }
    // A time refused on the way (an impossible date) is said on the line it was on.
    if let (Some(why), Some(first)) = (refused, out.get_mut(start)) {
        first.note = join(first.note.take().into_iter().chain([why]).collect());
    }
}

/// What is left of a piece to classify after a prefix was taken (a timestamp, `^C`, a
/// prompt before `^C`), and the time it carries.
type Rest<'a> = Option<(&'a str, Option<WallClock>)>;

/// Classifies the start of a piece; returns the rest when it is to be classified again.
fn classify_step<'a>(
    line: u64,
    piece: &'a str,
    time: Option<WallClock>,
    out: &mut Vec<CapturedLine>,
    refused: &mut Option<String>,
) -> Rest<'a> {
    let push = |out: &mut Vec<CapturedLine>, text: &str, kind, time, note: Option<String>| {
        out.push(CapturedLine {
            line,
            text: text.to_string(),
            kind,
            time,
            note,
        });
        None
    };
    // Leading indentation is dropped: it comes from Markdown/blog quoting or `watch`
    // centring, and `tables` splits rows by grammar, not by column position.
    let text = piece.trim();
    if text.is_empty() {
        return push(out, "", LineKind::Blank, time, None);
    }
    if text.starts_with(['`', '~']) && FENCE.is_match(text) {
        let kind = LineKind::Skipped("markup: code fence".to_string());
        return push(out, text, kind, time, None);
    }
    if time.is_none() {
        if let Some((t, rest)) = clock::ts_prefix(text) {
            if rest.trim().is_empty() {
                let (kind, t) = time_line(t);
                return push(out, text, kind, t, None);
            }
            return Some((rest, possible(t, refused)));
        }
    }
    if let Some(t) = clock::date_line(text).or_else(|| clock::script_header(text)) {
        let (kind, t) = time_line(t);
        return push(out, text, kind, t.or(time), None);
    }
    if let Some(rest) = text.strip_prefix("^C") {
        push(out, "^C", LineKind::Interrupt, time, None);
        let rest = rest.trim_start();
        return (!rest.is_empty()).then_some((rest, time));
    }
    let header = text
        .starts_with("Every")
        .then(|| WATCH_HEADER.captures(text));
    if let Some(caps) = header.flatten() {
        let (cmd, header_time) = watch_header(caps.get(1).map_or("", |m| m.as_str()), refused);
        return push(
            out,
            text,
            LineKind::ScreenHeader(Box::new(cmd)),
            header_time.or(time),
            None,
        );
    }
    let prompt = strip_prompt(text, &command::starts_command);
    // `^C` typed at a prompt: the terminal echoes it after the prompt.
    if let Some(p) = prompt.as_ref().filter(|p| p.rest.starts_with("^C")) {
        return Some((p.rest, p.time.or(time)));
    }
    // A command after a prompt (which names its host and may date it), or alone; only
    // a weak prompt is left without one (a strong one takes any text): it was prose.
    let recognised = match &prompt {
        Some(p) => command::recognise(p.rest, Some(p.strength)).map(|mut r| {
            r.command.host = p.host.map(String::from);
            (r, p.time.or(time))
        }),
        None => command::recognise(text, None).map(|r| (r, time)),
    };
    if let Some((r, time)) = recognised {
        let note = r.comment.map(|c| format!("annotation: # {c}"));
        let text = r.command.text.clone();
        return push(
            out,
            &text,
            LineKind::Command(Box::new(r.command)),
            time,
            note,
        );
    }
    let (row, note) = cut_annotation(text);
    let note = note.map(|n| format!("annotation: {n}"));
    push(out, row, LineKind::Content, time, note)
}

/// A line that is only a time: a marker, or skipped with why when the time cannot be.
fn time_line(t: WallClock) -> (LineKind, Option<WallClock>) {
    match clock::impossible(&t) {
        Some(why) => (LineKind::Skipped(why), None),
        None => (LineKind::TimeMarker, Some(t)),
    }
}

/// `t`, unless it cannot be a real time: then None, and why in `refused`.
fn possible(t: WallClock, refused: &mut Option<String>) -> Option<WallClock> {
    match clock::impossible(&t) {
        Some(why) => {
            *refused = Some(why);
            None
        }
        None => Some(t),
    }
}

/// Reads what follows `Every 2.0s: ` into the command and the screen's time; a date
/// that is not read, or cannot be, is said in `refused`.
fn watch_header(rest: &str, refused: &mut Option<String>) -> (Command, Option<WallClock>) {
    let (cmd_text, time) = match WATCH_DATE.captures(rest) {
        Some(caps) => {
            let whole = caps.get(0).map_or(rest.len(), |m| m.start());
            let date = caps.get(2).map_or("", |d| d.as_str());
            let time = match clock::date_c(date) {
                Ok((_, t)) => possible(t, refused),
                Err(_) => {
                    *refused = Some(format!(
                        "`watch` header's date not understood: this screen has no time ({:?})",
                        date.chars().take(40).collect::<String>()
                    ));
                    None
                }
            };
            (&rest[..whole], time)
        }
        None => (rest, None),
    };
    let cmd_text = cmd_text.trim();
    let cmd = command::recognise(cmd_text, Some(Strength::Strong))
        .map(|r| r.command)
        .unwrap_or_else(|| Command {
            text: cmd_text.to_string(),
            get: None,
            host: None,
        });
    (cmd, time)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn both_ways(text: &str) -> (Vec<CapturedLine>, Vec<CapturedLine>) {
        let raw = || RawLine {
            line: 7,
            text: text.to_string(),
            notes: Vec::new(),
            error: None,
        };
        let (mut fast, mut general) = (Vec::new(), Vec::new());
        classify(raw(), &mut fast);
        classify_general(raw(), &mut general);
        (fast, general)
    }

    /// The bytes that stop a plain row, as the table it was written as named them.
    #[test]
    fn the_bytes_that_stop_a_plain_row() {
        for c in 0..=255u8 {
            let printable = (0x20..=0x7e).contains(&c);
            let stop = !printable || b"$#%&`~^".contains(&c);
            assert_eq!(stops_plain_row(c), stop, "{c:#x}");
        }
    }

    /// The name bytes' comparisons, byte by byte, as the class they were written from.
    #[test]
    fn the_name_bytes_are_their_class() {
        for c in 0..=255u8 {
            let name = c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'.' || c == b'-';
            assert_eq!(is_name_byte(c), name, "{c:#x}");
        }
    }

    /// The lane check finds a stop byte wherever it is: in a full lane, in the padded
    /// tail, or nowhere, for every length up to three lanes.
    #[test]
    fn any_byte_finds_a_stop_at_every_position() {
        for len in 0..48 {
            assert!(!any_byte(&vec![b'x'; len], |c| c == b'!'));
            for at in 0..len {
                let mut b = vec![b'x'; len];
                b[at] = b'!';
                assert!(any_byte(&b, |c| c == b'!'), "{len} {at}");
            }
        }
    }

    /// The plain-row shortcut must give what the recognisers give, on every line of
    /// the samples, the noise fixtures and a simulated busy watch, and on lines made
    /// to look almost like rows.
    #[test]
    fn the_plain_row_shortcut_agrees_with_the_recognisers() {
        let mut lines = crate::capture::sample_and_fixture_lines();
        assert!(lines.len() > 500, "samples and fixtures found");
        let churn: Vec<String> = crate::simulate::churn::Churn::new(3, 10, 3)
            .take(3000)
            .collect();
        let plain_churn = churn.iter().filter(|l| is_plain_row(l)).count();
        assert!(
            plain_churn > 2900,
            "a busy watch is plain rows ({plain_churn})"
        );
        lines.extend(churn);
        for extra in [
            "kubectl get pods -w",
            "k get po",
            "watch kubectl get pods",
            "kgpw",
            "controlplane $ kubectl get pods",
            "master # kubectl get pods",
            "web-1   1/1   Running   0   5m   <br>   x",
            "web-1   1/1   Running   0   5m   <-- here",
            "web-1   1/1   Running   0   5m   <b>x</b>",
            "web-1   1/1   Running   0   5m   &lt;none&gt;",
            "web-1   1/1   Running   0   5m   # note",
            "nov 27 12:00:01 web-1 1/1 Running",
            "fri nov 27 12:00:01 utc 2026",
            "2026-11-27t12:00:01z web-1 1/1 Running",
            "1732741510 web-1 1/1 Running",
            "sudo poweroff",
            "export a=b",
            "web-1 <none> <invalid> <unknown> <nonex>",
        ] {
            lines.push(extra.to_string());
        }
        for l in lines.iter().filter(|l| is_plain_row(l)) {
            let (fast, general) = both_ways(l);
            assert_eq!(fast, general, "{l:?}");
        }
    }

    /// The blank-line shortcut gives what the recognisers give.
    #[test]
    fn blank_lines_take_the_shortcut_to_the_same_result() {
        for l in ["", " ", "    ", &" ".repeat(300)] {
            let (fast, general) = both_ways(l);
            assert_eq!(fast, general, "{l:?}");
        }
    }
}
