//! The one XML/HTML escaping helper every markup renderer uses (SVG, HTML, and the
//! HTML-significant characters of Markdown).
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

#[cfg(test)]
mod tests {
    use super::xml;

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
