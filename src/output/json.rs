//! JSON as written by every command: serde_json, plus `\uXXXX` escapes for DEL and the
//! C1 controls (U+0080–U+009F), which JSON allows raw but a terminal may obey (U+009B
//! is a one-character CSI). serde_json already escapes the C0 controls (ESC as
//! `\u001b`). File, directory and tar entry names reach the documents unfiltered.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::ser::{CompactFormatter, Formatter, PrettyFormatter};

/// The analysis JSON document: the analysis with `"schema": "watchtrail/analysis/v1"`.
pub fn analysis_document(a: &crate::analysis::Analysis) -> serde_json::Value {
    let mut v = serde_json::to_value(a).unwrap_or_default();
    if let Some(obj) = v.as_object_mut() {
        obj.insert("schema".into(), "watchtrail/analysis/v1".into());
    }
    v
}

/// The analysis JSON document, pretty, as a [`super::Render`] writer.
#[derive(Debug, Clone, Copy, Default)]
pub struct Json;

impl super::Render for Json {
    fn render(&self, view: &super::View<'_>, out: &mut dyn Write) -> io::Result<()> {
        let doc = analysis_document(view.document());
        out.write_all(&to_vec_pretty(&doc).map_err(io::Error::other)?)?;
        out.write_all(b"\n")
    }
}

/// Compact JSON with DEL and C1 controls escaped.
pub fn to_vec<T: Serialize + ?Sized>(value: &T) -> serde_json::Result<Vec<u8>> {
    let mut out = Vec::new();
    write_with(&mut out, value, CompactFormatter)?;
    Ok(out)
}

/// Pretty JSON with DEL and C1 controls escaped.
pub fn to_vec_pretty<T: Serialize + ?Sized>(value: &T) -> serde_json::Result<Vec<u8>> {
    let mut out = Vec::new();
    write_pretty(&mut out, value)?;
    Ok(out)
}

/// Pretty JSON with DEL and C1 controls escaped, written as it is made: a document of
/// a long capture's timelines is never held whole in memory.
pub fn write_pretty<W: Write, T: Serialize + ?Sized>(out: W, value: &T) -> serde_json::Result<()> {
    write_with(out, value, PrettyFormatter::new())
}

fn write_with<W: Write, F: Formatter, T: Serialize + ?Sized>(
    out: W,
    value: &T,
    formatter: F,
) -> serde_json::Result<()> {
    let mut ser = serde_json::Serializer::with_formatter(out, EscapeControls(formatter));
    value.serialize(&mut ser)
}

/// A serde_json formatter that also writes DEL and U+0080–U+009F as `\uXXXX`. Only
/// string contents pass through `write_string_fragment`, so nothing else changes.
struct EscapeControls<F>(F);

impl<F: Formatter> Formatter for EscapeControls<F> {
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        w: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        // DEL is 0x7F and every C1 control starts with 0xC2 in UTF-8: a byte scan
        // settles the common case.
        if !fragment.bytes().any(|b| b == 0x7F || b == 0xC2) {
            return w.write_all(fragment.as_bytes());
        }
        let mut start = 0;
        for (i, c) in fragment.char_indices() {
            if c == '\u{7f}' || ('\u{80}'..='\u{9f}').contains(&c) {
                w.write_all(&fragment.as_bytes()[start..i])?;
                write!(w, "\\u{:04x}", u32::from(c))?;
                start = i + c.len_utf8();
            }
        }
        w.write_all(&fragment.as_bytes()[start..])
    }

    // The layout is the wrapped formatter's.
    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_array(w)
    }
    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array(w)
    }
    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_array_value(w, first)
    }
    fn end_array_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array_value(w)
    }
    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object(w)
    }
    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object(w)
    }
    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_object_key(w, first)
    }
    fn end_object_key<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object_key(w)
    }
    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object_value(w)
    }
    fn end_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object_value(w)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn c0_c1_and_del_are_escaped_and_the_text_is_unchanged() {
        let name = "pods\u{1b}]0;x\u{7}-\u{9b}31m-\u{7f}-é-\u{a0}.log";
        let bytes = to_vec(&serde_json::json!({ "source": name })).unwrap();
        assert!(
            !bytes
                .iter()
                .any(|&b| b == 0x1b || b == 0x07 || b == 0x7f || b == 0x9b),
            "{}",
            String::from_utf8_lossy(&bytes)
        );
        let text = String::from_utf8(bytes).unwrap();
        assert!(
            text.contains(r"\u001b") && text.contains(r"\u009b"),
            "{text}"
        );
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back["source"], name);
    }
}
