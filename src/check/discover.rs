//! Discovery for `check`: turns each ARCHIVE argument into experiments.
//!
//! An archive is a directory tree, a `.tar`/`.tar.gz`/`.tgz` file or any file that
//! holds a tar (read in memory, never extracted), or a single transcript file (one
//! experiment). Inside an archive
//! an experiment is a directory that directly holds transcript files (the rule of
//! [`crate::input::is_transcript_name`]); its `expect.json`, if any, comes with it.
//!
//! Tar archives are read by `input::tar` (limits, refusals, gzip entries);
//! this module only walks the directories and archives it is given.
//!
//! Fatal ([`DiscoverError`]): the archive does not exist, its tar is corrupt, or a
//! limit against archive bombs is exceeded. Everything else (unreadable files, symlink
//! loops, empty directories, links inside a tar, an entry whose name leaves the
//! archive) is a [`Problem`]: reported, the other entries still read.

use std::collections::HashSet;
use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

pub use crate::input::tar::{
    ArchiveError as DiscoverError, ExpectFile, Limits, Problem, MAX_EXPECT_BYTES,
};
use crate::input::{is_transcript_name, Origin, Source};

/// One experiment: its transcripts and, when present, its `expect.json`.
#[derive(Debug, Clone)]
pub struct Experiment {
    /// `samples/in-place`, `runs.tgz:exp1`.
    pub name: String,
    /// Its transcripts.
    pub sources: Vec<Source>,
    /// `(display name, bytes)` of the experiment's `expect.json`.
    pub expect: Option<ExpectFile>,
}

/// What one or more archives hold.
#[derive(Debug, Default)]
pub struct Discovered {
    /// The experiments found.
    pub experiments: Vec<Experiment>,
    /// What was not read, and why.
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
    let tree = fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let mut stack = vec![(root.to_path_buf(), display.to_string())];
    while let Some((dir, shown)) = stack.pop() {
        let subdirs = walk_one(&dir, &shown, &tree, &mut seen, out);
        // Reversed, so that the first subdirectory is the next one looked at.
        stack.extend(subdirs.into_iter().rev());
    }
}

/// Looks at one directory: its experiment, if it directly holds transcripts, goes to
/// `out`; returns its subdirectories.
fn walk_one(
    dir: &Path,
    display: &str,
    tree: &Path,
    seen: &mut HashSet<DirId>,
    out: &mut Discovered,
) -> Vec<(PathBuf, String)> {
    let Some(names) = list_dir(dir, display, seen, out) else {
        return vec![];
    };
    let mut found = DirFiles::default();
    for (name, full) in names {
        let shown = format!("{display}/{name}");
        if let Some(target) = link_out_of(&full, tree) {
            let reason = format!(
                "symlink out of the tree given (to {}): not followed",
                target.display()
            );
            problem(out, &shown, reason, false);
            continue;
        }
        walk_entry(&name, full, shown, &mut found, out);
    }
    if !found.sources.is_empty() {
        out.experiments.push(Experiment {
            name: display.to_string(),
            sources: found.sources,
            expect: found.expect,
        });
    }
    found.subdirs
}

fn problem(out: &mut Discovered, path: &str, reason: String, serious: bool) {
    out.problems.push(Problem {
        path: path.to_string(),
        reason,
        serious,
    })
}

/// A directory's entries sorted by name; None (and a problem) when it was visited
/// before, cannot be read or is empty.
fn list_dir(
    dir: &Path,
    display: &str,
    seen: &mut HashSet<DirId>,
    out: &mut Discovered,
) -> Option<Vec<(String, PathBuf)>> {
    match dir_identity(dir) {
        Ok(id) if !seen.insert(id) => {
            let reason = "symlink loop: directory already visited".into();
            problem(out, display, reason, true);
            return None;
        }
        Ok(_) => {}
        Err(e) => {
            problem(out, display, e.to_string(), true);
            return None;
        }
    }
    let entries = match fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            problem(out, display, e.to_string(), true);
            return None;
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
        return None;
    }
    Some(names)
}

/// What one directory holds, as the walk finds it.
#[derive(Default)]
struct DirFiles {
    sources: Vec<Source>,
    expect: Option<ExpectFile>,
    subdirs: Vec<(PathBuf, String)>,
}

/// One entry of a directory: a subdirectory, its `expect.json`, a transcript, or a
/// problem.
fn walk_entry(
    name: &str,
    full: PathBuf,
    shown: String,
    found: &mut DirFiles,
    out: &mut Discovered,
) {
    match fs::metadata(&full) {
        Ok(m) if m.is_dir() => found.subdirs.push((full, shown)),
        Ok(m) if m.is_file() && name == "expect.json" => {
            match crate::input::read_capped(&full, MAX_EXPECT_BYTES) {
                Ok(Some(b)) => found.expect = Some((shown, b)),
                Ok(None) => {
                    let reason = format!("not read: larger than {MAX_EXPECT_BYTES} bytes");
                    problem(out, &shown, reason, true)
                }
                Err(e) => problem(out, &shown, e.to_string(), true),
            }
        }
        Ok(m) if m.is_file() => {
            if is_transcript_name(name) && crate::input::sniff::own_output_file(&full).is_none() {
                // Open now so an unreadable transcript is reported here.
                match fs::File::open(&full) {
                    Ok(_) => found.sources.push(Source {
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

/// Where a symlink leads when that is outside `tree` (the archive's canonical path);
/// None for anything else (a dangling link or a loop is reported by the walk).
fn link_out_of(path: &Path, tree: &Path) -> Option<PathBuf> {
    if !fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
        return None;
    }
    fs::canonicalize(path)
        .ok()
        .filter(|target| !target.starts_with(tree))
}

/// Reads a tar (gzip recognised by its magic bytes) in memory with
/// `input::tar::read_tar`: each directory holding transcripts is an experiment.
pub fn read_tar(
    archive: &str,
    reader: impl Read,
    limits: &Limits,
    out: &mut Discovered,
) -> Result<(), DiscoverError> {
    let dirs = crate::input::tar::read_tar(archive, reader, limits, &mut out.problems)?;
    out.experiments.extend(dirs.into_iter().map(|d| Experiment {
        name: if d.dir.is_empty() {
            archive.to_string()
        } else {
            format!("{archive}:{}", d.dir)
        },
        sources: d.sources,
        expect: d.expect,
    }));
    Ok(())
}
