//! Every escaping rule of the output stage, in one place: markup (SVG, HTML, JUnit XML)
//! with [`xml`] and [`attr`], Markdown with [`md`] and [`link_target`], a terminal
//! with [`terminal`].
//!
//! Names and cells come from transcripts, which are untrusted: a hostile file can
//! hold `<script>` where a pod name should be. Everything written into markup goes
//! through [`xml`], in text and in attribute values alike (it escapes both quotes, so
//! one function is safe in both places). Characters XML 1.0 forbids (most C0 controls)
//! become U+FFFD, so the output always parses.

use std::borrow::Cow;

/// Appends the escaped form of `c` to `out`.
pub fn push_char(out: &mut String, c: char) {
    match c {
        '&' => out.push_str("&amp;"),
        '<' => out.push_str("&lt;"),
        '>' => out.push_str("&gt;"),
        '"' => out.push_str("&quot;"),
        '\'' => out.push_str("&#39;"),
        '\t' | '\n' | '\r' => out.push(c),
        // XML 1.0 Char excludes other C0 controls and the non-characters U+FFFE/U+FFFF.
        c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {
            out.push(char::REPLACEMENT_CHARACTER)
        }
        // C1 controls and DEL are legal XML but can steer a terminal that cats the file.
        c if c.is_control() => out.push(char::REPLACEMENT_CHARACTER),
        c => out.push(c),
    }
}

fn needs_escape(c: char) -> bool {
    matches!(c, '&' | '<' | '>' | '"' | '\'')
        || c.is_control()
        || c == '\u{fffe}'
        || c == '\u{ffff}'
}

/// Escapes text for XML/HTML text content and (double- or single-quoted) attributes.
pub fn xml(s: &str) -> Cow<'_, str> {
    if !s.chars().any(needs_escape) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        push_char(&mut out, c);
    }
    Cow::Owned(out)
}

/// Escapes text for an XML attribute whose newlines and tabs must survive attribute
/// value normalisation (JUnit `message`): like [`xml`], with `\n`, `\r`, `\t` as
/// character references.
pub fn attr(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c => push_char(&mut out, c),
        }
    }
    out
}

/// Markdown-escapes text from a transcript (table pipes, emphasis, HTML).
pub fn md(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '|' | '*' | '_' | '`' | '[' | ']' | '\\' | '#' => {
                o.push('\\');
                o.push(c);
            }
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '&' => o.push_str("&amp;"),
            c if c.is_control() => o.push(char::REPLACEMENT_CHARACTER),
            c => o.push(c),
        }
    }
    o
}

/// Replaces control characters (ESC and friends) and bidirectional overrides and
/// isolates (U+202A–U+202E, U+2066–U+2069, U+061C) so a name carrying terminal escape
/// sequences or a right-to-left override is shown, never obeyed.
pub fn terminal(text: &str) -> Cow<'_, str> {
    if !text.chars().any(obeyed) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .map(|c| {
                if obeyed(c) {
                    char::REPLACEMENT_CHARACTER
                } else {
                    c
                }
            })
            .collect(),
    )
}

/// A character a terminal would obey rather than show.
fn obeyed(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{061C}')
}

/// A file name as a Markdown link target: characters that end or break a link are
/// percent-encoded.
pub fn link_target(name: &str) -> String {
    let mut o = String::with_capacity(name.len());
    for c in name.chars() {
        match c {
            ' ' | '(' | ')' | '<' | '>' | '[' | ']' | '%' | '"' | '\\' => {
                o.push_str(&format!("%{:02X}", c as u32))
            }
            c if c.is_control() => {}
            c => o.push(c),
        }
    }
    o
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
            assert_eq!(super::terminal(&name), "web\u{fffd}-0", "{c:?}");
        }
        assert_eq!(super::terminal("名前 ✓ עברית"), "名前 ✓ עברית");
    }

    use super::{attr, link_target, terminal, xml};

    #[test]
    fn a_link_target_cannot_end_or_break_the_link() {
        assert_eq!(link_target("my notes (1).svg"), "my%20notes%20%281%29.svg");
        assert_eq!(link_target("a\x1b]b.svg"), "a%5Db.svg");
    }

    #[test]
    fn escapes_never_reach_the_terminal() {
        assert_eq!(terminal("web\x1b[2J-0"), "web\u{fffd}[2J-0");
        assert_eq!(terminal("plain"), "plain");
    }

    #[test]
    fn attribute_text_keeps_its_newlines_as_references() {
        assert_eq!(
            attr("<a href=\"x\">&'\u{1b}[0m\nz"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;\u{FFFD}[0m&#10;z"
        );
    }

    #[test]
    fn markup_from_a_transcript_is_shown_never_obeyed() {
        assert_eq!(
            xml("<script>alert(1)</script>"),
            "&lt;script&gt;alert(1)&lt;/script&gt;"
        );
        assert_eq!(xml("\"><svg onload=x>"), "&quot;&gt;&lt;svg onload=x&gt;");
        assert_eq!(xml("a'b&c"), "a&#39;b&amp;c");
    }

    #[test]
    fn controls_that_xml_forbids_are_replaced() {
        assert_eq!(xml("web\x1b[2J\x00-0"), "web\u{fffd}[2J\u{fffd}-0");
        assert_eq!(xml("plain-name-0"), "plain-name-0");
    }
}
