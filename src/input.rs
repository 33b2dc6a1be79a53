//! Input: turns the PATH… arguments of one experiment into named byte sources.
//!
//! A path is a file, a directory (the transcript files directly inside it), or `-`
//! (standard input). Gzip is recognised by its magic bytes and read transparently.
//! Source names are what the user typed (joined with the file name for a directory),
//! so messages read `pods.log:12: ...`. Nothing here builds a path from transcript
//! contents.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use flate2::read::MultiGzDecoder;

use crate::error::InputError;

/// Where a source's bytes are.
#[derive(Debug, Clone)]
pub enum Origin {
    File(PathBuf),
    Stdin,
    /// Bytes already in memory (a tar entry).
    Bytes(Arc<[u8]>),
}

/// One named transcript.
#[derive(Debug, Clone)]
pub struct Source {
    pub name: Arc<str>,
    pub origin: Origin,
}

/// A file in a directory that was not read, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ignored {
    pub name: String,
    pub reason: String,
}

/// Files in an experiment directory that are not transcripts: expectations, docs and
/// watchtrail's own outputs.
pub fn is_transcript_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let stem = lower.split('.').next().unwrap_or("");
    let doc = matches!(
        stem,
        "readme" | "source" | "license" | "notes" | "changelog"
    );
    let ext = lower.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    let output = matches!(
        ext,
        "json" | "svg" | "html" | "htm" | "xml" | "png" | "jpg" | "jpeg" | "pdf"
    );
    !doc && !output && !lower.starts_with('.')
}

/// Resolves the PATH… of one experiment. Directories contribute the transcript files
/// directly inside them, sorted by name; other files there are listed as ignored.
pub fn resolve(paths: &[String]) -> Result<(Vec<Source>, Vec<Ignored>), InputError> {
    let mut sources = Vec::new();
    let mut ignored = Vec::new();
    for p in paths {
        if p == "-" {
            sources.push(Source {
                name: "-".into(),
                origin: Origin::Stdin,
            });
            continue;
        }
        let path = Path::new(p);
        let meta = std::fs::metadata(path).map_err(|e| InputError::Io {
            path: p.clone(),
            source: e,
        })?;
        if meta.is_dir() {
            let entries = std::fs::read_dir(path).map_err(|e| InputError::Io {
                path: p.clone(),
                source: e,
            })?;
            let mut files: Vec<(String, PathBuf)> = Vec::new();
            for entry in entries {
                let entry = entry.map_err(|e| InputError::Io {
                    path: p.clone(),
                    source: e,
                })?;
                let name = entry.file_name().to_string_lossy().into_owned();
                let full = entry.path();
                let display = full.to_string_lossy().into_owned();
                match std::fs::metadata(&full) {
                    Ok(m) if m.is_file() => {
                        if is_transcript_name(&name) {
                            files.push((display, full));
                        } else {
                            ignored.push(Ignored {
                                name: display,
                                reason:
                                    "not a transcript (documentation, expectation or output file)"
                                        .into(),
                            });
                        }
                    }
                    Ok(m) if m.is_dir() => ignored.push(Ignored {
                        name: display,
                        reason: "a directory inside the experiment (use `check` for archives)"
                            .into(),
                    }),
                    Ok(_) => ignored.push(Ignored {
                        name: display,
                        reason: "not a regular file".into(),
                    }),
                    Err(e) => ignored.push(Ignored {
                        name: display,
                        reason: e.to_string(),
                    }),
                }
            }
            if files.is_empty() {
                return Err(InputError::Invalid {
                    path: p.clone(),
                    reason: "directory holds no transcript files".into(),
                });
            }
            files.sort();
            sources.extend(files.into_iter().map(|(name, full)| Source {
                name: name.into(),
                origin: Origin::File(full),
            }));
        } else {
            // Open now so an unreadable file is a usage error before any work starts.
            File::open(path).map_err(|e| InputError::Io {
                path: p.clone(),
                source: e,
            })?;
            sources.push(Source {
                name: p.as_str().into(),
                origin: Origin::File(path.to_path_buf()),
            });
        }
    }
    Ok((sources, ignored))
}

/// Remembers the first I/O error of a reader and reports end of input instead, so the
/// lines read before it are still used (a truncated gzip gives a partial result).
#[derive(Clone, Default)]
pub struct ReadError(Arc<Mutex<Option<io::Error>>>);

impl ReadError {
    pub fn take(&self) -> Option<io::Error> {
        self.0.lock().ok().and_then(|mut e| e.take())
    }
}

struct Guarded<R> {
    inner: R,
    error: ReadError,
}

impl<R: Read> Read for Guarded<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            match self.inner.read(buf) {
                Ok(n) => return Ok(n),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    if let Ok(mut slot) = self.error.0.lock() {
                        slot.get_or_insert(e);
                    }
                    return Ok(0);
                }
            }
        }
    }
}

impl Source {
    /// Opens the source for streaming, decompressing gzip. I/O errors during the read
    /// end the stream and are kept in the returned [`ReadError`].
    pub fn open(&self) -> Result<(Box<dyn Read + Send>, ReadError), InputError> {
        let raw: Box<dyn Read + Send> = match &self.origin {
            Origin::File(p) => Box::new(File::open(p).map_err(|e| InputError::Io {
                path: self.name.to_string(),
                source: e,
            })?),
            Origin::Stdin => Box::new(io::stdin()),
            Origin::Bytes(b) => Box::new(io::Cursor::new(b.clone())),
        };
        let mut buffered = BufReader::with_capacity(64 * 1024, raw);
        let is_gzip = buffered
            .fill_buf()
            .map(|b| b.len() >= 2 && b[0] == 0x1f && b[1] == 0x8b)
            .map_err(|e| InputError::Io {
                path: self.name.to_string(),
                source: e,
            })?;
        let error = ReadError::default();
        let reader: Box<dyn Read + Send> = if is_gzip {
            Box::new(Guarded {
                inner: MultiGzDecoder::new(buffered),
                error: error.clone(),
            })
        } else {
            Box::new(Guarded {
                inner: buffered,
                error: error.clone(),
            })
        };
        Ok((reader, error))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documentation_and_outputs_are_not_transcripts() {
        for n in [
            "expect.json",
            "SOURCE.md",
            "README.md",
            "report.html",
            "timeline.svg",
            ".hidden",
        ] {
            assert!(!is_transcript_name(n), "{n}");
        }
        for n in ["pods.log", "nodes.txt", "deploy", "pods.log.gz", "seed.md"] {
            assert!(is_transcript_name(n), "{n}");
        }
    }

    #[test]
    fn a_truncated_gzip_gives_its_lines_and_an_error() {
        use flate2::write::GzEncoder;
        use std::io::Write;
        let mut enc = GzEncoder::new(Vec::new(), flate2::Compression::default());
        for i in 0..2000 {
            writeln!(enc, "line {i} with some text to compress").unwrap();
        }
        let bytes = enc.finish().unwrap();
        let cut: Arc<[u8]> = bytes[..bytes.len() / 2].into();
        let src = Source {
            name: "x.gz".into(),
            origin: Origin::Bytes(cut),
        };
        let (mut r, err) = src.open().unwrap();
        let mut text = String::new();
        r.read_to_string(&mut text).unwrap();
        assert!(text.starts_with("line 0 "));
        assert!(err.take().is_some(), "truncation must be reported");
    }
}
