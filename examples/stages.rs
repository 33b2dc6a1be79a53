//! How long each stage of `analyze` takes on the given files or directories, one
//! experiment, timed around each: ingest (capture, tables, observations), timeline
//! (tracks, network, settling, clock, assembly), analysis (incidents and their
//! questions) and the JSON report written to a sink. For docs/PERFORMANCE.md:
//!
//! ```sh
//! RAYON_NUM_THREADS=1 cargo run --release --example stages -- s210n/pods.log
//! ```

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use watchtrail::Options;

fn main() -> ExitCode {
    let paths: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    if paths.is_empty() {
        eprintln!("usage: stages FILE|DIR...");
        return ExitCode::from(2);
    }
    let sources = match watchtrail::input::resolve(&paths) {
        Ok((sources, _)) => sources,
        Err(e) => {
            eprintln!("stages: {e}");
            return ExitCode::from(2);
        }
    };
    let options = Options::for_paths(&paths);
    let start = Instant::now();
    let mut ing = match watchtrail::ingest(&sources, &options) {
        Ok(ing) => ing,
        Err(e) => {
            eprintln!("stages: {e}");
            return ExitCode::from(2);
        }
    };
    let rows = ing.observations.len();
    let ingested = Instant::now();
    let timelines = watchtrail::timeline(&mut ing, &options);
    let timed = Instant::now();
    let analysis = watchtrail::analyze_timelines(&ing, timelines, &options);
    let analysed = Instant::now();
    let mut sink = Counted(0);
    let written = watchtrail::output::json::write_pretty(&mut sink, &analysis);
    let reported = Instant::now();
    if let Err(e) = written {
        eprintln!("stages: {e}");
        return ExitCode::from(2);
    }
    let secs = |a: Instant, b: Instant| (b - a).as_secs_f64();
    println!(
        "rows {rows}  incidents {}  ingest {:.2} s  timeline {:.2} s  analysis {:.2} s  \
         json {:.2} s ({} bytes)",
        analysis.incidents.len(),
        secs(start, ingested),
        secs(ingested, timed),
        secs(timed, analysed),
        secs(analysed, reported),
        sink.0,
    );
    ExitCode::SUCCESS
}

/// A writer that only counts what it is given.
struct Counted(usize);

impl Write for Counted {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len();
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
