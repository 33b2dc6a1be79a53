//! The laws, on simulated experiments with a hidden true clock (src/simulate):
//! every interval contains the true time, and the verdict names the true scenario.

use std::sync::Arc;

use watchtrail::input::{Origin, Source};
use watchtrail::simulate::{self, Config, Experiment, Return, Variant};
use watchtrail::timeline::{Interval, LinkOptions, Timelines};

fn sources(e: &Experiment) -> Vec<Source> {
    e.files
        .iter()
        .map(|f| Source {
            name: f.name.as_str().into(),
            origin: Origin::Bytes(Arc::from(f.text.as_bytes())),
        })
        .collect()
}

fn run(e: &Experiment) -> (Timelines, watchtrail::analysis::Analysis) {
    let ing = watchtrail::ingest::ingest(&sources(e)).unwrap();
    let t = watchtrail::timeline::build(&ing, LinkOptions::default());
    let a = watchtrail::analysis::analyze("sim", ing, t.clone());
    (t, a)
}

/// Checks every state start and touch against the true time of its line. Returns the
/// widths (ms) of pod event intervals whose AGE was under 2 minutes, and the misses.
fn check_intervals(e: &Experiment, t: &Timelines) -> (Vec<i64>, Vec<String>) {
    let mut widths = Vec::new();
    let mut misses = Vec::new();
    // The simulator's t = 0 is the Deployment's creation; watchtrail's is the
    // earliest-created workload, the same object when a deployments stream exists.
    let mut check = |at: &Interval, source: &str, line: u64, is_pod_event: bool| {
        let Some(truth) = e.truth.line(source, line as usize) else {
            return;
        };
        let ms = (truth.time * 1000.0).round() as i64;
        if !(at.min_ms - 1 <= ms && ms <= at.max_ms + 1) {
            misses.push(format!(
                "{source}:{line}: true {:.3} s not in [{:?}, {:?}]",
                truth.time,
                at.lower(),
                at.upper()
            ));
        }
        let young = truth
            .object
            .as_ref()
            .is_some_and(|o| truth.time - o.created < 120.0);
        if is_pod_event && young {
            if let Some(w) = at.width() {
                widths.push(w);
            }
        }
    };
    for o in &t.objects {
        let pod = o.key.kind == watchtrail::tables::ResourceKind::Pod;
        for s in &o.states {
            let l = &s.lines[0];
            if s.from_is_event {
                check(&s.from, &l.source, l.line, pod);
            } else {
                check(&s.last_seen.min_with(&s.from), &l.source, l.line, false);
            }
            for touch in &s.touches {
                check(&touch.at, &touch.line.source, touch.line.line, pod);
            }
        }
    }
    (widths, misses)
}

trait FirstLine {
    fn min_with(&self, from: &Interval) -> Interval;
}

impl FirstLine for Interval {
    /// The first line of a first state: its time is the upper end of `from`.
    fn min_with(&self, from: &Interval) -> Interval {
        let _ = self;
        Interval::new(-i64::MAX / 8, from.max_ms)
    }
}

fn variants() -> Vec<Variant> {
    vec![
        Variant::NoFailure,
        Variant::PowerOff(Return::BeforeEviction),
        Variant::PowerOff(Return::MidMigration),
        Variant::PowerOff(Return::PostMigration),
        Variant::PowerOff(Return::Never),
        Variant::PowerOff(Return::CaptureEndsFirst),
    ]
}

#[test]
fn every_interval_contains_the_true_time() {
    let mut all_widths = Vec::new();
    let mut misses = Vec::new();
    for seed in 0..12u64 {
        for v in variants() {
            let e = simulate::run(&Config::new(seed, v));
            let (t, _) = run(&e);
            let (w, m) = check_intervals(&e, &t);
            all_widths.extend(w);
            misses.extend(
                m.into_iter()
                    .map(|x| format!("seed {seed} {}: {x}", v.name())),
            );
        }
    }
    assert!(
        misses.is_empty(),
        "{} misses, first: {:#?}",
        misses.len(),
        &misses[..misses.len().min(10)]
    );
    all_widths.sort_unstable();
    let median = all_widths.get(all_widths.len() / 2).copied().unwrap_or(0);
    eprintln!(
        "pod events under 2 minutes old: {} intervals, median width {} ms",
        all_widths.len(),
        median
    );
}

#[test]
fn the_verdict_names_the_true_scenario() {
    let mut wrong = Vec::new();
    let mut total = 0;
    for seed in 0..12u64 {
        for v in variants() {
            let e = simulate::run(&Config::new(seed, v));
            let (_, a) = run(&e);
            total += 1;
            if a.scenario.name() != e.truth.scenario {
                wrong.push(format!(
                    "seed {seed} {}: truth {}, got {} ({})",
                    v.name(),
                    e.truth.scenario,
                    a.scenario,
                    a.verdict
                ));
            }
        }
    }
    eprintln!("{} of {total} verdicts right", total - wrong.len());
    assert!(
        wrong.is_empty(),
        "{} wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

/// `SIM_DUMP=/tmp/x SIM_SEED=3 cargo test --test simulated dump -- --ignored`: writes one
/// mid-migration experiment's transcripts and truth for a look.
#[test]
#[ignore]
fn dump() {
    let dir = std::env::var("SIM_DUMP").unwrap();
    let seed: u64 = std::env::var("SIM_SEED").unwrap().parse().unwrap();
    let v = variants()[std::env::var("SIM_V")
        .map(|s| s.parse().unwrap())
        .unwrap_or(2)];
    let e = simulate::run(&Config::new(seed, v));
    std::fs::create_dir_all(&dir).unwrap();
    for f in &e.files {
        std::fs::write(format!("{dir}/{}", f.name), &f.text).unwrap();
    }
    std::fs::write(
        format!("{dir}/truth.txt"),
        format!(
            "{:#?}",
            (
                e.truth.scenario,
                e.truth.f,
                e.truth.e,
                e.truth.r,
                e.truth.n,
                e.truth.node_ready
            )
        ),
    )
    .unwrap();
}
