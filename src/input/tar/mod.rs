//! Tar archives read in memory, never extracted, under limits against archive bombs.
//!
//! A small ustar/GNU/PAX reader of its own, so that every byte it holds is under a
//! limit: a GNU long-name (`L`, `K`) or PAX (`x`, `g`) record is metadata, read only up
//! to [`MAX_META_BYTES`] and counted like any entry; a PAX `size` replaces the header's
//! before the size limit is checked; what is counted is what was read.
//!
//! Entries are read the way `tar -x` would lay them out: paths normalised (`e//a`,
//! `e/./a` and `./e/a` are `e/a`), a later entry of the same path replacing the
//! earlier one (`tar -r` appends updates), a hard link (`1`) read as the file it names
//! and a contiguous file (`7`) as a regular one. A name that leaves the archive (`..`,
//! absolute) is refused and reported; the other entries are still read.

use std::collections::BTreeMap;
use std::io::{self, BufReader, Read};
use std::sync::Arc;

use flate2::read::MultiGzDecoder;

use super::sniff::{gunzipped, is_gzip};
use super::{is_transcript_name, Origin, Source};

mod header;

use header::{parse_header, parse_pax, Header, BLOCK};

/// The largest metadata record read (a GNU long name, a PAX header): no real path or
/// PAX header comes near it.
pub const MAX_META_BYTES: u64 = 1 << 20;

/// The largest `expect.json` read: a handful of keys.
pub const MAX_EXPECT_BYTES: u64 = 1 << 20;

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

/// A non-fatal finding while reading an archive or walking a tree.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Problem {
    /// The path or entry concerned.
    pub path: String,
    /// Why, in a sentence.
    pub reason: String,
    /// Whether it means something could not be analysed (exit 1); empty directories
    /// and skipped tar links are only notes.
    pub serious: bool,
}

/// A fatal problem with one archive.
#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    /// The archive could not be read.
    #[error("{archive}: cannot read the archive")]
    Io {
        /// The archive as named.
        archive: String,
        /// Why.
        #[source]
        source: io::Error,
    },
    /// The archive is no tar, or a broken one.
    #[error("{archive}: corrupt tar archive: {reason}")]
    Corrupt {
        /// The archive as named.
        archive: String,
        /// What is wrong, and where.
        reason: String,
    },
    /// The archive goes past one of the [`Limits`].
    #[error("{archive}: refused: {what} exceeds the limit of {limit} ({hint})")]
    Limit {
        /// The archive as named.
        archive: String,
        /// What went past the limit (`entry count (21 entries read so far)`).
        what: String,
        /// The limit.
        limit: u64,
        /// The flag that raises it.
        hint: &'static str,
    },
}

/// One directory of an archive that holds transcripts.
#[derive(Debug)]
pub struct TarDir {
    /// The directory inside the archive (`""` for the top).
    pub dir: String,
    /// Its transcripts, sorted by name.
    pub sources: Vec<Source>,
    pub expect: Option<ExpectFile>,
}

/// Reads a tar (gzip recognised by its magic bytes) in memory, entry by entry, and
/// returns the directories that hold transcripts. Findings that do not stop the read
/// (a refused name, a skipped link) go to `problems`.
pub fn read_tar(
    archive: &str,
    reader: impl Read,
    limits: &Limits,
    problems: &mut Vec<Problem>,
) -> Result<Vec<TarDir>, ArchiveError> {
    let buffered = BufReader::with_capacity(64 * 1024, reader);
    let inner = gunzipped(buffered).map_err(|e| ArchiveError::Io {
        archive: archive.to_string(),
        source: e,
    })?;
    let mut tar = Reader {
        inner,
        archive,
        limits,
        count: 0,
        total: 0,
    };
    let mut dirs = Dirs::default();
    while let Some(entry) = tar.next_entry()? {
        take_entry(&mut tar, entry, &mut dirs, problems)?;
    }
    Ok(dirs.finish())
}

/// What one entry is, once its metadata records are applied.
struct Entry {
    /// The path as stored (for messages).
    raw: String,
    /// The link target of a link entry.
    link: String,
    kind: u8,
    size: u64,
}

/// Decides what to do with one entry and does it.
fn take_entry<R: Read>(
    tar: &mut Reader<'_, R>,
    entry: Entry,
    dirs: &mut Dirs,
    problems: &mut Vec<Problem>,
) -> Result<(), ArchiveError> {
    let archive = tar.archive;
    let Some(path) = normalize(&entry.raw) else {
        problems.push(Problem {
            path: format!("{archive}:{}", entry.raw),
            reason: "entry refused: its name leaves the archive (`..` or an absolute path)".into(),
            serious: true,
        });
        return tar.skip(entry.size);
    };
    let shown = format!("{archive}:{path}");
    match entry.kind {
        b'0' | 0 | b'7' => {}
        b'1' => {
            tar.skip(entry.size)?;
            return dirs.link(&path, &entry.link, shown, problems);
        }
        b'5' => return tar.skip(entry.size),
        kind => {
            problems.push(Problem {
                path: shown,
                reason: format!(
                    "{} entry skipped (only regular files are read)",
                    kind_name(kind)
                ),
                serious: false,
            });
            return tar.skip(entry.size);
        }
    }
    let file = path.rsplit('/').next().unwrap_or(&path);
    let expect = file == "expect.json";
    if !(expect || is_transcript_name(file)) {
        return tar.skip(entry.size);
    }
    if expect && entry.size > MAX_EXPECT_BYTES {
        problems.push(Problem {
            path: shown,
            reason: format!("not read: larger than {MAX_EXPECT_BYTES} bytes"),
            serious: true,
        });
        return tar.skip(entry.size);
    }
    let bytes = tar.read(entry.size)?;
    let bytes = tar.inflate(&entry.raw, bytes)?;
    dirs.insert(&path, shown, bytes);
    Ok(())
}

/// The name `tar -tv` gives an entry type that is not read.
fn kind_name(kind: u8) -> String {
    match kind {
        b'2' => "Symlink".into(),
        b'3' => "Char".into(),
        b'4' => "Block".into(),
        b'6' => "Fifo".into(),
        b'S' => "GNUSparse".into(),
        k if k.is_ascii_graphic() => format!("type `{}`", k as char),
        k => format!("type {k}"),
    }
}

/// An entry path as `tar -x` would lay it out, relative to the archive's top:
/// `./`, empty and `.` components dropped. None when it leaves the archive (an
/// absolute path, a `..`, a Windows drive or backslash path).
pub fn normalize(raw: &str) -> Option<String> {
    if raw.starts_with('/') || raw.starts_with('\\') || raw.contains(":\\") {
        return None;
    }
    let mut parts = Vec::new();
    for c in raw.split(['/', '\\']) {
        match c {
            "" | "." => {}
            ".." => return None,
            c => parts.push(c),
        }
    }
    Some(parts.join("/"))
}

/// The archive's directories as they fill up: a later entry of a path replaces the
/// earlier one.
#[derive(Default)]
struct Dirs {
    files: BTreeMap<String, (String, Arc<[u8]>)>,
}

impl Dirs {
    fn insert(&mut self, path: &str, shown: String, bytes: Vec<u8>) {
        self.files
            .insert(path.to_string(), (shown, Arc::from(bytes)));
    }

    /// A hard link: the file it names, when that was read (a name that leaves the
    /// archive, or a file not kept, is reported).
    fn link(
        &mut self,
        path: &str,
        target: &str,
        shown: String,
        problems: &mut Vec<Problem>,
    ) -> Result<(), ArchiveError> {
        let file = path.rsplit('/').next().unwrap_or(path);
        if !(file == "expect.json" || is_transcript_name(file)) {
            return Ok(());
        }
        let reason = match normalize(target) {
            None => "refused: its target leaves the archive (`..` or an absolute path)",
            Some(t) => match self.files.get(&t).cloned() {
                Some((_, bytes)) => {
                    self.files.insert(path.to_string(), (shown, bytes));
                    return Ok(());
                }
                None => "skipped: no transcript of that name comes before it in the archive",
            },
        };
        problems.push(Problem {
            path: shown,
            reason: format!("hard link to `{target}` {reason}"),
            serious: true,
        });
        Ok(())
    }

    fn finish(self) -> Vec<TarDir> {
        let mut out: BTreeMap<String, TarDir> = BTreeMap::new();
        for (path, (shown, bytes)) in self.files {
            let (dir, file) = path.rsplit_once('/').unwrap_or(("", &path));
            let slot = out.entry(dir.to_string()).or_insert_with(|| TarDir {
                dir: dir.to_string(),
                sources: Vec::new(),
                expect: None,
            });
            if file == "expect.json" {
                slot.expect = Some((shown, bytes.to_vec()));
            } else {
                slot.sources.push(Source {
                    name: shown.into(),
                    origin: Origin::Bytes(bytes),
                });
            }
        }
        let mut dirs: Vec<TarDir> = out
            .into_values()
            .filter(|d| !d.sources.is_empty())
            .collect();
        for d in &mut dirs {
            d.sources.sort_by(|a, b| a.name.cmp(&b.name));
        }
        dirs
    }
}

/// Metadata records waiting for the entry they describe.
#[derive(Default)]
struct Pending {
    long_name: Option<Vec<u8>>,
    long_link: Option<Vec<u8>>,
    pax: header::PaxRecords,
}

/// The stream of entries, with the counts the limits are checked against.
struct Reader<'a, R> {
    inner: R,
    archive: &'a str,
    limits: &'a Limits,
    count: u64,
    total: u64,
}

impl<R: Read> Reader<'_, R> {
    fn corrupt(&self, reason: impl Into<String>) -> ArchiveError {
        ArchiveError::Corrupt {
            archive: self.archive.to_string(),
            reason: reason.into(),
        }
    }

    fn limit(&self, what: String, limit: u64, hint: &'static str) -> ArchiveError {
        ArchiveError::Limit {
            archive: self.archive.to_string(),
            what,
            limit,
            hint,
        }
    }

    /// The next file, directory or link, with the metadata records before it applied;
    /// None at the end of the archive.
    fn next_entry(&mut self) -> Result<Option<Entry>, ArchiveError> {
        let mut pending = Pending::default();
        loop {
            let Some(mut h) = self.header()? else {
                return Ok(None);
            };
            self.count_entry()?;
            if matches!(h.kind, b'L' | b'K' | b'x' | b'g') {
                let data = self.read_meta(&h)?;
                self.absorb(&mut pending, h.kind, data)?;
                continue;
            }
            self.apply(&mut pending, &mut h)?;
            let raw = String::from_utf8_lossy(&h.name).into_owned();
            if h.size > self.limits.max_entry_bytes {
                return Err(self.limit(
                    format!("entry `{raw}` size ({} bytes)", h.size),
                    self.limits.max_entry_bytes,
                    "--max-entry-bytes",
                ));
            }
            // Refused before reading when what it says it holds would not fit; what
            // is counted is what is read.
            self.check_total(self.total.saturating_add(h.size))?;
            return Ok(Some(Entry {
                raw,
                link: String::from_utf8_lossy(&h.link).into_owned(),
                kind: h.kind,
                size: h.size,
            }));
        }
    }

    fn count_entry(&mut self) -> Result<(), ArchiveError> {
        self.count = self.count.saturating_add(1);
        if self.count > self.limits.max_entries {
            return Err(self.limit(
                format!("entry count ({} entries read so far)", self.count),
                self.limits.max_entries,
                "--max-entries",
            ));
        }
        Ok(())
    }

    /// Counts `n` more bytes against the total.
    fn count_bytes(&mut self, n: u64) -> Result<(), ArchiveError> {
        self.total = self.total.saturating_add(n);
        self.check_total(self.total)
    }

    /// Refuses a total over the limit.
    fn check_total(&self, total: u64) -> Result<(), ArchiveError> {
        if total > self.limits.max_total_bytes {
            return Err(self.limit(
                format!("total uncompressed size ({total} bytes so far)"),
                self.limits.max_total_bytes,
                "--max-total-bytes",
            ));
        }
        Ok(())
    }

    /// Reads one header block; None at the end (a zero block, or the end of the
    /// input at a block boundary).
    fn header(&mut self) -> Result<Option<Header>, ArchiveError> {
        let mut block = [0u8; BLOCK];
        let got = self.fill(&mut block)?;
        if got == 0 || block.iter().all(|&b| b == 0) {
            return Ok(None);
        }
        if got < BLOCK {
            return Err(self.corrupt("the archive ends inside a header"));
        }
        parse_header(&block).map(Some).map_err(|r| self.corrupt(r))
    }

    /// Reads as much of `buf` as the input holds.
    fn fill(&mut self, buf: &mut [u8]) -> Result<usize, ArchiveError> {
        let mut got = 0;
        while got < buf.len() {
            match self.inner.read(&mut buf[got..]) {
                Ok(0) => break,
                Ok(n) => got += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(self.corrupt(e.to_string())),
            }
        }
        Ok(got)
    }

    /// A metadata record's data, under its own cap.
    fn read_meta(&mut self, h: &Header) -> Result<Vec<u8>, ArchiveError> {
        if h.size > MAX_META_BYTES {
            return Err(self.limit(
                format!(
                    "a metadata record (type `{}`) of {} bytes",
                    h.kind as char, h.size
                ),
                MAX_META_BYTES,
                "GNU long names and PAX headers are capped",
            ));
        }
        self.read(h.size)
    }

    /// Takes in one metadata record.
    fn absorb(&self, p: &mut Pending, kind: u8, data: Vec<u8>) -> Result<(), ArchiveError> {
        let trim = |mut d: Vec<u8>| {
            let end = d.iter().position(|&b| b == 0).unwrap_or(d.len());
            d.truncate(end);
            d
        };
        match kind {
            b'L' => p.long_name = Some(trim(data)),
            b'K' => p.long_link = Some(trim(data)),
            b'x' => p.pax = parse_pax(&data).map_err(|r| self.corrupt(r))?,
            // Global PAX records set defaults for the whole archive: nothing read here
            // (times, owners) depends on them.
            _ => {}
        }
        Ok(())
    }

    /// Applies the pending records to the header that follows them.
    fn apply(&self, p: &mut Pending, h: &mut Header) -> Result<(), ArchiveError> {
        if let Some(n) = p.long_name.take() {
            h.name = n;
        }
        if let Some(l) = p.long_link.take() {
            h.link = l;
        }
        for (key, value) in p.pax.drain(..) {
            match key.as_slice() {
                b"path" => h.name = value,
                b"linkpath" => h.link = value,
                b"size" => {
                    h.size = std::str::from_utf8(&value)
                        .ok()
                        .and_then(|s| s.parse().ok())
                        .ok_or_else(|| self.corrupt("a PAX `size` that is not a number"))?
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// Reads an entry's data (at most `size` bytes, counted as read) and its padding.
    fn read(&mut self, size: u64) -> Result<Vec<u8>, ArchiveError> {
        let mut bytes = Vec::with_capacity(size.min(1 << 20) as usize);
        let n = (&mut self.inner)
            .take(size)
            .read_to_end(&mut bytes)
            .map_err(|e| self.corrupt(e.to_string()))? as u64;
        self.count_bytes(n)?;
        if n < size {
            return Err(self.corrupt("the archive ends inside an entry"));
        }
        self.skip_padding(size)?;
        Ok(bytes)
    }

    /// Reads past an entry's data without keeping it (still counted).
    fn skip(&mut self, size: u64) -> Result<(), ArchiveError> {
        let n = io::copy(&mut (&mut self.inner).take(size), &mut io::sink())
            .map_err(|e| self.corrupt(e.to_string()))?;
        self.count_bytes(n)?;
        if n < size {
            return Err(self.corrupt("the archive ends inside an entry"));
        }
        self.skip_padding(size)
    }

    fn skip_padding(&mut self, size: u64) -> Result<(), ArchiveError> {
        let pad = (BLOCK as u64 - size % BLOCK as u64) % BLOCK as u64;
        let mut buf = [0u8; BLOCK];
        let got = self.fill(&mut buf[..pad as usize])?;
        if (got as u64) < pad {
            return Err(self.corrupt("the archive ends inside an entry's padding"));
        }
        Ok(())
    }

    /// A gzip transcript inside the tar is inflated here, under the same limits, so a
    /// small `.gz` entry cannot inflate without bound later. A broken one is kept as
    /// is: reading it then reports the error as that experiment's.
    fn inflate(&mut self, name: &str, bytes: Vec<u8>) -> Result<Vec<u8>, ArchiveError> {
        if !is_gzip(&bytes) {
            return Ok(bytes);
        }
        let cap = self.limits.max_entry_bytes.saturating_add(1);
        let mut plain = Vec::new();
        if MultiGzDecoder::new(&bytes[..])
            .take(cap)
            .read_to_end(&mut plain)
            .is_err()
        {
            return Ok(bytes);
        }
        let n = plain.len() as u64;
        if n > self.limits.max_entry_bytes {
            return Err(self.limit(
                format!("entry `{name}` decompressed size (more than {n} bytes)"),
                self.limits.max_entry_bytes,
                "--max-entry-bytes",
            ));
        }
        self.count_bytes(n)?;
        Ok(plain)
    }
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
            assert_eq!(normalize(bad), None, "{bad}");
        }
        for good in ["exp1/pods.log", "./exp1/pods.log", "pods..log", "a/b/c.log"] {
            assert!(normalize(good).is_some(), "{good}");
        }
    }
}
