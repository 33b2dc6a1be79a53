//! Whole-experiment tests: determinism and FORMAT.md sanity per variant.

use super::*;

#[test]
fn same_seed_same_bytes() {
    for v in Variant::all() {
        let a = run(&Config::new(7, v));
        let b = run(&Config::new(7, v));
        assert_eq!(a.files, b.files, "{}", v.name());
    }
}

#[test]
#[ignore = "prints a sample; run with --ignored --nocapture"]
fn print_sample() {
    let seed: u64 = std::env::var("SIM_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1);
    let idx: usize = std::env::var("SIM_VARIANT")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3);
    let e = run(&Config::new(seed, Variant::all()[idx]));
    for f in &e.files {
        println!("==> {} <==\n{}", f.name, f.text);
    }
    let t = &e.truth;
    println!(
        "{} {} {:?} inj={:?} F={:?} E={:?} R={:?} N={:?} ready={:?}\n{:?}",
        t.scenario,
        t.variant,
        t.failed_nodes,
        t.injected,
        t.f,
        t.e,
        t.r,
        t.n,
        t.node_ready,
        t.metrics
    );
}
