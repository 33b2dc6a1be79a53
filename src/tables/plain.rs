//! The common row read in one pass: the fast path of [`super::split`].
//!
//! Nearly every line of a long capture is a row of the table above it, printed by
//! kubectl's tabwriter: printable ASCII, its cells apart by two spaces or more, a
//! single space only inside a cell (`1 (53s ago)`). For such a line the splitter's
//! answer is its wide-gap shortcut's (`split_at_wide_gaps`): the runs of words
//! between wide gaps are the cells, each accepted by its column's grammar. That
//! answer is found here in one pass over the bytes, without listing the words first,
//! and the grammars of the cells the observation types (READY, RESTARTS, AGE) are
//! read once, their readings handed on in [`Read`] instead of being read again.
//!
//! Anything else (a byte outside printable ASCII, a tab, too many or too few cells,
//! a cell its grammar refuses, more columns than the shortcut's cost bound covers)
//! gets `None`, and the general splitter decides, exactly as before.

use super::cells::{self, CellClass};
use super::{Column, RowSpans};
use crate::duration::{self, Readings};

/// Most columns a plain row may have. The shortcut's answer is the splitter's only
/// while its cost (one for each cell off its header's position) stays below a wide
/// gap inside a cell plus an empty cell (15 + 3): with at most 17 columns it always
/// does, so the header's positions need not be looked at.
const MAX_PLAIN_COLUMNS: usize = 17;

/// A byte range of the line.
pub type Span = (u32, u32);

/// What the one pass read of a row besides where its cells are: the first cell of
/// each typed grammar with its reading (by column), and that the row is plain.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Read {
    /// The first `ReadyOrCount` column and its `n/m` reading.
    pub ready: Option<(usize, Option<(u32, u32)>)>,
    /// The first `Restarts` column, its count, and the byte range of its `(X ago)`
    /// duration in the line.
    pub restarts: Option<(usize, u32, Option<Span>)>,
    /// The first `Duration` column and what its text reads as.
    pub age: Option<(usize, Readings)>,
    /// Whether the line is printable ASCII with only spaces between its cells (so
    /// its text needs no escape when it is kept).
    pub plain: bool,
}

impl Read {
    /// Whether `cell` (column `c`, of class `class`, `words` words, starting at byte
    /// `at` of the line) fits its grammar; the typed grammars' readings are kept.
    fn accept(&mut self, c: usize, class: CellClass, cell: &str, words: usize, at: usize) -> bool {
        match class {
            CellClass::ReadyOrCount => {
                let r = cells::ready(cell);
                if self.ready.is_none() {
                    self.ready = Some((c, r));
                }
                r.is_some() || cells::accepts(class, cell)
            }
            CellClass::Restarts => {
                let Some(r) = cells::restarts(cell) else {
                    return false;
                };
                if self.restarts.is_none() {
                    let ago = r.ago.map(|a| {
                        let from = at + (a.as_ptr() as usize - cell.as_ptr() as usize);
                        (from as u32, (from + a.len()) as u32)
                    });
                    self.restarts = Some((c, r.count, ago));
                }
                true
            }
            CellClass::Duration => {
                let r = duration::readings(cell);
                if self.age.is_none() {
                    self.age = Some((c, r));
                }
                r.is_duration() || cell == "<none>"
            }
            _ => cells::accepts_words(class, cell, words),
        }
    }
}

/// Longest plain row, in bytes: its spaces fit a bitset on the stack. A kubectl row
/// of a pods table is 60–200 bytes; a longer line takes the general path.
const MAX_PLAIN_BYTES: usize = 512;
const MASK_WORDS: usize = MAX_PLAIN_BYTES / 64;

/// Splits a plain row into one cell per column (byte ranges of `line`, appended to
/// `spans`, which must come empty), reading the typed cells on the way; `None` when
/// the row is not plain or does not fit, and the general splitter is to decide.
///
/// When it answers, the answer is `split_row_lenient`'s, whatever the header's
/// positions (a test checks both over generated soaks and tricky rows).
pub(crate) fn split_plain(line: &str, columns: &[Column], spans: &mut RowSpans) -> Option<Read> {
    let b = line.as_bytes();
    let n = b.len();
    if columns.len() < 2 || columns.len() > MAX_PLAIN_COLUMNS || n > MAX_PLAIN_BYTES {
        return None;
    }
    // Printable ASCII only (so the only whitespace is the space): one pass the
    // compiler runs on vectors, no early exit.
    if b.iter().fold(0u8, |bad, &c| {
        bad | u8::from(c.wrapping_sub(0x20) > 0x7e - 0x20)
    }) != 0
    {
        return None;
    }
    let spaces = Spaces::of(b);
    let mut read = Read {
        plain: true,
        ..Read::default()
    };
    let mut i = spaces.next(0, false);
    while i < n {
        let (start, mut words) = (i, 1);
        let end = loop {
            let word_end = spaces.next(i, true);
            i = spaces.next(word_end, false);
            // One space before more text keeps the cell going; two or more end it.
            if i - word_end == 1 && i < n {
                words += 1;
                continue;
            }
            break word_end;
        };
        let c = spans.len();
        let column = columns.get(c)?;
        if !read.accept(c, column.class, &line[start..end], words, start) {
            return None;
        }
        spans.push((start as u32, end as u32));
    }
    (spans.len() == columns.len()).then_some(read)
}

/// Where a line's spaces are: bit `i % 64` of word `i / 64` for byte `i`. Found eight
/// bytes at a time, and the words and gaps of the row then found a run at a time
/// (a byte-at-a-time loop was most of the split's cost).
struct Spaces {
    bits: [u64; MASK_WORDS],
    len: usize,
}

impl Spaces {
    /// The spaces of `b` (at most [`MAX_PLAIN_BYTES`] long).
    fn of(b: &[u8]) -> Spaces {
        const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
        const SPACES: u64 = 0x2020_2020_2020_2020;
        // Gathers each byte's top bit into the top byte, byte k to bit 56 + k.
        const GATHER: u64 = 0x0102_0408_1020_4080;
        let mut bits = [0u64; MASK_WORDS];
        let chunks = b.chunks_exact(8);
        let tail = chunks.remainder();
        for (k, chunk) in chunks.enumerate() {
            let Ok(bytes) = <[u8; 8]>::try_from(chunk) else {
                continue;
            };
            let v = u64::from_le_bytes(bytes) ^ SPACES;
            // The top bit of each byte that was a space (exact: no borrow between bytes).
            let zero = !(((v & LOW7).wrapping_add(LOW7)) | v | LOW7);
            let found = (zero >> 7).wrapping_mul(GATHER) >> 56;
            bits[k / 8] |= found << (8 * (k % 8));
        }
        let at = b.len() - tail.len();
        for (j, &c) in tail.iter().enumerate() {
            bits[(at + j) / 64] |= u64::from(c == b' ') << ((at + j) % 64);
        }
        Spaces { bits, len: b.len() }
    }

    /// The first byte at or after `from` that is a space (`space`) or is not one,
    /// or the line's length.
    fn next(&self, from: usize, space: bool) -> usize {
        let flip = if space { 0 } else { u64::MAX };
        let mut k = from / 64;
        let Some(&first) = self.bits.get(k) else {
            return self.len;
        };
        let mut w = (first ^ flip) & (u64::MAX << (from % 64));
        loop {
            if w != 0 {
                return (k * 64 + w.trailing_zeros() as usize).min(self.len);
            }
            k += 1;
            if k * 64 >= self.len {
                return self.len;
            }
            w = self.bits[k] ^ flip;
        }
    }
}

#[cfg(test)]
mod tests;
