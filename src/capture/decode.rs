//! Bytes → numbered text lines, streaming.
//!
//! Owns: encoding detection (UTF-8, UTF-8 BOM, UTF-16 LE/BE with or
//! without BOM), line breaks (LF, CRLF, bare CR), invalid UTF-8, NUL bytes and the
//! per-line length limit. Does not own: what is *in* a line (escapes, HTML, prompts),
//! nor compression (gzip is undone before, by [`crate::input::Source::open`]).
//!
//! Input: any `Read`. Output: [`RawLine`]s, one per line break of the decoded text.
//! Memory is bounded by [`MAX_LINE_BYTES`] plus a read buffer, whatever the input size:
//! a longer line is cut and the rest of it is read and thrown away, never buffered.

use std::io::{self, BufRead, BufReader, Chain, Cursor, Read};

/// Longest line kept, in bytes of UTF-8. kubectl rows are a few hundred bytes; anything
/// near this is a paste accident or binary junk.
pub const MAX_LINE_BYTES: usize = 1 << 20;

/// How many leading bytes are looked at to guess the encoding.
const SNIFF_BYTES: usize = 512;

/// One decoded line before cleaning.
#[derive(Debug, Clone, PartialEq)]
pub struct RawLine {
    /// 1-based number of the line in the decoded text.
    pub line: u64,
    /// The line's text, without its line break. May hold control characters.
    pub text: String,
    /// What decoding had to repair on this line.
    pub notes: Vec<String>,
    /// Set on a read error: the source ended here abnormally.
    pub error: Option<String>,
}

/// The text encoding found at the start of the source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16 { big_endian: bool },
}

/// The first bytes of a source, read before deciding how to decode the rest.
type Sniffed<R> = Chain<Cursor<Vec<u8>>, R>;

/// The decoded byte stream: UTF-8 (maybe invalid) in every case.
pub enum Transcoded<R: Read> {
    Utf8(Sniffed<R>),
    Utf16(Utf16ToUtf8<Sniffed<R>>),
}

impl<R: Read> Read for Transcoded<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Transcoded::Utf8(r) => r.read(buf),
            Transcoded::Utf16(r) => r.read(buf),
        }
    }
}

/// Reads up to `n` bytes (fewer only at end of input); errors end the sniff early.
fn read_head<R: Read>(reader: &mut R, n: usize) -> Vec<u8> {
    let mut head = Vec::with_capacity(n);
    let mut buf = [0u8; SNIFF_BYTES];
    while head.len() < n {
        let want = (n - head.len()).min(buf.len());
        match reader.read(&mut buf[..want]) {
            Ok(0) => break,
            Ok(k) => head.extend_from_slice(&buf[..k]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(_) => break,
        }
    }
    head
}

/// Guesses the encoding from the first bytes; returns it and how many BOM bytes to skip.
pub fn detect(head: &[u8]) -> (Encoding, usize) {
    if head.starts_with(&[0xEF, 0xBB, 0xBF]) {
        return (Encoding::Utf8, 3);
    }
    if head.starts_with(&[0xFF, 0xFE]) {
        return (Encoding::Utf16 { big_endian: false }, 2);
    }
    if head.starts_with(&[0xFE, 0xFF]) {
        return (Encoding::Utf16 { big_endian: true }, 2);
    }
    // No BOM: ASCII text in UTF-16 has a NUL in every other byte. Ask for most pairs
    // (not all: a few non-Latin characters are allowed) and at least two of them.
    let pairs: Vec<&[u8]> = head.chunks_exact(2).collect();
    if pairs.len() >= 2 {
        let le = pairs.iter().filter(|p| p[0] != 0 && p[1] == 0).count();
        let be = pairs.iter().filter(|p| p[0] == 0 && p[1] != 0).count();
        if le * 10 >= pairs.len() * 9 {
            return (Encoding::Utf16 { big_endian: false }, 0);
        }
        if be * 10 >= pairs.len() * 9 {
            return (Encoding::Utf16 { big_endian: true }, 0);
        }
    }
    (Encoding::Utf8, 0)
}

/// Opens a source of plain bytes: detects the encoding from its first bytes.
pub fn open<R: Read>(mut reader: R) -> Transcoded<R> {
    let head = read_head(&mut reader, SNIFF_BYTES);
    let (encoding, bom) = detect(&head);
    let body = Cursor::new(head[bom..].to_vec()).chain(reader);
    match encoding {
        Encoding::Utf8 => Transcoded::Utf8(body),
        Encoding::Utf16 { big_endian } => Transcoded::Utf16(Utf16ToUtf8::new(body, big_endian)),
    }
}

/// A `Read` adapter turning UTF-16 into UTF-8 bytes chunk by chunk.
///
/// An unpaired surrogate or a dangling odd byte is written as the byte 0xFF, which is never
/// valid UTF-8, so the line splitter replaces it and notes it like any other bad byte.
pub struct Utf16ToUtf8<R> {
    inner: R,
    big_endian: bool,
    /// A byte left over when a chunk had an odd length.
    odd: Option<u8>,
    /// A high surrogate waiting for its low half.
    high: Option<u16>,
    out: Vec<u8>,
    pos: usize,
    eof: bool,
}

impl<R: Read> Utf16ToUtf8<R> {
    pub fn new(inner: R, big_endian: bool) -> Self {
        Utf16ToUtf8 {
            inner,
            big_endian,
            odd: None,
            high: None,
            out: Vec::new(),
            pos: 0,
            eof: false,
        }
    }

    fn push_unit(&mut self, unit: u16) {
        if let Some(high) = self.high.take() {
            if (0xDC00..0xE000).contains(&unit) {
                let c = 0x10000 + ((u32::from(high) - 0xD800) << 10) + (u32::from(unit) - 0xDC00);
                self.push_char(char::from_u32(c).unwrap_or(char::REPLACEMENT_CHARACTER));
                return;
            }
            self.out.push(0xFF);
        }
        if (0xD800..0xDC00).contains(&unit) {
            self.high = Some(unit);
        } else if (0xDC00..0xE000).contains(&unit) {
            self.out.push(0xFF);
        } else {
            let c = char::from_u32(u32::from(unit)).unwrap_or(char::REPLACEMENT_CHARACTER);
            self.push_char(c);
        }
    }

    fn push_char(&mut self, c: char) {
        let mut buf = [0u8; 4];
        self.out
            .extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
    }

    /// Decodes the next chunk into `out`; returns false at end of input.
    fn refill(&mut self) -> io::Result<bool> {
        self.out.clear();
        self.pos = 0;
        let mut chunk = [0u8; 8192];
        while self.out.is_empty() {
            if self.eof {
                return Ok(false);
            }
            let n = match self.inner.read(&mut chunk) {
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if n == 0 {
                self.eof = true;
                if self.odd.take().is_some() || self.high.take().is_some() {
                    self.out.push(0xFF);
                }
                continue;
            }
            let mut bytes = &chunk[..n];
            if let Some(first) = self.odd.take() {
                let pair = [first, bytes[0]];
                self.push_unit(self.unit(pair));
                bytes = &bytes[1..];
            }
            let mut pairs = bytes.chunks_exact(2);
            for p in &mut pairs {
                self.push_unit(self.unit([p[0], p[1]]));
            }
            self.odd = pairs.remainder().first().copied();
        }
        Ok(true)
    }

    fn unit(&self, pair: [u8; 2]) -> u16 {
        if self.big_endian {
            u16::from_be_bytes(pair)
        } else {
            u16::from_le_bytes(pair)
        }
    }
}

impl<R: Read> Read for Utf16ToUtf8<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.pos >= self.out.len() && !self.refill()? {
            return Ok(0);
        }
        let n = buf.len().min(self.out.len() - self.pos);
        buf[..n].copy_from_slice(&self.out[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

/// Splits a byte stream into lines at LF, CRLF or a lone CR, keeping at most
/// [`MAX_LINE_BYTES`] of each line.
pub struct LineSplitter<R> {
    reader: BufReader<R>,
    /// The last line ended with CR: a LF right after it belongs to the same break.
    after_cr: bool,
    line: u64,
    done: bool,
}

impl<R: Read> LineSplitter<R> {
    pub fn new(reader: R) -> Self {
        LineSplitter {
            reader: BufReader::with_capacity(64 * 1024, reader),
            after_cr: false,
            line: 0,
            done: false,
        }
    }

    /// Reads the next line's bytes; `None` at the end of input.
    fn next_bytes(&mut self) -> Option<(Vec<u8>, bool, Option<String>)> {
        let mut bytes = Vec::new();
        let mut cut = false;
        let mut started = false;
        loop {
            let buf = match self.reader.fill_buf() {
                Ok(buf) => buf,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    self.done = true;
                    return Some((bytes, cut, Some(e.to_string())));
                }
            };
            if buf.is_empty() {
                self.done = true;
                return started.then_some((bytes, cut, None));
            }
            if self.after_cr {
                self.after_cr = false;
                if buf[0] == b'\n' {
                    self.reader.consume(1);
                    continue;
                }
            }
            started = true;
            // memchr2 scans a word at a time; a byte loop was a fifth of capture.
            let brk = memchr::memchr2(b'\n', b'\r', buf);
            let take = brk.unwrap_or(buf.len());
            let room = MAX_LINE_BYTES.saturating_sub(bytes.len());
            if take > room {
                cut = true;
            }
            bytes.extend_from_slice(&buf[..take.min(room)]);
            match brk {
                Some(i) => {
                    self.after_cr = buf[i] == b'\r';
                    self.reader.consume(i + 1);
                    return Some((bytes, cut, None));
                }
                None => {
                    let n = buf.len();
                    self.reader.consume(n);
                }
            }
        }
    }
}

impl<R: Read> Iterator for LineSplitter<R> {
    type Item = RawLine;

    fn next(&mut self) -> Option<RawLine> {
        if self.done {
            return None;
        }
        let (mut bytes, cut, error) = self.next_bytes()?;
        self.line += 1;
        let mut notes = Vec::new();
        if cut {
            // Back off to a character boundary so the cut does not leave half a character.
            let keep = char_boundary(&bytes);
            bytes.truncate(keep);
            notes.push(format!(
                "line longer than {MAX_LINE_BYTES} bytes: cut there, the rest skipped"
            ));
        }
        // Counted only when there is one: nearly no line has a NUL.
        if memchr::memchr(0, &bytes).is_some() {
            let nuls = bytes.iter().filter(|&&b| b == 0).count();
            bytes.retain(|&b| b != 0);
            notes.push(format!("{nuls} NUL byte(s) removed"));
        }
        let text = match String::from_utf8(bytes) {
            Ok(s) => s,
            Err(e) => {
                let bytes = e.into_bytes();
                let bad = count_invalid(&bytes);
                notes.push(format!(
                    "{bad} invalid byte sequence(s) replaced with U+FFFD"
                ));
                String::from_utf8_lossy(&bytes).into_owned()
            }
        };
        Some(RawLine {
            line: self.line,
            text,
            notes,
            error,
        })
    }
}

/// The length of `bytes` without a trailing incomplete UTF-8 character.
fn char_boundary(bytes: &[u8]) -> usize {
    let mut end = bytes.len();
    for _ in 0..3 {
        if end > 0 && bytes[end - 1] & 0xC0 == 0x80 {
            end -= 1;
        } else {
            break;
        }
    }
    if end > 0 && bytes[end - 1] >= 0xC0 {
        // A lead byte: is its sequence complete?
        let need = match bytes[end - 1] {
            0xC0..=0xDF => 2,
            0xE0..=0xEF => 3,
            _ => 4,
        };
        if bytes.len() - (end - 1) < need {
            return end - 1;
        }
    }
    bytes.len()
}

/// Counts the maximal invalid sequences `from_utf8_lossy` will replace.
fn count_invalid(mut bytes: &[u8]) -> usize {
    let mut n = 0;
    while !bytes.is_empty() {
        match std::str::from_utf8(bytes) {
            Ok(_) => break,
            Err(e) => {
                n += 1;
                let skip = e.valid_up_to() + e.error_len().unwrap_or(bytes.len() - e.valid_up_to());
                bytes = &bytes[skip..];
            }
        }
    }
    n
}

/// Decoded lines of a source.
pub fn raw_lines<R: Read>(reader: R) -> LineSplitter<Transcoded<R>> {
    LineSplitter::new(open(reader))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(bytes: &[u8]) -> Vec<(u64, String)> {
        raw_lines(bytes).map(|l| (l.line, l.text)).collect()
    }

    #[test]
    fn line_endings_lf_crlf_and_lone_cr_each_break_once() {
        let got = texts(b"a\nb\r\nc\rd\n\ne");
        let want: Vec<(u64, String)> = [(1, "a"), (2, "b"), (3, "c"), (4, "d"), (5, ""), (6, "e")]
            .iter()
            .map(|(n, s)| (*n, s.to_string()))
            .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn no_lines_for_empty_input_and_no_extra_line_after_final_break() {
        assert!(texts(b"").is_empty());
        assert_eq!(texts(b"x\n").len(), 1);
        assert_eq!(texts(b"x\r\n").len(), 1);
        assert_eq!(texts(b"\n").len(), 1);
    }

    #[test]
    fn utf8_bom_is_dropped() {
        assert_eq!(texts(b"\xEF\xBB\xBFNAME\n")[0].1, "NAME");
    }

    fn utf16(s: &str, be: bool, bom: bool) -> Vec<u8> {
        let mut out = Vec::new();
        if bom {
            out.extend_from_slice(if be { &[0xFE, 0xFF] } else { &[0xFF, 0xFE] });
        }
        for u in s.encode_utf16() {
            out.extend_from_slice(&if be { u.to_be_bytes() } else { u.to_le_bytes() });
        }
        out
    }

    #[test]
    fn utf16_with_and_without_bom_in_both_byte_orders() {
        let text = "NAME   READY\r\nweb-0   1/1 ✓ 😀\r\n";
        for be in [false, true] {
            for bom in [false, true] {
                let got = texts(&utf16(text, be, bom));
                assert_eq!(got.len(), 2, "be={be} bom={bom}");
                assert_eq!(got[0].1, "NAME   READY");
                assert_eq!(got[1].1, "web-0   1/1 ✓ 😀");
            }
        }
    }

    #[test]
    fn utf16_lone_surrogate_and_odd_byte_are_replaced_with_a_note() {
        let mut bytes = utf16("ab", false, true);
        bytes.extend_from_slice(&[0x00, 0xD8, b'c', 0, b'\n', 0, 0x41]);
        let lines: Vec<RawLine> = raw_lines(&bytes[..]).collect();
        assert_eq!(lines[0].text, "ab\u{FFFD}c");
        assert!(lines[0].notes[0].contains("replaced"));
        assert_eq!(lines[1].text, "\u{FFFD}");
    }

    #[test]
    fn invalid_utf8_is_replaced_and_noted() {
        let lines: Vec<RawLine> = raw_lines(&b"a\xFFb\xC3\n"[..]).collect();
        assert_eq!(lines[0].text, "a\u{FFFD}b\u{FFFD}");
        assert_eq!(
            lines[0].notes,
            vec!["2 invalid byte sequence(s) replaced with U+FFFD"]
        );
    }

    #[test]
    fn nul_bytes_are_removed_and_noted() {
        let lines: Vec<RawLine> = raw_lines(&b"a\0b\0\nok\n"[..]).collect();
        assert_eq!(lines[0].text, "ab");
        assert_eq!(lines[0].notes, vec!["2 NUL byte(s) removed"]);
        assert!(lines[1].notes.is_empty());
    }

    #[test]
    fn long_line_is_cut_at_a_char_boundary_and_the_rest_skipped() {
        let mut bytes = vec![b'x'; MAX_LINE_BYTES - 1];
        bytes.extend_from_slice("é".as_bytes());
        bytes.extend_from_slice(&vec![b'y'; 3 * MAX_LINE_BYTES]);
        bytes.extend_from_slice(b"\nnext\n");
        let lines: Vec<RawLine> = raw_lines(&bytes[..]).collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].text.len(), MAX_LINE_BYTES - 1);
        assert!(lines[0].notes[0].contains("cut"));
        assert_eq!((lines[1].line, lines[1].text.as_str()), (2, "next"));
    }

    #[test]
    fn crlf_split_across_read_buffers_is_one_break() {
        // A reader that hands out one byte at a time.
        struct Trickle<'a>(&'a [u8]);
        impl Read for Trickle<'_> {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                if self.0.is_empty() || buf.is_empty() {
                    return Ok(0);
                }
                buf[0] = self.0[0];
                self.0 = &self.0[1..];
                Ok(1)
            }
        }
        let got: Vec<String> = raw_lines(Trickle(b"a\r\nb\r\n")).map(|l| l.text).collect();
        assert_eq!(got, vec!["a", "b"]);
    }
}
