//! Parse throughput (capture → tables → observations) on a large kubectl-faithful pods
//! transcript made by the simulator, repeated to ~20 MB. Reports MB/s.

use std::sync::Arc;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use watchtrail::input::{Origin, Source};
use watchtrail::simulate::{self, Config, Return, Variant};

fn transcript() -> Vec<u8> {
    let mut text = String::new();
    let mut seed = 0;
    while text.len() < 20 << 20 {
        let e = simulate::run(&Config::new(seed, Variant::PowerOff(Return::PostMigration)));
        text.push_str(&e.file("pods.log").expect("pods.log").text);
        seed += 1;
    }
    text.into_bytes()
}

fn parse(c: &mut Criterion) {
    let bytes: Arc<[u8]> = transcript().into();
    let mut g = c.benchmark_group("parse");
    g.sample_size(10);
    g.throughput(Throughput::Bytes(bytes.len() as u64));
    g.bench_function("pods transcript", |b| {
        b.iter(|| {
            let src = Source {
                name: "pods.log".into(),
                origin: Origin::Bytes(bytes.clone()),
            };
            let ing = watchtrail::ingest(&[src], &watchtrail::Options::default()).unwrap();
            ing.observations.len()
        })
    });
    g.finish();
}

criterion_group!(benches, parse);
criterion_main!(benches);
