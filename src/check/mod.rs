//! `watchtrail check`: batch over archives of experiments.
//!
//! `discover` finds the experiments of every ARCHIVE (directory trees, tars, single
//! transcripts); [`run_all`] analyses them in parallel (rayon), each isolated so that
//! one bad experiment — even a panic — is reported as that experiment's error and never
//! stops the batch; `expect` compares each analysis with its expectation; and
//! [`summarize`] gives the counts and cross-run statistics. Rendering lives in
//! `output::check_text`, `output::junit` and `output::check_html`; the JSON document is
//! [`Report`] serialized as is.

pub mod discover;
pub(crate) mod expect;

use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};

use rayon::prelude::*;
use serde::Serialize;

use crate::analysis::{Metrics, Scenario};
pub use discover::{discover, DiscoverError, Discovered, Experiment, Limits, Problem};
pub use expect::{Expectation, Finding, Outcome, METRICS};

/// The outcome of one experiment.
#[derive(Debug, Clone, Serialize)]
pub struct ExperimentResult {
    /// `samples/in-place`, `runs.tgz:exp1`.
    pub name: String,
    /// `pass`, `analysed` (no expectation to check), `fail`, `inconclusive` or `error`:
    /// the worst of its findings.
    pub outcome: Outcome,
    /// The expected scenario, when one was given.
    pub expected: Option<Scenario>,
    /// Where the expectation came from: `--expect`, the expect.json path, or null.
    pub expect_source: Option<String>,
    /// The scenario found (null when the experiment could not be analysed).
    pub scenario: Option<Scenario>,
    /// Every scenario the evidence allows, when the order of phases is open.
    pub candidates: Vec<Scenario>,
    /// The analysis' verdict sentence.
    pub verdict: Option<String>,
    /// Number of incidents found.
    pub incidents: usize,
    /// The first incident's metrics (null without an incident).
    pub metrics: Option<Metrics>,
    /// Every check that did not pass, with its reason (empty on a pass).
    pub reasons: Vec<Finding>,
    /// Transcripts read.
    pub inputs: Vec<String>,
    /// Wall-clock seconds the analysis took (JUnit `time`; not in the JSON, which
    /// stays the same bytes run after run).
    #[serde(skip)]
    pub analysis_s: f64,
    /// The first incident's phases F, E, R, N (for the report's small timelines).
    #[serde(skip)]
    pub phases: [Option<crate::timeline::Interval>; 4],
}

/// Cross-run statistics of one metric over the interval midpoints.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Stat {
    /// How many runs measured it (bounded interval).
    pub runs: usize,
    /// The smallest midpoint.
    pub min_s: Option<f64>,
    /// The median of the midpoints.
    pub median_s: Option<f64>,
    /// The largest midpoint.
    pub max_s: Option<f64>,
}

/// Counts and statistics over all experiments.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    /// How many experiments were checked.
    pub experiments: usize,
    /// Experiments per outcome name.
    pub by_outcome: BTreeMap<&'static str, usize>,
    /// Experiments per scenario found (`error` when not analysed).
    pub by_scenario: BTreeMap<String, usize>,
    /// Per metric of DESIGN.md.
    pub metrics: BTreeMap<&'static str, Stat>,
}

/// The `check` JSON document (`"schema": "watchtrail/check/v1"`).
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// `watchtrail/check/v1`.
    pub schema: &'static str,
    /// The ARCHIVE arguments.
    pub archives: Vec<String>,
    /// One result per experiment, archives in order, each in natural order.
    pub experiments: Vec<ExperimentResult>,
    /// Non-fatal discovery findings (unreadable files, symlink loops, empty dirs).
    pub problems: Vec<Problem>,
    /// Counts and cross-run statistics.
    pub summary: Summary,
}

impl Report {
    /// The report of these results, summarised.
    pub fn new(
        archives: Vec<String>,
        experiments: Vec<ExperimentResult>,
        problems: Vec<Problem>,
    ) -> Report {
        let summary = summarize(&experiments);
        Report {
            schema: "watchtrail/check/v1",
            archives,
            experiments,
            problems,
            summary,
        }
    }

    /// Whether everything passed (or was analysed without an expectation) and nothing
    /// serious was found on the way.
    pub fn all_passed(&self) -> bool {
        !self.experiments.is_empty()
            && self
                .experiments
                .iter()
                .all(|e| matches!(e.outcome, Outcome::Pass | Outcome::Analysed))
            && !self.problems.iter().any(|p| p.serious)
    }
}

/// Discovers the experiments of every ARCHIVE. One that cannot be read (missing,
/// corrupt, over a limit) does not stop the others: it becomes a serious problem in
/// `out`, and its error is returned for the caller to report (exit 2).
pub fn discover_all(
    archives: &[std::path::PathBuf],
    limits: &Limits,
    out: &mut Discovered,
) -> Vec<DiscoverError> {
    let mut failed = Vec::new();
    for a in archives {
        let before = out.experiments.len();
        let found = discover(a, limits, out);
        out.experiments[before..].sort_by(|x, y| natural_cmp(&x.name, &y.name));
        if let Err(e) = found {
            let shown = a.to_string_lossy();
            let mut full = e.to_string();
            let mut cause = std::error::Error::source(&e);
            while let Some(c) = cause {
                full = format!("{full}: {c}");
                cause = c.source();
            }
            let reason = full
                .strip_prefix(&format!("{shown}: "))
                .unwrap_or(&full)
                .to_string();
            out.problems.push(Problem {
                path: shown.into_owned(),
                reason,
                serious: true,
            });
            failed.push(e);
        }
    }
    failed
}

fn error_result(exp: &Experiment, reason: String) -> ExperimentResult {
    ExperimentResult {
        name: exp.name.clone(),
        outcome: Outcome::Error,
        expected: None,
        expect_source: None,
        scenario: None,
        candidates: vec![],
        verdict: None,
        incidents: 0,
        metrics: None,
        reasons: vec![Finding {
            outcome: Outcome::Error,
            reason,
        }],
        inputs: exp.sources.iter().map(|s| s.name.to_string()).collect(),
        analysis_s: 0.0,
        phases: [None; 4],
    }
}

/// Analyses one experiment and compares it with its expectation. `forced` is
/// `--expect`, which overrides the scenario of an `expect.json` (its bounds still hold).
pub fn check_one(exp: &Experiment, forced: Option<Scenario>) -> ExperimentResult {
    let (mut expectation, mut source) = (Expectation::default(), None);
    if let Some((file, bytes)) = &exp.expect {
        match expect::parse(file, bytes) {
            Ok(e) => expectation = e,
            Err(reason) => return error_result(exp, reason),
        }
        source = Some(file.clone());
    }
    if let Some(s) = forced {
        expectation.scenario = Some(s);
        source = Some("--expect".into());
    }
    let started = std::time::Instant::now();
    let a = match crate::analyze(&exp.sources, &crate::Options::new(&exp.name)) {
        Ok(a) => a,
        Err(e) => return error_result(exp, e.to_string()),
    };
    let reasons = expect::compare(&a, &expectation);
    let unchecked = expectation == Expectation::default();
    let outcome = reasons
        .iter()
        .map(|f| f.outcome)
        .max()
        .unwrap_or(if unchecked {
            Outcome::Analysed
        } else {
            Outcome::Pass
        });
    let phases = a.incidents.first().map_or([None; 4], |i| {
        let p = &i.phases;
        [&p.F, &p.E, &p.R, &p.N].map(|ph| ph.as_ref().map(|ph| ph.at))
    });
    ExperimentResult {
        name: exp.name.clone(),
        outcome,
        expected: expectation.scenario,
        expect_source: source,
        scenario: Some(a.scenario),
        candidates: a.candidates.clone(),
        verdict: Some(a.verdict.clone()),
        incidents: a.incidents.len(),
        metrics: a.incidents.first().map(|i| i.metrics.clone()),
        reasons,
        inputs: exp.sources.iter().map(|s| s.name.to_string()).collect(),
        analysis_s: started.elapsed().as_secs_f64(),
        phases,
    }
}

/// `--require-expectations`: an experiment analysed without an expectation fails.
pub fn require_expectations(results: &mut [ExperimentResult]) {
    for r in results
        .iter_mut()
        .filter(|r| r.outcome == Outcome::Analysed)
    {
        r.outcome = Outcome::Fail;
        r.reasons.push(Finding {
            outcome: Outcome::Fail,
            reason: "no expectation (no expect.json, no --expect) and --require-expectations"
                .into(),
        });
    }
}

/// Compares names as people sort them: runs of digits by their value, so `e2` comes
/// before `e10`.
pub fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    fn chunks(s: &str) -> impl Iterator<Item = (bool, &str)> {
        let mut rest = s;
        std::iter::from_fn(move || {
            let first = rest.chars().next()?;
            let digit = first.is_ascii_digit();
            let end = rest
                .find(|c: char| c.is_ascii_digit() != digit)
                .unwrap_or(rest.len());
            let (head, tail) = rest.split_at(end);
            rest = tail;
            Some((digit, head))
        })
    }
    let (mut x, mut y) = (chunks(a), chunks(b));
    loop {
        let ord = match (x.next(), y.next()) {
            (None, None) => return a.cmp(b),
            (None, Some(_)) => return std::cmp::Ordering::Less,
            (Some(_), None) => return std::cmp::Ordering::Greater,
            (Some((true, p)), Some((true, q))) => {
                let (p, q) = (p.trim_start_matches('0'), q.trim_start_matches('0'));
                p.len().cmp(&q.len()).then_with(|| p.cmp(q))
            }
            (Some((_, p)), Some((_, q))) => p.cmp(q),
        };
        if ord != std::cmp::Ordering::Equal {
            return ord;
        }
    }
}

fn panic_message(p: &(dyn std::any::Any + Send)) -> String {
    p.downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into())
}

/// Checks every experiment in parallel, calling `done` after each; results keep the
/// experiments' order.
pub fn run_all(
    experiments: &[Experiment],
    forced: Option<Scenario>,
    done: impl Fn(&ExperimentResult) + Sync,
) -> Vec<ExperimentResult> {
    experiments
        .par_iter()
        .map(|exp| {
            let r = catch_unwind(AssertUnwindSafe(|| check_one(exp, forced))).unwrap_or_else(|p| {
                error_result(
                    exp,
                    format!("internal error (panic): {}", panic_message(&*p)),
                )
            });
            done(&r);
            r
        })
        .collect()
}

fn median(sorted: &[f64]) -> Option<f64> {
    let n = sorted.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(sorted[n / 2]),
        _ => Some((sorted[n / 2 - 1] + sorted[n / 2]) / 2.0),
    }
}

/// Counts per outcome and scenario, and min/median/max of each metric's midpoints.
pub fn summarize(results: &[ExperimentResult]) -> Summary {
    let mut s = Summary {
        experiments: results.len(),
        ..Default::default()
    };
    for r in results {
        *s.by_outcome.entry(r.outcome.name()).or_default() += 1;
        let scen = r
            .scenario
            .map_or("error".to_string(), |x| x.name().to_string());
        *s.by_scenario.entry(scen).or_default() += 1;
    }
    for m in METRICS {
        let mut mids: Vec<f64> = results
            .iter()
            .filter_map(|r| expect::metric(r.metrics.as_ref()?, m)?.mid())
            .map(|ms| ms as f64 / 1000.0)
            .collect();
        mids.sort_by(f64::total_cmp);
        s.metrics.insert(
            m,
            Stat {
                runs: mids.len(),
                min_s: mids.first().copied(),
                median_s: median(&mids),
                max_s: mids.last().copied(),
            },
        );
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_median_of_an_even_count_is_the_mean_of_the_middle_two() {
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[1.0]), Some(1.0));
        assert_eq!(median(&[1.0, 2.0, 10.0]), Some(2.0));
        assert_eq!(median(&[1.0, 2.0, 4.0, 10.0]), Some(3.0));
    }

    #[test]
    fn natural_order_puts_e2_before_e10() {
        let mut v = vec!["e10", "e2", "e1", "b", "e02x", "a10b2", "a10b10"];
        v.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(v, ["a10b2", "a10b10", "b", "e1", "e2", "e02x", "e10"]);
    }
}
