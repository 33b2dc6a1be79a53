//! Where results go: standard output that a closed pipe cannot turn into an early
//! "success", standard error that never fails a run, and report files written whole
//! (a temporary file beside the target, renamed over it at the end) after the paths
//! were checked not to be an input or each other.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// Standard output. Once its reader is gone (`| head`), further output is dropped and
/// the run goes on: the exit code and the report files are the run's own.
pub struct Stdout(io::StdoutLock<'static>, bool);

/// Locks standard output.
pub fn stdout() -> Stdout {
    Stdout(io::stdout().lock(), false)
}

impl Stdout {
    /// Whether the reader has gone away.
    pub fn is_closed(&self) -> bool {
        self.1
    }
}

impl Write for Stdout {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.1 {
            return Ok(buf.len());
        }
        match self.0.write(buf) {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
                self.1 = true;
                Ok(buf.len())
            }
            r => r,
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self.0.flush() {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
                self.1 = true;
                Ok(())
            }
            r => r,
        }
    }
}

/// Standard error, for messages: a write that fails (a full disk, a closed pipe) is
/// ignored, never a panic nor the run's failure.
pub struct Stderr(io::StderrLock<'static>);

/// Locks standard error.
pub fn stderr() -> Stderr {
    Stderr(io::stderr().lock())
}

impl Write for Stderr {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let _ = self.0.write_all(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        let _ = self.0.flush();
        Ok(())
    }
}

/// A file written under a temporary name beside its target and renamed over it by
/// [`Output::commit`]; dropped uncommitted (an error on the way), it is removed and
/// the target is as it was.
pub struct Output {
    target: PathBuf,
    temp: PathBuf,
    file: Option<BufWriter<File>>,
}

impl Output {
    /// Creates the temporary file (so an unwritable place is found before the work).
    pub fn create(target: &Path) -> io::Result<Output> {
        let dir = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = target.file_name().unwrap_or_default().to_string_lossy();
        for n in 0..100u32 {
            let temp = dir.join(format!(".{name}.watchtrail-{}-{n}.tmp", std::process::id()));
            match File::options().write(true).create_new(true).open(&temp) {
                Ok(f) => {
                    return Ok(Output {
                        target: target.to_path_buf(),
                        temp,
                        file: Some(BufWriter::new(f)),
                    })
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e),
            }
        }
        Err(io::Error::other("no free temporary file name"))
    }

    /// The optional outputs of a run (`--json FILE`…), checked against the inputs and
    /// each other ([`check_targets`]) and created, before any work.
    pub fn prepare<const N: usize>(
        inputs: &[PathBuf],
        outputs: [(&str, &Option<PathBuf>); N],
    ) -> anyhow::Result<[Option<Output>; N]> {
        use anyhow::Context;
        let given: Vec<(&str, &Path)> = outputs
            .iter()
            .filter_map(|(flag, p)| Some((*flag, p.as_deref()?)))
            .collect();
        check_targets(inputs, &given)?;
        let mut made = Vec::with_capacity(N);
        for (_, path) in outputs {
            let out = path.as_ref().map(|p| {
                Output::create(p).with_context(|| format!("cannot write {}", p.display()))
            });
            made.push(out.transpose()?);
        }
        made.try_into()
            .map_err(|_| anyhow::anyhow!("one output for each flag"))
    }

    /// Flushes the file to disk and renames it over the target.
    pub fn commit(mut self) -> io::Result<()> {
        let Some(file) = self.file.take() else {
            return Ok(());
        };
        let file = file.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        drop(file);
        std::fs::rename(&self.temp, &self.target)
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.file {
            Some(f) => f.write(buf),
            None => Err(io::Error::other("output already committed")),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.file {
            Some(f) => f.flush(),
            None => Ok(()),
        }
    }
}

impl Drop for Output {
    fn drop(&mut self) {
        if self.file.take().is_some() {
            let _ = std::fs::remove_file(&self.temp);
        }
    }
}

/// `-o FILE`: standard output (`-`) or a file written whole.
pub enum Target {
    /// Standard output (`-`), buffered.
    Stdout(BufWriter<Stdout>),
    /// A file, written whole when finished.
    File(Output),
}

impl Target {
    /// Opens `-o FILE` (`-` is stdout) for writing.
    pub fn open(path: &str) -> anyhow::Result<Target> {
        use anyhow::Context;
        if path == "-" {
            return Ok(Target::Stdout(BufWriter::new(stdout())));
        }
        let out =
            Output::create(Path::new(path)).with_context(|| format!("{path}: cannot create"))?;
        Ok(Target::File(out))
    }

    /// Ends the output: flushed, and a file renamed into place.
    pub fn finish(self) -> io::Result<()> {
        match self {
            Target::Stdout(mut s) => s.flush(),
            Target::File(f) => f.commit(),
        }
    }
}

impl Write for Target {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Target::Stdout(s) => s.write(buf),
            Target::File(f) => f.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Target::Stdout(s) => s.flush(),
            Target::File(f) => f.flush(),
        }
    }
}

/// A path as one file: the canonical form of its directory and its name (the file
/// itself need not exist), so `./d//x` and `d/x` compare equal.
fn identity(path: &Path) -> PathBuf {
    if let Ok(c) = std::fs::canonicalize(path) {
        return c;
    }
    let name = path.file_name().map(PathBuf::from).unwrap_or_default();
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => std::fs::canonicalize(p)
            .unwrap_or_else(|_| p.to_path_buf())
            .join(name),
        _ => std::env::current_dir().unwrap_or_default().join(name),
    }
}

/// Whether two existing paths are one file under two names (a hard link).
#[cfg(unix)]
fn same_inode(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (std::fs::metadata(a), std::fs::metadata(b)) {
        (Ok(x), Ok(y)) => x.is_file() && x.dev() == y.dev() && x.ino() == y.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_inode(_: &Path, _: &Path) -> bool {
    false
}

/// Refuses outputs that would destroy an input or each other, before anything is
/// written: an output that is one of the inputs, or an existing transcript inside an
/// input directory (it would be overwritten and read next time); two outputs into one
/// file. `outputs` are `(flag, path)`; `-` (standard output) is not a file.
pub fn check_targets(inputs: &[PathBuf], outputs: &[(&str, &Path)]) -> anyhow::Result<()> {
    let outputs: Vec<(&str, &Path, PathBuf)> = outputs
        .iter()
        .filter(|(_, p)| p.as_os_str() != "-")
        .map(|&(f, p)| (f, p, identity(p)))
        .collect();
    let inputs: Vec<PathBuf> = inputs
        .iter()
        .filter(|p| p.as_os_str() != "-")
        .map(|p| identity(p))
        .collect();
    for (i, (flag, path, id)) in outputs.iter().enumerate() {
        let shown = path.display();
        if let Some((other, ..)) = outputs[..i].iter().find(|(.., o)| o == id) {
            anyhow::bail!("{flag} {shown}: the same file as {other}; refused");
        }
        let name = id.file_name().unwrap_or_default().to_string_lossy();
        let inside = |dir: &PathBuf| {
            dir.is_dir()
                && id.starts_with(dir)
                && id.is_file()
                && crate::input::is_transcript_name(&name)
                && crate::input::sniff::own_output_file(id).is_none()
        };
        if inputs
            .iter()
            .any(|p| p == id || same_inode(p, id) || inside(p))
        {
            anyhow::bail!("{flag} {shown}: is an input (or a transcript in one); refused");
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_output_replaces_its_target_only_when_committed() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("r.json");
        std::fs::write(&target, "earlier").unwrap();
        let mut out = Output::create(&target).unwrap();
        out.write_all(b"half a rep").unwrap();
        drop(out); // an error on the way
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "earlier");
        let mut out = Output::create(&target).unwrap();
        out.write_all(b"whole").unwrap();
        out.commit().unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "whole");
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temporary left"
        );
    }
}
