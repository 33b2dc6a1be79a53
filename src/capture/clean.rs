//! Terminal noise: ANSI/VT escape sequences, backspace overstrike, control characters,
//! tabs; and the test for a line that is binary junk rather than text.
//!
//! Owns: turning what a terminal *received* into what it *showed* on one line.
//! Does not own: web-page noise (see `html`) or line breaks (see `decode`).
//!
//! Input: one decoded line. Output: the visible text.

/// How many spaces a tab becomes. A tab in a transcript separates cells (a `watch` header,
/// a pasted table); three spaces is kubectl's own minimum gap between cells, so `tables`
/// sees a cell boundary, not a single space inside a cell.
const TAB_SPACES: &str = "   ";

/// Removes escape sequences, applies backspaces and drops other control characters.
#[cfg(test)]
pub fn clean_terminal(line: &str) -> String {
    clean_terminal_noted(line, &mut Vec::new())
}

/// `clean_terminal` (tests), saying in `notes` what it had to repair: a control string
/// (OSC, DCS, SOS, PM, APC, or their C1 forms such as U+0098 and U+009D, common in
/// mojibake) with no end on the line loses only its introducer, so the rest of the
/// line is kept rather than swallowed.
pub fn clean_terminal_noted(line: &str, notes: &mut Vec<String>) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars().peekable();
    let mut strings = Strings::default();
    while let Some(c) = chars.next() {
        match c {
            '\u{1B}' => skip_escape(&mut chars, &mut strings),
            // C1 CSI and OSC, as 8-bit characters.
            '\u{9B}' => skip_csi(&mut chars),
            '\u{9D}' | '\u{90}' | '\u{98}' | '\u{9E}' | '\u{9F}' => strings.skip(&mut chars),
            // Backspace erases the character before it: `a\bb` shows `b` (overstrike
            // bold `x\bx` and underline `_\bx` both show `x`).
            '\u{8}' => {
                out.pop();
            }
            '\t' => out.push_str(TAB_SPACES),
            // Web pages give non-breaking spaces where the terminal had spaces.
            '\u{A0}' => out.push(' '),
            c if c.is_control() => {}
            // Zero-width and bidi marks copied from web pages carry nothing.
            '\u{200B}' | '\u{200E}' | '\u{200F}' | '\u{FEFF}' => {}
            c => out.push(c),
        }
    }
    if strings.unterminated > 0 {
        notes.push(format!(
            "{} unterminated control string(s) (OSC/DCS/APC/PM/SOS or a C1 control): \
             introducer removed, the rest of the line kept",
            strings.unterminated
        ));
    }
    out
}

type Chars<'a> = std::iter::Peekable<std::str::Chars<'a>>;

/// After ESC: one of CSI (`[`), a string (OSC `]`, DCS `P`, SOS `X`, PM `^`, APC `_`),
/// an nF sequence (intermediates 0x20–0x2F then a final, e.g. charset `(B`), or a
/// single final character (`=`, `>`, `7`, `M`…).
fn skip_escape(chars: &mut Chars<'_>, strings: &mut Strings) {
    match chars.next() {
        Some('[') => skip_csi(chars),
        Some(']' | 'P' | 'X' | '^' | '_') => strings.skip(chars),
        Some('\u{20}'..='\u{2F}') => {
            while let Some(&c) = chars.peek() {
                chars.next();
                if !('\u{20}'..='\u{2F}').contains(&c) {
                    break;
                }
            }
        }
        _ => {}
    }
}

/// CSI: parameter bytes 0x30–0x3F, intermediate bytes 0x20–0x2F, one final byte
/// 0x40–0x7E. Stops early (keeping the character) at anything else, so a broken
/// sequence cannot swallow the rest of the line.
fn skip_csi(chars: &mut Chars<'_>) {
    while let Some(&c) = chars.peek() {
        match c {
            '\u{20}'..='\u{3F}' => {
                chars.next();
            }
            '\u{40}'..='\u{7E}' => {
                chars.next();
                return;
            }
            _ => return,
        }
    }
}

/// Control strings met on one line.
#[derive(Default)]
struct Strings {
    /// No string terminator (BEL, ST, ESC) is left on the rest of the line: known
    /// after the first unterminated string, so each later introducer costs nothing
    /// (a line of them was quadratic).
    no_end_left: bool,
    unterminated: usize,
}

impl Strings {
    /// A control string (OSC window title…) runs to BEL, ST (`ESC \\`) or C1 ST. When
    /// the line has none, only the introducer goes.
    fn skip(&mut self, chars: &mut Chars<'_>) {
        if !self.no_end_left && skip_string(chars) {
            return;
        }
        self.no_end_left = true;
        self.unterminated += 1;
    }
}

/// Skips a control string to its terminator (BEL, ST `ESC \\` or C1 ST) and returns
/// true; when the line has none, leaves `chars` where it was and returns false.
fn skip_string(chars: &mut Chars<'_>) -> bool {
    let mut ahead = chars.clone();
    while let Some(c) = ahead.next() {
        match c {
            '\u{7}' | '\u{9C}' => {
                *chars = ahead;
                return true;
            }
            '\u{1B}' => {
                if ahead.peek() == Some(&'\\') {
                    ahead.next();
                }
                *chars = ahead;
                return true;
            }
            _ => {}
        }
    }
    false
}

/// True when a line is mostly junk: control characters that are not part of terminal
/// output (not tab, ESC, BS, BEL) and replacement characters from undecodable bytes.
/// A quarter of the characters and at least three of them: a colour-coded row or one
/// stray bad byte in a long line stays text.
pub fn is_binary(line: &str) -> bool {
    let mut total = 0usize;
    let mut junk = 0usize;
    for c in line.chars() {
        total += 1;
        let bad = match c {
            '\t' | '\u{1B}' | '\u{8}' | '\u{7}' => false,
            '\u{FFFD}' => true,
            c => c.is_control(),
        };
        if bad {
            junk += 1;
        }
    }
    junk >= 3 && junk * 4 >= total
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sgr_colours_are_removed() {
        assert_eq!(
            clean_terminal("\x1b[1;32mRunning\x1b[0m   \x1b[38;5;196mx\x1b[m"),
            "Running   x"
        );
    }

    #[test]
    fn cursor_and_erase_csi_are_removed() {
        assert_eq!(clean_terminal("\x1b[2K\x1b[1Gweb-0\x1b[?25h"), "web-0");
    }

    #[test]
    fn osc_title_ends_at_bel_or_st() {
        assert_eq!(clean_terminal("\x1b]0;root@host: ~\x07$ ls"), "$ ls");
        assert_eq!(clean_terminal("\x1b]2;title\x1b\\$ ls"), "$ ls");
        assert_eq!(
            clean_terminal("\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\"),
            "link"
        );
    }

    #[test]
    fn charset_and_single_escapes_are_removed() {
        assert_eq!(clean_terminal("\x1b(Bweb\x1b)0\x1b=\x1b>-0\x1b7"), "web-0");
    }

    #[test]
    fn unterminated_osc_keeps_the_rest_and_broken_csi_keeps_text() {
        assert_eq!(clean_terminal("ok\x1b]0;never ends"), "ok0;never ends");
        assert_eq!(clean_terminal("a\x1b[12é"), "aé");
        assert_eq!(clean_terminal("trailing\x1b"), "trailing");
    }

    #[test]
    fn backspace_overstrike() {
        assert_eq!(clean_terminal("a\x08b"), "b");
        assert_eq!(clean_terminal("_\x08x_\x08y"), "xy");
        assert_eq!(clean_terminal("N\x08NA\x08AME\x08E"), "NAME");
        assert_eq!(clean_terminal("\x08\x08x"), "x");
    }

    #[test]
    fn other_controls_removed_tabs_and_nbsp_become_spaces() {
        assert_eq!(clean_terminal("a\x07b\x0cc\x7f"), "abc");
        assert_eq!(clean_terminal("a\tb"), "a   b");
        assert_eq!(clean_terminal("a\u{a0}b\u{200b}"), "a b");
    }

    #[test]
    fn binary_lines_are_recognised_text_lines_are_not() {
        assert!(is_binary("\u{1}\u{2}\u{3}\u{FFFD}\u{FFFD}ab"));
        assert!(!is_binary("\x1b[32mRunning\x1b[0m"));
        assert!(!is_binary("web-0   1/1   Running \u{FFFD}  0   5m"));
        assert!(!is_binary("名前 ✓ 😀"));
    }
}
