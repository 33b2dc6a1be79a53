//! A transcript line's text as it is kept in memory: the runs of spaces that pad
//! the columns stored as two bytes each.
//!
//! A long capture keeps every line that shows a state, for evidence. kubectl's
//! tabwriter pads each column to the widest value seen, so a third of a pod line is
//! padding (a soak's lines: 134 bytes on average, 85 without the runs). The run
//! between two cells is written as [`MARK`] and a length byte; the cells themselves
//! stay as printed, so a cell is still a plain `&str` slice of the stored text, and
//! the line as printed comes back on demand ([`LineText::as_printed`], `Display`).

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

/// Starts a run: the next byte is [`LITERAL`] (a `MARK` of the line itself) or
/// `0x20 + n`, n spaces. The cleaned line text has no control characters
/// (`capture::clean`), so the escape is nearly never needed; it is there so that
/// any text comes back exactly.
const MARK: u8 = 0x01;
const LITERAL: u8 = 0x20;
/// The most spaces one pair of bytes stands for (its length byte stays printable
/// ASCII, so the stored text is valid UTF-8).
const MAX_RUN: usize = 0x7E - 0x20;
/// Runs shorter than this are kept as spaces: two bytes save nothing on two spaces.
const MIN_RUN: usize = 3;

/// A line's text, shared (cloning it is a reference count), with the space runs
/// between its cells squeezed. Compared, hashed and printed as the line it stands for.
#[derive(Clone)]
pub struct LineText(Arc<str>);

impl LineText {
    /// `text` kept as it is (no cells known).
    pub fn new(text: &str) -> LineText {
        LineText::packed(text, &mut [])
    }

    /// `text`, with the runs of spaces between the cells at `spans` (byte ranges,
    /// in order) squeezed; `spans` are moved to where their cells are in the stored
    /// text, so that each cell reads the same from it.
    pub fn packed(text: &str, spans: &mut [(u32, u32)]) -> LineText {
        let bytes = text.as_bytes();
        // `memchr`'s vector search, not `<[u8]>::contains`, whose word-at-a-time loop
        // was about a tenth of the packing's cost.
        if memchr::memchr(MARK, bytes).is_some() {
            return LineText::escaped(text, spans);
        }
        let in_order = spans.iter().all(|&(a, b)| {
            a <= b && text.is_char_boundary(a as usize) && text.is_char_boundary(b as usize)
        }) && spans.windows(2).all(|w| w[0].1 <= w[1].0);
        if !in_order {
            return LineText(text.into());
        }
        LineText::squeezed(text, spans)
    }

    /// `text` packed by [`squeeze`] into the thread's buffer, or kept whole when it
    /// packs nothing. The buffer is taken out of its slot and put back, so that the
    /// packing is compiled as plain code, not inside the thread-local's closure (which
    /// the compiler did not always inline).
    #[inline(always)]
    fn squeezed(text: &str, spans: &mut [(u32, u32)]) -> LineText {
        let mut out = PACKING.take();
        let line = if squeeze(text, spans, &mut out) {
            LineText(Arc::from(out.as_str()))
        } else {
            LineText(text.into())
        };
        PACKING.set(out);
        line
    }

    /// [`LineText::packed`] of a row the one-pass split found plain
    /// ([`crate::tables::plain`]): printable ASCII (no `MARK` to escape), its cells in
    /// order, only spaces between them, so nothing is checked again. Ranges that are
    /// not so (no caller gives them) keep the line whole rather than panic.
    ///
    /// The line is the caller's own, given up: it is packed in its own buffer (a run
    /// never packs longer than it was), so that no second buffer is filled a byte at
    /// a time and the line's buffer is not dropped unused after it.
    pub fn packed_plain(text: String, spans: &mut [(u32, u32)]) -> LineText {
        let ordered = spans
            .windows(2)
            .all(|w| w[0].0 <= w[0].1 && w[0].1 <= w[1].0)
            && spans
                .last()
                .is_none_or(|&(a, b)| a <= b && b as usize <= text.len());
        if !ordered || !text.is_ascii() {
            return LineText::packed(&text, spans);
        }
        let mut bytes = text.into_bytes();
        squeeze_plain(&mut bytes, spans);
        // ASCII in, ASCII out (a run's pair is printable): the check cannot fail.
        match String::from_utf8(bytes) {
            Ok(packed) => LineText(packed.into()),
            Err(e) => LineText(String::from_utf8_lossy(e.as_bytes()).into()),
        }
    }

    /// `text` holding a [`MARK`] byte itself: each written as an escaped pair, no run
    /// squeezed, and the spans shifted by the escapes before them.
    fn escaped(text: &str, spans: &mut [(u32, u32)]) -> LineText {
        let bytes = text.as_bytes();
        // How many escapes come before each byte: a line of many cells stays linear.
        let mut before = Vec::with_capacity(bytes.len() + 1);
        let mut n = 0u32;
        before.push(0);
        for &b in bytes {
            n += u32::from(b == MARK);
            before.push(n);
        }
        let marks_before = |p: u32| before[(p as usize).min(bytes.len())];
        for s in spans.iter_mut() {
            *s = (s.0 + marks_before(s.0), s.1 + marks_before(s.1));
        }
        let mut out = Vec::with_capacity(bytes.len() + 8);
        for &b in bytes {
            out.push(b);
            if b == MARK {
                out.push(LITERAL);
            }
        }
        LineText(Arc::from(String::from_utf8(out).expect("ASCII escapes")))
    }

    /// The text as stored: cells are slices of it; runs are not spaces here.
    pub(crate) fn stored(&self) -> &str {
        &self.0
    }

    /// The line as printed.
    pub fn as_printed(&self) -> Cow<'_, str> {
        if !self.0.as_bytes().contains(&MARK) {
            return Cow::Borrowed(&self.0);
        }
        Cow::Owned(self.to_string())
    }
}

/// Writes `text` to `out` (cleared first) with the runs of spaces between the cells
/// at `spans` squeezed, and moves `spans` to where their cells are in it (see
/// [`LineText::packed`]). Whether any run was squeezed: if none, `out` is not the line.
fn squeeze(text: &str, spans: &mut [(u32, u32)], out: &mut String) -> bool {
    let bytes = text.as_bytes();
    out.clear();
    let mut copied = 0;
    let mut saved = 0u32;
    for i in 0..spans.len() {
        spans[i].0 -= saved;
        spans[i].1 -= saved;
        let Some(&(next, _)) = spans.get(i + 1) else {
            break;
        };
        let (gap_start, gap_end) = (spans[i].1 as usize + saved as usize, next as usize);
        let gap = &bytes[gap_start..gap_end];
        if gap.len() < MIN_RUN || gap.iter().any(|&b| b != b' ') {
            continue;
        }
        // Cells end and begin on character boundaries, and the gap is spaces.
        out.push_str(&text[copied..gap_start]);
        let written = push_run(out, gap.len());
        copied = gap_end;
        saved += (gap.len() - written) as u32;
    }
    if copied == 0 {
        return false;
    }
    out.push_str(&text[copied..]);
    true
}

/// [`squeeze`] for a plain row's cells, in the line's own buffer (see
/// [`LineText::packed_plain`]; the caller checked that the text is ASCII and the
/// ranges in order within it): the gaps are spaces, so only their lengths are looked
/// at. A run of `n` spaces is written in at most `n` bytes, so the writing never
/// overtakes the reading.
fn squeeze_plain(bytes: &mut Vec<u8>, spans: &mut [(u32, u32)]) {
    // `bytes[..kept]` is the packed text so far; `bytes[read..]` is still as printed.
    let (mut kept, mut read) = (0usize, 0usize);
    for i in 0..spans.len() {
        let (a, b) = spans[i];
        let saved = (read - kept) as u32;
        spans[i] = (a - saved, b - saved);
        let Some(&(next, _)) = spans.get(i + 1) else {
            break;
        };
        let mut gap = (next - b) as usize;
        if gap < MIN_RUN {
            continue;
        }
        let end = b as usize;
        if kept != read {
            bytes.copy_within(read..end, kept);
        }
        kept += end - read;
        read = next as usize;
        while gap >= MIN_RUN {
            let take = gap.min(MAX_RUN);
            bytes[kept] = MARK;
            bytes[kept + 1] = 0x20 + take as u8;
            kept += 2;
            gap -= take;
        }
        // A run's last one or two spaces as they are (a loop, not `fill`, which is a
        // call to `memset` for two bytes).
        for _ in 0..gap {
            bytes[kept] = b' ';
            kept += 1;
        }
    }
    if kept != read {
        let len = bytes.len();
        bytes.copy_within(read..len, kept);
        bytes.truncate(kept + len - read);
    }
}

/// Spaces to print a run from.
const SPACES: &str = match std::str::from_utf8(&[b' '; MAX_RUN]) {
    Ok(s) => s,
    Err(_) => "",
};

/// Writes a run of `n` spaces as pairs; returns the bytes written.
fn push_run(out: &mut String, mut n: usize) -> usize {
    let start = out.len();
    while n >= MIN_RUN {
        let take = n.min(MAX_RUN);
        out.push(MARK as char);
        out.push(char::from(0x20 + take as u8));
        n -= take;
    }
    out.push_str(&SPACES[..n]);
    out.len() - start
}

thread_local! {
    /// The line being packed: one buffer a thread, so that a line costs one
    /// allocation, its own.
    static PACKING: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

impl fmt::Display for LineText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut rest = self.stored();
        while let Some(i) = rest.find(MARK as char) {
            f.write_str(&rest[..i])?;
            match rest.as_bytes().get(i + 1) {
                Some(&LITERAL) => f.write_str("\u{1}")?,
                Some(&n) => {
                    f.write_str(&SPACES[..usize::from(n.saturating_sub(0x20)).min(MAX_RUN)])?
                }
                None => {}
            }
            rest = rest.get(i + 2..).unwrap_or("");
        }
        f.write_str(rest)
    }
}

impl fmt::Debug for LineText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.as_printed(), f)
    }
}

impl PartialEq for LineText {
    fn eq(&self, other: &LineText) -> bool {
        // Stored alike is printed alike; a line stored whole and squeezed is compared
        // as printed.
        self.0 == other.0 || self.as_printed() == other.as_printed()
    }
}

impl Eq for LineText {}

impl PartialOrd for LineText {
    fn partial_cmp(&self, other: &LineText) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for LineText {
    fn cmp(&self, other: &LineText) -> std::cmp::Ordering {
        self.as_printed().cmp(&other.as_printed())
    }
}

impl std::hash::Hash for LineText {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        self.as_printed().hash(h)
    }
}

impl serde::Serialize for LineText {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl From<&str> for LineText {
    fn from(text: &str) -> LineText {
        LineText::new(text)
    }
}

impl From<String> for LineText {
    fn from(text: String) -> LineText {
        LineText::new(&text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn cells<'a>(t: &'a LineText, spans: &[(u32, u32)]) -> Vec<&'a str> {
        spans
            .iter()
            .map(|&(a, b)| &t.stored()[a as usize..b as usize])
            .collect()
    }

    /// The spans of the runs of non-space characters of `line`, as a splitter of a
    /// plain kubectl row finds its cells.
    fn words(line: &str) -> Vec<(u32, u32)> {
        let mut out = Vec::new();
        let mut start = None;
        for (i, c) in line.char_indices().chain([(line.len(), ' ')]) {
            match (c == ' ', start) {
                (false, None) => start = Some(i),
                (true, Some(s)) => {
                    out.push((s as u32, i as u32));
                    start = None;
                }
                _ => {}
            }
        }
        out
    }

    #[test]
    fn a_pod_line_keeps_its_cells_and_prints_as_it_was() {
        let line = "web-5d8f7c9b4-abcde   1/1     Running   0          5h17m   10.244.29.207   worker-30   <none>           <none>";
        let mut spans = words(line);
        let before: Vec<&str> = words(line)
            .iter()
            .map(|&(a, b)| &line[a as usize..b as usize])
            .collect();
        let t = LineText::packed(line, &mut spans);
        assert!(
            t.stored().len() * 5 <= line.len() * 4,
            "{} of {}",
            t.stored().len(),
            line.len()
        );
        assert_eq!(cells(&t, &spans), before);
        assert_eq!(t.to_string(), line);
        assert_eq!(t, LineText::new(line));
    }

    #[test]
    fn a_run_longer_than_one_pair_and_a_cell_with_spaces() {
        let line = format!("a{}b c{}d", " ".repeat(200), " ".repeat(4));
        let mut spans = vec![(0, 1), (201, 204), (208, 209)];
        let t = LineText::packed(&line, &mut spans);
        assert_eq!(cells(&t, &spans), ["a", "b c", "d"]);
        assert_eq!(t.to_string(), line);
    }

    #[test]
    fn a_line_holding_the_escape_byte_comes_back_exactly() {
        let line = "x\u{1}y   z";
        let mut spans = vec![(0, 3), (6, 7)];
        let t = LineText::packed(line, &mut spans);
        // The escape shows in the cell's stored form: cleaned rows never hold one.
        assert_eq!(cells(&t, &spans), ["x\u{1} y", "z"]);
        assert_eq!(t.to_string(), line);
    }

    /// Ranges that split a character (no splitter gives them; a caller might) leave
    /// the line stored whole rather than panic.
    #[test]
    fn ranges_inside_a_character_keep_the_line_whole() {
        let line = "é    b";
        let mut spans = vec![(0, 1), (6, 7)];
        let t = LineText::packed(line, &mut spans);
        assert_eq!(t.stored(), line);
        assert_eq!(spans, [(0, 1), (6, 7)]);
    }

    proptest! {
        /// Packing is lossless: the line prints back as it was and every cell reads
        /// the same from the stored text.
        #[test]
        fn packing_keeps_the_line_and_its_cells(
            parts in proptest::collection::vec(("[a-z<>/0-9.\u{1}é]{0,8}", 0usize..130), 0..12)
        ) {
            let mut line = String::new();
            for (word, gap) in &parts {
                line.push_str(word);
                line.push_str(&" ".repeat(*gap));
            }
            let mut spans = words(&line);
            let want: Vec<String> = spans
                .iter()
                .map(|&(a, b)| line[a as usize..b as usize].to_string())
                .collect();
            let t = LineText::packed(&line, &mut spans);
            prop_assert_eq!(t.to_string(), line.clone());
            prop_assert_eq!(t.as_printed().into_owned(), line.clone());
            if !line.contains('\u{1}') {
                prop_assert_eq!(cells(&t, &spans), want);
            }
        }
    }
}
