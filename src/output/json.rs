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
        write_pretty(&mut *out, &Streamed(view.document())).map_err(io::Error::other)?;
        out.write_all(b"\n")
    }
}

/// [`analysis_document`] written one incident at a time: the same bytes (every
/// object's keys in the order serde_json's map keeps them), without the whole
/// document in memory — a 210 MB soak's, built whole, took 0.5 GB beside the
/// analysis (1.5 GB in all).
struct Streamed<'a>(&'a crate::analysis::Analysis);

/// A value of the document: made whole, or the incidents, one at a time.
enum Part<'a> {
    Whole(serde_json::Value),
    Incidents(&'a [crate::analysis::Incident]),
}

impl Serialize for Part<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        match self {
            Part::Whole(v) => v.serialize(s),
            Part::Incidents(all) => {
                let mut seq = s.serialize_seq(Some(all.len()))?;
                // Straight from their fields, which are declared in the keys' sorted
                // order (a value built for each incident, to sort its keys, was ~5 %
                // of a 210 MB soak's run).
                for i in *all {
                    seq.serialize_element(i)?;
                }
                seq.end()
            }
        }
    }
}

impl Serialize for Streamed<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{Error, SerializeMap};
        let a = self.0;
        let whole = |v: serde_json::Result<serde_json::Value>| v.map(Part::Whole);
        let parts: std::collections::BTreeMap<&str, Part> = [
            ("candidates", whole(serde_json::to_value(&a.candidates))),
            ("experiment", whole(serde_json::to_value(&a.experiment))),
            ("incidents", Ok(Part::Incidents(&a.incidents))),
            ("inputs", whole(serde_json::to_value(&a.inputs))),
            ("origin", whole(serde_json::to_value(&a.origin))),
            ("scenario", whole(serde_json::to_value(a.scenario))),
            ("schema", Ok(Part::Whole("watchtrail/analysis/v1".into()))),
            ("variant", whole(serde_json::to_value(&a.variant))),
            ("verdict", whole(serde_json::to_value(&a.verdict))),
            ("warnings", whole(serde_json::to_value(&a.warnings))),
        ]
        .into_iter()
        .map(|(k, v)| v.map(|v| (k, v)))
        .collect::<serde_json::Result<_>>()
        .map_err(S::Error::custom)?;
        let mut map = s.serialize_map(Some(parts.len()))?;
        for (k, v) in &parts {
            map.serialize_entry(k, v)?;
        }
        map.end()
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

    /// The document written one incident at a time is the document made whole, byte
    /// for byte (a field added to the analysis and not to the streamed document fails
    /// here), on a sample with its incident, pods and evidence.
    #[test]
    fn the_streamed_document_is_the_whole_one() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/samples/mid-migration");
        let (sources, _) = crate::input::resolve(&[dir.into()]).expect("the sample reads");
        let a = crate::analyze(&sources, &crate::Options::new("mid-migration")).unwrap();
        assert!(!a.incidents.is_empty());
        let mut streamed = Vec::new();
        write_pretty(&mut streamed, &Streamed(&a)).unwrap();
        let whole = to_vec_pretty(&analysis_document(&a)).unwrap();
        assert_eq!(
            String::from_utf8(streamed).unwrap(),
            String::from_utf8(whole).unwrap()
        );
    }

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
