//! kubectl's table layout: Go's `text/tabwriter` elastic-tabstop algorithm and the
//! `liggitt/tabwriter` fork with `RememberWidths` (FORMAT.md §3.2).
//!
//! This module owns only the layout of cells into text. Which cells a row has is the
//! printer's job (`printer.rs`); when to flush is the transcript's job (`transcript.rs`):
//! in watch mode the initial list (header + rows) is one flush and every later watch
//! event is its own flush (FORMAT.md §3.1).
//!
//! The algorithm is a port of Go's `format`/`writeLines` (padchar `' '`, no flags other
//! than `RememberWidths`):
//!
//! * kubectl writes each row as its cells joined by `\t` and ended by `\n`, so every cell
//!   but the last is tab-terminated and belongs to a column; the last cell does not.
//! * A column block is a run of contiguous lines that have a cell in that column; its
//!   width is `max(minwidth, max(runecount(cell) + padding))`.
//! * With `RememberWidths` the width of column *i* is never smaller than the widest
//!   width used for column *i* in any earlier flush (and raises that memory).
//! * Every column cell is padded to the column width, **including an empty cell** (it
//!   becomes that many spaces). The last cell of a line is written unpadded.
//!   Consequently a line whose last cell is empty (a `-L` label column without the
//!   label) ends with the padding of the cell before it: `a\tb\t` → `"a" + pad +
//!   "b" + pad` — trailing spaces, nothing after them. This is what Go's
//!   `writeLines` does (`if j < len(b.widths) { writePadding }` is true for every
//!   tab-terminated cell, empty or not) and what FORMAT.md §3.2 describes.

/// Which kubectl layout generation printed the table (FORMAT.md §3.2 table).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Era {
    /// kubectl ≤ 1.11: Go `text/tabwriter`, minwidth 10, no remembered widths.
    Go10,
    /// kubectl 1.12–1.13: Go `text/tabwriter`, minwidth 6, no remembered widths.
    Go6,
    /// kubectl ≥ 1.14: `liggitt/tabwriter`, minwidth 6, `RememberWidths`.
    Remember,
}

impl Era {
    /// The layout era of a kubectl client of minor version `1.minor`.
    pub fn for_client_minor(minor: u32) -> Era {
        match minor {
            0..=11 => Era::Go10,
            12..=13 => Era::Go6,
            _ => Era::Remember,
        }
    }

    fn minwidth(self) -> usize {
        match self {
            Era::Go10 => 10,
            Era::Go6 | Era::Remember => 6,
        }
    }
}

/// Padding added to every cell before its width is compared (kubectl: 3).
const PADDING: usize = 3;

/// A tabwriter as kubectl configures it, keeping remembered widths across flushes.
#[derive(Debug, Clone)]
pub struct TabWriter {
    era: Era,
    /// Remembered per-column widths (only used in [`Era::Remember`]).
    maxwidths: Vec<usize>,
}

impl TabWriter {
    /// A fresh writer (nothing remembered yet) for the given era.
    pub fn new(era: Era) -> TabWriter {
        TabWriter {
            era,
            maxwidths: Vec::new(),
        }
    }

    /// The per-column widths remembered so far (empty before [`Era::Remember`]).
    pub fn remembered_widths(&self) -> &[usize] {
        &self.maxwidths
    }

    /// Lays out one flush: each line is the row's cells (as kubectl joins them with
    /// tabs). Returns the output lines without their `\n`.
    pub fn flush(&mut self, lines: &[Vec<String>]) -> Vec<String> {
        let widths_of: Vec<Vec<usize>> = lines
            .iter()
            .map(|l| l.iter().map(|c| c.chars().count()).collect())
            .collect();
        let mut out: Vec<String> = vec![String::new(); lines.len()];
        let mut stack = Vec::new();
        self.format(lines, &widths_of, &mut out, &mut stack, 0, lines.len());
        out
    }

    /// Go's `format`: find column blocks for column `stack.len()`, fix their width,
    /// recurse for the columns to the right, then write the lines.
    fn format(
        &mut self,
        lines: &[Vec<String>],
        cw: &[Vec<usize>],
        out: &mut [String],
        stack: &mut Vec<usize>,
        mut line0: usize,
        line1: usize,
    ) {
        let column = stack.len();
        let mut this = line0;
        while this < line1 {
            if column + 1 >= cw[this].len() {
                this += 1;
                continue;
            }
            write_lines(lines, out, stack, line0, this);
            line0 = this;
            let mut width = self.era.minwidth();
            while this < line1 {
                if column + 1 >= cw[this].len() {
                    break;
                }
                width = width.max(cw[this][column] + PADDING);
                this += 1;
            }
            if self.era == Era::Remember {
                if self.maxwidths.len() < stack.len() {
                    let from = self.maxwidths.len();
                    self.maxwidths.extend_from_slice(&stack[from..]);
                }
                if self.maxwidths.len() == stack.len() {
                    self.maxwidths.push(width);
                } else if self.maxwidths[column] > width {
                    width = self.maxwidths[column];
                } else {
                    self.maxwidths[column] = width;
                }
            }
            stack.push(width);
            self.format(lines, cw, out, stack, line0, this);
            stack.pop();
            line0 = this;
        }
        write_lines(lines, out, stack, line0, line1);
    }
}

/// Go's `writeLines`: every cell with a known column width is padded to it (empty
/// cells included); cells beyond the known widths (the last one) are written as is.
fn write_lines(
    lines: &[Vec<String>],
    out: &mut [String],
    widths: &[usize],
    line0: usize,
    line1: usize,
) {
    for i in line0..line1 {
        let mut s = String::new();
        for (j, cell) in lines[i].iter().enumerate() {
            s.push_str(cell);
            if j < widths.len() {
                let pad = widths[j].saturating_sub(cell.chars().count());
                s.push_str(&" ".repeat(pad));
            }
        }
        out[i] = s;
    }
}

/// Convenience: lay out a whole watch transcript — `initial` (header and list rows) as
/// one flush, then each of `events` as its own flush — and return the lines.
pub fn layout_watch(era: Era, initial: &[Vec<String>], events: &[Vec<String>]) -> Vec<String> {
    let mut tw = TabWriter::new(era);
    let mut out = Vec::new();
    if !initial.is_empty() {
        out.extend(tw.flush(initial));
    }
    for ev in events {
        out.extend(tw.flush(std::slice::from_ref(ev)));
    }
    out
}

#[cfg(test)]
#[path = "tabwriter_tests.rs"]
mod tests;
