//! Making transcript text safe to print on a terminal.

/// Replaces control characters (ESC and friends) and bidirectional overrides and
/// isolates (U+202A–U+202E, U+2066–U+2069, U+061C) so a name carrying terminal escape
/// sequences or a right-to-left override is shown, never obeyed.
pub fn safe(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(unsafe_char) {
        return std::borrow::Cow::Borrowed(text);
    }
    std::borrow::Cow::Owned(
        text.chars()
            .map(|c| {
                if unsafe_char(c) {
                    char::REPLACEMENT_CHARACTER
                } else {
                    c
                }
            })
            .collect(),
    )
}

/// A character a terminal would obey rather than show.
fn unsafe_char(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{061C}')
}

#[cfg(test)]
mod tests {
    /// Issue 16: a name holding U+202E (right-to-left override) reordered the rest of
    /// the terminal line.
    #[test]
    fn bidi_overrides_are_neutralised_like_controls() {
        for c in [
            '\u{202A}', '\u{202B}', '\u{202D}', '\u{202E}', '\u{2066}', '\u{2069}',
        ] {
            let name = format!("web{c}-0");
            assert_eq!(super::safe(&name), "web\u{fffd}-0", "{c:?}");
        }
        assert_eq!(super::safe("名前 ✓ עברית"), "名前 ✓ עברית");
    }

    #[test]
    fn escapes_never_reach_the_terminal() {
        assert_eq!(super::safe("web\x1b[2J-0"), "web\u{fffd}[2J-0");
        assert_eq!(super::safe("plain"), "plain");
    }
}
