//! Expectations for `check`: from `--expect SCENARIO` or an experiment's
//! `expect.json`, and how an analysis is compared with them.
//!
//! `expect.json` holds `scenario` and one `min_<metric>`/`max_<metric>` key per
//! metric of DESIGN.md (seconds), e.g.
//! `{"scenario": "post-migration", "max_unavailable_s": 600, "max_eviction_s": 360}`.
//! Unknown keys are an error naming the file.
//!
//! Times are intervals, so a bound has three outcomes: it passes when the whole
//! interval is inside it, fails when the whole interval is outside, and is
//! inconclusive otherwise. An inconclusive bound is never rounded to a pass.

use serde::Serialize;

use crate::analysis::{Analysis, Metrics, Scenario};
use crate::timeline::Interval;

/// The metrics an expectation can bound, by their JSON names.
pub const METRICS: [&str; 5] = [
    "detection_s",
    "eviction_s",
    "replacement_s",
    "unavailable_s",
    "node_down_s",
];

/// A metric's interval by name.
pub fn metric(m: &Metrics, name: &str) -> Option<Interval> {
    match name {
        "detection_s" => m.detection_s,
        "eviction_s" => m.eviction_s,
        "replacement_s" => m.replacement_s,
        "unavailable_s" => m.unavailable_s,
        "node_down_s" => m.node_down_s,
        _ => None,
    }
}

/// The outcome of one check, and of an experiment (the worst of its checks).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// Every checked expectation held.
    Pass,
    /// Analysed without an expectation to check (no `expect.json`, no `--expect`):
    /// nothing passed or failed.
    Analysed,
    /// The evidence cannot say whether an expectation holds (an interval cuts a bound, a metric is not measurable).
    Inconclusive,
    /// An expectation does not hold.
    Fail,
    /// The experiment could not be analysed (read error, bad expect.json, panic).
    Error,
}

impl Outcome {
    /// The outcome's name, as the JSON writes it.
    pub fn name(self) -> &'static str {
        match self {
            Outcome::Pass => "pass",
            Outcome::Analysed => "analysed",
            Outcome::Inconclusive => "inconclusive",
            Outcome::Fail => "fail",
            Outcome::Error => "error",
        }
    }
}

/// Which side a bound limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Min,
    Max,
}

/// `min_<metric>` or `max_<metric>`, in seconds.
#[derive(Debug, Clone, PartialEq)]
pub struct Bound {
    pub metric: &'static str,
    pub side: Side,
    pub limit_s: f64,
}

/// What an experiment is expected to show.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Expectation {
    /// The expected scenario, if any.
    pub scenario: Option<Scenario>,
    /// Bounds on metrics (`max_unavailable_s`).
    pub bounds: Vec<Bound>,
}

/// Parses an `expect.json`; the error names the file.
pub fn parse(file: &str, bytes: &[u8]) -> Result<Expectation, String> {
    let v: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|e| format!("{file}: not valid JSON: {e}"))?;
    if !v.is_object() {
        return Err(format!("{file}: expected a JSON object"));
    }
    // Read again keeping every key: a key given twice is an error, not "last wins".
    let Keys(obj) =
        serde_json::from_slice(bytes).map_err(|e| format!("{file}: not valid JSON: {e}"))?;
    let mut seen = std::collections::HashSet::new();
    if let Some((key, _)) = obj.iter().find(|(k, _)| !seen.insert(k.as_str())) {
        return Err(format!("{file}: duplicate key `{key}`"));
    }
    let mut exp = Expectation::default();
    for (key, val) in &obj {
        if key == "scenario" {
            let s = val
                .as_str()
                .ok_or_else(|| format!("{file}: `scenario` must be a string"))?;
            exp.scenario = Some(Scenario::parse(s).ok_or_else(|| {
                format!("{file}: unknown scenario `{s}` (expected one of DESIGN.md's names)")
            })?);
            continue;
        }
        let (side, rest) = match key.split_once('_') {
            Some(("min", r)) => (Side::Min, r),
            Some(("max", r)) => (Side::Max, r),
            _ => return Err(unknown_key(file, key)),
        };
        let metric = METRICS
            .iter()
            .find(|m| **m == rest)
            .ok_or_else(|| unknown_key(file, key))?;
        let limit_s = val
            .as_f64()
            .filter(|x| x.is_finite())
            .ok_or_else(|| format!("{file}: `{key}` must be a number of seconds"))?;
        exp.bounds.push(Bound {
            metric,
            side,
            limit_s,
        });
    }
    Ok(exp)
}

/// A JSON object's members in order, duplicates kept.
struct Keys(Vec<(String, serde_json::Value)>);

impl<'de> serde::Deserialize<'de> for Keys {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Keys, D::Error> {
        struct Members;
        impl<'de> serde::de::Visitor<'de> for Members {
            type Value = Keys;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut m: A) -> Result<Keys, A::Error> {
                let mut out = Vec::new();
                while let Some(member) = m.next_entry()? {
                    out.push(member);
                }
                Ok(Keys(out))
            }
        }
        d.deserialize_map(Members)
    }
}

fn unknown_key(file: &str, key: &str) -> String {
    let known: Vec<String> = METRICS
        .iter()
        .flat_map(|m| [format!("min_{m}"), format!("max_{m}")])
        .collect();
    format!(
        "{file}: unknown key `{key}` (known: scenario, {})",
        known.join(", ")
    )
}

/// Compares an interval (ms) with a bound (s).
pub fn bound_outcome(i: Interval, b: &Bound) -> Outcome {
    let limit_ms = b.limit_s * 1000.0;
    let lo = i.lower().map(|v| v as f64);
    let hi = i.upper().map(|v| v as f64);
    let (inside, outside) = match b.side {
        Side::Max => (
            hi.is_some_and(|h| h <= limit_ms),
            lo.is_some_and(|l| l > limit_ms),
        ),
        Side::Min => (
            lo.is_some_and(|l| l >= limit_ms),
            hi.is_some_and(|h| h < limit_ms),
        ),
    };
    if inside {
        Outcome::Pass
    } else if outside {
        Outcome::Fail
    } else {
        Outcome::Inconclusive
    }
}

/// One finding about an experiment: a check that did not pass, with its reason.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// What this finding makes of the experiment.
    pub outcome: Outcome,
    /// Why, in a sentence.
    pub reason: String,
}

fn fmt_s(i: Option<Interval>) -> String {
    let side = |v: Option<i64>| v.map_or("?".to_string(), |v| format!("{}", v as f64 / 1000.0));
    match i {
        None => "null".into(),
        Some(i) => format!("[{}, {}] s", side(i.lower()), side(i.upper())),
    }
}

/// Compares an analysis with the expectation (or, without one, with "parses cleanly
/// and gets a conclusive scenario"). Returns every check that did not pass.
pub fn compare(a: &Analysis, exp: &Expectation) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut push = |outcome, reason: String| out.push(Finding { outcome, reason });
    for acc in &a.inputs {
        if let Some(e) = &acc.error {
            push(Outcome::Fail, format!("{}: {e}", acc.source));
        }
    }
    if a.inputs.iter().all(|acc| acc.rows == 0) {
        push(
            Outcome::Fail,
            "no table rows found in any transcript".into(),
        );
    }
    if let Some(finding) = scenario_finding(a, exp.scenario) {
        out.push(finding);
    }
    let mut push = |outcome, reason: String| out.push(Finding { outcome, reason });
    for b in &exp.bounds {
        let key = format!(
            "{}_{}",
            if b.side == Side::Min { "min" } else { "max" },
            b.metric
        );
        if a.incidents.is_empty() {
            push(
                Outcome::Inconclusive,
                format!("{key} {}: {} is null (no incident)", b.limit_s, b.metric),
            );
        }
        for inc in &a.incidents {
            let at = if a.incidents.len() > 1 {
                format!(" (node {})", inc.node)
            } else {
                String::new()
            };
            match metric(&inc.metrics, b.metric) {
                None => push(
                    Outcome::Inconclusive,
                    format!(
                        "{key} {}: {} is null (not measurable){at}",
                        b.limit_s, b.metric
                    ),
                ),
                Some(i) => match bound_outcome(i, b) {
                    Outcome::Pass => {}
                    o => push(
                        o,
                        format!(
                            "{key} {}: {} is {}{at}",
                            b.limit_s,
                            b.metric,
                            fmt_s(Some(i))
                        ),
                    ),
                },
            }
        }
    }
    out
}

/// What the analysis's scenario says against the expected one (`want`, or none
/// expected: then only an inconclusive analysis is news).
fn scenario_finding(a: &Analysis, want: Option<Scenario>) -> Option<Finding> {
    let found = |outcome, reason: String| Some(Finding { outcome, reason });
    let names = |c: &[Scenario]| c.iter().map(|s| s.name()).collect::<Vec<_>>().join(" or ");
    match want {
        None if !a.is_conclusive() => {
            let why = if a.candidates.len() > 1 {
                format!("scenario not conclusive: {}", names(&a.candidates))
            } else {
                format!("scenario not conclusive: {}", a.verdict)
            };
            found(Outcome::Inconclusive, why)
        }
        None => None,
        Some(want) if a.candidates.len() > 1 => {
            if a.candidates.contains(&want) {
                found(
                    Outcome::Inconclusive,
                    format!(
                        "expected {want}; the order of phases allows {}",
                        names(&a.candidates)
                    ),
                )
            } else {
                found(
                    Outcome::Fail,
                    format!("expected {want}; got {}", names(&a.candidates)),
                )
            }
        }
        Some(want) if a.scenario == want => None,
        Some(want) if a.scenario == Scenario::Inconclusive => found(
            Outcome::Inconclusive,
            format!("expected {want}; analysis inconclusive: {}", a.verdict),
        ),
        Some(want) => found(
            Outcome::Fail,
            format!("expected {want}; got {} ({})", a.scenario, a.verdict),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn max(s: f64) -> Bound {
        Bound {
            metric: "eviction_s",
            side: Side::Max,
            limit_s: s,
        }
    }
    fn min(s: f64) -> Bound {
        Bound {
            metric: "eviction_s",
            side: Side::Min,
            limit_s: s,
        }
    }
    fn iv(lo_s: i64, hi_s: i64) -> Interval {
        Interval::new(lo_s * 1000, hi_s * 1000)
    }

    #[test]
    fn a_max_bound_passes_only_when_the_whole_interval_is_below_it() {
        assert_eq!(bound_outcome(iv(300, 310), &max(360.0)), Outcome::Pass);
        assert_eq!(bound_outcome(iv(300, 360), &max(360.0)), Outcome::Pass);
        assert_eq!(
            bound_outcome(iv(350, 370), &max(360.0)),
            Outcome::Inconclusive
        );
        assert_eq!(bound_outcome(iv(361, 370), &max(360.0)), Outcome::Fail);
    }

    #[test]
    fn a_min_bound_passes_only_when_the_whole_interval_is_above_it() {
        assert_eq!(bound_outcome(iv(300, 310), &min(300.0)), Outcome::Pass);
        assert_eq!(
            bound_outcome(iv(290, 310), &min(300.0)),
            Outcome::Inconclusive
        );
        assert_eq!(bound_outcome(iv(200, 299), &min(300.0)), Outcome::Fail);
    }

    #[test]
    fn an_unbounded_side_is_inconclusive_unless_the_other_side_decides() {
        let upper_open = Interval::new(400_000, Interval::UNKNOWN.max_ms);
        assert_eq!(bound_outcome(upper_open, &max(360.0)), Outcome::Fail);
        assert_eq!(
            bound_outcome(upper_open, &max(500.0)),
            Outcome::Inconclusive
        );
        assert_eq!(bound_outcome(upper_open, &min(300.0)), Outcome::Pass);
        assert_eq!(
            bound_outcome(Interval::UNKNOWN, &min(0.0)),
            Outcome::Inconclusive
        );
        let lower_open = Interval::new(Interval::UNKNOWN.min_ms, 100_000);
        assert_eq!(bound_outcome(lower_open, &max(100.0)), Outcome::Pass);
        assert_eq!(bound_outcome(lower_open, &min(200.0)), Outcome::Fail);
    }

    #[test]
    fn expect_json_reads_scenario_and_bounds_and_refuses_unknown_keys() {
        let e = parse(
            "x/expect.json",
            br#"{"scenario": "post-migration", "max_unavailable_s": 600, "min_eviction_s": 1.5}"#,
        )
        .unwrap();
        assert_eq!(e.scenario, Some(Scenario::PostMigration));
        assert_eq!(e.bounds.len(), 2);
        let err = parse("x/expect.json", br#"{"max_unavail_s": 1}"#).unwrap_err();
        assert!(
            err.starts_with("x/expect.json: unknown key `max_unavail_s`"),
            "{err}"
        );
        let err = parse("x/expect.json", br#"{"scenario": "sideways"}"#).unwrap_err();
        assert!(err.contains("unknown scenario `sideways`"), "{err}");
        let err = parse("x/expect.json", br#"{"max_eviction_s": "5"}"#).unwrap_err();
        assert!(err.contains("must be a number"), "{err}");
    }
}
