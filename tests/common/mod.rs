//! What the integration tests share: where the repository and its samples are, the
//! binary as a command, a run's outcome, sources from bytes and the pipeline over
//! sample folders. Each test binary includes it with `mod common;` and uses a part.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::Arc;

use watchtrail::analysis::Analysis;
use watchtrail::input::{Origin, Source};

/// The sample experiments under `samples/`, each with its `expect.json`.
pub const SAMPLES: [&str; 5] = [
    "in-place",
    "mid-migration",
    "no-failure",
    "ongoing",
    "post-migration",
];

/// The repository's root (the tests run the binary from there).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The `samples/` folder.
pub fn samples() -> PathBuf {
    root().join("samples")
}

/// The bytes of a file under `samples/` (`in-place/pods.log`).
pub fn sample(rel: &str) -> Vec<u8> {
    std::fs::read(samples().join(rel)).expect("sample exists")
}

/// The binary under test: `WATCHTRAIL_BIN` when set (a release build, say), else the
/// one cargo built for the tests.
pub fn bin() -> PathBuf {
    std::env::var_os("WATCHTRAIL_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_watchtrail")))
}

/// The binary as a command run in `dir`, without colour, stopped after two minutes
/// (a hang fails the test rather than the suite).
pub fn watchtrail_in(dir: &Path) -> assert_cmd::Command {
    let mut c = assert_cmd::Command::new(bin());
    c.current_dir(dir)
        .env("NO_COLOR", "1")
        .timeout(std::time::Duration::from_secs(120));
    c
}

/// The binary as a command run at the repository's root (sample paths are relative).
pub fn watchtrail() -> assert_cmd::Command {
    watchtrail_in(&root())
}

/// What one run of the binary gave, its output read as text.
pub struct Out {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl From<std::process::Output> for Out {
    fn from(o: std::process::Output) -> Out {
        Out {
            code: o.status.code(),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }
}

/// Runs the binary in `dir` with `args` and nothing on standard input (it is closed
/// at once).
pub fn run_in(dir: &Path, args: &[&str]) -> Out {
    watchtrail_in(dir)
        .args(args)
        .output()
        .expect("the binary runs")
        .into()
}

/// The standard output of a run at the repository's root that must succeed (its
/// standard error is shown when it does not).
pub fn stdout_of(args: &[&str]) -> String {
    let out = watchtrail().args(args).output().expect("the binary runs");
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

/// A source named `name` holding `bytes`, as a tar entry is read.
pub fn source(name: &str, bytes: impl Into<Arc<[u8]>>) -> Source {
    Source {
        name: name.into(),
        origin: Origin::Bytes(bytes.into()),
    }
}

/// Every row of the sources, nothing folded: for checking the parser row by row.
pub fn observations(sources: &[Source]) -> Vec<watchtrail::observe::Observation> {
    watchtrail::ingest::ingest_every_row(sources)
        .expect("sources readable")
        .observations
}

/// The analysis of the experiment at `paths` (files or folders), named as the CLI
/// names it.
pub fn analysis_of(paths: &[PathBuf]) -> Analysis {
    let (sources, _) = watchtrail::input::resolve(paths).expect("the inputs read");
    watchtrail::analyze(&sources, &watchtrail::Options::for_paths(paths))
        .expect("the pipeline runs")
}

/// Every row of one transcript file (nothing folded), with its account.
pub fn ingest(path: &Path) -> watchtrail::ingest::Ingested {
    let src = Source {
        name: path.to_string_lossy().into(),
        origin: Origin::File(path.to_path_buf()),
    };
    watchtrail::ingest::ingest_every_row(&[src]).expect("transcript readable")
}
