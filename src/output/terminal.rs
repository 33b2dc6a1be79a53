//! Making transcript text safe to print on a terminal.

/// Replaces control characters (ESC and friends) so a name carrying terminal escape
/// sequences is shown, never obeyed.
pub fn safe(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(|c| c.is_control()) {
        return std::borrow::Cow::Borrowed(text);
    }
    std::borrow::Cow::Owned(
        text.chars()
            .map(|c| {
                if c.is_control() {
                    char::REPLACEMENT_CHARACTER
                } else {
                    c
                }
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_never_reach_the_terminal() {
        assert_eq!(super::safe("web\x1b[2J-0"), "web\u{fffd}[2J-0");
        assert_eq!(super::safe("plain"), "plain");
    }
}
