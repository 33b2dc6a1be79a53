//! Discovery for `check`: turns each ARCHIVE argument into experiments.
//!
//! An archive is a directory tree, a `.tar`/`.tar.gz`/`.tgz` file or any file that
//! holds a tar (read in memory, never extracted), or a single transcript file (one
//! experiment). Inside an archive
//! an experiment is a directory that directly holds transcript files (the rule of
//! [`crate::input::is_transcript_name`]); its `expect.json`, if any, comes with it.
//!
//! Fatal ([`DiscoverError`], exit 2): the archive does not exist, its tar is corrupt,
//! or a limit against archive bombs is exceeded. Everything else (unreadable files,
//! symlink loops, empty directories, links inside a tar, an entry whose name leaves the
//! archive — `..` or absolute — which is refused) is a [`Problem`]: reported, the other
//! entries still read. Gzip transcripts inside a
//! tar are inflated in memory under the same limits (`.gz` files in a directory tree are
//! read transparently by [`crate::input`]).

use std::collections::{BTreeMap, HashSet};
use std::fs;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use flate2::read::MultiGzDecoder;

use crate::input::{is_transcript_name, Origin, Source};

/// Limits against archive bombs (tar archives only).
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Sum of the uncompressed sizes of all entries, in bytes.
    pub max_total_bytes: u64,
    /// Number of entries (of any type).
    pub max_entries: u64,
    /// Size of one entry, in bytes.
    pub max_entry_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_total_bytes: 4 << 30,
            max_entries: 1_000_000,
            max_entry_bytes: 1 << 30,
        }
    }
}

/// `(display name, bytes)` of an `expect.json`.
pub type ExpectFile = (String, Vec<u8>);

/// One experiment: its transcripts and, when present, its `expect.json`.
#[derive(Debug, Clone)]
pub struct Experiment {
    /// `samples/in-place`, `runs.tgz:exp1`.
    pub name: String,
    pub sources: Vec<Source>,
    /// `(display name, bytes)` of the experiment's `expect.json`.
    pub expect: Option<ExpectFile>,
}

/// A non-fatal finding during discovery.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Problem {
    /// The path or entry concerned.
    pub path: String,
    pub reason: String,
    /// Whether it means something could not be analysed (exit 1); empty directories
    /// and skipped tar links are only notes.
    pub serious: bool,
}

/// A fatal problem with one ARCHIVE argument.
#[derive(Debug, thiserror::Error)]
pub enum DiscoverError {
    #[error("{archive}: cannot read the archive")]
    Io {
        archive: String,
        #[source]
        source: io::Error,
    },
    #[error("{archive}: corrupt tar archive: {reason}")]
    Corrupt { archive: String, reason: String },
    #[error("{archive}: refused: {what} exceeds the limit of {limit} ({hint})")]
    Limit {
        archive: String,
        what: String,
        limit: u64,
        hint: &'static str,
    },
}

/// What one or more archives hold.
#[derive(Debug, Default)]
pub struct Discovered {
    pub experiments: Vec<Experiment>,
    pub problems: Vec<Problem>,
}

/// Discovers the experiments of one ARCHIVE argument, appending to `out`.
pub fn discover(path: &Path, limits: &Limits, out: &mut Discovered) -> Result<(), DiscoverError> {
    let arg_lossy = path.to_string_lossy();
    let arg: &str = &arg_lossy;
    let io_err = |e| DiscoverError::Io {
        archive: arg.to_string(),
        source: e,
    };
    let meta = fs::metadata(path).map_err(io_err)?;
    if meta.is_dir() {
        walk(path, arg.trim_end_matches('/'), out);
        return Ok(());
    }
    let lower = arg.to_ascii_lowercase();
    let tar_name = lower.ends_with(".tar") || lower.ends_with(".tar.gz") || lower.ends_with(".tgz");
    if tar_name || crate::input::is_tar(path) {
        let file = fs::File::open(path).map_err(io_err)?;
        return read_tar(arg, file, limits, out);
    }
    // A single transcript file is one experiment.
    fs::File::open(path).map_err(io_err)?;
    out.experiments.push(Experiment {
        name: arg.to_string(),
        sources: vec![Source {
            name: arg.into(),
            origin: Origin::File(path.to_path_buf()),
        }],
        expect: None,
    });
    Ok(())
}

#[cfg(unix)]
type DirId = (u64, u64);
#[cfg(not(unix))]
type DirId = PathBuf;

/// A directory's identity, to see a symlink loop: device and inode where there are
/// some (one `stat`, whatever the depth; `canonicalize` costs a `readlink` per path
/// component, which made a tree a few thousand levels deep take minutes), else the
/// canonical path.
#[cfg(unix)]
fn dir_identity(dir: &Path) -> io::Result<DirId> {
    use std::os::unix::fs::MetadataExt;
    fs::metadata(dir).map(|m| (m.dev(), m.ino()))
}

#[cfg(not(unix))]
fn dir_identity(dir: &Path) -> io::Result<DirId> {
    fs::canonicalize(dir)
}

/// Walks a directory tree depth first, in name order, following symlinks once (a loop
/// is reported). Iterative, so the depth of a tree cannot exhaust the stack.
fn walk(root: &Path, display: &str, out: &mut Discovered) {
    let mut seen = HashSet::new();
    let mut stack = vec![(root.to_path_buf(), display.to_string())];
    while let Some((dir, shown)) = stack.pop() {
        let subdirs = walk_one(&dir, &shown, &mut seen, out);
        // Reversed, so that the first subdirectory is the next one looked at.
        stack.extend(subdirs.into_iter().rev());
    }
}

/// Looks at one directory: its experiment, if it directly holds transcripts, goes to
/// `out`; returns its subdirectories.
fn walk_one(
    dir: &Path,
    display: &str,
    seen: &mut HashSet<DirId>,
    out: &mut Discovered,
) -> Vec<(PathBuf, String)> {
    let problem = |out: &mut Discovered, path: &str, reason: String, serious: bool| {
        out.problems.push(Problem {
            path: path.to_string(),
            reason,
            serious,
        })
    };
    match dir_identity(dir) {
        Ok(id) if !seen.insert(id) => {
            problem(
                out,
                display,
                "symlink loop: directory already visited".into(),
                true,
            );
            return vec![];
        }
        Ok(_) => {}
        Err(e) => {
            problem(out, display, e.to_string(), true);
            return vec![];
        }
    }
    let entries = match fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            problem(out, display, e.to_string(), true);
            return vec![];
        }
    };
    let mut names: Vec<(String, PathBuf)> = Vec::new();
    for entry in entries {
        match entry {
            Ok(e) => names.push((e.file_name().to_string_lossy().into_owned(), e.path())),
            Err(e) => problem(out, display, e.to_string(), true),
        }
    }
    names.sort();
    if names.is_empty() {
        problem(out, display, "empty directory".into(), false);
        return vec![];
    }
    let mut sources = Vec::new();
    let mut expect = None;
    let mut subdirs = Vec::new();
    for (name, full) in names {
        let shown = format!("{display}/{name}");
        match fs::metadata(&full) {
            Ok(m) if m.is_dir() => subdirs.push((full, shown)),
            Ok(m) if m.is_file() => {
                if name == "expect.json" {
                    match fs::read(&full) {
                        Ok(b) => expect = Some((shown, b)),
                        Err(e) => problem(out, &shown, e.to_string(), true),
                    }
                } else if is_transcript_name(&name) {
                    // Open now so an unreadable transcript is reported here.
                    match fs::File::open(&full) {
                        Ok(_) => sources.push(Source {
                            name: shown.into(),
                            origin: Origin::File(full),
                        }),
                        Err(e) => problem(out, &shown, e.to_string(), true),
                    }
                }
            }
            Ok(_) => problem(out, &shown, "not a regular file".into(), false),
            Err(e) => {
                let loop_ = e.raw_os_error() == Some(40); // ELOOP
                let reason = if loop_ {
                    format!("symlink loop: {e}")
                } else {
                    e.to_string()
                };
                problem(out, &shown, reason, true)
            }
        }
    }
    if !sources.is_empty() {
        out.experiments.push(Experiment {
            name: display.to_string(),
            sources,
            expect,
        });
    }
    subdirs
}

/// Whether a tar entry name stays inside the archive.
fn safe_entry_name(raw: &[u8]) -> bool {
    let s = String::from_utf8_lossy(raw);
    if s.starts_with('/') || s.starts_with('\\') || s.contains(":\\") {
        return false;
    }
    !s.split(['/', '\\']).any(|c| c == "..")
        && Path::new(s.as_ref())
            .components()
            .all(|c| matches!(c, Component::Normal(_) | Component::CurDir))
}

/// Reads a tar (gzip recognised by its magic bytes) in memory, entry by entry.
pub fn read_tar(
    archive: &str,
    reader: impl Read,
    limits: &Limits,
    out: &mut Discovered,
) -> Result<(), DiscoverError> {
    let corrupt = |e: io::Error| DiscoverError::Corrupt {
        archive: archive.to_string(),
        reason: e.to_string(),
    };
    let limit = |what: String, limit: u64, hint| DiscoverError::Limit {
        archive: archive.to_string(),
        what,
        limit,
        hint,
    };
    let mut buffered = BufReader::with_capacity(64 * 1024, reader);
    let head = buffered.fill_buf().map_err(|e| DiscoverError::Io {
        archive: archive.to_string(),
        source: e,
    })?;
    let gz = head.len() >= 2 && head[0] == 0x1f && head[1] == 0x8b;
    let inner: Box<dyn Read> = if gz {
        Box::new(MultiGzDecoder::new(buffered))
    } else {
        Box::new(buffered)
    };
    let mut tar = tar::Archive::new(inner);
    // Directory → (transcripts, expect.json), in entry order; sorted at the end.
    let mut dirs: BTreeMap<String, (Vec<Source>, Option<ExpectFile>)> = BTreeMap::new();
    let (mut count, mut total) = (0u64, 0u64);
    for entry in tar.entries().map_err(corrupt)? {
        let mut entry = entry.map_err(corrupt)?;
        count += 1;
        if count > limits.max_entries {
            return Err(limit(
                format!("entry count ({count} entries read so far)"),
                limits.max_entries,
                "--max-entries",
            ));
        }
        let raw = entry.path_bytes().into_owned();
        let name = String::from_utf8_lossy(&raw).into_owned();
        let size = entry.header().size().map_err(corrupt)?;
        if size > limits.max_entry_bytes {
            return Err(limit(
                format!("entry `{name}` size ({size} bytes)"),
                limits.max_entry_bytes,
                "--max-entry-bytes",
            ));
        }
        total = total.saturating_add(size);
        if total > limits.max_total_bytes {
            return Err(limit(
                format!("total uncompressed size ({total} bytes so far)"),
                limits.max_total_bytes,
                "--max-total-bytes",
            ));
        }
        if !safe_entry_name(&raw) {
            // Checked after the limits, which hold for every entry. Never extracted, so
            // harmless to the disk; refused all the same and reported, while the
            // archive's other entries are read.
            out.problems.push(Problem {
                path: format!("{archive}:{name}"),
                reason: "entry refused: its name leaves the archive (`..` or an absolute path)"
                    .into(),
                serious: true,
            });
            continue;
        }
        let kind = entry.header().entry_type();
        let shown = format!("{archive}:{}", name.trim_start_matches("./"));
        if kind.is_dir() || kind.is_pax_global_extensions() || kind.is_pax_local_extensions() {
            continue;
        }
        if !kind.is_file() {
            out.problems.push(Problem {
                path: shown,
                reason: format!("{kind:?} entry skipped (only regular files are read)"),
                serious: false,
            });
            continue;
        }
        let clean = name.trim_start_matches("./");
        let (dir, file) = clean.rsplit_once('/').unwrap_or(("", clean));
        let wanted = file == "expect.json" || is_transcript_name(file);
        if !wanted {
            continue;
        }
        let mut bytes = Vec::with_capacity(size.min(1 << 20) as usize);
        (&mut entry)
            .take(limits.max_entry_bytes + 1)
            .read_to_end(&mut bytes)
            .map_err(corrupt)?;
        // A gzip transcript inside the tar is inflated here, under the same limits, so
        // a small `.gz` entry cannot inflate without bound later. A broken one is kept
        // as is: reading it then reports the error as that experiment's.
        if bytes.len() >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b {
            let mut plain = Vec::new();
            let read = MultiGzDecoder::new(&bytes[..])
                .take(limits.max_entry_bytes + 1)
                .read_to_end(&mut plain);
            if read.is_ok() {
                let n = plain.len() as u64;
                if n > limits.max_entry_bytes {
                    return Err(limit(
                        format!("entry `{name}` decompressed size (more than {n} bytes)"),
                        limits.max_entry_bytes,
                        "--max-entry-bytes",
                    ));
                }
                total = total.saturating_add(n);
                if total > limits.max_total_bytes {
                    return Err(limit(
                        format!("total uncompressed size ({total} bytes so far)"),
                        limits.max_total_bytes,
                        "--max-total-bytes",
                    ));
                }
                bytes = plain;
            }
        }
        let slot = dirs.entry(dir.to_string()).or_default();
        if file == "expect.json" {
            slot.1 = Some((shown, bytes));
        } else {
            slot.0.push(Source {
                name: shown.into(),
                origin: Origin::Bytes(Arc::from(bytes)),
            });
        }
    }
    for (dir, (mut sources, expect)) in dirs {
        if sources.is_empty() {
            continue;
        }
        sources.sort_by(|a, b| a.name.cmp(&b.name));
        let name = if dir.is_empty() {
            archive.to_string()
        } else {
            format!("{archive}:{dir}")
        };
        out.experiments.push(Experiment {
            name,
            sources,
            expect,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_names_that_leave_the_archive_are_refused() {
        for bad in [
            "../evil.log",
            "/etc/passwd",
            "a/../../b",
            "a\\..\\b",
            "C:\\x",
        ] {
            assert!(!safe_entry_name(bad.as_bytes()), "{bad}");
        }
        for good in ["exp1/pods.log", "./exp1/pods.log", "pods..log", "a/b/c.log"] {
            assert!(safe_entry_name(good.as_bytes()), "{good}");
        }
    }
}
