//! Splitting a table row into cells by the columns' grammars (FORMAT.md §3.2).
//!
//! Watch rows are not aligned with their header: every watch event is its own
//! tabwriter flush, so a cell wider than any before widens its column for that row
//! and all later ones. Column positions from the header are therefore only a hint.
//! What is reliable is the grammar of each column and the gaps between words:
//! kubectl separates cells by at least 3 spaces and only free-text cells hold single
//! spaces, so a single space is a boundary only when a web page collapsed every run
//! of spaces into one. An empty cell needs a gap of at least 9 columns around it
//! (3 padding + 6 minimum width), unless it is at the end of the line.
//!
//! The split is a small dynamic programme over (column, word): each column takes a
//! run of words its grammar accepts, and the cheapest assignment of all words wins.

use super::cells::{accepts_words, CellClass};

/// A whitespace-separated word of a line: byte range and the width of the gap before it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Word {
    pub start: usize,
    pub end: usize,
    /// Character column where the word starts.
    pub column: usize,
    /// Width of the whitespace before the word, tabs counting as 4.
    pub gap: usize,
}

pub(crate) fn words(line: &str) -> Vec<Word> {
    if line.is_ascii() {
        return ascii_words(line.as_bytes());
    }
    let mut out = Vec::with_capacity(16);
    let mut gap = 0;
    let mut start: Option<(usize, usize, usize)> = None;
    for (column, (i, ch)) in line.char_indices().enumerate() {
        if ch.is_whitespace() {
            if let Some((s, c, g)) = start.take() {
                out.push(Word {
                    start: s,
                    end: i,
                    column: c,
                    gap: g,
                });
                gap = 0;
            }
            gap += if ch == '\t' { 4 } else { 1 };
        } else if start.is_none() {
            start = Some((i, column, gap));
        }
    }
    if let Some((s, c, g)) = start {
        out.push(Word {
            start: s,
            end: line.len(),
            column: c,
            gap: g,
        });
    }
    out
}

/// [`words`] for an ASCII line, where bytes are characters: a tight byte loop, each
/// byte looked up once in [`ASCII_SPACE`] (most of a row's bytes are the padding).
pub(super) fn ascii_words(b: &[u8]) -> Vec<Word> {
    let mut out = Vec::with_capacity(16);
    let (mut i, mut gap) = (0, 0);
    while i < b.len() {
        let width = ASCII_SPACE[usize::from(b[i])];
        if width > 0 {
            gap += usize::from(width);
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && ASCII_SPACE[usize::from(b[i])] == 0 {
            i += 1;
        }
        let column = start;
        out.push(Word {
            start,
            end: i,
            column,
            gap,
        });
        gap = 0;
    }
    out
}

/// The gap width of each ASCII byte: 4 for a tab, 1 for the rest of the whitespace
/// `char::is_whitespace` knows in ASCII (space, LF, VT, FF, CR), 0 for a word's byte.
static ASCII_SPACE: [u8; 256] = {
    let mut t = [0; 256];
    let ones = [b' ', b'\n', 0x0b, 0x0c, b'\r'];
    let mut k = 0;
    while k < ones.len() {
        t[ones[k] as usize] = 1;
        k += 1;
    }
    t[b'\t' as usize] = 4;
    t
};

/// Cells of a row as byte ranges of the line (`start == end` for an empty cell).
pub type Cells = Vec<(usize, usize)>;

/// Most words a row may have: longer lines are refused, not split. kubectl rows have a
/// few dozen words at most (a long event MESSAGE); the split is quadratic in the words
/// a free-text or unknown column may take, and a paste accident or hostile line can
/// hold hundreds of thousands.
pub const MAX_ROW_WORDS: usize = 256;

/// Most annotation starts [`split_row_lenient`] tries, rightmost first: each try is a
/// whole split of the line.
const MAX_ANNOTATION_CUTS: usize = 8;

#[cfg(test)]
thread_local! {
    /// Steps of the programme (choices looked at), for the scaling tests.
    pub(crate) static STEPS: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

const INFEASIBLE: u32 = u32::MAX / 4;
/// Two non-empty cells separated by a single space in a line that still has wide gaps.
const SINGLE_SPACE_BOUNDARY: u32 = 40;
/// A double space inside a free-text cell (possible but unusual).
const WIDE_GAP_INSIDE: u32 = 15;
/// An empty cell: allowed where the grammar allows it, but a filled cell is likelier.
const EMPTY_CELL: u32 = 3;
/// A cell that does not start where its header starts (the alignment may have moved).
const ALIGNED_BONUS: u32 = 1;

/// Splits `line` into one cell per column class. `positions` are the header's column
/// starts (in characters), used only as a tie-breaker. `None` when no assignment of
/// the words to the columns satisfies the grammars.
pub fn split_row(line: &str, classes: &[CellClass], positions: Option<&[usize]>) -> Option<Cells> {
    let words = words(line);
    split_words(line, &words, classes, positions).map(|(cells, _)| cells)
}

/// Like [`split_row`], but when the full line does not fit, tries again without trailing
/// words that look like a person's annotation (`<- here`, `# note`); returns the cells
/// and the byte offset where the unused trailing text starts, if any.
pub fn split_row_lenient(
    line: &str,
    classes: &[CellClass],
    positions: Option<&[usize]>,
) -> Option<(Cells, Option<usize>)> {
    let words = words(line);
    if let Some((cells, _)) = split_words(line, &words, classes, positions) {
        return Some((cells, None));
    }
    let mut tries = 0;
    for cut in (1..words.len()).rev() {
        if tries == MAX_ANNOTATION_CUTS {
            break;
        }
        let first = &line[words[cut].start..words[cut].end];
        let annotation = first.starts_with('#')
            || first.starts_with("<-")
            || first.starts_with("<=")
            || first.starts_with('←')
            || first.starts_with("//")
            || first.starts_with("--")
            || first.starts_with("==");
        if annotation {
            tries += 1;
            if let Some((cells, _)) = split_words(line, &words[..cut], classes, positions) {
                return Some((cells, Some(words[cut].start)));
            }
        }
    }
    None
}

fn split_words(
    line: &str,
    words: &[Word],
    classes: &[CellClass],
    positions: Option<&[usize]>,
) -> Option<(Cells, u32)> {
    split_at_wide_gaps(line, words, classes, positions)
        .or_else(|| split_words_dp(line, words, classes, positions))
}

/// The common case without the dynamic programme: the runs of words between gaps of
/// two or more spaces are exactly the cells, one per column, each accepted by its
/// grammar. Any other assignment must merge two runs (cost ≥ [`WIDE_GAP_INSIDE`])
/// and either split a run at a single space or leave a cell empty (≥ [`EMPTY_CELL`]),
/// so when the runs' own cost (header misalignments only) is below that sum, they are
/// the programme's unique optimum.
fn split_at_wide_gaps(
    line: &str,
    words: &[Word],
    classes: &[CellClass],
    positions: Option<&[usize]>,
) -> Option<(Cells, u32)> {
    let mut cells: Cells = Vec::with_capacity(classes.len());
    let mut cost = 0;
    let mut first = 0;
    for w in 0..words.len() {
        let last = w + 1 == words.len() || words[w + 1].gap >= 2;
        if !last {
            continue;
        }
        let c = cells.len();
        let class = *classes.get(c)?;
        let text = &line[words[first].start..words[w].end];
        if !accepts_words(class, text, w + 1 - first) {
            return None;
        }
        if positions
            .and_then(|p| p.get(c))
            .is_some_and(|&p| p != words[first].column)
        {
            cost += ALIGNED_BONUS;
        }
        cells.push((words[first].start, words[w].end));
        first = w + 1;
    }
    (cells.len() == classes.len() && cells.len() > 1 && cost < WIDE_GAP_INSIDE + EMPTY_CELL)
        .then_some((cells, cost))
}

/// The dynamic programme over (column, word); see the module docs.
///
/// Linear in the words for every column: a fixed-width column tries its few word
/// counts, and a free-text or unknown column (any number of words, every run
/// accepted) takes the best end among all later words from a running minimum, not by
/// trying each run (which made a row cost columns × words²).
fn split_words_dp(
    line: &str,
    words: &[Word],
    classes: &[CellClass],
    positions: Option<&[usize]>,
) -> Option<(Cells, u32)> {
    let n_words = words.len();
    let n_cols = classes.len();
    let needed = classes.iter().filter(|c| c.words().0 > 0).count();
    if n_cols == 0 || n_words > MAX_ROW_WORDS || needed > n_words {
        return None;
    }
    // wide[i]: how many of words[..i] follow a gap of 2 or more.
    let mut wide = Vec::with_capacity(n_words + 1);
    wide.push(0u32);
    for word in words {
        wide.push(wide[wide.len() - 1] + u32::from(word.gap >= 2));
    }
    let width = n_words + 1;
    let mut dp = Dp {
        line,
        words,
        wide,
        collapsed: words.iter().skip(1).all(|w| w.gap <= 1),
        positions,
        width,
        best: vec![INFEASIBLE; (n_cols + 1) * width],
        choice: vec![0usize; (n_cols + 1) * width],
    };
    dp.best[n_cols * width + n_words] = 0;
    for c in (0..n_cols).rev() {
        if classes[c].words().1 == usize::MAX {
            dp.free_column(c, classes[c]);
        } else {
            dp.fixed_column(c, classes[c]);
        }
    }
    dp.cells(n_cols)
}

/// The programme's tables: `best[c][w]` is the cheapest cost of columns `c..` over
/// words `w..`, `choice[c][w]` the words column `c` takes for it.
struct Dp<'a> {
    line: &'a str,
    words: &'a [Word],
    wide: Vec<u32>,
    collapsed: bool,
    positions: Option<&'a [usize]>,
    width: usize,
    best: Vec<u32>,
    choice: Vec<usize>,
}

impl Dp<'_> {
    /// A column of a few words at most: each count tried.
    fn fixed_column(&mut self, c: usize, class: CellClass) {
        let (min_w, max_w) = class.words();
        let n_words = self.words.len();
        for w in 0..=n_words {
            let (mut cheapest, mut taken) = (INFEASIBLE, 0);
            for k in min_w..=max_w.min(n_words - w) {
                #[cfg(test)]
                STEPS.with(|s| s.set(s.get() + 1));
                let rest = self.best[(c + 1) * self.width + w + k];
                if rest >= INFEASIBLE {
                    continue;
                }
                let Some(cost) = self.cell_cost(w, k, class, c) else {
                    continue;
                };
                if cost + rest < cheapest {
                    (cheapest, taken) = (cost + rest, k);
                }
            }
            self.best[c * self.width + w] = cheapest;
            self.choice[c * self.width + w] = taken;
        }
    }

    /// A column that takes any run of one or more words (and maybe none): the cost of
    /// a run `w..j` is `WIDE_GAP_INSIDE × (wide[j] − wide[w+1])` plus terms of `w`
    /// alone, so the best end `j` is the running minimum of `WIDE_GAP_INSIDE ×
    /// wide[j] + best[c+1][j]` over `j > w` (the smallest `j` on a tie, as the
    /// count-by-count loop chose).
    fn free_column(&mut self, c: usize, class: CellClass) {
        let n_words = self.words.len();
        let next = (c + 1) * self.width;
        let mut run = (INFEASIBLE, 0usize);
        for w in (0..=n_words).rev() {
            #[cfg(test)]
            STEPS.with(|s| s.set(s.get() + 1));
            if w < n_words {
                let rest = self.best[next + w + 1];
                let g = WIDE_GAP_INSIDE * self.wide[w + 1] + rest;
                if rest < INFEASIBLE && g <= run.0 {
                    run = (g, w + 1);
                }
            }
            let (mut cheapest, mut taken) = (INFEASIBLE, 0);
            let rest = self.best[next + w];
            if class.words().0 == 0 && rest < INFEASIBLE {
                if let Some(cost) = self.cell_cost(w, 0, class, c) {
                    cheapest = cost + rest;
                }
            }
            if run.0 < INFEASIBLE && w < n_words {
                let cost = run.0 - WIDE_GAP_INSIDE * self.wide[w + 1] + self.start_cost(w, c);
                if cost < cheapest {
                    (cheapest, taken) = (cost, run.1 - w);
                }
            }
            self.best[c * self.width + w] = cheapest;
            self.choice[c * self.width + w] = taken;
        }
    }

    /// The cells of the cheapest assignment, if there is one.
    fn cells(&self, n_cols: usize) -> Option<(Cells, u32)> {
        let total = self.best[0];
        if total >= INFEASIBLE {
            return None;
        }
        let words = self.words;
        let mut cells = Vec::with_capacity(n_cols);
        let mut w = 0;
        for c in 0..n_cols {
            let k = self.choice[c * self.width + w];
            let at = words.get(w).map_or(self.line.len(), |x| x.start);
            cells.push(if k == 0 {
                (at, at)
            } else {
                (at, words[w + k - 1].end)
            });
            w += k;
        }
        Some((cells, total))
    }

    /// The cost of giving words `w..w+k` to column `c`, or `None` if the grammar
    /// refuses.
    fn cell_cost(&self, w: usize, k: usize, class: CellClass, c: usize) -> Option<u32> {
        let words = self.words;
        if k == 0 {
            if !class.may_be_empty() {
                return None;
            }
            // In an aligned line an empty cell leaves a gap of padding + minimum width.
            if !self.collapsed && w > 0 && w < words.len() && words[w].gap < 9 {
                return None;
            }
            return Some(EMPTY_CELL);
        }
        let text = &self.line[words[w].start..words[w + k - 1].end];
        if !accepts_words(class, text, k) {
            return None;
        }
        // Wide gaps inside the cell (before words w+1..w+k), counted in O(1): a loop
        // here made the split cubic in the words of a free-text column.
        let inside = WIDE_GAP_INSIDE * (self.wide[w + k] - self.wide[w + 1]);
        Some(inside + self.start_cost(w, c))
    }

    /// What a non-empty cell of column `c` starting at word `w` costs for where it
    /// starts: after a single space in an aligned line, or off the header's position.
    fn start_cost(&self, w: usize, c: usize) -> u32 {
        let mut cost = 0;
        if !self.collapsed && w > 0 && self.words[w].gap <= 1 {
            cost += SINGLE_SPACE_BOUNDARY;
        }
        // Prefer the alignment the header shows, when it still holds.
        if let Some(p) = self.positions.and_then(|p| p.get(c)) {
            if *p != self.words[w].column {
                cost += ALIGNED_BONUS;
            }
        }
        cost
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use CellClass::*;

    const POD_WIDE: &[CellClass] = &[
        Name,
        ReadyOrCount,
        Token,
        Restarts,
        Duration,
        Address,
        Token,
        Token,
        ReadyOrCount,
    ];

    fn cells<'a>(line: &'a str, classes: &[CellClass]) -> Vec<&'a str> {
        split_row(line, classes, None)
            .unwrap_or_else(|| panic!("no split for {line:?}"))
            .into_iter()
            .map(|(a, b)| &line[a..b])
            .collect()
    }

    #[test]
    fn splits_a_seed_row_with_a_restarts_suffix() {
        let line = "nginx-deployment-8f788645b-qszpv   1/1     Running   1 (53s ago)   9m3s    10.1.209.135   ubuntub   <none>           <none>";
        assert_eq!(
            cells(line, POD_WIDE),
            [
                "nginx-deployment-8f788645b-qszpv",
                "1/1",
                "Running",
                "1 (53s ago)",
                "9m3s",
                "10.1.209.135",
                "ubuntub",
                "<none>",
                "<none>"
            ]
        );
    }

    #[test]
    fn splits_collapsed_whitespace() {
        let line = "web-5d8f9c7b4-x2k9p 0/1 Running 2 (3m ago) 14m 10.0.0.5 node-a <none> <none>";
        assert_eq!(cells(line, POD_WIDE)[3], "2 (3m ago)");
        let node = "node-a NotReady <none> 2d5h v1.26.4 172.23.79.69 <none> Ubuntu 22.04.2 LTS 5.15.0-73-generic containerd://1.6.15";
        let classes = [
            Name, Token, Token, Duration, OptToken, Address, Address, Text, Token, Token,
        ];
        assert_eq!(cells(node, &classes)[7], "Ubuntu 22.04.2 LTS");
    }

    #[test]
    fn places_empty_cells_by_their_gaps() {
        // `-L app,tier`: the APP cell is empty, TIER is set.
        let classes = [
            Name,
            ReadyOrCount,
            Token,
            Restarts,
            Duration,
            OptToken,
            OptToken,
        ];
        let line = "web-0   1/1     Running   0          5m              backend";
        assert_eq!(
            cells(line, &classes),
            ["web-0", "1/1", "Running", "0", "5m", "", "backend"]
        );
        let line = "web-0   1/1     Running   0          5m    web";
        assert_eq!(
            cells(line, &classes),
            ["web-0", "1/1", "Running", "0", "5m", "web", ""]
        );
    }

    /// The wide-gap shortcut gives the programme's answer whenever it answers.
    #[test]
    fn the_wide_gap_shortcut_agrees_with_the_programme() {
        let mut lines: Vec<String> = crate::simulate::churn::Churn::new(5, 8, 3)
            .skip(1)
            .take(4000)
            .collect();
        for sample in ["in-place", "mid-migration", "post-migration"] {
            let t = std::fs::read_to_string(format!("samples/{sample}/pods.log")).unwrap();
            lines.extend(t.lines().skip(1).map(str::to_string));
        }
        let header_positions = [0, 30, 38, 58, 74, 82, 97, 109, 126];
        let mut answered = 0;
        for l in &lines {
            let words = words(l);
            for positions in [None, Some(&header_positions[..])] {
                if let Some(fast) = split_at_wide_gaps(l, &words, POD_WIDE, positions) {
                    answered += 1;
                    let dp = split_words_dp(l, &words, POD_WIDE, positions);
                    assert_eq!(Some(fast), dp, "{l:?}");
                }
            }
        }
        assert!(
            answered > lines.len(),
            "the shortcut answers most rows ({answered})"
        );
    }

    #[test]
    fn refuses_rows_that_fit_no_assignment() {
        assert!(split_row("this is just prose about pods", POD_WIDE, None).is_none());
        assert!(split_row("", POD_WIDE, None).is_none());
    }

    /// Found probing the splitter's worst case while fuzzing it: four unknown columns
    /// over a 6 kB line of one-letter words took 4 s (cubic), a 60 kB line hours.
    #[test]
    fn long_lines_are_refused_and_unknown_columns_split_in_quadratic_time() {
        let classes = [Name, Unknown, Unknown, Unknown, Unknown];
        let line = vec!["a"; 3000].join(" ");
        assert!(split_row(&line, &classes, None).is_none());
        let line = vec!["a"; MAX_ROW_WORDS].join(" ");
        let c = cells(&line, &classes);
        assert_eq!(c.len(), 5);
        assert_eq!(c[0], "a");
    }

    /// Issue 16: a free-text or unknown column's every possible run of words was tried
    /// (columns × words²). Four times the words must cost about four times the work.
    #[test]
    fn the_programme_is_linear_in_the_words_of_free_text_columns() {
        let classes = [Name, Unknown, Text, Unknown, Unknown, Text];
        let work = |n: usize| {
            let line = format!("a   {}", vec!["w"; n].join(" "));
            STEPS.with(|s| s.set(0));
            assert!(split_row(&line, &classes, None).is_some());
            STEPS.with(|s| s.get())
        };
        let (small, large) = (work(60), work(240));
        assert!(
            large <= 6 * small,
            "60 words: {small} steps, 240 words: {large} steps"
        );
    }

    /// Found the same way: a row followed by thousands of `--` words was split again
    /// after each of them (quadratic; a 60 kB line took 6 s, a 1 MiB line would take
    /// half an hour).
    #[test]
    fn lenient_split_tries_a_bounded_number_of_annotation_starts() {
        let classes = [Name, Token, Token, Duration, OptToken];
        let row = "node-b   NotReady   <none>   3d   v1.29.1";
        let line = format!("{row}   {}   x", vec!["--"; 10_000].join("   "));
        assert!(split_row_lenient(&line, &classes, None).is_none());
        let notes = |n: usize| format!("{row}   {}", vec!["<- x"; n].join("   "));
        let line = notes(MAX_ANNOTATION_CUTS);
        let (_, rest) = split_row_lenient(&line, &classes, None).unwrap();
        assert_eq!(rest, Some(row.len() + 3));
        assert!(split_row_lenient(&notes(MAX_ANNOTATION_CUTS + 1), &classes, None).is_none());
    }

    #[test]
    fn lenient_split_drops_a_trailing_annotation() {
        let classes = [Name, Token, Token, Duration, OptToken];
        let line = "node-b   NotReady   <none>   3d   v1.29.1   <--- dead node";
        let (c, rest) = split_row_lenient(line, &classes, None).unwrap();
        assert_eq!(&line[c[1].0..c[1].1], "NotReady");
        assert_eq!(&line[rest.unwrap()..], "<--- dead node");
    }
}
