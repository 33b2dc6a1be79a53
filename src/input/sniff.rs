//! What a source's first bytes say it is: gzip (read transparently), a tar (read as
//! an archive), or another packed format that is refused with a hint. The one place
//! that looks at magic bytes; the text decoder below only sees plain bytes.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use flate2::read::MultiGzDecoder;

/// Whether `head` starts with the gzip magic.
pub fn is_gzip(head: &[u8]) -> bool {
    head.starts_with(&[0x1f, 0x8b])
}

/// Whether `head` is the first block of a tar (the `ustar` magic of its header).
pub fn is_tar_head(head: &[u8]) -> bool {
    head.get(257..262) == Some(b"ustar")
}

/// `reader`, gunzipped when its first bytes are the gzip magic.
pub fn gunzipped<'a, R: BufRead + 'a>(mut reader: R) -> std::io::Result<Box<dyn Read + 'a>> {
    Ok(if is_gzip(reader.fill_buf()?) {
        Box::new(MultiGzDecoder::new(reader))
    } else {
        Box::new(reader)
    })
}

/// Whether `path` is a regular file holding a tar archive, gzipped or not (by its
/// content: the `ustar` magic of the first header). Never opens anything else (a FIFO
/// would wait for its writer).
pub fn is_tar(path: &Path) -> bool {
    if !std::fs::metadata(path).is_ok_and(|m| m.is_file()) {
        return false;
    }
    let Ok(file) = File::open(path) else {
        return false;
    };
    let Ok(reader) = gunzipped(BufReader::new(file)) else {
        return false;
    };
    let mut head = Vec::with_capacity(512);
    let _ = reader.take(512).read_to_end(&mut head);
    is_tar_head(&head)
}

/// Formats a transcript is sometimes kept in that are not read as text: reading their
/// bytes as lines would only produce junk, or worse, a tar's members read as one
/// transcript with its headers in between. Says what it is and what to do.
pub fn unreadable_format(head: &[u8]) -> Option<&'static str> {
    const TAR: &str = "tar archive: not read as a transcript \
                       (give it to `analyze` or `check` as a PATH of its own, or extract it)";
    let magic: [(&[u8], &'static str); 6] = [
        (
            b"\xFD7zXZ\x00",
            "xz-compressed data: not read (decompress it first: `xz -d`)",
        ),
        (
            b"\x28\xB5\x2F\xFD",
            "zstd-compressed data: not read (decompress it first: `zstd -d`)",
        ),
        (
            b"7z\xBC\xAF\x27\x1C",
            "7-Zip archive: not read (extract it first)",
        ),
        (
            b"PK\x03\x04",
            "zip archive: not read (extract it and give the directory)",
        ),
        (b"PK\x05\x06", "zip archive (empty): not read"),
        (
            b"BZh",
            "bzip2-compressed data: not read (decompress it first: `bunzip2`)",
        ),
    ];
    for (m, what) in magic {
        let bzip2_level = || head.get(3).is_some_and(|b| (b'1'..=b'9').contains(b));
        if head.starts_with(m) && (m != b"BZh" || bzip2_level()) {
            return Some(what);
        }
    }
    is_tar_head(head).then_some(TAR)
}

/// What watchtrail itself writes, recognised by its first bytes: a report, picture or
/// JSON document written into an experiment directory is not read back as a
/// transcript next time, whatever its file name.
pub fn own_output(head: &[u8]) -> Option<&'static str> {
    let head = &head[..head.len().min(1024)];
    let names_us = head.windows(10).any(|w| w == b"watchtrail");
    let starts = |p: &[u8]| head.starts_with(p);
    if starts(b"# watchtrail: ") {
        Some("a watchtrail Markdown report")
    } else if starts(b"{\"schema\":\"watchtrail/") {
        Some("watchtrail JSON lines")
    } else if starts(b"{\n  \"") {
        Some("a JSON document")
    } else if names_us && (starts(b"<!DOCTYPE html>") || starts(b"<?xml") || starts(b"<svg")) {
        Some("a watchtrail HTML, SVG or XML output")
    } else {
        None
    }
}

/// [`own_output`] of a file, by its first bytes (never opens anything but a regular
/// file; None when it cannot be read, which the reader then reports).
pub fn own_output_file(path: &Path) -> Option<&'static str> {
    if !std::fs::metadata(path).is_ok_and(|m| m.is_file()) {
        return None;
    }
    let mut head = Vec::with_capacity(1024);
    File::open(path)
        .and_then(|f| f.take(1024).read_to_end(&mut head))
        .ok()?;
    own_output(&head)
}
