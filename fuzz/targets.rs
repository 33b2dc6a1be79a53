//! The bodies of the fuzz targets, in one place.
//!
//! Included with `#[path]` by the cargo-fuzz targets (`fuzz/fuzz_targets/*.rs`) and by
//! the main crate's corpus regression test (`tests/fuzz_corpus.rs`), so that what the
//! fuzzers explore and what `cargo test` replays are the same code. Every function
//! takes the raw fuzz input and panics when a law breaks; returning is a pass.
//!
//! | target      | input                                                     |
//! |-------------|-----------------------------------------------------------|
//! | `capture`   | a transcript file's bytes                                 |
//! | `pipeline`  | up to [`MAX_SOURCES`] transcripts joined by [`SOURCE_BREAK`] |
//! | `split_row` | [`encode_split_input`]: columns, classes, positions, line |
//! | `duration`  | a printed duration; its first 8 bytes also as milliseconds |

use std::io::{self, Read};
use std::sync::Arc;

use watchtrail::capture::{self, CapturedLine, LineKind};
use watchtrail::duration::{self, Formatter, Reading};
use watchtrail::input::{Origin, Source};
use watchtrail::tables::cells::{self, CellClass};
use watchtrail::tables::{split, Item, Tabler};

/// A target body: panics when a law breaks.
pub type Target = fn(&[u8]);

/// Every target by name, as the corpus directories are named.
pub const TARGETS: &[(&str, Target)] = &[
    ("capture", capture),
    ("pipeline", pipeline),
    ("split_row", split_row),
    ("duration", duration),
];

// ---------------------------------------------------------------------------------
// capture: bytes → captured lines → table items
// ---------------------------------------------------------------------------------

/// A reader that hands out its bytes in small, varying pieces (1 to 64 bytes, from a
/// fixed sequence), to check that capture does not depend on how reads are cut.
struct Chunked<'a> {
    data: &'a [u8],
    state: u32,
}

impl Read for Chunked<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.state = self.state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        let want = 1 + (self.state >> 16) as usize % 64;
        let n = want.min(buf.len()).min(self.data.len());
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

/// `capture_bytes` and the streaming `capture::lines` (fed in odd-sized reads) agree;
/// line numbers start at 1 and never go back; every captured line becomes exactly one
/// table item on the same line, and every row has one cell per column.
pub fn capture(data: &[u8]) {
    let whole = capture::capture_bytes(data);
    let streamed: Vec<CapturedLine> = capture::lines(Chunked {
        data,
        state: data.len() as u32,
    })
    .collect();
    assert_eq!(whole, streamed, "capture depends on how the input is read");
    check_captured(&whole);
    let mut tabler = Tabler::new(0);
    for cl in whole {
        let line = cl.line;
        let item = tabler.push(cl);
        assert_eq!(item.line(), line, "an item moved to another line");
        if let Item::Row(row) = &item {
            assert_eq!(
                row.spans.len(),
                row.schema.columns.len(),
                "a row without one cell per column: {:?}",
                row.text
            );
            assert!(
                (0..row.spans.len()).all(|i| row.cell(i).is_some()),
                "a cell outside its line: {:?} {:?}",
                row.spans,
                row.text
            );
        }
    }
}

fn check_captured(lines: &[CapturedLine]) {
    let mut last = 0;
    for cl in lines {
        assert!(
            cl.line >= 1 && cl.line >= last,
            "line numbers go back: {last} then {}",
            cl.line
        );
        last = cl.line;
        if cl.kind == LineKind::Content {
            assert_eq!(cl.text.trim(), cl.text, "content text is not trimmed");
            assert!(!cl.text.is_empty(), "an empty line is Content, not Blank");
        }
    }
}

// ---------------------------------------------------------------------------------
// pipeline: bytes → sources → ingest → timelines → analysis → every renderer
// ---------------------------------------------------------------------------------

/// Separates the transcripts of one experiment in a `pipeline` input.
pub const SOURCE_BREAK: &[u8] = b"\n%%%% next file %%%%\n";
/// At most this many sources; the rest of the input stays in the last one.
pub const MAX_SOURCES: usize = 4;

/// Joins transcripts into one `pipeline` input.
pub fn encode_pipeline_input(files: &[&[u8]]) -> Vec<u8> {
    files.join(SOURCE_BREAK)
}

fn split_sources(data: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    let mut rest = data;
    while out.len() + 1 < MAX_SOURCES {
        match rest
            .windows(SOURCE_BREAK.len())
            .position(|w| w == SOURCE_BREAK)
        {
            Some(i) => {
                out.push(&rest[..i]);
                rest = &rest[i + SOURCE_BREAK.len()..];
            }
            None => break,
        }
    }
    out.push(rest);
    out
}

/// What `watchtrail analyze` / `report` / `render` do with an experiment, on bytes:
/// ingest every source, build the timelines, analyse, and write every format. Laws:
/// nothing panics; every input line is accounted for exactly once; the JSON documents
/// serialise; the SVG and the HTML page are well-formed XML and carry no script.
pub fn pipeline(data: &[u8]) {
    let sources: Vec<Source> = split_sources(data)
        .into_iter()
        .enumerate()
        .map(|(i, bytes)| Source {
            name: format!("in-{i}.log").into(),
            origin: Origin::Bytes(Arc::from(bytes)),
        })
        .collect();
    let options = watchtrail::Options::new("fuzz");
    let mut ing = watchtrail::ingest(&sources, &options).expect("in-memory sources always open");
    for acc in &ing.accounts {
        let used =
            acc.rows + acc.headers + acc.commands + acc.time_markers + acc.blank + acc.skipped;
        assert_eq!(used, acc.lines, "{}: lines not accounted for", acc.source);
        assert_eq!(
            acc.skipped,
            acc.skipped_by_reason.values().sum::<u64>(),
            "{}: skipped lines by reason do not add up",
            acc.source
        );
    }
    let mut out = Vec::new();
    watchtrail::output::table::write_observations(&mut out, &ing.observations)
        .expect("writing to a Vec");
    let t = watchtrail::timeline(&mut ing, &options);
    out.clear();
    watchtrail::output::timeline_text::write(&mut out, &t).expect("writing to a Vec");
    serde_json::to_string(&t).expect("timeline JSON");
    let a = watchtrail::analyze_timelines(&ing, t, &options);
    serde_json::to_string(&watchtrail::output::json::analysis_document(&a)).expect("analysis JSON");
    for color in [false, true] {
        out.clear();
        let text = watchtrail::output::analysis_text::Text {
            color,
            width: Some(40),
            ..Default::default()
        };
        watchtrail::output::render(&text, &a, &mut out).expect("writing to a Vec");
    }
    out.clear();
    let md = watchtrail::output::markdown::Markdown {
        svg_link: Some("fuzz.svg".into()),
    };
    watchtrail::output::render(&md, &a, &mut out).expect("writing to a Vec");
    let svg = watchtrail::output::svg::render(&a);
    well_formed("SVG", &svg);
    out.clear();
    watchtrail::output::html::write(&mut out, &a).expect("writing to a Vec");
    let page = String::from_utf8(out).expect("HTML is UTF-8");
    well_formed("HTML", &page);
    assert!(
        !page.contains("<script"),
        "the report page carries a script"
    );
}

fn well_formed(what: &str, text: &str) {
    let opt = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..Default::default()
    };
    if let Err(e) = roxmltree::Document::parse_with_options(text, opt) {
        panic!("{what} is not well-formed XML: {e}");
    }
}

// ---------------------------------------------------------------------------------
// split_row: a line and the grammars of its columns → cells
// ---------------------------------------------------------------------------------

/// How many classes a `split_row` input can name: every grammar, then `Unknown`.
const CLASS_COUNT: usize = CellClass::ALL.len() + 1;

/// The class a `split_row` input names by index (the byte modulo [`CLASS_COUNT`]).
fn class_at(i: usize) -> CellClass {
    CellClass::ALL.get(i).copied().unwrap_or(CellClass::Unknown)
}

/// Most columns a `split_row` input can give (kubectl tables have up to ~12; labels
/// columns add more).
pub const MAX_COLUMNS: usize = 32;

/// A `split_row` input: byte 0 = columns − 1 (low 5 bits) and whether header positions
/// follow (bit 5); one byte per column naming its class; when present, one little-endian
/// `u16` per column for its header position; then the line (UTF-8, lossily).
pub fn encode_split_input(
    classes: &[CellClass],
    positions: Option<&[usize]>,
    line: &str,
) -> Vec<u8> {
    assert!((1..=MAX_COLUMNS).contains(&classes.len()));
    let mut out = vec![(classes.len() - 1) as u8 | if positions.is_some() { 0x20 } else { 0 }];
    for c in classes {
        let i = (0..CLASS_COUNT)
            .position(|i| class_at(i) == *c)
            .expect("a known class");
        out.push(i as u8);
    }
    if let Some(p) = positions {
        assert_eq!(p.len(), classes.len());
        for &x in p {
            out.extend_from_slice(&(x.min(u16::MAX as usize) as u16).to_le_bytes());
        }
    }
    out.extend_from_slice(line.as_bytes());
    out
}

type SplitInput = (Vec<CellClass>, Option<Vec<usize>>, String);

fn decode_split_input(data: &[u8]) -> Option<SplitInput> {
    let (&head, rest) = data.split_first()?;
    let n = (head & 0x1f) as usize + 1;
    let (class_bytes, rest) = (rest.get(..n)?, &rest[n..]);
    let classes = class_bytes
        .iter()
        .map(|b| class_at(*b as usize % CLASS_COUNT))
        .collect();
    let (positions, rest) = if head & 0x20 != 0 {
        let raw = rest.get(..2 * n)?;
        let p = raw
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]) as usize)
            .collect();
        (Some(p), &rest[2 * n..])
    } else {
        (None, rest)
    };
    Some((
        classes,
        positions,
        String::from_utf8_lossy(rest).into_owned(),
    ))
}

/// Laws of the row splitter: one cell per column, in order, on character boundaries;
/// each cell accepted by its column's grammar (an empty one only where it may be
/// empty); only whitespace between and around the cells. The lenient split gives the
/// strict split when there is one; otherwise what it leaves over starts with an
/// annotation word.
pub fn split_row(data: &[u8]) {
    let Some((classes, positions, line)) = decode_split_input(data) else {
        return;
    };
    let positions = positions.as_deref();
    let strict = split::split_row(&line, &classes, positions);
    if let Some(cells) = &strict {
        check_cells(&line, &classes, cells, line.len());
    }
    let lenient = split::split_row_lenient(&line, &classes, positions);
    match (&strict, &lenient) {
        (Some(s), Some((l, rest))) => {
            assert_eq!(s, l, "lenient split differs from the strict one");
            assert_eq!(*rest, None, "lenient split left text over a full split");
        }
        (Some(_), None) => panic!("lenient split refuses what the strict one splits"),
        (None, Some((cells, rest))) => {
            let at = rest.expect("a lenient-only split leaves an annotation over");
            assert!(line.is_char_boundary(at));
            let note = &line[at..];
            assert!(
                ["#", "<-", "<=", "←", "//", "--", "=="]
                    .iter()
                    .any(|p| note.starts_with(p)),
                "the leftover is no annotation: {note:?}"
            );
            check_cells(&line, &classes, cells, at);
        }
        (None, None) => {}
    }
}

/// The text of non-empty cells lies in order before `end` with only whitespace around
/// it. An empty cell's position carries nothing (after a dropped annotation the
/// trailing empty cells point at the end of the line), so it is only checked in range.
fn check_cells(line: &str, classes: &[CellClass], cells: &split::Cells, end: usize) {
    assert_eq!(cells.len(), classes.len(), "not one cell per column");
    let mut at = 0;
    for (&(a, b), &class) in cells.iter().zip(classes) {
        assert!(
            a <= b && b <= line.len(),
            "a cell out of the line: {cells:?}"
        );
        assert!(line.is_char_boundary(a) && line.is_char_boundary(b));
        if a == b {
            assert!(class.may_be_empty(), "an empty {class:?} cell");
            continue;
        }
        assert!(at <= a && b <= end, "cells out of order: {cells:?}");
        assert!(
            line[at..a].trim().is_empty(),
            "text between cells: {:?}",
            &line[at..a]
        );
        let cell = &line[a..b];
        assert!(cells::accepts(class, cell), "{class:?} refuses {cell:?}");
        at = b;
    }
    assert!(
        line[at..end].trim().is_empty(),
        "text after the last cell: {:?}",
        &line[at..end]
    );
}

// ---------------------------------------------------------------------------------
// duration: printed durations ↔ intervals
// ---------------------------------------------------------------------------------

/// The milliseconds Go's `time.Duration` (int64 nanoseconds) can hold: kubectl never
/// prints a duration outside them, so the print → read law is only asked there.
pub const GO_DURATION_MAX_MS: i64 = i64::MAX / 1_000_000;

/// Laws of `duration` on a text (both formatters) and on a number of milliseconds
/// (the input's first 8 bytes, little-endian, folded into Go's range).
pub fn duration(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    duration_text(&text);
    if let Some(head) = data.get(..8) {
        let raw = i64::from_le_bytes(head.try_into().expect("8 bytes"));
        let ms = raw.rem_euclid(2 * GO_DURATION_MAX_MS + 1) - GO_DURATION_MAX_MS;
        duration_ms(ms);
    }
}

fn format(f: Formatter, ms: i64) -> String {
    match f {
        Formatter::Human => duration::format_human(ms),
        Formatter::Short => duration::format_short(ms),
    }
}

/// Whether a duration in ms lies inside what a text reads as (`0s` stands for
/// (−2 s, 1 s): Go truncates −1.9 s to −1 s and prints `0s`).
fn contains(r: Reading, ms: i64) -> bool {
    match r {
        Reading::Bounds(b) if b.min_s == -2 => ms > -2000 && ms < b.max_s * 1000,
        Reading::Bounds(b) => ms >= b.min_s * 1000 && ms < b.max_s * 1000,
        Reading::Invalid => ms <= -2000,
        Reading::Unknown => false,
    }
}

/// A two-unit text whose second unit is zero (`2m0s`, `7y0d`): what servers printed
/// before zero remainders were dropped. Today's formatter prints the first unit alone.
fn without_zero_remainder(text: &str) -> &str {
    let Some(i) = text.find(|c: char| c.is_ascii_alphabetic()) else {
        return text;
    };
    let (first, second) = text.split_at(i + 1);
    if second.len() == 2 && second.starts_with('0') {
        first
    } else {
        text
    }
}

fn duration_text(text: &str) {
    let human = duration::parse(text, Formatter::Human);
    let short = duration::parse(text, Formatter::Short);
    assert_eq!(
        duration::is_duration(text),
        human.is_some() || short.is_some()
    );
    match duration::pinned_formatter(text) {
        Some(Formatter::Human) => {
            assert!(matches!(human, Some(Reading::Bounds(_))) && short.is_none())
        }
        Some(Formatter::Short) => {
            assert!(matches!(short, Some(Reading::Bounds(_))) && human.is_none())
        }
        None => {}
    }
    assert_eq!(
        cells::duration_reading(text, Formatter::Human).is_some(),
        duration::is_duration(text)
    );
    assert_eq!(
        cells::restarts(&format!("1 ({text} ago)")).is_some(),
        duration::is_duration(text)
    );
    for (f, r) in [(Formatter::Human, human), (Formatter::Short, short)] {
        let Some(r) = r else { continue };
        match r {
            Reading::Invalid => assert_eq!(text, "<invalid>"),
            Reading::Unknown => assert_eq!(text, "<unknown>"),
            Reading::Bounds(b) => {
                assert!(b.min_s < b.max_s, "{text:?} reads as an empty interval");
                if text == "0s" {
                    continue;
                }
                // The interval is exactly the durations the formatter prints as `text`.
                let printed = without_zero_remainder(text);
                let (lo, hi) = (b.min_s * 1000, b.max_s * 1000 - 1);
                for ms in [lo, hi] {
                    assert_eq!(
                        format(f, ms),
                        printed,
                        "{f:?}: {text:?} reads as [{}, {}) s but {ms} ms prints otherwise",
                        b.min_s,
                        b.max_s
                    );
                }
                for ms in [lo - 1, hi + 1] {
                    assert_ne!(
                        format(f, ms),
                        printed,
                        "{f:?}: {text:?} reads as [{}, {}) s, too narrow at {ms} ms",
                        b.min_s,
                        b.max_s
                    );
                }
            }
        }
    }
}

fn duration_ms(ms: i64) {
    for f in [Formatter::Human, Formatter::Short] {
        let text = format(f, ms);
        let r = duration::parse(&text, f)
            .unwrap_or_else(|| panic!("{f:?}: own output {text:?} of {ms} ms refused"));
        assert!(
            contains(r, ms),
            "{f:?}: {text:?} read as {r:?} misses {ms} ms"
        );
        let other = match f {
            Formatter::Human => Formatter::Short,
            Formatter::Short => Formatter::Human,
        };
        assert_ne!(
            duration::pinned_formatter(&text),
            Some(other),
            "{f:?} output {text:?} pinned to the other formatter"
        );
    }
}
