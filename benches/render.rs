//! Rendering a 1,000-pod experiment: the SVG picture and the HTML report, from an
//! analysis built by the real pipeline over a synthetic kubectl transcript.

use std::fmt::Write as _;
use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion};
use watchtrail::Options;

const PODS: usize = 1000;
const NODES: usize = 10;
/// Pods on this node are evicted and replaced.
const FAILED_NODE: usize = 3;

fn pod(i: usize) -> String {
    format!("web-7d9f8b6c5d-{i:05}")
}

fn row(out: &mut String, name: &str, ready: &str, status: &str, age: &str, ip: &str, node: usize) {
    let _ = writeln!(
        out,
        "{name}   {ready}     {status}   0          {age}   {ip}   node{node}   <none>           <none>"
    );
}

/// `kubectl get pods -w -o wide`: every pod Running, then the pods of one node turn
/// Terminating after the 300 s toleration and their replacements start elsewhere.
fn pods_transcript() -> String {
    let mut t = String::from(
        "NAME                    READY   STATUS    RESTARTS   AGE   IP           NODE     NOMINATED NODE   READINESS GATES\n",
    );
    for i in 0..PODS {
        let ip = format!("10.1.{}.{}", i / 250, i % 250 + 1);
        row(&mut t, &pod(i), "1/1", "Running", "40s", &ip, i % NODES);
    }
    let victims: Vec<usize> = (0..PODS).filter(|i| i % NODES == FAILED_NODE).collect();
    for &i in &victims {
        let ip = format!("10.1.{}.{}", i / 250, i % 250 + 1);
        row(
            &mut t,
            &pod(i),
            "1/1",
            "Terminating",
            "6m20s",
            &ip,
            FAILED_NODE,
        );
    }
    for (k, _) in victims.iter().enumerate() {
        let name = pod(PODS + k);
        let node = (k % (NODES - 1) + FAILED_NODE + 1) % NODES;
        row(&mut t, &name, "0/1", "Pending", "0s", "<none>", node);
        row(
            &mut t,
            &name,
            "0/1",
            "ContainerCreating",
            "0s",
            "<none>",
            node,
        );
        let ip = format!("10.2.{}.{}", k / 250, k % 250 + 1);
        row(&mut t, &name, "1/1", "Running", "3s", &ip, node);
    }
    t
}

fn nodes_transcript() -> String {
    let mut t = String::from("NAME    STATUS     ROLES    AGE   VERSION\n");
    for n in 0..NODES {
        let _ = writeln!(t, "node{n}   Ready      <none>   2d    v1.29.1");
    }
    let _ = writeln!(t, "node{FAILED_NODE}   NotReady   <none>   2d    v1.29.1");
    t
}

fn deployments_transcript() -> String {
    let evicted = PODS / NODES;
    format!(
        "NAME   READY       UP-TO-DATE   AVAILABLE   AGE\n\
         web    {PODS}/{PODS}   {PODS}         {PODS}        45s\n\
         web    {}/{PODS}    {PODS}         {}         80s\n\
         web    {PODS}/{PODS}   {PODS}         {PODS}        6m30s\n",
        PODS - evicted,
        PODS - evicted
    )
}

fn analysis(dir: &Path) -> watchtrail::analysis::Analysis {
    std::fs::write(dir.join("pods.log"), pods_transcript()).expect("write pods.log");
    std::fs::write(dir.join("nodes.log"), nodes_transcript()).expect("write nodes.log");
    std::fs::write(dir.join("deployments.log"), deployments_transcript())
        .expect("write deployments.log");
    let paths = [dir.to_path_buf()];
    let (sources, _) = watchtrail::input::resolve(&paths).expect("the directory reads");
    watchtrail::analyze(&sources, &Options::for_paths(&paths)).expect("the pipeline runs")
}

fn render(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tempdir");
    let a = analysis(dir.path());
    if let Ok(path) = std::env::var("WATCHTRAIL_BENCH_SVG") {
        let _ = std::fs::write(path, watchtrail::output::svg::render(&a));
    }
    let mut g = c.benchmark_group("render-1000-pods");
    g.sample_size(20);
    g.bench_function("svg", |b| b.iter(|| watchtrail::output::svg::render(&a)));
    g.bench_function("html", |b| {
        b.iter(|| {
            let mut out = Vec::with_capacity(1 << 20);
            watchtrail::output::html::write(&mut out, &a).expect("html");
            out
        })
    });
    g.finish();
}

criterion_group!(benches, render);
criterion_main!(benches);
