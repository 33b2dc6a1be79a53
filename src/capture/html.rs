//! Web-page noise in a transcript copied from a blog, an issue or a forum: `<br>` line
//! breaks, formatting tags and character entities.
//!
//! Owns: [`split_br`], [`strip_tags`], [`decode_entities`]. Does not own: Markdown fences
//! (a whole-line decision, see `segment`).
//!
//! The rule that matters: only *known HTML tag names* are tags. kubectl prints
//! placeholders in angle brackets (`<none>`, `<unknown>`, `<invalid>`, `<pending>`,
//! `<unset>`, `<nil>`) and those must survive; so must anything else in angle brackets.
//! Entities are decoded after tags are removed, so `&lt;br&gt;` (an escaped tag, i.e.
//! text) stays text.

use std::sync::LazyLock;

use regex::Regex;

/// Tag names removed from text. None of kubectl's placeholders is among them (checked
/// by a test); `br` is handled by [`split_br`] and the cell tags by [`strip_tags`].
const KNOWN_TAGS: &[&str] = &[
    "a",
    "abbr",
    "b",
    "blockquote",
    "code",
    "del",
    "div",
    "em",
    "font",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "ins",
    "kbd",
    "li",
    "mark",
    "ol",
    "p",
    "pre",
    "s",
    "samp",
    "small",
    "span",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "tt",
    "u",
    "ul",
    "var",
    "wbr",
];

/// Table-cell and row tags: removing them must leave a cell gap, not glue two cells.
const CELL_TAGS: &[&str] = &["td", "th", "tr"];

// `<br>`, `<br/>`, `<br />`, `<BR>`, `</br>`: a line break on the web page.
static BR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)</?br\s*/?>").expect("BR pattern is valid"));

// `<name attr…>`, `</name>`, `<name/>` for a name in KNOWN_TAGS.
static TAG: LazyLock<Regex> = LazyLock::new(|| {
    let names = KNOWN_TAGS.join("|");
    Regex::new(&format!(r#"(?i)</?({names})(?:\s[^<>]*)?/?>"#)).expect("TAG pattern is valid")
});

// `&name;`, `&#123;`, `&#x7B;`.
static ENTITY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]{2,8});")
        .expect("ENTITY pattern is valid")
});

/// Splits a line at `<br>` tags. Returns one piece when there is none.
pub fn split_br(line: &str) -> Vec<&str> {
    if !line.contains('<') {
        return vec![line];
    }
    BR.split(line).collect()
}

/// Removes known HTML tags; cell and row tags become a three-space gap.
pub fn strip_tags(line: &str) -> String {
    if !line.contains('<') {
        return line.to_string();
    }
    TAG.replace_all(line, |caps: &regex::Captures<'_>| {
        let name = caps[1].to_ascii_lowercase();
        if CELL_TAGS.contains(&name.as_str()) {
            "   "
        } else {
            ""
        }
    })
    .into_owned()
}

/// Decodes HTML character entities once (`&amp;lt;` → `&lt;`). Unknown names and
/// impossible code points stay as written; `&nbsp;` is a plain space (see `clean`).
pub fn decode_entities(line: &str) -> String {
    if !line.contains('&') {
        return line.to_string();
    }
    ENTITY
        .replace_all(line, |caps: &regex::Captures<'_>| {
            let whole = &caps[0];
            match entity(&whole[1..whole.len() - 1]) {
                Some(c) if !c.is_control() => c.to_string(),
                // An entity naming a control character would smuggle escapes back in.
                Some(_) => String::new(),
                None => whole.to_string(),
            }
        })
        .into_owned()
}

/// The character an entity body (between `&` and `;`) stands for.
fn entity(body: &str) -> Option<char> {
    if let Some(num) = body.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        return char::from_u32(code).filter(|&c| c != '\0');
    }
    Some(match body {
        "lt" | "LT" => '<',
        "gt" | "GT" => '>',
        "amp" | "AMP" => '&',
        "quot" | "QUOT" => '"',
        "apos" => '\'',
        "nbsp" => ' ',
        "ndash" => '–',
        "mdash" => '—',
        "hellip" => '…',
        "larr" => '←',
        "rarr" => '→',
        "lsquo" => '‘',
        "rsquo" => '’',
        "ldquo" => '“',
        "rdquo" => '”',
        "times" => '×',
        "middot" => '·',
        "bull" => '•',
        "copy" => '©',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn br_in_every_spelling_splits() {
        assert_eq!(
            split_br("a<br>b<br/>c<br />d<BR>e"),
            vec!["a", "b", "c", "d", "e"]
        );
        assert_eq!(split_br("no break"), vec!["no break"]);
    }

    #[test]
    fn known_tags_are_removed_with_attributes() {
        assert_eq!(
            strip_tags(r#"<pre><code class="language-bash">$ kubectl get pods</code></pre>"#),
            "$ kubectl get pods"
        );
        assert_eq!(
            strip_tags("<span style=\"color:red\"><b>NotReady</b></span>"),
            "NotReady"
        );
        assert_eq!(
            strip_tags("<P>x</P><kbd>y</kbd><samp>z</samp><tt>w</tt>"),
            "xyzw"
        );
    }

    #[test]
    fn table_cells_keep_a_gap() {
        assert_eq!(
            strip_tags("<tr><td>web-0</td><td>1/1</td></tr>").trim(),
            "web-0      1/1"
        );
    }

    #[test]
    fn kubectl_placeholders_and_unknown_brackets_survive() {
        let line = "<none> <unknown> <invalid> <pending> <unset> <nil> <foo> <a-b> a < b > c";
        assert_eq!(strip_tags(line), line);
        for p in ["none", "unknown", "invalid", "pending", "unset", "nil"] {
            assert!(!KNOWN_TAGS.contains(&p));
        }
    }

    #[test]
    fn entities_named_and_numeric() {
        assert_eq!(
            decode_entities("&lt;none&gt; &amp; &quot;x&quot; &#39;y&#39; a&#47;b&nbsp;c"),
            "<none> & \"x\" 'y' a/b c"
        );
        assert_eq!(decode_entities("&#x3C;none&#X3e; &#8592;"), "<none> ←");
    }

    #[test]
    fn entities_decode_once_and_unknown_stay() {
        assert_eq!(decode_entities("&amp;lt;"), "&lt;");
        assert_eq!(
            decode_entities("&bogus; &#99999999; &#0; AT&T"),
            "&bogus; &#99999999; &#0; AT&T"
        );
        assert_eq!(decode_entities("a&#27;[31mb"), "a[31mb");
    }

    #[test]
    fn escaped_tag_text_stays_text() {
        let s = strip_tags("&lt;br&gt;");
        assert_eq!(decode_entities(&s), "<br>");
    }
}
