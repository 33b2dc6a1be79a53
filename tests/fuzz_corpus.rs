//! Replays the fuzz corpus without cargo-fuzz: every file of `fuzz/corpus/<target>/`
//! (the seeds) and `fuzz/regressions/<target>/` (inputs that once crashed or hung a
//! fuzzer) goes through the same target body the fuzzer runs (`fuzz/targets.rs`).
//!
//! `cargo test --test fuzz_corpus -- --ignored regenerate_seed_corpus` rewrites the
//! seeds from `samples/` and `tests/fixtures/` (see fuzz/README.md).

use std::collections::BTreeSet;
use std::fs;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

#[path = "../fuzz/targets.rs"]
mod targets;

fn files_in(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .map(|e| e.expect("a readable directory entry").path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

#[test]
fn every_corpus_and_regression_input_passes_its_target() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut failures = Vec::new();
    // Generous: the slowest seed takes well under a second in a debug build.
    let slow = Duration::from_secs(20);
    for (name, run) in targets::TARGETS {
        let seeds = files_in(&root.join("corpus").join(name));
        assert!(!seeds.is_empty(), "fuzz/corpus/{name} holds no seeds");
        let regressions = files_in(&root.join("regressions").join(name));
        for file in seeds.iter().chain(&regressions) {
            let data = fs::read(file).expect("a readable corpus file");
            let started = Instant::now();
            if let Err(p) = catch_unwind(AssertUnwindSafe(|| run(&data))) {
                let why = p
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default();
                failures.push(format!("{}: {why}", file.display()));
            }
            let took = started.elapsed();
            if took > slow {
                failures.push(format!("{}: took {took:?}", file.display()));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

// ---------------------------------------------------------------------------------
// Seeds
// ---------------------------------------------------------------------------------

/// Most `split_row` and `duration` seeds kept (the first of each distinct shape).
const MAX_ROW_SEEDS: usize = 120;
const MAX_DURATION_SEEDS: usize = 80;

fn write_seed(dir: &Path, name: &str, data: &[u8]) {
    fs::write(dir.join(name), data).expect("writing a seed");
}

fn fresh_dir(dir: &Path) {
    if dir.exists() {
        fs::remove_dir_all(dir).expect("removing old seeds");
    }
    fs::create_dir_all(dir).expect("creating the seed directory");
}

/// `samples/<experiment>/<file>` and `tests/fixtures/{bad,noise}/<file>` transcripts.
fn transcripts(repo: &Path) -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    for dir in files_in_dirs(&repo.join("samples")) {
        let exp = dir.file_name().unwrap().to_string_lossy().into_owned();
        for f in files_in(&dir) {
            let name = f.file_name().unwrap().to_string_lossy().into_owned();
            if watchtrail::input::is_transcript_name(&name) {
                out.push((format!("{exp}-{name}"), f));
            }
        }
    }
    for kind in ["bad", "noise"] {
        for f in files_in(&repo.join("tests/fixtures").join(kind)) {
            let name = f.file_name().unwrap().to_string_lossy().into_owned();
            if name.ends_with(".log") || name.ends_with(".bin") {
                out.push((format!("{kind}-{name}"), f));
            }
        }
    }
    out
}

fn files_in_dirs(dir: &Path) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = fs::read_dir(dir)
        .expect("a readable directory")
        .map(|e| e.expect("an entry").path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

/// Rewrites `fuzz/corpus/*` from the samples and fixtures. Run by hand (it is
/// `#[ignore]`d), then review and commit the result.
#[test]
#[ignore]
fn regenerate_seed_corpus() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let corpus = repo.join("fuzz/corpus");
    let files = transcripts(repo);

    // capture: every transcript as it is.
    let dir = corpus.join("capture");
    fresh_dir(&dir);
    for (name, path) in &files {
        write_seed(&dir, name, &fs::read(path).unwrap());
    }

    // pipeline: each sample experiment's files joined; every other transcript alone.
    let dir = corpus.join("pipeline");
    fresh_dir(&dir);
    for exp in files_in_dirs(&repo.join("samples")) {
        let logs: Vec<Vec<u8>> = files_in(&exp)
            .iter()
            .filter(|f| {
                watchtrail::input::is_transcript_name(&f.file_name().unwrap().to_string_lossy())
            })
            .map(|f| fs::read(f).unwrap())
            .collect();
        let logs: Vec<&[u8]> = logs.iter().map(Vec::as_slice).collect();
        let name = exp.file_name().unwrap().to_string_lossy().into_owned();
        write_seed(&dir, &name, &targets::encode_pipeline_input(&logs));
    }
    let fixtures = files
        .iter()
        .filter(|(n, _)| n.starts_with("bad-") || n.starts_with("noise-"));
    for (name, path) in fixtures {
        write_seed(&dir, name, &fs::read(path).unwrap());
    }

    row_and_duration_seeds(&corpus, &files);
    let dur_dir = corpus.join("duration");
    // A few texts the ms half of the duration target reads (8 bytes or more).
    for (i, t) in ["<invalid>", "<unknown>", "292y0000", "7y364d00"]
        .iter()
        .enumerate()
    {
        write_seed(&dur_dir, &format!("long-{i}"), t.as_bytes());
    }
}

/// The split_row seeds (every transcript's rows with their table's classes and header
/// positions, one a shape) and the duration seeds (their duration cells).
fn row_and_duration_seeds(corpus: &Path, files: &[(String, std::path::PathBuf)]) {
    use watchtrail::tables::cells::CellClass;
    use watchtrail::tables::{Item, Tabler};
    // split_row: the rows of every transcript with their table's classes and header
    // positions; duration: the duration cells of those rows.
    let row_dir = corpus.join("split_row");
    let dur_dir = corpus.join("duration");
    fresh_dir(&row_dir);
    fresh_dir(&dur_dir);
    let mut shapes = BTreeSet::new();
    let mut durations = BTreeSet::new();
    let mut rows = 0;
    for (name, path) in files {
        let mut tabler = Tabler::new(0);
        let stem = name.rsplit_once('.').map_or(name.as_str(), |(s, _)| s);
        for cl in watchtrail::capture::capture_bytes(&fs::read(path).unwrap()) {
            let Item::Row(row) = tabler.push(cl) else {
                continue;
            };
            let classes = row.schema.classes();
            for (cell, class) in row.cells().zip(&classes) {
                let cell = match class {
                    CellClass::Duration | CellClass::OptDuration => cell,
                    CellClass::Restarts => watchtrail::tables::cells::restarts(cell)
                        .and_then(|r| r.ago)
                        .unwrap_or(""),
                    _ => "",
                };
                if !cell.is_empty()
                    && durations.len() < MAX_DURATION_SEEDS
                    && durations.insert(cell.to_string())
                {
                    write_seed(
                        &dur_dir,
                        &format!("{stem}-{}", durations.len()),
                        cell.as_bytes(),
                    );
                }
            }
            // One seed per (classes, shape of the gaps): rows that differ only in
            // their words add nothing.
            let shape: String = row
                .text
                .chars()
                .map(|c| if c.is_whitespace() { ' ' } else { 'x' })
                .collect::<String>()
                .split('x')
                .filter(|g| !g.is_empty())
                .map(|g| g.len().to_string())
                .collect::<Vec<_>>()
                .join(",");
            if rows >= MAX_ROW_SEEDS || !shapes.insert((format!("{classes:?}"), shape)) {
                continue;
            }
            rows += 1;
            let positions = (!row.schema.positions.is_empty()).then_some(&row.schema.positions);
            if classes.is_empty() || classes.len() > targets::MAX_COLUMNS {
                continue;
            }
            let input =
                targets::encode_split_input(&classes, positions.map(|p| p.as_slice()), &row.text);
            write_seed(&row_dir, &format!("{stem}-{}", row.line), &input);
        }
    }
}
