//! `analyze` (capture → tables → observations → timeline → analysis) on one long
//! kubectl-faithful pods watch made by `simulate::churn` (rollouts, crashes,
//! restarts): single thread and with all cores. The size is `WATCHTRAIL_BENCH_MB`
//! (default 20; the figure is 200, which takes minutes per sample).
//! A chaos soak of the same size (`simulate --churn SIZE --failures K`: ~10 node
//! failures a megabyte) is the hard case: every failure an incident, one thread and
//! all cores (`WATCHTRAIL_BENCH_SOAK=0` leaves it out).
//! A further case shuffles the same watch's rows (a capture that contradicts itself
//! throughout: every contradiction is resolved, then whole kinds of constraints go).
//! `docs/PERFORMANCE.md` has the figures and the side-by-side comparison with
//! `wc -l` and `awk` (`benches/ratios.sh`).

use std::sync::Arc;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use watchtrail::input::{Origin, Source};
use watchtrail::Options;

fn megabytes() -> u64 {
    std::env::var("WATCHTRAIL_BENCH_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20)
}

/// A chaos soak of the same size: 2,000 pods on 34 nodes, one node failure per
/// 100 KB (~2,000 in 200 MB, the hard case).
fn soak() -> Vec<u8> {
    let mb = megabytes();
    let mut out = Vec::new();
    let cfg = watchtrail::simulate::soak::SoakConfig::new(1, mb << 20, 2000, (mb * 10) as usize);
    watchtrail::simulate::soak::Soak::new(cfg)
        .write(&mut out)
        .expect("in memory");
    out
}

fn transcript() -> Vec<u8> {
    let mb = megabytes();
    let mut out = Vec::new();
    watchtrail::simulate::churn::write_transcript(&mut out, 1, mb << 20, 0.0).expect("in memory");
    out
}

fn analyze_once(bytes: &Arc<[u8]>) -> usize {
    let src = Source {
        name: "pods.log".into(),
        origin: Origin::Bytes(bytes.clone()),
    };
    let a = watchtrail::analyze(&[src], &Options::new("bench")).expect("in memory");
    a.incidents.len()
}

fn analyze(c: &mut Criterion) {
    let bytes: Arc<[u8]> = transcript().into();
    let mut g = c.benchmark_group("analyze");
    g.sample_size(10);
    g.throughput(Throughput::Bytes(bytes.len() as u64));
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("a pool");
    g.bench_function("pods watch, 1 thread", |b| {
        b.iter(|| one.install(|| analyze_once(&bytes)))
    });
    g.bench_function("pods watch, all cores", |b| b.iter(|| analyze_once(&bytes)));
    if std::env::var_os("WATCHTRAIL_BENCH_SOAK").is_none_or(|v| v != "0") {
        let chaos: Arc<[u8]> = soak().into();
        g.bench_function("chaos soak (node failures), 1 thread", |b| {
            b.iter(|| one.install(|| analyze_once(&chaos)))
        });
        g.bench_function("chaos soak (node failures), all cores", |b| {
            b.iter(|| analyze_once(&chaos))
        });
    }
    let mixed: Arc<[u8]> =
        watchtrail::simulate::churn::shuffle_rows(&bytes, 0x9e37_79b9_7f4a_7c15).into();
    g.bench_function("pods watch shuffled, 1 thread", |b| {
        b.iter(|| one.install(|| analyze_once(&mixed)))
    });
    g.finish();
}

criterion_group!(benches, analyze);
criterion_main!(benches);
