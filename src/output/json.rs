//! JSON as written by every command: serde_json, plus `\uXXXX` escapes for DEL and the
//! C1 controls (U+0080–U+009F), which JSON allows raw but a terminal may obey (U+009B
//! is a one-character CSI). serde_json already escapes the C0 controls (ESC as
//! `\u001b`). File, directory and tar entry names reach the documents unfiltered.

use serde::Serialize;

/// Compact JSON with DEL and C1 controls escaped.
pub fn to_vec<T: Serialize + ?Sized>(value: &T) -> serde_json::Result<Vec<u8>> {
    serde_json::to_vec(value).map(escape_controls)
}

/// Pretty JSON with DEL and C1 controls escaped.
pub fn to_vec_pretty<T: Serialize + ?Sized>(value: &T) -> serde_json::Result<Vec<u8>> {
    serde_json::to_vec_pretty(value).map(escape_controls)
}

/// Rewrites DEL and the UTF-8 forms of U+0080–U+009F as `\uXXXX`. Outside strings JSON
/// is ASCII, so every such byte sequence is inside a string, where the escape means
/// the same character.
fn escape_controls(json: Vec<u8>) -> Vec<u8> {
    let is_c1 = |w: &[u8]| w[0] == 0xC2 && (0x80..=0x9F).contains(&w[1]);
    // `contains` on bytes is a memchr; the pairwise look only when a 0xC2 is there.
    let has_c1 = json.contains(&0xC2) && json.windows(2).any(is_c1);
    if !json.contains(&0x7F) && !has_c1 {
        return json;
    }
    let mut out = Vec::with_capacity(json.len() + 16);
    let mut i = 0;
    while i < json.len() {
        let b = json[i];
        if b == 0x7F {
            out.extend_from_slice(b"\\u007f");
            i += 1;
        } else if b == 0xC2 && json.get(i + 1).is_some_and(|n| (0x80..=0x9F).contains(n)) {
            out.extend_from_slice(format!("\\u{:04x}", json[i + 1]).as_bytes());
            i += 2;
        } else {
            out.push(b);
            i += 1;
        }
    }
    out
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
