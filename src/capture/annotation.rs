//! Notes a person typed after a table row: `   <--- dead node`, `  <-- here`, `  ← `,
//! `  <== `, `   # comment`.
//!
//! Owns: finding where such a note starts. The rule keeps cells whole: kubectl puts at
//! least three spaces between cells and no cell it prints starts with an arrow or `#`,
//! so a marker after a run of two or more spaces starts a note. A web page may collapse
//! runs of spaces to one; then only the arrows are safe to cut (nothing in a row looks
//! like `<-`, `<=` or `←`), while `#` after a single space could be inside a cell.

use std::sync::LazyLock;

use regex::Regex;

// An arrow after at least one space, or `#` after at least two.
static MARKER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:\s+(?:<-+|<=+|←|⟵|⇐)|\s{2,}#)").expect("MARKER pattern is valid")
});

/// Splits `text` into the row and its note (marker included), if it has one. A line
/// that *starts* with a marker has no row before it and is left alone.
pub fn cut_annotation(text: &str) -> (&str, Option<&str>) {
    match MARKER.find(text) {
        Some(m) if !text[..m.start()].trim().is_empty() => {
            (text[..m.start()].trim_end(), Some(text[m.start()..].trim()))
        }
        _ => (text, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arrows_and_comments_after_a_row_are_cut() {
        let row = "ubuntub   NotReady   <none>   2d5h   v1.26.4";
        for note in [
            "<--- dead node",
            "<-- here",
            "←",
            "<== down",
            "# powered off here",
        ] {
            let line = format!("{row}   {note}");
            assert_eq!(cut_annotation(&line), (row, Some(note)), "{line}");
        }
    }

    #[test]
    fn collapsed_whitespace_cuts_arrows_only() {
        let row = "ubuntub NotReady <none> 2d5h v1.26.4";
        assert_eq!(
            cut_annotation(&format!("{row} <-- dead")),
            (row, Some("<-- dead"))
        );
        let hash = format!("{row} # dead");
        assert_eq!(cut_annotation(&hash), (hash.as_str(), None));
    }

    #[test]
    fn cells_are_never_cut() {
        for line in [
            "web-0   1/1   Running   0   5m   10.0.0.1   node1   <none>   <none>",
            "job-1   0/1 of 3   5s   5s",
            "a<-b",
            "<-- only a note",
            "web-0 1/1 Running 1 (53s ago) 5m",
        ] {
            assert_eq!(cut_annotation(line), (line, None), "{line}");
        }
    }
}
