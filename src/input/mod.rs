//! Input: turns the PATH… arguments of one experiment into named byte sources.
//!
//! A path is a file, a directory (the transcript files directly inside it), or `-`
//! (standard input). Gzip is recognised by its magic bytes and read transparently
//! (`sniff`, the one place that looks at magic bytes); tar archives are read in
//! memory under limits by `tar`.
//! Source names are what the user typed (joined with the file name for a directory),
//! so messages read `pods.log:12: ...`. Nothing here builds a path from transcript
//! contents.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use flate2::read::MultiGzDecoder;

use crate::error::InputError;

pub(crate) mod sniff;
pub(crate) mod tar;

pub use sniff::is_tar;
use sniff::{is_gzip, unreadable_format};

/// Where a source's bytes are.
#[derive(Debug, Clone)]
pub enum Origin {
    /// A file on disk.
    File(PathBuf),
    /// Standard input (`-`).
    Stdin,
    /// Bytes already in memory (a tar entry).
    Bytes(Arc<[u8]>),
    /// A path that could not be opened, and why: kept so that the other inputs are
    /// still read and the failure is in the account (`watchtrail: <path>: <reason>`).
    Unreadable(Arc<str>),
}

/// One named transcript.
#[derive(Debug, Clone)]
pub struct Source {
    /// The source as the user named it (joined with the file name for a directory).
    pub name: Arc<str>,
    /// Where its bytes are.
    pub origin: Origin,
}

/// A file in a directory that was not read, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ignored {
    /// The entry as named.
    pub name: String,
    /// Why it was not read.
    pub reason: String,
    /// Said even without `--verbose`: the entry is named like a transcript but is not a
    /// regular file (a FIFO, a socket, a device), so it was not opened.
    pub warn: bool,
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
///
/// A path (or a transcript-named directory entry) that cannot be read does not stop the
/// others: it becomes a source with [`Origin::Unreadable`], whose account carries the
/// error. Only when no path gives any source is the first failure returned.
pub fn resolve(paths: &[PathBuf]) -> Result<(Vec<Source>, Vec<Ignored>), InputError> {
    let mut sources = Vec::new();
    let mut ignored = Vec::new();
    let mut first_error = None;
    for p in paths {
        match resolve_one(p, &mut sources, &mut ignored) {
            Ok(()) => {}
            Err(e) => {
                sources.push(Source {
                    name: p.to_string_lossy().into(),
                    origin: Origin::Unreadable(e.reason().into()),
                });
                first_error.get_or_insert(e);
            }
        }
    }
    if let Some(e) = first_error {
        if sources
            .iter()
            .all(|s| matches!(s.origin, Origin::Unreadable(_)))
        {
            return Err(e);
        }
    }
    Ok((sources, ignored))
}

fn resolve_one(
    path: &Path,
    sources: &mut Vec<Source>,
    ignored: &mut Vec<Ignored>,
) -> Result<(), InputError> {
    // Paths are OS strings (a Linux file name need not be UTF-8); messages and source
    // names show them lossily.
    let lossy = path.to_string_lossy();
    let p: &str = &lossy;
    if path.as_os_str() == "-" {
        sources.push(Source {
            name: "-".into(),
            origin: Origin::Stdin,
        });
        return Ok(());
    }
    let io_error = |e| InputError::Io {
        path: p.to_string(),
        source: e,
    };
    let meta = std::fs::metadata(path).map_err(io_error)?;
    if !meta.is_dir() {
        // Open now so an unreadable file is found before any work starts; not a FIFO,
        // whose writer would see this reader come and go (it is opened once, to read).
        if meta.is_file() {
            File::open(path).map_err(io_error)?;
        }
        sources.push(Source {
            name: p.into(),
            origin: Origin::File(path.to_path_buf()),
        });
        return Ok(());
    }
    let (mut files, subdirs) = directory_entries(path, ignored).map_err(io_error)?;
    if files.is_empty() {
        let why = if subdirs > 0 {
            format!(
                "directory holds no transcript files, only {subdirs} subdirector{} \
                 (PATH is one experiment; use `watchtrail check` for a tree of experiments)",
                if subdirs == 1 { "y" } else { "ies" }
            )
        } else {
            "directory holds no transcript files".into()
        };
        return Err(InputError::Invalid {
            path: p.to_string(),
            reason: why,
        });
    }
    files.sort_by(|a, b| a.0.cmp(&b.0));
    sources.extend(files.into_iter().map(|(name, origin)| Source {
        name: name.into(),
        origin,
    }));
    Ok(())
}

/// The transcripts in directory `path` (name, origin) and how many subdirectories it
/// holds; every other entry goes to `ignored`, with why.
fn directory_entries(
    path: &Path,
    ignored: &mut Vec<Ignored>,
) -> std::io::Result<(Vec<(String, Origin)>, usize)> {
    let mut files: Vec<(String, Origin)> = Vec::new();
    let mut subdirs = 0;
    for entry in std::fs::read_dir(path)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let full = entry.path();
        let display = full.to_string_lossy().into_owned();
        let transcript = is_transcript_name(&name);
        let mut ignore = |reason: &str, warn: bool| {
            ignored.push(Ignored {
                name: display.clone(),
                reason: reason.into(),
                warn,
            })
        };
        match std::fs::metadata(&full) {
            Ok(m) if m.is_file() && transcript => match sniff::own_output_file(&full) {
                Some(what) => ignore(&format!("{what} (watchtrail's own output)"), false),
                None => files.push((display, Origin::File(full))),
            },
            Ok(m) if m.is_file() => ignore(
                "not a transcript (documentation, expectation or output file)",
                false,
            ),
            Ok(m) if m.is_dir() => {
                subdirs += 1;
                ignore(
                    "a directory inside the experiment (use `check` for archives)",
                    false,
                )
            }
            // Opening a FIFO would wait for a writer: named entries are never opened.
            Ok(_) => ignore("not a regular file (not opened)", transcript),
            // A transcript that cannot be read (a dangling link, a symlink loop) is an
            // input error of its own, not a silent omission.
            Err(e) if transcript => files.push((display, Origin::Unreadable(e.to_string().into()))),
            Err(e) => ignore(&e.to_string(), false),
        }
    }
    Ok((files, subdirs))
}

/// Reads a small file whole, at most `cap` bytes: None when it holds more (an
/// `expect.json` of gigabytes is not read into memory to find that out).
pub fn read_capped(path: &Path, cap: u64) -> io::Result<Option<Vec<u8>>> {
    let mut bytes = Vec::new();
    File::open(path)?
        .take(cap.saturating_add(1))
        .read_to_end(&mut bytes)?;
    Ok((bytes.len() as u64 <= cap).then_some(bytes))
}

/// Remembers the first I/O error of a reader and reports end of input instead, so the
/// lines read before it are still used (a truncated gzip gives a partial result).
#[derive(Clone, Default)]
pub struct ReadError(Arc<Mutex<ReadState>>);

#[derive(Default)]
struct ReadState {
    error: Option<io::Error>,
    /// The last two bytes handed out before the error.
    tail: [u8; 2],
}

impl ReadError {
    /// The read error that ended the input, if any (taken: asked once).
    pub fn take(&self) -> Option<io::Error> {
        self.0.lock().ok().and_then(|mut s| s.error.take())
    }

    /// Whether a read error ended the input inside a line: the bytes before it do not
    /// end with a line break (LF or CR, in UTF-8 or UTF-16), so the last line is cut
    /// short and must not be read as a whole row.
    pub fn cut_mid_line(&self) -> bool {
        self.0.lock().is_ok_and(|s| {
            let brk = |b: u8| b == b'\n' || b == b'\r';
            s.error.is_some()
                && !(brk(s.tail[1])
                    || (s.tail[1] == 0 && brk(s.tail[0]))
                    || (s.tail[0] == 0 && brk(s.tail[1])))
        })
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
                Ok(n) => {
                    if n > 0 {
                        if let Ok(mut s) = self.error.0.lock() {
                            s.tail = match &buf[..n] {
                                [one] => [s.tail[1], *one],
                                [.., a, b] => [*a, *b],
                                [] => s.tail,
                            };
                        }
                    }
                    return Ok(n);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    if let Ok(mut s) = self.error.0.lock() {
                        s.error.get_or_insert(e);
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
            Origin::Unreadable(reason) => {
                return Err(InputError::Invalid {
                    path: self.name.to_string(),
                    reason: reason.to_string(),
                })
            }
        };
        let mut buffered = BufReader::with_capacity(64 * 1024, raw);
        let gz = buffered
            .fill_buf()
            .map(is_gzip)
            .map_err(|e| InputError::Io {
                path: self.name.to_string(),
                source: e,
            })?;
        let refuse = |what: &str| InputError::Invalid {
            path: self.name.to_string(),
            reason: what.to_string(),
        };
        if let Some(what) = buffered.fill_buf().ok().and_then(unreadable_format) {
            return Err(refuse(what));
        }
        let error = ReadError::default();
        let reader: Box<dyn Read + Send> = if gz {
            let mut inflated = BufReader::with_capacity(64 * 1024, MultiGzDecoder::new(buffered));
            // A `.tar.gz`, or gzip around another format. A read error here is left for
            // the stream to meet (a truncated gzip still gives its lines).
            if let Some(what) = inflated.fill_buf().ok().and_then(unreadable_format) {
                return Err(refuse(&format!("gzip-compressed {what}")));
            }
            Box::new(Guarded {
                inner: inflated,
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
        assert_eq!(
            err.cut_mid_line(),
            !text.ends_with('\n'),
            "whether the last line is whole"
        );
        assert!(err.take().is_some(), "truncation must be reported");
    }

    #[test]
    fn an_unreadable_path_beside_a_readable_one_becomes_an_unreadable_source() {
        let dir = std::env::temp_dir().join(format!("wt-input-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let good = dir.join("pods.log");
        std::fs::write(&good, "NAME READY\n").unwrap();
        let missing = dir.join("missing.log");
        let (sources, _) = resolve(&[good.clone(), missing.clone()]).unwrap();
        assert_eq!(sources.len(), 2);
        assert!(matches!(&sources[1].origin, Origin::Unreadable(r) if r.contains("No such file")));
        let err = sources[1]
            .open()
            .err()
            .expect("an unreadable source does not open");
        assert!(err
            .to_string()
            .starts_with(&format!("{}: ", missing.display())));
        // Alone, the path is the error it always was.
        assert!(resolve(std::slice::from_ref(&missing)).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
