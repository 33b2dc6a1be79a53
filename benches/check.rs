//! `check` over a generated archive of 10,000 small experiments: a tar built in memory
//! whose experiments are the samples' pods and deployments transcripts (kubectl's own
//! output) with the deployment renamed per experiment. Measures discovery from the tar
//! bytes plus the parallel analysis and comparison with an expect.json.

use std::io::Cursor;

use criterion::{criterion_group, criterion_main, Criterion};
use watchtrail::check::{self, Discovered, Limits};

const EXPERIMENTS: usize = 10_000;

const KINDS: [(&str, &str, &str); 5] = [
    (
        "in-place",
        include_str!("../samples/in-place/pods.log"),
        include_str!("../samples/in-place/deployments.log"),
    ),
    (
        "mid-migration",
        include_str!("../samples/mid-migration/pods.log"),
        include_str!("../samples/mid-migration/deployments.log"),
    ),
    (
        "no-failure",
        include_str!("../samples/no-failure/pods.log"),
        include_str!("../samples/no-failure/deployments.log"),
    ),
    (
        "ongoing",
        include_str!("../samples/ongoing/pods.log"),
        include_str!("../samples/ongoing/deployments.log"),
    ),
    (
        "post-migration",
        include_str!("../samples/post-migration/pods.log"),
        include_str!("../samples/post-migration/deployments.log"),
    ),
];

fn append(tar: &mut tar::Builder<Vec<u8>>, path: &str, body: &[u8]) {
    let mut h = tar::Header::new_gnu();
    h.set_size(body.len() as u64);
    h.set_mode(0o644);
    h.set_cksum();
    tar.append_data(&mut h, path, body).expect("in-memory tar");
}

fn archive() -> Vec<u8> {
    let mut tar = tar::Builder::new(Vec::new());
    for i in 0..EXPERIMENTS {
        let (name, pods, deploys) = KINDS[i % KINDS.len()];
        let app = format!("web-{i:05}");
        let dir = format!("runs/{i:05}-{name}");
        append(
            &mut tar,
            &format!("{dir}/pods.log"),
            pods.replace("nginx-deployment", &app).as_bytes(),
        );
        append(
            &mut tar,
            &format!("{dir}/deployments.log"),
            deploys.replace("nginx-deployment", &app).as_bytes(),
        );
        append(
            &mut tar,
            &format!("{dir}/expect.json"),
            format!("{{\"scenario\": \"{name}\"}}").as_bytes(),
        );
    }
    tar.into_inner().expect("in-memory tar")
}

fn bench(c: &mut Criterion) {
    let bytes = archive();
    let mut g = c.benchmark_group("check");
    g.sample_size(10);
    g.bench_function("10k-experiments", |b| {
        b.iter(|| {
            let mut found = Discovered::default();
            check::discover::read_tar(
                "runs.tar",
                Cursor::new(&bytes),
                &Limits::default(),
                &mut found,
            )
            .expect("generated archive reads");
            assert_eq!(found.experiments.len(), EXPERIMENTS);
            let results = check::run_all(&found.experiments, None, |_| {});
            let report = check::Report::new(vec!["runs.tar".into()], results, found.problems);
            assert!(report.all_passed(), "{:?}", report.summary.by_outcome);
            criterion::black_box(report.summary.experiments)
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
